//! Owner of the `scans`, `pairs`, `clusters`, `cluster_members` and `term_frequencies` tables.

use rusqlite::{params, OptionalExtension};

use super::{now_timestamp, Store};
use crate::cluster::Cluster;
use crate::comparison::term_frequencies::TermKind;
use crate::comparison::{ComparisonVectorValue, TermFrequencies, N_COMPARISONS};
use crate::error::Result;
use crate::hashing::{FastHashMap, FastHashSet};
use crate::model::{Model, ScoringTable};
use crate::predict::PairwisePrediction;
use crate::record::{Nnu, RecordId};

/// Figures of a scan, saved with it.
#[derive(Clone, Debug, Default)]
pub struct ScanFigures {
    /// Active records scanned.
    pub n_records: u64,
    /// Candidate pairs compared.
    pub n_candidate_pairs: u64,
    /// Pairs saved (at or above the keep threshold).
    pub n_pairs_saved: u64,
    /// Clusters at the review threshold.
    pub n_clusters: u64,
}

/// Full or delta.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanKind {
    /// Every record against every other.
    #[default]
    Full,
    /// The records changed since the previous scan against all.
    Delta,
}

impl ScanKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanKind::Full => "full",
            ScanKind::Delta => "delta",
        }
    }
}

/// What a scan run compared, saved with it.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ScanRun {
    /// Full or delta.
    pub kind: ScanKind,
    /// Why a full scan was not a delta ('' for a delta).
    pub full_reason: String,
    /// The highest record change sequence covered.
    pub records_seq: i64,
    /// Records compared: all of them, or those changed since the previous scan.
    pub n_records_compared: u64,
    /// Pairs scored by this run.
    pub n_pairs_scored: u64,
    /// Rejected pairs proposed again because a compared field changed.
    pub n_pairs_raised_again: u64,
}

/// How the clusters changed against the previous scan's.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ClusterChanges {
    /// Clusters with members no earlier cluster had together (a new id).
    pub n_new: u64,
    /// Clusters kept (same members, same id) with a pair scored again by this run.
    pub n_rescored: u64,
    /// Clusters kept unchanged.
    pub n_unchanged: u64,
    /// Earlier clusters gone (merged, rejected, no longer above the threshold, or regrouped).
    pub n_resolved: u64,
}

/// A rejected pair proposed again: when it was rejected.
pub type RaisedAgain = std::collections::HashMap<(RecordId, RecordId), String>;

/// A saved pair, as listed and exported.
#[derive(Clone, Debug)]
pub struct SavedPair {
    /// Left record.
    pub record_id_l: RecordId,
    /// Right record.
    pub record_id_r: RecordId,
    /// Left NNU.
    pub sns_number_l: Nnu,
    /// Right NNU.
    pub sns_number_r: Nnu,
    /// Match weight.
    pub match_weight: f64,
    /// Match probability.
    pub match_probability: f64,
    /// γ per comparison.
    pub gamma: Vec<ComparisonVectorValue>,
    /// Partial match weight per comparison.
    pub partial_weights: Vec<f64>,
    /// Names of the blocking rules that found it.
    pub blocking_rules: String,
    /// Cluster, when above the review threshold.
    pub cluster_id: Option<u32>,
    /// When the pair was rejected, if it was and a scan proposes it again because a compared
    /// field of one of its records changed since.
    pub rejected_at: Option<String>,
}

/// The latest successful scan.
#[derive(Clone, Debug)]
pub struct ScanInfo {
    /// Scan id.
    pub id: i64,
    /// Finished at.
    pub finished_at: String,
    /// Figures.
    pub figures: ScanFigures,
    /// Review threshold used.
    pub threshold_match_probability: f64,
    /// The model used.
    pub model: Model,
    /// Full or delta.
    pub kind: ScanKind,
    /// The highest record change sequence it covered.
    pub records_seq: i64,
}

/// Meta key: the highest cluster id ever given (ids are never given twice).
const META_CLUSTER_ID_HIGH: &str = "cluster_id_high";

