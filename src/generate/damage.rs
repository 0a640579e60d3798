//! Duplicate records and the damage registries do to them.
//!
//! A duplicate starts from the person's true values, gets a new NNU, is (almost always)
//! registered at another health unit, and receives one to three damages drawn by weight from
//! [`PORTUGUESE_WEIGHTS`] or [`FOREIGN_WEIGHTS`]; a damage that does not apply to the person
//! (no middle name to drop, no NIF to mistype …) is drawn again.

use super::names::{variant_of, Community, Name, Part, LUSOPHONE_VARIANTS, OTHER_VARIANTS};
use super::population::{Generator, Person};
use super::rng::Rng;
use super::Row;
use crate::record::{Date, RegistrationType, Sex};

/// One way a registry damages a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Damage {
    /// "Santos, João Pedro Silva", surname first, or two surnames swapped.
    Reorder,
    /// A middle name (given or surname) left out.
    DropMiddle,
    /// A middle name abbreviated ("M.", "Mª", "Antº").
    AbbreviateMiddle,
    /// Only the first given name and the last surname.
    Truncate,
    /// The spouse's surname appended (married women).
    MarriedSurname,
    /// One insert, delete, substitute or transpose in one word.
    Typo,
    /// Accents lost, or UPPER CASE.
    CaseAccents,
    /// A particle (da, de, dos …) dropped or added.
    Particle,
    /// Another spelling of a name (Souza/Sousa, Yuliia/Yulia, Md./Mohammed …).
    Transliteration,
    /// Day and month swapped (day ≤ 12).
    SwapDayMonth,
    /// One digit of the date mistyped.
    DateDigit,
    /// Birth year one off.
    YearOff,
    /// Placeholder 1 January of the same year.
    JanuaryFirst,
    /// Birth date missing.
    MissingBirthDate,
    /// Birthplace missing.
    MissingBirthplace,
    /// NIF missing.
    MissingNif,
    /// Nationality (sometimes also country of birth) missing.
    MissingNationality,
    /// Sex missing.
    MissingSex,
    /// The place of residence (another concelho) recorded as birthplace.
    ResidenceAsBirthplace,
    /// NIF mistyped: one digit changed or two swapped (usually fails the check digit).
    NifTypo,
    /// Nationality changed by naturalisation: PT on one record, the former on the other.
    Naturalisation,
    /// A newborn registered as "RN de <mother's name>".
    NewbornPlaceholder,
}

/// Damage weights for people with Portuguese names.
pub(crate) const PORTUGUESE_WEIGHTS: [(Damage, f64); 22] = [
    (Damage::Reorder, 6.0),
    (Damage::DropMiddle, 9.0),
    (Damage::AbbreviateMiddle, 6.0),
    (Damage::Truncate, 5.0),
    (Damage::MarriedSurname, 4.0),
    (Damage::Typo, 12.0),
    (Damage::CaseAccents, 9.0),
    (Damage::Particle, 5.0),
    (Damage::Transliteration, 2.0),
    (Damage::SwapDayMonth, 4.0),
    (Damage::DateDigit, 4.0),
    (Damage::YearOff, 3.0),
    (Damage::JanuaryFirst, 2.0),
    (Damage::MissingBirthDate, 1.0),
    (Damage::MissingBirthplace, 3.0),
    (Damage::MissingNif, 5.0),
    (Damage::MissingNationality, 2.5),
    (Damage::MissingSex, 1.5),
    (Damage::ResidenceAsBirthplace, 4.0),
    (Damage::NifTypo, 3.0),
    (Damage::Naturalisation, 0.0),
    (Damage::NewbornPlaceholder, 8.0),
];

