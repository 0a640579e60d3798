//! Decisions under stress: concurrent conflicting merges, a merge killed with SIGKILL, and
//! merge + unmerge on every cluster of the sample registry.

use std::process::{Command, Stdio};
use std::time::Duration;

use unico::access::Actor;
use unico::record::PatientRecord;
use unico::store::merges::{MergeRequest, RecordImage};
use unico::store::Store;

use crate::util::Dir;

const HEADER: &str = "sns_number,full_name,sex,birth_date,nationality,birth_country,birth_district,\
                      birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date";

fn registry(dir: &Dir, rows: impl Iterator<Item = String>) {
    let mut text = format!("{HEADER}\n");
    for row in rows {
        text.push_str(&row);
        text.push('\n');
    }
    let file = dir.write("registry.csv", text);
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    dir.unico_ok(
        &[
            "users",
            "add",
            "rui",
            "--name",
            "Rui",
            "--profile",
            "resolucao_duplicados",
            "--institution",
            "U1",
        ],
        0,
    );
}

fn row(nnu: u32, name: &str) -> String {
    format!("{nnu},{name},F,1970-01-0{},PT,PT,,,,U1,,em_curso,", 1 + nnu % 9)
}

fn merge_command(dir: &Dir, principal: &str, duplicates: &[String]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_unico"));
    command
        .args(["--user", "rui", "-q", "merge", "--principal", principal])
        .env("UNICO_DATA_DIR", dir.data_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for chunk in duplicates.chunks(1000) {
        command.args(["--duplicate", &chunk.join(",")]);
    }
    command
}

fn status_of(dir: &Dir, nnu: &str) -> (String, Option<String>) {
    dir.database()
        .query_row(
            "SELECT r.status, p.sns_number FROM records r LEFT JOIN records p ON p.id = r.merged_into
             WHERE r.sns_number = ?1",
            [nnu],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// Starts both merges, then waits for both: returns the exit codes and the error texts.
fn race(mut a: Command, mut b: Command) -> [(i32, String); 2] {
    let (child_a, child_b) = (a.spawn().unwrap(), b.spawn().unwrap());
    [child_a, child_b].map(|child| {
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    })
}

#[test]
fn of_two_conflicting_merges_at_the_same_moment_exactly_one_succeeds() {
    let dir = Dir::new();
    let rounds = 4u32;
    registry(
        &dir,
        (0..rounds).flat_map(|i| (0..3).map(move |j| row(100_000_000 + i * 10 + j, &format!("Ana Teste {i}")))),
    );
    for i in 0..rounds {
        let [a, b, c] = [0, 1, 2].map(|j| (100_000_000 + i * 10 + j).to_string());
        // A ← B and B ← A.
        let results = race(
            merge_command(&dir, &a, std::slice::from_ref(&b)),
            merge_command(&dir, &b, std::slice::from_ref(&a)),
        );
        let winners: Vec<usize> = (0..2).filter(|&k| results[k].0 == 0).collect();
        assert_eq!(winners.len(), 1, "round {i}: {results:?}");
        let loser = &results[1 - winners[0]];
        assert_eq!(loser.0, 2);
        assert!(loser.1.contains("já foi fundido"), "a clear refusal: {}", loser.1);
        let (principal, duplicate) = if winners[0] == 0 { (&a, &b) } else { (&b, &a) };
        assert_eq!(status_of(&dir, duplicate), ("merged".into(), Some(principal.clone())));
        assert_eq!(status_of(&dir, principal), ("active".into(), None));

        // Then C ← principal and principal ← C.
        let results = race(
            merge_command(&dir, principal, std::slice::from_ref(&c)),
            merge_command(&dir, &c, std::slice::from_ref(principal)),
        );
        assert_eq!(results.iter().filter(|r| r.0 == 0).count(), 1, "round {i}: {results:?}");
        let merges: i64 = dir
            .database()
            .query_row("SELECT COUNT(*) FROM merges", [], |r| r.get(0))
            .unwrap();
        assert_eq!(merges, i64::from(2 * (i + 1)));
    }
    let merged: i64 = dir
        .database()
        .query_row("SELECT COUNT(*) FROM records WHERE status = 'merged'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(merged, i64::from(2 * rounds));
    dir.unico_ok(&["audit", "verify"], 0);
}

#[test]
fn one_record_into_two_principals_at_once_goes_into_one() {
    let dir = Dir::new();
    registry(&dir, (0..3).map(|j| row(200_000_000 + j, "Rita Teste")));
    let (a, b, c) = (
        "200000000".to_string(),
        "200000001".to_string(),
        "200000002".to_string(),
    );
    let results = race(
        merge_command(&dir, &a, std::slice::from_ref(&b)),
        merge_command(&dir, &c, std::slice::from_ref(&b)),
    );
    assert_eq!(results.iter().filter(|r| r.0 == 0).count(), 1, "{results:?}");
    let (status, into) = status_of(&dir, &b);
    assert_eq!(status, "merged");
    assert!(into == Some(a) || into == Some(c));
}

#[test]
fn a_merge_killed_midway_leaves_the_registry_before_or_after() {
    let dir = Dir::new();
    let n = 20_000u32;
    registry(&dir, (0..=n).map(|j| row(300_000_000 + j, "Carla Teste")));
    let principal = "300000000".to_string();
    let duplicates: Vec<String> = (1..=n).map(|j| (300_000_000 + j).to_string()).collect();
    let count = |sql: &str| -> i64 { dir.database().query_row(sql, [], |r| r.get(0)).unwrap() };
    let mut interrupted = 0;
    for delay_ms in [40u64, 120, 250, 400, 700, 1000, 1500, 2500] {
        let mut child = merge_command(&dir, &principal, &duplicates).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let merged = count("SELECT COUNT(*) FROM records WHERE status = 'merged'");
        let open_merges = count("SELECT COUNT(*) FROM merges WHERE unmerged_at IS NULL");
        let merge_entries = count("SELECT COUNT(*) FROM audit_log WHERE action = 'merge'");
        let unmerge_entries = count("SELECT COUNT(*) FROM audit_log WHERE action = 'unmerge'");
        assert!(
            (merged == 0 && open_merges == 0) || (merged == i64::from(n) && open_merges == 1),
            "after a kill at {delay_ms} ms: {merged} merged records, {open_merges} open merges"
        );
        assert_eq!(
            merge_entries - unmerge_entries,
            open_merges,
            "the audit log matches the data"
        );
        dir.unico_ok(&["audit", "verify"], 0);
        if open_merges == 1 {
            let id = count("SELECT id FROM merges WHERE unmerged_at IS NULL");
            dir.unico_ok(
                &["--user", "rui", "-q", "unmerge", &id.to_string(), "--reason", "reset"],
                0,
            );
        }
    }
    assert!(interrupted > 0, "no kill landed while the merge was running");
}

/// A merge and its unmerge leave every record as it was, on every cluster of the sample.
#[test]
fn merge_then_unmerge_is_the_identity_on_every_sample_cluster() {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.scan(&["-q", "scan"]);
    let mut store = Store::open(&dir.data_dir().join("registry.sqlite")).unwrap();
    let all_ids: Vec<_> = {
        let members = store.cluster_members().unwrap();
        let mut ids: Vec<_> = members.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let images = |store: &Store| -> Vec<RecordImage> {
        store
            .stored_records_by_id(&all_ids)
            .unwrap()
            .iter()
            .map(RecordImage::of)
            .collect()
    };
    let before = images(&store);
    let mut by_cluster: std::collections::BTreeMap<u32, Vec<_>> = Default::default();
    for (cluster, id) in store.cluster_members().unwrap() {
        by_cluster.entry(cluster).or_default().push(id);
    }
    let actor = Actor::System("test".into());
    let allow = |_: &[&PatientRecord]| Ok(());
    let (mut merged, mut refused) = (0, 0);
    for ids in by_cluster.values() {
        let records = store.records_by_id(ids).unwrap();
        let refs: Vec<&PatientRecord> = records.iter().collect();
        let (principal, _) = unico::merge::suggested_principal(&refs).unwrap();
        let duplicates: Vec<_> = records
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != principal)
            .map(|(_, r)| r.sns_number)
            .collect();
        let request = MergeRequest {
            principal: records[principal].sns_number,
            duplicates: &duplicates,
            reason: Some("test"),
            ticket: None,
            force: true,
            dry_run: false,
        };
        match store.merge(&actor, &request, &allow) {
            Ok(outcome) => {
                merged += 1;
                store.unmerge(&actor, outcome.merge_id, "test", None, &allow).unwrap();
            }
            Err(error) => {
                assert!(error.to_string().contains("óbito"), "{error}");
                refused += 1;
            }
        }
    }
    assert!(merged > 100, "{merged} clusters merged, {refused} refused");
    assert_eq!(images(&store), before);
}
