//! Logical plans: a pipeline of operators over rows of slots. Variables are resolved to slot
//! numbers at plan time; `Display` prints the tree that `EXPLAIN` shows.

mod build;
mod display;
mod estimate;
mod rewrite;

pub use build::build;

use crate::ast::{BinaryOp, Quantifier};
use crate::value::Value;

/// A position in a row.
pub type Slot = usize;

/// A planned statement: one pipeline per single query of a `UNION`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub parts: Vec<Pipeline>,
    /// `union_all[i]` joins `parts[i]` and `parts[i + 1]`.
    pub union_all: Vec<bool>,
    pub columns: Vec<String>,
}

impl Plan {
    /// Whether running it can change the graph.
    pub fn writes(&self) -> bool {
        self.parts.iter().any(|p| p.ops.iter().any(Op::writes))
    }
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub ops: Vec<Op>,
    /// Row width.
    pub slots: usize,
    /// Slots returned, in column order.
    pub output: Vec<Slot>,
}

/// What a row slot holds, as far as the planner knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Node,
    Rel,
    /// The relationship list of a variable-length pattern.
    RelList,
    Path,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Out,
    In,
    Both,
}

/// Property constraints of a pattern element: `{k: expr}`, or a parameter map.
#[derive(Debug, Clone)]
pub enum PropFilter {
    Pairs(Vec<(String, Expr)>),
    Map(Expr),
}

#[derive(Debug, Clone)]
pub struct NodeSpec {
    pub slot: Slot,
    pub labels: Vec<String>,
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
    fn has_index(&self, label: &str, key: &str) -> bool;
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

#[derive(Debug, Clone)]
pub struct RelSpec {
    pub slot: Slot,
    pub types: Vec<String>,
    pub dir: Dir,
    pub props: Option<PropFilter>,
    /// `Some((min, max))` for variable length (`max` None: unbounded).
    pub var_len: Option<(u64, Option<u64>)>,
    /// For a variable-length pattern without an upper bound: the `--max-hops` cap that applies
    /// (a longer path raises `ResourceLimit`). `None`: the executor's current limit.
    pub cap: Option<u64>,
    /// Planned against the pattern's direction: the relationship list is reversed so it reads
    /// in pattern order.
    pub backwards: bool,
}

/// One aggregate computation.
#[derive(Debug, Clone)]
pub struct Agg {
    pub func: AggFunc,
    pub distinct: bool,
    pub args: Vec<Expr>,
    pub slot: Slot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
    StDev,
    StDevP,
    PercentileCont,
    PercentileDisc,
}

impl AggFunc {
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
    pub nodes: Vec<CreateNode>,
    /// `(rel, index of start node, index of end node)` into `nodes`.
    pub rels: Vec<CreateRel>,
    pub path: Option<Slot>,
}

#[derive(Debug, Clone)]
pub struct CreateNode {
    pub slot: Slot,
    /// Already bound: used, not created.
    pub bound: bool,
    pub labels: Vec<String>,
    pub props: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct CreateRel {
    pub slot: Slot,
    pub ty: String,
    pub start: usize,
    pub end: usize,
    pub props: Option<Expr>,
}

#[derive(Debug, Clone)]
pub enum SetOp {
    Prop { target: Expr, key: String, value: Expr },
    Replace { slot: Slot, value: Expr },
    Merge { slot: Slot, value: Expr },
    Labels { slot: Slot, labels: Vec<String> },
    RemoveProp { target: Expr, key: String },
    RemoveLabels { slot: Slot, labels: Vec<String> },
}

#[derive(Debug, Clone)]
pub enum Op {
    /// Every node (with the labels and properties), bound to `node.slot`.
    NodeScan {
        node: NodeSpec,
    },
    /// Keep rows whose bound node matches labels and properties.
    NodeCheck {
        node: NodeSpec,
    },
    /// Follow relationships from a bound node. `to_bound`: the far node is already bound and
    /// must equal it. `rel_bound`: the relationship is already bound. `distinct_from`: slots of
    /// relationships (or relationship lists) matched earlier in the same pattern, which the new
    /// ones must differ from.
    Expand {
        from: Slot,
        rel: RelSpec,
        to: NodeSpec,
        to_bound: bool,
        rel_bound: bool,
        distinct_from: Vec<Slot>,
        /// Count only: each input row comes out once, with the number of its matches in this
        /// slot (and not at all without one), for a `count(*)` that follows (see `rewrite`).
        count: Option<Slot>,
    },
    /// Shortest path(s) between two bound nodes.
    ShortestPath {
        from: Slot,
        to: Slot,
        rel: RelSpec,
        path: Option<Slot>,
        all: bool,
    },
    /// Assemble a path value from the pattern's node and relationship slots.
    BuildPath {
        slot: Slot,
        start: Slot,
        steps: Vec<(Slot, Slot)>,
    },
    Filter {
        predicate: Expr,
    },
    /// Run `ops` per row; rows with no result keep the row with `nulls` set to null.
    Optional {
        ops: Vec<Op>,
        nulls: Vec<Slot>,
    },
    Unwind {
        expr: Expr,
        slot: Slot,
    },
    Project {
        items: Vec<(Expr, Slot)>,
    },
    Aggregate {
        keys: Vec<(Expr, Slot)>,
        aggs: Vec<Agg>,
    },
    Distinct {
        slots: Vec<Slot>,
    },
    Sort {
        keys: Vec<(Expr, bool)>,
        /// `(SKIP, LIMIT)` that follow: only the first SKIP + LIMIT rows are needed, so the
        /// sort selects them before ordering them (a top-k).
        top: Option<(Option<Expr>, Expr)>,
    },
    Skip {
        count: Expr,
    },
    Limit {
        count: Expr,
    },
    Create {
        parts: Vec<CreatePart>,
    },
    Merge {
        part: CreatePart,
        matcher: Vec<Op>,
        on_create: Vec<SetOp>,
        on_match: Vec<SetOp>,
    },
    Set {
        ops: Vec<SetOp>,
    },
    Delete {
        exprs: Vec<Expr>,
        detach: bool,
    },
    Call {
        name: String,
        args: Vec<Expr>,
        yields: Vec<(String, Slot)>,
    },
    CreateIndex {
        name: Option<String>,
        label: String,
        keys: Vec<String>,
    },
    DropIndex {
        name: String,
    },
    ShowIndexes {
        slots: Vec<Slot>,
    },
    /// Counts the store keeps instead of a match and an aggregation (see `count_store`):
    /// `count(*)` of the nodes with a label, or of the relationships of some types, one row
    /// per type when grouped by `type(r)` (into `key`).
    CountStore {
        what: Counted,
        key: Option<Slot>,
        counts: Vec<Slot>,
    },
}

/// What a [`Op::CountStore`] counts.
#[derive(Debug, Clone)]
pub enum Counted {
    /// Nodes, with the label if given.
    Nodes(Option<String>),
    /// Relationships of these types (all if none).
    Rels(Vec<String>),
}

impl Op {
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Op::Create { .. }
                | Op::Merge { .. }
                | Op::Set { .. }
                | Op::Delete { .. }
                | Op::CreateIndex { .. }
                | Op::DropIndex { .. }
        ) || matches!(self, Op::Call { name, .. } if crate::plan::procedure_writes(name))
    }
}

