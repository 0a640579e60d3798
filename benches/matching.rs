//! Check before registering, measured: `match` latency in process (p50, p95, p99 over 1,000
//! lookups of damaged copies of registered people) and FHIR `Patient/$match` over HTTP with 50
//! concurrent clients on loopback (bounded: 20 requests each, 10 s per request, no request
//! started after 120 s), against a registry that was
//! imported and scanned (by `benches/macro.sh`, or by hand):
//!
//!   cargo bench --bench matching -- bench-out/data-1000000
//!
//! Prints a table; no assertion (targets are read, not enforced: p99 ≤ 5 ms in process, no
//! error under load).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use unico::access::{Actor, Profile, User};
use unico::matching::{Matcher, DEFAULT_CANDIDATES};
use unico::pipeline::DataDir;
use unico::record::PatientRecord;
use unico::settings::Settings;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A registration desk's typing: one letter of the name dropped, every third time.
fn damaged(record: &PatientRecord, i: usize) -> PatientRecord {
    let mut probe = PatientRecord::new(unico::record::Nnu::from_u32(0).expect("0"), record.full_name.clone());
    probe.birth_date = record.birth_date.clone();
    probe.sex = record.sex.clone();
    if i.is_multiple_of(3) {
        let mut chars: Vec<char> = probe.full_name.chars().collect();
        if chars.len() > 4 {
            chars.remove(chars.len() / 2);
        }
        probe.full_name = chars.into_iter().collect();
    }
    probe
}

fn main() {
    let root = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("bench-out/data-100000"));
    let data_dir = DataDir::new(&root);
    let mut store = data_dir
        .open_store()
        .expect("a scanned registry: run benches/macro.sh first");
    let settings = Settings::default();
    let started = Instant::now();
    let matcher = Matcher::open(&store, &data_dir, &settings).expect("the index and the model");
    let open_seconds = started.elapsed().as_secs_f64();
    let n_records = store.n_active_records().expect("records");
    let step = (n_records / 1000).max(1) as u32;
    let ids: Vec<unico::record::RecordId> = (0..1000u32).map(|i| unico::record::RecordId(1 + i * step)).collect();
    let records = store.records_by_id(&ids).expect("records");
    let mut latencies = Vec::with_capacity(records.len());
    let mut found_first = 0;
    for (i, record) in records.iter().enumerate() {
        let probe = damaged(record, i);
        let started = Instant::now();
        let found = matcher
            .find(&store, &probe, &|_| true, DEFAULT_CANDIDATES)
            .expect("a lookup");
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        found_first += usize::from(found.first().is_some_and(|f| f.record.sns_number == record.sns_number));
    }
    latencies.sort_by(f64::total_cmp);
    println!("registry: {n_records} active records ({})", root.display());
    println!("in process: opening {open_seconds:.2} s; {} lookups", latencies.len());
    println!(
        "  p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms; the person first in {:.1} %",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0),
        100.0 * found_first as f64 / records.len() as f64
    );

    // Over HTTP: the release binary serves the same registry.
    let user = User {
        username: "bench".into(),
        full_name: "Bench".into(),
        profile: Profile::CentroSuporte,
        institutions: Vec::new(),
        disabled: false,
    };
    let hash = unico::access::hash_password("palavra-passe-de-teste").expect("a hash");
    if store.user("bench").expect("users").is_none() {
        store
            .add_user(&Actor::System("bench".into()), &user, Some(&hash))
            .expect("a bench user");
    }
    drop(store);
    let binary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/unico");
    let mut server = Command::new(&binary)
        .args(["serve", "--address", "127.0.0.1:0", "--workers", "4"])
        .env("UNICO_DATA_DIR", &root)
        .stdout(Stdio::piped())
        .spawn()
        .expect("target/release/unico: cargo build --release first");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().expect("stdout")),
        &mut line,
    )
    .expect("the address");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("an address")
        .trim_end_matches('/')
        .to_string();
    let token: serde_json::Value = ureq::post(&format!("{base}/api/session"))
        .send_json(serde_json::json!({"username": "bench", "password": "palavra-passe-de-teste"}))
        .expect("sign in")
        .into_json()
        .expect("a token");
    let token = token["token"].as_str().expect("a token").to_string();
    let (clients, per_client) = (50usize, 20usize);
    // Bounded in time as well as in count: a request that hangs fails, and no client starts a
    // request once the load has run this long (the requests not sent count as errors).
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(10))
        .build();
    let deadline = std::time::Duration::from_secs(120);
    let started = Instant::now();
    let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let (base, token, records, agent) = (&base, &token, &records, &agent);
                scope.spawn(move || {
                    let mut times = Vec::new();
                    let mut errors = 0;
                    for k in 0..per_client {
                        if started.elapsed() > deadline {
                            errors += per_client - k;
                            break;
                        }
                        let record = &records[(c * per_client + k) % records.len()];
                        let body = serde_json::json!({"resourceType": "Parameters", "parameter": [
                            {"name": "resource", "resource": {"resourceType": "Patient",
                                "name": [{"text": record.full_name}],
                                "birthDate": record.birth_date.to_text()}},
                            {"name": "count", "valueInteger": 5}]});
                        let t = Instant::now();
                        match agent
                            .post(&format!("{base}/fhir/Patient/$match"))
                            .set("Authorization", &format!("Bearer {token}"))
                            .send_json(body)
                        {
                            Ok(_) => times.push(t.elapsed().as_secs_f64() * 1000.0),
                            Err(_) => errors += 1,
                        }
                    }
                    (times, errors)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a client")).collect()
    });
    let wall = started.elapsed().as_secs_f64();
    let _ = server.kill();
    let _ = server.wait();
    let errors: usize = results.iter().map(|r| r.1).sum();
    let mut times: Vec<f64> = results.into_iter().flat_map(|r| r.0).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "over HTTP: {clients} clients × {per_client} requests in {wall:.2} s ({:.0} requests/s), {errors} errors",
        (clients * per_client) as f64 / wall
    );
    if !times.is_empty() {
        println!(
            "  p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
    }
}
