//! Centrality: degree, PageRank, betweenness (Brandes), closeness and eigenvector centrality,
//! each as NetworkX defines and normalises it.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::{incoming, par_chunks, Check};
use crate::error::{Error, Kind, Result};
use crate::store::Projection;

/// Degree of every node: the number of neighbours (out-neighbours when directed), a self-loop
/// counting twice in an undirected graph; with weights, the sum of the edge weights.
pub fn degree(p: &Projection) -> Vec<f64> {
    (0..p.node_count())
        .map(|i| {
            let nb = p.neighbors(i);
            let (sum, self_w) = match p.weights_of(i) {
                Some(ws) => {
                    let s = nb.iter().position(|&t| t as usize == i).map_or(0.0, |k| ws[k]);
                    (ws.iter().sum::<f64>(), s)
                }
                None => (nb.len() as f64, if nb.binary_search(&(i as u32)).is_ok() { 1.0 } else { 0.0 }),
            };
            if p.directed {
                sum
            } else {
                sum + self_w
            }
        })
        .collect()
}

/// PageRank as `nx.pagerank`: out-links weighted by their share of the node's out-weight,
/// dangling nodes' rank spread uniformly, teleport `(1 - damping) / n`; stops when the L1
/// change is below `n * tol`. Returns the scores and the iterations run.
pub fn pagerank(p: &Projection, damping: f64, max_iter: usize, tol: f64, check: Check) -> Result<(Vec<f64>, usize)> {
    let n = p.node_count();
    if n == 0 {
        return Ok((Vec::new(), 0));
    }
    let inc = incoming(p);
    // Out-weight of each node.
    let out_w: Vec<f64> = (0..n)
        .map(|i| match p.weights_of(i) {
            Some(ws) => ws.iter().sum(),
            None => p.neighbors(i).len() as f64,
        })
        .collect();
    let inv: Vec<f64> = out_w.iter().map(|&s| if s != 0.0 { 1.0 / s } else { 0.0 }).collect();
    let dangling: Vec<u32> = (0..n as u32).filter(|&i| out_w[i as usize] == 0.0).collect();
    let nf = n as f64;
    let pers = 1.0 / nf;
    let mut x = vec![1.0 / nf; n];
    let mut contrib = vec![0.0; n];
    let mut next = vec![0.0; n];
    for it in 0..max_iter {
        check()?;
        // contrib[i] = x[i] / out-weight (the row of x @ (D^-1 A)).
        for i in 0..n {
            contrib[i] = x[i] * inv[i];
        }
        let dsum: f64 = dangling.iter().map(|&i| x[i as usize]).sum();
        let base = damping * dsum * pers;
        let tele = (1.0 - damping) * pers;
        let chunks = par_chunks(n, |a, b| {
            let mut out = Vec::with_capacity(b - a);
            let mut err = 0.0;
            for j in a..b {
                let nb = inc.neighbors(j);
                let s: f64 = match inc.weights_of(j) {
                    Some(ws) => nb.iter().zip(ws).map(|(&i, &w)| contrib[i as usize] * w).sum(),
                    None => nb.iter().map(|&i| contrib[i as usize]).sum(),
                };
                let v = damping * s + base + tele;
                err += (v - x[j]).abs();
                out.push(v);
            }
            (out, err)
        });
        let mut err = 0.0;
        let mut at = 0;
        for (vals, e) in chunks {
            next[at..at + vals.len()].copy_from_slice(&vals);
            at += vals.len();
            err += e;
        }
        std::mem::swap(&mut x, &mut next);
        if err < nf * tol {
            return Ok((x, it + 1));
        }
    }
    Ok((x, max_iter))
}

/// A min-heap entry for Dijkstra: distance, then insertion order (as NetworkX's heap ties).
#[derive(PartialEq)]
struct Entry(f64, u64, u32);
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

