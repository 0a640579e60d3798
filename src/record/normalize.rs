//! Portuguese-aware normalisation of names and free text.
//!
//! A full name becomes a [`NormalizedName`]: its tokens in order, each folded (NFKD, diacritics
//! removed, lower case) and given a Portuguese phonetic key; particles (`da de do das dos e d'`)
//! set aside; a generational suffix (`júnior`, `filho`, `neto`, `sobrinho`) kept as its own
//! attribute; initials recognised; a `Surname, Given` form turned round; placeholder names of
//! newborns (`RN de …`) flagged. Everything here is pure and allocation-light: the scan calls it
//! once per record.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Generational suffix of a name (agnome).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    /// Júnior, Jr.
    Junior,
    /// Filho.
    Filho,
    /// Neto (also an ordinary surname, so the token is kept too).
    Neto,
    /// Sobrinho (also an ordinary surname, so the token is kept too).
    Sobrinho,
}

impl Suffix {
    /// The suffix as the registry writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Suffix::Junior => "Júnior",
            Suffix::Filho => "Filho",
            Suffix::Neto => "Neto",
            Suffix::Sobrinho => "Sobrinho",
        }
    }
}

/// One word of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameToken {
    /// Folded text: lower-case ASCII letters (`conceicao`).
    pub text: String,
    /// Portuguese phonetic key (`konseisao`), equal for spelling variants.
    pub key: String,
    /// A single letter (`M.`): it matches any token with the same first letter.
    pub initial: bool,
}

/// A full name ready for comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NormalizedName {
    /// Tokens in the order of the name, particles and removable suffixes left out.
    pub tokens: Vec<NameToken>,
    /// Generational suffix, if any.
    pub suffix: Option<Suffix>,
    /// A placeholder rather than a name (`RN de Maria Silva`, `Desconhecido`).
    pub placeholder: bool,
}

pub(crate) const PARTICLES: [&str; 8] = ["da", "de", "do", "das", "dos", "e", "d", "del"];

/// Abbreviations found in administrative data, folded, without their dots.
const ABBREVIATIONS: [(&str, &str); 14] = [
    ("ma", "maria"),
    ("mª", "maria"),
    ("antº", "antonio"),
    ("anto", "antonio"),
    ("ant", "antonio"),
    ("fco", "francisco"),
    ("francº", "francisco"),
    ("franco", "francisco"),
    ("jse", "jose"),
    ("sta", "santa"),
    ("sto", "santo"),
    ("md", "mohammad"),
    ("mohd", "mohammad"),
    ("mohamed", "mohammad"),
];

/// Abbreviations expanded even without a dot (Bangladeshi passports write "Md" for Mohammad).
const ALWAYS_EXPANDED: [&str; 3] = ["md", "mohd", "mohamed"];

/// Spelling families whose members no phonetic rule joins; each maps to its canonical spelling.
const VARIANT_KEYS: [(&str, &str); 16] = [
    ("mohammed", "mohammad"),
    ("muhammad", "mohammad"),
    ("muhammed", "mohammad"),
    ("mohamad", "mohammad"),
    ("hossen", "hossain"),
    ("hussain", "hossain"),
    ("hosen", "hossain"),
    ("hussein", "hossain"),
    ("choudhary", "chaudhary"),
    ("chowdhury", "chaudhary"),
    ("chaudhry", "chaudhary"),
    ("laxmi", "lakshmi"),
    ("aleksandr", "oleksandr"),
    ("olexandr", "oleksandr"),
    ("alexandr", "oleksandr"),
    ("sergey", "serhii"),
];

/// Folds text for comparison: NFKD, combining marks removed, lower case, a few letters that do
/// not decompose mapped by hand (`ß`, `ø`, `æ`, `ł` …). Other characters are kept.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ª' | 'º' => out.push(c),
            '’' | '‘' | '`' | '´' => out.push('\''),
            _ => decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            }),
        }
    }
    out
}

/// Words of a placeholder name that are not the mother's name.
const PLACEHOLDER_WORDS: [&str; 10] = [
    "rn",
    "recem",
    "nascido",
    "nascida",
    "recemnascido",
    "filho",
    "filha",
    "utente",
    "desconhecido",
    "desconhecida",
];

impl NormalizedName {
    /// For a newborn's placeholder ("RN de Ana Maria Gomes"), the mother's names after her
    /// first: usually the child's surnames. Empty for other names.
    pub fn mother_surnames(&self) -> impl Iterator<Item = &NameToken> {
        let words = if self.placeholder { &self.tokens[..] } else { &[] };
        words
            .iter()
            .filter(|t| !PLACEHOLDER_WORDS.contains(&t.text.as_str()))
            .skip(1)
    }
}

