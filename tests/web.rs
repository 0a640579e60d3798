//! The review web application in a real headless Chromium, and its JSON API over real HTTP,
//! against `unico serve` on the scanned sample registry.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::review::Sample;
use crate::util::Dir;
use crate::webdriver::{Browser, Served};

fn add_user(dir: &Dir, username: &str, profile: &str, institutions: &str, password: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unico"))
        .args([
            "-q",
            "users",
            "add",
            username,
            "--name",
            &format!("Teste {username}"),
            "--profile",
            profile,
        ])
        .args(["--institution", institutions, "--password-stdin"])
        .env("UNICO_DATA_DIR", dir.data_dir())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success(), "adding {username}");
}

fn sign_in(browser: &Browser, server: &Served, username: &str, password: &str) {
    browser.clear_cookies();
    browser.goto(&format!("{}/entrar", server.base));
    browser.fill("#utilizador", username);
    browser.fill("#senha", password);
    browser.click("form button[type=submit]");
    browser.wait_for("<h1>Fila de revisão</h1>");
}

/// Two mergeable two-record clusters of the sample, with their units: (id, [(NNU, unit); 2]).
fn two_clusters(sample: &Sample) -> [(u32, Vec<(String, String)>); 2] {
    let clusters = sample.clusters(true);
    let mut chosen = clusters
        .into_iter()
        .filter(|(_, m)| m.len() == 2 && m.iter().all(|(_, u)| u.is_some()))
        .map(|(id, m)| (id, m.into_iter().map(|(n, u)| (n, u.unwrap())).collect::<Vec<_>>()));
    let first = chosen.next().expect("a cluster");
    let second = chosen
        .find(|(_, m)| m.iter().all(|(n, _)| first.1.iter().all(|(f, _)| f != n)))
        .expect("another cluster");
    [first, second]
}

fn cluster_of(dir: &Dir, nnu: &str) -> u32 {
    dir.database()
        .query_row(
            "SELECT m.cluster_id FROM cluster_members m JOIN records r ON r.id = m.record_id WHERE r.sns_number = ?1",
            [nnu],
            |r| r.get(0),
        )
        .unwrap()
}

