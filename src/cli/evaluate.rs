//! `unico evaluate FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::output::waterfall_table;
use super::Context;
use crate::evaluate::evaluate;
use crate::store::audit::Action;

/// Measure the latest scan against ground truth (a CSV with sns_number and cluster_id, as
/// `unico generate` writes): precision, recall and F1 at the threshold, the best-F1 threshold,
/// the pair completeness of the blocking, and the worst false positives and false negatives.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ground-truth file (usually the file that was imported).
    file: PathBuf,
    /// Threshold to evaluate [default: the scan's review threshold].
    #[arg(long)]
    threshold: Option<f64>,
    /// How many worst false positives and negatives to explain.
    #[arg(long, default_value_t = 5)]
    examples: usize,
    /// Write every false positive and false negative to this CSV file.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Pairs of distinct persons built to look alike (`sns_number_l,sns_number_r,kind`, as
    /// `unico generate --hard-negatives` writes): how many of each kind reach the threshold.
    #[arg(long)]
    hard_negatives: Option<PathBuf>,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    // The file first: a missing file is the first thing to fix, whatever the registry's state.
    std::fs::metadata(&args.file).map_err(|e| crate::error::Error::io(&args.file, e))?;
    let mut store = context.data_dir.open_store()?;
    let e = evaluate(
        &store,
        &context.data_dir,
        &context.settings,
        &args.file,
        args.hard_negatives.as_deref(),
        args.threshold,
        args.examples,
    )?;
    if let Some(path) = &args.errors {
        let mut writer = csv::Writer::from_path(path)?;
        writer.write_record([
            "sns_number_l",
            "sns_number_r",
            "error",
            "found_by_blocking",
            "match_probability",
        ])?;
        for error in &e.errors {
            writer.write_record([
                error.sns_number_l.to_string(),
                error.sns_number_r.to_string(),
                if error.false_positive {
                    "false_positive"
                } else {
                    "false_negative"
                }
                .to_string(),
                error.in_candidates.to_string(),
                format!("{:.6}", error.match_probability),
            ])?;
        }
        writer.flush()?;
    }
    println!(
        "true pairs: {}  candidate pairs: {}",
        e.n_true_pairs, e.n_candidate_pairs
    );
    println!(
        "pair completeness (blocking recall): {:.4} ({} of {})",
        e.pair_completeness(),
        e.n_true_pairs_in_candidates,
        e.n_true_pairs
    );
    let share = |n: u64| {
        if e.n_true_pairs == 0 {
            0.0
        } else {
            n as f64 / e.n_true_pairs as f64
        }
    };
    for (((rule, n), (_, n_only)), (_, n_pairs)) in e
        .n_true_pairs_by_rule
        .iter()
        .zip(&e.n_true_pairs_only_by_rule)
        .zip(&e.n_pairs_by_rule)
    {
        println!(
            "  {rule:<34} finds {:.4}, alone {:.4}, in {n_pairs} candidate pairs",
            share(*n),
            share(*n_only)
        );
    }
    println!(
        "at match probability ≥ {}: TP {} FP {} FN {}",
        e.threshold, e.true_positives, e.false_positives, e.false_negatives
    );
    println!(
        "precision {:.4}  recall {:.4}  F1 {:.4}",
        e.precision(),
        e.recall(),
        e.f1()
    );
    println!("best F1 {:.4} at match probability ≥ {:.4}", e.best_f1.0, e.best_f1.1);
    if !e.hard_negatives.is_empty() {
        println!(
            "look-alike distinct persons (hard negatives) at match probability ≥ {}:",
            e.threshold
        );
        for k in &e.hard_negatives {
            println!(
                "  {:<12} {:>6} pairs, {:>6} proposed, {:>4} in the review queue (highest probability {:.4})",
                k.kind, k.n_pairs, k.n_candidates, k.n_above_threshold, k.highest
            );
        }
    }
    for (title, pairs) in [
        ("worst false positives", &e.worst_false_positives),
        ("worst false negatives", &e.worst_false_negatives),
    ] {
        if pairs.is_empty() {
            continue;
        }
        println!("\n{title}:");
        for pair in pairs {
            println!(
                "\n{} ~ {}{}",
                pair.sns_number_l,
                pair.sns_number_r,
                if pair.in_candidates {
                    ""
                } else {
                    " (not found by the blocking)"
                }
            );
            print!("{}", waterfall_table(&pair.waterfall));
        }
    }
    super::audit_batch(
        &mut store,
        Action::Export,
        format!("evaluate against {}", args.file.display()),
    )?;
    Ok(ExitCode::SUCCESS)
}
