//! Estimating the model from the registry: u from random pairs, m by expectation–maximisation.
//!
//! u: a seeded sample of random record pairs is compared; the share of pairs at each level,
//! smoothed towards the default with a few pseudo-observations, is that level's u.
//!
//! m: expectation–maximisation over the comparison vectors of the candidate pairs, with u
//! fixed (Splink's approach). Identical γ patterns are counted once with their multiplicity, so
//! an iteration costs the number of distinct patterns, not of pairs. Levels marked `fixed_m`
//! keep their default m, and the other levels of that comparison share the rest.
//!
//! The prior λ follows from EM: the expected number of matches among the candidates over the
//! number of all record pairs.

use std::collections::HashMap;

use rayon::prelude::*;

use super::params::{prior_for, Model, TrainingInfo};
use crate::comparison::{compare, ComparableRecord, ComparisonVector, TermFrequencies, N_COMPARISONS};

/// Training options.
#[derive(Clone, Debug)]
pub struct TrainingConfig {
    /// Random pairs compared for u.
    pub n_random_pairs: u64,
    /// Seed of the random pair sample.
    pub seed: u64,
    /// Stop when no m changes by more than this.
    pub em_convergence: f64,
    /// At most this many EM iterations.
    pub max_iterations: u32,
    /// Weight of the default u, in pseudo-observations.
    pub u_pseudo_observations: f64,
}

/// A small deterministic generator (SplitMix64) for the random pair sample.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// Weight of the default m in EM, in matches.
const M_PSEUDO_MATCHES: f64 = 2000.0;

fn default_m(comparison: usize, gamma: i8) -> f64 {
    crate::comparison::COMPARISONS[comparison]
        .level(crate::comparison::ComparisonVectorValue(gamma))
        .map_or(1e-6, |l| l.m_probability)
}

/// Estimates u from random pairs; m and λ stay as they are.
pub fn estimate_u(
    model: &mut Model,
    records: &[ComparableRecord],
    tf: &TermFrequencies,
    config: &TrainingConfig,
) -> u64 {
    if records.len() < 2 {
        return 0;
    }
    let mut rng = SplitMix64(config.seed);
    let pairs: Vec<(usize, usize)> = (0..config.n_random_pairs)
        .map(|_| loop {
            let (a, b) = (rng.below(records.len()), rng.below(records.len()));
            if a != b {
                break (a, b);
            }
        })
        .collect();
    let counts = pairs
        .par_chunks(4096)
        .map(|chunk| {
            let mut counts = [[0u64; 8]; N_COMPARISONS];
            for &(a, b) in chunk {
                let vector = compare(&records[a], &records[b], tf);
                for (c, gamma) in vector.gamma.iter().enumerate() {
                    if !gamma.is_null() {
                        counts[c][gamma.0 as usize] += 1;
                    }
                }
            }
            counts
        })
        .reduce(|| [[0u64; 8]; N_COMPARISONS], add_counts);
    for (c, params) in model.comparisons.iter_mut().enumerate() {
        let n: u64 = counts[c].iter().sum();
        let k = config.u_pseudo_observations;
        for level in &mut params.levels {
            let count = counts[c][level.gamma as usize] as f64;
            level.u_probability = (count + k * level.u_probability) / (n as f64 + k);
        }
    }
    pairs.len() as u64
}

fn add_counts(mut a: [[u64; 8]; N_COMPARISONS], b: [[u64; 8]; N_COMPARISONS]) -> [[u64; 8]; N_COMPARISONS] {
    for (row_a, row_b) in a.iter_mut().zip(b.iter()) {
        for (x, y) in row_a.iter_mut().zip(row_b.iter()) {
            *x += y;
        }
    }
    a
}

