//! Blocking: which pairs do we even look at?
//!
//! Consumes prepared records and the candidate index; produces [`CandidatePair`]s.
//!
//! The index holds a few *coarse* keys per record ([`index_keys`]): the birth date, the birth
//! year, the day and month (in either order), and the NIF. Its postings per key are the coarse
//! blocks. Most [`BlockingRule`]s walk the postings of one kind of key and split every coarse
//! block in memory by a second attribute of its records (a name token, a pair of name tokens,
//! the concelho of birth); records that agree on both form a block, and the pairs within a
//! block are candidates. Two rules need no coarse key and group the whole registry at once
//! (`registry_wide_groups`): the whole name, and a pair of name tokens when one record has no
//! birth date. The union over all rules is what the scan compares. Keeping the fine split out
//! of the index keeps its dictionary small (four or five terms per record instead of thirty,
//! most of them unique), which is what makes indexing a million records fast.
//!
//! The rules are designed so that a duplicate with one or two kinds of damage (DESIGN.md
//! §Matching) still falls in a block with its original: an exact birth date with a name
//! token, or with the concelho of birth (newborns first registered as "RN de …"); the whole
//! name with any birth date; two name tokens (or, for short names, one token and the other's
//! initial) with the birth year, or with the day and month in either order; two name tokens
//! when a birth date is missing; the NIF; one name token and the concelho of birth with the
//! birth year or the day and month (a typo in the other tokens and a mistyped date together).
//!
//! The rules keyed on part of the birth date keep only pairs whose dates could be one date
//! mistyped (`birth_dates_fit`): in a birth-year block the day or the month still agree (either
//! order) or one date is 1 January; in a day-and-month block the years are one apart, one digit
//! apart or have two digits swapped; the whole-name rule wants one of the two. Strangers of one
//! year or one birthday rarely pass, so these rules add far fewer pairs (a million records:
//! 2.3 million pairs instead of 5.3, pair completeness 0.9944 instead of 0.9946).
//!
//! The token rules use each record's three *rarest* tokens in the registry: a duplicate keeps
//! most of its name, so the two records share some of them, while keys on "Maria" or "Silva"
//! only add blocks of strangers, and more of them the larger the registry.
//!
//! **The crowd.** A birth date is shared by three records in a registry of a hundred thousand
//! and by thirty in one of a million: two strangers born that day who share "Silva" are a rare
//! coincidence in the first and a common one in the second. So a pair of a block is a
//! candidate only when what its records share beyond the coarse key (the rare tokens, the
//! first token with the last one's initial, the concelho, the foreign country, the sex, dates
//! closer than the key asks), each worth its frequency in the registry, makes it stand out from
//! the other records the rule looked at: at most `expected_strangers` of them (0.5) are
//! expected to agree with a record as much, with a bar that rises 1.55 bits for each doubling
//! of the crowd (`evidence_needed`, `evidence_suffices`). Concelhos of birth in different
//! distritos count against a pair, and namesakes need more than a birth year in common. A
//! person's two records share most of their name and pass; the pairs per record are 0.29 at a
//! hundred thousand records and 0.31 at a million, with a pair completeness of 0.9951–0.9956
//! at a hundred thousand (six registries) and the same precision, recall and F1 as unfiltered
//! (README, "Accuracy").
//!
//! **Invariants:**
//! - a block larger than `max_block_size` is not expanded in full: its records are put in name
//!   order (then birth date) and each is paired with its `window` next neighbours, so a very
//!   common key (Maria Silva born on 1 January) cannot explode into millions of pairs;
//! - a pair is a candidate only when it stands out from the records its rule looked at (above;
//!   the NIF rule is exempt);
//! - `CandidatePair::new` puts the lower record id on the left, and the output is sorted and
//!   free of repeats;
//! - the index returns record ids only; scoring happens elsewhere.

use std::num::{NonZeroI32, NonZeroU32, NonZeroU64};

use rayon::prelude::*;

use crate::comparison::ComparableRecord;
use crate::hashing::FastHashMap;
use crate::record::normalize::NameToken;
use crate::record::RecordId;

/// A pair of records to compare, lower id on the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CandidatePair {
    /// Lower record id.
    pub record_id_l: RecordId,
    /// Higher record id.
    pub record_id_r: RecordId,
    /// Bit i set: found by `BlockingRule::ALL[i]`.
    pub rules: u16,
}

impl CandidatePair {
    /// A pair of two different records, lower id on the left.
    pub fn new(a: RecordId, b: RecordId, rules: u16) -> CandidatePair {
        debug_assert_ne!(a, b);
        let (record_id_l, record_id_r) = if a < b { (a, b) } else { (b, a) };
        CandidatePair {
            record_id_l,
            record_id_r,
            rules,
        }
    }
}

/// A blocking rule: a kind of coarse key, split by a second attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockingRule {
    /// Same birth date and one of each record's three rarest name tokens in common.
    BirthDateAndNameToken,
    /// Same birth date and concelho of birth.
    BirthDateAndMunicipality,
    /// Same birth date and the same foreign country (of birth or nationality).
    BirthDateAndForeignCountry,
    /// One of the two a newborn's placeholder name ("RN de …"), and the same birth date, or the
    /// same concelho and the same day and month or the same birth year.
    BirthDateAndPlaceholder,
    /// Same name tokens (any order), any birth date.
    FullName,
    /// Two of each record's three rarest name tokens in common, and the same birth year.
    NameTokensAndBirthYear,
    /// The same, with the same day and month in either order.
    NameTokensAndBirthDayMonth,
    /// The first name token and the last one's initial (or the last token and the first
    /// one's initial), and the same birth year; one of the two names of at most two tokens.
    NameTokenAndBirthYear,
    /// The same, with the same day and month in either order.
    NameTokenAndBirthDayMonth,
    /// Two of the rarest name tokens in common, one record without a valid birth date.
    NameTokensWithoutBirthDate,
    /// Same NIF.
    Nif,
    /// One of each record's three rarest name tokens in common, the same concelho of birth and
    /// the same birth year: a typo in the other tokens and the day or month mistyped.
    NameTokenMunicipalityAndBirthYear,
    /// The same, with the same day and month in either order: the year mistyped too.
    NameTokenMunicipalityAndBirthDayMonth,
}

impl BlockingRule {
    /// Every rule.
    pub const ALL: [BlockingRule; 13] = [
        BlockingRule::BirthDateAndNameToken,
        BlockingRule::BirthDateAndMunicipality,
        BlockingRule::BirthDateAndForeignCountry,
        BlockingRule::BirthDateAndPlaceholder,
        BlockingRule::FullName,
        BlockingRule::NameTokensAndBirthYear,
        BlockingRule::NameTokensAndBirthDayMonth,
        BlockingRule::NameTokenAndBirthYear,
        BlockingRule::NameTokenAndBirthDayMonth,
        BlockingRule::NameTokensWithoutBirthDate,
        BlockingRule::Nif,
        BlockingRule::NameTokenMunicipalityAndBirthYear,
        BlockingRule::NameTokenMunicipalityAndBirthDayMonth,
    ];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            BlockingRule::BirthDateAndNameToken => "birth_date+name_token",
            BlockingRule::BirthDateAndMunicipality => "birth_date+birthplace",
            BlockingRule::BirthDateAndForeignCountry => "birth_date+foreign_country",
            BlockingRule::BirthDateAndPlaceholder => "birth_date+newborn_placeholder",
            BlockingRule::FullName => "full_name",
            BlockingRule::NameTokensAndBirthYear => "name_tokens+birth_year",
            BlockingRule::NameTokensAndBirthDayMonth => "name_tokens+birth_day_month",
            BlockingRule::NameTokenAndBirthYear => "first_or_last_name+birth_year",
            BlockingRule::NameTokenAndBirthDayMonth => "first_or_last_name+birth_day_month",
            BlockingRule::NameTokensWithoutBirthDate => "name_tokens+no_birth_date",
            BlockingRule::Nif => "nif",
            BlockingRule::NameTokenMunicipalityAndBirthYear => "name_token+birthplace+birth_year",
            BlockingRule::NameTokenMunicipalityAndBirthDayMonth => "name_token+birthplace+birth_day_month",
        }
    }

    /// The coarse key kind whose postings this rule walks; `None` for the rules grouped over the
    /// whole registry (`registry_wide_groups`).
    fn key_kind(self) -> Option<KeyKind> {
        Some(match self {
            BlockingRule::BirthDateAndNameToken
            | BlockingRule::BirthDateAndMunicipality
            | BlockingRule::BirthDateAndForeignCountry
            | BlockingRule::BirthDateAndPlaceholder => KeyKind::BirthDate,
            BlockingRule::NameTokensAndBirthYear
            | BlockingRule::NameTokenAndBirthYear
            | BlockingRule::NameTokenMunicipalityAndBirthYear => KeyKind::BirthYear,
            BlockingRule::NameTokensAndBirthDayMonth
            | BlockingRule::NameTokenAndBirthDayMonth
            | BlockingRule::NameTokenMunicipalityAndBirthDayMonth => KeyKind::DayMonth,
            BlockingRule::FullName | BlockingRule::NameTokensWithoutBirthDate => return None,
            BlockingRule::Nif => KeyKind::Nif,
        })
    }

    /// This rule's bit in [`CandidatePair::rules`].
    pub fn bit(self) -> u16 {
        1 << self as u16
    }

    /// Names of the rules whose bits are set.
    pub fn names(rules: u16) -> Vec<&'static str> {
        BlockingRule::ALL
            .iter()
            .filter(|rule| rules & rule.bit() != 0)
            .map(|rule| rule.name())
            .collect()
    }
}

/// A kind of coarse key in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum KeyKind {
    BirthDate,
    BirthYear,
    DayMonth,
    Nif,
}

impl KeyKind {
    const ALL: [KeyKind; 4] = [KeyKind::BirthDate, KeyKind::BirthYear, KeyKind::DayMonth, KeyKind::Nif];

    fn prefix(self) -> u8 {
        match self {
            KeyKind::BirthDate => b'D',
            KeyKind::BirthYear => b'Y',
            KeyKind::DayMonth => b'M',
            KeyKind::Nif => b'N',
        }
    }
}

/// Caps on block expansion.
#[derive(Clone, Copy, Debug)]
pub struct BlockingConfig {
    /// Blocks up to this size are expanded in full.
    pub max_block_size: usize,
    /// In a larger block, each record is paired with this many following neighbours.
    pub window: usize,
    /// A pair is a candidate only when at most this many strangers are expected to agree with
    /// a record as much as it does, among the records its rule looked at
    /// (`evidence_suffices`).
    pub expected_strangers: f64,
    /// The same for the two rules that pair records without a birth date and newborn
    /// placeholders ("RN de …"), which have less to go on.
    pub expected_strangers_sparse: f64,
}

impl Default for BlockingConfig {
    fn default() -> BlockingConfig {
        BlockingConfig {
            max_block_size: 12,
            window: 5,
            expected_strangers: 0.5,
            expected_strangers_sparse: 16.0,
        }
    }
}

/// Version of [`index_keys`] and of [`RecordKeys`]: an index built with other keys is rebuilt,
/// and a scan state saved with other keys is not used (the scan is a full one). Bump it
/// whenever either changes.
pub const INDEX_KEYS_VERSION: u32 = 6;

/// Name tokens used for keys: at most this many, so a very long name cannot multiply keys.
const MAX_KEY_TOKENS: usize = 6;
const SEP: u8 = 0x1f;

