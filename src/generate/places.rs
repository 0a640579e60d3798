//! Birthplaces, places of residence and health units, on the real division table.
//!
//! Concelhos are weighted by population (2021 census orders of magnitude: the big concelhos by
//! name, the rest of each distrito shared evenly), so Lisboa, Porto, Braga, Setúbal and Aveiro
//! dominate. People born before 1970 are spread more evenly (the interior was more populous
//! then). Foreigners live mostly in the Lisbon area, the Algarve (British retirees) and, for the
//! South Asian communities, also in Odemira. Each concelho has 1–4 synthetic health units
//! (`U<concelho code><nn>`), more in the bigger ones.

use super::names::Community;
use super::rng::{Rng, Weighted};
use crate::record::divisions::{Divisions, Parish};

/// Distrito (or island) populations, thousands.
const DISTRICT_POPULATION: &[(&str, f64)] = &[
    ("01", 700.0),
    ("02", 144.0),
    ("03", 848.0),
    ("04", 122.0),
    ("05", 178.0),
    ("06", 421.0),
    ("07", 152.0),
    ("08", 467.0),
    ("09", 143.0),
    ("10", 458.0),
    ("11", 2275.0),
    ("12", 105.0),
    ("13", 1787.0),
    ("14", 425.0),
    ("15", 875.0),
    ("16", 231.0),
    ("17", 185.0),
    ("18", 353.0),
    ("31", 245.0),
    ("32", 5.0),
    ("41", 5.4),
    ("42", 134.0),
    ("43", 53.0),
    ("44", 4.0),
    ("45", 8.4),
    ("46", 13.9),
    ("47", 14.3),
    ("48", 3.4),
    ("49", 0.4),
];

/// Populations of the bigger concelhos, thousands.
const MUNICIPALITY_POPULATION: &[(&str, f64)] = &[
    ("0105", 80.0),
    ("0109", 137.0),
    ("0113", 66.0),
    ("0115", 55.0),
    ("0205", 33.0),
    ("0211", 29.0),
    ("0302", 116.0),
    ("0303", 193.0),
    ("0308", 156.0),
    ("0312", 133.0),
    ("0402", 34.0),
    ("0502", 52.0),
    ("0503", 47.0),
    ("0603", 140.0),
    ("0605", 58.0),
    ("0705", 53.0),
    ("0801", 44.0),
    ("0805", 67.0),
    ("0807", 34.0),
    ("0808", 72.0),
    ("0810", 45.0),
    ("0811", 59.0),
    ("0813", 37.0),
    ("0814", 26.0),
    ("0907", 40.0),
    ("1001", 54.0),
    ("1006", 51.0),
    ("1009", 128.0),
    ("1015", 51.0),
    ("1105", 214.0),
    ("1106", 545.0),
    ("1107", 201.0),
    ("1109", 86.0),
    ("1110", 171.0),
    ("1111", 385.0),
    ("1113", 83.0),
    ("1114", 137.0),
    ("1115", 171.0),
    ("1116", 148.0),
    ("1214", 22.0),
    ("1301", 52.0),
    ("1303", 55.0),
    ("1304", 164.0),
    ("1306", 135.0),
    ("1308", 172.0),
    ("1310", 84.0),
    ("1311", 69.0),
    ("1312", 232.0),
    ("1314", 67.0),
    ("1315", 94.0),
    ("1316", 80.0),
    ("1317", 304.0),
    ("1416", 58.0),
    ("1503", 177.0),
    ("1504", 78.0),
    ("1506", 66.0),
    ("1507", 55.0),
    ("1508", 68.0),
    ("1510", 166.0),
    ("1511", 52.0),
    ("1512", 123.0),
    ("1609", 86.0),
    ("1714", 50.0),
    ("1823", 99.0),
    ("3103", 105.0),
    ("4203", 67.0),
];

/// Where the Lisbon-area foreign communities mostly live.
const LISBON_AREA: &[&str] = &[
    "1106", "1111", "1115", "1107", "1116", "1105", "1110", "1114", "1503", "1510", "1504", "1506", "1512",
];
/// The Porto area.
const PORTO_AREA: &[&str] = &["1312", "1317", "1308", "1304", "1306", "1315"];
/// The Algarve's bigger concelhos.
const ALGARVE: &[&str] = &["0808", "0801", "0807", "0811", "0814", "0813", "0806", "0805", "0810"];
/// Odemira (farm work) for the South Asian communities.
const ODEMIRA: &str = "0211";

