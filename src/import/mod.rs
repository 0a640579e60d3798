//! Import: a registry export (CSV or JSON Lines) read into records, every problem reported.
//!
//! Consumes a file; produces a [`ParsedFile`]: the usable rows as [`ImportRow`]s and the
//! problems as [`ImportIssue`]s, each naming the line, the field and the reason. This is the
//! only place that knows the Portuguese column names.
//!
//! Two kinds of problem (DESIGN.md §The record, issue #2):
//! - a row that cannot be a registry record (no NNU, an NNU that is not nine digits, an NNU
//!   twice in the file, no name) is **rejected**: it is not imported and is written to the
//!   rejects file;
//! - a bad value in an otherwise usable record (an impossible or future date, death before
//!   birth, a NIF failing its check digit, an unknown country) is **flagged**: the row is
//!   imported with the value kept as typed and marked invalid, and the comparisons treat it as
//!   no evidence.
//!
//! A problem with the whole file (unreadable, no NNU or name column, a column given twice) is
//! an error and nothing is imported. Reading never aborts on a bad row.
//!
//! Encodings: UTF-8 with or without BOM; Windows-1252 / ISO-8859-1 (as Portuguese spreadsheet
//! exports write) detected when the bytes are not UTF-8, or chosen. Delimiters: `,`, `;` or tab,
//! detected from the header line or chosen.
//!
//! Performance: the file is read once into memory; its rows are split a chunk at a time and
//! converted in parallel while the caller writes the previous chunk.

mod columns;

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use columns::Column;

use crate::error::{Error, Result, UserError};
use crate::hashing::FastHashMap;
use crate::record::{Country, Date, Nif, Nnu, PatientRecord, RegistrationType, Sex, Value};
pub use crate::store::records::ImportRow;

/// Character encoding of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 if the bytes are valid UTF-8, else Windows-1252.
    Auto,
    /// UTF-8 (a BOM is skipped).
    Utf8,
    /// Windows-1252, a superset of ISO-8859-1's printable characters.
    Windows1252,
}

/// File format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with a header line.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// How to read a file.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Encoding.
    pub encoding: Encoding,
    /// Delimiter; detected when `None`.
    pub delimiter: Option<u8>,
    /// Format; from the extension or the first byte when `None`.
    pub format: Option<Format>,
    /// Dates after this day are in the future.
    pub today: Date,
}

/// Severity of a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The row is not imported.
    Rejected,
    /// The row is imported; the value is kept as typed and marked invalid.
    Flagged,
}

/// One problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportIssue {
    /// 1-based line in the file.
    pub line: u64,
    /// Canonical field name (or `row`).
    pub field: &'static str,
    /// The value as typed.
    pub value: String,
    /// What is wrong.
    pub reason: String,
    /// Rejected or flagged.
    pub severity: Severity,
}

/// A rejected row, kept for the rejects file.
#[derive(Clone, Debug)]
pub struct RejectedRow {
    /// Line in the file.
    pub line: u64,
    /// The row's fields as read.
    pub fields: Vec<String>,
    /// Why.
    pub reason: String,
}

/// A file read.
#[derive(Debug)]
pub struct ParsedFile {
    /// The file.
    pub path: PathBuf,
    /// Every problem, by line.
    pub issues: Vec<ImportIssue>,
    /// Rejected rows with their fields.
    pub rejected: Vec<RejectedRow>,
    /// The header as read.
    pub header: Vec<String>,
    /// Columns the registry does not model (not stored).
    pub unknown_columns: Vec<String>,
    /// The column of each header field.
    pub columns: Vec<Option<Column>>,
    /// Data rows read.
    pub n_rows: usize,
    /// The encoding used.
    pub encoding: &'static str,
}

impl ParsedFile {
    /// Adds rows the registry refused (their NNU is already registered) to the rejects, with
    /// their fields as imported under the file's header.
    pub fn reject_refused(&mut self, refused: &[ImportRow], reason: &str) {
        for row in refused {
            let texts = crate::store::records::field_texts(&row.record);
            let fields = self
                .columns
                .iter()
                .map(|column| {
                    column
                        .and_then(|c| texts[c as usize].as_deref().map(str::to_string))
                        .unwrap_or_default()
                })
                .collect();
            self.rejected.push(RejectedRow {
                line: row.line,
                fields,
                reason: reason.to_string(),
            });
        }
        self.rejected.sort_by_key(|row| row.line);
    }

