//! Blocking: which pairs do we even look at?
//!
//! Consumes prepared records and the candidate index; produces [`CandidatePair`]s. Each record
//! gets blocking keys, one family per [`BlockingRule`]; records that share a key form a block,
//! and the pairs within a block are candidates. The union over all rules is compared.
//!
//! **Invariants:**
//! - a block larger than `max_block_size` is not expanded in full: its records are sorted by
//!   name (then birth date) and each is paired with its `window` neighbours, so one very common
//!   key (Maria Silva born on 1 January) cannot explode into millions of pairs, and the number
//!   of candidate pairs per record does not grow with the registry;
//! - `CandidatePair::new` puts the lower record id on the left, and the output is sorted and
//!   free of repeats;
//! - the index returns record ids only; scoring happens elsewhere.
//!
//! The rules are designed so that a duplicate with one or two kinds of damage (DESIGN.md
//! §Matching) still shares at least one key with its original: an exact birth date with any
//! name token; the whole name with any birth date; two name tokens with the birth year, or with
//! the day and month in either order; the birth date with the concelho of birth (newborns first
//! registered under a placeholder name); the NIF.

use rayon::prelude::*;

use crate::comparison::ComparableRecord;
use crate::record::RecordId;

/// A pair of records to compare, lower id on the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CandidatePair {
    /// Lower record id.
    pub record_id_l: RecordId,
    /// Higher record id.
    pub record_id_r: RecordId,
    /// Bit i set: found by `BlockingRule::ALL[i]`.
    pub rules: u8,
}

impl CandidatePair {
    /// A pair of two different records, lower id on the left.
    pub fn new(a: RecordId, b: RecordId, rules: u8) -> CandidatePair {
        debug_assert_ne!(a, b);
        let (record_id_l, record_id_r) = if a < b { (a, b) } else { (b, a) };
        CandidatePair { record_id_l, record_id_r, rules }
    }

    fn packed(self) -> u64 {
        (u64::from(self.record_id_l.0) << 32) | u64::from(self.record_id_r.0)
    }
}

/// A family of blocking keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockingRule {
    /// Same birth date and one name token in common.
    BirthDateAndNameToken,
    /// Same name tokens (any order), any birth date.
    FullName,
    /// Two name tokens in common and the same birth year.
    NameTokensAndBirthYear,
    /// Two name tokens in common and the same day and month, in either order.
    NameTokensAndBirthDayMonth,
    /// Same birth date and concelho of birth.
    BirthDateAndMunicipality,
    /// Same NIF.
    Nif,
}

impl BlockingRule {
    /// Every rule, in key-prefix order.
    pub const ALL: [BlockingRule; 6] = [
        BlockingRule::BirthDateAndNameToken,
        BlockingRule::FullName,
        BlockingRule::NameTokensAndBirthYear,
        BlockingRule::NameTokensAndBirthDayMonth,
        BlockingRule::BirthDateAndMunicipality,
        BlockingRule::Nif,
    ];

    /// The first byte of this rule's keys.
    pub fn prefix(self) -> u8 {
        b'a' + self as u8
    }

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            BlockingRule::BirthDateAndNameToken => "birth_date+name_token",
            BlockingRule::FullName => "full_name",
            BlockingRule::NameTokensAndBirthYear => "name_tokens+birth_year",
            BlockingRule::NameTokensAndBirthDayMonth => "name_tokens+birth_day_month",
            BlockingRule::BirthDateAndMunicipality => "birth_date+birthplace",
            BlockingRule::Nif => "nif",
        }
    }

    /// The rule of a key.
    pub fn of_key(key: &[u8]) -> Option<BlockingRule> {
        let first = *key.first()?;
        BlockingRule::ALL.into_iter().find(|rule| rule.prefix() == first)
    }

    /// Names of the rules whose bits are set.
    pub fn names(rules: u8) -> Vec<&'static str> {
        BlockingRule::ALL.iter().filter(|rule| rules & (1 << **rule as u8) != 0).map(|rule| rule.name()).collect()
    }
}

