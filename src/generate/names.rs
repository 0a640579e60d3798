//! Synthetic names: Portuguese given names and surnames with realistic frequency skew, and the
//! naming patterns of the largest foreign communities in Portugal.
//!
//! The lists are written for this generator (no external data). Portuguese given names carry
//! three weights, for people born before 1960, in 1960–1989 and from 1990, because the
//! fashionable names changed (José and Maria, then Carlos, Paulo, Sandra and Sónia, then
//! Rodrigo, Martim, Beatriz and Leonor). Surname weights are per surname slot and were tuned
//! so that the share of people carrying Silva, Santos, Ferreira and Pereira comes close to the
//! published shares (DOMAIN.md §2.2); the tail is Zipf-like.

use super::rng::{Rng, Weighted};
use crate::record::Sex;

/// One vocable of a name and the particle written before it (`da` Silva, `de` Fátima).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    /// The vocable as written (may be compound: "Castelo Branco", "Xiao Ming").
    pub text: &'static str,
    /// Particle before it, or `""`.
    pub particle: &'static str,
}

impl Part {
    /// A vocable without particle.
    pub(crate) const fn plain(text: &'static str) -> Part {
        Part { text, particle: "" }
    }
}

/// A structured name, rendered into the `full_name` column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Name {
    /// Given names (a religious complement such as "da Conceição" counts as one).
    pub given: Vec<Part>,
    /// Surnames, mother's first and father's last for Portuguese names.
    pub surnames: Vec<Part>,
    /// Generational suffix (Júnior, Filho, Neto).
    pub suffix: Option<&'static str>,
    /// Written surname first (Chinese order).
    pub surname_first: bool,
}

impl Name {
    /// Number of vocables (particles not counted, suffix not counted).
    pub(crate) fn len(&self) -> usize {
        self.given.len() + self.surnames.len()
    }

    /// Number of words as a parser counts them (compound vocables such as "Castelo Branco"
    /// or "Corte-Real" count twice; particles and suffix not counted).
    pub(crate) fn words(&self) -> usize {
        self.given
            .iter()
            .chain(&self.surnames)
            .map(|part| part.text.split([' ', '-']).filter(|w| !w.is_empty()).count())
            .sum()
    }

    /// Drops surnames from the front (the mother's side) until the name has at most
    /// `max_words` words, keeping at least the last surname.
    pub(crate) fn fit(&mut self, max_words: usize) {
        while self.words() > max_words && self.surnames.len() > 1 {
            self.surnames.remove(0);
        }
    }

    /// The name as registered.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(48);
        let (first, second) = if self.surname_first {
            (&self.surnames, &self.given)
        } else {
            (&self.given, &self.surnames)
        };
        for part in first.iter().chain(second.iter()) {
            push_part(&mut out, part);
        }
        if let Some(suffix) = self.suffix {
            push_word(&mut out, suffix);
        }
        out
    }

    /// The "Apelido, Nomes" form: last surname, a comma, then the rest in order.
    pub(crate) fn render_comma(&self) -> String {
        let Some((last, rest)) = self.surnames.split_last() else {
            return self.render();
        };
        let mut out = String::with_capacity(48);
        out.push_str(last.text);
        out.push(',');
        for part in self.given.iter().chain(rest.iter()) {
            push_part(&mut out, part);
        }
        if let Some(suffix) = self.suffix {
            push_word(&mut out, suffix);
        }
        out
    }
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

fn push_part(out: &mut String, part: &Part) {
    if !part.particle.is_empty() {
        push_word(out, part.particle);
    }
    push_word(out, part.text);
}

/// Where a person's name (and usually citizenship) comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Community {
    /// Portuguese.
    Portugal,
    /// Brazil.
    Brazil,
    /// Cape Verde.
    CapeVerde,
    /// Angola.
    Angola,
    /// Ukraine.
    Ukraine,
    /// India.
    India,
    /// Nepal.
    Nepal,
    /// Bangladesh.
    Bangladesh,
    /// China.
    China,
    /// United Kingdom.
    UnitedKingdom,
    /// Romania.
    Romania,
    /// Guinea-Bissau.
    GuineaBissau,
    /// São Tomé and Príncipe.
    SaoTome,
}

impl Community {
    /// The foreign communities and their relative sizes among foreign residents (AIMA/SEF
    /// order of magnitude: Brazil far ahead, then the PALOP, Ukraine, UK, South Asia …).
    pub(crate) const FOREIGN: [(Community, f64); 12] = [
        (Community::Brazil, 40.0),
        (Community::CapeVerde, 6.5),
        (Community::Angola, 6.5),
        (Community::Ukraine, 6.0),
        (Community::UnitedKingdom, 6.0),
        (Community::India, 6.0),
        (Community::Nepal, 4.5),
        (Community::Bangladesh, 4.0),
        (Community::China, 3.5),
        (Community::Romania, 3.5),
        (Community::GuineaBissau, 3.5),
        (Community::SaoTome, 2.5),
    ];

    /// ISO 3166-1 alpha-2 of the community's country.
    pub(crate) fn country(self) -> &'static str {
        match self {
            Community::Portugal => "PT",
            Community::Brazil => "BR",
            Community::CapeVerde => "CV",
            Community::Angola => "AO",
            Community::Ukraine => "UA",
            Community::India => "IN",
            Community::Nepal => "NP",
            Community::Bangladesh => "BD",
            Community::China => "CN",
            Community::UnitedKingdom => "GB",
            Community::Romania => "RO",
            Community::GuineaBissau => "GW",
            Community::SaoTome => "ST",
        }
    }

    /// Communities whose names follow the Portuguese pattern (particles, mother's then
    /// father's surnames, married surnames appended).
    pub(crate) fn lusophone(self) -> bool {
        matches!(
            self,
            Community::Portugal
                | Community::Brazil
                | Community::CapeVerde
                | Community::Angola
                | Community::GuineaBissau
                | Community::SaoTome
        )
    }

    /// Communities whose surnames pass unchanged to all children of both sexes (used for
    /// families built on purpose: twins, siblings, parent and child).
    pub(crate) fn family_surnames(self) -> bool {
        !matches!(self, Community::Bangladesh | Community::India | Community::Nepal)
    }
}

// ---------------------------------------------------------------------------------------------
// Portuguese data.

/// Portuguese female given names: (name, weight born < 1960, 1960–1989, ≥ 1990).
const PT_FEMALE: &[(&str, [f64; 3])] = &[
    ("Maria", [220.0, 95.0, 60.0]),
    ("Ana", [30.0, 85.0, 65.0]),
    ("Rosa", [25.0, 3.0, 0.5]),
    ("Conceição", [10.0, 1.5, 0.0]),
    ("Fernanda", [15.0, 12.0, 1.0]),
    ("Isabel", [15.0, 15.0, 4.0]),
    ("Teresa", [10.0, 12.0, 2.0]),
    ("Helena", [8.0, 10.0, 3.0]),
    ("Luísa", [8.0, 8.0, 3.0]),
    ("Manuela", [10.0, 10.0, 1.0]),
    ("Rita", [2.0, 15.0, 15.0]),
    ("Sofia", [1.0, 15.0, 25.0]),
    ("Joana", [2.0, 15.0, 20.0]),
    ("Inês", [3.0, 10.0, 25.0]),
    ("Beatriz", [3.0, 3.0, 25.0]),
    ("Mariana", [1.0, 10.0, 25.0]),
    ("Catarina", [2.0, 15.0, 20.0]),
    ("Carla", [0.5, 18.0, 3.0]),
    ("Sandra", [0.5, 18.0, 2.0]),
    ("Sónia", [0.5, 15.0, 1.0]),
    ("Patrícia", [0.5, 15.0, 3.0]),
    ("Paula", [3.0, 18.0, 2.0]),
    ("Cristina", [3.0, 15.0, 2.0]),
    ("Susana", [0.5, 14.0, 2.0]),
    ("Vera", [0.5, 8.0, 2.0]),
    ("Marta", [1.0, 10.0, 8.0]),
    ("Cláudia", [0.5, 12.0, 2.0]),
    ("Sara", [0.5, 8.0, 15.0]),
    ("Andreia", [0.0, 10.0, 6.0]),
    ("Daniela", [0.0, 6.0, 12.0]),
    ("Filipa", [0.5, 8.0, 10.0]),
    ("Margarida", [8.0, 5.0, 18.0]),
    ("Leonor", [3.0, 1.0, 22.0]),
    ("Matilde", [3.0, 0.5, 20.0]),
    ("Carolina", [1.0, 4.0, 20.0]),
    ("Lara", [0.0, 1.0, 12.0]),
    ("Alice", [6.0, 1.0, 10.0]),
    ("Francisca", [10.0, 1.0, 15.0]),
    ("Laura", [2.0, 3.0, 12.0]),
    ("Madalena", [5.0, 1.0, 8.0]),
    ("Benedita", [1.0, 0.0, 6.0]),
    ("Clara", [2.0, 2.0, 8.0]),
    ("Diana", [0.0, 6.0, 10.0]),
    ("Bárbara", [0.5, 5.0, 6.0]),
    ("Raquel", [0.5, 8.0, 6.0]),
    ("Vânia", [0.0, 8.0, 1.0]),
    ("Tânia", [0.0, 10.0, 2.0]),
    ("Liliana", [0.0, 8.0, 1.0]),
    ("Elisabete", [2.0, 10.0, 0.5]),
    ("Fátima", [8.0, 5.0, 0.5]),
    ("Lurdes", [8.0, 1.0, 0.0]),
    ("Graça", [6.0, 3.0, 0.0]),
    ("Celeste", [8.0, 2.0, 0.0]),
    ("Glória", [6.0, 1.0, 0.0]),
    ("Emília", [10.0, 2.0, 0.5]),
    ("Amélia", [10.0, 1.0, 0.5]),
    ("Albertina", [10.0, 0.5, 0.0]),
    ("Adelaide", [8.0, 1.0, 0.0]),
    ("Alzira", [6.0, 0.0, 0.0]),
    ("Aurora", [6.0, 0.5, 0.5]),
    ("Benvinda", [4.0, 0.0, 0.0]),
    ("Cândida", [5.0, 0.5, 0.0]),
    ("Deolinda", [6.0, 0.5, 0.0]),
    ("Domingas", [4.0, 0.0, 0.0]),
    ("Ermelinda", [5.0, 0.0, 0.0]),
    ("Esperança", [4.0, 0.0, 0.0]),
    ("Eugénia", [5.0, 1.0, 0.0]),
    ("Felismina", [4.0, 0.0, 0.0]),
    ("Filomena", [6.0, 2.0, 0.0]),
    ("Florinda", [4.0, 0.5, 0.0]),
    ("Gracinda", [5.0, 0.5, 0.0]),
    ("Guilhermina", [4.0, 0.0, 0.0]),
    ("Hermínia", [5.0, 0.5, 0.0]),
    ("Idalina", [5.0, 0.5, 0.0]),
    ("Irene", [6.0, 1.0, 0.5]),
    ("Isaura", [4.0, 0.5, 0.0]),
    ("Joaquina", [6.0, 0.5, 0.0]),
    ("Júlia", [6.0, 2.0, 5.0]),
    ("Laurinda", [5.0, 0.0, 0.0]),
    ("Leopoldina", [2.0, 0.0, 0.0]),
    ("Lucília", [5.0, 1.0, 0.0]),
    ("Lúcia", [6.0, 5.0, 1.0]),
    ("Natália", [5.0, 5.0, 0.5]),
    ("Olga", [3.0, 2.0, 0.0]),
    ("Olívia", [4.0, 1.0, 1.0]),
    ("Palmira", [4.0, 0.0, 0.0]),
    ("Rosária", [3.0, 0.0, 0.0]),
    ("Rosalina", [4.0, 0.0, 0.0]),
    ("Silvina", [3.0, 0.5, 0.0]),
    ("Virgínia", [4.0, 0.5, 0.0]),
    ("Zulmira", [3.0, 0.0, 0.0]),
    ("Lídia", [4.0, 2.0, 0.5]),
    ("Anabela", [0.5, 6.0, 0.0]),
    ("Alexandra", [0.5, 8.0, 3.0]),
    ("Mónica", [0.0, 8.0, 1.0]),
    ("Marisa", [0.0, 6.0, 1.0]),
    ("Célia", [1.0, 7.0, 0.5]),
    ("Dora", [0.0, 3.0, 0.0]),
    ("Eva", [0.5, 1.0, 6.0]),
    ("Yara", [0.0, 0.5, 4.0]),
    ("Íris", [0.0, 1.0, 4.0]),
    ("Luana", [0.0, 0.0, 3.0]),
    ("Camila", [0.0, 0.0, 4.0]),
    ("Mafalda", [0.5, 5.0, 5.0]),
    ("Constança", [0.5, 0.5, 5.0]),
    ("Rafaela", [0.0, 1.0, 5.0]),
    ("Jéssica", [0.0, 2.0, 4.0]),
    ("Bruna", [0.0, 2.0, 4.0]),
    ("Débora", [0.0, 3.0, 2.0]),
    ("Ângela", [1.0, 6.0, 1.0]),
    ("Adriana", [0.0, 4.0, 3.0]),
    ("Gabriela", [0.5, 2.0, 5.0]),
    ("Lia", [0.0, 1.0, 2.0]),
    ("Noémia", [4.0, 0.5, 0.0]),
    ("Odete", [5.0, 1.0, 0.0]),
    ("Sílvia", [0.5, 10.0, 1.0]),
    ("Telma", [0.0, 4.0, 0.5]),
    ("Marina", [1.0, 3.0, 2.0]),
    ("Jacinta", [4.0, 0.5, 0.0]),
    ("Custódia", [3.0, 0.0, 0.0]),
    ("Arminda", [4.0, 0.0, 0.0]),
    ("Ilda", [5.0, 0.5, 0.0]),
    ("Otília", [4.0, 0.0, 0.0]),
    ("Ludovina", [2.0, 0.0, 0.0]),
    ("Belmira", [3.0, 0.0, 0.0]),
    ("Judite", [4.0, 1.0, 0.0]),
    ("Nazaré", [3.0, 1.0, 0.0]),
    ("Dulce", [3.0, 3.0, 0.0]),
    ("Cecília", [4.0, 2.0, 1.0]),
    ("Vitória", [2.0, 0.5, 5.0]),
    ("Carlota", [1.0, 0.5, 4.0]),
    ("Mia", [0.0, 0.0, 4.0]),
    ("Alda", [3.0, 0.5, 0.0]),
    ("Amália", [3.0, 0.5, 0.0]),
    ("Graciete", [3.0, 0.5, 0.0]),
    ("Estela", [1.0, 1.0, 1.0]),
    ("Eduarda", [1.0, 1.0, 3.0]),
    ("Flávia", [0.0, 2.0, 1.0]),
    ("Gisela", [0.0, 2.0, 0.5]),
    ("Ivone", [2.0, 3.0, 0.0]),
    ("Lucinda", [3.0, 1.0, 0.0]),
    ("Nádia", [0.0, 3.0, 1.0]),
    ("Natacha", [0.0, 2.0, 0.5]),
    ("Regina", [3.0, 1.0, 0.0]),
    ("Renata", [0.0, 1.0, 1.0]),
    ("Rosário", [3.0, 1.0, 0.0]),
    ("Solange", [0.0, 2.0, 0.5]),
    ("Tatiana", [0.0, 3.0, 2.0]),
    ("Vanessa", [0.0, 5.0, 2.0]),
    ("Verónica", [0.0, 2.0, 1.0]),
    ("Zélia", [2.0, 0.5, 0.0]),
    ("Ema", [0.5, 0.0, 4.0]),
    ("Ariana", [0.0, 0.0, 3.0]),
    ("Aurélia", [3.0, 0.0, 0.0]),
    ("Berta", [4.0, 0.5, 0.0]),
    ("Celina", [2.0, 0.5, 0.0]),
    ("Clotilde", [2.0, 0.0, 0.0]),
    ("Delfina", [3.0, 0.0, 0.0]),
    ("Elsa", [1.0, 5.0, 0.5]),
    ("Elvira", [4.0, 0.5, 0.0]),
    ("Generosa", [2.0, 0.0, 0.0]),
    ("Georgina", [2.0, 0.5, 0.0]),
    ("Henriqueta", [2.0, 0.0, 0.0]),
    ("Inácia", [2.0, 0.0, 0.0]),
    ("Leonilde", [3.0, 0.0, 0.0]),
    ("Luciana", [0.0, 2.0, 2.0]),
    ("Marlene", [0.0, 4.0, 0.5]),
    ("Miquelina", [2.0, 0.0, 0.0]),
    ("Paulina", [2.0, 0.5, 0.0]),
    ("Quitéria", [2.0, 0.0, 0.0]),
    ("Teodora", [1.0, 0.0, 0.0]),
    ("Valentina", [0.0, 0.0, 4.0]),
    ("Zaida", [1.0, 0.0, 0.0]),
    ("Adélia", [3.0, 0.5, 0.0]),
    ("Alcina", [3.0, 0.5, 0.0]),
    ("Antónia", [6.0, 0.5, 0.0]),
    ("Armanda", [2.0, 0.0, 0.0]),
    ("Carminda", [2.0, 0.0, 0.0]),
    ("Cidália", [2.0, 1.0, 0.0]),
    ("Edite", [3.0, 1.0, 0.0]),
    ("Ester", [2.0, 1.0, 0.5]),
    ("Goreti", [1.0, 2.0, 0.0]),
    ("Hortense", [2.0, 0.0, 0.0]),
    ("Inocência", [2.0, 0.0, 0.0]),
    ("Josefa", [3.0, 0.0, 0.0]),
    ("Lina", [2.0, 1.0, 0.0]),
    ("Margarete", [1.0, 1.0, 0.0]),
    ("Matilda", [0.5, 0.0, 0.5]),
    ("Micaela", [0.0, 1.0, 2.0]),
    ("Nair", [2.0, 0.5, 0.0]),
    ("Orquídea", [1.0, 0.0, 0.0]),
    ("Pâmela", [0.0, 1.0, 1.0]),
    ("Salomé", [1.0, 1.0, 2.0]),
    ("Teresinha", [1.0, 0.0, 0.0]),
    ("Vitorina", [1.0, 0.0, 0.0]),
];

