//! Running Único as a nightly job: one scan at a time.

use crate::util::Dir;

#[cfg(unix)]
#[test]
fn a_second_scan_is_refused_while_one_runs() {
    use std::os::unix::io::AsRawFd;
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    // Another process holds the scan lock, as a running scan does.
    let lock = std::fs::File::create(dir.data_dir().join("scan.lock")).unwrap();
    // SAFETY: flock on a file this test owns.
    assert_eq!(
        unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
        0
    );
    let refused = dir.unico_ok(&["-q", "scan"], 2);
    assert!(refused.stderr.contains("another scan is running"), "{}", refused.stderr);
    let scans: i64 = dir
        .database()
        .query_row("SELECT COUNT(*) FROM scans", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scans, 0, "the refused scan wrote nothing");
    drop(lock);
    // Exit code 1: done, with new clusters to review.
    dir.unico_ok(&["-q", "scan"], 1);
}

#[test]
fn clusters_keep_their_numbers_across_scans() {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.scan(&["-q", "scan"]);
    let clusters = |dir: &Dir| -> std::collections::BTreeMap<u32, Vec<u32>> {
        let db = dir.database();
        let mut stmt = db
            .prepare("SELECT cluster_id, record_id FROM cluster_members ORDER BY cluster_id, record_id")
            .unwrap();
        let mut map: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
            let (c, r) = row.unwrap();
            map.entry(c).or_default().push(r);
        }
        map
    };
    let before = clusters(&dir);
    // Break one cluster up: reject its pairs. The others must keep their numbers.
    let (&broken, members) = before.iter().find(|(_, m)| m.len() == 2).unwrap();
    let nnu = |id: u32| -> String {
        dir.database()
            .query_row("SELECT sns_number FROM records WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    };
    dir.unico_ok(
        &["users", "add", "desk", "--name", "D", "--profile", "centro_suporte"],
        0,
    );
    let pair = format!("{}:{}", nnu(members[0]), nnu(members[1]));
    dir.unico_ok(
        &[
            "--user", "desk", "review", "reject", &pair, "--reason", "gémeos", "--ticket", "INC1",
        ],
        0,
    );
    dir.scan(&["-q", "scan"]);
    let after = clusters(&dir);
    assert!(
        !after.contains_key(&broken),
        "the broken cluster's number is not reused"
    );
    for (id, members) in &before {
        if *id != broken {
            assert_eq!(after.get(id), Some(members), "cluster {id} was renumbered");
        }
    }
    assert_eq!(after.len(), before.len() - 1);
}

/// The sample registry's header and rows.
fn sample_rows() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv")).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

/// The pairs saved by the latest scan, as (NNU, NNU).
fn saved_pairs(dir: &Dir) -> std::collections::BTreeSet<(String, String)> {
    dir.unico_ok(&["candidates", "--format", "csv", "--min-probability", "0"], 0)
        .stdout
        .lines()
        .skip(1)
        .map(|line| {
            let mut fields = line.split(',');
            (fields.next().unwrap().to_string(), fields.next().unwrap().to_string())
        })
        .collect()
}

fn json_report(run: &crate::util::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn a_chain_of_delta_scans_finds_the_candidates_of_a_full_scan() {
    // Every candidate pair is saved, so that the saved pairs are the candidate set.
    let dir = delta_chain("[scan]\nkeep_min_probability = 1e-300\n");
    // Changed settings make the next scan a full one.
    let other = dir.write(
        "other.toml",
        "[scan]\nkeep_min_probability = 1e-300\n[blocking]\nwindow = 3\n",
    );
    let changed = json_report(&dir.scan(&["--settings", other.to_str().unwrap(), "scan", "--report", "json"]));
    assert_eq!(changed["kind"], "full");
    assert_eq!(
        changed["full_reason"],
        "the settings, the model or the comparisons changed"
    );
}

#[test]
fn delta_scans_follow_windowed_blocks() {
    // Tiny blocks: most are windowed, so a new or changed record changes which of its
    // unchanged neighbours are paired, and a pair of two unchanged records comes or goes.
    let settings = "[scan]\nkeep_min_probability = 1e-300\n[blocking]\nmax_block_size = 3\nwindow = 1\n";
    delta_chain(settings);
    // Six namesakes born the same day, each paired with its neighbour only.
    let dir = Dir::new();
    let settings = dir.write("settings.toml", settings);
    let settings = settings.to_str().unwrap();
    let (header, _) = sample_rows();
    let row = |nnu: u32, name: &str| format!("{nnu},{name},F,1950-01-01,PT,PT,Lisboa,Lisboa,,U1,,atualizado,,");
    let namesakes: Vec<String> = (1..=6).map(|i| row(300_000_000 + i, "Maria Costa Silva")).collect();
    let file = dir.write("namesakes.csv", format!("{header}\n{}\n", namesakes.join("\n")));
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    dir.scan(&["--settings", settings, "-q", "scan"]);
    let pair = ("300000002".to_string(), "300000004".to_string());
    assert!(!saved_pairs(&dir).contains(&pair), "not neighbours yet");
    // The third leaves the block: the second and the fourth, both unchanged, are neighbours now.
    let renamed = dir.write(
        "renamed.csv",
        format!("{header}\n{}\n", row(300_000_003, "Joana Antunes")),
    );
    dir.unico_ok(&["-q", "import", "--update", renamed.to_str().unwrap()], 0);
    let delta = json_report(&dir.scan(&["--settings", settings, "scan", "--report", "json"]));
    assert_eq!(delta["kind"], "delta");
    let after_delta = saved_pairs(&dir);
    assert!(after_delta.contains(&pair), "{after_delta:?}");
    dir.scan(&["--settings", settings, "-q", "scan", "--full"]);
    assert_eq!(after_delta, saved_pairs(&dir));
}

/// Imports the sample in three parts with corrections and a merge between them, scans after
/// each (a full scan, then delta scans), and checks that a full scan finds the same candidates.
fn delta_chain(settings_text: &str) -> Dir {
    let dir = Dir::new();
    let settings = dir.write("settings.toml", settings_text);
    let settings = settings.to_str().unwrap();
    let (header, rows) = sample_rows();
    let file = |name: &str, rows: &[String]| {
        let path = dir.write(name, format!("{header}\n{}\n", rows.join("\n")));
        path.to_str().unwrap().to_string()
    };
    let base = file("base.csv", &rows[..1800]);
    let more = file("more.csv", &rows[1800..1950]);
    let last = file("last.csv", &rows[1950..]);
    // Damage some registered names and birth dates, as a day's corrections would.
    let damaged: Vec<String> = rows[..60]
        .iter()
        .step_by(3)
        .enumerate()
        .map(|(i, row)| {
            let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
            if i % 2 == 0 {
                fields[1] = fields[1].replacen('a', "", 1);
            } else {
                fields[3] = "1950-01-01".into();
            }
            fields.join(",")
        })
        .collect();
    let updates = file("updates.csv", &damaged);

    dir.unico_ok(&["-q", "import", &base], 0);
    let first = json_report(&dir.scan(&["--settings", settings, "scan", "--report", "json"]));
    assert_eq!(first["kind"], "full");
    assert_eq!(first["full_reason"], "first scan");

    dir.unico_ok(&["-q", "import", &more], 0);
    dir.unico_ok(&["-q", "import", "--update", &updates], 0);
    let delta = json_report(&dir.scan(&["--settings", settings, "scan", "--report", "json"]));
    assert_eq!(delta["kind"], "delta", "{delta}");
    let compared = delta["records_compared"].as_u64().unwrap();
    assert!(
        (150..=170).contains(&compared),
        "150 new and up to 20 updated records: {compared}"
    );
    assert!(delta["pairs_scored"].as_u64().unwrap() < first["pairs_scored"].as_u64().unwrap());

    // A merge between scans (the best pair): the duplicate's pairs go.
    let best = dir
        .unico_ok(&["candidates", "--format", "csv"], 0)
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let mut best = best.split(',');
    let (principal, duplicate) = (best.next().unwrap().to_string(), best.next().unwrap().to_string());
    dir.unico_ok(
        &["users", "add", "desk", "--name", "D", "--profile", "centro_suporte"],
        0,
    );
    dir.unico_ok(
        &[
            "--user",
            "desk",
            "-q",
            "merge",
            "--principal",
            &principal,
            "--duplicate",
            &duplicate,
            "--ticket",
            "INC7",
            "--reason",
            "mesma pessoa",
            "--force",
        ],
        0,
    );

    dir.unico_ok(&["-q", "import", &last], 0);
    let second = json_report(&dir.scan(&["--settings", settings, "scan", "--report", "json"]));
    assert_eq!(second["kind"], "delta", "{second}");
    let after_deltas = saved_pairs(&dir);
    assert!(after_deltas.iter().all(|(l, r)| *l != duplicate && *r != duplicate));
    // The clusters a delta scan rewrote in part hold together.
    let db = dir.database();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM pairs p WHERE cluster_id IS NOT NULL AND NOT EXISTS
               (SELECT 1 FROM cluster_members m WHERE m.cluster_id = p.cluster_id AND m.record_id = p.record_id_r)"
        ),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM clusters c WHERE n_records != (SELECT COUNT(*) FROM cluster_members m WHERE m.cluster_id = c.id)"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM clusters"),
        second["clusters"].as_i64().unwrap()
    );

    let full = json_report(&dir.scan(&["--settings", settings, "scan", "--full", "--report", "json"]));
    assert_eq!(full["kind"], "full");
    assert_eq!(full["full_reason"], "--full");
    let after_full = saved_pairs(&dir);
    assert!(after_full.len() > 300, "{}", after_full.len());
    assert_eq!(after_deltas, after_full);
    assert_eq!(second["candidate_pairs"], full["candidate_pairs"]);
    dir
}

