//! Single-record search: the ticket-lookup and check-before-create path.
//!
//! Consumes a [`SearchQuery`]; produces the best record ids with their scores.
//!
//! The query is a disjunction: a record's score is the sum of the scores of the clauses it
//! matches, as a Tantivy Boolean query of SHOULD clauses would give it:
//!
//! - one exact BM25 term per block key, so sharing a rare key weighs more than a common one;
//! - per name token (after the name analyzer), an exact BM25 term, plus, for tokens of at
//!   least [`FUZZY_MIN_CHARS`] characters, a fuzzy clause at Levenshtein distance 1 with
//!   transpositions counting as 1, scored [`FUZZY_SCORE`] like Tantivy's fuzzy query, so a
//!   typo earns 1 and an exact spelling earns 1 plus its BM25 score;
//! - the birth date, exact and boosted by [`BIRTH_DATE_BOOST`];
//! - the birthplace, exact.
//!
//! A record carrying one of the query's excluded keys is left out (a Boolean MUST_NOT clause):
//! it never takes a place among the best.
//!
//! Invariants: results are sorted by descending score, then ascending record id, and the
//! ordering is exact even across segments and at the `limit` cut. Deleted documents never
//! match.
//!
//! Performance: a million records make posting lists of a hundred thousand documents for a
//! common name or birth year, and scoring every document of their union cost most of a
//! lookup. The search prunes instead (MaxScore): clauses are ordered by the most they can
//! add; once the `limit` best records so far are known, the clauses that together cannot lift
//! a record to the worst of them no longer propose records, they are only asked about the
//! records the other clauses propose. The result is the same as scoring every document. The
//! fuzzy clause reads only the name terms that start like the token (an edit after the first
//! character) plus the few spellings with the first character edited, looked up one by one,
//! instead of the whole name dictionary, and it reads them from the segment's name terms in
//! memory (`names.rs`), not from the term dictionary; record ids come from the fast column,
//! read only for a record that enters the best `limit`.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use tantivy::columnar::ColumnValues;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::postings::SegmentPostings;
use tantivy::postings::{Postings, TermInfo};
use tantivy::query::{Bm25Weight, Scorer};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

use crate::error::IndexError;
use crate::names::{NameTerms, NameTermsCache};
use crate::schema::{CandidateSchema, RECORD_ID_COLUMN};
use crate::tokenizer::{analyze_into, name_analyzer};
use crate::SearchQuery;

/// Name tokens with at least this many characters are also matched at distance 1.
pub(crate) const FUZZY_MIN_CHARS: usize = 5;

/// The boost of the birth date clause.
pub(crate) const BIRTH_DATE_BOOST: Score = 2.0;

/// The score of a fuzzy clause, whatever the term it matched (Tantivy's fuzzy query scores a
/// constant 1 too).
pub(crate) const FUZZY_SCORE: Score = 1.0;

/// The letters tried in place of, or before, a token's first character: the name analyzer
/// folds names to ASCII, so a first character outside them is only matched exactly.
const FIRST_LETTERS: std::ops::RangeInclusive<u8> = b'a'..=b'z';

/// Runs `query` and returns the best `limit` `(record id, score)` pairs, best first.
pub(crate) fn search(
    searcher: &Searcher,
    schema: &CandidateSchema,
    name_terms: &NameTermsCache,
    query: &SearchQuery,
    limit: usize,
) -> Result<Vec<(u32, f32)>, IndexError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let clauses = Clauses::build(searcher, schema, query)?;
    if clauses.scored.is_empty() && clauses.fuzzy.is_empty() {
        return Ok(Vec::new());
    }
    let name_terms = name_terms.for_searcher(searcher, schema.name)?;
    let mut top = TopHits::new(limit);
    for (segment, name_terms) in searcher.segment_readers().iter().zip(&name_terms) {
        let cursors = clauses.cursors(segment, name_terms)?;
        let excluded = clauses.excluded_docs(segment)?;
        collect_segment(segment, cursors, &excluded, &mut top)?;
    }
    Ok(top.into_sorted())
}

/// The clauses of a query, for every segment.
struct Clauses {
    /// Exact terms, scored by BM25 with the searcher's statistics.
    scored: Vec<ScoredTerm>,
    /// Name tokens also matched within one edit.
    fuzzy: Vec<String>,
    /// Block keys whose records are left out.
    excluded: Vec<Term>,
    /// The name field.
    name: Field,
}

