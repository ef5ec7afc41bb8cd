//! Rewrites of a built pipeline into cheaper operators that return the same rows.

use super::{Agg, AggFunc, Counted, Dir, Expr, Op, Slot};

/// `MATCH (n:L) RETURN count(*)` and `MATCH ()-[r:T]->() RETURN type(r), count(*)` at the
/// start of a query read the store's counts instead of matching every node or relationship
/// (Neo4j's `NodeCountFromCountStore` and `RelationshipCountFromCountStore`). Counts of a
/// variable of the pattern count the same rows: the pattern never binds it to null.
pub(super) fn count_store(ops: &mut Vec<Op>) {
    let Some(Op::NodeScan { node }) = ops.first() else { return };
    if node.props.is_some()
        || node.index.is_some()
        || !node.ranges.is_empty()
        || !node.ids.is_empty()
        || node.labels.len() > 1
    {
        return;
    }
    let mut bound = vec![node.slot];
    let mut what = Counted::Nodes(node.labels.first().cloned());
    let mut rel_slot = None;
    let mut at = 1;
    if let Some(Op::Expand { from, rel, to, to_bound, rel_bound, distinct_from, count: None, .. }) = ops.get(1) {
        let plain = *from == node.slot
            && node.labels.is_empty()
            && rel.var_len.is_none()
            && rel.props.is_none()
            && rel.dir != Dir::Both
            && to.labels.is_empty()
            && to.props.is_none()
            && !to_bound
            && !rel_bound
            && distinct_from.is_empty();
        if !plain {
            return;
        }
        bound.extend([rel.slot, to.slot]);
        what = Counted::Rels(rel.types.clone());
        rel_slot = Some(rel.slot);
        at = 2;
    }
    let Some(Op::Aggregate { keys, aggs }) = ops.get(at) else { return };
    let key = match (keys.as_slice(), rel_slot) {
        ([], _) => None,
        ([(Expr::Func(f, args, _), slot)], Some(r)) if *f == crate::catalog::functions::F::TYPE && is_slot(args, r) => {
            Some(*slot)
        }
        _ => return,
    };
    if !counts_rows(aggs, &bound) {
        return;
    }
    let counts = aggs.iter().map(|a| a.slot).collect();
    ops.splice(0..=at, [Op::CountStore { what, key, counts }]);
}

/// A count grouped by the node a pipeline starts by scanning, where each operator between makes
/// at most one row of each row it is given (filters, and the counting expansion), has one row
/// per group: the aggregation only passes the count on, and becomes a projection, with no table
/// of groups (`MATCH (h:Person)<-[:KNOWS]-() WITH h, count(*) AS indeg`). So does a minimum,
/// maximum or sum the expansion computed over the row's matches (a sum of none is 0, as the
/// aggregation gives it). A folding hop may hand the count several rows of one node when it
/// runs row by row, so none may be between.
pub(super) fn unique_groups(ops: &mut [Op]) {
    let Some(Op::NodeScan { node }) = ops.first() else { return };
    let scanned = node.slot;
    let (mut counts, mut partials) = (Vec::new(), Vec::new());
    for op in ops.iter_mut().skip(1) {
        let items = match &*op {
            Op::Filter { .. } | Op::NodeCheck { .. } => continue,
            Op::Expand { count: Some(c), fold: false, partial, .. } => {
                counts.push(*c);
                partials.extend(partial.iter().map(|p| p.slot));
                continue;
            }
            Op::Aggregate { keys, aggs } => {
                let by_node = matches!(keys.as_slice(), [(Expr::Slot(s), _)] if *s == scanned);
                let passed = |a: &Agg| -> Option<Expr> {
                    let [Expr::Slot(s)] = a.args.as_slice() else { return None };
                    match a.func {
                        _ if a.distinct => None,
                        AggFunc::Sum if counts.contains(s) => Some(Expr::Slot(*s)),
                        AggFunc::Sum if partials.contains(s) => Some(Expr::Func(
                            crate::catalog::functions::F::COALESCE,
                            vec![Expr::Slot(*s), Expr::Const(crate::value::Value::Int(0))],
                            crate::error::Span::default(),
                        )),
                        AggFunc::Min | AggFunc::Max if partials.contains(s) => Some(Expr::Slot(*s)),
                        _ => None,
                    }
                };
                let passed: Option<Vec<(Expr, Slot)>> = aggs.iter().map(|a| passed(a).map(|e| (e, a.slot))).collect();
                passed.filter(|p| by_node && !p.is_empty()).map(|p| keys.iter().cloned().chain(p).collect())
            }
            _ => None,
        };
        if let Some(items) = items {
            *op = Op::Project { items };
        }
        return;
    }
}