/// Portuguese male given names: (name, weight born < 1960, 1960–1989, ≥ 1990).
const PT_MALE: &[(&str, [f64; 3])] = &[
    ("José", [150.0, 60.0, 15.0]),
    ("João", [60.0, 60.0, 50.0]),
    ("António", [100.0, 30.0, 8.0]),
    ("Manuel", [90.0, 25.0, 5.0]),
    ("Francisco", [25.0, 15.0, 35.0]),
    ("Joaquim", [40.0, 8.0, 1.0]),
    ("Carlos", [15.0, 40.0, 5.0]),
    ("Luís", [10.0, 40.0, 10.0]),
    ("Paulo", [3.0, 40.0, 3.0]),
    ("Jorge", [10.0, 30.0, 2.0]),
    ("Pedro", [5.0, 35.0, 20.0]),
    ("Rui", [1.0, 30.0, 2.0]),
    ("Nuno", [0.5, 28.0, 3.0]),
    ("Ricardo", [0.5, 25.0, 5.0]),
    ("Miguel", [2.0, 18.0, 15.0]),
    ("Tiago", [0.0, 15.0, 18.0]),
    ("Bruno", [0.0, 15.0, 5.0]),
    ("André", [0.5, 15.0, 12.0]),
    ("Hugo", [0.0, 12.0, 4.0]),
    ("Sérgio", [0.5, 14.0, 2.0]),
    ("Fernando", [20.0, 15.0, 1.0]),
    ("Mário", [15.0, 12.0, 1.0]),
    ("Alberto", [15.0, 5.0, 0.5]),
    ("Armando", [12.0, 3.0, 0.0]),
    ("Abílio", [8.0, 1.0, 0.0]),
    ("Adelino", [8.0, 1.0, 0.0]),
    ("Agostinho", [8.0, 1.0, 0.0]),
    ("Albino", [8.0, 1.0, 0.0]),
    ("Alfredo", [8.0, 1.0, 0.0]),
    ("Álvaro", [8.0, 4.0, 0.5]),
    ("Américo", [8.0, 1.0, 0.0]),
    ("Amândio", [5.0, 1.0, 0.0]),
    ("Aníbal", [5.0, 1.0, 0.0]),
    ("Artur", [8.0, 3.0, 2.0]),
    ("Augusto", [10.0, 2.0, 0.5]),
    ("Avelino", [6.0, 0.5, 0.0]),
    ("Belmiro", [4.0, 0.5, 0.0]),
    ("Bernardo", [2.0, 2.0, 10.0]),
    ("Casimiro", [5.0, 0.5, 0.0]),
    ("Celestino", [5.0, 0.5, 0.0]),
    ("Custódio", [5.0, 0.5, 0.0]),
    ("Daniel", [1.0, 12.0, 10.0]),
    ("David", [1.0, 6.0, 10.0]),
    ("Diogo", [0.0, 8.0, 18.0]),
    ("Domingos", [10.0, 2.0, 0.0]),
    ("Duarte", [2.0, 3.0, 14.0]),
    ("Eduardo", [8.0, 10.0, 3.0]),
    ("Emanuel", [1.0, 4.0, 2.0]),
    ("Ernesto", [5.0, 0.5, 0.0]),
    ("Eugénio", [5.0, 1.0, 0.0]),
    ("Fábio", [0.0, 10.0, 4.0]),
    ("Fausto", [3.0, 0.5, 0.0]),
    ("Filipe", [1.0, 15.0, 5.0]),
    ("Firmino", [5.0, 0.5, 0.0]),
    ("Gabriel", [1.0, 2.0, 12.0]),
    ("Gaspar", [2.0, 0.5, 2.0]),
    ("Gil", [1.0, 2.0, 1.0]),
    ("Gonçalo", [0.5, 6.0, 18.0]),
    ("Guilherme", [3.0, 4.0, 14.0]),
    ("Henrique", [5.0, 6.0, 10.0]),
    ("Hélder", [0.5, 10.0, 0.5]),
    ("Hermínio", [5.0, 0.5, 0.0]),
    ("Horácio", [4.0, 0.5, 0.0]),
    ("Humberto", [4.0, 2.0, 0.0]),
    ("Inácio", [4.0, 0.5, 0.0]),
    ("Ivo", [0.0, 6.0, 3.0]),
    ("Jaime", [8.0, 4.0, 0.5]),
    ("Joel", [0.0, 6.0, 3.0]),
    ("Júlio", [8.0, 3.0, 0.5]),
    ("Leonel", [3.0, 3.0, 0.0]),
    ("Lourenço", [2.0, 0.5, 12.0]),
    ("Lucas", [0.0, 1.0, 15.0]),
    ("Marcelo", [0.5, 4.0, 2.0]),
    ("Marco", [0.0, 12.0, 2.0]),
    ("Martim", [0.0, 0.5, 18.0]),
    ("Mateus", [0.5, 0.5, 8.0]),
    ("Moisés", [2.0, 1.0, 0.5]),
    ("Norberto", [4.0, 2.0, 0.0]),
    ("Octávio", [4.0, 1.0, 0.0]),
    ("Orlando", [6.0, 2.0, 0.0]),
    ("Óscar", [2.0, 4.0, 1.0]),
    ("Raul", [5.0, 5.0, 1.0]),
    ("Rafael", [0.0, 6.0, 15.0]),
    ("Renato", [0.0, 4.0, 1.0]),
    ("Rodrigo", [0.5, 4.0, 20.0]),
    ("Rogério", [5.0, 3.0, 0.0]),
    ("Rúben", [0.0, 6.0, 5.0]),
    ("Salvador", [2.0, 0.5, 10.0]),
    ("Samuel", [1.0, 2.0, 8.0]),
    ("Santiago", [0.0, 0.0, 15.0]),
    ("Sebastião", [3.0, 0.5, 6.0]),
    ("Serafim", [5.0, 0.5, 0.0]),
    ("Simão", [1.0, 2.0, 8.0]),
    ("Tomás", [1.0, 1.0, 16.0]),
    ("Valter", [0.0, 5.0, 1.0]),
    ("Vasco", [1.0, 6.0, 3.0]),
    ("Vítor", [4.0, 18.0, 1.0]),
    ("Xavier", [0.5, 0.5, 3.0]),
    ("Zeferino", [3.0, 0.0, 0.0]),
    ("Abel", [5.0, 2.0, 0.5]),
    ("Adriano", [4.0, 3.0, 0.5]),
    ("Afonso", [3.0, 1.0, 18.0]),
    ("Alexandre", [1.0, 8.0, 8.0]),
    ("Ângelo", [1.0, 4.0, 1.0]),
    ("Arnaldo", [4.0, 1.0, 0.0]),
    ("Bento", [4.0, 0.5, 1.0]),
    ("César", [2.0, 4.0, 1.0]),
    ("Cristiano", [0.0, 3.0, 2.0]),
    ("Diamantino", [4.0, 0.5, 0.0]),
    ("Edgar", [0.0, 5.0, 2.0]),
    ("Emílio", [4.0, 1.0, 0.0]),
    ("Flávio", [0.0, 5.0, 1.0]),
    ("Florentino", [3.0, 0.0, 0.0]),
    ("Gualter", [1.0, 1.0, 0.0]),
    ("Gustavo", [0.5, 2.0, 6.0]),
    ("Hélio", [0.0, 4.0, 0.5]),
    ("Jacinto", [5.0, 0.5, 0.0]),
    ("Jerónimo", [3.0, 0.5, 0.0]),
    ("Leandro", [0.0, 4.0, 3.0]),
    ("Leonardo", [0.0, 1.0, 10.0]),
    ("Lino", [4.0, 1.0, 0.0]),
    ("Lúcio", [3.0, 1.0, 0.0]),
    ("Marcos", [0.0, 4.0, 2.0]),
    ("Martinho", [4.0, 1.0, 0.5]),
    ("Mauro", [0.0, 3.0, 1.0]),
    ("Nelson", [0.5, 7.0, 1.0]),
    ("Paulino", [3.0, 0.5, 0.0]),
    ("Reinaldo", [2.0, 0.5, 0.0]),
    ("Ramiro", [3.0, 1.0, 0.0]),
    ("Rolando", [2.0, 1.0, 0.0]),
    ("Romeu", [1.0, 1.0, 1.0]),
    ("Sandro", [0.0, 4.0, 0.5]),
    ("Silvino", [3.0, 0.5, 0.0]),
    ("Telmo", [0.0, 4.0, 0.5]),
    ("Teodoro", [2.0, 0.0, 0.0]),
    ("Valdemar", [4.0, 1.0, 0.0]),
    ("Vicente", [2.0, 0.5, 8.0]),
    ("Virgílio", [4.0, 0.5, 0.0]),
    ("Zacarias", [2.0, 0.0, 0.0]),
    ("Dinis", [1.0, 1.0, 8.0]),
    ("Enzo", [0.0, 0.0, 5.0]),
    ("Benjamim", [1.0, 0.5, 3.0]),
    ("Baltazar", [2.0, 0.0, 0.0]),
    ("Silvestre", [2.0, 0.5, 0.0]),
    ("Teófilo", [2.0, 0.5, 0.0]),
    ("Evaristo", [2.0, 0.0, 0.0]),
    ("Acácio", [3.0, 0.5, 0.0]),
    ("Adão", [2.0, 0.0, 0.0]),
    ("Alcides", [3.0, 0.5, 0.0]),
    ("Alexandrino", [2.0, 0.0, 0.0]),
    ("Amadeu", [3.0, 0.5, 0.0]),
    ("Anselmo", [2.0, 0.5, 0.0]),
    ("Aurélio", [3.0, 0.5, 0.0]),
    ("Bartolomeu", [2.0, 0.0, 0.0]),
    ("Bráulio", [1.0, 0.5, 0.0]),
    ("Cândido", [3.0, 0.5, 0.0]),
    ("Clemente", [2.0, 0.0, 0.0]),
    ("Delfim", [3.0, 0.5, 0.0]),
    ("Elias", [2.0, 1.0, 1.0]),
    ("Elísio", [2.0, 0.5, 0.0]),
    ("Fernão", [0.5, 0.0, 0.0]),
    ("Germano", [3.0, 0.5, 0.0]),
    ("Gervásio", [1.0, 0.0, 0.0]),
    ("Hernâni", [2.0, 1.0, 0.0]),
    ("Isidro", [2.0, 0.0, 0.0]),
    ("Ivan", [0.0, 1.0, 2.0]),
    ("Jonas", [0.5, 0.5, 1.0]),
    ("Josué", [0.5, 0.5, 0.5]),
    ("Lauro", [1.0, 0.0, 0.0]),
    ("Leopoldo", [2.0, 0.0, 0.0]),
    ("Luciano", [2.0, 2.0, 0.5]),
    ("Marcelino", [3.0, 0.5, 0.0]),
    ("Matias", [1.0, 0.0, 4.0]),
    ("Maximiano", [2.0, 0.0, 0.0]),
    ("Nicolau", [1.0, 0.5, 1.0]),
    ("Olímpio", [2.0, 0.0, 0.0]),
    ("Patrício", [1.0, 1.0, 0.0]),
    ("Quintino", [1.0, 0.0, 0.0]),
    ("Rodolfo", [1.0, 1.0, 0.5]),
    ("Sílvio", [1.0, 2.0, 0.5]),
    ("Tito", [1.0, 0.5, 0.0]),
    ("Ulisses", [1.0, 0.5, 0.0]),
    ("Venâncio", [2.0, 0.0, 0.0]),
    ("Vitorino", [3.0, 0.5, 0.0]),
];