/// Scratch space for one single-source shortest-path pass.
struct Sssp {
    order: Vec<u32>,
    dist: Vec<f64>,
    hops: Vec<u32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    queue: VecDeque<u32>,
    heap: BinaryHeap<Entry>,
    done: Vec<bool>,
}

impl Sssp {
    fn new(n: usize) -> Sssp {
        Sssp {
            order: Vec::with_capacity(n),
            dist: vec![f64::INFINITY; n],
            hops: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            delta: vec![0.0; n],
            queue: VecDeque::new(),
            heap: BinaryHeap::new(),
            done: vec![false; n],
        }
    }

    fn reset(&mut self) {
        for &v in &self.order {
            let v = v as usize;
            self.dist[v] = f64::INFINITY;
            self.hops[v] = u32::MAX;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
            self.done[v] = false;
        }
        self.order.clear();
    }

    /// BFS from `s`, counting shortest paths; `order` lists nodes by distance.
    fn bfs(&mut self, p: &Projection, s: usize) {
        self.reset();
        self.hops[s] = 0;
        self.sigma[s] = 1.0;
        self.queue.push_back(s as u32);
        while let Some(v) = self.queue.pop_front() {
            self.order.push(v);
            let (dv, sv) = (self.hops[v as usize], self.sigma[v as usize]);
            for &w in p.neighbors(v as usize) {
                let w = w as usize;
                if self.hops[w] == u32::MAX {
                    self.hops[w] = dv + 1;
                    self.queue.push_back(w as u32);
                }
                if self.hops[w] == dv + 1 {
                    self.sigma[w] += sv;
                }
            }
        }
        for &v in &self.order {
            self.dist[v as usize] = self.hops[v as usize] as f64;
        }
    }

    /// Dijkstra from `s` on the projection's weights, counting shortest paths (equal when the
    /// floating-point sums are equal, as in NetworkX).
    fn dijkstra(&mut self, p: &Projection, s: usize) {
        self.reset();
        let ws = p.weights.as_ref().expect("weighted projection");
        let mut count = 0u64;
        self.dist[s] = 0.0;
        self.sigma[s] = 1.0;
        self.heap.push(Entry(0.0, 0, s as u32));
        while let Some(Entry(d, _, v)) = self.heap.pop() {
            let vu = v as usize;
            if self.done[vu] || d > self.dist[vu] {
                continue;
            }
            self.done[vu] = true;
            self.order.push(v);
            for k in p.offsets[vu]..p.offsets[vu + 1] {
                let w = p.targets[k] as usize;
                if self.done[w] {
                    continue;
                }
                let nd = d + ws[k];
                if nd < self.dist[w] {
                    self.dist[w] = nd;
                    self.sigma[w] = self.sigma[vu];
                    count += 1;
                    self.heap.push(Entry(nd, count, w as u32));
                } else if nd == self.dist[w] {
                    self.sigma[w] += self.sigma[vu];
                }
            }
        }
    }
}