/// Whether the aggregates only count rows: `count(*)`, or `count(v)` of a variable in `bound`,
/// which the pattern never binds to null.
fn counts_rows(aggs: &[Agg], bound: &[Slot]) -> bool {
    aggs.iter().all(|a| {
        !a.distinct
            && match a.func {
                AggFunc::CountStar => true,
                AggFunc::Count => bound.iter().any(|&s| is_slot(&a.args, s)),
                _ => false,
            }
    })
}

fn is_slot(args: &[Expr], slot: Slot) -> bool {
    matches!(args, [Expr::Slot(s)] if *s == slot)
}

/// An expansion whose rows only a `count(*)` reads (grouped, if at all, by what was bound
/// before it) counts its matches per input row instead of making a row for each: the
/// aggregation then sums the counts. `MATCH (p)-[:KNOWS]->(f) RETURN p.name, count(f)` reads
/// each person's adjacency once and clones no row per friend. Minima, maxima and sums of a
/// property of the far node or the relationship are computed per input row the same way
/// (`partial`), and the aggregation takes the minimum, maximum or sum of those: `MATCH
/// (p)-[:KNOWS]->(f) RETURN p.name, count(*), max(f.born)` hands on one row per person. The
/// filters between the hop and the aggregation are checked on each match (`checks`): `MATCH
/// (o)-[f:FUNDED]->() WHERE f.year >= $y WITH o, count(*) AS n, sum(f.amount_usd) AS s` makes
/// no row per grant.
pub(super) fn count_expand(ops: &mut Vec<Op>, slots: &mut usize) {
    let mut i = 0;
    while i + 1 < ops.len() {
        // The filters between the hop and its aggregation become the hop's checks.
        let j = i + 1 + ops[i + 1..].iter().take_while(|o| matches!(o, Op::Filter { .. })).count();
        if counts_hop(ops, i, j, slots) && j > i + 1 {
            let checks: Vec<Expr> = ops
                .drain(i + 1..j)
                .filter_map(|o| match o {
                    Op::Filter { predicate } => Some(predicate),
                    _ => None,
                })
                .collect();
            if let Op::Expand { checks: c, .. } = &mut ops[i] {
                *c = checks;
            }
        }
        i += 1;
    }
}

/// Makes the expansion at `i` count its matches for the aggregation at `j` (see
/// [`count_expand`]), if it can; whether it did.
fn counts_hop(ops: &mut [Op], i: usize, j: usize, slots: &mut usize) -> bool {
    if j >= ops.len() {
        return false;
    }
    let (head, tail) = ops.split_at_mut(j);
    let (Op::Expand { rel, to, rel_bound: false, count: count @ None, partial, .. }, Op::Aggregate { keys, aggs }) =
        (&mut head[i], &mut tail[0])
    else {
        return false;
    };
    if rel.var_len.is_some() {
        return false;
    }
    let new = [rel.slot, to.slot];
    let mut read = Vec::new();
    keys.iter().for_each(|(e, _)| super::expr_slots(e, &mut read));
    if read.iter().any(|s| new.contains(s) || *s == usize::MAX) {
        return false;
    }
    if !aggs.iter().all(|a| counts_rows(std::slice::from_ref(a), &new) || merges(a, &new)) {
        return false;
    }
    let slot = *slots;
    *slots += 1;
    *count = Some(slot);
    for a in aggs.iter_mut() {
        if merges(a, &new) {
            let p = *slots;
            *slots += 1;
            partial.push(Agg { func: a.func, distinct: false, args: std::mem::take(&mut a.args), slot: p });
            a.args = vec![Expr::Slot(p)];
        } else {
            a.func = AggFunc::Sum;
            a.args = vec![Expr::Slot(slot)];
        }
    }
    if !partial.is_empty() || j > i + 1 {
        return true;
    }
    // The hop before, to this one's start, whose rows only this count reads, folds it.
    let from = match &head[i] {
        Op::Expand { from, .. } => *from,
        _ => return true,
    };
    if let Some(Op::Expand { rel, to, rel_bound: false, count: None, fold, .. }) =
        i.checked_sub(1).map(|h| &mut head[h])
    {
        if rel.var_len.is_none() && to.slot == from && !read.contains(&rel.slot) && !read.contains(&to.slot) {
            *fold = true;
        }
    }
    true
}