    /// Number of flagged values.
    pub fn n_flagged(&self) -> usize {
        self.issues.iter().filter(|i| i.severity == Severity::Flagged).count()
    }
}

/// A file read, its header checked, its rows not yet validated: whatever fails for the whole
/// file (unreadable, not decodable, no usable header) has failed by now.
pub struct RawFile {
    path: PathBuf,
    raw: RawRows,
    encoding: &'static str,
    today: Date,
}

impl RawFile {
    /// Validates the rows, handing the usable ones to `sink` a chunk at a time in line order
    /// (while the next chunk is converted, the caller can write the last), and returns what
    /// else was found. An error of `sink` stops the reading.
    pub fn validate(self, sink: &mut dyn FnMut(Vec<ImportRow>) -> Result<()>) -> Result<ParsedFile> {
        validate(&self.path, self.raw, self.encoding, self.today, sink)
    }
}

/// Reads a file and splits it into rows.
pub fn open_file(path: &Path, options: &ImportOptions) -> Result<RawFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (text, encoding) = decode(bytes, options.encoding).map_err(|reason| bad_file(path, reason))?;
    let format = options.format.unwrap_or_else(|| {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if matches!(extension.as_str(), "jsonl" | "ndjson") || text.trim_start().starts_with('{') {
            Format::JsonLines
        } else {
            Format::Csv
        }
    });
    let raw = match format {
        Format::Csv => read_csv(path, text, options.delimiter)?,
        Format::JsonLines => read_json_lines(path, &text)?,
    };
    Ok(RawFile {
        path: path.to_path_buf(),
        raw,
        encoding,
        today: options.today,
    })
}

fn bad_file(path: &Path, reason: impl Into<String>) -> Error {
    Error::User(UserError::BadFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    })
}

fn decode(bytes: Vec<u8>, encoding: Encoding) -> std::result::Result<(String, &'static str), String> {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    match encoding {
        Encoding::Utf8 => String::from_utf8(without_bom.unwrap_or(&bytes).to_vec())
            .map(|t| (t, "UTF-8"))
            .map_err(|e| {
                format!(
                    "not valid UTF-8 at byte {}: try --encoding windows-1252",
                    e.utf8_error().valid_up_to()
                )
            }),
        Encoding::Windows1252 => Ok((encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(), "Windows-1252")),
        Encoding::Auto => match std::str::from_utf8(without_bom.unwrap_or(&bytes)) {
            Ok(_) => {
                // Valid UTF-8: take the bytes over instead of copying them.
                let has_bom = without_bom.is_some();
                let mut bytes = bytes;
                if has_bom {
                    bytes.drain(..3);
                }
                // Checked just above, without the BOM.
                Ok((String::from_utf8(bytes).expect("valid UTF-8"), "UTF-8"))
            }
            Err(_) => Ok((encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(), "Windows-1252")),
        },
    }
}

/// Rows before validation: the header, the column of each header field, and the rows.
struct RawRows {
    header: Vec<String>,
    columns: Vec<Option<Column>>,
    rows: RowSource,
    /// Rows that could not even be split into fields (bad JSON, a wrong number of fields).
    broken: Vec<(u64, String, String)>,
}

/// Where the rows come from: a CSV reader past the header line, split a chunk at a time while
/// the previous chunk is written (a million rows take almost a second to split), or the rows
/// of a JSON Lines file, split already. Each row is one allocation (not one per field).
enum RowSource {
    Csv {
        reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
        delimiter: u8,
    },
    Split(std::vec::IntoIter<(u64, csv::StringRecord)>),
}

