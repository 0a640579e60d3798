//! Deciding a request: the ticket's lifecycle, then the checks of category F (each NNU exists,
//! the ticket's name and date agree with its record, the merge rules, the scan's model) or the
//! search of category G.

use super::parse::{
    other_requests_in_body, parse_request, says_not_found, subject_categories, Category, PatientFields, Request,
};
use super::{incident_in, read_message, reply, Candidate, Decision, Mismatch, Outcome, TicketState};
use super::{MAX_CANDIDATES, REOPEN_DAYS};
use crate::access::{self, Actor, Permission, User};
use crate::comparison::library::index as gamma;
use crate::error::{Error, Result, UserError};
use crate::matching::likely_records;
use crate::merge;
use crate::pipeline::{DataDir, Scorer};
use crate::record::normalize::{fold, normalize_name};
use crate::record::{field_label, Date, Nnu, PatientRecord, RecordId, Status, FIELDS};
use crate::settings::Settings;
use crate::store::audit::{Action, NewEntry};
use crate::store::merges::MergeRequest;
use crate::store::records::{field_texts, StoredRecord};
use crate::store::tickets::TicketUpdate;
use crate::store::{today, Store};

/// How to resolve.
#[derive(Clone, Debug, Default)]
pub struct ResolveOptions {
    /// Merge when the request is a duplicate and the person may merge (else propose).
    pub apply: bool,
    /// The incident number, when the service desk's system gave one (else the subject's, else
    /// a new one).
    pub incident: Option<String>,
}

/// What the decision needs besides the request.
struct Context<'a> {
    store: &'a mut Store,
    data_dir: &'a DataDir,
    settings: &'a Settings,
    user: &'a User,
    scorer: Option<Scorer>,
}

impl Context<'_> {
    fn scorer(&mut self) -> Result<&Scorer> {
        if self.scorer.is_none() {
            self.scorer = Some(Scorer::load(self.store, self.data_dir, self.settings)?);
        }
        Ok(self.scorer.as_ref().expect("just loaded"))
    }

    fn threshold(&self) -> f64 {
        self.settings.scan.threshold_match_probability
    }
}

