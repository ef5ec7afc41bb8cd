//! Communities: the Louvain method and modularity, step for step as NetworkX's
//! `louvain_communities` and `modularity`: the same visiting order (nodes shuffled by Python's
//! own random generator from the seed), the same gain formula and tie rules (the first
//! community with a strictly larger gain wins, the node's own community is tried last when
//! none of its neighbours is in it), the same aggregation order and stopping threshold. On a
//! graph whose adjacency NetworkX holds in ascending order (as the fixtures build it), the same
//! seed gives the same partition.

use std::collections::HashMap;

use super::pyrandom::PyRandom;
use super::Check;
use crate::error::Result;
use crate::store::Projection;

/// One level's graph: adjacency lists in NetworkX's insertion order, with weights. Undirected
/// graphs use `succ` only (a self-loop listed once).
struct Level {
    directed: bool,
    succ: Vec<Vec<(u32, f64)>>,
    pred: Vec<Vec<(u32, f64)>>,
}

impl Level {
    fn from_projection(p: &Projection) -> Level {
        let n = p.node_count();
        let adj = |q: &Projection| -> Vec<Vec<(u32, f64)>> {
            (0..n)
                .map(|i| match q.weights_of(i) {
                    Some(ws) => q.neighbors(i).iter().copied().zip(ws.iter().copied()).collect(),
                    None => q.neighbors(i).iter().map(|&t| (t, 1.0)).collect(),
                })
                .collect()
        };
        let succ = adj(p);
        let pred = if p.directed { adj(&super::incoming(p)) } else { Vec::new() };
        Level { directed: p.directed, succ, pred }
    }

    fn len(&self) -> usize {
        self.succ.len()
    }