impl RawRows {
    /// The next at most `n` rows with their lines (none at the end), skipping blank rows and
    /// setting aside, in `broken`, rows with another number of fields than the header.
    fn next_rows(&mut self, path: &Path, n: usize) -> Result<Vec<(u64, csv::StringRecord)>> {
        let (reader, delimiter) = match &mut self.rows {
            RowSource::Split(rows) => return Ok(rows.by_ref().take(n).collect()),
            RowSource::Csv { reader, delimiter } => (reader, *delimiter),
        };
        let mut rows = Vec::with_capacity(n);
        let mut record = csv::StringRecord::new();
        while rows.len() < n {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    if record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    if record.len() != self.header.len() {
                        self.broken.push((
                            line,
                            record.iter().collect::<Vec<_>>().join(&(delimiter as char).to_string()),
                            format!("{} fields where the header has {}", record.len(), self.header.len()),
                        ));
                        continue;
                    }
                    rows.push((line, record.clone()));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(bad_file(path, format!("line {line}: {e}")));
                }
            }
        }
        Ok(rows)
    }
}

fn map_header(path: &Path, header: &[String]) -> Result<Vec<Option<Column>>> {
    let columns: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    for (i, column) in columns.iter().enumerate() {
        if let Some(column) = column {
            if let Some(j) = columns[..i].iter().position(|c| c == &Some(*column)) {
                return Err(bad_file(
                    path,
                    format!(
                        "columns {:?} and {:?} both mean {}: keep one",
                        header[j],
                        header[i],
                        column.name()
                    ),
                ));
            }
        }
    }
    for required in [Column::SnsNumber, Column::FullName] {
        if !columns.contains(&Some(required)) {
            return Err(bad_file(
                path,
                format!(
                    "no {} column (header: {}); the header must name it, e.g. {} or {}",
                    required.name(),
                    header.join(","),
                    required.name(),
                    required.portuguese_name()
                ),
            ));
        }
    }
    Ok(columns)
}

fn detect_delimiter(first_line: &str) -> u8 {
    let count = |c: char| first_line.matches(c).count();
    [(';', count(';')), ('\t', count('\t')), (',', count(','))]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(c, _)| c as u8)
}

/// The header of a CSV file, checked, and a reader past it: the rows are split as they are
/// validated ([`RawRows::next_rows`]).
fn read_csv(path: &Path, text: String, delimiter: Option<u8>) -> Result<RawRows> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(first_line));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad_file(path, format!("cannot read the header line: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(bad_file(path, "the file is empty: it needs a header line"));
    }
    let columns = map_header(path, &header)?;
    Ok(RawRows {
        header,
        columns,
        rows: RowSource::Csv { reader, delimiter },
        broken: Vec::new(),
    })
}

fn read_json_lines(path: &Path, text: &str) -> Result<RawRows> {
    let mut objects = Vec::new();
    let mut broken = Vec::new();
    let mut header: Vec<String> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_number = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
            Ok(object) => {
                for key in object.keys() {
                    if !header.contains(key) {
                        header.push(key.clone());
                    }
                }
                objects.push((line_number, object));
            }
            Err(e) => broken.push((line_number, line.to_string(), format!("not a JSON object: {e}"))),
        }
    }
    if header.is_empty() {
        return Err(bad_file(path, "no JSON object in the file"));
    }
    let columns = map_header(path, &header)?;
    let rows = objects
        .into_iter()
        .map(|(line, object)| {
            let fields = header
                .iter()
                .map(|key| match object.get(key) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
                .collect::<csv::StringRecord>();
            (line, fields)
        })
        .collect::<Vec<_>>();
    Ok(RawRows {
        header,
        columns,
        rows: RowSource::Split(rows.into_iter()),
        broken,
    })
}

/// Rows converted at a time (in parallel).
const CONVERT_CHUNK: usize = 65_536;

/// Outcome of one row's conversion.
// Consumed right after conversion; boxing the common variant would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
enum RowOutcome {
    Record(ImportRow, Vec<ImportIssue>),
    Rejected(ImportIssue),
}