/// Whether an aggregate is a minimum, maximum or sum of a property of what the hop binds (`new`:
/// its relationship and its far node): computed over each input row's matches, then over those
/// results, it gives the same value (a sum of floats may differ in its last digits, as in
/// another row order). Each match's value is read where the store keeps it
/// (`exec/push/partial.rs`), the first matches' asked for before any is read, so that their
/// cache misses overlap.
fn merges(a: &Agg, new: &[Slot]) -> bool {
    !a.distinct
        && matches!(a.func, AggFunc::Min | AggFunc::Max | AggFunc::Sum)
        && matches!(a.args.as_slice(), [Expr::Prop(x, _, _)] if matches!(**x, Expr::Slot(s) if new.contains(&s)))
}

/// A top-k sort after a projection of property reads (`RETURN p.name AS a, k.since AS since
/// ORDER BY since, a LIMIT 25`) sorts by the reads themselves, before the projection, and the
/// projection runs after it on the rows kept only: a row that falls behind the rows kept is
/// dropped after the first key that tells, without reading the rest. Neither the projection nor
/// the keys can fail (variables, constants, properties of the pattern's nodes and
/// relationships, which are null at worst), so which of them are read is not seen in the rows
/// or the errors. Only pipelines of matching operators qualify: their nodes and relationships
/// are known to be bound where the projection reads them.
pub(super) fn late_projection(ops: &mut [Op]) {
    let mut graph_slots = Vec::new();
    for i in 0..ops.len() {
        match &ops[i] {
            Op::Project { items } if matches!(ops.get(i + 1), Some(Op::Sort { top: Some(_), .. })) => {
                if let Some(keys) = sort_before(items, &ops[i + 1], &graph_slots) {
                    ops.swap(i, i + 1);
                    if let Op::Sort { keys: k, lazy, .. } = &mut ops[i] {
                        *k = keys;
                        *lazy = true;
                    }
                }
                return;
            }
            op if !binds_graph(op, &mut graph_slots) => return,
            _ => {}
        }
    }
}

/// Adds the slots a matching operator binds to a node or relationship (or to null) to
/// `slots`; false for any other operator.
fn binds_graph(op: &Op, slots: &mut Vec<Slot>) -> bool {
    match op {
        Op::NodeScan { node } => slots.push(node.slot),
        Op::NodeCheck { .. } | Op::Filter { .. } => {}
        Op::Expand { rel, to, count: None, fold: false, .. } => {
            slots.push(to.slot);
            if rel.var_len.is_none() {
                slots.push(rel.slot);
            }
        }
        Op::Optional { ops, .. } => return ops.iter().all(|o| binds_graph(o, slots)),
        _ => return false,
    }
    true
}

