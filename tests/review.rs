//! Supervisor review and merges through the real binary: users and profiles, refusals, merge
//! and unmerge, the review queue by institution, rescans after decisions, the audit log.

use std::collections::BTreeMap;

use unico::record::Nif;

use crate::util::Dir;

const HEADER: &str = "sns_number,full_name,sex,birth_date,nationality,birth_country,birth_district,\
                      birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date";

fn nif(base: u32) -> String {
    Nif::from_base(base).to_string()
}

/// A small registry: a foreign citizen registered twice (em curso and complete), a dead and an
/// alive namesake, two records with different NIFs, and a plain duplicate pair.
fn small_registry(dir: &Dir) {
    let rows = [
        format!(
            "100000001,Maria da Conceição Silva,F,1950-03-02,PT,PT,Lisboa,Loures,Camarate,U1,{},atualizado,",
            nif(12345670)
        ),
        "100000002,MARIA CONCEICAO SILVA,F,1950-03-02,PT,PT,,,,U1,,em_curso,".to_string(),
        "200000001,Oksana Kovalenko,F,,,,,,,U1,,em_curso,".to_string(),
        format!(
            "200000002,Oksana Kovalenko,F,1990-04-02,UA,UA,,,,U2,{},atualizado,",
            nif(23456780)
        ),
        format!(
            "300000001,José Manuel Pereira,M,1944-01-10,PT,PT,Porto,Porto,Bonfim,U1,{},historico,1999-01-01",
            nif(13579240)
        ),
        "300000002,José Manuel Pereira,M,1944-01-10,PT,PT,Porto,Porto,Bonfim,U1,,atualizado,".to_string(),
        format!(
            "400000001,António Ferreira Lopes,M,1980-05-05,PT,PT,Braga,Braga,Sé,U1,{},atualizado,",
            nif(24681350)
        ),
        format!(
            "400000002,António Ferreira Lopes,M,1980-05-05,PT,PT,Braga,Braga,Sé,U1,{},atualizado,",
            nif(11223340)
        ),
    ];
    let file = dir.write("registry.csv", format!("{HEADER}\n{}\n", rows.join("\n")));
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    for (user, profile, institutions) in [
        ("ana", "Supervisor", "U1"),
        ("rui", "Manutenção Utente / Resolução de Duplicados", "U1,U2"),
        ("eva", "Administrativo", "U1,U2"),
    ] {
        dir.unico_ok(
            &[
                "users",
                "add",
                user,
                "--name",
                "Pessoa Teste",
                "--profile",
                profile,
                "--institution",
                institutions,
            ],
            0,
        );
    }
    dir.unico_ok(
        &[
            "users",
            "add",
            "desk",
            "--name",
            "Suporte",
            "--profile",
            "centro_suporte",
        ],
        0,
    );
}