/// The tokens keyed, each phonetic key once.
fn key_tokens(record: &ComparableRecord) -> Vec<&NameToken> {
    let mut tokens: Vec<&NameToken> = Vec::with_capacity(MAX_KEY_TOKENS);
    // A newborn's placeholder name is keyed on the mother's surnames, usually the child's.
    let candidates: Vec<&NameToken> = if record.name.placeholder {
        record.name.mother_surnames().collect()
    } else {
        record.name.tokens.iter().collect()
    };
    {
        for token in candidates.into_iter().filter(|t| !t.initial && !t.key.is_empty()) {
            if !tokens.iter().any(|t| t.key == token.key) && tokens.len() < MAX_KEY_TOKENS {
                tokens.push(token);
            }
        }
    }
    tokens
}

fn key(kind: KeyKind, value: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(value.len() + 2);
    key.push(kind.prefix());
    key.push(SEP);
    key.extend_from_slice(value);
    key
}

/// The coarse keys of one record, as stored in the index.
pub fn index_keys(record: &ComparableRecord) -> Vec<Vec<u8>> {
    let mut keys = Vec::with_capacity(10);
    if let Some(date) = record.birth_date {
        keys.push(key(KeyKind::BirthDate, date.compact().as_bytes()));
        keys.push(key(KeyKind::BirthYear, date.year.to_string().as_bytes()));
        keys.push(key(
            KeyKind::DayMonth,
            &[date.month.min(date.day), date.month.max(date.day)],
        ));
    }
    if let Some(nif) = record.nif {
        keys.push(key(KeyKind::Nif, nif.to_string().as_bytes()));
    }
    keys
}

/// Whether `key`, one of [`index_keys`], is a birth date's.
pub fn is_birth_date_key(key: &[u8]) -> bool {
    key.first() == Some(&KeyKind::BirthDate.prefix())
}

/// Of a record's [`index_keys`], the exact ones that name few records: its birth date and its
/// NIF (a single-record lookup reads their blocks before any fuzzy name search).
pub fn exact_keys(keys: &[Vec<u8>]) -> impl Iterator<Item = &[u8]> {
    keys.iter()
        .filter(|key| matches!(key.first(), Some(&prefix) if prefix == KeyKind::BirthDate.prefix() || prefix == KeyKind::Nif.prefix()))
        .map(Vec::as_slice)
}

/// Tokens per record used by the token rules: the least common ones. A duplicate keeps most of
/// its name, so two records of one person share some of their rarest tokens (or a pair of them)
/// even when one token is misspelt or dropped; the common tokens only add large blocks of
/// strangers, and more of them the larger the registry.
const RARE_TOKENS: usize = 3;

/// The first-or-last-token rules pair only records with at most this many tokens with others:
/// in a longer name a typo leaves a pair of other tokens for the token-pair rules.
const SHORT_NAME_TOKENS: usize = 2;

/// A concelho of birth (folded, as a prepared record holds it) as one key: its own hash in the
/// low half and, in the high half, its distrito as the table of divisions has it (the record's
/// distrito only tells apart the concelhos that share a name: Calheta, Lagoa), so that
/// [`same_district`] can tell two concelhos of one distrito whether the records give the
/// distrito or not. 0 in the high half when the name is not a concelho of the table.
fn place_key(district: Option<&str>, municipality: &str) -> u64 {
    let code = crate::record::divisions::Divisions::get().district_code_of_folded(district, municipality);
    let district = code.map_or(0, |code| hash_of(code) & 0xFFFF_FFFF_0000_0000);
    district | (hash_of(municipality) & 0xFFFF_FFFF)
}

/// Whether two [`place_key`]s may be in one distrito: the same one, or one not known.
fn same_district(a: u64, b: u64) -> bool {
    let (da, db) = (a >> 32, b >> 32);
    da == 0 || db == 0 || da == db
}

fn hash_of(value: &str) -> u64 {
    crate::hashing::hash_str(value)
}

fn pair_hash(a: u64, b: u64) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    lo.rotate_left(17) ^ hi.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Up to `N` hashes, inline: the attributes of a million records are read in random order while
/// blocks are split, and a pointer to follow per list would cost a cache miss each. An unused
/// slot holds 0; a hash is stored with its lowest bit set, so none is 0 (two hashes that differ
/// only in that bit count as one: a one in 2^63 chance).
#[derive(Clone, Copy, Debug)]
struct Hashes<const N: usize> {
    items: [u64; N],
}

impl<const N: usize> Hashes<N> {
    /// The first `N` hashes of `hashes`.
    fn of(hashes: impl IntoIterator<Item = u64>) -> Hashes<N> {
        let mut out = Hashes::default();
        for (slot, hash) in out.items.iter_mut().zip(hashes) {
            *slot = hash | 1;
        }
        out
    }

    fn len(&self) -> usize {
        self.items.iter().take_while(|h| **h != 0).count()
    }
}

impl<const N: usize> Default for Hashes<N> {
    fn default() -> Hashes<N> {
        Hashes { items: [0; N] }
    }
}

impl<const N: usize> IntoIterator for Hashes<N> {
    type Item = u64;
    type IntoIter = std::iter::Take<std::array::IntoIter<u64, N>>;

    fn into_iter(self) -> Self::IntoIter {
        let len = self.len();
        self.items.into_iter().take(len)
    }
}

impl<const N: usize> std::ops::Deref for Hashes<N> {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        &self.items[..self.len()]
    }
}

/// What the rules need of a record, hashed for grouping, with what each part is worth as
/// evidence (`evidence_suffices`): one cache line (the whole name, which only the
/// whole-registry grouping reads, is taken from the keys).
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
struct Attributes {
    present: bool,
    has_birth_date: bool,
    placeholder: bool,
    /// How many name tokens are keyed.
    n_tokens: u8,
    /// 0 unknown, 1 M, 2 F.
    sex: u8,
    /// Position in name order, then birth date: neighbours in a windowed block.
    rank: u32,
    /// Birth date as `yyyymmdd`.
    birth_date: Option<NonZeroI32>,
    /// The concelho of birth's hash.
    municipality: Option<NonZeroU64>,
    /// A foreign country's hash, on 32 bits (a few hundred countries cannot collide but by a
    /// one in ten thousand chance).
    foreign_country: Option<NonZeroU32>,
    /// The record's `RARE_TOKENS` least common tokens in the registry (ties by hash).
    rare_tokens: Hashes<RARE_TOKENS>,
    /// The first token with the last one's initial and the reverse, on 32 bits each (0: none).
    first_and_last: [u32; 2],
    /// What each rare token is worth, in eighths of a bit (`bits_of`).
    rare_token_bits: [u8; RARE_TOKENS],
    /// What sharing each `first_and_last` key adds to the shared rare tokens: the initial's four
    /// bits, and the token's own when it is not one of the rare tokens.
    first_and_last_bits: [u8; 2],
    /// What the concelho of birth is worth.
    municipality_bits: u8,
    /// What the foreign country is worth.
    foreign_country_bits: u8,
}

// One cache line, not two.
const _: () = assert!(std::mem::size_of::<Attributes>() == 64);

/// A 64-bit hash on 32 bits, never 0.
fn short_hash(hash: u64) -> Option<NonZeroU32> {
    NonZeroU32::new((hash ^ (hash >> 32)) as u32 | 1)
}

impl Attributes {
    fn municipality(&self) -> Option<u64> {
        self.municipality.map(NonZeroU64::get)
    }

    fn foreign_country(&self) -> Option<u64> {
        self.foreign_country.map(|c| u64::from(c.get()))
    }

    fn birth_date(&self) -> Option<i32> {
        self.birth_date.map(NonZeroI32::get)
    }

    fn first_and_last(&self) -> impl Iterator<Item = u64> + '_ {
        self.first_and_last.iter().filter(|h| **h != 0).map(|h| u64::from(*h))
    }
}

/// Candidate pairs, with counts for reporting.
pub struct Candidates {
    /// The pairs, sorted, each once.
    pub pairs: Vec<CandidatePair>,
    /// Blocks expanded per rule.
    pub n_blocks: [u64; BlockingRule::ALL.len()],
    /// Blocks windowed because too large, per rule.
    pub n_capped_blocks: [u64; BlockingRule::ALL.len()],
}

impl Candidates {
    /// Candidates known already (a scan's saved state), without the block counts.
    pub fn from_pairs(pairs: Vec<CandidatePair>) -> Candidates {
        Candidates {
            pairs,
            n_blocks: [0; BlockingRule::ALL.len()],
            n_capped_blocks: [0; BlockingRule::ALL.len()],
        }
    }

    /// The candidate pairs each rule found, in the order of [`BlockingRule::ALL`] (one pass).
    pub fn pairs_by_rule(&self) -> [u64; BlockingRule::ALL.len()] {
        let mut counts = [0u64; BlockingRule::ALL.len()];
        for pair in &self.pairs {
            BlockingRule::tally(pair.rules, &mut counts);
        }
        counts
    }
}

impl BlockingRule {
    /// Adds one to the count of every rule whose bit is set in `rules`.
    pub fn tally(rules: u16, counts: &mut [u64; BlockingRule::ALL.len()]) {
        for (rule, count) in BlockingRule::ALL.iter().zip(counts.iter_mut()) {
            if rules & rule.bit() != 0 {
                *count += 1;
            }
        }
    }
}

/// A block of the index: its key kind, its key (without the kind) and its record ids.
type CoarseBlock = (KeyKind, Vec<u8>, Vec<u32>);

/// Generates the candidate pairs of the records whose `keys` are given through the index.
pub fn candidate_pairs(
    index: &index::CandidateIndex,
    keys: &[RecordKeys],
    config: BlockingConfig,
) -> Result<Candidates, index::IndexError> {
    let started = std::time::Instant::now();
    // The records' attributes (parallel) while the index's postings are read (sequential).
    let (attributes, coarse) = rayon::join(
        || {
            let attributes = attributes(keys);
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "attributes");
            attributes
        },
        || -> Result<Vec<CoarseBlock>, index::IndexError> {
            let mut coarse = Vec::new();
            for kind in KeyKind::ALL {
                index.for_each_block_with_prefix(&[kind.prefix(), SEP], 2, |key, ids| {
                    coarse.push((kind, key[2..].to_vec(), ids.to_vec()));
                })?;
            }
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "postings");
            Ok(coarse)
        },
    );
    let coarse = coarse?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "attributes and postings");
    // One output per worker, not per block.
    let (in_blocks, registry_wide) = rayon::join(
        || {
            coarse
                .par_iter()
                .fold(
                    || (BlockOutput::default(), Scratch::default()),
                    |(mut out, mut scratch), (kind, _, ids)| {
                        split_coarse_block(*kind, ids, &attributes, config, &mut scratch, &mut out);
                        (out, scratch)
                    },
                )
                .map(|(out, _)| out)
                .reduce(BlockOutput::default, BlockOutput::merge)
        },
        || {
            let out = registry_wide_groups(keys, &attributes, config);
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "registry-wide groups");
            out
        },
    );
    let BlockOutput {
        mut pairs,
        n_blocks,
        n_capped_blocks,
    } = in_blocks.merge(registry_wide);
    drop(coarse);
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        n = pairs.len(),
        "blocks split"
    );
    pairs.par_sort_unstable_by_key(|(packed, _)| *packed);
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "pairs sorted");
    let mut out: Vec<CandidatePair> = Vec::with_capacity(pairs.len() / 2);
    let mut last_packed = u64::MAX;
    for (packed, bit) in pairs {
        if packed == last_packed {
            if let Some(last) = out.last_mut() {
                last.rules |= bit;
            }
            continue;
        }
        last_packed = packed;
        out.push(CandidatePair {
            record_id_l: RecordId((packed >> 32) as u32),
            record_id_r: RecordId(packed as u32),
            rules: bit,
        });
    }
    Ok(Candidates {
        pairs: out,
        n_blocks,
        n_capped_blocks,
    })
}

