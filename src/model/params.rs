//! Model parameters and the scoring table compiled from them.

use serde::{Deserialize, Serialize};

use crate::comparison::{ComparisonVector, COMPARISONS, N_COMPARISONS};

/// Lowest u a term-frequency adjustment may use: bounds the weight of a very rare value.
pub const TF_MIN_U: f64 = 1e-7;

/// m and u of one level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    /// γ.
    pub gamma: i8,
    /// Label.
    pub label: String,
    /// m probability.
    pub m_probability: f64,
    /// u probability.
    pub u_probability: f64,
    /// Weight adjusted by the agreeing value's frequency.
    pub tf_adjusted: bool,
    /// m not trained.
    pub fixed_m: bool,
}

/// The levels of one comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonParams {
    /// Comparison name.
    pub name: String,
    /// Levels, highest γ first.
    pub levels: Vec<LevelParams>,
}

/// How a model was trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// When (RFC 3339).
    pub trained_at: String,
    /// Records in the registry.
    pub n_records: u64,
    /// Random pairs sampled for u.
    pub n_random_pairs: u64,
    /// Candidate pairs used by expectation–maximisation.
    pub n_candidate_pairs: u64,
    /// EM iterations run.
    pub em_iterations: u32,
    /// Share of candidate pairs that EM takes for matches.
    pub probability_candidate_pair_matches: f64,
}

/// A Fellegi–Sunter model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// λ: the prior probability that two random records are the same person.
    pub probability_two_random_records_match: f64,
    /// Per comparison, in vector order.
    pub comparisons: Vec<ComparisonParams>,
    /// Set when trained on a registry.
    pub training: Option<TrainingInfo>,
}

impl Model {
    /// The default model for a registry of `n_records`, expecting
    /// `expected_duplicates_per_record` duplicate pairs per record.
    pub fn default_for(n_records: u64, expected_duplicates_per_record: f64) -> Model {
        let comparisons = COMPARISONS
            .iter()
            .map(|comparison| ComparisonParams {
                name: comparison.name.to_string(),
                levels: comparison
                    .levels
                    .iter()
                    .map(|level| LevelParams {
                        gamma: level.gamma.0,
                        label: level.label.to_string(),
                        m_probability: level.m_probability,
                        u_probability: level.u_probability,
                        tf_adjusted: level.tf_adjusted,
                        fixed_m: level.fixed_m,
                    })
                    .collect(),
            })
            .collect();
        Model {
            probability_two_random_records_match: prior_for(n_records, expected_duplicates_per_record),
            comparisons,
            training: None,
        }
    }

    /// The prior as a match weight.
    pub fn prior_weight(&self) -> f64 {
        super::match_weight_of_probability(self.probability_two_random_records_match)
    }

    /// Checks that the model fits the comparisons of this build.
    pub fn check(&self) -> Result<(), String> {
        if self.comparisons.len() != N_COMPARISONS {
            return Err(format!(
                "the model has {} comparisons, this unico has {N_COMPARISONS}",
                self.comparisons.len()
            ));
        }
        for (params, comparison) in self.comparisons.iter().zip(COMPARISONS.iter()) {
            let gammas: Vec<i8> = comparison.levels.iter().map(|l| l.gamma.0).collect();
            let saved: Vec<i8> = params.levels.iter().map(|l| l.gamma).collect();
            if params.name != comparison.name || gammas != saved {
                return Err(format!("comparison {} does not match this unico's levels", params.name));
            }
            for level in &params.levels {
                let ok = |p: f64| p > 0.0 && p <= 1.0;
                if !ok(level.m_probability) || !ok(level.u_probability) {
                    return Err(format!(
                        "{} level {}: m and u must be in (0, 1]",
                        params.name, level.label
                    ));
                }
            }
        }
        let lambda = self.probability_two_random_records_match;
        if !(lambda > 0.0 && lambda < 1.0) {
            return Err("probability_two_random_records_match must be in (0, 1)".into());
        }
        Ok(())
    }

    /// Compiles the model for fast scoring.
    pub fn scoring_table(&self) -> ScoringTable {
        let mut table = ScoringTable {
            prior_weight: self.prior_weight(),
            level_weight: [[0.0; MAX_LEVELS]; N_COMPARISONS],
            log2_m: [[0.0; MAX_LEVELS]; N_COMPARISONS],
            tf_adjusted: [[false; MAX_LEVELS]; N_COMPARISONS],
        };
        for (c, params) in self.comparisons.iter().enumerate() {
            for level in &params.levels {
                let g = level.gamma as usize;
                table.level_weight[c][g] = (level.m_probability / level.u_probability).log2();
                table.log2_m[c][g] = level.m_probability.log2();
                table.tf_adjusted[c][g] = level.tf_adjusted;
            }
        }
        table
    }
}

/// λ for a registry of `n_records` with `expected_duplicates_per_record` duplicate pairs per record.
pub fn prior_for(n_records: u64, expected_duplicates_per_record: f64) -> f64 {
    let n = n_records.max(2) as f64;
    let n_pairs = n * (n - 1.0) / 2.0;
    (expected_duplicates_per_record * n / n_pairs).clamp(1e-12, 0.5)
}

const MAX_LEVELS: usize = 8;

/// A model compiled to arrays: the hot path of the scan.
#[derive(Clone, Debug)]
pub struct ScoringTable {
    /// Prior weight.
    pub prior_weight: f64,
    level_weight: [[f64; MAX_LEVELS]; N_COMPARISONS],
    log2_m: [[f64; MAX_LEVELS]; N_COMPARISONS],
    tf_adjusted: [[bool; MAX_LEVELS]; N_COMPARISONS],
}

impl ScoringTable {
    /// The partial match weight of comparison `c` for this vector (0 for `Null`).
    pub fn partial_weight(&self, c: usize, vector: &ComparisonVector) -> f64 {
        let gamma = vector.gamma[c];
        if gamma.is_null() {
            return 0.0;
        }
        let g = gamma.0 as usize;
        let term_frequency = vector.term_frequency[c];
        if self.tf_adjusted[c][g] && term_frequency > 0.0 {
            self.log2_m[c][g] - term_frequency.clamp(TF_MIN_U, 1.0).log2()
        } else {
            self.level_weight[c][g]
        }
    }

    /// prior + Σ partial weights.
    pub fn match_weight(&self, vector: &ComparisonVector) -> f64 {
        let mut weight = self.prior_weight;
        for c in 0..N_COMPARISONS {
            weight += self.partial_weight(c, vector);
        }
        weight
    }
}
