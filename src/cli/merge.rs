//! `unico merge` and `unico unmerge`: decisions of a person (`--user`), checked against their
//! profile and institutions inside the same transaction that writes them.

use std::process::ExitCode;

use super::output::field_label;
use super::Context;
use crate::record::Nnu;
use crate::review::actions;
use crate::store::merges::{MergeOutcome, MergeRequest};
use crate::store::records::field_texts;

/// Merge duplicates into a principal: the principal keeps its NNU and values, its empty fields
/// are filled from the duplicates, and the duplicates are kept as merged records pointing at it.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The record kept (principal).
    #[arg(long)]
    principal: Nnu,
    /// The duplicates, comma-separated or repeated.
    #[arg(long = "duplicate", value_delimiter = ',', required = true)]
    duplicates: Vec<Nnu>,
    #[command(flatten)]
    options: MergeOptions,
    /// Show the resulting principal and write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Why a merge is made, for which ticket, and whether it is forced: `merge` and `review approve`.
#[derive(Debug, clap::Args)]
pub struct MergeOptions {
    /// Why.
    #[arg(long)]
    pub(crate) reason: Option<String>,
    /// The service-desk ticket (incident number) this merge answers.
    #[arg(long)]
    pub(crate) ticket: Option<String>,
    /// Merge despite different valid NIFs or an earlier rejection (needs --reason).
    #[arg(long)]
    pub(crate) force: bool,
}

/// Undo a merge: both records as they were before, later edits of the principal kept.
#[derive(Debug, clap::Args)]
pub struct UnmergeArgs {
    /// The merge's number (shown by `merge`, `history`, `audit list`).
    merge_id: i64,
    /// Why.
    #[arg(long)]
    reason: String,
    /// The service-desk ticket this answers.
    #[arg(long)]
    ticket: Option<String>,
}

/// What a merge did (or, dry, would do), for people.
pub(crate) fn describe_merge(outcome: &MergeOutcome, dry_run: bool) -> String {
    let principal = &outcome.plan.principal;
    let duplicates: Vec<String> = outcome.duplicates.iter().map(|d| d.sns_number.to_string()).collect();
    let mut out = if dry_run {
        format!(
            "Simulação (nada foi gravado): fundir {} no utente {}\n",
            duplicates.join(", "),
            principal.sns_number
        )
    } else {
        format!(
            "Fusão n.º {}: {} fundido(s) no utente {} (principal)\n",
            outcome.merge_id,
            duplicates.join(", "),
            principal.sns_number
        )
    };
    if outcome.plan.fills.is_empty() {
        out.push_str("  Nenhum campo do principal foi preenchido.\n");
    }
    for fill in &outcome.plan.fills {
        out.push_str(&format!(
            "  {}: {} → {} (do utente {})\n",
            field_label(fill.field),
            fill.old_value.as_deref().unwrap_or("vazio"),
            fill.new_value,
            fill.from
        ));
    }
    if dry_run {
        out.push_str("Principal resultante:\n");
        for (field, value) in crate::record::FIELDS.iter().zip(field_texts(principal)) {
            out.push_str(&format!(
                "  {:<22} {}\n",
                field_label(field),
                value.as_deref().unwrap_or("—")
            ));
        }
    }
    out
}

pub(crate) fn merge(context: &Context, args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let request = MergeRequest {
        principal: args.principal,
        duplicates: &args.duplicates,
        reason: args.options.reason.as_deref(),
        ticket: args.options.ticket.as_deref(),
        force: args.options.force,
        dry_run: args.dry_run,
    };
    let outcome = actions::merge(&mut store, &user, &request)?;
    if !context.quiet || request.dry_run {
        print!("{}", describe_merge(&outcome, request.dry_run));
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn unmerge(context: &Context, args: UnmergeArgs) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let outcome = actions::unmerge(&mut store, &user, args.merge_id, &args.reason, args.ticket.as_deref())?;
    if !context.quiet {
        let restored: Vec<String> = outcome.restored.iter().map(Nnu::to_string).collect();
        println!(
            "Fusão n.º {} desfeita: {} de novo ativo(s); o principal {} voltou ao que era antes da fusão.",
            args.merge_id,
            restored.join(", "),
            outcome.principal
        );
        for (nnu, field) in &outcome.kept_duplicate_edits {
            println!(
                "  Mantida a alteração de {} no utente {nnu}, feita enquanto estava fundido",
                field_label(field)
            );
        }
        if !outcome.kept_later_edits.is_empty() {
            let fields: Vec<&str> = outcome.kept_later_edits.iter().map(|f| field_label(f)).collect();
            println!("  Mantidas as alterações posteriores à fusão: {}", fields.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
