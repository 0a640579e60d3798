//! Service-desk tickets: the e-mails of categories F ("Resolução de um Utente duplicado") and
//! G ("Impossibilidade em encontrar / identificar um Utente") of the template in
//! seeds/000, checked against the registry and answered in Portuguese.
//!
//! Consumes a message's bytes (`.eml` or plain text), the registry, the latest scan's model and
//! the person resolving (`--user`); produces a [`Decision`] (outcome, evidence, the reply ready
//! to send) and stores the ticket with its lifecycle state.
//!
//! - `message.rs` reads the bytes (the only `mail_parser` user);
//! - `parse.rs` knows the template: the eleven categories and the tolerant reading of the F
//!   and G fields;
//! - `resolve.rs` decides, with the rules of the rest of Único (access checks, merge rules,
//!   the scan's model, the candidate index's single-record search), never a second copy;
//! - `reply.rs` writes the answer.
//!
//! **Invariants:**
//! - reading never fails and never panics: a message that cannot be read gets a `pending` or
//!   `wrong-category` answer, never a merge;
//! - a ticket merges only with `--apply`, only what the person may merge (their institutions;
//!   Centro de Suporte anywhere, against the ticket), and only through `Store::merge`, so the
//!   merge rules and the audit entry are the same as a supervisor's;
//! - the same message resolved twice is answered from the stored decision and acts once;
//! - pending tickets close after 30 days without an answer; an answer to a resolved ticket
//!   within 10 days reopens it under its incident number, later it opens a new one.
//!
//! Privacy: the reply names patients (it goes back to the unit that asked); the audit entry
//! names records by NNU only.

mod message;
pub mod parse;
mod reply;
mod resolve;

use serde::{Deserialize, Serialize};

pub use message::{read_message, Message, MAX_MESSAGE_BYTES};
pub use parse::{Category, PatientFields, Request};
pub use resolve::{resolve, ResolveOptions};

/// Days after its latest message that a pending ticket is closed (seeds/000).
pub const PENDING_DAYS: i32 = 30;
/// Days after its resolution that an answer reopens a ticket (seeds/000).
pub const REOPEN_DAYS: i32 = 10;
/// Records a G answer lists at most.
pub const MAX_CANDIDATES: usize = 5;

/// Where a ticket is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketState {
    /// Being handled (a merge proposed waits for a supervisor).
    Open,
    /// Waiting for the requester (missing fields, a mistyped NNU).
    Pending,
    /// Answered.
    Resolved,
    /// Closed (pending for 30 days without an answer).
    Closed,
}

impl TicketState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::Open => "open",
            TicketState::Pending => "pending",
            TicketState::Resolved => "resolved",
            TicketState::Closed => "closed",
        }
    }

    /// Reads the stored form.
    pub fn parse(text: &str) -> Option<TicketState> {
        [
            TicketState::Open,
            TicketState::Pending,
            TicketState::Resolved,
            TicketState::Closed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// What was decided on a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// F: the same person; merged (with `--apply` and the right to) or proposed for review.
    Merge,
    /// F: not the same person, with the evidence.
    NotDuplicate,
    /// F: the ticket's name or date disagrees with the record of the NNU given.
    Mismatch,
    /// F: a merge rule forbids it (deceased and alive, two valid NIFs, already merged), or the
    /// records are out of the person's reach.
    Refused,
    /// Template fields are missing.
    Pending,
    /// Not a category F or G request, or sent under the wrong one.
    WrongCategory,
    /// More than one situation in one request.
    Split,
    /// G: likely records found.
    Found,
    /// G: nothing likely found.
    NotFound,
}

impl Outcome {
    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Merge => "merge",
            Outcome::NotDuplicate => "not-duplicate",
            Outcome::Mismatch => "mismatch",
            Outcome::Refused => "refused",
            Outcome::Pending => "pending",
            Outcome::WrongCategory => "wrong-category",
            Outcome::Split => "split",
            Outcome::Found => "found",
            Outcome::NotFound => "not-found",
        }
    }
}

/// A field of the ticket that disagrees with the record of the NNU given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    /// "principal", "duplicado" or "utente".
    pub patient: String,
    /// The NNU given.
    pub nnu: String,
    /// The template field that disagrees.
    pub field: String,
    /// What the ticket says.
    pub ticket_value: String,
    /// What the record says (none when no record has the NNU).
    pub registered_value: Option<String>,
    /// A registered record that does match what the ticket describes.
    pub matching_record: Option<Candidate>,
}

