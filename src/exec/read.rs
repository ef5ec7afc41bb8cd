//! Read operators: each turns a stream of rows into another, lazily.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use super::eval::{eval, eval_props};
use super::{Ctx, Row, RowIter};
use crate::error::{Detail, Error, Result};
use crate::plan::{Dir, NodeSpec, Op, RelSpec};
use crate::store::{self, Sym};
use crate::value::{NodeId, Path, RelId, Value};

/// `f` applied to each good row, errors passed through.
fn flat_map_ok<'a, F>(input: RowIter<'a>, f: F) -> RowIter<'a>
where
    F: FnMut(Row) -> RowIter<'a> + 'a,
{
    let mut f = f;
    Box::new(input.flat_map(move |r| -> RowIter<'a> {
        match r {
            Ok(row) => f(row),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }))
}

pub(crate) fn one(r: Result<Row>) -> RowIter<'static> {
    Box::new(std::iter::once(r))
}

/// Rows an operator has made all at once, or its error.
pub(crate) fn rows_or_error<'a>(r: Result<Vec<Row>>) -> RowIter<'a> {
    match r {
        Ok(rows) => Box::new(rows.into_iter().map(Ok)),
        Err(e) => one(Err(e)),
    }
}

pub(crate) fn none<'a>() -> RowIter<'a> {
    Box::new(std::iter::empty())
}

pub(crate) fn store_dir(d: Dir) -> store::Dir {
    match d {
        Dir::Out => store::Dir::Out,
        Dir::In => store::Dir::In,
        Dir::Both => store::Dir::Both,
    }
}

/// Label ids, or `None` if a label does not exist (so nothing can match).
fn label_syms(ctx: Ctx, labels: &[String]) -> Option<Vec<Sym>> {
    labels.iter().map(|l| ctx.graph.label_id(l)).collect()
}

/// Type ids of a type alternative; unknown types are dropped. `None`: no type can match.
pub(crate) fn type_syms(ctx: Ctx, types: &[String]) -> Option<Vec<Sym>> {
    if types.is_empty() {
        return Some(Vec::new());
    }
    let syms: Vec<Sym> = types.iter().filter_map(|t| ctx.graph.type_id(t)).collect();
    if syms.is_empty() {
        None
    } else {
        Some(syms)
    }
}

/// Where an expansion reads a node's relationships: the store's adjacency for a single type
/// (one run of memory per node), else petgraph's linked lists. Resolved once per operator.
pub(crate) struct Neighbours {
    adj: [Option<Arc<store::Adjacency>>; 2],
    dir: store::Dir,
    types: Rc<[Sym]>,
}

impl Neighbours {
    pub(crate) fn new(ctx: Ctx, dir: store::Dir, types: Rc<[Sym]>) -> Neighbours {
        let mut adj = [None, None];
        if let [t] = *types {
            let g = ctx.graph;
            adj = match dir {
                store::Dir::Out => [g.adjacency(t, store::Dir::Out), None],
                store::Dir::In => [None, g.adjacency(t, store::Dir::In)],
                store::Dir::Both => match (g.adjacency(t, store::Dir::Out), g.adjacency(t, store::Dir::In)) {
                    (Some(o), Some(i)) => [Some(o), Some(i)],
                    _ => [None, None],
                },
            };
        }
        Neighbours { adj, dir, types }
    }

    /// Whether every node this reaches carries all of `labels` (no need to check them).
    pub(crate) fn others_have(&self, labels: &[Sym]) -> bool {
        let sides: Vec<&Arc<store::Adjacency>> = self.adj.iter().flatten().collect();
        !sides.is_empty() && sides.iter().all(|a| a.others_have(labels))
    }

    /// Reads where a node's relationships lie, and the first of them, without using them: a
    /// hint that they are wanted soon (see `push`).
    pub(crate) fn touch(&self, node: NodeId) {
        for a in self.adj.iter().flatten() {
            a.touch(node);
        }
    }

    /// A node's `(relationship, other end)` pairs, in the order of [`store::Graph::rels_of`],
    /// reading the adjacency in place.
    pub(crate) fn iter(&self, ctx: Ctx, node: NodeId) -> NbIter<'_> {
        fn run(a: &Arc<store::Adjacency>, node: NodeId) -> Option<(&store::Adjacency, std::ops::Range<usize>)> {
            Some((&**a, a.run(node)))
        }
        match (&self.adj, self.dir) {
            ([Some(o), None], store::Dir::Out) => NbIter::Runs { runs: [run(o, node), None], node },
            ([None, Some(i)], store::Dir::In) => NbIter::Runs { runs: [run(i, node), None], node },
            ([Some(o), Some(i)], store::Dir::Both) => NbIter::Runs { runs: [run(o, node), run(i, node)], node },
            _ => NbIter::Listed(ctx.graph.rels_of(node, self.dir, &self.types).collect::<Vec<_>>().into_iter()),
        }
    }
}

