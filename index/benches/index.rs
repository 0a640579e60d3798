//! Benchmarks the block scan of the candidate index on 100,000 synthetic records.
//!
//! The index is built once, in memory; the timed loop is `for_each_block(2, ..)`, and each
//! iteration checks the number of blocks against the count taken before timing, so a broken
//! scan cannot look fast.

mod common;

use std::hint::black_box;

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

fn bench(c: &mut Criterion) {
    let candidate_index = build();
    let expected = count_blocks(&candidate_index);
    assert!(expected > 0, "the synthetic records share keys");
    let mut group = c.benchmark_group("candidate_index");
    group.sample_size(20);
    group.bench_function("for_each_block_100k", |b| {
        b.iter(|| assert_eq!(count_blocks(&candidate_index), expected));
    });
    group.bench_function("build_100k", |b| b.iter(|| black_box(build().num_docs())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
