//! `unico scan` and `unico train`.

use std::process::ExitCode;

use super::Context;
use crate::pipeline::{scan, ScanOptions, ScanReport};
use crate::store::audit::Action;

/// Find the likely duplicates: candidates, scores, clusters.
///
/// Brings the index up to date, generates candidate pairs (blocking), scores them with the saved
/// model (or the defaults, or a model trained now with --train), clusters the pairs at the review
/// threshold and saves the results, replacing the previous scan's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Train the model on this registry first and save it (u from random pairs, m by EM).
    #[arg(long)]
    pub(crate) train: bool,
}

/// Estimate the model on this registry and save it.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let report = scan(
        &mut store,
        &context.data_dir,
        &context.settings,
        &ScanOptions { train: args.train },
        &context.progress(),
    )?;
    super::audit_batch(
        &mut store,
        if report.trained { Action::Train } else { Action::Scan },
        format!(
            "scan {}: {} records, {} clusters",
            report.scan_id, report.figures.n_records, report.figures.n_clusters
        ),
    )?;
    if !context.quiet {
        print_report(&report, context.settings.scan.threshold_match_probability);
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn train(context: &Context, _args: TrainArgs) -> anyhow::Result<ExitCode> {
    run(context, Args { train: true })?;
    if !context.quiet {
        println!("model saved to {}", context.data_dir.model_path().display());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_report(report: &ScanReport, threshold: f64) {
    let figures = &report.figures;
    println!(
        "scan {}: {} records, {} candidate pairs ({:.1} per record), {} pairs saved, {} clusters at match probability ≥ {threshold}{}",
        report.scan_id,
        figures.n_records,
        figures.n_candidate_pairs,
        report.pairs_per_record,
        figures.n_pairs_saved,
        figures.n_clusters,
        if report.trained { " (model trained on this registry)" } else { "" }
    );
    let rules: Vec<String> = report
        .n_pairs_by_rule
        .iter()
        .map(|(rule, n)| format!("{rule} {n}"))
        .collect();
    println!(
        "blocks: {}, of which {} windowed (larger than blocking.max_block_size)",
        report.n_blocks, report.n_capped_blocks
    );
    println!("pairs by blocking rule: {}", rules.join(", "));
    let stages: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, s)| format!("{stage} {s:.2}s"))
        .collect();
    println!("stages: {}", stages.join(", "));
}
