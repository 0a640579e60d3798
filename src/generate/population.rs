//! Persons: who they are (the truth behind the records), and the groups of distinct persons
//! built on purpose to look alike (hard negatives).

use std::collections::BTreeMap;

use super::damage::{self, Damage};
use super::names::{Community, Lineage, Name, NameTables, Part};
use super::places::Places;
use super::rng::{Rng, Weighted};
use super::Row;
use crate::record::{Date, Nif, RegistrationType, Sex};

/// Age pyramid of the Portuguese population by five-year band (0–4 … 95–100), 2020s shape.
const PT_PYRAMID: [f64; 20] = [
    4.2, 4.5, 4.9, 5.3, 5.4, 5.3, 5.4, 6.0, 7.2, 7.6, 7.2, 7.2, 6.8, 6.2, 5.7, 4.7, 3.6, 2.3, 1.0, 0.3,
];
/// Foreign residents: mostly of working age.
const FOREIGN_PYRAMID: [f64; 20] = [
    5.0, 5.0, 4.0, 5.0, 9.0, 12.0, 13.0, 12.0, 10.0, 8.0, 6.0, 4.0, 3.0, 2.0, 1.0, 0.6, 0.3, 0.1, 0.0, 0.0,
];
/// British residents: many retirees.
const BRITISH_PYRAMID: [f64; 20] = [
    2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 12.0, 12.0, 8.0, 4.0, 2.0, 0.5, 0.0,
];

/// Countries of birth of Portuguese citizens born abroad: before the 1975 decolonisation
/// (Angola, Mozambique) and the emigration to France, Germany, Switzerland, Venezuela …
const PT_BORN_ABROAD_OLDER: &[(&str, f64)] = &[
    ("AO", 35.0),
    ("MZ", 25.0),
    ("FR", 15.0),
    ("VE", 8.0),
    ("BR", 5.0),
    ("ZA", 5.0),
    ("DE", 4.0),
    ("CH", 3.0),
];
const PT_BORN_ABROAD_YOUNGER: &[(&str, f64)] = &[
    ("FR", 35.0),
    ("CH", 20.0),
    ("DE", 12.0),
    ("LU", 10.0),
    ("GB", 10.0),
    ("VE", 5.0),
    ("BR", 4.0),
    ("US", 4.0),
];

/// Kinds of hard negatives: distinct persons built to look alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum HardNegative {
    /// Twins: same surnames, birth date, birthplace and unit; different given names.
    Twins,
    /// Siblings: same surnames, born 1–10 years apart.
    Siblings,
    /// Parent and child with the same full name (with or without Júnior/Filho).
    ParentChild,
    /// Spouses sharing a married surname.
    Spouses,
    /// Very common names born on the same day.
    CommonName,
}

impl HardNegative {
    /// The kind's name in `unico generate --hard-negatives` files.
    pub(crate) fn name(self) -> &'static str {
        match self {
            HardNegative::Twins => "twins",
            HardNegative::Siblings => "siblings",
            HardNegative::ParentChild => "parent_child",
            HardNegative::Spouses => "spouses",
            HardNegative::CommonName => "common_name",
        }
    }
}

/// Probability that a new group of persons is a hard-negative pair, by kind.
const HARD_NEGATIVE_RATES: [(HardNegative, f64); 5] = [
    (HardNegative::Twins, 0.005),
    (HardNegative::Siblings, 0.010),
    (HardNegative::ParentChild, 0.004),
    (HardNegative::Spouses, 0.008),
    (HardNegative::CommonName, 0.006),
];

/// Middle names of the very common names built on purpose (women).
const COMMON_FEMALE_MIDDLES: &[Part] = &[
    Part::plain("Fernanda"),
    Part::plain("Manuela"),
    Part {
        text: "Conceição",
        particle: "da",
    },
    Part {
        text: "Fátima",
        particle: "de",
    },
    Part::plain("José"),
    Part::plain("Isabel"),
    Part::plain("Teresa"),
    Part::plain("Helena"),
];
/// Middle names of the very common names built on purpose (men).
const COMMON_MALE_MIDDLES: &[Part] = &[
    Part::plain("Manuel"),
    Part::plain("Carlos"),
    Part::plain("António"),
    Part::plain("Luís"),
    Part::plain("Joaquim"),
    Part::plain("Fernando"),
    Part::plain("Paulo"),
];
/// The most common surnames, as the last surname of the very common names.
const COMMON_SURNAMES: &[Part] = &[
    Part::plain("Silva"),
    Part {
        text: "Silva",
        particle: "da",
    },
    Part::plain("Santos"),
    Part {
        text: "Santos",
        particle: "dos",
    },
    Part::plain("Ferreira"),
    Part::plain("Pereira"),
    Part::plain("Costa"),
];

