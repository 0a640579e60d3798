//! Owner of the `records`, `imports` and `record_changes` tables.

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Row};

use super::{now_timestamp, Store};
use crate::error::Result;
use crate::record::{Country, Date, Nif, Nnu, PatientRecord, RecordId, RegistrationType, Sex, Status, Value};

pub(crate) const RECORD_COLUMNS: &str = "id, sns_number, full_name, sex, birth_date, nationality, birth_country, \
     birth_district, birth_municipality, birth_parish, registration_unit, nif, registration_type, \
     death_date, invalid_fields, status, merged_into";

pub use crate::record::FIELDS;

/// A record's fields as stored text, in [`FIELDS`] order (borrowed where the record holds the
/// text: this runs once per imported row).
pub fn field_texts(record: &PatientRecord) -> [Option<Cow<'_, str>>; 13] {
    [
        Some(Cow::Owned(record.sns_number.to_string())),
        Some(Cow::Borrowed(record.full_name.as_str())),
        value_text(&record.sex),
        value_text(&record.birth_date),
        value_text(&record.nationality),
        value_text(&record.birth_country),
        borrowed(&record.birth_district),
        borrowed(&record.birth_municipality),
        borrowed(&record.birth_parish),
        borrowed(&record.registration_unit),
        value_text(&record.nif),
        value_text(&record.registration_type),
        value_text(&record.death_date),
    ]
}

fn borrowed(text: &Option<String>) -> Option<Cow<'_, str>> {
    text.as_deref().map(Cow::Borrowed)
}

/// [`Value::to_text`], borrowing an invalid value's text.
fn value_text<T: std::fmt::Display>(value: &Value<T>) -> Option<Cow<'_, str>> {
    match value {
        Value::Missing => None,
        Value::Valid(value) => Some(Cow::Owned(value.to_string())),
        Value::Invalid(text) => Some(Cow::Borrowed(text.as_str())),
    }
}

/// A stored record with its status.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    /// The record.
    pub record: PatientRecord,
    /// Active or merged.
    pub status: Status,
    /// The principal, when merged.
    pub merged_into: Option<RecordId>,
}

/// One record of an import, with the line it came from.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// 1-based line (CSV: physical line of the row's start; JSONL: the line).
    pub line: u64,
    /// The record.
    pub record: PatientRecord,
}

/// What writing an import did.
#[derive(Debug, Default)]
pub struct ImportWrite {
    /// The import's id (0 when nothing was written).
    pub import_id: i64,
    /// New records.
    pub n_inserted: usize,
    /// Existing records changed (`--update`).
    pub n_updated: usize,
    /// Existing records given again with no change (`--update`).
    pub n_unchanged: usize,
    /// Rows whose NNU is already registered (without `--update`), refused.
    pub already_registered: Vec<ImportRow>,
}

/// How to write an import.
pub struct ImportWriteOptions<'a> {
    /// The file, as given.
    pub file: &'a str,
    /// Who runs it (the operating-system account for batch commands).
    pub operator: &'a str,
    /// Update records whose NNU exists instead of refusing them.
    pub update: bool,
    /// Write nothing if any row has a problem (the importer's, [`ImportCounts::n_problems`], or
    /// a refused row).
    pub strict: bool,
}

/// What the importer found in the file, known once it is read.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportCounts {
    /// Problems the importer found (rows rejected, values flagged).
    pub n_problems: usize,
    /// Rows the importer rejected (for the import's summary row).
    pub n_rejected: usize,
    /// Flagged values (for the import's summary row).
    pub n_flagged_values: usize,
    /// Rows read from the file.
    pub n_rows: usize,
}

impl Store {
    /// Writes the rows of one import in one transaction: all or nothing.
    ///
    /// A row whose NNU already exists is refused (listed in `already_registered`) unless
    /// `update`, which records each changed field in `record_changes`. With `strict`, any
    /// problem (the importer's or a refused row) writes nothing.
    pub fn write_import(
        &mut self,
        rows: &[ImportRow],
        options: &ImportWriteOptions,
        counts: ImportCounts,
    ) -> Result<ImportWrite> {
        self.write_import_streamed(options, |write| {
            write(rows)?;
            Ok(counts)
        })
    }

