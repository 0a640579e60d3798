//! `unico review list|show|approve|reject|defer`: the supervisor's work through the candidate
//! clusters of their institutions.

use std::process::ExitCode;

use super::merge::{describe_merge, MergeOptions};
use super::output::{field_label, shown_fields, truncate};
use super::parse_date;
use super::Context;
use crate::access::User;
use crate::record::{Date, Nnu, PatientRecord, FIELDS};
use crate::review::actions::{self, Approval, Target};
use crate::review::present::reasons_pt;
use crate::review::QueueFilter;
use crate::store::{today, Store};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The clusters waiting for a decision that you may see, best first.
    List(ListArgs),
    /// One cluster: its records side by side, what differs, each pair's reasons, the suggested
    /// principal.
    Show {
        /// Cluster number (from `review list`).
        cluster: u32,
    },
    /// Approve a cluster: merge its other records into the principal you choose.
    Approve(ApproveArgs),
    /// Reject a cluster or a pair as not the same person: later scans never propose it again.
    Reject(RejectArgs),
    /// Put a cluster or a pair aside (until a date, or until it gains a new pair).
    Defer(DeferArgs),
}

/// Filters of the queue.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only clusters with a record registered in this unit (institution code).
    #[arg(long)]
    unit: Option<String>,
    /// Only clusters whose best pair has at least this match probability.
    #[arg(long)]
    min_probability: Option<f64>,
    /// Only clusters whose best pair has at most this match probability.
    #[arg(long)]
    max_probability: Option<f64>,
    /// Only clusters waiting for at least this many days.
    #[arg(long)]
    waiting_days: Option<i32>,
    /// Only clusters with a patient of this age in years, e.g. 0-17 or 65-120.
    #[arg(long, value_parser = parse_age_band)]
    age: Option<(i32, i32)>,
    /// List the deferred clusters instead.
    #[arg(long)]
    deferred: bool,
    /// At most this many clusters.
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

/// Approve a cluster.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// Cluster number.
    cluster: u32,
    /// The record to keep (see the suggestion of `review show`).
    #[arg(long)]
    principal: Nnu,
    /// Records of the cluster to leave out of the merge (comma-separated).
    #[arg(long, value_delimiter = ',')]
    exclude: Vec<Nnu>,
    /// The cluster's records as you reviewed them (comma-separated, as `review show` prints):
    /// the decision is refused if the cluster holds other records now.
    #[arg(long, value_delimiter = ',')]
    records: Vec<Nnu>,
    #[command(flatten)]
    options: MergeOptions,
}

/// Reject a cluster or a pair.
#[derive(Debug, clap::Args)]
pub struct RejectArgs {
    /// A cluster number, or a pair of NNUs as NNU:NNU.
    target: Target,
    /// The cluster's records as you reviewed them (comma-separated, as `review show` prints):
    /// the decision is refused if the cluster holds other records now.
    #[arg(long, value_delimiter = ',')]
    records: Vec<Nnu>,
    /// Why they are not the same person.
    #[arg(long)]
    reason: String,
    /// The service-desk ticket this answers.
    #[arg(long)]
    ticket: Option<String>,
}

/// Defer a cluster or a pair.
#[derive(Debug, clap::Args)]
pub struct DeferArgs {
    /// A cluster number, or a pair of NNUs as NNU:NNU.
    target: Target,
    /// Until this date (YYYY-MM-DD); without it, until the cluster changes.
    #[arg(long, value_parser = parse_date)]
    until: Option<Date>,
    /// The cluster's records as you reviewed them (comma-separated, as `review show` prints):
    /// the decision is refused if the cluster holds other records now.
    #[arg(long, value_delimiter = ',')]
    records: Vec<Nnu>,
    /// Why.
    #[arg(long)]
    reason: Option<String>,
}

fn parse_age_band(text: &str) -> Result<(i32, i32), String> {
    let (lo, hi) = text.split_once('-').ok_or("expected MIN-MAX, e.g. 0-17")?;
    let (lo, hi) = (
        lo.trim().parse().map_err(|_| "MIN is not a number")?,
        hi.trim().parse().map_err(|_| "MAX is not a number")?,
    );
    if lo > hi {
        return Err("MIN is above MAX".into());
    }
    Ok((lo, hi))
}

