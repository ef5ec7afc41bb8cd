//! Interning of labels, relationship types and property keys: each name gets a dense id, of a
//! type of its own for each kind of name ([`LabelId`], [`TypeId`], [`KeyId`]), so that a
//! label's id cannot be passed where a key's is wanted.

use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Arc;

use indexmap::IndexSet;

/// A dense id handed out by an [`Interner`].
pub trait Id: Copy + Eq + Ord + Hash + Debug + Default + Send + Sync + 'static {
    /// The id at this position of its interner.
    fn from_index(i: usize) -> Self;
    /// Its position in its interner (and in arrays indexed by it).
    fn index(self) -> usize;
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(pub u32);

        impl Id for $name {
            #[inline]
            fn from_index(i: usize) -> Self {
                $name(i as u32)
            }
            #[inline]
            fn index(self) -> usize {
                $name::index(self)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                u64::from(id.0)
            }
        }

        impl $name {
            /// An id no name has: it matches nothing.
            pub const NONE: $name = $name(u32::MAX);

            /// Its position in its interner (and in arrays indexed by it).
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

ids!(
    /// A node label's id.
    LabelId,
    /// A relationship type's id.
    TypeId,
    /// A property key's id.
    KeyId,
);

/// Names to dense ids and back, in order of first use.
#[derive(Debug, Clone)]
pub struct Interner<I> {
    /// Shared, so that `type(r)` and `labels(n)` hand out a name without copying it.
    names: IndexSet<Arc<str>, ahash::RandomState>,
    /// The id `intern` gave last: a bulk write names the same label or key row after row, and
    /// comparing one name costs less than hashing it.
    last: I,
}

impl<I: Id> Default for Interner<I> {
    fn default() -> Self {
        Interner { names: IndexSet::default(), last: I::default() }
    }
}

impl<I: Id> Interner<I> {
    /// The id of `name`, handing out the next id if it is new.
    pub fn intern(&mut self, name: &str) -> I {
        if self.names.get_index(self.last.index()).is_some_and(|n| **n == *name) {
            return self.last;
        }
        self.last = I::from_index(match self.names.get_index_of(name) {
            Some(i) => i,
            None => self.names.insert_full(name.into()).0,
        });
        self.last
    }

    /// The id of `name`, if it has one.
    pub fn get(&self, name: &str) -> Option<I> {
        self.names.get_index_of(name).map(I::from_index)
    }

    /// The name of `id` (empty for an unknown id).
    pub fn name(&self, id: I) -> &str {
        self.names.get_index(id.index()).map_or("", |s| s)
    }

    /// The name of `id`, shared (no copy); empty for an unknown id.
    pub fn shared(&self, id: I) -> Arc<str> {
        self.names.get_index(id.index()).map_or_else(|| Arc::from(""), Arc::clone)
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
    pub fn iter(&self) -> impl Iterator<Item = (I, &str)> {
        self.names.iter().enumerate().map(|(i, s)| (I::from_index(i), &**s))
    }
}
