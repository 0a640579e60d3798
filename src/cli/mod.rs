//! The command line: one file per subcommand, each turning its arguments into a call into the
//! library and printing the result. **API Boundary:** the only module that uses clap and the
//! only one that prints.
//!
//! Exit codes: 0 = done; 1 = done, but with something to look at (rows rejected by `import`);
//! 2 = error, nothing written.

mod candidates;
mod demo;
mod evaluate;
mod explain;
mod generate;
mod import;
mod index;
mod model;
mod output;
mod progress;
mod scan;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::pipeline::DataDir;
use crate::settings::Settings;

/// Único: find and resolve duplicate patient records in a national patient registry (RNU).
#[derive(Debug, Parser)]
#[command(name = "unico", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str =
    "Exit codes: 0 done; 1 done with rows to look at (import: some rows rejected); 2 error, nothing written.";

/// Options every subcommand takes.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Data directory: registry database, candidate index, trained model.
    #[arg(long, global = true, env = "UNICO_DATA_DIR", default_value = "unico-data")]
    data_dir: PathBuf,
    /// Settings file (TOML): thresholds, blocking caps, training options.
    #[arg(long, global = true, env = "UNICO_SETTINGS")]
    settings: Option<PathBuf>,
    /// No progress bars and no summaries (problems are still reported on stderr).
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    // The doc comments of `import::Args` and `scan::Args` are the help of these two.
    Import(import::Args),
    /// Write a synthetic registry with a ground-truth cluster_id column.
    Generate(generate::Args),
    /// Bring the candidate index up to date with the database (or rebuild it).
    Index(index::Args),
    Scan(scan::Args),
    /// Estimate the model on this registry (u from random pairs, m by EM), save it, and scan with it.
    Train(scan::TrainArgs),
    /// Show the model: prior, and m, u and weight of every comparison level.
    Model(model::Args),
    /// List the clusters and pairs of the latest scan, best first.
    Candidates(candidates::Args),
    /// Explain the score of any two records: the waterfall.
    Explain(explain::Args),
    /// Measure precision, recall and blocking completeness against a ground-truth file.
    Evaluate(evaluate::Args),
    /// Run the whole pipeline on the shipped sample registry and show the top candidates.
    Demo(demo::Args),
}

/// What every subcommand gets.
pub(crate) struct Context {
    data_dir: DataDir,
    settings: Settings,
    quiet: bool,
}

impl Context {
    fn progress(&self) -> progress::Bars {
        progress::Bars::new(self.quiet)
    }
}

/// Parses the arguments, runs, and returns the exit code.
pub fn main() -> ExitCode {
    // Output piped into `head` must end the program quietly, as other command-line tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("UNICO_LOG"))
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = match &cli.global.settings {
        Some(path) => Settings::load(path)?,
        None => Settings::default(),
    };
    let context = Context {
        data_dir: DataDir::new(&cli.global.data_dir),
        settings,
        quiet: cli.global.quiet,
    };
    match cli.command {
        Command::Import(args) => import::run(&context, args),
        Command::Generate(args) => generate::run(&context, args),
        Command::Index(args) => index::run(&context, args),
        Command::Scan(args) => scan::run(&context, args),
        Command::Train(args) => scan::train(&context, args),
        Command::Model(args) => model::run(&context, args),
        Command::Candidates(args) => candidates::run(&context, args),
        Command::Explain(args) => explain::run(&context, args),
        Command::Evaluate(args) => evaluate::run(&context, args),
        Command::Demo(args) => demo::run(&context, args),
    }
}

/// The operating-system account, for batch commands audited without a person.
pub(crate) fn operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}