/// Resolves one message for `user`: reads it, finds or opens its ticket, decides, stores the
/// decision with the ticket's new state, and returns it with the reply.
pub fn resolve(
    store: &mut Store,
    data_dir: &DataDir,
    settings: &Settings,
    user: &User,
    bytes: &[u8],
    options: &ResolveOptions,
) -> Result<Decision> {
    access::check_profile(user, Permission::View, None)?;
    let actor = Actor::Person(user.clone());
    if let Some(row) = store.ticket_of_message(bytes)? {
        // The stored answer names patients: only its resolver and the national profile see it.
        if !(user.profile.national() || row.resolved_by == user.username) {
            return Err(access::refused(format!(
                "esta mensagem já foi tratada no pedido {} por outra pessoa",
                row.incident
            )));
        }
        let mut decision: Decision = serde_json::from_str(&row.decision)
            .map_err(|e| Error::Internal(format!("stored decision of {}: {e}", row.incident)))?;
        decision.repeated_message = true;
        decision.state = row.state;
        let named = decision.named_records();
        store.audit(
            &actor,
            Action::Ticket,
            &NewEntry {
                records: &named,
                ticket: Some(&row.incident),
                details: Some("the same message again: nothing done".into()),
                ..NewEntry::default()
            },
        )?;
        return Ok(decision);
    }
    let message = read_message(bytes);
    let received = message.date.unwrap_or_else(today);
    let named = options.incident.clone().or_else(|| incident_in(&message.subject));
    let existing = match &named {
        Some(incident) => store.ticket(incident)?,
        None => None,
    };
    let mut earlier: Option<(Request, Option<Category>)> = None;
    let (mut reopened, mut replaces) = (false, None);
    let row = match existing {
        Some(row) if matches!(row.state, TicketState::Open | TicketState::Pending) => {
            earlier = Some(earlier_request(&row.request, row.category.as_deref()));
            row
        }
        Some(row)
            if row.state == TicketState::Resolved
                && Date::parse(&row.last_message_at)
                    .is_ok_and(|last| received.days_since_epoch() - last.days_since_epoch() <= REOPEN_DAYS) =>
        {
            earlier = Some(earlier_request(&row.request, row.category.as_deref()));
            reopened = true;
            row
        }
        Some(row) => {
            replaces = Some(row.incident.clone());
            store.open_ticket(&actor, None, &message.subject, message.from.as_deref(), received)?
        }
        None => store.open_ticket(
            &actor,
            named.as_deref(),
            &message.subject,
            message.from.as_deref(),
            received,
        )?,
    };

    let mut request = parse_request(&message.body);
    if let Some((before, _)) = &earlier {
        let n = request.patients.len().max(before.patients.len());
        request.patients = (0..n)
            .map(|i| request.patient(i).completed_from(&before.patient(i)))
            .collect();
        request.has_sections |= before.has_sections;
    }
    let mut categories = subject_categories(&message.subject);
    if categories.is_empty() {
        if let Some((_, Some(category))) = earlier {
            categories.push(category);
        }
    }
    if categories.is_empty() {
        categories.extend(body_category(&message.body, &request));
    }

    let mut context = Context {
        store,
        data_dir,
        settings,
        user,
        scorer: None,
    };
    let mut decision = decide(
        &mut context,
        &row.incident,
        &categories,
        &message.body,
        &request,
        options,
    )?;
    decision.reopened = reopened;
    decision.replaces = replaces;
    decision.state = decision.settled_state();
    decision.reply = reply::write(&decision, &message.subject);

    let find = |nnu: &Option<String>| -> Result<Option<StoredRecord>> {
        match nnu.as_deref().and_then(|n| n.parse::<Nnu>().ok()) {
            Some(nnu) => context.store.record_by_nnu(nnu),
            None => Ok(None),
        }
    };
    let (principal, duplicate) = (find(&decision.principal)?, find(&decision.duplicate)?);
    let mut nnus: Vec<Nnu> = [&principal, &duplicate]
        .iter()
        .filter_map(|r| r.as_ref().map(|r| r.record.sns_number))
        .collect();
    nnus.extend(decision.named_records());
    nnus.sort_unstable();
    nnus.dedup();
    let request_json = serde_json::to_string(&request).map_err(|e| Error::Internal(e.to_string()))?;
    let decision_json = serde_json::to_string(&decision).map_err(|e| Error::Internal(e.to_string()))?;
    context.store.record_ticket(
        &actor,
        row.id,
        &TicketUpdate {
            category: decision.category.map(Category::letter),
            state: decision.state,
            outcome: decision.outcome.as_str(),
            request: &request_json,
            decision: &decision_json,
            received,
            records: (
                principal.as_ref().map(|r| r.record.id),
                duplicate.as_ref().map(|r| r.record.id),
            ),
            nnus: &nnus,
            match_probability: decision.match_probability,
            proposed: decision.proposed,
            message: bytes,
            details: format!(
                "category {}{}{}",
                decision.category.map_or('?', Category::letter),
                if decision.reopened { ", reopened" } else { "" },
                decision.merge_id.map(|id| format!(", merge {id}")).unwrap_or_default()
            ),
        },
    )?;
    Ok(decision)
}

fn earlier_request(json: &str, category: Option<&str>) -> (Request, Option<Category>) {
    (
        serde_json::from_str(json).unwrap_or_default(),
        category.and_then(Category::from_letter),
    )
}

/// The category of a body sent under a subject that names none.
fn body_category(body: &str, request: &Request) -> Option<Category> {
    if request.has_sections || fold(body).contains("duplicad") {
        Some(Category::F)
    } else if says_not_found(body) {
        Some(Category::G)
    } else {
        subject_categories(body).first().copied()
    }
}