/// Damage weights for people of the foreign communities: more spelling variants, reordering
/// and naturalisation, no particles.
pub(crate) const FOREIGN_WEIGHTS: [(Damage, f64); 22] = [
    (Damage::Reorder, 8.0),
    (Damage::DropMiddle, 6.0),
    (Damage::AbbreviateMiddle, 3.0),
    (Damage::Truncate, 4.0),
    (Damage::MarriedSurname, 2.0),
    (Damage::Typo, 12.0),
    (Damage::CaseAccents, 8.0),
    (Damage::Particle, 2.0),
    (Damage::Transliteration, 14.0),
    (Damage::SwapDayMonth, 5.0),
    (Damage::DateDigit, 4.0),
    (Damage::YearOff, 3.0),
    (Damage::JanuaryFirst, 3.0),
    (Damage::MissingBirthDate, 2.0),
    (Damage::MissingBirthplace, 1.0),
    (Damage::MissingNif, 6.0),
    (Damage::MissingNationality, 4.0),
    (Damage::MissingSex, 2.0),
    (Damage::ResidenceAsBirthplace, 1.0),
    (Damage::NifTypo, 3.0),
    (Damage::Naturalisation, 8.0),
    (Damage::NewbornPlaceholder, 4.0),
];

/// Share of duplicates registered at another health unit.
const OTHER_UNIT: f64 = 0.92;

fn draw(table: &[(Damage, f64)], rng: &mut Rng) -> Damage {
    let total: f64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.unit() * total;
    for &(damage, weight) in table {
        if x < weight {
            return damage;
        }
        x -= weight;
    }
    table[0].0
}

/// How the name of a duplicate is written, beyond its structure.
#[derive(Default)]
struct Writing {
    comma: bool,
    typo: bool,
    case: Option<CaseMode>,
    placeholder: Option<String>,
    name_changed: bool,
    date_changed: bool,
    birthplace_changed: bool,
    nif_changed: bool,
}

#[derive(Clone, Copy)]
enum CaseMode {
    NoAccents,
    Upper,
    UpperNoAccents,
}

/// A duplicate record of `person`.
pub(crate) fn duplicate(g: &mut Generator<'_>, person: &Person) -> Row {
    let mut row = g.true_row(person);
    if g.rng.chance(OTHER_UNIT) {
        row.unit = Some(g.places.other_unit(person.residence, person.unit, &mut g.rng));
    }
    let mut name = person.name.clone();
    let mut writing = Writing::default();
    let n = match g.rng.unit() {
        x if x < 0.45 => 1,
        x if x < 0.80 => 2,
        _ => 3,
    };
    let table: &[(Damage, f64)] = if person.community == Community::Portugal {
        &PORTUGUESE_WEIGHTS
    } else {
        &FOREIGN_WEIGHTS
    };
    let mut applied: Vec<Damage> = Vec::with_capacity(3);
    for _ in 0..60 {
        if applied.len() >= n {
            break;
        }
        let damage = draw(table, &mut g.rng);
        if !applied.contains(&damage) && apply(damage, g, person, &mut name, &mut row, &mut writing) {
            applied.push(damage);
        }
    }
    for &damage in &applied {
        *g.counts.damages.entry(damage).or_default() += 1;
    }

    // The name as written.
    let mut full_name = match writing.placeholder.take() {
        Some(placeholder) => placeholder,
        None if writing.comma => name.render_comma(),
        None => name.render(),
    };
    if writing.typo {
        full_name = typo(&full_name, &mut g.rng);
    }
    match writing.case {
        Some(CaseMode::NoAccents) if full_name.is_ascii() => full_name = full_name.to_uppercase(),
        Some(CaseMode::NoAccents) => full_name = strip_accents(&full_name),
        Some(CaseMode::Upper) => full_name = full_name.to_uppercase(),
        Some(CaseMode::UpperNoAccents) => full_name = strip_accents(&full_name).to_uppercase(),
        None => {}
    }
    row.full_name = full_name;

    // Registration type: deceased sometimes recorded on the duplicate too; otherwise records
    // with mandatory data missing are em curso or incompleto, the others mostly atualizado.
    if person.death.is_some() && g.rng.chance(0.4) {
        row.registration_type = RegistrationType::Historico;
        row.death_date = person.death;
        return row;
    }
    row.death_date = None;
    let newborn = applied.contains(&Damage::NewbornPlaceholder);
    let foreign = person.community != Community::Portugal;
    let missing = row.sex.is_none()
        || row.birth_date.is_none()
        || row.nationality.is_none()
        || row.birth_country.is_none()
        || (person.birth_parish.is_some() && row.birthplace.is_none())
        || (person.nif.is_some() && row.nif.is_none());
    row.registration_type = if newborn {
        if person.age(g.reference) == 0 {
            RegistrationType::EmCurso
        } else {
            RegistrationType::Incompleto
        }
    } else if missing {
        // Incompleto (more than 180 days without the data) mostly for foreigners without papers.
        if g.rng.chance(if foreign { 0.3 } else { 0.5 }) {
            RegistrationType::EmCurso
        } else {
            RegistrationType::Incompleto
        }
    } else if g.rng.chance(if foreign { 0.6 } else { 0.9 }) {
        RegistrationType::Atualizado
    } else {
        RegistrationType::Incompleto
    };
    row
}