/// What the rules need of one record, computed once from its prepared form. A scan keeps the
/// keys of every record (see `crate::scan_state`) so that the next scan recomputes only those of
/// the records that changed; the rest of blocking (rarest tokens, name order) is derived from
/// all of them by [`candidate_pairs`], the same way for a full scan and a delta scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordKeys {
    /// The record.
    pub id: RecordId,
    /// Hash of each keyed name token's phonetic key, in name order.
    pub tokens: Vec<u64>,
    /// The first token with the last one's initial, and the last with the first's.
    pub first_and_last: Vec<u64>,
    /// Hash of the whole name's key.
    pub full_name: u64,
    /// The whole name's key, for name order.
    pub name_key: String,
    /// Birth date as `yyyymmdd`, for name order and the rules on a missing birth date.
    pub birth_date: Option<i32>,
    /// Hash of the concelho of birth.
    pub municipality: Option<u64>,
    /// Hash of a foreign country of birth or nationality.
    pub foreign_country: Option<u64>,
    /// A newborn's placeholder name.
    pub placeholder: bool,
    /// Sex, when registered.
    pub sex: Option<crate::record::Sex>,
}

impl RecordKeys {
    /// The keys of one prepared record.
    pub fn of(record: &ComparableRecord) -> RecordKeys {
        let keys = key_tokens(record);
        let tokens: Vec<u64> = keys.iter().map(|t| hash_of(&t.key)).collect();
        // The first and the last token, each with the other's first letter as written (a
        // typo can change a phonetic key's first letter: "zheng", "zehng"): a typo in one
        // token leaves the other and, almost always, its first letter. Either way round, so
        // that a name written in the other order ("Wu Ling", "Ling Wu") keeps them. A single
        // token with initials ("P. Arjun") has the one key of the token with the first
        // initial's letter.
        let initial = |t: &NameToken| u64::from(t.text.as_bytes().first().copied().unwrap_or(0));
        let mut first_and_last = Vec::with_capacity(2);
        if let (Some(first), Some(last)) = (keys.first(), keys.last()) {
            if keys.len() > 1 {
                first_and_last.push(pair_hash(hash_of(&first.key), initial(last)));
                first_and_last.push(pair_hash(hash_of(&last.key), initial(first)));
            } else if !record.name.placeholder {
                if let Some(letter) = record.name.tokens.iter().find(|t| t.initial) {
                    first_and_last.push(pair_hash(hash_of(&first.key), initial(letter)));
                }
            }
        }
        RecordKeys {
            id: record.id,
            tokens,
            first_and_last,
            full_name: hash_of(&record.full_name_key),
            name_key: record.full_name_key.clone(),
            birth_date: record
                .birth_date
                .map(|d| d.year * 10_000 + i32::from(d.month) * 100 + i32::from(d.day)),
            municipality: record
                .birth_municipality
                .as_deref()
                .map(|m| place_key(record.birth_district.as_deref(), m)),
            foreign_country: [record.birth_country, record.nationality]
                .into_iter()
                .flatten()
                .find(|c| *c != crate::record::Country::PORTUGAL)
                .map(|c| hash_of(c.alpha2())),
            placeholder: record.name.placeholder,
            sex: record.sex,
        }
    }
}

fn attributes(keys: &[RecordKeys]) -> Vec<Attributes> {
    let max_id = keys.iter().map(|k| k.id.0).max().unwrap_or(0) as usize;
    // Sorted on the name's first sixteen bytes first: most comparisons end there, without
    // touching the records (eight bytes were too few: "MARIA DA" begins many names).
    let mut order: Vec<(u128, u32)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (name_prefix(&k.name_key), i as u32))
        .collect();
    order.par_sort_unstable_by(|&(prefix_a, a), &(prefix_b, b)| {
        prefix_a.cmp(&prefix_b).then_with(|| {
            let (ka, kb) = (&keys[a as usize], &keys[b as usize]);
            ka.name_key
                .cmp(&kb.name_key)
                .then(ka.birth_date.cmp(&kb.birth_date))
                .then(ka.id.cmp(&kb.id))
        })
    });
    let mut rank = vec![0u32; keys.len()];
    for (position, &(_, i)) in order.iter().enumerate() {
        rank[i as usize] = position as u32;
    }
    // How many records carry each token: the rarest tokens of a name are the ones that tell its
    // bearer apart ("Vasconcelos" rather than "Maria" or "Silva"), and their blocks stay small.
    let counts = TokenCounts::count(keys);
    let computed: Vec<(usize, Attributes)> = keys
        .par_iter()
        .enumerate()
        .map(|(i, k)| {
            let mut attributes = attributes_of(k, &counts);
            attributes.rank = rank[i];
            (k.id.0 as usize, attributes)
        })
        .collect();
    let mut dense = vec![Attributes::default(); max_id + 1];
    for (id, attributes) in computed {
        dense[id] = attributes;
    }
    dense
}

/// The first sixteen bytes of a name key as a number that sorts as the bytes do.
fn name_prefix(key: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = key.len().min(16);
    bytes[..n].copy_from_slice(&key.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

#[derive(Default)]
struct BlockOutput {
    pairs: Vec<(u64, u16)>,
    n_blocks: [u64; BlockingRule::ALL.len()],
    n_capped_blocks: [u64; BlockingRule::ALL.len()],
}

impl BlockOutput {
    fn merge(mut self, mut other: BlockOutput) -> BlockOutput {
        if self.pairs.len() < other.pairs.len() {
            std::mem::swap(&mut self.pairs, &mut other.pairs);
        }
        self.pairs.extend(other.pairs);
        for i in 0..BlockingRule::ALL.len() {
            self.n_blocks[i] += other.n_blocks[i];
            self.n_capped_blocks[i] += other.n_capped_blocks[i];
        }
        self
    }
}

fn pack(a: u32, b: u32) -> u64 {
    if a < b {
        (u64::from(a) << 32) | u64::from(b)
    } else {
        (u64::from(b) << 32) | u64::from(a)
    }
}

/// The rules that split a coarse block of each kind by a second attribute (`push_groups`).
fn grouping_rules(kind: KeyKind) -> &'static [BlockingRule] {
    match kind {
        KeyKind::BirthDate => &[
            BlockingRule::BirthDateAndNameToken,
            BlockingRule::BirthDateAndMunicipality,
            BlockingRule::BirthDateAndForeignCountry,
        ],
        KeyKind::BirthYear => &[
            BlockingRule::NameTokensAndBirthYear,
            BlockingRule::NameTokenAndBirthYear,
            BlockingRule::NameTokenMunicipalityAndBirthYear,
        ],
        KeyKind::DayMonth => &[
            BlockingRule::NameTokensAndBirthDayMonth,
            BlockingRule::NameTokenAndBirthDayMonth,
            BlockingRule::NameTokenMunicipalityAndBirthDayMonth,
        ],
        KeyKind::Nif => &[],
    }
}

/// The groups `rule` puts a record in, within a coarse block of the rule's kind.
fn push_groups(rule: BlockingRule, a: &Attributes, id: u32, groups: &mut Vec<(u64, u32)>) {
    match rule {
        BlockingRule::BirthDateAndNameToken => groups.extend(a.rare_tokens.iter().map(|t| (*t, id))),
        BlockingRule::BirthDateAndMunicipality => groups.extend(a.municipality().map(|m| (m, id))),
        BlockingRule::BirthDateAndForeignCountry => groups.extend(a.foreign_country().map(|c| (c, id))),
        // Pairs of the rarest tokens, in any order: pairs of any two tokens would give a
        // Portuguese name of six words fifteen keys, most of them common.
        BlockingRule::NameTokensAndBirthYear | BlockingRule::NameTokensAndBirthDayMonth => {
            groups.extend(rare_token_pairs(a).into_iter().map(|h| (h, id)))
        }
        BlockingRule::NameTokenAndBirthYear | BlockingRule::NameTokenAndBirthDayMonth => {
            groups.extend(a.first_and_last().map(|h| (h, id)))
        }
        BlockingRule::NameTokenMunicipalityAndBirthYear | BlockingRule::NameTokenMunicipalityAndBirthDayMonth => {
            if let Some(m) = a.municipality() {
                groups.extend(a.rare_tokens.iter().map(|t| (pair_hash(*t, m), id)));
            }
        }
        // Whole blocks (`split_coarse_block`) or the whole registry (`registry_wide_groups`).
        BlockingRule::BirthDateAndPlaceholder
        | BlockingRule::Nif
        | BlockingRule::FullName
        | BlockingRule::NameTokensWithoutBirthDate => {}
    }
}

/// Buffers one worker reuses from block to block.
#[derive(Default)]
struct Scratch {
    /// Per grouping rule of the block's kind: (group, record).
    groups: [Vec<(u64, u32)>; 3],
    /// (concelho, record), for the newborn placeholders of a year or day-and-month block.
    places: Vec<(u64, u32)>,
}

/// Splits one coarse block by every rule of its kind and emits the pairs of each part. Each
/// record's attributes are read once for all the rules: the reads are random, and cost more
/// than the grouping.
fn split_coarse_block(
    kind: KeyKind,
    ids: &[u32],
    attributes: &[Attributes],
    config: BlockingConfig,
    scratch: &mut Scratch,
    out: &mut BlockOutput,
) {
    // The other records of the block: those a record's pairs must stand out from.
    let crowd = Crowd {
        kind: Some(kind),
        others: ids.len().saturating_sub(1),
    };
    match kind {
        KeyKind::Nif => {
            emit_group(BlockingRule::Nif, ids, crowd, attributes, config, out);
            return;
        }
        KeyKind::BirthDate => emit_involving(
            BlockingRule::BirthDateAndPlaceholder,
            ids,
            crowd,
            attributes,
            config,
            out,
            |a| a.placeholder,
        ),
        KeyKind::BirthYear | KeyKind::DayMonth => {}
    }
    let rules = grouping_rules(kind);
    // A newborn's placeholder record with the records of the same concelho born on the same
    // day and month (either order), or in the same year: the placeholder's birth date is often
    // the date of registration, a year or days off, and its name shares nothing with the child's.
    let by_place = matches!(kind, KeyKind::BirthYear | KeyKind::DayMonth);
    let mut any_placeholder = false;
    for groups in scratch.groups.iter_mut() {
        groups.clear();
    }
    scratch.places.clear();
    for &id in ids {
        let Some(a) = attributes.get(id as usize).filter(|a| a.present) else {
            continue;
        };
        for (rule, groups) in rules.iter().zip(scratch.groups.iter_mut()) {
            push_groups(*rule, a, id, groups);
        }
        if by_place {
            any_placeholder |= a.placeholder;
            scratch.places.extend(a.municipality().map(|m| (m, id)));
        }
    }
    for (rule, groups) in rules.iter().zip(scratch.groups.iter_mut()) {
        groups.sort_unstable();
        groups.dedup();
        emit_groups(*rule, groups, Some(crowd), attributes, config, out);
    }
    if any_placeholder {
        scratch.places.sort_unstable();
        emit_groups(
            BlockingRule::BirthDateAndPlaceholder,
            &scratch.places,
            Some(crowd),
            attributes,
            config,
            out,
        );
    }
}

/// The groups of the rules that need no coarse block: the whole name (two tokens or more), and
/// a pair of rarest tokens or the first (last) token with the other's initial when one record
/// has no birth date. Grouped over the whole registry at once, these cost a sort of the
/// records' whole names and a pass over the records to pick those that share a group with an
/// undated one (a few per hundred records), instead of walking every name token's block.
fn registry_wide_groups(keys: &[RecordKeys], attributes: &[Attributes], config: BlockingConfig) -> BlockOutput {
    let mut out = BlockOutput::default();
    let mut names: Vec<(u64, u32)> = keys
        .par_iter()
        .filter(|k| k.tokens.len() >= 2)
        .map(|k| (k.full_name, k.id.0))
        .collect();
    names.par_sort_unstable();
    emit_groups(BlockingRule::FullName, &names, None, attributes, config, &mut out);
    drop(names);

    let undated: crate::hashing::FastHashSet<u64> = attributes
        .iter()
        .filter(|a| a.present && !a.has_birth_date)
        .flat_map(undated_groups)
        .collect();
    let mut groups: Vec<(u64, u32)> = attributes
        .par_iter()
        .enumerate()
        .filter(|(_, a)| a.present)
        .flat_map_iter(|(id, a)| {
            undated_groups(a)
                .filter(|group| undated.contains(group))
                .map(move |group| (group, id as u32))
        })
        .collect();
    groups.par_sort_unstable();
    groups.dedup();
    emit_groups(
        BlockingRule::NameTokensWithoutBirthDate,
        &groups,
        None,
        attributes,
        config,
        &mut out,
    );
    out
}

/// Emits the pairs of each run of equal keys in `groups` (sorted) under `rule`.
fn emit_groups(
    rule: BlockingRule,
    groups: &[(u64, u32)],
    crowd: Option<Crowd>,
    attributes: &[Attributes],
    config: BlockingConfig,
    out: &mut BlockOutput,
) {
    let mut members: Vec<u32> = Vec::new();
    for group in groups.chunk_by(|a, b| a.0 == b.0).filter(|group| group.len() >= 2) {
        // Grouped over the whole registry: the rest of the group is the crowd.
        let crowd = crowd.unwrap_or(Crowd {
            kind: None,
            others: group.len().saturating_sub(1),
        });
        members.clear();
        members.extend(group.iter().map(|(_, id)| *id));
        match rule {
            BlockingRule::NameTokensWithoutBirthDate => {
                emit_involving(rule, &members, crowd, attributes, config, out, |a| !a.has_birth_date)
            }
            BlockingRule::BirthDateAndPlaceholder => {
                emit_involving(rule, &members, crowd, attributes, config, out, |a| a.placeholder)
            }
            // A name of at most two tokens pairs with the others.
            BlockingRule::NameTokenAndBirthYear | BlockingRule::NameTokenAndBirthDayMonth => {
                emit_involving(rule, &members, crowd, attributes, rule_config(rule, config), out, |a| {
                    usize::from(a.n_tokens) <= SHORT_NAME_TOKENS
                })
            }
            _ => emit_group(rule, &members, crowd, attributes, config, out),
        }
    }
}

/// The groups a record joins under [`BlockingRule::NameTokensWithoutBirthDate`]: each pair of
/// its rarest tokens, and its first (last) token with the other's initial.
fn undated_groups(attributes: &Attributes) -> impl Iterator<Item = u64> + '_ {
    rare_token_pairs(attributes)
        .into_iter()
        .chain(attributes.first_and_last())
}

