//! Logical plans: a pipeline of operators over rows of slots. Variables are resolved to slot
//! numbers at plan time; `Display` prints the tree that `EXPLAIN` shows.

mod build;
mod display;
pub use display::{name_slots, with_note};
mod estimate;
pub mod fuse;
mod passes;
mod rewrite;

pub use build::{build, build_with};

use crate::ast::{BinaryOp, OnError, Quantifier, SubqueryKind};
use crate::error::Span;
use crate::value::Value;

/// A position in a row.
pub type Slot = usize;

/// The optimisations the planner makes. Each returns the same rows as the plan without it (the
/// planner's tests and the `plans` fuzz target run both and compare); [`Passes::ALL`] is what
/// statements get, [`Passes::NONE`] plans a query as written: each pattern starts at its first
/// node, every condition filters after its whole `MATCH`, nothing is read from an index or the
/// store's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Passes {
    /// `v.k = e` in `WHERE` moves into `v`'s pattern, where a scan checks it (and an index can
    /// answer it).
    pub pushdown: bool,
    /// Equalities, ranges and `IN` on an indexed key seek the index instead of scanning.
    pub index_seek: bool,
    /// `id(v) = e` (also ranges and `IN`) seeks nodes by id instead of scanning.
    pub id_seek: bool,
    /// A pattern starts at the node where the estimate expects the fewest rows.
    pub start_point: bool,
    /// Each condition runs as soon as what it reads is bound, not after the whole pattern.
    pub early_filter: bool,
    /// `all(k IN relationships(p) WHERE ...)` over a variable-length pattern's relationships
    /// is checked at each step of the walk (`passes::each_step`).
    pub each_step: bool,
    /// Counts by label or by relationship type are read from the store's counts.
    pub count_store: bool,
    /// An expansion that only a `count` reads counts its matches instead of making rows.
    pub count_expand: bool,
    /// A top-k sort after a projection of property reads sorts by the reads and projects
    /// only the rows it keeps (`rewrite::late_projection`).
    pub late_projection: bool,
    /// A count of two-hop paths multiplies each middle node's degrees
    /// (`rewrite::count_paths`).
    pub count_paths: bool,
}

impl Passes {
    /// Every optimisation.
    pub const ALL: Passes = Passes {
        pushdown: true,
        index_seek: true,
        id_seek: true,
        start_point: true,
        early_filter: true,
        each_step: true,
        count_store: true,
        count_expand: true,
        late_projection: true,
        count_paths: true,
    };
    /// None: the query planned as written.
    pub const NONE: Passes = Passes {
        pushdown: false,
        index_seek: false,
        id_seek: false,
        start_point: false,
        early_filter: false,
        each_step: false,
        count_store: false,
        count_expand: false,
        late_projection: false,
        count_paths: false,
    };

    /// These passes with every optimisation off (`Passes::ALL.without_optimizations()` is
    /// [`Passes::NONE`]).
    pub fn without_optimizations(self) -> Passes {
        Passes::NONE
    }
}

impl Default for Passes {
    fn default() -> Passes {
        Passes::ALL
    }
}

/// A planned statement: one pipeline per single query of a `UNION`.
#[derive(Debug, Clone)]
pub struct Plan {
    /// One pipeline per single query, in source order.
    pub parts: Vec<Pipeline>,
    /// `union_all[i]` joins `parts[i]` and `parts[i + 1]`.
    pub union_all: Vec<bool>,
    /// The names of the result columns.
    pub columns: Vec<String>,
    /// The property keys it reads, each once, numbered by [`Name::n`].
    pub keys: Vec<String>,
    /// The labels its expressions test for, each once, numbered by [`Name::n`].
    pub labels: Vec<String>,
}

/// A name a plan reads in the graph: its text, and its number in the plan's table of such
/// names ([`Plan::keys`], [`Plan::labels`]), so that a run looks each name up once instead of
/// once per row. `T` says which table: [`OfKey`] or [`OfLabel`].
#[derive(Debug)]
pub struct Name<T> {
    /// The name as the query writes it.
    pub name: String,
    /// Its place in the plan's table.
    pub n: u32,
    of: std::marker::PhantomData<T>,
}

/// The table of property keys.
#[derive(Debug)]
pub enum OfKey {}
/// The table of labels.
#[derive(Debug)]
pub enum OfLabel {}

/// A property key the plan reads (`n.key`, `{key: ...}` in a pattern, `n {.key}`).
pub type Key = Name<OfKey>;
/// A label the plan tests for in an expression (`n:Label`).
pub type Label = Name<OfLabel>;