/// Estimates m (and λ) by expectation–maximisation on candidate pair vectors, u fixed.
/// Returns the number of iterations and the share of candidates taken for matches.
pub fn estimate_m(
    model: &mut Model,
    vectors: &[ComparisonVector],
    n_records: u64,
    config: &TrainingConfig,
) -> (u32, f64) {
    let mut patterns: HashMap<[i8; N_COMPARISONS], u64> = HashMap::new();
    for vector in vectors {
        *patterns.entry(vector.gamma.map(|g| g.0)).or_default() += 1;
    }
    let mut patterns: Vec<([i8; N_COMPARISONS], u64)> = patterns.into_iter().collect();
    patterns.sort_unstable();
    let n_pairs: u64 = patterns.iter().map(|(_, n)| n).sum();
    if n_pairs == 0 {
        return (0, 0.0);
    }
    // Start from the share of candidates the current model takes for matches.
    let mut lambda: f64 = 0.1;
    let mut iterations = 0;
    for _ in 0..config.max_iterations {
        iterations += 1;
        let mut m_counts = [[0f64; 8]; N_COMPARISONS];
        let mut expected_matches = 0.0;
        for (pattern, n) in &patterns {
            let (mut log_m, mut log_u) = (0.0f64, 0.0f64);
            for (c, &g) in pattern.iter().enumerate() {
                if g >= 0 {
                    let level = &model.comparisons[c].levels.iter().find(|l| l.gamma == g);
                    if let Some(level) = level {
                        log_m += level.m_probability.ln();
                        log_u += level.u_probability.ln();
                    }
                }
            }
            let odds = (lambda / (1.0 - lambda)).ln() + log_m - log_u;
            let p = 1.0 / (1.0 + (-odds).exp());
            let weight = p * *n as f64;
            expected_matches += weight;
            for (c, &g) in pattern.iter().enumerate() {
                if g >= 0 {
                    m_counts[c][g as usize] += weight;
                }
            }
        }
        lambda = (expected_matches / n_pairs as f64).clamp(1e-6, 0.999);
        let mut max_change: f64 = 0.0;
        for (c, params) in model.comparisons.iter_mut().enumerate() {
            let fixed_mass: f64 = params
                .levels
                .iter()
                .filter(|l| l.fixed_m)
                .map(|l| l.m_probability)
                .sum();
            let free_total: f64 = params
                .levels
                .iter()
                .filter(|l| !l.fixed_m)
                .map(|l| m_counts[c][l.gamma as usize])
                .sum();
            if free_total <= 0.0 {
                continue;
            }
            for level in params.levels.iter_mut().filter(|l| !l.fixed_m) {
                // The default m is a prior worth `M_PSEUDO_MATCHES` matches, so that EM refines
                // the defaults rather than wandering off to another class of look-alike pairs
                // (families share names, places and dates); a level never seen among matches
                // keeps a small share rather than zero.
                let default = default_m(c, level.gamma);
                let m = ((m_counts[c][level.gamma as usize] + M_PSEUDO_MATCHES * default)
                    / (free_total + M_PSEUDO_MATCHES * (1.0 - fixed_mass))
                    * (1.0 - fixed_mass))
                    .max(1e-6);
                max_change = max_change.max((m - level.m_probability).abs());
                level.m_probability = m;
            }
        }
        if max_change < config.em_convergence {
            break;
        }
    }
    let expected_matches = lambda * n_pairs as f64;
    let n = n_records.max(2) as f64;
    model.probability_two_random_records_match =
        (expected_matches / (n * (n - 1.0) / 2.0)).clamp(prior_for(n_records, 0.005), 0.5);
    (iterations, lambda)
}

/// Trains a model: u from random pairs, then m and λ by EM on the candidate vectors.
pub fn train(
    mut model: Model,
    records: &[ComparableRecord],
    tf: &TermFrequencies,
    candidate_vectors: &[ComparisonVector],
    config: &TrainingConfig,
    trained_at: String,
) -> Model {
    let n_random_pairs = estimate_u(&mut model, records, tf, config);
    let (em_iterations, lambda) = estimate_m(&mut model, candidate_vectors, records.len() as u64, config);
    model.training = Some(TrainingInfo {
        trained_at,
        n_records: records.len() as u64,
        n_random_pairs,
        n_candidate_pairs: candidate_vectors.len() as u64,
        em_iterations,
        probability_candidate_pair_matches: lambda,
    });
    model
}

/// Estimates λ by expectation–maximisation with m and u fixed: the expected number of
/// duplicate pairs among the scored pairs over the number of all record pairs. Pairs that were
/// not scored (not candidates, or far below any threshold) count as non-matches.
///
/// `partial_weights` are the pairs' match weights without the prior; λ stays within
/// `[low, high]`.
pub fn estimate_prior(partial_weights: &[f64], n_records: u64, mut lambda: f64, low: f64, high: f64) -> f64 {
    let n = n_records.max(2) as f64;
    let n_pairs = n * (n - 1.0) / 2.0;
    for _ in 0..50 {
        let prior = super::match_weight_of_probability(lambda);
        let expected: f64 = partial_weights
            .par_iter()
            .map(|w| super::match_probability(prior + w))
            .sum();
        let next = (expected / n_pairs).clamp(low, high);
        let converged = (next.log2() - lambda.log2()).abs() < 1e-4;
        lambda = next;
        if converged {
            break;
        }
    }
    lambda
}
