//! The merge rules of DESIGN.md §Merge, as pure functions on records: what a merge would make of
//! the principal, why it must be refused, and which record to suggest as principal.
//!
//! Consumes records; produces a [`MergePlan`] (the principal after the merge and each field
//! filled) or a refusal. The store applies a plan in one transaction (`store/merges.rs`).
//!
//! **Invariants:**
//! - the principal keeps its NNU and every valid value; only a missing (or invalid) principal
//!   value is filled, from the first duplicate with a valid one, and every fill is listed;
//! - the birthplace (distrito, concelho, freguesia) is filled only from a duplicate whose known
//!   parts agree with the principal's, so a merge never makes a place that does not exist;
//! - the registration type is recomputed: historico when deceased, atualizado when an em curso
//!   or incompleto record now has every mandatory field (seeds/004).

use std::fmt::Display;

use crate::access::refused;
use crate::error::Result;
use crate::record::normalize::fold;
use crate::record::{Country, Nnu, PatientRecord, RegistrationType, Status, Value};
use crate::store::records::StoredRecord;

/// One principal field filled from a duplicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fill {
    /// Canonical field name.
    pub field: &'static str,
    /// The principal's value before (`None`: empty; else an invalid value as typed).
    pub old_value: Option<String>,
    /// The value it got.
    pub new_value: String,
    /// The duplicate it came from.
    pub from: Nnu,
}

/// What a merge makes of the principal.
#[derive(Clone, Debug)]
pub struct MergePlan {
    /// The principal as it will be.
    pub principal: PatientRecord,
    /// The fields filled from duplicates (the registration type included when it changes).
    pub fills: Vec<Fill>,
}

/// The principal after merging `duplicates` into it, in their order.
pub fn plan(principal: &PatientRecord, duplicates: &[&PatientRecord]) -> MergePlan {
    let mut merged = principal.clone();
    let mut fills = Vec::new();
    for duplicate in duplicates {
        let from = duplicate.sns_number;
        fill_value("sex", &mut merged.sex, &duplicate.sex, from, &mut fills);
        fill_value(
            "birth_date",
            &mut merged.birth_date,
            &duplicate.birth_date,
            from,
            &mut fills,
        );
        fill_value(
            "nationality",
            &mut merged.nationality,
            &duplicate.nationality,
            from,
            &mut fills,
        );
        fill_value(
            "birth_country",
            &mut merged.birth_country,
            &duplicate.birth_country,
            from,
            &mut fills,
        );
        fill_birthplace(&mut merged, duplicate, &mut fills);
        fill_text(
            "registration_unit",
            &mut merged.registration_unit,
            &duplicate.registration_unit,
            from,
            &mut fills,
        );
        fill_value("nif", &mut merged.nif, &duplicate.nif, from, &mut fills);
        fill_value(
            "death_date",
            &mut merged.death_date,
            &duplicate.death_date,
            from,
            &mut fills,
        );
    }
    let recomputed = registration_type_of(&merged);
    if merged.registration_type != recomputed {
        if let Some(new_value) = recomputed.to_text() {
            fills.push(Fill {
                field: "registration_type",
                old_value: merged.registration_type.to_text(),
                new_value,
                from: duplicates.first().map_or(principal.sns_number, |d| d.sns_number),
            });
        }
        merged.registration_type = recomputed;
    }
    MergePlan {
        principal: merged,
        fills,
    }
}

fn fill_value<T: Clone + Display>(
    field: &'static str,
    principal: &mut Value<T>,
    duplicate: &Value<T>,
    from: Nnu,
    fills: &mut Vec<Fill>,
) {
    if principal.valid().is_some() {
        return;
    }
    if let Value::Valid(value) = duplicate {
        fills.push(Fill {
            field,
            old_value: principal.to_text(),
            new_value: value.to_string(),
            from,
        });
        *principal = Value::Valid(value.clone());
    }
}

fn fill_text(
    field: &'static str,
    principal: &mut Option<String>,
    duplicate: &Option<String>,
    from: Nnu,
    fills: &mut Vec<Fill>,
) {
    if let (None, Some(value)) = (&principal, duplicate) {
        fills.push(Fill {
            field,
            old_value: None,
            new_value: value.clone(),
            from,
        });
        *principal = Some(value.clone());
    }
}

