//! The architecture invariants of ARCHITECTURE.md that a grep can check: which module may use
//! which dependency.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading the source tree") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files under `src/` that mention `needle`, relative to `src/`, sorted.
fn users_of(needle: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut users: Vec<String> = files
        .iter()
        .filter(|path| {
            std::fs::read_to_string(path)
                .expect("reading a source file")
                .contains(needle)
        })
        .map(|path| {
            path.strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    users.sort();
    users
}

#[test]
fn dependencies_stay_in_their_modules() {
    assert!(
        users_of("tantivy::").is_empty(),
        "only index/ uses tantivy: {:?}",
        users_of("tantivy::")
    );
    assert!(
        users_of("rusqlite")
            .iter()
            .all(|f| f.starts_with("store/") || f == "error.rs"),
        "only store/ uses rusqlite (error.rs wraps its error type): {:?}",
        users_of("rusqlite")
    );
    assert!(
        users_of("clap::").iter().all(|f| f.starts_with("cli/")),
        "only cli/ uses clap: {:?}",
        users_of("clap::")
    );
    assert_eq!(
        users_of("strsim::"),
        ["comparison/comparator.rs"],
        "only the comparator calls strsim"
    );
    assert_eq!(users_of("argon2::"), ["access/mod.rs"], "only access/ hashes passwords");
    assert!(
        users_of("tiny_http::").iter().all(|f| f.starts_with("web/")),
        "only web/ speaks HTTP: {:?}",
        users_of("tiny_http::")
    );
    assert_eq!(
        users_of("sha2::"),
        ["store/audit.rs"],
        "only the audit log hashes entries"
    );
    assert_eq!(
        users_of("mail_parser::"),
        ["tickets/message.rs"],
        "only the ticket reader parses e-mail"
    );
    assert!(
        users_of("rayon").iter().all(|f| !f.starts_with("store/")),
        "no rayon inside store/"
    );
    assert!(
        users_of("println!")
            .iter()
            .all(|f| f.starts_with("cli/") || f.starts_with("generate/")),
        "only cli/ prints: {:?}",
        users_of("println!")
    );
}
