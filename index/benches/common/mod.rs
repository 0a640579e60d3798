//! Deterministic synthetic records for the benchmark and the scale example.
//!
//! Record `i` is a pure function of `i` (a SplitMix64 seed driving a 64-bit LCG), so records
//! can be generated on the fly without keeping a million of them in memory, and every run
//! indexes exactly the same data.
//!
//! Each record has [`KEYS_PER_RECORD`] block keys shaped like the real ones (a rule id byte,
//! a unit separator, then the value): the first [`SHARED_RULES`] rules draw their value from a
//! domain of `n / 2` values, so their keys form blocks of about two records, and the other
//! rules draw a 64-bit value, so their keys are (almost surely) unique. With the defaults a
//! million records give about 22 million distinct keys.

#![allow(dead_code)]

use std::fmt::Write;

use index::IndexDocument;

/// Block keys per record.
pub const KEYS_PER_RECORD: usize = 25;
/// Rules whose keys are shared between records.
pub const SHARED_RULES: usize = 5;

const FIRST_NAMES: &[&str] = &[
    "maria",
    "joao",
    "ana",
    "jose",
    "antonio",
    "manuel",
    "francisco",
    "carlos",
    "paulo",
    "pedro",
    "luis",
    "rui",
    "sofia",
    "ines",
    "beatriz",
    "marta",
    "rita",
    "catarina",
    "joana",
    "helena",
];
const SURNAMES: &[&str] = &[
    "silva",
    "santos",
    "ferreira",
    "pereira",
    "oliveira",
    "costa",
    "rodrigues",
    "martins",
    "jesus",
    "sousa",
    "fernandes",
    "goncalves",
    "gomes",
    "lopes",
    "marques",
    "alves",
    "almeida",
    "ribeiro",
    "pinto",
    "carvalho",
];

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
pub struct Lcg(u64);

impl Lcg {
    /// A generator seeded from `seed` through SplitMix64, so nearby seeds diverge at once.
    pub fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Lcg(z ^ (z >> 31))
    }

    /// The next value; the high bits are the good ones, so they are folded in.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 ^ (self.0 >> 29)
    }

    /// A value in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

/// One synthetic record, with reusable buffers.
#[derive(Default)]
pub struct Record {
    pub record_id: u32,
    pub name: String,
    pub birth_date: String,
    pub birthplace: String,
    pub keys: Vec<Vec<u8>>,
}

impl Record {
    /// Fills `self` with record `i` of a collection of `n` records.
    pub fn fill(&mut self, i: u32, n: u32) {
        let mut rng = Lcg::new(u64::from(i));
        self.record_id = i;
        self.name.clear();
        for list in [FIRST_NAMES, FIRST_NAMES, SURNAMES, SURNAMES] {
            if !self.name.is_empty() {
                self.name.push(' ');
            }
            self.name.push_str(list[rng.below(list.len() as u64) as usize]);
        }
        let (year, month, day) = (1920 + rng.below(100), 1 + rng.below(12), 1 + rng.below(28));
        self.birth_date.clear();
        write!(self.birth_date, "{year:04}{month:02}{day:02}").expect("writing to a String");
        self.birthplace.clear();
        write!(self.birthplace, "c{:03}", rng.below(308)).expect("writing to a String");

        let shared_domain = u64::from(n / 2).max(1);
        self.keys.resize_with(KEYS_PER_RECORD, Vec::new);
        for (rule, key) in self.keys.iter_mut().enumerate() {
            let value = if rule < SHARED_RULES {
                rng.below(shared_domain)
            } else {
                rng.next_u64()
            };
            key.clear();
            key.push(b'A' + rule as u8);
            key.push(0x1f);
            key.extend((0..16).rev().map(|nibble| HEX[(value >> (4 * nibble)) as usize & 15]));
        }
    }

    /// The record as an index document.
    pub fn document(&self) -> IndexDocument<'_> {
        IndexDocument {
            record_id: self.record_id,
            name: &self.name,
            birth_date: Some(&self.birth_date),
            birthplace: Some(&self.birthplace),
            block_keys: &self.keys,
        }
    }
}
