//! Property columns: one key's values for a block of consecutive ids, decoded once and kept
//! for reads in bulk (an aggregation summing `f.amount_usd` over 600,000 relationships).
//! Read from the entities, each value costs two dependent memory reads (the entity's record,
//! its encoded list) and a decoding; read from a column, one.
//!
//! A block is built once reads of it in bulk reach [`HOT`], so a query touching a few values
//! never pays for a block; all columns are dropped whenever the graph changes, and none is
//! built by a statement that has changed it (like the adjacency). They take at most
//! [`Graph::column_budget`] bytes, which grows with the graph; past it reads go to the
//! entities as before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Graph, GraphRead, KeyId};
use crate::value::{NodeId, RelId, Value};

/// Ids per block.
const BLOCK_BITS: u32 = 16;
const BLOCK: u64 = 1 << BLOCK_BITS;
/// Reads in bulk of one key in one block before that block's column is built.
const HOT: u32 = 4096;
/// Most bytes all columns may take on a small graph.
const FLOOR: usize = 96 << 20;
/// Bytes all columns may take per node and relationship of the graph, past [`FLOOR`]: half a
/// cell each, so that the columns a workload reads stay a small share of what the graph
/// itself takes (some 70 bytes an entity). At ten million nodes and a hundred million
/// relationships (the shared bench's scale 10) that is 880 MiB, where 96 MiB no longer held
/// one key of the six million FUNDED relationships and three keys of the 2.5 million
/// agreements together.
const PER_ENTITY: usize = 8;

/// The place of an id in its block's column.
fn in_block(id: u64) -> usize {
    (id & (BLOCK - 1)) as usize
}

/// One value: 16 bytes, strings and rarer values kept beside the cells.
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// No entity with this id.
    Missing,
    /// The entity has no such property.
    Null,
    Int(i64),
    Float(f64),
    Str(u32),
    Other(u32),
}

/// Dictionaries of at most this many strings hand out each thread's own copies (see [`own`]).
const SMALL: usize = 64;

thread_local! {
    /// This thread's copies of the strings of small dictionaries, by the address of the
    /// column's own. A string read from a column is shared by every thread reading it, and
    /// its reference count, updated by each read (a `kind` of a few values, read 100,000
    /// times by two threads grouping by it), would bounce between their cores.
    static OWN: RefCell<HashMap<usize, Arc<str>, ahash::RandomState>> = RefCell::default();
}

/// This thread's copy of `shared` (the same text).
fn own(shared: &Arc<str>) -> Arc<str> {
    let at = Arc::as_ptr(shared).cast::<u8>() as usize;
    OWN.with(|m| {
        let mut m = m.borrow_mut();
        match m.get(&at) {
            // The address may have been freed and reused since: the text decides.
            Some(mine) if **mine == **shared => mine.clone(),
            _ => {
                if m.len() >= 4096 {
                    m.clear();
                }
                let mine: Arc<str> = Arc::from(&**shared);
                m.insert(at, mine.clone());
                mine
            }
        }
    })
}

/// A value as a reader gives it to an aggregate: a number (or null) without a `Value` made
/// for it, or the value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// No value.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Any other value.
    Value(Value),
}

impl Scalar {
    /// `v` as a scalar.
    pub fn of(v: Value) -> Scalar {
        match v {
            Value::Null => Scalar::Null,
            Value::Int(i) => Scalar::Int(i),
            Value::Float(f) => Scalar::Float(f),
            v => Scalar::Value(v),
        }
    }

    /// The value it stands for.
    pub fn into_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Int(i) => Value::Int(i),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Value(v) => v,
        }
    }
}

/// One key's values for one block of ids.
#[derive(Debug)]
pub(super) struct Column {
    cells: Vec<Cell>,
    strs: Vec<Arc<str>>,
    /// The same strings one after another (`text[ends[s - 1]..ends[s]]`), which a test of
    /// many of them (`o.name CONTAINS '12'` over a scan) reads in order, where each `Arc`'s
    /// text is a cache miss of its own.
    text: String,
    ends: Vec<u32>,
    others: Vec<Value>,
}