/// See [`Neighbours::iter`]. A second run is the incoming side of an undirected expansion,
/// where a self-loop, already met on the outgoing side, is skipped.
pub(crate) enum NbIter<'a> {
    Runs { runs: [Option<(&'a store::Adjacency, std::ops::Range<usize>)>; 2], node: NodeId },
    Listed(std::vec::IntoIter<(RelId, NodeId)>),
}

impl Iterator for NbIter<'_> {
    type Item = (RelId, NodeId);

    fn next(&mut self) -> Option<(RelId, NodeId)> {
        match self {
            NbIter::Listed(it) => it.next(),
            NbIter::Runs { runs, node } => {
                for (side, run) in runs.iter_mut().enumerate() {
                    let Some((adj, range)) = run else { continue };
                    for i in range.by_ref() {
                        let (r, other) = adj.at(i);
                        if side == 0 || other != *node {
                            return Some((r, other));
                        }
                    }
                }
                None
            }
        }
    }
}

fn node_matches(ctx: Ctx, id: NodeId, labels: &[Sym], props: &[(Sym, Value)]) -> bool {
    labels.iter().all(|l| ctx.graph.has_label(id, *l))
        && props.iter().all(|(k, v)| ctx.graph.node_prop_equals(id, *k, v))
}

pub(crate) fn rel_matches(ctx: Ctx, id: RelId, props: &[(Sym, Value)]) -> bool {
    props.iter().all(|(k, v)| ctx.graph.rel_prop_equals(id, *k, v))
}

/// Whether a relationship is already used by the pattern in one of the given slots.
fn used(row: &Row, slots: &[usize], rel: RelId) -> bool {
    slots.iter().any(|&s| match &row[s] {
        Value::Rel(r) => *r == rel,
        Value::List(l) => l.iter().any(|v| matches!(v, Value::Rel(r) if *r == rel)),
        _ => false,
    })
}

pub(crate) fn apply<'a>(op: &'a Op, input: RowIter<'a>, ctx: Ctx<'a>) -> RowIter<'a> {
    match op {
        Op::NodeScan { node } => flat_map_ok(input, move |row| scan(node, row, ctx)),
        Op::NodeCheck { node } => Box::new(input.filter_map(move |r| {
            match r.and_then(|row| {
                let keep = node_check(node, &row, ctx)?;
                Ok(keep.then_some(row))
            }) {
                Ok(Some(row)) => Some(Ok(row)),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            }
        })),
        Op::Expand { from, rel, to, to_bound, rel_bound, distinct_from, count } => {
            let names = Names::new(ctx, rel, to);
            flat_map_ok(input, move |row| match &names {
                Some(names) => expand(*from, rel, to, (*to_bound, *rel_bound, *count), distinct_from, names, row, ctx),
                None => none(),
            })
        }
        Op::ShortestPath { from, to, rel, path, all } => {
            flat_map_ok(input, move |row| super::shortest::shortest(*from, *to, rel, *path, *all, row, ctx))
        }
        Op::BuildPath { slot, start, steps } => Box::new(input.map(move |r| {
            let mut row = r?;
            let Value::Node(first) = row[*start] else {
                row[*slot] = Value::Null;
                return Ok(row);
            };
            let mut p = Path { nodes: vec![first], rels: Vec::new() };
            for &(rs, _ns) in steps {
                let rels: Vec<RelId> = match &row[rs] {
                    Value::Rel(r) => vec![*r],
                    Value::List(l) => {
                        l.iter().filter_map(|v| if let Value::Rel(r) = v { Some(*r) } else { None }).collect()
                    }
                    _ => {
                        row[*slot] = Value::Null;
                        return Ok(row);
                    }
                };
                for r in rels {
                    let cur = *p.nodes.last().unwrap_or(&first);
                    let (a, b) = ctx.graph.rel_ends(r).unwrap_or((cur, cur));
                    p.nodes.push(if a == cur { b } else { a });
                    p.rels.push(r);
                }
            }
            row[*slot] = Value::Path(Box::new(p));
            Ok(row)
        })),
        Op::Filter { predicate } => Box::new(input.filter_map(move |r| match r {
            Err(e) => Some(Err(e)),
            Ok(row) => match ctx.control.tick().and_then(|_| eval(predicate, &row, ctx)) {
                Ok(Value::Bool(true)) => Some(Ok(row)),
                Ok(Value::Bool(false) | Value::Null) => None,
                Ok(v) => Some(Err(super::type_err("WHERE expects a boolean", &v))),
                Err(e) => Some(Err(e)),
            },
        })),
        Op::Optional { ops, nulls } => flat_map_ok(input, move |row| {
            let mut sub = super::run_sub(ops, row.clone(), ctx).peekable();
            if sub.peek().is_some() {
                Box::new(sub)
            } else {
                let mut row = row;
                for &s in nulls {
                    row[s] = Value::Null;
                }
                one(Ok(row))
            }
        }),
        Op::Unwind { expr, slot } => flat_map_ok(input, move |row| match eval(expr, &row, ctx) {
            Err(e) => one(Err(e)),
            Ok(Value::Null) => none(),
            Ok(Value::List(items)) => {
                let slot = *slot;
                Box::new(items.into_iter().map(move |v| {
                    ctx.control.tick()?;
                    let mut r = row.clone();
                    r[slot] = v;
                    Ok(r)
                }))
            }
            Ok(v) => {
                let mut r = row;
                r[*slot] = v;
                one(Ok(r))
            }
        }),
        Op::Project { items } => Box::new(input.map(move |r| {
            let mut row = r?;
            let vals = items.iter().map(|(e, _)| eval(e, &row, ctx)).collect::<Result<Vec<_>>>()?;
            for ((_, s), v) in items.iter().zip(vals) {
                row[*s] = v;
            }
            Ok(row)
        })),
        Op::Distinct { slots } => {
            let mut seen: HashSet<Vec<Value>, ahash::RandomState> = HashSet::default();
            Box::new(input.filter_map(move |r| match r {
                Err(e) => Some(Err(e)),
                Ok(row) => {
                    let key: Vec<Value> = slots.iter().map(|&s| row[s].clone()).collect();
                    let size = super::row_size(&key);
                    if !seen.insert(key) {
                        return None;
                    }
                    Some(ctx.control.charge(size).map(|_| row))
                }
            }))
        }
        Op::Aggregate { .. } | Op::Sort { .. } => super::push::consume(&[], op, input, ctx),
        Op::Skip { count } => match count_value(count, ctx, "SKIP") {
            Err(e) => one(Err(e)),
            Ok(n) => Box::new(input.skip(n)),
        },
        Op::Limit { count } => match count_value(count, ctx, "LIMIT") {
            Err(e) => one(Err(e)),
            Ok(n) => Box::new(input.take(n)),
        },
        Op::Call { name, args, yields } => {
            flat_map_ok(input, move |row| match super::procedures::call(name, args, yields, &row, ctx) {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => one(Err(e)),
            })
        }
        Op::ShowIndexes { slots } => flat_map_ok(input, move |row| {
            let g = ctx.graph;
            let rows: Vec<Result<Row>> = g
                .property_indexes()
                .iter()
                .map(|ix| {
                    let mut r = row.clone();
                    let vals = [
                        Value::str(&ix.name),
                        Value::str(g.labels().name(ix.label)),
                        Value::List(vec![Value::str(g.keys().name(ix.key))]),
                        Value::Int(ix.entries() as i64),
                    ];
                    for (s, v) in slots.iter().zip(vals) {
                        r[*s] = v;
                    }
                    Ok(r)
                })
                .collect();
            Box::new(rows.into_iter())
        }),
        Op::CountStore { what, key, counts } => {
            flat_map_ok(input, move |row| Box::new(count_store(what, *key, counts, row, ctx).into_iter().map(Ok)))
        }
        Op::Create { .. }
        | Op::Merge { .. }
        | Op::Set { .. }
        | Op::Delete { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. } => one(Err(Error::runtime(
            crate::error::Kind::SemanticError,
            Detail::None,
            "write operator in a read pipeline",
        ))),
    }
}

