//! The optimisations of one `MATCH` clause, as passes over the plain operators the builder
//! makes for it. The plain form starts each pattern part at its first node, expands in the
//! order the pattern is written, and filters by each `WHERE` conjunct after the whole pattern;
//! it is right on its own, and each pass below keeps its rows while making them cheaper. They
//! run in this order, each one only when [`Passes`] names it:
//!
//! 1. [`pushdown`]: `v.k = e` moves into `v`'s pattern, where a scan checks it (and an index
//!    can answer it);
//! 2. [`each_step`]: `all(k IN relationships(p) WHERE ...)` over a variable-length pattern
//!    is checked at each step of its walk;
//! 3. [`start_point`]: a chain of expansions starts at the node where the estimate expects the
//!    fewest rows;
//! 4. [`index_seek`]: a scan whose equalities or ranges an index answers seeks it;
//! 5. [`id_seek`]: a scan whose `id(v)` a condition fixes reads only those ids;
//! 6. [`early_filter`]: each condition runs as soon as what it reads is bound.
//!
//! Whole-pipeline rewrites (counts from the store, late projection) are in `rewrite`.

use super::estimate::Estimate;
use super::{expr_slots, Catalog, Expr, NodeSpec, Op, Passes, PropFilter, RelSpec, Slot};
use crate::ast::{BinaryOp, Quantifier};
use crate::catalog::functions::F;

/// Runs the passes `passes` names over a clause's plain operators; `before` holds the slots
/// bound before the clause.
pub(super) fn clause(ops: &mut Vec<Op>, before: &[Slot], catalog: &dyn Catalog, passes: Passes) {
    if passes.pushdown {
        pushdown(ops, before);
    }
    if passes.each_step {
        each_step(ops);
    }
    if passes.start_point {
        start_point(ops, before, catalog);
    }
    if passes.index_seek {
        index_seek(ops, before, catalog);
    }
    if passes.id_seek {
        id_seek(ops, before);
    }
    if passes.early_filter {
        early_filter(ops, before);
    }
}

/// `v.k <op> e` (or `e <op> v.k`, the operator flipped): the node variable, key and value of a
/// condition on a property, with the property on the left (`true`) or the right.
fn on_property(predicate: &Expr) -> Option<(Slot, &super::Key, &Expr, BinaryOp, bool)> {
    let Expr::Binary(op, a, b, _) = predicate else { return None };
    match (slot_key(a), slot_key(b)) {
        (Some((v, key)), _) => Some((v, key, b, *op, true)),
        (None, Some((v, key))) => Some((v, key, a, op.flipped(), false)),
        _ => None,
    }
}

/// `v.k`: the slot of `v` and the key.
fn slot_key(e: &Expr) -> Option<(Slot, &super::Key)> {
    match e {
        Expr::Prop(x, key, _) => match **x {
            Expr::Slot(s) => Some((s, key)),
            _ => None,
        },
        _ => None,
    }
}

/// The node spec of the operator of the clause that binds `slot` first, if a node of the
/// pattern binds it.
fn binding_node(ops: &mut [Op], slot: Slot) -> Option<&mut NodeSpec> {
    ops.iter_mut().find_map(|o| match o {
        Op::NodeScan { node } if node.slot == slot => Some(node),
        Op::Expand { to, to_bound: false, .. } if to.slot == slot => Some(to),
        _ => None,
    })
}

/// Moves `v.k = e` into the pattern of `v` where the clause binds it, when `v` is new here and
/// `e` reads only what was bound before the clause (so the node's check can compute it). A
/// pattern that names `k` already, or takes its properties from a map parameter, keeps the
/// filter.
pub(super) fn pushdown(ops: &mut Vec<Op>, before: &[Slot]) {
    absorb_filters(ops, |ops, at| {
        let Op::Filter { predicate } = &ops[at] else { return false };
        let Some((v, key, value, BinaryOp::Eq, _)) = on_property(predicate) else { return false };
        if before.contains(&v) || !reads_only(value, before) {
            return false;
        }
        let pair = (key.clone(), value.clone());
        let Some(node) = binding_node(ops, v) else { return false };
        match &mut node.props {
            None => node.props = Some(PropFilter::Pairs(vec![pair])),
            Some(PropFilter::Pairs(kv)) if !kv.iter().any(|(k, _)| k.name == pair.0.name) => kv.push(pair),
            _ => return false,
        }
        true
    });
}

