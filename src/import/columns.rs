//! The columns of a registry file and the header names they go by (English canonical names
//! and Portuguese aliases).

use crate::record::normalize::fold;

/// A column the registry models, in canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// NNU.
    SnsNumber,
    /// Nome completo.
    FullName,
    /// Sexo.
    Sex,
    /// Data de nascimento.
    BirthDate,
    /// País de nacionalidade.
    Nationality,
    /// País de naturalidade.
    BirthCountry,
    /// Distrito.
    BirthDistrict,
    /// Concelho.
    BirthMunicipality,
    /// Freguesia.
    BirthParish,
    /// Local de inscrição.
    RegistrationUnit,
    /// NIF.
    Nif,
    /// Tipo de registo.
    RegistrationType,
    /// Data de óbito.
    DeathDate,
}

impl Column {
    /// All, in canonical order.
    pub const ALL: [Column; 13] = [
        Column::SnsNumber,
        Column::FullName,
        Column::Sex,
        Column::BirthDate,
        Column::Nationality,
        Column::BirthCountry,
        Column::BirthDistrict,
        Column::BirthMunicipality,
        Column::BirthParish,
        Column::RegistrationUnit,
        Column::Nif,
        Column::RegistrationType,
        Column::DeathDate,
    ];

    /// The canonical header name.
    pub fn name(self) -> &'static str {
        self.aliases()[0]
    }

    /// The Portuguese header name of DESIGN.md.
    pub fn portuguese_name(self) -> &'static str {
        self.aliases()[1]
    }

    /// Accepted header names, folded: canonical first, then DESIGN.md's Portuguese alias,
    /// then other spellings seen in exports.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::SnsNumber => &[
                "sns_number",
                "numero_utente",
                "nnu",
                "numero_de_utente",
                "n_utente",
                "n_de_utente",
                "n_utente_sns",
                "no_utente",
                "num_utente",
                "numero_nacional_de_utente",
                "numero_utente_sns",
                "utente",
            ],
            Column::FullName => &["full_name", "nome_completo", "nome", "name"],
            Column::Sex => &["sex", "sexo", "genero"],
            Column::BirthDate => &[
                "birth_date",
                "data_nascimento",
                "data_de_nascimento",
                "dt_nascimento",
                "nascimento",
            ],
            Column::Nationality => &[
                "nationality",
                "nacionalidade",
                "pais_nacionalidade",
                "pais_de_nacionalidade",
            ],
            Column::BirthCountry => &[
                "birth_country",
                "pais_naturalidade",
                "pais_de_naturalidade",
                "naturalidade",
            ],
            Column::BirthDistrict => &[
                "birth_district",
                "distrito",
                "distrito_naturalidade",
                "distrito_de_naturalidade",
            ],
            Column::BirthMunicipality => &[
                "birth_municipality",
                "concelho",
                "concelho_naturalidade",
                "concelho_de_naturalidade",
            ],
            Column::BirthParish => &[
                "birth_parish",
                "freguesia",
                "freguesia_naturalidade",
                "freguesia_de_naturalidade",
            ],
            Column::RegistrationUnit => &[
                "registration_unit",
                "local_inscricao",
                "local_de_inscricao",
                "unidade_de_saude",
                "unidade",
            ],
            Column::Nif => &[
                "nif",
                "numero_contribuinte",
                "contribuinte",
                "numero_de_identificacao_fiscal",
            ],
            Column::RegistrationType => &["registration_type", "tipo_registo", "tipo_de_registo"],
            Column::DeathDate => &["death_date", "data_obito", "data_de_obito", "obito"],
        }
    }

    /// The column a header names, if any: case, accents, spaces and punctuation do not matter
    /// (`Nº Utente`, `Data de Nascimento`, `NOME_COMPLETO`).
    pub fn from_header(header: &str) -> Option<Column> {
        let mut key = String::with_capacity(header.len());
        for c in fold(header.trim()).chars() {
            if c.is_ascii_alphanumeric() {
                key.push(c);
            } else if !key.ends_with('_') && !key.is_empty() && c != 'º' && c != 'ª' && c != '.' {
                key.push('_');
            }
        }
        let key = key.trim_end_matches('_');
        Column::ALL.into_iter().find(|column| column.aliases().contains(&key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        for (header, expected) in [
            ("sns_number", Some(Column::SnsNumber)),
            ("numero_utente", Some(Column::SnsNumber)),
            ("Nº Utente", Some(Column::SnsNumber)),
            ("N.º de Utente", Some(Column::SnsNumber)),
            ("Nome Completo", Some(Column::FullName)),
            ("DATA_NASCIMENTO", Some(Column::BirthDate)),
            ("Data de Nascimento", Some(Column::BirthDate)),
            ("País de naturalidade", Some(Column::BirthCountry)),
            ("Local de Inscrição", Some(Column::RegistrationUnit)),
            ("tipo_registo", Some(Column::RegistrationType)),
            ("data_obito", Some(Column::DeathDate)),
            ("cluster_id", None),
            ("morada", None),
        ] {
            assert_eq!(Column::from_header(header), expected, "{header}");
        }
    }
}
