//! Registry identifiers: the NNU and the NIF.

use std::fmt;
use std::str::FromStr;

/// Número Nacional de Utente: nine digits, unique, never reused.
///
/// There is no public check digit (DOMAIN.md §1.1), so only the form is validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Nnu(u32);

impl Nnu {
    /// The number as an integer (leading zeros are not significant).
    pub fn get(self) -> u32 {
        self.0
    }

    /// Builds an NNU from an integer below 10⁹.
    pub fn from_u32(value: u32) -> Option<Nnu> {
        (value < 1_000_000_000).then_some(Nnu(value))
    }
}

/// Why a text is not an NNU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NnuError;

impl fmt::Display for NnuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the NNU must be nine digits")
    }
}

impl std::error::Error for NnuError {}

impl FromStr for Nnu {
    type Err = NnuError;

    /// Accepts nine digits, with spaces between groups as people type them (`123 456 789`).
    fn from_str(text: &str) -> Result<Nnu, NnuError> {
        let mut value: u32 = 0;
        let mut n_digits = 0;
        for c in text.trim().chars() {
            match c {
                '0'..='9' => {
                    n_digits += 1;
                    if n_digits > 9 {
                        return Err(NnuError);
                    }
                    value = value * 10 + (c as u32 - '0' as u32);
                }
                ' ' | '\u{a0}' => {}
                _ => return Err(NnuError),
            }
        }
        if n_digits == 9 {
            Ok(Nnu(value))
        } else {
            Err(NnuError)
        }
    }
}

impl fmt::Display for Nnu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

/// Número de Identificação Fiscal of a natural person: nine digits, mod-11 check digit,
/// prefix 1, 2, 3 or 45 (DOMAIN.md §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Nif(u32);

/// Why a text is not a personal NIF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NifError {
    /// Not nine digits.
    Format,
    /// The ninth digit does not match the mod-11 check.
    CheckDigit,
    /// A valid NIF, but of a company or other non-person entity.
    NotPersonal,
}

impl fmt::Display for NifError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NifError::Format => f.write_str("the NIF must be nine digits"),
            NifError::CheckDigit => f.write_str("the NIF fails its check digit"),
            NifError::NotPersonal => f.write_str("the NIF is not a natural person's (prefix 1, 2, 3 or 45)"),
        }
    }
}

impl std::error::Error for NifError {}

impl Nif {
    /// The check digit for the first eight digits (`base` < 10⁸).
    pub fn check_digit(base: u32) -> u32 {
        debug_assert!(base < 100_000_000);
        let mut sum = 0;
        let mut rest = base;
        for weight in 2..=9 {
            sum += weight * (rest % 10);
            rest /= 10;
        }
        let r = sum % 11;
        if r < 2 {
            0
        } else {
            11 - r
        }
    }

    /// Builds the NIF whose first eight digits are `base`.
    pub fn from_base(base: u32) -> Nif {
        Nif(base * 10 + Nif::check_digit(base))
    }

    /// The nine digits as an integer.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for Nif {
    type Err = NifError;

    fn from_str(text: &str) -> Result<Nif, NifError> {
        let text = text.trim();
        if text.len() != 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NifError::Format);
        }
        let value: u32 = text.parse().map_err(|_| NifError::Format)?;
        if Nif::check_digit(value / 10) != value % 10 {
            return Err(NifError::CheckDigit);
        }
        let personal = matches!(text.as_bytes()[0], b'1' | b'2' | b'3') || text.starts_with("45");
        if !personal {
            return Err(NifError::NotPersonal);
        }
        Ok(Nif(value))
    }
}

impl fmt::Display for Nif {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nif_examples_from_domain() {
        for (text, expected) in [
            ("123456789", Ok(())),
            ("234567899", Ok(())),
            ("300000006", Ok(())),
            ("451234561", Ok(())),
            ("501964843", Err(NifError::NotPersonal)),
            ("123456788", Err(NifError::CheckDigit)),
            ("12345678", Err(NifError::Format)),
            ("12345678a", Err(NifError::Format)),
        ] {
            assert_eq!(text.parse::<Nif>().map(|_| ()), expected, "{text}");
        }
        assert_eq!(Nif::from_base(12345678).to_string(), "123456789");
    }

    #[test]
    fn nnu_form() {
        assert_eq!("123456789".parse::<Nnu>().unwrap().to_string(), "123456789");
        assert_eq!("012 345 678".parse::<Nnu>().unwrap().to_string(), "012345678");
        assert!("12345678".parse::<Nnu>().is_err());
        assert!("1234567890".parse::<Nnu>().is_err());
        assert!("12345678X".parse::<Nnu>().is_err());
        assert!("".parse::<Nnu>().is_err());
    }
}
