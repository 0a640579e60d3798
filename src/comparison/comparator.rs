//! String and number similarity primitives: the only module that calls strsim.

/// Jaro–Winkler similarity of two folded tokens, in [0, 1].
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(a, b)
}

/// Damerau–Levenshtein distance (adjacent transpositions cost 1) of two short ASCII strings.
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives() {
        assert_eq!(jaro_winkler("silva", "silva"), 1.0);
        assert!(jaro_winkler("silva", "silvia") > 0.9);
        assert!(jaro_winkler("ana", "rita") < 0.6);
        assert_eq!(damerau_levenshtein("19800312", "19800321"), 1);
        assert_eq!(damerau_levenshtein("123456789", "123456789"), 0);
    }
}
