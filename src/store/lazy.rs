//! The relationships of a graph, decoded when first needed. Opening a database decodes its
//! nodes and keeps the relationships' part of the snapshot as bytes, so that a question about
//! nodes alone (a lookup, a label scan, a count) is answered without waiting for them: at
//! scale 1 of the shared benchmark they are nine tenths of the file and of the time it took
//! to open. The first read of a relationship decodes all of them, once, behind a `OnceLock`,
//! so readers on other threads wait for that one decoding and never see half of it. A write
//! of a relationship, or a node's deletion, decodes them first; a node's creation, its
//! labels and its properties need not.
//!
//! The file's checksum is checked when it opens, so a damaged file is refused then. What only
//! the decoding can find (a file made to pass the checksum with relationships that name missing
//! nodes) leaves the graph without relationships and says so in [`Lazy::damage`]: the session
//! turns it into the statement's error, and a graph so damaged is never written back.

use std::sync::{Mutex, OnceLock};

pub(super) use super::rels::Rels;
use super::Loader;

/// The relationships' part of a snapshot's file, not read yet: `count` of them in the `len`
/// bytes at `at`, followed by the checksum of the body, `want`. `start` is the checksum and the
/// length of the body before them, so that the body's is checked when they are read. `nodes`
/// is the node ids the file had handed out: a relationship's ends are below it (a node made
/// since the file was opened is no end of one of its relationships).
#[derive(Clone)]
pub(super) struct Pending {
    pub load: Loader,
    pub at: u64,
    pub len: usize,
    pub count: usize,
    pub start: (u32, u64),
    pub want: u32,
    pub nodes: u64,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pending({} relationships in {} bytes at {})", self.count, self.len, self.at)
    }
}

impl Pending {
    /// Reads the bytes and checks the body's checksum with them.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        let bytes = (self.load)(self.at, self.len)?;
        let mut crc = crc32fast::Hasher::new_with_initial_len(self.start.0, self.start.1);
        crc.update(&bytes);
        if bytes.len() != self.len || crc.finalize() != self.want {
            return Err(
                "snapshot checksum mismatch: the file is corrupted (found when its relationships were first read)"
                    .into(),
            );
        }
        Ok(bytes)
    }
}

/// Relationships decoded now or when first read.
#[derive(Debug)]
pub(super) struct Lazy {
    cell: OnceLock<Rels>,
    pending: Mutex<Option<Pending>>,
    /// How many there are, known before they are decoded.
    count: usize,
    damage: OnceLock<String>,
}

impl Default for Lazy {
    fn default() -> Lazy {
        Lazy::ready(Rels::default())
    }
}

impl Clone for Lazy {
    fn clone(&self) -> Lazy {
        let cell = OnceLock::new();
        if let Some(r) = self.cell.get() {
            let _ = cell.set(r.clone());
        }
        let damage = OnceLock::new();
        if let Some(d) = self.damage.get() {
            let _ = damage.set(d.clone());
        }
        let pending = Mutex::new(self.pending.lock().unwrap_or_else(|e| e.into_inner()).clone());
        Lazy { cell, pending, count: self.count, damage }
    }
}

impl Lazy {
    /// Relationships already decoded (or a graph that has none yet).
    pub fn ready(rels: Rels) -> Lazy {
        Lazy { cell: OnceLock::from(rels), pending: Mutex::new(None), count: 0, damage: OnceLock::new() }
    }

    /// Relationships to decode from `pending` when first read.
    pub fn later(pending: Pending) -> Lazy {
        let count = pending.count;
        Lazy { cell: OnceLock::new(), pending: Mutex::new(Some(pending)), count, damage: OnceLock::new() }
    }

    /// The part of the snapshot they are in, while they are not decoded.
    pub fn undecoded(&self) -> Option<Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The relationships, decoded by `load` if they are not yet. A decoding that fails leaves
    /// none and is kept as the damage.
    pub fn get(&self, load: impl FnOnce(&Pending) -> Result<Rels, String>) -> &Rels {
        self.cell.get_or_init(|| {
            // Forgotten only once decoded: were the decoding to panic, the next read would try
            // again rather than find a graph without relationships.
            let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let rels = match pending.map(|p| load(&p)) {
                None => Rels::default(),
                Some(Ok(rels)) => rels,
                Some(Err(e)) => {
                    let _ = self.damage.set(e);
                    Rels::default()
                }
            };
            *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = None;
            rels
        })
    }

    /// [`Lazy::get`] for changing them.
    pub fn get_mut(&mut self, load: impl FnOnce(&Pending) -> Result<Rels, String>) -> &mut Rels {
        self.get(load);
        self.cell.get_mut().expect("decoded just before")
    }

    /// Whether they are decoded.
    pub fn is_decoded(&self) -> bool {
        self.cell.get().is_some()
    }

    /// The decoded relationships, for a change; `None` while they are not decoded.
    pub fn decoded_mut(&mut self) -> Option<&mut Rels> {
        self.cell.get_mut()
    }

    /// How many there are, decoded or not.
    pub fn count(&self) -> usize {
        self.cell.get().map_or(self.count, Rels::live)
    }

    /// Why decoding them failed, if it did.
    pub fn damage(&self) -> Option<&str> {
        self.damage.get().map(String::as_str)
    }
}
