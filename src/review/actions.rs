//! What a person does with the queue and the records, once for every front end (the command
//! line, the web application, its JSON API): each function checks the person's profile and
//! institutions, acts through the store's transactions, and leaves its audit entry.
//!
//! **Invariant:** no front end calls `Store::merge`, `unmerge`, `reject_pairs`, `defer_pairs`
//! or reads a patient for a person other than through these functions.

use super::{cluster, queue, QueueCluster, QueueFilter};
use crate::access::{self, refused, Actor, Permission, User};
use crate::error::{Error, Result, UserError};
use crate::record::{Date, Nnu, PatientRecord, Status};
use crate::store::audit::{Action, AuditEntry, AuditFilter, NewEntry};
use crate::store::merges::{MergeInfo, MergeOutcome, MergeRequest, UnmergeOutcome};
use crate::store::records::StoredRecord;
use crate::store::Store;

/// A cluster of the queue, or one pair of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A cluster of the latest scan.
    Cluster(u32),
    /// Two records.
    Pair(Nnu, Nnu),
}

impl std::str::FromStr for Target {
    type Err = String;

    /// `42` (a cluster) or `123456789:987654321` (a pair; `,` or `/` also separate).
    fn from_str(text: &str) -> std::result::Result<Target, String> {
        if let Some((a, b)) = text.split_once([':', ',', '/']) {
            let parse = |t: &str| t.trim().parse::<Nnu>().map_err(|e| format!("{t:?}: {e}"));
            return Ok(Target::Pair(parse(a)?, parse(b)?));
        }
        text.trim()
            .parse()
            .map(Target::Cluster)
            .map_err(|_| format!("{text:?}: expected a cluster number or NNU:NNU"))
    }
}

/// An approval of a cluster.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    /// Cluster number.
    pub cluster: u32,
    /// The records the person saw in the cluster (empty: not checked). When the cluster holds
    /// other records now (a scan ran since), the approval is refused.
    pub expected: Vec<Nnu>,
    /// The record kept.
    pub principal: Option<Nnu>,
    /// Records of the cluster left out.
    pub exclude: Vec<Nnu>,
    /// Why.
    pub reason: Option<String>,
    /// The ticket it answers.
    pub ticket: Option<String>,
    /// Despite two different valid NIFs.
    pub force: bool,
}

/// A record as a person reads it: the chain from the record asked for to its active principal.
#[derive(Clone, Debug)]
pub struct RecordView {
    /// The record asked for first, its principal last (one element when not merged, or when the
    /// principal is registered outside the person's institutions).
    pub chain: Vec<StoredRecord>,
    /// The principal the record was merged into, when the person may not read it.
    pub principal_elsewhere: Option<Nnu>,
    /// The merges that touched the last record of the chain, oldest first.
    pub merges: Vec<MergeInfo>,
}

impl RecordView {
    /// The active record this view leads to.
    pub fn principal(&self) -> &StoredRecord {
        self.chain.last().expect("a view holds at least the record asked for")
    }
}

fn person(user: &User) -> Actor {
    Actor::Person(user.clone())
}

/// Checks that `user` may read `record`; a refused read is written to the audit log too (who
/// tried to read whom is what an auditor looks for).
fn check_read(store: &mut Store, user: &User, record: &PatientRecord, what: &str) -> Result<()> {
    let checked = access::check(user, Permission::View, &[record], None);
    if checked.is_err() {
        store.audit(
            &person(user),
            Action::View,
            &NewEntry {
                records: &[record.sns_number],
                details: Some(format!("{what}: refused")),
                ..NewEntry::default()
            },
        )?;
    }
    checked
}

/// Writes that `user` read `records`.
pub fn audit_view(store: &mut Store, user: &User, records: &[&PatientRecord], what: &str) -> Result<()> {
    let nnus: Vec<Nnu> = records.iter().map(|r| r.sns_number).collect();
    store.audit(
        &person(user),
        Action::View,
        &NewEntry {
            records: &nnus,
            details: Some(what.to_string()),
            ..NewEntry::default()
        },
    )?;
    Ok(())
}

/// The queue as `user` may see it (no patient data is read here: the caller audits what it
/// shows with [`audit_view`]).
pub fn user_queue(store: &Store, user: &User, filter: &QueueFilter) -> Result<Vec<QueueCluster>> {
    access::check_profile(user, Permission::View, None)?;
    let visible = |record: &PatientRecord| user.covers(record.registration_unit.as_deref());
    queue(store, filter, &user.username, &visible)
}