fn validate(
    path: &Path,
    mut raw: RawRows,
    encoding: &'static str,
    today: Date,
    sink: &mut dyn FnMut(Vec<ImportRow>) -> Result<()>,
) -> Result<ParsedFile> {
    let unknown_columns: Vec<String> = raw
        .header
        .iter()
        .zip(&raw.columns)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| h.clone())
        .collect();
    let position = |column: Column| raw.columns.iter().position(|c| *c == Some(column));
    let positions: Vec<Option<usize>> = Column::ALL.iter().map(|c| position(*c)).collect();
    let mut n_rows = 0;
    let mut issues = Vec::new();
    let mut rejected = Vec::new();
    let mut first_line_of: FastHashMap<Nnu, u64> = FastHashMap::default();
    // Split and converted a chunk at a time, so that the rows are not held twice.
    let mut outcomes: Vec<RowOutcome> = Vec::with_capacity(CONVERT_CHUNK);
    loop {
        let chunk = raw.next_rows(path, CONVERT_CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        n_rows += chunk.len();
        outcomes.clear();
        chunk
            .par_iter()
            .map(|(line, fields)| convert_row(*line, fields, &positions, today))
            .collect_into_vec(&mut outcomes);
        let mut records: Vec<ImportRow> = Vec::with_capacity(chunk.len());
        for ((line, fields), outcome) in chunk.iter().zip(outcomes.drain(..)) {
            match outcome {
                RowOutcome::Rejected(issue) => {
                    rejected.push(RejectedRow {
                        line: *line,
                        fields: fields.iter().map(str::to_string).collect(),
                        reason: issue.reason.clone(),
                    });
                    issues.push(issue);
                }
                RowOutcome::Record(row, row_issues) => {
                    if let Some(first) = first_line_of.get(&row.record.sns_number) {
                        let reason = format!(
                            "NNU {} is also on line {first}: each record once per file",
                            row.record.sns_number
                        );
                        rejected.push(RejectedRow {
                            line: *line,
                            fields: fields.iter().map(str::to_string).collect(),
                            reason: reason.clone(),
                        });
                        issues.push(ImportIssue {
                            line: *line,
                            field: "sns_number",
                            value: row.record.sns_number.to_string(),
                            reason,
                            severity: Severity::Rejected,
                        });
                        continue;
                    }
                    first_line_of.insert(row.record.sns_number, *line);
                    issues.extend(row_issues);
                    records.push(row);
                }
            }
        }
        sink(records)?;
    }
    let RawRows {
        header,
        columns,
        broken,
        ..
    } = raw;
    n_rows += broken.len();
    for (line, text, reason) in broken {
        rejected.push(RejectedRow {
            line,
            fields: vec![text.clone()],
            reason: reason.clone(),
        });
        issues.push(ImportIssue {
            line,
            field: "row",
            value: text,
            reason,
            severity: Severity::Rejected,
        });
    }
    issues.sort_by_key(|issue| issue.line);
    rejected.sort_by_key(|row| row.line);
    Ok(ParsedFile {
        path: path.to_path_buf(),
        issues,
        rejected,
        header,
        unknown_columns,
        columns,
        n_rows,
        encoding,
    })
}

