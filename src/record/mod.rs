//! The patient record as the registry holds it, and the values it is made of.
//!
//! Consumes nothing; produces the types every stage shares: [`PatientRecord`], [`RecordId`],
//! [`Nnu`], [`Nif`], [`Date`], [`Country`], [`RegistrationType`].
//!
//! **Invariant:** a value that was typed but is not valid (an impossible date, a NIF that fails
//! its check digit, an unknown country) is kept as typed in [`Value::Invalid`]: it is shown to
//! people, never used as evidence by the comparisons, and never silently dropped.

pub mod country;
pub mod date;
pub mod divisions;
pub mod ids;
pub mod normalize;

pub use country::Country;
pub use date::Date;
pub use ids::{Nif, Nnu};

use std::fmt;

/// The canonical field names of a record, in the order of the canonical CSV header.
pub const FIELDS: [&str; 13] = [
    "sns_number",
    "full_name",
    "sex",
    "birth_date",
    "nationality",
    "birth_country",
    "birth_district",
    "birth_municipality",
    "birth_parish",
    "registration_unit",
    "nif",
    "registration_type",
    "death_date",
];

/// Row id of a record in our store. Not a registry number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub u32);

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A field value that may be missing, valid, or typed but invalid (kept as typed).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Value<T> {
    /// Nothing was typed.
    #[default]
    Missing,
    /// A valid value.
    Valid(T),
    /// Typed but not valid: the text as typed.
    Invalid(String),
}

impl<T> Value<T> {
    /// The valid value, if any: what comparisons use.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Value::Valid(value) => Some(value),
            _ => None,
        }
    }

    /// True when nothing was typed.
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }
}

impl<T: fmt::Display> Value<T> {
    /// The value as shown and stored: the valid value formatted, or the invalid text as typed.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Missing => None,
            Value::Valid(value) => Some(value.to_string()),
            Value::Invalid(text) => Some(text.clone()),
        }
    }
}

/// Sex as registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Masculino.
    M,
    /// Feminino.
    F,
}

impl Sex {
    /// Parses `M`, `F`, `masculino`, `feminino`, `male`, `female` (any case).
    pub fn parse(text: &str) -> Option<Sex> {
        match text {
            "M" => return Some(Sex::M),
            "F" => return Some(Sex::F),
            _ => {}
        }
        match normalize::fold(text.trim()).as_str() {
            "m" | "masculino" | "male" | "h" | "homem" => Some(Sex::M),
            "f" | "feminino" | "female" | "mulher" => Some(Sex::F),
            _ => None,
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::M => "M",
            Sex::F => "F",
        })
    }
}

/// Registration type (seeds/004): what the registry knows about the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistrationType {
    /// Registo atualizado: every mandatory field filled.
    Atualizado,
    /// Registo em curso: mandatory data missing, less than 180 days old.
    EmCurso,
    /// Registo incompleto: mandatory data still missing after 180 days.
    Incompleto,
    /// Registo em histórico: deceased.
    Historico,
}

impl RegistrationType {
    /// All four, in the registry's order.
    pub const ALL: [RegistrationType; 4] = [
        RegistrationType::Atualizado,
        RegistrationType::EmCurso,
        RegistrationType::Incompleto,
        RegistrationType::Historico,
    ];

    /// The stored code (`atualizado`, `em_curso`, `incompleto`, `historico`).
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationType::Atualizado => "atualizado",
            RegistrationType::EmCurso => "em_curso",
            RegistrationType::Incompleto => "incompleto",
            RegistrationType::Historico => "historico",
        }
    }

    /// As people say it: `atualizado`, `em curso`, `incompleto`, `em histórico`.
    pub fn label(self) -> &'static str {
        match self {
            RegistrationType::Atualizado => "atualizado",
            RegistrationType::EmCurso => "em curso",
            RegistrationType::Incompleto => "incompleto",
            RegistrationType::Historico => "em histórico",
        }
    }

    /// Parses the code or its Portuguese wording (`Registo em curso`, `em histórico` …).
    pub fn parse(text: &str) -> Option<RegistrationType> {
        if let Some(kind) = RegistrationType::ALL.into_iter().find(|kind| kind.as_str() == text) {
            return Some(kind);
        }
        let folded = normalize::fold(text.trim()).replace(['_', '-'], " ");
        let folded = folded.strip_prefix("registo ").unwrap_or(&folded).trim();
        match folded {
            "atualizado" | "actualizado" => Some(RegistrationType::Atualizado),
            "em curso" | "curso" => Some(RegistrationType::EmCurso),
            "incompleto" => Some(RegistrationType::Incompleto),
            "historico" | "em historico" => Some(RegistrationType::Historico),
            _ => None,
        }
    }
}

impl fmt::Display for RegistrationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Record status: active, or merged into a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// In use.
    Active,
    /// Merged into the principal `merged_into`; kept, never deleted.
    Merged,
}

/// A patient record (ficha de utente), as imported and stored.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientRecord {
    /// Store row id (`RecordId(0)` before the record is stored).
    pub id: RecordId,
    /// Número Nacional de Utente.
    pub sns_number: Nnu,
    /// Nome completo, as registered.
    pub full_name: String,
    /// Sexo.
    pub sex: Value<Sex>,
    /// Data de nascimento.
    pub birth_date: Value<Date>,
    /// País de nacionalidade.
    pub nationality: Value<Country>,
    /// País de naturalidade.
    pub birth_country: Value<Country>,
    /// Distrito of birth (people born in Portugal), as typed.
    pub birth_district: Option<String>,
    /// Concelho of birth, as typed.
    pub birth_municipality: Option<String>,
    /// Freguesia of birth, as typed.
    pub birth_parish: Option<String>,
    /// Local de inscrição: the health unit's institution code.
    pub registration_unit: Option<String>,
    /// Número de identificação fiscal.
    pub nif: Value<Nif>,
    /// Tipo de registo.
    pub registration_type: Value<RegistrationType>,
    /// Data de óbito.
    pub death_date: Value<Date>,
}

impl PatientRecord {
    /// A record with only its number and name, every other field missing.
    pub fn new(sns_number: Nnu, full_name: impl Into<String>) -> PatientRecord {
        PatientRecord {
            id: RecordId(0),
            sns_number,
            full_name: full_name.into(),
            sex: Value::Missing,
            birth_date: Value::Missing,
            nationality: Value::Missing,
            birth_country: Value::Missing,
            birth_district: None,
            birth_municipality: None,
            birth_parish: None,
            registration_unit: None,
            nif: Value::Missing,
            registration_type: Value::Missing,
            death_date: Value::Missing,
        }
    }

    /// The names of the fields holding an invalid value, in canonical order.
    pub fn invalid_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let checks: [(&'static str, bool); 7] = [
            ("sex", matches!(self.sex, Value::Invalid(_))),
            ("birth_date", matches!(self.birth_date, Value::Invalid(_))),
            ("nationality", matches!(self.nationality, Value::Invalid(_))),
            ("birth_country", matches!(self.birth_country, Value::Invalid(_))),
            ("nif", matches!(self.nif, Value::Invalid(_))),
            ("registration_type", matches!(self.registration_type, Value::Invalid(_))),
            ("death_date", matches!(self.death_date, Value::Invalid(_))),
        ];
        for (field, invalid) in checks {
            if invalid {
                fields.push(field);
            }
        }
        fields
    }
}

/// A field's name as the registry's people know it (pt-PT).
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