/// A cluster of the queue that `user` may see (a record in their institutions).
pub fn visible_cluster(store: &Store, user: &User, id: u32) -> Result<QueueCluster> {
    access::check_profile(user, Permission::View, None)?;
    let cluster = cluster(store, id, &user.username)?.ok_or_else(|| {
        Error::from(UserError::NotReady(format!(
            "o grupo {id} não está na fila: já foi decidido, ou um novo scan mudou a fila"
        )))
    })?;
    if !cluster
        .records
        .iter()
        .any(|r| user.covers(r.record.registration_unit.as_deref()))
    {
        return Err(refused(format!(
            "nenhum registo do grupo {id} está inscrito nas instituições de {}",
            user.username
        )));
    }
    Ok(cluster)
}

/// Opens a cluster for reading: visible to `user`, and the view audited for all its records.
pub fn read_cluster(store: &mut Store, user: &User, id: u32) -> Result<QueueCluster> {
    let cluster = visible_cluster(store, user, id)?;
    let records: Vec<&PatientRecord> = cluster.records.iter().map(|r| &r.record).collect();
    audit_view(store, user, &records, &format!("review show {id}"))?;
    Ok(cluster)
}

/// Merges records for `user` (or, dry, shows what would happen: audited as a view).
pub fn merge(store: &mut Store, user: &User, request: &MergeRequest) -> Result<MergeOutcome> {
    let authorize = |records: &[&PatientRecord]| access::check(user, Permission::Decide, records, request.ticket);
    let outcome = store.merge(&person(user), request, &authorize)?;
    if request.dry_run {
        let records: Vec<&PatientRecord> = std::iter::once(&outcome.principal_before)
            .chain(&outcome.duplicates)
            .collect();
        audit_view(store, user, &records, "merge --dry-run")?;
    }
    Ok(outcome)
}

/// Refuses a decision on a cluster whose records are no longer those the person saw.
fn check_expected(cluster: &QueueCluster, expected: &[Nnu]) -> Result<()> {
    if expected.is_empty() {
        return Ok(());
    }
    let mut now: Vec<Nnu> = cluster.records.iter().map(|r| r.record.sns_number).collect();
    let mut seen = expected.to_vec();
    now.sort_unstable();
    seen.sort_unstable();
    if now != seen {
        return Err(UserError::NotReady(format!(
            "o grupo {} mudou desde que foi aberto (tem agora os utentes {}): abra-o de novo antes de decidir",
            cluster.id,
            now.iter().map(Nnu::to_string).collect::<Vec<_>>().join(", ")
        ))
        .into());
    }
    Ok(())
}

/// Approves a cluster: its other records (but the excluded) merged into the principal.
pub fn approve(store: &mut Store, user: &User, approval: &Approval) -> Result<MergeOutcome> {
    let cluster = visible_cluster(store, user, approval.cluster)?;
    check_expected(&cluster, &approval.expected)?;
    let principal = approval
        .principal
        .ok_or_else(|| UserError::Invalid("escolha o registo principal".into()))?;
    if !cluster.records.iter().any(|r| r.record.sns_number == principal) {
        return Err(UserError::Invalid(format!(
            "o utente {principal} não é um registo ativo do grupo {}",
            approval.cluster
        ))
        .into());
    }
    let duplicates: Vec<Nnu> = cluster
        .records
        .iter()
        .map(|r| r.record.sns_number)
        .filter(|&n| n != principal && !approval.exclude.contains(&n))
        .collect();
    let request = MergeRequest {
        principal,
        duplicates: &duplicates,
        reason: approval.reason.as_deref(),
        ticket: approval.ticket.as_deref(),
        force: approval.force,
        dry_run: false,
    };
    merge(store, user, &request)
}

/// The pairs a decision applies to: the pair, or a cluster's pairs (every two of its records
/// when `every_two`, else its open pairs), refused when the cluster is not what was `expected`.
fn target_pairs(
    store: &Store,
    user: &User,
    target: Target,
    expected: &[Nnu],
    every_two: bool,
) -> Result<Vec<(Nnu, Nnu)>> {
    let id = match target {
        Target::Pair(a, b) => return Ok(vec![(a, b)]),
        Target::Cluster(id) => id,
    };
    let cluster = visible_cluster(store, user, id)?;
    check_expected(&cluster, expected)?;
    let nnus: Vec<Nnu> = cluster.records.iter().map(|r| r.record.sns_number).collect();
    Ok(if every_two {
        nnus.iter()
            .enumerate()
            .flat_map(|(i, &a)| nnus[i + 1..].iter().map(move |&b| (a, b)))
            .collect()
    } else {
        cluster.pairs.iter().map(|p| (p.sns_number_l, p.sns_number_r)).collect()
    })
}