/// Religious complements of women's names ("Maria da Conceição"), with weights.
const PT_FEMALE_COMPLEMENTS: &[(Part, f64)] = &[
    (
        Part {
            text: "Conceição",
            particle: "da",
        },
        30.0,
    ),
    (
        Part {
            text: "Fátima",
            particle: "de",
        },
        25.0,
    ),
    (
        Part {
            text: "Lurdes",
            particle: "de",
        },
        15.0,
    ),
    (
        Part {
            text: "Céu",
            particle: "do",
        },
        12.0,
    ),
    (
        Part {
            text: "Graça",
            particle: "da",
        },
        12.0,
    ),
    (
        Part {
            text: "Carmo",
            particle: "do",
        },
        8.0,
    ),
    (
        Part {
            text: "Anjos",
            particle: "dos",
        },
        6.0,
    ),
    (
        Part {
            text: "Luz",
            particle: "da",
        },
        6.0,
    ),
    (
        Part {
            text: "Rosário",
            particle: "do",
        },
        6.0,
    ),
    (
        Part {
            text: "Glória",
            particle: "da",
        },
        5.0,
    ),
    (
        Part {
            text: "Dores",
            particle: "das",
        },
        5.0,
    ),
    (
        Part {
            text: "Jesus",
            particle: "de",
        },
        5.0,
    ),
    (
        Part {
            text: "Piedade",
            particle: "da",
        },
        3.0,
    ),
    (
        Part {
            text: "Assunção",
            particle: "da",
        },
        3.0,
    ),
    (
        Part {
            text: "Nazaré",
            particle: "da",
        },
        3.0,
    ),
    (
        Part {
            text: "Natividade",
            particle: "da",
        },
        2.0,
    ),
    (
        Part {
            text: "Ascensão",
            particle: "da",
        },
        2.0,
    ),
    (
        Part {
            text: "Encarnação",
            particle: "da",
        },
        2.0,
    ),
    (
        Part {
            text: "Purificação",
            particle: "da",
        },
        1.0,
    ),
];

/// Religious complements of men's names ("José de Jesus", "João de Deus").
const PT_MALE_COMPLEMENTS: &[(Part, f64)] = &[
    (
        Part {
            text: "Jesus",
            particle: "de",
        },
        3.0,
    ),
    (
        Part {
            text: "Deus",
            particle: "de",
        },
        1.0,
    ),
];

/// Added to every surname weight: the mass of the thousands of rarer surnames not listed,
/// spread over the listed ones (flattens the tail without changing the head's order).
const SURNAME_TAIL: f64 = 2.5;

