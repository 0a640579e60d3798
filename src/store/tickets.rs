//! Owner of the ticket tables: `tickets` (one request under its incident number, its state
//! and latest decision) and `ticket_messages` (every message resolved, by digest).
//!
//! A ticket is opened (its incident number given) before it is decided, so that a merge made
//! for it can name it; [`Store::record_ticket`] then writes the decision, the message's digest
//! and the audit entry in one transaction. A merge or a rejection made later with
//! `--ticket INCIDENT` resolves an open ticket in the merge's own transaction.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::audit::{append_on, sha256_hex, Action, NewEntry};
use super::Store;
use crate::access::Actor;
use crate::error::{Error, Result};
use crate::record::{Date, Nnu, RecordId};
use crate::tickets::TicketState;

/// A ticket as stored.
#[derive(Clone, Debug)]
pub struct TicketRow {
    /// Row id.
    pub id: i64,
    /// Incident number.
    pub incident: String,
    /// The template's category letter.
    pub category: Option<String>,
    /// Lifecycle state.
    pub state: TicketState,
    /// Latest outcome.
    pub outcome: String,
    /// Subject of the first message.
    pub subject: String,
    /// Sender of the first message.
    pub requester: Option<String>,
    /// The fields read so far (JSON).
    pub request: String,
    /// The latest decision (JSON).
    pub decision: String,
    /// Date of the first message.
    pub opened_at: String,
    /// Date of the latest message.
    pub last_message_at: String,
    /// Who resolved it last.
    pub resolved_by: String,
    /// The principal named, when it exists.
    pub principal: Option<Nnu>,
    /// The duplicate named, when it exists.
    pub duplicate: Option<Nnu>,
    /// The pair's match probability.
    pub match_probability: Option<f64>,
    /// The merge waits in the review queue.
    pub proposed: bool,
    /// The merge made for it.
    pub merge_id: Option<i64>,
}

/// What a decision writes on its ticket.
#[derive(Debug)]
pub struct TicketUpdate<'a> {
    /// Category letter.
    pub category: Option<char>,
    /// New state.
    pub state: TicketState,
    /// Outcome.
    pub outcome: &'a str,
    /// Fields read so far (JSON).
    pub request: &'a str,
    /// The decision (JSON).
    pub decision: &'a str,
    /// Date of this message.
    pub received: Date,
    /// Principal and duplicate records, when they exist.
    pub records: (Option<RecordId>, Option<RecordId>),
    /// The NNUs named (for the audit entry).
    pub nnus: &'a [Nnu],
    /// Match probability of the pair.
    pub match_probability: Option<f64>,
    /// The merge waits in the review queue.
    pub proposed: bool,
    /// The message's bytes (their digest is kept).
    pub message: &'a [u8],
    /// What the audit entry says besides the outcome.
    pub details: String,
}

const TICKET_COLUMNS: &str = "t.id, t.incident, t.category, t.state, t.outcome, t.subject, t.requester, t.request,
     t.decision, t.opened_at, t.last_message_at, t.resolved_by, p.sns_number, d.sns_number, t.match_probability,
     t.proposed, t.merge_id";

const TICKET_FROM: &str =
    "tickets t LEFT JOIN records p ON p.id = t.principal_id LEFT JOIN records d ON d.id = t.duplicate_id";

fn ticket_from_row(row: &Row) -> rusqlite::Result<TicketRow> {
    let state: String = row.get(3)?;
    let nnu = |i: usize| -> rusqlite::Result<Option<Nnu>> {
        Ok(row.get::<_, Option<String>>(i)?.and_then(|t| t.parse().ok()))
    };
    Ok(TicketRow {
        id: row.get(0)?,
        incident: row.get(1)?,
        category: row.get(2)?,
        state: TicketState::parse(&state).unwrap_or(TicketState::Open),
        outcome: row.get(4)?,
        subject: row.get(5)?,
        requester: row.get(6)?,
        request: row.get(7)?,
        decision: row.get(8)?,
        opened_at: row.get(9)?,
        last_message_at: row.get(10)?,
        resolved_by: row.get(11)?,
        principal: nnu(12)?,
        duplicate: nnu(13)?,
        match_probability: row.get(14)?,
        proposed: row.get(15)?,
        merge_id: row.get(16)?,
    })
}

/// The digest a message is known by.
pub fn message_digest(message: &[u8]) -> String {
    sha256_hex(message)
}

/// Resolves the open ticket `incident` (if there is one) with a merge, inside the merge's
/// transaction.
pub(crate) fn resolve_on_merge(tx: &Connection, incident: &str, merge_id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE tickets SET state = 'resolved', outcome = 'merge', proposed = 0, merge_id = ?2
         WHERE incident = ?1 AND state IN ('open', 'pending')",
    )?
    .execute(params![incident, merge_id])?;
    Ok(())
}

/// Resolves the open ticket `incident` (if there is one) with a rejection ("not the same
/// person"), inside the rejection's transaction.
pub(crate) fn resolve_on_reject(tx: &Connection, incident: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE tickets SET state = 'resolved', outcome = 'not-duplicate', proposed = 0
         WHERE incident = ?1 AND state IN ('open', 'pending')",
    )?
    .execute([incident])?;
    Ok(())
}

