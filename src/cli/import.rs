//! `unico import FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::error::Error;
use crate::import::{open_file, write_rejects, Encoding, Format, ImportOptions, ParsedFile, RawFile, Severity};
use crate::store::records::{ImportCounts, ImportRow, ImportWriteOptions};
use crate::store::today;

/// Import a registry file (CSV or JSON Lines) into the registry database.
///
/// CSV with the canonical header (sns_number,full_name,sex,birth_date,nationality,birth_country,
/// birth_district,birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date)
/// or its Portuguese aliases (numero_utente, nome_completo, sexo, data_nascimento, …), delimited by
/// `,`, `;`, tab or `|`, in UTF-8 (with or without BOM) or Windows-1252/ISO-8859-1; or JSON Lines.
///
/// A row that cannot be a record (no NNU, NNU not nine digits, NNU twice, no name) is rejected and
/// written to the rejects file; a bad value in a usable row (impossible or future date, death before
/// birth, NIF failing its check digit, unknown country) is kept as typed, marked invalid, and reported.
/// Valid rows are written in one transaction.
///
/// Exit codes: 0 every row imported (flagged values are listed); 1 imported, but some rows were
/// rejected (see the rejects file); 2 error: nothing imported (unreadable file, missing NNU or name
/// column, or --strict with any problem).
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The file (.csv, .txt, .jsonl).
    file: PathBuf,
    /// Update records whose NNU is already registered (each changed field is recorded).
    #[arg(long)]
    update: bool,
    /// Import nothing if any row has a problem.
    #[arg(long)]
    strict: bool,
    /// Character encoding.
    #[arg(long, value_enum, default_value = "auto")]
    encoding: EncodingArg,
    /// Field delimiter (detected from the header when not given).
    #[arg(long, value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// File format (from the extension or content when not given).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Where to write rejected rows [default: DATA_DIR/rejects/STEM.rejects.csv].
    #[arg(long)]
    rejects: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum EncodingArg {
    Auto,
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "windows-1252")]
    Windows1252,
    #[value(name = "iso-8859-1")]
    Iso88591,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Csv,
    Jsonl,
}

impl Args {
    /// Plain import of one file with the defaults.
    pub(crate) fn for_file(file: PathBuf) -> Args {
        Args {
            file,
            update: false,
            strict: false,
            encoding: EncodingArg::Auto,
            delimiter: None,
            format: None,
            rejects: None,
        }
    }
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        _ => Err(format!("unsupported delimiter {text:?}: use , ; tab or |")),
    }
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let options = ImportOptions {
        encoding: match args.encoding {
            EncodingArg::Auto => Encoding::Auto,
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Windows1252 | EncodingArg::Iso88591 => Encoding::Windows1252,
        },
        delimiter: args.delimiter,
        format: args.format.map(|f| match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::JsonLines,
        }),
        today: today(),
    };
    let started = std::time::Instant::now();
    // The whole file is read and its header checked before the database is opened (a file
    // that cannot be read changes nothing); its rows are then split and validated a chunk at a
    // time on one thread while the previous chunk is written on this one, in one transaction
    // (a row that cannot be split rolls it all back).
    let raw = open_file(&args.file, &options)?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "file read");
    let file_name = args.file.display().to_string();
    let mut store = context.data_dir.open_store().context("opening the registry database")?;
    let mut parsed = None;
    let write = store.write_import_streamed(
        &ImportWriteOptions {
            file: &file_name,
            operator: &super::operator(),
            update: args.update,
            strict: args.strict,
        },
        |write_rows| {
            let file = validate_while_writing(raw, write_rows)?;
            let counts = ImportCounts {
                n_problems: file.issues.len(),
                n_rejected: file.issues.iter().filter(|i| i.severity == Severity::Rejected).count(),
                n_flagged_values: file.n_flagged(),
                n_rows: file.n_rows,
            };
            parsed = Some(file);
            Ok(counts)
        },
    )?;
    let parsed = parsed.ok_or_else(|| Error::Internal("the import ended without its file".into()))?;
    let n_rejected = parsed
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Rejected)
        .count();

    // Every problem goes to the problems file; the terminal shows the first ones.
    let mut lines: Vec<String> = parsed
        .issues
        .iter()
        .map(|issue| {
            let what = match issue.severity {
                Severity::Rejected => "rejected",
                Severity::Flagged => "kept as typed, marked invalid",
            };
            format!(
                "{file_name}:{}: {}: {:?}: {} ({what})",
                issue.line, issue.field, issue.value, issue.reason
            )
        })
        .collect();
    lines.extend(write.already_registered.iter().map(|row| {
        format!(
            "{file_name}:{}: sns_number: \"{}\": NNU already registered: use --update to change the record (rejected)",
            row.line, row.record.sns_number
        )
    }));
    for line in lines.iter().take(MAX_PROBLEMS_SHOWN) {
        eprintln!("{line}");
    }
    if !lines.is_empty() {
        // Written after the import's transaction: a problems file that cannot be written is a
        // warning, not an error (the rows are in the registry).
        let path = context.data_dir.problems_path(&args.file);
        if let Err(error) = write_lines(&path, &lines) {
            eprintln!("warning: {error:#}");
        }
        if lines.len() > MAX_PROBLEMS_SHOWN {
            eprintln!(
                "… {} more problem(s): all {} are in {}",
                lines.len() - MAX_PROBLEMS_SHOWN,
                lines.len(),
                path.display()
            );
        } else {
            eprintln!("problems listed in {}", path.display());
        }
    }
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "rows written");
    let n_rejected_total = n_rejected + write.already_registered.len();
    let mut parsed = parsed;
    if n_rejected_total > 0 && !args.strict {
        parsed.reject_refused(&write.already_registered, "NNU already registered: use --update");
        let path = args
            .rejects
            .clone()
            .unwrap_or_else(|| context.data_dir.rejects_path(&args.file));
        match write_rejects(&path, &parsed) {
            Ok(()) => eprintln!("rejected rows written to {}", path.display()),
            Err(error) => eprintln!("warning: rejected rows not written: {error:#}"),
        }
    }
    summary(context, &file_name, &parsed, &write, args.strict, n_rejected_total)
}

