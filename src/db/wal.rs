//! The write-ahead log: one file of framed, checksummed records, each a committed transaction's
//! changes, appended and synced before the commit is acknowledged.
//!
//! Layout: a 32-byte header (`SILKWAL1`, the format version, the length and CRC-32 of the
//! snapshot the log continues, the number of the first transaction after it), then records of
//! `length (u32) | CRC-32 of number and payload (u32) | transaction number (u64) | payload`, all
//! little-endian. A log belongs to one snapshot: once a checkpoint has written a new snapshot,
//! the old log no longer matches it and is replaced, so a crash between the two never applies a
//! transaction twice.
//!
//! Reading stops at the first record that is cut short or fails its checksum. If nothing valid
//! follows it, it is a torn tail (a crash during an append) and is dropped with a notice; if a
//! valid record does follow, the log is damaged in the middle and opening is refused.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"SILKWAL1";
const VERSION: u32 = 1;
/// The length of the log's header.
pub const HEADER: usize = 32;
const RECORD_HEAD: usize = 16;
/// No record is larger than this (a statement's changes past it are refused before the write).
pub const MAX_RECORD: usize = 1 << 30;

/// Which snapshot a log continues: its length and checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Base {
    /// The snapshot's length in bytes.
    pub snapshot_len: u64,
    /// The CRC-32 of the snapshot's bytes but its last four (its own checksum of its body).
    /// Logs written before this kept the CRC-32 of all its bytes, which is the same for any
    /// two intact snapshots of one length (a CRC followed by itself hashes to a constant), so
    /// that it told one snapshot from another by length alone; such a log is still read.
    pub snapshot_crc: u32,
    /// The number the first transaction in the log gets.
    pub first: u64,
}

impl Base {
    /// The base of a log that continues `snapshot`.
    pub fn of(snapshot: &[u8], first: u64) -> Base {
        let content = snapshot.get(..snapshot.len().saturating_sub(4)).unwrap_or_default();
        Base { snapshot_len: snapshot.len() as u64, snapshot_crc: crc32fast::hash(content), first }
    }

    /// Whether a log of this base continues the snapshot of `len` bytes whose checksums are
    /// `sums` (as [`Base::of`] makes it, and as logs made before it did: see `snapshot_crc`).
    pub fn continues(&self, len: u64, sums: [u32; 2]) -> bool {
        self.snapshot_len == len && sums.contains(&self.snapshot_crc)
    }

    fn encode(&self) -> [u8; HEADER] {
        let mut h = [0u8; HEADER];
        h[..8].copy_from_slice(MAGIC);
        h[8..12].copy_from_slice(&VERSION.to_le_bytes());
        h[12..20].copy_from_slice(&self.snapshot_len.to_le_bytes());
        h[20..24].copy_from_slice(&self.snapshot_crc.to_le_bytes());
        h[24..32].copy_from_slice(&self.first.to_le_bytes());
        h
    }

    fn decode(h: &[u8]) -> Result<Base, String> {
        if h.len() < HEADER || &h[..8] != MAGIC {
            return Err("not a silkgraph log (bad header)".into());
        }
        let u32_at = |i: usize| u32::from_le_bytes(h[i..i + 4].try_into().unwrap_or_default());
        let u64_at = |i: usize| u64::from_le_bytes(h[i..i + 8].try_into().unwrap_or_default());
        let version = u32_at(8);
        if version != VERSION {
            return Err(format!(
                "the log is format version {version}; this silkgraph reads version {VERSION} (a newer silkgraph wrote it)"
            ));
        }
        Ok(Base { snapshot_len: u64_at(12), snapshot_crc: u32_at(20), first: u64_at(24) })
    }
}

/// What reading a log found.
#[derive(Debug)]
pub struct Recovered {
    /// The snapshot the log continues.
    pub base: Base,
    /// `(transaction number, payload)` of every intact record, in order.
    pub records: Vec<(u64, Vec<u8>)>,
    /// Bytes of a torn tail that were dropped, if there was one.
    pub torn: Option<u64>,
    /// The length of the intact log (where the next record goes).
    pub end: u64,
}