/// Fills missing parts of the birthplace only when every part both records know agrees.
fn fill_birthplace(principal: &mut PatientRecord, duplicate: &PatientRecord, fills: &mut Vec<Fill>) {
    let agree = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => fold(a.trim()) == fold(b.trim()),
        _ => true,
    };
    if !(agree(&principal.birth_district, &duplicate.birth_district)
        && agree(&principal.birth_municipality, &duplicate.birth_municipality)
        && agree(&principal.birth_parish, &duplicate.birth_parish))
    {
        return;
    }
    let from = duplicate.sns_number;
    fill_text(
        "birth_district",
        &mut principal.birth_district,
        &duplicate.birth_district,
        from,
        fills,
    );
    fill_text(
        "birth_municipality",
        &mut principal.birth_municipality,
        &duplicate.birth_municipality,
        from,
        fills,
    );
    fill_text(
        "birth_parish",
        &mut principal.birth_parish,
        &duplicate.birth_parish,
        from,
        fills,
    );
}

/// The registration type a record's data gives it: historico when a death date is set;
/// atualizado when an em curso or incompleto (or untyped) record has every mandatory field
/// (seeds/004: name, sex, birth date, nationality, birth country, and distrito, concelho and
/// freguesia when born in Portugal); otherwise unchanged.
pub fn registration_type_of(record: &PatientRecord) -> Value<RegistrationType> {
    if !record.death_date.is_missing() {
        return Value::Valid(RegistrationType::Historico);
    }
    let pending = matches!(
        record.registration_type,
        Value::Missing | Value::Valid(RegistrationType::EmCurso | RegistrationType::Incompleto)
    );
    if pending && mandatory_fields_complete(record) {
        return Value::Valid(RegistrationType::Atualizado);
    }
    record.registration_type.clone()
}

fn mandatory_fields_complete(record: &PatientRecord) -> bool {
    let born_in_portugal = record.birth_country.valid() == Some(&Country::PORTUGAL);
    !record.full_name.trim().is_empty()
        && record.sex.valid().is_some()
        && record.birth_date.valid().is_some()
        && record.nationality.valid().is_some()
        && record.birth_country.valid().is_some()
        && (!born_in_portugal
            || (record.birth_district.is_some()
                && record.birth_municipality.is_some()
                && record.birth_parish.is_some()))
}

/// Options that relax a rule.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides<'a> {
    /// Merge despite two different valid NIFs, or a pair rejected before (needs a reason).
    pub force: bool,
    /// The reason given.
    pub reason: Option<&'a str>,
}

impl Overrides<'_> {
    /// Lets a forcible rule pass when forced with a reason; else the refusal says how.
    pub fn allow(&self, problem: &str) -> Result<()> {
        if !self.force {
            return Err(refused(format!(
                "{problem}; para fundir mesmo assim, um supervisor força a fusão e indica o motivo"
            )));
        }
        if self.reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(refused(format!("{problem}: forçar a fusão exige um motivo")));
        }
        Ok(())
    }
}