impl<T> Name<T> {
    /// The name numbered `n` in its table.
    pub fn new(name: &str, n: u32) -> Name<T> {
        Name { name: name.to_string(), n, of: std::marker::PhantomData }
    }

    /// The name's text.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl<T> Clone for Name<T> {
    fn clone(&self) -> Name<T> {
        Name::new(&self.name, self.n)
    }
}

impl<T> PartialEq for Name<T> {
    fn eq(&self, other: &Name<T>) -> bool {
        self.n == other.n && self.name == other.name
    }
}

impl<T> std::fmt::Display for Name<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Plan {
    /// Whether running it can change the graph.
    pub fn writes(&self) -> bool {
        self.parts.iter().any(|p| p.ops.iter().any(Op::writes))
    }

    /// Whether it has `CALL { ... } IN TRANSACTIONS`, which runs only in a transaction of its
    /// own (an implicit one), as in Neo4j.
    pub fn in_transactions(&self) -> bool {
        self.parts.iter().any(|p| p.ops.iter().any(|o| matches!(o, Op::SubQuery { batch: Some(_), .. })))
    }
}

/// The error for `CALL { ... } IN TRANSACTIONS` in an explicit transaction.
pub fn in_explicit_transaction() -> crate::error::Error {
    crate::error::Error::runtime(
        crate::error::Kind::TransactionError,
        crate::error::Detail::None,
        "CALL { ... } IN TRANSACTIONS runs only in a transaction of its own: commit or roll back the open \
         transaction first (a driver's session.run(), not a transaction function)",
    )
}

/// The operators of one single query, run in order over rows of `slots` values.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The operators, in the order rows flow through them.
    pub ops: Vec<Op>,
    /// Row width.
    pub slots: usize,
    /// Slots returned, in column order.
    pub output: Vec<Slot>,
    /// The variable each slot holds, by slot (empty, or missing, for an anonymous one): the
    /// plan's text names them as the query did.
    pub names: Vec<String>,
}

/// The direction in which an expansion follows relationships from its bound node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Outgoing relationships: `(a)-->(b)`.
    Out,
    /// Incoming relationships: `(a)<--(b)`.
    In,
    /// Either direction: `(a)--(b)`.
    Both,
}

impl Dir {
    /// The direction seen from the other end.
    pub fn reversed(self) -> Dir {
        match self {
            Dir::Out => Dir::In,
            Dir::In => Dir::Out,
            Dir::Both => Dir::Both,
        }
    }
}

/// Property constraints of a pattern element: `{k: expr}`, or a parameter map.
#[derive(Debug, Clone)]
pub enum PropFilter {
    /// Key and value pairs written in the pattern: `{k: expr, ...}`.
    Pairs(Vec<(Key, Expr)>),
    /// A single expression that gives the whole map, such as a parameter.
    Map(Expr),
}

/// A planned node pattern: the slot it binds and the checks it makes.
#[derive(Debug, Clone)]
pub struct NodeSpec {
    /// The row slot the node is bound to.
    pub slot: Slot,
    /// The labels the node must have.
    pub labels: Vec<String>,
    /// The property constraints, if any.
    pub props: Option<PropFilter>,
    /// Where a scan can use a property index: the label and key (looked up by the equality
    /// value in `props`, or by `ranges`).
    pub index: Option<(String, String)>,
    /// Range conditions on the indexed key pushed down from WHERE (`>`, `>=`, `<`, `<=`, and
    /// `IN` a list); the WHERE filter still runs, the index only narrows the candidates.
    pub ranges: Vec<(BinaryOp, Expr)>,
    /// Conditions on the node's id pushed down from WHERE (`id(n) = e`, `IN`, `<` ...): the
    /// scan reads only those ids (a seek); the WHERE filter still runs.
    pub ids: Vec<(BinaryOp, Expr)>,
}

/// What the planner may ask about the data: which property indexes exist and how many nodes
/// carry a label. The store's side implements it; the plan never sees the store.
pub trait Catalog {
    /// Whether there is a property index on `label.key`.
    fn has_index(&self, label: &str, key: &str) -> bool;
    /// How many nodes carry the label, if known.
    fn label_count(&self, label: &str) -> Option<usize>;
    /// The nodes an equality lookup in the index on `label.key` finds on average, if there is
    /// one.
    fn index_rows(&self, label: &str, key: &str) -> Option<f64> {
        self.has_index(label, key).then_some(1.0)
    }
    /// Relationships of a type (all types for `None`), for estimates.
    fn rel_count(&self, _ty: Option<&str>) -> Option<usize> {
        None
    }
    /// Nodes in the graph, for estimates.
    fn node_count(&self) -> Option<usize> {
        None
    }
    /// The upper bound a variable-length pattern written without one gets (`--max-hops`), so
    /// that `EXPLAIN` shows it; `None` leaves it to the executor's limits.
    fn max_hops(&self) -> Option<u64> {
        None
    }
}