    /// [`Store::write_import`] of rows that arrive while the file is still being read: `feed`
    /// hands each chunk to the function it is given and returns the importer's counts at the
    /// end. An error of `feed` or of a chunk rolls everything back.
    pub fn write_import_streamed(
        &mut self,
        options: &ImportWriteOptions,
        feed: impl FnOnce(&mut dyn FnMut(&[ImportRow]) -> Result<()>) -> Result<ImportCounts>,
    ) -> Result<ImportWrite> {
        let started_at = now_timestamp();
        let tx = super::immediate(&mut self.conn)?;
        let mut write = ImportWrite::default();
        let seq: i64 = tx.query_row("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM records", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO imports (file, operator, started_at, finished_at, n_rows, n_inserted, n_updated,
                                  n_rejected, n_flagged_values)
             VALUES (?1, ?2, ?3, ?3, 0, 0, 0, 0, 0)",
            params![options.file, options.operator, started_at],
        )?;
        let import_id = tx.last_insert_rowid();
        let registry_empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM records)", [], |r| r.get(0))?;
        let counts = {
            let mut insert = tx.prepare_cached(
                "INSERT INTO records (sns_number, full_name, sex, birth_date, nationality, birth_country,
                     birth_district, birth_municipality, birth_parish, registration_unit, nif,
                     registration_type, death_date, invalid_fields, change_seq, import_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
            )?;
            let mut find = tx.prepare_cached(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE sns_number = ?1"))?;
            let mut update = tx.prepare_cached(
                "UPDATE records SET full_name = ?2, sex = ?3, birth_date = ?4, nationality = ?5,
                     birth_country = ?6, birth_district = ?7, birth_municipality = ?8, birth_parish = ?9,
                     registration_unit = ?10, nif = ?11, registration_type = ?12, death_date = ?13,
                     invalid_fields = ?14, change_seq = ?15, updated_at = ?16
                 WHERE id = ?1",
            )?;
            let mut change = tx.prepare_cached(
                "INSERT INTO record_changes (record_id, import_id, field, old_value, new_value)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut write_rows = |rows: &[ImportRow]| -> Result<()> {
                for row in rows {
                    let texts = field_texts(&row.record);
                    let invalid = row.record.invalid_fields().join(",");
                    let existing = if registry_empty {
                        None
                    } else {
                        find.query_row([&texts[0]], stored_record_from_row).optional()?
                    };
                    match existing {
                        None => {
                            insert.execute(params![
                                texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], texts[6], texts[7],
                                texts[8], texts[9], texts[10], texts[11], texts[12], invalid, seq, import_id,
                                started_at
                            ])?;
                            write.n_inserted += 1;
                        }
                        Some(_) if !options.update => write.already_registered.push(row.clone()),
                        Some(stored) => {
                            let old_texts = field_texts(&stored.record);
                            let changed: Vec<usize> = (1..texts.len()).filter(|&i| old_texts[i] != texts[i]).collect();
                            if changed.is_empty() {
                                write.n_unchanged += 1;
                                continue;
                            }
                            let id = stored.record.id.0;
                            update.execute(params![
                                id, texts[1], texts[2], texts[3], texts[4], texts[5], texts[6], texts[7], texts[8],
                                texts[9], texts[10], texts[11], texts[12], invalid, seq, started_at
                            ])?;
                            for i in changed {
                                change.execute(params![id, import_id, FIELDS[i], old_texts[i], texts[i]])?;
                            }
                            write.n_updated += 1;
                        }
                    }
                }
                Ok(())
            };
            feed(&mut write_rows)?
        };
        let n_problems = counts.n_problems + write.already_registered.len();
        if options.strict && n_problems > 0 {
            tx.rollback()?;
            return Ok(ImportWrite {
                import_id: 0,
                n_inserted: 0,
                n_updated: 0,
                n_unchanged: 0,
                ..write
            });
        }
        tx.execute(
            "UPDATE imports SET finished_at = ?2, n_rows = ?3, n_inserted = ?4, n_updated = ?5,
                 n_rejected = ?6, n_flagged_values = ?7 WHERE id = ?1",
            params![
                import_id,
                now_timestamp(),
                counts.n_rows,
                write.n_inserted,
                write.n_updated,
                counts.n_rejected + write.already_registered.len(),
                counts.n_flagged_values
            ],
        )?;
        // The import's audit entry commits with its rows.
        super::audit::append_on(
            &tx,
            &crate::access::Actor::System(options.operator.to_string()),
            super::audit::Action::Import,
            &super::audit::NewEntry {
                details: Some(format!(
                    "import {import_id}: {}: {} inserted, {} updated, {} rejected",
                    options.file,
                    write.n_inserted,
                    write.n_updated,
                    counts.n_rejected + write.already_registered.len()
                )),
                ..Default::default()
            },
        )?;
        tx.commit()?;
        write.import_id = import_id;
        Ok(write)
    }

    /// The record with this NNU, active or merged.
    pub fn record_by_nnu(&self, nnu: Nnu) -> Result<Option<StoredRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE sns_number = ?1"))?;
        Ok(stmt.query_row([nnu.to_string()], stored_record_from_row).optional()?)
    }

    /// Every active record, by id, in chunks of `chunk_len` (so that the caller can work on
    /// one chunk while the next is read).
    pub fn for_each_active_record_chunk(
        &self,
        chunk_len: usize,
        mut f: impl FnMut(Vec<PatientRecord>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE status = 'active' ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut chunk = Vec::new();
        while let Some(row) = rows.next()? {
            chunk.push(stored_record_from_row(row)?.record);
            if chunk.len() >= chunk_len {
                f(std::mem::take(&mut chunk))?;
            }
        }
        if !chunk.is_empty() {
            f(chunk)?;
        }
        Ok(())
    }

    /// Records by id (any status), in the order asked; unknown ids are left out.
    pub fn records_by_id(&self, ids: &[RecordId]) -> Result<Vec<PatientRecord>> {
        Ok(self.stored_records_by_id(ids)?.into_iter().map(|s| s.record).collect())
    }

    /// Stored records (with status) by id, in the order asked; unknown ids are left out.
    pub fn stored_records_by_id(&self, ids: &[RecordId]) -> Result<Vec<StoredRecord>> {
        // A few hundred ids per query: one query per record is what makes a queue page slow.
        const CHUNK: usize = 500;
        let mut found: HashMap<RecordId, StoredRecord> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let placeholders = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE id IN ({placeholders})"
            ))?;
            let rows = stmt.query_map(
                rusqlite::params_from_iter(chunk.iter().map(|id| id.0)),
                stored_record_from_row,
            )?;
            for row in rows {
                let stored = row?;
                found.insert(stored.record.id, stored);
            }
        }
        Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
    }

    /// The same, in chunks of at most `chunk_len` active records (with the ids taken out since
    /// the previous chunk), so that the caller can work on one chunk while the next is read.
    pub fn for_each_record_chunk_changed_since(
        &self,
        seq: i64,
        chunk_len: usize,
        mut f: impl FnMut(Vec<PatientRecord>, Vec<RecordId>) -> Result<()>,
    ) -> Result<i64> {
        // Everything in id order (a rebuild); a few changes through the change_seq index (in id
        // order, SQLite would read the whole table to avoid a sort).
        let order = if seq == 0 { "id" } else { "change_seq" };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS}, change_seq FROM records WHERE change_seq > ?1 ORDER BY {order}"
        ))?;
        let mut rows = stmt.query([seq])?;
        let (mut active, mut inactive, mut max_seq) = (Vec::new(), Vec::new(), seq);
        while let Some(row) = rows.next()? {
            let stored = stored_record_from_row(row)?;
            max_seq = max_seq.max(row.get::<_, i64>(17)?);
            match stored.status {
                Status::Active => active.push(stored.record),
                Status::Merged => inactive.push(stored.record.id),
            }
            if active.len() >= chunk_len {
                f(std::mem::take(&mut active), std::mem::take(&mut inactive))?;
            }
        }
        if !active.is_empty() || !inactive.is_empty() {
            f(active, inactive)?;
        }
        Ok(max_seq)
    }

    /// The registration unit of every record, by NNU.
    pub fn registration_units(&self) -> Result<HashMap<Nnu, Option<String>>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sns_number, registration_unit FROM records")?;
        let mut rows = stmt.query([])?;
        let mut units = HashMap::new();
        while let Some(row) = rows.next()? {
            if let Ok(nnu) = row.get::<_, String>(0)?.parse::<Nnu>() {
                units.insert(nnu, row.get(1)?);
            }
        }
        Ok(units)
    }

    /// What changes when the registry or its scan changes: the highest change sequence of the
    /// records and the latest successful scan (for caches of the index and the model).
    pub fn freshness(&self) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COALESCE(MAX(change_seq), 0) FROM records),
                    (SELECT COALESCE(MAX(id), 0) FROM scans WHERE status = 'done')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// Number of records (active or not) changed after the change sequence `seq`.
    pub fn n_records_changed_since(&self, seq: i64) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM records WHERE change_seq > ?1", [seq], |r| {
                r.get(0)
            })?)
    }

    /// Number of active records.
    pub fn n_active_records(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM records WHERE status = 'active'", [], |r| r.get(0))?)
    }

    /// Map from NNU to record id for every record.
    pub fn record_ids_by_nnu(&self) -> Result<HashMap<Nnu, RecordId>> {
        let mut stmt = self.conn.prepare_cached("SELECT sns_number, id FROM records")?;
        let mut rows = stmt.query([])?;
        let mut map = HashMap::new();
        while let Some(row) = rows.next()? {
            let text: String = row.get(0)?;
            if let Ok(nnu) = text.parse::<Nnu>() {
                map.insert(nnu, RecordId(row.get(1)?));
            }
        }
        Ok(map)
    }
}