impl Column {
    /// The value of the id at `i` in the block: `None` if there is no such entity, `Null` if
    /// it lacks the property.
    fn get(&self, i: usize) -> Option<Value> {
        Some(match self.cells.get(i).copied().unwrap_or(Cell::Missing) {
            Cell::Missing => return None,
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::Int(v),
            Cell::Float(v) => Value::Float(v),
            Cell::Str(s) if self.strs.len() <= SMALL => Value::String(own(&self.strs[s as usize])),
            Cell::Str(s) => Value::String(self.strs[s as usize].clone()),
            Cell::Other(o) => self.others[o as usize].clone(),
        })
    }

    /// The text of string `s`, from the strings kept one after another where it is there.
    fn text_of(&self, s: u32) -> &str {
        let s = s as usize;
        let Some(&end) = self.ends.get(s) else { return &self.strs[s] };
        let start = s.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        self.text.get(start..end as usize).unwrap_or(&self.strs[s])
    }

    /// The value at `i` as a [`Scalar`]: a number read where it lies, without a `Value`.
    fn scalar(&self, i: usize) -> Option<Scalar> {
        Some(match self.cells.get(i).copied().unwrap_or(Cell::Missing) {
            Cell::Missing => return None,
            Cell::Null => Scalar::Null,
            Cell::Int(v) => Scalar::Int(v),
            Cell::Float(v) => Scalar::Float(v),
            Cell::Str(_) | Cell::Other(_) => Scalar::Value(self.get(i)?),
        })
    }

    /// Whether the value at `i` equals `v` (Cypher's `=` is true), compared where it lies.
    fn equals(&self, i: usize, v: &Value) -> bool {
        match (self.cells.get(i).copied().unwrap_or(Cell::Missing), v) {
            (Cell::Missing | Cell::Null, _) => false,
            (Cell::Str(s), Value::String(t)) => self.text_of(s) == &**t,
            (Cell::Str(_), _) => false,
            (Cell::Int(a), Value::Int(b)) => a == *b,
            _ => self.get(i).is_some_and(|x| x.cypher_eq(v) == Some(true)),
        }
    }

    /// `test` of the text at `i`, read where it lies: `None` if there is no such entity,
    /// `Some(None)` if its value is not a string (null included).
    fn test_str(&self, i: usize, test: impl FnOnce(&str) -> bool) -> Option<Option<bool>> {
        match self.cells.get(i).copied().unwrap_or(Cell::Missing) {
            Cell::Missing => None,
            Cell::Str(s) => Some(Some(test(self.text_of(s)))),
            _ => Some(None),
        }
    }

    /// `test` of the integer at `i`, read where it lies: `None` if there is no such entity,
    /// `Some(None)` if its value is null or missing, `Some(Some(false))`... see
    /// [`PropReader::test_int`].
    fn test_int(&self, i: usize, test: impl FnOnce(i64) -> bool) -> Option<Option<bool>> {
        match self.cells.get(i).copied().unwrap_or(Cell::Missing) {
            Cell::Missing => None,
            Cell::Null => Some(None),
            Cell::Int(v) => Some(Some(test(v))),
            // Another type: compared as values are, by the plain road.
            _ => None,
        }
    }

    /// Bytes it takes (about).
    fn bytes(&self) -> usize {
        self.cells.len() * std::mem::size_of::<Cell>()
            + self.strs.iter().map(|s| s.len() + 32).sum::<usize>()
            + self.text.len()
            + self.ends.len() * 4
            + self.others.len() * 64
    }
}

/// What the columns are of: node or relationship properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Of {
    Nodes,
    Rels,
}

/// One key's columns (of nodes or of relationships), by block, and the reads in bulk of the
/// blocks that have none yet.
#[derive(Debug, Default)]
struct Table {
    blocks: Vec<Option<Arc<Column>>>,
    reads: Vec<u32>,
}

#[derive(Debug, Default)]
struct Columns {
    tables: HashMap<(Of, KeyId), Table>,
    bytes: usize,
}

/// The columns built so far.
#[derive(Debug, Default)]
pub(super) struct Cache(Mutex<Columns>);

impl Cache {
    /// Forgets them all (the graph changed).
    pub(super) fn clear(&mut self) {
        let c = match self.0.get_mut() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !c.tables.is_empty() {
            *c = Columns::default();
        }
    }
}

/// A copy of the graph starts with none.
impl Clone for Cache {
    fn clone(&self) -> Cache {
        Cache::default()
    }
}