/// A catalog that knows nothing (no indexes, no statistics).
pub struct NoCatalog;

impl Catalog for NoCatalog {
    fn has_index(&self, _: &str, _: &str) -> bool {
        false
    }
    fn label_count(&self, _: &str) -> Option<usize> {
        None
    }
}

/// A planned relationship pattern: the slot it binds and the checks it makes.
#[derive(Debug, Clone)]
pub struct RelSpec {
    /// The row slot the relationship (or relationship list) is bound to.
    pub slot: Slot,
    /// The allowed relationship types (any type when empty).
    pub types: Vec<String>,
    /// The direction to follow from the bound node.
    pub dir: Dir,
    /// The property constraints, if any.
    pub props: Option<PropFilter>,
    /// `Some((min, max))` for variable length (`max` None: unbounded).
    pub var_len: Option<(u64, Option<u64>)>,
    /// For a variable-length pattern without an upper bound: the `--max-hops` cap that applies
    /// (a longer path raises `ResourceLimit`). `None`: the executor's current limit.
    pub cap: Option<u64>,
    /// Planned against the pattern's direction: the relationship list is reversed so it reads
    /// in pattern order.
    pub backwards: bool,
    /// A condition each relationship of a variable-length pattern must meet, with the slot it
    /// reads the relationship from: `all(k IN relationships(p) WHERE k.since > 2005)` checked
    /// at every step, so that a walk stops where the condition fails (`passes::each_step`).
    pub each: Option<(Slot, Box<Expr>)>,
}

/// One aggregate computation.
#[derive(Debug, Clone)]
pub struct Agg {
    /// Which aggregate function to compute.
    pub func: AggFunc,
    /// Whether the function counts each distinct argument value once (`DISTINCT`).
    pub distinct: bool,
    /// The argument expressions, evaluated per input row (none for `count(*)`).
    pub args: Vec<Expr>,
    /// The row slot the result is written to.
    pub slot: Slot,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// `count(*)`: counts rows.
    CountStar,
    /// `count(x)`: counts non-null values.
    Count,
    /// `sum(x)`.
    Sum,
    /// `avg(x)`.
    Avg,
    /// `min(x)`.
    Min,
    /// `max(x)`.
    Max,
    /// `collect(x)`: the non-null values as a list.
    Collect,
    /// `stDev(x)`: the sample standard deviation.
    StDev,
    /// `stDevP(x)`: the population standard deviation.
    StDevP,
    /// `percentileCont(x, p)`: the percentile, interpolating between values.
    PercentileCont,
    /// `percentileDisc(x, p)`: the percentile, rounded to a value in the input.
    PercentileDisc,
}

impl AggFunc {
    /// The aggregate function with this name (any case), if it is one; `count(*)` is not looked up
    /// here.
    pub fn from_name(name: &str) -> Option<AggFunc> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggFunc::Count,
            "sum" => AggFunc::Sum,
            "avg" => AggFunc::Avg,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            "collect" => AggFunc::Collect,
            "stdev" => AggFunc::StDev,
            "stdevp" => AggFunc::StDevP,
            "percentilecont" => AggFunc::PercentileCont,
            "percentiledisc" => AggFunc::PercentileDisc,
            _ => return None,
        })
    }
}

/// What a `CREATE` or `MERGE` makes for one pattern part.
#[derive(Debug, Clone)]
pub struct CreatePart {
    /// The nodes of the part, in pattern order.
    pub nodes: Vec<CreateNode>,
    /// `(rel, index of start node, index of end node)` into `nodes`.
    pub rels: Vec<CreateRel>,
    /// The row slot a path variable (`p = ...`) is bound to, if any.
    pub path: Option<Slot>,
}

/// A node that a `CREATE` or `MERGE` makes (or reuses, when already bound).
#[derive(Debug, Clone)]
pub struct CreateNode {
    /// The row slot the node is bound to.
    pub slot: Slot,
    /// Already bound: used, not created.
    pub bound: bool,
    /// The labels to give a created node.
    pub labels: Vec<String>,
    /// The property map to give a created node, if any.
    pub props: Option<Expr>,
}

/// A relationship that a `CREATE` or `MERGE` makes.
#[derive(Debug, Clone)]
pub struct CreateRel {
    /// The row slot the relationship is bound to.
    pub slot: Slot,
    /// The relationship type.
    pub ty: String,
    /// The index in the part's `nodes` of the start node.
    pub start: usize,
    /// The index in the part's `nodes` of the end node.
    pub end: usize,
    /// The property map to give the relationship, if any.
    pub props: Option<Expr>,
}

