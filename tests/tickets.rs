//! Service-desk tickets through the real binary: every sample message of
//! `data-samples/tickets/` gives the outcome its manifest expects, on the sample registry;
//! the lifecycle (pending closed after 30 days, reopened within 10); no merge outside the
//! person's reach; the same message twice merges once; proposals reach the review queue.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::util::Dir;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data-samples")
        .join("tickets")
}

/// The sample registry, scanned, with a service-desk agent and two unit users.
fn registry() -> Dir {
    let dir = Dir::new();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample.to_str().unwrap()], 0);
    dir.scan(&["-q", "scan"]);
    for (user, profile, institutions) in [
        ("desk", "centro_suporte", ""),
        ("ana", "supervisor", "U060501,U150301"),
        ("eva", "administrativo", "U110503,U110504"),
        ("rui", "supervisor", "U110503,U110504"),
    ] {
        let mut args = vec!["users", "add", user, "--name", "Pessoa Teste", "--profile", profile];
        if !institutions.is_empty() {
            args.extend(["--institution", institutions]);
        }
        dir.unico_ok(&args, 0);
    }
    dir
}

fn n_merges(dir: &Dir) -> i64 {
    dir.database()
        .query_row("SELECT COUNT(*) FROM merges", [], |r| r.get(0))
        .unwrap()
}

