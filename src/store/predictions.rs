//! Owner of the `scans`, `pairs`, `clusters`, `cluster_members` and `term_frequencies` tables.

use rusqlite::{params, OptionalExtension};

use super::{now_timestamp, Store};
use crate::cluster::Cluster;
use crate::comparison::term_frequencies::TermKind;
use crate::comparison::{ComparisonVectorValue, TermFrequencies, N_COMPARISONS};
use crate::error::Result;
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
}

/// Meta key: the highest cluster id ever given (ids are never given twice).
const META_CLUSTER_ID_HIGH: &str = "cluster_id_high";

/// The ids of this scan's clusters: a cluster with exactly the members of one of the previous
/// scan's keeps its id (a supervisor's queue does not reshuffle overnight); any other gets an id
/// never used before. On a first scan they are 1, 2, … in rank order.
fn stable_cluster_ids(conn: &rusqlite::Connection, clusters: &[Cluster]) -> rusqlite::Result<Vec<u32>> {
    let mut previous: std::collections::HashMap<Vec<u32>, u32> = std::collections::HashMap::new();
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
    let ids: Vec<u32> = clusters
        .iter()
        .map(|cluster| {
            let members: Vec<u32> = cluster.record_ids.iter().map(|id| id.0).collect();
            previous.get(&members).copied().unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect();
    crate::store::set_meta_on(conn, META_CLUSTER_ID_HIGH, &(next - 1).to_string())?;
    Ok(ids)
}

impl Store {
    /// Replaces the results of the previous scan with these, in one transaction: an interrupted
    /// save leaves the previous results intact.
    #[allow(clippy::too_many_arguments)]
    pub fn save_scan(
        &mut self,
        started_at: &str,
        model: &Model,
        threshold_match_probability: f64,
        predictions: &[PairwisePrediction],
        rule_names: &dyn Fn(u16) -> String,
        clusters: &[Cluster],
        tf: &TermFrequencies,
        figures: &ScanFigures,
    ) -> Result<i64> {
        let table: ScoringTable = model.scoring_table();
        let model_json = serde_json::to_string(model).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        // The rows written here refer only to records read from this database and to the scan
        // and clusters written alongside: checking each of hundreds of thousands of rows against
        // its parents (and every deleted cluster against its children) cost a third of the save.
        // Foreign keys are enforced again as soon as the transaction ends, whatever its outcome.
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let saved = self.save_scan_in_transaction(
            started_at,
            &model_json,
            &table,
            threshold_match_probability,
            predictions,
            rule_names,
            clusters,
            tf,
            figures,
        );
        self.conn.pragma_update(None, "foreign_keys", true)?;
        saved
    }

    #[allow(clippy::too_many_arguments)]
    fn save_scan_in_transaction(
        &mut self,
        started_at: &str,
        model_json: &str,
        table: &ScoringTable,
        threshold_match_probability: f64,
        predictions: &[PairwisePrediction],
        rule_names: &dyn Fn(u16) -> String,
        clusters: &[Cluster],
        tf: &TermFrequencies,
        figures: &ScanFigures,
    ) -> Result<i64> {
        let tx = super::immediate(&mut self.conn)?;
        tx.execute(
            "INSERT INTO scans (started_at, finished_at, status, n_records, n_candidate_pairs, n_pairs_saved,
                                n_clusters, threshold_match_probability, model)
             VALUES (?1, ?2, 'done', ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                started_at,
                now_timestamp(),
                figures.n_records,
                figures.n_candidate_pairs,
                figures.n_pairs_saved,
                figures.n_clusters,
                threshold_match_probability,
                model_json
            ],
        )?;
        let scan_id = tx.last_insert_rowid();
        let started = std::time::Instant::now();
        let ids = stable_cluster_ids(&tx, clusters)?;
        tx.execute_batch(
            "DELETE FROM pairs; DELETE FROM cluster_members; DELETE FROM clusters; DELETE FROM term_frequencies;",
        )?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "previous results deleted");
        let mut cluster_of = std::collections::HashMap::new();
        {
            let mut insert_cluster = tx.prepare_cached(
                "INSERT INTO clusters (id, scan_id, n_records, max_match_probability) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut insert_member =
                tx.prepare_cached("INSERT INTO cluster_members (cluster_id, record_id) VALUES (?1, ?2)")?;
            for (cluster, &cluster_id) in clusters.iter().zip(&ids) {
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
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "clusters saved");
            let mut insert_pair = tx.prepare_cached(
                "INSERT INTO pairs (record_id_l, record_id_r, scan_id, match_weight, match_probability, gamma,
                                    partial_weights, blocking_rules, cluster_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut gamma = String::with_capacity(32);
            let mut weights = String::with_capacity(64);
            // Built in reused buffers: this loop runs once per saved pair.
            let mut rule_names_cache: std::collections::HashMap<u16, String> = std::collections::HashMap::new();
            for prediction in predictions {
                use std::fmt::Write as _;
                gamma.clear();
                weights.clear();
                for c in 0..N_COMPARISONS {
                    if c > 0 {
                        gamma.push(',');
                        weights.push(',');
                    }
                    let _ = write!(gamma, "{}", prediction.vector.gamma[c].0);
                    let _ = write!(weights, "{:.3}", table.partial_weight(c, &prediction.vector));
                }
                let rules = rule_names_cache
                    .entry(prediction.pair.rules)
                    .or_insert_with(|| rule_names(prediction.pair.rules));
                let (l, r) = (prediction.pair.record_id_l, prediction.pair.record_id_r);
                let cluster_id = cluster_of
                    .get(&l)
                    .filter(|_| prediction.match_probability >= threshold_match_probability);
                insert_pair.execute(params![
                    l.0,
                    r.0,
                    scan_id,
                    prediction.match_weight,
                    prediction.match_probability,
                    gamma,
                    weights,
                    rules.as_str(),
                    cluster_id
                ])?;
            }
            tracing::debug!(seconds = started.elapsed().as_secs_f64(), "pairs saved");
            let mut insert_tf =
                tx.prepare_cached("INSERT INTO term_frequencies (kind, term, n) VALUES (?1, ?2, ?3)")?;
            for (kind, term, n) in tf.counts() {
                insert_tf.execute(params![kind.as_str(), term, n])?;
            }
        }
        crate::store::set_meta_on(&tx, crate::store::META_TF_N_RECORDS, &tf.n_records().to_string())?;
        tx.execute(
            "INSERT OR IGNORE INTO pair_first_seen (record_id_l, record_id_r, first_seen)
             SELECT record_id_l, record_id_r, ?1 FROM pairs WHERE cluster_id IS NOT NULL",
            [started_at],
        )?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "term frequencies saved");
        tx.commit()?;
        tracing::debug!(seconds = started.elapsed().as_secs_f64(), "committed");
        Ok(scan_id)
    }

    /// The latest successful scan, if any.
    pub fn latest_scan(&self) -> Result<Option<ScanInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, finished_at, n_records, n_candidate_pairs, n_pairs_saved, n_clusters,
                    threshold_match_probability, model
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
                ))
            })
            .optional()?;
        let Some((id, finished_at, figures, threshold_match_probability, model_json)) = row else {
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
        }))
    }

    /// Saved pairs with `match_probability >= min_probability`, best cluster first, then by
    /// probability.
    pub fn saved_pairs(&self, min_probability: f64) -> Result<Vec<SavedPair>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record_id_l, p.record_id_r, l.sns_number, r.sns_number, p.match_weight, p.match_probability,
                    p.gamma, p.partial_weights, p.blocking_rules, p.cluster_id
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
                    p.gamma, p.partial_weights, p.blocking_rules, p.cluster_id
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
    })
}
