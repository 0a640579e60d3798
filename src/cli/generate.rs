//! `unico generate`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::parse_date;
use super::Context;
use crate::generate::{generate_with_hard_negatives, GenerateConfig};
use crate::record::Date;

/// Write a synthetic registry (CSV with a ground-truth cluster_id column), deterministic per seed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of persons (each gets one record, some get duplicates); at least 1.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    persons: u64,
    /// Seed: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Also write the pairs of distinct persons built to look alike (twins, siblings, parent
    /// and child, spouses, common names born the same day) to this CSV file, for `unico
    /// evaluate --hard-negatives`.
    #[arg(long)]
    hard_negatives: Option<PathBuf>,
    /// Ages and registration types are computed as of this date (yyyy-mm-dd).
    #[arg(long, default_value = "2026-01-01", value_parser = parse_date)]
    reference_date: Date,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::create(&args.out).map_err(|e| crate::error::Error::io(&args.out, e))?;
    let config = GenerateConfig {
        persons: args.persons as usize,
        seed: args.seed,
        reference_date: args.reference_date,
    };
    // The look-alike pairs are a few per hundred persons: gathered in memory (which cannot fail,
    // so an error is the registry file's), then written.
    let mut hard_negatives = Vec::new();
    let summary = generate_with_hard_negatives(
        &config,
        std::io::BufWriter::new(file),
        args.hard_negatives.is_some().then_some(&mut hard_negatives),
    )
    .map_err(|e| crate::error::Error::io(&args.out, e))?;
    if let Some(path) = &args.hard_negatives {
        std::fs::write(path, hard_negatives).map_err(|e| crate::error::Error::io(path, e))?;
    }
    if !context.quiet {
        println!(
            "{}: {} records for {} persons ({} with duplicates, {} duplicate records, {} foreign, {} deceased, {} hard-negative pairs)",
            args.out.display(),
            summary.records,
            summary.persons,
            summary.persons_with_duplicates,
            summary.duplicate_records,
            summary.foreign_persons,
            summary.deceased_persons,
            summary.hard_negative_pairs
        );
    }
    Ok(ExitCode::SUCCESS)
}