/// A registered record offered as an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// NNU.
    pub nnu: String,
    /// Nome completo.
    pub full_name: String,
    /// Data de nascimento.
    pub birth_date: Option<String>,
    /// Local de inscrição.
    pub registration_unit: Option<String>,
    /// Probability that it is the person the ticket describes.
    pub match_probability: f64,
    /// The template fields whose value differs from the ticket's.
    pub differs: Vec<String>,
    /// A merged record's principal (the number to use now).
    pub merged_into: Option<String>,
}

/// The decision on one message, as stored and as `--format json` prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Incident number.
    pub incident: String,
    /// The template's category, when it could be told.
    pub category: Option<Category>,
    /// What was decided.
    pub outcome: Outcome,
    /// The ticket's state after it.
    pub state: TicketState,
    /// The principal's NNU, as given.
    pub principal: Option<String>,
    /// The duplicate's NNU, as given.
    pub duplicate: Option<String>,
    /// The pair's match probability under the scan's model.
    pub match_probability: Option<f64>,
    /// Template fields missing or unreadable ("Utente (Principal): Data de Nascimento").
    pub missing_fields: Vec<String>,
    /// Fields that disagree with the records.
    pub mismatches: Vec<Mismatch>,
    /// The comparisons behind the score, strongest first.
    pub evidence: Vec<String>,
    /// The fields whose registered values differ between the two records (pt-PT), for the
    /// reply.
    pub differences: Vec<String>,
    /// Why the merge is refused.
    pub refusal: Option<String>,
    /// For `wrong-category`, the category the request belongs to.
    pub right_category: Option<Category>,
    /// For `split`, the situations found.
    pub situations: Vec<String>,
    /// For G, the most likely records.
    pub candidates: Vec<Candidate>,
    /// The merge made.
    pub merge_id: Option<i64>,
    /// The merge waits in the review queue.
    pub proposed: bool,
    /// Both records are registered in this unit.
    pub same_unit: Option<String>,
    /// The ticket was resolved and this answer reopened it.
    pub reopened: bool,
    /// The earlier incident this message answered, closed or resolved too long ago.
    pub replaces: Option<String>,
    /// The same message was resolved before: nothing was done again.
    pub repeated_message: bool,
    /// Anything else the agent should know.
    pub notes: Vec<String>,
    /// The reply, ready to send.
    pub reply: String,
}

impl Decision {
    /// Every registered record the decision names (principal, duplicate, candidates, the
    /// records suggested for a mismatched NNU): what reading it shows, for the audit log.
    pub fn named_records(&self) -> Vec<crate::record::Nnu> {
        let mut nnus: Vec<crate::record::Nnu> = [&self.principal, &self.duplicate]
            .into_iter()
            .flatten()
            .chain(self.candidates.iter().map(|c| &c.nnu))
            .chain(
                self.mismatches
                    .iter()
                    .filter_map(|m| m.matching_record.as_ref().map(|c| &c.nnu)),
            )
            .filter_map(|n| n.parse().ok())
            .collect();
        nnus.sort_unstable();
        nnus.dedup();
        nnus
    }

    fn new(incident: &str, category: Option<Category>, outcome: Outcome) -> Decision {
        Decision {
            incident: incident.to_string(),
            category,
            outcome,
            state: TicketState::Open,
            principal: None,
            duplicate: None,
            match_probability: None,
            missing_fields: Vec::new(),
            mismatches: Vec::new(),
            evidence: Vec::new(),
            differences: Vec::new(),
            refusal: None,
            right_category: None,
            situations: Vec::new(),
            candidates: Vec::new(),
            merge_id: None,
            proposed: false,
            same_unit: None,
            reopened: false,
            replaces: None,
            repeated_message: false,
            notes: Vec::new(),
            reply: String::new(),
        }
    }

    /// The state the outcome leaves the ticket in: pending while the requester must answer,
    /// open while a supervisor must decide, else resolved.
    fn settled_state(&self) -> TicketState {
        match self.outcome {
            Outcome::Pending | Outcome::Mismatch => TicketState::Pending,
            Outcome::Merge if self.proposed => TicketState::Open,
            _ => TicketState::Resolved,
        }
    }
}