/// Betweenness centrality (Brandes; `nx.betweenness_centrality`, endpoints excluded).
/// Normalised by `1 / ((n-1)(n-2))`; otherwise undirected values are halved.
pub fn betweenness(p: &Projection, normalized: bool, check: Check) -> Result<Vec<f64>> {
    let n = p.node_count();
    let weighted = p.weights.is_some();
    let parts = par_chunks(n, |a, b| -> Result<Vec<f64>> {
        let mut bc = vec![0.0; n];
        let mut sp = Sssp::new(n);
        for s in a..b {
            if (s - a) % 64 == 0 {
                check()?;
            }
            if weighted {
                sp.dijkstra(p, s);
            } else {
                sp.bfs(p, s);
            }
            // Dependencies, from the farthest node back: v precedes w when dist[v] + w(v,w)
            // equals dist[w].
            for &v in sp.order.iter().rev() {
                let v = v as usize;
                let mut dv = 0.0;
                let (lo, hi) = (p.offsets[v], p.offsets[v + 1]);
                for k in lo..hi {
                    let w = p.targets[k] as usize;
                    let on_path = match &p.weights {
                        Some(ws) => sp.done[w] && sp.dist[v] + ws[k] == sp.dist[w] && w != v,
                        None => sp.hops[w] != u32::MAX && sp.hops[w] == sp.hops[v] + 1,
                    };
                    if on_path {
                        dv += (1.0 + sp.delta[w]) / sp.sigma[w];
                    }
                }
                sp.delta[v] = sp.sigma[v] * dv;
                if v != s {
                    bc[v] += sp.delta[v];
                }
            }
        }
        Ok(bc)
    });
    let mut bc = vec![0.0; n];
    for part in parts {
        for (acc, x) in bc.iter_mut().zip(part?) {
            *acc += x;
        }
    }
    let scale = if n < 3 {
        1.0
    } else if normalized {
        1.0 / ((n as f64 - 1.0) * (n as f64 - 2.0))
    } else if p.directed {
        1.0
    } else {
        0.5
    };
    if scale != 1.0 {
        bc.iter_mut().for_each(|x| *x *= scale);
    }
    Ok(bc)
}

/// Closeness centrality (`nx.closeness_centrality`): `(r-1) / total distance` over the `r`
/// nodes that reach the node (incoming distances when directed), scaled by `(r-1)/(n-1)` when
/// `wf_improved` (Wasserman and Faust).
pub fn closeness(p: &Projection, wf_improved: bool, check: Check) -> Result<Vec<f64>> {
    let n = p.node_count();
    let inc = incoming(p);
    let g: &Projection = &inc;
    let parts = par_chunks(n, |a, b| -> Result<Vec<f64>> {
        let mut sp = Sssp::new(n);
        let mut out = Vec::with_capacity(b - a);
        for s in a..b {
            if (s - a) % 64 == 0 {
                check()?;
            }
            if g.weights.is_some() {
                sp.dijkstra(g, s);
            } else {
                sp.bfs(g, s);
            }
            let tot: f64 = sp.order.iter().map(|&v| sp.dist[v as usize]).sum();
            let r = sp.order.len() as f64;
            let mut c = 0.0;
            if tot > 0.0 && n > 1 {
                c = (r - 1.0) / tot;
                if wf_improved {
                    c *= (r - 1.0) / (n as f64 - 1.0);
                }
            }
            out.push(c);
        }
        Ok(out)
    });
    let mut all = Vec::with_capacity(n);
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// Eigenvector centrality (`nx.eigenvector_centrality`): power iteration with `A + I` over
/// incoming edges, Euclidean normalisation, stopping when the L1 change is below `n * tol`.
pub fn eigenvector(p: &Projection, max_iter: usize, tol: f64, check: Check) -> Result<Vec<f64>> {
    let n = p.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let inc = incoming(p);
    let mut x = vec![1.0 / n as f64; n];
    for _ in 0..max_iter {
        check()?;
        let mut next: Vec<f64> = (0..n)
            .map(|v| {
                let nb = inc.neighbors(v);
                let s: f64 = match inc.weights_of(v) {
                    Some(ws) => nb.iter().zip(ws).map(|(&u, &w)| x[u as usize] * w).sum(),
                    None => nb.iter().map(|&u| x[u as usize]).sum(),
                };
                x[v] + s
            })
            .collect();
        let norm = next.iter().map(|v| v * v).sum::<f64>().sqrt();
        let norm = if norm == 0.0 { 1.0 } else { norm };
        next.iter_mut().for_each(|v| *v /= norm);
        let err: f64 = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        x = next;
        if err < n as f64 * tol {
            return Ok(x);
        }
    }
    Err(Error::runtime(
        Kind::ProcedureError,
        "PowerIterationFailedConvergence",
        format!("eigenvector centrality did not converge in {max_iter} iterations (raise `iterations` or `tolerance`)"),
    ))
}