#[test]
fn a_killed_scan_leaves_the_results_and_the_next_scan_picks_up() {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.unico_ok(&["-q", "scan"], 1);
    let before = saved_pairs(&dir);
    // Kill scans at several points of their run.
    for delay in [5, 40, 120] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_unico"))
            .args(["-q", "scan", "--full"])
            .env("UNICO_DATA_DIR", dir.data_dir())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(saved_pairs(&dir), before, "killed after {delay} ms");
    }
    // A scan that died while running, and a damaged state file.
    let db = rusqlite::Connection::open(dir.data_dir().join("registry.sqlite")).unwrap();
    db.execute(
        "INSERT INTO scans (started_at, status, threshold_match_probability, model) VALUES ('2026-11-22T02:30:00Z', 'running', 0, '')",
        [],
    )
    .unwrap();
    let state = dir.data_dir().join("scan-state.bin");
    let bytes = std::fs::read(&state).unwrap();
    std::fs::write(&state, &bytes[..bytes.len() / 2]).unwrap();
    let next = json_report(&dir.scan(&["scan", "--report", "json"]));
    assert_eq!(next["kind"], "full");
    assert_eq!(next["full_reason"], "the previous scan left no state");
    assert_eq!(saved_pairs(&dir), before);
    let interrupted: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM scans WHERE status = 'failed' AND error = 'interrupted'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(interrupted >= 1);
    let running: i64 = db
        .query_row("SELECT COUNT(*) FROM scans WHERE status = 'running'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(running, 0);
    // And the one after is a delta again, with nothing new: exit code 0.
    let quiet = dir.unico_ok(&["-q", "scan"], 0);
    assert_eq!(quiet.stdout, "", "a quiet scan with nothing new says nothing");
    // Every run is listed, the killed ones as failed.
    let runs: serde_json::Value =
        serde_json::from_str(&dir.unico_ok(&["scans", "--format", "json"], 0).stdout).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs[0]["kind"], "delta");
    assert_eq!(runs[0]["status"], "done");
    assert_eq!(runs[1]["full_reason"], "the previous scan left no state");
    assert!(runs
        .iter()
        .any(|r| r["status"] == "failed" && r["error"] == "interrupted"));
    let table = dir.unico_ok(&["scans"], 0).stdout;
    assert!(table.contains("interrupted") && table.contains("delta"), "{table}");
    // A model trained by a scan is the next delta's model: no full scan for it.
    dir.unico_ok(&["-q", "train"], 0);
    let after_training = json_report(&dir.scan(&["scan", "--report", "json"]));
    assert_eq!(after_training["kind"], "delta", "{after_training}");
}