/// Every record's stored columns but the bookkeeping ones (change_seq, updated_at), by NNU.
fn snapshot(dir: &Dir) -> BTreeMap<String, Vec<Option<String>>> {
    let db = dir.database();
    let mut stmt = db
        .prepare(
            "SELECT sns_number, full_name, sex, birth_date, nationality, birth_country, birth_district,
                    birth_municipality, birth_parish, registration_unit, nif, registration_type, death_date,
                    invalid_fields, status, CAST(merged_into AS TEXT)
             FROM records",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |row| {
            let values: Vec<Option<String>> = (0..16).map(|i| row.get(i)).collect::<Result<_, _>>()?;
            Ok((values[0].clone().unwrap(), values))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn field(dir: &Dir, nnu: &str, column: &str) -> Option<String> {
    dir.database()
        .query_row(
            &format!("SELECT {column} FROM records WHERE sns_number = ?1"),
            [nnu],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn users_are_added_with_profiles_and_checked() {
    let dir = Dir::new();
    small_registry(&dir);
    let list = dir.unico_ok(&["users", "list"], 0).stdout;
    assert!(
        list.contains("Manutenção Utente / Resolução de Duplicados") && list.contains("U1,U2"),
        "{list}"
    );
    let bad = dir.unico_ok(
        &[
            "users",
            "add",
            "x",
            "--name",
            "X",
            "--profile",
            "chefe",
            "--institution",
            "U1",
        ],
        2,
    );
    assert!(bad.stderr.contains("unknown profile"), "{}", bad.stderr);
    let no_unit = dir.unico_ok(&["users", "add", "x", "--name", "X", "--profile", "supervisor"], 2);
    assert!(no_unit.stderr.contains("--institution"), "{}", no_unit.stderr);
    let again = dir.unico_ok(
        &[
            "users",
            "add",
            "ana",
            "--name",
            "X",
            "--profile",
            "supervisor",
            "--institution",
            "U1",
        ],
        2,
    );
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let nobody = dir.unico_ok(&["show", "100000001"], 2);
    assert!(nobody.stderr.contains("--user"), "{}", nobody.stderr);
    let unknown = dir.unico_ok(&["--user", "zé", "show", "100000001"], 2);
    assert!(unknown.stderr.contains("no user zé"), "{}", unknown.stderr);
    dir.unico_ok(&["--user", "eva", "show", "100000001"], 0);
    dir.unico_ok(&["users", "disable", "eva"], 0);
    let disabled = dir.unico_ok(&["--user", "eva", "show", "100000001"], 2);
    assert!(disabled.stderr.contains("desativado"), "{}", disabled.stderr);

    // A password is stored as an Argon2id hash, never as typed.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unico"))
        .args(["users", "passwd", "ana"])
        .env("UNICO_DATA_DIR", dir.data_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"uma-senha-longa\n").unwrap();
    assert!(child.wait().unwrap().success());
    let hash: String = dir
        .database()
        .query_row("SELECT password_hash FROM users WHERE username = 'ana'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("uma-senha-longa"));
}

#[test]
fn a_merge_fills_the_principal_and_unmerge_restores_both_records() {
    let dir = Dir::new();
    small_registry(&dir);
    let before = snapshot(&dir);

    // Dry run: the resulting principal is shown, nothing is written.
    let dry = dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "200000001",
            "--duplicate",
            "200000002",
            "--dry-run",
        ],
        0,
    );
    assert!(
        dry.stdout.contains("Simulação") && dry.stdout.contains("atualizado"),
        "{}",
        dry.stdout
    );
    assert_eq!(snapshot(&dir), before);

    let merged = dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "200000001",
            "--duplicate",
            "200000002",
            "--reason",
            "mesma pessoa",
        ],
        0,
    );
    assert!(merged.stdout.contains("Fusão n.º 1"), "{}", merged.stdout);
    // The em curso principal got the missing data and is now atualizado (seeds/004).
    assert_eq!(field(&dir, "200000001", "birth_date").as_deref(), Some("1990-04-02"));
    assert_eq!(field(&dir, "200000001", "nationality").as_deref(), Some("UA"));
    assert_eq!(
        field(&dir, "200000001", "registration_type").as_deref(),
        Some("atualizado")
    );
    assert_eq!(
        field(&dir, "200000001", "registration_unit").as_deref(),
        Some("U1"),
        "kept"
    );
    assert_eq!(field(&dir, "200000002", "status").as_deref(), Some("merged"));
    let fills: i64 = dir
        .database()
        .query_row("SELECT COUNT(*) FROM merge_fills WHERE merge_id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        fills, 5,
        "birth date, nationality, birth country, NIF, registration type"
    );

    // Looking up the duplicate leads to the principal.
    let show = dir.unico_ok(&["--user", "rui", "show", "200000002"], 0).stdout;
    assert!(show.contains("foi fundido no utente 200000001"), "{show}");
    let history = dir.unico_ok(&["--user", "rui", "history", "200000002"], 0).stdout;
    assert!(
        history.contains("fusão") && history.contains("mesma pessoa"),
        "{history}"
    );

    // Merged records cannot take part in another merge.
    let again = dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "200000002",
            "--duplicate",
            "100000001",
        ],
        2,
    );
    assert!(
        again.stderr.contains("200000002") && again.stderr.contains("já foi fundido"),
        "{}",
        again.stderr
    );

    let undo = dir.unico_ok(&["--user", "rui", "unmerge", "1", "--reason", "afinal são irmãs"], 0);
    assert!(undo.stdout.contains("desfeita"), "{}", undo.stdout);
    assert_eq!(
        snapshot(&dir),
        before,
        "merge + unmerge is the identity, field by field"
    );
    let twice = dir.unico_ok(&["--user", "rui", "unmerge", "1", "--reason", "de novo"], 2);
    assert!(twice.stderr.contains("já foi desfeita"), "{}", twice.stderr);
    let history = dir.unico_ok(&["--user", "rui", "history", "200000001"], 0).stdout;
    assert!(
        history.contains("fusão desfeita") && history.contains("afinal são irmãs"),
        "{history}"
    );
}