fn decide(
    context: &mut Context,
    incident: &str,
    categories: &[Category],
    body: &str,
    request: &Request,
    options: &ResolveOptions,
) -> Result<Decision> {
    let Some(&category) = categories.first() else {
        return Ok(Decision::new(incident, None, Outcome::WrongCategory));
    };
    let mut decision = Decision::new(incident, Some(category), Outcome::Split);
    if categories.len() > 1 {
        decision.situations = categories.iter().map(|c| situation(*c)).collect();
        return Ok(decision);
    }
    if !matches!(category, Category::F | Category::G) {
        decision.outcome = Outcome::WrongCategory;
        decision.right_category = Some(category);
        return Ok(decision);
    }
    let others = other_requests_in_body(body, category);
    let n_patients = request.patients.iter().filter(|p| !p.is_empty()).count();
    let (expected, other) = match category {
        Category::F => (2, Category::G),
        _ => (1, Category::F),
    };
    if let Some(reason) = &request.several_situations {
        decision.situations = vec![reason.clone()];
        return Ok(decision);
    }
    // A body of the other category's shape sent under this subject: the wrong category.
    let other_shape = match category {
        Category::F => n_patients <= 1 && !request.has_sections && says_not_found(body),
        _ => request.has_sections,
    };
    if other_shape {
        decision.outcome = Outcome::WrongCategory;
        decision.right_category = Some(other);
        return Ok(decision);
    }
    if !others.is_empty() {
        if n_patients == 0 {
            decision.outcome = Outcome::WrongCategory;
            decision.right_category = Some(others[0]);
        } else {
            decision.situations = std::iter::once(situation(category))
                .chain(others.iter().map(|c| situation(*c)))
                .collect();
        }
        return Ok(decision);
    }
    if n_patients > expected {
        decision.situations = vec![format!(
            "o pedido identifica {n_patients} utentes (um pedido {} identifica {expected})",
            category.letter()
        )];
        return Ok(decision);
    }
    match category {
        Category::F => decide_duplicate(context, decision, request, options),
        _ => decide_search(context, decision, &request.patient(0)),
    }
}

fn situation(category: Category) -> String {
    format!("{}. {}", category.letter(), category.title())
}

/// The record a ticket describes, to compare with registered ones (an NNU of nine zeros:
/// comparisons never read it).
fn described(fields: &PatientFields) -> PatientRecord {
    crate::review::actions::Description {
        full_name: fields.full_name.clone().unwrap_or_default(),
        birth_date: fields.parsed_birth_date().and_then(Result::ok),
        ..Default::default()
    }
    .probe()
}

/// Does a record agree with the name and date a ticket gives? (name, date, probability)
fn agreement(scorer: &Scorer, ticket: &PatientRecord, record: &PatientRecord) -> (bool, bool, f64) {
    let (vector, waterfall) = scorer.waterfall(ticket, record);
    let g = |i: usize| vector.gamma[i].0;
    // The whole name agrees at least on most tokens, and the first names do not differ.
    let name = g(gamma::FULL_NAME) >= 3 && g(gamma::GIVEN_NAME) != 0;
    let date = g(gamma::BIRTH_DATE) == 7 || (ticket.birth_date.is_missing() && record.birth_date.is_missing());
    (name, date, waterfall.match_probability)
}

/// The template fields whose values differ between a ticket's description and a record.
fn differing_fields(fields: &PatientFields, ticket: &PatientRecord, record: &PatientRecord) -> Vec<String> {
    let mut differs = Vec::new();
    if let Some(Ok(nnu)) = fields.parsed_nnu() {
        if nnu != record.sns_number {
            differs.push("Número de Utente".to_string());
        }
    }
    if fields.full_name.is_some() && name_words(&ticket.full_name) != name_words(&record.full_name) {
        differs.push("Nome Completo".to_string());
    }
    if ticket.birth_date.valid().is_some() && ticket.birth_date.valid() != record.birth_date.valid() {
        differs.push("Data de Nascimento".to_string());
    }
    if let Some(unit) = fields.unit_code() {
        if record.registration_unit.as_deref() != Some(unit.as_str()) {
            differs.push("Local de Inscrição".to_string());
        }
    }
    differs
}

/// A name's words, in order, whatever the order it was typed in ("Silva, Ana" is "Ana Silva").
fn name_words(full_name: &str) -> Vec<String> {
    normalize_name(full_name).tokens.into_iter().map(|t| t.text).collect()
}

