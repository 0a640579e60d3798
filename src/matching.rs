//! Who is this person? The registered records most likely to be the person a description gives:
//! the check before registering someone (`unico match`, FHIR `Patient/$match`), the G tickets
//! and the web search.
//!
//! Consumes a description (as a [`PatientRecord`] that is never stored), the candidate index's
//! single-record search and the scan's model; produces [`LikelyRecord`]s, best first, each with
//! its explanation and a [`MatchGrade`].
//!
//! **Invariant:** the score is the scan's (same model, same term frequencies, same comparisons);
//! only active records are indexed, so a merged record is never returned.

use crate::comparison::{ComparableRecord, ComparisonVector};
use crate::error::Result;
use crate::model::Waterfall;
use crate::pipeline::{update_index, DataDir, Scorer};
use crate::record::{PatientRecord, RecordId, Status};
use crate::settings::Settings;
use crate::store::Store;

/// Below this probability a record is not worth naming to anyone.
pub const POSSIBLE: f64 = 0.1;

/// How many records the index proposes before scoring, by default.
pub const DEFAULT_CANDIDATES: usize = 50;

/// A registered record found for a description, with its score against it.
#[derive(Clone, Debug)]
pub struct LikelyRecord {
    /// The record.
    pub record: PatientRecord,
    /// Its comparison vector against the description.
    pub vector: ComparisonVector,
    /// The explanation of its score.
    pub waterfall: Waterfall,
}

impl LikelyRecord {
    /// The reasons for its score, in Portuguese.
    pub fn reasons_pt(&self) -> String {
        let weights: Vec<f64> = self.waterfall.rows[1..].iter().map(|r| r.match_weight).collect();
        crate::review::present::reasons_pt(&self.vector.gamma, &weights)
    }
}

/// FHIR's match grade (extension `match-grade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchGrade {
    /// Probability ≥ 0.99.
    Certain,
    /// At or above the review threshold.
    Probable,
    /// At or above [`POSSIBLE`].
    Possible,
    /// Below.
    CertainlyNot,
}

impl MatchGrade {
    /// The grade of a probability, with the review threshold of the settings.
    pub fn of(probability: f64, review_threshold: f64) -> MatchGrade {
        if probability >= 0.99 {
            MatchGrade::Certain
        } else if probability >= review_threshold {
            MatchGrade::Probable
        } else if probability >= POSSIBLE {
            MatchGrade::Possible
        } else {
            MatchGrade::CertainlyNot
        }
    }

    /// FHIR's code.
    pub fn code(self) -> &'static str {
        match self {
            MatchGrade::Certain => "certain",
            MatchGrade::Probable => "probable",
            MatchGrade::Possible => "possible",
            MatchGrade::CertainlyNot => "certainly-not",
        }
    }
}

/// An open index and the scan's model: for many lookups in a row (a server, a benchmark).
pub struct Matcher {
    index: index::CandidateIndex,
    scorer: Scorer,
}

impl Matcher {
    /// Brings the index up to date, opens it, loads the scan's model.
    pub fn open(store: &Store, data_dir: &DataDir, settings: &Settings) -> Result<Matcher> {
        update_index(store, data_dir, false, &crate::progress::NoProgress)?;
        Ok(Matcher {
            index: index::CandidateIndex::open(&data_dir.index_dir())?,
            scorer: Scorer::load(store, data_dir, settings)?,
        })
    }

    /// The records most likely to be `probe`, among those `visible` lets the caller see.
    pub fn find(
        &self,
        store: &Store,
        probe: &PatientRecord,
        visible: &dyn Fn(&PatientRecord) -> bool,
        candidates: usize,
    ) -> Result<Vec<LikelyRecord>> {
        let ids = index_search(&self.index, probe, candidates)?;
        rank(store, &self.scorer, probe, &ids, visible)
    }
}

/// One lookup: the index is brought up to date and opened for it (see [`Matcher`] for many).
pub fn likely_records(
    store: &Store,
    data_dir: &DataDir,
    scorer: &Scorer,
    probe: &PatientRecord,
    visible: &dyn Fn(&PatientRecord) -> bool,
    candidates: usize,
) -> Result<Vec<LikelyRecord>> {
    update_index(store, data_dir, false, &crate::progress::NoProgress)?;
    let index = index::CandidateIndex::open(&data_dir.index_dir())?;
    let ids = index_search(&index, probe, candidates)?;
    rank(store, scorer, probe, &ids, visible)
}

/// The index's single-record search: fuzzy name terms, blocking keys, exact birth date.
fn index_search(index: &index::CandidateIndex, probe: &PatientRecord, limit: usize) -> Result<Vec<RecordId>> {
    let comparable = ComparableRecord::new(probe);
    let block_keys = crate::blocking::index_keys(&comparable);
    let name_tokens: Vec<String> = comparable.name.tokens.iter().map(|t| t.text.clone()).collect();
    let birth_date = comparable.birth_date.map(|d| d.compact());
    let hits = index.search(
        &index::SearchQuery {
            block_keys: &block_keys,
            name_tokens: &name_tokens,
            birth_date: birth_date.as_deref(),
            birthplace: None,
        },
        limit,
    )?;
    Ok(hits.into_iter().map(|(id, _)| RecordId(id)).collect())
}

/// Scores the proposed records against the probe, best first (then by NNU).
fn rank(
    store: &Store,
    scorer: &Scorer,
    probe: &PatientRecord,
    ids: &[RecordId],
    visible: &dyn Fn(&PatientRecord) -> bool,
) -> Result<Vec<LikelyRecord>> {
    let mut found: Vec<LikelyRecord> = store
        .stored_records_by_id(ids)?
        .into_iter()
        // An index opened before a merge may still hold the merged record.
        .filter(|stored| stored.status == Status::Active && visible(&stored.record))
        .map(|stored| {
            let record = stored.record;
            let (vector, waterfall) = scorer.waterfall(probe, &record);
            LikelyRecord {
                record,
                vector,
                waterfall,
            }
        })
        .collect();
    found.sort_by(|a, b| {
        b.waterfall
            .match_probability
            .total_cmp(&a.waterfall.match_probability)
            .then(a.record.sns_number.cmp(&b.record.sns_number))
    });
    Ok(found)
}
