//! The template of the service desk (seeds/000): its eleven categories, and the tolerant reading
//! of the fields of categories F and G.
//!
//! Tolerates what people type: "–", "-" or "—" in the subject, bullets (o, •, -, *), a label and
//! its value on one line or on two, the label's many spellings ("Número de Utente (SNS)",
//! "Nº Utente", "N.º de utente"), missing accents, every date format of [`Date::parse`], NNUs
//! with spaces or dots. Pure and total: any text gives a [`Request`].

use serde::{Deserialize, Serialize};

use crate::record::normalize::fold;
use crate::record::{Date, Nnu};

/// A category of the template (seeds/000, "Modelo de Comunicação").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    /// Criação de acesso ao WebRNU.
    A,
    /// Alteração de Perfil de acesso.
    B,
    /// Recuperação de Senha.
    C,
    /// Dificuldade na alteração dos dados de identificação de um Utente.
    D,
    /// Óbitos.
    E,
    /// Resolução de um Utente duplicado.
    F,
    /// Impossibilidade em encontrar / identificar um Utente.
    G,
    /// Código de ativação de inscrição.
    H,
    /// Erro na aplicação WebRNU.
    I,
    /// Outras questões.
    J,
    /// Indisponibilidade de WebRNU.
    K,
}

impl Category {
    /// Every category, in the template's order.
    pub const ALL: [Category; 11] = [
        Category::A,
        Category::B,
        Category::C,
        Category::D,
        Category::E,
        Category::F,
        Category::G,
        Category::H,
        Category::I,
        Category::J,
        Category::K,
    ];

    /// The letter.
    pub fn letter(self) -> char {
        (b'A' + Category::ALL.iter().position(|&c| c == self).unwrap_or(0) as u8) as char
    }

    /// Reads a letter.
    pub fn from_letter(text: &str) -> Option<Category> {
        let mut chars = text.trim().chars();
        match (chars.next(), chars.next()) {
            (Some(letter), None) => Category::ALL
                .into_iter()
                .find(|c| c.letter() == letter.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// The situation, as the template names it.
    pub fn title(self) -> &'static str {
        match self {
            Category::A => "Criação de acesso ao WebRNU",
            Category::B => "Alteração de Perfil de acesso ao WebRNU",
            Category::C => "Recuperação de Senha de acesso ao WebRNU",
            Category::D => "Dificuldade na alteração dos dados de identificação de um Utente",
            Category::E => "Óbitos",
            Category::F => "Resolução de um Utente duplicado",
            Category::G => "Impossibilidade em encontrar / identificar um Utente",
            Category::H => "Código de ativação de inscrição (Utentes Não Frequentadores)",
            Category::I => "Erro na aplicação WebRNU",
            Category::J => "Outras questões relacionadas com o WebRNU",
            Category::K => "Indisponibilidade de WebRNU",
        }
    }

    /// The subject the template asks for.
    pub fn subject(self) -> &'static str {
        match self {
            Category::A => "WebRNU – Criação de acesso",
            Category::B => "WebRNU – Alteração de Perfil de acesso",
            Category::C => "WebRNU – Recuperação de Senha",
            Category::D => "WebRNU – Dificuldade na alteração dos dados de identificação de um Utente",
            Category::E => "WebRNU – Óbito não Identificado (ou: Óbito indevidamente identificado)",
            Category::F => "WebRNU – Resolução de um Utente duplicado",
            Category::G => "WebRNU – Impossibilidade em encontrar / identificar um Utente",
            Category::H => "WebRNU – Erro na inserção de código de ativação de inscrição",
            Category::I => "WebRNU – Erros na aplicação",
            Category::J => "WebRNU – Outras questões",
            Category::K => "WebRNU – Indisponibilidade",
        }
    }

    /// The body fields the template asks for.
    pub fn fields(self) -> &'static [&'static str] {
        const PATIENT: &[&str] = &[
            "Número de Utente (SNS)",
            "Nome Completo",
            "Data de Nascimento",
            "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
        ];
        match self {
            Category::A => &[
                "Nome Completo",
                "Data de Nascimento",
                "Código da Instituição",
                "Endereço de correio eletrónico e/ou nº de telemóvel de contacto",
                "Perfil",
            ],
            Category::B => &["Nome de Utilizador", "Códigos das instituições", "Perfil"],
            Category::C => &[
                "Nome de Utilizador",
                "Nome Completo",
                "Data de Nascimento",
                "Endereço de correio eletrónico e/ou nº de telemóvel de contacto",
            ],
            Category::D => PATIENT,
            Category::E => &[
                "Número de Utente (SNS)",
                "Nome Completo",
                "Data de Nascimento",
                "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
                "Descrição detalhada da situação",
            ],
            Category::F => &[
                "Identificação do Utente (Principal): Número de Utente (SNS), Nome Completo, Data de Nascimento, Local de Inscrição",
                "Identificação do Utente (Duplicado): Número de Utente, Nome Completo, Data de Nascimento, Local de Inscrição",
            ],
            Category::G => &[
                "Número de Utente (SNS)",
                "Nome Completo",
                "Data de Nascimento",
                "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
                "Outros elementos (PrintScreen, entre outros)",
            ],
            Category::H => &[
                "Código de ativação que estão a tentar introduzir",
                "Número de Utente (SNS)",
                "Nome Completo",
                "Data de Nascimento",
                "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
            ],
            Category::I => &["Descrição detalhada da situação", "Outros elementos (PrintScreen, entre outros)"],
            Category::J => &["Descrição detalhada da questão/situação"],
            Category::K => &[
                "Identificação da Instituição",
                "Identificação do Requerente",
                "Contacto direto do Requerente",
                "Ativo aplicacional",
                "Anomalia/Sintoma",
                "Tempo da incidência",
            ],
        }
    }
}

