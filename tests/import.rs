//! `unico import`: bad input is reported with file, line and field, and nothing is lost.

use crate::util::Dir;

const HEADER: &str = "sns_number,full_name,sex,birth_date,nationality,birth_country,birth_district,birth_municipality,birth_parish,registration_unit,nif,registration_type,death_date";

/// A file with five usable rows (three with a flagged value) and four rows that are no record.
fn mixed_file() -> String {
    [
        HEADER,
        "100000001,Maria da Conceição Silva,F,1980-03-12,PT,PT,Lisboa,Lisboa,,U110601,123456789,atualizado,",
        ",Sem Número,F,1980-03-12,PT,PT,,,,U110601,,atualizado,",
        "12345678,Número Curto,M,1970-01-01,PT,PT,,,,U110601,,atualizado,",
        "100000002,Data Impossível,M,31/02/2000,PT,PT,,,,U110601,,atualizado,",
        "100000003,Nascida No Futuro,F,2999-01-01,PT,PT,,,,U110601,,atualizado,",
        "100000004,NIF Errado,M,1960-05-05,Brasil,Atlântida,,,,U110601,123456788,atualizado,",
        "100000005,Morreu Antes,M,1960-05-05,PT,PT,,,,U110601,,historico,1950-01-01",
        "100000001,Outra Vez,F,1980-03-12,PT,PT,,,,U110601,,atualizado,",
        "100000006,,F,1980-03-12,PT,PT,,,,U110601,,atualizado,",
    ]
    .join("\n")
}

#[test]
fn bad_rows_are_rejected_and_bad_values_flagged() {
    let dir = Dir::new();
    let file = dir.write("utentes.csv", mixed_file());
    let run = dir.unico_ok(&["import", file.to_str().unwrap()], 1);
    for expected in [
        "utentes.csv:3: sns_number: \"\": no NNU",
        "utentes.csv:4: sns_number: \"12345678\": the NNU must be nine digits",
        "utentes.csv:5: birth_date: \"31/02/2000\": no such day in the calendar",
        "utentes.csv:6: birth_date: \"2999-01-01\": the birth date is in the future",
        "utentes.csv:7: nif: \"123456788\": the NIF fails its check digit",
        "utentes.csv:7: birth_country: \"Atlântida\": unknown country",
        "utentes.csv:8: death_date: \"1950-01-01\": the death date is before the birth date",
        "utentes.csv:9: sns_number: \"100000001\": NNU 100000001 is also on line 2",
        "utentes.csv:10: full_name: \"\": no name",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("5 imported"), "{}", run.stdout);
    assert!(run.stdout.contains("4 rejected"), "{}", run.stdout);
    assert_eq!(dir.n_records(), 5);

    // Flagged values are kept as typed and marked invalid; valid ones are normalised.
    let db = dir.database();
    let (birth_date, invalid): (String, String) = db
        .query_row(
            "SELECT birth_date, invalid_fields FROM records WHERE sns_number = '100000002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((birth_date.as_str(), invalid.as_str()), ("31/02/2000", "birth_date"));
    let (nationality, nif, invalid): (String, String, String) = db
        .query_row(
            "SELECT nationality, nif, invalid_fields FROM records WHERE sns_number = '100000004'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (nationality.as_str(), nif.as_str(), invalid.as_str()),
        ("BR", "123456788", "birth_country,nif")
    );

    // The rejects file holds the four rejected rows with their line and reason.
    let rejects = std::fs::read_to_string(dir.data_dir().join("rejects/utentes.rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines.len(), 5, "{rejects}");
    assert!(lines[0].starts_with("line,reason,sns_number,full_name"));
    assert!(lines[1].starts_with("3,"));
    assert!(lines[4].starts_with("10,"));
}

#[test]
fn strict_imports_nothing_when_any_row_has_a_problem() {
    let dir = Dir::new();
    let file = dir.write("utentes.csv", mixed_file());
    let run = dir.unico_ok(&["import", "--strict", file.to_str().unwrap()], 2);
    assert!(run.stderr.contains("nothing imported (--strict)"), "{}", run.stderr);
    assert_eq!(dir.n_records(), 0);
}

#[test]
fn existing_nnu_needs_update_and_changes_are_recorded() {
    let dir = Dir::new();
    let first = dir.write(
        "a.csv",
        format!("{HEADER}\n100000001,Ana Sofia Lopes,F,1990-01-02,PT,PT,Porto,Porto,,U131201,,em_curso,\n"),
    );
    dir.unico_ok(&["import", first.to_str().unwrap()], 0);
    let second = dir.write(
        "b.csv",
        format!("{HEADER}\n100000001,Ana Sofia Lopes Martins,F,1990-01-02,PT,PT,Porto,Porto,,U131201,,atualizado,\n"),
    );
    let run = dir.unico_ok(&["import", second.to_str().unwrap()], 1);
    assert!(
        run.stderr
            .contains("b.csv:2: sns_number: \"100000001\": NNU already registered: use --update"),
        "{}",
        run.stderr
    );
    // The refused row is in the rejects file with the fields it was given, not the registry's.
    let rejects = std::fs::read_to_string(dir.data_dir().join("rejects/b.rejects.csv")).unwrap();
    assert!(
        rejects.contains("Ana Sofia Lopes Martins") && rejects.contains("NNU already registered"),
        "{rejects}"
    );
    let run = dir.unico_ok(&["import", "--update", second.to_str().unwrap()], 0);
    assert!(run.stdout.contains("1 updated"), "{}", run.stdout);
    let db = dir.database();
    let mut stmt = db
        .prepare("SELECT field, old_value, new_value FROM record_changes ORDER BY field")
        .unwrap();
    let changes: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "full_name".into(),
                "Ana Sofia Lopes".into(),
                "Ana Sofia Lopes Martins".into()
            ),
            ("registration_type".into(), "em_curso".into(), "atualizado".into()),
        ]
    );
}