/// An exact term and its BM25 weight (boost included).
struct ScoredTerm {
    term: Term,
    record_option: IndexRecordOption,
    bm25: Bm25Weight,
}

impl Clauses {
    fn build(searcher: &Searcher, schema: &CandidateSchema, query: &SearchQuery) -> Result<Clauses, IndexError> {
        let mut scored = Vec::new();
        let mut add = |term: Term, record_option, boost| -> Result<(), IndexError> {
            let bm25 = Bm25Weight::for_terms(searcher, std::slice::from_ref(&term)).map_err(IndexError::Query)?;
            scored.push(ScoredTerm {
                term,
                record_option,
                bm25: bm25.boost_by(boost),
            });
            Ok(())
        };
        let excluded: Vec<Term> = query
            .exclude_keys
            .iter()
            .map(|key| Term::from_field_bytes(schema.block_key, key))
            .collect();
        // A key that is also excluded matches only records left out.
        for key in query.block_keys.iter().filter(|key| !query.exclude_keys.contains(key)) {
            add(
                Term::from_field_bytes(schema.block_key, key),
                IndexRecordOption::Basic,
                1.0,
            )?;
        }

        let mut analyzer = name_analyzer();
        let mut tokens = Vec::new();
        for token in query.name_tokens {
            analyze_into(&mut analyzer, token, &mut tokens);
        }
        let mut fuzzy = Vec::new();
        for token in tokens {
            add(
                Term::from_field_text(schema.name, &token),
                IndexRecordOption::WithFreqs,
                1.0,
            )?;
            if token.chars().count() >= FUZZY_MIN_CHARS {
                fuzzy.push(token);
            }
        }

        if let Some(birth_date) = query.birth_date {
            add(
                Term::from_field_text(schema.birth_date, birth_date),
                IndexRecordOption::Basic,
                BIRTH_DATE_BOOST,
            )?;
        }
        if let Some(birthplace) = query.birthplace {
            add(
                Term::from_field_text(schema.birthplace, birthplace),
                IndexRecordOption::Basic,
                1.0,
            )?;
        }
        Ok(Clauses {
            scored,
            fuzzy,
            excluded,
            name: schema.name,
        })
    }

    /// The documents of one segment that carry an excluded key, sorted, without duplicates.
    fn excluded_docs(&self, segment: &SegmentReader) -> Result<Vec<DocId>, IndexError> {
        let mut docs = Vec::new();
        for term in &self.excluded {
            let inverted_index = segment.inverted_index(term.field()).map_err(IndexError::Query)?;
            if let Some(mut postings) = inverted_index.read_postings(term, IndexRecordOption::Basic)? {
                while postings.doc() != TERMINATED {
                    docs.push(postings.doc());
                    postings.advance();
                }
            }
        }
        docs.sort_unstable();
        docs.dedup();
        Ok(docs)
    }

    /// The clauses' cursors in one segment, leaving out those that match nothing there.
    fn cursors(&self, segment: &SegmentReader, name_terms: &NameTerms) -> Result<Vec<Cursor>, IndexError> {
        let mut cursors = Vec::with_capacity(self.scored.len() + self.fuzzy.len());
        for scored in &self.scored {
            let field = scored.term.field();
            let inverted_index = segment.inverted_index(field).map_err(IndexError::Query)?;
            let Some(info) = inverted_index.get_term_info(&scored.term)? else {
                continue;
            };
            let postings = inverted_index.read_postings_from_terminfo(&info, scored.record_option)?;
            let fieldnorms = segment
                .fieldnorms_readers()
                .get_field(field)
                .map_err(IndexError::Query)?
                .unwrap_or_else(|| FieldNormReader::constant(segment.max_doc(), 1));
            cursors.push(Cursor {
                max_score: scored.bm25.max_score(),
                scorer: Box::new(TermDocs {
                    postings,
                    fieldnorms,
                    bm25: scored.bm25.clone(),
                }),
            });
        }
        if !self.fuzzy.is_empty() {
            let names = segment.inverted_index(self.name).map_err(IndexError::Query)?;
            for token in &self.fuzzy {
                let docs = FuzzyDocs::new(&names, name_terms, token)?;
                if docs.doc() != TERMINATED {
                    cursors.push(Cursor {
                        scorer: Box::new(docs),
                        max_score: FUZZY_SCORE,
                    });
                }
            }
        }
        Ok(cursors)
    }
}

