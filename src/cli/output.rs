//! Text shown to people: records side by side, reasons, waterfalls.

use crate::comparison::{ComparisonVectorValue, COMPARISONS};
use crate::model::Waterfall;
use crate::record::PatientRecord;

/// One line per record: NNU, name, sex, birth date, birthplace, unit.
pub(crate) fn record_line(record: &PatientRecord) -> String {
    let text = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let birthplace = match (
        &record.birth_municipality,
        &record.birth_parish,
        record.birth_country.to_text(),
    ) {
        (Some(m), Some(p), _) => format!("{p}, {m}"),
        (Some(m), None, _) => m.clone(),
        (None, _, Some(country)) => country,
        _ => "—".into(),
    };
    format!(
        "{}  {:<40} {:<2} {:<10}  {:<30} {:<10} {}",
        record.sns_number,
        truncate(&record.full_name, 40),
        text(record.sex.to_text()),
        text(record.birth_date.to_text()),
        truncate(&birthplace, 30),
        text(record.registration_unit.clone()),
        text(record.registration_type.to_text()),
    )
}

pub(crate) use crate::record::field_label;

/// A record's fields as shown: value, or "—" when empty, and "(inválido)" after an invalid one.
pub(crate) fn shown_fields(record: &PatientRecord) -> Vec<String> {
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

/// An audit entry's details, ticket and reason, each when present: `  [merge 3]  pedido INC-1  motivo: …`.
pub(crate) fn entry_notes(entry: &crate::store::audit::AuditEntry) -> String {
    let mut notes = String::new();
    if let Some(details) = &entry.details {
        notes.push_str(&format!("  [{details}]"));
    }
    if let Some(ticket) = &entry.ticket {
        notes.push_str(&format!("  pedido {ticket}"));
    }
    if let Some(reason) = &entry.reason {
        notes.push_str(&format!("  motivo: {reason}"));
    }
    notes
}

pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

/// The reasons for a score, strongest first: `birth_date exact (+14.2), full_name exact (+12.0) …`.
pub(crate) fn reasons(gamma: &[ComparisonVectorValue], partial_weights: &[f64]) -> String {
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

/// The waterfall as a table.
pub(crate) fn waterfall_table(waterfall: &Waterfall) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<12} {:>2}  {:<36} {:>10} {:>10} {:>8} {:>9}\n",
        "comparison", "γ", "level", "m", "u", "weight", "cumul."
    ));
    let mut cumulative = 0.0;
    for row in &waterfall.rows {
        cumulative += row.match_weight;
        let number = |p: Option<f64>| p.map_or_else(|| "".to_string(), |p| format!("{p:.3e}"));
        out.push_str(&format!(
            "{:<12} {:>2}  {:<36} {:>10} {:>10} {:>+8.2} {:>+9.2}{}\n",
            row.comparison,
            if row.comparison == "prior" {
                String::new()
            } else {
                row.gamma.to_string()
            },
            row.label,
            number(row.m_probability),
            number(row.u_probability),
            row.match_weight,
            cumulative,
            if row.tf_adjusted {
                "  (u = frequency of the value)"
            } else {
                ""
            }
        ));
    }
    out.push_str(&format!(
        "final match weight {:+.2}, match probability {:.6}\n",
        waterfall.match_weight, waterfall.match_probability
    ));
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::comparison::{compare, ComparableRecord, TermFrequencies};
    use crate::model::Model;
    use crate::record::{Date, Nnu, RecordId, Sex, Value};

    fn record(id: u32, name: &str, date: &str) -> PatientRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(100_000_000 + id).unwrap(), name);
        record.id = RecordId(id);
        record.birth_date = Value::Valid(Date::parse(date).unwrap());
        record.sex = Value::Valid(Sex::F);
        record.birth_municipality = Some("Lisboa".into());
        record
    }

    #[test]
    fn waterfall_and_record_lines() {
        let a = record(1, "Maria da Conceição Silva", "1980-03-12");
        let b = record(2, "MARIA CONCEICAO SILVA", "1980-12-03");
        let vector = compare(
            &ComparableRecord::new(&a),
            &ComparableRecord::new(&b),
            &TermFrequencies::default(),
        );
        let waterfall = Model::default_for(100_000, 0.1).waterfall(&vector);
        expect![[r#"
            comparison    γ  level                                         m          u   weight    cumul.
            prior            λ = 2.000e-6                                                 -18.93    -18.93
            full_name     6  exact                                  4.500e-1   2.000e-6   +17.78     -1.15
            given_name   -1  null                                                          +0.00     -1.15
            birth_date    6  day and month swapped                  3.000e-2   3.000e-5    +9.97     +8.81
            birthplace    3  same concelho                          2.000e-1   1.000e-2    +4.32    +13.14
            nif          -1  null                                                          +0.00    +13.14
            sex           1  exact                                  9.800e-1   5.000e-1    +0.97    +14.11
            suffix       -1  null                                                          +0.00    +14.11
            newborn      -1  null                                                          +0.00    +14.11
            final match weight +14.11, match probability 0.999943
        "#]]
        .assert_eq(&waterfall_table(&waterfall));
        expect![[r#"100000001  Maria da Conceição Silva                 F  1980-03-12  Lisboa                         —          —"#]]
            .assert_eq(&record_line(&a));
    }
}