/// Phrases (folded) that name a category, most specific first.
const CATEGORY_PHRASES: &[(Category, &str)] = &[
    (Category::F, "duplicad"),
    (Category::G, "impossibilidade em encontrar"),
    (Category::G, "encontrar / identificar"),
    (Category::G, "encontrar/identificar"),
    (Category::G, "identificar um utente"),
    (Category::G, "encontrar um utente"),
    (Category::G, "encontrar utente"),
    (Category::D, "alteracao dos dados"),
    (Category::E, "obito"),
    (Category::A, "criacao de acesso"),
    (Category::B, "alteracao de perfil"),
    (Category::C, "recuperacao de senha"),
    (Category::C, "senha"),
    (Category::H, "codigo de ativacao"),
    (Category::I, "erro na aplicacao"),
    (Category::I, "erros na aplicacao"),
    (Category::K, "indisponib"),
    (Category::J, "outras questoes"),
];

/// Phrases (folded) that, in the body of an F or G request, are a second request of another
/// category ("one situation per request").
const OTHER_REQUEST_PHRASES: &[(Category, &str)] = &[
    (Category::A, "criacao de acesso"),
    (Category::A, "criar acesso"),
    (Category::B, "alteracao de perfil"),
    (Category::C, "recuperacao de senha"),
    (Category::C, "recuperar a senha"),
    (Category::E, "marcado como obito"),
    (Category::E, "marcada como obito"),
    (Category::E, "obito indevidamente"),
    (Category::H, "codigo de ativacao"),
    (Category::K, "indisponivel"),
];

/// Words (folded) of a body that asks to find a patient rather than to resolve a duplicate.
const NOT_FOUND_PHRASES: &[&str] = &[
    "nao consigo encontrar",
    "nao encontramos",
    "nao encontro",
    "nao aparece",
    "nao consigo identificar",
    "nao e possivel encontrar",
    "impossibilidade em encontrar",
];

/// The categories a subject names, in the order of the template, without repeats.
pub fn subject_categories(subject: &str) -> Vec<Category> {
    let folded = fold(subject);
    let mut found: Vec<Category> = Vec::new();
    let mut rest = folded.clone();
    for &(category, phrase) in CATEGORY_PHRASES {
        if let Some(at) = rest.find(phrase) {
            if !found.contains(&category) {
                found.push(category);
            }
            // A phrase is counted once: "alteração dos dados" must not also read as another.
            rest.replace_range(at..at + phrase.len(), &" ".repeat(phrase.len()));
        }
    }
    found
}