/// One concelho.
#[derive(Clone, Debug)]
pub(crate) struct Municipality {
    /// Concelho code, `DDCC`.
    pub code: &'static str,
    /// Distrito code.
    pub district_code: &'static str,
    /// Indices of its freguesias in [`Places::parishes`].
    pub parishes: Vec<u32>,
    /// Number of health units (1–4).
    pub units: u8,
}

/// The division table with the weights the generator draws from.
pub(crate) struct Places {
    /// Every freguesia (the embedded table).
    pub parishes: &'static [Parish],
    /// Every concelho, in table order.
    pub municipalities: Vec<Municipality>,
    /// Concelho of each freguesia (index into `municipalities`).
    pub municipality_of: Vec<u16>,
    births_recent: Weighted<u16>,
    births_older: Weighted<u16>,
    residence: Weighted<u16>,
    lisbon: Weighted<u16>,
    porto: Weighted<u16>,
    algarve: Weighted<u16>,
    odemira: u16,
    by_district: Vec<(&'static str, Vec<u16>)>,
}

impl Places {
    /// Builds the tables from [`Divisions::get`].
    pub(crate) fn new() -> Places {
        let parishes: &'static [Parish] = &Divisions::get().parishes;
        let mut municipalities: Vec<Municipality> = Vec::with_capacity(320);
        let mut municipality_of = Vec::with_capacity(parishes.len());
        for (i, parish) in parishes.iter().enumerate() {
            let index = match municipalities.iter().rposition(|m| m.code == parish.municipality_code) {
                Some(index) => index,
                None => {
                    municipalities.push(Municipality {
                        code: parish.municipality_code,
                        district_code: parish.district_code,
                        parishes: Vec::new(),
                        units: 1,
                    });
                    municipalities.len() - 1
                }
            };
            municipalities[index].parishes.push(i as u32);
            municipality_of.push(index as u16);
        }

        // Population: known concelhos by name, the rest of the distrito shared evenly.
        let known = |code: &str| {
            MUNICIPALITY_POPULATION
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, p)| *p)
        };
        let mut population = vec![0.0f64; municipalities.len()];
        let mut by_district: Vec<(&'static str, Vec<u16>)> = Vec::new();
        for (i, m) in municipalities.iter().enumerate() {
            match by_district.iter_mut().find(|(d, _)| *d == m.district_code) {
                Some((_, list)) => list.push(i as u16),
                None => by_district.push((m.district_code, vec![i as u16])),
            }
        }
        for (district, members) in &by_district {
            let total = DISTRICT_POPULATION
                .iter()
                .find(|(d, _)| d == district)
                .map_or(50.0, |(_, p)| *p);
            let known_sum: f64 = members
                .iter()
                .filter_map(|&i| known(municipalities[i as usize].code))
                .sum();
            let n_unknown = members
                .iter()
                .filter(|&&i| known(municipalities[i as usize].code).is_none())
                .count();
            let share = if n_unknown > 0 {
                ((total - known_sum) / n_unknown as f64).max(total * 0.01).max(0.3)
            } else {
                0.0
            };
            for &i in members {
                population[i as usize] = known(municipalities[i as usize].code).unwrap_or(share);
            }
        }
        for (m, &p) in municipalities.iter_mut().zip(&population) {
            m.units = match p {
                p if p >= 150.0 => 4,
                p if p >= 80.0 => 3,
                p if p >= 30.0 => 2,
                _ => 1,
            };
        }

        let indexed =
            |weights: &dyn Fn(usize) -> f64| Weighted::new((0..municipalities.len()).map(|i| (i as u16, weights(i))));
        let births_recent = indexed(&|i| population[i]);
        let births_older = indexed(&|i| population[i].powf(0.6));
        let residence = indexed(&|i| population[i]);
        let area = |codes: &[&str]| {
            indexed(&|i| {
                if codes.contains(&municipalities[i].code) {
                    population[i]
                } else {
                    0.0
                }
            })
        };
        let lisbon = area(LISBON_AREA);
        let porto = area(PORTO_AREA);
        let algarve = area(ALGARVE);
        let odemira = municipalities.iter().position(|m| m.code == ODEMIRA).unwrap_or(0) as u16;
        Places {
            parishes,
            municipalities,
            municipality_of,
            births_recent,
            births_older,
            residence,
            lisbon,
            porto,
            algarve,
            odemira,
            by_district,
        }
    }