/// Whether the node bound in the row matches the spec's labels and properties.
pub(crate) fn node_check(node: &NodeSpec, row: &Row, ctx: Ctx) -> Result<bool> {
    let Value::Node(id) = row[node.slot] else { return Ok(false) };
    let Some(labels) = label_syms(ctx, &node.labels) else { return Ok(false) };
    Ok(eval_props(&node.props, row, ctx)?.is_some_and(|props| node_matches(ctx, id, &labels, &props)))
}

/// How many rows a sort must give at most (SKIP + LIMIT), if a LIMIT follows it.
pub(crate) fn sort_top(top: &Option<(Option<crate::plan::Expr>, crate::plan::Expr)>, ctx: Ctx) -> Option<usize> {
    let (skip, limit) = top.as_ref()?;
    let skip = skip.as_ref().map_or(Ok(0), |e| count_value(e, ctx, "SKIP"));
    match (skip, count_value(limit, ctx, "LIMIT")) {
        (Ok(s), Ok(l)) => Some(s.saturating_add(l)),
        // The Skip and Limit operators report the error.
        _ => None,
    }
}

/// The rows of a [`Op::CountStore`]: one, or with a key one per type that has relationships.
fn count_store(what: &crate::plan::Counted, key: Option<usize>, counts: &[usize], row: Row, ctx: Ctx) -> Vec<Row> {
    use crate::plan::Counted;
    let g = ctx.graph;
    let with = |key_value: Option<Value>, n: usize| {
        let mut r = row.clone();
        if let (Some(k), Some(v)) = (key, key_value) {
            r[k] = v;
        }
        for &s in counts {
            r[s] = Value::Int(n as i64);
        }
        r
    };
    let types: Vec<Sym> = match what {
        Counted::Nodes(None) => return vec![with(None, g.node_count())],
        Counted::Nodes(Some(l)) => return vec![with(None, g.label_id(l).map_or(0, |l| g.label_count(l)))],
        Counted::Rels(ts) if ts.is_empty() => g.types().iter().map(|(t, _)| t).collect(),
        Counted::Rels(ts) => {
            let mut syms: Vec<Sym> = ts.iter().filter_map(|t| g.type_id(t)).collect();
            syms.sort_unstable();
            syms.dedup();
            syms
        }
    };
    match key {
        None => vec![with(None, types.iter().map(|&t| g.rel_count_of(t)).sum())],
        Some(_) => types
            .into_iter()
            .filter(|&t| g.rel_count_of(t) > 0)
            .map(|t| with(Some(Value::str(g.types().name(t))), g.rel_count_of(t)))
            .collect(),
    }
}

