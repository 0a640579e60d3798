//! The integration tests: one binary that drives the real `unico` executable against a
//! temporary data directory with a real SQLite file and a real Tantivy index.

// Helpers: a temporary directory and a command runner for the `unico` binary.
mod util;

// `unico import`: every kind of bad input gives its error and imports nothing wrong.
mod import;

// Which module may use which dependency (ARCHITECTURE.md invariants).
mod architecture;

// The pipeline end to end: generate, import, index, scan, candidates, explain, evaluate.
mod pipeline;

// Users and profiles, review queue, merge and unmerge, audit log.
mod review;

// Concurrent merges, a merge killed midway, merge + unmerge on every sample cluster.
mod reliability;

// A WebDriver client for headless Chromium, and a running `unico serve`.
mod webdriver;

// The review web application in a real browser, and its JSON API.
mod web;

// Service-desk tickets: the sample messages and their manifest, lifecycle, access, idempotency.
mod tickets;

// `unico match`: check before registering.
mod matching;

// Running as a nightly job: the scan lock.
mod operations;

// The blocking-recall monitor: merged pairs the rules still find, the floor's warning.
mod monitor;