/// Checks the rules that make a merge impossible; the message names the records. Returns true
/// when the merge passes only because it was forced (recorded with it).
pub fn check(principal: &StoredRecord, duplicates: &[StoredRecord], overrides: Overrides) -> Result<bool> {
    if duplicates.is_empty() {
        return Err(refused("indique pelo menos um duplicado (--duplicate NNU)".into()));
    }
    let p = &principal.record;
    if principal.status == Status::Merged {
        return Err(refused(format!(
            "o utente {} já foi fundido noutro registo: não pode ser principal",
            p.sns_number
        )));
    }
    for (i, duplicate) in duplicates.iter().enumerate() {
        let d = &duplicate.record;
        if d.id == p.id {
            return Err(refused(format!(
                "o utente {} não pode ser fundido consigo próprio",
                d.sns_number
            )));
        }
        if duplicates[..i].iter().any(|other| other.record.id == d.id) {
            return Err(refused(format!("o utente {} foi indicado duas vezes", d.sns_number)));
        }
        if duplicate.status == Status::Merged {
            return Err(refused(format!(
                "o utente {} já foi fundido noutro registo (desfaça essa fusão primeiro)",
                d.sns_number
            )));
        }
        let (p_dead, d_dead) = (!p.death_date.is_missing(), !d.death_date.is_missing());
        if p_dead != d_dead {
            let (dead, alive) = if p_dead { (p, d) } else { (d, p) };
            return Err(refused(format!(
                "o utente {} tem óbito registado e o utente {} não: é uma questão de registo de óbito \
                 (pedido de categoria E), não de duplicado",
                dead.sns_number, alive.sns_number
            )));
        }
    }
    // Two different valid NIFs anywhere in the merge, not only against the principal: a
    // principal without NIF would otherwise take one and lose the other.
    let everyone: Vec<&PatientRecord> = std::iter::once(p).chain(duplicates.iter().map(|d| &d.record)).collect();
    let mut forced = false;
    for (i, a) in everyone.iter().enumerate() {
        for b in &everyone[i + 1..] {
            if let (Some(x), Some(y)) = (a.nif.valid(), b.nif.valid()) {
                if x != y {
                    overrides.allow(&format!(
                        "os utentes {} e {} têm NIF válidos diferentes ({x} e {y})",
                        a.sns_number, b.sns_number
                    ))?;
                    forced = true;
                }
            }
        }
    }
    Ok(forced)
}

/// The record to suggest as principal, and why (DESIGN.md §Merge): registo atualizado before em
/// curso or incompleto, then the older record (the lower NNU: numbers are given in order), then
/// the more complete one.
pub fn suggested_principal(records: &[&PatientRecord]) -> Option<(usize, String)> {
    let rank = |r: &PatientRecord| match r.registration_type.valid() {
        Some(RegistrationType::Atualizado) => 0,
        Some(RegistrationType::Historico) => 1,
        Some(RegistrationType::EmCurso) => 2,
        Some(RegistrationType::Incompleto) => 3,
        None => 4,
    };
    let best = (0..records.len()).min_by_key(|&i| {
        (
            rank(records[i]),
            records[i].sns_number,
            usize::MAX - completeness(records[i]),
        )
    })?;
    let chosen = records[best];
    let others: Vec<&&PatientRecord> = records.iter().filter(|r| r.id != chosen.id).collect();
    let why = if others.iter().all(|o| rank(o) > rank(chosen)) {
        format!(
            "registo {} (os outros: {})",
            type_label(chosen),
            others.iter().map(|o| type_label(o)).collect::<Vec<_>>().join(", ")
        )
    } else {
        "registo mais antigo (número de utente mais baixo)".to_string()
    };
    Some((best, why))
}

fn type_label(record: &PatientRecord) -> &'static str {
    record.registration_type.valid().map_or("sem tipo", |t| t.label())
}

