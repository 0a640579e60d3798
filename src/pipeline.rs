//! The pipeline, stage by stage, over the registry database and the candidate index.
//!
//! Consumes a data directory (database, index, saved model) and settings; runs the stages in
//! order (index → blocking → training → scoring → clustering → saving) and reports figures.
//! The CLI's `index`, `scan`, `explain` and `evaluate` commands are thin calls into here.
//!
//! **Invariants:** the index is derived data: when it is missing, unreadable or behind the
//! database it is brought up to date (or rebuilt) from the database before candidates are
//! generated; a scan's results replace the previous ones in one transaction.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::blocking::{
    index_keys, rules_pairing, rules_standing_out, BlockingRule, CandidatePair, Candidates, Crowds, RecordKeys,
    TokenCounts, INDEX_KEYS_VERSION,
};
use crate::cluster::cluster;
use crate::comparison::{compare, ComparableRecord, ComparisonVector, TermFrequencies};
use crate::error::{Error, Result, UserError};
use crate::model::training::{estimate_prior, train};
use crate::model::{match_probability, match_weight_of_probability, Model, Waterfall};
use crate::monitor::{blocking_recall, BlockingRecall};
use crate::predict::{comparison_vectors, predict, PairwisePrediction, RecordTable};
use crate::progress::{Progress, Stage};
use crate::record::{Nnu, PatientRecord, RecordId};
use crate::scan_state::{self, ScanState, StateStamp, WrittenAside};
use crate::settings::Settings;
use crate::store::predictions::{ClusterChanges, RaisedAgain, ScanFigures, ScanKind, ScanOutcome, ScanRun};
use crate::store::{now_timestamp, Store, META_INDEX_KEYS_VERSION, META_INDEX_SEQ};

/// The data directory: database, index, model. Git-ignored by default (`./unico-data/`).
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// A data directory at `root` (created on first use).
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    /// The root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The registry database.
    pub fn database(&self) -> PathBuf {
        self.root.join("registry.sqlite")
    }

    /// The candidate index directory.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    /// The trained model.
    pub fn model_path(&self) -> PathBuf {
        self.root.join("model.json")
    }

    /// Where rejected rows of an import go.
    pub fn rejects_path(&self, input: &Path) -> PathBuf {
        self.import_side_file(input, "rejects.csv")
    }

    /// Where every problem of an import is listed.
    pub fn problems_path(&self, input: &Path) -> PathBuf {
        self.import_side_file(input, "problems.txt")
    }

    fn import_side_file(&self, input: &Path, suffix: &str) -> PathBuf {
        let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
        self.root.join("rejects").join(format!("{stem}.{suffix}"))
    }

    /// Opens the registry database.
    pub fn open_store(&self) -> Result<Store> {
        Store::open(&self.database())
    }

    /// The saved model, if one was trained.
    pub fn load_model(&self) -> Result<Option<Model>> {
        let path = self.model_path();
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let model: Model = serde_json::from_str(&text)
            .map_err(|e| UserError::Settings(format!("{}: not a saved model: {e}", path.display())))?;
        model
            .check()
            .map_err(|e| UserError::Settings(format!("{}: {e}; retrain with `unico train`", path.display())))?;
        Ok(Some(model))
    }

    /// Saves a model.
    pub fn save_model(&self, model: &Model) -> Result<()> {
        let path = self.model_path();
        let text = serde_json::to_string_pretty(model).map_err(|e| Error::Internal(e.to_string()))?;
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        // Write then rename, so a crash never leaves half a model.
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// What `index` did.
#[derive(Clone, Debug)]
pub struct IndexReport {
    /// The index was built from scratch.
    pub rebuilt: bool,
    /// Records added or re-added.
    pub n_indexed: usize,
    /// Records taken out (merged).
    pub n_removed: usize,
    /// Records in the index now.
    pub n_docs: u64,
    /// Wall time.
    pub seconds: f64,
}

const INDEX_MEMORY_BUDGET: usize = 1 << 30;

/// What the index stores of one record, computed in parallel before the sequential write.
struct PreparedDocument {
    record_id: u32,
    name: String,
    birth_date: Option<String>,
    birthplace: Option<String>,
    block_keys: Vec<Vec<u8>>,
}

impl PreparedDocument {
    fn new(record: &PatientRecord) -> PreparedDocument {
        let comparable = ComparableRecord::new(record);
        let name = comparable
            .name
            .tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        PreparedDocument {
            record_id: record.id.0,
            name,
            birth_date: comparable.birth_date.map(|d| d.compact()),
            block_keys: index_keys(&comparable),
            birthplace: comparable.birth_municipality,
        }
    }
}

/// Records are read from the database in chunks of this many, each prepared (and indexed)
/// on another thread while the next is read.
const LOAD_CHUNK: usize = 50_000;

/// Reads chunks from the database on this thread and hands them to `work` on another, so that
/// reading (one core, in SQLite) and preparing (all cores) overlap.
///
/// `read` gets a `send` function to call with each chunk; what `work` returns comes back once
/// the channel is drained. An error of `work` wins over the reading error it causes.
fn overlapped<T: Send, R: Send>(
    read: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<i64>,
    work: impl FnOnce(std::sync::mpsc::Receiver<T>) -> Result<R> + Send,
) -> Result<(i64, R)> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<T>(2);
        let worker = scope.spawn(move || work(receiver));
        let mut send = |chunk: T| {
            sender
                .send(chunk)
                .map_err(|_| Error::Internal("the preparing thread stopped".into()))
        };
        let read_result = read(&mut send);
        drop(sender);
        let work_result = worker
            .join()
            .map_err(|_| Error::Internal("the preparing thread panicked".into()))?;
        let output = work_result?;
        Ok((read_result?, output))
    })
}