impl Graph {
    /// `key` of each id from the columns, where a column has it: `out[i]` is set for those,
    /// and the positions of the others are returned (to be read from the entities).
    pub(super) fn read_columns<I: Copy + Into<u64>>(
        &self,
        of: Of,
        key: KeyId,
        ids: &[I],
        out: &mut [Option<Value>],
    ) -> Vec<usize> {
        let all = || (0..ids.len()).collect();
        if !self.journal.is_empty() {
            return all();
        }
        let Ok(mut cols) = self.columns.0.lock() else { return all() };
        let Columns { tables, bytes } = &mut *cols;
        let table = tables.entry((of, key)).or_default();
        let mut rest = Vec::new();
        for (i, id) in ids.iter().map(|&id| id.into()).enumerate() {
            let block = usize::try_from(id >> BLOCK_BITS).unwrap_or(usize::MAX);
            if let Some(Some(col)) = table.blocks.get(block) {
                out[i] = col.get(in_block(id));
                continue;
            }
            rest.push(i);
            // Counted, and built once hot: the next reads of the block use it.
            if block >= table.reads.len() {
                if block > (u32::MAX as usize) {
                    continue;
                }
                table.reads.resize(block + 1, 0);
            }
            table.reads[block] += 1;
            if table.reads[block] >= HOT {
                self.install(table, bytes, of, key, block);
            }
        }
        rest
    }

    /// Most bytes all columns may take: [`PER_ENTITY`] for each node and relationship, and
    /// at least [`FLOOR`].
    pub(super) fn column_budget(&self) -> usize {
        (self.node_count() + self.rel_count()).saturating_mul(PER_ENTITY).max(FLOOR)
    }

    /// Builds the column of a block into its table, if the budget allows.
    fn install(&self, table: &mut Table, bytes: &mut usize, of: Of, key: KeyId, block: usize) -> Option<Arc<Column>> {
        if *bytes >= self.column_budget() || block > u32::MAX as usize {
            return None;
        }
        let col = Arc::new(self.build_column(of, key, block as u64));
        *bytes += col.bytes();
        if table.blocks.len() <= block {
            table.blocks.resize(block + 1, None);
        }
        table.blocks[block] = Some(col.clone());
        Some(col)
    }

    fn build_column(&self, of: Of, key: KeyId, block: u64) -> Column {
        let mut col = Column {
            cells: Vec::with_capacity(BLOCK as usize),
            strs: Vec::new(),
            text: String::new(),
            ends: Vec::new(),
            others: Vec::new(),
        };
        let mut strs: HashMap<Arc<str>, u32, ahash::RandomState> = HashMap::default();
        let first = block << BLOCK_BITS;
        for id in first..first + BLOCK {
            let v = match of {
                Of::Nodes => self.node(NodeId(id)).map(|n| self.node_props.get(n.props, key)),
                Of::Rels => self.rel(RelId(id)).map(|r| self.r().props.get(r.props, key)),
            };
            let cell = match v {
                None => Cell::Missing,
                Some(None) => Cell::Null,
                Some(Some(Value::Int(i))) => Cell::Int(i),
                Some(Some(Value::Float(f))) => Cell::Float(f),
                Some(Some(Value::String(s))) => {
                    let next = strs.len() as u32;
                    let at = *strs.entry(s.clone()).or_insert(next);
                    if at == next {
                        // Kept in order while their offsets fit (the rest are read from `strs`).
                        if col.ends.len() == col.strs.len() && col.text.len() + s.len() <= u32::MAX as usize {
                            col.text.push_str(&s);
                            col.ends.push(col.text.len() as u32);
                        }
                        col.strs.push(s);
                    }
                    Cell::Str(at)
                }
                Some(Some(other)) => {
                    col.others.push(other);
                    Cell::Other(col.others.len() as u32 - 1)
                }
            };
            col.cells.push(cell);
        }
        col
    }
}

/// One property of many nodes (or of many relationships) read one after another (a scan's
/// checks, a filter on an expansion's relationships): from a column where the store has one
/// or the reads make one, else from the entities. Holds the column of the block
/// it is in, so that a read takes no lock.
pub struct PropReader<'g> {
    src: Source<'g>,
    of: Of,
    key: KeyId,
    /// By block: its column once there is one, and the reads made without it.
    blocks: Vec<Block>,
}

