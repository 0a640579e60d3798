//! Evaluation against ground truth: how good are the scan's pairs?
//!
//! Consumes a CSV with `sns_number` and `cluster_id` columns (the generator writes one), the
//! registry and the latest scan; produces an [`Evaluation`]: precision, recall and F1 of the
//! pairs at the review threshold, the threshold with the best F1, the pair completeness of the
//! blocking (overall and per rule), and the worst false positives and false negatives.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::blocking::{BlockingRule, Candidates};
use crate::comparison::{compare, ComparableRecord};
use crate::error::{Error, Result, UserError};
use crate::import::Column;
use crate::model::Waterfall;
use crate::pipeline::{candidate_pairs, prepared_records, DataDir};
use crate::predict::RecordTable;
use crate::record::{Nnu, RecordId};
use crate::settings::Settings;
use crate::store::Store;

/// One pair shown in the evaluation.
#[derive(Clone, Debug)]
pub struct EvaluatedPair {
    /// Left NNU.
    pub sns_number_l: Nnu,
    /// Right NNU.
    pub sns_number_r: Nnu,
    /// Found by the blocking.
    pub in_candidates: bool,
    /// Its explanation under the scan's model.
    pub waterfall: Waterfall,
}

/// The figures.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Threshold evaluated.
    pub threshold: f64,
    /// Pairs of records of one person (among registered active records).
    pub n_true_pairs: u64,
    /// True pairs found by the blocking.
    pub n_true_pairs_in_candidates: u64,
    /// Candidate pairs.
    pub n_candidate_pairs: u64,
    /// True pairs each rule finds.
    pub n_true_pairs_by_rule: Vec<(&'static str, u64)>,
    /// True pairs only this rule finds (what the blocking would lose without it).
    pub n_true_pairs_only_by_rule: Vec<(&'static str, u64)>,
    /// Candidate pairs each rule finds (true or not).
    pub n_pairs_by_rule: Vec<(&'static str, u64)>,
    /// True positives at the threshold.
    pub true_positives: u64,
    /// False positives at the threshold.
    pub false_positives: u64,
    /// False negatives at the threshold.
    pub false_negatives: u64,
    /// Best F1 over thresholds and where.
    pub best_f1: (f64, f64),
    /// Highest-scoring false positives.
    pub worst_false_positives: Vec<EvaluatedPair>,
    /// Lowest-scoring false negatives.
    pub worst_false_negatives: Vec<EvaluatedPair>,
    /// Every false positive and false negative at the threshold.
    pub errors: Vec<ErrorPair>,
    /// Pairs of distinct persons built to look alike, by kind (when a file of them was given).
    pub hard_negatives: Vec<HardNegatives>,
}

/// How the latest scan treats one kind of pairs of distinct persons built to look alike
/// (`unico generate --hard-negatives`): they should stay below the threshold.
#[derive(Clone, Debug, Default)]
pub struct HardNegatives {
    /// `twins`, `siblings`, `parent_child`, `spouses`, `common_name`, or the file's own kinds.
    pub kind: String,
    /// Pairs whose two records are registered and active.
    pub n_pairs: u64,
    /// Of those, pairs the blocking proposed.
    pub n_candidates: u64,
    /// Of those, pairs at or above the threshold: in the review queue.
    pub n_above_threshold: u64,
    /// The highest match probability among the pairs (scored whether proposed or not).
    pub highest: f64,
}

/// A pair the scan got wrong.
#[derive(Clone, Debug)]
pub struct ErrorPair {
    /// Left NNU.
    pub sns_number_l: Nnu,
    /// Right NNU.
    pub sns_number_r: Nnu,
    /// True: a false positive; false: a false negative.
    pub false_positive: bool,
    /// Found by the blocking.
    pub in_candidates: bool,
    /// The saved probability (0 when not saved).
    pub match_probability: f64,
}

impl Evaluation {
    /// Share of true pairs the blocking finds.
    pub fn pair_completeness(&self) -> f64 {
        ratio(self.n_true_pairs_in_candidates, self.n_true_pairs)
    }
    /// TP / (TP + FP).
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }
    /// TP / (TP + FN).
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Reads `sns_number → cluster_id` from a ground-truth CSV.
pub fn read_truth(path: &Path) -> Result<HashMap<Nnu, String>> {
    let bad = bad_file(path);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| bad(format!("cannot read: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header: {e}")))?
        .clone();
    let nnu_column = header
        .iter()
        .position(|h| Column::from_header(h) == Some(Column::SnsNumber));
    let cluster_column = header.iter().position(|h| h.trim() == "cluster_id");
    let (Some(nnu_column), Some(cluster_column)) = (nnu_column, cluster_column) else {
        return Err(bad(
            "the file needs sns_number and cluster_id columns (ground truth, as `unico generate` writes)".into(),
        ));
    };
    let mut truth = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.to_string()))?;
        // A blank cluster_id is no ground truth (not one person shared by all blank rows).
        let cluster = row.get(cluster_column).map(str::trim).filter(|c| !c.is_empty());
        if let (Some(Ok(nnu)), Some(cluster)) = (row.get(nnu_column).map(str::parse::<Nnu>), cluster) {
            truth.insert(nnu, cluster.to_string());
        }
    }
    Ok(truth)
}