/// One change made by `SET`, `REMOVE` or `MERGE`'s `ON CREATE SET` / `ON MATCH SET`.
#[derive(Debug, Clone)]
pub enum SetOp {
    /// `SET target.key = value`.
    Prop {
        /// The node or relationship expression.
        target: Expr,
        /// The property key.
        key: String,
        /// The new value (null removes the property).
        value: Expr,
    },
    /// `SET n = {map}`: replaces all properties.
    Replace {
        /// The slot of the node or relationship.
        slot: Slot,
        /// The map that replaces all its properties.
        value: Expr,
    },
    /// `SET n += {map}`: adds or overwrites properties.
    Merge {
        /// The slot of the node or relationship.
        slot: Slot,
        /// The map whose entries are added or overwritten.
        value: Expr,
    },
    /// `SET n:A:B`: adds labels.
    Labels {
        /// The slot of the node.
        slot: Slot,
        /// The labels to add.
        labels: Vec<String>,
    },
    /// `REMOVE target.key`.
    RemoveProp {
        /// The node or relationship expression.
        target: Expr,
        /// The property key.
        key: String,
    },
    /// `REMOVE n:A:B`.
    RemoveLabels {
        /// The slot of the node.
        slot: Slot,
        /// The labels to remove.
        labels: Vec<String>,
    },
}

