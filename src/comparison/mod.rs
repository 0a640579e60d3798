//! Comparisons: how alike two records are, field by field, as ordered levels.
//!
//! Consumes two [`ComparableRecord`]s (records prepared once: names normalised, values parsed)
//! and produces a [`ComparisonVector`]: for each [`Comparison`], the [`ComparisonVectorValue`]
//! γ of the first level that holds, plus, for levels with a term-frequency adjustment, how
//! common the agreeing value is in the registry ([`TermFrequencies`]).
//!
//! **Invariants:** every comparison is symmetric (γ(a, b) = γ(b, a)); γ = −1 (`Null`) means
//! "no evidence" (a value missing or invalid on either side) and weighs nothing; γ = 0 is the
//! `Else` level. This module does no IO and cannot fail.
//!
//! Performance: the scan compares tens of millions of pairs, so everything a record needs is
//! computed once in [`ComparableRecord::new`], and the name alignment works on at most a
//! handful of short tokens without allocating.

mod comparator;
pub mod library;
pub mod term_frequencies;

pub use library::{ComparableRecord, COMPARISONS, COMPARISONS_VERSION, N_COMPARISONS};
pub use term_frequencies::TermFrequencies;

/// γ: the index of the level a pair falls in. −1 is `Null`, 0 is `Else`, higher is closer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComparisonVectorValue(pub i8);

impl ComparisonVectorValue {
    /// No evidence either way.
    pub const NULL: ComparisonVectorValue = ComparisonVectorValue(-1);
    /// The lowest real level.
    pub const ELSE: ComparisonVectorValue = ComparisonVectorValue(0);

    /// True for the `Null` level.
    pub fn is_null(self) -> bool {
        self.0 < 0
    }
}

/// One level of a comparison, as configured.
#[derive(Clone, Copy, Debug)]
pub struct ComparisonLevel {
    /// γ of this level.
    pub gamma: ComparisonVectorValue,
    /// Short label (`exact`, `day/month swapped`).
    pub label: &'static str,
    /// Default m: share of true duplicate pairs at this level.
    pub m_probability: f64,
    /// Default u: share of random pairs at this level.
    pub u_probability: f64,
    /// The weight is adjusted by how common the agreeing value is.
    pub tf_adjusted: bool,
    /// m stays at its default when training (levels that expectation–maximisation would
    /// learn from look-alike non-duplicates such as twins).
    pub fixed_m: bool,
}

/// A comparison: a name and its levels, highest γ first, ending with `Else`.
#[derive(Debug)]
pub struct Comparison {
    /// Name (`full_name`, `birth_date` …).
    pub name: &'static str,
    /// What it compares, for explanations.
    pub description: &'static str,
    /// The non-null levels, highest γ first; the last is γ = 0.
    pub levels: &'static [ComparisonLevel],
}

impl Comparison {
    /// The level with this γ (`None` for `Null`).
    pub fn level(&self, gamma: ComparisonVectorValue) -> Option<&ComparisonLevel> {
        self.levels.iter().find(|level| level.gamma == gamma)
    }
}

/// The comparison vector of one pair.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ComparisonVector {
    /// γ per comparison, in [`COMPARISONS`] order.
    pub gamma: [ComparisonVectorValue; N_COMPARISONS],
    /// For term-frequency adjusted levels, the share of records with the agreeing value
    /// (0 when the level is not adjusted).
    pub term_frequency: [f64; N_COMPARISONS],
}

/// Compares two prepared records.
pub fn compare(a: &ComparableRecord, b: &ComparableRecord, term_frequencies: &TermFrequencies) -> ComparisonVector {
    library::compare(a, b, term_frequencies)
}
