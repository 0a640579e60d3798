//! Who may do what: the profiles of the registry's source documents, each user's institutions,
//! and the checks every decision and every view of a record goes through.
//!
//! Consumes users (from the store) and records; produces [`Actor`]s and refusals. Pure: no
//! database, no printing.
//!
//! **Invariants:**
//! - only Supervisor and Manutenção Utente / Resolução de Duplicados decide, and only on
//!   records registered in their institutions; Centro de Suporte decides anywhere but only
//!   against a ticket;
//! - a disabled user can do nothing;
//! - batch commands act as [`Actor::System`] (the operating-system account), never as a person.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{Result, UserError};
use crate::record::normalize::fold;
use crate::record::PatientRecord;

/// An access profile (WebRNU's, plus the service desk's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Primary care: Supervisor.
    Supervisor,
    /// Primary care: Administrativo.
    Administrativo,
    /// Primary care: Consulta.
    Consulta,
    /// Primary care: Contratualização.
    Contratualizacao,
    /// Primary care: Manutenção Utente / Resolução de Duplicados.
    ResolucaoDuplicados,
    /// Hospitals: Consulta.
    HospitalConsulta,
    /// Hospitals: Edição.
    HospitalEdicao,
    /// The registry operator's service desk: national scope, acts on tickets.
    CentroSuporte,
}

impl Profile {
    /// Every profile, in the order of the source documents.
    pub const ALL: [Profile; 8] = [
        Profile::Supervisor,
        Profile::Administrativo,
        Profile::Consulta,
        Profile::Contratualizacao,
        Profile::ResolucaoDuplicados,
        Profile::HospitalConsulta,
        Profile::HospitalEdicao,
        Profile::CentroSuporte,
    ];

    /// The code stored in the database and accepted by `--profile`.
    pub fn code(self) -> &'static str {
        match self {
            Profile::Supervisor => "supervisor",
            Profile::Administrativo => "administrativo",
            Profile::Consulta => "consulta",
            Profile::Contratualizacao => "contratualizacao",
            Profile::ResolucaoDuplicados => "resolucao_duplicados",
            Profile::HospitalConsulta => "hospital_consulta",
            Profile::HospitalEdicao => "hospital_edicao",
            Profile::CentroSuporte => "centro_suporte",
        }
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Profile::Supervisor => "Supervisor",
            Profile::Administrativo => "Administrativo",
            Profile::Consulta => "Consulta",
            Profile::Contratualizacao => "Contratualização",
            Profile::ResolucaoDuplicados => "Manutenção Utente / Resolução de Duplicados",
            Profile::HospitalConsulta => "Consulta (hospital)",
            Profile::HospitalEdicao => "Edição (hospital)",
            Profile::CentroSuporte => "Centro de Suporte",
        }
    }

    /// Reads a code or a name, ignoring case, accents and punctuation ("Manutenção Utente /
    /// Resolução de Duplicados", "resolucao_duplicados", "Centro de Suporte").
    pub fn parse(text: &str) -> Option<Profile> {
        let key: String = fold(text).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        Profile::ALL.into_iter().find(|profile| {
            let code: String = profile.code().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let label: String = fold(profile.label())
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            key == code || key == label || (*profile == Profile::ResolucaoDuplicados && key == "resolucaodeduplicados")
        })
    }

    /// May approve, reject and defer candidates, merge and unmerge.
    pub fn decides(self) -> bool {
        matches!(
            self,
            Profile::Supervisor | Profile::ResolucaoDuplicados | Profile::CentroSuporte
        )
    }

    /// Sees every institution's records.
    pub fn national(self) -> bool {
        self == Profile::CentroSuporte
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A person who uses Único.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Access profile.
    pub profile: Profile,
    /// Institution codes (health units) whose records the user works on.
    pub institutions: Vec<String>,
    /// A disabled user can do nothing.
    pub disabled: bool,
}

impl User {
    /// True when the user works on records registered in `unit`.
    pub fn covers(&self, unit: Option<&str>) -> bool {
        self.profile.national() || unit.is_some_and(|unit| self.institutions.iter().any(|i| i == unit))
    }
}

/// Who takes an action: a person, or the operating-system account of a batch command.
#[derive(Clone, Debug)]
pub enum Actor {
    /// A registered user.
    Person(User),
    /// A batch command run by the server's operator.
    System(String),
}

impl Actor {
    /// The name written in the audit log.
    pub fn name(&self) -> &str {
        match self {
            Actor::Person(user) => &user.username,
            Actor::System(account) => account,
        }
    }

    /// "person" or "system", as the audit log stores it.
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Person(_) => "person",
            Actor::System(_) => "system",
        }
    }
}

/// What a person wants to do with records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Read a patient's data.
    View,
    /// Approve, reject, defer, merge or unmerge.
    Decide,
}