/// Brings the candidate index up to date with the database (or rebuilds it).
pub fn update_index(store: &Store, data_dir: &DataDir, rebuild: bool, progress: &dyn Progress) -> Result<IndexReport> {
    let started = Instant::now();
    let index_seq: i64 = store.meta(META_INDEX_SEQ)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    // An index whose keys were made by another version of the blocking code is rebuilt.
    let keys_version = INDEX_KEYS_VERSION.to_string();
    let same_keys = store.meta(META_INDEX_KEYS_VERSION)?.as_deref() == Some(keys_version.as_str());
    let existing = if rebuild || index_seq == 0 || !same_keys {
        None
    } else {
        index::CandidateIndex::open(&data_dir.index_dir()).ok()
    };
    let (index, rebuilt, since) = match existing {
        Some(index) => (index, false, index_seq),
        None => (index::CandidateIndex::create(&data_dir.index_dir())?, true, 0),
    };
    let index = &index;
    let mut started_progress = false;
    let (max_seq, (n_indexed, n_removed)) = overlapped(
        |send| {
            store.for_each_record_chunk_changed_since(since, LOAD_CHUNK, |chunk, removed| {
                if !started_progress {
                    // The total is known for a rebuild only; an update shows a count.
                    let total = if rebuilt { store.n_active_records()? as u64 } else { 0 };
                    progress.start(Stage::Indexing, total);
                    started_progress = true;
                }
                let n = chunk.len() as u64;
                send((chunk, removed))?;
                progress.advance(n);
                Ok(())
            })
        },
        |receiver: std::sync::mpsc::Receiver<(Vec<PatientRecord>, Vec<RecordId>)>| -> Result<(usize, usize)> {
            let threads = rayon::current_num_threads().clamp(1, 4);
            let mut writer = None;
            let (mut n_indexed, mut n_removed) = (0, 0);
            for (chunk, removed) in receiver {
                let removed = if rebuilt { Vec::new() } else { removed };
                if chunk.is_empty() && removed.is_empty() {
                    continue;
                }
                let writer = match &mut writer {
                    Some(writer) => writer,
                    None => writer.insert(index.writer(INDEX_MEMORY_BUDGET, threads)?),
                };
                // Removed records, and the earlier version of each record updated: deleted in
                // one operation before the chunk's records are added again.
                let mut doomed: Vec<u32> = removed.iter().map(|id| id.0).collect();
                if !rebuilt {
                    doomed.extend(chunk.iter().map(|record| record.id.0));
                }
                writer.delete_records(&doomed)?;
                n_removed += removed.len();
                let prepared: Vec<PreparedDocument> = chunk.par_iter().map(PreparedDocument::new).collect();
                drop(chunk);
                for document in &prepared {
                    writer.add(&index::IndexDocument {
                        record_id: document.record_id,
                        name: &document.name,
                        birth_date: document.birth_date.as_deref(),
                        birthplace: document.birthplace.as_deref(),
                        block_keys: &document.block_keys,
                    })?;
                }
                n_indexed += prepared.len();
            }
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "documents added");
            // A rebuild of an empty registry still commits, so that the index exists.
            if writer.is_none() && rebuilt {
                writer = Some(index.writer(INDEX_MEMORY_BUDGET, threads)?);
            }
            if let Some(writer) = writer {
                writer.commit()?;
                tracing::debug!(seconds = started.elapsed().as_secs_f64(), "index committed");
            }
            Ok((n_indexed, n_removed))
        },
    )?;
    if started_progress {
        progress.finish();
    }
    store.set_meta(META_INDEX_SEQ, &max_seq.max(since).to_string())?;
    store.set_meta(META_INDEX_KEYS_VERSION, &keys_version)?;
    Ok(IndexReport {
        rebuilt,
        n_indexed,
        n_removed,
        n_docs: index.num_docs(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Generates the candidate pairs of the records whose blocking keys are given, through the index.
pub fn candidate_pairs(data_dir: &DataDir, keys: &[RecordKeys], settings: &Settings) -> Result<Candidates> {
    let started = Instant::now();
    let index = index::CandidateIndex::open(&data_dir.index_dir())?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "index opened");
    Ok(crate::blocking::candidate_pairs(
        &index,
        keys,
        settings.blocking_config(),
    )?)
}

/// The blocking keys of prepared records.
pub fn blocking_keys(records: &[ComparableRecord]) -> Vec<RecordKeys> {
    records.par_iter().map(RecordKeys::of).collect()
}

/// How to scan.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScanOptions {
    /// Train the model on this registry first (and save it); implies a full scan.
    pub train: bool,
    /// Compare every record, even when a delta scan is possible.
    pub full: bool,
}

/// What a scan did, stage by stage.
#[derive(Clone, Debug, Default)]
pub struct ScanReport {
    /// Scan id.
    pub scan_id: i64,
    /// Full or delta, what it compared.
    pub run: ScanRun,
    /// How the clusters changed.
    pub changes: ClusterChanges,
    /// Figures saved with the scan.
    pub figures: ScanFigures,
    /// Candidate pairs per record.
    pub pairs_per_record: f64,
    /// Blocks expanded, all rules.
    pub n_blocks: u64,
    /// Of those, windowed because too large.
    pub n_capped_blocks: u64,
    /// Candidate pairs each rule finds (a pair may be found by several).
    pub n_pairs_by_rule: Vec<(&'static str, u64)>,
    /// The share of the known true pairs (approved merges) the blocking rules still find;
    /// `None` when nothing was merged yet.
    pub blocking_recall: Option<BlockingRecall>,
    /// The model was trained by this scan.
    pub trained: bool,
    /// (stage, seconds).
    pub timings: Vec<(&'static str, f64)>,
}

/// Loads and prepares the active records.
pub fn prepared_records(store: &Store) -> Result<Vec<ComparableRecord>> {
    let started = Instant::now();
    let (_, prepared) = overlapped(
        |send| {
            store.for_each_active_record_chunk(LOAD_CHUNK, send)?;
            Ok(0)
        },
        |receiver: std::sync::mpsc::Receiver<Vec<PatientRecord>>| -> Result<Vec<ComparableRecord>> {
            let mut prepared = Vec::new();
            for chunk in receiver {
                prepared.par_extend(chunk.par_iter().map(ComparableRecord::new));
            }
            Ok(prepared)
        },
    )?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "records loaded and prepared");
    Ok(prepared)
}

/// The model to score with: the saved one, or the defaults for this registry's size.
pub fn current_model(data_dir: &DataDir, settings: &Settings, n_records: u64) -> Result<Model> {
    let mut model = match data_dir.load_model()? {
        Some(model) => model,
        None => Model::default_for(n_records, settings.model.expected_duplicates_per_record),
    };
    if let Some(lambda) = settings.model.probability_two_random_records_match {
        model.probability_two_random_records_match = lambda;
    }
    Ok(model)
}

/// A delta scan falls back to a full one when more than this share of the records changed:
/// comparing them all is then about as fast, and refreshes the model's prior and frequencies.
const DELTA_MAX_CHANGED_SHARE: f64 = 0.2;

/// Finds the likely duplicates and saves them for review: a delta scan (the records changed
/// since the previous scan against all) when the previous scan left its state and nothing that
/// shapes the candidates changed since, a full scan otherwise. Every run is recorded: a failed
/// or killed one leaves the previous results as they were.
pub fn scan(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanReport> {
    let started_at = now_timestamp();
    let scan_id = store.begin_scan(&started_at)?;
    let result = run_scan(store, data_dir, settings, options, progress, scan_id);
    if let Err(error) = &result {
        // Best effort: the error itself is what the caller must see.
        let _ = store.fail_scan(scan_id, &error.to_string());
    }
    result
}

/// What a delta scan starts from, or why there is none.
enum Basis {
    Delta(Box<ScanState>, crate::store::predictions::ScanInfo),
    Full(String),
}

/// A fingerprint of what shapes the candidates and their scores: the settings, the saved
/// model and the version of the comparisons. A delta scan is only made with the same.
fn fingerprint(data_dir: &DataDir, settings: &Settings) -> u64 {
    let model = std::fs::read_to_string(data_dir.model_path()).unwrap_or_default();
    let shaping = (
        &settings.scan,
        &settings.blocking,
        &settings.model,
        crate::comparison::COMPARISONS_VERSION,
    );
    crate::hashing::hash_str(&format!("{shaping:?}")) ^ crate::hashing::hash_str(&model).rotate_left(1)
}

/// Whether the scan can be a delta from the previous scan's `state` (read by the caller).
fn delta_basis(
    store: &Store,
    data_dir: &DataDir,
    settings: &Settings,
    options: &ScanOptions,
    state: Option<ScanState>,
) -> Result<Basis> {
    let full = |reason: &str| Ok(Basis::Full(reason.to_string()));
    if options.train {
        return full("--train");
    }
    if options.full {
        return full("--full");
    }
    let previous = match store.latest_scan() {
        Ok(Some(previous)) => previous,
        Ok(None) => return full("first scan"),
        // Its comparisons are not this version's: nothing of it can be kept.
        Err(Error::User(UserError::NotReady(_))) => {
            return full("the previous scan was made by another version of unico")
        }
        Err(e) => return Err(e),
    };
    if previous.records_seq == 0 {
        return full("the previous scan was made by an earlier version");
    }
    let Some(state) = state else {
        return full("the previous scan left no state");
    };
    if state.stamp.scan_id != previous.id || state.stamp.records_seq != previous.records_seq {
        return full("the previous scan's state is not the latest scan's");
    }
    if state.stamp.keys_version != INDEX_KEYS_VERSION {
        return full("the blocking keys changed");
    }
    if state.stamp.settings != fingerprint(data_dir, settings) {
        return full("the settings, the model or the comparisons changed");
    }
    Ok(Basis::Delta(Box::new(state), previous))
}

fn run_scan(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    options: &ScanOptions,
    progress: &dyn Progress,
    scan_id: i64,
) -> Result<ScanReport> {
    let mut report = ScanReport {
        scan_id,
        ..ScanReport::default()
    };
    let mut clock = Instant::now();
    let mut lap = |report: &mut ScanReport, stage: &'static str| {
        report.timings.push((stage, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    // What this scan covers: changes made while it runs are the next scan's.
    let records_seq = store.freshness()?.0;
    // The previous scan's state is read while the index catches up: a few tenths of a second
    // each at a million records, on different cores.
    let wants_state = !options.train && !options.full;
    let reading_started = Instant::now();
    let (state, indexed) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| {
            let state = wants_state.then(|| scan_state::load(data_dir.root())).flatten();
            tracing::debug!(seconds = reading_started.elapsed().as_secs_f64(), "previous state read");
            state
        });
        let indexed = update_index(store, data_dir, false, progress);
        let state = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (state, indexed)
    });
    indexed?;
    lap(&mut report, "index and previous state");
    let basis = delta_basis(store, data_dir, settings, options, state)?;
    let stamp = StateStamp {
        scan_id,
        records_seq,
        keys_version: INDEX_KEYS_VERSION,
        settings: fingerprint(data_dir, settings),
    };
    let basis = match basis {
        Basis::Delta(state, previous) => {
            // The registry as the previous scan saw it: counting the active records now would
            // read the whole table.
            let n_active = state.keys.len() as f64;
            let n_changed = store.n_records_changed_since(previous.records_seq)? as f64;
            if n_changed > DELTA_MAX_CHANGED_SHARE * n_active {
                Basis::Full(format!(
                    "{n_changed} records changed, more than {:.0} % of the registry",
                    DELTA_MAX_CHANGED_SHARE * 100.0
                ))
            } else {
                Basis::Delta(state, previous)
            }
        }
        full => full,
    };
    report.run.records_seq = records_seq;
    let (keys, candidates, written) = match basis {
        Basis::Full(reason) => {
            report.run.full_reason = reason;
            full_scan(
                store,
                data_dir,
                settings,
                options,
                stamp,
                progress,
                &mut report,
                &mut lap,
            )?
        }
        Basis::Delta(state, previous) => delta_scan(
            store,
            data_dir,
            settings,
            *state,
            &previous,
            stamp,
            progress,
            &mut report,
            &mut lap,
        )?,
    };
    // Every merge is a pair known to be one person: would the rules still find it?
    let known_pairs = store.known_pairs()?;
    if !known_pairs.is_empty() {
        report.blocking_recall = Some(blocking_recall(
            &keys,
            &known_pairs,
            settings.monitor.blocking_recall_floor,
            settings.blocking_config(),
        ));
        lap(&mut report, "monitor");
    }
    // The state of this scan, for the next one, written while the results were saved: put in
    // place now that they are committed. A failure only makes the next scan a full one.
    if let Err(error) = written.and_then(WrittenAside::install) {
        tracing::warn!(%error, "the scan state could not be saved: the next scan will be a full one");
    }
    lap(&mut report, "state");
    report.pairs_per_record = candidates.pairs.len() as f64 / keys.len().max(1) as f64;
    report.n_blocks = candidates.n_blocks.iter().sum();
    report.n_capped_blocks = candidates.n_capped_blocks.iter().sum();
    report.n_pairs_by_rule = BlockingRule::ALL
        .iter()
        .map(|rule| rule.name())
        .zip(candidates.pairs_by_rule())
        .collect();
    Ok(report)
}

/// Rejected pairs: those a reviewer rejected are not proposed again unless one of the records
/// changed since in a compared field.
struct Rejections {
    standing: std::collections::HashSet<(RecordId, RecordId)>,
    /// Rejections of scored pairs: when, and whether a compared field changed since.
    scored: std::collections::HashMap<(RecordId, RecordId), (String, bool)>,
}

impl Rejections {
    fn load(store: &Store) -> Result<Rejections> {
        Ok(Rejections {
            standing: store.rejected_pairs()?,
            scored: store.rejections_of_scored_pairs()?,
        })
    }

    /// Pairs never proposed again whatever their score: rejected, and never scored before.
    fn unscorable(&self, pair: &CandidatePair) -> bool {
        if self.standing.is_empty() {
            return false;
        }
        let key = (pair.record_id_l, pair.record_id_r);
        self.standing.contains(&key) && !self.scored.contains_key(&key)
    }

    /// Takes out the rejected pairs whose records' compared fields are what they were when they
    /// were rejected; returns the others, with when they were rejected.
    fn raise_again(&self, predictions: &mut Vec<PairwisePrediction>) -> RaisedAgain {
        let mut raised = RaisedAgain::new();
        predictions.retain(|p| {
            let key = (p.pair.record_id_l, p.pair.record_id_r);
            if !self.standing.contains(&key) {
                return true;
            }
            match self.scored.get(&key) {
                Some((rejected_at, true)) => {
                    raised.insert(key, rejected_at.clone());
                    true
                }
                _ => false,
            }
        });
        raised
    }
}

/// Every record against every other: candidates, (training), scoring with λ estimated on this
/// registry, clustering, saving. Returns the blocking keys and candidates for the scan state.
#[allow(clippy::too_many_arguments)]
fn full_scan(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    options: &ScanOptions,
    mut stamp: StateStamp,
    progress: &dyn Progress,
    report: &mut ScanReport,
    lap: &mut impl FnMut(&mut ScanReport, &'static str),
) -> Result<ScanOutput> {
    report.run.kind = ScanKind::Full;
    let mut records = prepared_records(store)?;
    if records.is_empty() {
        return Err(empty_registry());
    }
    let counted = Instant::now();
    let tf = TermFrequencies::count(&records);
    tracing::debug!(seconds = counted.elapsed().as_secs_f64(), "term frequencies counted");
    tf.annotate(&mut records);
    lap(report, "load");
    progress.start(Stage::Blocking, 0);
    let keys = blocking_keys(&records);
    let candidates = candidate_pairs(data_dir, &keys, settings)?;
    // Pairs a reviewer rejected as "not the same person" are not proposed again (unless a
    // compared field changed since, see `Rejections`).
    let rejections = Rejections::load(store)?;
    let to_score: Vec<CandidatePair> = candidates
        .pairs
        .iter()
        .filter(|p| !rejections.unscorable(p))
        .copied()
        .collect();
    progress.finish();
    lap(report, "blocking");
    let table = RecordTable::new(&records);
    // Training starts from the defaults: a saved model is not read, so a model an earlier
    // version saved with other comparisons can be replaced.
    let mut model = if options.train {
        Model::default_for(records.len() as u64, settings.model.expected_duplicates_per_record)
    } else {
        current_model(data_dir, settings, records.len() as u64)?
    };
    if options.train {
        progress.start(Stage::Training, 0);
        let step = (to_score.len() / 2_000_000).max(1);
        let vectors = comparison_vectors(&table, &to_score, step, &tf);
        model = train(
            model,
            &records,
            &tf,
            &vectors,
            &settings.training_config(),
            now_timestamp(),
        );
        if let Some(lambda) = settings.model.probability_two_random_records_match {
            model.probability_two_random_records_match = lambda;
        }
        data_dir.save_model(&model)?;
        // The next scan starts from this model: a delta, not a full scan for a changed model.
        stamp.settings = fingerprint(data_dir, settings);
        report.trained = true;
        progress.finish();
        lap(report, "training");
    }
    progress.start(Stage::Scoring, to_score.len() as u64);
    // Unless the settings fix λ, it is estimated from this registry's pairs (EM with m and u
    // fixed). Pairs are kept with room for λ to rise, then re-weighed with the estimate.
    let estimate_lambda = settings.model.probability_two_random_records_match.is_none();
    let default_lambda = model.probability_two_random_records_match;
    let lambda_ceiling = (default_lambda * 64.0).min(0.5);
    let headroom = if estimate_lambda {
        match_weight_of_probability(lambda_ceiling) - match_weight_of_probability(default_lambda)
    } else {
        0.0
    };
    let keep_min_match_weight = match_weight_of_probability(settings.scan.keep_min_probability) - headroom;
    let scoring = model.scoring_table();
    let mut predictions = predict(&table, &to_score, &scoring, &tf, keep_min_match_weight, progress);
    if estimate_lambda {
        let partial: Vec<f64> = predictions
            .iter()
            .map(|p| p.match_weight - scoring.prior_weight)
            .collect();
        let lambda = estimate_prior(
            &partial,
            records.len() as u64,
            default_lambda,
            default_lambda / 16.0,
            lambda_ceiling,
        );
        model.probability_two_random_records_match = lambda;
        let shift = model.prior_weight() - scoring.prior_weight;
        for prediction in &mut predictions {
            prediction.match_weight += shift;
            prediction.match_probability = match_probability(prediction.match_weight);
        }
        predictions.retain(|p| p.match_probability >= settings.scan.keep_min_probability);
    }
    let raised_again = rejections.raise_again(&mut predictions);
    progress.finish();
    lap(report, "scoring");
    let threshold = settings.scan.threshold_match_probability;
    let clusters = cluster(&predictions, threshold);
    lap(report, "clustering");
    report.figures = ScanFigures {
        n_records: records.len() as u64,
        n_candidate_pairs: candidates.pairs.len() as u64,
        n_pairs_saved: predictions.len() as u64,
        n_clusters: clusters.len() as u64,
    };
    report.run.n_records_compared = records.len() as u64;
    report.run.n_pairs_scored = to_score.len() as u64;
    report.run.n_pairs_raised_again = raised_again.len() as u64;
    progress.start(Stage::Saving, 0);
    let rule_names = |rules: u16| BlockingRule::names(rules).join("|");
    drop(table);
    // Freeing a million prepared records takes a few tenths of a second: on another thread,
    // while the results are saved.
    let freeing = std::thread::spawn(move || drop(records));
    let outcome = ScanOutcome {
        run: &report.run,
        model: &model,
        threshold_match_probability: threshold,
        rule_names: &rule_names,
        raised_again: &raised_again,
        figures: &report.figures,
    };
    let (saved, written) = save_beside_state(data_dir, stamp, &keys, &candidates, || {
        store.save_scan(report.scan_id, &outcome, &predictions, &clusters, &tf)
    });
    // A panic while freeing is nothing the scan's results depend on.
    let _ = freeing.join();
    report.changes = saved?;
    progress.finish();
    lap(report, "saving");
    Ok((keys, candidates, written))
}

/// What a scan leaves: every record's blocking keys, the candidates, and the scan state written
/// aside for the next scan.
type ScanOutput = (Vec<RecordKeys>, Candidates, Result<WrittenAside>);

/// Runs `save` (the scan's results, into the database) while the scan state for the next scan
/// is written aside on another thread; the caller installs the state once the save committed.
fn save_beside_state<T>(
    data_dir: &DataDir,
    stamp: StateStamp,
    keys: &[RecordKeys],
    candidates: &Candidates,
    save: impl FnOnce() -> Result<T>,
) -> (Result<T>, Result<WrittenAside>) {
    let started = Instant::now();
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let written = scan_state::write_aside(data_dir.root(), stamp, keys, &candidates.pairs);
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "scan state written aside");
            written
        });
        let saved = save();
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "results saved");
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the scan state writer panicked".into())));
        (saved, written)
    })
}

