//! Triangles and the local clustering coefficient of undirected projections, as NetworkX's
//! `triangles` and `clustering` (self-loops ignored; with weights, the geometric mean of the
//! triangle's edge weights normalised by the largest weight).

use super::{par_chunks, Check};
use crate::error::Result;
use crate::store::Projection;

/// For each node: its degree without self-loops and twice its (weighted) triangle count.
fn triangle_sums(p: &Projection, use_weights: bool, check: Check) -> Result<Vec<(usize, f64)>> {
    let n = p.node_count();
    let max_w =
        p.weights.as_ref().filter(|_| use_weights).map(|ws| ws.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    let parts = par_chunks(n, |a, b| -> Result<Vec<(usize, f64)>> {
        let mut out = Vec::with_capacity(b - a);
        for i in a..b {
            if (i - a) % 1024 == 0 {
                check()?;
            }
            let ni = p.neighbors(i);
            let wi = p.weights_of(i);
            let deg = ni.len() - usize::from(ni.binary_search(&(i as u32)).is_ok());
            let mut t = 0.0;
            for (x, &j) in ni.iter().enumerate() {
                let j = j as usize;
                if j == i {
                    continue;
                }
                let nj = p.neighbors(j);
                let wj = p.weights_of(j);
                // Common neighbours k of i and j, k not i or j.
                let (mut a_, mut b_) = (0, 0);
                while a_ < ni.len() && b_ < nj.len() {
                    match ni[a_].cmp(&nj[b_]) {
                        std::cmp::Ordering::Less => a_ += 1,
                        std::cmp::Ordering::Greater => b_ += 1,
                        std::cmp::Ordering::Equal => {
                            let k = ni[a_] as usize;
                            if k != i && k != j {
                                match (wi, wj, max_w) {
                                    (Some(wi), Some(wj), Some(m)) => {
                                        t += ((wi[x] / m) * (wj[b_] / m) * (wi[a_] / m)).cbrt();
                                    }
                                    _ => t += 1.0,
                                }
                            }
                            a_ += 1;
                            b_ += 1;
                        }
                    }
                }
            }
            out.push((deg, t));
        }
        Ok(out)
    });
    let mut all = Vec::with_capacity(n);
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// The number of triangles through each node.
pub fn triangles(p: &Projection, check: Check) -> Result<Vec<u64>> {
    Ok(triangle_sums(p, false, check)?.into_iter().map(|(_, t)| (t / 2.0).round() as u64).collect())
}

/// The local clustering coefficient of each node: `2T / (d(d-1))`.
pub fn clustering(p: &Projection, check: Check) -> Result<Vec<f64>> {
    Ok(triangle_sums(p, true, check)?
        .into_iter()
        .map(|(d, t)| if t == 0.0 || d < 2 { 0.0 } else { t / (d as f64 * (d as f64 - 1.0)) })
        .collect())
}
