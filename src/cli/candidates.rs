//! `unico candidates`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::output::{reasons, record_line};
use super::Context;
use crate::comparison::COMPARISONS;
use crate::error::UserError;
use crate::store::audit::Action;

/// List the clusters and pairs of the latest scan, best first.
///
/// The CSV has one row per scored pair: sns_number_l, sns_number_r, match_weight,
/// match_probability, cluster_id, then the blocking rules and each comparison's γ and weight.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
    /// Only pairs at or above this match probability [default: the review threshold].
    /// A low value exports the score curve down to the scan's `keep_min_probability`
    /// (settings, default 0.01): pairs below that are counted by the scan but not saved.
    #[arg(long)]
    min_probability: Option<f64>,
    /// At most this many clusters in the table.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

impl Args {
    /// The table of the best `limit` clusters.
    pub(crate) fn table(limit: usize) -> Args {
        Args {
            format: OutputFormat::Table,
            min_probability: None,
            limit,
            out: None,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Table,
    Csv,
    Json,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let scan = store
        .latest_scan()?
        .ok_or_else(|| UserError::NotReady("no scan yet: run `unico scan` first".into()))?;
    let min_probability = args.min_probability.unwrap_or(scan.threshold_match_probability);
    let pairs = store.saved_pairs(min_probability)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| crate::error::Error::io(path, e))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match args.format {
        OutputFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            let mut header = vec![
                "sns_number_l",
                "sns_number_r",
                "match_weight",
                "match_probability",
                "cluster_id",
                "blocking_rules",
            ];
            let gamma_names: Vec<String> = COMPARISONS.iter().map(|c| format!("gamma_{}", c.name)).collect();
            let weight_names: Vec<String> = COMPARISONS.iter().map(|c| format!("match_weight_{}", c.name)).collect();
            header.extend(gamma_names.iter().map(String::as_str));
            header.extend(weight_names.iter().map(String::as_str));
            writer.write_record(&header)?;
            for pair in &pairs {
                let mut row = vec![
                    pair.sns_number_l.to_string(),
                    pair.sns_number_r.to_string(),
                    format!("{:.4}", pair.match_weight),
                    format!("{:.6}", pair.match_probability),
                    pair.cluster_id.map(|c| c.to_string()).unwrap_or_default(),
                    pair.blocking_rules.clone(),
                ];
                row.extend(pair.gamma.iter().map(|g| g.0.to_string()));
                row.extend(pair.partial_weights.iter().map(|w| format!("{w:.3}")));
                writer.write_record(&row)?;
            }
            writer.flush()?;
        }
        OutputFormat::Json => {
            let rows: Vec<serde_json::Value> = pairs
                .iter()
                .map(|pair| {
                    let explanation: Vec<serde_json::Value> = COMPARISONS
                        .iter()
                        .zip(pair.gamma.iter().zip(&pair.partial_weights))
                        .map(|(c, (g, w))| {
                            serde_json::json!({
                                "comparison": c.name,
                                "gamma": g.0,
                                "label": c.level(*g).map_or("null", |l| l.label),
                                "match_weight": w,
                            })
                        })
                        .collect();
                    serde_json::json!({
                        "sns_number_l": pair.sns_number_l.to_string(),
                        "sns_number_r": pair.sns_number_r.to_string(),
                        "match_weight": pair.match_weight,
                        "match_probability": pair.match_probability,
                        "cluster_id": pair.cluster_id,
                        "blocking_rules": pair.blocking_rules.split('|').collect::<Vec<_>>(),
                        "explanation": explanation,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            let mut by_cluster: Vec<(u32, Vec<&crate::store::predictions::SavedPair>)> = Vec::new();
            for pair in pairs.iter().filter(|p| p.cluster_id.is_some()) {
                let cluster_id = pair.cluster_id.expect("filtered on is_some");
                match by_cluster.last_mut() {
                    Some((id, list)) if *id == cluster_id => list.push(pair),
                    _ => by_cluster.push((cluster_id, vec![pair])),
                }
            }
            let members: HashMap<u32, Vec<crate::record::RecordId>> =
                store
                    .cluster_members()?
                    .into_iter()
                    .fold(HashMap::new(), |mut map, (c, id)| {
                        map.entry(c).or_default().push(id);
                        map
                    });
            writeln!(
                out,
                "{} clusters at match probability ≥ {} (scan {}, {}); showing {}",
                scan.figures.n_clusters,
                scan.threshold_match_probability,
                scan.id,
                scan.finished_at,
                by_cluster.len().min(args.limit)
            )?;
            for (cluster_id, cluster_pairs) in by_cluster.iter().take(args.limit) {
                let ids = members.get(cluster_id).cloned().unwrap_or_default();
                let records = store.records_by_id(&ids)?;
                writeln!(
                    out,
                    "\ncluster {cluster_id}: {} records, best pair probability {:.4}",
                    records.len(),
                    cluster_pairs[0].match_probability
                )?;
                for record in &records {
                    writeln!(out, "  {}", record_line(record))?;
                }
                for pair in cluster_pairs {
                    writeln!(
                        out,
                        "  {} ~ {}  probability {:.4}, weight {:+.1}: {}",
                        pair.sns_number_l,
                        pair.sns_number_r,
                        pair.match_probability,
                        pair.match_weight,
                        reasons(&pair.gamma, &pair.partial_weights)
                    )?;
                }
            }
        }
    }
    out.flush()?;
    super::audit_batch(
        &mut store,
        Action::Export,
        format!(
            "candidates of scan {} with match probability >= {min_probability}{}",
            scan.id,
            args.out
                .as_ref()
                .map(|p| format!(" to {}", p.display()))
                .unwrap_or_default()
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}
