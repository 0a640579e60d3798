//! Único's candidate index: the only code of the project that uses Tantivy.
//!
//! The main crate computes, for every patient record, a set of *blocking keys*: normalised byte
//! strings, each prefixed by a one-byte key kind (for example `b"D\x1f19800312"` for a birth
//! date or `b"T\x1fsilva"` for a name token's phonetic key). This
//! crate stores those keys with a few normalised identity fields and answers two questions:
//!
//! - **Batch candidate generation** ([`CandidateIndex::for_each_block`]): for every distinct
//!   key shared by enough records, the sorted list of the records that carry it (a *block*).
//!   The caller compares the records of each block pairwise.
//! - **Single-record lookup** ([`CandidateIndex::search`]): the records that best match one
//!   record's keys, fuzzy name tokens, birth date and birthplace, with their Tantivy score, for
//!   ticket lookups and check-before-create.
//!
//! The index never scores pairs and knows nothing about the registry database: it maps
//! normalised fields to record ids, nothing more.
//!
//! # Invariants
//!
//! - The index is derived data. It can always be rebuilt from the database with
//!   [`CandidateIndex::create`] followed by a bulk [`CandidateIndexWriter`] pass, and callers
//!   should rebuild rather than repair it. [`CandidateIndex::record_ids`] lets them check
//!   that it is in sync.
//! - A record id is indexed at most once among the alive documents. The index does not
//!   enforce it: to update a record, call [`CandidateIndexWriter::delete_record`] (or
//!   [`CandidateIndexWriter::delete_records`] for many) and then [`CandidateIndexWriter::add`]
//!   in the same writer (a delete only affects documents added before it).
//! - All strings and keys are normalised by the caller; the index compares bytes exactly,
//!   except the name, which it also runs through [`tokenizer::NAME_ANALYZER`].
//! - Readers see a change only after [`CandidateIndexWriter::commit`], which reloads them.

#![deny(missing_docs)]

mod blocks;
mod error;
mod names;
pub mod schema;
mod search;
pub mod tokenizer;

use std::fs;
use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::merge_policy::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use crate::error::IndexError;
use crate::names::NameTermsCache;
use crate::schema::{CandidateSchema, RECORD_ID_COLUMN};

/// One record's indexable content. All strings are already normalised by the caller.
#[derive(Clone, Copy, Debug)]
pub struct IndexDocument<'a> {
    /// The record id in the registry.
    pub record_id: u32,
    /// Folded full name tokens joined by spaces (`"maria conceicao silva"`).
    pub name: &'a str,
    /// Birth date as `yyyymmdd`, if known.
    pub birth_date: Option<&'a str>,
    /// Normalised birthplace (concelho) key, if known.
    pub birthplace: Option<&'a str>,
    /// Blocking keys, as raw term bytes.
    pub block_keys: &'a [Vec<u8>],
}

/// A single-record lookup: every present part is an optional (SHOULD) clause, so a record
/// matches if it shares anything with the query and ranks higher the more it shares.
#[derive(Clone, Copy, Debug, Default)]
pub struct SearchQuery<'a> {
    /// Exact terms on the blocking keys.
    pub block_keys: &'a [Vec<u8>],
    /// Name tokens, each matched exactly or with a Levenshtein distance of 1 (a transposition
    /// counts as 1) when it has at least five characters.
    pub name_tokens: &'a [String],
    /// Exact birth date (`yyyymmdd`); its clause is boosted.
    pub birth_date: Option<&'a str>,
    /// Exact normalised birthplace key.
    pub birthplace: Option<&'a str>,
    /// Records carrying any of these block keys are left out of the results (the caller has
    /// them already, for example from [`CandidateIndex::block`]), so they take no place among
    /// the best `limit`.
    pub exclude_keys: &'a [Vec<u8>],
}

/// The candidate index: a Tantivy index, a reader on it and the schema handles.
///
/// Cloning is cheap and clones share the reader, so a commit through any writer is seen by
/// all of them.
#[derive(Clone)]
pub struct CandidateIndex {
    index: Index,
    reader: IndexReader,
    schema: CandidateSchema,
    /// The name terms of the segments searched last (for the fuzzy name clauses).
    name_terms: NameTermsCache,
}

/// Writes documents into a [`CandidateIndex`].
///
/// Nothing is visible until [`CandidateIndexWriter::commit`]; dropping the writer without
/// committing discards every change made through it.
pub struct CandidateIndexWriter {
    writer: IndexWriter,
    reader: IndexReader,
    schema: CandidateSchema,
}

