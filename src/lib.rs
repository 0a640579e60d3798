//! Único: duplicate-patient detection and merge for a national patient registry.
//!
//! # Brief overview
//!
//! The registry (SQLite, [`store`]) is the source of truth. [`import`] reads registry exports
//! into it, reporting every bad row and value. The candidate index (the `index` crate, Tantivy)
//! maps each record's blocking keys to record ids; [`blocking`] turns its postings into
//! candidate pairs. [`comparison`] compares two records field by field into a comparison
//! vector, [`model`] weighs it under a Fellegi–Sunter model and explains the weight,
//! [`predict`] scores all candidates in parallel and [`cluster`] groups the pairs above the
//! review threshold. [`monitor`] checks that the blocking rules still find the pairs already
//! merged. [`pipeline`] runs the stages over a data directory and [`cli`] is the
//! `unico` command. [`tickets`] resolves the service desk's duplicate and search requests.
//! [`generate`] writes synthetic registries with ground truth and
//! [`evaluate`] measures a scan against it.
//!
//! # Example
//!
//! Five synthetic records, compared and scored with the default model, clustered:
//!
//! ```
//! use unico::comparison::{compare, ComparableRecord, TermFrequencies};
//! use unico::model::{match_probability, Model};
//! use unico::record::{Date, Nnu, PatientRecord, RecordId, Value};
//! use unico::blocking::CandidatePair;
//! use unico::predict::{predict, RecordTable};
//!
//! let people = [
//!     ("Maria da Conceição Silva", "1980-03-12"),
//!     ("MARIA CONCEICAO SILVA", "1980-12-03"),
//!     ("Ana Rita Costa", "1975-06-01"),
//!     ("Inês Costa", "1975-06-01"),
//!     ("João Pedro Santos", "1950-01-20"),
//! ];
//! let records: Vec<ComparableRecord> = people
//!     .iter()
//!     .enumerate()
//!     .map(|(i, (name, date))| {
//!         let mut record = PatientRecord::new(Nnu::from_u32(100_000_000 + i as u32).unwrap(), *name);
//!         record.id = RecordId(i as u32 + 1);
//!         record.birth_date = Value::Valid(Date::parse(date).unwrap());
//!         ComparableRecord::new(&record)
//!     })
//!     .collect();
//! // Five records are too few to tell common names from rare ones: without counts, every
//! // level weighs its own u.
//! let tf = TermFrequencies::default();
//! let model = Model::default_for(1_000, 0.1);
//! let table = RecordTable::new(&records);
//! let mut pairs = Vec::new();
//! for a in 1..=5u32 {
//!     for b in a + 1..=5 {
//!         pairs.push(CandidatePair::new(RecordId(a), RecordId(b), 1));
//!     }
//! }
//! let predictions = predict(&table, &pairs, &model.scoring_table(), &tf, f64::NEG_INFINITY, &unico::progress::NoProgress);
//! let clusters = unico::cluster::cluster(&predictions, 0.9);
//! assert_eq!(clusters.len(), 1);
//! assert_eq!(clusters[0].record_ids, vec![RecordId(1), RecordId(2)]);
//!
//! // Every score explains itself: prior + Σ partial weights = match weight.
//! let waterfall = model.waterfall(&compare(&records[0], &records[1], &tf));
//! let sum: f64 = waterfall.rows.iter().map(|row| row.match_weight).sum();
//! assert!((sum - waterfall.match_weight).abs() < 1e-9);
//! assert!(match_probability(waterfall.match_weight) > 0.9);
//! ```

#![deny(missing_docs)]

pub mod access;
pub mod blocking;
pub mod cli;
pub mod cluster;
pub mod comparison;
pub mod error;
pub mod evaluate;
pub mod generate;
pub mod hashing;
pub mod import;
pub mod matching;
pub mod merge;
pub mod model;
pub mod monitor;
pub mod pipeline;
pub mod predict;
pub mod progress;
pub mod record;
pub mod review;
pub mod scan_state;
pub mod settings;
pub mod store;
pub mod tickets;
pub mod web;
