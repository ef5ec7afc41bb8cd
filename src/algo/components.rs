//! Connected components: weakly connected (union–find over the edges, direction ignored) and
//! strongly connected (Tarjan's algorithm, petgraph's, through the store). Components are
//! numbered 0, 1, … in the order of their first node, as NetworkX's generators list them.

use crate::store::Projection;

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

/// Union of `a` and `b`'s sets; the smaller root stays root.
fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra < rb {
        parent[rb as usize] = ra;
    } else if rb < ra {
        parent[ra as usize] = rb;
    }
}

/// Union–find over the edges of nodes `from..to`, in a forest of its own.
fn forest(p: &Projection, from: usize, to: usize) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..p.node_count() as u32).collect();
    for i in from..to {
        let mut ri = find(&mut parent, i as u32);
        for &t in p.neighbors(i) {
            let rt = find(&mut parent, t);
            if rt != ri {
                // The smaller index becomes the root, so a root is its component's first node.
                if rt < ri {
                    parent[ri as usize] = rt;
                    ri = rt;
                } else {
                    parent[rt as usize] = ri;
                }
            }
        }
    }
    parent
}

/// The weakly connected component of every node. The edges are split between the machine's
/// cores, each joining its share in a forest of its own; the forests are then merged.
pub fn weakly_connected(p: &Projection) -> Vec<u32> {
    let n = p.node_count();
    let mut forests = super::par_chunks(n, |a, b| forest(p, a, b)).into_iter();
    let mut parent = forests.next().unwrap_or_default();
    for mut other in forests {
        for x in 0..n as u32 {
            let r = find(&mut other, x);
            if r != x {
                union(&mut parent, x, r);
            }
        }
    }
    number(n, |i| find(&mut parent, i as u32))
}

/// The strongly connected component of every node (of the undirected graph: its component).
pub fn strongly_connected(p: &Projection) -> Vec<u32> {
    let mut rep = vec![0u32; p.node_count()];
    for comp in p.strongly_connected() {
        let min = comp.iter().copied().min().unwrap_or(0);
        for v in comp {
            rep[v as usize] = min;
        }
    }
    number(p.node_count(), |i| rep[i])
}

/// Numbers components by their first node, given each node's representative.
fn number(n: usize, mut rep: impl FnMut(usize) -> u32) -> Vec<u32> {
    let mut id = vec![u32::MAX; n];
    let mut out = vec![0u32; n];
    let mut next = 0;
    for i in 0..n {
        let r = rep(i) as usize;
        if id[r] == u32::MAX {
            id[r] = next;
            next += 1;
        }
        out[i] = id[r];
    }
    out
}