/// Removes each filter that `absorb` (given the operators and the filter's place) has moved
/// into another operator.
fn absorb_filters(ops: &mut Vec<Op>, mut absorb: impl FnMut(&mut [Op], usize) -> bool) {
    let mut at = 0;
    while at < ops.len() {
        if matches!(ops[at], Op::Filter { .. }) && absorb(ops, at) {
            ops.remove(at);
        } else {
            at += 1;
        }
    }
}

/// A filter `all(k IN relationships(p) WHERE c)` (or `all(k IN r WHERE c)`), where `p` is a
/// path of one variable-length step `r` that the clause matches and `c` reads only `k`'s
/// properties, constants and parameters and cannot fail, becomes a condition of the step
/// (`RelSpec::each`): the walk goes on only through relationships for which `c` is true. A
/// path keeps its rows: every relationship of it was a step of the walk, and a path with one
/// relationship for which `c` is false or null fails the filter (`all` is false or null).
/// Not when the walk's far node has property conditions: those keep few of the paths, and
/// testing `c` after them costs less than testing it at every step (G10 of
/// `benches/general.json`, an undirected two-hop walk to persons of one role: 1.6 ms after,
/// 1.9 ms at each step).
pub(super) fn each_step(ops: &mut Vec<Op>) {
    absorb_filters(ops, |ops, at| {
        let Op::Filter { predicate: Expr::Quantified { q: Quantifier::All, slot: k, list, pred } } = &ops[at] else {
            return false;
        };
        if !cannot_fail(pred, *k) {
            return false;
        }
        let listed = match &**list {
            Expr::Slot(r) => Some(*r),
            Expr::Func(f, args, _) if *f == F::RELATIONSHIPS => match args.as_slice() {
                // The path's only step.
                [Expr::Slot(p)] => ops.iter().find_map(|o| match o {
                    Op::BuildPath { slot, steps, .. } if slot == p && steps.len() == 1 => Some(steps[0].0),
                    _ => None,
                }),
                _ => None,
            },
            _ => None,
        };
        let Some(r) = listed else { return false };
        let condition = (*k, pred.clone());
        let step = ops.iter_mut().find_map(|o| match o {
            Op::Expand { rel, to, rel_bound: false, .. }
                if rel.slot == r && rel.var_len.is_some() && rel.each.is_none() && to.props.is_none() =>
            {
                Some(rel)
            }
            _ => None,
        });
        match step {
            Some(rel) => rel.each = Some(condition),
            None => return false,
        }
        true
    });
}

/// Whether `e` reads only the properties of `slot`, constants and parameters, and no part of
/// it can raise an error: comparisons, `AND`, `OR`, `XOR`, `NOT`, `IS NULL` (each gives null,
/// never an error, on values of the wrong type).
fn cannot_fail(e: &Expr, slot: Slot) -> bool {
    use BinaryOp::*;
    match e {
        Expr::Const(_) | Expr::Param(..) => true,
        Expr::Prop(x, ..) => matches!(**x, Expr::Slot(s) if s == slot),
        Expr::Not(x, _) | Expr::IsNull(x, _) => cannot_fail(x, slot),
        Expr::Binary(op, a, b, _) => {
            matches!(op, Eq | Ne | Lt | Le | Gt | Ge | And | Or | Xor | StartsWith | EndsWith | Contains)
                && cannot_fail(a, slot)
                && cannot_fail(b, slot)
        }
        _ => false,
    }
}

/// Starts each chain of expansions (a scan, then hops each leaving the node the one before
/// reached) at the node where [`Estimate`] expects the fewest rows: rightwards from there,
/// then leftwards, the hops behind it reversed. A node bound before the chain is free to
/// start at.
pub(super) fn start_point(ops: &mut Vec<Op>, before: &[Slot], catalog: &dyn Catalog) {
    let mut bound: Vec<Slot> = before.to_vec();
    let mut at = 0;
    while at < ops.len() {
        // The chain that starts here, if a scan does: up to the first operator that does not
        // go on from where the one before it reached.
        let mut end = at + 1;
        if let Op::NodeScan { node } = &ops[at] {
            let mut tail = node.slot;
            while let Some(Op::Expand { from, to, count: None, fold: false, partial, .. }) = ops.get(end) {
                if *from != tail || !partial.is_empty() {
                    break;
                }
                tail = to.slot;
                end += 1;
            }
        }
        if end > at + 1 {
            if let Some(chain) = reorder(&ops[at..end], &bound, catalog) {
                let made = chain.len();
                ops.splice(at..end, chain);
                end = at + made;
            }
        }
        for o in &ops[at..end] {
            bound.extend(op_binds(o));
        }
        at = end;
    }
}

