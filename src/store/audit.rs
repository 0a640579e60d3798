//! Owner of the `audit_log` table: who did what to which records, when and why.
//!
//! Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's SHA-256 covers
//! its fields and the previous entry's hash, and the meta value `audit_head` holds the last
//! entry's id and hash, so [`Store::verify_audit`] finds an edited, removed or appended-behind-
//! our-back entry. Entries name records by NNU only, never by name or other personal data.

use std::fmt;

use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};

use super::{now_timestamp, set_meta_on, Store};
use crate::access::Actor;
use crate::error::Result;
use crate::record::Nnu;

/// Meta key: `ID:HASH` of the newest audit entry.
const META_AUDIT_HEAD: &str = "audit_head";
/// The `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A file imported (batch).
    Import,
    /// The candidate index updated or rebuilt (batch).
    Index,
    /// A scan run (batch).
    Scan,
    /// The model trained (batch).
    Train,
    /// Candidates exported (batch).
    Export,
    /// A person read records.
    View,
    /// Records merged into a principal.
    Merge,
    /// A merge undone.
    Unmerge,
    /// Pairs rejected as not the same person.
    Reject,
    /// Pairs put aside for later.
    Defer,
    /// A user added.
    UserAdd,
    /// A user disabled or enabled.
    UserChange,
    /// A service-desk ticket resolved, reopened or closed.
    Ticket,
}

impl Action {
    const ALL: [Action; 13] = [
        Action::Import,
        Action::Index,
        Action::Scan,
        Action::Train,
        Action::Export,
        Action::View,
        Action::Merge,
        Action::Unmerge,
        Action::Reject,
        Action::Defer,
        Action::UserAdd,
        Action::UserChange,
        Action::Ticket,
    ];

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Import => "import",
            Action::Index => "index",
            Action::Scan => "scan",
            Action::Train => "train",
            Action::Export => "export",
            Action::View => "view",
            Action::Merge => "merge",
            Action::Unmerge => "unmerge",
            Action::Reject => "reject",
            Action::Defer => "defer",
            Action::UserAdd => "user_add",
            Action::UserChange => "user_change",
            Action::Ticket => "ticket",
        }
    }

    /// As people say it.
    pub fn label_pt(self) -> &'static str {
        match self {
            Action::Import => "importação",
            Action::Index => "índice",
            Action::Scan => "pesquisa de duplicados",
            Action::Train => "treino do modelo",
            Action::Export => "exportação",
            Action::View => "consulta",
            Action::Merge => "fusão",
            Action::Unmerge => "fusão desfeita",
            Action::Reject => "rejeição: não é a mesma pessoa",
            Action::Defer => "adiamento",
            Action::UserAdd => "utilizador criado",
            Action::UserChange => "utilizador alterado",
            Action::Ticket => "pedido de suporte",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// A decision on records (what `history` shows), as opposed to a view or a batch run.
    pub fn is_decision(self) -> bool {
        matches!(
            self,
            Action::Merge | Action::Unmerge | Action::Reject | Action::Defer | Action::Ticket
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An entry to append.
#[derive(Debug, Default)]
pub struct NewEntry<'a> {
    /// The records acted on.
    pub records: &'a [Nnu],
    /// Why (as the person gave it).
    pub reason: Option<&'a str>,
    /// The service-desk ticket, when the action answers one.
    pub ticket: Option<&'a str>,
    /// What else identifies the action (a merge id, a file, counts), never personal data.
    pub details: Option<String>,
}

/// An entry of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Username or operating-system account.
    pub actor: String,
    /// "person" or "system".
    pub actor_kind: String,
    /// What was done, as stored.
    pub action: String,
    /// The records' NNUs.
    pub records: Vec<String>,
    /// Why.
    pub reason: Option<String>,
    /// Ticket.
    pub ticket: Option<String>,
    /// Details.
    pub details: Option<String>,
    prev_hash: String,
    hash: String,
}

/// Which entries to list.
#[derive(Debug, Default)]
pub struct AuditFilter {
    /// Only entries that name this record.
    pub record: Option<Nnu>,
    /// Only entries by this actor.
    pub actor: Option<String>,
    /// Only decisions (merge, unmerge, reject, defer).
    pub decisions_only: bool,
}

/// The result of checking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum AuditVerification {
    /// Every entry is intact; the head's hash, to note down outside the machine.
    Intact {
        /// Number of entries.
        n_entries: i64,
        /// Hash of the newest entry.
        head: String,
    },
    /// The chain breaks at this entry id, for this reason.
    Broken {
        /// First entry found wrong (or the position of a missing one).
        at_id: i64,
        /// What is wrong.
        reason: String,
    },
}

