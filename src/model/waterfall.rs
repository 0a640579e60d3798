//! The explanation of one score: the prior, each comparison's level with its m, u and weight,
//! and the final match weight and probability.

use serde::Serialize;

use super::{match_probability, Model};
use crate::comparison::{ComparisonVector, COMPARISONS};

/// One row of the waterfall.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WaterfallRow {
    /// Comparison name (`prior` for the first row).
    pub comparison: String,
    /// γ (−1 for `Null`).
    pub gamma: i8,
    /// Level label (`null` when no evidence).
    pub label: String,
    /// m of the level.
    pub m_probability: Option<f64>,
    /// u of the level, or the value's frequency when term-frequency adjusted.
    pub u_probability: Option<f64>,
    /// True when `u_probability` is the agreeing value's frequency.
    pub tf_adjusted: bool,
    /// Partial match weight (log2 of the Bayes factor).
    pub match_weight: f64,
}

/// The explanation of a pair's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Waterfall {
    /// Prior first, then one row per comparison.
    pub rows: Vec<WaterfallRow>,
    /// Final match weight: the sum of the rows.
    pub match_weight: f64,
    /// Final match probability.
    pub match_probability: f64,
}

impl Model {
    /// Explains the score of one comparison vector.
    pub fn waterfall(&self, vector: &ComparisonVector) -> Waterfall {
        let table = self.scoring_table();
        let mut rows = vec![WaterfallRow {
            comparison: "prior".into(),
            gamma: 0,
            label: format!("λ = {:.3e}", self.probability_two_random_records_match),
            m_probability: None,
            u_probability: None,
            tf_adjusted: false,
            match_weight: table.prior_weight,
        }];
        for (c, comparison) in COMPARISONS.iter().enumerate() {
            let gamma = vector.gamma[c];
            let params = self.comparisons[c].levels.iter().find(|l| l.gamma == gamma.0);
            let tf_adjusted = params.is_some_and(|l| l.tf_adjusted) && vector.term_frequency[c] > 0.0;
            rows.push(WaterfallRow {
                comparison: comparison.name.into(),
                gamma: gamma.0,
                label: params.map_or_else(|| "null".to_string(), |l| l.label.clone()),
                m_probability: params.map(|l| l.m_probability),
                u_probability: params.map(|l| {
                    if tf_adjusted {
                        vector.term_frequency[c]
                    } else {
                        l.u_probability
                    }
                }),
                tf_adjusted,
                match_weight: table.partial_weight(c, vector),
            });
        }
        let match_weight = table.match_weight(vector);
        Waterfall {
            rows,
            match_weight,
            match_probability: match_probability(match_weight),
        }
    }
}
