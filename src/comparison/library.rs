//! The comparisons Único uses, their levels and default m and u probabilities.
//!
//! Defaults come from the damage registries do (DESIGN.md §Matching) and from the share of
//! random pairs of a national registry at each level; training replaces u by counts over random
//! pairs and m by expectation–maximisation, except for `fixed_m` levels.

use super::comparator::{jaro_winkler_at_least, one_digit_apart, one_edit_apart};
use super::term_frequencies::{TermFrequencies, TermKind};
use super::{Comparison, ComparisonLevel, ComparisonVector, ComparisonVectorValue};
use crate::record::normalize::{fold, normalize_name, NameToken, NormalizedName};
use crate::record::{Country, Date, Nif, PatientRecord, RecordId, Sex};

/// Number of comparisons.
pub const N_COMPARISONS: usize = 8;

/// Changes whenever a comparison's levels, defaults or logic change: a delta scan would keep
/// pairs scored the old way, so the next scan after such a change is a full one.
pub const COMPARISONS_VERSION: u32 = 2;

const fn level(gamma: i8, label: &'static str, m: f64, u: f64) -> ComparisonLevel {
    ComparisonLevel {
        gamma: ComparisonVectorValue(gamma),
        label,
        m_probability: m,
        u_probability: u,
        tf_adjusted: false,
        fixed_m: false,
    }
}

const fn tf(mut level: ComparisonLevel) -> ComparisonLevel {
    level.tf_adjusted = true;
    level
}

const fn fixed(mut level: ComparisonLevel) -> ComparisonLevel {
    level.fixed_m = true;
    level
}

/// Index of each comparison in the vector.
pub mod index {
    /// Full name, token by token.
    pub const FULL_NAME: usize = 0;
    /// First given name.
    pub const GIVEN_NAME: usize = 1;
    /// Birth date.
    pub const BIRTH_DATE: usize = 2;
    /// Birthplace.
    pub const BIRTHPLACE: usize = 3;
    /// NIF.
    pub const NIF: usize = 4;
    /// Sex.
    pub const SEX: usize = 5;
    /// Generational suffix.
    pub const SUFFIX: usize = 6;
    /// Newborn placeholder name against a real name.
    pub const NEWBORN: usize = 7;
}

/// Every comparison, in vector order.
pub static COMPARISONS: [Comparison; N_COMPARISONS] = [
    Comparison {
        name: "full_name",
        description:
            "all name tokens, aligned whatever their order (particles ignored, spelling variants and initials accepted)",
        levels: &[
            tf(level(6, "exact", 0.45, 2e-6)),
            tf(level(5, "same tokens, spelling variants", 0.12, 1e-6)),
            tf(level(4, "one name contained in the other", 0.25, 2e-5)),
            fixed(level(3, "most other tokens agree", 0.10, 3e-4)),
            fixed(level(2, "two or more other tokens agree", 0.04, 2e-3)),
            level(1, "one other token agrees", 0.03, 0.06),
            level(0, "no other token agrees", 0.01, 0.937677),
        ],
    },
    Comparison {
        name: "given_name",
        description: "first given name",
        levels: &[
            tf(level(5, "exact", 0.87, 0.02)),
            level(4, "spelling variant", 0.06, 0.008),
            level(3, "initial", 0.02, 0.004),
            fixed(level(2, "found elsewhere in the other name", 0.04, 0.01)),
            // Not a known variant, but the same consonants: a transliteration ("Ludmila" /
            // "Liudmyla", "Ekaterina" / "Kateryna"), a letter dropped and another doubled.
            // Twins' first names seldom are.
            fixed(level(1, "same consonants", 0.00995, 0.005)),
            fixed(level(0, "different", 0.00005, 0.953)),
        ],
    },
    Comparison {
        name: "birth_date",
        description: "date of birth",
        levels: &[
            tf(level(7, "exact", 0.78, 3e-5)),
            level(6, "day and month swapped", 0.03, 3e-5),
            level(5, "year one off", 0.03, 6e-5),
            level(4, "one digit off", 0.06, 4e-4),
            level(3, "placeholder 1 January, same year", 0.02, 2e-4),
            fixed(level(2, "within five years", 0.0795, 0.11)),
            fixed(level(0, "more than five years apart", 0.0005, 0.88928)),
        ],
    },
    Comparison {
        name: "birthplace",
        description: "place of birth: freguesia within concelho within distrito within country",
        levels: &[
            tf(level(4, "same freguesia", 0.55, 0.001)),
            tf(level(3, "same concelho", 0.20, 0.01)),
            level(2, "same distrito", 0.06, 0.04),
            level(1, "same country", 0.09, 0.15),
            level(0, "different", 0.10, 0.799),
        ],
    },
    Comparison {
        name: "nif",
        description: "tax number (NIF); an invalid NIF is no evidence",
        levels: &[
            level(2, "exact", 0.995, 1e-8),
            // No "one digit off" level: the check digit catches almost every typo, so two different
            // valid NIFs are two people, and a mistyped one is invalid (no evidence).
            fixed(level(0, "different", 0.005, 0.99999999)),
        ],
    },
    Comparison {
        name: "sex",
        description: "sex",
        levels: &[level(1, "exact", 0.98, 0.5), level(0, "different", 0.02, 0.5)],
    },
    Comparison {
        name: "suffix",
        description: "generational suffix (Júnior, Filho, Neto, Sobrinho), when either name has one",
        levels: &[
            level(1, "same suffix", 0.8, 0.1),
            level(0, "different or only one", 0.2, 0.9),
        ],
    },
    Comparison {
        name: "newborn",
        description: "a newborn's placeholder name (\"RN de <mother>\") against the other name: the mother's surnames are usually the child's",
        levels: &[level(1, "a surname of the mother in the name", 0.85, 0.12), level(0, "no name in common", 0.15, 0.88)],
    },
];