/// Applies one damage; false when it does not apply to this person or record.
fn apply(
    damage: Damage,
    g: &mut Generator<'_>,
    person: &Person,
    name: &mut Name,
    row: &mut Row,
    writing: &mut Writing,
) -> bool {
    let rng = &mut g.rng;
    let placeholder = writing.placeholder.is_some();
    let applied = match damage {
        Damage::Reorder => {
            if placeholder || name.surnames.is_empty() || name.given.is_empty() {
                return false;
            }
            let x = rng.unit();
            if person.community == Community::China {
                name.surname_first = !name.surname_first;
            } else if x < 0.45 && !name.surname_first {
                writing.comma = true;
            } else if x < 0.8 && name.surnames.len() >= 2 {
                let i = rng.index(name.surnames.len() - 1);
                name.surnames.swap(i, i + 1);
            } else {
                name.surname_first = !name.surname_first;
            }
            true
        }
        Damage::DropMiddle => {
            if placeholder || name.len() < 3 {
                return false;
            }
            let middles = middle_positions(name);
            if middles.is_empty() {
                return false;
            }
            match *rng.pick(&middles) {
                (true, i) => name.given.remove(i),
                (false, i) => name.surnames.remove(i),
            };
            true
        }
        Damage::AbbreviateMiddle => {
            if placeholder || name.len() < 3 {
                return false;
            }
            let mut candidates: Vec<(bool, usize)> = middle_positions(name)
                .into_iter()
                .filter(|&(given, i)| {
                    let text = if given {
                        name.given[i].text
                    } else {
                        name.surnames[i].text
                    };
                    !text.ends_with('.') && text != "FNU"
                })
                .collect();
            if name.len() >= 3 && name.given.first().is_some_and(|p| p.text == "Maria") {
                candidates.push((true, 0));
            }
            if candidates.is_empty() {
                return false;
            }
            let (given, i) = *rng.pick(&candidates);
            let part = if given {
                &mut name.given[i]
            } else {
                &mut name.surnames[i]
            };
            let short = abbreviation(part.text, rng);
            if short == part.text {
                return false;
            }
            part.text = short;
            if rng.chance(0.5) {
                part.particle = "";
            }
            true
        }
        Damage::Truncate => {
            if placeholder || name.len() < 3 || name.surnames.is_empty() || name.given.is_empty() {
                return false;
            }
            name.given.truncate(1);
            let last = *name.surnames.last().expect("non-empty");
            name.surnames = vec![last];
            true
        }
        Damage::MarriedSurname => {
            let eligible = person.sex == Sex::F
                && person.age(g.reference) >= 18
                && (person.community.lusophone() || person.community == Community::UnitedKingdom)
                && name.surnames.len() < 4
                && name.words() < 7
                && !placeholder;
            if !eligible {
                return false;
            }
            let spouse = if person.community == Community::UnitedKingdom {
                g.names.foreign_surname(Community::UnitedKingdom, &mut g.rng)
            } else {
                g.names.pt_surname(&mut g.rng)
            };
            if name.surnames.iter().any(|p| p.text == spouse.text) {
                return false;
            }
            name.surnames.push(spouse);
            name.fit(7);
            true
        }
        Damage::Typo => {
            writing.typo = true;
            return true;
        }
        Damage::CaseAccents => {
            writing.case = Some(match rng.unit() {
                x if x < 0.45 => CaseMode::NoAccents,
                x if x < 0.75 => CaseMode::Upper,
                _ => CaseMode::UpperNoAccents,
            });
            return true;
        }
        Damage::Particle => {
            if placeholder || !person.community.lusophone() {
                return false;
            }
            let with: Vec<(bool, usize)> = all_positions(name)
                .into_iter()
                .filter(|&(given, i)| {
                    !(if given { name.given[i] } else { name.surnames[i] })
                        .particle
                        .is_empty()
                })
                .collect();
            let addable: Vec<usize> = (0..name.surnames.len())
                .filter(|&i| name.surnames[i].particle.is_empty() && usual_particle(name.surnames[i].text).is_some())
                .collect();
            if !with.is_empty() && (addable.is_empty() || rng.chance(0.6)) {
                let (given, i) = *rng.pick(&with);
                if given {
                    name.given[i].particle = "";
                } else {
                    name.surnames[i].particle = "";
                }
                true
            } else if !addable.is_empty() {
                let i = *rng.pick(&addable);
                name.surnames[i].particle = usual_particle(name.surnames[i].text).unwrap_or("de");
                true
            } else {
                false
            }
        }
        Damage::Transliteration => {
            if placeholder {
                return false;
            }
            transliterate(person.community, name, person.sex, rng)
        }
        Damage::SwapDayMonth
        | Damage::DateDigit
        | Damage::YearOff
        | Damage::JanuaryFirst
        | Damage::MissingBirthDate => {
            let Some(date) = row.birth_date else { return false };
            if writing.date_changed {
                return false;
            }
            let damaged = match damage {
                Damage::SwapDayMonth => {
                    if date.day > 12 || date.day == date.month {
                        return false;
                    }
                    Date::new(date.year, date.day, date.month)
                }
                Damage::DateDigit => one_digit_off(date, g.reference, rng),
                Damage::YearOff => {
                    let year = if date.year + 1 > g.reference.year || rng.chance(0.5) {
                        date.year - 1
                    } else {
                        date.year + 1
                    };
                    Date::new(year, date.month, date.day).or_else(|| Date::new(year, date.month, 28))
                }
                Damage::JanuaryFirst => {
                    if (date.month, date.day) == (1, 1) {
                        return false;
                    }
                    Date::new(date.year, 1, 1)
                }
                _ => None,
            };
            if damage != Damage::MissingBirthDate && damaged.is_none() {
                return false;
            }
            row.birth_date = damaged.filter(|d| *d <= g.reference);
            if damage != Damage::MissingBirthDate && row.birth_date.is_none() {
                row.birth_date = Some(date);
                return false;
            }
            writing.date_changed = true;
            true
        }
        Damage::MissingBirthplace => {
            if row.birthplace.is_none() || writing.birthplace_changed {
                return false;
            }
            row.birthplace = None;
            writing.birthplace_changed = true;
            true
        }
        Damage::MissingNif => {
            if row.nif.is_none() || writing.nif_changed {
                return false;
            }
            row.nif = None;
            writing.nif_changed = true;
            true
        }
        Damage::MissingNationality => {
            if row.nationality.is_none() {
                return false;
            }
            row.nationality = None;
            if rng.chance(0.4) {
                row.birth_country = None;
            }
            true
        }
        Damage::MissingSex => row.sex.take().is_some(),
        Damage::ResidenceAsBirthplace => {
            let Some(parish) = person.birth_parish else {
                return false;
            };
            if writing.birthplace_changed || placeholder {
                return false;
            }
            let born = g.places.municipality_of[parish as usize];
            let lives = if person.residence != born {
                person.residence
            } else {
                g.places.other_municipality(born, true, rng)
            };
            row.birthplace = Some((g.places.parish_in(lives, rng), 3));
            writing.birthplace_changed = true;
            true
        }
        Damage::NifTypo => {
            let Some(nif) = row.nif else { return false };
            if writing.nif_changed {
                return false;
            }
            row.nif = Some(mistype_nif(nif, rng));
            writing.nif_changed = true;
            true
        }
        Damage::Naturalisation => {
            if person.community == Community::Portugal {
                return false;
            }
            match (person.nationality, person.former_nationality) {
                ("PT", Some(former)) => row.nationality = Some(former),
                ("PT", None) => return false,
                _ => row.nationality = Some("PT"),
            }
            true
        }
        Damage::NewbornPlaceholder => {
            let Some(parish) = person.birth_parish else {
                return false;
            };
            if writing.name_changed || person.age(g.reference) > 20 || placeholder {
                return false;
            }
            let mother = mother_name(g, person);
            let rng = &mut g.rng;
            let prefix = if rng.chance(0.85) { "RN de" } else { "Recém-Nascido de" };
            writing.placeholder = Some(format!("{prefix} {mother}"));
            // Registered at birth, at the maternity of the birth concelho, before any NIF.
            let born = g.places.municipality_of[parish as usize];
            row.unit = Some((born, g.places.unit_in(born, rng)));
            row.nif = None;
            row.birth_date = Some(person.birth);
            row.birthplace = Some((parish, 3));
            writing.date_changed = true;
            writing.birthplace_changed = true;
            writing.nif_changed = true;
            return true;
        }
    };
    if applied {
        writing.name_changed |= matches!(
            damage,
            Damage::Reorder
                | Damage::DropMiddle
                | Damage::AbbreviateMiddle
                | Damage::Truncate
                | Damage::MarriedSurname
                | Damage::Particle
                | Damage::Transliteration
        );
    }
    applied
}

