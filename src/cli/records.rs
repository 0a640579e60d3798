//! `unico show NNU` and `unico history NNU`: reading a patient as a person, audited.

use std::process::ExitCode;

use super::output::{entry_notes, field_label, shown_fields};
use super::{audit_view, Context};
use crate::access::{self, Permission};
use crate::error::{Error, UserError};
use crate::record::{Nnu, Status, FIELDS};
use crate::store::audit::{Action, AuditFilter};
use crate::store::records::StoredRecord;
use crate::store::Store;

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

fn find(store: &Store, nnu: Nnu) -> anyhow::Result<StoredRecord> {
    Ok(store
        .record_by_nnu(nnu)?
        .ok_or_else(|| Error::from(UserError::UnknownRecord(nnu.to_string())))?)
}

fn print_record(stored: &StoredRecord) {
    for (field, value) in FIELDS.iter().zip(shown_fields(&stored.record)) {
        println!("  {:<22} {value}", field_label(field));
    }
}

pub(crate) fn show(context: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let asked = find(&store, args.nnu)?;
    // Follow the replaced-by links to the active principal.
    let mut chain = vec![asked.clone()];
    while let Some(next) = chain
        .last()
        .filter(|r| r.status == Status::Merged)
        .and_then(|r| r.merged_into)
    {
        let next = store
            .stored_records_by_id(&[next])?
            .pop()
            .ok_or_else(|| Error::Internal(format!("record {} points at a missing principal", args.nnu)))?;
        if chain.iter().any(|r| r.record.id == next.record.id) {
            return Err(Error::Internal(format!("record {} is in a merge loop", args.nnu)).into());
        }
        chain.push(next);
    }
    let records: Vec<_> = chain.iter().map(|r| &r.record).collect();
    access::check(&user, Permission::View, &records[..1], None)?;
    audit_view(&mut store, &user, &records, "show")?;
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
    let merges = store.merges_of(principal.record.id)?;
    let merged_in: Vec<String> = merges
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
    let stored = find(&store, args.nnu)?;
    access::check(&user, Permission::View, &[&stored.record], None)?;
    audit_view(&mut store, &user, &[&stored.record], "history")?;
    let entries = store.audit_entries(&AuditFilter {
        record: Some(args.nnu),
        actor: None,
        decisions_only: true,
    })?;
    if entries.is_empty() {
        println!("Nenhuma decisão sobre o utente {}.", args.nnu);
    }
    for entry in entries {
        let what = match Action::parse(&entry.action) {
            Some(Action::Merge) => "fusão",
            Some(Action::Unmerge) => "fusão desfeita",
            Some(Action::Reject) => "rejeitado: não é a mesma pessoa",
            Some(Action::Defer) => "adiado",
            _ => entry.action.as_str(),
        };
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