/// The fields whose registered values differ between two records: `Nome completo: «A» / «B»`.
fn differences(a: &PatientRecord, b: &PatientRecord) -> Vec<String> {
    let (texts_a, texts_b) = (field_texts(a), field_texts(b));
    FIELDS
        .iter()
        .enumerate()
        .filter(|(_, field)| !matches!(**field, "sns_number" | "registration_type"))
        .filter(|(i, _)| texts_a[*i] != texts_b[*i])
        .filter(|(_, field)| **field != "full_name" || name_words(&a.full_name) != name_words(&b.full_name))
        .map(|(i, field)| {
            let shown =
                |t: &Option<std::borrow::Cow<str>>| t.as_deref().map_or("—".to_string(), |t| format!("«{t}»"));
            format!(
                "{}: {} / {}",
                field_label(field),
                shown(&texts_a[i]),
                shown(&texts_b[i])
            )
        })
        .collect()
}

/// The records most like a ticket's description that the person may see, best first.
fn search(
    context: &mut Context,
    fields: &PatientFields,
    exclude: &[RecordId],
) -> Result<Vec<(PatientRecord, f64, bool)>> {
    let ticket = described(fields);
    let user = context.user;
    context.scorer()?;
    let scorer = context.scorer.as_ref().expect("loaded just above");
    let visible = |r: &PatientRecord| user.covers(r.registration_unit.as_deref()) && !exclude.contains(&r.id);
    let found = likely_records(
        context.store,
        context.data_dir,
        scorer,
        &ticket,
        &visible,
        crate::matching::DEFAULT_CANDIDATES,
    )?;
    Ok(found
        .into_iter()
        .map(|found| {
            let (name, date, p) = agreement(scorer, &ticket, &found.record);
            (found.record, p, name && date)
        })
        .collect())
}

fn candidate(fields: &PatientFields, record: &PatientRecord, p: f64, merged_into: Option<Nnu>) -> Candidate {
    Candidate {
        nnu: record.sns_number.to_string(),
        full_name: record.full_name.clone(),
        birth_date: record.birth_date.to_text(),
        registration_unit: record.registration_unit.clone(),
        match_probability: p,
        differs: differing_fields(fields, &described(fields), record),
        merged_into: merged_into.map(|n| n.to_string()),
    }
}

const ROLES: [&str; 2] = ["Principal", "Duplicado"];