/// Portuguese surnames: (surname, weight per surname slot, usual particle).
const PT_SURNAMES: &[(&str, f64, &str)] = &[
    ("Silva", 88.0, "da"),
    ("Santos", 50.0, "dos"),
    ("Ferreira", 50.0, ""),
    ("Pereira", 50.0, ""),
    ("Costa", 36.0, "da"),
    ("Oliveira", 36.0, "de"),
    ("Rodrigues", 34.0, ""),
    ("Martins", 32.0, ""),
    ("Fernandes", 32.0, ""),
    ("Jesus", 30.0, "de"),
    ("Sousa", 30.0, "de"),
    ("Gonçalves", 28.0, ""),
    ("Gomes", 27.0, ""),
    ("Lopes", 26.0, ""),
    ("Marques", 25.0, ""),
    ("Alves", 25.0, ""),
    ("Almeida", 23.0, "de"),
    ("Ribeiro", 22.0, ""),
    ("Pinto", 21.0, ""),
    ("Carvalho", 21.0, "de"),
    ("Teixeira", 19.0, ""),
    ("Moreira", 18.0, ""),
    ("Correia", 17.0, ""),
    ("Mendes", 17.0, ""),
    ("Nunes", 16.0, ""),
    ("Soares", 16.0, ""),
    ("Vieira", 15.0, ""),
    ("Monteiro", 14.0, ""),
    ("Cardoso", 14.0, ""),
    ("Rocha", 13.0, "da"),
    ("Neves", 13.0, "das"),
    ("Coelho", 13.0, ""),
    ("Cruz", 12.0, "da"),
    ("Cunha", 12.0, "da"),
    ("Pires", 12.0, ""),
    ("Ramos", 12.0, ""),
    ("Reis", 12.0, "dos"),
    ("Simões", 11.0, ""),
    ("Antunes", 11.0, ""),
    ("Matos", 11.0, "de"),
    ("Fonseca", 10.0, "da"),
    ("Machado", 10.0, ""),
    ("Araújo", 10.0, "de"),
    ("Barbosa", 10.0, ""),
    ("Tavares", 9.0, ""),
    ("Lourenço", 9.0, ""),
    ("Castro", 9.0, "de"),
    ("Figueiredo", 9.0, "de"),
    ("Azevedo", 9.0, "de"),
    ("Freitas", 9.0, "de"),
    ("Dias", 8.0, ""),
    ("Henriques", 8.0, ""),
    ("Lima", 8.0, "de"),
    ("Conceição", 8.0, "da"),
    ("Nascimento", 7.0, "do"),
    ("Batista", 7.0, ""),
    ("Pinheiro", 7.0, ""),
    ("Faria", 7.0, "de"),
    ("Miranda", 7.0, "de"),
    ("Barros", 7.0, "de"),
    ("Morais", 7.0, "de"),
    ("Nogueira", 6.0, ""),
    ("Esteves", 6.0, ""),
    ("Domingues", 6.0, ""),
    ("Brito", 6.0, "de"),
    ("Mota", 6.0, "da"),
    ("Vaz", 6.0, ""),
    ("Paiva", 6.0, "de"),
    ("Campos", 6.0, ""),
    ("Duarte", 6.0, ""),
    ("Torres", 5.0, ""),
    ("Sá", 5.0, "de"),
    ("Leite", 5.0, ""),
    ("Borges", 5.0, ""),
    ("Bastos", 5.0, ""),
    ("Lobo", 5.0, ""),
    ("Valente", 5.0, ""),
    ("Macedo", 5.0, "de"),
    ("Magalhães", 5.0, "de"),
    ("Sequeira", 5.0, ""),
    ("Andrade", 5.0, "de"),
    ("Melo", 5.0, "de"),
    ("Guerreiro", 5.0, ""),
    ("Baptista", 4.0, ""),
    ("Carneiro", 4.0, ""),
    ("Jorge", 4.0, ""),
    ("Lemos", 4.0, "de"),
    ("Loureiro", 4.0, ""),
    ("Marinho", 4.0, ""),
    ("Medeiros", 4.0, "de"),
    ("Moura", 4.0, "de"),
    ("Neto", 4.0, ""),
    ("Pacheco", 4.0, ""),
    ("Peixoto", 4.0, ""),
    ("Rebelo", 4.0, ""),
    ("Amaral", 4.0, "do"),
    ("Abreu", 4.0, "de"),
    ("Afonso", 4.0, ""),
    ("Rosa", 4.0, "da"),
    ("Pedrosa", 3.0, ""),
    ("Quintas", 3.0, ""),
    ("Resende", 3.0, "de"),
    ("Salgado", 3.0, ""),
    ("Sampaio", 3.0, ""),
    ("Santana", 3.0, ""),
    ("Seabra", 3.0, ""),
    ("Serra", 3.0, "da"),
    ("Silvestre", 3.0, ""),
    ("Sobral", 3.0, ""),
    ("Tomé", 3.0, ""),
    ("Vasconcelos", 3.0, "de"),
    ("Ventura", 3.0, ""),
    ("Xavier", 3.0, ""),
    ("Aguiar", 3.0, "de"),
    ("Alexandre", 3.0, ""),
    ("Amorim", 3.0, ""),
    ("Anjos", 3.0, "dos"),
    ("Barreto", 3.0, ""),
    ("Barroso", 3.0, ""),
    ("Bento", 3.0, ""),
    ("Branco", 3.0, ""),
    ("Cabral", 3.0, ""),
    ("Caldeira", 3.0, ""),
    ("Carmo", 3.0, "do"),
    ("Cerqueira", 3.0, ""),
    ("Chaves", 3.0, ""),
    ("Couto", 3.0, "do"),
    ("Cordeiro", 3.0, ""),
    ("Coutinho", 3.0, ""),
    ("Dinis", 3.0, ""),
    ("Ferraz", 3.0, ""),
    ("Franco", 3.0, ""),
    ("Freire", 3.0, ""),
    ("Gaspar", 3.0, ""),
    ("Godinho", 3.0, ""),
    ("Gouveia", 3.0, "de"),
    ("Guedes", 3.0, ""),
    ("Guimarães", 3.0, ""),
    ("Leal", 3.0, ""),
    ("Leitão", 3.0, ""),
    ("Maia", 3.0, "da"),
    ("Matias", 3.0, ""),
    ("Meireles", 3.0, ""),
    ("Mesquita", 3.0, ""),
    ("Pais", 3.0, ""),
    ("Pinho", 3.0, ""),
    ("Raposo", 3.0, ""),
    ("Rego", 3.0, "do"),
    ("Saraiva", 3.0, ""),
    ("Silveira", 3.0, "da"),
    ("Veiga", 3.0, "da"),
    ("Vicente", 3.0, ""),
    ("Viana", 3.0, ""),
    ("Vale", 3.0, "do"),
    ("Brandão", 3.0, ""),
    ("Garcia", 3.0, ""),
    ("Mateus", 3.0, ""),
    ("Guerra", 3.0, ""),
    ("Ramalho", 3.0, ""),
    ("Arruda", 2.0, ""),
    ("Assunção", 2.0, "da"),
    ("Barata", 2.0, ""),
    ("Bessa", 2.0, ""),
    ("Calado", 2.0, ""),
    ("Camacho", 2.0, ""),
    ("Capela", 2.0, ""),
    ("Carrilho", 2.0, ""),
    ("Casimiro", 2.0, ""),
    ("Castanheira", 2.0, ""),
    ("Cavaco", 2.0, ""),
    ("Craveiro", 2.0, ""),
    ("Damião", 2.0, ""),
    ("Diniz", 2.0, ""),
    ("Espírito Santo", 2.0, "do"),
    ("Estrela", 2.0, ""),
    ("Faustino", 2.0, ""),
    ("Feijó", 2.0, ""),
    ("Félix", 2.0, ""),
    ("Figueira", 2.0, ""),
    ("Filipe", 2.0, ""),
    ("Frade", 2.0, ""),
    ("Frias", 2.0, ""),
    ("Gil", 2.0, ""),
    ("Graça", 2.0, "da"),
    ("Horta", 2.0, ""),
    ("Jardim", 2.0, ""),
    ("Lacerda", 2.0, ""),
    ("Louro", 2.0, ""),
    ("Lucas", 2.0, ""),
    ("Luz", 2.0, "da"),
    ("Manso", 2.0, ""),
    ("Marçal", 2.0, ""),
    ("Martinho", 2.0, ""),
    ("Miguel", 2.0, ""),
    ("Mourão", 2.0, ""),
    ("Nóbrega", 2.0, ""),
    ("Novais", 2.0, ""),
    ("Paixão", 2.0, "da"),
    ("Patrício", 2.0, ""),
    ("Paulo", 2.0, ""),
    ("Pedro", 2.0, ""),
    ("Pestana", 2.0, ""),
    ("Pimenta", 2.0, ""),
    ("Pimentel", 2.0, ""),
    ("Portela", 2.0, ""),
    ("Prata", 2.0, ""),
    ("Rosário", 2.0, "do"),
    ("Rufino", 2.0, ""),
    ("Sales", 2.0, ""),
    ("Salvador", 2.0, ""),
    ("Sardinha", 2.0, ""),
    ("Seixas", 2.0, ""),
    ("Semedo", 2.0, ""),
    ("Serrano", 2.0, ""),
    ("Sobreira", 2.0, ""),
    ("Teles", 2.0, ""),
    ("Tenreiro", 2.0, ""),
    ("Trindade", 2.0, "da"),
    ("Valadares", 2.0, ""),
    ("Valério", 2.0, ""),
    ("Varela", 2.0, ""),
    ("Vidal", 2.0, ""),
    ("Vilela", 2.0, ""),
    ("Fontes", 2.0, ""),
    ("Queirós", 2.0, ""),
    ("Quaresma", 2.0, ""),
    ("Simão", 2.0, ""),
    ("Barreiros", 2.0, ""),
    ("Bernardes", 2.0, ""),
    ("Bettencourt", 2.0, ""),
    ("Medina", 2.0, ""),
    ("Cristóvão", 2.0, ""),
    ("Fragoso", 2.0, ""),
    ("Galvão", 2.0, ""),
    ("Grilo", 2.0, ""),
    ("Morgado", 2.0, ""),
    ("Nobre", 2.0, ""),
    ("Ornelas", 2.0, ""),
    ("Pedroso", 2.0, ""),
    ("Quintela", 2.0, ""),
    ("Roque", 2.0, ""),
    ("Tomás", 2.0, ""),
    ("Amaro", 2.0, ""),
    ("Conde", 2.0, ""),
    ("Falcão", 2.0, ""),
    ("Ferrão", 2.0, ""),
    ("Jacinto", 2.0, ""),
    ("Mascarenhas", 2.0, ""),
    ("Meneses", 2.0, "de"),
    ("Moniz", 2.0, ""),
    ("Sarmento", 2.0, ""),
    ("Soeiro", 2.0, ""),
    ("Taborda", 2.0, ""),
    ("Castelo Branco", 1.0, ""),
    ("Portugal", 1.0, ""),
    ("Janeiro", 1.0, ""),
    ("Penha", 1.0, "da"),
    ("Santiago", 1.0, ""),
    ("Vinagre", 1.0, ""),
    ("Zacarias", 1.0, ""),
    ("Barroca", 1.0, ""),
    ("Baltazar", 1.0, ""),
    ("Calisto", 1.0, ""),
    ("Lança", 1.0, ""),
    ("Lousada", 1.0, ""),
    ("Orvalho", 1.0, ""),
    ("Parreira", 1.0, ""),
    ("Rijo", 1.0, ""),
    ("Vargas", 1.0, ""),
    ("Abrantes", 1.5, ""),
    ("Agostinho", 1.5, ""),
    ("Albuquerque", 1.5, ""),
    ("Alegria", 1.5, ""),
    ("Alvim", 1.5, ""),
    ("Amado", 1.5, ""),
    ("Antão", 1.5, ""),
    ("Aragão", 1.5, ""),
    ("Arantes", 1.5, ""),
    ("Ávila", 1.5, ""),
    ("Balsemão", 1.5, ""),
    ("Barradas", 1.5, ""),
    ("Belo", 1.5, ""),
    ("Beirão", 1.5, ""),
    ("Boavida", 1.5, ""),
    ("Botelho", 1.5, ""),
    ("Bragança", 1.5, ""),
    ("Bravo", 1.5, ""),
    ("Brás", 1.5, ""),
    ("Bulhões", 1.5, ""),
    ("Cabaço", 1.5, ""),
    ("Cabrita", 1.5, ""),
    ("Caldas", 1.5, ""),
    ("Câmara", 1.5, ""),
    ("Canelas", 1.5, ""),
    ("Capucho", 1.5, ""),
    ("Carreira", 1.5, ""),
    ("Carrasco", 1.5, ""),
    ("Carreiro", 1.5, ""),
    ("Casaca", 1.5, ""),
    ("Catarino", 1.5, ""),
    ("Cepeda", 1.5, ""),
    ("Charrua", 1.5, ""),
    ("Cid", 1.5, ""),
    ("Coimbra", 1.5, ""),
    ("Condeço", 1.5, ""),
    ("Cotrim", 1.5, ""),
    ("Crespo", 1.5, ""),
    ("Cortês", 1.5, ""),
    ("Dâmaso", 1.5, ""),
    ("Delgado", 1.5, ""),
    ("Eusébio", 1.5, ""),
    ("Fidalgo", 1.5, ""),
    ("Fialho", 1.5, ""),
    ("Flores", 1.5, ""),
    ("Fortunato", 1.5, ""),
    ("Frazão", 1.5, ""),
    ("Furtado", 1.5, ""),
    ("Galego", 1.5, ""),
    ("Gameiro", 1.5, ""),
    ("Garrido", 1.5, ""),
    ("Girão", 1.5, ""),
    ("Gregório", 1.5, ""),
    ("Inácio", 1.5, ""),
    ("Ladeira", 1.5, ""),
    ("Lameiras", 1.5, ""),
    ("Lobato", 1.5, ""),
    ("Lucena", 1.5, ""),
    ("Madeira", 1.5, ""),
    ("Malheiro", 1.5, ""),
    ("Mamede", 1.5, ""),
    ("Marcelino", 1.5, ""),
    ("Marreiros", 1.5, ""),
    ("Meira", 1.5, ""),
    ("Mestre", 1.5, ""),
    ("Mira", 1.5, ""),
    ("Montes", 1.5, ""),
    ("Mourato", 1.5, ""),
    ("Murta", 1.5, ""),
    ("Narciso", 1.5, ""),
    ("Noronha", 1.5, ""),
    ("Pardal", 1.5, ""),
    ("Paredes", 1.5, ""),
    ("Pascoal", 1.5, ""),
    ("Patrocínio", 1.5, ""),
    ("Pego", 1.5, ""),
    ("Penedo", 1.5, ""),
    ("Pinela", 1.5, ""),
    ("Piteira", 1.5, ""),
    ("Pombo", 1.5, ""),
    ("Prates", 1.5, ""),
    ("Proença", 1.5, ""),
    ("Quadros", 1.5, ""),
    ("Queiroga", 1.5, ""),
    ("Rebocho", 1.5, ""),
    ("Relvas", 1.5, ""),
    ("Ribas", 1.5, ""),
    ("Rolo", 1.5, ""),
    ("Romão", 1.5, ""),
    ("Sabino", 1.5, ""),
    ("Salsa", 1.5, ""),
    ("Samora", 1.5, ""),
    ("Sanches", 1.5, ""),
    ("Seco", 1.5, ""),
    ("Semião", 1.5, ""),
    ("Sena", 1.5, ""),
    ("Serôdio", 1.5, ""),
    ("Silvério", 1.5, ""),
    ("Simas", 1.5, ""),
    ("Sintra", 1.5, ""),
    ("Soromenho", 1.5, ""),
    ("Teodoro", 1.5, ""),
    ("Tojal", 1.5, ""),
    ("Toscano", 1.5, ""),
    ("Travassos", 1.5, ""),
    ("Valadas", 1.5, ""),
    ("Varandas", 1.5, ""),
    ("Veloso", 1.5, ""),
    ("Viegas", 1.5, ""),
    ("Vilaça", 1.5, ""),
    ("Zambujo", 1.5, ""),
    ("Corte-Real", 0.5, ""),
    ("Sotto Mayor", 0.3, ""),
    ("Athayde", 0.3, ""),
];

// ---------------------------------------------------------------------------------------------
// Foreign communities' data: lists in rough frequency order (Zipf weights by rank).

