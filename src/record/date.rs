//! Calendar dates without a time zone, and the date formats registries type.
//!
//! A `Date` is a proleptic Gregorian day. Parsing accepts the formats of DESIGN.md
//! (`yyyy-mm-dd`, `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `12 de março de 1980`) and tells a
//! malformed string apart from a well-formed but impossible date such as `31/02/2000`, because the
//! importer keeps the latter as typed and marks it invalid.

use std::fmt;

/// A calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 1980.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

/// Why a date string is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// The text is not in any accepted format.
    Format,
    /// The text has an accepted format but names a day that does not exist (`31/02/2000`).
    Impossible,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => f.write_str(
                "not a date (expected yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or '12 de março de 1980')",
            ),
            DateError::Impossible => f.write_str("no such day in the calendar"),
        }
    }
}

const MONTHS_PT: [&str; 12] = [
    "janeiro",
    "fevereiro",
    "marco",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];

impl Date {
    /// Builds a date, or `None` when the day does not exist.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses any accepted format.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let text = text.trim();
        // Fast path: the ISO form the store keeps.
        let b = text.as_bytes();
        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
            let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
            let number = |range: std::ops::Range<usize>| range.map(digit).try_fold(0u32, |acc, d| Some(acc * 10 + d?));
            if let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) {
                if year >= 1000 {
                    return Date::new(year as i32, month as u8, day as u8).ok_or(DateError::Impossible);
                }
            }
        }
        let (year, month, day) = split_numeric(text)
            .or_else(|| split_long_form(text))
            .ok_or(DateError::Format)?;
        if !(1000..=9999).contains(&year) {
            return Err(DateError::Format);
        }
        let (month, day) = (u8::try_from(month), u8::try_from(day));
        match (month, day) {
            (Ok(month), Ok(day)) => Date::new(year, month, day).ok_or(DateError::Impossible),
            _ => Err(DateError::Impossible),
        }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        // Howard Hinnant's days_from_civil.
        let y = self.year - i32::from(self.month <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i32::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i32::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i32) -> Date {
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i32::from(month <= 2);
        Date { year, month, day }
    }

    /// Whole years from `self` to `on` (an age).
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }

    /// The date as eight digits, `yyyymmdd`.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Number of days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn split_numeric(text: &str) -> Option<(i32, u32, u32)> {
    let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = text.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    if parts[0].len() == 4 && sep == '-' && parts[1].len() <= 2 && parts[2].len() <= 2 {
        Some((num(parts[0])? as i32, num(parts[1])?, num(parts[2])?))
    } else if parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        Some((num(parts[2])? as i32, num(parts[1])?, num(parts[0])?))
    } else {
        None
    }
}

fn split_long_form(text: &str) -> Option<(i32, u32, u32)> {
    // "12 de março de 1980", "12 março 1980", "12 de Marco de 1980".
    let folded = super::normalize::fold(text);
    let words: Vec<&str> = folded.split_whitespace().filter(|w| *w != "de").collect();
    if words.len() != 3 {
        return None;
    }
    let day = words[0].trim_end_matches(['o', 'º']).parse::<u32>().ok()?;
    let month = MONTHS_PT.iter().position(|m| *m == words[1])? as u32 + 1;
    let year = words[2].parse::<i32>().ok()?;
    Some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, DateError>) {
        let got = Date::parse(text).map(|d| d.to_string());
        assert_eq!(got, expected.map(str::to_string), "parsing {text:?}");
    }

    #[test]
    fn formats() {
        check("1980-03-12", Ok("1980-03-12"));
        check("12/03/1980", Ok("1980-03-12"));
        check("12-03-1980", Ok("1980-03-12"));
        check("12.03.1980", Ok("1980-03-12"));
        check("2/3/1980", Ok("1980-03-02"));
        check("12 de março de 1980", Ok("1980-03-12"));
        check("12 de Marco de 1980", Ok("1980-03-12"));
        check("1 de janeiro de 1950", Ok("1950-01-01"));
        check(" 29/02/2000 ", Ok("2000-02-29"));
        check("31/02/2000", Err(DateError::Impossible));
        check("29/02/1900", Err(DateError::Impossible));
        check("13/13/2000", Err(DateError::Impossible));
        check("1980/03/12", Err(DateError::Format));
        check("12031980", Err(DateError::Format));
        check("ontem", Err(DateError::Format));
        check("", Err(DateError::Format));
        check("12 de brumário de 1980", Err(DateError::Format));
    }

    #[test]
    fn epoch_days_round_trip() {
        for days in (-80_000..80_000).step_by(7) {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days);
            assert!(Date::new(date.year, date.month, date.day).is_some());
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
    }

    #[test]
    fn age() {
        let birth = Date::new(2000, 6, 15).unwrap();
        assert_eq!(birth.years_until(Date::new(2018, 6, 14).unwrap()), 17);
        assert_eq!(birth.years_until(Date::new(2018, 6, 15).unwrap()), 18);
    }
}
