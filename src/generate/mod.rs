//! Synthetic registries with a ground truth, to tune and benchmark record linkage
//! (`unico generate --persons N --seed S --out FILE`).
//!
//! **What it produces.** A CSV in the canonical column order (DESIGN.md §The record) plus a
//! last column `cluster_id`: the id of the person behind the record. All records of one person
//! share it; distinct persons never do. Rows are shuffled so that no two records of one person
//! are adjacent, and every NNU is a distinct random nine-digit number starting with 1 or 2.
//!
//! **The persons.** Portuguese names with the published frequency skew (Maria, José, João,
//! António; Silva, Santos, Ferreira, Pereira …), one or two given names chosen by birth cohort
//! (religious complements such as "Maria da Conceição" included), two to four surnames taken
//! from the mother's then the father's, particles in about a third of the uses. About 15 % of
//! persons belong to the largest foreign communities (Brazil, Cape Verde, Angola, Ukraine,
//! India, Nepal, Bangladesh, China, UK, Romania, Guinea-Bissau, São Tomé) with their own naming
//! patterns; some are naturalised Portuguese, some children were born in Portugal. Ages follow
//! the Portuguese pyramid (foreigners younger, British retirees older) relative to
//! [`GenerateConfig::reference_date`]; about 3 % are deceased (registo em histórico).
//! Birthplaces are real freguesias weighted by population, health units are synthetic codes
//! `U<concelho><nn>` (1–4 per concelho), NIFs are valid and distinct (prefix 1/2 for adults,
//! 2/3 for the young, 45 for some non-residents) for about 85 % of adults.
//!
//! **The damage model.** About 11 % of persons get one to three duplicate records (78 % one,
//! 17 % two, 5 % three). A duplicate is a new NNU, almost always (92 %) registered at another
//! health unit, with one to three damages (45 % one, 35 % two, 20 % three) drawn by weight:
//! name reordered ("Santos, João Pedro", surname first, swapped surnames), a middle name dropped
//! or abbreviated ("M.", "Mª"), truncation to first + last, a married surname appended, a typo,
//! accents lost or UPPER CASE, a particle dropped or added, a spelling variant (Souza/Sousa,
//! Yuliia/Yulia, Md./Mohammed, Hossain/Hossen …), day and month swapped, one digit of the date
//! off, year ±1, placeholder 1 January, birth date / birthplace / NIF / nationality / sex
//! missing, the residence recorded as birthplace, a mistyped NIF, a nationality changed by
//! naturalisation, and newborns first registered as "RN de <mother's name>". Weights are in
//! `damage.rs` (`PORTUGUESE_WEIGHTS`, `FOREIGN_WEIGHTS`). Originals are
//! mostly atualizado; duplicates are more often em curso or incompleto.
//!
//! **Hard negatives.** About 6 % of persons are built in pairs of distinct persons that look
//! alike: twins (same surnames, birth date, birthplace and unit), siblings (same surnames,
//! 1–10 years apart), parent and child with the same full name (with or without
//! Júnior/Filho), spouses sharing a married surname, and very common names ("Maria Fernanda
//! Silva", "José Manuel Santos") born on the same day. The summary counts the pairs.
//!
//! **Determinism.** One xoshiro256** stream (`rng.rs`) seeded from [`GenerateConfig::seed`]
//! drives everything, tables are built in a fixed order and no hash map is iterated, so the
//! same configuration gives byte-identical output on every platform.

mod damage;
mod names;
mod places;
mod population;
mod rng;

use std::io::{self, Write};
use std::sync::OnceLock;

use crate::record::{Date, RegistrationType, Sex};
use names::NameTables;
use places::Places;
use population::{Generator, HardNegative};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateConfig {
    /// Number of distinct persons (clusters).
    pub persons: usize,
    /// Seed of the random stream: the same configuration always gives the same file.
    pub seed: u64,
    /// The day the registry is observed: ages, deaths and "recent" registrations are relative
    /// to it, and no date lies after it.
    pub reference_date: Date,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Distinct persons (= distinct `cluster_id`s).
    pub persons: usize,
    /// Records written (persons + duplicates).
    pub records: usize,
    /// Persons with at least one duplicate record.
    pub persons_with_duplicates: usize,
    /// Duplicate records (records beyond the first of each person).
    pub duplicate_records: usize,
    /// Persons of a foreign community (foreign nationals, naturalised Portuguese, and
    /// foreign nationals' children born in Portugal).
    pub foreign_persons: usize,
    /// Deceased persons.
    pub deceased_persons: usize,
    /// Pairs of distinct persons built to look alike (twins, siblings, parent and child,
    /// spouses, common names born the same day).
    pub hard_negative_pairs: usize,
}

