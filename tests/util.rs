//! A temporary directory and a way to run the real binary in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary working directory with its own data directory.
pub struct Dir {
    dir: tempfile::TempDir,
}

/// What a run printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("unico-data")
    }

    /// Writes a file (bytes as given) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("writing a test file");
        path
    }

    /// Runs `unico ARGS` with this directory's data directory.
    pub fn unico(&self, args: &[&str]) -> Run {
        self.unico_logged(args, "")
    }

    /// Runs `unico ARGS` with `UNICO_LOG` set to `log` (empty: no diagnostics on stderr).
    pub fn unico_logged(&self, args: &[&str], log: &str) -> Run {
        let output: Output = Command::new(env!("CARGO_BIN_EXE_unico"))
            .args(args)
            .current_dir(self.dir.path())
            .env("UNICO_DATA_DIR", self.data_dir())
            .env("UNICO_LOG", log)
            .env_remove("UNICO_SETTINGS")
            .output()
            .expect("running unico");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs and asserts the exit code.
    pub fn unico_ok(&self, args: &[&str], code: i32) -> Run {
        let run = self.unico(args);
        assert_eq!(
            run.code, code,
            "unico {args:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// Runs a scan (`ARGS` include `scan` and its options) and asserts it succeeded: exit code 0
    /// (nothing new to review) or 1 (new clusters to review).
    pub fn scan(&self, args: &[&str]) -> Run {
        let run = self.unico(args);
        assert!(
            run.code == 0 || run.code == 1,
            "unico {args:?} exited with {}\nstdout:\n{}\nstderr:\n{}",
            run.code,
            run.stdout,
            run.stderr
        );
        run
    }

    /// The registry database, opened read-only.
    pub fn database(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            self.data_dir().join("registry.sqlite"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("opening the registry database")
    }

    /// Number of records in the registry (0 when there is no database yet).
    pub fn n_records(&self) -> i64 {
        if !self.data_dir().join("registry.sqlite").exists() {
            return 0;
        }
        self.database()
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))
            .expect("counting records")
    }
}