/// One operator of a pipeline. An expansion is the largest by far (its pattern's node and
/// relationship inline); a plan holds a few operators, built once per statement, so boxing it
/// would buy nothing.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Op {
    /// Every node (with the labels and properties), bound to `node.slot`.
    NodeScan {
        /// The node to bind.
        node: NodeSpec,
    },
    /// Keep rows whose bound node matches labels and properties.
    NodeCheck {
        /// The bound node to check.
        node: NodeSpec,
    },
    /// Follow relationships from a bound node. `to_bound`: the far node is already bound and
    /// must equal it. `rel_bound`: the relationship is already bound. `distinct_from`: slots of
    /// relationships (or relationship lists) matched earlier in the same pattern, which the new
    /// ones must differ from.
    Expand {
        /// The slot of the bound node to start from.
        from: Slot,
        /// The relationship to follow.
        rel: RelSpec,
        /// The node at the far end.
        to: NodeSpec,
        /// Whether the far node is already bound.
        to_bound: bool,
        /// Whether the relationship is already bound.
        rel_bound: bool,
        /// Slots of relationships matched earlier in the pattern, which the new ones must differ
        /// from.
        distinct_from: Vec<Slot>,
        /// Count only: each input row comes out once, with the number of its matches in this
        /// slot (and not at all without one), for a `count(*)` that follows (see `rewrite`).
        count: Option<Slot>,
        /// With `count`: aggregates of the matches' properties (minimum, maximum, sum), each
        /// computed over one input row's matches into its slot, for an aggregation that
        /// merges them (see `rewrite::count_expand`).
        partial: Vec<Agg>,
        /// With `count`: the conditions each match must meet to be counted (and aggregated), the
        /// filters that stood between this hop and its aggregation, checked per match with its
        /// relationship and far node bound, in the order the filters would have met them.
        checks: Vec<Expr>,
        /// The next operator is a counting expansion from this one's far node, and nothing after
        /// it reads this one's relationship or far node: pushed, it counts the next hop for each
        /// of its matches and passes each input row on once, with the sum (see `rewrite`).
        fold: bool,
    },
    /// Shortest path(s) between two bound nodes.
    ShortestPath {
        /// The slot of the start node.
        from: Slot,
        /// The slot of the end node.
        to: Slot,
        /// The relationships the path may use, with the length bounds.
        rel: RelSpec,
        /// The slot the path is bound to, if the pattern names it.
        path: Option<Slot>,
        /// Whether to find every shortest path (`allShortestPaths`) rather than one.
        all: bool,
    },
    /// Assemble a path value from the pattern's node and relationship slots.
    BuildPath {
        /// The slot the path is bound to.
        slot: Slot,
        /// The slot of the path's first node.
        start: Slot,
        /// Each step as `(relationship slot, next node slot)`, in path order.
        steps: Vec<(Slot, Slot)>,
    },
    /// Keeps the rows for which the predicate is true.
    Filter {
        /// The condition to test.
        predicate: Expr,
    },
    /// Run `ops` per row; rows with no result keep the row with `nulls` set to null.
    Optional {
        /// The operators to run for each row.
        ops: Vec<Op>,
        /// The slots bound inside `ops`, set to null when there is no match.
        nulls: Vec<Slot>,
    },
    /// Makes one row per element of a list, with the element in `slot`.
    Unwind {
        /// The list expression.
        expr: Expr,
        /// The slot each element is bound to.
        slot: Slot,
    },
    /// Evaluates expressions into slots (`WITH` and `RETURN` items).
    Project {
        /// Each expression with the slot its value goes to.
        items: Vec<(Expr, Slot)>,
    },
    /// Groups rows by the keys and computes the aggregates per group.
    Aggregate {
        /// The grouping expressions, each with the slot its value goes to.
        keys: Vec<(Expr, Slot)>,
        /// The aggregates to compute.
        aggs: Vec<Agg>,
    },
    /// Drops rows whose values in the given slots repeat an earlier row's.
    Distinct {
        /// The slots that must differ.
        slots: Vec<Slot>,
    },
    /// Orders rows by the keys (`ORDER BY`).
    Sort {
        /// Each sort expression with whether it sorts descending.
        keys: Vec<(Expr, bool)>,
        /// `(SKIP, LIMIT)` that follow: only the first SKIP + LIMIT rows are needed, so the
        /// sort selects them before ordering them (a top-k).
        top: Option<(Option<Expr>, Expr)>,
        /// No key can fail, so a top-k sort evaluates a row's keys one at a time and stops at
        /// the first that puts the row behind the rows kept (see `rewrite::late_projection`).
        lazy: bool,
    },
    /// Drops the first `count` rows.
    Skip {
        /// How many rows to drop.
        count: Expr,
    },
    /// Passes at most `count` rows.
    Limit {
        /// How many rows to pass.
        count: Expr,
    },
    /// `CREATE`: makes the pattern parts once per row.
    Create {
        /// The pattern parts to create.
        parts: Vec<CreatePart>,
        /// Where the clause is written.
        span: Span,
    },
    /// `MERGE`: matches the pattern, or creates it when there is no match.
    Merge {
        /// What to create when there is no match.
        part: CreatePart,
        /// The operators that look for the pattern.
        matcher: Vec<Op>,
        /// The changes made when the pattern was created.
        on_create: Vec<SetOp>,
        /// The changes made when the pattern was found.
        on_match: Vec<SetOp>,
        /// Where the clause is written.
        span: Span,
    },
    /// `SET` or `REMOVE`: applies the changes once per row.
    Set {
        /// The changes, in order.
        ops: Vec<SetOp>,
        /// Where the clause is written.
        span: Span,
    },
    /// `[DETACH] DELETE`: deletes the nodes, relationships or paths the expressions give.
    Delete {
        /// What to delete.
        exprs: Vec<Expr>,
        /// Whether to delete a node's relationships with it (`DETACH DELETE`).
        detach: bool,
        /// Where the clause is written.
        span: Span,
    },
    /// `CALL`: runs a procedure once per row.
    Call {
        /// The procedure's canonical name.
        name: String,
        /// The argument expressions.
        args: Vec<Expr>,
        /// Each output field kept, with the slot it goes to.
        yields: Vec<(String, Slot)>,
    },
    /// `CALL { ... }`: runs the subquery once per row; each row it returns is the outer row
    /// with the returned values in `columns` (a subquery that returns nothing passes the row on
    /// once).
    SubQuery {
        /// The subquery.
        sub: SubPlan,
        /// The outer slots the returned columns go to, in column order.
        columns: Vec<Slot>,
        /// `IN TRANSACTIONS`: the rows run in batches.
        batch: Option<Batching>,
        /// `OPTIONAL CALL`: a row the subquery returns nothing for comes out once, with nulls.
        optional: bool,
    },
    /// `FOREACH (x IN list | ...)`: runs the updates once per element of the list, with the
    /// element in `slot`; passes each row on unchanged.
    Foreach {
        /// The slot the element is bound to.
        slot: Slot,
        /// The list.
        list: Expr,
        /// The update operators.
        ops: Vec<Op>,
    },
    /// `LOAD CSV`: one row per record of the file, bound to `slot` (a list of strings, or a map
    /// by the header line's names with `WITH HEADERS`).
    LoadCsv {
        /// The file's URL or path.
        from: Expr,
        /// The slot each record is bound to.
        slot: Slot,
        /// `WITH HEADERS`.
        headers: bool,
        /// The field separator.
        terminator: u8,
        /// Where the clause is written.
        span: Span,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The index's name, if one was given.
        name: Option<String>,
        /// The label whose nodes the index covers.
        label: String,
        /// The indexed property keys.
        keys: Vec<String>,
        /// An index already there is not an error.
        if_not_exists: bool,
        /// A full-text index: over relationships or nodes, of these labels or types.
        fulltext: Option<(bool, Vec<String>)>,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The name of the index to drop.
        name: String,
        /// No index of that name is not an error.
        if_exists: bool,
    },
    /// `CREATE CONSTRAINT`.
    CreateConstraint(crate::ast::ConstraintDef),
    /// `DROP CONSTRAINT`.
    DropConstraint {
        /// The constraint's name.
        name: String,
        /// No constraint of that name is not an error.
        if_exists: bool,
    },
    /// `SHOW CONSTRAINTS`, `SHOW PROCEDURES`, `SHOW FUNCTIONS`: one row per thing shown.
    Show {
        /// What is shown.
        what: crate::ast::Shown,
        /// The slots of the output columns ([`show_columns`]).
        slots: Vec<Slot>,
    },
    /// `SHOW INDEXES`: one row per index.
    ShowIndexes {
        /// The slots of the output columns (name, label, properties, entries).
        slots: Vec<Slot>,
        /// Only the full-text indexes.
        fulltext: bool,
    },
    /// Counts the store keeps instead of a match and an aggregation (see `count_store`):
    /// `count(*)` of the nodes with a label, or of the relationships of some types, one row
    /// per type when grouped by `type(r)` (into `key`).
    CountStore {
        /// What to count.
        what: Counted,
        /// The slot the relationship type goes to, when counts are grouped by `type(r)`.
        key: Option<Slot>,
        /// The slots each count is written to.
        counts: Vec<Slot>,
    },
}