#[test]
fn portuguese_spreadsheet_export_in_windows_1252() {
    let dir = Dir::new();
    let text = "Número Utente;Nome Completo;Sexo;Data de Nascimento;Nacionalidade;País de Naturalidade;Distrito;Concelho;Freguesia;Local de Inscrição;NIF;Tipo de Registo;Data de Óbito;Morada\r\n\
                200000001;João Gonçalves Simões;M;12 de março de 1980;Portugal;Portugal;Coimbra;Coimbra;Sé Nova;U060301;;Registo atualizado;;Rua A\r\n\
                200000002;Inês Conceição;F;01.02.1975;Cabo Verde;CPV;;;;U060301;;em curso;;Rua B\r\n";
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!had_errors);
    let file = dir.write("export.csv", bytes);
    let run = dir.unico_ok(&["import", file.to_str().unwrap()], 0);
    assert!(run.stdout.contains("Windows-1252"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("columns not stored (the registry does not model them): Morada"),
        "{}",
        run.stdout
    );
    let db = dir.database();
    let (name, birth_date, nationality, kind): (String, String, String, String) = db
        .query_row(
            "SELECT full_name, birth_date, nationality, registration_type FROM records WHERE sns_number = '200000001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), birth_date.as_str(), nationality.as_str(), kind.as_str()),
        ("João Gonçalves Simões", "1980-03-12", "PT", "atualizado")
    );
    let birth_country: String = db
        .query_row(
            "SELECT birth_country FROM records WHERE sns_number = '200000002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(birth_country, "CV");
}

#[test]
fn utf8_with_bom_and_json_lines() {
    let dir = Dir::new();
    let csv = dir.write(
        "bom.csv",
        format!("\u{feff}{HEADER}\n300000001,Zoë Brontë,F,2001-07-08,GB,GB,,,,U110601,,atualizado,\n"),
    );
    dir.unico_ok(&["import", csv.to_str().unwrap()], 0);
    let jsonl = dir.write(
        "more.jsonl",
        "{\"numero_utente\": \"300000002\", \"nome_completo\": \"Olena Kovalchuk\", \"sexo\": \"F\", \"data_nascimento\": \"1988-11-30\", \"nacionalidade\": \"UA\"}\n\
         {\"numero_utente\": 300000003, \"nome_completo\": \"Wei Zhang\", \"data_nascimento\": null}\n\
         not json at all\n",
    );
    let run = dir.unico_ok(&["import", jsonl.to_str().unwrap()], 1);
    assert!(run.stderr.contains("more.jsonl:3: row:"), "{}", run.stderr);
    assert_eq!(dir.n_records(), 3);
    let name: String = dir
        .database()
        .query_row(
            "SELECT full_name FROM records WHERE sns_number = '300000001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Zoë Brontë");
}

#[test]
fn a_file_without_the_nnu_column_is_refused_whole() {
    let dir = Dir::new();
    let file = dir.write("x.csv", "nome,data_nascimento\nAna,1990-01-01\n");
    let run = dir.unico_ok(&["import", file.to_str().unwrap()], 2);
    assert!(run.stderr.contains("x.csv: no sns_number column"), "{}", run.stderr);
    assert_eq!(dir.n_records(), 0);
    let run = dir.unico_ok(&["import", dir.path().join("missing.csv").to_str().unwrap()], 2);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
}

#[test]
fn help_documents_exit_codes_and_formats() {
    let dir = Dir::new();
    let help = dir.unico_ok(&["import", "--help"], 0).stdout;
    for expected in [
        "Exit codes: 0",
        "1 imported, but some rows were",
        "2 error: nothing imported",
        "Windows-1252",
        "JSON Lines",
    ] {
        assert!(help.contains(expected), "{expected:?} missing from:\n{help}");
    }
}

#[test]
fn a_large_file_is_split_and_written_in_chunks_and_nothing_is_lost() {
    // More rows than one chunk of the importer (65,536): a row with a field too many in the
    // second chunk, and the first row's NNU again at the end.
    let n = 70_000;
    let mut lines = vec![HEADER.to_string()];
    for i in 0..n {
        let line = format!(
            "{},Pessoa de Teste,F,1980-03-12,PT,PT,,,,U110601,,atualizado,",
            100_000_001 + i
        );
        lines.push(if i == 66_000 { format!("{line},a mais") } else { line });
    }
    lines.push("100000001,Outra Vez,F,1980-03-12,PT,PT,,,,U110601,,atualizado,".to_string());
    let dir = Dir::new();
    let file = dir.write("grande.csv", lines.join("\n"));
    let run = dir.unico_ok(&["import", file.to_str().unwrap()], 1);
    for expected in [
        "grande.csv:66002: row: ",
        "14 fields where the header has 13",
        "grande.csv:70002: sns_number: \"100000001\": NNU 100000001 is also on line 2",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.contains("70001 rows read"), "{}", run.stdout);
    assert!(run.stdout.contains("69999 imported"), "{}", run.stdout);
    assert!(run.stdout.contains("2 rejected"), "{}", run.stdout);
    assert_eq!(dir.n_records(), 69_999);
    // Records take ids in line order, across chunks.
    let (first, last): (String, String) = dir
        .database()
        .query_row(
            "SELECT (SELECT sns_number FROM records ORDER BY id LIMIT 1),
                    (SELECT sns_number FROM records ORDER BY id DESC LIMIT 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((first.as_str(), last.as_str()), ("100000001", "100070000"));
}