/// A record prepared for comparison: everything computed once.
#[derive(Clone, Debug)]
pub struct ComparableRecord {
    /// Store id.
    pub id: RecordId,
    /// Normalised name.
    pub name: NormalizedName,
    /// The name's token keys (initials left out), sorted and joined: the same for the same
    /// name in any order.
    pub full_name_key: String,
    /// Valid birth date.
    pub birth_date: Option<Date>,
    /// The birth date as `yyyymmdd` (empty when unknown).
    pub birth_date_key: String,
    /// Sex.
    pub sex: Option<Sex>,
    /// Valid NIF.
    pub nif: Option<Nif>,
    /// Country of birth (Portugal when a Portuguese birthplace is given).
    pub birth_country: Option<Country>,
    /// Nationality.
    pub nationality: Option<Country>,
    /// Folded distrito of birth.
    pub birth_district: Option<String>,
    /// Folded concelho of birth.
    pub birth_municipality: Option<String>,
    /// Folded freguesia of birth.
    pub birth_parish: Option<String>,
    /// How common this record's values are, once [`TermFrequencies::annotate`] has run: the
    /// scan looks them up once per record instead of once per pair.
    pub frequencies: Option<RecordFrequencies>,
}

/// The frequencies of one record's values in the registry.
#[derive(Clone, Debug, Default)]
pub struct RecordFrequencies {
    /// Of each name token's key, in token order.
    pub tokens: Vec<f64>,
    /// Of the whole name.
    pub full_name: f64,
    /// Of the first given name.
    pub given_name: f64,
    /// Of the birth date.
    pub birth_date: f64,
    /// Of the concelho of birth.
    pub municipality: f64,
}

impl ComparableRecord {
    fn token_frequency(&self, i: usize, tf: &TermFrequencies) -> f64 {
        match &self.frequencies {
            Some(f) => f.tokens[i],
            None => tf.frequency(TermKind::NameToken, &self.name.tokens[i].key),
        }
    }

    fn frequency(&self, kind: TermKind, tf: &TermFrequencies) -> f64 {
        if let Some(f) = &self.frequencies {
            return match kind {
                TermKind::FullName => f.full_name,
                TermKind::GivenName => f.given_name,
                TermKind::BirthDate => f.birth_date,
                TermKind::Municipality => f.municipality,
                TermKind::NameToken => 0.0,
            };
        }
        let value = match kind {
            TermKind::FullName => self.full_name_key.as_str(),
            TermKind::GivenName => self.name.tokens.first().map_or("", |t| t.key.as_str()),
            TermKind::BirthDate => self.birth_date_key.as_str(),
            TermKind::Municipality => self.birth_municipality.as_deref().unwrap_or(""),
            TermKind::NameToken => "",
        };
        tf.frequency(kind, value)
    }
}

fn folded(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| fold(t.trim())).filter(|t| !t.is_empty())
}

impl ComparableRecord {
    /// Prepares a record.
    pub fn new(record: &PatientRecord) -> ComparableRecord {
        let birth_municipality = folded(&record.birth_municipality);
        let birth_district = folded(&record.birth_district);
        let birth_country = record
            .birth_country
            .valid()
            .copied()
            // A Portuguese birthplace implies Portugal, unless a country was typed (even an invalid one).
            .or_else(|| {
                (record.birth_country.is_missing() && (birth_municipality.is_some() || birth_district.is_some()))
                    .then_some(Country::PORTUGAL)
            });
        let name = normalize_name(&record.full_name);
        let mut keys: Vec<&str> = name
            .tokens
            .iter()
            .filter(|t| !t.initial)
            .map(|t| t.key.as_str())
            .collect();
        keys.sort_unstable();
        let full_name_key = keys.join(" ");
        ComparableRecord {
            id: record.id,
            full_name_key,
            name,
            birth_date: record.birth_date.valid().copied(),
            birth_date_key: record.birth_date.valid().map(|d| d.compact()).unwrap_or_default(),
            sex: record.sex.valid().copied(),
            nif: record.nif.valid().copied(),
            birth_country,
            nationality: record.nationality.valid().copied(),
            birth_district,
            birth_municipality,
            birth_parish: folded(&record.birth_parish),
            frequencies: None,
        }
    }
}

