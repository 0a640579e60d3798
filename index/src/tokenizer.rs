//! The name analyzer.
//!
//! Consumes a name string; produces lowercase ASCII tokens. The `name` field is indexed with
//! this analyzer and [`crate::CandidateIndex::search`] runs query tokens through the same
//! analyzer, so both sides always agree even if a caller forgets to fold a token.
//!
//! Invariant: every [`crate::CandidateIndex`] constructor registers the analyzer under
//! [`NAME_ANALYZER`] before the index is written or searched; Tantivy stores only the name in
//! the schema, not the analyzer itself.

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
};

/// The name under which the name analyzer is registered.
pub const NAME_ANALYZER: &str = "unico_name";

/// Tokens longer than this many bytes are dropped; no real name token is this long.
const MAX_TOKEN_BYTES: usize = 64;

/// Builds the name analyzer: split on non-alphanumeric characters, lowercase, fold to ASCII.
pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the name analyzer in `manager` under [`NAME_ANALYZER`].
pub fn register(manager: &TokenizerManager) {
    manager.register(NAME_ANALYZER, name_analyzer());
}

/// Runs `text` through the name analyzer and appends the tokens to `out`.
pub(crate) fn analyze_into(analyzer: &mut TextAnalyzer, text: &str, out: &mut Vec<String>) {
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_splits() {
        let cases: &[(&str, &[&str])] = &[
            ("maria conceicao silva", &["maria", "conceicao", "silva"]),
            ("João  SILVA", &["joao", "silva"]),
            ("Conceição d'Ávila", &["conceicao", "d", "avila"]),
            ("", &[]),
            ("  -- ", &[]),
        ];
        let mut analyzer = name_analyzer();
        for (input, expected) in cases {
            let mut tokens = Vec::new();
            analyze_into(&mut analyzer, input, &mut tokens);
            assert_eq!(&tokens, expected, "input {input:?}");
        }
    }
}