/// Caps on block expansion.
#[derive(Clone, Copy, Debug)]
pub struct BlockingConfig {
    /// Blocks up to this size are expanded in full.
    pub max_block_size: usize,
    /// In a larger block, each record is paired with this many following neighbours.
    pub window: usize,
}

/// Names tokens used for keys: at most this many, so a very long name cannot multiply keys.
const MAX_KEY_TOKENS: usize = 6;
const SEP: u8 = 0x1f;

/// The blocking keys of one record.
pub fn blocking_keys(record: &ComparableRecord) -> Vec<Vec<u8>> {
    let mut keys = Vec::with_capacity(32);
    let mut tokens: Vec<&str> = Vec::with_capacity(MAX_KEY_TOKENS);
    if !record.name.placeholder {
        for token in record.name.tokens.iter().filter(|t| !t.initial && t.key.len() > 1) {
            if !tokens.contains(&token.key.as_str()) && tokens.len() < MAX_KEY_TOKENS {
                tokens.push(&token.key);
            }
        }
    }
    let key = |rule: BlockingRule, parts: &[&[u8]]| {
        let mut key = Vec::with_capacity(24);
        key.push(rule.prefix());
        for part in parts {
            key.push(SEP);
            key.extend_from_slice(part);
        }
        key
    };
    let date = record.birth_date.map(|d| d.compact());
    if let Some(date) = &date {
        for token in &tokens {
            keys.push(key(BlockingRule::BirthDateAndNameToken, &[date.as_bytes(), token.as_bytes()]));
        }
        if let Some(municipality) = &record.birth_municipality {
            keys.push(key(BlockingRule::BirthDateAndMunicipality, &[date.as_bytes(), municipality.as_bytes()]));
        }
    }
    if tokens.len() >= 2 {
        let mut sorted = tokens.clone();
        sorted.sort_unstable();
        keys.push(key(BlockingRule::FullName, &[sorted.join(" ").as_bytes()]));
        if let Some(birth_date) = record.birth_date {
            let year = birth_date.year.to_string();
            let (lo, hi) = (birth_date.month.min(birth_date.day), birth_date.month.max(birth_date.day));
            let day_month = [lo, hi];
            for i in 0..sorted.len() {
                for j in i + 1..sorted.len() {
                    let (a, b) = (sorted[i].as_bytes(), sorted[j].as_bytes());
                    keys.push(key(BlockingRule::NameTokensAndBirthYear, &[year.as_bytes(), a, b]));
                    keys.push(key(BlockingRule::NameTokensAndBirthDayMonth, &[&day_month, a, b]));
                }
            }
        }
    }
    if let Some(nif) = record.nif {
        keys.push(key(BlockingRule::Nif, &[nif.to_string().as_bytes()]));
    }
    keys
}

/// A record's place in the order used to window oversized blocks: name, then birth date.
pub fn sort_key(record: &ComparableRecord) -> u64 {
    let mut tokens: Vec<&str> = record.name.tokens.iter().map(|t| t.key.as_str()).collect();
    tokens.sort_unstable();
    let mut packed = [0u8; 8];
    for (slot, byte) in packed.iter_mut().take(6).zip(tokens.concat().bytes()) {
        *slot = byte;
    }
    let days = record.birth_date.map_or(0, |d| d.days_since_epoch() + 100_000) as u32;
    (u64::from_be_bytes(packed) & !0xffff) | u64::from(days & 0xffff)
}

/// Collects the candidate pairs of blocks given one at a time.
pub struct PairCollector<'a> {
    config: BlockingConfig,
    /// Sort key per record id (dense, indexed by id).
    sort_keys: &'a [u64],
    pairs: Vec<(u64, u8)>,
    scratch: Vec<(u64, u32)>,
    /// Blocks seen per rule.
    pub n_blocks: [u64; 6],
    /// Blocks that were windowed per rule.
    pub n_capped_blocks: [u64; 6],
}

