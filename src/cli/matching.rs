//! `unico match`: is this person registered already? (check before registering)

use std::process::ExitCode;

use super::Context;
use crate::matching::{MatchGrade, Matcher};
use crate::record::{Date, Nif, Sex};
use crate::review::actions::{self, Description};

/// Find the registered records most likely to be the person described, with probability and
/// reasons (needs --user). Records of other institutions show only their NNU and score.
/// Exit code 1 when a certain or probable match exists.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Full name.
    #[arg(long)]
    name: String,
    /// Birth date (2026-01-31, 31/01/2026, …).
    #[arg(long, value_parser = super::parse_date)]
    birth_date: Option<Date>,
    /// Sex (M or F).
    #[arg(long, value_parser = parse_sex)]
    sex: Option<Sex>,
    /// Concelho (or freguesia) of birth.
    #[arg(long)]
    birthplace: Option<String>,
    /// Tax number.
    #[arg(long)]
    nif: Option<Nif>,
    /// How many records at most.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// As JSON.
    #[arg(long)]
    json: bool,
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    Sex::parse(text).ok_or_else(|| format!("{text:?}: M or F"))
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let user = context.person(&store)?;
    let matcher = Matcher::open(&store, &context.data_dir, &context.settings)?;
    let description = Description {
        full_name: args.name,
        birth_date: args.birth_date,
        sex: args.sex,
        birthplace: args.birthplace,
        nif: args.nif,
    };
    let found = actions::check_before_registering(&mut store, &matcher, &user, &description, args.limit)?;
    let threshold = context.settings.scan.threshold_match_probability;
    let grade = |p: f64| MatchGrade::of(p, threshold);
    if args.json {
        let rows: Vec<serde_json::Value> = found
            .iter()
            .map(|f| {
                let r = &f.hit.record;
                let p = f.hit.waterfall.match_probability;
                serde_json::json!({
                    "sns_number": r.sns_number.to_string(),
                    "match_probability": p,
                    "match_grade": grade(p).code(),
                    "in_your_institutions": f.visible,
                    "full_name": f.visible.then(|| r.full_name.clone()),
                    "birth_date": if f.visible { r.birth_date.to_text() } else { None },
                    "registration_unit": if f.visible { r.registration_unit.clone() } else { None },
                    "reasons_pt": f.visible.then(|| f.hit.reasons_pt()),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if found.is_empty() {
        println!("Nenhum utente registado se parece com esta descrição.");
    } else {
        for f in &found {
            let r = &f.hit.record;
            let p = f.hit.waterfall.match_probability;
            if f.visible {
                println!(
                    "{}  {:.3} ({})  {} · {} · {}\n    {}",
                    r.sns_number,
                    p,
                    grade(p).code(),
                    r.full_name,
                    r.birth_date.to_text().unwrap_or_else(|| "—".into()),
                    r.registration_unit.as_deref().unwrap_or("—"),
                    f.hit.reasons_pt()
                );
            } else {
                println!(
                    "{}  {:.3} ({})  inscrito noutra instituição",
                    r.sns_number,
                    p,
                    grade(p).code()
                );
            }
        }
    }
    let registered = found.iter().any(|f| {
        matches!(
            grade(f.hit.waterfall.match_probability),
            MatchGrade::Certain | MatchGrade::Probable
        )
    });
    Ok(if registered {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