/// Compares two prepared records.
pub fn compare(a: &ComparableRecord, b: &ComparableRecord, tf: &TermFrequencies) -> ComparisonVector {
    let mut term_frequency = [0.0; N_COMPARISONS];
    let alignment = align(a, b, tf);
    let (full_name, full_name_tf) = compare_full_name(a, b, &alignment, tf);
    // When one whole name lies within the other, the first names' agreement is part of that
    // evidence already: counting it again would make common names look certain.
    let (given_name, given_name_tf) = if full_name.0 >= 4 {
        (ComparisonVectorValue::NULL, 0.0)
    } else {
        compare_given_name(a, b, &alignment, tf)
    };
    let (birth_date, birth_date_tf) = compare_birth_date(a, b, tf);
    let (birthplace, birthplace_tf) = compare_birthplace(a, b, tf);
    term_frequency[index::FULL_NAME] = full_name_tf;
    term_frequency[index::GIVEN_NAME] = given_name_tf;
    term_frequency[index::BIRTH_DATE] = birth_date_tf;
    term_frequency[index::BIRTHPLACE] = birthplace_tf;
    let gamma = [
        full_name,
        given_name,
        birth_date,
        birthplace,
        compare_nif(a.nif, b.nif),
        compare_sex(a.sex, b.sex),
        compare_suffix(&a.name, &b.name),
        compare_newborn(a, b),
    ];
    ComparisonVector { gamma, term_frequency }
}

const G: fn(i8) -> ComparisonVectorValue = ComparisonVectorValue;

/// Two phonetic keys with the same consonants in the same order, at least three of them (a
/// consonant repeated, even across vowels, counts once): "ludmila" / "liudmila", "ekaterina" /
/// "katerina".
fn alike(key_a: &str, key_b: &str) -> bool {
    fn consonants(key: &str) -> impl Iterator<Item = u8> + '_ {
        let mut previous = 0;
        key.bytes().filter(move |&c| {
            let keep = !matches!(c, b'a' | b'e' | b'i' | b'o' | b'u') && c != previous;
            if keep {
                previous = c;
            }
            keep
        })
    }
    let mut a = consonants(key_a);
    let mut b = consonants(key_b);
    let mut n = 0;
    loop {
        match (a.next(), b.next()) {
            (None, None) => return n >= 3,
            (Some(x), Some(y)) if x == y => n += 1,
            _ => return false,
        }
    }
}

/// Similarity at or above which two tokens count as the same.
const TOKEN_MATCH: f64 = 0.88;
/// Names are aligned on at most this many tokens (the civil registry allows six words).
const MAX_TOKENS: usize = 12;

/// How the tokens of two names pair up.
#[derive(Clone, Copy, Debug, Default)]
struct Alignment {
    /// Number of aligned token pairs.
    n_matched: usize,
    /// Aligned pairs whose folded text is equal.
    n_exact: usize,
    /// Bit i set: token i of the left name is aligned.
    matched_l: u32,
    /// Bit j set: token j of the right name is aligned.
    matched_r: u32,
    /// For each aligned left token, the right token it aligns with.
    partner_l: [u8; MAX_TOKENS],
    n_l: usize,
    n_r: usize,
}

fn token_similarity(a: &NameToken, b: &NameToken) -> f64 {
    if a.initial || b.initial {
        // An initial matches a token with the same first letter, and nothing else.
        return if a.text.as_bytes().first() == b.text.as_bytes().first() {
            0.89
        } else {
            0.0
        };
    }
    if a.text == b.text {
        1.0
    } else if a.key == b.key {
        0.97
    } else {
        let similarity = jaro_winkler_at_least(&a.text, &b.text, TOKEN_MATCH);
        if similarity < TOKEN_MATCH && one_typo_apart(&a.text, &b.text) {
            TYPO_SIMILARITY
        } else {
            similarity
        }
    }
}

/// Similarity given to two tokens one typo apart that Jaro–Winkler scores low (`aan`/`ana`,
/// `fhen`/`chen`).
const TYPO_SIMILARITY: f64 = 0.9;

/// One insertion, deletion, substitution or adjacent transposition apart, for tokens of three
/// letters or more, or two against three (shorter ones are too easily one edit apart).
fn one_typo_apart(a: &str, b: &str) -> bool {
    let (la, lb) = (a.len(), b.len());
    // A letter dropped from a three-letter name ("Aa" for "Ana") still counts.
    if la.min(lb) < 2 || la.max(lb) < 3 || la.abs_diff(lb) > 1 {
        return false;
    }
    // A cheap filter before the edit distance: one typo leaves the first or the last letter.
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    if ab[0] != bb[0] && ab[la - 1] != bb[lb - 1] {
        return false;
    }
    one_edit_apart(ab, bb)
}

/// A record's name token, for [`distinct_names`].
#[derive(Clone, Copy)]
struct TokenOf<'a> {
    record: &'a ComparableRecord,
    index: usize,
}

impl TokenOf<'_> {
    fn token(&self) -> &NameToken {
        &self.record.name.tokens[self.index]
    }
}

/// Records a name token must be seen in, at the least, to count as a name in its own right.
const COMMON_NAME_MIN_RECORDS: f64 = 10.0;
/// Share of the registry's records a name token must be seen in to count as a name in its own right.
const COMMON_NAME_MIN_SHARE: f64 = 1e-4;
/// The rarer of two such names is seen at least this share as often as the commoner.
const COMMON_NAME_MIN_RATIO: f64 = 0.02;

/// Whether two values seen `count_a` and `count_b` times among `n_records` records are both
/// common: seen in enough records, and the rarer not a sliver of the commoner (a typo of a
/// very common name, "An" for "Ana", recurs too, but as a sliver of it).
fn both_common(count_a: f64, count_b: f64, n_records: f64) -> bool {
    let (rarer, commoner) = (count_a.min(count_b), count_a.max(count_b));
    rarer >= COMMON_NAME_MIN_RECORDS.max(COMMON_NAME_MIN_SHARE * n_records) && rarer >= COMMON_NAME_MIN_RATIO * commoner
}