/// A bad-file error about `path`, for the reason given.
fn bad_file(path: &Path) -> impl Fn(String) -> Error + '_ {
    move |reason| {
        Error::User(UserError::BadFile {
            path: path.to_path_buf(),
            reason,
        })
    }
}

/// Reads a file of pairs of NNUs with a kind, by its header: `sns_number_l`, `sns_number_r`
/// and, optionally, `kind` (`pair` when there is none).
pub fn read_kinded_pairs(path: &Path) -> Result<Vec<(Nnu, Nnu, String)>> {
    let bad = bad_file(path);
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| bad(format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(left), Some(right)) = (column("sns_number_l"), column("sns_number_r")) else {
        return Err(bad(
            "the file needs sns_number_l and sns_number_r columns (as `unico generate --hard-negatives` writes)".into(),
        ));
    };
    let kind = column("kind");
    let mut pairs = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| bad(format!("line {line}: {e}")))?;
        let nnu = |field: usize, name: &str| -> Result<Nnu> {
            let value = row.get(field).unwrap_or_default().trim();
            value
                .parse()
                .map_err(|_| bad(format!("line {line}: {name}: {value:?} is not an NNU")))
        };
        let kind = kind.and_then(|k| row.get(k)).map(str::trim).filter(|k| !k.is_empty());
        pairs.push((
            nnu(left, "sns_number_l")?,
            nnu(right, "sns_number_r")?,
            kind.unwrap_or("pair").to_string(),
        ));
    }
    Ok(pairs)
}

