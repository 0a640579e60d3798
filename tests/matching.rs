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

#[test]
fn match_finds_a_mistyped_birth_date_behind_a_crowded_block() {
    // Sixty strangers were born on the birth date typed at the desk, more than the lookup
    // proposes (50), and share two of the person's three names; the third is common. Agreeing
    // on the birth date, they all rank above the person in the index's search: the fuzzy stage
    // must leave out the block the exact stage scored already, or they fill its proposals and
    // hide the person.
    let dir = crate::util::Dir::new();
    const GIVEN: [&str; 6] = ["Joaquim", "Rosa", "Manuel", "Teresa", "Vitor", "Lurdes"];
    const SURNAMES: [&str; 10] = [
        "Teixeira", "Moreira", "Carvalho", "Pinto", "Ribeiro", "Gomes", "Martins", "Rocha", "Lopes", "Neves",
    ];
    let mut csv = String::from("sns_number,full_name,sex,birth_date\n");
    csv.push_str("100000001,Albertina Fagundes Quaresma,F,1970-05-05\n");
    for i in 0..60 {
        let surname = SURNAMES[i % SURNAMES.len()];
        csv.push_str(&format!(
            "{},Albertina Quaresma {surname},F,1970-05-06\n",
            100_000_100 + i
        ));
    }
    // Others, born on other days, a third of them Fagundes.
    for i in 0..1500 {
        let given = GIVEN[i % GIVEN.len()];
        let surname = if i % 3 == 0 {
            "Fagundes"
        } else {
            SURNAMES[i / 7 % SURNAMES.len()]
        };
        let (year, day) = (1930 + i % 80, 1 + i / 80 % 28);
        csv.push_str(&format!(
            "{},{given} {surname},M,{year}-{:02}-{day:02}\n",
            100_010_000 + i,
            1 + i % 12
        ));
    }
    let file = dir.write("utentes.csv", csv);
    dir.unico_ok(&["-q", "import", file.to_str().unwrap()], 0);
    dir.unico_ok(
        &["users", "add", "desk", "--name", "D", "--profile", "centro_suporte"],
        0,
    );
    let run = dir.unico_logged(
        &[
            "--user",
            "desk",
            "match",
            "--name",
            "Albertina Fagundes Quaresma",
            "--birth-date",
            "1970-05-06",
            "--limit",
            "100",
        ],
        "unico::matching=debug",
    );
    assert!(run.code == 0 || run.code == 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("\"fuzzy\""), "{}", run.stderr);
    assert!(run.stdout.contains("100000001"), "{}", run.stdout);
}