/// The error of a scan of an empty registry.
fn empty_registry() -> Error {
    UserError::NotReady("the registry is empty: import a file first (`unico import FILE`)".into()).into()
}

/// The records changed since the previous scan against all: the candidates are generated again
/// from every record's blocking keys (those kept by the previous scan, and those of the changed
/// records), so they are the candidates a full scan would generate; a pair is scored when it
/// involves a changed record or was not a candidate before, and the rest keep their saved
/// scores. The model (with its prior) and the term frequencies are those of the previous scan.
#[allow(clippy::too_many_arguments)]
fn delta_scan(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    state: ScanState,
    previous: &crate::store::predictions::ScanInfo,
    stamp: StateStamp,
    progress: &dyn Progress,
    report: &mut ScanReport,
    lap: &mut impl FnMut(&mut ScanReport, &'static str),
) -> Result<ScanOutput> {
    report.run.kind = ScanKind::Delta;
    let mut changed_records: Vec<PatientRecord> = Vec::new();
    let mut changed: Vec<RecordId> = Vec::new();
    store.for_each_record_chunk_changed_since(previous.records_seq, LOAD_CHUNK, |chunk, removed| {
        changed.extend(removed);
        changed.extend(chunk.iter().map(|r| r.id));
        changed_records.extend(chunk);
        Ok(())
    })?;
    changed.sort_unstable();
    changed.dedup();
    // A flag per record id: looked up for every record and, below, for millions of pairs.
    let max_id = state
        .keys
        .iter()
        .map(|k| k.id.0)
        .chain(changed.iter().map(|id| id.0))
        .max()
        .unwrap_or(0);
    let mut is_changed = vec![false; max_id as usize + 1];
    for id in &changed {
        is_changed[id.0 as usize] = true;
    }
    let mut prepared: Vec<ComparableRecord> = changed_records.par_iter().map(ComparableRecord::new).collect();
    let mut keys = state.keys;
    keys.retain(|k| !is_changed[k.id.0 as usize]);
    keys.extend(blocking_keys(&prepared));
    if keys.is_empty() {
        return Err(empty_registry());
    }
    lap(report, "changes");
    progress.start(Stage::Blocking, 0);
    let started = Instant::now();
    let candidates = candidate_pairs(data_dir, &keys, settings)?;
    let rejections = Rejections::load(store)?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "candidates and rejections");
    // One walk along the two sorted pair lists.
    let touches_change =
        |p: &CandidatePair| is_changed[p.record_id_l.0 as usize] || is_changed[p.record_id_r.0 as usize];
    let key = |p: &CandidatePair| (p.record_id_l, p.record_id_r);
    let mut before = state.pairs.iter().peekable();
    let mut to_score: Vec<CandidatePair> = Vec::new();
    for pair in &candidates.pairs {
        while before.next_if(|q| key(q) < key(pair)).is_some() {}
        // A pair found by other rules than before is scored again, so that its saved rules
        // are a full scan's.
        let was_candidate = before
            .peek()
            .is_some_and(|q| key(q) == key(pair) && q.rules == pair.rules);
        if (touches_change(pair) || !was_candidate) && !rejections.unscorable(pair) {
            to_score.push(*pair);
        }
    }
    drop(state.pairs);
    progress.finish();
    lap(report, "blocking");
    // The records of those pairs: the changed ones are prepared already.
    let mut needed: Vec<RecordId> = to_score
        .iter()
        .flat_map(|p| [p.record_id_l, p.record_id_r])
        .filter(|id| !is_changed[id.0 as usize])
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let others = store.records_by_id(&needed)?;
    prepared.par_extend(others.par_iter().map(ComparableRecord::new));
    let tf = store.term_frequencies()?;
    tf.annotate(&mut prepared);
    lap(report, "load");
    progress.start(Stage::Scoring, to_score.len() as u64);
    let model = previous.model.clone();
    let scoring = model.scoring_table();
    let table = RecordTable::new(&prepared);
    let keep_min_match_weight = match_weight_of_probability(settings.scan.keep_min_probability);
    let mut predictions = predict(&table, &to_score, &scoring, &tf, keep_min_match_weight, progress);
    let raised_again = rejections.raise_again(&mut predictions);
    progress.finish();
    lap(report, "scoring");
    // Saved pairs to take out: no longer candidates, scored again, or rejected since.
    let scored: std::collections::HashSet<(RecordId, RecordId)> =
        to_score.iter().map(|p| (p.record_id_l, p.record_id_r)).collect();
    let is_candidate = |l: RecordId, r: RecordId| {
        candidates
            .pairs
            .binary_search_by_key(&(l, r), |q| (q.record_id_l, q.record_id_r))
            .is_ok()
    };
    let removed: Vec<(RecordId, RecordId)> = store
        .saved_pair_keys()?
        .into_iter()
        .filter(|&(l, r, raised)| {
            scored.contains(&(l, r)) || !is_candidate(l, r) || (rejections.standing.contains(&(l, r)) && !raised)
        })
        .map(|(l, r, _)| (l, r))
        .collect();
    report.run.n_records_compared = changed.len() as u64;
    report.run.n_pairs_scored = to_score.len() as u64;
    report.run.n_pairs_raised_again = raised_again.len() as u64;
    progress.start(Stage::Saving, 0);
    let threshold = settings.scan.threshold_match_probability;
    let rule_names = |rules: u16| BlockingRule::names(rules).join("|");
    report.figures = ScanFigures {
        n_records: keys.len() as u64,
        n_candidate_pairs: candidates.pairs.len() as u64,
        n_pairs_saved: 0,
        n_clusters: 0,
    };
    let outcome = ScanOutcome {
        run: &report.run,
        model: &model,
        threshold_match_probability: threshold,
        rule_names: &rule_names,
        raised_again: &raised_again,
        figures: &report.figures,
    };
    let (saved, written) = save_beside_state(data_dir, stamp, &keys, &candidates, || {
        store.save_delta_scan(report.scan_id, &outcome, &removed, &predictions)
    });
    let (changes, n_pairs_saved, n_clusters) = saved?;
    report.changes = changes;
    report.figures.n_pairs_saved = n_pairs_saved;
    report.figures.n_clusters = n_clusters;
    progress.finish();
    lap(report, "saving");
    Ok((keys, candidates, written))
}