pub(crate) fn count_value(e: &crate::plan::Expr, ctx: Ctx, what: &str) -> Result<usize> {
    let empty = Vec::new();
    match eval(e, &empty, ctx)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(_) => Err(Error::new(
            crate::error::Phase::Runtime,
            crate::error::Kind::SyntaxError,
            Detail::NegativeIntegerArgument,
            format!("{what} cannot be negative"),
        )),
        v => Err(Error::new(
            crate::error::Phase::Runtime,
            crate::error::Kind::SyntaxError,
            Detail::InvalidArgumentType,
            format!("{what} must be a non-negative integer, got {}", v.type_name()),
        )),
    }
}

fn scan<'a>(node: &'a NodeSpec, row: Row, ctx: Ctx<'a>) -> RowIter<'a> {
    match scan_ids(node, &row, ctx) {
        Err(e) => one(Err(e)),
        Ok(ids) => {
            let slot = node.slot;
            Box::new(ids.map(move |id| {
                let mut r = row.clone();
                r[slot] = Value::Node(id?);
                Ok(r)
            }))
        }
    }
}

/// The nodes a scan finds for a row, each checked against the pattern (an error once the
/// statement is cancelled or out of time).
pub(crate) type Found<'a> = Box<dyn Iterator<Item = Result<NodeId>> + 'a>;

/// See [`Found`].
pub(crate) fn scan_ids<'a>(node: &'a NodeSpec, row: &Row, ctx: Ctx<'a>) -> Result<Found<'a>> {
    let Some((candidates, mut checks)) = scan_plan(node, row, ctx)? else { return Ok(Box::new(std::iter::empty())) };
    let candidates: Box<dyn Iterator<Item = NodeId> + 'a> = match candidates {
        Candidates::Listed(ids) => Box::new(ids.into_iter()),
        Candidates::Scanned(it) => it,
    };
    let mut seen = 0u32;
    Ok(Box::new(candidates.filter_map(move |id| {
        seen = seen.wrapping_add(1);
        if seen.is_multiple_of(4096) {
            if let Err(e) = ctx.control.check() {
                return Some(Err(e));
            }
        }
        checks.pass(ctx, id).then_some(Ok(id))
    })))
}

