//! A fast, non-cryptographic hash for the hot maps of the scan (term frequencies, block
//! grouping).
//!
//! The standard library's SipHash resists hash flooding, which these maps do not need: their
//! keys come from our own normalisation, and hashing millions of short strings with SipHash was
//! a visible share of a scan. This is the multiply-rotate hash of rustc's `FxHasher`, written
//! here rather than added as a dependency. Not for anything that must be stable across versions
//! or resist crafted input.

use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher.
#[derive(Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(
                chunk.try_into().expect("chunks_exact gives 8 bytes"),
            ));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with the fast hasher.
pub type FastHashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A `HashSet` with [`FastHasher`].
pub type FastHashSet<T> = std::collections::HashSet<T, BuildHasherDefault<FastHasher>>;

/// The fast hash of a string (with its length, so "ab"+"c" and "a"+"bc" differ).
pub fn hash_str(value: &str) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(value.as_bytes());
    hasher.write_usize(value.len());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_strings_hash_apart() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "silva",
            "silvb",
            "santos",
            "maria",
            "maria silva",
            "12345678",
            "123456789",
        ];
        let hashes: std::collections::HashSet<u64> = words.iter().map(|w| hash_str(w)).collect();
        assert_eq!(hashes.len(), words.len());
        assert_eq!(hash_str("silva"), hash_str("silva"));
    }
}