/// The files of a Tantivy index directory other than segment files.
const INDEX_META_FILES: [&str; 4] = [
    "meta.json",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// Tantivy's maximum number of indexing threads.
const MAX_WRITER_THREADS: usize = 8;

impl CandidateIndex {
    /// Creates a fresh, empty index in `dir`, creating the directory if it is missing.
    ///
    /// If an index already exists there, its files are removed first. Only Tantivy's files
    /// are removed (its metadata, lock and segment files); anything else in the directory is
    /// left alone.
    pub fn create(dir: &Path) -> Result<Self, IndexError> {
        fs::create_dir_all(dir).map_err(|source| directory_error(dir, source))?;
        remove_index_files(dir)?;
        let schema = schema::build();
        let index = Index::builder().schema(schema.schema.clone()).create_in_dir(dir)?;
        Self::from_index(index, schema)
    }

    /// Opens the existing index in `dir`.
    ///
    /// Fails with [`IndexError::Missing`] if there is no index there and with
    /// [`IndexError::Incompatible`] if it was built with another schema or term dictionary
    /// format.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        if !dir.join("meta.json").is_file() {
            return Err(IndexError::Missing {
                path: dir.to_path_buf(),
            });
        }
        let incompatible = || IndexError::Incompatible {
            path: dir.to_path_buf(),
        };
        let index = Index::open(MmapDirectory::open(dir)?)?;
        let schema = schema::build();
        if index.schema() != schema.schema {
            return Err(incompatible());
        }
        let candidate_index = Self::from_index(index, schema)?;
        // Term dictionaries are opened lazily, so one in another format (an FST dictionary,
        // from a build without the SSTable feature) would only fail at the first scan.
        let searcher = candidate_index.reader.searcher();
        for segment in searcher.segment_readers() {
            for field in [candidate_index.schema.block_key, candidate_index.schema.name] {
                segment.inverted_index(field).map_err(|_| incompatible())?;
            }
        }
        Ok(candidate_index)
    }

    /// Creates an empty index in memory (for tests and benchmarks).
    pub fn create_in_ram() -> Result<Self, IndexError> {
        let schema = schema::build();
        let index = Index::builder().schema(schema.schema.clone()).create_in_ram()?;
        Self::from_index(index, schema)
    }

    /// Registers the analyzer and opens a manually reloaded reader.
    fn from_index(index: Index, schema: CandidateSchema) -> Result<Self, IndexError> {
        tokenizer::register(index.tokenizers());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(CandidateIndex {
            index,
            reader,
            schema,
            name_terms: NameTermsCache::default(),
        })
    }

    /// Opens a writer with `memory_budget_bytes` of indexing memory shared by `num_threads`
    /// indexing threads (clamped to 1..=8).
    ///
    /// Each thread flushes a segment whenever its share of the budget is full, so a large
    /// budget gives few segments; each share must be at least 15 MB and below 4 GiB. Only one
    /// writer can be open on an index at a time.
    pub fn writer(&self, memory_budget_bytes: usize, num_threads: usize) -> Result<CandidateIndexWriter, IndexError> {
        let num_threads = num_threads.clamp(1, MAX_WRITER_THREADS);
        let writer = self.index.writer_with_num_threads(num_threads, memory_budget_bytes)?;
        writer.set_merge_policy(Box::new(merge_policy()));
        Ok(CandidateIndexWriter {
            writer,
            reader: self.reader.clone(),
            schema: self.schema.clone(),
        })
    }

    /// The number of alive documents as of the last commit.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// All alive record ids, sorted ascending (with repetitions if a record was indexed twice).
    pub fn record_ids(&self) -> Result<Vec<u32>, IndexError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64(RECORD_ID_COLUMN)?.first_or_default_col(0);
            // Record ids are written from `u32` values, so the cast is lossless.
            ids.extend(segment.doc_ids_alive().map(|doc| column.get_val(doc) as u32));
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Calls `f(key, record_ids)` once per distinct block key whose alive document count is at
    /// least `min_block_size`, keys in ascending byte order.
    ///
    /// Postings of the same key are merged across all segments and deleted documents are
    /// skipped; `record_ids` is sorted ascending without duplicates and never empty (a
    /// `min_block_size` of 0 behaves as 1).
    pub fn for_each_block(&self, min_block_size: usize, f: impl FnMut(&[u8], &[u32])) -> Result<(), IndexError> {
        self.for_each_block_with_prefix(&[], min_block_size, f)
    }

    /// Same as [`CandidateIndex::for_each_block`], but only for keys starting with `prefix`
    /// (for example one blocking rule's id byte).
    pub fn for_each_block_with_prefix(
        &self,
        prefix: &[u8],
        min_block_size: usize,
        mut f: impl FnMut(&[u8], &[u32]),
    ) -> Result<(), IndexError> {
        let searcher = self.reader.searcher();
        blocks::for_each_block(&searcher, self.schema.block_key, prefix, min_block_size, &mut f)
    }

    /// The record ids of the alive documents carrying the block key `key` (one block), sorted
    /// ascending without duplicates, or `None` if more than `max_size` documents carry it: the
    /// cheap exact stage of a single-record lookup, before a [`CandidateIndex::search`].
    pub fn block(&self, key: &[u8], max_size: usize) -> Result<Option<Vec<u32>>, IndexError> {
        let searcher = self.reader.searcher();
        blocks::block(&searcher, self.schema.block_key, key, max_size)
    }

    /// The best `limit` record ids for `query` with their scores, best first; equal scores
    /// are ordered by record id. A query without any clause matches nothing.
    pub fn search(&self, query: &SearchQuery, limit: usize) -> Result<Vec<(u32, f32)>, IndexError> {
        let searcher = self.reader.searcher();
        search::search(&searcher, &self.schema, &self.name_terms, query, limit)
    }
}

