//! Expansions: a node's relationships of some types in a direction (from adjacency runs when
//! the store keeps them), single hops with their checks, and variable-length paths.

use std::rc::Rc;
use std::sync::Arc;

use super::pattern::{fixed_props, label_syms, node_matches, wanted, Wanted};
use super::rows::{none, one};
use super::{Ctx, Row, RowIter};
use crate::error::Result;
use crate::plan::{Dir, Expr, NodeSpec, RelSpec};
use crate::store::{self, KeyId, LabelId, TypeId};
use crate::value::{NodeId, RelId, Value};

pub(crate) fn store_dir(d: Dir) -> store::Dir {
    match d {
        Dir::Out => store::Dir::Out,
        Dir::In => store::Dir::In,
        Dir::Both => store::Dir::Both,
    }
}

/// Type ids of a type alternative; unknown types are dropped. `None`: no type can match.
pub(crate) fn type_syms(ctx: Ctx, types: &[String]) -> Option<Vec<TypeId>> {
    if types.is_empty() {
        return Some(Vec::new());
    }
    let syms: Vec<TypeId> = types.iter().filter_map(|t| ctx.graph.type_id(t)).collect();
    if syms.is_empty() {
        None
    } else {
        Some(syms)
    }
}

/// Where an expansion reads a node's relationships: the store's adjacency for a single type
/// (one run of memory per node), else each node's linked lists. Resolved once per operator.
pub(crate) struct Neighbours {
    adj: [Option<Arc<store::Adjacency>>; 2],
    dir: store::Dir,
    types: Rc<[TypeId]>,
}

