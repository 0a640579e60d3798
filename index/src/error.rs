//! The crate's error type.
//!
//! Every fallible function of the crate returns [`IndexError`]. Messages are lowercase, carry
//! no trailing period and name the object that failed; the source error is part of the
//! message because the main crate prints errors with `{}`.

use std::path::PathBuf;

/// Everything that can go wrong in the candidate index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Tantivy failed while opening, writing or reading the index.
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index directory cannot be opened.
    #[error("cannot open candidate index directory: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// There is no index at the given path.
    #[error("no candidate index at {}: run `unico index --rebuild`", path.display())]
    Missing {
        /// The directory that holds no index.
        path: PathBuf,
    },
    /// The index on disk was built by another version of Único: another schema or another
    /// term dictionary format.
    #[error("candidate index at {} was built by an incompatible version: run `unico index --rebuild`", path.display())]
    Incompatible {
        /// The directory of the index.
        path: PathBuf,
    },
    /// Executing a search query failed.
    #[error("candidate search failed: {0}")]
    Query(#[source] tantivy::TantivyError),
    /// Creating or clearing the index directory failed.
    #[error("candidate index directory {}: {source}", path.display())]
    Directory {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Reading the term dictionary or the postings failed.
    #[error("candidate index i/o: {0}")]
    Io(#[from] std::io::Error),
}
