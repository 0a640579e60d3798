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

/// From this probability a record is certainly the person (FHIR's `certain`).
pub const CERTAIN: f64 = 0.99;

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
        if probability >= CERTAIN {
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
        lookup(&self.index, store, &self.scorer, probe, visible, candidates)
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
    lookup(&index, store, scorer, probe, visible, candidates)
}

/// The exact stage reads a block only up to this size (a placeholder birth date such as
/// 1 January 1900 can be shared by thousands of records; a real one, by about 30 in a million).
const EXACT_BLOCK_MAX: usize = 500;

/// The fuzzy stage proposes at least this many records, however many the exact stage scored.
const MIN_FUZZY_CANDIDATES: usize = 10;

/// One lookup, in two stages. First the exact one: the records sharing the probe's birth date
/// or NIF (one index block each, read without any name search) are scored; if the best is
/// certain and clearly ahead of the others, that is the answer. Otherwise the fuzzy search
/// proposes records outside those blocks, as many as make `candidates` with the exact stage's
/// (at least [`MIN_FUZZY_CANDIDATES`]), and both sets are ranked together.
///
/// A record that is not in the exact blocks (a birth date typed differently) would score at
/// best a few bits below one that agrees on it, so the certain answer of the exact stage
/// stays first; what it leaves out are only less likely records, such as an older duplicate
/// of the person with another birth date (the scan finds those).
fn lookup(
    index: &index::CandidateIndex,
    store: &Store,
    scorer: &Scorer,
    probe: &PatientRecord,
    visible: &dyn Fn(&PatientRecord) -> bool,
    candidates: usize,
) -> Result<Vec<LikelyRecord>> {
    let comparable = ComparableRecord::new(probe);
    let block_keys = crate::blocking::index_keys(&comparable);
    let mut exact_ids: Vec<RecordId> = Vec::new();
    let mut read_keys: Vec<Vec<u8>> = Vec::new();
    for key in crate::blocking::exact_keys(&block_keys) {
        if let Some(ids) = index.block(key, EXACT_BLOCK_MAX)? {
            exact_ids.extend(ids.into_iter().map(RecordId));
            read_keys.push(key.to_vec());
        }
    }
    exact_ids.sort_unstable();
    exact_ids.dedup();
    let mut found = score(store, scorer, &comparable, &exact_ids, visible)?;
    sort_best_first(&mut found);
    if clearly_certain(&found) {
        tracing::debug!(stage = "exact", n_records = exact_ids.len(), "lookup answered");
        return Ok(found);
    }
    let limit = candidates.saturating_sub(exact_ids.len()).max(MIN_FUZZY_CANDIDATES);
    let more = index_search(index, &comparable, &block_keys, &read_keys, limit)?;
    found.extend(score(store, scorer, &comparable, &more, visible)?);
    sort_best_first(&mut found);
    tracing::debug!(
        stage = "fuzzy",
        n_records = exact_ids.len() + more.len(),
        "lookup answered"
    );
    Ok(found)
}

/// Is the best record (of records sorted best first) certain? Then no record outside the exact
/// blocks can be ahead of it: such a record disagrees on the birth date and the NIF.
fn clearly_certain(found: &[LikelyRecord]) -> bool {
    found
        .first()
        .is_some_and(|best| best.waterfall.match_probability >= CERTAIN)
}

/// The index's single-record search: fuzzy name terms, blocking keys, exact birth date; the
/// records of the blocks the exact stage read (`read_keys`) are left out, since they are
/// scored already.
fn index_search(
    index: &index::CandidateIndex,
    comparable: &ComparableRecord,
    block_keys: &[Vec<u8>],
    read_keys: &[Vec<u8>],
    limit: usize,
) -> Result<Vec<RecordId>> {
    let name_tokens: Vec<String> = comparable.name.tokens.iter().map(|t| t.text.clone()).collect();
    // The birth date clause matches the records of the birth-date block: once that block is
    // read, it could only score records left out.
    let birth_date_read = read_keys.iter().any(|key| crate::blocking::is_birth_date_key(key));
    let birth_date = comparable.birth_date.filter(|_| !birth_date_read).map(|d| d.compact());
    let hits = index.search(
        &index::SearchQuery {
            block_keys,
            name_tokens: &name_tokens,
            birth_date: birth_date.as_deref(),
            birthplace: None,
            exclude_keys: read_keys,
        },
        limit,
    )?;
    Ok(hits.into_iter().map(|(id, _)| RecordId(id)).collect())
}

/// Scores the proposed records against the probe (prepared once), in no particular order.
fn score(
    store: &Store,
    scorer: &Scorer,
    probe: &ComparableRecord,
    ids: &[RecordId],
    visible: &dyn Fn(&PatientRecord) -> bool,
) -> Result<Vec<LikelyRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<LikelyRecord> = store
        .stored_records_by_id(ids)?
        .into_iter()
        // An index opened before a merge may still hold the merged record.
        .filter(|stored| stored.status == Status::Active && visible(&stored.record))
        .map(|stored| {
            let record = stored.record;
            let (vector, waterfall) = scorer.waterfall_prepared(probe, &record);
            LikelyRecord {
                record,
                vector,
                waterfall,
            }
        })
        .collect();
    Ok(found)
}

/// Best first (then by NNU).
fn sort_best_first(found: &mut [LikelyRecord]) {
    found.sort_by(|a, b| {
        b.waterfall
            .match_probability
            .total_cmp(&a.waterfall.match_probability)
            .then(a.record.sns_number.cmp(&b.record.sns_number))
    });
}