/// Checks that `user` may act on every one of `records`; the refusal names the first record
/// (and its unit) that is out of reach, or what the profile lacks.
pub fn check(user: &User, permission: Permission, records: &[&PatientRecord], ticket: Option<&str>) -> Result<()> {
    check_profile(user, permission, ticket)?;
    for record in records {
        let unit = record.registration_unit.as_deref();
        if user.covers(unit) {
            continue;
        }
        // A decision's refusal names the unit (the supervisor must know whom to ask); a read's
        // does not, or asking for any NNU would tell where anyone is registered.
        if permission == Permission::View {
            return Err(refused(format!(
                "o utente {} não está inscrito nas instituições de {}",
                record.sns_number, user.username
            )));
        }
        return Err(refused(format!(
            "o utente {} está inscrito em {}, fora das instituições de {} ({})",
            record.sns_number,
            unit.unwrap_or("(sem local de inscrição)"),
            user.username,
            if user.institutions.is_empty() {
                "nenhuma".to_string()
            } else {
                user.institutions.join(", ")
            }
        )));
    }
    Ok(())
}

/// Checks what the profile allows, whatever the records.
pub fn check_profile(user: &User, permission: Permission, ticket: Option<&str>) -> Result<()> {
    if user.disabled {
        return Err(refused(format!("o utilizador {} está desativado", user.username)));
    }
    if permission == Permission::Decide {
        if !user.profile.decides() {
            return Err(refused(format!(
                "o perfil {} de {} não permite aprovar, rejeitar ou fundir registos \
                 (só Supervisor e Manutenção Utente / Resolução de Duplicados)",
                user.profile, user.username
            )));
        }
        if user.profile == Profile::CentroSuporte && ticket.is_none_or(|t| t.trim().is_empty()) {
            return Err(refused(format!(
                "o Centro de Suporte só decide no âmbito de um pedido: indique o número do pedido (utilizador {})",
                user.username
            )));
        }
    }
    Ok(())
}

/// A refusal: the request is understood but not allowed.
pub fn refused(message: String) -> crate::error::Error {
    UserError::Refused(message).into()
}

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| crate::error::Error::Internal(format!("no random source: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| crate::error::Error::Internal(format!("password hashing: {e}")))
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Nnu;

    fn user(profile: Profile, institutions: &[&str]) -> User {
        User {
            username: "ana".into(),
            full_name: "Ana Teste".into(),
            profile,
            institutions: institutions.iter().map(|s| s.to_string()).collect(),
            disabled: false,
        }
    }

    fn record(nnu: u32, unit: Option<&str>) -> PatientRecord {
        let mut record = PatientRecord::new(Nnu::from_u32(nnu).unwrap(), "Maria Silva");
        record.registration_unit = unit.map(str::to_string);
        record
    }

    #[test]
    fn profiles_parse_from_codes_and_names() {
        for profile in Profile::ALL {
            assert_eq!(Profile::parse(profile.code()), Some(profile));
            assert_eq!(Profile::parse(profile.label()), Some(profile));
        }
        assert_eq!(
            Profile::parse("MANUTENCAO UTENTE / RESOLUCAO DE DUPLICADOS"),
            Some(Profile::ResolucaoDuplicados)
        );
        assert_eq!(Profile::parse("Contratualizacao"), Some(Profile::Contratualizacao));
        assert_eq!(Profile::parse("chefe"), None);
    }

    #[test]
    fn decisions_need_the_profile_and_every_institution() {
        let (a, b, none) = (
            record(100000001, Some("U1")),
            record(100000002, Some("U2")),
            record(100000003, None),
        );
        let supervisor = user(Profile::Supervisor, &["U1"]);
        assert!(check(&supervisor, Permission::Decide, &[&a], None).is_ok());
        let refusal = check(&supervisor, Permission::Decide, &[&a, &b], None)
            .unwrap_err()
            .to_string();
        assert!(refusal.contains("100000002") && refusal.contains("U2"), "{refusal}");
        assert!(check(&supervisor, Permission::Decide, &[&none], None).is_err());
        let clerk = user(Profile::Administrativo, &["U1"]);
        assert!(check(&clerk, Permission::View, &[&a], None).is_ok());
        assert!(check(&clerk, Permission::Decide, &[&a], None).is_err());
        let desk = user(Profile::CentroSuporte, &[]);
        assert!(check(&desk, Permission::Decide, &[&a, &b, &none], None).is_err());
        assert!(check(&desk, Permission::Decide, &[&a, &b, &none], Some("INC-1")).is_ok());
        let mut disabled = user(Profile::Supervisor, &["U1"]);
        disabled.disabled = true;
        assert!(check(&disabled, Permission::View, &[&a], None).is_err());
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let phc = hash_password("segredo-123").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("segredo-123", &phc));
        assert!(!verify_password("segredo-124", &phc));
        assert_ne!(phc, hash_password("segredo-123").unwrap(), "salted");
    }
}