/// Normalises a full name.
pub fn normalize_name(full_name: &str) -> NormalizedName {
    let folded = fold(full_name);
    // "Santos, João Pedro" → "João Pedro Santos".
    let ordered = match folded.split_once(',') {
        Some((surnames, given)) if !given.trim().is_empty() => format!("{given} {surnames}"),
        _ => folded,
    };
    let mut words: Vec<String> = Vec::new();
    // A word written with a dot or º/ª is an abbreviation ("Ant.", "Mª", "D."): only those are
    // expanded, and a one-letter one is an initial, not the particle "d" or "e".
    let mut abbreviated: Vec<bool> = Vec::new();
    for raw in ordered.split(|c: char| c.is_whitespace() || c == '-' || c == ',' || c == '/') {
        let dotted = raw.trim_end_matches([')', '\'']).ends_with('.') || raw.contains(['º', 'ª']);
        // "d'Almeida" → particle + "almeida"; "N'Zinga", "O'Brien" → "nzinga", "obrien".
        let raw = raw.trim_matches(|c: char| c == '\'' || c == '.' || c == '(' || c == ')');
        if raw.is_empty() {
            continue;
        }
        let word = match raw.strip_prefix("d'") {
            Some(rest) if !rest.is_empty() => rest,
            _ => raw,
        };
        let word: String = word
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == 'ª' || *c == 'º')
            .collect();
        if !word.is_empty() {
            words.push(word);
            abbreviated.push(dotted);
        }
    }

    let placeholder = is_placeholder(&words);
    let mut suffix = None;
    if words.len() > 2 {
        let last = words.last().map(String::as_str).unwrap_or_default();
        suffix = match last {
            "junior" | "jr" | "jnr" => Some(Suffix::Junior),
            "filho" => Some(Suffix::Filho),
            "neto" => Some(Suffix::Neto),
            "sobrinho" => Some(Suffix::Sobrinho),
            _ => None,
        };
        if matches!(suffix, Some(Suffix::Junior | Suffix::Filho)) {
            words.pop();
        }
    }

    let mut tokens = Vec::with_capacity(words.len());
    for (word, dotted) in words.iter().zip(&abbreviated) {
        let text = ABBREVIATIONS
            .iter()
            .find(|(abbreviation, _)| abbreviation == word && (*dotted || ALWAYS_EXPANDED.contains(abbreviation)))
            .map_or_else(|| word.replace(['ª', 'º'], ""), |(_, full)| full.to_string());
        if *dotted && text.chars().count() == 1 {
            tokens.push(NameToken {
                key: text.clone(),
                text,
                initial: true,
            });
            continue;
        }
        if text.is_empty() || PARTICLES.contains(&text.as_str()) {
            continue;
        }
        let initial = text.chars().count() == 1;
        let key = phonetic_key(&text);
        tokens.push(NameToken { text, key, initial });
    }
    NormalizedName {
        tokens,
        suffix,
        placeholder,
    }
}

fn is_placeholder(words: &[String]) -> bool {
    match words.first().map(String::as_str) {
        Some("rn" | "recem" | "recemnascido" | "nn" | "desconhecido" | "desconhecida") => true,
        Some("utente") => words.get(1).is_some_and(|w| w.starts_with("desconhecid")),
        _ => false,
    }
}

