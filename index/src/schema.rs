//! The candidate index schema.
//!
//! Consumes nothing; produces a [`CandidateSchema`]: the Tantivy [`Schema`] plus the handle of
//! every field, built once by [`build`]. All other code in the crate reaches fields through
//! these handles, so field names appear only here.
//!
//! Fields and why they have the options they have:
//!
//! - `record_id` (u64, indexed, fast, not stored): the caller's record id. Tantivy has no
//!   primary key, so deletes are a delete-by-term on this field; the fast column maps a
//!   document to its record id during block scans and searches. Nothing is stored: no reader
//!   opens the document store, and compressing it was a quarter of the indexing time.
//! - `name` (text, [`NAME_ANALYZER`], frequencies, no positions): folded name tokens for the
//!   fuzzy single-record search. Phrase queries are never issued, so positions are not kept.
//! - `birth_date`, `birthplace` (raw strings, doc ids only): exact-match clauses of the search.
//! - `block_key` (bytes, indexed only, doc ids only, no field norms): one term per blocking key.
//!   A bytes field indexes each value verbatim as one term, without running a tokenizer, so it
//!   is both the cheapest field to write and the only one that accepts arbitrary bytes; keys
//!   are neither stored nor fast because the index hands them back from the term dictionary.
//!
//! Invariant: an index opened from disk must have exactly this schema, otherwise it was built
//! by another version and must be rebuilt (see [`crate::CandidateIndex::open`]).

use tantivy::schema::{
    BytesOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING,
};

use crate::tokenizer::NAME_ANALYZER;

/// The schema of the candidate index and the handle of each of its fields.
#[derive(Clone, Debug)]
pub struct CandidateSchema {
    /// The Tantivy schema.
    pub schema: Schema,
    /// The caller's record id (u64; indexed, fast).
    pub record_id: Field,
    /// Folded full name, tokenized by [`NAME_ANALYZER`].
    pub name: Field,
    /// Birth date as `yyyymmdd`, one raw term.
    pub birth_date: Field,
    /// Normalised birthplace key, one raw term.
    pub birthplace: Field,
    /// Blocking keys, one raw bytes term each.
    pub block_key: Field,
}

/// Field names, kept private so that no other code looks fields up by name.
const RECORD_ID: &str = "record_id";
const NAME: &str = "name";
const BIRTH_DATE: &str = "birth_date";
const BIRTHPLACE: &str = "birthplace";
const BLOCK_KEY: &str = "block_key";

/// The name of the record id fast column, for the readers in this crate.
pub(crate) const RECORD_ID_COLUMN: &str = RECORD_ID;

/// Builds the candidate schema.
pub fn build() -> CandidateSchema {
    let mut builder = Schema::builder();
    let record_id = builder.add_u64_field(RECORD_ID, NumericOptions::default().set_indexed().set_fast());
    let name_indexing = TextFieldIndexing::default()
        .set_tokenizer(NAME_ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqs)
        .set_fieldnorms(true);
    let name = builder.add_text_field(NAME, TextOptions::default().set_indexing_options(name_indexing));
    let birth_date = builder.add_text_field(BIRTH_DATE, STRING);
    let birthplace = builder.add_text_field(BIRTHPLACE, STRING);
    let block_key = builder.add_bytes_field(BLOCK_KEY, BytesOptions::default().set_indexed());
    CandidateSchema {
        schema: builder.build(),
        record_id,
        name,
        birth_date,
        birthplace,
        block_key,
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::FieldType;

    use super::*;

    #[test]
    fn fields_have_the_documented_options() {
        let s = build();
        let entry = |field| s.schema.get_field_entry(field);

        let record_id = entry(s.record_id);
        assert!(record_id.is_indexed() && !record_id.is_stored() && record_id.is_fast());

        let FieldType::Str(name) = entry(s.name).field_type() else {
            panic!("name is a text field");
        };
        let name_indexing = name.get_indexing_options().expect("name is indexed");
        assert_eq!(name_indexing.tokenizer(), NAME_ANALYZER);
        assert_eq!(name_indexing.index_option(), IndexRecordOption::WithFreqs);

        for field in [s.birth_date, s.birthplace] {
            let FieldType::Str(options) = entry(field).field_type() else {
                panic!("{} is a text field", entry(field).name());
            };
            let indexing = options.get_indexing_options().expect("indexed");
            assert_eq!(indexing.tokenizer(), "raw");
            assert_eq!(indexing.index_option(), IndexRecordOption::Basic);
        }

        let FieldType::Bytes(key) = entry(s.block_key).field_type() else {
            panic!("block_key is a bytes field");
        };
        assert!(key.is_indexed() && !key.is_stored() && !key.is_fast() && !key.fieldnorms());
    }

    #[test]
    fn build_is_deterministic() {
        assert_eq!(build().schema, build().schema);
    }
}