impl Neighbours {
    pub(crate) fn new(ctx: Ctx, dir: store::Dir, types: Rc<[TypeId]>) -> Neighbours {
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
    pub(crate) fn others_have(&self, labels: &[LabelId]) -> bool {
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

    /// Asks for where a node's runs lie, without waiting (before [`Neighbours::touch`]).
    pub(crate) fn prefetch(&self, node: NodeId) {
        for a in self.adj.iter().flatten() {
            a.prefetch(node);
        }
    }

    /// How many relationships [`Neighbours::iter`] would list for a node, read off the length of
    /// its run without walking it; `None` where it must be walked (several types, or both
    /// directions, where a self-loop is listed once).
    pub(crate) fn degree(&self, node: NodeId) -> Option<usize> {
        match (&self.adj, self.dir) {
            ([Some(a), None], store::Dir::Out) | ([None, Some(a)], store::Dir::In) => Some(a.run(node).len()),
            _ => None,
        }
    }

    /// Whether `rel` is among the relationships [`Neighbours::iter`] lists for `node`, where
    /// [`Neighbours::degree`] is known (a search of the node's one run).
    pub(crate) fn lists(&self, node: NodeId, rel: RelId) -> bool {
        self.adj.iter().flatten().any(|a| a.holds(node, rel))
    }

    /// [`Neighbours::lists`] for a relationship `prev` just took from `start` to `node`, told
    /// by the two hops' types and directions where they tell it: of another type, never; of
    /// the same type, in the same direction, only a self-loop (`start` is `node`); in the
    /// opposite direction, always. Otherwise the run is searched.
    pub(crate) fn lists_taken(&self, prev: &Neighbours, start: NodeId, node: NodeId, rel: RelId) -> bool {
        use store::Dir::Both;
        match (&*prev.types, &*self.types, prev.dir, self.dir) {
            ([a], [b], _, _) if a != b => false,
            ([_], [_], d, e) if d == e && d != Both => start == node,
            ([_], [_], d, e) if d != Both && e != Both => true,
            _ => self.lists(node, rel),
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

pub(crate) fn rel_matches(ctx: Ctx, id: RelId, props: &[(KeyId, Value)]) -> bool {
    props.iter().all(|(k, v)| ctx.graph.rel_prop_equals(id, *k, v))
}

/// Whether a relationship is already used by the pattern in one of the given slots.
pub(crate) fn used(row: &Row, slots: &[usize], rel: RelId) -> bool {
    slots.iter().any(|&s| match &row[s] {
        Value::Rel(r) => *r == rel,
        Value::List(l) => l.iter().any(|v| matches!(v, Value::Rel(r) if *r == rel)),
        _ => false,
    })
}

/// Interned names an expansion needs, resolved once per run of the operator.
pub(crate) struct Names {
    pub(crate) nb: Rc<Neighbours>,
    to_labels: Rc<[LabelId]>,
    /// The far node's and the relationship's properties, when they read nothing of the row.
    to_props: Option<Wanted>,
    rel_props: Option<Wanted>,
}

impl Names {
    /// Whether every relationship listed is a match, whatever the row: no label to check and
    /// no property asked of either end (a hop with nothing bound still checks the relationships
    /// the pattern used already).
    pub(crate) fn plain(&self) -> bool {
        let none = |w: &Option<Wanted>| w.as_ref().is_some_and(|w| w.as_ref().as_ref().is_some_and(Vec::is_empty));
        self.to_labels.is_empty() && none(&self.to_props) && none(&self.rel_props)
    }

    /// `None` when a type or label of the pattern does not exist: nothing can match. The
    /// graph does not change while a read segment runs, so this is done once per operator.
    pub(crate) fn new(ctx: Ctx, rel: &RelSpec, to: &NodeSpec) -> Option<Names> {
        let types = Rc::<[TypeId]>::from(type_syms(ctx, &rel.types)?);
        let labels = Rc::<[LabelId]>::from(label_syms(ctx, &to.labels)?);
        let nb = Rc::new(Neighbours::new(ctx, store_dir(rel.dir), types));
        // Labels every node the adjacency reaches carries need no check per row (a
        // variable-length match may end where it starts, so it still checks).
        let to_labels = if rel.var_len.is_none() && nb.others_have(&labels) { Rc::from(Vec::new()) } else { labels };
        Some(Names { nb, to_labels, to_props: fixed_props(&to.props, ctx), rel_props: fixed_props(&rel.props, ctx) })
    }
}

/// What a single expansion from one row must match, prepared once for the row: where it
/// starts, the node it must reach and the relationship it must take if those are bound, and
/// the properties both must have.
pub(crate) struct Hop {
    pub(crate) start: NodeId,
    target: Option<NodeId>,
    bound_rel: Option<RelId>,
    to_labels: Rc<[LabelId]>,
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

    fn to_props(&self) -> &[(KeyId, Value)] {
        self.to_props.as_deref().unwrap_or(&[])
    }

    fn rel_props(&self) -> &[(KeyId, Value)] {
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
            // Every relationship listed is a match but those the pattern used already: where
            // the run's length is known, it less those of the used ones that are in it (found
            // by a binary search of the run each, rather than a walk of it).
            if let Some(degree) = nb.degree(self.start) {
                let in_run = |v: &Value| matches!(v, Value::Rel(r) if nb.lists(self.start, *r));
                let used_here: usize = distinct_from
                    .iter()
                    .map(|&s| match &row[s] {
                        Value::List(l) => l.iter().filter(|v| in_run(v)).count(),
                        v => usize::from(in_run(v)),
                    })
                    .sum();
                return degree.saturating_sub(used_here);
            }
            return nb.iter(ctx, self.start).filter(|&(r, _)| !used(row, distinct_from, r)).count();
        }
        nb.iter(ctx, self.start).filter(|&(r, other)| self.matches(ctx, row, distinct_from, r, other)).count()
    }
}

/// A counting hop's matches from `row`: their number, and each of `partial` computed over
/// them into its slot of `row` (where the matches' relationship and far node are left bound),
/// the `i`th aggregate's argument read from the row by `value`. A sum of no values is null
/// here, not 0, so that it leaves the merged sum of durations a duration.
#[allow(clippy::too_many_arguments)]
pub(crate) fn partial_count(
    hop: &Hop,
    names: &Names,
    (rel_slot, to_slot): (usize, usize),
    distinct_from: &[usize],
    partial: &[crate::plan::Agg],
    row: &mut Row,
    ctx: Ctx,
    value: &mut dyn FnMut(usize, &Row) -> Result<Value>,
    check: Option<Check>,
) -> Result<usize> {
    if partial.is_empty() && check.is_none() {
        return Ok(hop.count(ctx, &names.nb, row, distinct_from));
    }
    let mut states: Vec<_> = partial.iter().map(super::aggregate::State::new).collect();
    let mut added = vec![false; partial.len()];
    let mut n = 0;
    for (r, other) in names.nb.iter(ctx, hop.start) {
        if hop.matches(ctx, row, distinct_from, r, other) {
            row[rel_slot] = Value::Rel(r);
            row[to_slot] = Value::Node(other);
            if !check.map_or(Ok(true), |c| c(row))? {
                continue;
            }
            n += 1;
            for (i, s) in states.iter_mut().enumerate() {
                let v = value(i, row)?;
                added[i] |= !v.is_null();
                s.add_value(&partial[i], v, row, ctx)?;
            }
        }
    }
    if n > 0 {
        write_partials(states, &added, partial, row)?;
    }
    Ok(n)
}

/// A counting hop's checks on a row with a match bound (see `Op::Expand`'s `checks`): whether
/// it is counted.
pub(crate) type Check<'c> = &'c dyn Fn(&Row) -> Result<bool>;

/// Whether a row passes each of `checks`, as filters of them would say: an error for a value
/// that is neither a boolean nor null.
pub(crate) fn passes(checks: &[Expr], row: &Row, ctx: Ctx) -> Result<bool> {
    for c in checks {
        if !super::holds(c, super::eval::eval(c, row, ctx)?)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes each of `partial`'s results into its slot of `row`: null where no value was added
/// (`added`), so that a sum of none leaves the merged sum of durations a duration.
pub(crate) fn write_partials(
    states: impl IntoIterator<Item = super::aggregate::State>,
    added: &[bool],
    partial: &[crate::plan::Agg],
    row: &mut Row,
) -> Result<()> {
    for ((s, a), added) in states.into_iter().zip(partial).zip(added) {
        row[a.slot] = if *added { s.finish(a)? } else { Value::Null };
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn expand<'a>(
    from: usize,
    rel: &'a RelSpec,
    to: &'a NodeSpec,
    (to_bound, rel_bound, count): (bool, bool, Option<usize>),
    (partial, checks): (&'a [crate::plan::Agg], &'a [Expr]),
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
        let each = rel.each.as_ref().map(|(k, e)| (*k, &**e));
        let paths = match var_paths(ctx, hop.start, &names.nb, (hop.rel_props(), each), min, max, &row, distinct_from) {
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
        let mut out = row;
        let mut value = |i: usize, row: &Row| super::eval::eval(&partial[i].args[0], row, ctx);
        let slots = (rel.slot, to.slot);
        let check = |row: &Row| passes(checks, row, ctx);
        let check = (!checks.is_empty()).then_some(&check as Check);
        return match partial_count(&hop, names, slots, distinct_from, partial, &mut out, ctx, &mut value, check) {
            Err(e) => one(Err(e)),
            Ok(0) => none(),
            Ok(n) => match ctx.control.tick_n(n as u64) {
                Err(e) => one(Err(e)),
                Ok(()) => {
                    out[slot] = Value::Int(n as i64);
                    one(Ok(out))
                }
            },
        };
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
pub(crate) enum Bound {
    Given(u64),
    Cap(u64),
}

/// What each relationship of a walk must meet: its properties, and a condition read with the
/// relationship in a slot (`RelSpec::each`).
pub(crate) type StepTest<'e> = (&'e [(KeyId, Value)], Option<(usize, &'e crate::plan::Expr)>);

/// All trails (no relationship twice) of `min..=max` hops from `start`, each relationship
/// meeting `test`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn var_paths(
    ctx: Ctx,
    start: NodeId,
    nb: &Neighbours,
    props: StepTest,
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
pub(crate) fn var_paths_inner<'e>(
    ctx: Ctx<'e>,
    start: NodeId,
    nb: &Neighbours,
    (props, each): StepTest<'e>,
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
    // The row the step's condition reads, the relationship in its slot; a comparison of one
    // of its properties with a constant reads it where it lies (a column, once hot).
    let scratch = std::cell::RefCell::new(if each.is_some() { row.clone() } else { Vec::new() });
    let compare = each.and_then(|(_, test)| super::push::fast::Compare::new(test, ctx));
    let neighbours = |n: NodeId| -> Result<std::vec::IntoIter<(RelId, NodeId)>> {
        let mut v = Vec::new();
        for (r, other) in nb.iter(ctx, n) {
            if !rel_matches(ctx, r, props) || used(row, distinct_from, r) {
                continue;
            }
            if let Some((k, test)) = each {
                let mut scratch = scratch.borrow_mut();
                scratch[k] = Value::Rel(r);
                let met = match &compare {
                    Some(c) => c.test(&scratch, ctx)?,
                    None => super::eval::eval(test, &scratch, ctx)?,
                };
                if !matches!(met, Value::Bool(true)) {
                    continue;
                }
            }
            v.push((r, other));
        }
        Ok(v.into_iter())
    };
    if min == 0 {
        out.push((start, Vec::new()));
    }
    if max == Some(0) {
        return Ok(out);
    }
    stack.push((start, neighbours(start)?));
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
                    stack.push((other, neighbours(other)?));
                } else {
                    // At the cap of a pattern written without an upper bound, a path that
                    // would go on is an error rather than silently left out.
                    if let Bound::Cap(cap) = bound {
                        if neighbours(other)?.any(|(r2, _)| !path.contains(&r2)) {
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

/// The number of two-hop paths [`crate::plan::TwoHops`] describes: for each middle node, its
/// relationships on the first side times those on the second, less those that are on both when
/// the two must differ (on one side twice over: each of them whose far node fits both ends;
/// on opposite sides: its self-loops). A side's count is the length of the node's adjacency run
/// where every node the run reaches has the far node's labels.
pub(crate) fn count_two_hops(ctx: Ctx, p: &crate::plan::TwoHops) -> Result<usize> {
    let g = ctx.graph;
    let (Some(middle), Some(ends)) =
        (label_syms(ctx, &p.middle), p.sides.iter().map(|(_, _, ls)| label_syms(ctx, ls)).collect::<Option<Vec<_>>>())
    else {
        return Ok(0);
    };
    let Some(types) =
        p.sides.iter().map(|(t, _, _)| type_syms(ctx, std::slice::from_ref(t))).collect::<Option<Vec<_>>>()
    else {
        return Ok(0);
    };
    let sides: Vec<(Neighbours, bool)> = p
        .sides
        .iter()
        .zip(&types)
        .zip(&ends)
        .map(|(((_, dir, _), ty), labels)| {
            let nb = Neighbours::new(ctx, store_dir(*dir), Rc::from(ty.as_slice()));
            let checked = !nb.others_have(labels);
            (nb, checked)
        })
        .collect();
    let both_ends: Vec<LabelId> = ends.concat();
    let same_type = types[0] == types[1];
    let same_side = p.sides[0].1 == p.sides[1].1;
    let count = |(nb, checked): &(Neighbours, bool), labels: &[LabelId], b: NodeId| match (checked, nb.degree(b)) {
        (false, Some(n)) => n,
        (false, None) => nb.iter(ctx, b).count(),
        (true, _) => nb.iter(ctx, b).filter(|&(_, o)| node_matches(ctx, o, labels, &[])).count(),
    };
    let nodes: Box<dyn Iterator<Item = NodeId>> = match middle.split_first() {
        None => Box::new(g.node_ids()),
        Some((&first, rest)) => {
            Box::new(g.nodes_with_label(first).filter(move |&b| rest.iter().all(|&l| g.has_label(b, l))))
        }
    };
    let mut total = 0usize;
    for (i, b) in nodes.enumerate() {
        if i % 1024 == 0 {
            ctx.control.tick_n(1024)?;
        }
        let x = count(&sides[0], &ends[0], b);
        if x == 0 {
            continue;
        }
        let y = count(&sides[1], &ends[1], b);
        let shared = match (p.unique && same_type, same_side) {
            (false, _) => 0,
            // Both hops from one run: a relationship whose far node is both `a` and `c`.
            (true, true) => sides[0].0.iter(ctx, b).filter(|&(_, o)| node_matches(ctx, o, &both_ends, &[])).count(),
            // A self-loop is in the incoming and the outgoing run: `a`, `b` and `c` are one.
            (true, false) if node_matches(ctx, b, &both_ends, &[]) => {
                sides[0].0.iter(ctx, b).filter(|&(_, o)| o == b).count()
            }
            (true, false) => 0,
        };
        total = total.saturating_add((x * y).saturating_sub(shared));
    }
    Ok(total)
}