const BR_MALE: &[&str] = &[
    "João",
    "Pedro",
    "Lucas",
    "Gabriel",
    "Matheus",
    "Rafael",
    "Gustavo",
    "Felipe",
    "Thiago",
    "Bruno",
    "Leonardo",
    "Rodrigo",
    "Luiz",
    "Carlos",
    "Marcos",
    "Paulo",
    "Diego",
    "Vinícius",
    "Guilherme",
    "Eduardo",
    "Fernando",
    "Ricardo",
    "Anderson",
    "Wellington",
    "Jefferson",
    "Cleber",
    "Edson",
    "Roberto",
    "Marcelo",
    "Leandro",
    "Renato",
    "Fábio",
    "Alexandre",
    "André",
    "Daniel",
    "José",
    "Antônio",
    "Francisco",
    "Júlio",
    "Caio",
    "Davi",
    "Arthur",
    "Heitor",
    "Enzo",
    "Miguel",
    "Luan",
    "Kauã",
    "Ryan",
    "Igor",
    "Washington",
    "Wesley",
    "Everton",
    "Rogério",
    "Márcio",
    "Sandro",
    "Cristiano",
    "Ronaldo",
    "Adriano",
    "Robson",
    "Gilberto",
];
const BR_FEMALE: &[&str] = &[
    "Ana",
    "Maria",
    "Juliana",
    "Fernanda",
    "Mariana",
    "Camila",
    "Amanda",
    "Bruna",
    "Larissa",
    "Letícia",
    "Beatriz",
    "Gabriela",
    "Aline",
    "Patrícia",
    "Vanessa",
    "Jéssica",
    "Tatiane",
    "Priscila",
    "Natália",
    "Thaís",
    "Carolina",
    "Raquel",
    "Luana",
    "Débora",
    "Kelly",
    "Cristiane",
    "Adriana",
    "Simone",
    "Daniele",
    "Rafaela",
    "Isabela",
    "Júlia",
    "Sophia",
    "Alice",
    "Laura",
    "Valentina",
    "Heloísa",
    "Giovanna",
    "Yasmin",
    "Kamila",
    "Mônica",
    "Gislene",
    "Rosângela",
    "Luciana",
    "Sabrina",
    "Michele",
    "Andressa",
    "Viviane",
    "Elaine",
    "Sueli",
];
const BR_COMPOUND_MALE: &[(&str, &str)] = &[
    ("João", "Pedro"),
    ("João", "Victor"),
    ("Pedro", "Henrique"),
    ("Luiz", "Felipe"),
    ("Carlos", "Eduardo"),
    ("João", "Paulo"),
    ("Luiz", "Carlos"),
    ("José", "Carlos"),
    ("Paulo", "Roberto"),
    ("Marcos", "Vinícius"),
    ("João", "Gabriel"),
    ("Antônio", "Carlos"),
];
const BR_COMPOUND_FEMALE: &[(&str, &str)] = &[
    ("Maria", "Eduarda"),
    ("Ana", "Clara"),
    ("Ana", "Júlia"),
    ("Maria", "Clara"),
    ("Ana", "Paula"),
    ("Maria", "Luiza"),
    ("Ana", "Carolina"),
    ("Maria", "Fernanda"),
    ("Ana", "Beatriz"),
    ("Maria", "Alice"),
];
const BR_SURNAMES: &[(&str, &str)] = &[
    ("Silva", "da"),
    ("Santos", "dos"),
    ("Oliveira", "de"),
    ("Souza", "de"),
    ("Rodrigues", ""),
    ("Ferreira", ""),
    ("Alves", ""),
    ("Pereira", ""),
    ("Lima", ""),
    ("Gomes", ""),
    ("Costa", "da"),
    ("Ribeiro", ""),
    ("Martins", ""),
    ("Carvalho", ""),
    ("Almeida", "de"),
    ("Lopes", ""),
    ("Soares", ""),
    ("Fernandes", ""),
    ("Vieira", ""),
    ("Barbosa", ""),
    ("Rocha", "da"),
    ("Dias", ""),
    ("Nascimento", "do"),
    ("Andrade", "de"),
    ("Moreira", ""),
    ("Nunes", ""),
    ("Marques", ""),
    ("Machado", ""),
    ("Mendes", ""),
    ("Freitas", "de"),
    ("Cardoso", ""),
    ("Ramos", ""),
    ("Gonçalves", ""),
    ("Santana", ""),
    ("Teixeira", ""),
    ("Araújo", "de"),
    ("Jesus", "de"),
    ("Moura", ""),
    ("Cavalcanti", ""),
    ("Monteiro", ""),
    ("Batista", ""),
    ("Pinheiro", ""),
    ("Farias", ""),
    ("Borges", ""),
    ("Correia", ""),
    ("Bezerra", ""),
    ("Campos", ""),
    ("Medeiros", ""),
    ("Xavier", ""),
    ("Siqueira", ""),
    ("Rezende", ""),
    ("Mattos", ""),
    ("Brandão", ""),
    ("Queiroz", ""),
    ("Magalhães", ""),
    ("Miranda", ""),
    ("Fonseca", "da"),
    ("Prado", "do"),
    ("Assis", "de"),
    ("Aguiar", ""),
];

const CV_MALE: &[&str] = &[
    "José",
    "João",
    "Manuel",
    "Carlos",
    "António",
    "Adilson",
    "Edson",
    "Ailton",
    "Nelson",
    "Admilson",
    "Elton",
    "Jailson",
    "Celestino",
    "Aristides",
    "Amílcar",
    "Arlindo",
    "Domingos",
    "Paulo",
    "Pedro",
    "Djalma",
    "Evandro",
    "Hélder",
    "Ivanildo",
    "Zeferino",
    "Danilson",
];
const CV_FEMALE: &[&str] = &[
    "Maria",
    "Ana",
    "Djamila",
    "Nilda",
    "Edna",
    "Elisângela",
    "Eunice",
    "Ivone",
    "Denise",
    "Carla",
    "Sandra",
    "Zenaida",
    "Kátia",
    "Arlinda",
    "Antónia",
    "Madalena",
    "Josefa",
    "Helena",
    "Adelaide",
    "Marisa",
    "Neusa",
    "Sónia",
    "Elsa",
    "Vanilda",
];
const CV_SURNAMES: &[(&str, &str)] = &[
    ("Tavares", ""),
    ("Semedo", ""),
    ("Fernandes", ""),
    ("Lopes", ""),
    ("Gomes", ""),
    ("Varela", ""),
    ("Moreira", ""),
    ("Monteiro", ""),
    ("Correia", ""),
    ("Rodrigues", ""),
    ("Furtado", ""),
    ("Mendes", ""),
    ("Sanches", ""),
    ("Borges", ""),
    ("Spencer", ""),
    ("Évora", ""),
    ("Veiga", "da"),
    ("Delgado", ""),
    ("Barbosa", ""),
    ("Cabral", ""),
    ("Andrade", ""),
    ("Silva", "da"),
    ("Pina", ""),
    ("Brito", ""),
    ("Fortes", ""),
    ("Ramos", ""),
    ("Rocha", ""),
    ("Soares", ""),
    ("Baptista", ""),
    ("Duarte", ""),
    ("Vaz", ""),
    ("Almeida", ""),
    ("Santos", "dos"),
    ("Cardoso", ""),
];

const AO_MALE: &[&str] = &[
    "Manuel",
    "João",
    "António",
    "José",
    "Paulo",
    "Pedro",
    "Francisco",
    "Domingos",
    "Afonso",
    "Adão",
    "Mateus",
    "Kiluanje",
    "Wilson",
    "Edvaldo",
    "Yuri",
    "Nelson",
    "Délcio",
    "Hélder",
    "Osvaldo",
    "Edmilson",
    "Kiala",
    "Sebastião",
    "Agostinho",
    "Bernardo",
    "Garcia",
    "Lukeny",
];
const AO_FEMALE: &[&str] = &[
    "Maria",
    "Ana",
    "Esperança",
    "Feliciana",
    "Joana",
    "Teresa",
    "Luzia",
    "Madalena",
    "Rosa",
    "Isabel",
    "Nzinga",
    "Lueji",
    "Tchissola",
    "Vanda",
    "Suzana",
    "Elsa",
    "Celestina",
    "Marisa",
    "Yolanda",
    "Nádia",
    "Domingas",
    "Helena",
    "Josefina",
    "Ndala",
];
const AO_SURNAMES: &[(&str, &str)] = &[
    ("Santos", "dos"),
    ("Fernandes", ""),
    ("Costa", "da"),
    ("Kiala", ""),
    ("Kalunga", ""),
    ("Neto", ""),
    ("Baptista", ""),
    ("Francisco", ""),
    ("Domingos", ""),
    ("João", ""),
    ("Manuel", ""),
    ("Sebastião", ""),
    ("Miguel", ""),
    ("Pedro", ""),
    ("Nzinga", ""),
    ("Mbala", ""),
    ("Kassoma", ""),
    ("Kapita", ""),
    ("Kiesse", ""),
    ("Nsimba", ""),
    ("Makiese", ""),
    ("Lukamba", ""),
    ("Quiluanje", ""),
    ("Chipenda", ""),
    ("Ngola", ""),
    ("Silva", "da"),
    ("Cassule", ""),
    ("Gaspar", ""),
    ("Luís", ""),
    ("Tchimbali", ""),
];

const UA_MALE: &[&str] = &[
    "Oleksandr",
    "Serhii",
    "Andrii",
    "Volodymyr",
    "Dmytro",
    "Mykola",
    "Oleh",
    "Yurii",
    "Vasyl",
    "Ivan",
    "Petro",
    "Taras",
    "Bohdan",
    "Vitalii",
    "Maksym",
    "Artem",
    "Roman",
    "Ihor",
    "Viktor",
    "Anatolii",
];
const UA_FEMALE: &[&str] = &[
    "Yuliia",
    "Olena",
    "Nataliia",
    "Tetiana",
    "Iryna",
    "Svitlana",
    "Oksana",
    "Olha",
    "Kateryna",
    "Anna",
    "Mariia",
    "Halyna",
    "Liudmyla",
    "Valentyna",
    "Viktoriia",
    "Anastasiia",
    "Daria",
    "Inna",
    "Larysa",
    "Nadiia",
];
const UA_SURNAMES: &[(&str, &str)] = &[
    ("Shevchenko", ""),
    ("Kovalenko", ""),
    ("Bondarenko", ""),
    ("Tkachenko", ""),
    ("Kovalchuk", ""),
    ("Kravchenko", ""),
    ("Oliinyk", ""),
    ("Shevchuk", ""),
    ("Polishchuk", ""),
    ("Lysenko", ""),
    ("Boiko", ""),
    ("Melnyk", ""),
    ("Moroz", ""),
    ("Savchenko", ""),
    ("Rudenko", ""),
    ("Marchenko", ""),
    ("Petrenko", ""),
    ("Klymenko", ""),
    ("Pavlenko", ""),
    ("Ponomarenko", ""),
    ("Kuzmenko", ""),
    ("Tkachuk", ""),
    ("Melnychuk", ""),
    ("Kravchuk", ""),
    ("Hnatiuk", ""),
    ("Levchenko", ""),
    ("Zinchenko", ""),
];
/// Ukrainian patronymics: (male form, female form), from common fathers' names.
const UA_PATRONYMICS: &[(&str, &str)] = &[
    ("Oleksandrovych", "Oleksandrivna"),
    ("Serhiiovych", "Serhiivna"),
    ("Volodymyrovych", "Volodymyrivna"),
    ("Mykolaiovych", "Mykolaivna"),
    ("Ivanovych", "Ivanivna"),
    ("Petrovych", "Petrivna"),
    ("Vasylovych", "Vasylivna"),
    ("Viktorovych", "Viktorivna"),
    ("Yuriiovych", "Yuriivna"),
    ("Andriiovych", "Andriivna"),
];

const IN_MALE: &[&str] = &[
    "Gurpreet",
    "Harpreet",
    "Rajesh",
    "Suresh",
    "Ramesh",
    "Amit",
    "Sunil",
    "Anil",
    "Vijay",
    "Sanjay",
    "Rahul",
    "Arjun",
    "Manpreet",
    "Sandeep",
    "Deepak",
    "Manoj",
    "Ravi",
    "Karthik",
    "Pradeep",
    "Rakesh",
    "Mukesh",
    "Ajay",
    "Vikram",
    "Jaswinder",
    "Kuldeep",
    "Sukhwinder",
    "Harjit",
    "Mohinder",
];
const IN_FEMALE: &[&str] = &[
    "Priya",
    "Lakshmi",
    "Sunita",
    "Anita",
    "Pooja",
    "Neha",
    "Kavita",
    "Deepa",
    "Rekha",
    "Meena",
    "Asha",
    "Geeta",
    "Sita",
    "Radha",
    "Divya",
    "Anjali",
    "Simran",
    "Harpreet",
    "Manpreet",
    "Jaspreet",
    "Kiran",
    "Parminder",
];
const IN_SIKH_CLANS: &[(&str, &str)] = &[
    ("Sandhu", ""),
    ("Sidhu", ""),
    ("Gill", ""),
    ("Dhillon", ""),
    ("Grewal", ""),
    ("Bains", ""),
    ("Brar", ""),
    ("Randhawa", ""),
];
const IN_SURNAMES: &[(&str, &str)] = &[
    ("Kumar", ""),
    ("Sharma", ""),
    ("Patel", ""),
    ("Gupta", ""),
    ("Shah", ""),
    ("Srivastava", ""),
    ("Chaudhary", ""),
    ("Reddy", ""),
    ("Nair", ""),
    ("Iyer", ""),
    ("Menon", ""),
    ("Pillai", ""),
    ("Rao", ""),
    ("Verma", ""),
    ("Yadav", ""),
    ("Mishra", ""),
    ("Joshi", ""),
    ("Mehta", ""),
    ("Desai", ""),
    ("Jain", ""),
];
const INITIALS: &[&str] = &["R.", "S.", "K.", "M.", "P.", "V.", "A.", "N."];

const NP_MALE: &[&str] = &[
    "Ram", "Krishna", "Bishnu", "Hari", "Shyam", "Gopal", "Sagar", "Suman", "Rajan", "Prakash", "Bikash", "Santosh",
    "Dipak", "Nabin", "Sunil", "Binod", "Ramesh", "Dinesh", "Kiran", "Bijay",
];
const NP_FEMALE: &[&str] = &[
    "Sita", "Gita", "Laxmi", "Sabina", "Sarita", "Anita", "Sunita", "Puja", "Srijana", "Kamala", "Sushila", "Rita",
    "Bimala", "Sangita", "Manisha", "Asmita",
];
const NP_SURNAMES: &[(&str, &str)] = &[
    ("Gurung", ""),
    ("Tamang", ""),
    ("Magar", ""),
    ("Rai", ""),
    ("Limbu", ""),
    ("Shrestha", ""),
    ("Thapa", ""),
    ("Adhikari", ""),
    ("Sharma", ""),
    ("Poudel", ""),
    ("Khadka", ""),
    ("Karki", ""),
    ("Bhandari", ""),
    ("Ghimire", ""),
    ("Bhattarai", ""),
    ("Basnet", ""),
    ("Khatri", ""),
    ("KC", ""),
    ("Pandey", ""),
    ("Lama", ""),
    ("Sherpa", ""),
    ("Tharu", ""),
];