fn resolve(dir: &Dir, user: &str, file: &Path, apply: bool) -> serde_json::Value {
    let mut args = vec![
        "--user",
        user,
        "ticket",
        "resolve",
        file.to_str().unwrap(),
        "--format",
        "json",
    ];
    if apply {
        args.push("--apply");
    }
    let run = dir.unico_ok(&args, 0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

struct Row {
    file: String,
    user: String,
    apply: bool,
    category: String,
    outcome: String,
    state: String,
    new_merges: i64,
}

fn manifest() -> Vec<Row> {
    let text = std::fs::read_to_string(samples().join("manifest.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 7, "manifest.csv: {line}");
            Row {
                file: f[0].into(),
                user: f[1].into(),
                apply: f[2] == "yes",
                category: f[3].into(),
                outcome: f[4].into(),
                state: f[5].into(),
                new_merges: f[6].parse().unwrap(),
            }
        })
        .collect()
}

#[test]
fn every_sample_gives_its_expected_outcome_and_the_lifecycle_holds() {
    let dir = registry();
    let rows = manifest();
    assert!(rows.len() >= 25);
    let mut outcomes = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    let mut slowest = 0.0f64;
    let mut decisions = Vec::new();
    for row in &rows {
        let before = n_merges(&dir);
        let started = Instant::now();
        let decision = resolve(&dir, &row.user, &samples().join(&row.file), row.apply);
        slowest = slowest.max(started.elapsed().as_secs_f64());
        for key in [
            "category",
            "outcome",
            "principal",
            "duplicate",
            "match_probability",
            "missing_fields",
            "incident",
            "state",
            "reply",
        ] {
            assert!(decision.get(key).is_some(), "{}: no {key} in {decision}", row.file);
        }
        let category = decision["category"].as_str().unwrap_or("-");
        let got = (
            category,
            decision["outcome"].as_str().unwrap(),
            decision["state"].as_str().unwrap(),
            n_merges(&dir) - before,
        );
        let want = (
            row.category.as_str(),
            row.outcome.as_str(),
            row.state.as_str(),
            row.new_merges,
        );
        if got != want {
            failures.push(format!(
                "{}: want {want:?}, got {got:?}\n{}",
                row.file, decision["reply"]
            ));
        }
        let incident = decision["incident"].as_str().unwrap();
        assert!(decision["reply"].as_str().unwrap().contains(incident), "{}", row.file);
        outcomes.insert(row.outcome.clone());
        decisions.push((row.file.clone(), decision));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for outcome in [
        "merge",
        "not-duplicate",
        "mismatch",
        "refused",
        "pending",
        "wrong-category",
        "split",
        "found",
        "not-found",
    ] {
        assert!(outcomes.contains(outcome), "no sample for {outcome}");
    }
    // Each sample is answered within a second (debug build included).
    assert!(slowest < 5.0, "slowest resolve took {slowest:.2} s");
    eprintln!("tickets: {} samples, slowest resolve {slowest:.3} s", rows.len());

    let decision = |file: &str| -> &serde_json::Value { &decisions.iter().rev().find(|(f, _)| f == file).unwrap().1 };
    // The same message twice: answered from the stored decision.
    assert!(decisions.iter().filter(|(f, _)| f == "01_f_merge_template.eml").count() == 2);
    assert_eq!(decision("01_f_merge_template.eml")["repeated_message"], true);
    // A mistyped NNU: the record that matches what the ticket describes is named.
    let mismatch = &decision("09_f_mismatch_unknown_nnu.eml")["mismatches"][0];
    assert_eq!(mismatch["matching_record"]["nnu"], "289439770", "{mismatch}");
    let other_person = &decision("10_f_mismatch_other_person.eml")["mismatches"];
    assert_eq!(other_person[0]["matching_record"]["nnu"], "101876177", "{other_person}");
    // Missing fields, exactly.
    assert_eq!(
        decision("14_f_pending_missing_fields.eml")["missing_fields"],
        serde_json::json!([
            "Utente (Principal): Data de Nascimento",
            "Utente (Duplicado): Local de Inscrição (Centro de Saúde / Unidade de Saúde)"
        ])
    );
    // G: the five most likely records at most, the merged number leading to its principal.
    let found = decision("18_g_found_merged_nnu.eml");
    assert_eq!(found["candidates"][0]["merged_into"], "247651531", "{found}");
    assert!(found["candidates"].as_array().unwrap().len() <= 5);
    let both = decision("16_g_found.eml")["candidates"].as_array().unwrap().clone();
    let nnus: Vec<&str> = both.iter().take(2).map(|c| c["nnu"].as_str().unwrap()).collect();
    assert!(nnus.contains(&"103440499") && nnus.contains(&"101876177"), "{nnus:?}");
    // A death: the reply sends the agent to category E.
    assert!(decision("11_f_refused_deceased.eml")["reply"]
        .as_str()
        .unwrap()
        .contains("categoria E"));
    // Both records in one unit: the reply reminds that its supervisors can resolve it.
    assert_eq!(decision("04_f_same_unit_cp1252_base64.eml")["same_unit"], "U060501");
    // Reopened within 10 days under the same number; later, a new ticket.
    assert_eq!(decision("29_f_reopened.eml")["reopened"], true);
    assert_eq!(decision("29_f_reopened.eml")["incident"], "INC-2026-0101");
    assert_eq!(decision("30_f_reply_too_late.eml")["replaces"], "INC-2026-0101");
    assert_ne!(decision("30_f_reply_too_late.eml")["incident"], "INC-2026-0101");

    // Pending tickets close 30 days after their latest message, not before.
    let pending_before = dir.unico_ok(
        &[
            "--user", "desk", "ticket", "list", "--state", "pending", "--format", "json",
        ],
        0,
    );
    let pending: Vec<serde_json::Value> = serde_json::from_str(&pending_before.stdout).unwrap();
    assert_eq!(pending.len(), 3, "{}", pending_before.stdout);
    let early = dir.unico_ok(&["--user", "desk", "ticket", "close-stale", "--as-of", "2026-02-01"], 0);
    assert!(early.stdout.starts_with("0 pedido(s)"), "{}", early.stdout);
    let late = dir.unico_ok(&["--user", "desk", "ticket", "close-stale", "--as-of", "2026-03-01"], 0);
    assert!(late.stdout.starts_with("3 pedido(s)"), "{}", late.stdout);
    let closed = dir.unico_ok(&["--user", "desk", "ticket", "list", "--state", "closed"], 0);
    assert!(closed.stdout.starts_with("3 pedido(s)"), "{}", closed.stdout);
    // An answer to a closed ticket opens a new one.
    let incident = pending[0]["incident"].as_str().unwrap();
    let answer = dir.write(
        "late.txt",
        format!("Assunto: RE: [{incident}] WebRNU – Resolução de um Utente duplicado\n\nSegue o número correto.\n"),
    );
    let decision = resolve(&dir, "desk", &answer, false);
    assert_eq!(decision["replaces"], incident, "{decision}");
    dir.unico_ok(&["audit", "verify"], 0);
}

#[test]
fn a_ticket_merges_only_what_the_person_may_merge_and_once() {
    let dir = registry();
    let file = |name: &str| samples().join(name);
    // Administrativo sees both records (U110503, U110504) but does not decide: proposed.
    let decision = resolve(&dir, "eva", &file("03_f_proposed_latin1.eml"), true);
    assert_eq!(decision["outcome"], "merge");
    assert_eq!(decision["proposed"], true);
    assert_eq!(n_merges(&dir), 0);
    // A supervisor of other units: refused, nothing merged, no record shown.
    let decision = resolve(&dir, "ana", &file("05_f_outside_institutions.eml"), true);
    assert_eq!(decision["outcome"], "refused", "{decision}");
    assert_eq!(n_merges(&dir), 0);
    // The service desk merges with --apply, against the ticket; twice is once.
    let first = resolve(&dir, "desk", &file("06_f_multipart_two_lines.eml"), true);
    assert_eq!(first["outcome"], "merge");
    assert!(first["merge_id"].is_number(), "{first}");
    let again = resolve(&dir, "desk", &file("06_f_multipart_two_lines.eml"), true);
    assert_eq!(again["repeated_message"], true);
    assert_eq!(n_merges(&dir), 1);
    let ticket: String = dir
        .database()
        .query_row("SELECT ticket FROM merges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ticket, first["incident"].as_str().unwrap());
    // The same request in another message (another Message-ID): the records are merged already.
    let bytes = std::fs::read(file("06_f_multipart_two_lines.eml")).unwrap();
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace("Message-ID: <06", "Message-ID: <06b");
    let copy = dir.write("copy.eml", text);
    let copy = resolve(&dir, "desk", &copy, true);
    assert_eq!(copy["outcome"], "merge");
    assert!(copy["merge_id"].is_null());
    assert_eq!(n_merges(&dir), 1);
}

#[test]
fn a_proposal_waits_in_the_review_queue_until_a_supervisor_merges_it() {
    let dir = registry();
    let decision = resolve(&dir, "desk", &samples().join("03_f_proposed_latin1.eml"), false);
    let incident = decision["incident"].as_str().unwrap();
    assert_eq!(decision["state"], "open");
    let list = dir.unico_ok(&["--user", "rui", "review", "list"], 0).stdout;
    assert!(list.contains(&format!("pedido {incident}")), "{list}");
    assert!(list.contains("--principal 231488718 --duplicate 297366318"), "{list}");
    dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "231488718",
            "--duplicate",
            "297366318",
            "--ticket",
            incident,
        ],
        0,
    );
    let tickets = dir
        .unico_ok(&["--user", "desk", "ticket", "list", "--state", "resolved"], 0)
        .stdout;
    assert!(tickets.contains(incident), "{tickets}");
    let list = dir.unico_ok(&["--user", "rui", "review", "list"], 0).stdout;
    assert!(!list.contains(&format!("pedido {incident}")), "{list}");
}

#[test]
fn text_output_is_the_reply_in_portuguese() {
    let dir = registry();
    let run = dir.unico_ok(
        &[
            "--user",
            "desk",
            "ticket",
            "resolve",
            samples().join("14_f_pending_missing_fields.eml").to_str().unwrap(),
        ],
        0,
    );
    assert!(run.stdout.contains("resultado: pending"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Utente (Principal): Data de Nascimento"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Utente (Duplicado): Local de Inscrição (Centro de Saúde / Unidade de Saúde)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Utente (Principal): Nome"), "{}", run.stdout);
    assert!(run.stdout.contains("30 dias"), "{}", run.stdout);
    // Others' tickets are not shown to a unit's user; only the service desk closes tickets.
    let list = dir.unico_ok(&["--user", "ana", "ticket", "list"], 0).stdout;
    assert!(list.starts_with("0 pedido(s)"), "{list}");
    let refused = dir.unico(&["--user", "ana", "ticket", "close-stale"]);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    // No user: a clear error.
    let run = dir.unico(&["ticket", "list"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--user"), "{}", run.stderr);
}
