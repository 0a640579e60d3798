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
