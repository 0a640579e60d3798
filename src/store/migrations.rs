//! Schema migrations on `PRAGMA user_version`, append-only.
//!
//! Never edit, reorder or delete an entry: add a new file. Each migration runs inside an
//! EXCLUSIVE transaction together with the `user_version` bump, so a crash leaves the schema at
//! one version or the next.

use rusqlite::Connection;

fn migrations() -> Vec<&'static str> {
    vec![
        include_str!("migrations/0001_init.sql"),
        include_str!("migrations/0002_review.sql"),
        include_str!("migrations/0003_tickets.sql"),
        include_str!("migrations/0004_change_seq_index.sql"),
        include_str!("migrations/0005_scan_runs.sql"),
        include_str!("migrations/0006_merged_records_index.sql"),
        include_str!("migrations/0007_rejection_fields.sql"),
    ]
}

/// Brings the database to the latest schema.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let migrations = migrations();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    let version: usize = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > migrations.len() {
        // A newer Único wrote this database: refuse rather than guess.
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
            Some(format!(
                "the registry database has schema version {version}, newer than this unico knows ({}): upgrade unico",
                migrations.len()
            )),
        ));
    }
    for sql in &migrations[version..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", migrations.len())?;
    tx.commit()
}
