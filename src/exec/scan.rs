//! Node scans: the candidates a pattern element starts from (an id seek, an index seek, a label
//! scan, all nodes) and the checks left for each.

use super::eval::eval_props;
use super::pattern::label_syms;
use super::rows::one;
use super::{Ctx, Row, RowIter};
use crate::error::Result;
use crate::plan::NodeSpec;
use crate::store::{self, LabelId};
use crate::value::{NodeId, Value};

pub(crate) fn scan<'a>(node: &'a NodeSpec, row: Row, ctx: Ctx<'a>) -> RowIter<'a> {
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
pub(crate) enum Candidates<'a> {
    Listed(Vec<NodeId>),
    Scanned(Box<dyn Iterator<Item = NodeId> + 'a>),
}

/// What a scan checks on each candidate: labels, pattern properties (read as columns where
/// the store has them) and the comparisons the plan left to an index its seek did not answer
/// (no filter repeats them).
pub(crate) struct Checks<'a> {
    labels: Vec<LabelId>,
    props: Vec<(store::PropReader<'a>, Value)>,
    compared: Option<(store::PropReader<'a>, Vec<(crate::ast::BinaryOp, Value)>)>,
}

impl Checks<'_> {
    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.props.is_empty() && self.compared.is_none()
    }

    fn pass(&mut self, ctx: Ctx, id: NodeId) -> bool {
        self.compared.as_mut().is_none_or(|(r, bounds)| super::seek::compares(r.get(id.0), bounds))
            && self.labels.iter().all(|l| ctx.graph.has_label(id, *l))
            && self.props.iter_mut().all(|(r, v)| r.equals(id.0, v))
    }
}

/// A scan's candidates and checks for a row; `None` when nothing can match.
pub(crate) fn scan_plan<'a>(node: &NodeSpec, row: &Row, ctx: Ctx<'a>) -> Result<Option<(Candidates<'a>, Checks<'a>)>> {
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
                (Candidates::Scanned(ctx.graph.nodes_with_label(l)), rest, true)
            }
            None => (Candidates::Scanned(ctx.graph.node_ids()), labels, true),
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
pub(crate) fn in_order(ids: &mut Vec<NodeId>) {
    if ids.is_sorted() {
        return;
    }
    let (lo, hi) = ids.iter().fold((u64::MAX, 0), |(lo, hi), &id| (lo.min(id.0), hi.max(id.0)));
    let span = usize::try_from(hi - lo).unwrap_or(usize::MAX);
    if span / 64 > ids.len() {
        ids.sort_unstable();
        ids.dedup();
        return;
    }
    let mut bits = vec![0u64; span / 64 + 1];
    for &id in ids.iter() {
        let at = (id.0 - lo) as usize;
        bits[at / 64] |= 1 << (at % 64);
    }
    ids.clear();
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            let b = word.trailing_zeros() as u64;
            ids.push(NodeId(lo + w as u64 * 64 + b));
            word &= word - 1;
        }
    }
}
