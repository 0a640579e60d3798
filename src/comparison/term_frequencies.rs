//! How common each value is in the registry, for term-frequency adjustments.
//!
//! A match on "Silva" is worth far less than one on "Vasconcelos": the u probability of an
//! agreeing value is the share of records that carry it. Counted once per scan over all
//! active records and saved with the scan's results so that `explain` gives the same numbers.

use std::borrow::Borrow;

use crate::hashing::FastHashMap;

use rayon::prelude::*;

use super::library::{ComparableRecord, RecordFrequencies};

/// Which value a frequency is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    /// A name token's phonetic key, anywhere in the name.
    NameToken,
    /// The first given name's phonetic key.
    GivenName,
    /// A birth date (`yyyymmdd`).
    BirthDate,
    /// A birth concelho (folded name).
    Municipality,
    /// A whole name: its tokens' phonetic keys, sorted.
    FullName,
}

impl TermKind {
    /// All kinds.
    pub const ALL: [TermKind; 5] = [
        TermKind::NameToken,
        TermKind::GivenName,
        TermKind::BirthDate,
        TermKind::Municipality,
        TermKind::FullName,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::NameToken => "name_token",
            TermKind::GivenName => "given_name",
            TermKind::BirthDate => "birth_date",
            TermKind::Municipality => "municipality",
            TermKind::FullName => "full_name",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<TermKind> {
        TermKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// Counts one record's values of one kind.
fn count_record(kind: TermKind, record: &ComparableRecord, map: &mut FastHashMap<String, u32>) {
    terms_of(kind, record, &mut |term| {
        // Avoid allocating for terms already counted.
        if let Some(count) = map.get_mut(term) {
            *count += 1;
        } else {
            map.insert(term.to_string(), 1);
        }
    });
}

/// Hands each of one record's values of one kind to `add`, each once.
fn terms_of<'a>(kind: TermKind, record: &'a ComparableRecord, add: &mut impl FnMut(&'a str)) {
    match kind {
        TermKind::NameToken => {
            let mut seen: Vec<&str> = Vec::with_capacity(8);
            for token in record.name.tokens.iter().filter(|t| !t.initial) {
                if !seen.contains(&token.key.as_str()) {
                    seen.push(&token.key);
                    add(&token.key);
                }
            }
        }
        TermKind::GivenName => {
            if let Some(first) = record
                .name
                .tokens
                .first()
                .filter(|t| !t.initial && !record.name.placeholder)
            {
                add(&first.key);
            }
        }
        TermKind::BirthDate => {
            if record.birth_date.is_some() {
                add(&record.birth_date_key);
            }
        }
        TermKind::Municipality => {
            if let Some(municipality) = &record.birth_municipality {
                add(municipality);
            }
        }
        TermKind::FullName => {
            if !record.name.placeholder && !record.full_name_key.is_empty() {
                add(&record.full_name_key);
            }
        }
    }
}

/// The values of one kind seen in two records or more, with their counts, by sorting them.
fn count_repeated<R: Borrow<ComparableRecord> + Sync>(kind: TermKind, records: &[R]) -> FastHashMap<String, u32> {
    let mut terms: Vec<&str> = records
        .par_iter()
        .flat_map_iter(|record| {
            let mut terms = Vec::with_capacity(1);
            terms_of(kind, record.borrow(), &mut |term| terms.push(term));
            terms
        })
        .collect();
    terms.par_sort_unstable();
    terms
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .map(|run| (run[0].to_string(), run.len() as u32))
        .collect()
}

/// Counts of values over `n_records` records.
#[derive(Clone, Debug, Default)]
pub struct TermFrequencies {
    n_records: u64,
    /// One map per [`TermKind`], in `TermKind::ALL` order.
    counts: [FastHashMap<String, u32>; 5],
}

impl TermFrequencies {
    /// Counts the values of these records.
    pub fn count<R: Borrow<ComparableRecord> + Sync>(records: &[R]) -> TermFrequencies {
        // One map per kind. The whole names are nearly all different: they are sorted and only
        // those seen twice or more are kept (a value not kept counts as seen once, which is
        // what it was); the other kinds have few values, counted in a map per worker.
        let counts: Vec<FastHashMap<String, u32>> = TermKind::ALL
            .iter()
            .map(|kind| match kind {
                TermKind::FullName => count_repeated(*kind, records),
                _ => records
                    .par_iter()
                    .fold(FastHashMap::default, |mut map, record| {
                        count_record(*kind, record.borrow(), &mut map);
                        map
                    })
                    .reduce(FastHashMap::default, |mut a, mut b| {
                        if a.len() < b.len() {
                            std::mem::swap(&mut a, &mut b);
                        }
                        for (term, n) in b {
                            *a.entry(term).or_insert(0) += n;
                        }
                        a
                    }),
            })
            .collect();
        let mut tf = TermFrequencies {
            n_records: records.len() as u64,
            ..TermFrequencies::default()
        };
        for (slot, map) in tf.counts.iter_mut().zip(counts) {
            *slot = map;
        }
        tf
    }

    /// Rebuilds from saved counts.
    pub fn from_counts(n_records: u64, counts: impl IntoIterator<Item = (TermKind, String, u32)>) -> TermFrequencies {
        let mut tf = TermFrequencies {
            n_records,
            ..TermFrequencies::default()
        };
        for (kind, term, n) in counts {
            tf.counts[kind as usize].insert(term, n);
        }
        tf
    }

    /// Number of records counted.
    pub fn n_records(&self) -> u64 {
        self.n_records
    }

    /// Share of records with this value; a value never seen counts as seen once.
    pub fn frequency(&self, kind: TermKind, term: &str) -> f64 {
        if self.n_records == 0 {
            return 0.0;
        }
        let count = self.counts[kind as usize].get(term).copied().unwrap_or(0).max(1);
        f64::from(count) / self.n_records as f64
    }

    /// Stores in each record how common its values are, so that comparing does no look-ups.
    pub fn annotate(&self, records: &mut [ComparableRecord]) {
        records.par_iter_mut().for_each(|record| {
            let frequencies = RecordFrequencies {
                tokens: record
                    .name
                    .tokens
                    .iter()
                    .map(|t| self.frequency(TermKind::NameToken, &t.key))
                    .collect(),
                full_name: self.frequency(TermKind::FullName, &record.full_name_key),
                given_name: record
                    .name
                    .tokens
                    .first()
                    .map_or(0.0, |t| self.frequency(TermKind::GivenName, &t.key)),
                birth_date: self.frequency(TermKind::BirthDate, &record.birth_date_key),
                municipality: record
                    .birth_municipality
                    .as_deref()
                    .map_or(0.0, |m| self.frequency(TermKind::Municipality, m)),
            };
            record.frequencies = Some(frequencies);
        });
    }

    /// Every count of two or more, sorted (for saving: a value not saved counts as seen once,
    /// which is what a value seen once is, so nothing is lost).
    pub fn counts(&self) -> Vec<(TermKind, &str, u32)> {
        let mut counts: Vec<_> = TermKind::ALL
            .into_iter()
            .flat_map(|kind| {
                self.counts[kind as usize]
                    .iter()
                    .filter(|(_, n)| **n >= 2)
                    .map(move |(term, n)| (kind, term.as_str(), *n))
            })
            .collect();
        counts.sort_unstable();
        counts
    }
}