/// Where a reader reads: this store, with its columns, or any other graph, entity by entity.
#[derive(Clone, Copy)]
enum Source<'g> {
    Columns(&'g Graph),
    Plain(&'g dyn GraphRead),
}

impl Graph {
    /// A reader of the nodes' property `key`.
    pub fn node_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        PropReader::new(Source::Columns(self), Of::Nodes, key)
    }

    /// A reader of the relationships' property `key`.
    pub fn rel_prop_reader(&self, key: KeyId) -> PropReader<'_> {
        PropReader::new(Source::Columns(self), Of::Rels, key)
    }

    /// The column of a block if built; with `hot` it is built now (budget and statement
    /// allowing).
    fn column_of(&self, of: Of, key: KeyId, block: u64, hot: bool) -> Option<Arc<Column>> {
        if !self.journal.is_empty() || key.index() >= self.keys.len() {
            return None;
        }
        let mut cols = self.columns.0.lock().ok()?;
        let Columns { tables, bytes } = &mut *cols;
        let table = tables.entry((of, key)).or_default();
        let b = usize::try_from(block).ok()?;
        if let Some(Some(c)) = table.blocks.get(b) {
            return Some(c.clone());
        }
        if !hot {
            return None;
        }
        self.install(table, bytes, of, key, b)
    }
}

