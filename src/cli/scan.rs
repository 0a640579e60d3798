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
    // One scan at a time on a registry: a second one (a cron job that overlaps, a person) is
    // told so instead of racing the first.
    let _lock = ScanLock::take(&context.data_dir.root().join("scan.lock"))?;
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
    // A warning even when quiet: a nightly job must hear that duplicates are being lost.
    if let Some(recall) = report.blocking_recall.as_ref().filter(|r| r.below_floor) {
        warn_blocking_recall(recall);
    }
    Ok(ExitCode::SUCCESS)
}

/// An exclusive lock on a file, released when dropped (or when the process dies: the kernel
/// releases `flock` locks, so a killed scan never leaves a stale lock behind).
struct ScanLock {
    _file: std::fs::File,
}

impl ScanLock {
    fn take(path: &std::path::Path) -> anyhow::Result<ScanLock> {
        use std::io::{Read, Seek, Write};
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::error::Error::io(parent, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| crate::error::Error::io(path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock on a file descriptor this function owns, non-blocking.
            let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
            if !taken {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(crate::error::UserError::NotReady(format!(
                    "another scan is running on this registry ({}): wait for it to finish",
                    holder.trim()
                ))
                .into());
            }
        }
        file.set_len(0).map_err(|e| crate::error::Error::io(path, e))?;
        file.rewind().map_err(|e| crate::error::Error::io(path, e))?;
        let _ = write!(
            file,
            "pid {} since {}",
            std::process::id(),
            crate::store::now_timestamp()
        );
        Ok(ScanLock { _file: file })
    }
}

/// Says on stderr that the blocking rules lose known duplicates, and which.
fn warn_blocking_recall(recall: &crate::monitor::BlockingRecall) {
    const SHOWN: usize = 10;
    let missed: Vec<String> = recall
        .missed
        .iter()
        .take(SHOWN)
        .map(|(principal, duplicate)| format!("{principal}–{duplicate}"))
        .collect();
    eprintln!(
        "warning: blocking recall {:.1}% ({} of {} merged pairs) is below the floor of {:.1}% \
         (monitor.blocking_recall_floor): the blocking rules no longer find known duplicates; \
         not found (principal–duplicate): {}{}",
        100.0 * recall.share(),
        recall.n_found,
        recall.n_known_pairs,
        100.0 * recall.floor,
        missed.join(", "),
        if recall.missed.len() > SHOWN { ", …" } else { "" }
    );
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
    if let Some(recall) = &report.blocking_recall {
        let rules: Vec<String> = recall
            .per_rule
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        println!(
            "blocking recall: {} of {} merged pairs ({:.1}%) still found by the blocking rules (floor {:.1}%){}{}",
            recall.n_found,
            recall.n_known_pairs,
            100.0 * recall.share(),
            100.0 * recall.floor,
            if rules.is_empty() { "" } else { "; by rule: " },
            rules.join(", ")
        );
    }
    let stages: Vec<String> = report
        .timings
        .iter()
        .map(|(stage, s)| format!("{stage} {s:.2}s"))
        .collect();
    println!("stages: {}", stages.join(", "));
}