/// [`scan_ids`], all of them: the candidates as they are when nothing is left to check (an
/// index range or a label, read by whoever takes them in parts).
pub(crate) fn scan_list(node: &NodeSpec, row: &Row, ctx: Ctx) -> Result<Vec<NodeId>> {
    match scan_plan(node, row, ctx)? {
        None => Ok(Vec::new()),
        Some((Candidates::Listed(ids), checks)) if checks.is_empty() => Ok(ids),
        Some((Candidates::Scanned(it), checks)) if checks.is_empty() => Ok(it.collect()),
        Some(_) => scan_ids(node, row, ctx)?.collect(),
    }
}

/// Where a scan's candidates come from.
enum Candidates<'a> {
    Listed(Vec<NodeId>),
    Scanned(Box<dyn Iterator<Item = NodeId> + 'a>),
}

/// What a scan checks on each candidate: labels, pattern properties (read as columns where
/// the store has them) and the comparisons the plan left to an index its seek did not answer
/// (no filter repeats them).
struct Checks<'a> {
    labels: Vec<Sym>,
    props: Vec<(store::NodePropReader<'a>, Value)>,
    compared: Option<(store::NodePropReader<'a>, Vec<(crate::ast::BinaryOp, Value)>)>,
}

impl Checks<'_> {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.props.is_empty() && self.compared.is_none()
    }

    fn pass(&mut self, ctx: Ctx, id: NodeId) -> bool {
        self.compared.as_mut().is_none_or(|(r, bounds)| super::seek::compares(r.get(id), bounds))
            && self.labels.iter().all(|l| ctx.graph.has_label(id, *l))
            && self.props.iter_mut().all(|(r, v)| r.equals(id, v))
    }
}

/// A scan's candidates and checks for a row; `None` when nothing can match.
fn scan_plan<'a>(node: &NodeSpec, row: &Row, ctx: Ctx<'a>) -> Result<Option<(Candidates<'a>, Checks<'a>)>> {
    let Some(labels) = label_syms(ctx, &node.labels) else { return Ok(None) };
    let Some(mut props) = eval_props(&node.props, row, ctx)? else { return Ok(None) };
    // The candidates, the labels still to check on them, and whether the comparisons the plan
    // left to an index are still to check.
    let (candidates, labels, unanswered) = if !node.ids.is_empty() {
        (Candidates::Listed(super::seek::id_candidates(node, &labels, row, ctx)?), labels, true)
    } else if let Some(found) = super::seek::index_candidates(node, &props, row, ctx) {
        let (mut ids, ix_label, by_range) = found?;
        // In id order, the order of a label scan, which also reads the store front to back.
        in_order(&mut ids);
        // The index holds only nodes with its label; a seek by range has answered the
        // comparisons, one by equality or by list has not.
        let labels = labels.into_iter().filter(|&l| l != ix_label).collect();
        // An equality seek on a string or boolean found exactly the nodes whose value
        // equals it (for numbers and lists the index's equality, the sort order's, can
        // differ from `=`: those are checked again).
        if let Some(k) = node.index.as_ref().and_then(|(_, key)| ctx.graph.key_id(key)) {
            props.retain(|(pk, v)| !(*pk == k && matches!(v, Value::String(_) | Value::Bool(_))));
        }
        (Candidates::Listed(ids), labels, !by_range)
    } else {
        // No seek (or the plan's index is gone since planning): a scan of the label.
        // The label scanned needs no check.
        match labels.iter().min_by_key(|l| ctx.graph.label_count(**l)) {
            Some(&l) => {
                let rest = labels.iter().copied().filter(|&x| x != l).collect();
                (Candidates::Scanned(Box::new(ctx.graph.nodes_with_label(l))), rest, true)
            }
            None => (Candidates::Scanned(Box::new(ctx.graph.node_ids())), labels, true),
        }
    };
    let compared = super::seek::index_fallback(node, row, ctx)?
        .filter(|_| unanswered)
        .map(|(key, bounds)| (ctx.graph.node_prop_reader(key), bounds));
    let props = props.into_iter().map(|(k, v)| (ctx.graph.node_prop_reader(k), v)).collect();
    Ok(Some((candidates, Checks { labels, props, compared })))
}

