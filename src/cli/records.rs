//! `unico show NNU` and `unico history NNU`: reading a patient as a person, audited.

use std::process::ExitCode;

use super::output::{entry_notes, field_label, shown_fields};
use super::Context;
use crate::record::{Nnu, FIELDS};
use crate::review::actions;
use crate::store::audit::Action;
use crate::store::records::StoredRecord;

/// Show a record; a merged record leads to its principal.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// NNU.
    nnu: Nnu,
}

/// Every merge, unmerge, rejection and deferral that touched a record.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// NNU.
    nnu: Nnu,
}

fn print_record(stored: &StoredRecord) {
    for (field, value) in FIELDS.iter().zip(shown_fields(&stored.record)) {
        println!("  {:<22} {value}", field_label(field));
    }
}

pub(crate) fn show(context: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let view = actions::read_record(&mut store, &user, args.nnu)?;
    let chain = &view.chain;
    if let Some(elsewhere) = view.principal_elsewhere {
        println!(
            "O utente {} foi fundido no utente {elsewhere}, inscrito fora das suas instituições; o registo fundido, tal como ficou:",
            args.nnu
        );
    }
    for pair in chain.windows(2) {
        println!(
            "O utente {} foi fundido no utente {} (registo principal).",
            pair[0].record.sns_number, pair[1].record.sns_number
        );
    }
    let principal = chain.last().expect("the chain starts with the record asked for");
    println!(
        "Utente {}{}",
        principal.record.sns_number,
        if chain.len() > 1 { " (principal)" } else { "" }
    );
    print_record(principal);
    let merged_in: Vec<String> = view
        .merges
        .iter()
        .filter(|m| m.principal == principal.record.sns_number && m.unmerged.is_none())
        .map(|m| {
            let dups: Vec<String> = m.duplicates.iter().map(Nnu::to_string).collect();
            format!("fusão n.º {} ({}): {}", m.id, &m.merged_at[..10], dups.join(", "))
        })
        .collect();
    if !merged_in.is_empty() {
        println!("  Registos fundidos neste: {}", merged_in.join("; "));
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn history(context: &Context, args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let entries = actions::history(&mut store, &user, args.nnu)?;
    if entries.is_empty() {
        println!("Nenhuma decisão sobre o utente {}.", args.nnu);
    }
    for entry in entries {
        let what = Action::parse(&entry.action).map_or(entry.action.as_str(), |a| a.label_pt());
        println!(
            "{}  {:<32} por {:<12} utentes {}{}",
            entry.at,
            what,
            entry.actor,
            entry.records.join(", "),
            entry_notes(&entry)
        );
    }
    Ok(ExitCode::SUCCESS)
}