/// The caps of one rule's blocks.
fn rule_config(rule: BlockingRule, config: BlockingConfig) -> BlockingConfig {
    // A single name token is a loose key (even with the concelho): its blocks are capped twice
    // as hard. Two tokens with a
    // birth year or a day and month make the largest blocks of the rest (a year holds a
    // hundredth of the registry): their window is narrower.
    match rule {
        BlockingRule::NameTokenAndBirthYear
        | BlockingRule::NameTokenAndBirthDayMonth
        | BlockingRule::NameTokenMunicipalityAndBirthYear
        | BlockingRule::NameTokenMunicipalityAndBirthDayMonth => BlockingConfig {
            max_block_size: (config.max_block_size / 2).max(2),
            window: (config.window / 2).max(1),
            ..config
        },
        BlockingRule::NameTokensAndBirthYear | BlockingRule::NameTokensAndBirthDayMonth => BlockingConfig {
            window: (config.window * 3 / 5).max(1),
            ..config
        },
        _ => config,
    }
}

/// Whether the birth dates of two records in one block of `rule` could be one date typed twice.
///
/// A rule keyed on the birth year pairs records whose day and month differ (else a rule on the
/// whole date would have paired them), and one keyed on the day and month records whose years
/// differ. Between two strangers of one year the day and month are random; between a person's
/// two records they differ the way dates are mistyped (DESIGN.md §Matching): one part wrong,
/// day and month swapped, the placeholder 1 January. So these rules keep only pairs whose dates
/// still agree in the day or the month (either order) or where one is 1 January, and pairs whose
/// years are one apart or one digit apart. Most pairs of strangers fail it, a mistyped date
/// passes.
fn birth_dates_fit(rule: BlockingRule, a: &Attributes, b: &Attributes) -> bool {
    let (Some(x), Some(y)) = (a.birth_date(), b.birth_date()) else {
        return true;
    };
    match rule.key_kind() {
        Some(KeyKind::BirthYear) => day_or_month_fits(x, y),
        Some(KeyKind::DayMonth) => year_fits(x / 10_000, y / 10_000),
        // The same name: a stranger's date too (a namesake), or a date mistyped twice.
        None if rule == BlockingRule::FullName => day_or_month_fits(x, y) || year_fits(x / 10_000, y / 10_000),
        _ => true,
    }
}

/// What an initial is worth as evidence, in eighths of a bit (one letter of about sixteen).
const INITIAL_BITS: u8 = 32;

/// What the same sex is worth as evidence, in eighths of a bit.
const SEX_BITS: u32 = 8;

/// The records a rule looked at to find a block's pairs: the kind of coarse block (`None`: the
/// whole registry, grouped by the rule's own key) and how many others were in it with each
/// record (for a whole-registry group, the rest of the group).
#[derive(Clone, Copy, Debug)]
struct Crowd {
    kind: Option<KeyKind>,
    others: usize,
}

/// The evidence, in eighths of a bit, that two records of one of `rule`'s blocks must share to
/// stand out from their `crowd`; `None` when any pair will do.
///
/// A pair stands out when at most `expected_strangers` strangers of the crowd are expected to
/// agree with a record as much as the other record does. If each bit of shared evidence halved
/// the strangers who have it, that would take `log2(others / expected_strangers)` bits. It
/// does not: the parts are correlated (a surname with a region, a given name with a sex) and
/// the larger the total, the more ways strangers have of making it up, so the share of strangers
/// above a bar falls more slowly than the bar rises. The bar rises [`CROWD_EXPONENT`] bits for
/// each doubling of the crowd instead: with one bit, the pairs per record went from 0.44 at a
/// hundred thousand records to 0.79 at a million; with one and a half, 0.33 and 0.42; with
/// 1.55, [`MUNICIPALITY_CONFLICT`] and [`FULL_NAME_EVIDENCE`], 0.29 and 0.31 (1.6 bits: 0.29
/// and 0.30, but a pair completeness under 0.995 at a hundred thousand).
/// The rules for records without a birth date and for newborn placeholders ("RN de …"), which
/// have less to go on, use `expected_strangers_sparse`; the whole-name rule needs at least
/// [`FULL_NAME_EVIDENCE`].
///
/// A person's two records share most of their name, so they stand out from any crowd; two
/// strangers who share a common token and a birth date stand out from the three records born
/// that day in a registry of a hundred thousand, not from the thirty of a million.
fn evidence_needed(rule: BlockingRule, crowd: Crowd, config: BlockingConfig) -> Option<u32> {
    if rule == BlockingRule::Nif {
        return None;
    }
    let expected_strangers = match rule {
        BlockingRule::BirthDateAndPlaceholder | BlockingRule::NameTokensWithoutBirthDate => {
            config.expected_strangers_sparse
        }
        _ => config.expected_strangers,
    };
    let bits = (CROWD_EXPONENT * (crowd.others as f64).log2() - expected_strangers.log2()) * 8.0;
    let bits = (bits > 0.0).then(|| bits.ceil() as u32)?;
    Some(match rule {
        BlockingRule::FullName => bits.max(FULL_NAME_EVIDENCE),
        _ => bits,
    })
}

/// The evidence, in eighths of a bit, that two records of one whole name need however few
/// share it: eight bits, which the same year alone (6.6) or a year one off (5.6) do not give,
/// but the same day and month, or the same year with the same day or month or the same
/// concelho, do. Namesakes are the rule's strangers, and there are more of them the larger the
/// registry: without it the rule's pairs per record grew 1.31 times from a hundred thousand
/// records to a million, with it 1.13 times, for one true pair fewer in four registries of a
/// hundred thousand (the other rules find most of those the rule alone found).
const FULL_NAME_EVIDENCE: u32 = 64;

/// How many bits the evidence a pair needs rises for each doubling of its crowd
/// (`evidence_needed`).
const CROWD_EXPONENT: f64 = 1.55;

/// What two concelhos of birth in different distritos count against a pair, in eighths of a
/// bit: two bits. A person's two records mostly agree on it, strangers mostly do not; when a
/// person's differ, a place of residence was taken for the birthplace, mostly a concelho of the
/// same distrito ("Oeiras" for "Lisboa"), which does not count. Without it the pairs per record
/// of the rules on a birth date and a name token grew 1.21 times from a hundred thousand
/// records to a million, with it not at all; counted between any two concelhos, it cost
/// 0.02–0.04 % of the true pairs at a hundred thousand, between distritos 0.01–0.02 %.
const MUNICIPALITY_CONFLICT: u32 = 16;