/// The Portuguese phonetic key of one folded token.
///
/// Joins the spellings that DOMAIN.md §2 lists: ç/ss/s/z, ph/f, th/t, mute h, lh/nh, y/i, w/v,
/// k/c/qu, double letters, ks/x and a few transliteration families that no rule joins.
pub fn phonetic_key(token: &str) -> String {
    // Families no rule joins are first spelled the canonical way, then keyed like any token.
    let token = VARIANT_KEYS
        .iter()
        .find(|(variant, _)| *variant == token)
        .map_or(token, |(_, canonical)| canonical);
    let chars: Vec<char> = token.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    let at = |j: usize| chars.get(j).copied().unwrap_or('\0');
    let front_vowel = |c: char| matches!(c, 'e' | 'i' | 'y');
    while i < chars.len() {
        let c = chars[i];
        let next = at(i + 1);
        let (emit, advance): (&str, usize) = match c {
            'p' if next == 'h' => ("f", 2),
            't' if next == 'h' => ("t", 2),
            's' if next == 'h' && at(i + 2) == 'r' => ("s", 2),
            's' | 'c' if next == 'h' => ("x", 2),
            'z' if next == 'h' => ("j", 2),
            'l' if next == 'h' => ("l", 2),
            'n' if next == 'h' => ("n", 2),
            'h' => ("", 1),
            'c' if front_vowel(next) => ("s", 1),
            's' if next == 'c' && front_vowel(at(i + 2)) => ("s", 2),
            'c' | 'k' | 'q' => {
                if c == 'q' && next == 'u' {
                    ("k", 2)
                } else if next == 'k' || next == 'c' {
                    ("", 1)
                } else if next == 's' {
                    ("x", 2)
                } else {
                    ("k", 1)
                }
            }
            'g' if next == 'u' && front_vowel(at(i + 2)) => ("g", 2),
            'g' if front_vowel(next) => ("j", 1),
            'x' => ("x", 1),
            'z' | 'ç' => ("s", 1),
            'y' => ("i", 1),
            'w' => ("v", 1),
            'm' if i + 1 == chars.len() && i > 0 => ("n", 1),
            _ => {
                out.push(c);
                i += 1;
                continue;
            }
        };
        for e in emit.chars() {
            out.push(e);
        }
        i += advance;
    }
    out.dedup();
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str) -> Vec<String> {
        normalize_name(name).tokens.into_iter().map(|t| t.text).collect()
    }

    fn keys(name: &str) -> Vec<String> {
        normalize_name(name).tokens.into_iter().map(|t| t.key).collect()
    }

    #[test]
    fn folds_particles_and_order() {
        assert_eq!(texts("Maria da Conceição"), ["maria", "conceicao"]);
        assert_eq!(texts("MARIA CONCEICAO"), ["maria", "conceicao"]);
        assert_eq!(texts("Santos, João Pedro"), ["joao", "pedro", "santos"]);
        assert_eq!(texts("João Pedro Silva Santos"), ["joao", "pedro", "silva", "santos"]);
        assert_eq!(texts("Ana d'Almeida e Sousa"), ["ana", "almeida", "sousa"]);
        assert_eq!(texts("Mª do Céu Smith-Jones"), ["maria", "ceu", "smith", "jones"]);
        assert_eq!(texts("Ștefan Țurcanu"), ["stefan", "turcanu"]);
        assert_eq!(texts("N'Zinga O'Brien"), ["nzinga", "obrien"]);
    }

    #[test]
    fn suffixes_and_initials() {
        let name = normalize_name("José Manuel Silva Júnior");
        assert_eq!(name.suffix, Some(Suffix::Junior));
        assert_eq!(name.tokens.len(), 3);
        let name = normalize_name("Carlos Alberto Neto");
        assert_eq!(name.suffix, Some(Suffix::Neto));
        assert_eq!(name.tokens.len(), 3, "neto is also a surname and stays");
        assert!(normalize_name("Ana M. Costa").tokens[1].initial);
        assert!(normalize_name("RN de Maria Silva").placeholder);
        assert_eq!(
            texts("Ana Franco"),
            ["ana", "franco"],
            "a surname is not an abbreviation"
        );
        assert_eq!(texts("Ana Franc.º Silva"), ["ana", "francisco", "silva"]);
        assert_eq!(
            texts("João D. Silva"),
            ["joao", "d", "silva"],
            "an initial D. is no particle"
        );
        assert_eq!(texts("Md Rahman"), ["mohammad", "rahman"]);
        assert!(!normalize_name("Maria Silva").placeholder);
    }

    #[test]
    fn phonetic_families() {
        for (a, b) in [
            ("Souza", "Sousa"),
            ("Luiz", "Luís"),
            ("Thiago", "Tiago"),
            ("Mattos", "Matos"),
            ("Athayde", "Ataíde"),
            ("Thereza", "Teresa"),
            ("Kiala", "Quiala"),
            ("Kalunga", "Calunga"),
            ("Yuliia", "Yulia"),
            ("Yuliya", "Iuliia"),
            ("Oleksandr", "Olexandr"),
            ("Lakshmi", "Laxmi"),
            ("Shrestha", "Srestha"),
            ("Srivastava", "Shrivastava"),
            ("Mohammed", "Md."),
            ("Hossain", "Hossen"),
            ("Rahman", "Rahaman"),
            ("Philipe", "Filipe"),
        ] {
            assert_eq!(keys(a), keys(b), "{a} ~ {b}");
        }
        for (a, b) in [("Silva", "Santos"), ("Maria", "Mario"), ("Ana", "Ines")] {
            assert_ne!(keys(a), keys(b), "{a} !~ {b}");
        }
    }
}