fn convert_row(line: u64, fields: &csv::StringRecord, positions: &[Option<usize>], today: Date) -> RowOutcome {
    let get = |column: Column| -> &str {
        positions[column as usize]
            .and_then(|i| fields.get(i))
            .map_or("", str::trim)
    };
    let reject = |field: &'static str, value: &str, reason: &str| {
        RowOutcome::Rejected(ImportIssue {
            line,
            field,
            value: value.to_string(),
            reason: reason.to_string(),
            severity: Severity::Rejected,
        })
    };
    let nnu_text = get(Column::SnsNumber);
    if nnu_text.is_empty() {
        return reject("sns_number", "", "no NNU: a registry record needs its número de utente");
    }
    let Ok(sns_number) = nnu_text.parse::<Nnu>() else {
        return reject("sns_number", nnu_text, "the NNU must be nine digits");
    };
    let full_name = get(Column::FullName);
    if full_name.is_empty() || !full_name.chars().any(char::is_alphabetic) {
        return reject(
            "full_name",
            full_name,
            "no name: a registry record needs the nome completo",
        );
    }
    let mut record = PatientRecord::new(sns_number, collapse_spaces(full_name));
    let mut issues = Vec::new();
    let mut flag = |field: &'static str, value: &str, reason: String| {
        issues.push(ImportIssue {
            line,
            field,
            value: value.to_string(),
            reason,
            severity: Severity::Flagged,
        });
    };

    record.sex = parse_value(get(Column::Sex), |t| {
        Sex::parse(t).ok_or_else(|| "not a sex (M or F)".to_string())
    })
    .inspect_err(|(v, r)| flag("sex", v, r.clone()))
    .unwrap_or_else(|(v, _)| Value::Invalid(v));
    let birth_text = get(Column::BirthDate);
    record.birth_date = parse_value(birth_text, |t| {
        let date = Date::parse(t).map_err(|e| e.to_string())?;
        if date > today {
            return Err(format!("the birth date is in the future (today is {today})"));
        }
        Ok(date)
    })
    .inspect_err(|(v, r)| flag("birth_date", v, r.clone()))
    .unwrap_or_else(|(v, _)| Value::Invalid(v));
    let birth = record.birth_date.valid().copied();
    record.death_date = parse_value(get(Column::DeathDate), |t| {
        let date = Date::parse(t).map_err(|e| e.to_string())?;
        if date > today {
            return Err(format!("the death date is in the future (today is {today})"));
        }
        if birth.is_some_and(|b| date < b) {
            return Err(format!(
                "the death date is before the birth date {}",
                birth.expect("checked is_some")
            ));
        }
        Ok(date)
    })
    .inspect_err(|(v, r)| flag("death_date", v, r.clone()))
    .unwrap_or_else(|(v, _)| Value::Invalid(v));
    for (column, field) in [
        (Column::Nationality, "nationality"),
        (Column::BirthCountry, "birth_country"),
    ] {
        let value = parse_value(get(column), |t| {
            Country::parse(t).ok_or_else(|| "unknown country".to_string())
        })
        .inspect_err(|(v, r)| flag(field, v, r.clone()))
        .unwrap_or_else(|(v, _)| Value::Invalid(v));
        match column {
            Column::Nationality => record.nationality = value,
            _ => record.birth_country = value,
        }
    }
    record.nif = parse_value(get(Column::Nif), |t| t.parse::<Nif>().map_err(|e| e.to_string()))
        .inspect_err(|(v, r)| flag("nif", v, r.clone()))
        .unwrap_or_else(|(v, _)| Value::Invalid(v));
    record.registration_type = parse_value(get(Column::RegistrationType), |t| {
        RegistrationType::parse(t)
            .ok_or_else(|| "unknown registration type (atualizado, em_curso, incompleto, historico)".to_string())
    })
    .inspect_err(|(v, r)| flag("registration_type", v, r.clone()))
    .unwrap_or_else(|(v, _)| Value::Invalid(v));
    let text = |column: Column| Some(collapse_spaces(get(column))).filter(|t| !t.is_empty());
    record.birth_district = text(Column::BirthDistrict);
    record.birth_municipality = text(Column::BirthMunicipality);
    record.birth_parish = text(Column::BirthParish);
    record.registration_unit = text(Column::RegistrationUnit);
    RowOutcome::Record(ImportRow { line, record }, issues)
}

/// Parses an optional value: `Ok(Missing)` when empty, `Ok(Valid)`, or `Err((text, reason))`.
fn parse_value<T>(
    text: &str,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> std::result::Result<Value<T>, (String, String)> {
    if text.is_empty() {
        return Ok(Value::Missing);
    }
    parse(text)
        .map(Value::Valid)
        .map_err(|reason| (text.to_string(), reason))
}

fn collapse_spaces(text: &str) -> String {
    let mut previous_space = true;
    let clean = text.chars().all(|c| {
        let ok = if c.is_whitespace() {
            c == ' ' && !previous_space
        } else {
            true
        };
        previous_space = c.is_whitespace();
        ok
    }) && !previous_space;
    if clean {
        return text.to_string();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the rejected rows as CSV: `line,reason` and then the row's own fields under its header.
pub fn write_rejects(path: &Path, parsed: &ParsedFile) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    // Flexible: a row that could not be split into fields is written as one field.
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(std::io::BufWriter::new(file));
    let io = |e: csv::Error| Error::io(path, std::io::Error::other(e));
    let mut header = vec!["line".to_string(), "reason".to_string()];
    header.extend(parsed.header.iter().cloned());
    writer.write_record(&header).map_err(io)?;
    for row in &parsed.rejected {
        let mut fields = vec![row.line.to_string(), row.reason.clone()];
        fields.extend(row.fields.iter().cloned());
        writer.write_record(&fields).map_err(io)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?
        .flush()
        .map_err(|e| Error::io(path, e))?;
    Ok(())
}