const BD_MALE: &[&str] = &[
    "Rafiqul",
    "Shahidul",
    "Aminul",
    "Nazrul",
    "Saiful",
    "Rezaul",
    "Mizanur",
    "Habibur",
    "Mostafizur",
    "Anisur",
    "Kamrul",
    "Jahangir",
    "Mahbub",
    "Shafiqul",
    "Abdul",
    "Abu",
    "Nur",
    "Jamal",
    "Kamal",
    "Rashed",
    "Sohel",
    "Rubel",
    "Shakil",
    "Hasan",
    "Jahid",
];
const BD_FEMALE: &[&str] = &[
    "Fatema", "Nasrin", "Shahana", "Rokeya", "Taslima", "Salma", "Rahima", "Jesmin", "Sumaiya", "Nusrat", "Farzana",
    "Sharmin", "Ayesha", "Rupa", "Shirin", "Morjina", "Hasina", "Sultana",
];
const BD_SURNAMES: &[(&str, &str)] = &[
    ("Islam", ""),
    ("Rahman", ""),
    ("Hossain", ""),
    ("Ahmed", ""),
    ("Uddin", ""),
    ("Alam", ""),
    ("Miah", ""),
    ("Khan", ""),
    ("Sarker", ""),
    ("Chowdhury", ""),
    ("Haque", ""),
    ("Karim", ""),
    ("Ali", ""),
    ("Sheikh", ""),
    ("Mollah", ""),
    ("Talukder", ""),
    ("Bhuiyan", ""),
];
const BD_PREFIXES: &[(&str, f64)] = &[("Md.", 45.0), ("Mohammad", 15.0), ("Mohammed", 10.0), ("", 30.0)];
const BD_FEMALE_SURNAMES: &[(&str, f64)] = &[("Akter", 40.0), ("Begum", 25.0), ("Khatun", 20.0), ("", 15.0)];

const CN_SURNAMES: &[(&str, &str)] = &[
    ("Chen", ""),
    ("Wang", ""),
    ("Zhou", ""),
    ("Ye", ""),
    ("Hu", ""),
    ("Lin", ""),
    ("Wu", ""),
    ("Xu", ""),
    ("Zhu", ""),
    ("Pan", ""),
    ("Li", ""),
    ("Zhang", ""),
    ("Liu", ""),
    ("Yang", ""),
    ("Huang", ""),
    ("Zhao", ""),
    ("Jin", ""),
    ("Zheng", ""),
    ("Cai", ""),
    ("Xie", ""),
    ("Ma", ""),
    ("Guo", ""),
];
const CN_MALE: &[&str] = &[
    "Wei", "Qiang", "Lei", "Jun", "Tao", "Ming", "Chao", "Jianguo", "Zhiqiang", "Jianhua", "Haoran", "Yuxuan",
    "Xiaoming", "Hao", "Bin", "Gang", "Peng", "Feng", "Jian", "Yong",
];
const CN_FEMALE: &[&str] = &[
    "Fang", "Jing", "Li", "Yan", "Xiu", "Hui", "Ling", "Meiling", "Xiaoyan", "Lihua", "Haiyan", "Yufei", "Zihan",
    "Min", "Na", "Xia", "Juan", "Ying", "Lan", "Qing",
];
const CN_ADOPTED_MALE: &[&str] = &["Kevin", "David", "Pedro", "Jorge", "Tony", "Alex"];
const CN_ADOPTED_FEMALE: &[&str] = &["Lucy", "Ana", "Sofia", "Vivian", "Cristina", "Helen"];

const GB_MALE: &[&str] = &[
    "James",
    "John",
    "David",
    "Michael",
    "Peter",
    "Robert",
    "William",
    "Richard",
    "Paul",
    "Andrew",
    "Mark",
    "Stephen",
    "Christopher",
    "Thomas",
    "George",
    "Ian",
    "Graham",
    "Colin",
    "Brian",
    "Keith",
    "Anthony",
    "Philip",
    "Nigel",
    "Geoffrey",
    "Alan",
];
const GB_FEMALE: &[&str] = &[
    "Susan",
    "Margaret",
    "Elizabeth",
    "Sarah",
    "Jane",
    "Catherine",
    "Patricia",
    "Linda",
    "Helen",
    "Karen",
    "Julie",
    "Alison",
    "Deborah",
    "Janet",
    "Gillian",
    "Christine",
    "Elaine",
    "Valerie",
    "Lesley",
    "Emma",
    "Ann",
];
const GB_SURNAMES: &[(&str, &str)] = &[
    ("Smith", ""),
    ("Jones", ""),
    ("Williams", ""),
    ("Taylor", ""),
    ("Brown", ""),
    ("Davies", ""),
    ("Evans", ""),
    ("Wilson", ""),
    ("Thomas", ""),
    ("Johnson", ""),
    ("Roberts", ""),
    ("Robinson", ""),
    ("Thompson", ""),
    ("Wright", ""),
    ("Walker", ""),
    ("White", ""),
    ("Edwards", ""),
    ("Hughes", ""),
    ("Green", ""),
    ("Hall", ""),
    ("Lewis", ""),
    ("Harris", ""),
    ("Clarke", ""),
    ("Jackson", ""),
    ("Wood", ""),
    ("Turner", ""),
    ("Cooper", ""),
    ("Ward", ""),
    ("Morris", ""),
    ("Baker", ""),
    ("O'Brien", ""),
    ("McDonald", ""),
    ("MacLeod", ""),
    ("Smith-Jones", ""),
    ("Harrison-Wood", ""),
];

const RO_MALE: &[&str] = &[
    "Ion",
    "Gheorghe",
    "Mihai",
    "Vasile",
    "Constantin",
    "Alexandru",
    "Andrei",
    "Ștefan",
    "Florin",
    "Marian",
    "Adrian",
    "Daniel",
    "Cristian",
    "Ionuț",
    "Nicolae",
    "Dumitru",
    "Costel",
    "Bogdan",
    "Radu",
    "Cătălin",
    "Răzvan",
];
const RO_FEMALE: &[&str] = &[
    "Maria",
    "Elena",
    "Ioana",
    "Ana",
    "Mihaela",
    "Andreea",
    "Cristina",
    "Gabriela",
    "Daniela",
    "Florentina",
    "Alexandra",
    "Nicoleta",
    "Georgiana",
    "Simona",
    "Ramona",
    "Loredana",
    "Adina",
    "Mădălina",
    "Ancuța",
];
const RO_HYPHENATED_MALE: &[&str] = &[
    "Marian-Ionuț",
    "Ion-Cătălin",
    "Mihai-Alexandru",
    "Florin-Daniel",
    "Costel-Adrian",
    "Andrei-Bogdan",
];
const RO_HYPHENATED_FEMALE: &[&str] = &[
    "Ana-Maria",
    "Elena-Cristina",
    "Maria-Magdalena",
    "Ioana-Andreea",
    "Mihaela-Simona",
    "Alexandra-Ioana",
];
const RO_SURNAMES: &[(&str, &str)] = &[
    ("Popescu", ""),
    ("Popa", ""),
    ("Pop", ""),
    ("Radu", ""),
    ("Dumitru", ""),
    ("Stan", ""),
    ("Stoica", ""),
    ("Gheorghe", ""),
    ("Matei", ""),
    ("Ciobanu", ""),
    ("Rusu", ""),
    ("Munteanu", ""),
    ("Ionescu", ""),
    ("Constantin", ""),
    ("Moldovan", ""),
    ("Lungu", ""),
    ("Țurcanu", ""),
    ("Mureșan", ""),
    ("Florea", ""),
    ("Dinu", ""),
    ("Ștefănescu", ""),
    ("Toma", ""),
    ("Marin", ""),
];

const GW_MALE: &[&str] = &[
    "Mamadu",
    "Braima",
    "Aliu",
    "Sana",
    "Adama",
    "Sadjo",
    "Umaro",
    "Iaia",
    "Malam",
    "Bacar",
    "Suleimane",
    "Issa",
    "Abdulai",
    "Domingos",
    "Armando",
    "João",
    "Luís",
    "Fernando",
    "Quintino",
];
const GW_FEMALE: &[&str] = &[
    "Fatumata", "Aissatu", "Mariama", "Binta", "Adama", "Cadi", "Nhima", "Awa", "Joana", "Maria", "Domingas", "Sábado",
    "Isabel", "Nené",
];
const GW_SURNAMES: &[(&str, &str)] = &[
    ("Baldé", ""),
    ("Djaló", ""),
    ("Embaló", ""),
    ("Sanhá", ""),
    ("Mané", ""),
    ("Sambú", ""),
    ("Indjai", ""),
    ("Camará", ""),
    ("Cassamá", ""),
    ("Biai", ""),
    ("Có", ""),
    ("Té", ""),
    ("Mendes", ""),
    ("Gomes", ""),
    ("Correia", ""),
    ("Cá", ""),
    ("Sá", ""),
    ("Nanque", ""),
    ("Seidi", ""),
];

const ST_MALE: &[&str] = &[
    "Aurélio",
    "Leonel",
    "Hélder",
    "Manuel",
    "José",
    "João",
    "Carlos",
    "Osvaldo",
    "Adilson",
    "Gaudêncio",
    "Celestino",
    "Delfim",
    "Nilton",
    "Edmar",
];
const ST_FEMALE: &[&str] = &[
    "Ilza", "Elsa", "Lúcia", "Maria", "Ana", "Celmira", "Lurdes", "Domingas", "Edite", "Nilza", "Vera", "Ednilsa",
];
const ST_SURNAMES: &[(&str, &str)] = &[
    ("Neto", ""),
    ("Trovoada", ""),
    ("Costa", "da"),
    ("Espírito Santo", "do"),
    ("Afonso", ""),
    ("Bragança", ""),
    ("Ceita", ""),
    ("Lima", ""),
    ("Carvalho", ""),
    ("Viegas", ""),
    ("Quaresma", ""),
    ("Vera Cruz", ""),
    ("Pontes", ""),
    ("Graça", "da"),
    ("Bandeira", ""),
    ("Dias", ""),
    ("Mendes", ""),
    ("Barros", ""),
    ("Pinto", ""),
];

/// Spelling families of Portuguese-speaking communities: every member is a way registries
/// write the same name (DOMAIN.md §2.3, plus pre-reform Portuguese spellings). A duplicate may
/// carry another member of the family.
pub(crate) const LUSOPHONE_VARIANTS: &[&[&str]] = &[
    // Portuguese spellings before/after the orthographic reforms, and Brazilian forms.
    &["Luís", "Luiz"],
    &["Sousa", "Souza"],
    &["Teresa", "Thereza", "Tereza"],
    &["Matos", "Mattos"],
    &["Ataíde", "Athayde"],
    &["Manuel", "Manoel"],
    &["Inês", "Ignez", "Inez"],
    &["Isabel", "Izabel"],
    &["Filipe", "Felipe", "Phelipe"],
    &["Rafael", "Raphael"],
    &["Artur", "Arthur"],
    &["Tomás", "Thomaz", "Tomaz"],
    &["Baptista", "Batista"],
    &["Melo", "Mello"],
    &["Meneses", "Menezes"],
    &["Queirós", "Queiroz"],
    &["Vítor", "Victor"],
    &["Tiago", "Thiago"],
    &["Mateus", "Matheus"],
    &["António", "Antônio"],
    &["Mónica", "Mônica"],
    &["Sónia", "Sônia"],
    &["Hélder", "Helder"],
    &["Cristina", "Christina"],
    &["Elisabete", "Elizabete", "Elisabeth"],
    &["Vinícius", "Vinicius"],
    &["Gislene", "Gislaine"],
    &["Thaís", "Taís"],
    &["Rafaela", "Raphaela"],
    &["Isabela", "Isabella"],
    &["Giovanna", "Giovana"],
    &["Kauã", "Cauã"],
    &["Yasmin", "Iasmin"],
    &["Wellington", "Welington"],
    &["Jefferson", "Jeferson"],
    &["Luiza", "Luísa"],
    // Cape Verde, Angola, Guinea-Bissau, São Tomé.
    &["Évora", "Evora"],
    &["Kiala", "Quiala"],
    &["Kalunga", "Calunga"],
    &["Kiluanje", "Quiluanje"],
    &["Ngola", "N'Gola"],
    &["Nzinga", "N'Zinga", "Njinga"],
    &["Kassoma", "Cassoma"],
    &["Kapita", "Capita"],
    &["Kiesse", "Quiesse"],
    &["Nsimba", "N'Simba"],
    &["Makiese", "Maquiese"],
    &["Lukamba", "Lucamba"],
    &["Tchissola", "Chissola"],
    &["Chipenda", "Tchipenda"],
    &["Baldé", "Balde"],
    &["Djaló", "Jaló", "Diallo"],
    &["Embaló", "Embalo"],
    &["Mamadu", "Mamadou"],
    &["Fatumata", "Fatoumata"],
    &["Aissatu", "Aissatou"],
    &["Camará", "Camara"],
    &["Indjai", "Injai"],
    &["Sanhá", "Sanha"],
    &["Mariama", "Mariyama"],
    &["Ceita", "Seita"],
];