fn crc_of(number: u64, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&number.to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// One record at `at` in `bytes`: `(number, payload range, next offset)`, or `None` if it is
/// cut short or fails its checksum.
fn record_at(bytes: &[u8], at: usize) -> Option<(u64, std::ops::Range<usize>, usize)> {
    let head = bytes.get(at..at + RECORD_HEAD)?;
    let len = u32::from_le_bytes(head[..4].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(head[4..8].try_into().ok()?);
    let number = u64::from_le_bytes(head[8..16].try_into().ok()?);
    let start = at + RECORD_HEAD;
    let end = start.checked_add(len)?;
    let payload = bytes.get(start..end)?;
    (crc_of(number, payload) == crc).then_some((number, start..end, end))
}

/// Reads a whole log. A torn tail is reported (not an error); damage before intact records,
/// records out of order, or a bad header are errors that name the file and the offset.
pub fn read(path: &Path) -> Result<Recovered, String> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let base = Base::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut records = Vec::new();
    let mut at = HEADER;
    let mut expect = base.first;
    while at < bytes.len() {
        match record_at(&bytes, at) {
            Some((number, range, next)) => {
                if number != expect {
                    return Err(format!(
                        "{}: transaction {number} at byte {at} where {expect} was expected: the log is damaged",
                        path.display()
                    ));
                }
                records.push((number, bytes[range].to_vec()));
                expect += 1;
                at = next;
            }
            None => {
                // Torn only if no intact record starts anywhere after this point.
                let intact_after = (at + 1..bytes.len().saturating_sub(RECORD_HEAD))
                    .any(|i| record_at(&bytes, i).is_some_and(|(n, r, _)| n >= expect && !r.is_empty()));
                if intact_after {
                    return Err(format!(
                        "{}: damaged record at byte {at} with intact records after it: the log is corrupted in the \
                         middle (not a torn tail), so it is not replayed; restore from a backup",
                        path.display()
                    ));
                }
                return Ok(Recovered { base, records, torn: Some((bytes.len() - at) as u64), end: at as u64 });
            }
        }
    }
    Ok(Recovered { base, records, torn: None, end: at as u64 })
}

/// A log open for appending.
#[derive(Debug)]
pub struct Wal {
    path: PathBuf,
    file: File,
    /// The same file, for syncing it from outside the writer (group commit).
    syncer: Arc<File>,
    /// The number of the next transaction.
    next: u64,
}

impl Wal {
    /// Starts a new, empty log continuing `base` (atomically replacing any log at `path`).
    pub fn create(path: &Path, base: Base) -> Result<Wal, String> {
        crate::file::write_atomic(path, &base.encode(), true)?;
        Wal::open_at(path, base.first, HEADER as u64)
    }

    /// Opens an existing log for appending after its intact part (`end`, from [`read`]), cutting
    /// off a torn tail.
    pub fn open_at(path: &Path, next: u64, end: u64) -> Result<Wal, String> {
        let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let mut file = OpenOptions::new().read(true).write(true).open(path).map_err(err)?;
        file.set_len(end).map_err(err)?;
        file.seek(SeekFrom::Start(end)).map_err(err)?;
        file.sync_all().map_err(err)?;
        let syncer = Arc::new(file.try_clone().map_err(err)?);
        Ok(Wal { path: path.to_path_buf(), file, syncer, next })
    }

    /// The number the next transaction will get.
    pub fn next(&self) -> u64 {
        self.next
    }

    /// Appends one transaction's payload and syncs it to disk; its number once durable. On a
    /// failed write the log is cut back to where it was, so a later commit does not follow a
    /// half-written record.
    pub fn commit(&mut self, payload: &[u8]) -> Result<u64, String> {
        let at = self.file.stream_position().map_err(|e| self.io_error(e))?;
        let number = self.append(payload)?;
        if let Err(e) = self.file.sync_data() {
            self.cut_back(at);
            self.next -= 1;
            return Err(self.io_error(e));
        }
        Ok(number)
    }

    /// Appends one transaction's payload without syncing it (a group commit syncs many at once,
    /// through [`Wal::syncer`]); its number. A failed write is cut back as in [`Wal::commit`].
    pub fn append(&mut self, payload: &[u8]) -> Result<u64, String> {
        if payload.len() > MAX_RECORD {
            return Err(format!("a transaction of {} bytes of changes is larger than the log takes", payload.len()));
        }
        let number = self.next;
        let mut rec = Vec::with_capacity(RECORD_HEAD + payload.len());
        rec.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        rec.extend_from_slice(&crc_of(number, payload).to_le_bytes());
        rec.extend_from_slice(&number.to_le_bytes());
        rec.extend_from_slice(payload);
        let at = self.file.stream_position().map_err(|e| self.io_error(e))?;
        if let Err(e) = self.file.write_all(&rec) {
            self.cut_back(at);
            return Err(self.io_error(e));
        }
        self.next += 1;
        Ok(number)
    }

    /// The log file, shared, for syncing what was appended.
    pub fn syncer(&self) -> Arc<File> {
        self.syncer.clone()
    }

    fn cut_back(&mut self, at: u64) {
        let _ = self.file.set_len(at).and_then(|()| self.file.seek(SeekFrom::Start(at)).map(|_| ()));
    }

    fn io_error(&self, e: std::io::Error) -> String {
        format!("cannot write {}: {e}", self.path.display())
    }

    /// Writes the log that continues a checkpoint's snapshot (`base`) while that snapshot is
    /// being put in place: `tail` is the records the old log got after the snapshot's state,
    /// copied as they are (their numbers and checksums do not depend on where they sit). The
    /// file is synced; [`crate::db`] renames it over the old log once the snapshot is in place.
    pub fn write_next(path: &Path, base: Base, tail: &[u8]) -> Result<(), String> {
        let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(path).map_err(err)?;
        f.write_all(&base.encode()).and_then(|()| f.write_all(tail)).and_then(|()| f.sync_all()).map_err(err)
    }

    /// The bytes of the log from `offset` to its end (what was appended after that point).
    pub fn tail_from(&self, offset: u64) -> Result<Vec<u8>, String> {
        let err = |e: std::io::Error| format!("cannot read {}: {e}", self.path.display());
        let mut f = File::open(&self.path).map_err(err)?;
        f.seek(SeekFrom::Start(offset)).map_err(err)?;
        let mut tail = Vec::new();
        f.read_to_end(&mut tail).map_err(err)?;
        Ok(tail)
    }

    /// The log's size in bytes.
    pub fn len(&self) -> u64 {
        self.file.metadata().map_or(0, |m| m.len())
    }

    /// Whether the log holds no transaction.
    pub fn is_empty(&self) -> bool {
        self.len() <= HEADER as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("silkgraph-wal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn records_come_back_in_order_and_a_torn_tail_is_dropped() {
        let d = dir("torn");
        let p = d.join("g.sg-wal");
        let base = Base::of(b"snapshot", 7);
        let mut w = Wal::create(&p, base).unwrap();
        assert_eq!(w.commit(b"one").unwrap(), 7);
        assert_eq!(w.commit(b"").unwrap(), 8);
        assert_eq!(w.commit(&[9u8; 1000]).unwrap(), 9);
        drop(w);
        let r = read(&p).unwrap();
        assert_eq!(r.base, base);
        assert_eq!(r.records.iter().map(|(n, p)| (*n, p.len())).collect::<Vec<_>>(), [(7, 3), (8, 0), (9, 1000)]);
        assert!(r.torn.is_none());
        // Cut the last record anywhere: the two before it survive, the rest is a torn tail.
        let full = std::fs::read(&p).unwrap();
        for cut in (r.end as usize - 1000)..full.len() {
            std::fs::write(&p, &full[..cut]).unwrap();
            let t = read(&p).unwrap();
            assert_eq!(t.records.len(), 2, "cut at {cut}");
            assert!(t.torn.is_some() || cut == full.len());
        }
        // Appending after recovery cuts the tail and continues the numbering.
        let t = read(&p).unwrap();
        let mut w = Wal::open_at(&p, t.records.last().unwrap().0 + 1, t.end).unwrap();
        assert_eq!(w.commit(b"again").unwrap(), 9);
        let r = read(&p).unwrap();
        assert_eq!(r.records.last().map(|(n, p)| (*n, p.clone())), Some((9, b"again".to_vec())));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn damage_in_the_middle_and_newer_versions_are_refused() {
        let d = dir("damage");
        let p = d.join("g.sg-wal");
        let mut w = Wal::create(&p, Base::of(b"s", 1)).unwrap();
        for i in 0..5u8 {
            w.commit(&[i; 40]).unwrap();
        }
        drop(w);
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[HEADER + RECORD_HEAD + 3] ^= 0xff;
        std::fs::write(&p, &bytes).unwrap();
        let e = read(&p).unwrap_err();
        assert!(e.contains("corrupted in the middle"), "{e}");
        let mut bytes = std::fs::read(&p).unwrap();
        bytes[8] = 9;
        std::fs::write(&p, &bytes).unwrap();
        let e = read(&p).unwrap_err();
        assert!(e.contains("version 9"), "{e}");
        std::fs::write(&p, b"nonsense").unwrap();
        assert!(read(&p).unwrap_err().contains("not a silkgraph log"));
        let _ = std::fs::remove_dir_all(&d);
    }
}
