//! How the executor runs the operators of a pipeline, decided from the plan alone so that
//! `EXPLAIN` and `PROFILE` show it.
//!
//! An operator that needs all its input before it gives a row (an aggregation, a sort) is
//! *fused* with the streaming operators that feed it: scans, node checks, filters, projections
//! and single-hop expansions, back to the first operator that is none of those. Fused, they
//! share one row buffer and push each row into the next (`exec/push`); every other operator
//! is pulled, as an iterator of rows. A fused aggregation that starts with a node scan and
//! whose aggregates merge (counts, sums, averages, minima, maxima, lists, none DISTINCT) runs
//! its scan in parts on all cores, except under `PROFILE`, where one thread runs it so that
//! times add up.

use super::{Agg, AggFunc, Op};

/// A run of fused operators: `ops[start..end]` push their rows into `ops[end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fused {
    /// The first fused operator.
    pub start: usize,
    /// The blocking operator the run ends in.
    pub end: usize,
    /// Whether the run may use all cores.
    pub parallel: bool,
}

/// The fused runs of `ops`, in order. A blocking operator fed by no fusable one is in none.
pub fn fused(ops: &[Op]) -> Vec<Fused> {
    let mut out = Vec::new();
    for (end, op) in ops.iter().enumerate() {
        if !blocking(op) {
            continue;
        }
        let n = ops[..end].iter().rev().take_while(|o| fusable(o)).count();
        if n == 0 {
            continue;
        }
        let start = end - n;
        let parallel = match (&ops[start], op) {
            (Op::NodeScan { .. }, Op::Aggregate { aggs, .. }) => mergeable(aggs),
            _ => false,
        };
        out.push(Fused { start, end, parallel });
    }
    out
}

/// What `EXPLAIN` (or, if `profiled`, `PROFILE`) says after each operator of `ops`: the
/// fused run it is in, numbered from the first, and whether that runs on all cores; empty for
/// one that is pulled.
pub fn notes(ops: &[Op], profiled: bool) -> Vec<String> {
    let mut out = vec![String::new(); ops.len()];
    for (i, f) in fused(ops).iter().enumerate() {
        let run = format!("fused {}", i + 1);
        out[f.start..f.end].iter_mut().for_each(|n| *n = run.clone());
        out[f.end] = match (f.parallel, profiled) {
            (false, _) => run,
            (true, false) => format!("{run}, parallel"),
            (true, true) => format!("{run}, one thread under PROFILE"),
        };
    }
    out
}

/// Whether an operator needs all its input before it gives a row.
pub fn blocking(op: &Op) -> bool {
    matches!(op, Op::Aggregate { .. } | Op::Sort { .. })
}

/// Whether an operator can push its rows into the next through a shared buffer.
fn fusable(op: &Op) -> bool {
    match op {
        Op::NodeScan { .. } | Op::NodeCheck { .. } | Op::Filter { .. } | Op::Project { .. } => true,
        Op::Expand { rel, .. } => rel.var_len.is_none(),
        _ => false,
    }
}

/// Whether groupings of consecutive parts of the rows merge into the grouping of them all.
pub fn mergeable(aggs: &[Agg]) -> bool {
    aggs.iter().all(|a| {
        !a.distinct
            && matches!(
                a.func,
                AggFunc::CountStar
                    | AggFunc::Count
                    | AggFunc::Sum
                    | AggFunc::Avg
                    | AggFunc::Min
                    | AggFunc::Max
                    | AggFunc::Collect
            )
    })
}