/// Two tokens that look alike but are two names of the registry, each common in it and one
/// the other with letters added at the end or its last letter changed: "Maria" / "Mariana",
/// "Rafael" / "Rafaela", "Francisco" / "Francisca". A typo makes a rare token, and spelling
/// variants share their phonetic key, so a common pair like these is two people's names.
/// (Anywhere in a name a token may also be a surname, whose typo can make a common word:
/// "Maia" for "Maria"; hence only the ends.)
fn distinct_names(a: TokenOf<'_>, b: TokenOf<'_>, tf: &TermFrequencies) -> bool {
    let (ta, tb) = (a.token(), b.token());
    if ta.initial || tb.initial || ta.key == tb.key {
        return false;
    }
    let (xa, xb) = (ta.text.as_bytes(), tb.text.as_bytes());
    let common_prefix = xa.iter().zip(xb).take_while(|(x, y)| x == y).count();
    // Only the end differs: one is the other's prefix, or they differ in the last letter.
    if common_prefix + 1 < xa.len().max(xb.len()) && common_prefix < xa.len().min(xb.len()) {
        return false;
    }
    let n_records = tf.n_records() as f64;
    let count = |t: TokenOf<'_>| t.record.token_frequency(t.index, tf) * n_records;
    both_common(count(a), count(b), n_records)
}

/// Two first given names that look alike but are both common as first given names, with
/// different phonetic keys: "Marta" / "Maria", "Leonardo" / "Leandro". Twins are given such
/// names; a typo of a first name is rarely another common first name.
fn distinct_given_names(a: &ComparableRecord, b: &ComparableRecord, tf: &TermFrequencies) -> bool {
    let (Some(ta), Some(tb)) = (a.name.tokens.first(), b.name.tokens.first()) else {
        return false;
    };
    if ta.initial || tb.initial || ta.key == tb.key {
        return false;
    }
    let n_records = tf.n_records() as f64;
    let count = |r: &ComparableRecord| r.frequency(TermKind::GivenName, tf) * n_records;
    both_common(count(a), count(b), n_records)
}

/// Greedy best-first alignment of the tokens of two names.
fn align(record_a: &ComparableRecord, record_b: &ComparableRecord, tf: &TermFrequencies) -> Alignment {
    let (a, b) = (&record_a.name, &record_b.name);
    let (n_l, n_r) = (a.tokens.len().min(MAX_TOKENS), b.tokens.len().min(MAX_TOKENS));
    let mut alignment = Alignment {
        n_l,
        n_r,
        ..Alignment::default()
    };
    let mut candidates = [(0f64, 0u8, 0u8); MAX_TOKENS * MAX_TOKENS];
    let mut n_candidates = 0;
    for (i, ta) in a.tokens[..n_l].iter().enumerate() {
        for (j, tb) in b.tokens[..n_r].iter().enumerate() {
            let similarity = token_similarity(ta, tb);
            if similarity >= TOKEN_MATCH
                && !(similarity < 1.0
                    && distinct_names(
                        TokenOf {
                            record: record_a,
                            index: i,
                        },
                        TokenOf {
                            record: record_b,
                            index: j,
                        },
                        tf,
                    ))
            {
                candidates[n_candidates] = (similarity, i as u8, j as u8);
                n_candidates += 1;
            }
        }
    }
    // Best first; ties by position so the alignment is the same whichever side is left.
    let candidates = &mut candidates[..n_candidates];
    candidates.sort_unstable_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then((x.1.min(x.2), x.1, x.2).cmp(&(y.1.min(y.2), y.1, y.2)))
    });
    for &mut (similarity, i, j) in candidates {
        let (bit_i, bit_j) = (1u32 << i, 1u32 << j);
        if alignment.matched_l & bit_i == 0 && alignment.matched_r & bit_j == 0 {
            alignment.matched_l |= bit_i;
            alignment.matched_r |= bit_j;
            alignment.partner_l[i as usize] = j;
            alignment.n_matched += 1;
            if similarity == 1.0 {
                alignment.n_exact += 1;
            }
        }
    }
    alignment
}