    /// `G.edges()`: each undirected edge once, from its first end in node order.
    fn edges(&self) -> impl Iterator<Item = (u32, u32, f64)> + '_ {
        self.succ.iter().enumerate().flat_map(move |(u, adj)| {
            adj.iter().filter(move |(v, _)| self.directed || *v as usize >= u).map(move |&(v, w)| (u as u32, v, w))
        })
    }

    /// Weighted degree (a self-loop twice) when undirected; `(out, in)` when directed.
    fn degrees(&self) -> (Vec<f64>, Vec<f64>) {
        let sum = |adj: &Vec<(u32, f64)>| adj.iter().fold(0.0, |s, &(_, w)| s + w);
        if self.directed {
            (self.succ.iter().map(sum).collect(), self.pred.iter().map(sum).collect())
        } else {
            let d: Vec<f64> = self
                .succ
                .iter()
                .enumerate()
                .map(|(u, adj)| sum(adj) + adj.iter().find(|(v, _)| *v as usize == u).map_or(0.0, |&(_, w)| w))
                .collect();
            (d.clone(), d)
        }
    }

    /// `G.size(weight="weight")`.
    fn size(&self) -> f64 {
        let (out, inc) = self.degrees();
        if self.directed {
            out.iter().zip(&inc).fold(0.0, |s, (o, i)| s + (o + i)) / 2.0
        } else {
            out.iter().fold(0.0, |s, d| s + d) / 2.0
        }
    }

    /// The graph of communities (`_gen_graph`): node `c` for community `c`, edge weights summed.
    fn aggregate(&self, com: &[u32], k: usize) -> Level {
        let mut succ: Vec<Vec<u32>> = vec![Vec::new(); k];
        let mut pred: Vec<Vec<u32>> = vec![Vec::new(); if self.directed { k } else { 0 }];
        let mut weight: HashMap<(u32, u32), f64> = HashMap::new();
        for (u, v, w) in self.edges() {
            let (c1, c2) = (com[u as usize], com[v as usize]);
            let key = if self.directed { (c1, c2) } else { (c1.min(c2), c1.max(c2)) };
            match weight.get_mut(&key) {
                Some(old) => *old += w,
                None => {
                    weight.insert(key, w);
                    succ[c1 as usize].push(c2);
                    if self.directed {
                        pred[c2 as usize].push(c1);
                    } else if c1 != c2 {
                        succ[c2 as usize].push(c1);
                    }
                }
            }
        }
        let w = |a: u32, b: u32| if self.directed { weight[&(a, b)] } else { weight[&(a.min(b), a.max(b))] };
        Level {
            directed: self.directed,
            succ: succ.iter().enumerate().map(|(a, vs)| vs.iter().map(|&b| (b, w(a as u32, b))).collect()).collect(),
            pred: pred.iter().enumerate().map(|(b, us)| us.iter().map(|&a| (a, w(a, b as u32))).collect()).collect(),
        }
    }

    /// `nx.community.modularity` of the partition `com` (community of each node).
    fn modularity(&self, com: &[u32], resolution: f64) -> f64 {
        let (out, inc) = self.degrees();
        let k = com.iter().max().map_or(0, |m| *m as usize + 1);
        let (m, norm) = if self.directed {
            let m = out.iter().fold(0.0, |s, d| s + d);
            (m, 1.0 / (m * m))
        } else {
            let deg_sum = out.iter().fold(0.0, |s, d| s + d);
            (deg_sum / 2.0, 1.0 / (deg_sum * deg_sum))
        };
        let mut inner = vec![0.0; k];
        for (u, v, w) in self.edges() {
            if com[u as usize] == com[v as usize] {
                inner[com[u as usize] as usize] += w;
            }
        }
        let (mut out_sum, mut in_sum) = (vec![0.0; k], vec![0.0; k]);
        for u in 0..self.len() {
            out_sum[com[u] as usize] += out[u];
            in_sum[com[u] as usize] += inc[u];
        }
        (0..k).map(|c| inner[c] / m - resolution * out_sum[c] * in_sum[c] * norm).fold(0.0, |s, x| s + x)
    }

    /// One pass of local moves (`_one_level`); returns each node's community and whether any
    /// node moved.
    fn one_level(&self, m: f64, resolution: f64, rng: &mut PyRandom, check: Check) -> Result<(Vec<u32>, bool)> {
        let n = self.len();
        let mut node2com: Vec<u32> = (0..n as u32).collect();
        let (out_deg, in_deg) = self.degrees();
        let (mut stot_out, mut stot_in) = (out_deg.clone(), in_deg.clone());
        // Neighbours without self-loops, weights summed over both directions when directed.
        let mut at = vec![u32::MAX; n];
        let nbrs: Vec<Vec<(u32, f64)>> = (0..n)
            .map(|u| {
                let mut list: Vec<(u32, f64)> = Vec::new();
                let lists: &[&Vec<(u32, f64)>] =
                    if self.directed { &[&self.succ[u], &self.pred[u]] } else { &[&self.succ[u]] };
                for adj in lists {
                    for &(v, w) in adj.iter() {
                        if v as usize == u {
                            continue;
                        }
                        match at[v as usize] {
                            u32::MAX => {
                                at[v as usize] = list.len() as u32;
                                list.push((v, w));
                            }
                            k => list[k as usize].1 += w,
                        }
                    }
                }
                for &(v, _) in &list {
                    at[v as usize] = u32::MAX;
                }
                list
            })
            .collect();
        let mut order: Vec<u32> = (0..n as u32).collect();
        rng.shuffle(&mut order);
        let mut slot = vec![u32::MAX; n];
        let mut w2c: Vec<(u32, f64)> = Vec::new();
        let mut improvement = false;
        let m2 = m * m;
        loop {
            check()?;
            let mut moves = 0;
            for &u in &order {
                let u = u as usize;
                let mut best_mod = 0.0;
                let mut best = node2com[u];
                w2c.clear();
                for &(v, w) in &nbrs[u] {
                    let c = node2com[v as usize];
                    if slot[c as usize] == u32::MAX {
                        slot[c as usize] = w2c.len() as u32;
                        w2c.push((c, 0.0));
                    }
                    w2c[slot[c as usize] as usize].1 += w;
                }
                if slot[best as usize] == u32::MAX {
                    slot[best as usize] = w2c.len() as u32;
                    w2c.push((best, 0.0));
                }
                let w_own = w2c[slot[best as usize] as usize].1;
                let remove_cost;
                if self.directed {
                    let (od, id) = (out_deg[u], in_deg[u]);
                    stot_in[best as usize] -= id;
                    stot_out[best as usize] -= od;
                    remove_cost =
                        -w_own / m + resolution * (od * stot_in[best as usize] + id * stot_out[best as usize]) / m2;
                    for &(c, wt) in &w2c {
                        let gain = remove_cost + wt / m
                            - resolution * (od * stot_in[c as usize] + id * stot_out[c as usize]) / m2;
                        if gain > best_mod {
                            best_mod = gain;
                            best = c;
                        }
                    }
                    stot_in[best as usize] += id;
                    stot_out[best as usize] += od;
                } else {
                    let d = out_deg[u];
                    stot_out[best as usize] -= d;
                    remove_cost = -w_own / m + resolution * (stot_out[best as usize] * d) / (2.0 * m2);
                    for &(c, wt) in &w2c {
                        let gain = remove_cost + wt / m - resolution * (stot_out[c as usize] * d) / (2.0 * m2);
                        if gain > best_mod {
                            best_mod = gain;
                            best = c;
                        }
                    }
                    stot_out[best as usize] += d;
                }
                for &(c, _) in &w2c {
                    slot[c as usize] = u32::MAX;
                }
                if best != node2com[u] {
                    node2com[u] = best;
                    improvement = true;
                    moves += 1;
                }
            }
            if moves == 0 {
                break;
            }
        }
        Ok((node2com, improvement))
    }
}