/// The model and term frequencies that score pairs as the latest scan did (or, before any
/// scan, the current model and this registry's frequencies).
pub struct Scorer {
    /// The model.
    pub model: Model,
    /// How common each value is.
    pub term_frequencies: TermFrequencies,
}

impl Scorer {
    /// The latest scan's model and frequencies, or the current ones when no scan has run.
    pub fn load(store: &Store, data_dir: &DataDir, settings: &Settings) -> Result<Scorer> {
        let (model, term_frequencies) = match store.latest_scan()? {
            Some(scan) => (scan.model, store.term_frequencies()?),
            None => {
                let records = prepared_records(store)?;
                (
                    current_model(data_dir, settings, records.len() as u64)?,
                    TermFrequencies::count(&records),
                )
            }
        };
        Ok(Scorer {
            model,
            term_frequencies,
        })
    }

    /// The comparison vector of two records and its explanation.
    pub fn waterfall(&self, a: &PatientRecord, b: &PatientRecord) -> (ComparisonVector, Waterfall) {
        self.waterfall_prepared(&ComparableRecord::new(a), b)
    }

    /// The same, with the first record prepared once for many (a lookup's description).
    pub fn waterfall_prepared(&self, a: &ComparableRecord, b: &PatientRecord) -> (ComparisonVector, Waterfall) {
        let vector = compare(a, &ComparableRecord::new(b), &self.term_frequencies);
        let waterfall = self.model.waterfall(&vector);
        (vector, waterfall)
    }
}

