//! The command line: one file per subcommand, each turning its arguments into a call into the
//! library and printing the result. **API Boundary:** the only module that uses clap and the
//! only one that prints.
//!
//! Exit codes: 0 = done; 1 = done, but with something to look at (rows rejected by `import`);
//! 2 = error, nothing written.

mod audit;
mod candidates;
mod demo;
mod evaluate;
mod explain;
mod generate;
mod import;
mod index;
mod matching;
mod merge;
mod model;
mod output;
mod progress;
mod records;
mod review;
mod scan;
mod serve;
mod ticket;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::access::{self, Actor, User};
use crate::error::UserError;
use crate::pipeline::DataDir;
use crate::settings::Settings;
use crate::store::audit::{Action, NewEntry};
use crate::store::Store;

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
    /// The person taking decisions or reading patients (review, merge, unmerge, show, history).
    #[arg(long, global = true, env = "UNICO_USER")]
    user: Option<String>,
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
    /// List the scan runs, newest first: kind, status, what they compared and changed.
    Scans(scan::RunsArgs),
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
    /// Work through the review queue: list, show, approve, reject, defer (needs --user).
    #[command(subcommand)]
    Review(review::Command),
    /// Merge duplicates into a principal record (needs --user).
    Merge(merge::MergeArgs),
    /// Undo a merge (needs --user).
    Unmerge(merge::UnmergeArgs),
    /// Show a patient record; a merged one leads to its principal (needs --user).
    Show(records::ShowArgs),
    /// Every merge, unmerge and decision that touched a record (needs --user).
    History(records::HistoryArgs),
    /// Manage the people who use Único and their profiles.
    #[command(subcommand)]
    Users(users::Command),
    /// Read and verify the audit log.
    #[command(subcommand)]
    Audit(audit::Command),
    /// Start the review web application (and its JSON API) for supervisors.
    Serve(serve::Args),
    /// Is this person registered already? The most likely records (needs --user).
    Match(matching::Args),
    /// Service-desk tickets (categories F and G): resolve, list, show, close-stale (needs --user).
    #[command(subcommand)]
    Ticket(ticket::Command),
}

/// What every subcommand gets.
pub(crate) struct Context {
    data_dir: DataDir,
    settings: Settings,
    quiet: bool,
    user: Option<String>,
}

impl Context {
    fn progress(&self) -> progress::Bars {
        progress::Bars::new(self.quiet)
    }

    /// The person this command acts for (`--user` or `UNICO_USER`): registered and enabled.
    fn person(&self, store: &Store) -> anyhow::Result<User> {
        let Some(username) = &self.user else {
            return Err(UserError::Settings(
                "this command acts for a person: give --user USERNAME (or set UNICO_USER)".into(),
            )
            .into());
        };
        let user = store
            .user(username)?
            .ok_or_else(|| UserError::UnknownUser(username.clone()))?;
        if user.disabled {
            return Err(access::refused(format!("o utilizador {username} está desativado")).into());
        }
        Ok(user)
    }
}

/// The actor of a batch command: the operating-system account.
pub(crate) fn system_actor() -> Actor {
    Actor::System(operator())
}

/// Audits a batch command run under the operating-system account.
pub(crate) fn audit_batch(store: &mut Store, action: Action, details: String) -> anyhow::Result<()> {
    store.audit(
        &system_actor(),
        action,
        &NewEntry {
            details: Some(details),
            ..NewEntry::default()
        },
    )?;
    Ok(())
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
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes, each said once: our errors that wrap another ("candidate index:
/// …") already print its message, which `{:#}` would print a second time.
fn error_chain(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message = format!("{message}: {text}");
        }
    }
    message
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
        user: cli.global.user,
    };
    match cli.command {
        Command::Import(args) => import::run(&context, args),
        Command::Generate(args) => generate::run(&context, args),
        Command::Index(args) => index::run(&context, args),
        Command::Scan(args) => scan::run(&context, args),
        Command::Train(args) => scan::train(&context, args),
        Command::Scans(args) => scan::runs(&context, args),
        Command::Model(args) => model::run(&context, args),
        Command::Candidates(args) => candidates::run(&context, args),
        Command::Explain(args) => explain::run(&context, args),
        Command::Evaluate(args) => evaluate::run(&context, args),
        Command::Demo(args) => demo::run(&context, args),
        Command::Review(command) => review::run(&context, command),
        Command::Merge(args) => merge::merge(&context, args),
        Command::Unmerge(args) => merge::unmerge(&context, args),
        Command::Show(args) => records::show(&context, args),
        Command::History(args) => records::history(&context, args),
        Command::Users(command) => users::run(&context, command),
        Command::Audit(command) => audit::run(&context, command),
        Command::Serve(args) => serve::run(&context, args),
        Command::Match(args) => matching::run(&context, args),
        Command::Ticket(command) => ticket::run(&context, command),
    }
}

/// A date argument in any format the registry accepts.
pub(crate) fn parse_date(text: &str) -> Result<crate::record::Date, String> {
    crate::record::Date::parse(text).map_err(|e| e.to_string())
}

/// The operating-system account, for batch commands audited without a person.
pub(crate) fn operator() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_error_is_said_once_and_a_context_is_kept() {
        let incompatible = ::index::IndexError::Incompatible {
            path: std::path::PathBuf::from("dados/index"),
        };
        let error = anyhow::Error::from(crate::error::Error::Index(incompatible));
        let message = error_chain(&error);
        assert_eq!(message.matches("incompatible version").count(), 1, "{message}");
        assert!(
            message.starts_with("candidate index: candidate index at dados/index"),
            "{message}"
        );
        let with_context = anyhow::Error::from(std::io::Error::other("disco cheio")).context("writing the rejects");
        assert_eq!(error_chain(&with_context), "writing the rejects: disco cheio");
    }
}