/// Rejects a cluster (every two of its records) or a pair as not the same person.
pub fn reject(
    store: &mut Store,
    user: &User,
    target: Target,
    expected: &[Nnu],
    reason: &str,
    ticket: Option<&str>,
) -> Result<usize> {
    if reason.trim().is_empty() {
        return Err(UserError::Invalid("indique o motivo da rejeição".into()).into());
    }
    let pairs = target_pairs(store, user, target, expected, true)?;
    let authorize = |records: &[&PatientRecord]| access::check(user, Permission::Decide, records, ticket);
    store.reject_pairs(&person(user), &pairs, reason, ticket, &authorize)
}

/// Puts a cluster's open pairs (or a pair) aside in the user's own queue, until a date or until
/// the cluster changes; other reviewers still see it. Deferring changes no record: the profile
/// must decide (no ticket needed), and one of the records must be in the user's institutions.
pub fn defer(
    store: &mut Store,
    user: &User,
    target: Target,
    expected: &[Nnu],
    until: Option<Date>,
    reason: Option<&str>,
) -> Result<usize> {
    let pairs = target_pairs(store, user, target, expected, false)?;
    let authorize = |records: &[&PatientRecord]| {
        access::check_profile(user, Permission::View, None)?;
        if !user.profile.decides() {
            return Err(refused(format!(
                "o perfil {} de {} não permite decidir sobre duplicados",
                user.profile, user.username
            )));
        }
        match records.iter().any(|r| user.covers(r.registration_unit.as_deref())) {
            true => Ok(()),
            false => access::check(user, Permission::View, records, None),
        }
    };
    let until = until.map(|d| d.to_string());
    store.defer_pairs(&person(user), &pairs, reason, until.as_deref(), &authorize)
}

/// Undoes a merge for `user`.
pub fn unmerge(
    store: &mut Store,
    user: &User,
    merge_id: i64,
    reason: &str,
    ticket: Option<&str>,
) -> Result<UnmergeOutcome> {
    if reason.trim().is_empty() {
        return Err(UserError::Invalid("indique o motivo para desfazer a fusão".into()).into());
    }
    let authorize = |records: &[&PatientRecord]| access::check(user, Permission::Decide, records, ticket);
    store.unmerge(&person(user), merge_id, reason, ticket, &authorize)
}

fn find(store: &Store, nnu: Nnu) -> Result<StoredRecord> {
    store
        .record_by_nnu(nnu)?
        .ok_or_else(|| UserError::UnknownRecord(nnu.to_string()).into())
}

/// Reads a record for `user`: a merged record leads to its principal (FHIR `replaced-by`).
/// The user must see the record asked for; the view is audited for the whole chain.
pub fn read_record(store: &mut Store, user: &User, nnu: Nnu) -> Result<RecordView> {
    let mut chain = vec![find(store, nnu)?];
    while let Some(next) = chain
        .last()
        .filter(|r| r.status == Status::Merged)
        .and_then(|r| r.merged_into)
    {
        let next = store
            .stored_records_by_id(&[next])?
            .pop()
            .ok_or_else(|| Error::Internal(format!("record {nnu} points at a missing principal")))?;
        if chain.iter().any(|r| r.record.id == next.record.id) {
            return Err(Error::Internal(format!("record {nnu} is in a merge loop")));
        }
        chain.push(next);
    }
    check_read(store, user, &chain[0].record, "show")?;
    // The principal is shown only to those who may read it; the others learn its number.
    let mut principal_elsewhere = None;
    if let Some(last) = chain.last().filter(|_| chain.len() > 1) {
        if access::check(user, Permission::View, &[&last.record], None).is_err() {
            principal_elsewhere = Some(last.record.sns_number);
            chain.truncate(1);
        }
    }
    let records: Vec<&PatientRecord> = chain.iter().map(|r| &r.record).collect();
    audit_view(store, user, &records, "show")?;
    let last_id = chain.last().expect("the chain holds the record asked for").record.id;
    // A merge into a principal the person may not read would show its data (the fills, the
    // other duplicates): then no merge is shown.
    let merges = match principal_elsewhere {
        Some(_) => Vec::new(),
        None => store.merges_of(last_id)?,
    };
    Ok(RecordView {
        chain,
        principal_elsewhere,
        merges,
    })
}

/// The longest name a lookup uses (longer input is cut).
const MAX_NAME_CHARS: usize = 200;

/// What a person describes when looking for a patient (the G-ticket lookup, the check before
/// registering).
#[derive(Clone, Debug, Default)]
pub struct Description {
    /// Full name as told.
    pub full_name: String,
    /// Birth date.
    pub birth_date: Option<Date>,
    /// Sex.
    pub sex: Option<crate::record::Sex>,
    /// Concelho (or freguesia) of birth, as told.
    pub birthplace: Option<String>,
    /// Tax number.
    pub nif: Option<crate::record::Nif>,
}

