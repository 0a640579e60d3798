//! The review queue: the clusters of the latest scan that still need a decision, as a person
//! may see them.
//!
//! Consumes the latest scan's clusters and pairs, the records as they are now, and the decisions
//! taken since (merges, rejections, deferrals); produces [`QueueCluster`]s, best first.
//!
//! **Invariants:**
//! - a pair with a merged record or a rejected pair is never in the queue;
//! - a cluster whose remaining pairs are all deferred stays out of the queue until a deferral
//!   runs out or the cluster gains a pair that is not deferred;
//! - a person sees a cluster only when at least one of its active records is registered in one
//!   of their institutions.

pub mod actions;
pub mod present;

use std::collections::{HashMap, HashSet};

use crate::error::Result;
use crate::merge::suggested_principal;
use crate::record::{Date, Nnu, PatientRecord, RecordId, Status};
use crate::store::merges::ordered;
use crate::store::predictions::SavedPair;
use crate::store::records::StoredRecord;
use crate::store::{today, Store};

/// A cluster waiting for a decision.
#[derive(Clone, Debug)]
pub struct QueueCluster {
    /// The cluster's id in the latest scan.
    pub id: u32,
    /// Its active records, by NNU.
    pub records: Vec<StoredRecord>,
    /// Its pairs still open (both records active, not rejected), best first.
    pub pairs: Vec<SavedPair>,
    /// Pairs of its records rejected before as not the same person (shown; a merge of both is
    /// refused).
    pub rejected: Vec<(Nnu, Nnu)>,
    /// Best match probability among the open pairs.
    pub max_probability: f64,
    /// When its oldest open pair was first proposed (RFC 3339).
    pub first_seen: Option<String>,
    /// Every open pair is deferred by the viewer.
    pub deferred: bool,
}

impl QueueCluster {
    /// The suggested principal's index in `records`, and why.
    pub fn suggestion(&self) -> Option<(usize, String)> {
        let records: Vec<&PatientRecord> = self.records.iter().map(|r| &r.record).collect();
        suggested_principal(&records)
    }

    /// The registration units of its records, sorted, each once.
    pub fn units(&self) -> Vec<&str> {
        let mut units: Vec<&str> = self
            .records
            .iter()
            .filter_map(|r| r.record.registration_unit.as_deref())
            .collect();
        units.sort_unstable();
        units.dedup();
        units
    }

    /// Days since the cluster was first proposed.
    pub fn waiting_days(&self, today: Date) -> Option<i32> {
        let first = self.first_seen.as_deref()?.get(..10)?;
        Date::parse(first)
            .ok()
            .map(|d| today.days_since_epoch() - d.days_since_epoch())
    }
}

/// Which clusters to list.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only clusters with a record registered in this unit.
    pub unit: Option<String>,
    /// Best probability at least this.
    pub min_probability: Option<f64>,
    /// Best probability at most this.
    pub max_probability: Option<f64>,
    /// Waiting at least this many days.
    pub min_waiting_days: Option<i32>,
    /// Some record's age (years, today) within this band.
    pub patient_age: Option<(i32, i32)>,
    /// List the clusters the viewer deferred instead of the others.
    pub deferred: bool,
}

/// The queue as `visible` lets the person `viewer` see it, best first (probability, then size,
/// then id).
pub fn queue(
    store: &Store,
    filter: &QueueFilter,
    viewer: &str,
    visible: &dyn Fn(&PatientRecord) -> bool,
) -> Result<Vec<QueueCluster>> {
    let Some(scan) = store.latest_scan()? else {
        return Ok(Vec::new());
    };
    let mut clusters = open_clusters(store, scan.threshold_match_probability, None, viewer)?;
    let today = today();
    clusters.retain(|c| {
        c.deferred == filter.deferred
            && c.records.iter().any(|r| visible(&r.record))
            && filter.unit.as_deref().is_none_or(|unit| {
                c.records
                    .iter()
                    .any(|r| r.record.registration_unit.as_deref() == Some(unit))
            })
            && filter.min_probability.is_none_or(|p| c.max_probability >= p)
            && filter.max_probability.is_none_or(|p| c.max_probability <= p)
            && filter
                .min_waiting_days
                .is_none_or(|days| c.waiting_days(today).is_some_and(|w| w >= days))
            && filter.patient_age.is_none_or(|(lo, hi)| {
                c.records.iter().any(|r| {
                    r.record
                        .birth_date
                        .valid()
                        .is_some_and(|b| (lo..=hi).contains(&b.years_until(today)))
                })
            })
    });
    Ok(clusters)
}