/// Positions of the middle names: given names after the first, surnames before the last.
fn middle_positions(name: &Name) -> Vec<(bool, usize)> {
    let mut out = Vec::with_capacity(4);
    out.extend((1..name.given.len()).map(|i| (true, i)));
    out.extend((0..name.surnames.len().saturating_sub(1)).map(|i| (false, i)));
    out
}

fn all_positions(name: &Name) -> Vec<(bool, usize)> {
    let mut out = Vec::with_capacity(6);
    out.extend((0..name.given.len()).map(|i| (true, i)));
    out.extend((0..name.surnames.len()).map(|i| (false, i)));
    out
}

/// The particle usually written before a Portuguese surname, if any.
fn usual_particle(surname: &str) -> Option<&'static str> {
    match surname {
        "Silva" | "Costa" | "Rocha" | "Cruz" | "Cunha" | "Fonseca" | "Conceição" | "Mota" | "Serra" | "Maia"
        | "Silveira" | "Veiga" | "Rosa" | "Graça" | "Luz" | "Paixão" | "Trindade" => Some("da"),
        "Santos" | "Reis" | "Anjos" => Some("dos"),
        "Neves" => Some("das"),
        "Nascimento" | "Amaral" | "Carmo" | "Couto" | "Rego" | "Vale" | "Rosário" | "Prado" => Some("do"),
        "Oliveira" | "Sousa" | "Souza" | "Jesus" | "Almeida" | "Carvalho" | "Matos" | "Araújo" | "Castro"
        | "Figueiredo" | "Azevedo" | "Freitas" | "Lima" | "Faria" | "Miranda" | "Barros" | "Morais" | "Brito"
        | "Paiva" | "Sá" | "Macedo" | "Magalhães" | "Andrade" | "Melo" | "Lemos" | "Medeiros" | "Moura" | "Abreu"
        | "Vasconcelos" | "Aguiar" | "Gouveia" | "Meneses" => Some("de"),
        _ => None,
    }
}