/// A chain's operators started where the estimate says, given the slots bound before it;
/// `None` when that is where it starts already.
fn reorder(chain: &[Op], bound: &[Slot], catalog: &dyn Catalog) -> Option<Vec<Op>> {
    let mut nodes: Vec<&NodeSpec> = Vec::new();
    let mut rels: Vec<&RelSpec> = Vec::new();
    let mut distinct: &[Slot] = &[];
    for (i, o) in chain.iter().enumerate() {
        match o {
            Op::NodeScan { node } => nodes.push(node),
            Op::Expand { rel, to, distinct_from, .. } => {
                if i == 1 {
                    distinct = distinct_from;
                }
                rels.push(rel);
                nodes.push(to);
            }
            _ => unreachable!("a chain holds a scan and expansions"),
        }
    }
    let is_bound = |n: &NodeSpec| bound.contains(&n.slot);
    let estimate = Estimate { catalog, nodes: &nodes, rels: &rels, bound: &is_bound };
    let costs: Vec<f64> = (0..nodes.len()).map(|s| estimate.plan_from(s)).collect();
    let mut start = 0;
    for (i, c) in costs.iter().enumerate() {
        if *c < costs[start] {
            start = i;
        }
    }
    if start == 0 {
        return None;
    }
    let mut out = Vec::new();
    let first = nodes[start];
    let mut now: Vec<Slot> = bound.to_vec();
    if !now.contains(&first.slot) {
        out.push(Op::NodeScan { node: first.clone() });
    } else if !first.labels.is_empty() || first.props.is_some() {
        out.push(Op::NodeCheck { node: first.clone() });
    }
    now.push(first.slot);
    let mut seen: Vec<Slot> = distinct.to_vec();
    let order = (start..rels.len()).map(|i| (i, true)).chain((0..start).rev().map(|i| (i, false)));
    for (i, rightwards) in order {
        let (from, to) = if rightwards { (i, i + 1) } else { (i + 1, i) };
        let mut rel = rels[i].clone();
        if !rightwards {
            rel.dir = rel.dir.reversed();
            rel.backwards = true;
        }
        let to = nodes[to].clone();
        let (to_bound, rel_bound) = (now.contains(&to.slot), now.contains(&rel.slot));
        now.extend([rel.slot, to.slot]);
        let slot = rel.slot;
        out.push(Op::Expand {
            from: nodes[from].slot,
            rel,
            to,
            to_bound,
            rel_bound,
            distinct_from: seen.clone(),
            count: None,
            partial: Vec::new(),
            checks: Vec::new(),
            fold: false,
        });
        seen.push(slot);
    }
    Some(out)
}

/// A scan whose pattern fixes an indexed key seeks the index for it; `v.k < e` (and `<=`,
/// `>`, `>=`, `v.k IN list`) where `e` reads only what was bound before the clause narrows
/// the scan of `v` to the index's range when its key is indexed on one of the labels. A range
/// the index answers needs no filter after it (`IN` keeps its filter: the index finds NaN by
/// NaN).
pub(super) fn index_seek(ops: &mut Vec<Op>, before: &[Slot], catalog: &dyn Catalog) {
    for o in ops.iter_mut() {
        if let Op::NodeScan { node } = o {
            if let (None, Some(PropFilter::Pairs(kv))) = (&node.index, &node.props) {
                node.index = node.labels.iter().find_map(|l| {
                    kv.iter().find(|(k, _)| catalog.has_index(l, k.as_str())).map(|(k, _)| (l.clone(), k.name.clone()))
                });
            }
        }
    }
    let mut answered = Vec::new();
    for i in 0..ops.len() {
        let Op::Filter { predicate } = &ops[i] else { continue };
        let Some((v, key, value, op, left)) = on_property(predicate) else { continue };
        let ranged =
            matches!(op, BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge) || (op == BinaryOp::In && left);
        if !ranged || before.contains(&v) || !reads_only(value, before) {
            continue;
        }
        let (key, value) = (key.name.clone(), value.clone());
        for o in ops.iter_mut() {
            let Op::NodeScan { node } = o else { continue };
            if node.slot != v {
                continue;
            }
            if node.index.is_none() {
                node.index = node.labels.iter().find(|l| catalog.has_index(l, &key)).map(|l| (l.clone(), key.clone()));
            }
            if node.index.as_ref().is_some_and(|(_, k)| *k == key) {
                node.ranges.push((op, value.clone()));
                if op != BinaryOp::In {
                    answered.push(i);
                }
            }
        }
    }
    let mut at = 0;
    ops.retain(|_| {
        at += 1;
        !answered.contains(&(at - 1))
    });
}