/// The explanation of any two records' score, with the latest scan's model and frequencies
/// (or the current model when no scan has run).
pub fn explain(
    store: &Store,
    data_dir: &DataDir,
    settings: &Settings,
    a: Nnu,
    b: Nnu,
) -> Result<(PatientRecord, PatientRecord, Waterfall)> {
    let record_a = store
        .record_by_nnu(a)?
        .ok_or_else(|| UserError::UnknownRecord(a.to_string()))?
        .record;
    let record_b = store
        .record_by_nnu(b)?
        .ok_or_else(|| UserError::UnknownRecord(b.to_string()))?
        .record;
    let (_, waterfall) = Scorer::load(store, data_dir, settings)?.waterfall(&record_a, &record_b);
    Ok((record_a, record_b, waterfall))
}

/// How the blocking sees a pair of records: whether the latest scan proposed it, and if not,
/// why not. What `unico explain` prints under the waterfall, to tell a pair the model scores
/// low from one the candidate generation never proposes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PairBlocking {
    /// The rules the latest scan found the pair by (empty: not a candidate).
    pub found_by: Vec<&'static str>,
    /// The rules that put the two records in one block as they are stored now.
    pub same_block: Vec<&'static str>,
    /// Of those, the rules under which the pair also stands out from its crowd (the records the
    /// rule looked at); a pair standing out but not found was left out by a block cap
    /// (`max_block_size`, `window`).
    pub standing_out: Vec<&'static str>,
}

