//! Monitoring: does candidate generation still find the duplicates we know of?
//!
//! Consumes the blocking keys of the scan's records and the known true pairs (every merge not undone:
//! [`crate::store::merges::KnownPair`]); produces [`BlockingRecall`], the share of those pairs
//! that the blocking rules would still put in one block today, by rule, against a floor
//! (`[monitor] blocking_recall_floor`). A change to the index keys or to the rules that loses
//! duplicates shows here at the next scan instead of going unseen: a pair never generated is
//! never scored, and nothing else would tell.
//!
//! **Invariants:** pure and cannot fail; the pairs are judged by
//! [`crate::blocking::rules_standing_out`] on both records as stored now, with the token counts
//! and crowds of the active records plus the merged records of the known pairs (the registry as
//! if those duplicates were still in it): a rule finds a pair when it puts the two in one block
//! and the pair stands out from the block's crowd, as in a scan. The block caps (`window` in
//! blocks larger than `max_block_size`) are not applied: they depend on the name order of the
//! whole block.
//!
//! **Performance:** one count of the name tokens and of the crowds (parallel) and one
//! `rules_standing_out` per pair, plus a pass over the records for each pair found by the rule
//! on undated records (its groups' sizes); small next to the blocking itself.

use std::collections::HashSet;

use crate::blocking::{rules_standing_out, BlockingConfig, BlockingRule, Crowds, RecordKeys, TokenCounts};
use crate::comparison::ComparableRecord;
use crate::record::{Nnu, RecordId, Status};
use crate::store::merges::KnownPair;

/// The share of the known true pairs that the blocking rules still find.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockingRecall {
    /// Pairs known to be one person (principal and duplicate of a merge not undone).
    pub n_known_pairs: u64,
    /// Of those, pairs that at least one rule finds.
    pub n_found: u64,
    /// Pairs each rule finds, in the order of [`BlockingRule::ALL`].
    pub per_rule: Vec<(&'static str, u64)>,
    /// The share below which the scan warns.
    pub floor: f64,
    /// `share() < floor`.
    pub below_floor: bool,
    /// The pairs no rule finds, as (principal, duplicate).
    pub missed: Vec<(Nnu, Nnu)>,
}

impl BlockingRecall {
    /// The share of the known pairs found, between 0 and 1 (1 when there are none).
    pub fn share(&self) -> f64 {
        if self.n_known_pairs == 0 {
            1.0
        } else {
            self.n_found as f64 / self.n_known_pairs as f64
        }
    }
}

