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

use crate::blocking::{index_keys, BlockingRule, Candidates, INDEX_KEYS_VERSION};
use crate::cluster::cluster;
use crate::comparison::{compare, ComparableRecord, ComparisonVector, TermFrequencies};
use crate::error::{Error, Result, UserError};
use crate::model::training::{estimate_prior, train};
use crate::model::{match_probability, match_weight_of_probability, Model, Waterfall};
use crate::monitor::{blocking_recall, BlockingRecall};
use crate::predict::{comparison_vectors, predict, RecordTable};
use crate::progress::{Progress, Stage};
use crate::record::{Nnu, PatientRecord, RecordId};
use crate::settings::Settings;
use crate::store::predictions::ScanFigures;
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
                for id in &removed {
                    writer.delete_record(id.0);
                }
                n_removed += removed.len();
                let prepared: Vec<PreparedDocument> = chunk.par_iter().map(PreparedDocument::new).collect();
                drop(chunk);
                for document in &prepared {
                    if !rebuilt {
                        // An updated record replaces its earlier version.
                        writer.delete_record(document.record_id);
                    }
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

/// Generates the candidate pairs of all records through the index.
pub fn candidate_pairs(data_dir: &DataDir, records: &[ComparableRecord], settings: &Settings) -> Result<Candidates> {
    let index = index::CandidateIndex::open(&data_dir.index_dir())?;
    Ok(crate::blocking::candidate_pairs(
        &index,
        records,
        settings.blocking_config(),
    )?)
}

/// How to scan.
pub struct ScanOptions {
    /// Train the model on this registry first (and save it).
    pub train: bool,
}

/// What a scan did, stage by stage.
#[derive(Clone, Debug, Default)]
pub struct ScanReport {
    /// Scan id.
    pub scan_id: i64,
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

/// Full scan: index, candidates, (training), scoring, clustering, saving.
pub fn scan(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    options: &ScanOptions,
    progress: &dyn Progress,
) -> Result<ScanReport> {
    let started_at = now_timestamp();
    let mut report = ScanReport::default();
    let mut clock = Instant::now();
    let mut lap = |report: &mut ScanReport, stage: &'static str| {
        report.timings.push((stage, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    update_index(store, data_dir, false, progress)?;
    lap(&mut report, "index");
    let mut records = prepared_records(store)?;
    if records.is_empty() {
        return Err(
            UserError::NotReady("the registry is empty: import a file first (`unico import FILE`)".into()).into(),
        );
    }
    let tf = TermFrequencies::count(&records);
    tf.annotate(&mut records);
    lap(&mut report, "load");
    progress.start(Stage::Blocking, 0);
    let mut candidates = candidate_pairs(data_dir, &records, settings)?;
    // Pairs a reviewer rejected as "not the same person" are never proposed again.
    let rejected = store.rejected_pairs()?;
    if !rejected.is_empty() {
        candidates
            .pairs
            .retain(|p| !rejected.contains(&(p.record_id_l, p.record_id_r)));
    }
    // Every merge is a pair known to be one person: would the rules still find it?
    let known_pairs = store.known_pairs()?;
    if !known_pairs.is_empty() {
        report.blocking_recall = Some(blocking_recall(
            &records,
            &known_pairs,
            settings.monitor.blocking_recall_floor,
        ));
    }
    progress.finish();
    lap(&mut report, "blocking");
    let table = RecordTable::new(&records);
    let mut model = current_model(data_dir, settings, records.len() as u64)?;
    if options.train {
        progress.start(Stage::Training, 0);
        let step = (candidates.pairs.len() / 2_000_000).max(1);
        let vectors = comparison_vectors(&table, &candidates.pairs, step, &tf);
        let untrained = Model::default_for(records.len() as u64, settings.model.expected_duplicates_per_record);
        model = train(
            untrained,
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
        report.trained = true;
        progress.finish();
        lap(&mut report, "training");
    }
    progress.start(Stage::Scoring, candidates.pairs.len() as u64);
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
    let mut predictions = predict(
        &table,
        &candidates.pairs,
        &scoring,
        &tf,
        keep_min_match_weight,
        progress,
    );
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
    progress.finish();
    lap(&mut report, "scoring");
    let threshold = settings.scan.threshold_match_probability;
    let clusters = cluster(&predictions, threshold);
    lap(&mut report, "clustering");
    report.figures = ScanFigures {
        n_records: records.len() as u64,
        n_candidate_pairs: candidates.pairs.len() as u64,
        n_pairs_saved: predictions.len() as u64,
        n_clusters: clusters.len() as u64,
    };
    progress.start(Stage::Saving, 0);
    let rule_names = |rules: u16| BlockingRule::names(rules).join("|");
    report.scan_id = store.save_scan(
        &started_at,
        &model,
        threshold,
        &predictions,
        &rule_names,
        &clusters,
        &tf,
        &report.figures,
    )?;
    progress.finish();
    lap(&mut report, "saving");
    report.pairs_per_record = candidates.pairs.len() as f64 / records.len() as f64;
    report.n_blocks = candidates.n_blocks.iter().sum();
    report.n_capped_blocks = candidates.n_capped_blocks.iter().sum();
    report.n_pairs_by_rule = BlockingRule::ALL
        .iter()
        .map(|rule| rule.name())
        .zip(candidates.pairs_by_rule())
        .collect();
    Ok(report)
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
        let vector = compare(
            &ComparableRecord::new(a),
            &ComparableRecord::new(b),
            &self.term_frequencies,
        );
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