#[test]
fn unmerge_keeps_what_changed_after_the_merge() {
    let dir = Dir::new();
    small_registry(&dir);
    dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "200000001",
            "--duplicate",
            "200000002",
        ],
        0,
    );
    // The registry corrects the principal's birth date after the merge.
    let update = dir.write(
        "update.csv",
        format!(
            "{HEADER}\n200000001,Oksana Kovalenko,F,1990-04-20,UA,UA,,,,U1,{},atualizado,\n",
            nif(23456780)
        ),
    );
    dir.unico_ok(&["-q", "import", "--update", update.to_str().unwrap()], 0);
    let undo = dir.unico_ok(&["--user", "rui", "unmerge", "1", "--reason", "engano"], 0);
    assert!(undo.stdout.contains("Data de nascimento"), "{}", undo.stdout);
    assert_eq!(
        field(&dir, "200000001", "birth_date").as_deref(),
        Some("1990-04-20"),
        "later edit kept"
    );
    assert_eq!(
        field(&dir, "200000001", "nationality"),
        None,
        "filled by the merge: restored"
    );
    assert_eq!(
        field(&dir, "200000001", "registration_type").as_deref(),
        Some("em_curso")
    );
    assert_eq!(field(&dir, "200000002", "status").as_deref(), Some("active"));
}