/// The blocking recall of `known_pairs` in a registry whose active records have the blocking
/// `keys` given (those the scan blocked with).
pub fn blocking_recall(
    keys: &[RecordKeys],
    known_pairs: &[KnownPair],
    floor: f64,
    config: BlockingConfig,
) -> BlockingRecall {
    let mut counts = TokenCounts::count(keys);
    let mut crowds = Crowds::count(keys);
    let mut counted: HashSet<RecordId> = HashSet::new();
    let mut merged_keys: Vec<RecordKeys> = Vec::new();
    let prepared: Vec<(ComparableRecord, ComparableRecord)> = known_pairs
        .iter()
        .map(|pair| {
            for stored in [&pair.principal, &pair.duplicate] {
                // Active records are among `keys`, counted already.
                if stored.status == Status::Merged && counted.insert(stored.record.id) {
                    let record_keys = RecordKeys::of(&ComparableRecord::new(&stored.record));
                    counts.add(&record_keys);
                    crowds.add(&record_keys);
                    merged_keys.push(record_keys);
                }
            }
            (
                ComparableRecord::new(&pair.principal.record),
                ComparableRecord::new(&pair.duplicate.record),
            )
        })
        .collect();
    let mut per_rule = [0u64; BlockingRule::ALL.len()];
    let mut missed = Vec::new();
    for ((principal, duplicate), pair) in prepared.iter().zip(known_pairs) {
        crowds.count_undated_groups(keys, &merged_keys, &counts, principal, duplicate);
        let rules = rules_standing_out(principal, duplicate, &counts, &crowds, config);
        BlockingRule::tally(rules, &mut per_rule);
        if rules == 0 {
            missed.push((pair.principal.record.sns_number, pair.duplicate.record.sns_number));
        }
    }
    let n_known_pairs = known_pairs.len() as u64;
    let mut recall = BlockingRecall {
        n_known_pairs,
        n_found: n_known_pairs - missed.len() as u64,
        per_rule: BlockingRule::ALL.iter().map(|rule| rule.name()).zip(per_rule).collect(),
        floor,
        below_floor: false,
        missed,
    };
    recall.below_floor = recall.share() < floor;
    recall
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, PatientRecord, Value};
    use crate::store::records::StoredRecord;

    fn stored(id: u32, name: &str, date: Option<&str>, status: Status) -> StoredRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(100_000_000 + id).unwrap(), name);
        record.id = RecordId(id);
        if let Some(date) = date {
            record.birth_date = Value::Valid(Date::parse(date).unwrap());
        }
        StoredRecord {
            record,
            merged_into: (status == Status::Merged).then_some(RecordId(1)),
            status,
        }
    }

    fn known(principal: StoredRecord, duplicate: StoredRecord) -> KnownPair {
        KnownPair {
            merge_id: 1,
            principal,
            duplicate,
        }
    }

    /// (principal, duplicate, the rules expected to find them; empty: missed).
    type Row = (
        (&'static str, Option<&'static str>),
        (&'static str, Option<&'static str>),
        &'static [&'static str],
    );

    fn check(rows: &[Row], floor: f64, n_found: u64, below_floor: bool) {
        let mut records = Vec::new();
        let mut pairs = Vec::new();
        for (i, ((name_p, date_p), (name_d, date_d), _)) in rows.iter().enumerate() {
            let id = 2 * i as u32 + 1;
            let principal = stored(id, name_p, *date_p, Status::Active);
            records.push(RecordKeys::of(&ComparableRecord::new(&principal.record)));
            pairs.push(known(principal, stored(id + 1, name_d, *date_d, Status::Merged)));
        }
        let recall = blocking_recall(&records, &pairs, floor, BlockingConfig::default());
        assert_eq!(recall.n_known_pairs, rows.len() as u64);
        assert_eq!((recall.n_found, recall.below_floor), (n_found, below_floor));
        for (rule, n) in &recall.per_rule {
            let expected = rows.iter().filter(|row| row.2.contains(rule)).count() as u64;
            assert_eq!(*n, expected, "{rule}");
        }
        let missed: Vec<Nnu> = pairs
            .iter()
            .zip(rows)
            .filter(|(_, row)| row.2.is_empty())
            .map(|(pair, _)| pair.duplicate.record.sns_number)
            .collect();
        assert_eq!(recall.missed.iter().map(|m| m.1).collect::<Vec<_>>(), missed);
    }

    #[test]
    fn known_pairs_are_counted_by_rule_against_the_floor() {
        let same_name = (
            ("Rui Manuel Costa", Some("1970-01-02")),
            ("Rui Manuel Costa", Some("1970-01-02")),
            &[
                "birth_date+name_token",
                "full_name",
                "name_tokens+birth_year",
                "name_tokens+birth_day_month",
            ][..],
        );
        let no_birth_date = (
            ("Inês Vasconcelos Tavares", Some("1985-07-30")),
            ("Ines Vasconcelos Tavares", None),
            // The whole name alone is no evidence among its own group: no date to agree on.
            &["name_tokens+no_birth_date"][..],
        );
        // Another name and another birth date: nothing left in common to block on.
        let lost = (
            ("Beatriz Lemos", Some("1960-05-06")),
            ("Carolina Ventura", Some("1961-08-09")),
            &[][..],
        );
        check(&[same_name, no_birth_date], 0.95, 2, false);
        check(&[same_name, no_birth_date, lost], 0.95, 2, true);
        check(&[same_name, no_birth_date, lost], 0.6, 2, false);
        check(&[lost], 0.0, 0, false);
    }

    #[test]
    fn a_known_pair_lost_in_its_crowd_is_missed() {
        // One person registered twice under the same whole name, with birth dates that share
        // only the day and month: the whole-name rule alone finds them.
        let principal = || stored(1, "Ana Sofia Brito", Some("1982-03-04"), Status::Active);
        let pairs = vec![known(
            principal(),
            stored(2, "Ana Sofia Brito", Some("1950-03-04"), Status::Merged),
        )];
        let keys_of = |records: &[StoredRecord]| -> Vec<RecordKeys> {
            records
                .iter()
                .map(|r| RecordKeys::of(&ComparableRecord::new(&r.record)))
                .collect()
        };
        let alone = keys_of(&[principal()]);
        let recall = blocking_recall(&alone, &pairs, 0.9, BlockingConfig::default());
        assert_eq!(recall.n_found, 1);
        assert_eq!(recall.per_rule.iter().filter(|(_, n)| *n > 0).count(), 1);
        // Forty others of that name born on other days: the same day and month are no longer
        // evidence enough, in a scan nor here.
        let mut crowded = vec![principal()];
        crowded.extend((0..40).map(|i| {
            let date = format!("19{:02}-{:02}-{:02}", 40 + i, 1 + (i % 2) * 9, 10 + i % 18);
            stored(10 + i, "Ana Sofia Brito", Some(&date), Status::Active)
        }));
        let recall = blocking_recall(&keys_of(&crowded), &pairs, 0.9, BlockingConfig::default());
        assert_eq!((recall.n_found, recall.below_floor), (0, true));
        // Without the crowd filter the rule finds them again.
        let unfiltered = BlockingConfig {
            expected_strangers: 1e9,
            ..BlockingConfig::default()
        };
        assert_eq!(blocking_recall(&keys_of(&crowded), &pairs, 0.9, unfiltered).n_found, 1);
    }
}
