//! Clustering: pairs above the review threshold joined into groups of duplicates.
//!
//! Consumes scored pairs; produces [`Cluster`]s, the connected components of the graph whose
//! edges are the pairs with `match_probability >= threshold`, so that a person registered three
//! times is reviewed once. Clusters come best first (highest pair probability, then lowest
//! record id) and are numbered from 1 in that order.
//!
//! **Invariants:** the clusters partition the records that have at least one edge; raising the
//! threshold never joins clusters. No IO; cannot fail.

use crate::hashing::FastHashMap;

use crate::predict::PairwisePrediction;
use crate::record::RecordId;

/// A group of records that are probably one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    /// 1-based, best first.
    pub cluster_id: u32,
    /// Members, sorted by id.
    pub record_ids: Vec<RecordId>,
    /// Highest probability of a pair inside.
    pub max_match_probability: f64,
}

struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Connected components of the pairs at or above `threshold`.
pub fn cluster(predictions: &[PairwisePrediction], threshold: f64) -> Vec<Cluster> {
    let edges: Vec<Edge> = predictions
        .iter()
        .map(|p| (p.pair.record_id_l, p.pair.record_id_r, p.match_probability))
        .collect();
    cluster_edges(&edges, threshold)
}

/// Two records and their match probability.
pub type Edge = (RecordId, RecordId, f64);

/// Connected components of the edges at or above `threshold` (what [`cluster`] does, for
/// pairs read back from the database).
pub fn cluster_edges(edges: &[Edge], threshold: f64) -> Vec<Cluster> {
    let edges: Vec<&Edge> = edges.iter().filter(|e| e.2 >= threshold).collect();
    // Fast hashing: a scan clusters a few hundred thousand records.
    let mut dense: FastHashMap<RecordId, u32> = FastHashMap::default();
    let mut ids: Vec<RecordId> = Vec::new();
    for edge in &edges {
        for id in [edge.0, edge.1] {
            dense.entry(id).or_insert_with(|| {
                ids.push(id);
                (ids.len() - 1) as u32
            });
        }
    }
    let mut union_find = UnionFind {
        parent: (0..ids.len() as u32).collect(),
    };
    for edge in &edges {
        union_find.union(dense[&edge.0], dense[&edge.1]);
    }
    let mut components: FastHashMap<u32, Cluster> = FastHashMap::default();
    for (i, id) in ids.iter().enumerate() {
        let root = union_find.find(i as u32);
        components
            .entry(root)
            .or_insert_with(|| Cluster {
                cluster_id: 0,
                record_ids: Vec::new(),
                max_match_probability: 0.0,
            })
            .record_ids
            .push(*id);
    }
    for edge in &edges {
        let root = union_find.find(dense[&edge.0]);
        let cluster = components
            .get_mut(&root)
            .expect("every edge's records are in a component");
        cluster.max_match_probability = cluster.max_match_probability.max(edge.2);
    }
    let mut clusters: Vec<Cluster> = components.into_values().collect();
    for cluster in &mut clusters {
        cluster.record_ids.sort_unstable();
    }
    clusters.sort_by(|a, b| {
        b.max_match_probability
            .total_cmp(&a.max_match_probability)
            .then(a.record_ids[0].cmp(&b.record_ids[0]))
    });
    for (i, cluster) in clusters.iter_mut().enumerate() {
        cluster.cluster_id = i as u32 + 1;
    }
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocking::CandidatePair;
    use crate::comparison::{ComparisonVector, ComparisonVectorValue, N_COMPARISONS};
    use proptest::prelude::*;

    fn prediction(a: u32, b: u32, p: f64) -> PairwisePrediction {
        PairwisePrediction {
            pair: CandidatePair::new(RecordId(a), RecordId(b), 1),
            vector: ComparisonVector {
                gamma: [ComparisonVectorValue::NULL; N_COMPARISONS],
                term_frequency: [0.0; N_COMPARISONS],
            },
            match_weight: 0.0,
            match_probability: p,
        }
    }

    #[test]
    fn components_best_first() {
        let pairs = [
            prediction(1, 2, 0.95),
            prediction(2, 3, 0.99),
            prediction(7, 8, 0.999),
            prediction(4, 5, 0.5),
        ];
        let clusters = cluster(&pairs, 0.9);
        assert_eq!(clusters.len(), 2);
        assert_eq!(clusters[0].record_ids, vec![RecordId(7), RecordId(8)]);
        assert_eq!(clusters[0].cluster_id, 1);
        assert_eq!(clusters[1].record_ids, vec![RecordId(1), RecordId(2), RecordId(3)]);
    }

    proptest! {
        #[test]
        fn partition_and_monotone(edges in proptest::collection::vec((0u32..30, 0u32..30, 0.0f64..1.0), 0..60), t1 in 0.0f64..1.0, t2 in 0.0f64..1.0) {
            let pairs: Vec<PairwisePrediction> = edges.iter().filter(|(a, b, _)| a != b).map(|&(a, b, p)| prediction(a, b, p)).collect();
            let (low, high) = if t1 < t2 { (t1, t2) } else { (t2, t1) };
            let loose = cluster(&pairs, low);
            let strict = cluster(&pairs, high);
            // A partition: no record in two clusters.
            let mut seen = std::collections::HashSet::new();
            for c in &loose { for id in &c.record_ids { prop_assert!(seen.insert(*id)); } }
            // Raising the threshold never joins: each strict cluster lies inside one loose cluster.
            for c in &strict {
                let owner = loose.iter().find(|l| l.record_ids.contains(&c.record_ids[0]));
                prop_assert!(owner.is_some_and(|l| c.record_ids.iter().all(|id| l.record_ids.contains(id))));
            }
        }
    }
}
