//! `unico explain A B`.

use std::process::ExitCode;

use super::output::{record_line, waterfall_table};
use super::Context;
use crate::pipeline::explain;
use crate::record::Nnu;
use crate::store::audit::{Action, NewEntry};

/// Explain the score of two records: prior, each comparison's level, m, u and weight, and the
/// final probability.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// First NNU.
    a: Nnu,
    /// Second NNU.
    b: Nnu,
    /// Print the waterfall as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let (a, b, waterfall) = explain(&store, &context.data_dir, &context.settings, args.a, args.b)?;
    // Two records shown to whoever runs it: an operator's command, audited as a view.
    store.audit(
        &super::system_actor(),
        Action::View,
        &NewEntry {
            records: &[a.sns_number, b.sns_number],
            details: Some("explain".into()),
            ..NewEntry::default()
        },
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&waterfall)?);
    } else {
        println!("{}\n{}\n", record_line(&a), record_line(&b));
        print!("{}", waterfall_table(&waterfall));
    }
    Ok(ExitCode::SUCCESS)
}
