//! What people read about records and pairs, the same on the command line and on the web:
//! field names in Portuguese, values as typed (invalid ones marked), the reasons for a score.

use crate::comparison::{ComparisonVectorValue, COMPARISONS};
use crate::record::PatientRecord;

/// A field's name as the registry's people know it.
pub fn field_label(field: &str) -> &str {
    match field {
        "sns_number" => "NNU",
        "full_name" => "Nome completo",
        "sex" => "Sexo",
        "birth_date" => "Data de nascimento",
        "nationality" => "Nacionalidade",
        "birth_country" => "País de naturalidade",
        "birth_district" => "Distrito",
        "birth_municipality" => "Concelho",
        "birth_parish" => "Freguesia",
        "registration_unit" => "Local de inscrição",
        "nif" => "NIF",
        "registration_type" => "Tipo de registo",
        "death_date" => "Data de óbito",
        other => other,
    }
}

/// A record's fields as shown: value, or "—" when empty, and "(inválido)" after an invalid one.
pub fn shown_fields(record: &PatientRecord) -> Vec<String> {
    let invalid = record.invalid_fields();
    crate::store::records::field_texts(record)
        .into_iter()
        .zip(crate::record::FIELDS)
        .map(|(value, field)| match value {
            None => "—".to_string(),
            Some(value) if invalid.contains(&field) => format!("{value} (inválido)"),
            Some(value) => value,
        })
        .collect()
}

/// The reasons for a score, strongest first: `birth_date exact (+14.2), full_name exact (+12.0) …`.
pub fn reasons(gamma: &[ComparisonVectorValue], partial_weights: &[f64]) -> String {
    let mut rows: Vec<(f64, String)> = COMPARISONS
        .iter()
        .zip(gamma.iter().zip(partial_weights))
        .filter(|(_, (g, _))| !g.is_null())
        .map(|(comparison, (g, w))| {
            let label = comparison.level(*g).map_or("?", |l| l.label);
            (*w, format!("{} {label} ({w:+.1})", comparison.name))
        })
        .collect();
    rows.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    rows.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(", ")
}