#[test]
fn merges_against_the_rules_are_refused_and_write_nothing() {
    let dir = Dir::new();
    small_registry(&dir);
    let before = snapshot(&dir);
    let refused = |args: &[&str], expected: &[&str]| {
        let run = dir.unico_ok(args, 2);
        for text in expected {
            assert!(run.stderr.contains(text), "{args:?}: {text:?} not in {}", run.stderr);
        }
    };
    let merge = ["--user", "ana", "merge", "--principal"];
    refused(
        &[&merge[..], &["100000001", "--duplicate", "100000001"]].concat(),
        &["consigo próprio"],
    );
    refused(
        &[&merge[..], &["300000001", "--duplicate", "300000002"]].concat(),
        &["300000001", "óbito"],
    );
    refused(
        &[&merge[..], &["400000001", "--duplicate", "400000002"]].concat(),
        &["NIF", "força a fusão"],
    );
    refused(
        &[&merge[..], &["400000001", "--duplicate", "400000002", "--force"]].concat(),
        &["exige um motivo"],
    );
    refused(
        &[&merge[..], &["100000001", "--duplicate", "999999999"]].concat(),
        &["999999999"],
    );
    // Outside the user's institutions: the refusal names the record and its unit.
    refused(
        &[&merge[..], &["200000001", "--duplicate", "200000002"]].concat(),
        &["200000002", "U2"],
    );
    // A profile that does not decide.
    refused(
        &[
            "--user",
            "eva",
            "merge",
            "--principal",
            "100000001",
            "--duplicate",
            "100000002",
        ],
        &["Administrativo"],
    );
    // The service desk decides only against a ticket.
    refused(
        &[
            "--user",
            "desk",
            "merge",
            "--principal",
            "100000001",
            "--duplicate",
            "100000002",
        ],
        &["número do pedido"],
    );
    assert_eq!(snapshot(&dir), before);
    let merges: i64 = dir
        .database()
        .query_row("SELECT COUNT(*) FROM merges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(merges, 0);

    // Forced by a supervisor with a reason: allowed, the principal keeps its NIF, and it is recorded.
    dir.unico_ok(
        &[
            &merge[..],
            &[
                "400000001",
                "--duplicate",
                "400000002",
                "--force",
                "--reason",
                "NIF trocado",
            ],
        ]
        .concat(),
        0,
    );
    assert_eq!(field(&dir, "400000001", "nif"), Some(nif(24681350)));
    let forced: i64 = dir
        .database()
        .query_row("SELECT forced FROM merges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(forced, 1);
    dir.unico_ok(
        &[
            "--user",
            "desk",
            "merge",
            "--principal",
            "100000001",
            "--duplicate",
            "100000002",
            "--ticket",
            "INC-7",
        ],
        0,
    );
    let audit = dir.unico_ok(&["audit", "list", "--record", "100000002"], 0).stdout;
    assert!(audit.contains("desk") && audit.contains("INC-7"), "{audit}");
}

#[test]
fn the_audit_log_is_chained_and_refuses_changes() {
    let dir = Dir::new();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_unico"))
        .args([
            "-q",
            "users",
            "add",
            "ana",
            "--name",
            "A",
            "--profile",
            "supervisor",
            "--institution",
            "U1",
        ])
        .env("UNICO_DATA_DIR", dir.data_dir())
        .env("USER", "operador-noturno")
        .status()
        .unwrap();
    assert!(run.success());
    small_registry_rows_only(&dir);
    dir.unico_ok(
        &[
            "--user",
            "ana",
            "merge",
            "--principal",
            "100000001",
            "--duplicate",
            "100000002",
        ],
        0,
    );
    dir.unico_ok(&["--user", "ana", "history", "100000001"], 0);
    let list = dir.unico_ok(&["audit", "list", "--json"], 0).stdout;
    let entries: Vec<serde_json::Value> = list.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["user_add", "import", "merge", "view"]);
    assert_eq!(entries[0]["actor"], "operador-noturno");
    assert_eq!(entries[0]["actor_kind"], "system");
    assert_eq!(entries[2]["actor"], "ana");
    assert!(!list.contains("Maria"), "the audit log names records by NNU only");
    let verify = dir.unico_ok(&["audit", "verify"], 0);
    assert!(verify.stdout.contains("intact: 4 entries"), "{}", verify.stdout);

    let db = rusqlite::Connection::open(dir.data_dir().join("registry.sqlite")).unwrap();
    let update = db.execute("UPDATE audit_log SET actor = 'outro' WHERE id = 3", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(db.execute("DELETE FROM audit_log WHERE id = 4", []).is_err());
    // Someone with the database file in hand removes the trigger and edits an entry.
    db.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'outro' WHERE id = 3")
        .unwrap();
    let broken = dir.unico_ok(&["audit", "verify"], 1);
    assert!(broken.stdout.contains("BROKEN at entry 3"), "{}", broken.stdout);
}

fn small_registry_rows_only(dir: &Dir) {
    let file = dir.write(
        "two.csv",
        format!(
            "{HEADER}\n100000001,Maria Silva,F,1950-03-02,PT,PT,,,,U1,,atualizado,\n\
             100000002,Maria Silva,F,1950-03-02,PT,PT,,,,U1,,em_curso,\n"
        ),
    );
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
}

/// The sample registry, scanned, with a supervisor of the units of one cluster.
pub struct Sample {
    pub dir: Dir,
}

impl Sample {
    pub fn new() -> Sample {
        let dir = Dir::new();
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
        dir.unico_ok(&["-q", "import", sample], 0);
        dir.scan(&["-q", "scan"]);
        Sample { dir }
    }

    /// Clusters of the latest scan (only those whose records may be merged: all alive, no two
    /// NIFs): id → (NNU, unit) of each member.
    pub fn clusters(&self, mergeable_only: bool) -> BTreeMap<u32, Vec<(String, Option<String>)>> {
        let db = self.dir.database();
        let mut stmt = db
            .prepare(
                "SELECT m.cluster_id, r.sns_number, r.registration_unit FROM cluster_members m
                 JOIN records r ON r.id = m.record_id
                 WHERE NOT ?1 OR m.cluster_id NOT IN (
                     SELECT m2.cluster_id FROM cluster_members m2 JOIN records r2 ON r2.id = m2.record_id
                     GROUP BY m2.cluster_id
                     HAVING COUNT(r2.death_date) > 0 OR COUNT(DISTINCT r2.nif) > 1)
                 ORDER BY m.cluster_id, r.sns_number",
            )
            .unwrap();
        let mut clusters: BTreeMap<u32, Vec<(String, Option<String>)>> = BTreeMap::new();
        for row in stmt
            .query_map([mergeable_only], |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
        {
            let (id, nnu, unit) = row.unwrap();
            clusters.entry(id).or_default().push((nnu, unit));
        }
        clusters
    }

    /// Pairs of the latest scan's candidates CSV at probability ≥ 0.
    pub fn candidate_pairs(&self) -> Vec<(String, String)> {
        let csv = self
            .dir
            .unico_ok(&["candidates", "--format", "csv", "--min-probability", "0"], 0)
            .stdout;
        csv.lines()
            .skip(1)
            .map(|line| {
                let mut cells = line.split(',');
                (cells.next().unwrap().to_string(), cells.next().unwrap().to_string())
            })
            .collect()
    }
}

#[test]
fn supervisors_review_their_institutions_and_rescans_respect_decisions() {
    let sample = Sample::new();
    let dir = &sample.dir;
    let clusters = sample.clusters(true);
    let all_clusters = sample.clusters(false);
    // Two two-record clusters whose records are all registered somewhere.
    let mut pairs = clusters
        .iter()
        .filter(|(_, members)| members.len() == 2 && members.iter().all(|(_, unit)| unit.is_some()));
    let (&approve_id, approve) = pairs.next().expect("a cluster to approve");
    let (&reject_id, reject) = pairs
        .find(|(_, m)| m.iter().all(|(n, _)| approve.iter().all(|(a, _)| a != n)))
        .expect("a cluster to reject");
    let unit = |members: &Vec<(String, Option<String>)>, i: usize| members[i].1.clone().unwrap();
    let units = [unit(approve, 0), unit(approve, 1), unit(reject, 0), unit(reject, 1)].join(",");
    dir.unico_ok(
        &[
            "users",
            "add",
            "sup",
            "--name",
            "S",
            "--profile",
            "supervisor",
            "--institution",
            &units,
        ],
        0,
    );
    // Another supervisor sees only their own unit's clusters.
    dir.unico_ok(
        &[
            "users",
            "add",
            "other",
            "--name",
            "O",
            "--profile",
            "supervisor",
            "--institution",
            &unit(approve, 0),
        ],
        0,
    );

    let list = dir
        .unico_ok(&["--user", "sup", "review", "list", "--limit", "1000"], 0)
        .stdout;
    assert!(list.contains(&format!("\n{approve_id:>7} ")), "{list}");
    let narrow = dir
        .unico_ok(&["--user", "other", "review", "list", "--limit", "1000"], 0)
        .stdout;
    let visible: Vec<u32> = narrow
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    for id in &visible {
        assert!(
            all_clusters[id]
                .iter()
                .any(|(_, u)| u.as_deref() == Some(unit(approve, 0).as_str())),
            "cluster {id} has no record in the user's unit"
        );
    }
    assert!(visible.len() < all_clusters.len());

    let show = dir
        .unico_ok(&["--user", "sup", "review", "show", &approve_id.to_string()], 0)
        .stdout;
    assert!(
        show.contains("Principal sugerido") && show.contains(&approve[0].0),
        "{show}"
    );
    if approve[1].1 != approve[0].1 {
        // The narrow supervisor may see the cluster but not merge the record of the other unit.
        let refused = dir.unico_ok(
            &[
                "--user",
                "other",
                "review",
                "approve",
                &approve_id.to_string(),
                "--principal",
                &approve[0].0,
            ],
            2,
        );
        assert!(refused.stderr.contains(&approve[1].0), "{}", refused.stderr);
    }
    // A decision on a cluster that no longer holds the records the supervisor saw is refused.
    let stale = dir.unico_ok(
        &[
            "--user",
            "sup",
            "review",
            "approve",
            &approve_id.to_string(),
            "--records",
            &approve[0].0,
            "--principal",
            &approve[0].0,
        ],
        2,
    );
    assert!(stale.stderr.contains("mudou"), "{}", stale.stderr);
    let both = format!("{},{}", approve[0].0, approve[1].0);
    dir.unico_ok(
        &[
            "--user",
            "sup",
            "review",
            "approve",
            &approve_id.to_string(),
            "--records",
            &both,
            "--principal",
            &approve[0].0,
        ],
        0,
    );
    dir.unico_ok(&["--user", "sup", "unmerge", "1", "--reason", "para testar de novo"], 0);
    dir.unico_ok(
        &[
            "--user",
            "sup",
            "review",
            "approve",
            &approve_id.to_string(),
            "--principal",
            &approve[0].0,
        ],
        0,
    );
    dir.unico_ok(
        &[
            "--user",
            "sup",
            "review",
            "reject",
            &reject_id.to_string(),
            "--reason",
            "gémeos",
        ],
        0,
    );
    let after = dir
        .unico_ok(&["--user", "sup", "review", "list", "--limit", "1000"], 0)
        .stdout;
    assert!(!after.contains(&format!("\n{approve_id:>7} ")) && !after.contains(&format!("\n{reject_id:>7} ")));

    // Deferring a cluster takes it out of the list and into the deferred one.
    let defer_id = after
        .lines()
        .skip(2)
        .find_map(|l| l.split_whitespace().next()?.parse::<u32>().ok())
        .expect("another cluster in the queue");
    let row = format!("\n{defer_id:>7} ");
    dir.unico_ok(
        &[
            "--user",
            "sup",
            "review",
            "defer",
            &defer_id.to_string(),
            "--until",
            "2099-01-01",
        ],
        0,
    );
    let list = dir
        .unico_ok(&["--user", "sup", "review", "list", "--limit", "1000"], 0)
        .stdout;
    let deferred = dir
        .unico_ok(&["--user", "sup", "review", "list", "--deferred", "--limit", "1000"], 0)
        .stdout;
    assert!(!list.contains(&row) && deferred.contains(&row), "{list}\n{deferred}");

    // A rescan proposes neither the merged record nor the rejected pair, and still finds the rest.
    let n_before = sample.candidate_pairs().len();
    dir.scan(&["-q", "scan"]);
    let rescanned = sample.candidate_pairs();
    let merged = &approve[1].0;
    assert!(
        rescanned.iter().all(|(l, r)| l != merged && r != merged),
        "merged record proposed again"
    );
    let (a, b) = (&reject[0].0, &reject[1].0);
    assert!(
        rescanned
            .iter()
            .all(|(l, r)| !((l == a && r == b) || (l == b && r == a))),
        "rejected pair proposed again"
    );
    assert!(
        rescanned.len() + 10 > n_before && rescanned.len() > 100,
        "{n_before} → {}",
        rescanned.len()
    );
    let scan_entries = dir.unico_ok(&["audit", "list"], 0).stdout;
    assert!(
        scan_entries.contains(" scan ") && scan_entries.contains(" export "),
        "{scan_entries}"
    );
}

#[test]
fn rejections_stand_through_merges_and_decisions_need_the_records_seen() {
    let dir = Dir::new();
    small_registry(&dir);
    let rui = ["--user", "rui"];
    let run = |args: &[&str], code: i32| dir.unico_ok(&[&rui[..], args].concat(), code);
    // 100000001 and 100000002 are rejected as different people: merging them is refused …
    run(
        &["review", "reject", "100000001:100000002", "--reason", "pai e filha"],
        0,
    );
    let refused = run(&["merge", "--principal", "100000001", "--duplicate", "100000002"], 2);
    assert!(refused.stderr.contains("rejeitados antes"), "{}", refused.stderr);
    // … and so is merging 100000001 with a record that 100000002 was merged into.
    run(
        &[
            "merge",
            "--principal",
            "200000001",
            "--duplicate",
            "100000002",
            "--force",
            "--reason",
            "teste",
        ],
        0,
    );
    let through = run(&["merge", "--principal", "200000001", "--duplicate", "100000001"], 2);
    assert!(through.stderr.contains("rejeitados antes"), "{}", through.stderr);
    // Forced with a reason, it goes through.
    run(
        &[
            "merge",
            "--principal",
            "200000001",
            "--duplicate",
            "100000001",
            "--force",
            "--reason",
            "confirmado no balcão",
        ],
        0,
    );
}

#[test]
fn a_principal_without_nif_cannot_take_one_of_two() {
    let dir = Dir::new();
    let file = dir.write(
        "nifs.csv",
        format!(
            "{HEADER}\n500000001,Rita Sousa,F,1970-01-01,PT,PT,,,,U1,,atualizado,\n\
             500000002,Rita Sousa,F,1970-01-01,PT,PT,,,,U1,{},atualizado,\n\
             500000003,Rita Sousa,F,1970-01-01,PT,PT,,,,U1,{},atualizado,\n",
            nif(12345670),
            nif(23456780)
        ),
    );
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    dir.unico_ok(
        &[
            "users",
            "add",
            "ana",
            "--name",
            "A",
            "--profile",
            "supervisor",
            "--institution",
            "U1",
        ],
        0,
    );
    let refused = dir.unico_ok(
        &[
            "--user",
            "ana",
            "merge",
            "--principal",
            "500000001",
            "--duplicate",
            "500000002,500000003",
        ],
        2,
    );
    assert!(
        refused.stderr.contains("500000002") && refused.stderr.contains("500000003") && refused.stderr.contains("NIF"),
        "{}",
        refused.stderr
    );
    dir.unico_ok(
        &[
            "--user",
            "ana",
            "merge",
            "--principal",
            "500000001",
            "--duplicate",
            "500000002,500000003",
            "--force",
            "--reason",
            "NIF trocado num dos registos",
        ],
        0,
    );
    let forced: i64 = dir
        .database()
        .query_row("SELECT forced FROM merges", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        forced, 1,
        "a merge forced over the duplicates' NIFs is recorded as forced"
    );
}

#[test]
fn unmerge_keeps_what_changed_in_a_duplicate_while_merged() {
    let dir = Dir::new();
    small_registry(&dir);
    dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "100000001",
            "--duplicate",
            "100000002",
        ],
        0,
    );
    // The registry records a death date on the merged duplicate.
    let update = dir.write(
        "update.csv",
        format!("{HEADER}\n100000002,MARIA CONCEICAO SILVA,F,1950-03-02,PT,PT,,,,U1,,em_curso,2026-01-10\n"),
    );
    dir.unico_ok(&["-q", "import", "--update", update.to_str().unwrap()], 0);
    let undo = dir.unico_ok(&["--user", "rui", "unmerge", "1", "--reason", "engano"], 0);
    assert!(undo.stdout.contains("Data de óbito"), "{}", undo.stdout);
    assert_eq!(field(&dir, "100000002", "death_date").as_deref(), Some("2026-01-10"));
    assert_eq!(field(&dir, "100000002", "status").as_deref(), Some("active"));
}

#[test]
fn a_merged_record_does_not_show_a_principal_outside_the_users_units() {
    let dir = Dir::new();
    small_registry(&dir);
    // 200000001 (U1) merged into 200000002 (U2) by rui, who has both units.
    dir.unico_ok(
        &[
            "--user",
            "rui",
            "merge",
            "--principal",
            "200000002",
            "--duplicate",
            "200000001",
        ],
        0,
    );
    let shown = dir.unico_ok(&["--user", "ana", "show", "200000001"], 0).stdout;
    assert!(shown.contains("fora das suas instituições"), "{shown}");
    assert!(!shown.contains("U2"), "the principal's data leaked: {shown}");
    // Reading a record of another institution is refused without saying where it is registered.
    let elsewhere = dir.unico_ok(&["--user", "ana", "show", "200000002"], 2);
    assert!(
        elsewhere.stderr.contains("200000002") && !elsewhere.stderr.contains("U2"),
        "{}",
        elsewhere.stderr
    );
    let audit = dir.unico_ok(&["audit", "list", "--by", "ana"], 0).stdout;
    assert!(
        audit.contains("show: refused") && audit.contains("200000002"),
        "{audit}"
    );
    let full = dir.unico_ok(&["--user", "rui", "show", "200000001"], 0).stdout;
    assert!(full.contains("U2"), "{full}");
}
