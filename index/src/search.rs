//! Single-record search: the ticket-lookup and check-before-create path.
//!
//! Consumes a [`SearchQuery`]; produces the best record ids with their Tantivy scores.
//!
//! The query is a Boolean disjunction (every clause SHOULD):
//!
//! - one exact BM25 term per block key, so sharing a rare key weighs more than a common one;
//! - per name token (after the name analyzer), an exact BM25 term, plus, for tokens of at
//!   least [`FUZZY_MIN_CHARS`] characters, a fuzzy term at Levenshtein distance 1 with
//!   transpositions counting as 1. Tantivy scores a fuzzy match with a constant 1, so a typo
//!   earns 1 and an exact spelling earns 1 plus its BM25 score;
//! - the birth date, exact and boosted by [`BIRTH_DATE_BOOST`];
//! - the birthplace, exact.
//!
//! Invariants: results are sorted by descending score, then ascending record id, and the
//! ordering is exact even across segments and at the `limit` cut. Deleted documents never
//! match.
//!
//! Performance: a search touches only the posting lists of its terms and the name terms
//! within distance 1 of a token; record ids come from the fast column, never from the
//! document store.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use crate::error::IndexError;
use crate::schema::{CandidateSchema, RECORD_ID_COLUMN};
use crate::tokenizer::{analyze_into, name_analyzer};
use crate::SearchQuery;

/// Name tokens with at least this many characters are also matched at distance 1.
pub(crate) const FUZZY_MIN_CHARS: usize = 5;

/// The boost of the birth date clause.
pub(crate) const BIRTH_DATE_BOOST: Score = 2.0;

/// Runs `query` and returns the best `limit` `(record id, score)` pairs, best first.
pub(crate) fn search(
    searcher: &Searcher,
    schema: &CandidateSchema,
    query: &SearchQuery,
    limit: usize,
) -> Result<Vec<(u32, f32)>, IndexError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let Some(query) = build_query(schema, query) else {
        return Ok(Vec::new());
    };
    searcher
        .search(&query, &TopRecords { limit })
        .map_err(IndexError::Query)
}

