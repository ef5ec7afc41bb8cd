//! Interning of labels, relationship types and property keys: each name gets a dense id.

use std::sync::Arc;

use indexmap::IndexSet;

/// An id handed out by an [`Interner`].
pub type Sym = u32;

/// Names to dense ids and back, in order of first use.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Shared, so that `type(r)` and `labels(n)` hand out a name without copying it.
    names: IndexSet<Arc<str>, ahash::RandomState>,
    /// The id `intern` gave last: a bulk write names the same label or key row after row, and
    /// comparing one name costs less than hashing it.
    last: Sym,
}

impl Interner {
    /// The id of `name`, handing out the next id if it is new.
    pub fn intern(&mut self, name: &str) -> Sym {
        if self.names.get_index(self.last as usize).is_some_and(|n| **n == *name) {
            return self.last;
        }
        self.last = match self.names.get_index_of(name) {
            Some(i) => i as Sym,
            None => self.names.insert_full(name.into()).0 as Sym,
        };
        self.last
    }

    /// The id of `name`, if it has one.
    pub fn get(&self, name: &str) -> Option<Sym> {
        self.names.get_index_of(name).map(|i| i as Sym)
    }

    /// The name of `sym` (empty for an unknown id).
    pub fn name(&self, sym: Sym) -> &str {
        self.names.get_index(sym as usize).map_or("", |s| s)
    }

    /// The name of `sym`, shared (no copy); empty for an unknown id.
    pub fn shared(&self, sym: Sym) -> Arc<str> {
        self.names.get_index(sym as usize).map_or_else(|| Arc::from(""), Arc::clone)
    }

    /// How many names have ids.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name has an id yet.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every id with its name, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &str)> {
        self.names.iter().enumerate().map(|(i, s)| (i as Sym, &**s))
    }
}
