//! Full-text index definitions (`CREATE FULLTEXT INDEX`), kept with the graph: in snapshots, in
//! the log, in `SHOW INDEXES`. What an index holds (its terms) is built from the graph by the
//! search layer above the store and kept in [`Derived`] until the graph changes, so a change
//! never leaves an index stale and a rolled-back one never leaves terms behind.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::Graph;

/// A full-text index: which nodes (by label) or relationships (by type), which properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FulltextIndex {
    /// Its name, as `SHOW INDEXES` lists it.
    pub name: String,
    /// Over relationships (else nodes).
    pub rel: bool,
    /// The labels (or relationship types) whose entities it covers: any of them.
    pub on: Vec<String>,
    /// The properties whose text it indexes.
    pub keys: Vec<String>,
}

/// Values derived from the graph as it is (full-text terms), by a name the deriver chooses;
/// forgotten when the graph changes. A copy of the graph starts with none.
#[derive(Default)]
pub(super) struct Derived(Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>);

impl Derived {
    pub(super) fn clear(&mut self) {
        let m = match self.0.get_mut() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !m.is_empty() {
            m.clear();
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<Arc<dyn Any + Send + Sync>> {
        self.lock().get(key).cloned()
    }

    pub(super) fn keep(&self, key: &str, value: Arc<dyn Any + Send + Sync>) {
        self.lock().insert(key.to_string(), value);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<dyn Any + Send + Sync>>> {
        match self.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived::default()
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

impl Graph {
    /// Makes a full-text index; the error says why not (its name is taken).
    pub fn create_fulltext(&mut self, ix: FulltextIndex) -> Result<String, String> {
        if self.fulltext.iter().any(|i| i.name == ix.name) || self.index_named(&ix.name).is_some() {
            return Err(format!("an index named {} already exists", ix.name));
        }
        if ix.on.is_empty() || ix.keys.is_empty() {
            return Err(format!("the full-text index {} names no label or no property", ix.name));
        }
        let name = ix.name.clone();
        self.fulltext.push(ix);
        self.changed();
        Ok(name)
    }

    /// The full-text indexes.
    pub fn fulltext_indexes(&self) -> &[FulltextIndex] {
        &self.fulltext
    }

    /// Puts back the full-text indexes as they were (a snapshot's, or before a rolled-back
    /// transaction).
    pub(crate) fn restore_fulltext(&mut self, list: Vec<FulltextIndex>) {
        if self.fulltext != list {
            self.fulltext = list;
            self.changed();
        }
    }
}