/// Reads a value stored as text: invalid when the field is listed in `invalid_fields`.
fn stored_value<T>(
    text: Option<String>,
    field: &str,
    invalid_fields: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Value<T> {
    match text {
        None => Value::Missing,
        Some(text) if invalid_fields.split(',').any(|f| f == field) => Value::Invalid(text),
        Some(text) => match parse(&text) {
            Some(value) => Value::Valid(value),
            None => Value::Invalid(text),
        },
    }
}

pub(crate) fn stored_record_from_row(row: &Row) -> rusqlite::Result<StoredRecord> {
    let invalid: String = row.get(14)?;
    let nnu_text: String = row.get(1)?;
    // The import only stores nine-digit NNUs.
    let sns_number = nnu_text.parse::<Nnu>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            1,
            rusqlite::types::Type::Text,
            Box::new(std::io::Error::other(e.to_string())),
        )
    })?;
    let record = PatientRecord {
        id: RecordId(row.get(0)?),
        sns_number,
        full_name: row.get(2)?,
        sex: stored_value(row.get(3)?, "sex", &invalid, Sex::parse),
        birth_date: stored_value(row.get(4)?, "birth_date", &invalid, |t| Date::parse(t).ok()),
        nationality: stored_value(row.get(5)?, "nationality", &invalid, Country::from_alpha2),
        birth_country: stored_value(row.get(6)?, "birth_country", &invalid, Country::from_alpha2),
        birth_district: row.get(7)?,
        birth_municipality: row.get(8)?,
        birth_parish: row.get(9)?,
        registration_unit: row.get(10)?,
        nif: stored_value(row.get(11)?, "nif", &invalid, |t| t.parse::<Nif>().ok()),
        registration_type: stored_value(row.get(12)?, "registration_type", &invalid, RegistrationType::parse),
        death_date: stored_value(row.get(13)?, "death_date", &invalid, |t| Date::parse(t).ok()),
    };
    let status = match row.get::<_, String>(15)?.as_str() {
        "merged" => Status::Merged,
        _ => Status::Active,
    };
    Ok(StoredRecord {
        record,
        status,
        merged_into: row.get::<_, Option<u32>>(16)?.map(RecordId),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(store: &mut Store, rows: &[ImportRow], update: bool) -> ImportWrite {
        let options = ImportWriteOptions {
            file: "test.csv",
            operator: "test",
            update,
            strict: false,
        };
        let counts = ImportCounts {
            n_rows: rows.len(),
            ..ImportCounts::default()
        };
        store.write_import(rows, &options, counts).unwrap()
    }

    #[test]
    fn invalid_values_round_trip_as_typed() {
        let mut store = Store::open_in_memory().unwrap();
        let mut record = PatientRecord::new("100000001".parse().unwrap(), "Ana Lopes");
        record.birth_date = Value::Invalid("31/02/2000".into());
        record.nif = Value::Valid("123456789".parse().unwrap());
        record.nationality = Value::Valid(Country::PORTUGAL);
        let written = write(
            &mut store,
            &[ImportRow {
                line: 2,
                record: record.clone(),
            }],
            false,
        );
        assert_eq!(written.n_inserted, 1);
        let stored = store.record_by_nnu(record.sns_number).unwrap().unwrap();
        assert_eq!(stored.record.birth_date, Value::Invalid("31/02/2000".into()));
        assert_eq!(stored.record.nif, record.nif);
        assert_eq!(stored.record.nationality, record.nationality);
        assert_eq!(stored.status, Status::Active);

        // The same NNU again is refused without `update`, and changes the record with it.
        let again = write(
            &mut store,
            &[ImportRow {
                line: 5,
                record: record.clone(),
            }],
            false,
        );
        let refused: Vec<(u64, Nnu)> = again
            .already_registered
            .iter()
            .map(|row| (row.line, row.record.sns_number))
            .collect();
        assert_eq!(refused, vec![(5, record.sns_number)]);
        record.full_name = "Ana Lopes Martins".into();
        let updated = write(&mut store, &[ImportRow { line: 2, record }], true);
        assert_eq!((updated.n_inserted, updated.n_updated), (0, 1));
        assert_eq!(store.n_active_records().unwrap(), 1);
    }
}