impl CandidateIndexWriter {
    /// Adds one record's document.
    pub fn add(&mut self, doc: &IndexDocument) -> Result<(), IndexError> {
        let keys_len: usize = doc.block_keys.iter().map(|key| key.len() + 8).sum();
        let mut document = TantivyDocument::with_capacity(64 + doc.name.len() + keys_len);
        let s = &self.schema;
        document.add_u64(s.record_id, u64::from(doc.record_id));
        document.add_text(s.name, doc.name);
        if let Some(birth_date) = doc.birth_date {
            document.add_text(s.birth_date, birth_date);
        }
        if let Some(birthplace) = doc.birthplace {
            document.add_text(s.birthplace, birthplace);
        }
        for key in doc.block_keys {
            document.add_bytes(s.block_key, key);
        }
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Deletes every document of `record_id` added before this call (by a term on
    /// `record_id`).
    pub fn delete_record(&mut self, record_id: u32) {
        self.writer
            .delete_term(Term::from_field_u64(self.schema.record_id, u64::from(record_id)));
    }

    /// Deletes every document of the `record_ids` added before this call, in one operation.
    ///
    /// The commit applies each delete operation to every segment: one term lookup per segment
    /// and operation. Ten thousand records deleted one by one cost a few tenths of a second at
    /// the commit; as one set, one pass along each segment's terms.
    pub fn delete_records(&mut self, record_ids: &[u32]) -> Result<(), IndexError> {
        if record_ids.is_empty() {
            return Ok(());
        }
        let field = self.schema.record_id;
        let terms = record_ids.iter().map(|id| Term::from_field_u64(field, u64::from(*id)));
        self.writer
            .delete_query(Box::new(tantivy::query::TermSetQuery::new(terms)))?;
        Ok(())
    }

    /// Commits, waits for the merging threads and reloads the index's reader, so that
    /// [`CandidateIndex::num_docs`], blocks and searches see the change.
    pub fn commit(mut self) -> Result<(), IndexError> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// Segments with more documents than this are never merged again.
///
/// A bulk build with a large memory budget writes a few big segments (four of about 250,000
/// documents for a million records with 1 GiB and two threads). Merging them would rewrite
/// every key, which costs more than the build itself, while the block scan merges any number
/// of segments on the fly. Small segments from incremental commits are still merged
/// logarithmically, so their number stays small.
const MAX_MERGED_SEGMENT_DOCS: usize = 100_000;

/// Tantivy's logarithmic merge policy, restricted to segments of at most
/// [`MAX_MERGED_SEGMENT_DOCS`] documents.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_MERGED_SEGMENT_DOCS);
    policy
}

/// Wraps an I/O error on the index directory.
fn directory_error(path: &Path, source: std::io::Error) -> IndexError {
    IndexError::Directory {
        path: path.to_path_buf(),
        source,
    }
}

/// Removes Tantivy's files from `dir`: the metadata and lock files, and the segment files,
/// whose names start with a 32-digit hexadecimal segment id followed by a dot.
fn remove_index_files(dir: &Path) -> Result<(), IndexError> {
    let entries = fs::read_dir(dir).map_err(|source| directory_error(dir, source))?;
    let mut doomed: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| directory_error(dir, source))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let is_segment_file =
            name.len() > 33 && name.as_bytes()[32] == b'.' && name.as_bytes()[..32].iter().all(u8::is_ascii_hexdigit);
        if is_segment_file || INDEX_META_FILES.contains(&name) {
            doomed.push(entry.path());
        }
    }
    for path in doomed {
        fs::remove_file(&path).map_err(|source| directory_error(&path, source))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer with a small budget and one thread, so doc ids follow insertion order.
    fn writer(index: &CandidateIndex) -> CandidateIndexWriter {
        index.writer(20_000_000, 1).expect("writer opens")
    }

    fn keys(keys: &[&str]) -> Vec<Vec<u8>> {
        keys.iter().map(|key| key.as_bytes().to_vec()).collect()
    }

    /// Adds one record through `w`, without committing.
    fn add_one(w: &mut CandidateIndexWriter, record_id: u32, name: &str, record_keys: &[&str]) {
        let block_keys = keys(record_keys);
        w.add(&IndexDocument {
            record_id,
            name,
            birth_date: None,
            birthplace: None,
            block_keys: &block_keys,
        })
        .expect("add");
    }

    /// Adds `(record id, name, keys)` records and commits.
    fn add_all(index: &CandidateIndex, records: &[(u32, &str, &[&str])]) {
        let mut w = writer(index);
        for (record_id, name, record_keys) in records {
            add_one(&mut w, *record_id, name, record_keys);
        }
        w.commit().expect("commit");
    }

    fn blocks(index: &CandidateIndex, prefix: &[u8], min: usize) -> Vec<(String, Vec<u32>)> {
        let mut out = Vec::new();
        index
            .for_each_block_with_prefix(prefix, min, |key, ids| {
                out.push((String::from_utf8(key.to_vec()).expect("utf-8"), ids.to_vec()));
            })
            .expect("scan");
        out
    }

    /// An expected block: a key and its record ids.
    type Block<'a> = (&'a str, &'a [u32]);

    fn owned(expected: &[Block]) -> Vec<(String, Vec<u32>)> {
        expected
            .iter()
            .map(|(key, ids)| (key.to_string(), ids.to_vec()))
            .collect()
    }

    const RECORDS: &[(u32, &str, &[&str])] = &[
        (7, "maria silva", &["A|1980|silva", "B|maria", "C|x"]),
        (3, "joao silva", &["A|1980|silva", "B|joao"]),
        (5, "maria costa", &["A|1981|costa", "B|maria"]),
        (9, "maria silva", &["A|1980|silva", "B|maria", "C|y"]),
    ];

    #[test]
    fn blocks_group_records_in_key_order() {
        let index = CandidateIndex::create_in_ram().expect("index");
        add_all(&index, RECORDS);
        let cases: &[(&[u8], usize, &[Block])] = &[
            (b"", 2, &[("A|1980|silva", &[3, 7, 9]), ("B|maria", &[5, 7, 9])]),
            (b"", 3, &[("A|1980|silva", &[3, 7, 9]), ("B|maria", &[5, 7, 9])]),
            (b"", 4, &[]),
            (
                b"",
                1,
                &[
                    ("A|1980|silva", &[3, 7, 9]),
                    ("A|1981|costa", &[5]),
                    ("B|joao", &[3]),
                    ("B|maria", &[5, 7, 9]),
                    ("C|x", &[7]),
                    ("C|y", &[9]),
                ],
            ),
            (b"B", 1, &[("B|joao", &[3]), ("B|maria", &[5, 7, 9])]),
            (b"A|198", 1, &[("A|1980|silva", &[3, 7, 9]), ("A|1981|costa", &[5])]),
            (b"C|", 2, &[]),
            (b"D", 1, &[]),
        ];
        for (prefix, min, expected) in cases {
            let got = blocks(&index, prefix, *min);
            assert_eq!(got, owned(expected), "prefix {prefix:?}, min {min}");
        }
        // A minimum of 0 behaves as 1: blocks are never empty.
        assert_eq!(blocks(&index, b"", 0), blocks(&index, b"", 1));
        assert_eq!(index.num_docs(), 4);
        assert_eq!(index.record_ids().expect("ids"), vec![3, 5, 7, 9]);
    }

    #[test]
    fn prefix_with_high_bytes_has_no_upper_bound_problem() {
        let index = CandidateIndex::create_in_ram().expect("index");
        let mut w = writer(&index);
        let cases: &[(u32, &[u8])] = &[
            (1, b"\xff\xff"),
            (2, b"\xff\xff\x00"),
            (3, b"\xff\xfe"),
            (4, b"\xfe\xff"),
        ];
        for (record_id, key) in cases {
            let block_keys = vec![key.to_vec()];
            w.add(&IndexDocument {
                record_id: *record_id,
                name: "",
                birth_date: None,
                birthplace: None,
                block_keys: &block_keys,
            })
            .expect("add");
        }
        w.commit().expect("commit");
        let scan = |prefix: &[u8]| {
            let mut out = Vec::new();
            index
                .for_each_block_with_prefix(prefix, 1, |key, ids| out.push((key.to_vec(), ids[0])))
                .expect("scan");
            out
        };
        assert_eq!(
            scan(b"\xff\xff"),
            vec![(b"\xff\xff".to_vec(), 1), (b"\xff\xff\x00".to_vec(), 2)]
        );
        assert_eq!(scan(b"\xff").len(), 3);
        assert_eq!(scan(b"\xfe"), vec![(b"\xfe\xff".to_vec(), 4)]);
    }

    #[test]
    fn commits_in_several_segments_merge_into_one_block_per_key() {
        let index = CandidateIndex::create_in_ram().expect("index");
        for record in RECORDS {
            add_all(&index, std::slice::from_ref(record));
        }
        assert_eq!(index.reader.searcher().segment_readers().len(), RECORDS.len());
        assert_eq!(
            blocks(&index, b"", 2),
            owned(&[("A|1980|silva", &[3, 7, 9]), ("B|maria", &[5, 7, 9])])
        );
    }

    #[test]
    fn blocks_match_a_model_through_commits_and_deletes() {
        use std::collections::{BTreeMap, BTreeSet};

        // A small LCG, so the data is random-looking but identical on every run.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        let index = CandidateIndex::create_in_ram().expect("index");
        // The model: the keys of every alive record.
        let mut model: BTreeMap<u32, Vec<Vec<u8>>> = BTreeMap::new();
        for round in 0..4u32 {
            let mut w = writer(&index);
            for _ in 0..30 {
                let Some(&victim) = model.keys().nth(next(model.len().max(1) as u64) as usize) else {
                    break;
                };
                w.delete_record(victim);
                model.remove(&victim);
            }
            for i in 0..150u32 {
                // Some records are re-added after their delete in the same writer.
                let record_id = if i < 10 && round > 0 {
                    next(u64::from(round) * 150) as u32
                } else {
                    round * 150 + i
                };
                if model.contains_key(&record_id) {
                    w.delete_record(record_id);
                }
                let record_keys: Vec<Vec<u8>> = (0..1 + next(4))
                    .map(|_| format!("{}|{}", (b'A' + next(3) as u8) as char, next(40)).into_bytes())
                    .collect();
                w.add(&IndexDocument {
                    record_id,
                    name: "x",
                    birth_date: None,
                    birthplace: None,
                    block_keys: &record_keys,
                })
                .expect("add");
                model.insert(record_id, record_keys);
            }
            w.commit().expect("commit");

            let mut expected: BTreeMap<Vec<u8>, BTreeSet<u32>> = BTreeMap::new();
            for (record_id, record_keys) in &model {
                for key in record_keys {
                    expected.entry(key.clone()).or_default().insert(*record_id);
                }
            }
            for (prefix, min) in [(&b""[..], 1), (b"", 2), (b"", 5), (b"B", 2), (b"C|3", 1)] {
                let want: Vec<(Vec<u8>, Vec<u32>)> = expected
                    .iter()
                    .filter(|(key, ids)| key.starts_with(prefix) && ids.len() >= min)
                    .map(|(key, ids)| (key.clone(), ids.iter().copied().collect()))
                    .collect();
                let mut got = Vec::new();
                index
                    .for_each_block_with_prefix(prefix, min, |key, ids| got.push((key.to_vec(), ids.to_vec())))
                    .expect("scan");
                assert_eq!(got, want, "round {round}, prefix {prefix:?}, min {min}");
            }
            for (key, ids) in &expected {
                let want: Vec<u32> = ids.iter().copied().collect();
                assert_eq!(
                    index.block(key, usize::MAX).expect("block"),
                    Some(want),
                    "round {round}, key {key:?}"
                );
            }
            assert_eq!(index.block(b"Z|none", 0).expect("block"), Some(Vec::new()));
            assert_eq!(
                index.record_ids().expect("ids"),
                model.keys().copied().collect::<Vec<_>>()
            );
            assert_eq!(index.num_docs(), model.len() as u64);
        }
    }

    #[test]
    fn many_small_commits_are_merged() {
        let index = CandidateIndex::create_in_ram().expect("index");
        for record_id in 0..12u32 {
            add_all(&index, &[(record_id, "x", &["K|all"])]);
        }
        let segments = index.reader.searcher().segment_readers().len();
        assert!(segments < 12, "{segments} segments");
        assert_eq!(blocks(&index, b"", 2), vec![("K|all".to_string(), (0..12).collect())]);
    }

    #[test]
    fn large_blocks_span_several_postings_blocks_and_segments() {
        let index = CandidateIndex::create_in_ram().expect("index");
        // 300 records per commit exceed a 128-document postings block; three commits make
        // three segments, one of them with deletions.
        for round in 0..3u32 {
            let mut w = writer(&index);
            for i in 0..300u32 {
                let record_id = round * 1000 + i;
                let block_keys = keys(&["K|common", if i % 2 == 0 { "K|even" } else { "K|odd" }]);
                w.add(&IndexDocument {
                    record_id,
                    name: "x",
                    birth_date: None,
                    birthplace: None,
                    block_keys: &block_keys,
                })
                .expect("add");
            }
            if round == 1 {
                for i in (0..300u32).step_by(3) {
                    w.delete_record(1000 + i);
                }
            }
            w.commit().expect("commit");
        }
        let got = blocks(&index, b"", 2);
        let alive = |pred: &dyn Fn(u32) -> bool| -> Vec<u32> {
            (0..3u32)
                .flat_map(|round| (0..300u32).map(move |i| (round, i)))
                .filter(|&(round, i)| !(round == 1 && i % 3 == 0) && pred(i))
                .map(|(round, i)| round * 1000 + i)
                .collect()
        };
        let expected = vec![
            ("K|common".to_string(), alive(&|_| true)),
            ("K|even".to_string(), alive(&|i| i % 2 == 0)),
            ("K|odd".to_string(), alive(&|i| i % 2 == 1)),
        ];
        assert_eq!(got, expected);
        assert_eq!(index.num_docs(), 800);
    }

    #[test]
    fn deleted_records_vanish_everywhere() {
        let index = CandidateIndex::create_in_ram().expect("index");
        add_all(&index, RECORDS);
        let mut w = writer(&index);
        w.delete_record(7);
        w.delete_record(5);
        w.delete_record(12345);
        w.commit().expect("commit");

        assert_eq!(index.num_docs(), 2);
        assert_eq!(index.record_ids().expect("ids"), vec![3, 9]);
        // The size limit counts the deleted documents too; the block lists only the alive ones.
        assert_eq!(index.block(b"A|1980|silva", 2).expect("block"), None);
        assert_eq!(index.block(b"A|1980|silva", 3).expect("block"), Some(vec![3, 9]));
        assert_eq!(
            blocks(&index, b"", 1),
            owned(&[
                ("A|1980|silva", &[3, 9]),
                ("B|joao", &[3]),
                ("B|maria", &[9]),
                ("C|y", &[9]),
            ])
        );
        let name_tokens = ["maria".to_string()];
        let hits = index
            .search(
                &SearchQuery {
                    name_tokens: &name_tokens,
                    ..SearchQuery::default()
                },
                10,
            )
            .expect("search");
        let ids: Vec<u32> = hits.iter().map(|hit| hit.0).collect();
        assert_eq!(ids, vec![9]);
    }

    #[test]
    fn records_deleted_as_one_set_vanish_and_one_added_back_stays() {
        let index = CandidateIndex::create_in_ram().expect("index");
        // Two segments, so that the set applies to each.
        add_all(&index, &RECORDS[..2]);
        add_all(&index, &RECORDS[2..]);
        let mut w = writer(&index);
        w.delete_records(&[7, 5, 12345, 9]).expect("delete");
        w.delete_records(&[]).expect("nothing to delete");
        add_one(&mut w, 9, "maria nova", &["B|maria"]);
        w.commit().expect("commit");
        assert_eq!(index.record_ids().expect("ids"), vec![3, 9]);
        assert_eq!(
            blocks(&index, b"", 1),
            owned(&[("A|1980|silva", &[3]), ("B|joao", &[3]), ("B|maria", &[9])])
        );
    }

    #[test]
    fn delete_then_add_in_one_writer_replaces_a_record() {
        let index = CandidateIndex::create_in_ram().expect("index");
        add_all(&index, RECORDS);
        let mut w = writer(&index);
        w.delete_record(7);
        add_one(&mut w, 7, "maria nova", &["B|maria", "Z|new"]);
        w.commit().expect("commit");
        assert_eq!(index.record_ids().expect("ids"), vec![3, 5, 7, 9]);
        assert_eq!(
            blocks(&index, b"", 1),
            owned(&[
                ("A|1980|silva", &[3, 9]),
                ("A|1981|costa", &[5]),
                ("B|joao", &[3]),
                ("B|maria", &[5, 7, 9]),
                ("C|y", &[9]),
                ("Z|new", &[7]),
            ])
        );
    }

    #[test]
    fn uncommitted_changes_are_invisible_and_dropped() {
        let index = CandidateIndex::create_in_ram().expect("index");
        add_all(&index, RECORDS);
        let mut w = writer(&index);
        w.delete_record(3);
        assert_eq!(index.num_docs(), 4);
        drop(w);
        assert_eq!(index.num_docs(), 4);
        add_all(&index, &[]);
        assert_eq!(index.num_docs(), 4);
    }

    #[test]
    fn create_on_disk_then_open_keeps_the_documents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested").join("index");
        let index = CandidateIndex::create(&path).expect("create");
        add_all(&index, RECORDS);
        drop(index);

        let reopened = CandidateIndex::open(&path).expect("open");
        assert_eq!(reopened.num_docs(), 4);
        assert_eq!(blocks(&reopened, b"B|m", 2), owned(&[("B|maria", &[5, 7, 9])]));
    }