fn compare_full_name(
    a: &ComparableRecord,
    b: &ComparableRecord,
    alignment: &Alignment,
    tf: &TermFrequencies,
) -> (ComparisonVectorValue, f64) {
    if a.name.placeholder || b.name.placeholder || alignment.n_l == 0 || alignment.n_r == 0 {
        return (ComparisonVectorValue::NULL, 0.0);
    }
    let (n_l, n_r, n_matched) = (alignment.n_l, alignment.n_r, alignment.n_matched);
    let gamma = if n_l == n_r && n_matched == n_l && alignment.n_exact == n_matched {
        G(6)
    } else if n_l == n_r && n_matched == n_l {
        G(5)
    } else if n_matched == n_l.min(n_r) && n_matched >= 2 && !first_given_name_dropped(a, b, alignment) {
        G(4)
    } else {
        // Below this level the first given names are compared on their own (`given_name`):
        // count here only the other tokens, so that a shared first name is not counted twice.
        let firsts_aligned = alignment.matched_l & 1 != 0 && alignment.partner_l[0] == 0;
        let (n_matched, n_l, n_r) = if firsts_aligned {
            (n_matched - 1, n_l - 1, n_r - 1)
        } else {
            (n_matched, n_l, n_r)
        };
        if n_matched >= 2 && 2 * n_matched >= n_l.max(n_r) {
            G(3)
        } else if n_matched >= 2 {
            G(2)
        } else if n_matched == 1 {
            G(1)
        } else {
            G(0)
        }
    };
    if gamma.0 < 4 {
        return (gamma, 0.0);
    }
    // The share of records that would agree this way by chance. For the whole name, how
    // common the name itself is (token frequencies multiplied would treat "Ram" and "Limbu" as
    // independent, which within a community they are not); for a name contained in the other,
    // at least how common the shorter name is, and at least the product of its tokens'
    // frequencies (the commoner spelling of each aligned pair counts).
    let name_frequency = |record: &ComparableRecord| record.frequency(TermKind::FullName, tf);
    if gamma.0 >= 5 {
        return (gamma, name_frequency(a).max(name_frequency(b)));
    }
    let shorter = if n_l <= n_r { a } else { b };
    let mut frequency = 1.0;
    for i in 0..n_l {
        if alignment.matched_l & (1 << i) != 0 {
            let (ta, tb) = (&a.name.tokens[i], &b.name.tokens[alignment.partner_l[i] as usize]);
            frequency *= if ta.initial || tb.initial {
                0.1
            } else {
                a.token_frequency(i, tf)
                    .max(b.token_frequency(alignment.partner_l[i] as usize, tf))
            };
        }
    }
    let frequency = frequency.max(name_frequency(shorter));
    (gamma, frequency)
}

/// The longer name begins with a given name the shorter lacks, the shorter's first token being
/// the longer's second ("Joaquim Fernando Rebelo" / "Fernando Rebelo"): registries drop middle
/// names or move the surnames first, while twins differ in the first name, so such a name is
/// not "contained in the other", and the first given names are compared on their own. An
/// initial ("M. Fernanda Silva" / "Fernanda Silva") is not a name twins are told apart by.
fn first_given_name_dropped(a: &ComparableRecord, b: &ComparableRecord, alignment: &Alignment) -> bool {
    let dropped = if alignment.n_l > alignment.n_r {
        // Left token 0 aligned with nothing, left token 1 with right token 0.
        alignment.matched_l & 0b11 == 0b10 && alignment.partner_l[1] == 0
    } else if alignment.n_r > alignment.n_l {
        alignment.matched_r & 1 == 0 && alignment.matched_l & 1 != 0 && alignment.partner_l[0] == 1
    } else {
        return false;
    };
    let longer = if alignment.n_l > alignment.n_r { a } else { b };
    dropped && !longer.name.tokens[0].initial
}

fn compare_given_name(
    a: &ComparableRecord,
    b: &ComparableRecord,
    alignment: &Alignment,
    tf: &TermFrequencies,
) -> (ComparisonVectorValue, f64) {
    let (Some(first_a), Some(first_b)) = (a.name.tokens.first(), b.name.tokens.first()) else {
        return (ComparisonVectorValue::NULL, 0.0);
    };
    if a.name.placeholder || b.name.placeholder {
        return (ComparisonVectorValue::NULL, 0.0);
    }
    if first_a.initial && first_b.initial {
        return if first_a.text == first_b.text {
            (G(3), 0.0)
        } else {
            (G(0), 0.0)
        };
    }
    if first_a.initial || first_b.initial {
        return if token_similarity(first_a, first_b) >= TOKEN_MATCH {
            (G(3), 0.0)
        } else {
            (G(0), 0.0)
        };
    }
    if first_a.text == first_b.text {
        return (G(5), a.frequency(TermKind::GivenName, tf));
    }
    let variant = first_a.key == first_b.key
        || jaro_winkler_at_least(&first_a.text, &first_b.text, 0.9) >= 0.9
        || one_typo_apart(&first_a.text, &first_b.text);
    if variant {
        // "Marta" / "Maria": alike, but two common first names.
        return if distinct_given_names(a, b, tf) {
            (G(0), 0.0)
        } else {
            (G(4), 0.0)
        };
    }
    // Reordered or compound names: the first given name of one side is elsewhere in the other
    // and both first names are aligned with something.
    let first_l_aligned = alignment.matched_l & 1 != 0;
    let first_r_aligned = alignment.matched_r & 1 != 0;
    if first_l_aligned && first_r_aligned {
        return (G(2), 0.0);
    }
    if alike(&first_a.key, &first_b.key) && !distinct_given_names(a, b, tf) {
        return (G(1), 0.0);
    }
    (G(0), 0.0)
}

fn compare_birth_date(
    record_a: &ComparableRecord,
    record_b: &ComparableRecord,
    tf: &TermFrequencies,
) -> (ComparisonVectorValue, f64) {
    let (Some(a), Some(b)) = (record_a.birth_date, record_b.birth_date) else {
        return (ComparisonVectorValue::NULL, 0.0);
    };
    if a == b {
        return (G(7), record_a.frequency(TermKind::BirthDate, tf));
    }
    let gamma = if a.year == b.year && a.month == b.day && a.day == b.month {
        G(6)
    } else if (a.year - b.year).abs() == 1 && a.month == b.month && a.day == b.day {
        G(5)
    } else if one_digit_apart(record_a.birth_date_key.as_bytes(), record_b.birth_date_key.as_bytes()) {
        G(4)
    } else if a.year == b.year && ((a.month, a.day) == (1, 1) || (b.month, b.day) == (1, 1)) {
        G(3)
    } else if (a.days_since_epoch() - b.days_since_epoch()).abs() <= 5 * 366 {
        G(2)
    } else {
        G(0)
    };
    (gamma, 0.0)
}