/// The ids of this scan's clusters: a cluster with exactly the members of one of the previous
/// scan's keeps its id (a supervisor's queue does not reshuffle overnight); any other gets an id
/// never used before. On a first scan they are 1, 2, … in rank order.
///
/// `rescored` says whether a record had a pair scored by this run, for the count of kept clusters
/// that were scored again.
fn stable_cluster_ids(
    conn: &rusqlite::Connection,
    clusters: &[Cluster],
    rescored: &dyn Fn(RecordId) -> bool,
) -> rusqlite::Result<(Vec<u32>, ClusterChanges, Vec<u32>)> {
    let mut previous: FastHashMap<Vec<u32>, u32> = FastHashMap::default();
    {
        let mut stmt =
            conn.prepare("SELECT cluster_id, record_id FROM cluster_members ORDER BY cluster_id, record_id")?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(u32, Vec<u32>)> = None;
        while let Some(row) = rows.next()? {
            let (cluster, record): (u32, u32) = (row.get(0)?, row.get(1)?);
            match &mut current {
                Some((id, members)) if *id == cluster => members.push(record),
                _ => {
                    if let Some((id, members)) = current.take() {
                        previous.insert(members, id);
                    }
                    current = Some((cluster, vec![record]));
                }
            }
        }
        if let Some((id, members)) = current {
            previous.insert(members, id);
        }
    }
    let high: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [META_CLUSTER_ID_HIGH], |r| {
            r.get(0)
        })
        .optional()?;
    let mut next = high
        .and_then(|h| h.parse::<u32>().ok())
        .unwrap_or(0)
        .max(previous.values().copied().max().unwrap_or(0))
        + 1;
    let mut changes = ClusterChanges::default();
    let ids: Vec<u32> = clusters
        .iter()
        .map(|cluster| {
            let members: Vec<u32> = cluster.record_ids.iter().map(|id| id.0).collect();
            match previous.get(&members) {
                Some(&id) => {
                    if cluster.record_ids.iter().any(|&r| rescored(r)) {
                        changes.n_rescored += 1;
                    } else {
                        changes.n_unchanged += 1;
                    }
                    id
                }
                None => {
                    changes.n_new += 1;
                    next += 1;
                    next - 1
                }
            }
        })
        .collect();
    changes.n_resolved = previous.len() as u64 - changes.n_rescored - changes.n_unchanged;
    crate::store::set_meta_on(conn, META_CLUSTER_ID_HIGH, &(next - 1).to_string())?;
    Ok((ids, changes, previous.into_values().collect()))
}

/// γ of each comparison, comma-separated, as saved with a pair (and with a rejection).
pub(crate) fn gamma_text(vector: &crate::comparison::ComparisonVector, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    for c in 0..N_COMPARISONS {
        if c > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", vector.gamma[c].0);
    }
}

/// One scan run as recorded (`unico scan --history`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanRunRow {
    /// Scan id.
    pub id: i64,
    /// `full` or `delta`.
    pub kind: String,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Started at.
    pub started_at: String,
    /// Finished at.
    pub finished_at: Option<String>,
    /// Active records.
    pub n_records: u64,
    /// Records compared.
    pub n_records_compared: u64,
    /// Candidate pairs.
    pub n_candidate_pairs: u64,
    /// Pairs scored by the run.
    pub n_pairs_scored: u64,
    /// Clusters.
    pub n_clusters: u64,
    /// New clusters.
    pub n_clusters_new: u64,
    /// Kept clusters scored again.
    pub n_clusters_rescored: u64,
    /// Clusters gone.
    pub n_clusters_resolved: u64,
    /// Rejected pairs proposed again.
    pub n_pairs_raised_again: u64,
    /// Why not a delta.
    pub full_reason: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// What a finished scan saves besides its pairs.
pub struct ScanOutcome<'a> {
    /// The run.
    pub run: &'a ScanRun,
    /// The model scored with.
    pub model: &'a Model,
    /// The review threshold.
    pub threshold_match_probability: f64,
    /// Names of the blocking rules of a bit set.
    pub rule_names: &'a dyn Fn(u16) -> String,
    /// Rejected pairs proposed again, with when they were rejected.
    pub raised_again: &'a RaisedAgain,
    /// Figures.
    pub figures: &'a ScanFigures,
}