/// A subquery planned inside its outer query: its pipelines work on the outer row (imported
/// variables are the outer slots) and are joined by `UNION` like a statement's.
#[derive(Debug, Clone)]
pub struct SubPlan {
    /// One pipeline per single query; `output` holds the slots it returns.
    pub parts: Vec<Pipeline>,
    /// `union_all[i]` joins `parts[i]` and `parts[i + 1]`.
    pub union_all: Vec<bool>,
}

impl SubPlan {
    /// Whether it can change the graph.
    pub fn writes(&self) -> bool {
        self.parts.iter().any(|p| p.ops.iter().any(Op::writes))
    }

    /// Whether rows repeated across its parts are dropped (a plain `UNION`).
    pub fn distinct(&self) -> bool {
        self.parts.len() > 1 && !self.union_all.iter().all(|a| *a)
    }
}

/// How `CALL { ... } IN TRANSACTIONS` runs its rows.
#[derive(Debug, Clone)]
pub struct Batching {
    /// Rows per batch (`OF n ROWS`; 1000 when not written).
    pub rows: Option<Expr>,
    /// What a failed batch does.
    pub on_error: OnError,
    /// The slot of `REPORT STATUS AS s`.
    pub report: Option<Slot>,
}

/// The columns of `SHOW INDEXES`, as Neo4j names them (silkgraph's `entries` stands where
/// Neo4j counts reads: how many nodes the index holds).
pub const INDEX_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "state",
    "populationPercent",
    "type",
    "entityType",
    "labelsOrTypes",
    "properties",
    "indexProvider",
    "owningConstraint",
    "lastRead",
    "entries",
];

/// The columns a `SHOW` command gives, as Neo4j names them.
pub fn show_columns(what: crate::ast::Shown) -> &'static [&'static str] {
    match what {
        crate::ast::Shown::Constraints => {
            &["id", "name", "type", "entityType", "labelsOrTypes", "properties", "ownedIndex", "propertyType"]
        }
        crate::ast::Shown::Procedures => &["name", "description", "mode", "worksOnSystem"],
        crate::ast::Shown::Functions => &["name", "category", "description"],
    }
}

/// What a [`Op::CountStore`] counts.
#[derive(Debug, Clone)]
pub enum Counted {
    /// Nodes, with the label if given.
    Nodes(Option<String>),
    /// Relationships of these types (all if none).
    Rels(Vec<String>),
    /// Paths of two hops, counted through their middle nodes from the degrees of each (see
    /// `rewrite::count_paths`).
    Paths(Box<TwoHops>),
}

/// `(a:La)-[:T1]-(b:Lb)-[:T2]-(c:Lc)` with directed hops of one type each, seen from the middle
/// node `b`: a path is a relationship of the first side and one of the second, both at `b`.
#[derive(Debug, Clone)]
pub struct TwoHops {
    /// The middle node's labels.
    pub middle: Vec<String>,
    /// The hops from the middle node: the type, the direction (from `b`) and the far node's
    /// labels; the first leads back to `a`, the second on to `c`.
    pub sides: [(String, Dir, Vec<String>); 2],
    /// The two relationships must differ (one pattern), so a relationship that can be both is
    /// not a path.
    pub unique: bool,
}

