//! Scoring: every candidate pair compared and weighed, in parallel.
//!
//! Consumes prepared records, [`CandidatePair`]s, the model and the term frequencies; produces
//! [`PairwisePrediction`]s sorted by `(record_id_l, record_id_r)`. Pairs below
//! `keep_min_probability` are counted but not kept, so memory follows the pairs worth saving,
//! not the candidates. No IO; cannot fail.

use rayon::prelude::*;

use crate::blocking::CandidatePair;
use crate::comparison::{compare, ComparableRecord, ComparisonVector, TermFrequencies};
use crate::model::{match_probability, ScoringTable};
use crate::progress::Progress;

/// One scored pair.
#[derive(Clone, Debug)]
pub struct PairwisePrediction {
    /// The pair.
    pub pair: CandidatePair,
    /// The comparison vector.
    pub vector: ComparisonVector,
    /// prior + Σ partial weights.
    pub match_weight: f64,
    /// 2^w / (1 + 2^w).
    pub match_probability: f64,
}

/// Records addressable by id: `records[position[id]]`.
pub struct RecordTable<'a> {
    records: &'a [ComparableRecord],
    position: Vec<u32>,
}

impl<'a> RecordTable<'a> {
    /// Indexes records by id.
    pub fn new(records: &'a [ComparableRecord]) -> RecordTable<'a> {
        let max_id = records.iter().map(|r| r.id.0).max().unwrap_or(0) as usize;
        let mut position = vec![u32::MAX; max_id + 1];
        for (i, record) in records.iter().enumerate() {
            position[record.id.0 as usize] = i as u32;
        }
        RecordTable { records, position }
    }

    /// The record with this id.
    pub fn get(&self, id: crate::record::RecordId) -> Option<&'a ComparableRecord> {
        let position = *self.position.get(id.0 as usize)?;
        self.records.get(position as usize)
    }
}

/// Compares and scores the pairs; keeps those with `match_weight >= keep_min_match_weight`.
pub fn predict(
    table: &RecordTable,
    pairs: &[CandidatePair],
    scoring: &ScoringTable,
    tf: &TermFrequencies,
    keep_min_match_weight: f64,
    progress: &dyn Progress,
) -> Vec<PairwisePrediction> {
    pairs
        .par_chunks(8192)
        .flat_map_iter(|chunk| {
            let kept: Vec<PairwisePrediction> = chunk
                .iter()
                .filter_map(|pair| {
                    let (a, b) = (table.get(pair.record_id_l)?, table.get(pair.record_id_r)?);
                    let vector = compare(a, b, tf);
                    let match_weight = scoring.match_weight(&vector);
                    (match_weight >= keep_min_match_weight).then(|| PairwisePrediction {
                        pair: *pair,
                        vector,
                        match_weight,
                        match_probability: match_probability(match_weight),
                    })
                })
                .collect();
            progress.advance(chunk.len() as u64);
            kept
        })
        .collect()
}

/// The comparison vectors of a sample of pairs (every `step`-th), for training.
pub fn comparison_vectors(
    table: &RecordTable,
    pairs: &[CandidatePair],
    step: usize,
    tf: &TermFrequencies,
) -> Vec<ComparisonVector> {
    pairs
        .par_iter()
        .step_by(step.max(1))
        .filter_map(|pair| Some(compare(table.get(pair.record_id_l)?, table.get(pair.record_id_r)?, tf)))
        .collect()
}