fn compare_birthplace(
    a: &ComparableRecord,
    b: &ComparableRecord,
    tf: &TermFrequencies,
) -> (ComparisonVectorValue, f64) {
    if let (Some(ma), Some(mb)) = (&a.birth_municipality, &b.birth_municipality) {
        let districts_agree = match (&a.birth_district, &b.birth_district) {
            (Some(da), Some(db)) => da == db,
            _ => true,
        };
        if ma == mb && districts_agree {
            let frequency = a.frequency(TermKind::Municipality, tf);
            return match (&a.birth_parish, &b.birth_parish) {
                (Some(pa), Some(pb)) if pa == pb => (G(4), frequency),
                _ => (G(3), frequency),
            };
        }
        return match (&a.birth_district, &b.birth_district) {
            (Some(da), Some(db)) if da == db => (G(2), 0.0),
            _ => (G(0), 0.0),
        };
    }
    match (a.birth_country, b.birth_country) {
        (Some(ca), Some(cb)) if ca == cb => match (&a.birth_district, &b.birth_district) {
            (Some(da), Some(db)) if da == db => (G(2), 0.0),
            (Some(_), Some(_)) => (G(0), 0.0),
            _ => (G(1), 0.0),
        },
        (Some(_), Some(_)) => (G(0), 0.0),
        _ => (ComparisonVectorValue::NULL, 0.0),
    }
}

fn compare_nif(a: Option<Nif>, b: Option<Nif>) -> ComparisonVectorValue {
    match (a, b) {
        (Some(a), Some(b)) if a == b => G(2),
        (Some(_), Some(_)) => G(0),
        _ => ComparisonVectorValue::NULL,
    }
}

fn compare_sex(a: Option<Sex>, b: Option<Sex>) -> ComparisonVectorValue {
    match (a, b) {
        (Some(a), Some(b)) if a == b => G(1),
        (Some(_), Some(_)) => G(0),
        _ => ComparisonVectorValue::NULL,
    }
}

fn compare_newborn(a: &ComparableRecord, b: &ComparableRecord) -> ComparisonVectorValue {
    let (placeholder, other) = match (a.name.placeholder, b.name.placeholder) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return ComparisonVectorValue::NULL,
    };
    // The mother's given name is rarely the child's: her surnames (all but her first word) are.
    let mother: Vec<&NameToken> = placeholder.name.mother_surnames().collect();
    if mother.is_empty() {
        // "RN", "Desconhecido": nothing to compare.
        return ComparisonVectorValue::NULL;
    }
    let shared = mother.iter().any(|m| {
        other
            .name
            .tokens
            .iter()
            .skip(1)
            .any(|t| !t.initial && token_similarity(m, t) >= TOKEN_MATCH)
    });
    if shared {
        G(1)
    } else {
        G(0)
    }
}