/// Share of persons of a foreign community.
const FOREIGN_SHARE: f64 = 0.15;
/// Share of persons who get duplicate records.
const DUPLICATE_SHARE: f64 = 0.11;

/// A person: the truth that every record of the person is a (damaged) copy of.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    /// Ground-truth cluster id.
    pub cluster: u32,
    /// Naming community (and country of origin).
    pub community: Community,
    /// Name.
    pub name: Name,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub birth: Date,
    /// Nationality (alpha-2).
    pub nationality: &'static str,
    /// Nationality before naturalisation, for naturalised Portuguese.
    pub former_nationality: Option<&'static str>,
    /// Country of birth (alpha-2).
    pub birth_country: &'static str,
    /// Freguesia of birth (index into the division table), for people born in Portugal.
    pub birth_parish: Option<u32>,
    /// Concelho of residence (index into [`Places::municipalities`]).
    pub residence: u16,
    /// Health unit number within the concelho of residence.
    pub unit: u8,
    /// NIF, nine digits, if the person has one.
    pub nif: Option<u32>,
    /// Date of death.
    pub death: Option<Date>,
    /// Mother's surnames (Portuguese names), for newborn placeholder records.
    pub mother_surnames: Vec<Part>,
}

impl Person {
    /// Whole years of age on `on`.
    pub(crate) fn age(&self, on: Date) -> i32 {
        self.birth.years_until(on)
    }
}

/// A set of numbers drawn once each.
struct BitSet(Vec<u64>);

impl BitSet {
    fn new(n_bits: usize) -> BitSet {
        BitSet(vec![0; n_bits.div_ceil(64)])
    }

    /// Inserts `i`; false when it was already there.
    fn insert(&mut self, i: u32) -> bool {
        let (word, bit) = ((i / 64) as usize, 1u64 << (i % 64));
        let fresh = self.0[word] & bit == 0;
        self.0[word] |= bit;
        fresh
    }
}

/// Counts for the summary and the tests.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counts {
    pub persons: usize,
    pub persons_with_duplicates: usize,
    pub duplicate_records: usize,
    pub foreign_persons: usize,
    pub deceased_persons: usize,
    /// How often each damage was applied to a duplicate.
    pub damages: BTreeMap<Damage, usize>,
}

/// The generator's state: tables, the random stream, number allocators and the output.
pub(crate) struct Generator<'a> {
    pub names: &'a NameTables,
    pub places: &'a Places,
    pub reference: Date,
    pub rng: Rng,
    nnus: BitSet,
    nifs: BitSet,
    cluster_ids: Vec<u32>,
    pyramids: [Weighted<usize>; 3],
    foreign: Weighted<Community>,
    pub rows: Vec<Row>,
    pub pairs: Vec<(HardNegative, u32, u32)>,
    pub counts: Counts,
}

