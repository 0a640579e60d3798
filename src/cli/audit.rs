//! `unico audit list|verify`.

use std::process::ExitCode;

use super::output::entry_notes;
use super::Context;
use crate::record::Nnu;
use crate::store::audit::{AuditFilter, AuditVerification};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the entries, oldest first.
    List(ListArgs),
    /// Check the hash chain: exit 0 when intact, 1 when an entry was edited or removed.
    Verify,
}

/// Which entries.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only the entries that name this record.
    #[arg(long)]
    record: Option<Nnu>,
    /// Only the entries of this user (or operating-system account).
    #[arg(long = "by")]
    actor: Option<String>,
    /// As JSON Lines.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    let store = context.data_dir.open_store()?;
    match command {
        Command::List(args) => {
            let filter = AuditFilter {
                record: args.record,
                actor: args.actor,
                decisions_only: false,
            };
            for entry in store.audit_entries(&filter)? {
                if args.json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "id": entry.id, "at": entry.at, "actor": entry.actor, "actor_kind": entry.actor_kind,
                            "action": entry.action, "records": entry.records, "reason": entry.reason,
                            "ticket": entry.ticket, "details": entry.details,
                        })
                    );
                } else {
                    println!(
                        "{:>6}  {}  {:<12} {:<12} {}{}",
                        entry.id,
                        entry.at,
                        entry.actor,
                        entry.action,
                        entry.records.join(" "),
                        entry_notes(&entry)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify => match store.verify_audit()? {
            AuditVerification::Intact { n_entries, head } => {
                println!("audit log intact: {n_entries} entries; head {head}");
                Ok(ExitCode::SUCCESS)
            }
            AuditVerification::Broken { at_id, reason } => {
                println!("audit log BROKEN at entry {at_id}: {reason}");
                Ok(ExitCode::from(1))
            }
        },
    }
}
