//! Owner of the decision tables: `merges`, `merge_duplicates`, `merge_fills`, `rejected_pairs`,
//! `deferred_pairs`, `pair_first_seen`.
//!
//! Every decision runs in one IMMEDIATE transaction that re-reads the records, re-checks the
//! rules and the person's rights on what it read, writes, and appends its audit entry: two
//! processes deciding on the same records at once are serialised by SQLite, and the second one
//! sees the first one's result and is refused. A process killed in the middle leaves nothing.
//!
//! A merge keeps each record's stored image (the texts as stored, which fields are invalid,
//! status) before it, and the principal's image right after it: unmerge puts back the before-
//! images, except for principal fields that changed after the merge (later edits are kept).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::audit::{append_on, Action, NewEntry};
use super::now_timestamp;
use super::records::{field_texts, stored_record_from_row, StoredRecord, RECORD_COLUMNS};
use super::{immediate, Store};
use crate::access::{refused, Actor};
use crate::error::{Error, Result, UserError};
use crate::merge::{self, Fill, MergePlan, Overrides};
use crate::record::{Nnu, PatientRecord, RecordId, Status, FIELDS};

/// A record exactly as stored: what unmerge puts back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordImage {
    /// The 13 fields as stored, in [`FIELDS`] order.
    pub fields: Vec<Option<String>>,
    /// Fields holding an invalid value.
    pub invalid_fields: Vec<String>,
    /// "active" or "merged".
    pub status: String,
    /// The principal, when merged.
    pub merged_into: Option<u32>,
}

impl RecordImage {
    /// The image of a stored record.
    pub fn of(stored: &StoredRecord) -> RecordImage {
        RecordImage {
            fields: field_texts(&stored.record)
                .into_iter()
                .map(|text| text.map(|t| t.into_owned()))
                .collect(),
            invalid_fields: stored.record.invalid_fields().iter().map(|f| f.to_string()).collect(),
            status: match stored.status {
                Status::Active => "active".into(),
                Status::Merged => "merged".into(),
            },
            merged_into: stored.merged_into.map(|id| id.0),
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a record image serialises")
    }

    fn from_json(text: &str) -> Result<RecordImage> {
        serde_json::from_str(text).map_err(|e| Error::Internal(format!("stored record image: {e}")))
    }

    fn is_invalid(&self, field: &str) -> bool {
        self.invalid_fields.iter().any(|f| f == field)
    }
}

/// A merge to make.
#[derive(Debug)]
pub struct MergeRequest<'a> {
    /// The record kept.
    pub principal: Nnu,
    /// The records merged into it, in the order their values are taken.
    pub duplicates: &'a [Nnu],
    /// Why.
    pub reason: Option<&'a str>,
    /// The service-desk ticket it answers.
    pub ticket: Option<&'a str>,
    /// Merge despite two different valid NIFs.
    pub force: bool,
    /// Compute and check everything, write nothing.
    pub dry_run: bool,
}

/// What a merge did (or, dry, would do).
#[derive(Debug)]
pub struct MergeOutcome {
    /// The merge's id (0 for a dry run).
    pub merge_id: i64,
    /// The principal before.
    pub principal_before: PatientRecord,
    /// The plan: the principal after, and the fills.
    pub plan: MergePlan,
    /// The duplicates, as they were.
    pub duplicates: Vec<PatientRecord>,
}

