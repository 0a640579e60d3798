//! `unico explain A B`.

use std::process::ExitCode;

use super::output::{record_line, waterfall_table};
use super::Context;
use crate::pipeline::{explain, pair_blocking, PairBlocking};
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
    let blocking = pair_blocking(&context.data_dir, &context.settings, &a, &b);
    let same_record = a.id == b.id;
    if args.json {
        #[derive(serde::Serialize)]
        struct Explained<'a> {
            #[serde(flatten)]
            waterfall: &'a crate::model::Waterfall,
            blocking: Option<PairBlocking>,
        }
        let explained = Explained {
            waterfall: &waterfall,
            blocking,
        };
        println!("{}", serde_json::to_string_pretty(&explained)?);
    } else {
        println!("{}\n{}\n", record_line(&a), record_line(&b));
        print!("{}", waterfall_table(&waterfall));
        if !same_record {
            println!("{}", blocking_lines(blocking.as_ref()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the latest scan proposed the pair, and if not, what kept it out.
fn blocking_lines(blocking: Option<&PairBlocking>) -> String {
    let Some(blocking) = blocking else {
        return "blocking: no saved scan to tell (run `unico scan`)".into();
    };
    if !blocking.found_by.is_empty() {
        return format!(
            "blocking: a candidate pair of the latest scan, found by {}",
            blocking.found_by.join(", ")
        );
    }
    let why = if blocking.same_block.is_empty() {
        "no blocking rule puts the two records in one block".to_string()
    } else if blocking.standing_out.is_empty() {
        format!(
            "in one block by {}, but they share too little to stand out from the records the rule looked at (blocking.expected_strangers)",
            blocking.same_block.join(", ")
        )
    } else {
        format!(
            "in one block by {} and standing out by {}, but left out by the block caps (blocking.max_block_size, blocking.window)",
            blocking.same_block.join(", "),
            blocking.standing_out.join(", ")
        )
    };
    format!("blocking: not a candidate pair of the latest scan: {why}")
}