fn compare_suffix(a: &NormalizedName, b: &NormalizedName) -> ComparisonVectorValue {
    if a.placeholder || b.placeholder {
        return ComparisonVectorValue::NULL;
    }
    match (a.suffix, b.suffix) {
        (None, None) => ComparisonVectorValue::NULL,
        (Some(x), Some(y)) if x == y => G(1),
        _ => G(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Nnu, Value};

    fn record(name: &str) -> ComparableRecord {
        ComparableRecord::new(&PatientRecord::new(Nnu::from_u32(1).unwrap(), name))
    }

    fn dated(name: &str, date: &str) -> ComparableRecord {
        let mut r = PatientRecord::new(Nnu::from_u32(1).unwrap(), name);
        r.birth_date = Value::Valid(Date::parse(date).unwrap());
        ComparableRecord::new(&r)
    }

    /// Checks γ for one comparison in both directions (symmetry).
    fn check(comparison: usize, a: &ComparableRecord, b: &ComparableRecord, expected: i8) {
        let tf = TermFrequencies::default();
        let ab = compare(a, b, &tf).gamma[comparison];
        let ba = compare(b, a, &tf).gamma[comparison];
        assert_eq!(
            ab, ba,
            "{} not symmetric for {a:?} / {b:?}",
            COMPARISONS[comparison].name
        );
        assert_eq!(
            ab.0, expected,
            "{}: {:?} / {:?}",
            COMPARISONS[comparison].name, a.name, b.name
        );
    }

    macro_rules! name_level {
        ($a:expr, $b:expr, $full:expr, $given:expr) => {
            check(index::FULL_NAME, &record($a), &record($b), $full);
            check(index::GIVEN_NAME, &record($a), &record($b), $given);
        };
    }

    #[test]
    fn name_levels() {
        name_level!("Maria da Conceição", "MARIA CONCEICAO", 6, -1);
        name_level!("João Pedro Silva Santos", "Santos, João Pedro", 4, -1);
        name_level!("João Pedro Silva Santos", "Santos, João Pedro Silva", 6, -1);
        name_level!("Luiz Souza", "Luís Sousa", 5, -1);
        name_level!("Ana Sofia Pereira Lopes", "Ana Sofia Pereira Lopes Martins", 4, -1);
        name_level!("Ana Sofia Pereira Lopes", "Ana Lopes", 4, -1);
        name_level!("Ana Sofia Pereira Lopes", "Ana S. Pereira Lopes", 5, -1);
        name_level!("AAN QUEIROGA NEVES", "Ana Costa Neves", 1, 4);
        name_level!("Aa Costa Neves", "Ana Costa Neves", 5, -1);
        name_level!("Ana Sofia Pereira Lopes", "Rita Sofia Pereira Lopes", 3, 0);
        name_level!("Ana Costa Pereira", "Inês Costa Pereira", 3, 0);
        name_level!("Zhang Wei", "Wei Zhang", 6, -1);
        name_level!("Lama Hari Bahadur", "Hari Bahadur Lama Gurung", 4, -1);
        name_level!("Hari Bahadur Lama", "Lama Bahadur Rai", 3, 0);
        name_level!("Manuel Silva", "Manuel Costa", 0, 5);
        name_level!("Manuel Silva", "Rui Costa", 0, 0);
        name_level!("M. Silva", "Manuel Silva", 5, -1);
        name_level!("M. Silva Costa", "Manuel Pedro Silva", 1, 3);
        name_level!("Ludmila Lysenko", "Liudmyla Lysenko", 1, 1);
        name_level!("Galina Tkachenko", "Halyna Tkachenko", 1, 0);
        name_level!("Ekaterina Tkachuk", "Kateryna Tkachuk", 1, 1);
        name_level!("Isabel Teles Simões", "Maria Custódia Teles Simões", 3, 0);
        name_level!("Joana Silva", "Joanna Silva", 5, -1);
        name_level!("RN de Maria Silva", "Tiago Silva", -1, -1);
    }

    #[test]
    fn twins_first_given_names() {
        // The longer name begins with a given name the shorter lacks: not one name contained in
        // the other, and the first given names are compared.
        name_level!("Joaquim Fernando Leal Rebelo", "Fernando Leal Rebelo", 3, 0);
        name_level!("José André Teixeira Fonseca", "André Teixeira Fonseca", 3, 0);
        // Surnames written first, or a middle name dropped, still are.
        name_level!("Faria Ribeiro Miquelina", "Miquelina Ribeiro", 4, -1);
        name_level!("Pereira Bastos Sérgio Jaime", "Sérgio Bastos", 4, -1);
        name_level!("Joaquim Fernando Leal Rebelo", "Joaquim Rebelo", 4, -1);
        name_level!("M. Fernanda Leal Rebelo", "Fernanda Leal Rebelo", 4, -1);
    }

    /// Term frequencies of a registry of `n_records` where these words are this common, as
    /// name tokens and as first given names.
    fn registry_where(n_records: u64, words: &[(&str, u32)]) -> TermFrequencies {
        TermFrequencies::from_counts(
            n_records,
            words.iter().flat_map(|&(word, n)| {
                let key = record(word).name.tokens[0].key.clone();
                [(TermKind::NameToken, key.clone(), n), (TermKind::GivenName, key, n)]
            }),
        )
    }

    fn levels_in(tf: &TermFrequencies, a: &str, b: &str) -> (i8, i8) {
        let (a, b) = (record(a), record(b));
        let (ab, ba) = (compare(&a, &b, tf), compare(&b, &a, tf));
        assert_eq!(ab.gamma, ba.gamma, "not symmetric");
        (ab.gamma[index::FULL_NAME].0, ab.gamma[index::GIVEN_NAME].0)
    }

    #[test]
    fn common_names_alike_are_two_names() {
        let common = registry_where(
            100_000,
            &[
                ("Maria", 9000),
                ("Mariana", 1500),
                ("Marta", 800),
                ("Ana", 5000),
                ("An", 20),
            ],
        );
        // In a registry where both are common, "Maria" and "Mariana" are two names ...
        assert_eq!(
            levels_in(&common, "Maria Eduarda Pinheiro Campos", "Mariana Pinheiro Campos"),
            (3, 0)
        );
        assert_eq!(
            levels_in(&common, "Marta Ribeiro Simas Pedro", "Maria Marta Ribeiro Simas Pedro"),
            (3, 0)
        );
        // ... while a typo of a very common name stays a typo, however often it recurs,
        assert_eq!(levels_in(&common, "Ana Paiva Pires", "An Paiva Pires"), (5, -1));
        // and where nothing tells, alike tokens are one name misspelt.
        let unknown = TermFrequencies::default();
        assert_eq!(
            levels_in(&unknown, "Maria Eduarda Pinheiro Campos", "Mariana Pinheiro Campos"),
            (4, -1)
        );
        assert_eq!(
            levels_in(&unknown, "Marta Ribeiro Simas Pedro", "Maria Marta Ribeiro Simas Pedro"),
            (3, 4)
        );
    }

    #[test]
    fn birth_date_levels() {
        let c = index::BIRTH_DATE;
        check(c, &dated("A", "1980-03-12"), &dated("A", "1980-03-12"), 7);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1980-12-03"), 6);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1980-03-13"), 4);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1990-03-12"), 4);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1981-03-12"), 5);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1979-03-12"), 5);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1980-01-01"), 3);
        check(c, &dated("A", "1980-03-12"), &dated("A", "1982-07-25"), 2);
        check(c, &dated("A", "1950-03-12"), &dated("A", "1982-07-25"), 0);
        check(c, &dated("A", "1950-03-12"), &record("A"), -1);
    }

    #[test]
    fn other_levels() {
        let with = |f: &dyn Fn(&mut PatientRecord)| {
            let mut r = PatientRecord::new(Nnu::from_u32(1).unwrap(), "Ana Silva");
            f(&mut r);
            ComparableRecord::new(&r)
        };
        let nif = |text: &'static str| with(&move |r| r.nif = Value::Valid(text.parse().unwrap()));
        check(index::NIF, &nif("123456789"), &nif("123456789"), 2);
        check(index::NIF, &nif("123456789"), &nif("234567899"), 0);
        check(
            index::NIF,
            &nif("123456789"),
            &with(&|r| r.nif = Value::Invalid("123456788".into())),
            -1,
        );
        let place = |d: &'static str, m: &'static str, p: &'static str| {
            with(&move |r| {
                r.birth_district = Some(d.into());
                r.birth_municipality = Some(m.into());
                r.birth_parish = (!p.is_empty()).then(|| p.to_string());
            })
        };
        check(
            index::BIRTHPLACE,
            &place("Braga", "Barcelos", "Tamel"),
            &place("BRAGA", "barcelos", "Tamel"),
            4,
        );
        check(
            index::BIRTHPLACE,
            &place("Braga", "Barcelos", "Tamel"),
            &place("Braga", "Barcelos", ""),
            3,
        );
        check(
            index::BIRTHPLACE,
            &place("Braga", "Barcelos", ""),
            &place("Braga", "Guimarães", ""),
            2,
        );
        check(
            index::BIRTHPLACE,
            &place("Braga", "Barcelos", ""),
            &place("Faro", "Lagoa", ""),
            0,
        );
        let country = |c: &'static str| with(&move |r| r.birth_country = Value::Valid(Country::parse(c).unwrap()));
        check(index::BIRTHPLACE, &country("PT"), &place("Faro", "Lagoa", ""), 1);
        check(index::BIRTHPLACE, &country("PT"), &record("Ana"), -1);
        check(
            index::SUFFIX,
            &record("José Silva Costa Júnior"),
            &record("José Silva Costa"),
            0,
        );
        check(
            index::SUFFIX,
            &record("José Silva Costa Júnior"),
            &record("José Silva Costa Jr"),
            1,
        );
        check(index::SUFFIX, &record("José Silva Costa"), &record("José Silva"), -1);
        check(
            index::NEWBORN,
            &record("RN de Ana Maria Gomes"),
            &record("Francisco Gomes Valente"),
            1,
        );
        check(
            index::NEWBORN,
            &record("Recém-Nascido de Ana Maria Gomes"),
            &record("Francisco Gomes Valente"),
            1,
        );
        check(
            index::NEWBORN,
            &record("RN de Ana Maria Gomes"),
            &record("Ana Costa"),
            0,
        );
        check(index::NEWBORN, &record("Ana Maria Gomes"), &record("Ana Costa"), -1);
    }

    #[test]
    fn levels_are_well_formed() {
        for comparison in &COMPARISONS {
            let gammas: Vec<i8> = comparison.levels.iter().map(|l| l.gamma.0).collect();
            assert_eq!(gammas.last(), Some(&0), "{} ends with else", comparison.name);
            assert!(gammas.windows(2).all(|w| w[0] > w[1]), "{} ordered", comparison.name);
            let m: f64 = comparison.levels.iter().map(|l| l.m_probability).sum();
            let u: f64 = comparison.levels.iter().map(|l| l.u_probability).sum();
            assert!((m - 1.0).abs() < 1e-6, "{} m sums to {m}", comparison.name);
            assert!((u - 1.0).abs() < 1e-6, "{} u sums to {u}", comparison.name);
        }
    }

    proptest::proptest! {
        /// Every comparison is symmetric, and the waterfall adds up: prior + Σ partial weights
        /// = match weight.
        #[test]
        fn symmetric_and_additive(
            a in proptest::collection::vec(0usize..12, 1..5),
            b in proptest::collection::vec(0usize..12, 1..5),
            days_a in 0i32..20_000,
            days_b in 0i32..20_000,
            same_date in proptest::bool::ANY,
        ) {
            const WORDS: [&str; 12] =
                ["Ana", "Maria", "da", "Silva", "Sylva", "Santos", "J.", "Costa", "RN", "Júnior", "Luiz", "Luís"];
            let name = |ids: &[usize]| ids.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
            let make = |ids: &[usize], days: i32| {
                let mut r = PatientRecord::new(Nnu::from_u32(1).unwrap(), name(ids));
                r.birth_date = Value::Valid(Date::from_days_since_epoch(days));
                ComparableRecord::new(&r)
            };
            let (ra, rb) = (make(&a, days_a), make(&b, if same_date { days_a } else { days_b }));
            let tf = TermFrequencies::count(&[&ra, &rb]);
            let (ab, ba) = (compare(&ra, &rb, &tf), compare(&rb, &ra, &tf));
            proptest::prop_assert_eq!(ab.gamma, ba.gamma);
            let model = crate::model::Model::default_for(100_000, 0.1);
            let waterfall = model.waterfall(&ab);
            let sum: f64 = waterfall.rows.iter().map(|row| row.match_weight).sum();
            proptest::prop_assert!((sum - waterfall.match_weight).abs() < 1e-9);
            proptest::prop_assert!((model.scoring_table().match_weight(&ab) - model.scoring_table().match_weight(&ba)).abs() < 1e-9);
        }
    }
}