/// The documents of an exact term, scored by BM25 as Tantivy's term query scores them.
struct TermDocs {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

impl DocSet for TermDocs {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for TermDocs {
    fn score(&mut self) -> Score {
        let fieldnorm_id = self.fieldnorms.fieldnorm_id(self.postings.doc());
        self.bm25.score(fieldnorm_id, self.postings.term_freq())
    }
}

/// One clause in one segment: its documents in order, and the most it adds to a score.
struct Cursor {
    scorer: Box<dyn Scorer>,
    max_score: Score,
}

/// Whether `bound` is below `threshold` by more than the rounding of a sum of scores, so that
/// a record whose score is at most `bound` can be passed over.
fn surely_below(bound: Score, threshold: Score) -> bool {
    bound < threshold - threshold.abs() * 1e-4
}

/// Offers `top` every record of `segment` that may rank among its best (MaxScore), except the
/// `excluded` documents (sorted).
fn collect_segment(
    segment: &SegmentReader,
    mut cursors: Vec<Cursor>,
    excluded: &[DocId],
    top: &mut TopHits,
) -> Result<(), IndexError> {
    let record_ids = segment
        .fast_fields()
        .u64(RECORD_ID_COLUMN)
        .map_err(IndexError::Query)?
        .first_or_default_col(0);
    let alive = segment.alive_bitset();
    cursors.sort_by(|a, b| a.max_score.total_cmp(&b.max_score));
    // bounds[i]: the most that the first i clauses add together.
    let mut bounds = Vec::with_capacity(cursors.len() + 1);
    bounds.push(0.0);
    for cursor in &cursors {
        bounds.push(bounds[bounds.len() - 1] + cursor.max_score);
    }
    let mut contributions: Vec<Score> = vec![0.0; cursors.len()];
    loop {
        let threshold = top.threshold();
        // The first `essential` clauses cannot lift a record to the threshold on their own:
        // they are only asked about the records that the others propose.
        let essential = bounds
            .partition_point(|&bound| surely_below(bound, threshold))
            .saturating_sub(1);
        let Some(doc) = cursors[essential..].iter().map(|c| c.scorer.doc()).min() else {
            break;
        };
        if doc == TERMINATED {
            break;
        }
        contributions.fill(0.0);
        let mut score = 0.0;
        for (cursor, contribution) in cursors[essential..].iter_mut().zip(&mut contributions[essential..]) {
            if cursor.scorer.doc() == doc {
                *contribution = cursor.scorer.score();
                score += *contribution;
                cursor.scorer.advance();
            }
        }
        let mut reachable = true;
        for i in (0..essential).rev() {
            if surely_below(score + bounds[i + 1], threshold) {
                reachable = false;
                break;
            }
            let cursor = &mut cursors[i];
            if cursor.scorer.doc() < doc {
                cursor.scorer.seek(doc);
            }
            if cursor.scorer.doc() == doc {
                contributions[i] = cursor.scorer.score();
                score += contributions[i];
            }
        }
        if !reachable
            || surely_below(score, threshold)
            || alive.is_some_and(|alive| alive.is_deleted(doc))
            || excluded.binary_search(&doc).is_ok()
        {
            continue;
        }
        // Summed in clause order, so that records matching the same clauses tie exactly.
        let score: Score = contributions.iter().sum();
        // Record ids are written from `u32` values, so the cast is lossless.
        top.offer(score, || record_ids.get_val(doc) as u32);
    }
    Ok(())
}

/// The documents of the name terms within one edit of a token (the token itself included),
/// each scored [`FUZZY_SCORE`].
struct FuzzyDocs {
    postings: Vec<SegmentPostings>,
    doc: DocId,
}

impl FuzzyDocs {
    fn new(names: &InvertedIndexReader, terms: &NameTerms, token: &str) -> Result<FuzzyDocs, IndexError> {
        let mut infos: Vec<&TermInfo> = Vec::new();
        let first_len = token.chars().next().map_or(0, char::len_utf8);
        let (first, rest) = token.as_bytes().split_at(first_len);
        // An edit after the first character keeps it: the terms that start with it.
        for (i, term) in terms.starting_with(first) {
            if within_one_edit(token, term) {
                infos.push(terms.info(i));
            }
        }
        // An edit of the first character: a handful of spellings, looked up one by one.
        let mut spellings: Vec<Vec<u8>> = Vec::with_capacity(2 * FIRST_LETTERS.len() + 2);
        spellings.push(rest.to_vec());
        let chars: Vec<char> = token.chars().collect();
        if chars.len() >= 2 {
            let mut swapped = String::with_capacity(token.len());
            swapped.push(chars[1]);
            swapped.push(chars[0]);
            swapped.extend(&chars[2..]);
            spellings.push(swapped.into_bytes());
        }
        for letter in FIRST_LETTERS {
            spellings.push([&[letter], rest].concat());
            spellings.push([&[letter], token.as_bytes()].concat());
        }
        spellings.retain(|spelling| !spelling.is_empty() && !spelling.starts_with(first));
        spellings.sort_unstable();
        spellings.dedup();
        infos.extend(spellings.iter().filter_map(|spelling| terms.get(spelling)));
        let postings = infos
            .into_iter()
            .map(|info| names.read_postings_from_terminfo(info, IndexRecordOption::Basic))
            .collect::<Result<Vec<_>, _>>()?;
        let doc = postings.iter().map(DocSet::doc).min().unwrap_or(TERMINATED);
        Ok(FuzzyDocs { postings, doc })
    }
}

impl DocSet for FuzzyDocs {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut doc = TERMINATED;
        for postings in &mut self.postings {
            if postings.doc() == current {
                postings.advance();
            }
            doc = doc.min(postings.doc());
        }
        self.doc = doc;
        doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let mut doc = TERMINATED;
        for postings in &mut self.postings {
            if postings.doc() < target {
                postings.seek(target);
            }
            doc = doc.min(postings.doc());
        }
        self.doc = doc;
        doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings.iter().map(DocSet::size_hint).sum()
    }
}

impl Scorer for FuzzyDocs {
    fn score(&mut self) -> Score {
        FUZZY_SCORE
    }
}

/// Whether `a` becomes `b` by at most one insertion, deletion, substitution or transposition
/// of adjacent characters.
fn within_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        within_one_edit_of(a.as_bytes(), b.as_bytes())
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        within_one_edit_of(&a, &b)
    }
}