impl Store {
    /// The ticket with this incident number.
    pub fn ticket(&self, incident: &str) -> Result<Option<TicketRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TICKET_COLUMNS} FROM {TICKET_FROM} WHERE t.incident = ?1"
        ))?;
        Ok(stmt.query_row([incident], ticket_from_row).optional()?)
    }

    /// The ticket a message (by its bytes) was already resolved under.
    pub fn ticket_of_message(&self, message: &[u8]) -> Result<Option<TicketRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TICKET_COLUMNS} FROM {TICKET_FROM} JOIN ticket_messages m ON m.ticket_id = t.id
             WHERE m.digest = ?1"
        ))?;
        Ok(stmt.query_row([message_digest(message)], ticket_from_row).optional()?)
    }

    /// Opens a new ticket, under `incident` when the service desk gave one, else under the
    /// next `INC` number.
    pub fn open_ticket(
        &mut self,
        actor: &Actor,
        incident: Option<&str>,
        subject: &str,
        requester: Option<&str>,
        received: Date,
    ) -> Result<TicketRow> {
        let tx = super::immediate(&mut self.conn)?;
        let incident = match incident {
            Some(incident) => incident.to_string(),
            None => {
                let next: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets", [], |r| r.get(0))?;
                format!("INC{next:06}")
            }
        };
        let day = received.to_string();
        tx.prepare_cached(
            "INSERT INTO tickets (incident, state, outcome, subject, requester, request, decision, opened_at,
                                  last_message_at, resolved_by)
             VALUES (?1, 'open', 'open', ?2, ?3, '{}', '{}', ?4, ?4, ?5)",
        )?
        .execute(params![incident, subject, requester, day, actor.name()])?;
        tx.commit()?;
        self.ticket(&incident)?
            .ok_or_else(|| Error::Internal(format!("ticket {incident} vanished after insert")))
    }

    /// Writes a decision on a ticket, remembers the message and appends the audit entry, in
    /// one transaction.
    pub fn record_ticket(&mut self, actor: &Actor, ticket_id: i64, update: &TicketUpdate) -> Result<()> {
        let tx = super::immediate(&mut self.conn)?;
        let incident: String = tx.query_row("SELECT incident FROM tickets WHERE id = ?1", [ticket_id], |r| r.get(0))?;
        let received = update.received.to_string();
        tx.prepare_cached(
            "UPDATE tickets SET category = ?2, state = ?3, outcome = ?4, request = ?5, decision = ?6,
                 last_message_at = MAX(last_message_at, ?7), resolved_by = ?8, principal_id = ?9, duplicate_id = ?10,
                 match_probability = ?11, proposed = ?12
             WHERE id = ?1",
        )?
        .execute(params![
            ticket_id,
            update.category.map(String::from),
            update.state.as_str(),
            update.outcome,
            update.request,
            update.decision,
            received,
            actor.name(),
            update.records.0.map(|id| id.0),
            update.records.1.map(|id| id.0),
            update.match_probability,
            update.proposed,
        ])?;
        tx.prepare_cached(
            "INSERT INTO ticket_messages (digest, ticket_id, received_at, resolved_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            message_digest(update.message),
            ticket_id,
            received,
            super::now_timestamp()
        ])?;
        append_on(
            &tx,
            actor,
            Action::Ticket,
            &NewEntry {
                records: update.nnus,
                reason: None,
                ticket: Some(&incident),
                details: Some(format!(
                    "{}: {} ({})",
                    update.outcome,
                    update.state.as_str(),
                    update.details
                )),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Tickets, newest first, optionally in one state.
    pub fn tickets(&self, state: Option<TicketState>) -> Result<Vec<TicketRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TICKET_COLUMNS} FROM {TICKET_FROM} WHERE ?1 IS NULL OR t.state = ?1 ORDER BY t.id DESC"
        ))?;
        let rows = stmt.query_map([state.map(TicketState::as_str)], ticket_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Merges that tickets ask for and that wait for a supervisor (state open, proposed).
    pub fn ticket_proposals(&self) -> Result<Vec<TicketRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TICKET_COLUMNS} FROM {TICKET_FROM} WHERE t.state = 'open' AND t.proposed = 1 ORDER BY t.id"
        ))?;
        let rows = stmt.query_map([], ticket_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Closes the pending tickets whose latest message is more than `days` days before `as_of`
    /// (the template: pending requests close after 30 days without an answer). Returns their
    /// incident numbers.
    pub fn close_stale_tickets(&mut self, actor: &Actor, as_of: Date, days: i32) -> Result<Vec<String>> {
        let cutoff = Date::from_days_since_epoch(as_of.days_since_epoch() - days).to_string();
        let tx = super::immediate(&mut self.conn)?;
        let incidents: Vec<String> = {
            let mut stmt = tx.prepare_cached(
                "SELECT incident FROM tickets WHERE state = 'pending' AND last_message_at < ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([&cutoff], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for incident in &incidents {
            tx.prepare_cached("UPDATE tickets SET state = 'closed' WHERE incident = ?1")?
                .execute([incident])?;
            append_on(
                &tx,
                actor,
                Action::Ticket,
                &NewEntry {
                    records: &[],
                    reason: None,
                    ticket: Some(incident),
                    details: Some(format!("closed: pending without an answer since before {cutoff}")),
                },
            )?;
        }
        tx.commit()?;
        Ok(incidents)
    }
}
