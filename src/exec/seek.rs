//! Where a scan finds its candidates without reading every node of its label: by id, or
//! through a property index by equality, by list or by range.

use super::eval::eval;
use super::{Ctx, Row};
use crate::error::Result;
use crate::plan::NodeSpec;
use crate::store::{KeyId, LabelId};
use crate::value::{NodeId, Value};

/// A property key and the comparisons its value must pass.
pub(crate) type Comparisons = (KeyId, Vec<(crate::ast::BinaryOp, Value)>);

/// The comparisons (`<`, `<=`, `>`, `>=`) a scan planned on an index must check itself when
/// its seek did not answer them (see `index_candidates`) or the index is gone: the key and the
/// bounds, evaluated; `None` when there are none. An unknown key is `KeyId::NONE`, which no node
/// has.
pub(crate) fn index_fallback(node: &NodeSpec, row: &Row, ctx: Ctx) -> Result<Option<Comparisons>> {
    let Some((_, key)) = &node.index else { return Ok(None) };
    let bounds: Vec<_> = node.ranges.iter().filter(|(op, _)| *op != crate::ast::BinaryOp::In).collect();
    if bounds.is_empty() {
        return Ok(None);
    }
    let key = ctx.graph.key_id(key).unwrap_or(KeyId::NONE);
    let bounds = bounds.into_iter().map(|(op, e)| Ok((*op, eval(e, row, ctx)?))).collect::<Result<Vec<_>>>()?;
    Ok(Some((key, bounds)))
}

/// Whether a node's property value (`None`: it has none) satisfies every comparison, as
/// Cypher's `<`, `>`, ... would.
pub(crate) fn compares(v: Option<Value>, bounds: &[(crate::ast::BinaryOp, Value)]) -> bool {
    use crate::ast::BinaryOp as B;
    let Some(v) = v else { return false };
    bounds.iter().all(|(op, b)| match v.cypher_cmp(b) {
        Some(o) => match op {
            B::Lt => o.is_lt(),
            B::Le => o.is_le(),
            B::Gt => o.is_gt(),
            _ => o.is_ge(),
        },
        None => false,
    })
}