    #[test]
    fn create_on_an_existing_index_gives_an_empty_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path();
        fs::write(path.join("notes.txt"), "not ours").expect("write");
        let index = CandidateIndex::create(path).expect("create");
        add_all(&index, RECORDS);
        add_all(&index, RECORDS);
        assert_eq!(index.num_docs(), 8);
        drop(index);

        let fresh = CandidateIndex::create(path).expect("create again");
        assert_eq!(fresh.num_docs(), 0);
        assert!(blocks(&fresh, b"", 1).is_empty());
        drop(fresh);
        assert_eq!(CandidateIndex::open(path).expect("open").num_docs(), 0);

        // Only the new index's files and the unrelated file remain.
        let names: Vec<String> = fs::read_dir(path)
            .expect("read dir")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.contains(&"notes.txt".to_string()));
        assert!(names.iter().all(|name| !name.ends_with(".idx")), "{names:?}");
    }

    #[test]
    fn open_without_an_index_errors_clearly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = [dir.path().join("missing"), dir.path().to_path_buf()];
        for path in cases {
            let Err(err) = CandidateIndex::open(&path) else {
                panic!("opening {} must fail", path.display());
            };
            assert!(matches!(err, IndexError::Missing { .. }), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!("no candidate index at {}: run `unico index --rebuild`", path.display())
            );
        }
    }

    #[test]
    fn open_rejects_an_index_with_another_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_u64_field("record_id", tantivy::schema::INDEXED);
        Index::create_in_dir(dir.path(), builder.build()).expect("foreign index");
        let Err(err) = CandidateIndex::open(dir.path()) else {
            panic!("a foreign schema must be rejected");
        };
        assert!(matches!(err, IndexError::Incompatible { .. }), "{err:?}");
        assert!(err.to_string().ends_with("run `unico index --rebuild`"), "{err}");
    }

    #[test]
    fn writer_rejects_a_tiny_budget() {
        let index = CandidateIndex::create_in_ram().expect("index");
        assert!(index.writer(1_000, 1).is_err());
        // Zero threads is clamped to one.
        assert!(index.writer(20_000_000, 0).is_ok());
    }
}