/// How many fields hold a valid value.
pub fn completeness(record: &PatientRecord) -> usize {
    [
        record.sex.valid().is_some(),
        record.birth_date.valid().is_some(),
        record.nationality.valid().is_some(),
        record.birth_country.valid().is_some(),
        record.birth_district.is_some(),
        record.birth_municipality.is_some(),
        record.birth_parish.is_some(),
        record.registration_unit.is_some(),
        record.nif.valid().is_some(),
    ]
    .into_iter()
    .filter(|&known| known)
    .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, Nif, Sex};

    fn record(nnu: u32, name: &str) -> PatientRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(nnu).unwrap(), name);
        record.id = crate::record::RecordId(nnu % 1000);
        record
    }

    fn stored(record: &PatientRecord) -> StoredRecord {
        StoredRecord {
            record: record.clone(),
            status: Status::Active,
            merged_into: None,
        }
    }

    /// A foreign citizen registered em curso, and the same person registered again with the data
    /// that was missing: the merge completes the principal and makes it atualizado.
    #[test]
    fn a_duplicate_completes_an_em_curso_principal() {
        let mut principal = record(200000001, "Oksana Kovalenko");
        principal.sex = Value::Valid(Sex::F);
        principal.registration_type = Value::Valid(RegistrationType::EmCurso);
        principal.nif = Value::Invalid("123456788".into());
        let mut duplicate = record(200000002, "Oksana Kovalenko");
        duplicate.sex = Value::Valid(Sex::M);
        duplicate.birth_date = Value::Valid(Date::new(1990, 4, 2).unwrap());
        duplicate.nationality = Country::from_alpha2("UA").map_or(Value::Missing, Value::Valid);
        duplicate.birth_country = duplicate.nationality.clone();
        duplicate.nif = Value::Valid(Nif::from_base(23456789));
        let plan = plan(&principal, &[&duplicate]);
        assert_eq!(
            plan.principal.sex,
            Value::Valid(Sex::F),
            "the principal keeps its values"
        );
        assert_eq!(plan.principal.birth_date, duplicate.birth_date);
        assert_eq!(plan.principal.nif, duplicate.nif, "a valid NIF replaces an invalid one");
        assert_eq!(
            plan.principal.registration_type,
            Value::Valid(RegistrationType::Atualizado)
        );
        let fields: Vec<&str> = plan.fills.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            ["birth_date", "nationality", "birth_country", "nif", "registration_type"]
        );
        assert_eq!(plan.fills[3].old_value.as_deref(), Some("123456788"));
    }

    #[test]
    fn a_birthplace_that_disagrees_is_not_mixed_in() {
        let mut principal = record(200000001, "Rui Costa");
        principal.birth_district = Some("Porto".into());
        let mut other_place = record(200000002, "Rui Costa");
        other_place.birth_district = Some("Braga".into());
        other_place.birth_municipality = Some("Guimarães".into());
        assert!(plan(&principal, &[&other_place]).fills.is_empty());
        let mut same_place = record(200000003, "Rui Costa");
        same_place.birth_district = Some("PORTO".into());
        same_place.birth_municipality = Some("Gaia".into());
        let plan = plan(&principal, &[&other_place, &same_place]);
        assert_eq!(plan.principal.birth_municipality.as_deref(), Some("Gaia"));
        assert_eq!(plan.principal.birth_district.as_deref(), Some("Porto"));
    }

    #[test]
    fn refusals_name_the_records() {
        let a = record(200000001, "Ana Sousa");
        let mut dead = record(200000002, "Ana Sousa");
        dead.death_date = Value::Valid(Date::new(2020, 1, 5).unwrap());
        let message = check(&stored(&a), &[stored(&dead)], Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(message.contains("200000002") && message.contains("óbito"), "{message}");
        assert!(check(&stored(&a), &[stored(&a)], Overrides::default()).is_err());
        let mut merged = stored(&record(200000003, "Ana Sousa"));
        merged.status = Status::Merged;
        assert!(check(&stored(&a), &[merged.clone()], Overrides::default()).is_err());
        assert!(check(&merged, &[stored(&a)], Overrides::default()).is_err());

        let (mut x, mut y) = (record(200000004, "Ana Sousa"), record(200000005, "Ana Sousa"));
        x.nif = Value::Valid(Nif::from_base(12345678));
        y.nif = Value::Valid(Nif::from_base(23456789));
        let message = check(&stored(&x), &[stored(&y)], Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(message.contains("NIF"), "{message}");
        let no_reason = Overrides {
            force: true,
            reason: None,
        };
        assert!(check(&stored(&x), &[stored(&y)], no_reason).is_err());
        let forced = Overrides {
            force: true,
            reason: Some("NIF errado no segundo registo, confirmado com o utente"),
        };
        assert!(check(&stored(&x), &[stored(&y)], forced).unwrap(), "recorded as forced");
    }

    #[test]
    fn the_suggested_principal_is_atualizado_then_older_then_more_complete() {
        let mut old_em_curso = record(100000001, "Ana");
        old_em_curso.registration_type = Value::Valid(RegistrationType::EmCurso);
        let mut atualizado = record(300000001, "Ana");
        atualizado.registration_type = Value::Valid(RegistrationType::Atualizado);
        let (i, why) = suggested_principal(&[&old_em_curso, &atualizado]).unwrap();
        assert_eq!(i, 1);
        assert!(why.contains("atualizado"), "{why}");
        let mut older = atualizado.clone();
        older.sns_number = Nnu::from_u32(200000001).unwrap();
        older.id = crate::record::RecordId(7);
        assert_eq!(suggested_principal(&[&atualizado, &older]).unwrap().0, 1);
    }
}
