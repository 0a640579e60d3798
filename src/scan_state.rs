//! What a scan leaves for the next one to start from: every record's blocking keys and the
//! whole candidate pair set (not only the pairs saved in the database, which are those above
//! the keep threshold).
//!
//! Consumes the blocking keys and candidate pairs of a finished scan; produces the file
//! `scan-state.bin` in the data directory, read back by the next delta scan.
//!
//! **Invariants:** the file names the scan it belongs to (its id, the records' change sequence
//! it covered, the index keys version and the blocking settings); a delta scan uses it only
//! when all four are those of the latest successful scan and of today's settings, and falls
//! back to a full scan otherwise. It is written to a temporary file and renamed after the scan
//! committed, so a scan killed at any point leaves either the previous state (whose scan id no
//! longer matches: the next scan is a full one) or the new one, never half a file.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::blocking::{CandidatePair, RecordKeys};
use crate::error::{Error, Result};
use crate::record::RecordId;

const MAGIC: &[u8; 8] = b"UNICOSS1";
const END: &[u8; 8] = b"UNICOEND";

/// Which scan a state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateStamp {
    /// The scan.
    pub scan_id: i64,
    /// The highest record change sequence the scan covered.
    pub records_seq: i64,
    /// `blocking::INDEX_KEYS_VERSION` of the keys.
    pub keys_version: u32,
    /// A fingerprint of the settings that shape the candidates and their scores.
    pub settings: u64,
}

/// The keys and candidate pairs of one scan.
pub struct ScanState {
    /// Which scan.
    pub stamp: StateStamp,
    /// The blocking keys of every active record (in no particular order).
    pub keys: Vec<RecordKeys>,
    /// Every candidate pair, sorted, each once.
    pub pairs: Vec<CandidatePair>,
}

/// The state file of a data directory.
pub fn path(root: &Path) -> PathBuf {
    root.join("scan-state.bin")
}

/// Writes the state, replacing the previous one only once the whole file is written.
pub fn save(root: &Path, stamp: StateStamp, keys: &[RecordKeys], pairs: &[CandidatePair]) -> Result<()> {
    write_aside(root, stamp, keys, pairs)?.install()
}

/// A state written beside the current one, not yet in its place.
#[derive(Debug)]
pub struct WrittenAside {
    tmp: PathBuf,
    target: PathBuf,
}

impl WrittenAside {
    /// Puts the state in place of the previous one (a rename: all or nothing).
    pub fn install(self) -> Result<()> {
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))
    }
}

/// Writes the state beside the current one: a scan writes it while its results are saved, and
/// installs it once they are committed.
pub fn write_aside(
    root: &Path,
    stamp: StateStamp,
    keys: &[RecordKeys],
    pairs: &[CandidatePair],
) -> Result<WrittenAside> {
    let target = path(root);
    let tmp = target.with_extension("bin.tmp");
    let io = |e: std::io::Error| Error::io(&tmp, e);
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(MAGIC).map_err(io)?;
    for value in [
        stamp.scan_id as u64,
        stamp.records_seq as u64,
        u64::from(stamp.keys_version),
        stamp.settings,
        keys.len() as u64,
        pairs.len() as u64,
    ] {
        out.write_all(&value.to_le_bytes()).map_err(io)?;
    }
    let mut buffer = Vec::with_capacity(256);
    for k in keys {
        buffer.clear();
        encode_keys(k, &mut buffer);
        out.write_all(&buffer).map_err(io)?;
    }
    for pair in pairs {
        out.write_all(&pair.record_id_l.0.to_le_bytes()).map_err(io)?;
        out.write_all(&pair.record_id_r.0.to_le_bytes()).map_err(io)?;
        out.write_all(&pair.rules.to_le_bytes()).map_err(io)?;
    }
    out.write_all(END).map_err(io)?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(WrittenAside { tmp, target })
}

/// Reads the state, or `None` when there is none or it cannot be read (an older format, a
/// truncated file): the caller then scans in full.
pub fn load(root: &Path) -> Option<ScanState> {
    let path = path(root);
    let file = std::fs::File::open(&path).ok()?;
    let mut bytes = Vec::with_capacity(file.metadata().map(|m| m.len() as usize).unwrap_or(0));
    BufReader::new(file).read_to_end(&mut bytes).ok()?;
    let state = decode(&bytes);
    if state.is_none() {
        tracing::warn!(path = %path.display(), "the scan state cannot be read; the scan will be a full one");
    }
    state
}

fn decode(bytes: &[u8]) -> Option<ScanState> {
    let mut input = Reader(bytes);
    if input.take(8)? != MAGIC {
        return None;
    }
    let stamp = StateStamp {
        scan_id: input.u64()? as i64,
        records_seq: input.u64()? as i64,
        keys_version: u32::try_from(input.u64()?).ok()?,
        settings: input.u64()?,
    };
    let n_keys = input.u64()? as usize;
    let n_pairs = input.u64()? as usize;
    let mut keys = Vec::with_capacity(n_keys.min(bytes.len()));
    for _ in 0..n_keys {
        keys.push(decode_keys(&mut input)?);
    }
    let mut pairs = Vec::with_capacity(n_pairs.min(bytes.len() / 10));
    for _ in 0..n_pairs {
        let l = input.u32()?;
        let r = input.u32()?;
        let rules = u16::from_le_bytes(input.take(2)?.try_into().ok()?);
        pairs.push(CandidatePair {
            record_id_l: RecordId(l),
            record_id_r: RecordId(r),
            rules,
        });
    }
    if input.take(8)? != END || !input.0.is_empty() {
        return None;
    }
    Some(ScanState { stamp, keys, pairs })
}