/// Spelling families of the other communities (transliterations, diacritics, split syllables).
pub(crate) const OTHER_VARIANTS: &[&[&str]] = &[
    // Ukraine (KMU 2010 / BGN / Russian passport forms).
    &["Yuliia", "Yulia", "Yuliya", "Iuliia"],
    &["Oleksandr", "Aleksandr", "Olexandr"],
    &["Serhii", "Serhiy", "Sergey", "Sergei"],
    &["Andrii", "Andriy", "Andrey"],
    &["Dmytro", "Dmitry", "Dmitriy"],
    &["Mykola", "Nikolai", "Nikolay"],
    &["Oleh", "Oleg"],
    &["Yurii", "Yuriy", "Yuri"],
    &["Vasyl", "Vasily", "Vasyl'"],
    &["Iryna", "Irina"],
    &["Tetiana", "Tetyana", "Tatiana"],
    &["Nataliia", "Natalia", "Nataliya"],
    &["Olha", "Olga"],
    &["Kateryna", "Ekaterina"],
    &["Mariia", "Mariya"],
    &["Halyna", "Galina"],
    &["Liudmyla", "Lyudmyla", "Ludmila"],
    &["Viktoriia", "Viktoria", "Viktoriya"],
    &["Anastasiia", "Anastasia", "Anastasiya"],
    &["Ihor", "Igor"],
    &["Vitalii", "Vitaliy", "Vitaly"],
    &["Anatolii", "Anatoliy"],
    &["Nadiia", "Nadiya", "Nadia"],
    &["Shevchenko", "Chevtchenko", "Schewtschenko"],
    &["Kovalchuk", "Koval'chuk"],
    &["Oliinyk", "Oleinik", "Oliynyk"],
    &["Boiko", "Boyko"],
    &["Hnatiuk", "Gnatyuk"],
    &["Polishchuk", "Polischuk"],
    // India, Nepal, Bangladesh.
    &["Lakshmi", "Laxmi"],
    &["Chaudhary", "Choudhary", "Chowdhury", "Choudhury"],
    &["Srivastava", "Shrivastava"],
    &["Mohinder", "Mohindar"],
    &["Harpreet", "Harprit"],
    &["Gurpreet", "Gurprit"],
    &["Jaswinder", "Jasvinder"],
    &["Sukhwinder", "Sukhvinder"],
    &["Kuldeep", "Kuldip"],
    &["Pradeep", "Pradip"],
    &["Sandeep", "Sandip"],
    &["Deepak", "Dipak"],
    &["Shrestha", "Srestha"],
    &["Poudel", "Paudel"],
    &["Bhattarai", "Bhattrai"],
    &["KC", "K.C."],
    &["Adhikari", "Adhikary"],
    &["Md.", "Mohammad", "Mohammed", "Muhammad", "Mohd"],
    &["Hossain", "Hossen", "Hussain", "Hosen"],
    &["Rahman", "Rahaman"],
    &["Akter", "Akhter", "Aktar"],
    &["Fatema", "Fatima"],
    // China (pinyin / Wade-Giles / Cantonese; syllables joined or split).
    &["Zhang", "Chang"],
    &["Chen", "Chan"],
    &["Zhou", "Chou"],
    &["Xu", "Hsu"],
    &["Wang", "Wong"],
    &["Li", "Lee"],
    &["Lin", "Lam"],
    &["Zheng", "Cheng"],
    &["Zhao", "Chao"],
    &["Liu", "Lau"],
    &["Yang", "Yeung"],
    &["Xiaoming", "Xiao Ming", "Xiao-Ming"],
    &["Jianguo", "Jian Guo", "Jian-Guo"],
    &["Meiling", "Mei Ling", "Mei-Ling"],
    &["Xiaoyan", "Xiao Yan", "Xiao-Yan"],
    &["Haiyan", "Hai Yan"],
    &["Zhiqiang", "Zhi Qiang"],
    &["Jianhua", "Jian Hua"],
    &["Lihua", "Li Hua"],
    &["Yufei", "Yu Fei"],
    &["Zihan", "Zi Han"],
    &["Haoran", "Hao Ran"],
    &["Yuxuan", "Yu Xuan"],
    // United Kingdom.
    &["Catherine", "Katherine", "Kathryn"],
    &["O'Brien", "OBrien", "O Brien"],
    &["McDonald", "MacDonald", "Mc Donald"],
    &["MacLeod", "McLeod"],
    &["Philip", "Phillip"],
    &["Stephen", "Steven"],
    &["Geoffrey", "Jeffrey"],
    &["Smith-Jones", "Smith Jones", "Jones"],
    &["Harrison-Wood", "Harrison Wood"],
    &["Ann", "Anne"],
    &["Sarah", "Sara"],
    &["Elizabeth", "Elisabeth"],
    &["Alan", "Allan", "Allen"],
    &["Graham", "Graeme"],
    &["Lesley", "Leslie"],
    &["Deborah", "Debra"],
    &["Clarke", "Clark"],
    // Romania (comma below, cedilla, none).
    &["Ștefan", "Ştefan", "Stefan"],
    &["Țurcanu", "Ţurcanu", "Turcanu"],
    &["Ion", "Ioan"],
    &["Mihai", "Mihail"],
    &["Gheorghe", "Gheorge"],
    &["Mureșan", "Mureşan", "Muresan"],
    &["Ionuț", "Ionuţ", "Ionut"],
    &["Marian-Ionuț", "Marian Ionuț", "Marian Ionut"],
    &["Ion-Cătălin", "Ion Cătălin", "Ion Catalin"],
    &["Mihai-Alexandru", "Mihai Alexandru"],
    &["Ana-Maria", "Ana Maria"],
    &["Elena-Cristina", "Elena Cristina"],
    &["Maria-Magdalena", "Maria Magdalena"],
    &["Florin-Daniel", "Florin Daniel"],
    &["Costel-Adrian", "Costel Adrian"],
    &["Andrei-Bogdan", "Andrei Bogdan"],
    &["Ioana-Andreea", "Ioana Andreea"],
    &["Mihaela-Simona", "Mihaela Simona"],
    &["Alexandra-Ioana", "Alexandra Ioana"],
    &["Ștefănescu", "Ştefănescu", "Stefanescu"],
    &["Nicolae", "Nicolai"],
    &["Cătălin", "Catalin"],
    &["Răzvan", "Razvan"],
    &["Mădălina", "Madalina"],
    &["Ancuța", "Ancuţa", "Ancuta"],
];

/// Another spelling of `text`, if it belongs to a spelling family of the community's group.
pub(crate) fn variant_of(text: &str, community: Community, rng: &mut Rng) -> Option<&'static str> {
    let families = if community.lusophone() {
        LUSOPHONE_VARIANTS
    } else {
        OTHER_VARIANTS
    };
    let family = families.iter().find(|family| family.contains(&text))?;
    let others: Vec<&'static str> = family.iter().copied().filter(|v| *v != text).collect();
    (!others.is_empty()).then(|| *rng.pick(&others))
}

// ---------------------------------------------------------------------------------------------
// Tables and generation.

