//! The registry database: the single source of truth (SQLite, WAL).
//!
//! Consumes records, scan results and (later) decisions; produces them back. This is the only
//! module that uses rusqlite. Each table has one owner file: `records.rs` (records, imports,
//! record changes), `predictions.rs` (scans, pairs, clusters), `merges.rs` (decisions),
//! `users.rs`, `audit.rs`, `tickets.rs` (service-desk tickets). SQL sits next to its
//! `prepare_cached` call, parameters are always bound, and bulk writes happen in one
//! transaction, so an interrupted import or scan leaves the database as it was before.
//!
//! **Invariants:**
//! - records are never deleted (merges are soft: `status`, `merged_into`);
//! - `records.change_seq` grows with every insert or update; the candidate index holds every
//!   change up to the `index_seq` meta value, so `unico index` knows what to add;
//! - the `pairs` and `clusters` tables hold the latest successful scan only; a cluster with the
//!   same members as one of the previous scan keeps its id, and an id is never given twice.
//!
//! Privacy: the database holds personal data; it lives in the data directory, which is
//! git-ignored, and nothing here logs names or NNUs above `trace`.

pub mod audit;
pub mod merges;
mod migrations;
pub mod predictions;
pub mod records;
pub mod tickets;
mod users;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::record::Date;

/// Meta key: the highest `change_seq` that the candidate index holds.
pub const META_INDEX_SEQ: &str = "index_seq";
/// Meta key: the number of records the saved term frequencies were counted over.
pub const META_TF_N_RECORDS: &str = "tf_n_records";
/// Meta key: the version of the blocking keys the candidate index holds.
pub const META_INDEX_KEYS_VERSION: &str = "index_keys_version";

/// An open registry database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let conn = Connection::open(path)?;
        Store::setup(conn)
    }

    /// A fresh database in memory (tests, examples).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "cache_size", -65536)?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// A meta value.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
        Ok(stmt.query_row([key], |row| row.get(0)).optional()?)
    }

    /// Sets a meta value.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        Ok(set_meta_on(&self.conn, key, value)?)
    }
}

/// A write transaction that takes the write lock at once: a transaction that reads first and
/// writes later could find another writer in between and fail without waiting.
pub(crate) fn immediate(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

/// Sets a meta value on a connection or inside a transaction (which derefs to one).
pub(crate) fn set_meta_on(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute([key, value])?;
    Ok(())
}

/// The current time as an RFC 3339 UTC timestamp (`2026-11-22T18:37:32Z`).
pub fn now_timestamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let date = Date::from_days_since_epoch((secs / 86_400) as i32);
    let rest = secs % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// Today's date (UTC).
pub fn today() -> Date {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_days_since_epoch((secs / 86_400) as i32)
}