impl Op {
    /// Whether the operator can change the graph.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Op::Create { .. }
                | Op::Merge { .. }
                | Op::Set { .. }
                | Op::Delete { .. }
                | Op::CreateIndex { .. }
                | Op::DropIndex { .. }
                | Op::CreateConstraint(_)
                | Op::DropConstraint { .. }
                | Op::Foreach { .. }
        ) || matches!(self, Op::Call { name, .. } if crate::plan::procedure_writes(name))
            || matches!(self, Op::SubQuery { sub, batch, .. } if batch.is_some() || sub.writes())
    }
}

/// The row slots an expression reads (conservatively: every slot it mentions).
pub(crate) fn expr_slots(e: &Expr, out: &mut Vec<Slot>) {
    match e {
        Expr::Slot(s) => out.push(*s),
        Expr::Const(_) | Expr::Param(..) => {}
        Expr::Prop(x, ..) | Expr::Not(x, _) | Expr::Neg(x, _) | Expr::IsNull(x, _) | Expr::HasLabels(x, ..) => {
            expr_slots(x, out)
        }
        Expr::List(xs) | Expr::Func(_, xs, _) => xs.iter().for_each(|x| expr_slots(x, out)),
        Expr::Map(kv) => kv.iter().for_each(|(_, x)| expr_slots(x, out)),
        Expr::Binary(_, a, b, _) | Expr::Index(a, b, _) => {
            expr_slots(a, out);
            expr_slots(b, out)
        }
        Expr::Slice(a, b, c, _) => {
            expr_slots(a, out);
            b.iter().chain(c.iter()).for_each(|x| expr_slots(x, out))
        }
        Expr::Case { operand, whens, else_ } => {
            operand.iter().chain(else_.iter()).for_each(|x| expr_slots(x, out));
            whens.iter().for_each(|(a, b)| {
                expr_slots(a, out);
                expr_slots(b, out)
            })
        }
        Expr::ListComp { slot, list, pred, proj } => {
            expr_slots(list, out);
            let mut inner = Vec::new();
            pred.iter().chain(proj.iter()).for_each(|x| expr_slots(x, &mut inner));
            out.extend(inner.into_iter().filter(|s| s != slot));
        }
        Expr::Quantified { slot, list, pred, .. } => {
            expr_slots(list, out);
            let mut inner = Vec::new();
            expr_slots(pred, &mut inner);
            out.extend(inner.into_iter().filter(|s| s != slot));
        }
        // Sub-plans and reductions read whatever they like: run them last.
        Expr::Reduce { .. } | Expr::Exists(_) | Expr::PatternComp(..) | Expr::MapProj(..) | Expr::Sub(..) => {
            out.push(usize::MAX)
        }
    }
}

/// The row slots an expression reads, if they can be known (a sub-plan or a reduction may
/// read any).
pub fn expr_reads(e: &Expr) -> Option<Vec<Slot>> {
    let mut out = Vec::new();
    expr_slots(e, &mut out);
    (!out.contains(&usize::MAX)).then_some(out)
}

/// Whether operators read nothing of the graph: only unwinding, projecting, filtering,
/// skipping, limiting and `DISTINCT`, over expressions with no pattern, sub-query, reduction or
/// map projection in them. Run first in a pipeline (where no node or relationship is bound),
/// such operators give the same rows whatever the graph holds, so a write after them may run
/// while they go on making rows. `LOAD CSV` reads a file, not the graph.
pub fn reads_no_graph(ops: &[Op]) -> bool {
    let pure = |e: &Expr| expr_reads(e).is_some();
    ops.iter().all(|op| match op {
        Op::Unwind { expr, .. } | Op::Filter { predicate: expr } => pure(expr),
        Op::Skip { count } | Op::Limit { count } => pure(count),
        Op::Project { items } => items.iter().all(|(e, _)| pure(e)),
        Op::Distinct { .. } => true,
        Op::LoadCsv { from, .. } => pure(from),
        _ => false,
    })
}

impl Op {
    /// Where a clause that writes or reads a file is written: where its errors point.
    pub fn clause_span(&self) -> Option<Span> {
        match self {
            Op::Create { span, .. }
            | Op::Merge { span, .. }
            | Op::Set { span, .. }
            | Op::Delete { span, .. }
            | Op::LoadCsv { span, .. } => Some(*span),
            _ => None,
        }
    }
}

