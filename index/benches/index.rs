//! Benchmarks the candidate index on 100,000 synthetic records (see `common`).
//!
//! `scan/for_each_block_100k` times `for_each_block(2, ..)` on an index built once in memory;
//! each iteration checks the number of blocks against the count taken before timing, so a
//! broken scan cannot look fast. `index/build_100k` times building that index (two threads,
//! 512 MiB). Run with `cargo bench -p index --bench index`.

mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use common::Record;
use criterion::{criterion_group, criterion_main, Criterion};
use index::CandidateIndex;

const RECORDS: u32 = 100_000;

/// Builds the in-memory index of [`RECORDS`] synthetic records.
fn build() -> CandidateIndex {
    let candidate_index = CandidateIndex::create_in_ram().expect("index");
    let mut writer = candidate_index.writer(512 << 20, 2).expect("writer");
    let mut record = Record::default();
    for i in 0..RECORDS {
        record.fill(i, RECORDS);
        writer.add(&record.document()).expect("add");
    }
    writer.commit().expect("commit");
    candidate_index
}

/// Counts the blocks of at least two records.
fn count_blocks(candidate_index: &CandidateIndex) -> usize {
    let mut blocks = 0usize;
    candidate_index
        .for_each_block(2, |key, ids| {
            black_box((key, ids));
            blocks += 1;
        })
        .expect("scan");
    blocks
}

/// Counts the keys carried by at least two records, without the index.
fn count_blocks_in_memory() -> usize {
    let mut records_per_key: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut record = Record::default();
    for i in 0..RECORDS {
        record.fill(i, RECORDS);
        for key in &record.keys {
            *records_per_key.entry(key.clone()).or_default() += 1;
        }
    }
    records_per_key.values().filter(|&&count| count >= 2).count()
}

fn bench(c: &mut Criterion) {
    let candidate_index = build();
    let expected = count_blocks(&candidate_index);
    assert!(expected > 0, "the synthetic records share keys");
    assert_eq!(expected, count_blocks_in_memory(), "the index agrees with a hash map");
    let mut scan = c.benchmark_group("scan");
    scan.sample_size(20);
    scan.bench_function("for_each_block_100k", |b| {
        b.iter(|| assert_eq!(count_blocks(&candidate_index), expected));
    });
    scan.finish();

    let mut index = c.benchmark_group("index");
    index.sample_size(10).measurement_time(Duration::from_secs(60));
    index.bench_function("build_100k", |b| b.iter(|| black_box(build().num_docs())));
    index.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