/// Whether `a` and `b` share the evidence `needed` (`evidence_needed`) beyond the key of a
/// block of `kind`: the rare tokens they share, the first (last) token with the other's
/// initial, the concelho of birth, the foreign country and the sex, each worth what its
/// frequency in the registry makes it (`TokenCounts::bits_of`), and birth dates closer than the
/// key asks; less what two different concelhos of birth count against
/// ([`MUNICIPALITY_CONFLICT`]).
fn evidence_suffices(
    rule: BlockingRule,
    kind: Option<KeyKind>,
    a: &Attributes,
    b: &Attributes,
    needed: Option<u32>,
) -> bool {
    let Some(needed) = needed else {
        return true;
    };
    // Dates closer than the coarse key asks.
    let mut shared = match (a.birth_date(), b.birth_date()) {
        (Some(x), Some(y)) => match kind {
            Some(KeyKind::BirthYear) => day_month_bits(x, y),
            Some(KeyKind::DayMonth) => year_bits(x / 10_000, y / 10_000),
            None => day_month_bits(x, y) + year_bits(x / 10_000, y / 10_000),
            Some(KeyKind::BirthDate | KeyKind::Nif) => 0,
        },
        _ => 0,
    };
    match rule {
        // The group is the whole name: every one of the crowd shares it.
        BlockingRule::FullName => {}
        // The group is a pair of rare tokens (or a token and an initial) that the whole crowd
        // shares: only what the two share beyond the two best of them counts.
        BlockingRule::NameTokensWithoutBirthDate => {
            let mut bits = [0u32; RARE_TOKENS];
            for ((token, worth), slot) in a.rare_tokens.iter().zip(a.rare_token_bits).zip(&mut bits) {
                if b.rare_tokens.contains(token) {
                    *slot = u32::from(worth);
                }
            }
            bits.sort_unstable();
            shared += bits[..RARE_TOKENS - 2].iter().sum::<u32>();
        }
        _ => {
            for (token, bits) in a.rare_tokens.iter().zip(a.rare_token_bits) {
                if b.rare_tokens.contains(token) {
                    shared += u32::from(bits);
                }
            }
            // A first or last token that is among one record's rarest and not the other's
            // counts from the other's side: the larger of the two.
            let (mut from_a, mut from_b, mut initials) = (0u32, 0u32, 0u32);
            for (key, bits) in a.first_and_last.iter().zip(a.first_and_last_bits) {
                let Some(j) = b.first_and_last.iter().position(|other| *key != 0 && other == key) else {
                    continue;
                };
                from_a += u32::from(bits);
                from_b += u32::from(b.first_and_last_bits[j]);
                initials += 1;
            }
            shared += from_a.max(from_b);
            // Both first and last tokens shared: the initials tell nothing more.
            if initials == 2 {
                shared = shared.saturating_sub(2 * u32::from(INITIAL_BITS));
            }
        }
    }
    // A whole name tells the sex (by the given name) and, for a foreign one, the country: they
    // are no more evidence for its group.
    let implied_by_name = rule == BlockingRule::FullName;
    if a.sex != 0 && a.sex == b.sex && !implied_by_name {
        shared += SEX_BITS;
    }
    let mut against = 0;
    if a.municipality.is_some() && a.municipality == b.municipality {
        shared += u32::from(a.municipality_bits);
    } else if let (Some(x), Some(y)) = (a.municipality(), b.municipality()) {
        if !same_district(x, y) {
            against += MUNICIPALITY_CONFLICT;
        }
    }
    if a.foreign_country.is_some() && a.foreign_country == b.foreign_country && !implied_by_name {
        shared += u32::from(a.foreign_country_bits);
    }
    shared >= needed + against
}

/// What two strangers' day and month agreeing as those of `x` and `y` do is worth, in eighths
/// of a bit: the same day and month (or swapped) one in 365, one of them 1 January about one
/// in 50, the same day (or crosswise) one in 30, the same month one in 12.
fn day_month_bits(x: i32, y: i32) -> u32 {
    let (dx, mx, dy, my) = (x % 100, x / 100 % 100, y % 100, y / 100 % 100);
    if (dx, mx) == (dy, my) || (dx, mx) == (my, dy) {
        68
    } else if (dx, mx) == (1, 1) || (dy, my) == (1, 1) {
        45
    } else if dx == dy || dx == my || mx == dy {
        39
    } else if mx == my {
        29
    } else {
        0
    }
}

/// What two strangers' birth years agreeing as `x` and `y` do is worth, in eighths of a bit:
/// the same year one in a hundred, one apart one in fifty, one digit apart or two swapped
/// about one in ten.
fn year_bits(x: i32, y: i32) -> u32 {
    match (x - y).abs() {
        0 => 53,
        1 => 45,
        _ if year_fits(x, y) => 27,
        _ => 0,
    }
}

/// Two `yyyymmdd` dates agree in the day or the month (either order), or one is 1 January:
/// any agreement `day_month_bits` gives a worth.
fn day_or_month_fits(x: i32, y: i32) -> bool {
    day_month_bits(x, y) > 0
}

/// Two years one apart, or one digit apart, or with two neighbouring digits swapped.
fn year_fits(x: i32, y: i32) -> bool {
    if (x - y).abs() <= 1 {
        return true;
    }
    // Decimal digits, units first (years are positive and have four digits).
    let digits = |year: i32| -> [i32; 4] { [year % 10, year / 10 % 10, year / 100 % 10, year / 1000 % 10] };
    let (dx, dy) = (digits(x), digits(y));
    let mut differ = (0..4).filter(|&i| dx[i] != dy[i]);
    match (differ.next(), differ.next(), differ.next()) {
        (Some(_), None, None) => true,
        (Some(i), Some(j), None) => j == i + 1 && dx[i] == dy[j] && dx[j] == dy[i],
        _ => false,
    }
}

/// Whether two records of one of `rule`'s blocks make a candidate pair: dates that could be one
/// date mistyped, and the evidence `needed` to stand out from the crowd.
fn worth_comparing(
    rule: BlockingRule,
    attributes: &[Attributes],
    a: u32,
    b: u32,
    kind: Option<KeyKind>,
    needed: Option<u32>,
) -> bool {
    match (attributes.get(a as usize), attributes.get(b as usize)) {
        (Some(a), Some(b)) => birth_dates_fit(rule, a, b) && evidence_suffices(rule, kind, a, b, needed),
        _ => true,
    }
}

/// The records of a block as (rank, id), in name order (then birth date).
fn in_name_order(ids: &[u32], attributes: &[Attributes]) -> Vec<(u32, u32)> {
    let mut ordered: Vec<(u32, u32)> = ids
        .iter()
        .map(|&id| (attributes.get(id as usize).map_or(u32::MAX, |a| a.rank), id))
        .collect();
    ordered.sort_unstable();
    ordered
}

/// All pairs of a block, or, when it is too large, each record with its window of neighbours
/// in name order.
fn emit_group(
    rule: BlockingRule,
    ids: &[u32],
    crowd: Crowd,
    attributes: &[Attributes],
    config: BlockingConfig,
    out: &mut BlockOutput,
) {
    let config = rule_config(rule, config);
    let bit = rule.bit();
    let needed = evidence_needed(rule, crowd, config);
    let worth = |a: u32, b: u32| worth_comparing(rule, attributes, a, b, crowd.kind, needed);
    out.n_blocks[rule as usize] += 1;
    if ids.len() <= config.max_block_size {
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                if worth(a, b) {
                    out.pairs.push((pack(a, b), bit));
                }
            }
        }
        return;
    }
    out.n_capped_blocks[rule as usize] += 1;
    let ordered = in_name_order(ids, attributes);
    for i in 0..ordered.len() {
        for j in i + 1..(i + 1 + config.window).min(ordered.len()) {
            if worth(ordered[i].1, ordered[j].1) {
                out.pairs.push((pack(ordered[i].1, ordered[j].1), bit));
            }
        }
    }
}

/// The pairs of a block that involve a `flagged` record (one without a birth date, or a
/// newborn's placeholder name), which the other rules cannot see: with every other record, or
/// with its window of neighbours on each side when the block is too large.
fn emit_involving(
    rule: BlockingRule,
    ids: &[u32],
    crowd: Crowd,
    attributes: &[Attributes],
    config: BlockingConfig,
    out: &mut BlockOutput,
    flagged: impl Fn(&Attributes) -> bool,
) {
    let has_birth_date = |id: u32| attributes.get(id as usize).is_some_and(|a| !flagged(a));
    if ids.iter().all(|&id| has_birth_date(id)) {
        return;
    }
    let needed = evidence_needed(rule, crowd, config);
    let worth = |a: u32, b: u32| worth_comparing(rule, attributes, a, b, crowd.kind, needed);
    let bit = rule.bit();
    out.n_blocks[rule as usize] += 1;
    // Few records lack a birth date, so their blocks may be expanded further than others.
    if ids.len() <= 4 * config.max_block_size {
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                if (!has_birth_date(a) || !has_birth_date(b)) && worth(a, b) {
                    out.pairs.push((pack(a, b), bit));
                }
            }
        }
        return;
    }
    out.n_capped_blocks[rule as usize] += 1;
    let ordered = in_name_order(ids, attributes);
    for i in 0..ordered.len() {
        if has_birth_date(ordered[i].1) {
            continue;
        }
        let from = i.saturating_sub(2 * config.window);
        let to = (i + 1 + 2 * config.window).min(ordered.len());
        for j in (from..to).filter(|&j| j != i && worth(ordered[i].1, ordered[j].1)) {
            out.pairs.push((pack(ordered[i].1, ordered[j].1), bit));
        }
    }
}

/// How many records carry each name token, counted as the token rules count them (each
/// record's keyed tokens once), each concelho of birth and each foreign country, out of how
/// many records: what picks each record's rarest tokens, and what each part of a record is
/// worth as evidence.
#[derive(Clone, Debug, Default)]
pub struct TokenCounts {
    n_records: u32,
    n_records_with: FastHashMap<u64, u32>,
    /// Concelhos and foreign countries (their hashes cannot meet but by a 2^-64 chance).
    n_records_from: FastHashMap<u64, u32>,
}

impl TokenCounts {
    /// The counts over the records whose keys are given.
    pub fn count(keys: &[RecordKeys]) -> TokenCounts {
        count_in_parallel(keys, TokenCounts::add, TokenCounts::merge)
    }

    fn merge(mut self, mut other: TokenCounts) -> TokenCounts {
        if self.n_records_with.len() < other.n_records_with.len() {
            std::mem::swap(&mut self, &mut other);
        }
        self.n_records += other.n_records;
        add_counts(&mut self.n_records_with, other.n_records_with);
        add_counts(&mut self.n_records_from, other.n_records_from);
        self
    }

    /// Counts one more record.
    pub fn add(&mut self, keys: &RecordKeys) {
        self.n_records += 1;
        for token in &keys.tokens {
            *self.n_records_with.entry(*token).or_insert(0) += 1;
        }
        for place in [keys.municipality, keys.foreign_country].into_iter().flatten() {
            *self.n_records_from.entry(place).or_insert(0) += 1;
        }
    }

    /// The records that carry a token (by the hash [`rules_pairing`] asks about).
    pub fn n_records_with(&self, token: u64) -> u32 {
        self.n_records_with.get(&token).copied().unwrap_or(0)
    }

    /// What a value carried by `n` records is worth as evidence, in eighths of a bit: how
    /// unlikely a stranger is to carry it too (`log2(records / n)`).
    fn bits_of(&self, n: u32) -> u8 {
        let odds = f64::from(self.n_records.max(1)) / f64::from(n.max(1));
        (odds.log2() * 8.0).round().clamp(0.0, 255.0) as u8
    }

    fn place_bits(&self, place: Option<u64>) -> u8 {
        place.map_or(0, |p| self.bits_of(self.n_records_from.get(&p).copied().unwrap_or(0)))
    }
}

/// What the rules see of one record (but its rank in name order, which only windowing uses and
/// which depends on all records), with the registry's counts: the one place that turns a
/// record's keys into what the rules group on, for a scan ([`attributes`]) and for
/// [`rules_pairing`].
fn attributes_of(k: &RecordKeys, counts: &TokenCounts) -> Attributes {
    let mut by_rarity: Vec<(u32, u64)> = k.tokens.iter().map(|t| (counts.n_records_with(*t), *t)).collect();
    by_rarity.sort_unstable();
    by_rarity.truncate(RARE_TOKENS);
    let mut rare_token_bits = [0u8; RARE_TOKENS];
    for (bits, (n, _)) in rare_token_bits.iter_mut().zip(&by_rarity) {
        *bits = counts.bits_of(*n);
    }
    // The first and the last token's worth, but when it is a rare token (counted already).
    let mut first_and_last_bits = [0u8; 2];
    // The tokens of the keys: the first and the last, or the single one.
    let ends = match k.first_and_last.len() {
        2 => [k.tokens.first(), k.tokens.last()],
        1 => [k.tokens.first(), None],
        _ => [None, None],
    };
    for (bits, token) in first_and_last_bits.iter_mut().zip(ends) {
        if let Some(&token) = token {
            let own = if by_rarity.iter().any(|(_, t)| *t == token) {
                0
            } else {
                counts.bits_of(counts.n_records_with(token))
            };
            *bits = own.saturating_add(INITIAL_BITS);
        }
    }
    let mut first_and_last = [0u32; 2];
    for (slot, hash) in first_and_last.iter_mut().zip(&k.first_and_last) {
        *slot = short_hash(*hash).map_or(0, NonZeroU32::get);
    }
    Attributes {
        present: true,
        rare_tokens: Hashes::of(by_rarity.into_iter().map(|(_, t)| t)),
        rare_token_bits,
        first_and_last,
        first_and_last_bits,
        municipality: k.municipality.and_then(|m| NonZeroU64::new(m | 1)),
        municipality_bits: counts.place_bits(k.municipality),
        foreign_country: k.foreign_country.and_then(short_hash),
        foreign_country_bits: counts.place_bits(k.foreign_country),
        has_birth_date: k.birth_date.is_some(),
        birth_date: k.birth_date.and_then(NonZeroI32::new),
        placeholder: k.placeholder,
        sex: match k.sex {
            None => 0,
            Some(crate::record::Sex::M) => 1,
            Some(crate::record::Sex::F) => 2,
        },
        rank: 0,
        n_tokens: k.tokens.len().min(usize::from(u8::MAX)) as u8,
    }
}