#[test]
fn a_rejected_pair_is_raised_again_when_a_compared_field_changes() {
    let dir = Dir::new();
    let (header, rows) = sample_rows();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.unico_ok(&["-q", "scan"], 1);
    dir.unico_ok(
        &["users", "add", "desk", "--name", "D", "--profile", "centro_suporte"],
        0,
    );
    let row_of = |nnu: &str| rows.iter().find(|r| r.starts_with(&format!("{nnu},"))).unwrap().clone();
    let birth_date = |nnu: &str| row_of(nnu).split(',').nth(3).unwrap().to_string();
    // A proposed pair whose birth dates differ.
    let (l, r) = saved_pairs(&dir)
        .into_iter()
        .find(|(l, r)| {
            let (a, b) = (birth_date(l), birth_date(r));
            !a.is_empty() && !b.is_empty() && a != b
        })
        .unwrap();
    let pair = format!("{l}:{r}");
    let reject = || {
        dir.unico_ok(
            &[
                "--user", "desk", "review", "reject", &pair, "--reason", "gémeos", "--ticket", "INC9",
            ],
            0,
        )
    };
    reject();
    dir.scan(&["-q", "scan"]);
    assert!(
        !saved_pairs(&dir).contains(&(l.clone(), r.clone())),
        "a rejected pair is not proposed"
    );
    // The same data again: still not proposed.
    let same = dir.write("same.csv", format!("{header}\n{}\n", row_of(&r)));
    dir.unico_ok(&["-q", "import", "--update", same.to_str().unwrap()], 0);
    dir.scan(&["-q", "scan"]);
    assert!(!saved_pairs(&dir).contains(&(l.clone(), r.clone())));
    // The birth date corrected to the other record's: the question is asked again.
    let mut fields: Vec<String> = row_of(&r).split(',').map(str::to_string).collect();
    fields[3] = birth_date(&l);
    let corrected = dir.write("corrected.csv", format!("{header}\n{}\n", fields.join(",")));
    dir.unico_ok(&["-q", "import", "--update", corrected.to_str().unwrap()], 0);
    let report = json_report(&dir.scan(&["scan", "--report", "json"]));
    assert_eq!(report["kind"], "delta");
    assert_eq!(report["rejected_pairs_raised_again"], 1, "{report}");
    assert!(saved_pairs(&dir).contains(&(l.clone(), r.clone())));
    let cluster: String = dir
        .database()
        .query_row(
            "SELECT p.cluster_id FROM pairs p JOIN records a ON a.id = p.record_id_l JOIN records b ON b.id = p.record_id_r
             WHERE a.sns_number = ?1 AND b.sns_number = ?2",
            [&l, &r],
            |row| row.get::<_, i64>(0),
        )
        .unwrap()
        .to_string();
    let shown = dir.unico_ok(&["--user", "desk", "review", "show", &cluster], 0).stdout;
    assert!(shown.contains("proposto de novo"), "{shown}");
    // Rejected again: out of the queue at once, and not raised by the next scan.
    reject();
    let list = dir.unico_ok(&["--user", "desk", "review", "list"], 0).stdout;
    assert!(
        !list.lines().any(|line| line.contains(&l) && line.contains(&r)),
        "{list}"
    );
    dir.scan(&["-q", "scan"]);
    assert!(!saved_pairs(&dir).contains(&(l, r)));
}