impl<'a> PairCollector<'a> {
    /// A collector; `sort_keys[id]` is [`sort_key`] of the record with that id.
    pub fn new(config: BlockingConfig, sort_keys: &'a [u64]) -> PairCollector<'a> {
        PairCollector { config, sort_keys, pairs: Vec::new(), scratch: Vec::new(), n_blocks: [0; 6], n_capped_blocks: [0; 6] }
    }

    /// Adds the pairs of one block (record ids sorted ascending).
    pub fn add_block(&mut self, key: &[u8], record_ids: &[u32]) {
        let Some(rule) = BlockingRule::of_key(key) else { return };
        let bit = 1u8 << rule as u8;
        self.n_blocks[rule as usize] += 1;
        let pack = |a: u32, b: u32| if a < b { (u64::from(a) << 32) | u64::from(b) } else { (u64::from(b) << 32) | u64::from(a) };
        if record_ids.len() <= self.config.max_block_size {
            for (i, &a) in record_ids.iter().enumerate() {
                for &b in &record_ids[i + 1..] {
                    self.pairs.push((pack(a, b), bit));
                }
            }
            return;
        }
        self.n_capped_blocks[rule as usize] += 1;
        self.scratch.clear();
        self.scratch.extend(record_ids.iter().map(|&id| (self.sort_keys.get(id as usize).copied().unwrap_or(0), id)));
        self.scratch.sort_unstable();
        for i in 0..self.scratch.len() {
            for j in i + 1..(i + 1 + self.config.window).min(self.scratch.len()) {
                self.pairs.push((pack(self.scratch[i].1, self.scratch[j].1), bit));
            }
        }
    }

    /// The union of all pairs, sorted, each once with the rules that found it.
    pub fn finish(mut self) -> Vec<CandidatePair> {
        self.pairs.par_sort_unstable_by_key(|(packed, _)| *packed);
        let mut out: Vec<CandidatePair> = Vec::with_capacity(self.pairs.len() / 2);
        for (packed, bit) in self.pairs {
            let (l, r) = (RecordId((packed >> 32) as u32), RecordId(packed as u32));
            match out.last_mut() {
                Some(last) if last.packed() == packed => last.rules |= bit,
                _ => out.push(CandidatePair { record_id_l: l, record_id_r: r, rules: bit }),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, Nnu, PatientRecord, Value};

    fn prepared(id: u32, name: &str, date: &str) -> ComparableRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(id).unwrap(), name);
        record.id = RecordId(id);
        record.birth_date = Value::Valid(Date::parse(date).unwrap());
        ComparableRecord::new(&record)
    }

    fn share_key(a: &ComparableRecord, b: &ComparableRecord) -> bool {
        let keys_b = blocking_keys(b);
        blocking_keys(a).iter().any(|k| keys_b.contains(k))
    }

    #[test]
    fn damaged_duplicates_share_a_key() {
        let original = prepared(1, "João Pedro Silva Santos", "1980-03-12");
        for (name, date) in [
            ("Santos, João Pedro", "1980-03-12"),
            ("João Pedro Silva Santos", "1980-12-03"),
            ("João Pedro Silva Santos", "1981-03-12"),
            ("Joao Pedro Silva Santos", "1980-01-01"),
            ("João Pdro Silva Santos", "1980-12-03"),
            ("João Silva Santos", "1979-03-12"),
        ] {
            assert!(share_key(&original, &prepared(2, name, date)), "{name} {date}");
        }
        assert!(!share_key(&original, &prepared(2, "Rui Costa", "1990-05-06")));
    }

    #[test]
    fn oversized_blocks_are_windowed() {
        let config = BlockingConfig { max_block_size: 4, window: 2 };
        let sort_keys: Vec<u64> = (0..100).collect();
        let mut collector = PairCollector::new(config, &sort_keys);
        collector.add_block(b"a\x1fsmall", &[1, 2, 3]);
        collector.add_block(b"b\x1fbig", &(10..20).collect::<Vec<u32>>());
        collector.add_block(b"c\x1fagain", &[1, 2]);
        let pairs = collector.finish();
        // 3 from the small block, 9 + 8 from the windowed one, (1, 2) once with two rules.
        assert_eq!(pairs.len(), 3 + 17);
        assert_eq!(pairs[0], CandidatePair { record_id_l: RecordId(1), record_id_r: RecordId(2), rules: 0b101 });
        assert!(pairs.windows(2).all(|w| w[0] < w[1]));
    }
}