/// Category F.
fn decide_duplicate(
    context: &mut Context,
    mut decision: Decision,
    request: &Request,
    options: &ResolveOptions,
) -> Result<Decision> {
    let patients = [request.patient(0), request.patient(1)];
    decision.principal = patients[0].nnu.as_ref().map(|n| digits(n));
    decision.duplicate = patients[1].nnu.as_ref().map(|n| digits(n));
    // 1. Every template field, readable.
    for (role, fields) in ROLES.iter().zip(&patients) {
        let prefix = format!("Utente ({role})");
        match fields.parsed_nnu() {
            None => decision
                .missing_fields
                .push(format!("{prefix}: Número de Utente (SNS)")),
            Some(Err(why)) => decision
                .missing_fields
                .push(format!("{prefix}: Número de Utente (SNS) — {why}")),
            Some(Ok(_)) => {}
        }
        if fields.full_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            decision.missing_fields.push(format!("{prefix}: Nome Completo"));
        }
        match fields.parsed_birth_date() {
            None => decision.missing_fields.push(format!("{prefix}: Data de Nascimento")),
            Some(Err(why)) => decision
                .missing_fields
                .push(format!("{prefix}: Data de Nascimento — {why}")),
            Some(Ok(_)) => {}
        }
        if fields.registration_unit.is_none() {
            decision.missing_fields.push(format!(
                "{prefix}: Local de Inscrição (Centro de Saúde / Unidade de Saúde)"
            ));
        }
    }
    if !decision.missing_fields.is_empty() {
        decision.outcome = Outcome::Pending;
        return Ok(decision);
    }
    let nnus: Vec<Nnu> = patients
        .iter()
        .filter_map(|p| p.parsed_nnu().and_then(|r| r.ok()))
        .collect();
    // 2. The records: each NNU exists, within the person's reach, as the ticket describes it.
    let mut records: Vec<Option<StoredRecord>> = Vec::new();
    for nnu in &nnus {
        records.push(context.store.record_by_nnu(*nnu)?);
    }
    let visible: Vec<&PatientRecord> = records.iter().flatten().map(|r| &r.record).collect();
    if let Err(refusal) = access::check(context.user, Permission::View, &visible, None) {
        decision.outcome = Outcome::Refused;
        decision.refusal = Some(refusal_text(&refusal));
        return Ok(decision);
    }
    let exclude: Vec<RecordId> = visible.iter().map(|r| r.id).collect();
    for (i, (fields, stored)) in patients.iter().zip(&records).enumerate() {
        let ticket = described(fields);
        let mut wrong: Vec<(&str, String, Option<String>)> = Vec::new();
        match stored {
            None => wrong.push(("Número de Utente (SNS)", nnus[i].to_string(), None)),
            Some(stored) => {
                let (name, date, _) = agreement(context.scorer()?, &ticket, &stored.record);
                if !name {
                    wrong.push((
                        "Nome Completo",
                        ticket.full_name.clone(),
                        Some(stored.record.full_name.clone()),
                    ));
                }
                if !date {
                    wrong.push((
                        "Data de Nascimento",
                        fields.birth_date.clone().unwrap_or_default(),
                        stored.record.birth_date.to_text(),
                    ));
                }
            }
        }
        if wrong.is_empty() {
            continue;
        }
        let matching = search(context, fields, &exclude)?
            .into_iter()
            .find(|(_, p, agrees)| *agrees && *p >= context.threshold())
            .map(|(record, p, _)| candidate(fields, &record, p, None));
        for (field, ticket_value, registered_value) in wrong {
            decision.mismatches.push(Mismatch {
                patient: ROLES[i].to_lowercase(),
                nnu: nnus[i].to_string(),
                field: field.to_string(),
                ticket_value,
                registered_value,
                matching_record: matching.clone(),
            });
        }
    }
    if !decision.mismatches.is_empty() {
        decision.outcome = Outcome::Mismatch;
        return Ok(decision);
    }
    let (Some(principal), Some(duplicate)) = (records[0].clone(), records[1].clone()) else {
        return Err(Error::Internal("both records were found above".into()));
    };
    if let (Some(a), Some(b)) = (&principal.record.registration_unit, &duplicate.record.registration_unit) {
        if a == b {
            decision.same_unit = Some(a.clone());
        }
    }
    // 3. Already done?
    if duplicate.status == Status::Merged && duplicate.merged_into == Some(principal.record.id) {
        decision.outcome = Outcome::Merge;
        decision.notes.push(format!(
            "o utente {} já está fundido no utente {}: nada foi feito",
            duplicate.record.sns_number, principal.record.sns_number
        ));
        return Ok(decision);
    }
    // 4. The merge rules (the same as a supervisor's).
    if let Err(refusal) = merge::check(
        &principal,
        std::slice::from_ref(&duplicate),
        merge::Overrides::default(),
    ) {
        decision.outcome = Outcome::Refused;
        decision.refusal = Some(refusal_text(&refusal));
        return Ok(decision);
    }
    // 5. The score, with the scan's model.
    let (_, waterfall) = context.scorer()?.waterfall(&principal.record, &duplicate.record);
    decision.match_probability = Some(waterfall.match_probability);
    decision.differences = differences(&principal.record, &duplicate.record);
    let mut rows: Vec<_> = waterfall
        .rows
        .iter()
        .filter(|r| r.comparison != "prior" && r.gamma >= 0)
        .collect();
    rows.sort_by(|a, b| b.match_weight.abs().total_cmp(&a.match_weight.abs()));
    decision.evidence = rows
        .iter()
        .map(|r| format!("{}: {} ({:+.1})", r.comparison, r.label, r.match_weight))
        .collect();
    let pair = if principal.record.id < duplicate.record.id {
        (principal.record.id, duplicate.record.id)
    } else {
        (duplicate.record.id, principal.record.id)
    };
    if context.store.rejected_pairs()?.contains(&pair) {
        decision.outcome = Outcome::NotDuplicate;
        decision
            .notes
            .push("este par já foi rejeitado por um supervisor: não é a mesma pessoa".into());
        return Ok(decision);
    }
    if waterfall.match_probability < context.threshold() {
        decision.outcome = Outcome::NotDuplicate;
        return Ok(decision);
    }
    decision.outcome = Outcome::Merge;
    let everyone = [&principal.record, &duplicate.record];
    if let Some((best, why)) = merge::suggested_principal(&everyone) {
        if best == 1 {
            decision.notes.push(format!(
                "o registo sugerido como principal seria o {} ({why}); mantido o que o pedido indica",
                duplicate.record.sns_number
            ));
        }
    }
    if !options.apply {
        decision.proposed = true;
        return Ok(decision);
    }
    let incident = decision.incident.clone();
    if let Err(refusal) = access::check(context.user, Permission::Decide, &everyone, Some(&incident)) {
        decision.proposed = true;
        decision
            .notes
            .push(format!("fusão não aplicada: {}", refusal_text(&refusal)));
        return Ok(decision);
    }
    let user = context.user;
    let reason = format!("pedido {incident} (categoria F)");
    let request = MergeRequest {
        principal: principal.record.sns_number,
        duplicates: &[duplicate.record.sns_number],
        reason: Some(&reason),
        ticket: Some(&incident),
        force: false,
        dry_run: false,
    };
    // The same action as a supervisor's merge: access checked against the ticket, audited.
    match crate::review::actions::merge(context.store, user, &request) {
        Ok(outcome) => decision.merge_id = Some(outcome.merge_id),
        Err(Error::User(UserError::Refused(refusal))) => {
            decision.outcome = Outcome::Refused;
            decision.refusal = Some(refusal);
        }
        Err(other) => return Err(other),
    }
    Ok(decision)
}