impl Description {
    /// The description as a record to compare (NNU 0, never stored).
    pub fn probe(&self) -> PatientRecord {
        use crate::record::Value;
        // No registered name is longer: a megabyte typed into a form must not reach the index.
        let name: String = self.full_name.trim().chars().take(MAX_NAME_CHARS).collect();
        let mut probe = PatientRecord::new(Nnu::from_u32(0).expect("0 is below 10⁹"), name);
        probe.birth_date = self.birth_date.map_or(Value::Missing, Value::Valid);
        probe.sex = self.sex.map_or(Value::Missing, Value::Valid);
        probe.birth_municipality = self.birthplace.clone();
        probe.nif = self.nif.map_or(Value::Missing, Value::Valid);
        probe
    }
}

/// The registered records most likely to be the person described, among those `user` may see,
/// best first (at most `limit`); the records shown are audited as a view.
pub fn search(
    store: &mut Store,
    matcher: &crate::matching::Matcher,
    user: &User,
    description: &Description,
    limit: usize,
) -> Result<Vec<crate::matching::LikelyRecord>> {
    access::check_profile(user, Permission::View, None)?;
    if description.full_name.trim().is_empty() {
        return Err(UserError::Invalid("indique pelo menos o nome".into()).into());
    }
    let visible = |r: &PatientRecord| user.covers(r.registration_unit.as_deref());
    let mut found = matcher.find(
        store,
        &description.probe(),
        &visible,
        crate::matching::DEFAULT_CANDIDATES,
    )?;
    found.truncate(limit);
    let records: Vec<&PatientRecord> = found.iter().map(|f| &f.record).collect();
    audit_view(store, user, &records, "search")?;
    Ok(found)
}

/// A record found when checking before registering someone.
#[derive(Clone, Debug)]
pub struct Found {
    /// The record and its score.
    pub hit: crate::matching::LikelyRecord,
    /// Registered in the user's institutions: its data may be shown. Otherwise only its NNU,
    /// probability and grade are (enough to know the person is registered already).
    pub visible: bool,
}

/// Is this person registered already, anywhere? The most likely records nationally, those of
/// other institutions reduced to their NNU and score. Every NNU returned is audited.
pub fn check_before_registering(
    store: &mut Store,
    matcher: &crate::matching::Matcher,
    user: &User,
    description: &Description,
    limit: usize,
) -> Result<Vec<Found>> {
    access::check_profile(user, Permission::View, None)?;
    if description.full_name.trim().is_empty() {
        return Err(UserError::Invalid("indique pelo menos o nome".into()).into());
    }
    let mut found = matcher.find(
        store,
        &description.probe(),
        &|_| true,
        crate::matching::DEFAULT_CANDIDATES,
    )?;
    // Unlikely records are not named at all: their NNUs would tell nothing but who is registered.
    found.retain(|f| f.waterfall.match_probability >= crate::matching::POSSIBLE);
    found.truncate(limit);
    let records: Vec<&PatientRecord> = found.iter().map(|f| &f.record).collect();
    audit_view(store, user, &records, "match")?;
    Ok(found
        .into_iter()
        .map(|hit| Found {
            visible: user.covers(hit.record.registration_unit.as_deref()),
            hit,
        })
        .collect())
}

/// Every decision (merge, unmerge, reject, defer) that touched a record, oldest first.
pub fn history(store: &mut Store, user: &User, nnu: Nnu) -> Result<Vec<AuditEntry>> {
    let stored = find(store, nnu)?;
    check_read(store, user, &stored.record, "history")?;
    audit_view(store, user, &[&stored.record], "history")?;
    store.audit_entries(&AuditFilter {
        record: Some(nnu),
        actor: None,
        decisions_only: true,
    })
}

/// The audit log, for the profiles that decide: the national profile sees every entry, a
/// supervisor the entries on records of their institutions and their own. The read is audited.
pub fn audit_log(store: &mut Store, user: &User, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    access::check_profile(user, Permission::View, None)?;
    if !user.profile.decides() {
        return Err(refused(format!(
            "o perfil {} de {} não dá acesso ao registo de auditoria",
            user.profile, user.username
        )));
    }
    let mut entries = store.audit_entries(filter)?;
    if !user.profile.national() {
        let units = store.registration_units()?;
        entries.retain(|entry| {
            entry.actor == user.username
                || entry.records.iter().any(|nnu| {
                    nnu.parse::<Nnu>()
                        .ok()
                        .and_then(|n| units.get(&n))
                        .is_some_and(|unit| user.covers(unit.as_deref()))
                })
        });
    }
    store.audit(
        &person(user),
        Action::View,
        &NewEntry {
            records: &filter.record.into_iter().collect::<Vec<_>>(),
            details: Some(format!("audit log ({} entries)", entries.len())),
            ..NewEntry::default()
        },
    )?;
    Ok(entries)
}
