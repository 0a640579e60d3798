//! The Fellegi–Sunter model: m and u per comparison level, the prior, and how they turn a
//! comparison vector into a match weight, a match probability and its explanation.
//!
//! Consumes [`ComparisonVector`](crate::comparison::ComparisonVector)s; produces
//! `match_weight = prior + Σ log2(m/u)` and `match_probability = 2^w / (1 + 2^w)`, and the
//! [`Waterfall`] that explains them. `training.rs` estimates u from random pairs of the
//! registry and m by expectation–maximisation on the candidate pairs.
//!
//! **Invariants:** the prior weight plus the sum of the waterfall's partial weights is the
//! match weight; `Null` levels weigh 0; the model is saved as JSON (`model.json` in the data
//! directory) and loading it gives the same scores. No IO here: the CLI reads and writes the file.

mod params;
pub mod training;
mod waterfall;

pub use params::{ComparisonParams, LevelParams, Model, ScoringTable, TrainingInfo, TF_MIN_U};
pub use waterfall::{Waterfall, WaterfallRow};

/// Converts a match weight to a match probability.
pub fn match_probability(match_weight: f64) -> f64 {
    let odds = match_weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// Converts a probability (0 < p < 1) to a match weight.
pub fn match_weight_of_probability(probability: f64) -> f64 {
    (probability / (1.0 - probability)).log2()
}
