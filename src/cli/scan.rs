//! `unico scan` and `unico train`.

use std::process::ExitCode;

use super::Context;
use crate::pipeline::{scan, ScanOptions, ScanReport};
use crate::store::audit::Action;
use crate::store::predictions::ScanKind;

/// Find the likely duplicates: candidates, scores, clusters.
///
/// Brings the index up to date, generates candidate pairs (blocking), scores them with the saved
/// model (or the defaults, or a model trained now with --train), clusters the pairs at the review
/// threshold and saves the results. After a first full scan, a scan is a delta scan: only the
/// records added or changed since the previous scan are compared (against all), the other pairs
/// keep their scores and the clusters whose members did not change keep their numbers.
///
/// Exit codes: 0 done, nothing new to review; 1 done, new clusters to review; 2 error (the
/// previous results are left as they were).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Train the model on this registry first and save it (u from random pairs, m by EM);
    /// implies --full.
    #[arg(long)]
    pub(crate) train: bool,
    /// Compare every record, not only those changed since the previous scan (this also
    /// re-estimates the prior and the term frequencies: run it now and then, e.g. weekly).
    #[arg(long)]
    pub(crate) full: bool,
    /// How to print the report: text for people, json for monitoring.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) report: ReportFormat,
}

/// The report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A few lines for people.
    Text,
    /// One JSON object.
    Json,
}

/// List the scan runs.
#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    /// At most this many, newest first.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Text for people, or JSON.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

pub(crate) fn runs(context: &Context, args: RunsArgs) -> anyhow::Result<ExitCode> {
    let store = context.data_dir.open_store()?;
    let runs = store.scan_runs(args.limit)?;
    if args.format == ReportFormat::Json {
        println!("{}", serde_json::to_string_pretty(&runs)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5} {:<6} {:<8} {:<20} {:<20} {:>9} {:>9} {:>9} {:>8} {:>6} {:>8}  note",
        "scan", "kind", "status", "started", "finished", "records", "compared", "scored", "clusters", "new", "resolved"
    );
    for run in &runs {
        println!(
            "{:>5} {:<6} {:<8} {:<20} {:<20} {:>9} {:>9} {:>9} {:>8} {:>6} {:>8}  {}",
            run.id,
            run.kind,
            run.status,
            run.started_at,
            run.finished_at.as_deref().unwrap_or("-"),
            run.n_records,
            run.n_records_compared,
            run.n_pairs_scored,
            run.n_clusters,
            run.n_clusters_new,
            run.n_clusters_resolved,
            run.error.as_deref().unwrap_or(&run.full_reason)
        );
    }
    Ok(ExitCode::SUCCESS)
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
        &ScanOptions {
            train: args.train,
            full: args.full,
        },
        &context.progress(),
    )?;
    super::audit_batch(
        &mut store,
        if report.trained { Action::Train } else { Action::Scan },
        format!(
            "{} scan {}: {} records compared, {} clusters ({} new)",
            report.run.kind.as_str(),
            report.scan_id,
            report.run.n_records_compared,
            report.figures.n_clusters,
            report.changes.n_new
        ),
    )?;
    let threshold = context.settings.scan.threshold_match_probability;
    match args.report {
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&json_report(&report, threshold))?),
        // Quiet (a cron job): a line only when there is something new to review.
        ReportFormat::Text if context.quiet => {
            if report.changes.n_new > 0 {
                println!("{}", summary_line(&report, threshold));
            }
        }
        ReportFormat::Text => print_report(&report, threshold),
    }
    // A warning even when quiet: a nightly job must hear that duplicates are being lost.
    if let Some(recall) = report.blocking_recall.as_ref().filter(|r| r.below_floor) {
        warn_blocking_recall(recall);
    }
    Ok(if report.changes.n_new > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The report for monitoring.
fn json_report(report: &ScanReport, threshold: f64) -> serde_json::Value {
    let figures = &report.figures;
    serde_json::json!({
        "scan_id": report.scan_id,
        "kind": report.run.kind,
        "full_reason": report.run.full_reason,
        "records": figures.n_records,
        "records_compared": report.run.n_records_compared,
        "candidate_pairs": figures.n_candidate_pairs,
        "pairs_per_record": report.pairs_per_record,
        "pairs_scored": report.run.n_pairs_scored,
        "pairs_saved": figures.n_pairs_saved,
        "threshold_match_probability": threshold,
        "clusters": figures.n_clusters,
        "clusters_new": report.changes.n_new,
        "clusters_rescored": report.changes.n_rescored,
        "clusters_unchanged": report.changes.n_unchanged,
        "clusters_resolved": report.changes.n_resolved,
        "rejected_pairs_raised_again": report.run.n_pairs_raised_again,
        "trained": report.trained,
        "blocking_recall": report.blocking_recall.as_ref().map(|recall| serde_json::json!({
            "known_pairs": recall.n_known_pairs,
            "found": recall.n_found,
            "share": recall.share(),
            "floor": recall.floor,
            "below_floor": recall.below_floor,
            "by_rule": recall.per_rule.iter().map(|(rule, n)| (rule.to_string(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
            "missed": recall.missed.iter().map(|(p, d)| [p.to_string(), d.to_string()]).collect::<Vec<_>>(),
        })),
        "pairs_by_rule": report.n_pairs_by_rule.iter().map(|(rule, n)| (rule.to_string(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
        "seconds": report.timings.iter().map(|(stage, s)| (stage.to_string(), serde_json::json!(s))).collect::<serde_json::Map<_, _>>(),
    })
}

/// One line: what was compared and what changed in the queue.
fn summary_line(report: &ScanReport, threshold: f64) -> String {
    let (run, changes, figures) = (&report.run, &report.changes, &report.figures);
    let compared = match run.kind {
        ScanKind::Delta => format!(
            "delta scan {}: {} changed records compared with all {}",
            report.scan_id, run.n_records_compared, figures.n_records
        ),
        ScanKind::Full => format!(
            "full scan {}{}: {} records",
            report.scan_id,
            if run.full_reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", run.full_reason)
            },
            figures.n_records
        ),
    };
    format!(
        "{compared}; {} pairs scored; {} clusters at match probability ≥ {threshold}: {} new, {} rescored, {} unchanged; {} resolved{}",
        run.n_pairs_scored,
        figures.n_clusters,
        changes.n_new,
        changes.n_rescored,
        changes.n_unchanged,
        changes.n_resolved,
        if run.n_pairs_raised_again > 0 {
            format!(
                "; {} rejected pair(s) proposed again (a compared field changed)",
                run.n_pairs_raised_again
            )
        } else {
            String::new()
        }
    )
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
    run(
        context,
        Args {
            train: true,
            full: true,
            report: ReportFormat::Text,
        },
    )?;
    if !context.quiet {
        println!("model saved to {}", context.data_dir.model_path().display());
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn print_report(report: &ScanReport, threshold: f64) {
    let figures = &report.figures;
    println!("{}", summary_line(report, threshold));
    println!(
        "{} candidate pairs ({:.2} per record), {} pairs saved{}",
        figures.n_candidate_pairs,
        report.pairs_per_record,
        figures.n_pairs_saved,
        if report.trained {
            " (model trained on this registry)"
        } else {
            ""
        }
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
