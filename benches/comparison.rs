//! Criterion benchmarks for the hot functions: the name normaliser, the comparison of one pair
//! and the scoring of one pair.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use unico::comparison::{compare, ComparableRecord, TermFrequencies};
use unico::model::Model;
use unico::record::normalize::normalize_name;
use unico::record::{Country, Date, Nnu, PatientRecord, RecordId, Value};

const NAMES: [(&str, &str); 6] = [
    ("Maria da Conceição Pereira da Silva", "MARIA CONCEICAO SILVA"),
    ("João Pedro Silva Santos", "Santos, João Pedro"),
    ("Ana Sofia Pereira Lopes", "Ana Sofia Pereira Lopes Martins"),
    ("Oleksandr Kovalchuk", "Aleksandr Kovaltchuk"),
    ("Md. Rahman Hossain", "Mohammed Rahaman Hossen"),
    ("Ana Costa Pereira", "Inês Costa Pereira"),
];

fn record(id: u32, name: &str) -> ComparableRecord {
    let mut record = PatientRecord::new(Nnu::from_u32(100_000_000 + id).unwrap(), name);
    record.id = RecordId(id);
    record.birth_date = Value::Valid(Date::new(1980, 3, 12).unwrap());
    record.birth_country = Value::Valid(Country::PORTUGAL);
    record.birth_district = Some("Lisboa".into());
    record.birth_municipality = Some("Lisboa".into());
    ComparableRecord::new(&record)
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("comparison");
    group.sample_size(50);
    group.throughput(Throughput::Elements(NAMES.len() as u64 * 2));
    group.bench_function("normalize_name", |b| {
        b.iter(|| {
            let n_tokens: usize = NAMES
                .iter()
                .map(|(l, r)| normalize_name(black_box(l)).tokens.len() + normalize_name(black_box(r)).tokens.len())
                .sum();
            assert_eq!(n_tokens, 39);
        })
    });
    let pairs: Vec<(ComparableRecord, ComparableRecord)> = NAMES
        .iter()
        .enumerate()
        .map(|(i, (l, r))| (record(2 * i as u32 + 1, l), record(2 * i as u32 + 2, r)))
        .collect();
    let all: Vec<&ComparableRecord> = pairs.iter().flat_map(|(a, b)| [a, b]).collect();
    let tf = TermFrequencies::count(&all);
    group.throughput(Throughput::Elements(NAMES.len() as u64));
    group.bench_function("compare_pair", |b| {
        b.iter(|| {
            let n_exact_dates = pairs
                .iter()
                .filter(|(a, b)| compare(black_box(a), black_box(b), &tf).gamma[2].0 == 7)
                .count();
            assert_eq!(n_exact_dates, NAMES.len());
        })
    });
    let scoring = Model::default_for(1_000_000, 0.1).scoring_table();
    let vectors: Vec<_> = pairs.iter().map(|(a, b)| compare(a, b, &tf)).collect();
    group.bench_function("score_pair", |b| {
        b.iter(|| {
            let total: f64 = vectors.iter().map(|v| scoring.match_weight(black_box(v))).sum();
            assert!(total.is_finite());
        })
    });
    group.finish();
}

criterion_group!(comparison, benches);
criterion_main!(comparison);
