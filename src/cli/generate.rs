//! `unico generate`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::parse_date;
use super::Context;
use crate::generate::{generate, GenerateConfig};
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
    let summary =
        generate(&config, std::io::BufWriter::new(file)).map_err(|e| crate::error::Error::io(&args.out, e))?;
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