/// Procedures that change the graph (none yet).
/// The row slots an expression reads, if they can be known (a sub-plan or a reduction may
/// read any).
pub fn expr_reads(e: &Expr) -> Option<Vec<Slot>> {
    let mut out = Vec::new();
    build::expr_slots(e, &mut out);
    (!out.contains(&usize::MAX)).then_some(out)
}

pub fn procedure_writes(_name: &str) -> bool {
    false
}

/// Planned expressions: like the AST's, with variables resolved to slots.
#[derive(Debug, Clone)]
pub enum Expr {
    Const(Value),
    Param(String),
    Slot(Slot),
    Prop(Box<Expr>, String),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    IsNull(Box<Expr>, bool),
    HasLabels(Box<Expr>, Vec<String>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Func(String, Vec<Expr>),
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE p | e]`, the element bound to `slot`.
    ListComp {
        slot: Slot,
        list: Box<Expr>,
        pred: Option<Box<Expr>>,
        proj: Option<Box<Expr>>,
    },
    Quantified {
        q: Quantifier,
        slot: Slot,
        list: Box<Expr>,
        pred: Box<Expr>,
    },
    Reduce {
        acc: Slot,
        init: Box<Expr>,
        slot: Slot,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// Whether the sub-plan yields a row for this row.
    Exists(Vec<Op>),
    /// The list of `proj` over the sub-plan's rows.
    PatternComp(Vec<Op>, Box<Expr>),
    /// `v {.k, k: e, .*}`
    MapProj(Box<Expr>, Vec<MapProjItem>),
}

#[derive(Debug, Clone)]
pub enum MapProjItem {
    Prop(String),
    Entry(String, Expr),
    All,
}