/// A model as an earlier version of unico saved it: the first given names compared on one
/// level fewer.
fn as_an_earlier_version_saved_it(model: &str) -> String {
    let mut model: serde_json::Value = serde_json::from_str(model).unwrap();
    let given_name = model["comparisons"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["name"] == "given_name")
        .unwrap();
    let levels = given_name["levels"].as_array_mut().unwrap();
    levels.retain(|level| level["gamma"] != 1);
    model.to_string()
}

/// The sample imported and scanned, with its first saved pair rejected by a `desk` user.
fn sample_scanned_with_a_rejection() -> (Dir, (String, String)) {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.scan(&["-q", "scan"]);
    dir.unico_ok(
        &["users", "add", "desk", "--name", "D", "--profile", "centro_suporte"],
        0,
    );
    let (l, r) = saved_pairs(&dir).into_iter().next().unwrap();
    let pair = format!("{l}:{r}");
    dir.unico_ok(
        &[
            "--user", "desk", "review", "reject", &pair, "--reason", "gémeos", "--ticket", "INC7",
        ],
        0,
    );
    (dir, (l, r))
}

#[test]
fn after_an_upgrade_that_compares_differently_the_scan_is_full() {
    // A pair rejected before the upgrade.
    let (dir, (l, r)) = sample_scanned_with_a_rejection();
    // The latest scan was saved by an earlier version, with other comparison levels.
    let model: String = dir
        .database()
        .query_row("SELECT model FROM scans ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let writable = rusqlite::Connection::open(dir.data_dir().join("registry.sqlite")).unwrap();
    writable
        .execute(
            "UPDATE scans SET model = ?1 WHERE id = (SELECT MAX(id) FROM scans)",
            [as_an_earlier_version_saved_it(&model)],
        )
        .unwrap();
    drop(writable);
    // Its pairs cannot be shown with this version's comparisons ...
    let stale = dir.unico_ok(&["candidates"], 2);
    assert!(stale.stderr.contains("another version of unico"), "{}", stale.stderr);
    // ... and the next scan compares everything again instead of keeping them.
    let report = json_report(&dir.scan(&["scan", "--report", "json"]));
    assert_eq!(report["kind"], "full");
    assert_eq!(
        report["full_reason"],
        "the previous scan was made by another version of unico"
    );
    // A rejection stands through it: the records did not change, however they are compared.
    assert_eq!(report["rejected_pairs_raised_again"], 0, "{report}");
    assert!(!saved_pairs(&dir).contains(&(l.clone(), r.clone())));
    dir.unico_ok(&["-q", "candidates"], 0);

    // A trained model saved by the earlier version is refused, and training replaces it.
    let saved = dir.write("unico-data/model.json", as_an_earlier_version_saved_it(&model));
    assert_eq!(saved, dir.data_dir().join("model.json"));
    let refused = dir.unico_ok(&["scan"], 2);
    assert!(
        refused.stderr.contains("retrain with `unico train`"),
        "{}",
        refused.stderr
    );
    dir.scan(&["-q", "train"]);
    dir.scan(&["-q", "scan"]);
}

#[test]
fn rejections_saved_before_schema_7_stand_until_a_compared_field_changes() {
    let (header, rows) = sample_rows();
    let (dir, (l, r)) = sample_scanned_with_a_rejection();
    // The database as schema 6 left it: the rejection kept the pair's γ, not the fields.
    let writable = rusqlite::Connection::open(dir.data_dir().join("registry.sqlite")).unwrap();
    writable
        .execute_batch(
            "DROP VIEW compared_fields;
             ALTER TABLE rejected_pairs DROP COLUMN fields;
             UPDATE rejected_pairs SET gamma = '6,-1,7,4,2,1,-1,-1';
             PRAGMA user_version = 6;",
        )
        .unwrap();
    drop(writable);
    // Migrated by the next command: the rejection stands ...
    let report = json_report(&dir.scan(&["scan", "--full", "--report", "json"]));
    assert_eq!(report["rejected_pairs_raised_again"], 0, "{report}");
    assert!(!saved_pairs(&dir).contains(&(l.clone(), r.clone())));
    // ... until a compared field of one of its records changes.
    let row = rows.iter().find(|row| row.starts_with(&format!("{r},"))).unwrap();
    let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
    fields[1] = fields[1].to_uppercase();
    let changed = dir.write("changed.csv", format!("{header}\n{}\n", fields.join(",")));
    dir.unico_ok(&["-q", "import", "--update", changed.to_str().unwrap()], 0);
    let report = json_report(&dir.scan(&["scan", "--report", "json"]));
    assert_eq!(report["rejected_pairs_raised_again"], 1, "{report}");
}
