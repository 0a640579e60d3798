//! `unico match` (check before registering) through the real binary on the sample registry.

use crate::review::Sample;

#[test]
fn match_finds_a_registered_person_and_names_only_what_the_user_may_see() {
    let sample = Sample::new();
    let dir = &sample.dir;
    let (nnu, name, born, unit): (String, String, String, String) = dir
        .database()
        .query_row(
            "SELECT sns_number, full_name, birth_date, registration_unit FROM records
             WHERE birth_date IS NOT NULL AND registration_unit IS NOT NULL AND invalid_fields = ''
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    dir.unico_ok(
        &[
            "users",
            "add",
            "mine",
            "--name",
            "M",
            "--profile",
            "administrativo",
            "--institution",
            &unit,
        ],
        0,
    );
    dir.unico_ok(
        &[
            "users",
            "add",
            "other",
            "--name",
            "O",
            "--profile",
            "administrativo",
            "--institution",
            "U999999",
        ],
        0,
    );

    // Registered already: exit 1, the record first, with its reasons.
    let found = dir.unico_ok(&["--user", "mine", "match", "--name", &name, "--birth-date", &born], 1);
    let first = found.stdout.lines().next().unwrap_or_default().to_string();
    assert!(first.starts_with(&nnu) && first.contains(&name), "{}", found.stdout);
    assert!(found.stdout.contains("data de nascimento: igual"), "{}", found.stdout);

    // Someone of another institution learns the NNU, not the person's data.
    let elsewhere = dir.unico_ok(&["--user", "other", "match", "--name", &name, "--birth-date", &born], 1);
    assert!(elsewhere.stdout.contains(&nnu) && elsewhere.stdout.contains("inscrito noutra instituição"));
    assert!(!elsewhere.stdout.contains(&name), "{}", elsewhere.stdout);

    // A person nobody registered: exit 0.
    let nobody = dir.unico_ok(
        &[
            "--user",
            "mine",
            "match",
            "--name",
            "Xavérnio Quintiliano Zebedeu",
            "--birth-date",
            "1901-02-03",
        ],
        0,
    );
    assert!(nobody.stdout.contains("Nenhum utente"), "{}", nobody.stdout);
    let audit = dir.unico_ok(&["audit", "list", "--by", "other"], 0).stdout;
    assert!(
        audit.contains("view") && audit.contains(&nnu),
        "the lookup is audited: {audit}"
    );
}

#[test]
fn match_answers_from_the_birth_date_block_and_falls_back_to_the_name_search() {
    let sample = Sample::new();
    let dir = &sample.dir;
    let (nnu, name, born): (String, String, String) = dir
        .database()
        .query_row(
            "SELECT sns_number, full_name, birth_date FROM records
             WHERE birth_date IS NOT NULL AND invalid_fields = '' AND length(full_name) > 20
             ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    dir.unico_ok(
        &[
            "users",
            "add",
            "desk",
            "--name",
            "D",
            "--profile",
            "administrativo",
            "--institution",
            "U999999",
        ],
        0,
    );
    let first_line = |stdout: &str| stdout.lines().next().unwrap_or_default().to_string();
    let lookup = |birth_date: &str| {
        let run = dir.unico_logged(
            &["--user", "desk", "match", "--name", &name, "--birth-date", birth_date],
            "unico::matching=debug",
        );
        assert!(run.code == 0 || run.code == 1, "{}\n{}", run.stdout, run.stderr);
        run
    };

    // The exact birth date: its block holds the person, certain, and the name search is skipped.
    let exact = lookup(&born);
    assert!(first_line(&exact.stdout).contains(&nnu), "{}", exact.stdout);
    assert!(exact.stderr.contains("\"exact\""), "{}", exact.stderr);

    // A mistyped birth date (another year): its block does not hold the person, the name search does.
    let year: i32 = born[..4].parse().unwrap();
    let mistyped = format!("{}{}", year - 1, &born[4..]);
    let fallback = lookup(&mistyped);
    assert!(first_line(&fallback.stdout).contains(&nnu), "{}", fallback.stdout);
    assert!(fallback.stderr.contains("\"fuzzy\""), "{}", fallback.stderr);
}
