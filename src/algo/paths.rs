//! Paths: the cheapest path between two nodes (Dijkstra on a weight, or breadth-first by
//! hops), the nodes within k hops, and the diameter.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::{par_chunks, Check};
use crate::error::{Detail, Error, Kind, Result};
use crate::store::Projection;
use crate::value::{NodeId, Path};

#[derive(PartialEq)]
struct Entry(f64, u32);
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// The cheapest path from `s` to `t` and its cost (hops when unweighted); `None` when `t`
/// cannot be reached or an end is not in the projection.
pub fn shortest_path(p: &Projection, s: NodeId, t: NodeId) -> Result<Option<(Path, f64)>> {
    let (Some(s), Some(t)) = (p.index_of(s), p.index_of(t)) else { return Ok(None) };
    if let Some(ws) = &p.weights {
        if let Some(k) = ws.iter().position(|w| *w < 0.0 || w.is_nan()) {
            return Err(Error::runtime(
                Kind::ArgumentError,
                Detail::InvalidArgumentValue,
                format!("`weight`: relationship {} has a negative weight; Dijkstra needs weights >= 0", p.rels[k]),
            ));
        }
    }
    let n = p.node_count();
    let mut dist = vec![f64::INFINITY; n];
    // How each node was reached: (previous node, edge index).
    let mut pred = vec![(u32::MAX, usize::MAX); n];
    dist[s] = 0.0;
    match &p.weights {
        Some(ws) => {
            let mut heap = BinaryHeap::from([Entry(0.0, s as u32)]);
            let mut done = vec![false; n];
            while let Some(Entry(d, v)) = heap.pop() {
                let v = v as usize;
                if done[v] {
                    continue;
                }
                done[v] = true;
                if v == t {
                    break;
                }
                for k in p.offsets[v]..p.offsets[v + 1] {
                    let w = p.targets[k] as usize;
                    let nd = d + ws[k];
                    if nd < dist[w] {
                        dist[w] = nd;
                        pred[w] = (v as u32, k);
                        heap.push(Entry(nd, w as u32));
                    }
                }
            }
        }
        None => {
            let mut q = VecDeque::from([s as u32]);
            while let Some(v) = q.pop_front() {
                let v = v as usize;
                if v == t {
                    break;
                }
                for k in p.offsets[v]..p.offsets[v + 1] {
                    let w = p.targets[k] as usize;
                    if dist[w].is_infinite() {
                        dist[w] = dist[v] + 1.0;
                        pred[w] = (v as u32, k);
                        q.push_back(w as u32);
                    }
                }
            }
        }
    }
    if dist[t].is_infinite() {
        return Ok(None);
    }
    let mut nodes = vec![p.nodes[t]];
    let mut rels = Vec::new();
    let mut at = t;
    while at != s {
        let (prev, k) = pred[at];
        rels.push(p.rels[k]);
        at = prev as usize;
        nodes.push(p.nodes[at]);
    }
    nodes.reverse();
    rels.reverse();
    Ok(Some((Path { nodes, rels }, dist[t])))
}

/// The nodes at 1 to `k` hops from `s`, with their distance, nearest first (then by id).
pub fn k_hop(p: &Projection, s: NodeId, k: usize) -> Vec<(NodeId, usize)> {
    let Some(s) = p.index_of(s) else { return Vec::new() };
    let mut dist = vec![usize::MAX; p.node_count()];
    dist[s] = 0;
    let mut q = VecDeque::from([s as u32]);
    let mut out = Vec::new();
    while let Some(v) = q.pop_front() {
        let v = v as usize;
        if dist[v] == k {
            continue;
        }
        for &w in p.neighbors(v) {
            let w = w as usize;
            if dist[w] == usize::MAX {
                dist[w] = dist[v] + 1;
                out.push((p.nodes[w], dist[w]));
                q.push_back(w as u32);
            }
        }
    }
    out.sort_by_key(|&(id, d)| (d, id));
    out
}

/// The largest finite distance in hops between two nodes (0 without edges).
pub fn diameter(p: &Projection, check: Check) -> Result<usize> {
    let n = p.node_count();
    let parts = par_chunks(n, |a, b| -> Result<usize> {
        let mut dist = vec![u32::MAX; n];
        let mut seen = Vec::with_capacity(n);
        let mut q = VecDeque::new();
        let mut best = 0u32;
        for s in a..b {
            if (s - a) % 64 == 0 {
                check()?;
            }
            for &v in &seen {
                dist[v as usize] = u32::MAX;
            }
            seen.clear();
            dist[s] = 0;
            seen.push(s as u32);
            q.push_back(s as u32);
            while let Some(v) = q.pop_front() {
                let dv = dist[v as usize];
                best = best.max(dv);
                for &w in p.neighbors(v as usize) {
                    if dist[w as usize] == u32::MAX {
                        dist[w as usize] = dv + 1;
                        seen.push(w);
                        q.push_back(w);
                    }
                }
            }
        }
        Ok(best as usize)
    });
    let mut best = 0;
    for part in parts {
        best = best.max(part?);
    }
    Ok(best)
}
