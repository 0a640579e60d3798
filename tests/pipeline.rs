//! The pipeline end to end, through the real binary.

use crate::util::Dir;

/// Generates a registry of `persons` and returns its path; its hard-negative pairs are beside
/// it (`hard_negatives`).
fn generated(dir: &Dir, persons: usize, seed: u64) -> std::path::PathBuf {
    let path = dir.path().join(format!("registry_{persons}_{seed}.csv"));
    dir.unico_ok(
        &[
            "generate",
            "--persons",
            &persons.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
            path.to_str().unwrap(),
            "--hard-negatives",
            hard_negatives(&path).to_str().unwrap(),
        ],
        0,
    );
    path
}

fn hard_negatives(registry: &std::path::Path) -> std::path::PathBuf {
    registry.with_extension("hard-negatives.csv")
}

fn figure(text: &str, label: &str) -> f64 {
    let start = text.find(label).unwrap_or_else(|| panic!("{label:?} not in:\n{text}")) + label.len();
    text[start..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn import_scan_export_and_evaluate_a_generated_registry() {
    let dir = Dir::new();
    let file = generated(&dir, 3000, 7);
    let path = file.to_str().unwrap();
    let run = dir.unico_ok(&["import", path], 0);
    assert!(
        run.stdout
            .contains("columns not stored (the registry does not model them): cluster_id"),
        "{}",
        run.stdout
    );
    dir.scan(&["scan", "--train"]);

    let csv = dir
        .unico_ok(&["candidates", "--format", "csv", "--min-probability", "0.001"], 0)
        .stdout;
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("sns_number_l,sns_number_r,match_weight,match_probability,cluster_id"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() > 200, "{} pairs", rows.len());
    for row in &rows {
        let probability: f64 = row[3].parse().unwrap();
        assert!((0.001..=1.0).contains(&probability));
        assert_ne!(row[0], row[1], "a record is never paired with itself");
    }

    let pairs = hard_negatives(&file);
    let evaluation = dir
        .unico_ok(&["evaluate", path, "--hard-negatives", pairs.to_str().unwrap()], 0)
        .stdout;
    // Siblings, parents and children, spouses: none in the review queue.
    for kind in ["siblings", "parent_child", "spouses"] {
        let line = evaluation
            .lines()
            .find(|l| l.trim_start().starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} in:\n{evaluation}"));
        assert!(line.contains(" 0 in the review queue"), "{line}");
    }
    assert!(evaluation.contains("twins"), "{evaluation}");
    assert!(
        figure(&evaluation, "pair completeness (blocking recall):") >= 0.98,
        "{evaluation}"
    );
    assert!(figure(&evaluation, "precision ") >= 0.93, "{evaluation}");
    assert!(figure(&evaluation, "  recall ") >= 0.85, "{evaluation}");

    // The first pair of the export explains to the same weight as saved.
    let first = &rows[0];
    let explained = dir.unico_ok(&["explain", first[0], first[1], "--json"], 0).stdout;
    let waterfall: serde_json::Value = serde_json::from_str(&explained).unwrap();
    let weight = waterfall["match_weight"].as_f64().unwrap();
    assert!(
        (weight - first[2].parse::<f64>().unwrap()).abs() < 1e-3,
        "{weight} vs {}",
        first[2]
    );
    let sum: f64 = waterfall["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["match_weight"].as_f64().unwrap())
        .sum();
    assert!((sum - weight).abs() < 1e-9, "prior + Σ partial weights = match weight");
    // The latest scan proposed the pair, by rules that put the two records in one block.
    let blocking = &waterfall["blocking"];
    let found_by = blocking["found_by"].as_array().unwrap();
    assert!(!found_by.is_empty(), "{explained}");
    assert!(
        found_by
            .iter()
            .all(|rule| blocking["same_block"].as_array().unwrap().contains(rule)),
        "{explained}"
    );
    // The first and the last person of the file: strangers no rule puts in one block.
    let registry = std::fs::read_to_string(&file).unwrap();
    let nnu = |line: &str| line.split(',').next().unwrap().to_string();
    let (first_person, last_person) = (
        nnu(registry.lines().nth(1).unwrap()),
        nnu(registry.lines().last().unwrap()),
    );
    let text = dir.unico_ok(&["explain", &first_person, &last_person], 0).stdout;
    assert!(
        text.contains(
            "blocking: not a candidate pair of the latest scan: no blocking rule puts the two records in one block"
        ),
        "{text}"
    );

    let table = dir.unico_ok(&["candidates", "--limit", "3"], 0).stdout;
    assert!(table.contains("cluster 1:"), "{table}");

    let model = dir.unico_ok(&["model"], 0).stdout;
    assert!(model.contains("model trained"), "{model}");
}

#[test]
fn rebuilt_index_gives_the_same_candidates_as_the_incremental_one() {
    let dir = Dir::new();
    let file = generated(&dir, 1200, 11);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let (first, second) = rows.split_at(rows.len() / 2);
    let a = dir.write("a.csv", format!("{header}\n{}\n", first.join("\n")));
    let b = dir.write("b.csv", format!("{header}\n{}\n", second.join("\n")));
    dir.unico_ok(&["import", a.to_str().unwrap()], 0);
    dir.scan(&["scan"]);
    dir.unico_ok(&["import", b.to_str().unwrap()], 0);
    let run = dir.unico_ok(&["index"], 0);
    assert!(run.stdout.contains("index updated"), "{}", run.stdout);
    dir.scan(&["scan", "--full"]);
    let incremental = dir
        .unico_ok(&["candidates", "--format", "csv", "--min-probability", "0.001"], 0)
        .stdout;
    let run = dir.unico_ok(&["index", "--rebuild"], 0);
    assert!(run.stdout.contains("index rebuilt"), "{}", run.stdout);
    dir.scan(&["scan", "--full"]);
    let rebuilt = dir
        .unico_ok(&["candidates", "--format", "csv", "--min-probability", "0.001"], 0)
        .stdout;
    assert!(incremental.lines().count() > 50);
    assert_eq!(incremental, rebuilt);
}

#[test]
fn scan_before_import_says_what_to_do() {
    let dir = Dir::new();
    let run = dir.unico_ok(&["scan"], 2);
    assert!(run.stderr.contains("import a file first"), "{}", run.stderr);
    let run = dir.unico_ok(&["candidates"], 2);
    assert!(run.stderr.contains("run `unico scan` first"), "{}", run.stderr);
}

#[test]
fn bad_settings_are_refused_before_any_work() {
    let dir = Dir::new();
    let settings = dir.write("settings.toml", "[scan]\nthreshold_match_probabilty = 0.9\n");
    let run = dir.unico_ok(&["--settings", settings.to_str().unwrap(), "scan"], 2);
    assert!(
        run.stderr.contains("invalid settings") && run.stderr.contains("threshold_match_probabilty"),
        "{}",
        run.stderr
    );
}

#[test]
fn demo_runs_on_the_shipped_sample() {
    let dir = Dir::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/data-samples/utentes_2k.csv");
    let run = dir.unico_ok(&["demo", "--file", sample, "--limit", "3"], 0);
    for expected in [
        "2293 imported",
        "index rebuilt: 2293 records",
        "cluster 1:",
        "probability",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} missing from:\n{}",
            run.stdout
        );
    }
    let evaluation = dir
        .unico_ok(
            &[
                "--data-dir",
                dir.data_dir().join("demo").to_str().unwrap(),
                "evaluate",
                sample,
            ],
            0,
        )
        .stdout;
    assert!(figure(&evaluation, "precision ") >= 0.95, "{evaluation}");
    assert!(figure(&evaluation, "  recall ") >= 0.9, "{evaluation}");
}
