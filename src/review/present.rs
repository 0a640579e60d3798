//! What people read about records and pairs, the same on the command line and on the web:
//! field names in Portuguese, values as typed (invalid ones marked), the reasons for a score.

use crate::comparison::{ComparisonVectorValue, COMPARISONS};
use crate::record::PatientRecord;

pub use crate::record::field_label;

/// A record's fields as shown: value, or "—" when empty, and "(inválido)" after an invalid one.
pub fn shown_fields(record: &PatientRecord) -> Vec<String> {
    let invalid = record.invalid_fields();
    crate::store::records::field_texts(record)
        .into_iter()
        .zip(crate::record::FIELDS)
        .map(|(value, field)| match value.map(|v| v.into_owned()) {
            None => "—".to_string(),
            Some(value) if invalid.contains(&field) => format!("{value} (inválido)"),
            Some(value) if field == "registration_type" => {
                crate::record::RegistrationType::parse(&value).map_or(value, |t| t.label().to_string())
            }
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

/// A comparison's name in Portuguese.
pub fn comparison_label(name: &str) -> &str {
    match name {
        "full_name" => "nome completo",
        "given_name" => "primeiro nome",
        "birth_date" => "data de nascimento",
        "birthplace" => "naturalidade",
        "nif" => "NIF",
        "sex" => "sexo",
        "suffix" => "sufixo (Júnior, Filho…)",
        "newborn" => "recém-nascido (RN de…)",
        other => other,
    }
}

/// A comparison level's label in Portuguese.
pub fn level_label(label: &str) -> &str {
    match label {
        "exact" => "igual",
        "same tokens, spelling variants" => "mesmos nomes, grafias diferentes",
        "one name contained in the other" => "um nome contido no outro",
        "most other tokens agree" => "a maioria dos nomes coincide",
        "two or more other tokens agree" => "dois ou mais nomes coincidem",
        "one other token agrees" => "um nome coincide",
        "no other token agrees" => "nenhum nome coincide",
        "spelling variant" => "variante de grafia",
        "initial" => "inicial",
        "found elsewhere in the other name" => "presente noutra posição do nome",
        "same consonants" => "as mesmas consoantes (transliteração)",
        "different" => "diferente",
        "day and month swapped" => "dia e mês trocados",
        "year one off" => "ano diferente em um",
        "one digit off" => "um algarismo diferente",
        "placeholder 1 January, same year" => "1 de janeiro convencional, mesmo ano",
        "within five years" => "até cinco anos de diferença",
        "more than five years apart" => "mais de cinco anos de diferença",
        "same freguesia" => "mesma freguesia",
        "same concelho" => "mesmo concelho",
        "same distrito" => "mesmo distrito",
        "same country" => "mesmo país",
        "same suffix" => "mesmo sufixo",
        "different or only one" => "diferente ou só num",
        "a surname of the mother in the name" => "apelido da mãe no nome",
        "no name in common" => "nenhum nome em comum",
        other => other,
    }
}

/// The reasons for a score in Portuguese, strongest first, as supervisors read them.
pub fn reasons_pt(gamma: &[ComparisonVectorValue], partial_weights: &[f64]) -> String {
    let mut rows: Vec<(f64, String)> = labelled_weights(gamma, partial_weights)
        .into_iter()
        .map(|(label, w)| (w, format!("{label} ({w:+.1})")))
        .collect();
    rows.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    rows.into_iter().map(|(_, text)| text).collect::<Vec<_>>().join(", ")
}

/// Each comparison that gave evidence, as "comparison: level" in Portuguese, with its weight,
/// in the model's order.
pub fn labelled_weights(gamma: &[ComparisonVectorValue], partial_weights: &[f64]) -> Vec<(String, f64)> {
    COMPARISONS
        .iter()
        .zip(gamma.iter().zip(partial_weights))
        .filter(|(_, (g, _))| !g.is_null())
        .map(|(comparison, (g, w))| {
            let label = comparison.level(*g).map_or("?", |l| l.label);
            (
                format!("{}: {}", comparison_label(comparison.name), level_label(label)),
                *w,
            )
        })
        .collect()
}

/// What a reviewer reads about a pair rejected earlier that a scan proposes again.
pub fn raised_again_pt(rejected_at: &str) -> String {
    format!(
        "rejeitado antes, em {}, como pessoas diferentes; proposto de novo porque um campo comparado mudou desde então",
        &rejected_at[..10.min(rejected_at.len())]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every level of every comparison has its Portuguese label.
    #[test]
    fn every_label_is_translated() {
        for comparison in &COMPARISONS {
            assert_ne!(
                comparison_label(comparison.name),
                comparison.name,
                "{}",
                comparison.name
            );
            for level in comparison.levels {
                assert_ne!(
                    level_label(level.label),
                    level.label,
                    "{}: {}",
                    comparison.name,
                    level.label
                );
            }
        }
    }
}