fn post_json(url: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = ureq::post(url);
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let response = match request.send_json(body) {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = response.status();
    (status, response.into_json().unwrap_or(Value::Null))
}

#[test]
fn a_supervisor_reviews_approves_undoes_and_rejects_in_the_browser() {
    let sample = Sample::new();
    let dir = &sample.dir;
    let [(approve_id, approve), (reject_id, reject)] = two_clusters(&sample);
    let units: Vec<&str> = approve.iter().chain(&reject).map(|(_, u)| u.as_str()).collect();
    add_user(dir, "sup", "supervisor", &units.join(","), "senha-sup-123");
    add_user(dir, "con", "consulta", &units.join(","), "senha-con-123");
    add_user(dir, "out", "supervisor", "U999999", "senha-out-123");
    let server = Served::start(&dir.data_dir());
    let browser = Browser::start();

    // Sign in and open the queue, filtered by a unit, then the cluster.
    sign_in(&browser, &server, "sup", "senha-sup-123");
    assert!(browser.url().ends_with("/fila"), "{}", browser.url());
    browser.goto(&format!("{}/fila?unidade={}", server.base, approve[0].1));
    assert!(browser.text("#contagem").contains("grupo(s)"));
    // The search page finds a patient of the user's units by name and birth date.
    let (name, born): (String, String) = dir
        .database()
        .query_row(
            "SELECT full_name, birth_date FROM records WHERE sns_number = ?1",
            [&approve[0].0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    browser.goto(&format!("{}/pesquisa", server.base));
    browser.fill("#nome", &name);
    browser.fill("#nascimento", &born);
    browser.click("#pesquisa button[type=submit]");
    browser.wait_for("id=\"resultados\"");
    assert!(
        browser.text("#resultados").contains(&approve[0].0),
        "{}",
        browser.source()
    );
    browser.goto(&format!("{}/fila?unidade={}", server.base, approve[0].1));
    browser.click(&format!("a[href='/cluster/{approve_id}']"));
    assert!(browser.text("#registos").contains(&approve[1].0));
    assert!(browser.source().contains("<svg"), "the waterfall is drawn");

    // Approve with the principal that was not suggested.
    let suggested = browser.text("#sugestao strong");
    let chosen = approve
        .iter()
        .map(|(n, _)| n)
        .find(|n| **n != suggested)
        .unwrap()
        .clone();
    browser.click(&format!("#principal-{chosen}"));
    browser.fill("#motivo-aprovar", "mesma pessoa, confirmado");
    browser.click("#aprovar button[type=submit]");
    browser.wait_for("aprovada");
    assert!(
        browser.url().contains(&format!("/utente/{chosen}")),
        "{}",
        browser.url()
    );
    let history = browser.text("#fusoes");
    assert!(
        history.contains("Fusão n.º 1") && history.contains(&suggested),
        "{history}"
    );
    let status = |nnu: &str| -> String {
        dir.database()
            .query_row("SELECT status FROM records WHERE sns_number = ?1", [nnu], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(status(&suggested), "merged");

    // Undo it from the record page.
    browser.fill("#fusoes input[name=motivo]", "afinal não");
    browser.click("#fusoes button[type=submit]");
    browser.wait_for("desfeita");
    assert_eq!(status(&suggested), "active");

    // Reject the other cluster as different people; a rescan does not bring it back.
    browser.goto(&format!("{}/cluster/{reject_id}", server.base));
    browser.fill("#motivo-rejeitar", "gémeos");
    browser.click("#rejeitar button[type=submit]");
    browser.wait_for("não voltarão a ser propostos");
    dir.scan(&["-q", "scan"]);
    let (a, b) = (&reject[0].0, &reject[1].0);
    assert!(
        sample
            .candidate_pairs()
            .iter()
            .all(|(l, r)| !((l == a && r == b) || (l == b && r == a))),
        "the rejected pair came back"
    );

    // A form without the session's CSRF token is refused.
    let session = browser.cookie("unico_session").expect("a session cookie");
    let approve_now = cluster_of(dir, &approve[0].0);
    let forged = ureq::post(&format!("{}/cluster/{approve_now}/rejeitar", server.base))
        .set("Cookie", &format!("unico_session={session}"))
        .send_form(&[("motivo", "forjado")]);
    match forged {
        Err(ureq::Error::Status(403, response)) => {
            assert!(response.into_string().unwrap().contains("CSRF"))
        }
        other => panic!(
            "a form without CSRF token was not refused: {:?}",
            other.map(|r| r.status())
        ),
    }
    let rejected: i64 = dir
        .database()
        .query_row("SELECT COUNT(*) FROM rejected_pairs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rejected, 1);

    // Sign out: the session cookie no longer opens anything.
    browser.click("header form button[type=submit]");
    browser.wait_for("<h1>Entrar</h1>");
    let old = ureq::AgentBuilder::new()
        .redirects(0)
        .build()
        .get(&format!("{}/cluster/{approve_now}", server.base))
        .set("Cookie", &format!("unico_session={session}"))
        .call()
        .unwrap();
    assert_eq!(old.status(), 303);

    // A Consulta user sees the cluster but no approve button, and the API refuses the action.
    sign_in(&browser, &server, "con", "senha-con-123");
    browser.goto(&format!("{}/cluster/{approve_now}", server.base));
    assert!(browser.try_find("#registos").is_some());
    assert!(
        browser.try_find("#aprovar").is_none(),
        "a Consulta user must not get an approve button"
    );
    let (status, token) = post_json(
        &format!("{}/api/session", server.base),
        None,
        json!({"username": "con", "password": "senha-con-123"}),
    );
    assert_eq!(status, 200);
    let token = token["token"].as_str().unwrap().to_string();
    let (status, body) = post_json(
        &format!("{}/api/clusters/{approve_now}/approve", server.base),
        Some(&token),
        json!({"principal": approve[0].0}),
    );
    assert_eq!(status, 403, "{body}");
    assert!(body["error"].as_str().unwrap().contains("Consulta"), "{body}");

    // A supervisor of another institution cannot open the cluster by its URL.
    sign_in(&browser, &server, "out", "senha-out-123");
    browser.goto(&format!("{}/cluster/{approve_now}", server.base));
    browser.wait_for("nenhum registo do grupo");
    let page = browser.source();
    assert!(
        !page.contains(&approve[0].0) && !page.contains(&approve[1].0),
        "records leaked: {page}"
    );
}

#[test]
fn the_api_signs_in_checks_and_locks_out() {
    let sample = Sample::new();
    let dir = &sample.dir;
    let [(id, records), _] = two_clusters(&sample);
    let units: Vec<&str> = records.iter().map(|(_, u)| u.as_str()).collect();
    add_user(dir, "sup", "supervisor", &units.join(","), "senha-sup-123");
    let server = Served::start(&dir.data_dir());
    let api = |path: &str| format!("{}/api/{path}", server.base);

    let anonymous = ureq::get(&api("queue")).call();
    assert!(matches!(anonymous, Err(ureq::Error::Status(401, _))));
    let (_, signed) = post_json(
        &api("session"),
        None,
        json!({"username": "sup", "password": "senha-sup-123"}),
    );
    let token = signed["token"].as_str().unwrap().to_string();
    let queue: Value = ureq::get(&api("queue"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert!(
        queue["clusters"].as_array().unwrap().iter().any(|c| c["id"] == id),
        "{queue}"
    );
    let cluster: Value = ureq::get(&api(&format!("clusters/{id}")))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let principal = cluster["suggested_principal"].as_str().unwrap().to_string();
    assert_eq!(cluster["records"].as_array().unwrap().len(), 2);
    let (status, merged) = post_json(
        &api(&format!("clusters/{id}/approve")),
        Some(&token),
        json!({"principal": principal, "reason": "API"}),
    );
    assert_eq!(status, 200, "{merged}");
    let merge_id = merged["merge_id"].as_i64().unwrap();
    let (status, again) = post_json(
        &api(&format!("clusters/{id}/approve")),
        Some(&token),
        json!({"principal": principal}),
    );
    assert_eq!(status, 409, "the cluster is no longer in the queue: {again}");
    let (status, undone) = post_json(
        &api(&format!("merges/{merge_id}/unmerge")),
        Some(&token),
        json!({"reason": "teste"}),
    );
    assert_eq!(status, 200, "{undone}");
    assert_eq!(undone["restored"].as_array().unwrap().len(), 1);
    let audit = dir.unico_ok(&["audit", "list", "--by", "sup"], 0).stdout;
    assert!(
        audit.contains("merge") && audit.contains("unmerge") && audit.contains("view"),
        "{audit}"
    );

    // The search API: the most likely records of the user's units.
    let found: Vec<Value> = ureq::get(&api("search"))
        .set("Authorization", &format!("Bearer {token}"))
        .query("name", cluster["records"][0]["full_name"].as_str().unwrap())
        .query(
            "birth_date",
            cluster["records"][0]["birth_date"].as_str().unwrap_or_default(),
        )
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(
        found[0]["record"]["sns_number"], cluster["records"][0]["sns_number"],
        "{found:?}"
    );

    // FHIR Patient/$match: a searchset Bundle with scores and match grades.
    let parameters = json!({
        "resourceType": "Parameters",
        "parameter": [
            {"name": "resource", "resource": {
                "resourceType": "Patient",
                "name": [{"text": cluster["records"][0]["full_name"]}],
                "birthDate": cluster["records"][0]["birth_date"],
            }},
            {"name": "count", "valueInteger": 3},
        ],
    });
    let response = ureq::post(&format!("{}/fhir/Patient/$match", server.base))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(parameters)
        .unwrap();
    assert_eq!(response.content_type(), "application/fhir+json");
    let bundle: Value = response.into_json().unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    let entries = bundle["entry"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.len() <= 3, "{bundle}");
    assert!(
        entries
            .iter()
            .any(|e| e["resource"]["identifier"][0]["value"] == cluster["records"][0]["sns_number"]),
        "{bundle}"
    );
    let grade = &entries[0]["search"]["extension"][0];
    assert_eq!(grade["url"], "http://hl7.org/fhir/StructureDefinition/match-grade");
    assert!(
        ["certain", "probable"].contains(&grade["valueCode"].as_str().unwrap()),
        "{bundle}"
    );
    assert!(entries[0]["search"]["score"].as_f64().unwrap() > 0.8);
    let anonymous = ureq::post(&format!("{}/fhir/Patient/$match", server.base)).send_json(json!({}));
    assert!(matches!(anonymous, Err(ureq::Error::Status(401, _))));

    // A supervisor reads the audit entries on records of their units (and their own), not the
    // whole country's.
    let mine: Vec<Value> = ureq::get(&api("audit"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    let all = dir.unico_ok(&["audit", "list", "--json"], 0).stdout;
    assert!(
        mine.len() < all.lines().count(),
        "{} of {}",
        mine.len(),
        all.lines().count()
    );
    assert!(
        mine.iter()
            .all(|e| e["actor"] == "sup" || !e["records"].as_array().unwrap().is_empty()),
        "{mine:?}"
    );

    // Five wrong passwords lock the account, even for the right one afterwards.
    for _ in 0..5 {
        let (status, _) = post_json(&api("session"), None, json!({"username": "sup", "password": "errada"}));
        assert_eq!(status, 401);
    }
    let (status, locked) = post_json(
        &api("session"),
        None,
        json!({"username": "sup", "password": "senha-sup-123"}),
    );
    assert_eq!(status, 401);
    assert!(locked["error"].as_str().unwrap().contains("bloqueada"), "{locked}");
}