/// `id(v) = e`, `id(v) IN e` or `id(v) < e` (and friends) where `v` is new here and `e` reads
/// only what was bound before the clause: the scan of `v` reads only those ids (a seek),
/// unless it seeks an index. A range (`<`, `<=`, `>`, `>=`) is answered by the seek exactly
/// (`seek::id_candidates`: an integer or float bound as the comparison takes it, none for
/// any other value, whose comparison is null), so its filter goes; an equality or a list
/// stays, as `IN` of what is not a list is an error the filter raises.
pub(super) fn id_seek(ops: &mut Vec<Op>, before: &[Slot]) {
    absorb_filters(ops, |ops, at| {
        let Op::Filter { predicate: Expr::Binary(op, a, b, _) } = &ops[at] else { return false };
        let id_of = |e: &Expr| match e {
            Expr::Func(f, args, _) if *f == F::ID => match args.as_slice() {
                [Expr::Slot(v)] if !before.contains(v) => Some(*v),
                _ => None,
            },
            _ => None,
        };
        let (v, value, op) = match (id_of(a), id_of(b)) {
            (Some(v), _) => (v, &**b, *op),
            (None, Some(v)) if *op != BinaryOp::In => (v, &**a, op.flipped()),
            _ => return false,
        };
        let seekable =
            matches!(op, BinaryOp::Eq | BinaryOp::In | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge);
        if !seekable || !reads_only(value, before) {
            return false;
        }
        let value = value.clone();
        let mut seeked = false;
        for o in ops.iter_mut() {
            if let Op::NodeScan { node } = o {
                if node.slot == v && node.index.is_none() {
                    node.ids.push((op, value.clone()));
                    seeked = true;
                }
            }
        }
        seeked && matches!(op, BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge)
    });
}

/// Moves each filter to just after the operator that binds the last slot it reads (to the
/// clause's start when it reads only what was bound before). Filters placed at one position
/// keep their order.
pub(super) fn early_filter(ops: &mut Vec<Op>, before: &[Slot]) {
    let (filters, rest): (Vec<Op>, Vec<Op>) =
        std::mem::take(ops).into_iter().partition(|o| matches!(o, Op::Filter { .. }));
    let mut placed: Vec<(usize, Op)> = Vec::new();
    for f in filters {
        let Op::Filter { predicate } = &f else { unreachable!() };
        let mut needs = Vec::new();
        expr_slots(predicate, &mut needs);
        let mut bound: Vec<Slot> = before.to_vec();
        let mut at = needs.iter().all(|s| bound.contains(s)).then_some(0);
        if at.is_none() {
            for (i, o) in rest.iter().enumerate() {
                bound.extend(op_binds(o));
                if needs.iter().all(|s| bound.contains(s)) {
                    at = Some(i + 1);
                    break;
                }
            }
        }
        placed.push((at.unwrap_or(rest.len()), f));
    }
    placed.sort_by_key(|(at, _)| *at);
    *ops = rest;
    for (at, op) in placed.into_iter().rev() {
        ops.insert(at, op);
    }
}

/// Whether an expression reads only the slots of `bound`, parameters and constants, and calls
/// no `rand()` (which a pattern would compute once for the row, not once per node).
fn reads_only(e: &Expr, bound: &[Slot]) -> bool {
    match e {
        Expr::Slot(s) => bound.contains(s),
        Expr::Const(_) | Expr::Param(..) => true,
        Expr::Prop(x, ..) | Expr::Not(x, _) | Expr::Neg(x, _) => reads_only(x, bound),
        Expr::Binary(_, a, b, _) => reads_only(a, bound) && reads_only(b, bound),
        Expr::List(xs) => xs.iter().all(|x| reads_only(x, bound)),
        Expr::Map(kv) => kv.iter().all(|(_, x)| reads_only(x, bound)),
        Expr::Func(f, args, _) if *f != F::RAND => args.iter().all(|x| reads_only(x, bound)),
        _ => false,
    }
}

/// The slots an operator of a pattern binds.
fn op_binds(o: &Op) -> Vec<Slot> {
    match o {
        Op::NodeScan { node } => vec![node.slot],
        Op::Expand { rel, to, .. } => vec![rel.slot, to.slot],
        Op::ShortestPath { rel, path, .. } => std::iter::once(rel.slot).chain(*path).collect(),
        Op::BuildPath { slot, .. } => vec![*slot],
        _ => Vec::new(),
    }
}