/// The CSV header: the canonical columns, then the ground truth.
pub fn header() -> Vec<&'static str> {
    let mut header = crate::record::FIELDS.to_vec();
    header.push("cluster_id");
    header
}

/// Most persons one file can hold: NNUs are drawn from 2·10⁸ numbers and must stay unique.
pub const MAX_PERSONS: usize = 100_000_000;

/// Generates `config.persons` persons and their records, and writes them to `out` as CSV.
///
/// Fails with [`io::ErrorKind::InvalidInput`] above [`MAX_PERSONS`], and with the writer's
/// error if writing fails.
pub fn generate<W: Write>(config: &GenerateConfig, out: W) -> io::Result<GenerateSummary> {
    generate_with_hard_negatives(config, out, None::<io::Sink>)
}

/// [`generate`], and the pairs of distinct persons built to look alike written to
/// `hard_negatives` as CSV (`sns_number_l,sns_number_r,kind`: the two persons' first records,
/// kind `twins`, `siblings`, `parent_child`, `spouses` or `common_name`), for `unico evaluate
/// --hard-negatives`.
pub fn generate_with_hard_negatives<W: Write, H: Write>(
    config: &GenerateConfig,
    out: W,
    hard_negatives: Option<H>,
) -> io::Result<GenerateSummary> {
    if config.persons > MAX_PERSONS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("at most {MAX_PERSONS} persons per file (asked for {})", config.persons),
        ));
    }
    let population = build(config);
    write_csv(&population.rows, out)?;
    if let Some(hard_negatives) = hard_negatives {
        write_hard_negatives(&population, hard_negatives)?;
    }
    Ok(population.summary)
}

fn write_hard_negatives<W: Write>(population: &Population, out: W) -> io::Result<()> {
    let first_record: std::collections::HashMap<u32, u32> = population
        .rows
        .iter()
        .filter(|row| row.original)
        .map(|row| (row.cluster, row.nnu))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["sns_number_l", "sns_number_r", "kind"])?;
    for (kind, a, b) in &population.pairs {
        if let (Some(a), Some(b)) = (first_record.get(a), first_record.get(b)) {
            writer.write_record([format!("{a:09}"), format!("{b:09}"), kind.name().to_string()])?;
        }
    }
    writer.flush()
}

/// One record as generated (before formatting).
#[derive(Clone, Debug)]
pub(crate) struct Row {
    nnu: u32,
    full_name: String,
    sex: Option<Sex>,
    birth_date: Option<Date>,
    nationality: Option<&'static str>,
    birth_country: Option<&'static str>,
    /// Freguesia index and how much of the birthplace is filled (3: all, 2: no freguesia).
    birthplace: Option<(u32, u8)>,
    /// Concelho index and unit number.
    unit: Option<(u16, u8)>,
    nif: Option<u32>,
    registration_type: RegistrationType,
    death_date: Option<Date>,
    cluster: u32,
    /// The person's principal-like record (not a duplicate).
    original: bool,
}

/// Everything generated, before writing.
pub(crate) struct Population {
    rows: Vec<Row>,
    /// Hard-negative pairs, by cluster.
    pairs: Vec<(HardNegative, u32, u32)>,
    #[cfg_attr(not(test), allow(dead_code))]
    damages: std::collections::BTreeMap<damage::Damage, usize>,
    summary: GenerateSummary,
}

fn tables() -> &'static (NameTables, Places) {
    static TABLES: OnceLock<(NameTables, Places)> = OnceLock::new();
    TABLES.get_or_init(|| (NameTables::new(), Places::new()))
}