/// The nodes a scan's id conditions allow, in id order: a superset of the answer (the WHERE
/// filter still decides), empty when no id can satisfy them.
pub(crate) fn id_candidates(node: &NodeSpec, labels: &[LabelId], row: &Row, ctx: Ctx) -> Result<Vec<NodeId>> {
    use crate::ast::BinaryOp as B;
    // An id equal to a number: integral and not negative, else none.
    let exact = |v: &Value| match *v {
        Value::Int(i) => u64::try_from(i).ok().map(NodeId),
        Value::Float(f) if f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64 => Some(NodeId(f as u64)),
        _ => None,
    };
    let (mut lo, mut hi) = (0u64, u64::MAX);
    let mut set: Option<Vec<NodeId>> = None;
    for (op, e) in &node.ids {
        let v = eval(e, row, ctx)?;
        match (op, &v) {
            (B::Eq, v) => {
                set = Some(exact(v).into_iter().filter(|i| set.as_ref().is_none_or(|s| s.contains(i))).collect())
            }
            (B::In, Value::List(xs)) => {
                let mut ids: Vec<NodeId> = xs.iter().filter_map(exact).collect();
                if let Some(s) = &set {
                    ids.retain(|i| s.contains(i));
                }
                set = Some(ids);
            }
            (B::In, Value::Null) => return Ok(Vec::new()),
            // Not a list: the filter raises the error.
            (B::In, _) => {}
            (_, Value::Int(i)) => {
                let i = *i as i128;
                let (l, h) = match op {
                    B::Gt => (i + 1, u64::MAX as i128),
                    B::Ge => (i, u64::MAX as i128),
                    B::Lt => (0, i - 1),
                    _ => (0, i),
                };
                lo = lo.max(l.clamp(0, u64::MAX as i128) as u64);
                if h < 0 {
                    return Ok(Vec::new());
                }
                hi = hi.min(h.min(u64::MAX as i128) as u64);
            }
            (_, Value::Float(f)) if !f.is_nan() => {
                let (l, h) = match op {
                    B::Gt => (f.floor() + 1.0, f64::INFINITY),
                    B::Ge => (f.ceil(), f64::INFINITY),
                    B::Lt => (f64::NEG_INFINITY, f.ceil() - 1.0),
                    _ => (f64::NEG_INFINITY, f.floor()),
                };
                if h < 0.0 {
                    return Ok(Vec::new());
                }
                lo = lo.max(l.max(0.0) as u64);
                hi = hi.min(h as u64);
            }
            // Null, NaN or not a number: the comparison is never true.
            _ => return Ok(Vec::new()),
        }
    }
    let g = ctx.graph;
    Ok(match set {
        Some(mut ids) => {
            ids.retain(|&i| lo <= i.0 && i.0 <= hi && g.node_exists(i));
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        None => match labels.iter().min_by_key(|l| g.label_count(**l)) {
            Some(&l) => g.nodes_with_label_in(l, NodeId(lo), NodeId(hi)).collect(),
            None => g.node_ids_in(NodeId(lo), NodeId(hi)).collect(),
        },
    })
}

/// The candidates a property index gives for a scan, if the plan chose one and it still exists.
pub(crate) fn index_candidates(
    node: &NodeSpec,
    props: &[(KeyId, Value)],
    row: &Row,
    ctx: Ctx,
) -> Option<Result<(Vec<NodeId>, LabelId, bool)>> {
    use std::ops::Bound::{self, Excluded, Included, Unbounded};
    let (label, key) = node.index.as_ref()?;
    let g = ctx.graph;
    let ix = g.index_on(g.label_id(label)?, g.key_id(key)?)?;
    if let Some((_, v)) = props.iter().find(|(k, _)| *k == ix.key) {
        return Some(Ok((ix.seek(v), ix.label, false)));
    }
    // `k IN list`: each element looked up (null and absent ones match nothing).
    if let Some((_, e)) = node.ranges.iter().find(|(op, _)| *op == crate::ast::BinaryOp::In) {
        return match eval(e, row, ctx) {
            Err(err) => Some(Err(err)),
            Ok(Value::Null) => Some(Ok((Vec::new(), ix.label, false))),
            Ok(Value::List(xs)) => {
                let mut ids: Vec<NodeId> = xs.iter().filter(|x| !x.is_null()).flat_map(|x| ix.seek(x)).collect();
                ids.sort_unstable();
                ids.dedup();
                Some(Ok((ids, ix.label, false)))
            }
            // Not a list: the filter that still runs raises the error.
            Ok(_) => None,
        };
    }
    let (mut lo, mut hi): (Bound<Value>, Bound<Value>) = (Unbounded, Unbounded);
    for (op, e) in &node.ranges {
        let v = match eval(e, row, ctx) {
            Ok(v) => v,
            Err(err) => return Some(Err(err)),
        };
        if v.is_null() {
            return Some(Ok((Vec::new(), ix.label, true)));
        }
        match op {
            crate::ast::BinaryOp::Gt => lo = Excluded(v),
            crate::ast::BinaryOp::Ge => lo = Included(v),
            crate::ast::BinaryOp::Lt => hi = Excluded(v),
            crate::ast::BinaryOp::Le => hi = Included(v),
            _ => {}
        }
    }
    if matches!((&lo, &hi), (Unbounded, Unbounded)) {
        return None;
    }
    // The seek answers the comparisons exactly when it used them all: one bound a side, the
    // two comparable with each other. Otherwise the caller checks them.
    let side = |ops: &[crate::ast::BinaryOp]| node.ranges.iter().filter(|(op, _)| ops.contains(op)).count();
    let one_each = side(&[crate::ast::BinaryOp::Gt, crate::ast::BinaryOp::Ge]) <= 1
        && side(&[crate::ast::BinaryOp::Lt, crate::ast::BinaryOp::Le]) <= 1;
    let comparable = match (&lo, &hi) {
        (Included(a) | Excluded(a), Included(b) | Excluded(b)) => a.cypher_cmp(b).is_some(),
        _ => true,
    };
    Some(Ok((ix.range(lo.as_ref(), hi.as_ref()), ix.label, one_each && comparable)))
}