fn encode_keys(k: &RecordKeys, out: &mut Vec<u8>) {
    out.extend_from_slice(&k.id.0.to_le_bytes());
    let flags = u8::from(k.birth_date.is_some())
        | u8::from(k.municipality.is_some()) << 1
        | u8::from(k.foreign_country.is_some()) << 2
        | u8::from(k.placeholder) << 3
        | u8::from(k.sex.is_some()) << 4
        | u8::from(k.sex == Some(crate::record::Sex::F)) << 5;
    out.push(flags);
    out.push(k.tokens.len() as u8);
    out.push(k.first_and_last.len() as u8);
    for value in k.tokens.iter().chain(&k.first_and_last) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&k.full_name.to_le_bytes());
    if let Some(date) = k.birth_date {
        out.extend_from_slice(&date.to_le_bytes());
    }
    for value in [k.municipality, k.foreign_country].into_iter().flatten() {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&(k.name_key.len() as u32).to_le_bytes());
    out.extend_from_slice(k.name_key.as_bytes());
}

fn decode_keys(input: &mut Reader) -> Option<RecordKeys> {
    let id = RecordId(input.u32()?);
    let flags = input.take(1)?[0];
    let n_tokens = input.take(1)?[0] as usize;
    let n_first_and_last = input.take(1)?[0] as usize;
    let mut tokens = Vec::with_capacity(n_tokens);
    for _ in 0..n_tokens {
        tokens.push(input.u64()?);
    }
    let mut first_and_last = Vec::with_capacity(n_first_and_last);
    for _ in 0..n_first_and_last {
        first_and_last.push(input.u64()?);
    }
    let full_name = input.u64()?;
    let birth_date = if flags & 1 != 0 {
        Some(input.u32()? as i32)
    } else {
        None
    };
    let municipality = if flags & 2 != 0 { Some(input.u64()?) } else { None };
    let foreign_country = if flags & 4 != 0 { Some(input.u64()?) } else { None };
    let n_name = input.u32()? as usize;
    let name_key = std::str::from_utf8(input.take(n_name)?).ok()?.to_string();
    Some(RecordKeys {
        id,
        tokens,
        first_and_last,
        full_name,
        name_key,
        birth_date,
        municipality,
        foreign_country,
        placeholder: flags & 8 != 0,
        sex: match (flags & 16 != 0, flags & 32 != 0) {
            (false, _) => None,
            (true, false) => Some(crate::record::Sex::M),
            (true, true) => Some(crate::record::Sex::F),
        },
    })
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comparison::ComparableRecord;
    use crate::record::{Date, Nnu, PatientRecord, Value};

    fn keys(id: u32, name: &str, date: Option<&str>) -> RecordKeys {
        let mut record = PatientRecord::new(Nnu::from_u32(id).unwrap(), name);
        record.id = RecordId(id);
        if let Some(date) = date {
            record.birth_date = Value::Valid(Date::parse(date).unwrap());
        }
        record.birth_municipality = Some("Braga".into());
        RecordKeys::of(&ComparableRecord::new(&record))
    }

    #[test]
    fn a_saved_state_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = StateStamp {
            scan_id: 7,
            records_seq: 1234,
            keys_version: 3,
            settings: 0xdead_beef,
        };
        let all = vec![
            keys(1, "João Pedro Silva Santos", Some("1980-03-12")),
            keys(2, "RN de Ana Costa", None),
            keys(5, "Ahmed Khan", Some("1901-12-31")),
        ];
        let pairs = vec![
            CandidatePair::new(RecordId(1), RecordId(2), 3),
            CandidatePair::new(RecordId(1), RecordId(5), 1 << 10),
        ];
        save(dir.path(), stamp, &all, &pairs).unwrap();
        let state = load(dir.path()).expect("the state reads back");
        assert_eq!(state.stamp, stamp);
        assert_eq!(state.keys, all);
        assert_eq!(state.pairs, pairs);
    }

    #[test]
    fn a_truncated_or_foreign_file_is_no_state() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_none(), "no file");
        let stamp = StateStamp {
            scan_id: 1,
            records_seq: 1,
            keys_version: 3,
            settings: 1,
        };
        save(dir.path(), stamp, &[keys(1, "Maria Silva", None)], &[]).unwrap();
        let bytes = std::fs::read(path(dir.path())).unwrap();
        std::fs::write(path(dir.path()), &bytes[..bytes.len() - 3]).unwrap();
        assert!(load(dir.path()).is_none(), "truncated");
        std::fs::write(path(dir.path()), b"not a state").unwrap();
        assert!(load(dir.path()).is_none(), "foreign");
    }
}