/// Sorts ids and drops duplicates; ids dense in their range go through a bitmap, in time
/// linear in their count.
fn in_order(ids: &mut Vec<NodeId>) {
    if ids.is_sorted() {
        return;
    }
    let (lo, hi) = ids.iter().fold((u64::MAX, 0), |(lo, hi), &id| (lo.min(id), hi.max(id)));
    let span = usize::try_from(hi - lo).unwrap_or(usize::MAX);
    if span / 64 > ids.len() {
        ids.sort_unstable();
        ids.dedup();
        return;
    }
    let mut bits = vec![0u64; span / 64 + 1];
    for &id in ids.iter() {
        let at = (id - lo) as usize;
        bits[at / 64] |= 1 << (at % 64);
    }
    ids.clear();
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let b = word.trailing_zeros() as u64;
            ids.push(lo + w as u64 * 64 + b);
            word &= word - 1;
        }
    }
}

/// Interned names an expansion needs, resolved once per run of the operator.
pub(crate) struct Names {
    pub(crate) nb: Rc<Neighbours>,
    to_labels: Rc<[Sym]>,
    /// The far node's and the relationship's properties, when they read nothing of the row.
    to_props: Option<Wanted>,
    rel_props: Option<Wanted>,
}

impl Names {
    /// `None` when a type or label of the pattern does not exist: nothing can match. The
    /// graph does not change while a read segment runs, so this is done once per operator.
    pub(crate) fn new(ctx: Ctx, rel: &RelSpec, to: &NodeSpec) -> Option<Names> {
        let types = Rc::<[Sym]>::from(type_syms(ctx, &rel.types)?);
        let labels = Rc::<[Sym]>::from(label_syms(ctx, &to.labels)?);
        let nb = Rc::new(Neighbours::new(ctx, store_dir(rel.dir), types));
        // Labels every node the adjacency reaches carries need no check per row (a
        // variable-length match may end where it starts, so it still checks).
        let to_labels = if rel.var_len.is_none() && nb.others_have(&labels) { Rc::from(Vec::new()) } else { labels };
        Some(Names { nb, to_labels, to_props: fixed_props(&to.props, ctx), rel_props: fixed_props(&rel.props, ctx) })
    }
}

/// Properties a pattern element must have; `None` inside: nothing can match (a null value or
/// a key no entity has).
type Wanted = Rc<Option<Vec<(Sym, Value)>>>;

/// The properties, evaluated once, if they read nothing of the row (constants, parameters).
fn fixed_props(p: &Option<crate::plan::PropFilter>, ctx: Ctx) -> Option<Wanted> {
    use crate::plan::{Expr, PropFilter};
    fn constant(e: &Expr) -> bool {
        match e {
            Expr::Const(_) | Expr::Param(_) => true,
            Expr::List(xs) => xs.iter().all(constant),
            Expr::Map(kv) => kv.iter().all(|(_, e)| constant(e)),
            _ => false,
        }
    }
    let fixed = match p {
        None => true,
        Some(PropFilter::Pairs(kv)) => kv.iter().all(|(_, e)| constant(e)),
        Some(PropFilter::Map(e)) => constant(e),
    };
    if !fixed {
        return None;
    }
    // An error is left to each row, as if evaluated there.
    eval_props(p, &Vec::new(), ctx).ok().map(Rc::new)
}

/// [`fixed_props`] or, when they read the row, the properties evaluated for it.
fn wanted(fixed: &Option<Wanted>, p: &Option<crate::plan::PropFilter>, row: &Row, ctx: Ctx) -> Result<Wanted> {
    match fixed {
        Some(w) => Ok(w.clone()),
        None => eval_props(p, row, ctx).map(Rc::new),
    }
}

/// What a single expansion from one row must match, prepared once for the row: where it
/// starts, the node it must reach and the relationship it must take if those are bound, and
/// the properties both must have.
pub(crate) struct Hop {
    pub(crate) start: NodeId,
    target: Option<NodeId>,
    bound_rel: Option<RelId>,
    to_labels: Rc<[Sym]>,
    to_props: Wanted,
    rel_props: Wanted,
}