/// Appends an entry on `conn`, which should be inside the caller's write transaction so that the
/// entry commits (or not) with what it records.
pub(crate) fn append_on(conn: &Connection, actor: &Actor, action: Action, entry: &NewEntry) -> rusqlite::Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let records = if entry.records.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = entry.records.iter().map(Nnu::to_string).collect();
        format!(",{},", list.join(","))
    };
    let at = now_timestamp();
    let hash = entry_hash(&EntryFields {
        prev_hash: &prev_hash,
        id,
        at: &at,
        actor: actor.name(),
        actor_kind: actor.kind(),
        action: action.as_str(),
        records: &records,
        reason: entry.reason,
        ticket: entry.ticket,
        details: entry.details.as_deref(),
    });
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, actor, actor_kind, action, records, reason, ticket, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        at,
        actor.name(),
        actor.kind(),
        action.as_str(),
        records,
        entry.reason,
        entry.ticket,
        entry.details,
        prev_hash,
        hash
    ])?;
    set_meta_on(conn, META_AUDIT_HEAD, &format!("{id}:{hash}"))?;
    Ok(id)
}

struct EntryFields<'a> {
    prev_hash: &'a str,
    id: i64,
    at: &'a str,
    actor: &'a str,
    actor_kind: &'a str,
    action: &'a str,
    records: &'a str,
    reason: Option<&'a str>,
    ticket: Option<&'a str>,
    details: Option<&'a str>,
}