    /// A uniformly chosen freguesia of concelho `municipality`.
    pub(crate) fn parish_in(&self, municipality: u16, rng: &mut Rng) -> u32 {
        *rng.pick(&self.municipalities[municipality as usize].parishes)
    }

    /// A freguesia of birth in Portugal for someone born in `birth_year`.
    pub(crate) fn birth_parish(&self, birth_year: i32, rng: &mut Rng) -> u32 {
        let municipality = if birth_year < 1970 {
            self.births_older.get(rng)
        } else {
            self.births_recent.get(rng)
        };
        self.parish_in(municipality, rng)
    }

    /// The concelho a person lives in.
    pub(crate) fn residence(&self, community: Community, birth_parish: Option<u32>, rng: &mut Rng) -> u16 {
        if let Some(parish) = birth_parish {
            if rng.chance(0.6) {
                return self.municipality_of[parish as usize];
            }
        }
        let x = rng.unit();
        match community {
            Community::Portugal => self.residence.get(rng),
            Community::India | Community::Nepal | Community::Bangladesh => match x {
                x if x < 0.55 => self.lisbon.get(rng),
                x if x < 0.75 => self.odemira,
                x if x < 0.80 => self.algarve.get(rng),
                _ => self.residence.get(rng),
            },
            Community::UnitedKingdom => match x {
                x if x < 0.55 => self.algarve.get(rng),
                x if x < 0.75 => self.lisbon.get(rng),
                x if x < 0.80 => self.porto.get(rng),
                _ => self.residence.get(rng),
            },
            _ => match x {
                x if x < 0.55 => self.lisbon.get(rng),
                x if x < 0.67 => self.porto.get(rng),
                x if x < 0.77 => self.algarve.get(rng),
                _ => self.residence.get(rng),
            },
        }
    }

    /// A health unit number (1-based) of concelho `municipality`.
    pub(crate) fn unit_in(&self, municipality: u16, rng: &mut Rng) -> u8 {
        1 + rng.index(self.municipalities[municipality as usize].units as usize) as u8
    }

    /// Another concelho: of the same distrito when it has others and `near`, else anywhere
    /// (by population).
    pub(crate) fn other_municipality(&self, municipality: u16, near: bool, rng: &mut Rng) -> u16 {
        let district = self.municipalities[municipality as usize].district_code;
        if near {
            if let Some((_, members)) = self.by_district.iter().find(|(d, _)| *d == district) {
                if members.len() > 1 {
                    loop {
                        let other = *rng.pick(members);
                        if other != municipality {
                            return other;
                        }
                    }
                }
            }
        }
        loop {
            let other = self.residence.get(rng);
            if other != municipality {
                return other;
            }
        }
    }

    /// A health unit other than `(municipality, unit)`: mostly another unit of the same
    /// concelho or of a neighbouring one, sometimes far away (people move).
    pub(crate) fn other_unit(&self, municipality: u16, unit: u8, rng: &mut Rng) -> (u16, u8) {
        let units = self.municipalities[municipality as usize].units;
        if units > 1 && rng.chance(0.5) {
            loop {
                let other = self.unit_in(municipality, rng);
                if other != unit {
                    return (municipality, other);
                }
            }
        }
        let other = self.other_municipality(municipality, rng.chance(0.65), rng);
        (other, self.unit_in(other, rng))
    }

    /// Writes the institution code of a health unit, `U<concelho code><nn>`.
    pub(crate) fn write_unit_code(&self, out: &mut String, municipality: u16, unit: u8) {
        out.push('U');
        out.push_str(self.municipalities[municipality as usize].code);
        out.push(char::from(b'0' + unit / 10));
        out.push(char::from(b'0' + unit % 10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cover_the_country() {
        let places = Places::new();
        assert_eq!(places.municipalities.len(), 308);
        assert!(places.municipalities.iter().all(|m| (1..=4).contains(&m.units)));
        let lisboa = places.municipalities.iter().position(|m| m.code == "1106").unwrap() as u16;
        let mut code = String::new();
        places.write_unit_code(&mut code, lisboa, 3);
        assert_eq!(code, "U110603");
        let mut rng = Rng::new(7, 0);
        let n = 20_000;
        let big = ["11", "13", "03", "15", "01"];
        let in_big = (0..n)
            .filter(|_| {
                let parish = places.birth_parish(1990, &mut rng) as usize;
                big.contains(&places.parishes[parish].district_code)
            })
            .count();
        assert!(in_big * 100 / n > 55, "{in_big}");
    }
}