impl Hop {
    /// `None`: nothing can match from this row (no start node, a null property value, a
    /// bound end that is not a node).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        from: usize,
        rel: &RelSpec,
        to: &NodeSpec,
        (to_bound, rel_bound): (bool, bool),
        names: &Names,
        row: &Row,
        ctx: Ctx,
    ) -> Result<Option<Hop>> {
        let Value::Node(start) = row[from] else { return Ok(None) };
        let to_props = wanted(&names.to_props, &to.props, row, ctx)?;
        let rel_props = wanted(&names.rel_props, &rel.props, row, ctx)?;
        if to_props.is_none() || rel_props.is_none() {
            return Ok(None);
        }
        let target = match (to_bound, &row[to.slot]) {
            (false, _) => None,
            (true, Value::Node(id)) => Some(*id),
            (true, _) => return Ok(None),
        };
        // A bound relationship list (variable length) is followed by the caller.
        let bound_rel = match (rel_bound && rel.var_len.is_none(), &row[rel.slot]) {
            (false, _) => None,
            (true, Value::Rel(r)) => Some(*r),
            (true, _) => return Ok(None),
        };
        Ok(Some(Hop { start, target, bound_rel, to_labels: names.to_labels.clone(), to_props, rel_props }))
    }

    fn to_props(&self) -> &[(Sym, Value)] {
        self.to_props.as_deref().unwrap_or(&[])
    }

    fn rel_props(&self) -> &[(Sym, Value)] {
        self.rel_props.as_deref().unwrap_or(&[])
    }

    /// Whether the relationship `r` to `other` is a match for the row (a single hop).
    pub(crate) fn matches(&self, ctx: Ctx, row: &Row, distinct_from: &[usize], r: RelId, other: NodeId) -> bool {
        self.bound_rel.is_none_or(|b| b == r)
            && self.target.is_none_or(|t| t == other)
            && !used(row, distinct_from, r)
            && rel_matches(ctx, r, self.rel_props())
            && node_matches(ctx, other, &self.to_labels, self.to_props())
    }

    /// The number of matches (a counting expansion).
    pub(crate) fn count(&self, ctx: Ctx, nb: &Neighbours, row: &Row, distinct_from: &[usize]) -> usize {
        let any = self.bound_rel.is_none()
            && self.target.is_none()
            && self.to_labels.is_empty()
            && self.to_props().is_empty()
            && self.rel_props().is_empty();
        if any {
            // Every relationship listed is a match but those the pattern used already.
            return nb.iter(ctx, self.start).filter(|&(r, _)| !used(row, distinct_from, r)).count();
        }
        nb.iter(ctx, self.start).filter(|&(r, other)| self.matches(ctx, row, distinct_from, r, other)).count()
    }
}

#[allow(clippy::too_many_arguments)]
fn expand<'a>(
    from: usize,
    rel: &'a RelSpec,
    to: &'a NodeSpec,
    (to_bound, rel_bound, count): (bool, bool, Option<usize>),
    distinct_from: &'a [usize],
    names: &Names,
    row: Row,
    ctx: Ctx<'a>,
) -> RowIter<'a> {
    let hop = match Hop::new(from, rel, to, (to_bound, rel_bound), names, &row, ctx) {
        Err(e) => return one(Err(e)),
        Ok(None) => return none(),
        Ok(Some(h)) => h,
    };
    let dir = store_dir(rel.dir);
    if let Some((min, max)) = rel.var_len {
        if rel_bound {
            // A bound relationship list: follow exactly it.
            let Value::List(list) = row[rel.slot].clone() else { return none() };
            let mut cur = hop.start;
            let ordered: Box<dyn Iterator<Item = &Value>> =
                if rel.backwards { Box::new(list.iter().rev()) } else { Box::new(list.iter()) };
            for v in ordered {
                let Value::Rel(r) = v else { return none() };
                match ctx.graph.rel_ends(*r) {
                    Some((a, b)) if dir != store::Dir::In && a == cur => cur = b,
                    Some((a, b)) if dir != store::Dir::Out && b == cur => cur = a,
                    _ => return none(),
                }
            }
            if hop.target.is_some_and(|t| t != cur) || !node_matches(ctx, cur, &hop.to_labels, hop.to_props()) {
                return none();
            }
            let mut r = row;
            r[to.slot] = Value::Node(cur);
            return one(Ok(r));
        }
        let max = match max {
            Some(m) => Bound::Given(m),
            None => Bound::Cap(rel.cap.unwrap_or(ctx.control.limits.max_hops)),
        };
        let paths = match var_paths(ctx, hop.start, &names.nb, hop.rel_props(), min, max, &row, distinct_from) {
            Ok(p) => p,
            Err(e) => return one(Err(e)),
        };
        let (rslot, tslot, backwards) = (rel.slot, to.slot, rel.backwards);
        return Box::new(paths.into_iter().filter_map(move |(end, mut rels)| {
            if backwards {
                rels.reverse();
            }
            if hop.target.is_some_and(|t| t != end) || !node_matches(ctx, end, &hop.to_labels, hop.to_props()) {
                return None;
            }
            let mut r = row.clone();
            r[rslot] = Value::List(rels.into_iter().map(Value::Rel).collect());
            r[tslot] = Value::Node(end);
            Some(Ok(r))
        }));
    }
    if let Some(slot) = count {
        let n = hop.count(ctx, &names.nb, &row, distinct_from);
        if n == 0 {
            return none();
        }
        let mut out = row;
        out[slot] = Value::Int(n as i64);
        return one(Ok(out));
    }
    let (rslot, tslot) = (rel.slot, to.slot);
    let found: Vec<_> =
        names.nb.iter(ctx, hop.start).filter(|&(r, other)| hop.matches(ctx, &row, distinct_from, r, other)).collect();
    Box::new(found.into_iter().map(move |(r, other)| {
        let mut out = row.clone();
        out[rslot] = Value::Rel(r);
        out[tslot] = Value::Node(other);
        Ok(out)
    }))
}