/// Validates `raw` on a second thread and hands its usable rows to `write_rows` on this one,
/// a chunk at a time. The first error wins: the writer's stops the reading.
fn validate_while_writing(
    raw: RawFile,
    write_rows: &mut dyn FnMut(&[ImportRow]) -> crate::error::Result<()>,
) -> crate::error::Result<ParsedFile> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<ImportRow>>(2);
        let reader = scope.spawn(move || {
            raw.validate(&mut |rows| {
                sender
                    .send(rows)
                    .map_err(|_| Error::Internal("the import's writer stopped".into()))
            })
        });
        let mut written = Ok(());
        for rows in &receiver {
            written = write_rows(&rows);
            if written.is_err() {
                break;
            }
        }
        drop(receiver);
        let read = reader
            .join()
            .map_err(|_| Error::Internal("the import's reader panicked".into()))?;
        written?;
        read
    })
}

/// Problems printed on the terminal; the rest are in the problems file.
const MAX_PROBLEMS_SHOWN: usize = 20;

fn write_lines(path: &std::path::Path, lines: &[String]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| crate::error::Error::io(parent, e))?;
    }
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).map_err(|e| crate::error::Error::io(path, e))?;
    Ok(())
}

fn summary(
    context: &Context,
    file_name: &str,
    parsed: &crate::import::ParsedFile,
    write: &crate::store::records::ImportWrite,
    strict: bool,
    n_rejected: usize,
) -> anyhow::Result<ExitCode> {
    let n_problems = parsed.issues.len() + write.already_registered.len();
    if strict && n_problems > 0 {
        anyhow::bail!(
            "{file_name}: {n_problems} problem(s) in {} rows: nothing imported (--strict); fix the rows above or import without --strict",
            parsed.n_rows
        );
    }
    if !context.quiet {
        println!(
            "{file_name}: {} rows read ({}): {} imported, {} updated, {} unchanged, {} rejected, {} values flagged invalid",
            parsed.n_rows,
            parsed.encoding,
            write.n_inserted,
            write.n_updated,
            write.n_unchanged,
            n_rejected,
            parsed.n_flagged()
        );
        if !parsed.unknown_columns.is_empty() {
            println!(
                "columns not stored (the registry does not model them): {}",
                parsed.unknown_columns.join(", ")
            );
        }
    }
    Ok(if n_rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