impl Expr {
    /// Where the expression is written, for the kinds whose evaluation can fail on their own.
    pub fn span(&self) -> Option<Span> {
        match self {
            Expr::Param(_, s)
            | Expr::Prop(_, _, s)
            | Expr::Not(_, s)
            | Expr::Neg(_, s)
            | Expr::Binary(_, _, _, s)
            | Expr::HasLabels(_, _, s)
            | Expr::Index(_, _, s)
            | Expr::Slice(_, _, _, s)
            | Expr::Func(_, _, s) => Some(*s),
            _ => None,
        }
    }

    /// Whether a reduction's step is `acc + x` where `x` does not read the accumulator `acc`.
    pub fn reduce_appends(acc: Slot, step: &Expr) -> bool {
        match step {
            Expr::Binary(BinaryOp::Add, a, b, _) if matches!(**a, Expr::Slot(s) if s == acc) => {
                expr_reads(b).is_some_and(|reads| !reads.contains(&acc))
            }
            _ => false,
        }
    }
}

/// Whether calling the named procedure can change the graph (none can yet).
pub fn procedure_writes(_name: &str) -> bool {
    false
}

/// Planned expressions: like the AST's, with variables resolved to slots.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A constant value.
    Const(Value),
    /// `$name`: a query parameter, and where it is written.
    Param(String, Span),
    /// The value in a row slot.
    Slot(Slot),
    /// `expr.key`, and where it is written.
    Prop(Box<Expr>, Key, Span),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{key: expr, ...}`.
    Map(Vec<(String, Expr)>),
    /// `NOT x`, and where it is written.
    Not(Box<Expr>, Span),
    /// `-x`, and where it is written.
    Neg(Box<Expr>, Span),
    /// An infix operator applied to two operands, and where it is written.
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
    /// `x IS NULL`, or `x IS NOT NULL` when the flag is true.
    IsNull(Box<Expr>, bool),
    /// `x:Label:Other`, and where it is written.
    HasLabels(Box<Expr>, Vec<Label>, Span),
    /// `list[index]` (or `map[key]`), and where it is written.
    Index(Box<Expr>, Box<Expr>, Span),
    /// `list[from..to]`, and where it is written.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>, Span),
    /// A function call, resolved in the catalogue, and where it is written.
    Func(crate::catalog::functions::FuncId, Vec<Expr>, Span),
    /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
    Case {
        /// The expression compared against each `WHEN` (the simple form), or `None` for the generic
        /// form.
        operand: Option<Box<Expr>>,
        /// The `WHEN` / `THEN` pairs, in order.
        whens: Vec<(Expr, Expr)>,
        /// The `ELSE` expression, if any.
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE p | e]`, the element bound to `slot`.
    ListComp {
        /// The slot the element is bound to.
        slot: Slot,
        /// The list to iterate over.
        list: Box<Expr>,
        /// The `WHERE` filter, if any.
        pred: Option<Box<Expr>>,
        /// The `|` projection, if any.
        proj: Option<Box<Expr>>,
    },
    /// `all(x IN list WHERE p)` and friends, the element bound to `slot`.
    Quantified {
        /// Which quantifier (`all`, `any`, `none` or `single`).
        q: Quantifier,
        /// The slot the element is bound to.
        slot: Slot,
        /// The list to test.
        list: Box<Expr>,
        /// The predicate (`true` when none was written).
        pred: Box<Expr>,
    },
    /// `reduce(acc = init, x IN list | expr)`.
    Reduce {
        /// The slot the accumulator is bound to.
        acc: Slot,
        /// The accumulator's initial value.
        init: Box<Expr>,
        /// The slot the element is bound to.
        slot: Slot,
        /// The list to fold over.
        list: Box<Expr>,
        /// The expression giving the next accumulator value.
        expr: Box<Expr>,
        /// Whether `expr` is `acc + x` with an `x` that does not read the accumulator: the
        /// accumulator can then be taken out of the row and added to in place (see
        /// [`Expr::reduce_appends`]).
        appends: bool,
    },
    /// Whether the sub-plan yields a row for this row.
    Exists(Vec<Op>),
    /// The list of `proj` over the sub-plan's rows.
    PatternComp(Vec<Op>, Box<Expr>),
    /// `EXISTS { ... }`, `COUNT { ... }` or `COLLECT { ... }` over a full subquery.
    Sub(SubqueryKind, Box<SubPlan>),
    /// `v {.k, k: e, .*}`
    MapProj(Box<Expr>, Vec<MapProjItem>),
}

/// One entry of a planned map projection.
#[derive(Debug, Clone)]
pub enum MapProjItem {
    /// `.key`.
    Prop(Key),
    /// `key: expr` (a variable entry `v` becomes `v: v`).
    Entry(String, Expr),
    /// `.*`.
    All,
}
