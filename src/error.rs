//! The crate's error type, split by who has to act.
//!
//! - [`Error::User`]: the input or the request is wrong (a bad file, an unknown record, invalid
//!   settings); the message says what to do next.
//! - [`Error::Internal`]: a bug or a broken invariant; the detail is for the log.
//! - [`Error::Io`], [`Error::Store`], [`Error::Index`]: the machine, the database or the index
//!   failed.

use std::path::PathBuf;

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user must act: fix the input, the arguments or the settings.
    #[error(transparent)]
    User(#[from] UserError),
    /// A bug: an invariant did not hold.
    #[error("internal error: {0}")]
    Internal(String),
    /// Reading or writing a file failed (the cause is the error's source, printed after it).
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The registry database failed.
    #[error("registry database: {0}")]
    Store(#[from] rusqlite::Error),
    /// The candidate index failed.
    #[error("candidate index: {0}")]
    Index(#[from] index::IndexError),
}

/// Errors the user can fix.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// An input file cannot be read as a registry file at all (not a row problem).
    #[error("{path}: {reason}")]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
    /// No record has this NNU.
    #[error("no record with NNU {0}")]
    UnknownRecord(String),
    /// No user has this username.
    #[error("no user {0}: `unico users list` shows them, `unico users add` adds one")]
    UnknownUser(String),
    /// The settings file or an argument is invalid.
    #[error("invalid settings: {0}")]
    Settings(String),
    /// The request is understood but not allowed: a profile, an institution, a merge rule.
    #[error("recusado: {0}")]
    Refused(String),
    /// A request a person made is incomplete or malformed (said in Portuguese).
    #[error("{0}")]
    Invalid(String),
    /// The registry has not been prepared for this command yet.
    #[error("{0}")]
    NotReady(String),
}

impl Error {
    /// An I/O error on a file.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