/// Builds the Boolean query, or `None` if it has no clause.
fn build_query(schema: &CandidateSchema, query: &SearchQuery) -> Option<BooleanQuery> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for key in query.block_keys {
        let term = Term::from_field_bytes(schema.block_key, key);
        clauses.push((Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
    }

    let mut analyzer = name_analyzer();
    let mut tokens = Vec::new();
    for token in query.name_tokens {
        analyze_into(&mut analyzer, token, &mut tokens);
    }
    for token in &tokens {
        let term = Term::from_field_text(schema.name, token);
        let exact = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
        if token.chars().count() < FUZZY_MIN_CHARS {
            clauses.push((Occur::Should, exact));
        } else {
            let fuzzy = Box::new(FuzzyTermQuery::new(term, 1, true));
            let either = BooleanQuery::new(vec![(Occur::Should, exact), (Occur::Should, fuzzy)]);
            clauses.push((Occur::Should, Box::new(either)));
        }
    }

    if let Some(birth_date) = query.birth_date {
        let term = Term::from_field_text(schema.birth_date, birth_date);
        let exact = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
        clauses.push((Occur::Should, Box::new(BoostQuery::new(exact, BIRTH_DATE_BOOST))));
    }
    if let Some(birthplace) = query.birthplace {
        let term = Term::from_field_text(schema.birthplace, birthplace);
        clauses.push((Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic))));
    }

    (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
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

/// Keeps the best `limit` hits by score, then record id.
struct TopRecords {
    limit: usize,
}

/// The per-segment part of [`TopRecords`]: a min-heap of the best hits so far.
struct TopRecordsSegment {
    limit: usize,
    record_ids: Arc<dyn ColumnValues<u64>>,
    heap: BinaryHeap<Reverse<Hit>>,
}

impl Collector for TopRecords {
    type Fruit = Vec<(u32, f32)>;
    type Child = TopRecordsSegment;

    fn for_segment(&self, _segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<TopRecordsSegment> {
        let record_ids = segment.fast_fields().u64(RECORD_ID_COLUMN)?.first_or_default_col(0);
        Ok(TopRecordsSegment {
            limit: self.limit,
            record_ids,
            heap: BinaryHeap::with_capacity(self.limit.min(1024) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segment_hits: Vec<Vec<Hit>>) -> tantivy::Result<Vec<(u32, f32)>> {
        let mut hits: Vec<Hit> = segment_hits.into_iter().flatten().collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.truncate(self.limit);
        Ok(hits.into_iter().map(|hit| (hit.record_id, hit.score)).collect())
    }
}

impl SegmentCollector for TopRecordsSegment {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        // Record ids are written from `u32` values, so the cast is lossless.
        let record_id = self.record_ids.get_val(doc) as u32;
        let hit = Hit { score, record_id };
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(hit));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if hit > worst.0 {
                *worst = Reverse(hit);
            }
        }
    }

    fn harvest(self) -> Vec<Hit> {
        self.heap.into_iter().map(|Reverse(hit)| hit).collect()
    }
}

#[cfg(test)]
mod tests {
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
                limit: 10,
                expected: &[1, 2],
            },
            Case {
                what: "short tokens are exact only",
                keys: &[],
                tokens: &["joa"],
                birth_date: None,
                birthplace: None,
                limit: 10,
                expected: &[],
            },
            Case {
                what: "tokens are folded like the indexed names",
                keys: &[],
                tokens: &["JOÃO"],
                birth_date: None,
                birthplace: None,
                limit: 10,
                expected: &[1, 2],
            },
            Case {
                what: "sharing the key, name, date and place ranks first",
                keys: &["A|19800312|silva"],
                tokens: &["joao", "silva"],
                birth_date: Some("19800312"),
                birthplace: Some("lisboa"),
                limit: 1,
                expected: &[1],
            },
            Case {
                what: "the shorter name matching the token scores higher",
                keys: &[],
                tokens: &["joao"],
                birth_date: None,
                birthplace: None,
                limit: 1,
                expected: &[1],
            },
            Case {
                what: "a shared block key alone finds the record",
                keys: &["A|19900101|silveira", "A|unknown"],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                limit: 10,
                expected: &[5],
            },
            Case {
                what: "equal scores are ordered by record id",
                keys: &[],
                tokens: &[],
                birth_date: None,
                birthplace: Some("lisboa"),
                limit: 10,
                expected: &[1, 3],
            },
            Case {
                what: "an empty query matches nothing",
                keys: &[],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                limit: 10,
                expected: &[],
            },
            Case {
                what: "a zero limit returns nothing",
                keys: &["A|19800312|silva"],
                tokens: &[],
                birth_date: None,
                birthplace: None,
                limit: 0,
                expected: &[],
            },
        ];
        for case in cases {
            let keys: Vec<Vec<u8>> = case.keys.iter().map(|k| k.as_bytes().to_vec()).collect();
            let tokens: Vec<String> = case.tokens.iter().map(|t| t.to_string()).collect();
            let hits = index
                .search(
                    &SearchQuery {
                        block_keys: &keys,
                        name_tokens: &tokens,
                        birth_date: case.birth_date,
                        birthplace: case.birthplace,
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
    fn hits_order_by_score_then_record_id() {
        let hit = |score, record_id| Hit { score, record_id };
        let mut hits = [hit(1.0, 9), hit(2.0, 5), hit(1.0, 3), hit(2.0, 7)];
        hits.sort_unstable_by(|a, b| b.cmp(a));
        let order: Vec<u32> = hits.iter().map(|h| h.record_id).collect();
        assert_eq!(order, vec![5, 7, 3, 9]);
    }
}
