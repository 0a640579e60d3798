//! `unico index`.

use std::process::ExitCode;

use super::Context;
use crate::pipeline::update_index;
use crate::store::audit::Action;

/// Bring the candidate index up to date with the registry database.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Throw the index away and build it again from the database.
    #[arg(long)]
    pub(crate) rebuild: bool,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let report = update_index(&store, &context.data_dir, args.rebuild, &context.progress())?;
    super::audit_batch(
        &mut store,
        Action::Index,
        format!(
            "index {}: {} indexed, {} removed",
            if report.rebuilt { "rebuilt" } else { "updated" },
            report.n_indexed,
            report.n_removed
        ),
    )?;
    if !context.quiet {
        println!(
            "index {}: {} records indexed, {} removed, {} in the index ({:.2} s)",
            if report.rebuilt { "rebuilt" } else { "updated" },
            report.n_indexed,
            report.n_removed,
            report.n_docs,
            report.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}