impl<'a> Generator<'a> {
    /// A generator for `persons` persons.
    pub(crate) fn new(names: &'a NameTables, places: &'a Places, persons: usize, seed: u64, reference: Date) -> Self {
        let mut rng = Rng::new(seed, 0);
        // Cluster ids: 1..=persons in random order, so that ids carry no information.
        let mut cluster_ids: Vec<u32> = (1..=persons as u32).collect();
        rng.shuffle(&mut cluster_ids);
        let pyramid = |bands: &[f64; 20]| Weighted::new(bands.iter().enumerate().map(|(i, &w)| (i, w)));
        Generator {
            names,
            places,
            reference,
            rng,
            nnus: BitSet::new(200_000_000),
            nifs: BitSet::new(100_000_000),
            cluster_ids,
            pyramids: [
                pyramid(&PT_PYRAMID),
                pyramid(&FOREIGN_PYRAMID),
                pyramid(&BRITISH_PYRAMID),
            ],
            foreign: Weighted::new(Community::FOREIGN.iter().copied()),
            rows: Vec::with_capacity(persons + persons / 7),
            pairs: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// Generates every person and their records.
    pub(crate) fn run(&mut self, persons: usize) {
        let group_table = Weighted::new(
            HARD_NEGATIVE_RATES
                .iter()
                .map(|&(kind, p)| (Some(kind), p))
                .chain([(None, 1.0 - 0.033)]),
        );
        while self.counts.persons < persons {
            let remaining = persons - self.counts.persons;
            let group = if remaining >= 2 {
                group_table.get(&mut self.rng)
            } else {
                None
            };
            match group {
                None => {
                    let person = self.singleton();
                    self.emit(person);
                }
                Some(kind) => {
                    let (a, b) = match kind {
                        HardNegative::Twins => self.twins(),
                        HardNegative::Siblings => self.siblings(),
                        HardNegative::ParentChild => self.parent_and_child(),
                        HardNegative::Spouses => self.spouses(),
                        HardNegative::CommonName => self.common_names(),
                    };
                    let a = self.emit(a);
                    let b = self.emit(b);
                    self.pairs.push((kind, a, b));
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Allocators.

    /// A fresh NNU: nine digits, first digit 1 or 2, never used before in the file.
    pub(crate) fn nnu(&mut self) -> u32 {
        loop {
            let offset = self.rng.below(200_000_000) as u32;
            if self.nnus.insert(offset) {
                return 100_000_000 + offset;
            }
        }
    }

    fn nif(&mut self, prefix: u32) -> u32 {
        loop {
            let base = if prefix >= 10 {
                prefix * 1_000_000 + self.rng.below(1_000_000) as u32
            } else {
                prefix * 10_000_000 + self.rng.below(10_000_000) as u32
            };
            if self.nifs.insert(base) {
                return Nif::from_base(base).get();
            }
        }
    }

    fn next_cluster(&mut self) -> u32 {
        self.cluster_ids[self.counts.persons.min(self.cluster_ids.len() - 1)]
    }

    // -----------------------------------------------------------------------------------------
    // Attributes.

    fn community(&mut self) -> Community {
        if self.rng.chance(FOREIGN_SHARE) {
            self.foreign.get(&mut self.rng)
        } else {
            Community::Portugal
        }
    }

    fn sex(&mut self, community: Community) -> Sex {
        let female = match community {
            Community::Portugal => 0.52,
            Community::Brazil => 0.55,
            Community::Ukraine => 0.6,
            Community::India => 0.3,
            Community::Nepal => 0.35,
            Community::Bangladesh => 0.2,
            Community::Romania => 0.48,
            _ => 0.5,
        };
        if self.rng.chance(female) {
            Sex::F
        } else {
            Sex::M
        }
    }

    /// A birth date from the community's age pyramid.
    pub(crate) fn birth_date(&mut self, community: Community) -> Date {
        let pyramid = match community {
            Community::Portugal => &self.pyramids[0],
            Community::UnitedKingdom => &self.pyramids[2],
            _ => &self.pyramids[1],
        };
        let band = pyramid.get(&mut self.rng);
        let age = (band * 5) as i32 + self.rng.index(if band == 19 { 6 } else { 5 }) as i32;
        self.birth_for_age(age)
    }

    fn birth_for_age(&mut self, age: i32) -> Date {
        let days = self.reference.days_since_epoch() - age * 365 - age / 4 - self.rng.index(365) as i32;
        Date::from_days_since_epoch(days)
    }

    /// The date `years` years (and some days) after `date`.
    fn years_after(&mut self, date: Date, min_years: i32, max_years: i32) -> Date {
        let years = self.rng.range(i64::from(min_years), i64::from(max_years)) as i32;
        let days = date.days_since_epoch() + years * 365 + years / 4 + self.rng.index(365) as i32;
        Date::from_days_since_epoch(days)
    }

    fn death(&mut self, birth: Date) -> Option<Date> {
        let age = birth.years_until(self.reference);
        let p = match age {
            ..=39 => 0.002,
            40..=59 => 0.012,
            60..=69 => 0.035,
            70..=79 => 0.085,
            80..=89 => 0.19,
            _ => 0.36,
        };
        if !self.rng.chance(p) {
            return None;
        }
        let reference = self.reference.days_since_epoch();
        let earliest = (birth.days_since_epoch() + 1).max(reference - 3650);
        if earliest > reference {
            return None;
        }
        Some(Date::from_days_since_epoch(
            self.rng.range(i64::from(earliest), i64::from(reference)) as i32,
        ))
    }

    fn person_nif(&mut self, community: Community, birth: Date) -> Option<u32> {
        let adult = birth.years_until(self.reference) >= 18;
        let p = match (community, adult) {
            (Community::Portugal, true) => 0.9,
            (Community::Portugal, false) => 0.45,
            (_, true) => 0.65,
            (_, false) => 0.2,
        };
        if !self.rng.chance(p) {
            return None;
        }
        let prefix = if community == Community::Portugal {
            match birth.year {
                ..=1984 => 1,
                1985..=2000 if self.rng.chance(0.6) => 1,
                1985..=2018 => 2,
                _ if self.rng.chance(0.4) => 2,
                _ => 3,
            }
        } else if adult && self.rng.chance(0.12) {
            45
        } else if self.rng.chance(0.15) {
            3
        } else {
            2
        };
        Some(self.nif(prefix))
    }

    /// A person of `community`, `sex` and `birth`, with an empty name (set by the caller).
    fn person(&mut self, community: Community, sex: Sex, birth: Date) -> Person {
        let age = birth.years_until(self.reference);
        let (nationality, former_nationality, birth_country, birth_parish, residence) =
            if community == Community::Portugal {
                let abroad = if (1940..=1975).contains(&birth.year) {
                    0.06
                } else {
                    0.015
                };
                if self.rng.chance(abroad) {
                    let table = if birth.year <= 1975 {
                        PT_BORN_ABROAD_OLDER
                    } else {
                        PT_BORN_ABROAD_YOUNGER
                    };
                    let country = *Weighted::new(table.iter().copied()).draw(&mut self.rng);
                    let residence = self.places.residence(community, None, &mut self.rng);
                    ("PT", None, country, None, residence)
                } else {
                    let parish = self.places.birth_parish(birth.year, &mut self.rng);
                    let residence = self.places.residence(community, Some(parish), &mut self.rng);
                    ("PT", None, "PT", Some(parish), residence)
                }
            } else {
                let country = community.country();
                let residence = self.places.residence(community, None, &mut self.rng);
                let born_here = match (age < 18, community) {
                    (true, Community::UnitedKingdom) => 0.2,
                    (true, _) => 0.4,
                    (false, _) => 0.03,
                };
                if self.rng.chance(born_here) {
                    let parish = self.places.parish_in(residence, &mut self.rng);
                    if self.rng.chance(0.3) {
                        ("PT", Some(country), "PT", Some(parish), residence)
                    } else {
                        (country, None, "PT", Some(parish), residence)
                    }
                } else {
                    let naturalised = match community {
                        Community::Brazil => 0.12,
                        Community::CapeVerde | Community::Angola | Community::SaoTome | Community::GuineaBissau => 0.22,
                        Community::India => 0.15,
                        _ => 0.04,
                    };
                    if age >= 18 && self.rng.chance(naturalised) {
                        ("PT", Some(country), country, None, residence)
                    } else {
                        (country, None, country, None, residence)
                    }
                }
            };
        let unit = self.places.unit_in(residence, &mut self.rng);
        let nif = self.person_nif(community, birth);
        let death = self.death(birth);
        Person {
            cluster: 0,
            community,
            name: Name {
                given: Vec::new(),
                surnames: Vec::new(),
                suffix: None,
                surname_first: false,
            },
            sex,
            birth,
            nationality,
            former_nationality,
            birth_country,
            birth_parish,
            residence,
            unit,
            nif,
            death,
            mother_surnames: Vec::new(),
        }
    }

    /// Surnames (and the mother's, for placeholders) for a new family of `community`.
    fn family(&mut self, community: Community) -> (Vec<Part>, Vec<Part>) {
        if community == Community::Portugal {
            let lineage: Lineage = self.names.pt_lineage(&mut self.rng);
            let surnames = lineage.child_surnames(&mut self.rng);
            (surnames, lineage.mother)
        } else {
            (self.names.family_surnames(community, &mut self.rng), Vec::new())
        }
    }

    fn singleton(&mut self) -> Person {
        let community = self.community();
        let sex = self.sex(community);
        let birth = self.birth_date(community);
        let mut person = self.person(community, sex, birth);
        if community == Community::Portugal {
            let (surnames, mother) = self.family(community);
            person.name = self.names.pt_name(sex, birth.year, surnames, &mut self.rng);
            person.mother_surnames = mother;
        } else {
            person.name = self.names.name(community, sex, birth.year, &mut self.rng);
        }
        person
    }

    /// A community for a family built on purpose: mostly Portuguese.
    fn family_community(&mut self) -> Community {
        let community = if self.rng.chance(0.9) {
            Community::Portugal
        } else {
            self.foreign.get(&mut self.rng)
        };
        if community.family_surnames() {
            community
        } else {
            Community::Portugal
        }
    }

    fn member(&mut self, community: Community, sex: Sex, birth: Date, surnames: &[Part], mother: &[Part]) -> Person {
        let mut person = self.person(community, sex, birth);
        let given = self.names.family_given(community, sex, birth.year, &mut self.rng);
        let surname_first = community == Community::China && self.rng.chance(0.6);
        person.name = Name {
            given,
            surnames: surnames.to_vec(),
            suffix: None,
            surname_first,
        };
        person.mother_surnames = mother.to_vec();
        person
    }

    fn twins(&mut self) -> (Person, Person) {
        let community = self.family_community();
        let (surnames, mother) = self.family(community);
        let sex_a = self.sex(community);
        let sex_b = if self.rng.chance(0.6) { sex_a } else { other_sex(sex_a) };
        let birth = self.birth_date(community);
        let mut a = self.member(community, sex_a, birth, &surnames, &mother);
        let mut b = self.member(community, sex_b, birth, &surnames, &mother);
        while b.name.given[0].text == a.name.given[0].text {
            b.name.given = self.names.family_given(community, sex_b, birth.year, &mut self.rng);
        }
        // Written given name first (as Portuguese registries usually write Chinese names too),
        // so the twins differ in their first word.
        a.name.surname_first = false;
        b.name.surname_first = false;
        // Same birth, same family: same birthplace, nationality, residence and health unit.
        b.birth_parish = a.birth_parish;
        b.birth_country = a.birth_country;
        b.nationality = a.nationality;
        b.former_nationality = a.former_nationality;
        b.residence = a.residence;
        b.unit = a.unit;
        (a, b)
    }

    fn siblings(&mut self) -> (Person, Person) {
        let community = self.family_community();
        let (surnames, mother) = self.family(community);
        let sex_a = self.sex(community);
        let sex_b = self.sex(community);
        let mut birth_a = self.birth_date(community);
        if birth_a.years_until(self.reference) < 2 {
            let age = 2 + self.rng.index(60) as i32;
            birth_a = self.birth_for_age(age);
        }
        let gap = self.rng.range(1, 10) as i32;
        let mut birth_b = self.years_after(birth_a, gap, gap);
        if birth_b > self.reference {
            birth_b = self.years_after(birth_a, 1, 1).min(self.reference);
        }
        let a = self.member(community, sex_a, birth_a, &surnames, &mother);
        let mut b = self.member(community, sex_b, birth_b, &surnames, &mother);
        while b.name.given[0].text == a.name.given[0].text {
            b.name.given = self.names.family_given(community, sex_b, birth_b.year, &mut self.rng);
        }
        if a.birth_parish.is_some() && self.rng.chance(0.7) {
            b.birth_parish = a.birth_parish;
            b.birth_country = a.birth_country;
        }
        if self.rng.chance(0.6) {
            b.residence = a.residence;
            b.unit = if self.rng.chance(0.7) {
                a.unit
            } else {
                self.places.unit_in(a.residence, &mut self.rng)
            };
        }
        (a, b)
    }

    fn parent_and_child(&mut self) -> (Person, Person) {
        let community = self.family_community();
        let sex = if self.rng.chance(0.85) { Sex::M } else { Sex::F };
        let parent_age = 45 + self.rng.index(40) as i32;
        let parent_birth = self.birth_for_age(parent_age);
        let mut child_birth = self.years_after(parent_birth, 20, 40);
        if child_birth > self.reference {
            child_birth = self.years_after(parent_birth, 20, 20).min(self.reference);
        }
        let (surnames, mother) = self.family(community);
        let parent = self.member(community, sex, parent_birth, &surnames, &[]);
        let mut child = self.member(community, sex, child_birth, &surnames, &mother);
        child.name.given = parent.name.given.clone();
        child.name.surname_first = parent.name.surname_first;
        if sex == Sex::M && self.rng.chance(0.5) {
            child.name.suffix = Some(if self.rng.chance(0.6) { "Júnior" } else { "Filho" });
        }
        if let (Some(parent_parish), true) = (parent.birth_parish, self.rng.chance(0.5)) {
            if child.birth_parish.is_some() {
                child.birth_parish = Some(parent_parish);
            }
        }
        if self.rng.chance(0.5) {
            child.residence = parent.residence;
            child.unit = parent.unit;
        }
        (parent, child)
    }

    fn spouses(&mut self) -> (Person, Person) {
        let community = match self.family_community() {
            c if c.lusophone() || c == Community::UnitedKingdom => c,
            _ => Community::Portugal,
        };
        let wife_birth = {
            let mut birth = self.birth_date(community);
            if birth.years_until(self.reference) < 20 {
                let age = 20 + self.rng.index(50) as i32;
                birth = self.birth_for_age(age);
            }
            birth
        };
        let gap = self.rng.range(-2, 6) as i32;
        let husband_birth =
            Date::from_days_since_epoch(wife_birth.days_since_epoch() - gap * 365 - self.rng.index(200) as i32)
                .min(self.birth_for_age(18));
        let (husband_surnames, husband_mother) = self.family(community);
        let (wife_own, wife_mother) = self.family(community);
        let husband = self.member(community, Sex::M, husband_birth, &husband_surnames, &husband_mother);
        let mut wife = self.member(community, Sex::F, wife_birth, &wife_own, &wife_mother);
        let mut surnames: Vec<Part> = if community == Community::UnitedKingdom {
            Vec::new()
        } else {
            wife_own.iter().rev().take(2).rev().copied().collect()
        };
        let take = if husband_surnames.len() >= 2 && self.rng.chance(0.3) {
            2
        } else {
            1
        };
        for part in &husband_surnames[husband_surnames.len() - take..] {
            if surnames.iter().all(|p| p.text != part.text) && surnames.len() < 4 {
                surnames.push(*part);
            }
        }
        wife.name.surnames = surnames;
        wife.residence = husband.residence;
        wife.unit = if self.rng.chance(0.8) {
            husband.unit
        } else {
            self.places.unit_in(husband.residence, &mut self.rng)
        };
        (husband, wife)
    }

    fn common_names(&mut self) -> (Person, Person) {
        let sex = if self.rng.chance(0.55) { Sex::F } else { Sex::M };
        let first = match sex {
            Sex::F => *self.rng.pick(&["Maria", "Maria", "Maria", "Ana"]),
            Sex::M => *self.rng.pick(&["José", "José", "João", "António", "Manuel"]),
        };
        let middles = match sex {
            Sex::F => COMMON_FEMALE_MIDDLES,
            Sex::M => COMMON_MALE_MIDDLES,
        };
        let last = *self.rng.pick(COMMON_SURNAMES);
        let shared_middle = self.rng.chance(0.6).then(|| *self.rng.pick(middles));
        let birth = self.birth_date(Community::Portugal);
        let make = |g: &mut Self| {
            let mut person = g.person(Community::Portugal, sex, birth);
            let middle = shared_middle.or_else(|| g.rng.chance(0.7).then(|| *g.rng.pick(middles)));
            let mut given = vec![Part::plain(first)];
            given.extend(middle.filter(|m| m.text != first));
            let mut surnames = Vec::with_capacity(2);
            if g.rng.chance(0.5) {
                let other = g.names.pt_surname(&mut g.rng);
                if other.text != last.text {
                    surnames.push(other);
                }
            }
            surnames.push(last);
            person.mother_surnames = vec![g.names.pt_surname(&mut g.rng)];
            person.name = Name {
                given,
                surnames,
                suffix: None,
                surname_first: false,
            };
            person
        };
        let a = make(self);
        let b = make(self);
        (a, b)
    }

    // -----------------------------------------------------------------------------------------
    // Records.

    /// Assigns the person's cluster id and writes the original record and its duplicates;
    /// returns the cluster id.
    fn emit(&mut self, mut person: Person) -> u32 {
        person.cluster = self.next_cluster();
        // Six words at most (the civil-registry limit, compound surnames counted as two words).
        person.name.fit(6);
        self.counts.persons += 1;
        if person.community != Community::Portugal {
            self.counts.foreign_persons += 1;
        }
        if person.death.is_some() {
            self.counts.deceased_persons += 1;
        }
        let original = self.original(&person);
        self.rows.push(original);
        if self.rng.chance(DUPLICATE_SHARE) {
            let n = match self.rng.unit() {
                x if x < 0.78 => 1,
                x if x < 0.95 => 2,
                _ => 3,
            };
            self.counts.persons_with_duplicates += 1;
            self.counts.duplicate_records += n;
            for _ in 0..n {
                let row = damage::duplicate(self, &person);
                self.rows.push(row);
            }
        }
        person.cluster
    }

    /// The person's record as the registry's best copy: the truth, with the gaps a registry
    /// has (more of them in records still em curso or incompleto).
    fn original(&mut self, person: &Person) -> Row {
        let mut row = self.true_row(person);
        row.original = true;
        let age = person.age(self.reference);
        row.registration_type = if person.death.is_some() {
            RegistrationType::Historico
        } else {
            let (em_curso, incompleto) = match (person.community, age) {
                (Community::Portugal, 0) => (0.25, 0.01),
                (Community::Portugal, _) => (0.01, 0.012),
                (_, 0..=17) => (0.08, 0.07),
                (_, _) => (0.12, 0.30),
            };
            match self.rng.unit() {
                x if x < em_curso => RegistrationType::EmCurso,
                x if x < em_curso + incompleto => RegistrationType::Incompleto,
                _ => RegistrationType::Atualizado,
            }
        };
        if matches!(
            row.registration_type,
            RegistrationType::EmCurso | RegistrationType::Incompleto
        ) {
            let n = 1 + usize::from(self.rng.chance(0.35));
            for _ in 0..n {
                match self.rng.unit() {
                    x if x < 0.52 => row.nif = None,
                    x if x < 0.63 => row.nationality = None,
                    x if x < 0.81 => row.birthplace = None,
                    x if x < 0.95 => row.birth_country = None,
                    x if x < 0.99 => row.sex = None,
                    _ => row.birth_date = None,
                }
            }
        } else {
            if self.rng.chance(0.003) {
                row.sex = None;
            }
            if self.rng.chance(0.012) {
                row.birthplace = None;
            } else if self.rng.chance(0.01) {
                row.birthplace = row.birthplace.map(|(parish, _)| (parish, 2));
            }
            if self.rng.chance(0.006) {
                row.nationality = None;
            }
            if self.rng.chance(0.004) {
                row.birth_country = None;
            }
            if self.rng.chance(0.002) {
                row.birth_date = None;
            }
        }
        row
    }

    /// Every field as the truth has it.
    pub(crate) fn true_row(&mut self, person: &Person) -> Row {
        // Placeholder 1 January for people whose papers have no day (some South Asian passports).
        let birth = if matches!(
            person.community,
            Community::Bangladesh | Community::Nepal | Community::India
        ) && person.birth_country != "PT"
            && self.rng.chance(0.04)
        {
            Date::new(person.birth.year, 1, 1).unwrap_or(person.birth)
        } else {
            person.birth
        };
        Row {
            nnu: self.nnu(),
            full_name: person.name.render(),
            sex: Some(person.sex),
            birth_date: Some(birth),
            nationality: Some(person.nationality),
            birth_country: Some(person.birth_country),
            birthplace: person.birth_parish.map(|parish| (parish, 3)),
            unit: Some((person.residence, person.unit)),
            nif: person.nif,
            registration_type: RegistrationType::Atualizado,
            death_date: person.death,
            cluster: person.cluster,
            original: false,
        }
    }
}

fn other_sex(sex: Sex) -> Sex {
    match sex {
        Sex::M => Sex::F,
        Sex::F => Sex::M,
    }
}
