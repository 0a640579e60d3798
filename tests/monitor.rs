//! The blocking-recall monitor through the real binary: merges are known true pairs, each scan
//! says how many of them the blocking rules still find, and warns below the floor.

use crate::util::Dir;

const HEADER: &str = "sns_number,full_name,sex,birth_date,nationality,birth_country,birth_district,\
                      birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date";

/// Two persons registered twice each, and two strangers; a supervisor of their unit.
fn registry(dir: &Dir) {
    let rows = [
        "100000001,Maria da Conceição Silva,F,1950-03-02,PT,PT,Lisboa,Loures,Camarate,U1,,atualizado,",
        "100000002,MARIA CONCEICAO SILVA,F,1950-03-02,PT,PT,,,,U1,,em_curso,",
        "200000001,Oksana Kovalenko,F,1990-04-02,UA,UA,,,,U1,,atualizado,",
        "200000002,Oksana Kovalenco,F,1990-04-02,UA,UA,,,,U1,,em_curso,",
        "300000001,José Manuel Pereira,M,1944-01-10,PT,PT,Porto,Porto,Bonfim,U1,,atualizado,",
        "400000001,António Ferreira Lopes,M,1980-05-05,PT,PT,Braga,Braga,Sé,U1,,atualizado,",
    ];
    let file = dir.write("registry.csv", format!("{HEADER}\n{}\n", rows.join("\n")));
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    dir.unico_ok(
        &[
            "users",
            "add",
            "ana",
            "--name",
            "Ana Teste",
            "--profile",
            "supervisor",
            "--institution",
            "U1",
        ],
        0,
    );
}

fn merge(dir: &Dir, principal: &str, duplicate: &str) {
    dir.unico_ok(
        &[
            "--user",
            "ana",
            "merge",
            "--principal",
            principal,
            "--duplicate",
            duplicate,
            "--reason",
            "mesma pessoa",
        ],
        0,
    );
}

/// The scan's monitor line, if it printed one, and its stderr.
fn scan(dir: &Dir, args: &[&str]) -> (Option<String>, String) {
    let mut all = args.to_vec();
    all.push("scan");
    let run = dir.scan(&all);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("blocking recall"))
        .map(str::to_string);
    (line, run.stderr)
}

#[test]
fn scans_report_the_merged_pairs_the_rules_still_find_and_warn_below_the_floor() {
    let dir = Dir::new();
    registry(&dir);
    let (line, stderr) = scan(&dir, &[]);
    assert_eq!(line, None, "nothing merged yet: nothing to say");
    assert!(!stderr.contains("warning"), "{stderr}");

    merge(&dir, "100000001", "100000002");
    merge(&dir, "200000001", "200000002");
    let (line, stderr) = scan(&dir, &[]);
    let line = line.expect("a monitor line once something is merged");
    assert!(
        line.starts_with(
            "blocking recall: 2 of 2 merged pairs (100.0%) still found by the blocking rules (floor 95.0%); by rule: "
        ) && line.contains("birth_date+name_token 2")
            && line.contains("birth_date+foreign_country 1"),
        "{line}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    // The registry renames the first principal and corrects its birth date: nothing is left for
    // the rules to pair it with its duplicate on.
    let update = dir.write(
        "update.csv",
        format!("{HEADER}\n100000001,Joana Ribeiro Matos,F,1961-07-08,PT,PT,Lisboa,Loures,Camarate,U1,,atualizado,\n"),
    );
    dir.unico_ok(&["-q", "import", "--update", update.to_str().unwrap()], 0);
    let (line, stderr) = scan(&dir, &[]);
    assert!(
        line.as_deref()
            .is_some_and(|line| line.starts_with("blocking recall: 1 of 2 merged pairs (50.0%)")),
        "{line:?}"
    );
    assert!(
        stderr.contains("warning: blocking recall 50.0% (1 of 2 merged pairs) is below the floor of 95.0%")
            && stderr.contains("100000001–100000002")
            && !stderr.contains("200000001"),
        "{stderr}"
    );
    // Quiet still warns: a nightly job must hear it.
    let (line, stderr) = scan(&dir, &["-q"]);
    assert_eq!(line, None);
    assert!(stderr.contains("warning: blocking recall 50.0%"), "{stderr}");

    // The floor is a setting: at one half, one pair of two is not below it.
    let settings = dir.write("settings.toml", "[monitor]\nblocking_recall_floor = 0.5\n");
    let (line, stderr) = scan(&dir, &["--settings", settings.to_str().unwrap()]);
    assert!(line.is_some_and(|line| line.contains("(50.0%)") && line.contains("(floor 50.0%)")));
    assert!(!stderr.contains("warning"), "{stderr}");
    let bad = dir.write("bad.toml", "[monitor]\nblocking_recall_floor = 95\n");
    let refused = dir.unico_ok(&["--settings", bad.to_str().unwrap(), "scan"], 2);
    assert!(
        refused.stderr.contains("monitor.blocking_recall_floor"),
        "{}",
        refused.stderr
    );

    // An undone merge is no longer a known pair.
    dir.unico_ok(&["--user", "ana", "unmerge", "1", "--reason", "engano"], 0);
    let (line, stderr) = scan(&dir, &[]);
    assert!(
        line.is_some_and(|line| line.starts_with("blocking recall: 1 of 1 merged pairs (100.0%)")),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}