fn build(config: &GenerateConfig) -> Population {
    let (names, places) = tables();
    let mut generator = Generator::new(names, places, config.persons, config.seed, config.reference_date);
    generator.run(config.persons);
    let mut rows = std::mem::take(&mut generator.rows);
    generator.rng.shuffle(&mut rows);
    separate(&mut rows, &mut generator.rng);
    let counts = &generator.counts;
    let summary = GenerateSummary {
        persons: counts.persons,
        records: rows.len(),
        persons_with_duplicates: counts.persons_with_duplicates,
        duplicate_records: counts.duplicate_records,
        foreign_persons: counts.foreign_persons,
        deceased_persons: counts.deceased_persons,
        hard_negative_pairs: generator.pairs.len(),
    };
    Population {
        rows,
        pairs: std::mem::take(&mut generator.pairs),
        damages: std::mem::take(&mut generator.counts.damages),
        summary,
    }
}

/// Moves records so that no two records of one person are adjacent (when possible).
fn separate(rows: &mut [Row], rng: &mut rng::Rng) {
    let n = rows.len();
    if n < 4 {
        return;
    }
    for i in 1..n {
        if rows[i].cluster != rows[i - 1].cluster {
            continue;
        }
        for _ in 0..200 {
            let j = rng.index(n);
            if j + 1 >= i && j <= i + 1 {
                continue;
            }
            let clear = |position: usize, cluster: u32| {
                [position.wrapping_sub(1), position + 1]
                    .iter()
                    .all(|&k| k >= n || k == i || k == j || rows[k].cluster != cluster)
            };
            if clear(i, rows[j].cluster) && clear(j, rows[i].cluster) {
                rows.swap(i, j);
                break;
            }
        }
    }
}