pub(crate) fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    match command {
        Command::List(args) => list(&mut store, &user, args),
        Command::Show { cluster } => show(&mut store, &user, cluster),
        Command::Approve(args) => {
            let approval = Approval {
                cluster: args.cluster,
                expected: args.records,
                principal: Some(args.principal),
                exclude: args.exclude,
                reason: args.options.reason,
                ticket: args.options.ticket,
                force: args.options.force,
            };
            let outcome = actions::approve(&mut store, &user, &approval)?;
            if !context.quiet {
                print!("{}", describe_merge(&outcome, false));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reject(args) => {
            let n = actions::reject(
                &mut store,
                &user,
                args.target,
                &args.records,
                &args.reason,
                args.ticket.as_deref(),
            )?;
            if !context.quiet {
                println!("{n} par(es) rejeitado(s): não voltarão a ser propostos.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Defer(args) => {
            let until = args.until.map(|d| d.to_string());
            let n = actions::defer(
                &mut store,
                &user,
                args.target,
                &args.records,
                args.until,
                args.reason.as_deref(),
            )?;
            if !context.quiet {
                println!(
                    "{n} par(es) adiado(s){}.",
                    until.map(|u| format!(" até {u}")).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(store: &mut Store, user: &User, args: ListArgs) -> anyhow::Result<ExitCode> {
    if let Some(unit) = args.unit.as_deref().filter(|u| !user.covers(Some(u))) {
        eprintln!(
            "aviso: {unit} não é uma instituição de {}: só aparecem grupos com registos também nas suas",
            user.username
        );
    }
    let filter = QueueFilter {
        unit: args.unit,
        min_probability: args.min_probability,
        max_probability: args.max_probability,
        min_waiting_days: args.waiting_days,
        patient_age: args.age,
        deferred: args.deferred,
    };
    let clusters = actions::user_queue(store, user, &filter)?;
    let shown = &clusters[..clusters.len().min(args.limit)];
    let today = today();
    println!(
        "{} cluster(s) {}na fila de {}{}",
        clusters.len(),
        if args.deferred { "adiado(s) " } else { "" },
        user.username,
        if shown.len() < clusters.len() {
            format!(", os {} primeiros:", shown.len())
        } else {
            ":".into()
        }
    );
    if !args.deferred {
        ticket_proposals(store, user)?;
    }
    if shown.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>7}  {:>4}  {:>6}  {:>5}  {:<20} utentes",
        "cluster", "reg.", "prob.", "dias", "locais de inscrição"
    );
    let mut viewed: Vec<&PatientRecord> = Vec::new();
    for cluster in shown {
        let units = cluster.units();
        let first = &cluster.records[0].record;
        println!(
            "{:>7}  {:>4}  {:>6.3}  {:>5}  {:<20} {} {}{}",
            cluster.id,
            cluster.records.len(),
            cluster.max_probability,
            cluster.waiting_days(today).map_or("—".into(), |d| d.to_string()),
            truncate(&units.join(","), 20),
            first.sns_number,
            truncate(&first.full_name, 36),
            if cluster.records.len() > 1 {
                format!(" (+{})", cluster.records.len() - 1)
            } else {
                String::new()
            }
        );
        viewed.extend(cluster.records.iter().map(|r| &r.record));
    }
    // The list shows one name per cluster: that is reading patients' data.
    actions::audit_view(store, user, &viewed, "review list")?;
    Ok(ExitCode::SUCCESS)
}

/// The merges that service-desk tickets ask for and that wait for a supervisor, as the user may
/// see them (a record in their institutions), with the command that approves each.
fn ticket_proposals(store: &mut Store, user: &User) -> anyhow::Result<()> {
    let mut shown = Vec::new();
    for ticket in store.ticket_proposals()? {
        let (Some(principal), Some(duplicate)) = (ticket.principal, ticket.duplicate) else {
            continue;
        };
        let records: Vec<PatientRecord> = [principal, duplicate]
            .into_iter()
            .filter_map(|nnu| store.record_by_nnu(nnu).ok().flatten())
            .map(|r| r.record)
            .collect();
        if !records.iter().any(|r| user.covers(r.registration_unit.as_deref())) {
            continue;
        }
        shown.push((ticket, principal, duplicate));
    }
    if shown.is_empty() {
        return Ok(());
    }
    println!("{} fusão(ões) pedida(s) por pedidos de suporte:", shown.len());
    for (ticket, principal, duplicate) in &shown {
        println!(
            "  pedido {}  probabilidade {}  unico merge --principal {principal} --duplicate {duplicate} --ticket {}",
            ticket.incident,
            ticket.match_probability.map_or("—".into(), |p| format!("{p:.3}")),
            ticket.incident
        );
    }
    let records: Vec<PatientRecord> = shown
        .iter()
        .flat_map(|(_, p, d)| [*p, *d])
        .filter_map(|nnu| store.record_by_nnu(nnu).ok().flatten())
        .map(|r| r.record)
        .collect();
    let viewed: Vec<&PatientRecord> = records.iter().collect();
    actions::audit_view(store, user, &viewed, "review list: ticket proposals")?;
    Ok(())
}

fn show(store: &mut Store, user: &User, id: u32) -> anyhow::Result<ExitCode> {
    // Seeing the cluster means seeing all of its records (DESIGN.md §Access: at least one is
    // in the user's institutions); the view is audited for each of them.
    let cluster = actions::read_cluster(store, user, id)?;
    let records: Vec<&PatientRecord> = cluster.records.iter().map(|r| &r.record).collect();
    let suggestion = cluster.suggestion();
    let nnus: Vec<String> = records.iter().map(|r| r.sns_number.to_string()).collect();
    println!(
        "Cluster {} · {} registos · melhor probabilidade {:.3}{}",
        cluster.id,
        records.len(),
        cluster.max_probability,
        cluster
            .first_seen
            .as_deref()
            .map(|f| format!(" · proposto em {}", &f[..10.min(f.len())]))
            .unwrap_or_default()
    );
    let columns: Vec<Vec<String>> = records.iter().map(|r| shown_fields(r)).collect();
    const WIDTH: usize = 30;
    print!("\n{:<22} {:<1}", "", "");
    for (i, record) in records.iter().enumerate() {
        let mark = if suggestion.as_ref().is_some_and(|(s, _)| *s == i) {
            " (sugerido)"
        } else {
            ""
        };
        print!(" {:<WIDTH$}", format!("{}{mark}", record.sns_number));
    }
    println!();
    for (f, field) in FIELDS.iter().enumerate().skip(1) {
        let differs = columns.iter().any(|c| c[f] != columns[0][f]);
        print!("{:<22} {}", field_label(field), if differs { "≠" } else { " " });
        for column in &columns {
            print!(" {:<WIDTH$}", truncate(&column[f], WIDTH));
        }
        println!();
    }
    println!("\n(≠: o campo difere entre os registos)");
    if let Some((i, why)) = &suggestion {
        println!("Principal sugerido: {} — {why}", records[*i].sns_number);
    }
    println!("\nPares:");
    for pair in &cluster.pairs {
        println!(
            "  {} – {}  probabilidade {:.3} (peso {:+.1}): {}",
            pair.sns_number_l,
            pair.sns_number_r,
            pair.match_probability,
            pair.match_weight,
            reasons_pt(&pair.gamma, &pair.partial_weights)
        );
        if let Some(rejected_at) = &pair.rejected_at {
            println!("    {}", crate::review::present::raised_again_pt(rejected_at));
        }
    }
    for (l, r) in &cluster.rejected {
        println!("  {l} – {r}  rejeitado antes: não é a mesma pessoa");
    }
    for ticket in store.ticket_proposals()? {
        let in_cluster = |nnu: Option<Nnu>| nnu.is_some_and(|n| records.iter().any(|r| r.sns_number == n));
        if in_cluster(ticket.principal) && in_cluster(ticket.duplicate) {
            println!(
                "  pedido de suporte {} pede a fusão de {} (principal) com {}",
                ticket.incident,
                ticket.principal.map_or("?".into(), |n| n.to_string()),
                ticket.duplicate.map_or("?".into(), |n| n.to_string())
            );
        }
    }
    println!(
        "\nDecidir (--records garante que o cluster não mudou entretanto):\n  unico review approve {id} --records {records} --principal NNU [--exclude NNU]\n  unico review reject {id} --records {records} --reason \"…\"\n  unico review defer {id} --records {records} [--until AAAA-MM-DD]",
        records = nnus.join(",")
    );
    Ok(ExitCode::SUCCESS)
}
