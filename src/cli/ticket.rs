//! `unico ticket resolve|list|show|close-stale`: the service desk's requests of categories F
//! and G (seeds/000), resolved by a person (`--user`) and answered in Portuguese.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output::truncate;
use super::parse_date;
use super::Context;
use crate::error::{Error, UserError};
use crate::record::Date;
use crate::tickets::{resolve, Decision, ResolveOptions, TicketState, MAX_MESSAGE_BYTES, PENDING_DAYS};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Read a request (.eml or text), check it against the registry and write the answer.
    Resolve(ResolveArgs),
    /// The tickets, newest first.
    List(ListArgs),
    /// One ticket's latest decision and reply.
    Show {
        /// Incident number.
        incident: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Close pending tickets without an answer for 30 days.
    CloseStale(CloseStaleArgs),
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The decision for the agent, then the reply.
    Text,
    /// The decision as JSON, for other systems.
    Json,
}

/// Resolve one message.
#[derive(Debug, clap::Args)]
pub struct ResolveArgs {
    /// The message: an e-mail file (.eml) or plain text; `-` reads standard input.
    message: PathBuf,
    /// Merge when the records are the same person and you may merge them (else the merge is
    /// proposed into the review queue with the ticket attached).
    #[arg(long)]
    apply: bool,
    /// The incident number the service desk gave (default: the one in the subject, or a new one).
    #[arg(long)]
    incident: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Filters of the list.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only tickets in this state.
    #[arg(long, value_parser = parse_state)]
    state: Option<TicketState>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Close stale pending tickets.
#[derive(Debug, clap::Args)]
pub struct CloseStaleArgs {
    /// Days without an answer.
    #[arg(long, default_value_t = PENDING_DAYS)]
    days: i32,
    /// The day to count from (YYYY-MM-DD; default today).
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
}

fn parse_state(text: &str) -> Result<TicketState, String> {
    TicketState::parse(text).ok_or_else(|| "expected open, pending, resolved or closed".to_string())
}

pub(crate) fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    match command {
        Command::Resolve(args) => {
            let bytes = read_input(&args.message)?;
            let options = ResolveOptions {
                apply: args.apply,
                incident: args.incident,
            };
            let decision = resolve(
                &mut store,
                &context.data_dir,
                &context.settings,
                &user,
                &bytes,
                &options,
            )?;
            print_decision(&decision, args.format)?;
        }
        Command::List(args) => {
            // Tickets name patients: the service desk sees them all, anyone else their own.
            let mut tickets = store.tickets(args.state)?;
            tickets.retain(|t| user.profile.national() || t.resolved_by == user.username);
            if args.format == Format::Json {
                let rows: Vec<serde_json::Value> = tickets
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "incident": t.incident, "category": t.category, "state": t.state,
                            "outcome": t.outcome, "opened_at": t.opened_at,
                            "last_message_at": t.last_message_at, "resolved_by": t.resolved_by,
                            "principal": t.principal.map(|n| n.to_string()),
                            "duplicate": t.duplicate.map(|n| n.to_string()),
                            "match_probability": t.match_probability, "merge_id": t.merge_id,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!("{} pedido(s):", tickets.len());
            if !tickets.is_empty() {
                println!(
                    "{:<14} {:<4} {:<9} {:<15} {:<10} {:<10} {:<21} assunto",
                    "incidência", "cat.", "estado", "resultado", "aberto", "última", "utentes"
                );
            }
            for t in &tickets {
                let records = match (t.principal, t.duplicate) {
                    (Some(p), Some(d)) => format!("{p} {d}"),
                    (Some(p), None) => p.to_string(),
                    _ => "—".into(),
                };
                println!(
                    "{:<14} {:<4} {:<9} {:<15} {:<10} {:<10} {:<21} {}",
                    t.incident,
                    t.category.as_deref().unwrap_or("?"),
                    t.state.as_str(),
                    t.outcome,
                    t.opened_at,
                    t.last_message_at,
                    records,
                    truncate(&t.subject, 50)
                );
            }
        }
        Command::Show { incident, format } => {
            let ticket = store
                .ticket(&incident)?
                .filter(|t| user.profile.national() || t.resolved_by == user.username)
                .ok_or_else(|| {
                    Error::from(UserError::NotReady(format!(
                        "não existe o pedido {incident}, ou não foi tratado por {} (`unico ticket list` mostra os pedidos)",
                        user.username
                    )))
                })?;
            let mut decision: Decision = serde_json::from_str(&ticket.decision)
                .map_err(|_| UserError::NotReady(format!("o pedido {incident} ainda não foi decidido")))?;
            decision.state = ticket.state;
            let named = decision.named_records();
            store.audit(
                &crate::access::Actor::Person(user.clone()),
                crate::store::audit::Action::View,
                &crate::store::audit::NewEntry {
                    records: &named,
                    ticket: Some(&ticket.incident),
                    details: Some("ticket show".into()),
                    ..Default::default()
                },
            )?;
            print_decision(&decision, format)?;
        }
        Command::CloseStale(args) => {
            if !user.profile.national() {
                return Err(crate::access::refused(format!(
                    "só o Centro de Suporte fecha pedidos (utilizador {})",
                    user.username
                ))
                .into());
            }
            let as_of = args.as_of.unwrap_or_else(crate::store::today);
            let closed = store.close_stale_tickets(&crate::access::Actor::Person(user), as_of, args.days)?;
            if !context.quiet {
                println!(
                    "{} pedido(s) pendente(s) há mais de {} dias fechado(s){}",
                    closed.len(),
                    args.days,
                    if closed.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", closed.join(", "))
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_MESSAGE_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        file.take(MAX_MESSAGE_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(bytes)
}

fn print_decision(decision: &Decision, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        println!("{}", serde_json::to_string_pretty(decision)?);
        return Ok(());
    }
    println!(
        "Pedido {} · categoria {} · resultado: {} · estado: {}{}",
        decision.incident,
        decision.category.map_or('?', |c| c.letter()),
        decision.outcome.as_str(),
        decision.state.as_str(),
        if decision.repeated_message {
            " · mensagem já tratada antes: nada foi feito de novo"
        } else {
            ""
        }
    );
    if let Some(p) = decision.match_probability {
        println!("  probabilidade {p:.4}");
    }
    for line in &decision.evidence {
        println!("  {line}");
    }
    if let Some(merge_id) = decision.merge_id {
        println!("  fusão n.º {merge_id} aplicada");
    }
    if decision.proposed {
        println!("  fusão proposta na fila de revisão (`unico review list`)");
    }
    println!("\n{}", decision.reply);
    Ok(())
}
