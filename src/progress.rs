//! Named pipeline stages and the progress reporting interface.
//!
//! The library reports through a `&dyn Progress`; the CLI draws a bar on a terminal and stays
//! quiet otherwise. The library itself never writes to stdout.

/// A long step of the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and validating the input file.
    Importing,
    /// Writing the candidate index.
    Indexing,
    /// Generating candidate pairs from the index.
    Blocking,
    /// Estimating u and m.
    Training,
    /// Comparing and scoring candidate pairs.
    Scoring,
    /// Grouping pairs into clusters.
    Clustering,
    /// Writing results to the registry database.
    Saving,
}

impl Stage {
    /// The stage's name as shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Importing => "importing",
            Stage::Indexing => "indexing",
            Stage::Blocking => "blocking",
            Stage::Training => "training",
            Stage::Scoring => "scoring",
            Stage::Clustering => "clustering",
            Stage::Saving => "saving",
        }
    }
}

/// Receives progress from long operations. Implementations must be cheap: `advance` is called
/// from hot loops (in batches).
pub trait Progress: Sync {
    /// A stage starts with `total` units of work (0 when unknown).
    fn start(&self, stage: Stage, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is over.
    fn finish(&self);
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: Stage, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
