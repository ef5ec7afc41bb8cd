//! Centrality: degree, PageRank, betweenness (Brandes), closeness and eigenvector centrality,
//! each as NetworkX defines and normalises it.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::{incoming, par_chunks, Check};
use crate::error::{Detail, Error, Kind, Result};
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
    pagerank_incoming(&incoming(p), damping, max_iter, tol, check)
}

/// [`pagerank`] given the incoming adjacency (a reversed projection, or an undirected one).
pub fn pagerank_incoming(
    inc: &Projection,
    damping: f64,
    max_iter: usize,
    tol: f64,
    check: Check,
) -> Result<(Vec<f64>, usize)> {
    let n = inc.node_count();
    if n == 0 {
        return Ok((Vec::new(), 0));
    }
    // Out-weight of each node, from the incoming lists.
    let mut out_w = vec![0.0; n];
    match &inc.weights {
        Some(ws) => inc.targets.iter().zip(ws).for_each(|(&i, &w)| out_w[i as usize] += w),
        None => inc.targets.iter().for_each(|&i| out_w[i as usize] += 1.0),
    }
    let inv: Vec<f64> = out_w.iter().map(|&s| if s != 0.0 { 1.0 / s } else { 0.0 }).collect();
    let dangling: Vec<u32> = (0..n as u32).filter(|&i| out_w[i as usize] == 0.0).collect();
    let nf = n as f64;
    let pers = 1.0 / nf;
    let mut x = vec![1.0 / nf; n];
    let mut contrib = vec![0.0; n];
    let mut next = vec![0.0; n];
    let ranges = balanced_ranges(inc, threads());
    for it in 0..max_iter {
        check()?;
        // contrib[i] = x[i] / out-weight (the row of x @ (D^-1 A)).
        for i in 0..n {
            contrib[i] = x[i] * inv[i];
        }
        let dsum: f64 = dangling.iter().map(|&i| x[i as usize]).sum();
        let base = damping * dsum * pers;
        let tele = (1.0 - damping) * pers;
        let (contrib, x_ref) = (&contrib, &x);
        let err: f64 = par_fill(&mut next, &ranges, |j| {
            let nb = inc.neighbors(j);
            let s: f64 = match inc.weights_of(j) {
                Some(ws) => nb.iter().zip(ws).map(|(&i, &w)| contrib[i as usize] * w).sum(),
                None => nb.iter().map(|&i| contrib[i as usize]).sum(),
            };
            let v = damping * s + base + tele;
            (v, (v - x_ref[j]).abs())
        });
        std::mem::swap(&mut x, &mut next);
        if err < nf * tol {
            return Ok((x, it + 1));
        }
    }
    Ok((x, max_iter))
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8)
}

