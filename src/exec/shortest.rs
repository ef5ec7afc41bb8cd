//! `shortestPath` and `allShortestPaths`: a breadth-first search from both ends at once, a
//! whole layer at a time on the side with the smaller frontier, until the two meet. Searching
//! from both ends visits about twice the square root of the nodes one search would (a person
//! five hops away: thousands of nodes instead of a hundred thousand).

use std::collections::HashMap;
use std::rc::Rc;

use super::eval::eval_props;
use super::expand::{rel_matches, store_dir, type_syms, Neighbours};
use super::rows::{none, one};
use super::{Ctx, Row, RowIter};
use crate::plan::RelSpec;
use crate::store::{self, KeyId, TypeId};
use crate::value::{NodeId, Path, RelId, Value};

pub(crate) fn shortest<'a>(
    from: usize,
    to: usize,
    rel: &'a RelSpec,
    path_slot: Option<usize>,
    all: bool,
    row: Row,
    ctx: Ctx<'a>,
) -> RowIter<'a> {
    let (Value::Node(a), Value::Node(b)) = (&row[from], &row[to]) else { return none() };
    let (a, b) = (*a, *b);
    let Some(types) = type_syms(ctx, &rel.types) else { return none() };
    let props = match eval_props(&rel.props, &row, ctx) {
        Err(e) => return one(Err(e)),
        Ok(None) => return none(),
        Ok(Some(p)) => p,
    };
    let (min, max) = rel.var_len.unwrap_or((1, Some(1)));
    let search = Search { ctx, props: &props, types: Rc::from(types), dir: store_dir(rel.dir) };
    let paths = match search.run(a, b, min, max, all) {
        Ok(p) => p,
        Err(e) => return one(Err(e)),
    };
    let rslot = rel.slot;
    Box::new(paths.into_iter().map(move |p| {
        let mut r = row.clone();
        r[rslot] = Value::List(p.rels.iter().map(|x| Value::Rel(*x)).collect());
        if let Some(s) = path_slot {
            r[s] = Value::Path(Box::new(p));
        }
        Ok(r)
    }))
}

/// One end's search: how far each node it reached is, and how it got there.
struct Side {
    depth: HashMap<NodeId, u64, ahash::RandomState>,
    /// Every neighbour one layer nearer this side's end, with the relationship between.
    via: HashMap<NodeId, Vec<(NodeId, RelId)>, ahash::RandomState>,
    frontier: Vec<NodeId>,
    level: u64,
    nb: Neighbours,
}

impl Side {
    fn new(ctx: Ctx, start: NodeId, dir: store::Dir, types: Rc<[TypeId]>) -> Side {
        let mut depth = HashMap::default();
        depth.insert(start, 0);
        Side { depth, via: HashMap::default(), frontier: vec![start], level: 0, nb: Neighbours::new(ctx, dir, types) }
    }

    /// Walks one layer further; returns the newly reached nodes the other side has reached.
    fn step(&mut self, search: &Search, other: &Side) -> crate::error::Result<Vec<NodeId>> {
        self.level += 1;
        let level = self.level;
        let mut next = Vec::new();
        let mut meet = Vec::new();
        for n in std::mem::take(&mut self.frontier) {
            search.ctx.control.tick()?;
            for (r, o) in self.nb.iter(search.ctx, n) {
                if !rel_matches(search.ctx, r, search.props) {
                    continue;
                }
                match self.depth.get(&o) {
                    Some(&d) if d == level => self.via.entry(o).or_default().push((n, r)),
                    Some(_) => {}
                    None => {
                        self.depth.insert(o, level);
                        self.via.entry(o).or_default().push((n, r));
                        next.push(o);
                        if other.depth.contains_key(&o) {
                            meet.push(o);
                        }
                    }
                }
            }
        }
        self.frontier = next;
        Ok(meet)
    }

    /// The walks from this side's end to `n`, each as `(nodes, relationships)` read from `n`
    /// back to the end; only the first one unless `all`.
    fn walks(&self, n: NodeId, all: bool) -> Vec<(Vec<NodeId>, Vec<RelId>)> {
        let mut out = Vec::new();
        let mut stack = vec![(n, vec![n], Vec::new())];
        while let Some((at, nodes, rels)) = stack.pop() {
            let Some(via) = self.via.get(&at) else {
                out.push((nodes, rels));
                if !all {
                    break;
                }
                continue;
            };
            for &(p, r) in via.iter().rev() {
                let (mut ns, mut rs) = (nodes.clone(), rels.clone());
                ns.push(p);
                rs.push(r);
                stack.push((p, ns, rs));
            }
        }
        out
    }
}

struct Search<'a> {
    ctx: Ctx<'a>,
    props: &'a [(KeyId, Value)],
    types: Rc<[TypeId]>,
    dir: store::Dir,
}

impl Search<'_> {
    /// The shortest path(s) from `a` to `b` of `min..=max` hops.
    fn run(&self, a: NodeId, b: NodeId, min: u64, max: Option<u64>, all: bool) -> crate::error::Result<Vec<Path>> {
        if a == b {
            return Ok(if min == 0 { vec![Path { nodes: vec![a], rels: vec![] }] } else { vec![] });
        }
        let back = match self.dir {
            store::Dir::Out => store::Dir::In,
            store::Dir::In => store::Dir::Out,
            store::Dir::Both => store::Dir::Both,
        };
        let mut fwd = Side::new(self.ctx, a, self.dir, self.types.clone());
        let mut bwd = Side::new(self.ctx, b, back, self.types.clone());
        let meet = loop {
            if fwd.frontier.is_empty() || bwd.frontier.is_empty() || max.is_some_and(|m| fwd.level + bwd.level >= m) {
                return Ok(Vec::new());
            }
            let meet =
                if fwd.frontier.len() <= bwd.frontier.len() { fwd.step(self, &bwd)? } else { bwd.step(self, &fwd)? };
            if !meet.is_empty() {
                break meet;
            }
        };
        if fwd.level + bwd.level < min {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for m in meet {
            for (f_nodes, f_rels) in fwd.walks(m, all) {
                for (b_nodes, b_rels) in bwd.walks(m, all) {
                    let mut nodes: Vec<NodeId> = f_nodes.iter().rev().copied().collect();
                    nodes.extend(&b_nodes[1..]);
                    let mut rels: Vec<RelId> = f_rels.iter().rev().copied().collect();
                    rels.extend(&b_rels);
                    out.push(Path { nodes, rels });
                    if !all {
                        return Ok(out);
                    }
                }
            }
        }
        Ok(out)
    }
}