fn write_csv<W: Write>(rows: &[Row], out: W) -> io::Result<()> {
    use std::fmt::Write as _;

    let (_, places) = tables();
    let mut writer = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(out);
    writer.write_record(header())?;
    let (mut nnu, mut birth, mut unit, mut nif, mut death, mut cluster) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for row in rows {
        for buffer in [&mut nnu, &mut birth, &mut unit, &mut nif, &mut death, &mut cluster] {
            buffer.clear();
        }
        // Writing into a String cannot fail.
        let _ = write!(nnu, "{:09}", row.nnu);
        if let Some(date) = row.birth_date {
            let _ = write!(birth, "{date}");
        }
        if let Some((municipality, number)) = row.unit {
            places.write_unit_code(&mut unit, municipality, number);
        }
        if let Some(value) = row.nif {
            let _ = write!(nif, "{value:09}");
        }
        if let Some(date) = row.death_date {
            let _ = write!(death, "{date}");
        }
        let _ = write!(cluster, "{}", row.cluster);
        let (district, municipality, parish) = match row.birthplace {
            Some((index, level)) => {
                let p = &places.parishes[index as usize];
                (p.district, p.municipality, if level >= 3 { p.parish } else { "" })
            }
            None => ("", "", ""),
        };
        let sex = match row.sex {
            Some(Sex::M) => "M",
            Some(Sex::F) => "F",
            None => "",
        };
        writer.write_record([
            nnu.as_str(),
            row.full_name.as_str(),
            sex,
            birth.as_str(),
            row.nationality.unwrap_or(""),
            row.birth_country.unwrap_or(""),
            district,
            municipality,
            parish,
            unit.as_str(),
            nif.as_str(),
            row.registration_type.as_str(),
            death.as_str(),
            cluster.as_str(),
        ])?;
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::record::normalize::normalize_name;
    use crate::record::Nif;

    fn config(persons: usize, seed: u64) -> GenerateConfig {
        GenerateConfig {
            persons,
            seed,
            reference_date: Date::new(2025, 6, 30).unwrap(),
        }
    }

    fn csv_bytes(config: &GenerateConfig) -> (Vec<u8>, GenerateSummary) {
        let mut out = Vec::new();
        let summary = generate(config, &mut out).unwrap();
        (out, summary)
    }

    /// 20,000 persons, generated once for the tests that read the file.
    fn sample() -> &'static (Vec<u8>, GenerateSummary, Vec<Vec<String>>) {
        static SAMPLE: OnceLock<(Vec<u8>, GenerateSummary, Vec<Vec<String>>)> = OnceLock::new();
        SAMPLE.get_or_init(|| {
            let (bytes, summary) = csv_bytes(&config(20_000, 2025));
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let rows = reader
                .records()
                .map(|record| record.unwrap().iter().map(str::to_string).collect())
                .collect();
            (bytes, summary, rows)
        })
    }

    fn column(name: &str) -> usize {
        header().iter().position(|h| *h == name).unwrap()
    }

    #[test]
    fn deterministic_per_seed() {
        let (a, summary_a) = csv_bytes(&config(3_000, 7));
        let (b, summary_b) = csv_bytes(&config(3_000, 7));
        let (c, _) = csv_bytes(&config(3_000, 8));
        assert!(a == b, "same seed, same bytes");
        assert_eq!(summary_a, summary_b);
        assert!(a != c, "another seed, another file");
    }

    #[test]
    fn header_is_exact() {
        let (bytes, _, _) = sample();
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap();
        assert_eq!(
            std::str::from_utf8(first_line).unwrap(),
            "sns_number,full_name,sex,birth_date,nationality,birth_country,birth_district,\
             birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date,cluster_id"
        );
    }

    #[test]
    fn nnus_are_unique_nine_digits() {
        let (_, summary, rows) = sample();
        let mut seen = HashSet::new();
        for row in rows {
            let nnu = &row[column("sns_number")];
            assert_eq!(nnu.len(), 9, "{nnu}");
            assert!(
                nnu.bytes().all(|b| b.is_ascii_digit()) && matches!(nnu.as_bytes()[0], b'1' | b'2'),
                "{nnu}"
            );
            assert!(seen.insert(nnu.clone()), "NNU {nnu} twice");
        }
        assert_eq!(seen.len(), summary.records);
    }

    #[test]
    fn clusters_match_persons_and_are_not_adjacent() {
        let (_, summary, rows) = sample();
        let mut per_cluster: HashMap<&str, usize> = HashMap::new();
        for row in rows {
            *per_cluster.entry(row[column("cluster_id")].as_str()).or_default() += 1;
        }
        assert_eq!(per_cluster.len(), summary.persons);
        assert_eq!(summary.persons, 20_000);
        assert_eq!(rows.len(), summary.records);
        assert_eq!(summary.records, summary.persons + summary.duplicate_records);
        let with_duplicates = per_cluster.values().filter(|&&n| n > 1).count();
        assert_eq!(with_duplicates, summary.persons_with_duplicates);
        assert!(per_cluster.values().all(|&n| n <= 4));
        let cluster = column("cluster_id");
        assert!(
            rows.windows(2).all(|w| w[0][cluster] != w[1][cluster]),
            "a person's records are adjacent"
        );
        // Records of one person agree on what cannot change much: sex (when present).
        let mut sexes: HashMap<&str, &str> = HashMap::new();
        for row in rows {
            let sex = row[column("sex")].as_str();
            if !sex.is_empty() {
                let previous = sexes.entry(row[cluster].as_str()).or_insert(sex);
                assert_eq!(*previous, sex, "cluster {}", row[cluster]);
            }
        }
    }

    #[test]
    fn shares_of_duplicates_foreigners_and_deaths() {
        let (_, summary, _) = sample();
        let share = |n: usize| n as f64 / summary.persons as f64;
        let duplicates = share(summary.persons_with_duplicates);
        assert!((0.09..=0.13).contains(&duplicates), "duplicates {duplicates}");
        let foreign = share(summary.foreign_persons);
        assert!((0.12..=0.18).contains(&foreign), "foreigners {foreign}");
        let deceased = share(summary.deceased_persons);
        assert!((0.02..=0.045).contains(&deceased), "deceased {deceased}");
        let hard = share(2 * summary.hard_negative_pairs);
        assert!((0.03..=0.09).contains(&hard), "hard negatives {hard}");
    }

    #[test]
    fn registration_types_and_deaths_agree() {
        let (_, _, rows) = sample();
        let reference = config(0, 0).reference_date;
        let mut types = HashSet::new();
        for row in rows {
            let kind = RegistrationType::parse(&row[column("registration_type")]).expect("a known type");
            types.insert(kind);
            let death = &row[column("death_date")];
            assert_eq!(kind == RegistrationType::Historico, !death.is_empty(), "{row:?}");
            if !death.is_empty() {
                let death = Date::parse(death).unwrap();
                assert!(death <= reference);
                if let Ok(birth) = Date::parse(&row[column("birth_date")]) {
                    assert!(birth < death, "{row:?}");
                }
            }
            for field in ["birth_date", "death_date"] {
                let text = &row[column(field)];
                assert!(
                    text.is_empty() || Date::parse(text).is_ok_and(|d| d.to_string() == *text),
                    "{text}"
                );
            }
            let sex = &row[column("sex")];
            assert!(matches!(sex.as_str(), "" | "M" | "F"));
            let unit = &row[column("registration_unit")];
            assert!(unit.len() == 7 && unit.starts_with('U'), "{unit}");
        }
        assert_eq!(types.len(), 4, "{types:?}");
    }

    #[test]
    fn original_nifs_are_valid_and_some_typos_are_not() {
        let population = build(&config(20_000, 2025));
        let mut originals = 0;
        for row in population.rows.iter().filter(|row| row.original) {
            if let Some(nif) = row.nif {
                let text = format!("{nif:09}");
                assert!(text.parse::<Nif>().is_ok(), "{text}");
                originals += 1;
            }
        }
        assert!(originals > 12_000, "{originals}");
        let invalid = population
            .rows
            .iter()
            .filter(|row| !row.original)
            .filter_map(|row| row.nif)
            .filter(|nif| format!("{nif:09}").parse::<Nif>().is_err())
            .count();
        assert!(invalid > 0, "some duplicates carry a mistyped NIF");
    }

    #[test]
    fn names_parse_into_two_to_seven_tokens() {
        let (_, _, rows) = sample();
        let mut placeholders = 0;
        for row in rows {
            let name = normalize_name(&row[column("full_name")]);
            if name.placeholder {
                placeholders += 1;
                continue;
            }
            assert!(
                (2..=7).contains(&name.tokens.len()),
                "{:?}: {:?}",
                row[column("full_name")],
                name.tokens
            );
        }
        assert!(placeholders > 0, "some newborn placeholders");
    }

    #[test]
    fn twins_share_birth_date_and_differ_in_first_name() {
        let population = build(&config(20_000, 2025));
        let originals: HashMap<u32, &Row> = population
            .rows
            .iter()
            .filter(|row| row.original)
            .map(|row| (row.cluster, row))
            .collect();
        let mut checked = 0;
        for &(kind, a, b) in &population.pairs {
            let (a, b) = (originals[&a], originals[&b]);
            assert_ne!(a.cluster, b.cluster);
            if kind != HardNegative::Twins {
                continue;
            }
            let first = |row: &Row| normalize_name(&row.full_name).tokens[0].text.clone();
            assert_ne!(first(a), first(b), "{} / {}", a.full_name, b.full_name);
            if let (Some(x), Some(y)) = (a.birth_date, b.birth_date) {
                assert_eq!(x, y);
                checked += 1;
            }
        }
        assert!(checked >= 20, "{checked} twins");
        assert_eq!(population.pairs.len(), population.summary.hard_negative_pairs);
    }

    #[test]
    fn every_damage_occurs() {
        let population = build(&config(20_000, 2025));
        let counts = &population.damages;
        let total: usize = counts.values().sum();
        let duplicates = population.summary.duplicate_records;
        for (damage, _) in damage::PORTUGUESE_WEIGHTS {
            let n = counts.get(&damage).copied().unwrap_or(0);
            println!(
                "{damage:?}: {n} ({:.1} % of duplicates)",
                100.0 * n as f64 / duplicates as f64
            );
            assert!(n > 0, "{damage:?} never applied");
        }
        let per_duplicate = total as f64 / duplicates as f64;
        assert!((1.0..=3.0).contains(&per_duplicate), "{per_duplicate}");
        println!("{per_duplicate:.2} damages per duplicate");
    }

    #[test]
    fn too_many_persons_is_an_error() {
        let error = generate(&config(MAX_PERSONS + 1, 1), Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn small_and_empty_registries() {
        for persons in [0, 1, 2, 5] {
            let (bytes, summary) = csv_bytes(&config(persons, 1));
            assert_eq!(summary.persons, persons);
            let lines = bytes.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(lines, summary.records + 1);
        }
    }
}