/// One cluster of the latest scan as it stands now, if it still has an open pair.
pub fn cluster(store: &Store, id: u32, viewer: &str) -> Result<Option<QueueCluster>> {
    let Some(scan) = store.latest_scan()? else {
        return Ok(None);
    };
    Ok(open_clusters(store, scan.threshold_match_probability, Some(id), viewer)?.pop())
}

fn open_clusters(store: &Store, threshold: f64, only: Option<u32>, viewer: &str) -> Result<Vec<QueueCluster>> {
    let mut pairs_by_cluster: HashMap<u32, Vec<SavedPair>> = HashMap::new();
    let pairs = match only {
        Some(id) => store.cluster_pairs(id)?,
        None => store.saved_pairs(threshold)?,
    };
    for pair in pairs {
        if let Some(id) = pair.cluster_id {
            pairs_by_cluster.entry(id).or_default().push(pair);
        }
    }
    let rejected: HashSet<(RecordId, RecordId)> = store.standing_rejected_pairs()?;
    let deferred: HashSet<(RecordId, RecordId)> = store
        .deferred_pairs(viewer, &today().to_string())?
        .into_iter()
        .collect();
    let first_seen: HashMap<(RecordId, RecordId), String> = store.pairs_first_seen()?.into_iter().collect();
    let mut ids: Vec<RecordId> = pairs_by_cluster
        .values()
        .flatten()
        .flat_map(|p| [p.record_id_l, p.record_id_r])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let records: HashMap<RecordId, StoredRecord> = store
        .stored_records_by_id(&ids)?
        .into_iter()
        .map(|r| (r.record.id, r))
        .collect();
    let active = |id: &RecordId| records.get(id).is_some_and(|r| r.status == Status::Active);
    let mut clusters = Vec::new();
    for (id, pairs) in pairs_by_cluster {
        let open: Vec<SavedPair> = pairs
            .into_iter()
            .filter(|p| {
                active(&p.record_id_l) && active(&p.record_id_r) && !rejected.contains(&(p.record_id_l, p.record_id_r))
            })
            .collect();
        if open.is_empty() {
            continue;
        }
        let mut members: Vec<RecordId> = open.iter().flat_map(|p| [p.record_id_l, p.record_id_r]).collect();
        members.sort_unstable();
        members.dedup();
        let mut cluster_records: Vec<StoredRecord> = members.iter().filter_map(|id| records.get(id).cloned()).collect();
        cluster_records.sort_by_key(|r| r.record.sns_number);
        let key = |p: &SavedPair| (p.record_id_l, p.record_id_r);
        clusters.push(QueueCluster {
            id,
            max_probability: open.iter().map(|p| p.match_probability).fold(0.0, f64::max),
            first_seen: open.iter().filter_map(|p| first_seen.get(&key(p))).min().cloned(),
            deferred: open.iter().all(|p| deferred.contains(&key(p))),
            rejected: cluster_records
                .iter()
                .enumerate()
                .flat_map(|(i, a)| cluster_records[i + 1..].iter().map(move |b| (a, b)))
                .filter(|(a, b)| rejected.contains(&ordered(a.record.id, b.record.id)))
                .map(|(a, b)| (a.record.sns_number, b.record.sns_number))
                .collect(),
            records: cluster_records,
            pairs: open,
        });
    }
    clusters.sort_by(|a, b| {
        b.max_probability
            .total_cmp(&a.max_probability)
            .then(b.records.len().cmp(&a.records.len()))
            .then(a.id.cmp(&b.id))
    });
    Ok(clusters)
}