/// The incident number in a subject: `INC` followed by digits (and dashes), in any case
/// (`RE: [INC000012] …`, `Inc-2026-77`).
pub fn incident_in(subject: &str) -> Option<String> {
    let upper = subject.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("INC") {
        let start = from + at;
        let rest = &upper[start + 3..];
        let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let number = number.trim_matches('-');
        let before_ok = start == 0 || !upper.as_bytes()[start - 1].is_ascii_alphanumeric();
        if before_ok && number.bytes().any(|b| b.is_ascii_digit()) {
            return Some(format!("INC{}{number}", if rest.starts_with('-') { "-" } else { "" }));
        }
        from = start + 3;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use proptest::prelude::*;

    use super::parse::{other_requests_in_body, parse_request, says_not_found, subject_categories};
    use super::*;

    /// Everything the reader and the parser do with a message.
    fn read_everything(bytes: &[u8]) {
        let message = read_message(bytes);
        let request = parse_request(&message.body);
        for patient in &request.patients {
            let _ = (patient.parsed_nnu(), patient.parsed_birth_date(), patient.unit_code());
        }
        let _ = (
            subject_categories(&message.subject),
            incident_in(&message.subject),
            other_requests_in_body(&message.body, Category::F),
            says_not_found(&message.body),
        );
    }

    const SAMPLES: [&[u8]; 8] = [
        include_bytes!("../../data-samples/tickets/01_f_merge_template.eml"),
        include_bytes!("../../data-samples/tickets/03_f_proposed_latin1.eml"),
        include_bytes!("../../data-samples/tickets/04_f_same_unit_cp1252_base64.eml"),
        include_bytes!("../../data-samples/tickets/06_f_multipart_two_lines.eml"),
        include_bytes!("../../data-samples/tickets/08_f_not_duplicate_html_only.eml"),
        include_bytes!("../../data-samples/tickets/15_f_pending_answered.eml"),
        include_bytes!("../../data-samples/tickets/17_g_found_no_accents.txt"),
        include_bytes!("../../data-samples/tickets/27_f_damaged_plain_text.txt"),
    ];

    /// A byte-level edit of a sample.
    #[derive(Clone, Debug)]
    enum Edit {
        Flip(usize, u8),
        Insert(usize, Vec<u8>),
        Delete(usize, usize),
        Truncate(usize),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Flip(at, b)),
            (
                any::<usize>(),
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..64),
                    Just(b"\r\n--=_sep_42\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec()),
                    Just(b"=?utf-8?b?".to_vec()),
                    Just("Nº Utente:\n".as_bytes().to_vec()),
                    Just(b"=\r\n".to_vec()),
                ]
            )
                .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
            (any::<usize>(), 0usize..200).prop_map(|(at, n)| Edit::Delete(at, n)),
            any::<usize>().prop_map(Edit::Truncate),
        ]
    }

    fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
        for e in edits {
            let len = bytes.len().max(1);
            match e {
                Edit::Flip(at, b) => {
                    if !bytes.is_empty() {
                        bytes[at % len] = *b;
                    }
                }
                Edit::Insert(at, new) => {
                    let at = at % (bytes.len() + 1);
                    bytes.splice(at..at, new.iter().copied());
                }
                Edit::Delete(at, n) => {
                    let at = at % len;
                    let end = (at + n).min(bytes.len());
                    if at < end {
                        bytes.drain(at..end);
                    }
                }
                Edit::Truncate(at) => bytes.truncate(at % len),
            }
        }
        bytes
    }

    /// Time allowed to read one message (debug build, shared machine): generous, but it
    /// catches anything worse than linear.
    const LIMIT: Duration = Duration::from_secs(2);

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic_nor_hang(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let started = Instant::now();
            read_everything(&bytes);
            prop_assert!(started.elapsed() < LIMIT);
        }

        #[test]
        fn mutated_samples_never_panic_nor_hang(
            sample in 0..SAMPLES.len(),
            edits in proptest::collection::vec(edit(), 1..8),
        ) {
            let bytes = apply(SAMPLES[sample].to_vec(), &edits);
            let started = Instant::now();
            read_everything(&bytes);
            prop_assert!(started.elapsed() < LIMIT);
        }
    }

    #[test]
    fn large_hostile_messages_are_read_in_bounded_time() {
        let mut long_lines = b"Subject: x\r\nContent-Type: text/plain\r\n\r\n".to_vec();
        long_lines.extend("o Nº Utente: 12 de março de 1980 ".repeat(40_000).as_bytes());
        let many_lines = "Nome Completo\n".repeat(200_000);
        let nested = "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n".repeat(20_000);
        for bytes in [
            long_lines,
            many_lines.into_bytes(),
            nested.into_bytes(),
            vec![b'='; 2 << 20],
        ] {
            let started = Instant::now();
            read_everything(&bytes);
            assert!(started.elapsed() < LIMIT * 5, "{:?}", started.elapsed());
        }
    }

    #[test]
    fn incident_numbers_in_subjects() {
        for (subject, expected) in [
            (
                "RE: [INC000012] WebRNU – Resolução de um Utente duplicado",
                Some("INC000012"),
            ),
            ("Re: inc-2026-77 duplicado", Some("INC-2026-77")),
            ("WebRNU – Resolução de um Utente duplicado", None),
            ("PRINCIPAL INC", None),
            ("ZINC123", None),
        ] {
            assert_eq!(incident_in(subject).as_deref(), expected, "{subject}");
        }
    }
}