/// Renumbers communities 0.. in order of their old number; returns the new numbers by old
/// number and the count.
fn compact(com: &[u32]) -> (Vec<u32>, usize) {
    let mut used = vec![false; com.len()];
    for &c in com {
        used[c as usize] = true;
    }
    let mut rank = vec![u32::MAX; com.len()];
    let mut k = 0;
    for (c, u) in used.iter().enumerate() {
        if *u {
            rank[c] = k as u32;
            k += 1;
        }
    }
    (rank, k)
}

/// Louvain communities: the community (0, 1, …) of each node of the projection.
pub fn louvain(p: &Projection, resolution: f64, threshold: f64, seed: i64, check: Check) -> Result<Vec<u32>> {
    let n = p.node_count();
    if p.targets.is_empty() {
        return Ok((0..n as u32).collect());
    }
    let mut rng = PyRandom::new(seed);
    let mut g = Level::from_projection(p);
    let identity: Vec<u32> = (0..n as u32).collect();
    let mut modularity = g.modularity(&identity, resolution);
    let m = g.size();
    // The level node of each original node.
    let mut level_of = identity;
    let (mut com, _) = g.one_level(m, resolution, &mut rng, check)?;
    loop {
        let (rank, k) = compact(&com);
        let current: Vec<u32> = level_of.iter().map(|&l| rank[com[l as usize] as usize]).collect();
        let new_mod = g.modularity(&com, resolution);
        if new_mod - modularity <= threshold {
            return Ok(current);
        }
        modularity = new_mod;
        let dense: Vec<u32> = com.iter().map(|&c| rank[c as usize]).collect();
        g = g.aggregate(&dense, k);
        level_of = current.clone();
        let (next, improved) = g.one_level(m, resolution, &mut rng, check)?;
        if !improved {
            return Ok(current);
        }
        com = next;
    }
}

/// The modularity of a partition of the projection (`nx.community.modularity`).
pub fn modularity(p: &Projection, com: &[u32], resolution: f64) -> f64 {
    if p.targets.is_empty() {
        return 0.0;
    }
    Level::from_projection(p).modularity(com, resolution)
}