/// SHA-256 (hex) of an entry's fields, length-prefixed so that no two entries encode alike.
fn entry_hash(fields: &EntryFields) -> String {
    let mut hasher = Sha256::new();
    let id = fields.id.to_string();
    let parts = [
        Some(fields.prev_hash),
        Some(id.as_str()),
        Some(fields.at),
        Some(fields.actor),
        Some(fields.actor_kind),
        Some(fields.action),
        Some(fields.records),
        fields.reason,
        fields.ticket,
        fields.details,
    ];
    for part in parts {
        match part {
            None => hasher.update(b"-"),
            Some(text) => {
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut hex, byte| {
        use std::fmt::Write;
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// SHA-256 (hex) of some bytes: the digest of a service-desk message (`store/tickets.rs`).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

const ENTRY_COLUMNS: &str = "id, at, actor, actor_kind, action, records, reason, ticket, details, prev_hash, hash";

fn entry_from_row(row: &Row) -> rusqlite::Result<AuditEntry> {
    let records: String = row.get(5)?;
    Ok(AuditEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        actor: row.get(2)?,
        actor_kind: row.get(3)?,
        action: row.get(4)?,
        records: records
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        reason: row.get(6)?,
        ticket: row.get(7)?,
        details: row.get(8)?,
        prev_hash: row.get(9)?,
        hash: row.get(10)?,
    })
}

impl Store {
    /// Appends one entry in its own transaction (for actions that write nothing else).
    pub fn audit(&mut self, actor: &Actor, action: Action, entry: &NewEntry) -> Result<i64> {
        let tx = super::immediate(&mut self.conn)?;
        let id = append_on(&tx, actor, action, entry)?;
        tx.commit()?;
        Ok(id)
    }

    /// Entries, oldest first.
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log
             WHERE (?1 IS NULL OR records LIKE '%,' || ?1 || ',%') AND (?2 IS NULL OR actor = ?2)
             ORDER BY id"
        ))?;
        let rows = stmt.query_map(
            params![filter.record.map(|n| n.to_string()), filter.actor],
            entry_from_row,
        )?;
        let mut entries: Vec<AuditEntry> = rows.collect::<rusqlite::Result<_>>()?;
        if filter.decisions_only {
            entries.retain(|e| Action::parse(&e.action).is_some_and(Action::is_decision));
        }
        Ok(entries)
    }

    /// Walks the whole chain: ids consecutive from 1, each entry's hash recomputed, each
    /// `prev_hash` equal to the previous entry's hash, and the last entry equal to the head.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id"))?;
        let mut rows = stmt.query([])?;
        let (mut expected_id, mut prev_hash) = (1i64, GENESIS.to_string());
        let broken = |at_id: i64, reason: &str| {
            Ok(AuditVerification::Broken {
                at_id,
                reason: reason.to_string(),
            })
        };
        while let Some(row) = rows.next()? {
            let entry = entry_from_row(row)?;
            if entry.id != expected_id {
                return broken(expected_id, "entry missing (the ids jump)");
            }
            if entry.prev_hash != prev_hash {
                return broken(
                    entry.id,
                    "does not follow the previous entry (an entry was removed or replaced)",
                );
            }
            let records = row.get::<_, String>(5)?;
            let hash = entry_hash(&EntryFields {
                prev_hash: &entry.prev_hash,
                id: entry.id,
                at: &entry.at,
                actor: &entry.actor,
                actor_kind: &entry.actor_kind,
                action: &entry.action,
                records: &records,
                reason: entry.reason.as_deref(),
                ticket: entry.ticket.as_deref(),
                details: entry.details.as_deref(),
            });
            if hash != entry.hash {
                return broken(entry.id, "its content was changed after it was written");
            }
            prev_hash = entry.hash;
            expected_id += 1;
        }
        let n_entries = expected_id - 1;
        let head = self.meta(META_AUDIT_HEAD)?;
        let expected_head = (n_entries > 0).then(|| format!("{n_entries}:{prev_hash}"));
        if head != expected_head {
            return broken(
                expected_id,
                "the newest entries were removed, or the chain's head was changed",
            );
        }
        Ok(AuditVerification::Intact {
            n_entries,
            head: prev_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nnu(n: u32) -> Nnu {
        Nnu::from_u32(n).unwrap()
    }

    fn filled_store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let system = Actor::System("operador".into());
        for i in 0..5 {
            let records = [nnu(100000000 + i)];
            let entry = NewEntry {
                records: &records,
                reason: Some("porque sim"),
                ..NewEntry::default()
            };
            store.audit(&system, Action::Reject, &entry).unwrap();
        }
        store
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let store = filled_store();
        assert!(matches!(
            store.verify_audit().unwrap(),
            AuditVerification::Intact { n_entries: 5, .. }
        ));
        let only = store
            .audit_entries(&AuditFilter {
                record: Some(nnu(100000002)),
                ..AuditFilter::default()
            })
            .unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].records, vec!["100000002".to_string()]);
    }

    #[test]
    fn the_database_refuses_updates_and_deletes() {
        let store = filled_store();
        let update = store
            .conn
            .execute("UPDATE audit_log SET reason = 'outra' WHERE id = 2", []);
        assert!(update.unwrap_err().to_string().contains("append-only"));
        assert!(store.conn.execute("DELETE FROM audit_log WHERE id = 5", []).is_err());
    }

    #[test]
    fn edits_and_removals_behind_the_triggers_are_found() {
        let edit = filled_store();
        edit.conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
        edit.conn
            .execute("UPDATE audit_log SET reason = 'outra' WHERE id = 3", [])
            .unwrap();
        assert!(matches!(
            edit.verify_audit().unwrap(),
            AuditVerification::Broken { at_id: 3, .. }
        ));

        let middle = filled_store();
        middle.conn.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
        middle.conn.execute("DELETE FROM audit_log WHERE id = 2", []).unwrap();
        assert!(matches!(
            middle.verify_audit().unwrap(),
            AuditVerification::Broken { at_id: 2, .. }
        ));

        let tail = filled_store();
        tail.conn.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
        tail.conn.execute("DELETE FROM audit_log WHERE id = 5", []).unwrap();
        assert!(matches!(
            tail.verify_audit().unwrap(),
            AuditVerification::Broken { at_id: 5, .. }
        ));
    }
}