impl Store {
    /// Records that a scan starts (a killed scan stays recorded as `running` until the next
    /// one marks it `failed`), and returns its id.
    pub fn begin_scan(&mut self, started_at: &str) -> Result<i64> {
        let tx = super::immediate(&mut self.conn)?;
        // One scan at a time (the CLI holds a lock): a scan still `running` was killed.
        tx.execute(
            "UPDATE scans SET status = 'failed', error = 'interrupted' WHERE status = 'running'",
            [],
        )?;
        tx.execute(
            "INSERT INTO scans (started_at, status, threshold_match_probability, model) VALUES (?1, 'running', 0, '')",
            [started_at],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Records that a scan failed, and why (unless its results were committed already: a
    /// failure after that, such as the monitor's, leaves it done).
    pub fn fail_scan(&self, scan_id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE scans SET status = 'failed', finished_at = ?2, error = ?3 WHERE id = ?1 AND status = 'running'",
            params![scan_id, now_timestamp(), error],
        )?;
        Ok(())
    }

    /// Replaces the results of the previous scan with these, in one transaction: an interrupted
    /// save leaves the previous results intact.
    pub fn save_scan(
        &mut self,
        scan_id: i64,
        outcome: &ScanOutcome,
        predictions: &[PairwisePrediction],
        clusters: &[Cluster],
        tf: &TermFrequencies,
    ) -> Result<ClusterChanges> {
        self.without_foreign_keys(|store| store.save_scan_in_transaction(scan_id, outcome, predictions, clusters, tf))
    }

    /// Runs a scan's save without checking foreign keys row by row. The rows a save writes refer
    /// only to records read from this database and to the scan and clusters written alongside
    /// (and clusters are rewritten while pairs still refer to them): checking each of hundreds of
    /// thousands of rows against its parents cost a third of the save. Foreign keys are enforced
    /// again as soon as the save ends, whatever its outcome.
    fn without_foreign_keys<T>(&mut self, save: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let saved = save(self);
        self.conn.pragma_update(None, "foreign_keys", true)?;
        saved
    }

    fn save_scan_in_transaction(
        &mut self,
        scan_id: i64,
        outcome: &ScanOutcome,
        predictions: &[PairwisePrediction],
        clusters: &[Cluster],
        tf: &TermFrequencies,
    ) -> Result<ClusterChanges> {
        let table: ScoringTable = outcome.model.scoring_table();
        let tx = super::immediate(&mut self.conn)?;
        let started = std::time::Instant::now();
        let (ids, changes, _) = stable_cluster_ids(&tx, clusters, &|_| true)?;
        tx.execute_batch(
            "DELETE FROM pairs; DELETE FROM cluster_members; DELETE FROM clusters; DELETE FROM term_frequencies;",
        )?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "previous results deleted");
        let cluster_of = insert_clusters(&tx, scan_id, clusters, &ids)?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "clusters saved");
        insert_pairs(&tx, scan_id, outcome, &table, predictions, &|l, p| {
            cluster_of
                .get(&l)
                .copied()
                .filter(|_| p >= outcome.threshold_match_probability)
        })?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "pairs saved");
        {
            let mut insert_tf =
                tx.prepare_cached("INSERT INTO term_frequencies (kind, term, n) VALUES (?1, ?2, ?3)")?;
            for (kind, term, n) in tf.counts() {
                insert_tf.execute(params![kind.as_str(), term, n])?;
            }
        }
        crate::store::set_meta_on(&tx, crate::store::META_TF_N_RECORDS, &tf.n_records().to_string())?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "term frequencies saved");
        finish_scan(&tx, scan_id, outcome, &changes, clusters.len())?;
        tx.commit()?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "committed");
        Ok(changes)
    }

    /// Saves a delta scan, in one transaction: takes out the pairs no longer candidates and
    /// those scored again, puts in the newly scored ones, and clusters the pairs saved now. The
    /// term frequencies stay those of the full scan the model was estimated with.
    pub fn save_delta_scan(
        &mut self,
        scan_id: i64,
        outcome: &ScanOutcome,
        removed: &[(RecordId, RecordId)],
        predictions: &[PairwisePrediction],
    ) -> Result<(ClusterChanges, u64, u64)> {
        self.without_foreign_keys(|store| store.save_delta_scan_in_transaction(scan_id, outcome, removed, predictions))
    }

    fn save_delta_scan_in_transaction(
        &mut self,
        scan_id: i64,
        outcome: &ScanOutcome,
        removed: &[(RecordId, RecordId)],
        predictions: &[PairwisePrediction],
    ) -> Result<(ClusterChanges, u64, u64)> {
        let table: ScoringTable = outcome.model.scoring_table();
        let started = std::time::Instant::now();
        let lap = |step: &str| tracing::debug!(seconds = started.elapsed().as_secs_f64(), step, "delta saving");
        let tx = super::immediate(&mut self.conn)?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM pairs WHERE record_id_l = ?1 AND record_id_r = ?2")?;
            for (l, r) in removed {
                delete.execute(params![l.0, r.0])?;
            }
        }
        lap("pairs deleted");
        insert_pairs(&tx, scan_id, outcome, &table, predictions, &|_, _| None)?;
        lap("pairs inserted");
        // Cluster what is saved now, and give each pair its cluster where that changed.
        let mut saved: Vec<(RecordId, RecordId, f64, Option<u32>)> = Vec::new();
        {
            let mut stmt =
                tx.prepare_cached("SELECT record_id_l, record_id_r, match_probability, cluster_id FROM pairs")?;
            let rows = stmt.query_map([], |row| {
                Ok((RecordId(row.get(0)?), RecordId(row.get(1)?), row.get(2)?, row.get(3)?))
            })?;
            for row in rows {
                saved.push(row?);
            }
        }
        lap("pairs read");
        let edges: Vec<crate::cluster::Edge> = saved.iter().map(|&(l, r, p, _)| (l, r, p)).collect();
        let clusters = crate::cluster::cluster_edges(&edges, outcome.threshold_match_probability);
        // Records with a pair scored again, new, or taken out: their clusters' best probability
        // may have changed.
        let rescored: FastHashSet<RecordId> = predictions
            .iter()
            .flat_map(|p| [p.pair.record_id_l, p.pair.record_id_r])
            .chain(removed.iter().flat_map(|&(l, r)| [l, r]))
            .collect();
        let (ids, changes, previous) = stable_cluster_ids(&tx, &clusters, &|r| rescored.contains(&r))?;
        lap("clustered");
        // Only the clusters that changed are written: most of a night's queue is as it was.
        let now: FastHashSet<u32> = ids.iter().copied().collect();
        let kept: FastHashSet<u32> = previous.iter().copied().filter(|id| now.contains(id)).collect();
        {
            let mut delete_members = tx.prepare_cached("DELETE FROM cluster_members WHERE cluster_id = ?1")?;
            let mut delete_cluster = tx.prepare_cached("DELETE FROM clusters WHERE id = ?1")?;
            for id in previous.iter().filter(|id| !kept.contains(id)) {
                delete_members.execute([id])?;
                delete_cluster.execute([id])?;
            }
            let mut update_cluster =
                tx.prepare_cached("UPDATE clusters SET scan_id = ?2, max_match_probability = ?3 WHERE id = ?1")?;
            for (cluster, id) in clusters.iter().zip(&ids) {
                if kept.contains(id) && cluster.record_ids.iter().any(|r| rescored.contains(r)) {
                    update_cluster.execute(params![id, scan_id, cluster.max_match_probability])?;
                }
            }
        }
        let (new_clusters, new_ids): (Vec<Cluster>, Vec<u32>) = clusters
            .iter()
            .zip(&ids)
            .filter(|(_, id)| !kept.contains(id))
            .map(|(cluster, id)| (cluster.clone(), *id))
            .unzip();
        insert_clusters(&tx, scan_id, &new_clusters, &new_ids)?;
        let cluster_of: FastHashMap<RecordId, u32> = clusters
            .iter()
            .zip(&ids)
            .flat_map(|(cluster, &id)| cluster.record_ids.iter().map(move |r| (*r, id)))
            .collect();
        {
            let mut update =
                tx.prepare_cached("UPDATE pairs SET cluster_id = ?3 WHERE record_id_l = ?1 AND record_id_r = ?2")?;
            for &(l, r, p, before) in &saved {
                let now = cluster_of
                    .get(&l)
                    .copied()
                    .filter(|_| p >= outcome.threshold_match_probability);
                if now != before {
                    update.execute(params![l.0, r.0, now])?;
                }
            }
        }
        lap("clusters written");
        finish_scan(&tx, scan_id, outcome, &changes, clusters.len())?;
        tx.commit()?;
        lap("committed");
        Ok((changes, saved.len() as u64, clusters.len() as u64))
    }

    /// The latest successful scan, if any.
    pub fn latest_scan(&self) -> Result<Option<ScanInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, finished_at, n_records, n_candidate_pairs, n_pairs_saved, n_clusters,
                    threshold_match_probability, model, kind, records_seq
             FROM scans WHERE status = 'done' ORDER BY id DESC LIMIT 1",
        )?;
        let row = stmt
            .query_row([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    ScanFigures {
                        n_records: row.get(2)?,
                        n_candidate_pairs: row.get(3)?,
                        n_pairs_saved: row.get(4)?,
                        n_clusters: row.get(5)?,
                    },
                    row.get::<_, f64>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                    row.get::<_, i64>(9)?,
                ))
            })
            .optional()?;
        let Some((id, finished_at, figures, threshold_match_probability, model_json, kind, records_seq)) = row else {
            return Ok(None);
        };
        let model: Model = serde_json::from_str(&model_json)
            .map_err(|e| crate::error::Error::Internal(format!("scan {id}: saved model: {e}")))?;
        // A scan saved by another version of unico may have other comparisons.
        model.check().map_err(|e| {
            crate::error::UserError::NotReady(format!(
                "the latest scan was made by another version of unico ({e}): run `unico scan` again"
            ))
        })?;
        Ok(Some(ScanInfo {
            id,
            finished_at,
            figures,
            threshold_match_probability,
            model,
            kind: if kind == "delta" {
                ScanKind::Delta
            } else {
                ScanKind::Full
            },
            records_seq,
        }))
    }

    /// Saved pairs with `match_probability >= min_probability`, best cluster first, then by
    /// probability.
    pub fn saved_pairs(&self, min_probability: f64) -> Result<Vec<SavedPair>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record_id_l, p.record_id_r, l.sns_number, r.sns_number, p.match_weight, p.match_probability,
                    p.gamma, p.partial_weights, p.blocking_rules, p.cluster_id, p.rejected_at
             FROM pairs p JOIN records l ON l.id = p.record_id_l JOIN records r ON r.id = p.record_id_r
                  LEFT JOIN clusters c ON c.id = p.cluster_id
             WHERE p.match_probability >= ?1
             ORDER BY p.cluster_id IS NULL, c.max_match_probability DESC,
                      (SELECT MIN(record_id) FROM cluster_members m WHERE m.cluster_id = p.cluster_id),
                      p.match_probability DESC, p.record_id_l, p.record_id_r",
        )?;
        let rows = stmt.query_map([min_probability], saved_pair_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pairs of one cluster of the latest scan (read through its members, not the whole
    /// table: what a cluster page needs).
    pub fn cluster_pairs(&self, cluster_id: u32) -> Result<Vec<SavedPair>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record_id_l, p.record_id_r, l.sns_number, r.sns_number, p.match_weight, p.match_probability,
                    p.gamma, p.partial_weights, p.blocking_rules, p.cluster_id, p.rejected_at
             FROM cluster_members m JOIN pairs p ON p.record_id_l = m.record_id
                  JOIN records l ON l.id = p.record_id_l JOIN records r ON r.id = p.record_id_r
             WHERE m.cluster_id = ?1 AND p.cluster_id = ?1
             ORDER BY p.match_probability DESC, p.record_id_l, p.record_id_r",
        )?;
        let rows = stmt.query_map([cluster_id], saved_pair_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Members of each cluster of the latest scan, by cluster id.
    pub fn cluster_members(&self) -> Result<Vec<(u32, RecordId)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT cluster_id, record_id FROM cluster_members ORDER BY cluster_id, record_id")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, RecordId(row.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The records of every saved pair, and whether it is a rejected pair proposed again.
    pub fn saved_pair_keys(&self) -> Result<Vec<(RecordId, RecordId, bool)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record_id_l, record_id_r, rejected_at IS NOT NULL FROM pairs")?;
        let rows = stmt.query_map([], |r| Ok((RecordId(r.get(0)?), RecordId(r.get(1)?), r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The runs of the scans, newest first (at most `limit`).
    pub fn scan_runs(&self, limit: usize) -> Result<Vec<ScanRunRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, status, started_at, finished_at, n_records, n_records_compared, n_candidate_pairs,
                    n_pairs_scored, n_clusters, n_clusters_new, n_clusters_rescored, n_clusters_resolved,
                    n_pairs_raised_again, full_reason, error
             FROM scans ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(ScanRunRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                status: r.get(2)?,
                started_at: r.get(3)?,
                finished_at: r.get(4)?,
                n_records: r.get(5)?,
                n_records_compared: r.get(6)?,
                n_candidate_pairs: r.get(7)?,
                n_pairs_scored: r.get(8)?,
                n_clusters: r.get(9)?,
                n_clusters_new: r.get(10)?,
                n_clusters_rescored: r.get(11)?,
                n_clusters_resolved: r.get(12)?,
                n_pairs_raised_again: r.get(13)?,
                full_reason: r.get(14)?,
                error: r.get(15)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The term frequencies saved by the latest scan.
    pub fn term_frequencies(&self) -> Result<TermFrequencies> {
        let n_records: u64 = self
            .meta(crate::store::META_TF_N_RECORDS)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut stmt = self.conn.prepare_cached("SELECT kind, term, n FROM term_frequencies")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, u32>(2)?,
            ))
        })?;
        let mut counts = Vec::new();
        for row in rows {
            let (kind, term, n) = row?;
            if let Some(kind) = TermKind::parse(&kind) {
                counts.push((kind, term, n));
            }
        }
        Ok(TermFrequencies::from_counts(n_records, counts))
    }
}

/// Writes the clusters with their ids; returns each member's cluster.
fn insert_clusters(
    tx: &rusqlite::Transaction,
    scan_id: i64,
    clusters: &[Cluster],
    ids: &[u32],
) -> rusqlite::Result<std::collections::HashMap<RecordId, u32>> {
    let mut cluster_of = std::collections::HashMap::new();
    let mut insert_cluster = tx.prepare_cached(
        "INSERT INTO clusters (id, scan_id, n_records, max_match_probability) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut insert_member = tx.prepare_cached("INSERT INTO cluster_members (cluster_id, record_id) VALUES (?1, ?2)")?;
    for (cluster, &cluster_id) in clusters.iter().zip(ids) {
        insert_cluster.execute(params![
            cluster_id,
            scan_id,
            cluster.record_ids.len(),
            cluster.max_match_probability
        ])?;
        for id in &cluster.record_ids {
            insert_member.execute(params![cluster_id, id.0])?;
            cluster_of.insert(*id, cluster_id);
        }
    }
    Ok(cluster_of)
}

/// Writes scored pairs (replacing a saved one of the same records), each with the cluster
/// `cluster_of(left record, probability)` gives.
fn insert_pairs(
    tx: &rusqlite::Transaction,
    scan_id: i64,
    outcome: &ScanOutcome,
    table: &ScoringTable,
    predictions: &[PairwisePrediction],
    cluster_of: &dyn Fn(RecordId, f64) -> Option<u32>,
) -> rusqlite::Result<()> {
    let mut insert_pair = tx.prepare_cached(
        "INSERT OR REPLACE INTO pairs (record_id_l, record_id_r, scan_id, match_weight, match_probability, gamma,
                                       partial_weights, blocking_rules, cluster_id, rejected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut gamma = String::with_capacity(32);
    let mut weights = String::with_capacity(64);
    // Built in reused buffers: this loop runs once per saved pair.
    let mut rule_names_cache: std::collections::HashMap<u16, String> = std::collections::HashMap::new();
    for prediction in predictions {
        use std::fmt::Write as _;
        gamma_text(&prediction.vector, &mut gamma);
        weights.clear();
        for c in 0..N_COMPARISONS {
            if c > 0 {
                weights.push(',');
            }
            let _ = write!(weights, "{:.3}", table.partial_weight(c, &prediction.vector));
        }
        let rules = rule_names_cache
            .entry(prediction.pair.rules)
            .or_insert_with(|| (outcome.rule_names)(prediction.pair.rules));
        let (l, r) = (prediction.pair.record_id_l, prediction.pair.record_id_r);
        insert_pair.execute(params![
            l.0,
            r.0,
            scan_id,
            prediction.match_weight,
            prediction.match_probability,
            gamma,
            weights,
            rules.as_str(),
            cluster_of(l, prediction.match_probability),
            outcome.raised_again.get(&(l, r))
        ])?;
    }
    Ok(())
}

/// Marks the scan done with its figures, and dates the pairs first proposed now.
fn finish_scan(
    tx: &rusqlite::Transaction,
    scan_id: i64,
    outcome: &ScanOutcome,
    changes: &ClusterChanges,
    n_clusters: usize,
) -> Result<()> {
    // A pair this scan raises again that a reviewer rejected anew while the scan ran (the
    // rejection's date is not the one the scan read) stays rejected.
    tx.execute(
        "UPDATE pairs SET rejected_at = NULL
         WHERE rejected_at IS NOT NULL AND EXISTS (
             SELECT 1 FROM rejected_pairs r
             WHERE r.record_id_l = pairs.record_id_l AND r.record_id_r = pairs.record_id_r
               AND r.rejected_at != pairs.rejected_at)",
        [],
    )?;
    let model_json = serde_json::to_string(outcome.model).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    let (run, figures) = (outcome.run, outcome.figures);
    let started_at: String = tx.query_row("SELECT started_at FROM scans WHERE id = ?1", [scan_id], |r| r.get(0))?;
    tx.execute(
        "UPDATE scans SET finished_at = ?2, status = 'done', n_records = ?3, n_candidate_pairs = ?4,
                n_pairs_saved = (SELECT COUNT(*) FROM pairs), n_clusters = ?5, threshold_match_probability = ?6,
                model = ?7, kind = ?8, full_reason = ?9, records_seq = ?10, n_records_compared = ?11,
                n_pairs_scored = ?12, n_clusters_new = ?13, n_clusters_rescored = ?14, n_clusters_resolved = ?15,
                n_pairs_raised_again = ?16
         WHERE id = ?1",
        params![
            scan_id,
            now_timestamp(),
            figures.n_records,
            figures.n_candidate_pairs,
            n_clusters,
            outcome.threshold_match_probability,
            model_json,
            run.kind.as_str(),
            run.full_reason,
            run.records_seq,
            run.n_records_compared,
            run.n_pairs_scored,
            changes.n_new,
            changes.n_rescored,
            changes.n_resolved,
            run.n_pairs_raised_again
        ],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO pair_first_seen (record_id_l, record_id_r, first_seen)
         SELECT record_id_l, record_id_r, ?1 FROM pairs WHERE cluster_id IS NOT NULL",
        [started_at],
    )?;
    Ok(())
}

/// A saved pair from a row of the columns `saved_pairs` and `cluster_pairs` select.
fn saved_pair_from_row(row: &rusqlite::Row) -> rusqlite::Result<SavedPair> {
    let parse_nnu = |text: String| {
        text.parse::<Nnu>()
            .unwrap_or(Nnu::from_u32(0).expect("0 is below 10^9"))
    };
    let gamma: String = row.get(6)?;
    let weights: String = row.get(7)?;
    Ok(SavedPair {
        record_id_l: RecordId(row.get(0)?),
        record_id_r: RecordId(row.get(1)?),
        sns_number_l: parse_nnu(row.get(2)?),
        sns_number_r: parse_nnu(row.get(3)?),
        match_weight: row.get(4)?,
        match_probability: row.get(5)?,
        gamma: gamma
            .split(',')
            .filter_map(|g| g.parse().ok())
            .map(ComparisonVectorValue)
            .collect(),
        partial_weights: weights.split(',').filter_map(|w| w.parse().ok()).collect(),
        blocking_rules: row.get(8)?,
        cluster_id: row.get(9)?,
        rejected_at: row.get(10)?,
    })
}