/// Weighted tables built once from the lists above.
pub(crate) struct NameTables {
    pt_female: [Weighted<&'static str>; 3],
    pt_male: [Weighted<&'static str>; 3],
    pt_female_complements: Weighted<Part>,
    pt_male_complements: Weighted<Part>,
    pt_surnames: Weighted<(&'static str, &'static str)>,
    foreign: Vec<ForeignTables>,
}

struct ForeignTables {
    male: Weighted<&'static str>,
    female: Weighted<&'static str>,
    surnames: Weighted<(&'static str, &'static str)>,
}

fn zipf<T: Copy>(items: &[T], exponent: f64) -> Weighted<T> {
    Weighted::new(
        items
            .iter()
            .enumerate()
            .map(|(i, &item)| (item, 1.0 / ((i + 1) as f64).powf(exponent))),
    )
}

/// The era index of a birth year (before 1960, 1960–1989, from 1990).
fn era(birth_year: i32) -> usize {
    match birth_year {
        ..=1959 => 0,
        1960..=1989 => 1,
        _ => 2,
    }
}

impl NameTables {
    /// Builds every table.
    pub(crate) fn new() -> NameTables {
        let pt_given = |list: &[(&'static str, [f64; 3])]| {
            [0, 1, 2].map(|era| Weighted::new(list.iter().map(|(name, weights)| (*name, weights[era]))))
        };
        let foreign = Community::FOREIGN
            .iter()
            .map(|(community, _)| {
                let (male, female, surnames): (&[&str], &[&str], &[(&str, &str)]) = match community {
                    Community::Brazil => (BR_MALE, BR_FEMALE, BR_SURNAMES),
                    Community::CapeVerde => (CV_MALE, CV_FEMALE, CV_SURNAMES),
                    Community::Angola => (AO_MALE, AO_FEMALE, AO_SURNAMES),
                    Community::Ukraine => (UA_MALE, UA_FEMALE, UA_SURNAMES),
                    Community::India => (IN_MALE, IN_FEMALE, IN_SURNAMES),
                    Community::Nepal => (NP_MALE, NP_FEMALE, NP_SURNAMES),
                    Community::Bangladesh => (BD_MALE, BD_FEMALE, BD_SURNAMES),
                    Community::China => (CN_MALE, CN_FEMALE, CN_SURNAMES),
                    Community::UnitedKingdom => (GB_MALE, GB_FEMALE, GB_SURNAMES),
                    Community::Romania => (RO_MALE, RO_FEMALE, RO_SURNAMES),
                    Community::GuineaBissau => (GW_MALE, GW_FEMALE, GW_SURNAMES),
                    Community::SaoTome | Community::Portugal => (ST_MALE, ST_FEMALE, ST_SURNAMES),
                };
                ForeignTables {
                    male: zipf(male, 0.6),
                    female: zipf(female, 0.6),
                    surnames: zipf(surnames, 0.6),
                }
            })
            .collect();
        NameTables {
            pt_female: pt_given(PT_FEMALE),
            pt_male: pt_given(PT_MALE),
            pt_female_complements: Weighted::new(PT_FEMALE_COMPLEMENTS.iter().copied()),
            pt_male_complements: Weighted::new(PT_MALE_COMPLEMENTS.iter().copied()),
            pt_surnames: Weighted::new(
                PT_SURNAMES
                    .iter()
                    .map(|&(name, weight, particle)| ((name, particle), weight + SURNAME_TAIL)),
            ),
            foreign,
        }
    }

    fn foreign(&self, community: Community) -> &ForeignTables {
        let i = Community::FOREIGN
            .iter()
            .position(|(c, _)| *c == community)
            .unwrap_or(0);
        &self.foreign[i]
    }

    /// One Portuguese given name of the era.
    pub(crate) fn pt_given_one(&self, sex: Sex, birth_year: i32, rng: &mut Rng) -> &'static str {
        match sex {
            Sex::F => self.pt_female[era(birth_year)].get(rng),
            Sex::M => self.pt_male[era(birth_year)].get(rng),
        }
    }

    /// Portuguese given names: one or two, with the religious complements.
    pub(crate) fn pt_given(&self, sex: Sex, birth_year: i32, rng: &mut Rng) -> Vec<Part> {
        let first = self.pt_given_one(sex, birth_year, rng);
        let mut given = vec![Part::plain(first)];
        let e = era(birth_year);
        if sex == Sex::F && first == "Maria" && rng.chance([0.40, 0.22, 0.06][e]) {
            given.push(self.pt_female_complements.get(rng));
        } else if sex == Sex::M
            && matches!(first, "José" | "Manuel" | "João" | "António")
            && rng.chance([0.06, 0.02, 0.005][e])
        {
            given.push(self.pt_male_complements.get(rng));
        } else if rng.chance([0.55, 0.65, 0.6][e]) {
            let second = loop {
                let candidate = self.pt_given_one(sex, birth_year, rng);
                if candidate != first {
                    break candidate;
                }
            };
            given.push(Part::plain(second));
        }
        given
    }

    /// One Portuguese surname, with its particle in about a third of the uses.
    pub(crate) fn pt_surname(&self, rng: &mut Rng) -> Part {
        let (text, particle) = self.pt_surnames.get(rng);
        let particle = if !particle.is_empty() && rng.chance(0.35) {
            particle
        } else {
            ""
        };
        Part { text, particle }
    }

    /// `n` distinct Portuguese surnames.
    pub(crate) fn pt_surnames(&self, n: usize, rng: &mut Rng) -> Vec<Part> {
        let mut out: Vec<Part> = Vec::with_capacity(n);
        while out.len() < n {
            let part = self.pt_surname(rng);
            if out.iter().all(|p| p.text != part.text) {
                out.push(part);
            }
        }
        out
    }

    /// A Portuguese person's parents' surnames: mother's and father's, one or two each.
    pub(crate) fn pt_lineage(&self, rng: &mut Rng) -> Lineage {
        let n_mother = if rng.chance(0.55) { 2 } else { 1 };
        let n_father = if rng.chance(0.45) { 2 } else { 1 };
        let all = self.pt_surnames(n_mother + n_father, rng);
        Lineage {
            mother: all[..n_mother].to_vec(),
            father: all[n_mother..].to_vec(),
        }
    }

    /// A full Portuguese name.
    pub(crate) fn pt_name(&self, sex: Sex, birth_year: i32, surnames: Vec<Part>, rng: &mut Rng) -> Name {
        Name {
            given: self.pt_given(sex, birth_year, rng),
            surnames,
            suffix: None,
            surname_first: false,
        }
    }

    /// A given name of a foreign community (one vocable).
    pub(crate) fn foreign_given_one(&self, community: Community, sex: Sex, rng: &mut Rng) -> &'static str {
        let tables = self.foreign(community);
        match sex {
            Sex::M => tables.male.get(rng),
            Sex::F => tables.female.get(rng),
        }
    }

    /// A surname of a foreign community.
    pub(crate) fn foreign_surname(&self, community: Community, rng: &mut Rng) -> Part {
        let (text, particle) = self.foreign(community).surnames.get(rng);
        let particle = if !particle.is_empty() && rng.chance(0.4) {
            particle
        } else {
            ""
        };
        Part { text, particle }
    }

    fn foreign_surnames(&self, community: Community, n: usize, rng: &mut Rng) -> Vec<Part> {
        let mut out: Vec<Part> = Vec::with_capacity(n);
        let mut attempts = 0;
        while out.len() < n && attempts < 50 {
            attempts += 1;
            let part = self.foreign_surname(community, rng);
            if out.iter().all(|p| p.text != part.text) {
                out.push(part);
            }
        }
        out
    }

    /// The surnames a family of this community hands down (shared by siblings).
    pub(crate) fn family_surnames(&self, community: Community, rng: &mut Rng) -> Vec<Part> {
        match community {
            Community::Portugal => {
                let lineage = self.pt_lineage(rng);
                lineage.child_surnames(rng)
            }
            Community::Brazil | Community::CapeVerde | Community::Angola | Community::SaoTome => {
                let n = if rng.chance(0.6) {
                    2
                } else {
                    1 + 2 * usize::from(rng.chance(0.4))
                };
                self.foreign_surnames(community, n.max(1), rng)
            }
            Community::GuineaBissau | Community::Ukraine | Community::China | Community::Romania => {
                self.foreign_surnames(community, 1, rng)
            }
            Community::UnitedKingdom => self.foreign_surnames(community, 1, rng),
            Community::India | Community::Nepal | Community::Bangladesh => self.foreign_surnames(community, 1, rng),
        }
    }

    /// Given names for a member of a family of `community` that shares `surnames`.
    pub(crate) fn family_given(&self, community: Community, sex: Sex, birth_year: i32, rng: &mut Rng) -> Vec<Part> {
        match community {
            Community::Portugal => self.pt_given(sex, birth_year, rng),
            Community::UnitedKingdom if rng.chance(0.55) => {
                let first = self.foreign_given_one(community, sex, rng);
                let second = self.foreign_given_one(community, sex, rng);
                if first == second {
                    vec![Part::plain(first)]
                } else {
                    vec![Part::plain(first), Part::plain(second)]
                }
            }
            Community::Brazil if rng.chance(0.35) => {
                let list = if sex == Sex::M {
                    BR_COMPOUND_MALE
                } else {
                    BR_COMPOUND_FEMALE
                };
                let (a, b) = *rng.pick(list);
                vec![Part::plain(a), Part::plain(b)]
            }
            _ => vec![Part::plain(self.foreign_given_one(community, sex, rng))],
        }
    }

    /// A full name of a person of `community` (any, including Portugal).
    pub(crate) fn name(&self, community: Community, sex: Sex, birth_year: i32, rng: &mut Rng) -> Name {
        let plain = |given: Vec<Part>, surnames: Vec<Part>| Name {
            given,
            surnames,
            suffix: None,
            surname_first: false,
        };
        match community {
            Community::Portugal => {
                let lineage = self.pt_lineage(rng);
                let surnames = lineage.child_surnames(rng);
                self.pt_name(sex, birth_year, surnames, rng)
            }
            Community::Brazil => {
                let given = self.family_given(community, sex, birth_year, rng);
                let n = if rng.chance(0.55) {
                    2
                } else if rng.chance(0.6) {
                    1
                } else {
                    3
                };
                let mut name = plain(given, self.foreign_surnames(community, n, rng));
                if sex == Sex::M && rng.chance(0.10) {
                    name.suffix = Some(*rng.pick(&["Júnior", "Júnior", "Filho", "Filho", "Neto"]));
                }
                name
            }
            Community::CapeVerde | Community::Angola | Community::SaoTome | Community::GuineaBissau => {
                let mut given = vec![Part::plain(self.foreign_given_one(community, sex, rng))];
                if rng.chance(0.35) {
                    let second = self.foreign_given_one(community, sex, rng);
                    if second != given[0].text {
                        given.push(Part::plain(second));
                    }
                }
                let n = if rng.chance(0.55) {
                    2
                } else if rng.chance(0.5) {
                    1
                } else {
                    3
                };
                plain(given, self.foreign_surnames(community, n, rng))
            }
            Community::Ukraine => {
                let mut given = vec![Part::plain(self.foreign_given_one(community, sex, rng))];
                if rng.chance(0.15) {
                    let (male, female) = *rng.pick(UA_PATRONYMICS);
                    given.push(Part::plain(if sex == Sex::M { male } else { female }));
                }
                plain(given, self.foreign_surnames(community, 1, rng))
            }
            Community::India => {
                let given_one = self.foreign_given_one(community, sex, rng);
                if rng.chance(0.45) {
                    // Sikh: Singh / Kaur as surname, the clan name sometimes after it.
                    let mut surnames = vec![Part::plain(if sex == Sex::M { "Singh" } else { "Kaur" })];
                    if rng.chance(0.4) {
                        surnames.push(Part::plain(rng.pick(IN_SIKH_CLANS).0));
                    }
                    plain(vec![Part::plain(given_one)], surnames)
                } else if rng.chance(0.1) {
                    // South-Indian initial (father's name) before the given name.
                    let initial = *rng.pick(INITIALS);
                    plain(vec![Part::plain(initial), Part::plain(given_one)], vec![])
                } else {
                    let mut given = vec![Part::plain(given_one)];
                    if sex == Sex::M && rng.chance(0.2) {
                        given.push(Part::plain("Kumar"));
                    }
                    let mut surnames = self.foreign_surnames(community, 1, rng);
                    if surnames[0].text == "Kumar" && given.len() == 2 {
                        surnames[0] = Part::plain("Sharma");
                    }
                    plain(given, surnames)
                }
            }
            Community::Nepal => {
                let given_one = self.foreign_given_one(community, sex, rng);
                if rng.chance(0.06) {
                    // Single-name passport: the registry fills the other field with "FNU".
                    return plain(vec![Part::plain("FNU")], vec![Part::plain(given_one)]);
                }
                let mut given = vec![Part::plain(given_one)];
                if sex == Sex::M && rng.chance(0.3) {
                    given.push(Part::plain(if rng.chance(0.75) { "Bahadur" } else { "Kumar" }));
                } else if sex == Sex::F && rng.chance(0.2) {
                    given.push(Part::plain("Kumari"));
                }
                plain(given, self.foreign_surnames(community, 1, rng))
            }
            Community::Bangladesh => {
                let mut given = Vec::with_capacity(3);
                if sex == Sex::M {
                    let prefix = *Weighted::new(BD_PREFIXES.iter().copied()).draw(rng);
                    if !prefix.is_empty() {
                        given.push(Part::plain(prefix));
                    }
                }
                given.push(Part::plain(self.foreign_given_one(community, sex, rng)));
                let mut surnames = Vec::with_capacity(2);
                if sex == Sex::F {
                    let last = *Weighted::new(BD_FEMALE_SURNAMES.iter().copied()).draw(rng);
                    if !last.is_empty() {
                        surnames.push(Part::plain(last));
                    } else {
                        surnames = self.foreign_surnames(community, 1, rng);
                    }
                } else {
                    surnames = self.foreign_surnames(community, 1, rng);
                    if given.len() == 1 && rng.chance(0.3) {
                        let extra = self.foreign_surname(community, rng);
                        if extra.text != surnames[0].text {
                            surnames.insert(0, extra);
                        }
                    }
                }
                plain(given, surnames)
            }
            Community::China => {
                let surnames = self.foreign_surnames(community, 1, rng);
                let mut given = vec![Part::plain(self.foreign_given_one(community, sex, rng))];
                if rng.chance(0.05) {
                    let adopted = if sex == Sex::M {
                        CN_ADOPTED_MALE
                    } else {
                        CN_ADOPTED_FEMALE
                    };
                    let adopted = *rng.pick(adopted);
                    given.insert(0, Part::plain(adopted));
                    return plain(given, surnames);
                }
                Name {
                    given,
                    surnames,
                    suffix: None,
                    surname_first: rng.chance(0.6),
                }
            }
            Community::UnitedKingdom => {
                let given = self.family_given(community, sex, birth_year, rng);
                plain(given, self.foreign_surnames(community, 1, rng))
            }
            Community::Romania => {
                let given = if rng.chance(0.15) {
                    let list = if sex == Sex::M {
                        RO_HYPHENATED_MALE
                    } else {
                        RO_HYPHENATED_FEMALE
                    };
                    let name = *rng.pick(list);
                    vec![Part::plain(name)]
                } else {
                    let first = self.foreign_given_one(community, sex, rng);
                    let mut given = vec![Part::plain(first)];
                    if rng.chance(0.15) {
                        let second = self.foreign_given_one(community, sex, rng);
                        if second != first {
                            given.push(Part::plain(second));
                        }
                    }
                    given
                };
                plain(given, self.foreign_surnames(community, 1, rng))
            }
        }
    }
}

/// The surnames of a Portuguese person's parents.
#[derive(Clone, Debug)]
pub(crate) struct Lineage {
    /// Mother's surnames.
    pub mother: Vec<Part>,
    /// Father's surnames.
    pub father: Vec<Part>,
}

impl Lineage {
    /// The child's surnames: none, one or two of the mother's (her last ones), then one or two
    /// of the father's, always ending with his last; two to four in all.
    pub(crate) fn child_surnames(&self, rng: &mut Rng) -> Vec<Part> {
        let k_mother = match rng.unit() {
            x if x < 0.10 => 0,
            x if x < 0.75 => 1,
            _ => 2,
        }
        .min(self.mother.len());
        let k_father = if rng.chance(0.3) { 2 } else { 1 }.min(self.father.len());
        let mut out: Vec<Part> = Vec::with_capacity(4);
        out.extend_from_slice(&self.mother[self.mother.len() - k_mother..]);
        out.extend_from_slice(&self.father[self.father.len() - k_father..]);
        if out.len() < 2 {
            // Two surnames at least: take the other parent's when one side gave none.
            let extra = if k_mother == 0 {
                self.mother.last()
            } else {
                self.father.first()
            };
            if let Some(extra) = extra {
                if out.iter().all(|p| p.text != extra.text) {
                    out.insert(0, *extra);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_families_are_consistent() {
        for family in LUSOPHONE_VARIANTS.iter().chain(OTHER_VARIANTS) {
            assert!(family.len() >= 2, "{family:?}");
        }
        let mut rng = Rng::new(1, 0);
        assert_eq!(variant_of("Sousa", Community::Portugal, &mut rng), Some("Souza"));
        assert_eq!(variant_of("Maria", Community::Portugal, &mut rng), None);
        assert_eq!(variant_of("Zebedeu", Community::Ukraine, &mut rng), None);
    }

    #[test]
    fn names_render() {
        let name = Name {
            given: vec![
                Part::plain("Maria"),
                Part {
                    text: "Conceição",
                    particle: "da",
                },
            ],
            surnames: vec![
                Part::plain("Pereira"),
                Part {
                    text: "Silva",
                    particle: "da",
                },
            ],
            suffix: None,
            surname_first: false,
        };
        assert_eq!(name.render(), "Maria da Conceição Pereira da Silva");
        assert_eq!(name.render_comma(), "Silva, Maria da Conceição Pereira");
    }
}