/// [`PairBlocking`] of two records, against the blocking keys and candidates the latest scan
/// saved; `None` for one record with itself, before the first scan, or when its state cannot
/// be read.
pub fn pair_blocking(
    data_dir: &DataDir,
    settings: &Settings,
    a: &PatientRecord,
    b: &PatientRecord,
) -> Option<PairBlocking> {
    if a.id == b.id {
        return None;
    }
    let state = scan_state::load(data_dir.root())?;
    let pair = CandidatePair::new(a.id, b.id, 0);
    let found_by = state
        .pairs
        .binary_search_by_key(&(pair.record_id_l, pair.record_id_r), |p| {
            (p.record_id_l, p.record_id_r)
        })
        .map_or(0, |i| state.pairs[i].rules);
    let counts = TokenCounts::count(&state.keys);
    let mut crowds = Crowds::count(&state.keys);
    let (x, y) = (ComparableRecord::new(a), ComparableRecord::new(b));
    crowds.count_undated_groups(&state.keys, &[], &counts, &x, &y);
    Some(PairBlocking {
        found_by: BlockingRule::names(found_by),
        same_block: BlockingRule::names(rules_pairing(&x, &y, &counts)),
        standing_out: BlockingRule::names(rules_standing_out(&x, &y, &counts, &crowds, settings.blocking_config())),
    })
}