/// Splits the nodes into `parts` contiguous ranges of about equal work (edges plus nodes).
fn balanced_ranges(p: &Projection, parts: usize) -> Vec<(usize, usize)> {
    let n = p.node_count();
    let total = p.targets.len() + n;
    // The first node index whose preceding work reaches `goal` (work is monotonic in the index).
    let cut = |goal: usize| {
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if p.offsets[mid] + mid < goal {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let mut out = Vec::new();
    let mut start = 0;
    for k in 1..=parts {
        let end = if k == parts { n } else { cut(total * k / parts).max(start) };
        out.push((start, end));
        start = end;
    }
    out
}

/// Fills `out[j]` with `f(j).0` over the ranges in parallel; returns the sum of `f(j).1`.
fn par_fill(out: &mut [f64], ranges: &[(usize, usize)], f: impl Fn(usize) -> (f64, f64) + Sync) -> f64 {
    let f = &f;
    std::thread::scope(|s| {
        let mut rest = out;
        let mut handles = Vec::new();
        for &(a, b) in ranges {
            let (chunk, r) = std::mem::take(&mut rest).split_at_mut(b - a);
            rest = r;
            handles.push(s.spawn(move || {
                let mut err = 0.0;
                for (k, slot) in chunk.iter_mut().enumerate() {
                    let (v, e) = f(a + k);
                    *slot = v;
                    err += e;
                }
                err
            }));
        }
        handles.into_iter().map(|h| h.join().expect("pagerank thread panicked")).sum()
    })
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
    // Sources are handed out in small blocks, since their work varies widely.
    let parts = par_dynamic(n, 8, |next: &dyn Fn() -> Option<(usize, usize)>| -> Result<Vec<f64>> {
        let mut bc = vec![0.0; n];
        match &p.weights {
            None => {
                let mut bfs = Bfs::new(n);
                while let Some((a, b)) = next() {
                    check()?;
                    for s in a..b {
                        bfs.source(p, s, &mut bc);
                    }
                }
            }
            Some(ws) => {
                let mut sp = Sssp::new(n);
                while let Some((a, b)) = next() {
                    check()?;
                    for s in a..b {
                        sp.dijkstra(p, s);
                        // Dependencies, from the farthest node back: v precedes w when
                        // dist[v] + w(v,w) equals dist[w].
                        for &v in sp.order.iter().rev() {
                            let v = v as usize;
                            let mut dv = 0.0;
                            for k in p.offsets[v]..p.offsets[v + 1] {
                                let w = p.targets[k] as usize;
                                if sp.done[w] && w != v && sp.dist[v] + ws[k] == sp.dist[w] {
                                    dv += (1.0 + sp.delta[w]) / sp.sigma[w];
                                }
                            }
                            sp.delta[v] = sp.sigma[v] * dv;
                            if v != s {
                                bc[v] += sp.delta[v];
                            }
                        }
                    }
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

/// Scratch space of one worker of unweighted Brandes.
struct Bfs {
    hops: Vec<u32>,
    sigma: Vec<f64>,
    coef: Vec<f64>,
    /// Nodes in the order reached (also the queue).
    order: Vec<u32>,
    /// The shortest-path DAG: the successors of `order[i]` are `dag[dag_at[i]..dag_at[i + 1]]`.
    dag: Vec<u32>,
    dag_at: Vec<usize>,
}

impl Bfs {
    fn new(n: usize) -> Bfs {
        Bfs {
            hops: vec![u32::MAX; n],
            sigma: vec![0.0; n],
            coef: vec![0.0; n],
            order: Vec::with_capacity(n),
            dag: Vec::new(),
            dag_at: Vec::with_capacity(n + 1),
        }
    }

    /// One source of Brandes' algorithm: counts shortest paths forward, recording the DAG
    /// edges, then accumulates dependencies backward over them, where
    /// `coef[w] = (1 + delta[w]) / sigma[w]` once `w` is final.
    fn source(&mut self, p: &Projection, s: usize, bc: &mut [f64]) {
        let Bfs { hops, sigma, coef, order, dag, dag_at } = self;
        order.clear();
        dag.clear();
        dag_at.clear();
        order.push(s as u32);
        hops[s] = 0;
        sigma[s] = 1.0;
        let mut head = 0;
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            dag_at.push(dag.len());
            let (dv, sv) = (hops[v] + 1, sigma[v]);
            for &w in p.neighbors(v) {
                let wu = w as usize;
                let hw = hops[wu];
                if hw == u32::MAX {
                    hops[wu] = dv;
                    sigma[wu] = sv;
                    order.push(w);
                    dag.push(w);
                } else if hw == dv {
                    sigma[wu] += sv;
                    dag.push(w);
                }
            }
        }
        dag_at.push(dag.len());
        for i in (0..order.len()).rev() {
            let v = order[i] as usize;
            let acc: f64 = dag[dag_at[i]..dag_at[i + 1]].iter().map(|&w| coef[w as usize]).sum();
            let delta = sigma[v] * acc;
            coef[v] = (1.0 + delta) / sigma[v];
            if v != s {
                bc[v] += delta;
            }
        }
        for &v in order.iter() {
            hops[v as usize] = u32::MAX;
        }
    }
}

/// Runs `work` on every core; each worker takes `[a, b)` blocks of `0..n` from `next()` until
/// none are left. Returns the workers' results.
pub(crate) fn par_dynamic<T: Send>(
    n: usize,
    block: usize,
    work: impl Fn(&dyn Fn() -> Option<(usize, usize)>) -> T + Sync,
) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering as AtOrd};
    let counter = AtomicUsize::new(0);
    let next = || {
        let a = counter.fetch_add(block, AtOrd::Relaxed);
        (a < n).then(|| (a, (a + block).min(n)))
    };
    let threads = if n < 2 * block { 1 } else { threads() };
    if threads == 1 {
        return vec![work(&next)];
    }
    let (work, next) = (&work, &next);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(move || work(next))).collect();
        handles.into_iter().map(|h| h.join().expect("algorithm thread panicked")).collect()
    })
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
        Detail::PowerIterationFailedConvergence,
        format!("eigenvector centrality did not converge in {max_iter} iterations (raise `iterations` or `tolerance`)"),
    ))
}