/// What an unmerge did.
#[derive(Debug)]
pub struct UnmergeOutcome {
    /// The principal's NNU.
    pub principal: Nnu,
    /// The records made active again.
    pub restored: Vec<Nnu>,
    /// Principal fields changed after the merge, kept as they are now.
    pub kept_later_edits: Vec<&'static str>,
    /// Duplicate fields changed while merged (an import, say), kept as they are now.
    pub kept_duplicate_edits: Vec<(Nnu, &'static str)>,
}

/// A merge as recorded.
#[derive(Clone, Debug)]
pub struct MergeInfo {
    /// Id.
    pub id: i64,
    /// The principal's NNU.
    pub principal: Nnu,
    /// The duplicates' NNUs.
    pub duplicates: Vec<Nnu>,
    /// When.
    pub merged_at: String,
    /// Who.
    pub merged_by: String,
    /// Why.
    pub reason: Option<String>,
    /// Ticket.
    pub ticket: Option<String>,
    /// When undone, by whom, why.
    pub unmerged: Option<(String, String, String)>,
    /// The fields filled.
    pub fills: Vec<(String, Option<String>, String)>,
}

/// A pair known to be one person: the principal and one duplicate of a merge not undone, each
/// as stored now.
#[derive(Clone, Debug)]
pub struct KnownPair {
    /// The merge's id.
    pub merge_id: i64,
    /// The record kept.
    pub principal: StoredRecord,
    /// The record merged into it.
    pub duplicate: StoredRecord,
}

/// Checks a person's rights on the records a decision touches (read inside its transaction).
pub type Authorize<'a> = &'a dyn Fn(&[&PatientRecord]) -> Result<()>;

fn find_record(tx: &Connection, nnu: Nnu) -> Result<StoredRecord> {
    let mut stmt = tx.prepare_cached(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE sns_number = ?1"))?;
    stmt.query_row([nnu.to_string()], stored_record_from_row)
        .optional()?
        .ok_or_else(|| UserError::UnknownRecord(nnu.to_string()).into())
}

fn record_by_id(tx: &Connection, id: RecordId) -> Result<StoredRecord> {
    let mut stmt = tx.prepare_cached(&format!("SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"))?;
    stmt.query_row([id.0], stored_record_from_row)
        .optional()?
        .ok_or_else(|| Error::Internal(format!("record id {id} is gone")))
}

fn next_change_seq(tx: &Connection) -> rusqlite::Result<i64> {
    tx.query_row("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM records", [], |r| r.get(0))
}

/// Writes an image over a record (its NNU never changes).
fn write_image(tx: &Connection, id: RecordId, image: &RecordImage, seq: i64, now: &str) -> rusqlite::Result<()> {
    let f = &image.fields;
    tx.prepare_cached(
        "UPDATE records SET full_name = ?2, sex = ?3, birth_date = ?4, nationality = ?5, birth_country = ?6,
             birth_district = ?7, birth_municipality = ?8, birth_parish = ?9, registration_unit = ?10,
             nif = ?11, registration_type = ?12, death_date = ?13, invalid_fields = ?14, status = ?15,
             merged_into = ?16, change_seq = ?17, updated_at = ?18
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        f[1].as_deref().unwrap_or_default(),
        f[2],
        f[3],
        f[4],
        f[5],
        f[6],
        f[7],
        f[8],
        f[9],
        f[10],
        f[11],
        f[12],
        image.invalid_fields.join(","),
        image.status,
        image.merged_into,
        seq,
        now
    ])?;
    Ok(())
}

/// The rejected pairs that stand: all of them but those the latest scan proposes again because
/// a compared field changed since the rejection (a reviewer decides on those afresh).
fn standing_rejections(conn: &Connection) -> rusqlite::Result<HashSet<(RecordId, RecordId)>> {
    let mut rejected = effective_rejections(conn)?;
    let mut stmt = conn.prepare_cached("SELECT record_id_l, record_id_r FROM pairs WHERE rejected_at IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((RecordId(r.get(0)?), RecordId(r.get(1)?))))?;
    for row in rows {
        rejected.remove(&row?);
    }
    Ok(rejected)
}

/// The rejected pairs, each side also mapped to the active record it was merged into.
fn effective_rejections(conn: &Connection) -> rusqlite::Result<HashSet<(RecordId, RecordId)>> {
    let mut principal_of: HashMap<RecordId, RecordId> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached("SELECT id, merged_into FROM records WHERE status = 'merged'")?;
        let rows = stmt.query_map([], |r| Ok((RecordId(r.get(0)?), RecordId(r.get(1)?))))?;
        for row in rows {
            let (id, into) = row?;
            principal_of.insert(id, into);
        }
    }
    let resolve = |mut id: RecordId| {
        // Chains are short; the bound guards against a loop in damaged data.
        for _ in 0..32 {
            match principal_of.get(&id) {
                Some(&next) => id = next,
                None => break,
            }
        }
        id
    };
    let mut stmt = conn.prepare_cached("SELECT record_id_l, record_id_r FROM rejected_pairs")?;
    let rows = stmt.query_map([], |r| Ok((RecordId(r.get(0)?), RecordId(r.get(1)?))))?;
    let mut rejected = HashSet::new();
    for row in rows {
        let (l, r) = row?;
        rejected.insert((l, r));
        let (pl, pr) = (resolve(l), resolve(r));
        if pl != pr {
            rejected.insert(ordered(pl, pr));
        }
    }
    Ok(rejected)
}

/// The ordered pair of two record ids, as pairs are stored.
pub(crate) fn ordered(a: RecordId, b: RecordId) -> (RecordId, RecordId) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Store {
    /// Merges duplicates into a principal in one transaction, after checking the merge rules
    /// and `authorize` on the records as they are now. With `dry_run`, writes nothing.
    pub fn merge(&mut self, actor: &Actor, request: &MergeRequest, authorize: Authorize) -> Result<MergeOutcome> {
        let tx = immediate(&mut self.conn)?;
        let principal = find_record(&tx, request.principal)?;
        let duplicates = request
            .duplicates
            .iter()
            .map(|&nnu| find_record(&tx, nnu))
            .collect::<Result<Vec<_>>>()?;
        let everyone: Vec<&PatientRecord> = std::iter::once(&principal.record)
            .chain(duplicates.iter().map(|d| &d.record))
            .collect();
        authorize(&everyone)?;
        let overrides = Overrides {
            force: request.force,
            reason: request.reason,
        };
        let mut forced = merge::check(&principal, &duplicates, overrides)?;
        let rejected = standing_rejections(&tx)?;
        for (i, a) in everyone.iter().enumerate() {
            for b in &everyone[i + 1..] {
                if rejected.contains(&ordered(a.id, b.id)) {
                    overrides.allow(&format!(
                        "os utentes {} e {} foram rejeitados antes como pessoas diferentes",
                        a.sns_number, b.sns_number
                    ))?;
                    forced = true;
                }
            }
        }
        let duplicate_records: Vec<&PatientRecord> = duplicates.iter().map(|d| &d.record).collect();
        let plan = merge::plan(&principal.record, &duplicate_records);
        let mut outcome = MergeOutcome {
            merge_id: 0,
            principal_before: principal.record.clone(),
            plan,
            duplicates: duplicates.iter().map(|d| d.record.clone()).collect(),
        };
        if request.dry_run {
            return Ok(outcome);
        }
        let now = now_timestamp();
        let seq = next_change_seq(&tx)?;
        let before = RecordImage::of(&principal);
        let after = RecordImage::of(&StoredRecord {
            record: outcome.plan.principal.clone(),
            status: Status::Active,
            merged_into: None,
        });
        tx.prepare_cached(
            "INSERT INTO merges (principal_id, merged_at, merged_by, reason, ticket, forced, principal_before,
                                 principal_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            principal.record.id.0,
            now,
            actor.name(),
            request.reason,
            request.ticket,
            forced,
            before.to_json(),
            after.to_json()
        ])?;
        let merge_id = tx.last_insert_rowid();
        write_image(&tx, principal.record.id, &after, seq, &now)?;
        for (position, duplicate) in duplicates.iter().enumerate() {
            let image = RecordImage::of(duplicate);
            tx.prepare_cached(
                "INSERT INTO merge_duplicates (merge_id, record_id, position, before) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![merge_id, duplicate.record.id.0, position, image.to_json()])?;
            let merged = RecordImage {
                status: "merged".into(),
                merged_into: Some(principal.record.id.0),
                ..image
            };
            write_image(&tx, duplicate.record.id, &merged, seq, &now)?;
        }
        for Fill {
            field,
            old_value,
            new_value,
            from,
        } in &outcome.plan.fills
        {
            let from_id = duplicates
                .iter()
                .find(|d| d.record.sns_number == *from)
                .map_or(principal.record.id, |d| d.record.id);
            tx.prepare_cached(
                "INSERT INTO merge_fills (merge_id, field, old_value, new_value, from_record_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![merge_id, field, old_value, new_value, from_id.0])?;
        }
        let nnus: Vec<Nnu> = everyone.iter().map(|r| r.sns_number).collect();
        let details = format!(
            "merge {merge_id}: principal {}; filled: {}{}",
            principal.record.sns_number,
            if outcome.plan.fills.is_empty() {
                "nothing".to_string()
            } else {
                outcome
                    .plan
                    .fills
                    .iter()
                    .map(|f| f.field)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if forced {
                "; forced (different NIFs or an earlier rejection)"
            } else {
                ""
            }
        );
        if let Some(incident) = request.ticket {
            super::tickets::resolve_on_merge(&tx, incident, merge_id)?;
        }
        append_on(
            &tx,
            actor,
            Action::Merge,
            &NewEntry {
                records: &nnus,
                reason: request.reason,
                ticket: request.ticket,
                details: Some(details),
            },
        )?;
        tx.commit()?;
        outcome.merge_id = merge_id;
        Ok(outcome)
    }

    /// Undoes a merge: the duplicates get back exactly their images from before it, and every
    /// principal field that still holds what the merge left gets back its value from before;
    /// fields changed since are kept.
    pub fn unmerge(
        &mut self,
        actor: &Actor,
        merge_id: i64,
        reason: &str,
        ticket: Option<&str>,
        authorize: Authorize,
    ) -> Result<UnmergeOutcome> {
        let tx = immediate(&mut self.conn)?;
        let row: Option<(u32, String, String, Option<String>)> = tx
            .query_row(
                "SELECT principal_id, principal_before, principal_after, unmerged_at FROM merges WHERE id = ?1",
                [merge_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((principal_id, before_json, after_json, unmerged_at)) = row else {
            return Err(UserError::NotReady(format!(
                "não existe a fusão n.º {merge_id} (`unico history NNU` mostra as fusões de um utente)"
            ))
            .into());
        };
        if let Some(at) = unmerged_at {
            return Err(refused(format!("a fusão n.º {merge_id} já foi desfeita em {at}")));
        }
        let principal = record_by_id(&tx, RecordId(principal_id))?;
        if principal.status == Status::Merged {
            let later: Option<i64> = tx
                .query_row(
                    "SELECT merge_id FROM merge_duplicates d JOIN merges m ON m.id = d.merge_id
                     WHERE d.record_id = ?1 AND m.unmerged_at IS NULL ORDER BY merge_id DESC LIMIT 1",
                    [principal_id],
                    |r| r.get(0),
                )
                .optional()?;
            return Err(refused(format!(
                "o principal {} foi depois fundido noutro registo: desfaça primeiro a fusão n.º {}",
                principal.record.sns_number,
                later.map_or("?".to_string(), |id| id.to_string())
            )));
        }
        let mut duplicates = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT record_id, before FROM merge_duplicates WHERE merge_id = ?1 ORDER BY position",
            )?;
            let rows = stmt.query_map([merge_id], |r| Ok((RecordId(r.get(0)?), r.get::<_, String>(1)?)))?;
            for row in rows {
                let (id, before) = row?;
                duplicates.push((record_by_id(&tx, id)?, RecordImage::from_json(&before)?));
            }
        }
        for (duplicate, _) in &duplicates {
            if duplicate.status != Status::Merged || duplicate.merged_into != Some(principal.record.id) {
                return Err(refused(format!(
                    "o utente {} já não está fundido no principal {}",
                    duplicate.record.sns_number, principal.record.sns_number
                )));
            }
        }
        let everyone: Vec<&PatientRecord> = std::iter::once(&principal.record)
            .chain(duplicates.iter().map(|(d, _)| &d.record))
            .collect();
        authorize(&everyone)?;

        let (before, after, now_image) = (
            RecordImage::from_json(&before_json)?,
            RecordImage::from_json(&after_json)?,
            RecordImage::of(&principal),
        );
        let mut restored = now_image.clone();
        let mut kept_later_edits = Vec::new();
        restored.invalid_fields.clear();
        for (i, field) in FIELDS.iter().enumerate() {
            let unchanged_since =
                now_image.fields[i] == after.fields[i] && now_image.is_invalid(field) == after.is_invalid(field);
            let source = if unchanged_since {
                &before
            } else {
                if before.fields[i] != after.fields[i] {
                    kept_later_edits.push(*field);
                }
                &now_image
            };
            restored.fields[i] = source.fields[i].clone();
            if source.is_invalid(field) {
                restored.invalid_fields.push(field.to_string());
            }
        }
        let now = now_timestamp();
        let seq = next_change_seq(&tx)?;
        write_image(&tx, principal.record.id, &restored, seq, &now)?;
        // A duplicate gets back its status; its fields are what they were before the merge
        // unless something changed them while it was merged (kept, like the principal's edits).
        let mut kept_duplicate_edits = Vec::new();
        for (duplicate, before) in &duplicates {
            let restored = RecordImage {
                status: "active".into(),
                merged_into: None,
                ..RecordImage::of(duplicate)
            };
            for (i, field) in FIELDS.iter().enumerate() {
                if restored.fields[i] != before.fields[i] || restored.is_invalid(field) != before.is_invalid(field) {
                    kept_duplicate_edits.push((duplicate.record.sns_number, *field));
                }
            }
            write_image(&tx, duplicate.record.id, &restored, seq, &now)?;
        }
        tx.execute(
            "UPDATE merges SET unmerged_at = ?2, unmerged_by = ?3, unmerge_reason = ?4 WHERE id = ?1",
            params![merge_id, now, actor.name(), reason],
        )?;
        let nnus: Vec<Nnu> = everyone.iter().map(|r| r.sns_number).collect();
        append_on(
            &tx,
            actor,
            Action::Unmerge,
            &NewEntry {
                records: &nnus,
                reason: Some(reason),
                ticket,
                details: Some(format!("merge {merge_id} undone")),
            },
        )?;
        tx.commit()?;
        Ok(UnmergeOutcome {
            principal: principal.record.sns_number,
            restored: duplicates.iter().map(|(d, _)| d.record.sns_number).collect(),
            kept_later_edits,
            kept_duplicate_edits,
        })
    }

    /// Rejects pairs as "not the same person", for good: later scans never propose them.
    pub fn reject_pairs(
        &mut self,
        actor: &Actor,
        pairs: &[(Nnu, Nnu)],
        reason: &str,
        ticket: Option<&str>,
        authorize: Authorize,
    ) -> Result<usize> {
        self.decide_pairs(actor, Action::Reject, pairs, Some(reason), ticket, None, authorize)
    }

    /// Puts pairs aside until `until` (or until a reviewer looks again with `--deferred`).
    pub fn defer_pairs(
        &mut self,
        actor: &Actor,
        pairs: &[(Nnu, Nnu)],
        reason: Option<&str>,
        until: Option<&str>,
        authorize: Authorize,
    ) -> Result<usize> {
        self.decide_pairs(actor, Action::Defer, pairs, reason, None, until, authorize)
    }

    #[allow(clippy::too_many_arguments)]
    fn decide_pairs(
        &mut self,
        actor: &Actor,
        action: Action,
        pairs: &[(Nnu, Nnu)],
        reason: Option<&str>,
        ticket: Option<&str>,
        until: Option<&str>,
        authorize: Authorize,
    ) -> Result<usize> {
        let tx = immediate(&mut self.conn)?;
        let mut records: Vec<StoredRecord> = Vec::new();
        let mut ids = Vec::with_capacity(pairs.len());
        for &(a, b) in pairs {
            if a == b {
                return Err(refused(format!("um par precisa de dois utentes diferentes ({a})")));
            }
            let mut id_of = |nnu: Nnu| -> Result<RecordId> {
                if let Some(found) = records.iter().find(|r| r.record.sns_number == nnu) {
                    return Ok(found.record.id);
                }
                let found = find_record(&tx, nnu)?;
                let id = found.record.id;
                records.push(found);
                Ok(id)
            };
            ids.push(ordered(id_of(a)?, id_of(b)?));
        }
        let everyone: Vec<&PatientRecord> = records.iter().map(|r| &r.record).collect();
        authorize(&everyone)?;
        let now = now_timestamp();
        for &(l, r) in &ids {
            match action {
                Action::Reject => {
                    // The records' compared fields as they are now, so that a scan raises the
                    // pair again only when one of them changes later; a pair proposed again and
                    // rejected again is a new decision, and leaves the queue at once.
                    tx.prepare_cached(
                        "INSERT INTO rejected_pairs (record_id_l, record_id_r, rejected_at, rejected_by, reason, ticket, fields)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                                 (SELECT l.fields || char(30) || r.fields FROM compared_fields l, compared_fields r
                                  WHERE l.id = ?1 AND r.id = ?2))
                         ON CONFLICT DO UPDATE SET rejected_at = excluded.rejected_at, rejected_by = excluded.rejected_by,
                             reason = excluded.reason, ticket = excluded.ticket, fields = excluded.fields",
                    )?
                    .execute(params![l.0, r.0, now, actor.name(), reason, ticket])?;
                    tx.prepare_cached(
                        "UPDATE pairs SET rejected_at = NULL WHERE record_id_l = ?1 AND record_id_r = ?2",
                    )?
                    .execute(params![l.0, r.0])?;
                    // Proposed again one day, it will wait from that day.
                    tx.prepare_cached("DELETE FROM pair_first_seen WHERE record_id_l = ?1 AND record_id_r = ?2")?
                        .execute(params![l.0, r.0])?
                }
                _ => tx
                    .prepare_cached(
                        "INSERT INTO deferred_pairs (record_id_l, record_id_r, deferred_at, deferred_by, until, reason)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                         ON CONFLICT DO UPDATE SET deferred_at = excluded.deferred_at,
                             until = excluded.until, reason = excluded.reason",
                    )?
                    .execute(params![l.0, r.0, now, actor.name(), until, reason])?,
            };
        }
        if let (Action::Reject, Some(incident)) = (action, ticket) {
            super::tickets::resolve_on_reject(&tx, incident)?;
        }
        let nnus: Vec<Nnu> = everyone.iter().map(|r| r.sns_number).collect();
        append_on(
            &tx,
            actor,
            action,
            &NewEntry {
                records: &nnus,
                reason,
                ticket,
                details: Some(format!(
                    "{} pair(s){}",
                    ids.len(),
                    until.map(|u| format!(" until {u}")).unwrap_or_default()
                )),
            },
        )?;
        tx.commit()?;
        Ok(ids.len())
    }

    /// The rejected pairs that stand (see `rejected_pairs`), without those the latest scan
    /// proposes again because a compared field changed since the rejection.
    pub fn standing_rejected_pairs(&self) -> Result<HashSet<(RecordId, RecordId)>> {
        Ok(standing_rejections(&self.conn)?)
    }

    /// Rejections of scored pairs (the pairs a scan may raise again), with when they were made
    /// and whether a compared field of either record changed since.
    pub fn rejections_of_scored_pairs(&self) -> Result<HashMap<(RecordId, RecordId), (String, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record_id_l, p.record_id_r, p.rejected_at, p.fields IS NOT l.fields || char(30) || r.fields
             FROM rejected_pairs p
             JOIN compared_fields l ON l.id = p.record_id_l
             JOIN compared_fields r ON r.id = p.record_id_r
             WHERE p.fields IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(((RecordId(r.get(0)?), RecordId(r.get(1)?)), (r.get(2)?, r.get(3)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every pair rejected as "not the same person", as ordered record ids.
    ///
    /// A rejection follows merges: when A–B was rejected and B was later merged into C, A–C
    /// counts as rejected too (it is the same question); an unmerge undoes that by itself.
    pub fn rejected_pairs(&self) -> Result<HashSet<(RecordId, RecordId)>> {
        Ok(effective_rejections(&self.conn)?)
    }

    /// Pairs `username` deferred that are still due later than `today` (or with no date).
    pub fn deferred_pairs(&self, username: &str, today: &str) -> Result<Vec<(RecordId, RecordId)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id_l, record_id_r FROM deferred_pairs
             WHERE deferred_by = ?1 AND (until IS NULL OR until > ?2)",
        )?;
        let rows = stmt.query_map([username, today], |r| Ok((RecordId(r.get(0)?), RecordId(r.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When each pair of the review queue was first proposed.
    pub fn pairs_first_seen(&self) -> Result<Vec<((RecordId, RecordId), String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.record_id_l, f.record_id_r, f.first_seen FROM pair_first_seen f
             JOIN pairs p ON p.record_id_l = f.record_id_l AND p.record_id_r = f.record_id_r",
        )?;
        let rows = stmt.query_map([], |r| Ok(((RecordId(r.get(0)?), RecordId(r.get(1)?)), r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The known true pairs: (principal, duplicate) of every merge not undone, oldest merge
    /// first, both records as stored now (a principal edited since, a duplicate updated while
    /// merged, a principal merged in turn into another record).
    pub fn known_pairs(&self) -> Result<Vec<KnownPair>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, m.principal_id, d.record_id FROM merges m
             JOIN merge_duplicates d ON d.merge_id = m.id
             WHERE m.unmerged_at IS NULL
             ORDER BY m.id, d.position",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, RecordId(r.get(1)?), RecordId(r.get(2)?)))
        })?;
        let ids: Vec<(i64, RecordId, RecordId)> = rows.collect::<rusqlite::Result<_>>()?;
        let mut distinct: Vec<RecordId> = ids.iter().flat_map(|(_, p, d)| [*p, *d]).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let records: HashMap<RecordId, StoredRecord> = self
            .stored_records_by_id(&distinct)?
            .into_iter()
            .map(|stored| (stored.record.id, stored))
            .collect();
        let stored = |id: RecordId| {
            records
                .get(&id)
                .cloned()
                .ok_or_else(|| Error::Internal(format!("record id {id} of a merge is gone")))
        };
        ids.into_iter()
            .map(|(merge_id, principal, duplicate)| {
                Ok(KnownPair {
                    merge_id,
                    principal: stored(principal)?,
                    duplicate: stored(duplicate)?,
                })
            })
            .collect()
    }

    /// The merges that touched a record (as principal or duplicate), oldest first.
    pub fn merges_of(&self, id: RecordId) -> Result<Vec<MergeInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, p.sns_number, m.merged_at, m.merged_by, m.reason, m.ticket, m.unmerged_at,
                    m.unmerged_by, m.unmerge_reason
             FROM merges m JOIN records p ON p.id = m.principal_id
             WHERE m.principal_id = ?1 OR m.id IN (SELECT merge_id FROM merge_duplicates WHERE record_id = ?1)
             ORDER BY m.id",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            let unmerged = match (r.get::<_, Option<String>>(6)?, r.get(7)?, r.get(8)?) {
                (Some(at), Some(by), Some(why)) => Some((at, by, why)),
                _ => None,
            };
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                unmerged,
            ))
        })?;
        let mut merges = Vec::new();
        for row in rows {
            let (id, principal, merged_at, merged_by, reason, ticket, unmerged) = row?;
            let mut dups = self.conn.prepare_cached(
                "SELECT r.sns_number FROM merge_duplicates d JOIN records r ON r.id = d.record_id
                 WHERE d.merge_id = ?1 ORDER BY d.position",
            )?;
            let duplicates = dups
                .query_map([id], |r| r.get::<_, String>(0))?
                .filter_map(|t| t.ok()?.parse().ok())
                .collect();
            let mut fills = self.conn.prepare_cached(
                "SELECT field, old_value, new_value FROM merge_fills WHERE merge_id = ?1 ORDER BY rowid",
            )?;
            let fills = fills
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            merges.push(MergeInfo {
                id,
                principal: principal
                    .parse()
                    .map_err(|_| Error::Internal(format!("NNU {principal}")))?,
                duplicates,
                merged_at,
                merged_by,
                reason,
                ticket,
                unmerged,
                fills,
            });
        }
        Ok(merges)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::record::{Country, Date, Nif, RegistrationType, Sex, Value};
    use crate::store::records::{ImportCounts, ImportRow, ImportWriteOptions};

    fn value<T: Clone + std::fmt::Debug + 'static>(
        valid: Vec<T>,
        invalid: &'static str,
    ) -> impl Strategy<Value = Value<T>> {
        prop_oneof![
            Just(Value::Missing),
            proptest::sample::select(valid).prop_map(Value::Valid),
            Just(Value::Invalid(invalid.to_string())),
        ]
    }

    fn text(options: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
        proptest::option::of(proptest::sample::select(options).prop_map(str::to_string))
    }

    prop_compose! {
        fn record()(
            sex in value(vec![Sex::M, Sex::F], "X"),
            birth_date in value(vec![Date::new(1950, 1, 1).unwrap(), Date::new(1990, 4, 2).unwrap()], "31/02/2000"),
            nationality in value(vec![Country::PORTUGAL, Country::from_alpha2("UA").unwrap()], "ZZ"),
            birth_country in value(vec![Country::PORTUGAL, Country::from_alpha2("BR").unwrap()], "Atlântida"),
            birth_district in text(&["Lisboa", "Porto"]),
            birth_municipality in text(&["Loures", "Gaia"]),
            birth_parish in text(&["Camarate", "Bonfim"]),
            registration_unit in text(&["U1", "U2"]),
            nif in value(vec![Nif::from_base(12345670), Nif::from_base(23456780)], "123456788"),
            registration_type in value(RegistrationType::ALL.to_vec(), "provisório"),
            dead in any::<bool>(),
        ) -> PatientRecord {
            let mut record = PatientRecord::new(Nnu::from_u32(100_000_000).unwrap(), "Maria Teste");
            record.sex = sex;
            record.birth_date = birth_date;
            record.nationality = nationality;
            record.birth_country = birth_country;
            record.birth_district = birth_district;
            record.birth_municipality = birth_municipality;
            record.birth_parish = birth_parish;
            record.registration_unit = registration_unit;
            record.nif = nif;
            record.registration_type = registration_type;
            record.death_date = if dead { Value::Valid(Date::new(2020, 5, 1).unwrap()) } else { Value::Missing };
            record
        }
    }

    fn images(store: &Store) -> Vec<RecordImage> {
        let ids: Vec<RecordId> = (1..=6).map(RecordId).collect();
        store
            .stored_records_by_id(&ids)
            .unwrap()
            .iter()
            .map(RecordImage::of)
            .collect()
    }

    fn import(store: &mut Store, rows: &[ImportRow]) {
        let options = ImportWriteOptions {
            file: "test.csv",
            operator: "test",
            update: false,
            strict: false,
        };
        let counts = ImportCounts {
            n_rows: rows.len(),
            ..Default::default()
        };
        store.write_import(rows, &options, counts).unwrap();
    }

    #[test]
    fn known_pairs_are_the_merges_not_undone_as_stored_now() {
        let mut store = Store::open_in_memory().unwrap();
        let rows: Vec<ImportRow> = (1..=5u32)
            .map(|i| {
                let mut record = PatientRecord::new(Nnu::from_u32(100_000_000 + i).unwrap(), "Maria Teste");
                if i != 1 {
                    record.birth_date = Value::Valid(Date::new(1950, 1, 1).unwrap());
                }
                ImportRow {
                    line: u64::from(i) + 1,
                    record,
                }
            })
            .collect();
        import(&mut store, &rows);
        let nnu = |i: u32| Nnu::from_u32(100_000_000 + i).unwrap();
        let actor = Actor::System("test".into());
        let allow = |_: &[&PatientRecord]| Ok(());
        let mut merge = |principal: u32, duplicates: &[Nnu]| {
            let request = MergeRequest {
                principal: nnu(principal),
                duplicates,
                reason: None,
                ticket: None,
                force: false,
                dry_run: false,
            };
            store.merge(&actor, &request, &allow).unwrap().merge_id
        };
        let kept = merge(1, &[nnu(3), nnu(2)]);
        let undone = merge(4, &[nnu(5)]);
        store.unmerge(&actor, undone, "teste", None, &allow).unwrap();
        let known: Vec<(i64, Nnu, Nnu, Status)> = store
            .known_pairs()
            .unwrap()
            .into_iter()
            .map(|pair| {
                assert_eq!(
                    pair.principal.record.birth_date,
                    Value::Valid(Date::new(1950, 1, 1).unwrap()),
                    "the principal as stored now, filled by the merge"
                );
                (
                    pair.merge_id,
                    pair.principal.record.sns_number,
                    pair.duplicate.record.sns_number,
                    pair.duplicate.status,
                )
            })
            .collect();
        assert_eq!(
            known,
            [
                (kept, nnu(1), nnu(3), Status::Merged),
                (kept, nnu(1), nnu(2), Status::Merged)
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// For random clusters, merge then unmerge is the identity on the registry.
        #[test]
        fn merge_then_unmerge_is_the_identity(
            mut records in proptest::collection::vec(record(), 2..6),
            principal in 0usize..6,
        ) {
            let mut store = Store::open_in_memory().unwrap();
            let rows: Vec<ImportRow> = records
                .iter_mut()
                .enumerate()
                .map(|(i, record)| {
                    record.sns_number = Nnu::from_u32(100_000_001 + i as u32).unwrap();
                    ImportRow { line: i as u64 + 2, record: record.clone() }
                })
                .collect();
            import(&mut store, &rows);
            let before = images(&store);
            let principal = principal % records.len();
            let duplicates: Vec<Nnu> = records
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != principal)
                .map(|(_, r)| r.sns_number)
                .collect();
            let request = MergeRequest {
                principal: records[principal].sns_number,
                duplicates: &duplicates,
                reason: Some("teste"),
                ticket: None,
                force: true,
                dry_run: false,
            };
            let actor = Actor::System("test".into());
            let allow = |_: &[&PatientRecord]| Ok(());
            match store.merge(&actor, &request, &allow) {
                Ok(outcome) => {
                    let during = images(&store);
                    prop_assert_eq!(during.iter().filter(|i| i.status == "merged").count(), duplicates.len());
                    store.unmerge(&actor, outcome.merge_id, "teste", None, &allow).unwrap();
                }
                Err(_) => {
                    let dead = records.iter().filter(|r| !r.death_date.is_missing()).count();
                    prop_assert!(dead > 0 && dead < records.len(), "only a death mismatch refuses a forced merge");
                }
            }
            prop_assert_eq!(images(&store), before);
        }
    }
}
