//! Block scan: the batch candidate-generation path.
//!
//! Consumes a [`Searcher`] (one consistent view of the committed segments) and the block key
//! field; produces, through a callback, every distinct key with the sorted record ids of the
//! alive documents that carry it.
//!
//! Invariants: keys come in ascending byte order, each exactly once even when it occurs in
//! several segments; record ids are sorted, unique and never empty; deleted documents are
//! never reported.
//!
//! Performance: the scan is dominated by walking the term dictionaries, since most keys
//! belong to a single record. A key's summed document frequency over the segments (which
//! counts deleted documents, so it is an upper bound) is read from the term info, and keys
//! below the minimum block size are skipped without decoding their postings. The segments'
//! dictionaries are merged k-way by a linear pass over the current keys: with the few segments
//! the merge policy leaves, that is cheaper than Tantivy's `TermMerger`, whose heap moves whole
//! streamers around (it took half of the scan time). Record ids come from a per-segment
//! `doc id -> record id` table filled once from the fast column, and the postings decoder and
//! the id buffer are reused from key to key.

use std::cmp::Ordering;
use std::io;

use tantivy::fastfield::AliveBitSet;
use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::termdict::{TermDictionary, TermStreamer};
use tantivy::{DocSet, InvertedIndexReader, Searcher, SegmentReader, Term, TERMINATED};

use crate::error::IndexError;
use crate::schema::RECORD_ID_COLUMN;

/// Calls `f(key, record_ids)` for every block key starting with `prefix` whose alive document
/// count is at least `min_block_size` (at least 1).
pub(crate) fn for_each_block(
    searcher: &Searcher,
    field: Field,
    prefix: &[u8],
    min_block_size: usize,
    f: &mut dyn FnMut(&[u8], &[u32]),
) -> Result<(), IndexError> {
    let min = min_block_size.max(1);
    let readers = searcher.segment_readers();
    let inverted = readers
        .iter()
        .map(|reader| reader.inverted_index(field))
        .collect::<Result<Vec<_>, _>>()?;
    let mut segments = readers
        .iter()
        .zip(&inverted)
        .map(|(reader, inverted)| SegmentScan::new(reader, inverted))
        .collect::<Result<Vec<_>, _>>()?;
    let mut streams = inverted
        .iter()
        .map(|inverted| key_range(inverted.terms(), prefix))
        .collect::<Result<Vec<_>, _>>()?;

    // A k-way merge of the per-segment key streams. The number of segments is small (the
    // merge policy keeps it logarithmic in the number of documents), so the smallest current
    // key is found by a linear pass, which moves nothing, unlike a heap of streamers.
    let mut live: Vec<usize> = (0..streams.len()).filter(|&ord| streams[ord].advance()).collect();
    let mut at_min: Vec<usize> = Vec::with_capacity(live.len());
    let mut ids: Vec<u32> = Vec::new();
    while let Some(&first) = live.first() {
        at_min.clear();
        at_min.push(first);
        for &ord in &live[1..] {
            match streams[ord].key().cmp(streams[at_min[0]].key()) {
                Ordering::Less => {
                    at_min.clear();
                    at_min.push(ord);
                }
                Ordering::Equal => at_min.push(ord),
                Ordering::Greater => {}
            }
        }
        let doc_freq: usize = at_min.iter().map(|&ord| streams[ord].value().doc_freq as usize).sum();
        if doc_freq >= min {
            ids.clear();
            for &ord in &at_min {
                segments[ord].append_record_ids(streams[ord].value(), &mut ids)?;
            }
            emit(streams[at_min[0]].key(), &mut ids, min, f);
        }
        // Advance the streams that were at the smallest key; exhausted ones leave the merge.
        at_min.retain(|&ord| !streams[ord].advance());
        if !at_min.is_empty() {
            live.retain(|ord| !at_min.contains(ord));
        }
    }
    Ok(())
}