/// Other categories a body asks for besides its own.
pub fn other_requests_in_body(body: &str, own: Category) -> Vec<Category> {
    let folded = fold(body);
    let mut found = Vec::new();
    for &(category, phrase) in OTHER_REQUEST_PHRASES {
        if category != own && folded.contains(phrase) && !found.contains(&category) {
            found.push(category);
        }
    }
    found
}

/// True when the body says a patient cannot be found.
pub fn says_not_found(body: &str) -> bool {
    let folded = fold(body);
    NOT_FOUND_PHRASES.iter().any(|p| folded.contains(p))
}

/// A field of a patient's identification, as the template names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// Número de Utente (SNS).
    Nnu,
    /// Nome Completo.
    FullName,
    /// Data de Nascimento.
    BirthDate,
    /// Local de Inscrição.
    RegistrationUnit,
    /// Outros elementos / descrição.
    Other,
}

impl Field {
    /// The template's name.
    pub fn label(self) -> &'static str {
        match self {
            Field::Nnu => "Número de Utente (SNS)",
            Field::FullName => "Nome Completo",
            Field::BirthDate => "Data de Nascimento",
            Field::RegistrationUnit => "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
            Field::Other => "Outros elementos",
        }
    }
}

/// One patient's identification as typed in a request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientFields {
    /// Número de Utente, as typed.
    pub nnu: Option<String>,
    /// Nome Completo, as typed.
    pub full_name: Option<String>,
    /// Data de Nascimento, as typed.
    pub birth_date: Option<String>,
    /// Local de Inscrição, as typed.
    pub registration_unit: Option<String>,
}

impl PatientFields {
    fn slot(&mut self, field: Field) -> Option<&mut Option<String>> {
        match field {
            Field::Nnu => Some(&mut self.nnu),
            Field::FullName => Some(&mut self.full_name),
            Field::BirthDate => Some(&mut self.birth_date),
            Field::RegistrationUnit => Some(&mut self.registration_unit),
            Field::Other => None,
        }
    }

    /// True when no field was given.
    pub fn is_empty(&self) -> bool {
        self.nnu.is_none() && self.full_name.is_none() && self.birth_date.is_none() && self.registration_unit.is_none()
    }

    /// Fields of `self` that are missing taken from `earlier` (a later message completes an
    /// earlier one).
    pub fn completed_from(&self, earlier: &PatientFields) -> PatientFields {
        PatientFields {
            nnu: self.nnu.clone().or_else(|| earlier.nnu.clone()),
            full_name: self.full_name.clone().or_else(|| earlier.full_name.clone()),
            birth_date: self.birth_date.clone().or_else(|| earlier.birth_date.clone()),
            registration_unit: self
                .registration_unit
                .clone()
                .or_else(|| earlier.registration_unit.clone()),
        }
    }

    /// The NNU, if typed as nine digits (spaces, dots and dashes between groups allowed).
    pub fn parsed_nnu(&self) -> Option<Result<Nnu, String>> {
        let text = self.nnu.as_deref()?;
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
            .collect();
        Some(
            digits
                .parse::<Nnu>()
                .map_err(|_| format!("«{text}» não tem nove algarismos")),
        )
    }

    /// The birth date, if typed in a format the registry knows.
    pub fn parsed_birth_date(&self) -> Option<Result<Date, String>> {
        let text = self.birth_date.as_deref()?;
        Some(find_date(text).ok_or_else(|| format!("«{text}» não é uma data válida")))
    }

    /// The institution code in the Local de Inscrição (`U` and six digits), if any.
    pub fn unit_code(&self) -> Option<String> {
        let text = self.registration_unit.as_deref()?;
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| w.len() == 7 && w.starts_with(['U', 'u']) && w[1..].bytes().all(|b| b.is_ascii_digit()))
            .map(|w| w.to_ascii_uppercase())
    }
}

/// The date in a text: the whole text, else a word, else three to five words ("12 de março de
/// 1980" in a sentence).
fn find_date(text: &str) -> Option<Date> {
    let text = text.trim().trim_end_matches(['.', ';', ',']);
    if let Ok(date) = Date::parse(text) {
        return Some(date);
    }
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | '.' | '[' | ']')))
        .collect();
    if let Some(date) = words.iter().find_map(|w| Date::parse(w).ok()) {
        return Some(date);
    }
    for len in 3..=5 {
        for window in words.windows(len) {
            if let Ok(date) = Date::parse(&window.join(" ")) {
                return Some(date);
            }
        }
    }
    None
}

