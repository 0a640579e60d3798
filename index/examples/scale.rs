//! Times the candidate index at scale on synthetic records.
//!
//! Usage: `cargo run --release -p index --example scale -- N [THREADS] [BUDGET_MIB]`
//! (defaults: 1,000,000 records, 2 indexing threads, 1024 MiB of indexing memory).
//!
//! It generates the records once without indexing (to show the generator's own cost), builds
//! an on-disk index in a temporary directory (or in `$UNICO_SCALE_DIR`, where a later run with
//! the same N reuses it and only times the reads), then runs the block scan twice, a prefix
//! scan, `record_ids` and 100 searches. It prints wall-clock seconds, the process CPU seconds
//! of the build and of the scans (wall time on a shared machine is inflated by other
//! processes, CPU time much less) and the peak resident memory.

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Instant;

use common::{Record, SHARED_RULES};
use index::{CandidateIndex, IndexError, SearchQuery};

/// CPU seconds (user + system) used by this process so far, from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name may contain spaces, so fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|field| field.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of the file (utime, stime) are at 11 and 12 after the name; the kernel
    // reports them in clock ticks of 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> Result<(), IndexError> {
    let mut args = std::env::args().skip(1);
    let mut arg = |default: usize| -> usize {
        args.next()
            .map(|value| value.replace('_', "").parse().expect("a number"))
            .unwrap_or(default)
    };
    let n = arg(1_000_000) as u32;
    let threads = arg(2);
    let budget_mib = arg(1024);
    println!("records: {n}, threads: {threads}, budget: {budget_mib} MiB");

    let mut record = Record::default();
    let start = Instant::now();
    let mut key_bytes = 0usize;
    for i in 0..n {
        record.fill(i, n);
        key_bytes += record.keys.iter().map(Vec::len).sum::<usize>();
    }
    println!(
        "generate only:        {:6.2} s ({} key bytes)",
        start.elapsed().as_secs_f64(),
        key_bytes
    );

    // With `UNICO_SCALE_DIR` set, the index is kept there, and reused by later runs that only
    // time the scans.
    let temp = tempfile::tempdir()?;
    let dir = std::env::var_os("UNICO_SCALE_DIR").map_or_else(|| temp.path().to_path_buf(), Into::into);
    if let Ok(candidate_index) = CandidateIndex::open(&dir) {
        if candidate_index.num_docs() == u64::from(n) {
            println!("reusing the index in {}", dir.display());
            return scan(&candidate_index, n, &mut record);
        }
    }
    let candidate_index = CandidateIndex::create(&dir)?;
    let cpu = cpu_seconds();
    let start = Instant::now();
    let mut writer = candidate_index.writer(budget_mib << 20, threads)?;
    for i in 0..n {
        record.fill(i, n);
        writer.add(&record.document())?;
    }
    let added = start.elapsed().as_secs_f64();
    writer.commit()?;
    let built = start.elapsed().as_secs_f64();
    let segments = std::fs::read_dir(&dir)?
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "idx"))
        })
        .count();
    println!(
        "build (add + commit): {built:6.2} s (add {added:.2} s, commit {:.2} s; {:.2} CPU s), {segments} segments, {} docs",
        built - added,
        cpu_seconds() - cpu,
        candidate_index.num_docs()
    );

    scan(&candidate_index, n, &mut record)
}

/// Times the block scans, `record_ids` and searches.
fn scan(candidate_index: &CandidateIndex, n: u32, record: &mut Record) -> Result<(), IndexError> {
    for round in 0..2 {
        let cpu = cpu_seconds();
        let start = Instant::now();
        let (mut blocks, mut pairs, mut ids) = (0usize, 0usize, 0usize);
        candidate_index.for_each_block(2, |_key, records| {
            blocks += 1;
            ids += records.len();
            pairs += records.len() * (records.len() - 1) / 2;
        })?;
        println!(
            "for_each_block(2) #{round}:  {:6.2} s ({:.2} CPU s; {blocks} blocks, {ids} ids, {pairs} pairs)",
            start.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
    }

    let start = Instant::now();
    let mut blocks = 0usize;
    candidate_index.for_each_block_with_prefix(b"A", 2, |_, _| blocks += 1)?;
    println!(
        "prefix scan (rule A): {:6.2} s ({blocks} blocks; {SHARED_RULES} shared rules in all)",
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let ids = candidate_index.record_ids()?;
    println!(
        "record_ids:           {:6.2} s ({} ids)",
        start.elapsed().as_secs_f64(),
        ids.len()
    );

    let searches = 100u32;
    let start = Instant::now();
    let mut found = 0usize;
    for i in 0..searches {
        record.fill(i * (n / searches).max(1) % n, n);
        let tokens: Vec<String> = record.name.split(' ').map(str::to_string).collect();
        let hits = candidate_index.search(
            &SearchQuery {
                block_keys: &record.keys,
                name_tokens: &tokens,
                birth_date: Some(&record.birth_date),
                birthplace: Some(&record.birthplace),
                exclude_keys: &[],
            },
            10,
        )?;
        found += usize::from(hits.first().map(|hit| hit.0) == Some(record.record_id));
    }
    println!(
        "search:               {:6.2} ms each ({found}/{searches} find themselves first)",
        start.elapsed().as_secs_f64() * 1000.0 / f64::from(searches)
    );

    let status = std::fs::read_to_string("/proc/self/status")?;
    if let Some(line) = status.lines().find(|line| line.starts_with("VmHWM")) {
        println!("peak memory:          {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