/// The pairs of a record's rarest tokens, hashed as the token-pair rules group them.
fn rare_token_pairs(attributes: &Attributes) -> Hashes<3> {
    let tokens = &attributes.rare_tokens;
    Hashes::of((0..tokens.len()).flat_map(|i| tokens[i + 1..].iter().map(move |other| pair_hash(tokens[i], *other))))
}

/// The rules that put `a` and `b` in the same block today, as bits of [`CandidatePair::rules`]:
/// the same coarse key and the same second attribute, with each rule's condition (a name of two
/// tokens or more for the whole name, one name of at most two tokens for the first-or-last-token
/// rules, one record without a birth date, one newborn placeholder).
///
/// `counts` are the registry's ([`TokenCounts::count`]): they pick each record's rarest tokens
/// as a scan does.
///
/// It ignores the caps of [`BlockingConfig`]: a pair in a block larger than `max_block_size`
/// is a candidate only when its records are within `window` of each other in name order, and
/// in a crowd larger than that only when it shares enough to stand out (`evidence_suffices`),
/// both of which depend on the whole block; this says which rules would put the pair in one
/// block at all ([`rules_standing_out`] adds the crowd filter).
/// Neither record needs to be in the index (a merged duplicate is not).
pub fn rules_pairing(a: &ComparableRecord, b: &ComparableRecord, counts: &TokenCounts) -> u16 {
    pairing(a, b, counts).rules
}

/// What the rules see of a pair: the rules that put it in one block, each record's attributes
/// and the whole name's key (the same for both when the whole-name rule pairs them).
struct Pairing {
    rules: u16,
    x: Attributes,
    y: Attributes,
    full_name: u64,
}

/// The rules that put `a` and `b` in one block ([`rules_pairing`]), with what they saw.
fn pairing(a: &ComparableRecord, b: &ComparableRecord, counts: &TokenCounts) -> Pairing {
    let (record_keys_a, record_keys_b) = (RecordKeys::of(a), RecordKeys::of(b));
    let (attributes_a, attributes_b) = (
        attributes_of(&record_keys_a, counts),
        attributes_of(&record_keys_b, counts),
    );
    let (x, y) = (&attributes_a, &attributes_b);
    let (keys_a, keys_b) = (index_keys(a), index_keys(b));
    // The values (without the kind) of the coarse keys of one kind the two records share.
    let shared = |kind: KeyKind| -> Vec<&[u8]> {
        keys_a
            .iter()
            .filter(|key| key[0] == kind.prefix() && keys_b.contains(key))
            .map(|key| &key[2..])
            .collect()
    };
    let shares = |kind: KeyKind| !shared(kind).is_empty();
    let meet = |p: &[u64], q: &[u64]| p.iter().any(|h| q.contains(h));
    let meet_short = |x: &Attributes, y: &Attributes| x.first_and_last().any(|h| y.first_and_last().any(|g| g == h));
    let same = |p: Option<u64>, q: Option<u64>| p.is_some() && p == q;
    let one_short = usize::from(x.n_tokens.min(y.n_tokens)) <= SHORT_NAME_TOKENS;
    let mut rules = 0;
    for rule in BlockingRule::ALL {
        let pairs = match rule {
            BlockingRule::BirthDateAndNameToken => shares(KeyKind::BirthDate) && meet(&x.rare_tokens, &y.rare_tokens),
            BlockingRule::BirthDateAndMunicipality => {
                shares(KeyKind::BirthDate) && same(x.municipality(), y.municipality())
            }
            BlockingRule::BirthDateAndForeignCountry => {
                shares(KeyKind::BirthDate) && same(x.foreign_country(), y.foreign_country())
            }
            BlockingRule::BirthDateAndPlaceholder => {
                (x.placeholder || y.placeholder)
                    && (shares(KeyKind::BirthDate)
                        || ((shares(KeyKind::DayMonth) || shares(KeyKind::BirthYear))
                            && same(x.municipality(), y.municipality())))
            }
            BlockingRule::FullName => {
                x.n_tokens >= 2 && y.n_tokens >= 2 && record_keys_a.full_name == record_keys_b.full_name
            }
            BlockingRule::NameTokensAndBirthYear => {
                shares(KeyKind::BirthYear) && meet(&rare_token_pairs(x), &rare_token_pairs(y))
            }
            BlockingRule::NameTokensAndBirthDayMonth => {
                shares(KeyKind::DayMonth) && meet(&rare_token_pairs(x), &rare_token_pairs(y))
            }
            BlockingRule::NameTokenAndBirthYear => shares(KeyKind::BirthYear) && one_short && meet_short(x, y),
            BlockingRule::NameTokenAndBirthDayMonth => shares(KeyKind::DayMonth) && one_short && meet_short(x, y),
            BlockingRule::NameTokensWithoutBirthDate => {
                (!x.has_birth_date || !y.has_birth_date)
                    && undated_groups(x).any(|group| undated_groups(y).any(|other| other == group))
            }
            BlockingRule::Nif => shares(KeyKind::Nif),
            BlockingRule::NameTokenMunicipalityAndBirthYear => {
                shares(KeyKind::BirthYear)
                    && same(x.municipality(), y.municipality())
                    && meet(&x.rare_tokens, &y.rare_tokens)
            }
            BlockingRule::NameTokenMunicipalityAndBirthDayMonth => {
                shares(KeyKind::DayMonth)
                    && same(x.municipality(), y.municipality())
                    && meet(&x.rare_tokens, &y.rare_tokens)
            }
        };
        if pairs && birth_dates_fit(rule, x, y) {
            rules |= rule.bit();
        }
    }
    Pairing {
        rules,
        x: attributes_a,
        y: attributes_b,
        full_name: record_keys_a.full_name,
    }
}

/// How many records each crowd of the rules holds: the records of each coarse key (birth
/// date, birth year, day and month), of each whole name and of some groups of the rule on
/// undated records. What [`rules_standing_out`] needs to apply the crowd filter as a scan does,
/// without the index.
#[derive(Default)]
pub struct Crowds {
    coarse: FastHashMap<(KeyKind, u32), u32>,
    full_names: FastHashMap<u64, u32>,
    undated_groups: FastHashMap<u64, u32>,
}

impl Crowds {
    /// The crowds of the records whose keys are given.
    pub fn count(keys: &[RecordKeys]) -> Crowds {
        count_in_parallel(keys, Crowds::add, Crowds::merge)
    }

    fn merge(mut self, mut other: Crowds) -> Crowds {
        if self.coarse.len() < other.coarse.len() {
            std::mem::swap(&mut self, &mut other);
        }
        add_counts(&mut self.coarse, other.coarse);
        add_counts(&mut self.full_names, other.full_names);
        self
    }

    /// Counts one more record.
    pub fn add(&mut self, keys: &RecordKeys) {
        for key in keys.birth_date.into_iter().flat_map(coarse_values) {
            *self.coarse.entry(key).or_insert(0) += 1;
        }
        // The whole-name rule groups names of two tokens or more (`registry_wide_groups`).
        if keys.tokens.len() >= 2 {
            *self.full_names.entry(keys.full_name).or_insert(0) += 1;
        }
    }

    /// Counts, over the records whose `keys` and `more_keys` are given (with `counts`, the
    /// registry's), the members of the groups of [`BlockingRule::NameTokensWithoutBirthDate`]
    /// that `a` and `b` share: a pass over every record, made only when one of the two has no
    /// birth date and they share a group (the rule's condition).
    pub fn count_undated_groups(
        &mut self,
        keys: &[RecordKeys],
        more_keys: &[RecordKeys],
        counts: &TokenCounts,
        a: &ComparableRecord,
        b: &ComparableRecord,
    ) {
        let (x, y) = (
            attributes_of(&RecordKeys::of(a), counts),
            attributes_of(&RecordKeys::of(b), counts),
        );
        let wanted: Vec<u64> = undated_groups(&x)
            .filter(|group| undated_groups(&y).any(|other| other == *group))
            .filter(|group| !self.undated_groups.contains_key(group))
            .collect();
        if (x.has_birth_date && y.has_birth_date) || wanted.is_empty() {
            return;
        }
        let found: Vec<u64> = keys
            .par_iter()
            .chain(more_keys.par_iter())
            .flat_map_iter(|k| {
                let attributes = attributes_of(k, counts);
                undated_groups(&attributes)
                    .filter(|group| wanted.contains(group))
                    .collect::<Vec<u64>>()
            })
            .collect();
        for group in wanted {
            self.undated_groups.insert(group, 0);
        }
        for group in found {
            *self.undated_groups.entry(group).or_insert(0) += 1;
        }
    }

    fn others(n: Option<&u32>) -> usize {
        n.map_or(0, |n| *n as usize).saturating_sub(1)
    }
}

/// Counts over `keys` on every core: each thread `add`s its share into its own counts, which
/// are then `merge`d.
fn count_in_parallel<T: Default + Send>(keys: &[RecordKeys], add: fn(&mut T, &RecordKeys), merge: fn(T, T) -> T) -> T {
    keys.par_iter()
        .fold(T::default, |mut counts, k| {
            add(&mut counts, k);
            counts
        })
        .reduce(T::default, merge)
}

/// Adds the counts of `more` to those of `counts`.
fn add_counts<K: std::hash::Hash + Eq>(counts: &mut FastHashMap<K, u32>, more: FastHashMap<K, u32>) {
    for (key, n) in more {
        *counts.entry(key).or_insert(0) += n;
    }
}

/// The coarse keys of a `yyyymmdd` birth date, as (kind, value): the date, the year, and the
/// day and month in either order (as [`index_keys`] makes them).
fn coarse_values(date: i32) -> [(KeyKind, u32); 3] {
    let (day, month) = ((date % 100) as u32, (date / 100 % 100) as u32);
    [
        (KeyKind::BirthDate, date as u32),
        (KeyKind::BirthYear, (date / 10_000) as u32),
        (KeyKind::DayMonth, (day.min(month) << 8) | day.max(month)),
    ]
}