/// What a request's body says, read tolerantly.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The patients identified, in order: for F, the principal then the duplicate.
    pub patients: Vec<PatientFields>,
    /// The body marked a principal and a duplicate ("(Principal)", "(Duplicado)").
    pub has_sections: bool,
    /// Why the body holds more than one situation, if it does.
    pub several_situations: Option<String>,
}

impl Request {
    /// Patient `i`'s fields (empty when not given).
    pub fn patient(&self, i: usize) -> PatientFields {
        self.patients.get(i).cloned().unwrap_or_default()
    }
}

/// Folded label words: a line made only of these (and punctuation) is a label.
const LABEL_WORDS: &[&str] = &[
    "numero",
    "num",
    "nr",
    "n",
    "no",
    "o",
    "nnu",
    "nacional",
    "de",
    "do",
    "da",
    "utente",
    "sns",
    "nome",
    "completo",
    "data",
    "nascimento",
    "nasc",
    "dt",
    "dn",
    "local",
    "inscricao",
    "centro",
    "saude",
    "unidade",
    "cs",
    "us",
    "outros",
    "elementos",
    "printscreen",
    "entre",
    "observacoes",
    "obs",
    "e",
    "ou",
];

/// The tokens of a label: folded, `º` read as `o`, punctuation as spaces.
fn label_tokens(text: &str) -> Vec<String> {
    fold(text)
        .chars()
        .map(|c| match c {
            'º' | '°' => 'o',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The field a label names, if `text` is only a label.
fn label_field(text: &str) -> Option<Field> {
    let tokens = label_tokens(text);
    if tokens.is_empty() || !tokens.iter().all(|t| LABEL_WORDS.contains(&t.as_str())) {
        return None;
    }
    let has = |w: &str| tokens.iter().any(|t| t == w);
    if has("nome") {
        Some(Field::FullName)
    } else if has("nascimento") || has("nasc") || tokens == ["dn"] {
        Some(Field::BirthDate)
    } else if has("local") || has("inscricao") || has("centro") || has("unidade") {
        Some(Field::RegistrationUnit)
    } else if has("nnu") || ((has("utente") || has("sns")) && ["numero", "num", "nr", "n", "no"].iter().any(|w| has(w)))
    {
        Some(Field::Nnu)
    } else if has("outros") || has("observacoes") || has("obs") {
        Some(Field::Other)
    } else {
        None
    }
}

/// Which patient a heading line starts, if it is one.
fn section_heading(line: &str) -> Option<usize> {
    let folded = fold(line);
    if folded.chars().count() > 80 {
        return None;
    }
    let words = label_tokens(line);
    let has = |w: &str| words.iter().any(|t| t == w);
    let heading = folded.starts_with("identifica")
        || folded.contains("(principal)")
        || folded.contains("(duplicado)")
        || folded.starts_with("utente principal")
        || folded.starts_with("utente duplicado")
        || folded.starts_with("registo principal")
        || folded.starts_with("registo duplicado")
        || words.len() <= 2;
    if !heading {
        return None;
    }
    if has("principal") {
        Some(0)
    } else if has("duplicado") || has("duplicada") {
        Some(1)
    } else {
        None
    }
}

/// A line without its bullet (o, •, -, *, ·, ▪, ◦, ➢, Word's Symbol-font bullet, or "1." / "a)").
fn strip_bullet(line: &str) -> &str {
    let line = line.trim();
    for bullet in ["o ", "•", "- ", "* ", "·", "▪", "◦", "➢", "– ", "— ", "\u{f0b7}", "§ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return rest.trim_start();
        }
    }
    // "1." "2)" "a)" numbering.
    let mut chars = line.char_indices();
    if let (Some((_, first)), Some((i, second))) = (chars.next(), chars.next()) {
        if (first.is_ascii_digit() || first.is_ascii_lowercase()) && matches!(second, '.' | ')') {
            let rest = &line[i + 1..];
            if rest.starts_with(' ') {
                return rest.trim_start();
            }
        }
    }
    line
}

/// Splits a line into a label and a value: at the first `:`, at a spaced dash, or after the
/// leading label words ("Nº Utente 123 456 789"). The value may be empty (it is then on the
/// next line). An NNU or a date without a digit is a sentence, not a field.
fn split_label(line: &str) -> Option<(Field, String)> {
    let (field, value) = split_label_any(line)?;
    let needs_digit = matches!(field, Field::Nnu | Field::BirthDate);
    (value.is_empty() || !needs_digit || value.chars().any(|c| c.is_ascii_digit())).then_some((field, value))
}

fn split_label_any(line: &str) -> Option<(Field, String)> {
    let clean = |v: &str| v.trim().trim_end_matches([';', ',']).trim().to_string();
    if let Some((label, value)) = line.split_once([':', '：']) {
        if let Some(field) = label_field(label) {
            return Some((field, clean(value)));
        }
    }
    for dash in [" – ", " - ", " — ", "\t"] {
        if let Some((label, value)) = line.split_once(dash) {
            if let Some(field) = label_field(label) {
                return Some((field, clean(value)));
            }
        }
    }
    // Leading label words, then the value.
    let words: Vec<&str> = line.split_whitespace().collect();
    let n_label = words
        .iter()
        .take_while(|w| label_tokens(w).iter().all(|t| LABEL_WORDS.contains(&t.as_str())))
        .count();
    for n in (1..=n_label).rev() {
        if let Some(field) = label_field(&words[..n].join(" ")) {
            return Some((field, clean(&words[n..].join(" "))));
        }
    }
    None
}

/// Reads the patients' fields from a body.
pub fn parse_request(body: &str) -> Request {
    let mut request = Request::default();
    let mut current: usize = 0;
    let mut headings_seen = [false, false];
    let mut waiting_label: Option<Field> = None;
    for raw in body.lines().take(2_000) {
        let line = strip_bullet(raw);
        if line.is_empty() {
            continue;
        }
        if let Some(patient) = section_heading(line) {
            if headings_seen[patient] {
                request.several_situations = Some(format!(
                    "o pedido identifica mais do que um utente {}",
                    if patient == 0 { "principal" } else { "duplicado" }
                ));
            }
            headings_seen[patient] = true;
            request.has_sections = true;
            current = patient;
            waiting_label = None;
            continue;
        }
        let (field, value) = match split_label(line) {
            Some((field, value)) => (field, value),
            None => match waiting_label.take() {
                Some(field) => (field, line.trim().trim_end_matches([';', ',']).trim().to_string()),
                None => continue,
            },
        };
        if value.is_empty() {
            waiting_label = Some(field);
            continue;
        }
        waiting_label = None;
        set_field(&mut request, &mut current, field, value);
    }
    request
}

fn set_field(request: &mut Request, current: &mut usize, field: Field, value: String) {
    while request.patients.len() <= *current {
        request.patients.push(PatientFields::default());
    }
    let Some(slot) = request.patients[*current].slot(field) else {
        return;
    };
    match slot {
        None => *slot = Some(value),
        Some(existing) if fold(existing) == fold(&value) => {}
        Some(_) if !request.has_sections => {
            // Without headings, a field given again starts the next patient.
            *current += 1;
            set_field(request, current, field, value);
        }
        Some(existing) => {
            request.several_situations = Some(format!(
                "o campo «{}» aparece duas vezes com valores diferentes («{existing}» e «{value}»)",
                field.label()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str, expected: &[[Option<&str>; 4]]) {
        let request = parse_request(body);
        let got: Vec<[Option<&str>; 4]> = request
            .patients
            .iter()
            .map(|p| {
                [
                    p.nnu.as_deref(),
                    p.full_name.as_deref(),
                    p.birth_date.as_deref(),
                    p.registration_unit.as_deref(),
                ]
            })
            .collect();
        assert_eq!(got, expected, "body:\n{body}");
    }

    #[test]
    fn the_template_layout_and_its_damage() {
        check(
            "Identificação do Utente (Principal):\n\
             o Número de Utente (SNS): 123 456 789\n\
             o Nome Completo: Maria da Silva\n\
             o Data de Nascimento: 12/03/1980\n\
             o Local de Inscrição (Centro de Saúde / Unidade de Saúde): USF Ramalde (U130901)\n\
             Identificação do Utente (SNS) (Duplicado):\n\
             • Nº Utente – 987654321\n\
             • Nome Completo\n\
             Maria Silva\n\
             * N.º de utente (SNS);\n\
             * Data nascimento 12 de março de 1980\n\
             - Local de inscricao: U130901\n",
            &[
                [
                    Some("123 456 789"),
                    Some("Maria da Silva"),
                    Some("12/03/1980"),
                    Some("USF Ramalde (U130901)"),
                ],
                [
                    Some("987654321"),
                    Some("Maria Silva"),
                    Some("12 de março de 1980"),
                    Some("U130901"),
                ],
            ],
        );
        // Without headings, the second NNU starts the duplicate.
        check(
            "Bom dia,\nNNU: 111111111\nNome: Ana\nNNU: 222222222\nNome: Ana Sousa\nObrigada",
            &[
                [Some("111111111"), Some("Ana"), None, None],
                [Some("222222222"), Some("Ana Sousa"), None, None],
            ],
        );
        // Sentences are not fields.
        check(
            "O utente não aparece com o número do cartão\nNº Utente: 259 800 391\nData de nascimento desconhecida\n",
            &[[Some("259 800 391"), None, None, None]],
        );
        let twice = parse_request("Utente principal\nNNU: 1\nUtente principal\nNNU: 2\n");
        assert!(twice.several_situations.is_some());
    }

    #[test]
    fn labels() {
        for (label, field) in [
            ("Número de Utente (SNS)", Some(Field::Nnu)),
            ("N.º de utente (SNS)", Some(Field::Nnu)),
            ("Nº Utente", Some(Field::Nnu)),
            ("Numero de utente", Some(Field::Nnu)),
            ("NNU", Some(Field::Nnu)),
            ("Nome Completo", Some(Field::FullName)),
            ("Data de Nascimento", Some(Field::BirthDate)),
            (
                "Local de Inscrição (Centro de Saúde / Unidade de Saúde)",
                Some(Field::RegistrationUnit),
            ),
            ("Utente", None),
            ("O utente", None),
            ("Bom dia", None),
        ] {
            assert_eq!(label_field(label), field, "{label}");
        }
    }

    #[test]
    fn values() {
        let patient = PatientFields {
            nnu: Some("123.456.789".into()),
            birth_date: Some("nascida a 12 de Março de 1980.".into()),
            registration_unit: Some("USF X (u110603)".into()),
            ..PatientFields::default()
        };
        assert_eq!(patient.parsed_nnu(), Some(Ok(Nnu::from_u32(123456789).unwrap())));
        assert_eq!(patient.parsed_birth_date(), Some(Ok(Date::new(1980, 3, 12).unwrap())));
        assert_eq!(patient.unit_code().as_deref(), Some("U110603"));
        assert!(PatientFields {
            nnu: Some("12345678".into()),
            ..PatientFields::default()
        }
        .parsed_nnu()
        .unwrap()
        .is_err());
    }

    #[test]
    fn subjects() {
        for (subject, expected) in [
            ("WebRNU – Resolução de um Utente duplicado", vec![Category::F]),
            (
                "RE: [INC000004] WebRNU - Resolucao de um utente duplicado",
                vec![Category::F],
            ),
            (
                "WebRNU — Impossibilidade em encontrar / identificar um Utente",
                vec![Category::G],
            ),
            ("WebRNU – Óbito não Identificado", vec![Category::E]),
            (
                "WebRNU – Dificuldade na alteração dos dados de identificação de um Utente",
                vec![Category::D],
            ),
            (
                "WebRNU – Recuperação de Senha e utente duplicado",
                vec![Category::F, Category::C],
            ),
            ("Olá", vec![]),
        ] {
            assert_eq!(subject_categories(subject), expected, "{subject}");
        }
        assert_eq!(Category::F.letter(), 'F');
        assert_eq!(Category::from_letter("K"), Some(Category::K));
    }
}