/// The upper length of a variable-length pattern: the query's own, or the `--max-hops` cap
/// for one written without (where a longer path is an error).
#[derive(Debug, Clone, Copy)]
enum Bound {
    Given(u64),
    Cap(u64),
}

/// All trails (no relationship twice) of `min..=max` hops from `start`.
#[allow(clippy::too_many_arguments)]
fn var_paths(
    ctx: Ctx,
    start: NodeId,
    nb: &Neighbours,
    props: &[(Sym, Value)],
    min: u64,
    bound: Bound,
    row: &Row,
    distinct_from: &[usize],
) -> Result<Vec<(NodeId, Vec<RelId>)>> {
    let mut held = 0;
    let r = var_paths_inner(ctx, start, nb, props, min, bound, row, distinct_from, &mut held);
    // The paths are turned into rows one at a time; whoever keeps those counts them again.
    ctx.control.release(held);
    r
}

#[allow(clippy::too_many_arguments)]
fn var_paths_inner(
    ctx: Ctx,
    start: NodeId,
    nb: &Neighbours,
    props: &[(Sym, Value)],
    min: u64,
    bound: Bound,
    row: &Row,
    distinct_from: &[usize],
    held: &mut u64,
) -> Result<Vec<(NodeId, Vec<RelId>)>> {
    let max = match bound {
        Bound::Given(m) | Bound::Cap(m) => Some(m),
    };
    let mut out = Vec::new();
    let mut steps = 0u32;
    let mut path: Vec<RelId> = Vec::new();
    // Explicit stack of neighbour lists, to avoid recursion on long paths.
    let mut stack: Vec<(NodeId, std::vec::IntoIter<(RelId, NodeId)>)> = Vec::new();
    let neighbours = |n: NodeId| -> std::vec::IntoIter<(RelId, NodeId)> {
        let v: Vec<_> =
            nb.iter(ctx, n).filter(|(r, _)| rel_matches(ctx, *r, props) && !used(row, distinct_from, *r)).collect();
        v.into_iter()
    };
    if min == 0 {
        out.push((start, Vec::new()));
    }
    if max == Some(0) {
        return Ok(out);
    }
    stack.push((start, neighbours(start)));
    while let Some((_, it)) = stack.last_mut() {
        steps = steps.wrapping_add(1);
        if steps.is_multiple_of(4096) {
            ctx.control.check()?;
        }
        match it.next() {
            None => {
                stack.pop();
                path.pop();
            }
            Some((r, other)) => {
                if path.contains(&r) {
                    continue;
                }
                path.push(r);
                let len = path.len() as u64;
                if len >= min {
                    let size = 48 + 8 * len;
                    ctx.control.charge(size)?;
                    *held += size;
                    out.push((other, path.clone()));
                }
                if max.is_none_or(|m| len < m) {
                    stack.push((other, neighbours(other)));
                } else {
                    // At the cap of a pattern written without an upper bound, a path that
                    // would go on is an error rather than silently left out.
                    if let Bound::Cap(cap) = bound {
                        if neighbours(other).any(|(r2, _)| !path.contains(&r2)) {
                            return Err(ctx.control.too_many_hops(cap));
                        }
                    }
                    path.pop();
                }
            }
        }
    }
    Ok(out)
}
