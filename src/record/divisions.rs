//! Portugal's distritos, concelhos and freguesias (`data/pt_divisions.csv`, embedded).
//!
//! Used to recognise a birthplace typed by name and to generate synthetic registries. Concelho
//! names repeat across regions (Calheta, Lagoa), so a concelho is identified by its code, and a
//! name is resolved within its distrito when the distrito is known.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalize::fold;

const DIVISIONS_CSV: &str = include_str!("../../data/pt_divisions.csv");

/// One freguesia with its concelho and distrito.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parish {
    /// Distrito (or island) code, `DD`.
    pub district_code: &'static str,
    /// Distrito name.
    pub district: &'static str,
    /// Concelho code, `DDCC`.
    pub municipality_code: &'static str,
    /// Concelho name.
    pub municipality: &'static str,
    /// Freguesia code, `DDCCFF` (may contain letters).
    pub parish_code: &'static str,
    /// Freguesia name.
    pub parish: &'static str,
}

/// The embedded table and its look-ups.
#[derive(Debug)]
pub struct Divisions {
    /// Every freguesia, in file order.
    pub parishes: Vec<Parish>,
    municipalities_by_name: HashMap<String, Vec<usize>>,
}

impl Divisions {
    /// The table, parsed once.
    pub fn get() -> &'static Divisions {
        static DIVISIONS: OnceLock<Divisions> = OnceLock::new();
        DIVISIONS.get_or_init(|| {
            let mut parishes = Vec::with_capacity(3100);
            for line in DIVISIONS_CSV.lines().skip(1) {
                // The file is ours: six columns, only the last (the freguesia) ever quoted.
                let fields: Vec<&'static str> = line.splitn(6, ',').collect();
                assert_eq!(fields.len(), 6, "data/pt_divisions.csv: bad line {line:?}");
                parishes.push(Parish {
                    district_code: fields[0],
                    district: fields[1],
                    municipality_code: fields[2],
                    municipality: fields[3],
                    parish_code: fields[4],
                    parish: fields[5].trim_matches('"'),
                });
            }
            let mut municipalities_by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, parish) in parishes.iter().enumerate() {
                let entry = municipalities_by_name.entry(fold(parish.municipality)).or_default();
                if entry
                    .iter()
                    .all(|&j| parishes[j].municipality_code != parish.municipality_code)
                {
                    entry.push(i);
                }
            }
            Divisions {
                parishes,
                municipalities_by_name,
            }
        })
    }

    /// The distrito code of a concelho, both names folded already (`fold`, as a prepared record
    /// holds them): the hot-path form of [`Divisions::municipality_code`], which folds.
    pub fn district_code_of_folded(&self, district: Option<&str>, municipality: &str) -> Option<&'static str> {
        match self.municipalities_by_name.get(municipality)?.as_slice() {
            [only] => Some(self.parishes[*only].district_code),
            _ => self
                .municipality_code(district, municipality)
                .map(|code| self.parishes.iter().find(|p| p.municipality_code == code))?
                .map(|parish| parish.district_code),
        }
    }

    /// The concelho code for a concelho name, using the distrito name to tell apart the
    /// concelhos that share a name. `None` when unknown or still ambiguous.
    pub fn municipality_code(&self, district: Option<&str>, municipality: &str) -> Option<&'static str> {
        let candidates = self.municipalities_by_name.get(&fold(municipality.trim()))?;
        let matching: Vec<&Parish> = candidates
            .iter()
            .map(|&i| &self.parishes[i])
            .filter(|p| district.is_none_or(|d| fold(p.district).contains(&fold(d.trim()))))
            .collect();
        match matching.as_slice() {
            [only] => Some(only.municipality_code),
            _ if candidates.len() == 1 => Some(self.parishes[candidates[0]].municipality_code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        let divisions = Divisions::get();
        assert_eq!(divisions.parishes.len(), 3092);
        let n_municipalities = divisions
            .parishes
            .iter()
            .map(|p| p.municipality_code)
            .collect::<std::collections::HashSet<_>>()
            .len();
        assert_eq!(n_municipalities, 308);
    }

    #[test]
    fn municipality_names_resolve_by_district() {
        let divisions = Divisions::get();
        assert_eq!(divisions.municipality_code(None, "Águeda"), Some("0101"));
        assert_eq!(divisions.municipality_code(Some("Aveiro"), "AGUEDA"), Some("0101"));
        assert_eq!(divisions.municipality_code(None, "Lagoa"), None, "two Lagoas");
        assert_eq!(divisions.municipality_code(Some("Faro"), "Lagoa"), Some("0806"));
        assert_eq!(divisions.municipality_code(None, "Atlântida"), None);
        assert_eq!(divisions.district_code_of_folded(None, "agueda"), Some("01"));
        assert_eq!(divisions.district_code_of_folded(None, "lagoa"), None, "two Lagoas");
        assert_eq!(divisions.district_code_of_folded(Some("faro"), "lagoa"), Some("08"));
        assert_eq!(divisions.district_code_of_folded(None, "atlantida"), None);
    }
}