const INITIALS: [&str; 26] = [
    "A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "I.", "J.", "K.", "L.", "M.", "N.", "O.", "P.", "Q.", "R.", "S.",
    "T.", "U.", "V.", "W.", "X.", "Y.", "Z.",
];

/// How administrative data abbreviates a name: Mª, Antº, Fco., or the initial.
fn abbreviation(text: &'static str, rng: &mut Rng) -> &'static str {
    match text {
        "Maria" if rng.chance(0.6) => "Mª",
        "António" if rng.chance(0.5) => "Antº",
        "Francisco" if rng.chance(0.5) => "Fco.",
        _ => {
            let first = text.chars().next().unwrap_or('X');
            let base = strip_accents(&first.to_string())
                .chars()
                .next()
                .unwrap_or('X')
                .to_ascii_uppercase();
            match base {
                // "D." and "E." would read as the particles "d'" and "e": keep the name whole.
                'D' | 'E' => text,
                'A'..='Z' => INITIALS[(base as u8 - b'A') as usize],
                _ => text,
            }
        }
    }
}

/// Another spelling of one of the name's words, or a community's usual variation.
fn transliterate(community: Community, name: &mut Name, sex: Sex, rng: &mut Rng) -> bool {
    let families = if community.lusophone() {
        LUSOPHONE_VARIANTS
    } else {
        OTHER_VARIANTS
    };
    let candidates: Vec<(bool, usize)> = all_positions(name)
        .into_iter()
        .filter(|&(given, i)| {
            let text = if given {
                name.given[i].text
            } else {
                name.surnames[i].text
            };
            families.iter().any(|family| family.contains(&text))
        })
        .collect();
    if !candidates.is_empty() {
        let (given, i) = *rng.pick(&candidates);
        let part = if given {
            &mut name.given[i]
        } else {
            &mut name.surnames[i]
        };
        if let Some(variant) = variant_of(part.text, community, rng) {
            part.text = variant;
            return true;
        }
    }
    match community {
        Community::Brazil if name.suffix.is_some() => {
            name.suffix = None;
            true
        }
        Community::Bangladesh if sex == Sex::F => {
            let marker = name
                .surnames
                .iter()
                .position(|p| matches!(p.text, "Akter" | "Begum" | "Khatun"));
            match marker {
                Some(i) if name.len() >= 3 => {
                    name.surnames.remove(i);
                }
                Some(i) => {
                    let marker = *rng.pick(&["Akter", "Begum", "Khatun"]);
                    name.surnames[i] = Part::plain(marker);
                }
                None => name.surnames.push(Part::plain("Begum")),
            }
            true
        }
        Community::Nepal => {
            match name
                .given
                .iter()
                .position(|p| matches!(p.text, "Bahadur" | "Kumari" | "Kumar"))
            {
                Some(i) => {
                    name.given.remove(i);
                    true
                }
                None => false,
            }
        }
        _ => false,
    }
}

/// The full name of the person's mother, for a newborn's placeholder record.
fn mother_name(g: &mut Generator<'_>, person: &Person) -> String {
    let year = person.birth.year - 28;
    if person.community == Community::Portugal {
        let given = g.names.pt_given(Sex::F, year, &mut g.rng);
        let mut surnames = person.mother_surnames.clone();
        if surnames.is_empty() {
            surnames = g.names.pt_surnames(2, &mut g.rng);
        }
        Name {
            given,
            surnames,
            suffix: None,
            surname_first: false,
        }
        .render()
    } else {
        g.names.name(person.community, Sex::F, year, &mut g.rng).render()
    }
}

/// A date with one digit mistyped (still a real day, not in the future).
fn one_digit_off(date: Date, reference: Date, rng: &mut Rng) -> Option<Date> {
    let digits = date.compact().into_bytes();
    for _ in 0..20 {
        let position = *rng.pick(&[2usize, 3, 3, 4, 5, 5, 6, 7, 7]);
        let mut typed = digits.clone();
        let new = b'0' + rng.index(10) as u8;
        if new == typed[position] {
            continue;
        }
        typed[position] = new;
        let number =
            |range: std::ops::Range<usize>| typed[range].iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
        let (year, month, day) = (number(0..4) as i32, number(4..6) as u8, number(6..8) as u8);
        if let Some(candidate) = Date::new(year, month, day) {
            if candidate != date && candidate <= reference {
                return Some(candidate);
            }
        }
    }
    None
}

/// A NIF typed wrong: one digit changed (80 %) or two neighbours swapped; the first digit is
/// kept, so the number still looks like a person's.
fn mistype_nif(nif: u32, rng: &mut Rng) -> u32 {
    let mut digits: Vec<u8> = format!("{nif:09}").into_bytes();
    if rng.chance(0.8) {
        let position = 1 + rng.index(8);
        let old = digits[position];
        let mut new = old;
        while new == old {
            new = b'0' + rng.index(10) as u8;
        }
        digits[position] = new;
    } else {
        let candidates: Vec<usize> = (1..8).filter(|&i| digits[i] != digits[i + 1]).collect();
        if candidates.is_empty() {
            digits[8] = if digits[8] == b'0' { b'1' } else { b'0' };
        } else {
            let i = *rng.pick(&candidates);
            digits.swap(i, i + 1);
        }
    }
    digits.iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

/// Removes diacritics, keeping case (`Conceição` → `Conceicao`, `Ștefan` → `Stefan`).
pub(crate) fn strip_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() || c == 'ª' || c == 'º' {
            out.push(c);
        } else {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !unicode_normalization::char::is_combining_mark(d) {
                    out.push(d);
                }
            });
        }
    }
    out
}

