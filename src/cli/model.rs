//! `unico model`.

use std::process::ExitCode;

use super::Context;
use crate::pipeline::current_model;

/// Show the model that scans use: the saved one, or the defaults.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the model as JSON.
    #[arg(long)]
    json: bool,
    /// Also print the settings in force (TOML).
    #[arg(long)]
    show_settings: bool,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let store = context.data_dir.open_store()?;
    let n_records = store.n_active_records()? as u64;
    let model = current_model(&context.data_dir, &context.settings, n_records)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&model)?);
    } else {
        match &model.training {
            Some(t) => println!(
                "model trained {} on {} records ({} random pairs for u, {} candidate pairs for m, {} EM iterations)",
                t.trained_at, t.n_records, t.n_random_pairs, t.n_candidate_pairs, t.em_iterations
            ),
            None => println!("default model (not trained on this registry; `unico train` estimates it)"),
        }
        println!(
            "prior: probability_two_random_records_match = {:.4e} (match weight {:+.2})",
            model.probability_two_random_records_match,
            model.prior_weight()
        );
        for comparison in &model.comparisons {
            println!("\n{}", comparison.name);
            println!("  {:>2}  {:<36} {:>10} {:>10} {:>8}", "γ", "level", "m", "u", "weight");
            for level in &comparison.levels {
                println!(
                    "  {:>2}  {:<36} {:>10.4e} {:>10.4e} {:>+8.2}{}",
                    level.gamma,
                    level.label,
                    level.m_probability,
                    level.u_probability,
                    (level.m_probability / level.u_probability).log2(),
                    match (level.tf_adjusted, level.fixed_m) {
                        (true, true) => "  tf, m fixed",
                        (true, false) => "  tf",
                        (false, true) => "  m fixed",
                        (false, false) => "",
                    }
                );
            }
        }
    }
    if args.show_settings {
        println!("\n# settings in force\n{}", toml::to_string_pretty(&context.settings)?);
    }
    Ok(ExitCode::SUCCESS)
}
