//! `unico demo`: the whole pipeline on the shipped sample.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;

/// Import the sample registry into a fresh data directory, index, scan, and
/// show the top candidates with their reasons.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sample registry.
    #[arg(long, default_value = "data-samples/utentes_2k.csv")]
    file: PathBuf,
    /// Clusters to show.
    #[arg(long, default_value_t = 10)]
    limit: usize,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let root = context.data_dir.root().join("demo");
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| crate::error::Error::io(&root, e))?;
    }
    let demo = Context {
        data_dir: crate::pipeline::DataDir::new(&root),
        settings: context.settings.clone(),
        quiet: context.quiet,
        user: context.user.clone(),
    };
    println!("== import {}", args.file.display());
    super::import::run(&demo, super::import::Args::for_file(args.file.clone()))?;
    println!("\n== index");
    super::index::run(&demo, super::index::Args { rebuild: true })?;
    println!("\n== scan");
    super::scan::run(
        &demo,
        super::scan::Args {
            train: false,
            full: true,
            report: super::scan::ReportFormat::Text,
        },
    )?;
    println!("\n== top candidates");
    super::candidates::run(&demo, super::candidates::Args::table(args.limit))?;
    println!(
        "\nThe demo registry is in {}: try `unico --data-dir {} candidates --format csv` or `unico --data-dir {} explain NNU NNU`.",
        root.display(),
        root.display(),
        root.display()
    );
    println!(
        "To review it as a supervisor: `unico --data-dir {0} users add ana --name \"Ana\" --profile centro_suporte --password-stdin`, \
         then `unico --data-dir {0} --user ana review list` or `unico --data-dir {0} serve` (http://127.0.0.1:8080/).",
        root.display()
    );
    Ok(ExitCode::SUCCESS)
}