/// The sort's keys read from the projection's input (each projected slot replaced by what it
/// projects), if the projection and the keys cannot fail.
fn sort_before(items: &[(Expr, Slot)], sort: &Op, graph: &[Slot]) -> Option<Vec<(Expr, bool)>> {
    let Op::Sort { keys, .. } = sort else { return None };
    let safe = |e: &Expr| match e {
        Expr::Const(_) | Expr::Slot(_) => true,
        Expr::Prop(x, _, _) => matches!(**x, Expr::Slot(s) if graph.contains(&s)),
        _ => false,
    };
    if !items.iter().all(|(e, _)| safe(e)) {
        return None;
    }
    keys.iter()
        .map(|(k, desc)| {
            let k = match k {
                Expr::Slot(s) => {
                    items.iter().rev().find(|(_, to)| to == s).map_or_else(|| k.clone(), |(e, _)| e.clone())
                }
                // Read before the projection, a key must not read a slot it writes.
                other => {
                    let reads = super::expr_reads(other)?;
                    if reads.iter().any(|r| items.iter().any(|(_, to)| to == r)) {
                        return None;
                    }
                    other.clone()
                }
            };
            safe(&k).then_some((k, *desc))
        })
        .collect()
}

/// `MATCH (a:A)-[:T]->(b:B)-[:U]->(c:C) RETURN count(*)` counts each middle node's
/// relationships on either side and multiplies them, less the relationships that could be
/// both (one pattern never uses a relationship twice), instead of following each first hop to
/// count the second: a pass over the middle nodes instead of one over the first hops. Applies
/// to directed hops of one type each, without properties, counted as a whole, after
/// `count_expand`: from the first node, whose hop sums the second's counts, or from the middle
/// node, whose second hop counts for each relationship of the first.
pub(super) fn count_paths(ops: &mut Vec<Op>) {
    let [Op::NodeScan { node: start }, Op::Expand { from: f1, rel: r1, to: t1, fold, .. }, Op::Expand { from: f2, rel: r2, to: t2, count: Some(k), distinct_from, .. }, Op::Aggregate { keys, aggs }, ..] =
        ops.as_slice()
    else {
        return;
    };
    let scan_plain = start.props.is_none() && start.index.is_none() && start.ranges.is_empty() && start.ids.is_empty();
    let hop_plain = |r: &super::RelSpec, to: &super::NodeSpec| {
        r.types.len() == 1 && r.dir != Dir::Both && r.props.is_none() && r.var_len.is_none() && to.props.is_none()
    };
    let first_free = matches!(&ops[1], Op::Expand { to_bound: false, rel_bound: false, count: None, distinct_from, .. } if distinct_from.is_empty());
    let second_free = matches!(&ops[2], Op::Expand { to_bound: false, rel_bound: false, fold: false, checks, .. } if checks.is_empty());
    let summed = keys.is_empty()
        && !aggs.is_empty()
        && aggs.iter().all(|g| g.func == AggFunc::Sum && !g.distinct && is_slot(&g.args, *k));
    let from_first = match (*f1 == start.slot, *f2 == t1.slot, *f2 == start.slot, fold) {
        // From the first node: the middle is where the first hop leads.
        (true, true, false, true) => true,
        // From the middle node: both hops start there.
        (true, false, true, false) => false,
        _ => return,
    };
    if !(scan_plain
        && hop_plain(r1, t1)
        && hop_plain(r2, t2)
        && first_free
        && second_free
        && distinct_from.iter().all(|s| *s == r1.slot)
        && summed)
    {
        return;
    }
    let back = |d: Dir| if d == Dir::Out { Dir::In } else { Dir::Out };
    let (middle, first) = if from_first {
        (t1.labels.clone(), (r1.types[0].clone(), back(r1.dir), start.labels.clone()))
    } else {
        (start.labels.clone(), (r1.types[0].clone(), r1.dir, t1.labels.clone()))
    };
    let paths = super::TwoHops {
        middle,
        sides: [first, (r2.types[0].clone(), r2.dir, t2.labels.clone())],
        unique: distinct_from.contains(&r1.slot),
    };
    let k = *k;
    ops.splice(0..3, [Op::CountStore { what: Counted::Paths(Box::new(paths)), key: None, counts: vec![k] }]);
}