impl<'g> PropReader<'g> {
    fn new(src: Source<'g>, of: Of, key: KeyId) -> PropReader<'g> {
        PropReader { src, of, key, blocks: Vec::new() }
    }

    /// A reader that asks `g` node by node (a graph without columns).
    pub fn plain(g: &'g dyn GraphRead, key: KeyId) -> PropReader<'g> {
        PropReader::new(Source::Plain(g), Of::Nodes, key)
    }

    /// A reader that asks `g` relationship by relationship (a graph without columns).
    pub fn plain_rels(g: &'g dyn GraphRead, key: KeyId) -> PropReader<'g> {
        PropReader::new(Source::Plain(g), Of::Rels, key)
    }

    /// The entity's value: `None` if it lacks the property (or does not exist).
    pub fn get(&mut self, id: u64) -> Option<Value> {
        self.lookup(id).flatten()
    }

    /// The entity's value: `None` if there is no such entity, `Some(None)` if it lacks the
    /// property.
    pub fn lookup(&mut self, id: u64) -> Option<Option<Value>> {
        if let Some(c) = self.column(id) {
            return c.get(in_block(id)).map(|v| Some(v).filter(|v| !v.is_null()));
        }
        self.lookup_in_list(id)
    }

    /// [`PropReader::lookup`] as a [`Scalar`]: a number a column holds is read where it lies,
    /// without making a `Value` (an aggregate of a property of each of millions of matches).
    pub fn scalar(&mut self, id: u64) -> Option<Scalar> {
        if let Some(c) = self.column(id) {
            return c.scalar(in_block(id));
        }
        self.lookup_in_list(id).map(|v| v.map_or(Scalar::Null, Scalar::of))
    }

    /// The entity's value read from its property list, with no column.
    fn lookup_in_list(&self, id: u64) -> Option<Option<Value>> {
        match (self.src, self.of) {
            (Source::Columns(g), Of::Nodes) => g.node(NodeId(id)).map(|n| g.node_props.get(n.props, self.key)),
            (Source::Columns(g), Of::Rels) => g.rel(RelId(id)).map(|r| g.r().props.get(r.props, self.key)),
            (Source::Plain(g), Of::Nodes) => g.node_exists(NodeId(id)).then(|| g.node_prop(NodeId(id), self.key)),
            (Source::Plain(g), Of::Rels) => g.rel_exists(RelId(id)).then(|| g.rel_prop(RelId(id), self.key)),
        }
    }

    /// Asks for the memory of the entity's value ahead of its read, where a column already
    /// holds it (a prefetch: nothing waits for it), so that the read that follows finds the
    /// value in cache. Counts nothing, builds nothing.
    pub fn touch(&self, id: u64) {
        let Ok(b) = usize::try_from(id >> BLOCK_BITS) else { return };
        if let Some(cell) = self.blocks.get(b).and_then(|b| b.col.as_deref()).and_then(|c| c.cells.get(in_block(id))) {
            mem_prefetch::prefetch_read_data::<_, 3>(cell);
        }
    }

    /// `test` of the entity's value if it is a string, read where it lies when a column holds
    /// it: `None` if there is no such entity, `Some(None)` if the value is not a string (or
    /// there is none).
    pub fn test_str(&mut self, id: u64, test: impl FnOnce(&str) -> bool) -> Option<Option<bool>> {
        if let Some(c) = self.column(id) {
            return c.test_str(in_block(id), test);
        }
        Some(match self.lookup(id)? {
            Some(Value::String(s)) => Some(test(&s)),
            _ => None,
        })
    }

    /// `test` of the entity's value if it is an integer, read where a column holds it, with no
    /// value made: `Some(None)` if it has none (the comparison is null), `None` when the plain
    /// road must answer (no column, no such entity, a value of another type).
    pub fn test_int(&mut self, id: u64, test: impl FnOnce(i64) -> bool) -> Option<Option<bool>> {
        self.column(id)?.test_int(in_block(id), test)
    }

    /// Whether the entity's value equals `v` (Cypher's `=` is true), compared where it lies.
    /// A text is compared in the entity's list unless a column is there already: a scan that
    /// looks for one name reads each list once, in order, where a column would first make a
    /// value of every name (and the next lookup by name is an index's).
    pub fn equals(&mut self, id: u64, v: &Value) -> bool {
        let (key, of) = (self.key, self.of);
        let col = if matches!(v, Value::String(_)) { self.column_built(id) } else { self.column(id) };
        if let Some(c) = col {
            return c.equals(in_block(id), v);
        }
        match (self.src, of) {
            (Source::Columns(g), Of::Nodes) => g.node_prop_equals(NodeId(id), key, v),
            (Source::Columns(g), Of::Rels) => g.rel_prop_equals(RelId(id), key, v),
            (Source::Plain(g), Of::Nodes) => g.node_prop_equals(NodeId(id), key, v),
            (Source::Plain(g), Of::Rels) => g.rel_prop_equals(RelId(id), key, v),
        }
    }

    fn graph(&self) -> Option<&'g Graph> {
        match self.src {
            Source::Columns(g) => Some(g),
            Source::Plain(_) => None,
        }
    }

    /// The column of the id's block if one is built; this read does not count towards one.
    fn column_built(&mut self, id: u64) -> Option<&Column> {
        self.column_counting(id, false)
    }

    /// The column of the id's block, if there is one or this read makes it hot.
    fn column(&mut self, id: u64) -> Option<&Column> {
        self.column_counting(id, true)
    }

    /// The column of the id's block, if there is one, or (when `count`) this read makes it
    /// hot. Each block is asked of the store (under its lock) once, and again when its reads
    /// make it hot: an expansion's relationships come from all over the ids, one block after
    /// another.
    fn column_counting(&mut self, id: u64, count: bool) -> Option<&Column> {
        let g = self.graph()?;
        // An id past any the store has handed out (a made-up one in a parameter) has none.
        let ids = if self.of == Of::Nodes { g.nodes.len() } else { g.r().id_bound() };
        if usize::try_from(id).ok()? >= ids {
            return None;
        }
        let b = usize::try_from(id >> BLOCK_BITS).ok()?;
        if self.blocks.len() <= b {
            self.blocks.resize_with(b + 1, Block::default);
        }
        let (of, key) = (self.of, self.key);
        let block = &mut self.blocks[b];
        if block.col.is_none() {
            if !block.asked {
                block.asked = true;
                block.col = g.column_of(of, key, b as u64, false);
            }
            if block.col.is_none() && count {
                block.misses += 1;
                if block.misses >= HOT {
                    // Once hot, built; if none can be (budget, a statement that wrote), the
                    // count starts again.
                    block.misses = 0;
                    block.col = g.column_of(of, key, b as u64, true);
                }
            }
        }
        block.col.as_deref()
    }
}

/// What a reader knows of one block of ids.
#[derive(Default)]
struct Block {
    col: Option<Arc<Column>>,
    /// The store was asked for the block's column.
    asked: bool,
    /// Reads of the block without a column.
    misses: u32,
}
