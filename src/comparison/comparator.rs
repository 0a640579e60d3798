//! String and number similarity primitives: the only module that calls strsim.
//!
//! The scan calls these tens of millions of times, so the common case (short ASCII tokens,
//! eight-digit dates, nine-digit numbers) is computed without allocating; anything else falls
//! back to strsim.

/// Jaro–Winkler similarity of two folded tokens, in [0, 1].
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    if a.is_ascii() && b.is_ascii() && ab.len() <= 64 && bb.len() <= 64 {
        jaro_winkler_ascii(ab, bb)
    } else {
        strsim::jaro_winkler(a, b)
    }
}

/// Jaro–Winkler similarity when it is at least `min` (at least 0.7); otherwise some value below
/// `min`, often without computing it.
///
/// Most token pairs of two names have little in common: an upper bound on the number of
/// matching characters (the characters of each that occur at all in the other) rules them out
/// in a few instructions.
pub fn jaro_winkler_at_least(a: &str, b: &str, min: f64) -> f64 {
    debug_assert!(min >= 0.7);
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    if ab.is_empty() || bb.is_empty() || !a.is_ascii() || !b.is_ascii() {
        return jaro_winkler(a, b);
    }
    let letters = |s: &[u8]| s.iter().fold(0u64, |set, &c| set | 1 << (c & 63));
    let (letters_a, letters_b) = (letters(ab), letters(bb));
    let n_in = |s: &[u8], other: u64| s.iter().filter(|&&c| other & (1 << (c & 63)) != 0).count();
    let max_matches = n_in(ab, letters_b).min(n_in(bb, letters_a)) as f64;
    // Winkler's boost adds at most 0.4 × (1 − jaro), and only above 0.7.
    let max_jaro = (max_matches / ab.len() as f64 + max_matches / bb.len() as f64 + 1.0) / 3.0;
    let max_similarity = if max_jaro <= 0.7 {
        max_jaro
    } else {
        0.6 * max_jaro + 0.4
    };
    if max_similarity < min - 1e-9 {
        return 0.0;
    }
    jaro_winkler(a, b)
}

/// Jaro–Winkler on ASCII strings of at most 64 bytes, with bit sets instead of vectors.
fn jaro_winkler_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut used_b, mut matched_a) = (0u64, 0u64);
    let mut n_matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(b.len());
        for (j, &cb) in b.iter().enumerate().take(to).skip(from) {
            if used_b & (1 << j) == 0 && ca == cb {
                used_b |= 1 << j;
                matched_a |= 1 << i;
                n_matches += 1;
                break;
            }
        }
    }
    if n_matches == 0 {
        return 0.0;
    }
    // Count transpositions: matched characters of a and b, in order, that differ.
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if matched_a & (1 << i) == 0 {
            continue;
        }
        while used_b & (1 << j) == 0 {
            j += 1;
        }
        if ca != b[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = n_matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    // Winkler's boost for a common prefix applies to already similar strings only (as strsim).
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Damerau–Levenshtein distance (adjacent transpositions cost 1) of two strings: the reference
/// the fast checks are tested against.
#[cfg(test)]
fn damerau_levenshtein(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

/// True when two byte strings are exactly one edit apart: one insertion, deletion, substitution
/// or swap of neighbours (the Damerau–Levenshtein distance is 1), without allocating.
pub fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => one_digit_apart(a, b),
        1 => {
            // Skip the common prefix; the rest of the longer must equal the rest of the shorter
            // after dropping one byte.
            let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
            short[prefix..] == long[prefix + 1..]
        }
        _ => false,
    }
}

/// True when two equally long digit sequences differ in exactly one position, or by one swap of
/// neighbouring digits (the typos of a typed date or number).
pub fn one_digit_apart(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut differing = [0usize; 2];
    let mut n = 0;
    for i in (0..a.len()).filter(|&i| a[i] != b[i]) {
        if n == 2 {
            return false;
        }
        differing[n] = i;
        n += 1;
    }
    match n {
        1 => true,
        2 => {
            let (i, j) = (differing[0], differing[1]);
            j == i + 1 && a[i] == b[j] && a[j] == b[i]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_agrees_with_strsim() {
        let words = [
            "silva",
            "silvia",
            "santos",
            "santas",
            "ana",
            "aan",
            "rita",
            "maria",
            "mario",
            "joao",
            "jose",
            "conceicao",
            "conceisao",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "a",
            "",
            "ab",
            "ba",
            "kovalchuk",
            "kovaltchuk",
        ];
        for a in words {
            for b in words {
                let ours = jaro_winkler(a, b);
                let theirs = strsim::jaro_winkler(a, b);
                assert!((ours - theirs).abs() < 1e-12, "{a:?} {b:?}: {ours} vs {theirs}");
                for min in [0.7, 0.88, 0.9] {
                    let bounded = jaro_winkler_at_least(a, b, min);
                    if ours >= min {
                        assert_eq!(bounded, ours, "{a:?} {b:?} at least {min}");
                    } else {
                        assert!(bounded < min, "{a:?} {b:?} at least {min}: {bounded}");
                    }
                }
            }
        }
    }

    #[test]
    fn digits() {
        assert!(one_digit_apart(b"19800312", b"19800313"));
        assert!(one_digit_apart(b"19800312", b"19800321"));
        assert!(one_digit_apart(b"19800312", b"19900312"));
        assert!(!one_digit_apart(b"19800312", b"19800312"));
        assert!(!one_digit_apart(b"19800312", b"19811312"));
        assert!(!one_digit_apart(b"19800312", b"1980031"));
        assert_eq!(damerau_levenshtein("ana", "aan"), 1);
        for (a, b, expected) in [
            ("ana", "aan", true),
            ("suswna", "susana", true),
            ("levchsnko", "levchenko", true),
            ("silva", "silvva", true),
            ("silva", "silv", true),
            ("silva", "silva", false),
            ("silva", "santos", false),
            ("ab", "ba", true),
            ("abc", "cab", false),
        ] {
            assert_eq!(one_edit_apart(a.as_bytes(), b.as_bytes()), expected, "{a} {b}");
            assert_eq!(expected, damerau_levenshtein(a, b) == 1, "{a} {b} agrees with strsim");
        }
    }
}
