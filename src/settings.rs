//! Settings: the optional TOML file (authored) validated into the run configuration.
//!
//! Every key is optional; a missing key takes the default shown by `unico model --show-settings`.
//! Unknown keys are an error, so a typo cannot silently leave a default in force.
//!
//! ```toml
//! [scan]
//! threshold_match_probability = 0.8   # review threshold: pairs at or above form clusters
//! keep_min_probability = 0.01         # pairs below are counted, not saved (lower it to export more of the score curve)
//!
//! [blocking]
//! max_block_size = 12                 # larger blocks are windowed
//! window = 5
//! expected_strangers = 0.5            # a pair must stand out from the records its rule looked at
//! expected_strangers_sparse = 16      # the same for the rules on records without a birth date and newborn placeholders
//!
//! [model]
//! expected_duplicates_per_record = 0.1  # default prior before training
//! em_convergence = 0.0001
//! max_iterations = 25
//! n_random_pairs = 1000000
//! seed = 42
//!
//! [monitor]
//! blocking_recall_floor = 0.95        # warn when the rules find a smaller share of the merged pairs
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::blocking::BlockingConfig;
use crate::error::{Error, Result, UserError};
use crate::model::training::TrainingConfig;

/// `[scan]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScanSettings {
    /// Review threshold.
    pub threshold_match_probability: f64,
    /// Pairs below are not saved.
    pub keep_min_probability: f64,
}

impl Default for ScanSettings {
    fn default() -> ScanSettings {
        ScanSettings {
            threshold_match_probability: 0.8,
            keep_min_probability: 0.01,
        }
    }
}

/// `[blocking]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlockingSettings {
    /// Blocks up to this size are expanded in full.
    pub max_block_size: usize,
    /// Neighbours paired in a larger block.
    pub window: usize,
    /// Strangers a candidate pair may be expected to match as well as it does among the records
    /// its rule looked at (`blocking::evidence_suffices`).
    pub expected_strangers: f64,
    /// The same, for the rules that pair records without a birth date and newborn placeholders.
    pub expected_strangers_sparse: f64,
}

impl Default for BlockingSettings {
    fn default() -> BlockingSettings {
        let defaults = BlockingConfig::default();
        BlockingSettings {
            max_block_size: defaults.max_block_size,
            window: defaults.window,
            expected_strangers: defaults.expected_strangers,
            expected_strangers_sparse: defaults.expected_strangers_sparse,
        }
    }
}

/// `[model]` (Splink's settings names where they exist).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModelSettings {
    /// Fixes λ instead of deriving it from the registry size.
    pub probability_two_random_records_match: Option<f64>,
    /// Duplicate pairs expected per record, for the default λ.
    pub expected_duplicates_per_record: f64,
    /// EM stops when no m moves more than this.
    pub em_convergence: f64,
    /// EM iterations at most.
    pub max_iterations: u32,
    /// Random pairs for u.
    pub n_random_pairs: u64,
    /// Seed for the random pairs.
    pub seed: u64,
}

impl Default for ModelSettings {
    fn default() -> ModelSettings {
        ModelSettings {
            probability_two_random_records_match: None,
            expected_duplicates_per_record: 0.1,
            em_convergence: 1e-4,
            max_iterations: 25,
            n_random_pairs: 1_000_000,
            seed: 42,
        }
    }
}

/// `[monitor]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MonitorSettings {
    /// A scan warns when the blocking rules find a smaller share of the known true pairs.
    pub blocking_recall_floor: f64,
}

impl Default for MonitorSettings {
    fn default() -> MonitorSettings {
        MonitorSettings {
            blocking_recall_floor: 0.95,
        }
    }
}

/// The whole settings file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `[scan]`.
    pub scan: ScanSettings,
    /// `[blocking]`.
    pub blocking: BlockingSettings,
    /// `[model]`.
    pub model: ModelSettings,
    /// `[monitor]`.
    pub monitor: MonitorSettings,
}

impl Settings {
    /// Reads and validates a settings file.
    pub fn load(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let settings: Settings =
            toml::from_str(&text).map_err(|e| UserError::Settings(format!("{}: {e}", path.display())))?;
        settings
            .validate()
            .map_err(|e| UserError::Settings(format!("{}: {e}", path.display())))?;
        Ok(settings)
    }

    /// Checks ranges.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let probability = |name: &str, p: f64| {
            if p > 0.0 && p < 1.0 {
                Ok(())
            } else {
                Err(format!("{name} must be between 0 and 1 (exclusive), not {p}"))
            }
        };
        probability(
            "scan.threshold_match_probability",
            self.scan.threshold_match_probability,
        )?;
        probability("scan.keep_min_probability", self.scan.keep_min_probability)?;
        if self.scan.keep_min_probability > self.scan.threshold_match_probability {
            return Err("scan.keep_min_probability must not exceed scan.threshold_match_probability".into());
        }
        if let Some(p) = self.model.probability_two_random_records_match {
            probability("model.probability_two_random_records_match", p)?;
        }
        if self.blocking.max_block_size < 2 || self.blocking.window < 1 {
            return Err("blocking.max_block_size must be at least 2 and blocking.window at least 1".into());
        }
        for (name, value) in [
            ("blocking.expected_strangers", self.blocking.expected_strangers),
            (
                "blocking.expected_strangers_sparse",
                self.blocking.expected_strangers_sparse,
            ),
        ] {
            if value.is_nan() || value <= 0.0 {
                return Err(format!("{name} must be positive, not {value}"));
            }
        }
        let floor = self.monitor.blocking_recall_floor;
        if !(0.0..=1.0).contains(&floor) {
            return Err(format!(
                "monitor.blocking_recall_floor must be between 0 and 1, not {floor}"
            ));
        }
        if self.model.expected_duplicates_per_record <= 0.0 {
            return Err("model.expected_duplicates_per_record must be positive".into());
        }
        Ok(())
    }

    /// Blocking caps.
    pub fn blocking_config(&self) -> BlockingConfig {
        BlockingConfig {
            max_block_size: self.blocking.max_block_size,
            window: self.blocking.window,
            expected_strangers: self.blocking.expected_strangers,
            expected_strangers_sparse: self.blocking.expected_strangers_sparse,
        }
    }

    /// Training options.
    pub fn training_config(&self) -> TrainingConfig {
        TrainingConfig {
            n_random_pairs: self.model.n_random_pairs,
            seed: self.model.seed,
            em_convergence: self.model.em_convergence,
            max_iterations: self.model.max_iterations,
            u_pseudo_observations: 1000.0,
        }
    }
}
