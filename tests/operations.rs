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
    dir.unico_ok(&["-q", "scan"], 0);
}

#[test]
fn clusters_keep_their_numbers_across_scans() {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    dir.unico_ok(&["-q", "import", sample], 0);
    dir.unico_ok(&["-q", "scan"], 0);
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
    dir.unico_ok(&["-q", "scan"], 0);
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