/// Category G.
fn decide_search(context: &mut Context, mut decision: Decision, fields: &PatientFields) -> Result<Decision> {
    decision.principal = fields.nnu.as_ref().map(|n| digits(n));
    if fields.full_name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        decision.missing_fields.push("Nome Completo".into());
    }
    match fields.parsed_birth_date() {
        None => decision.missing_fields.push("Data de Nascimento".into()),
        Some(Err(why)) => decision.missing_fields.push(format!("Data de Nascimento — {why}")),
        Some(Ok(_)) => {}
    }
    if !decision.missing_fields.is_empty() {
        decision.outcome = Outcome::Pending;
        return Ok(decision);
    }
    let threshold = context.threshold();
    let mut candidates: Vec<Candidate> = Vec::new();
    // The NNU given may be a merged record: its principal is the answer.
    if let Some(Ok(nnu)) = fields.parsed_nnu() {
        if let Some(stored) = context.store.record_by_nnu(nnu)? {
            if stored.status == Status::Merged && context.user.covers(stored.record.registration_unit.as_deref()) {
                let principal = match stored.merged_into {
                    Some(id) => context.store.records_by_id(&[id])?.pop(),
                    None => None,
                };
                if let Some(principal) = principal {
                    let (_, _, p) = agreement(context.scorer()?, &described(fields), &principal);
                    candidates.push(candidate(fields, &stored.record, p, Some(principal.sns_number)));
                }
            }
        }
    }
    for (record, p, _) in search(context, fields, &[])? {
        if candidates.len() >= MAX_CANDIDATES {
            break;
        }
        if p >= context.settings.scan.keep_min_probability {
            candidates.push(candidate(fields, &record, p, None));
        }
    }
    let found = candidates.iter().any(|c| c.match_probability >= threshold);
    decision.outcome = if found { Outcome::Found } else { Outcome::NotFound };
    if found {
        decision.match_probability = candidates.first().map(|c| c.match_probability);
        decision.candidates = candidates;
    }
    Ok(decision)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The Portuguese text of a refusal, without the "recusado: " of its display.
fn refusal_text(error: &Error) -> String {
    match error {
        Error::User(UserError::Refused(text)) => text.clone(),
        other => other.to_string(),
    }
}