/// The QWERTY neighbours of a letter.
fn neighbours(c: char) -> &'static str {
    match c.to_ascii_lowercase() {
        'a' => "qwsz",
        'b' => "vghn",
        'c' => "xdfv",
        'd' => "serfcx",
        'e' => "wsdr",
        'f' => "drtgvc",
        'g' => "ftyhbv",
        'h' => "gyujnb",
        'i' => "ujko",
        'j' => "huikmn",
        'k' => "jiolm",
        'l' => "kop",
        'm' => "njk",
        'n' => "bhjm",
        'o' => "iklp",
        'p' => "ol",
        'q' => "wa",
        'r' => "edft",
        's' => "awedxz",
        't' => "rfgy",
        'u' => "yhji",
        'v' => "cfgb",
        'w' => "qase",
        'x' => "zsdc",
        'y' => "tghu",
        'z' => "asx",
        _ => "aeiou",
    }
}

fn with_case_of(model: char, c: char) -> char {
    if model.is_uppercase() {
        c.to_ascii_uppercase()
    } else {
        c
    }
}

/// One insert, delete, substitute or transpose in one word of three letters or more (never
/// turning the word into a particle such as "das").
pub(crate) fn typo(text: &str, rng: &mut Rng) -> String {
    for _ in 0..10 {
        let typed = typo_once(text, rng);
        let particle = typed
            .split(' ')
            .zip(text.split(' '))
            .any(|(new, old)| new != old && crate::record::normalize::PARTICLES.contains(&new.to_lowercase().as_str()));
        if !particle {
            return typed;
        }
    }
    text.to_string()
}