/// The record ids of the alive documents carrying the block key `key`, sorted ascending without
/// duplicates, or `None` if more than `max_size` documents carry it (deleted ones counted, read
/// from the term infos, so a huge block costs nothing).
pub(crate) fn block(
    searcher: &Searcher,
    field: Field,
    key: &[u8],
    max_size: usize,
) -> Result<Option<Vec<u32>>, IndexError> {
    let term = Term::from_field_bytes(field, key);
    let readers = searcher.segment_readers();
    let inverted = readers
        .iter()
        .map(|reader| reader.inverted_index(field))
        .collect::<Result<Vec<_>, _>>()?;
    let mut term_infos = Vec::with_capacity(inverted.len());
    let mut doc_freq = 0usize;
    for segment in &inverted {
        let term_info = segment.get_term_info(&term)?;
        doc_freq += term_info.as_ref().map_or(0, |info| info.doc_freq as usize);
        term_infos.push(term_info);
    }
    if doc_freq > max_size {
        return Ok(None);
    }
    let mut ids = Vec::with_capacity(doc_freq);
    for ((reader, segment), term_info) in readers.iter().zip(&inverted).zip(&term_infos) {
        let Some(term_info) = term_info else { continue };
        let column = reader.fast_fields().u64(RECORD_ID_COLUMN)?.first_or_default_col(0);
        let alive = reader.alive_bitset();
        let mut postings = segment.read_postings_from_terminfo(term_info, IndexRecordOption::Basic)?;
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                // Record ids are written from `u32` values, so the cast is lossless.
                ids.push(column.get_val(doc) as u32);
            }
            doc = postings.advance();
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// Sorts and deduplicates `ids` and reports the block if it is large enough.
fn emit(key: &[u8], ids: &mut Vec<u32>, min: usize, f: &mut dyn FnMut(&[u8], &[u32])) {
    ids.sort_unstable();
    ids.dedup();
    if ids.len() >= min {
        f(key, ids);
    }
}

/// A stream over the keys of one dictionary that start with `prefix`.
fn key_range<'a>(terms: &'a TermDictionary, prefix: &[u8]) -> io::Result<TermStreamer<'a>> {
    let mut range = terms.range();
    if !prefix.is_empty() {
        range = range.ge(prefix);
        if let Some(end) = prefix_successor(prefix) {
            range = range.lt(end);
        }
    }
    range.into_stream()
}

/// The smallest byte string greater than every string starting with `prefix`, or `None` if
/// there is none (the prefix is empty or all `0xff`).
fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let last = prefix.iter().rposition(|&byte| byte != u8::MAX)?;
    let mut end = prefix[..=last].to_vec();
    end[last] += 1;
    Some(end)
}

/// The per-segment state of a scan.
struct SegmentScan<'a> {
    inverted: &'a InvertedIndexReader,
    alive: Option<&'a AliveBitSet>,
    /// Record id of each doc id of the segment (deleted documents included).
    record_ids: Vec<u32>,
    /// The postings decoder, opened on the first key read and reset for the next ones.
    postings: Option<BlockSegmentPostings>,
}

impl<'a> SegmentScan<'a> {
    fn new(reader: &'a SegmentReader, inverted: &'a InvertedIndexReader) -> tantivy::Result<Self> {
        let column = reader.fast_fields().u64(RECORD_ID_COLUMN)?.first_or_default_col(0);
        let mut values = vec![0u64; reader.max_doc() as usize];
        column.get_range(0, &mut values);
        // Record ids are written from `u32` values, so the cast is lossless.
        let record_ids = values.into_iter().map(|value| value as u32).collect();
        Ok(SegmentScan {
            inverted,
            alive: reader.alive_bitset(),
            record_ids,
            postings: None,
        })
    }

    /// Appends the record ids of the alive documents of the key described by `term_info`.
    fn append_record_ids(&mut self, term_info: &TermInfo, out: &mut Vec<u32>) -> io::Result<()> {
        let postings = match &mut self.postings {
            Some(postings) => {
                self.inverted.reset_block_postings_from_terminfo(term_info, postings)?;
                postings
            }
            None => self.postings.insert(
                self.inverted
                    .read_block_postings_from_terminfo(term_info, IndexRecordOption::Basic)?,
            ),
        };
        let record_ids = &self.record_ids;
        loop {
            let docs = postings.docs();
            if docs.is_empty() {
                return Ok(());
            }
            match self.alive {
                None => out.extend(docs.iter().map(|&doc| record_ids[doc as usize])),
                Some(alive) => out.extend(
                    docs.iter()
                        .filter(|&&doc| alive.is_alive(doc))
                        .map(|&doc| record_ids[doc as usize]),
                ),
            }
            postings.advance();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_successor_is_the_exclusive_upper_bound() {
        let cases: &[(&[u8], Option<&[u8]>)] = &[
            (b"", None),
            (b"A", Some(b"B")),
            (b"A\x1f", Some(b"A\x20")),
            (b"a\xff", Some(b"b")),
            (b"a\xfe\xff\xff", Some(b"a\xff")),
            (b"\xff", None),
            (b"\xff\xff", None),
        ];
        for (prefix, expected) in cases {
            assert_eq!(prefix_successor(prefix).as_deref(), *expected, "prefix {prefix:?}");
        }
    }
}
