//! The name dictionary of each segment, in memory: where the search finds the spellings of a
//! name token within one edit.
//!
//! Consumes a segment's name field dictionary (read whole once per segment); produces, for the
//! search, the terms that start with a given character and the term info of any spelling.
//!
//! Invariants: a segment's dictionary never changes (deletions only hide documents), so the
//! copy of a segment is valid for as long as the segment exists; the cache keeps only the
//! segments of the latest searcher it was asked about.
//!
//! Performance: a fuzzy clause needs the terms within one edit of a token. In the SSTable
//! dictionary each look-up decodes a whole block of term infos, and a token's edits of its
//! first character alone are about fifty look-ups: that made most of a fallback lookup's time
//! at a million records (about a millisecond per token and segment). The name dictionary is
//! small (about 12,500 terms, 80 KB of text, in a segment of 570,000 generated records), so it
//! is read once per segment (half a millisecond) and searched in memory.

use std::sync::{Arc, Mutex, PoisonError};

use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::schema::Field;
use tantivy::{Searcher, SegmentReader};

use crate::error::IndexError;

/// One segment's name terms in dictionary (byte) order, with their term infos.
pub(crate) struct NameTerms {
    /// The terms, one after the other.
    text: String,
    /// Where each term ends in `text`.
    ends: Vec<usize>,
    /// Each term's term info.
    infos: Vec<TermInfo>,
}

impl NameTerms {
    /// Reads the name dictionary of `segment`.
    fn read(segment: &SegmentReader, name: Field) -> Result<NameTerms, IndexError> {
        let inverted_index = segment.inverted_index(name).map_err(IndexError::Query)?;
        let terms = inverted_index.terms();
        let mut names = NameTerms {
            text: String::new(),
            ends: Vec::with_capacity(terms.num_terms()),
            infos: Vec::with_capacity(terms.num_terms()),
        };
        let mut stream = terms.stream()?;
        while stream.advance() {
            // The name field is a text field: its terms are UTF-8 (a term that is not could
            // not be a spelling of a token either).
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                names.text.push_str(term);
                names.ends.push(names.text.len());
                names.infos.push(stream.value().clone());
            }
        }
        Ok(names)
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The `i`th term.
    fn term(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The term info of the `i`th term.
    pub(crate) fn info(&self, i: usize) -> &TermInfo {
        &self.infos[i]
    }

    /// The position of the first term not below `key`.
    fn lower_bound(&self, key: &[u8]) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.term(middle).as_bytes() < key {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The term info of `key`, if it is a term.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&TermInfo> {
        let i = self.lower_bound(key);
        (i < self.len() && self.term(i).as_bytes() == key).then(|| self.info(i))
    }

    /// The terms that start with `prefix`, with their positions.
    pub(crate) fn starting_with<'a>(&'a self, prefix: &[u8]) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let first = self.lower_bound(prefix);
        let prefix = prefix.to_vec();
        (first..self.len())
            .map(|i| (i, self.term(i)))
            .take_while(move |(_, term)| term.as_bytes().starts_with(&prefix))
    }
}

/// One segment's id and name terms.
type SegmentNameTerms = (SegmentId, Arc<NameTerms>);

/// The [`NameTerms`] of the segments searched last, shared by the clones of an index.
#[derive(Clone, Default)]
pub(crate) struct NameTermsCache {
    segments: Arc<Mutex<Vec<SegmentNameTerms>>>,
}

impl NameTermsCache {
    /// The name terms of every segment of `searcher`, in the searcher's segment order; those
    /// of segments no longer searched are forgotten.
    pub(crate) fn for_searcher(&self, searcher: &Searcher, name: Field) -> Result<Vec<Arc<NameTerms>>, IndexError> {
        let readers = searcher.segment_readers();
        let cached: Vec<Option<Arc<NameTerms>>> = {
            // A panic while the lock was held left at worst a missing entry: the cache is
            // still sound.
            let segments = self.segments.lock().unwrap_or_else(PoisonError::into_inner);
            readers
                .iter()
                .map(|reader| {
                    segments
                        .iter()
                        .find(|(id, _)| *id == reader.segment_id())
                        .map(|(_, names)| Arc::clone(names))
                })
                .collect()
        };
        // Read outside the lock: another thread may read the same segment meanwhile, and the
        // last one to finish is kept.
        let all = readers
            .iter()
            .zip(cached)
            .map(|(reader, cached)| match cached {
                Some(names) => Ok(names),
                None => NameTerms::read(reader, name).map(Arc::new),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut segments = self.segments.lock().unwrap_or_else(PoisonError::into_inner);
        *segments = readers
            .iter()
            .map(SegmentReader::segment_id)
            .zip(all.iter().cloned())
            .collect();
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CandidateIndex, IndexDocument};

    fn index(names: &[&str]) -> CandidateIndex {
        let index = CandidateIndex::create_in_ram().expect("index");
        let mut writer = index.writer(20_000_000, 1).expect("writer");
        for (i, name) in names.iter().enumerate() {
            writer
                .add(&IndexDocument {
                    record_id: i as u32 + 1,
                    name,
                    birth_date: None,
                    birthplace: None,
                    block_keys: &[],
                })
                .expect("add");
        }
        writer.commit().expect("commit");
        index
    }

    #[test]
    fn name_terms_are_the_dictionary() {
        let index = index(&["maria silva", "mario silva", "marta sousa", "ana silva"]);
        let searcher = index.reader.searcher();
        let cache = NameTermsCache::default();
        let names = cache.for_searcher(&searcher, index.schema.name).expect("names");
        assert_eq!(names.len(), 1);
        let names = &names[0];
        let all: Vec<&str> = (0..names.len()).map(|i| names.term(i)).collect();
        assert_eq!(all, ["ana", "maria", "mario", "marta", "silva", "sousa"]);
        let starting_with_m: Vec<&str> = names.starting_with(b"m").map(|(_, term)| term).collect();
        assert_eq!(starting_with_m, ["maria", "mario", "marta"]);
        assert_eq!(names.starting_with(b"z").count(), 0);
        assert_eq!(names.get(b"silva").map(|info| info.doc_freq), Some(3));
        assert_eq!(names.get(b"sousa").map(|info| info.doc_freq), Some(1));
        assert!(names.get(b"silv").is_none());
        assert!(names.get(b"zz").is_none());
    }

    #[test]
    fn cache_follows_the_segments() {
        let index = index(&["maria silva"]);
        let cache = NameTermsCache::default();
        let first = cache
            .for_searcher(&index.reader.searcher(), index.schema.name)
            .expect("names");
        let again = cache
            .for_searcher(&index.reader.searcher(), index.schema.name)
            .expect("names");
        assert!(Arc::ptr_eq(&first[0], &again[0]), "a segment is read once");
        let mut writer = index.writer(20_000_000, 1).expect("writer");
        writer
            .add(&IndexDocument {
                record_id: 2,
                name: "joana",
                birth_date: None,
                birthplace: None,
                block_keys: &[],
            })
            .expect("add");
        writer.commit().expect("commit");
        let after = cache
            .for_searcher(&index.reader.searcher(), index.schema.name)
            .expect("names");
        assert_eq!(after.len(), 2, "the new segment's terms are read");
        let terms: Vec<&str> = after
            .iter()
            .flat_map(|names| (0..names.len()).map(|i| names.term(i)))
            .collect();
        assert!(terms.contains(&"joana") && terms.contains(&"maria"), "{terms:?}");
        assert_eq!(cache.segments.lock().expect("lock").len(), 2);
    }
}