/// Of the rules [`rules_pairing`] finds for `a` and `b`, those under which the pair also stands
/// out from its crowd (`evidence_suffices`), the crowds counted in `crowds` (with
/// [`Crowds::count_undated_groups`] for the rule on undated records): the rules a scan would
/// still find the pair by, but for the block caps (`max_block_size`, `window`), which depend on
/// the name order of the whole block.
pub fn rules_standing_out(
    a: &ComparableRecord,
    b: &ComparableRecord,
    counts: &TokenCounts,
    crowds: &Crowds,
    config: BlockingConfig,
) -> u16 {
    let Pairing { rules, x, y, full_name } = pairing(a, b, counts);
    let stands_out = |rule: BlockingRule, kind: Option<KeyKind>, others: usize| {
        let crowd = Crowd { kind, others };
        evidence_suffices(rule, kind, &x, &y, evidence_needed(rule, crowd, config))
    };
    // The crowd of a coarse block the two share (they share it when the rule pairs them).
    let block = |kind: KeyKind| -> Option<usize> {
        let (p, q) = (x.birth_date()?, y.birth_date()?);
        let value = coarse_values(p).into_iter().find(|(k, _)| *k == kind)?;
        coarse_values(q)
            .contains(&value)
            .then(|| Crowds::others(crowds.coarse.get(&value)))
    };
    let in_block =
        |rule: BlockingRule, kind: KeyKind| block(kind).is_some_and(|others| stands_out(rule, Some(kind), others));
    let mut standing = 0;
    for rule in BlockingRule::ALL.into_iter().filter(|rule| rules & rule.bit() != 0) {
        let kept = match rule {
            BlockingRule::Nif => true,
            BlockingRule::BirthDateAndNameToken
            | BlockingRule::BirthDateAndMunicipality
            | BlockingRule::BirthDateAndForeignCountry => in_block(rule, KeyKind::BirthDate),
            BlockingRule::NameTokensAndBirthYear
            | BlockingRule::NameTokenAndBirthYear
            | BlockingRule::NameTokenMunicipalityAndBirthYear => in_block(rule, KeyKind::BirthYear),
            BlockingRule::NameTokensAndBirthDayMonth
            | BlockingRule::NameTokenAndBirthDayMonth
            | BlockingRule::NameTokenMunicipalityAndBirthDayMonth => in_block(rule, KeyKind::DayMonth),
            // Found in an exact-date block, or with the concelho in a year or day-and-month one.
            BlockingRule::BirthDateAndPlaceholder => {
                in_block(rule, KeyKind::BirthDate)
                    || (x.municipality().is_some()
                        && x.municipality() == y.municipality()
                        && (in_block(rule, KeyKind::BirthYear) || in_block(rule, KeyKind::DayMonth)))
            }
            BlockingRule::FullName => stands_out(rule, None, Crowds::others(crowds.full_names.get(&full_name))),
            BlockingRule::NameTokensWithoutBirthDate => undated_groups(&x)
                .filter(|group| undated_groups(&y).any(|other| other == *group))
                .any(|group| stands_out(rule, None, Crowds::others(crowds.undated_groups.get(&group)))),
        };
        if kept {
            standing |= rule.bit();
        }
    }
    standing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, Nnu, PatientRecord, Value};

    fn prepared(id: u32, name: &str, date: Option<&str>) -> ComparableRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(id).unwrap(), name);
        record.id = RecordId(id);
        if let Some(date) = date {
            record.birth_date = Value::Valid(Date::parse(date).unwrap());
        }
        ComparableRecord::new(&record)
    }

    fn candidates(records: &[ComparableRecord], config: BlockingConfig) -> Vec<CandidatePair> {
        let index = index::CandidateIndex::create_in_ram().unwrap();
        let mut writer = index.writer(50_000_000, 1).unwrap();
        for record in records {
            let keys = index_keys(record);
            writer
                .add(&index::IndexDocument {
                    record_id: record.id.0,
                    name: "",
                    birth_date: None,
                    birthplace: None,
                    block_keys: &keys,
                })
                .unwrap();
        }
        writer.commit().unwrap();
        let keys: Vec<RecordKeys> = records.iter().map(RecordKeys::of).collect();
        candidate_pairs(&index, &keys, config).unwrap().pairs
    }

    #[test]
    fn damaged_duplicates_are_candidates() {
        let config = BlockingConfig {
            max_block_size: 40,
            window: 10,
            ..BlockingConfig::default()
        };
        for (name, date) in [
            ("Santos, João Pedro", Some("1980-03-12")),
            ("João Pedro Silva Santos", Some("1980-12-03")),
            ("João Pedro Silva Santos", Some("1981-03-12")),
            ("Joao Pedro Silva Santos", Some("1980-01-01")),
            ("João Pdro Silva Santos", Some("1980-12-03")),
            ("João Silva Santos", Some("1979-03-12")),
            ("João Santos", None),
            ("Joao Pedro Silva Santoss", Some("1981-03-12")),
        ] {
            let records = [
                prepared(1, "João Pedro Silva Santos", Some("1980-03-12")),
                prepared(2, name, date),
            ];
            assert_eq!(candidates(&records, config).len(), 1, "{name} {date:?}");
        }
        // A newborn first registered under its mother's name, later under its own.
        let records = [
            prepared(1, "RN de Ana Maria Gomes", Some("2024-05-01")),
            prepared(2, "Francisco Lopes", Some("2024-05-01")),
        ];
        assert_eq!(
            candidates(&records, config).len(),
            1,
            "placeholder with the same birth date"
        );
        let records = [
            prepared(1, "RN de Ana Costa Gomes", Some("2024-05-01")),
            prepared(2, "Rui Costa Gomes", Some("2025-05-01")),
        ];
        assert_eq!(
            candidates(&records, config).len(),
            1,
            "placeholder keyed on the mother's surnames"
        );
        let records = [
            prepared(1, "João Pedro Silva Santos", Some("1980-03-12")),
            prepared(2, "Rui Costa", Some("1990-05-06")),
        ];
        assert!(candidates(&records, config).is_empty());
        // Short names: written in the other order with a typo, a year off; a single token with
        // an initial, a year mistyped or the day and month swapped.
        for (a, b) in [
            (("Lig Wu", "1990-06-09"), ("Wu Ling", "1989-06-09")),
            (("P. Arjun", "1995-08-09"), ("P. Arjun", "1991-08-09")),
            (("S. Sanjay", "1985-07-03"), ("Sanjay S.", "1985-03-07")),
        ] {
            let records = [prepared(1, a.0, Some(a.1)), prepared(2, b.0, Some(b.1))];
            assert_eq!(candidates(&records, config).len(), 1, "{a:?} {b:?}");
        }
    }

    #[test]
    fn namesakes_need_more_than_the_same_year() {
        let pair = |date: &str| {
            let records = [
                prepared(1, "Ana Sofia Brito", Some("1982-03-04")),
                prepared(2, "Ana Sofia Brito", Some(date)),
            ];
            candidates(&records, BlockingConfig::default()).len()
        };
        assert_eq!(pair("1982-07-19"), 0, "the same year only");
        assert_eq!(pair("1982-07-04"), 1, "the same year and day");
        assert_eq!(pair("1950-03-04"), 1, "the same day and month");
    }

    /// A record with a birthplace (concelho, country), a nationality and a NIF, each optional.
    fn prepared_with(
        id: u32,
        name: &str,
        date: Option<&str>,
        municipality: Option<&str>,
        country: Option<&str>,
        nif: Option<u32>,
    ) -> ComparableRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(id).unwrap(), name);
        record.id = RecordId(id);
        if let Some(date) = date {
            record.birth_date = Value::Valid(Date::parse(date).unwrap());
        }
        record.birth_municipality = municipality.map(str::to_string);
        if let Some(country) = country {
            record.nationality = Value::Valid(crate::record::Country::parse(country).unwrap());
        }
        if let Some(base) = nif {
            record.nif = Value::Valid(crate::record::Nif::from_base(base));
        }
        ComparableRecord::new(&record)
    }

    /// A registry of `n` made-up persons, ids from 100: `born_that_day` of them Costa, born on
    /// 1980-03-12, and the rest born on other days, two in three of them Silva.
    fn crowd(n: u32, born_that_day: u32) -> Vec<ComparableRecord> {
        const SYLLABLES: [&str; 10] = ["ba", "co", "ra", "du", "te", "me", "li", "ko", "sa", "nu"];
        let word = |i: u32| -> String {
            let s = |k: u32| SYLLABLES[(k % 10) as usize];
            let w = format!("{}{}{}vel", s(i), s(i / 10), s(i / 100));
            w[..1].to_uppercase() + &w[1..]
        };
        (0..n)
            .map(|i| {
                let surname = if i < born_that_day || i % 3 == 0 {
                    "Costa"
                } else {
                    "Silva"
                };
                let name = format!("{} {surname} {}", word(i + 1000), word(i));
                let date = if i < born_that_day {
                    "1980-03-12".to_string()
                } else {
                    format!("19{:02}-{:02}-{:02}", 30 + i % 60, 1 + i % 12, 1 + i % 28)
                };
                prepared(100 + i, &name, Some(&date))
            })
            .collect()
    }

    #[test]
    fn a_pair_must_stand_out_from_a_large_crowd() {
        let people = [
            // Strangers born the same day who share "Silva" and a rarer "Moreira".
            prepared(1, "Ana Silva Moreira Bacoradu", Some("1980-03-12")),
            prepared(2, "Rui Silva Moreira Temeliko", Some("1980-03-12")),
            // A person registered twice, with a typo.
            prepared(3, "Joana Silva Vasconcelos Tavares", Some("1980-03-12")),
            prepared(4, "Joana Silva Vasconcelos Tavres", Some("1980-03-12")),
        ];
        let pairs_among = |registry: &[ComparableRecord], config: BlockingConfig| -> Vec<(u32, u32)> {
            let records: Vec<ComparableRecord> = people.iter().chain(registry).cloned().collect();
            candidates(&records, config)
                .into_iter()
                .map(|p| (p.record_id_l.0, p.record_id_r.0))
                .filter(|(l, r)| *l < 100 && *r < 100)
                .collect()
        };
        let defaults = BlockingConfig::default();
        // Sixty others born that day: two strangers among them are expected to share as much.
        assert_eq!(pairs_among(&crowd(600, 60), defaults), vec![(3, 4)]);
        // Without the filter the strangers are paired.
        let unfiltered = BlockingConfig {
            expected_strangers: 1e9,
            ..defaults
        };
        assert_eq!(pairs_among(&crowd(600, 60), unfiltered), vec![(1, 2), (3, 4)]);
        // Among the three others born that day, a token that two records in six hundred carry
        // stands out.
        assert_eq!(pairs_among(&crowd(600, 0), defaults), vec![(1, 2), (3, 4)]);
    }

    #[test]
    fn evidence_counts_each_shared_part_once_and_either_way() {
        // Odd hashes: `Hashes` stores each with its lowest bit set.
        let record =
            |rare: &[u64], rare_bits: [u8; 3], first_and_last: [u32; 2], first_and_last_bits: [u8; 2]| Attributes {
                present: true,
                rare_tokens: Hashes::of(rare.iter().copied()),
                rare_token_bits: rare_bits,
                first_and_last,
                first_and_last_bits,
                birth_date: NonZeroI32::new(19800312),
                ..Attributes::default()
            };
        let rule = BlockingRule::BirthDateAndNameToken;
        let date = Some(KeyKind::BirthDate);
        let suffices = |a: &Attributes, b: &Attributes, needed: u32| evidence_suffices(rule, date, a, b, Some(needed));
        // One rare token in common (80) and the first name with the last one's initial, whose
        // token is among the rarest of `a` (so only its initial, 32, from `a`'s side) but not of
        // `b` (its own 50 and the initial from `b`'s side): 80 + 82, whichever record comes first.
        let a = record(&[11, 13, 15], [80, 60, 40], [21, 22], [32, 32]);
        let b = record(&[11, 17, 19], [80, 70, 70], [21, 23], [82, 32]);
        for needed in [161, 162] {
            assert!(suffices(&a, &b, needed) && suffices(&b, &a, needed), "{needed}");
        }
        assert!(!suffices(&a, &b, 163) && !suffices(&b, &a, 163));
        // The same two-token name: both tokens (80 + 60), the initials add nothing.
        let a = record(&[11, 13], [80, 60, 0], [21, 22], [32, 32]);
        assert!(suffices(&a, &a, 140) && !suffices(&a, &a, 141));
        // The same day and month counts as evidence in a birth-year block, not in a date block.
        let mut c = record(&[11, 13], [80, 60, 0], [0, 0], [0, 0]);
        c.birth_date = NonZeroI32::new(19810312);
        let d = record(&[11, 31], [80, 0, 0], [0, 0], [0, 0]);
        let in_year = |needed| evidence_suffices(rule, Some(KeyKind::BirthYear), &c, &d, Some(needed));
        assert!(in_year(80 + 68) && !in_year(80 + 69));
        assert!(suffices(&c, &d, 80) && !suffices(&c, &d, 81));
        // The same concelho of birth counts its worth; two concelhos of different distritos
        // count against, two of one distrito (or one not in the table) neither way. The
        // distrito comes from the table, given or not.
        let place = |district: Option<&str>, municipality: &str| {
            let mut p = record(&[11, 13], [80, 60, 0], [21, 22], [32, 32]);
            p.municipality = NonZeroU64::new(place_key(district, municipality) | 1);
            p.municipality_bits = 40;
            p
        };
        let lisboa = place(Some("lisboa"), "lisboa");
        assert_eq!(lisboa.municipality, place(None, "lisboa").municipality);
        assert!(suffices(&lisboa, &lisboa, 140 + 40) && !suffices(&lisboa, &lisboa, 140 + 41));
        let conflict = MUNICIPALITY_CONFLICT;
        for elsewhere in [place(None, "porto"), place(Some("faro"), "lagoa")] {
            assert!(
                suffices(&lisboa, &elsewhere, 140 - conflict) && !suffices(&lisboa, &elsewhere, 140 - conflict + 1)
            );
        }
        for neighbour in [place(None, "oeiras"), place(None, "lagoa"), place(None, "atlantida")] {
            assert!(suffices(&lisboa, &neighbour, 140) && !suffices(&lisboa, &neighbour, 141));
        }
        assert!(
            suffices(&a, &lisboa, 140) && !suffices(&a, &lisboa, 141),
            "one concelho unknown"
        );
    }

    #[test]
    fn mistyped_dates_fit_and_random_ones_do_not() {
        // (date, date, agree in the day or month or one is 1 January)
        let day_or_month = [
            (19800312, 19800321, true),  // day mistyped
            (19800312, 19800812, true),  // month mistyped
            (19800312, 19801203, true),  // swapped
            (19800312, 19801208, true),  // swapped, then the day mistyped
            (19800312, 19800101, true),  // placeholder 1 January
            (19800101, 19800719, true),  // placeholder on the other side
            (19800312, 19800719, false), // strangers
            (19800312, 19801130, false),
        ];
        for (x, y, fits) in day_or_month {
            assert_eq!(day_or_month_fits(x, y), fits, "{x} {y}");
            assert_eq!(day_or_month_fits(y, x), fits, "{y} {x}");
        }
        let years = [
            (1980, 1981, true),  // one off
            (1979, 1980, true),  // one off across a decade
            (1980, 1930, true),  // one digit
            (1980, 1870, false), // two digits
            (1975, 1957, true),  // neighbouring digits swapped
            (1975, 1579, false), // other digits swapped
            (1980, 1962, false),
        ];
        for (x, y, fits) in years {
            assert_eq!(year_fits(x, y), fits, "{x} {y}");
            assert_eq!(year_fits(y, x), fits, "{y} {x}");
        }
    }

    #[test]
    fn a_namesake_of_the_same_year_is_left_out_and_a_mistyped_date_is_not() {
        let records = [
            // Each with a surname of their own: the whole names differ, two rare tokens are shared.
            prepared(1, "Teodoro Vasconcelos Brandão Pires", Some("1980-03-12")),
            prepared(2, "Teodoro Vasconcelos Brandão Lobo", Some("1980-03-21")),
            prepared(3, "Teodoro Vasconcelos Brandão Seixas", Some("1980-07-29")),
            prepared(4, "Teodoro Vasconcelos Brandão Falcão", Some("1981-03-12")),
            prepared(5, "Teodoro Vasconcelos Brandão Mota", Some("1962-03-12")),
        ];
        let config = BlockingConfig {
            max_block_size: 12,
            window: 5,
            ..BlockingConfig::default()
        };
        let pairs: Vec<(u32, u32)> = candidates(&records, config)
            .iter()
            .map(|pair| (pair.record_id_l.0, pair.record_id_r.0))
            .collect();
        // 1–2 share the year and the month, 1–4 the day and month with a year one off; 3 shares
        // only the year with 1 and 2, 5 only the day and month, 18 years away; 2–4 differ in the
        // year and the day.
        assert_eq!(pairs, [(1, 2), (1, 4)]);
    }

    #[test]
    fn rules_pairing_agrees_with_the_candidates_of_the_index() {
        // Damaged duplicates of a few persons, newborn placeholders, foreigners, and namesakes
        // that make some tokens common, so that the rarest tokens are not simply the first.
        let records = [
            prepared_with(
                1,
                "João Pedro Silva Santos",
                Some("1980-03-12"),
                Some("Lisboa"),
                None,
                Some(12345670),
            ),
            prepared_with(
                2,
                "Joao Pedro Silva Santos",
                Some("1980-12-03"),
                None,
                None,
                Some(12345670),
            ),
            prepared_with(
                3,
                "João Pdro Silva Santos",
                Some("1980-03-12"),
                Some("Lisboa"),
                None,
                None,
            ),
            prepared_with(4, "João Santos", None, None, None, None),
            prepared_with(5, "Joao Santoss", Some("1980-05-05"), None, None, None),
            prepared_with(6, "Santos, João Pedro", Some("1981-03-12"), Some("Sintra"), None, None),
            prepared_with(7, "Oksana Kovalenko", Some("1990-04-02"), None, Some("UA"), None),
            prepared_with(8, "Oksana Kovalenco", Some("1990-04-02"), None, Some("Ucrânia"), None),
            prepared_with(9, "Oksana Kovalenko", Some("1990-02-04"), None, None, None),
            prepared_with(
                10,
                "RN de Ana Costa Gomes",
                Some("2024-05-01"),
                Some("Porto"),
                None,
                None,
            ),
            prepared_with(11, "Rui Costa Gomes", Some("2025-05-01"), Some("Porto"), None, None),
            prepared_with(12, "Francisco Lopes", Some("2024-05-01"), None, None, None),
            prepared_with(13, "Maria Silva", Some("1950-01-01"), Some("Lisboa"), None, None),
            prepared_with(14, "Maria Santos", Some("1950-01-01"), None, None, None),
            prepared_with(15, "Ana Maria Silva Santos", None, None, None, Some(24681350)),
            prepared_with(16, "Ana Maria Silva Santos", Some("1950-10-01"), None, None, None),
            prepared_with(17, "Pedro Silva", Some("1980-07-07"), None, None, None),
            prepared_with(18, "Pedro Santos Silva", Some("1980-12-03"), None, None, Some(24681350)),
        ];
        // `rules_pairing` ignores the caps and the crowd filter.
        let uncapped = BlockingConfig {
            max_block_size: 1_000,
            window: 1_000,
            expected_strangers: 1e9,
            expected_strangers_sparse: 1e9,
        };
        let found: FastHashMap<(RecordId, RecordId), u16> = candidates(&records, uncapped)
            .into_iter()
            .map(|pair| ((pair.record_id_l, pair.record_id_r), pair.rules))
            .collect();
        let counts = TokenCounts::count(&records.iter().map(RecordKeys::of).collect::<Vec<_>>());
        let mut rules_seen = 0u16;
        let mut n_pairs = 0;
        for (i, a) in records.iter().enumerate() {
            for b in &records[i + 1..] {
                let expected = found.get(&(a.id, b.id)).copied().unwrap_or(0);
                for (l, r) in [(a, b), (b, a)] {
                    assert_eq!(
                        BlockingRule::names(rules_pairing(l, r, &counts)),
                        BlockingRule::names(expected),
                        "{} / {}",
                        l.full_name_key,
                        r.full_name_key
                    );
                }
                rules_seen |= expected;
                n_pairs += usize::from(expected != 0);
            }
        }
        // The table exercises every rule, and leaves most pairs of strangers out.
        assert_eq!(BlockingRule::names(rules_seen), BlockingRule::names(u16::MAX));
        assert!(n_pairs < records.len() * (records.len() - 1) / 4, "{n_pairs} pairs");

        // With the crowd filter (and still no caps), `rules_standing_out` says what a scan finds.
        let filtered = BlockingConfig {
            max_block_size: 1_000,
            window: 1_000,
            ..BlockingConfig::default()
        };
        let found: FastHashMap<(RecordId, RecordId), u16> = candidates(&records, filtered)
            .into_iter()
            .map(|pair| ((pair.record_id_l, pair.record_id_r), pair.rules))
            .collect();
        let keys: Vec<RecordKeys> = records.iter().map(RecordKeys::of).collect();
        let mut crowds = Crowds::count(&keys);
        let mut n_dropped = 0;
        for (i, a) in records.iter().enumerate() {
            for b in &records[i + 1..] {
                let expected = found.get(&(a.id, b.id)).copied().unwrap_or(0);
                crowds.count_undated_groups(&keys, &[], &counts, a, b);
                for (l, r) in [(a, b), (b, a)] {
                    assert_eq!(
                        BlockingRule::names(rules_standing_out(l, r, &counts, &crowds, filtered)),
                        BlockingRule::names(expected),
                        "{} / {}",
                        l.full_name_key,
                        r.full_name_key
                    );
                }
                n_dropped += (rules_pairing(a, b, &counts) & !expected).count_ones();
            }
        }
        // The filter leaves some of the rules' pairs out, so the check above means something.
        assert!(n_dropped > 0);
    }

    #[test]
    fn large_blocks_are_windowed_and_pairs_are_sorted_once() {
        let records: Vec<ComparableRecord> = (1..=30)
            .map(|id| prepared(id, "Maria Silva", Some("1950-01-01")))
            .collect();
        let pairs = candidates(
            &records,
            BlockingConfig {
                max_block_size: 4,
                window: 2,
                ..BlockingConfig::default()
            },
        );
        // 30 records in name order, each with its 2 next neighbours: 29 + 28 pairs.
        assert_eq!(pairs.len(), 57);
        assert!(pairs
            .windows(2)
            .all(|w| (w[0].record_id_l, w[0].record_id_r) < (w[1].record_id_l, w[1].record_id_r)));
        // Uncapped, and without the crowd filter (thirty records that agree in everything
        // leave no evidence to stand out by but the date).
        let all = candidates(
            &records,
            BlockingConfig {
                max_block_size: 40,
                window: 2,
                expected_strangers: 1e9,
                expected_strangers_sparse: 1e9,
            },
        );
        assert_eq!(all.len(), 30 * 29 / 2);
        assert!(all[0].rules.count_ones() > 1, "several rules find the same pair");
    }
}