fn typo_once(text: &str, rng: &mut Rng) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let candidates: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().count() >= 3 && words[i].chars().all(char::is_alphabetic))
        .collect();
    if candidates.is_empty() {
        return text.to_string();
    }
    let target = *rng.pick(&candidates);
    let mut chars: Vec<char> = words[target].chars().collect();
    let ascii: Vec<usize> = (0..chars.len()).filter(|&i| chars[i].is_ascii_alphabetic()).collect();
    let op = rng.index(4);
    match op {
        0 if !ascii.is_empty() => {
            let i = *rng.pick(&ascii);
            let pool = neighbours(chars[i]).as_bytes();
            chars[i] = with_case_of(chars[i], char::from(*rng.pick(pool)));
        }
        1 => {
            // Never the first letter: it carries the case and most of the recognition.
            let i = 1 + rng.index(chars.len() - 1);
            chars.remove(i);
        }
        2 => {
            let i = 1 + rng.index(chars.len() - 1);
            let c = if rng.chance(0.5) {
                chars[i - 1].to_lowercase().next().unwrap_or('a')
            } else {
                char::from(*rng.pick(neighbours(chars[i - 1]).as_bytes()))
            };
            chars.insert(i, c);
        }
        _ => {
            let pairs: Vec<usize> = (1..chars.len() - 1).filter(|&i| chars[i] != chars[i + 1]).collect();
            if pairs.is_empty() {
                let i = chars.len() - 1;
                chars.remove(i);
            } else {
                let i = *rng.pick(&pairs);
                chars.swap(i, i + 1);
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 2);
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if i == target {
            out.extend(chars.iter());
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            strip_accents("Conceição Ștefan Ţurcanu Mª"),
            "Conceicao Stefan Turcanu Mª"
        );
        let mut rng = Rng::new(3, 0);
        for _ in 0..200 {
            let typed = typo("Maria da Conceição Silva", &mut rng);
            assert_ne!(typed, "Maria da Conceição Silva");
            assert!(typed.contains(" da "), "{typed}");
            let typed = typo("Fernanda Dias", &mut rng);
            assert_ne!(typed.to_lowercase(), "fernanda das");
            let nif = crate::record::Nif::from_base(12345678).get();
            let wrong = mistype_nif(nif, &mut rng);
            assert_ne!(wrong, nif);
            assert_eq!(format!("{wrong:09}").as_bytes()[0], b'1');
            let date = Date::new(1980, 3, 12).unwrap();
            let off = one_digit_off(date, Date::new(2025, 1, 1).unwrap(), &mut rng).unwrap();
            assert_ne!(off, date);
        }
        assert_eq!(abbreviation("Ângela", &mut rng), "A.");
        assert_eq!(abbreviation("Diogo", &mut rng), "Diogo", "D. would read as a particle");
    }
}
