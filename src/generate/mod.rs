//! generate (temporary stub while the generator is written)
#![allow(missing_docs)]
pub struct GenerateConfig { pub persons: usize, pub seed: u64, pub reference_date: crate::record::Date }
pub struct GenerateSummary { pub persons: usize, pub records: usize, pub persons_with_duplicates: usize, pub duplicate_records: usize, pub foreign_persons: usize, pub deceased_persons: usize, pub hard_negative_pairs: usize }
pub fn generate<W: std::io::Write>(_config: &GenerateConfig, _out: W) -> std::io::Result<GenerateSummary> { unimplemented!() }