fn within_one_edit_of<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() < long.len() {
        return short[same..] == long[same + 1..];
    }
    if same == short.len() {
        return true;
    }
    short[same + 1..] == long[same + 1..]
        || (same + 1 < short.len()
            && short[same] == long[same + 1]
            && short[same + 1] == long[same]
            && short[same + 2..] == long[same + 2..])
}

/// A scored record; `a > b` means `a` ranks before `b`.
#[derive(Clone, Copy, Debug)]
struct Hit {
    score: Score,
    record_id: u32,
}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.record_id.cmp(&self.record_id))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Hit {}

/// The best `limit` hits so far, by score then record id: a min-heap.
struct TopHits {
    limit: usize,
    heap: BinaryHeap<Reverse<Hit>>,
}

impl TopHits {
    fn new(limit: usize) -> TopHits {
        TopHits {
            limit,
            heap: BinaryHeap::with_capacity(limit.min(1024) + 1),
        }
    }

    /// The score a record needs to enter: the worst kept one once `limit` are kept.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.limit => worst.0.score,
            _ => Score::NEG_INFINITY,
        }
    }

    /// Keeps the record if it ranks among the best; its id is read only if its score may.
    fn offer(&mut self, score: Score, record_id: impl FnOnce() -> u32) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(Hit {
                score,
                record_id: record_id(),
            }));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if score >= worst.0.score {
                let hit = Hit {
                    score,
                    record_id: record_id(),
                };
                if hit > worst.0 {
                    *worst = Reverse(hit);
                }
            }
        }
    }

    fn into_sorted(self) -> Vec<(u32, f32)> {
        let mut hits: Vec<Hit> = self.heap.into_iter().map(|Reverse(hit)| hit).collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.into_iter().map(|hit| (hit.record_id, hit.score)).collect()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};

    use super::*;
    use crate::{CandidateIndex, IndexDocument};

    struct Person {
        record_id: u32,
        name: &'static str,
        birth_date: Option<&'static str>,
        birthplace: Option<&'static str>,
        keys: &'static [&'static str],
    }

    const PEOPLE: &[Person] = &[
        Person {
            record_id: 1,
            name: "joao silva",
            birth_date: Some("19800312"),
            birthplace: Some("lisboa"),
            keys: &["A|19800312|silva"],
        },
        Person {
            record_id: 2,
            name: "joao pedro silva",
            birth_date: Some("19750101"),
            birthplace: Some("porto"),
            keys: &["A|19750101|silva"],
        },
        Person {
            record_id: 3,
            name: "maria costa",
            birth_date: Some("19800312"),
            birthplace: Some("lisboa"),
            keys: &["A|19800312|costa"],
        },
        Person {
            record_id: 4,
            name: "ana sousa",
            birth_date: None,
            birthplace: None,
            keys: &[],
        },
        Person {
            record_id: 5,
            name: "joana silveira",
            birth_date: Some("19900101"),
            birthplace: Some("braga"),
            keys: &["A|19900101|silveira"],
        },
    ];

    fn index() -> CandidateIndex {
        let index = CandidateIndex::create_in_ram().expect("index");
        let mut writer = index.writer(20_000_000, 1).expect("writer");
        for person in PEOPLE {
            let keys: Vec<Vec<u8>> = person.keys.iter().map(|k| k.as_bytes().to_vec()).collect();
            writer
                .add(&IndexDocument {
                    record_id: person.record_id,
                    name: person.name,
                    birth_date: person.birth_date,
                    birthplace: person.birthplace,
                    block_keys: &keys,
                })
                .expect("add");
        }
        writer.commit().expect("commit");
        index
    }

    struct Case {
        what: &'static str,
        keys: &'static [&'static str],
        tokens: &'static [&'static str],
        birth_date: Option<&'static str>,
        birthplace: Option<&'static str>,
        /// Block keys whose records are left out.
        exclude: &'static [&'static str],
        limit: usize,
        /// The expected record ids, best first.
        expected: &'static [u32],
    }

    #[test]
    fn search_ranks_records_sharing_more_terms_first() {
        let index = index();
        let cases = [
            Case {
                what: "a typo in a long token still finds the record",
                keys: &[],
                tokens: &["joao", "silvaa"],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                // "silvaa" is at distance 1 from "silva" only; "joao" matches 1 and 2 exactly,
                // and the shorter name of 1 scores higher under BM25.
                expected: &[1, 2],
            },
            Case {
                what: "a transposition counts as one edit",
                keys: &[],
                tokens: &["silav"],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                expected: &[1, 2],
            },
            Case {
                what: "short tokens are exact only",
                keys: &[],
                tokens: &["joa"],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                expected: &[],
            },
            Case {
                what: "tokens are folded like the indexed names",
                keys: &[],
                tokens: &["JOÃO"],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                expected: &[1, 2],
            },
            Case {
                what: "sharing the key, name, date and place ranks first",
                keys: &["A|19800312|silva"],
                tokens: &["joao", "silva"],
                birth_date: Some("19800312"),
                birthplace: Some("lisboa"),
                exclude: &[],
                limit: 1,
                expected: &[1],
            },
            Case {
                what: "the shorter name matching the token scores higher",
                keys: &[],
                tokens: &["joao"],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 1,
                expected: &[1],
            },
            Case {
                what: "a shared block key alone finds the record",
                keys: &["A|19900101|silveira", "A|unknown"],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                expected: &[5],
            },
            Case {
                what: "equal scores are ordered by record id",
                keys: &[],
                tokens: &[],
                birth_date: None,
                birthplace: Some("lisboa"),
                exclude: &[],
                limit: 10,
                expected: &[1, 3],
            },
            Case {
                what: "a record carrying an excluded key is left out",
                keys: &[],
                tokens: &["joao", "silva"],
                birth_date: None,
                birthplace: None,
                exclude: &["A|19800312|silva"],
                limit: 10,
                expected: &[2],
            },
            Case {
                what: "an excluded key that is also a query key finds nothing more",
                keys: &["A|19800312|silva", "A|19750101|silva"],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                exclude: &["A|19800312|silva", "A|unknown"],
                limit: 10,
                expected: &[2],
            },
            Case {
                what: "excluded records take no place in the limit",
                keys: &[],
                tokens: &["joao", "silva"],
                birth_date: Some("19800312"),
                birthplace: None,
                exclude: &["A|19800312|silva"],
                limit: 1,
                expected: &[2],
            },
            Case {
                what: "an empty query matches nothing",
                keys: &[],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 10,
                expected: &[],
            },
            Case {
                what: "a zero limit returns nothing",
                keys: &["A|19800312|silva"],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                exclude: &[],
                limit: 0,
                expected: &[],
            },
        ];
        for case in cases {
            let keys: Vec<Vec<u8>> = case.keys.iter().map(|k| k.as_bytes().to_vec()).collect();
            let tokens: Vec<String> = case.tokens.iter().map(|t| t.to_string()).collect();
            let exclude: Vec<Vec<u8>> = case.exclude.iter().map(|k| k.as_bytes().to_vec()).collect();
            let hits = index
                .search(
                    &SearchQuery {
                        block_keys: &keys,
                        name_tokens: &tokens,
                        birth_date: case.birth_date,
                        birthplace: case.birthplace,
                        exclude_keys: &exclude,
                    },
                    case.limit,
                )
                .expect("search");
            let ids: Vec<u32> = hits.iter().map(|&(id, _)| id).collect();
            assert_eq!(ids, case.expected, "{}: {hits:?}", case.what);
            assert!(
                hits.windows(2).all(|pair| pair[0].1 >= pair[1].1),
                "{}: scores descend: {hits:?}",
                case.what
            );
        }
    }

    #[test]
    fn birth_date_clause_is_boosted() {
        let index = index();
        let score_of = |query: &SearchQuery| index.search(query, 1).expect("search")[0].1;
        let date = score_of(&SearchQuery {
            birth_date: Some("19900101"),
            ..SearchQuery::default()
        });
        let place = score_of(&SearchQuery {
            birthplace: Some("braga"),
            ..SearchQuery::default()
        });
        // Both terms occur once in five documents, so only the boost tells them apart.
        assert!((date / place - BIRTH_DATE_BOOST).abs() < 1e-3, "{date} vs {place}");
    }

    #[test]
    fn one_edit_means_one_insertion_deletion_substitution_or_transposition() {
        let cases = [
            ("silva", "silva", true),
            ("silva", "silvaa", true),
            ("silva", "slva", true),
            ("silva", "xilva", true),
            ("silva", "silav", true),
            ("silva", "isilva", true),
            ("silva", "islva", true),
            ("silva", "sliav", false),
            ("silva", "silvaaa", false),
            ("silva", "santos", false),
            ("conceição", "conceicão", true),
            ("conceição", "conceçião", true),
        ];
        for (a, b, expected) in cases {
            assert_eq!(within_one_edit(a, b), expected, "{a} / {b}");
            assert_eq!(within_one_edit(b, a), expected, "{b} / {a}");
        }
    }

    /// The Boolean query that the pruned search stands for: Tantivy scores every document.
    fn reference_query(schema: &CandidateSchema, query: &SearchQuery) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for key in query.block_keys {
            let term = Term::from_field_bytes(schema.block_key, key);
            clauses.push((Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        for token in query.name_tokens {
            let term = Term::from_field_text(schema.name, token);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
            ));
            if token.chars().count() >= FUZZY_MIN_CHARS {
                clauses.push((Occur::Should, Box::new(FuzzyTermQuery::new(term, 1, true))));
            }
        }
        if let Some(birth_date) = query.birth_date {
            let term = Term::from_field_text(schema.birth_date, birth_date);
            let exact = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            clauses.push((Occur::Should, Box::new(BoostQuery::new(exact, BIRTH_DATE_BOOST))));
        }
        for key in query.exclude_keys {
            let term = Term::from_field_bytes(schema.block_key, key);
            clauses.push((Occur::MustNot, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
        }
        BooleanQuery::new(clauses)
    }

    #[test]
    fn pruned_search_finds_what_scoring_every_document_finds() {
        const GIVEN: &[&str] = &["maria", "mario", "marta", "joao", "joana", "ana", "helder", "elder"];
        const SURNAMES: &[&str] = &[
            "silva", "silvaa", "sliva", "xilva", "santos", "sousa", "souza", "pereira", "ferreira",
        ];
        const DATES: &[&str] = &["19800312", "19800313", "19750101", "20010911"];
        // A fixed linear congruential sequence: the same registry every run.
        let mut state: u64 = 42;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % n
        };
        let index = CandidateIndex::create_in_ram().expect("index");
        let mut writer = index.writer(20_000_000, 1).expect("writer");
        for record_id in 1..=3000u32 {
            let name = format!(
                "{} {} {}",
                GIVEN[next(GIVEN.len())],
                SURNAMES[next(SURNAMES.len())],
                SURNAMES[next(SURNAMES.len())]
            );
            let date = DATES[next(DATES.len())];
            let keys = vec![
                format!("D|{date}").into_bytes(),
                format!("Y|{}", &date[..4]).into_bytes(),
            ];
            writer
                .add(&IndexDocument {
                    record_id,
                    name: &name,
                    birth_date: Some(date),
                    birthplace: None,
                    block_keys: &keys,
                })
                .expect("add");
            if record_id == 1500 {
                // A second segment, and deleted documents in the first.
                writer.commit().expect("commit");
                writer = index.writer(20_000_000, 1).expect("writer");
                for deleted in (1..1500).step_by(7) {
                    writer.delete_record(deleted);
                }
            }
        }
        writer.commit().expect("commit");
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() >= 2);
        let probes = [
            ("maria silva santos", "19800312"),
            ("mario silav", "19750101"),
            ("joana ferreira souza", "20010911"),
            ("ana pereira", "19800313"),
            ("elder sousa", "19800312"),
        ];
        // Each probe also without the records of its birth date (as a lookup that read that
        // block already asks).
        let probes = probes.iter().flat_map(|&probe| [(probe, false), (probe, true)]);
        for ((name, date), exclude_date) in probes {
            let tokens: Vec<String> = name.split(' ').map(String::from).collect();
            let keys = vec![
                format!("D|{date}").into_bytes(),
                format!("Y|{}", &date[..4]).into_bytes(),
            ];
            let exclude = if exclude_date {
                vec![keys[0].clone()]
            } else {
                Vec::new()
            };
            let query = SearchQuery {
                block_keys: &keys,
                name_tokens: &tokens,
                birth_date: Some(date),
                birthplace: None,
                exclude_keys: &exclude,
            };
            let record_ids = |hits: Vec<(f32, tantivy::DocAddress)>| -> Vec<(u32, f32)> {
                let mut hits: Vec<(u32, f32)> = hits
                    .into_iter()
                    .map(|(score, address)| {
                        let column = searcher
                            .segment_reader(address.segment_ord)
                            .fast_fields()
                            .u64(RECORD_ID_COLUMN)
                            .expect("column");
                        (column.first(address.doc_id).expect("record id") as u32, score)
                    })
                    .collect();
                hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                hits
            };
            let everything = record_ids(
                searcher
                    .search(
                        &reference_query(&index.schema, &query),
                        &TopDocs::with_limit(10_000).order_by_score(),
                    )
                    .expect("reference"),
            );
            let reference: std::collections::HashMap<u32, f32> = everything.iter().copied().collect();
            for limit in [1, 10, 50, 10_000] {
                let hits = index.search(&query, limit).expect("search");
                assert_eq!(hits.len(), limit.min(everything.len()), "{name}, limit {limit}");
                for (i, &(record_id, score)) in hits.iter().enumerate() {
                    let close = |a: f32, b: f32| (a - b).abs() <= 1e-4 * a.abs().max(1.0);
                    assert!(
                        close(score, everything[i].1),
                        "{name}, limit {limit}, rank {i}: {score} vs {:?}",
                        everything[i]
                    );
                    assert!(
                        close(score, reference[&record_id]),
                        "{name}: record {record_id} scores {score}"
                    );
                }
            }
        }
    }

    #[test]
    fn hits_order_by_score_then_record_id() {
        let hit = |score, record_id| Hit { score, record_id };
        let mut hits = [hit(1.0, 9), hit(2.0, 5), hit(1.0, 3), hit(2.0, 7)];
        hits.sort_unstable_by(|a, b| b.cmp(a));
        let order: Vec<u32> = hits.iter().map(|h| h.record_id).collect();
        assert_eq!(order, vec![5, 7, 3, 9]);
    }
}