/// Evaluates the latest scan against a ground-truth file, and, when `hard_negatives` is given,
/// its pairs of distinct persons built to look alike ([`read_kinded_pairs`]).
pub fn evaluate(
    store: &Store,
    data_dir: &DataDir,
    settings: &Settings,
    truth_path: &Path,
    hard_negatives: Option<&Path>,
    threshold: Option<f64>,
    n_examples: usize,
) -> Result<Evaluation> {
    let scan = store
        .latest_scan()?
        .ok_or_else(|| UserError::NotReady("no scan yet: run `unico scan` before `unico evaluate`".into()))?;
    let threshold = threshold.unwrap_or(scan.threshold_match_probability);
    let truth = read_truth(truth_path)?;
    let look_alikes = hard_negatives.map(read_kinded_pairs).transpose()?.unwrap_or_default();
    let mut records = prepared_records(store)?;
    let ids_by_nnu = store.record_ids_by_nnu()?;
    let active: HashSet<RecordId> = records.iter().map(|r| r.id).collect();
    let mut cluster_of: HashMap<RecordId, &str> = HashMap::new();
    let mut members: HashMap<&str, Vec<RecordId>> = HashMap::new();
    for (nnu, cluster) in &truth {
        if let Some(id) = ids_by_nnu.get(nnu).filter(|id| active.contains(id)) {
            cluster_of.insert(*id, cluster);
            members.entry(cluster).or_default().push(*id);
        }
    }
    let mut true_pairs: HashSet<(RecordId, RecordId)> = HashSet::new();
    for ids in members.values_mut() {
        ids.sort_unstable();
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                true_pairs.insert((ids[i], ids[j]));
            }
        }
    }
    let same_person =
        |l: RecordId, r: RecordId| matches!((cluster_of.get(&l), cluster_of.get(&r)), (Some(a), Some(b)) if a == b);

    // The pairs the latest scan compared (its saved state), or, when it left none, the pairs
    // the blocking generates now.
    let candidates = match crate::scan_state::load(data_dir.root()).filter(|state| state.stamp.scan_id == scan.id) {
        Some(state) => Candidates::from_pairs(state.pairs),
        None => candidate_pairs(data_dir, &crate::pipeline::blocking_keys(&records), settings)?,
    };
    let mut by_rule = [0u64; BlockingRule::ALL.len()];
    let mut only_by_rule = [0u64; BlockingRule::ALL.len()];
    let pairs_by_rule = candidates.pairs_by_rule();
    let mut n_true_in_candidates = 0u64;
    for pair in &candidates.pairs {
        if same_person(pair.record_id_l, pair.record_id_r) {
            if pair.rules.count_ones() == 1 {
                only_by_rule[pair.rules.trailing_zeros() as usize] += 1;
            }
            n_true_in_candidates += 1;
            BlockingRule::tally(pair.rules, &mut by_rule);
        }
    }

    let saved = store.saved_pairs(0.0)?;
    let mut scored: Vec<(f64, bool)> = saved
        .iter()
        .map(|p| (p.match_probability, same_person(p.record_id_l, p.record_id_r)))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n_true = true_pairs.len() as u64;
    let (mut tp, mut fp, mut best) = (0u64, 0u64, (0.0, 1.0));
    for (i, (probability, is_true)) in scored.iter().enumerate() {
        if *is_true {
            tp += 1
        } else {
            fp += 1
        }
        let next_differs = scored.get(i + 1).is_none_or(|next| next.0 < *probability);
        if next_differs {
            let score = f1(ratio(tp, tp + fp), ratio(tp, n_true));
            if score > best.0 {
                best = (score, *probability);
            }
        }
    }
    let true_positives = scored.iter().filter(|(p, t)| *t && *p >= threshold).count() as u64;
    let false_positives = scored.iter().filter(|(p, t)| !*t && *p >= threshold).count() as u64;

    // Candidate pairs are sorted by (left, right).
    let is_candidate = |l: RecordId, r: RecordId| {
        candidates
            .pairs
            .binary_search_by(|p| (p.record_id_l, p.record_id_r).cmp(&(l, r)))
            .is_ok()
    };
    let mut nnu_of: HashMap<RecordId, Nnu> = HashMap::with_capacity(ids_by_nnu.len());
    for (nnu, id) in &ids_by_nnu {
        nnu_of.insert(*id, *nnu);
    }
    let tf = store.term_frequencies()?;
    tf.annotate(&mut records);
    let table = RecordTable::new(&records);
    let explain = |l: RecordId, r: RecordId| -> Option<EvaluatedPair> {
        let (a, b): (&ComparableRecord, &ComparableRecord) = (table.get(l)?, table.get(r)?);
        let waterfall = scan.model.waterfall(&compare(a, b, &tf));
        Some(EvaluatedPair {
            sns_number_l: *nnu_of.get(&l)?,
            sns_number_r: *nnu_of.get(&r)?,
            in_candidates: is_candidate(l, r),
            waterfall,
        })
    };
    let mut false_positive_pairs: Vec<_> = saved
        .iter()
        .filter(|p| p.match_probability >= threshold && !same_person(p.record_id_l, p.record_id_r))
        .collect();
    false_positive_pairs.sort_by(|a, b| b.match_probability.total_cmp(&a.match_probability));
    let worst_false_positives = false_positive_pairs
        .iter()
        .take(n_examples)
        .filter_map(|p| explain(p.record_id_l, p.record_id_r))
        .collect();
    let probability_of: HashMap<(RecordId, RecordId), f64> = saved
        .iter()
        .map(|p| ((p.record_id_l, p.record_id_r), p.match_probability))
        .collect();
    let mut missed: Vec<((RecordId, RecordId), f64)> = true_pairs
        .iter()
        .map(|pair| (*pair, probability_of.get(pair).copied().unwrap_or(0.0)))
        .filter(|(_, p)| *p < threshold)
        .collect();
    missed.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let error = |l: RecordId, r: RecordId, false_positive: bool, match_probability: f64| ErrorPair {
        sns_number_l: nnu_of[&l],
        sns_number_r: nnu_of[&r],
        false_positive,
        in_candidates: is_candidate(l, r),
        match_probability,
    };
    let mut errors: Vec<ErrorPair> = false_positive_pairs
        .iter()
        .map(|p| error(p.record_id_l, p.record_id_r, true, p.match_probability))
        .collect();
    errors.extend(missed.iter().map(|((l, r), p)| error(*l, *r, false, *p)));
    let worst_false_negatives = missed
        .iter()
        .take(n_examples)
        .filter_map(|((l, r), _)| explain(*l, *r))
        .collect();
    let mut by_kind: std::collections::BTreeMap<String, HardNegatives> = Default::default();
    for (a, b, kind) in look_alikes {
        let (Some(&l), Some(&r)) = (ids_by_nnu.get(&a), ids_by_nnu.get(&b)) else {
            continue;
        };
        let Some(pair) = explain(l.min(r), l.max(r)) else {
            continue;
        };
        let figures = by_kind.entry(kind.clone()).or_insert_with(|| HardNegatives {
            kind,
            ..HardNegatives::default()
        });
        let probability = pair.waterfall.match_probability;
        figures.n_pairs += 1;
        figures.n_candidates += u64::from(pair.in_candidates);
        figures.n_above_threshold += u64::from(pair.in_candidates && probability >= threshold);
        figures.highest = figures.highest.max(probability);
    }
    Ok(Evaluation {
        threshold,
        n_true_pairs: n_true,
        n_true_pairs_in_candidates: n_true_in_candidates,
        n_candidate_pairs: candidates.pairs.len() as u64,
        n_true_pairs_by_rule: BlockingRule::ALL
            .iter()
            .map(|r| (r.name(), by_rule[*r as usize]))
            .collect(),
        n_true_pairs_only_by_rule: BlockingRule::ALL
            .iter()
            .map(|r| (r.name(), only_by_rule[*r as usize]))
            .collect(),
        n_pairs_by_rule: BlockingRule::ALL
            .iter()
            .map(|r| (r.name(), pairs_by_rule[*r as usize]))
            .collect(),
        true_positives,
        false_positives,
        false_negatives: n_true - true_positives,
        best_f1: best,
        worst_false_positives,
        worst_false_negatives,
        errors,
        hard_negatives: by_kind.into_values().collect(),
    })
}
