//! Graph algorithms as procedures: `CALL algo.pageRank({...}) YIELD node, score`. Each call
//! runs a loop over a read-only [`Projection`] of the graph (the store's compact CSR: nodes with
//! some labels, relationships of some types, directed or not, weighted by a property or not),
//! which the store builds on first use and keeps until the graph changes. The definitions are NetworkX's, to the detail of its defaults,
//! normalisations and convergence tests, so that the results agree with it (the tests compare
//! them with fixtures NetworkX produced).
//!
//! One optional map argument configures every procedure: `labels`, `types`, `direction`
//! (`'out'`, `'in'` or `'both'`), `weight` (a relationship property), and each algorithm's own
//! keys. Parallel relationships collapse into one edge (the smallest weight), as in a
//! NetworkX `Graph`/`DiGraph`.

// CSR loops index several parallel arrays by the same edge or node number.
#![allow(clippy::needless_range_loop)]

mod centrality;
mod clustering;
mod community;
mod components;
mod paths;
mod pyrandom;

use std::borrow::Cow;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::error::{Detail, Error, Kind, Result};
use crate::store::{GraphRead, KeyId, LabelId, Projection, ProjectionError, TypeId};
use crate::value::{NodeId, RelId, Value};

pub use centrality::{betweenness, closeness, degree, eigenvector, pagerank, pagerank_incoming};
pub use clustering::{clustering, triangles};
pub use community::{louvain, modularity};
pub use components::{strongly_connected, weakly_connected};

/// One output row: field name → value.
pub type Record = IndexMap<&'static str, Value>;

/// Checks, now and then during a long loop, whether the statement was cancelled or timed out.
pub type Check<'a> = &'a (dyn Fn() -> Result<()> + Sync);

/// Which way relationships are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Along the relationships' direction.
    Out,
    /// Against the relationships' direction.
    In,
    /// Either way, as if undirected.
    Both,
}

/// A procedure's configuration, read from its map argument.
#[derive(Debug, Clone)]
pub struct Config {
    /// The labels whose nodes are projected (all nodes when empty).
    pub labels: Vec<LabelId>,
    /// The relationship types projected (all types when empty).
    pub types: Vec<TypeId>,
    /// Which way relationships are followed.
    pub direction: Direction,
    /// The relationship property that weighs each edge, if any.
    pub weight: Option<KeyId>,
    /// The algorithm's own keys.
    pub extra: IndexMap<String, Value>,
    /// Whether the projection keeps the relationship of each edge (for paths).
    pub with_rels: bool,
}

fn bad(key: &str, msg: impl std::fmt::Display) -> Error {
    Error::runtime(Kind::ArgumentError, Detail::InvalidArgumentValue, format!("`{key}`: {msg}"))
}

impl Config {
    /// Reads the map argument; `keys` are the algorithm's own keys, `direction` its default.
    pub fn parse(g: &dyn GraphRead, arg: Option<&Value>, keys: &[&str], direction: Direction) -> Result<Config> {
        let mut c = Config {
            labels: Vec::new(),
            types: Vec::new(),
            direction,
            weight: None,
            extra: IndexMap::new(),
            with_rels: false,
        };
        let map = match arg {
            None | Some(Value::Null) => return Ok(c),
            Some(Value::Map(m)) => m,
            Some(v) => {
                return Err(Error::runtime(
                    Kind::ArgumentError,
                    Detail::InvalidArgumentValue,
                    format!("the configuration must be a map, got {}", crate::value::to_cypher_literal(v)),
                ))
            }
        };
        let names = |key: &str, v: &Value| -> Result<Vec<String>> {
            match v {
                Value::Null => Ok(Vec::new()),
                Value::String(s) => Ok(vec![s.to_string()]),
                Value::List(xs) => xs
                    .iter()
                    .map(|x| match x {
                        Value::String(s) => Ok(s.to_string()),
                        _ => Err(bad(key, "expected a list of names")),
                    })
                    .collect(),
                _ => Err(bad(key, "expected a name or a list of names")),
            }
        };
        for (k, v) in map.iter() {
            match k.as_str() {
                "labels" => c.labels = names(k, v)?.iter().map(|n| g.label_id(n).unwrap_or(LabelId::NONE)).collect(),
                "types" => c.types = names(k, v)?.iter().map(|n| g.type_id(n).unwrap_or(TypeId::NONE)).collect(),
                "direction" => {
                    c.direction = match v {
                        Value::String(s) => match s.to_ascii_lowercase().as_str() {
                            "out" | "outgoing" | "natural" => Direction::Out,
                            "in" | "incoming" | "reverse" => Direction::In,
                            "both" | "undirected" => Direction::Both,
                            _ => return Err(bad(k, format!("expected 'out', 'in' or 'both', got '{s}'"))),
                        },
                        _ => return Err(bad(k, "expected 'out', 'in' or 'both'")),
                    }
                }
                "weight" => {
                    c.weight = match v {
                        Value::Null => None,
                        Value::String(s) => Some(g.key_id(s).unwrap_or(KeyId::NONE)),
                        _ => return Err(bad(k, "expected a relationship property name")),
                    }
                }
                other if keys.contains(&other) => {
                    c.extra.insert(other.to_string(), v.clone());
                }
                other => {
                    let mut all = vec!["labels", "types", "direction", "weight"];
                    all.extend_from_slice(keys);
                    return Err(Error::runtime(
                        Kind::ArgumentError,
                        Detail::InvalidArgumentValue,
                        format!("unknown configuration key `{other}`; the keys are {}", all.join(", ")),
                    ));
                }
            }
        }
        Ok(c)
    }

    /// The algorithm's own key as a number, or `default` when it is absent or null.
    pub fn float(&self, key: &str, default: f64) -> Result<f64> {
        match self.extra.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Int(i)) => Ok(*i as f64),
            Some(Value::Float(f)) if f.is_finite() => Ok(*f),
            Some(_) => Err(bad(key, "expected a number")),
        }
    }

    /// The algorithm's own key as an integer, or `default` when it is absent or null.
    pub fn int(&self, key: &str, default: i64) -> Result<i64> {
        match self.extra.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Int(i)) => Ok(*i),
            Some(_) => Err(bad(key, "expected an integer")),
        }
    }

    /// The algorithm's own key as a boolean, or `default` when it is absent or null.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.extra.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(bad(key, "expected true or false")),
        }
    }

    /// The projection this configuration asks for.
    pub fn project(&self, g: &dyn GraphRead) -> Result<Arc<Projection>> {
        self.project_as(g, self.direction)
    }

    /// The projection in direction `dir`, shared with earlier calls on the unchanged graph.
    pub fn project_as(&self, g: &dyn GraphRead, dir: Direction) -> Result<Arc<Projection>> {
        let (directed, reverse) = (dir != Direction::Both, dir == Direction::In);
        let spec = crate::store::ProjectionSpec {
            labels: self.labels.clone(),
            types: self.types.clone(),
            directed,
            reverse,
            weight: self.weight,
            with_rels: self.with_rels,
        };
        g.projection_shared(&spec).map_err(|e| match e {
            ProjectionError::BadWeight { rel, value } => bad("weight", format!("relationship {rel} has {value}")),
            ProjectionError::Unsupported(why) => Error::runtime(Kind::ProcedureError, Detail::ProcedureCallFailed, why),
        })
    }
}

/// The incoming adjacency of a projection: itself when undirected, its transpose otherwise.
pub fn incoming(p: &Projection) -> Cow<'_, Projection> {
    if !p.directed {
        return Cow::Borrowed(p);
    }
    let n = p.nodes.len();
    let mut offsets = vec![0usize; n + 1];
    for &t in &p.targets {
        offsets[t as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let m = p.targets.len();
    let mut targets = vec![0u32; m];
    let mut rels = vec![RelId(0); if p.rels.is_empty() { 0 } else { m }];
    let mut weights = p.weights.as_ref().map(|_| vec![0.0; m]);
    for i in 0..n {
        for k in p.offsets[i]..p.offsets[i + 1] {
            let t = p.targets[k] as usize;
            let at = fill[t];
            fill[t] += 1;
            targets[at] = i as u32;
            if !p.rels.is_empty() {
                rels[at] = p.rels[k];
            }
            if let (Some(ws), Some(src)) = (weights.as_mut(), p.weights.as_ref()) {
                ws[at] = src[k];
            }
        }
    }
    Cow::Owned(Projection { nodes: p.nodes.clone(), offsets, targets, weights, rels, directed: true })
}

/// Runs `f(chunk_start, chunk_end)` over `0..n` on the machine's cores (at most `threads`),
/// in contiguous chunks; returns the results in chunk order.
pub(crate) fn par_chunks<T: Send>(n: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8);
    if threads == 1 || n < 64 {
        return vec![f(0, n)];
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> =
            (0..threads).map(|t| (t * chunk).min(n)).map(|a| s.spawn(move || f(a, (a + chunk).min(n)))).collect();
        handles.into_iter().map(|h| h.join().expect("algorithm thread panicked")).collect()
    })
}

fn node_scores(p: &Projection, field: &'static str, scores: impl IntoIterator<Item = Value>) -> Table {
    let nodes = p.nodes.iter().map(|&id| Value::Node(id)).collect();
    Table { fields: vec!["node", field], columns: vec![nodes, scores.into_iter().collect()] }
}

/// A procedure's output: named columns of equal length, one value per record in each. Kept
/// by column, as the algorithms produce them, so that 400,000 scores are two vectors rather
/// than 400,000 small ones; the executor makes its rows from them once.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The field names, in output order.
    pub fields: Vec<&'static str>,
    /// One column of values per field, all of the same length.
    pub columns: Vec<Vec<Value>>,
}

impl Table {
    /// A table from records given as rows (each with one value per field).
    pub fn from_rows(fields: Vec<&'static str>, rows: Vec<Vec<Value>>) -> Table {
        let mut columns: Vec<Vec<Value>> = fields.iter().map(|_| Vec::with_capacity(rows.len())).collect();
        for row in rows {
            debug_assert_eq!(row.len(), fields.len());
            for (c, v) in columns.iter_mut().zip(row) {
                c.push(v);
            }
        }
        Table { fields, columns }
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }

    /// Whether the table has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of a field.
    pub fn column(&self, field: &str) -> Option<&[Value]> {
        self.fields.iter().position(|f| *f == field).map(|i| &self.columns[i][..])
    }

    /// The records as rows, each a map from field name to value.
    pub fn records(self) -> Vec<Record> {
        let n = self.len();
        let mut columns: Vec<_> = self.columns.into_iter().map(Vec::into_iter).collect();
        (0..n)
            .map(|_| {
                self.fields.iter().copied().zip(columns.iter_mut().map(|c| c.next().unwrap_or(Value::Null))).collect()
            })
            .collect()
    }
}

/// Runs a procedure for one input row of the executor: each output record is `row` with the
/// yielded `(field, slot)`s filled in.
pub fn rows(
    name: &str,
    args: &[Value],
    yields: &[(String, usize)],
    row: &[Value],
    g: &dyn GraphRead,
    check: Check,
) -> Result<Vec<Vec<Value>>> {
    let t = run(name, args, g, check)?;
    let cols: Vec<(Option<&[Value]>, usize)> = yields.iter().map(|(f, slot)| (t.column(f), *slot)).collect();
    Ok((0..t.len())
        .map(|i| {
            let mut r = row.to_vec();
            for &(c, slot) in &cols {
                r[slot] = c.map_or(Value::Null, |c| c[i].clone());
            }
            r
        })
        .collect())
}

/// Runs procedure `name` and returns its records.
pub fn call(name: &str, args: &[Value], g: &dyn GraphRead, check: Check) -> Result<Vec<Record>> {
    Ok(run(name, args, g, check)?.records())
}

fn floats(xs: Vec<f64>) -> impl Iterator<Item = Value> {
    xs.into_iter().map(Value::Float)
}

fn node_arg(v: Option<&Value>, what: &str) -> Result<Option<NodeId>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Node(id)) => Ok(Some(*id)),
        Some(Value::Int(i)) if *i >= 0 => Ok(Some(NodeId(*i as u64))),
        Some(v) => Err(Error::type_error(
            Detail::InvalidArgumentType,
            format!("{what} must be a node, got {}", crate::value::to_cypher_literal(v)),
        )),
    }
}

/// Runs procedure `name` (its canonical name, `algo.…`) with evaluated arguments.
pub fn run(name: &str, args: &[Value], g: &dyn GraphRead, check: Check) -> Result<Table> {
    use Direction::*;
    let last = |i: usize| args.get(i);
    Ok(match name {
        "algo.degree" => {
            let c = Config::parse(g, last(0), &[], Both)?;
            let p = c.project(g)?;
            let d = degree(&p);
            if p.weights.is_some() {
                node_scores(&p, "score", floats(d))
            } else {
                node_scores(&p, "score", d.into_iter().map(|x| Value::Int(x as i64)))
            }
        }
        "algo.pageRank" => {
            let c = Config::parse(g, last(0), &["damping", "iterations", "tolerance"], Out)?;
            let (damping, iters, tol) =
                (c.float("damping", 0.85)?, c.int("iterations", 100)?, c.float("tolerance", 1e-6)?);
            if !(0.0..=1.0).contains(&damping) {
                return Err(bad("damping", "expected a number between 0 and 1"));
            }
            // The incoming lists directly: the projection reversed.
            let reversed = match c.direction {
                Out => In,
                In => Out,
                Both => Both,
            };
            let p = c.project_as(g, reversed)?;
            let (x, _) = centrality::pagerank_incoming(&p, damping, iters.max(0) as usize, tol, check)?;
            node_scores(&p, "score", floats(x))
        }
        "algo.betweenness" => {
            let c = Config::parse(g, last(0), &["normalized"], Both)?;
            let p = c.project(g)?;
            node_scores(&p, "score", floats(betweenness(&p, c.bool("normalized", true)?, check)?))
        }
        "algo.closeness" => {
            let c = Config::parse(g, last(0), &["wfImproved"], Both)?;
            let p = c.project(g)?;
            node_scores(&p, "score", floats(closeness(&p, c.bool("wfImproved", true)?, check)?))
        }
        "algo.eigenvector" => {
            let c = Config::parse(g, last(0), &["iterations", "tolerance"], Both)?;
            let p = c.project(g)?;
            let x = eigenvector(&p, c.int("iterations", 100)?.max(0) as usize, c.float("tolerance", 1e-6)?, check)?;
            node_scores(&p, "score", floats(x))
        }
        "algo.components" => {
            let c = Config::parse(g, last(0), &[], Out)?;
            let p = c.project_as(g, if c.direction == Both { Both } else { Out })?;
            node_scores(&p, "component", weakly_connected(&p).into_iter().map(|x| Value::Int(x as i64)))
        }
        "algo.scc" => {
            let c = Config::parse(g, last(0), &[], Out)?;
            let p = c.project(g)?;
            node_scores(&p, "component", strongly_connected(&p).into_iter().map(|x| Value::Int(x as i64)))
        }
        "algo.communities" => {
            let c = Config::parse(g, last(0), &["seed", "resolution", "threshold"], Both)?;
            let p = c.project(g)?;
            let (seed, res, thr) = (c.int("seed", 42)?, c.float("resolution", 1.0)?, c.float("threshold", 1e-7)?);
            let comm = louvain(&p, res, thr, seed, check)?;
            let q = modularity(&p, &comm, res);
            let n = p.nodes.len();
            let mut t = node_scores(&p, "community", comm.into_iter().map(|k| Value::Int(k as i64)));
            t.fields.push("modularity");
            t.columns.push(vec![Value::Float(q); n]);
            t
        }
        "algo.clustering" => {
            let c = Config::parse(g, last(0), &[], Both)?;
            undirected_only(&c, "algo.clustering")?;
            let p = c.project(g)?;
            node_scores(&p, "score", floats(clustering(&p, check)?))
        }
        "algo.triangles" => {
            let c = Config::parse(g, last(0), &[], Both)?;
            undirected_only(&c, "algo.triangles")?;
            let p = c.project(g)?;
            node_scores(&p, "triangles", triangles(&p, check)?.into_iter().map(|x| Value::Int(x as i64)))
        }
        "algo.shortestPath" => {
            let c = Config::parse(g, last(2), &[], Both)?;
            let (Some(s), Some(t)) = (node_arg(last(0), "source")?, node_arg(last(1), "target")?) else {
                return Ok(Table::default());
            };
            let p = Config { with_rels: true, ..c }.project(g)?;
            let rows = match paths::shortest_path(&p, s, t)? {
                None => Vec::new(),
                Some((path, cost)) => {
                    let cost = if p.weights.is_some() { Value::Float(cost) } else { Value::Int(cost as i64) };
                    vec![vec![Value::Path(Box::new(path)), cost]]
                }
            };
            Table::from_rows(vec!["path", "cost"], rows)
        }
        "algo.kHop" => {
            let c = Config::parse(g, last(2), &[], Both)?;
            let Some(s) = node_arg(last(0), "node")? else { return Ok(Table::default()) };
            let k = match last(1) {
                Some(Value::Int(k)) if *k >= 0 => *k as usize,
                Some(Value::Null) | None => return Ok(Table::default()),
                Some(_) => return Err(bad("k", "expected a non-negative integer")),
            };
            let p = c.project(g)?;
            let rows =
                paths::k_hop(&p, s, k).into_iter().map(|(id, d)| vec![Value::Node(id), Value::Int(d as i64)]).collect();
            Table::from_rows(vec!["node", "distance"], rows)
        }
        "algo.stats" => {
            let c = Config::parse(g, last(0), &[], Both)?;
            let rec = stats(g, &c, check)?.record();
            Table::from_rows(rec.keys().copied().collect(), vec![rec.into_values().collect()])
        }
        other => {
            return Err(Error::runtime(
                Kind::ProcedureError,
                Detail::ProcedureNotFound,
                format!("there is no procedure `{other}`"),
            ))
        }
    })
}

fn undirected_only(c: &Config, name: &str) -> Result<()> {
    if c.direction != Direction::Both {
        return Err(bad("direction", format!("{name} is defined on undirected projections: use direction: 'both'")));
    }
    Ok(())
}

/// A graph's summary measures (`algo.stats()`, the REPL's `:stats`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The number of projected nodes.
    pub nodes: usize,
    /// The number of projected relationships (parallel relationships count once).
    pub relationships: usize,
    /// The ratio of edges to the edges possible between distinct nodes.
    pub density: f64,
    /// The longest shortest path (in hops) between two nodes that are connected; `None` for
    /// an empty graph.
    pub diameter: Option<usize>,
    /// The mean number of edges at a node (out-edges only when directed).
    pub average_degree: f64,
    /// The mean local clustering coefficient over all nodes.
    pub average_clustering: f64,
    /// The number of weakly connected components.
    pub components: usize,
    /// The number of triangles.
    pub triangles: u64,
}

impl Stats {
    /// The measures as one output record, with the field names `algo.stats()` yields.
    pub fn record(&self) -> Record {
        IndexMap::from([
            ("nodes", Value::Int(self.nodes as i64)),
            ("relationships", Value::Int(self.relationships as i64)),
            ("density", Value::Float(self.density)),
            ("diameter", self.diameter.map_or(Value::Null, |d| Value::Int(d as i64))),
            ("averageDegree", Value::Float(self.average_degree)),
            ("averageClustering", Value::Float(self.average_clustering)),
            ("components", Value::Int(self.components as i64)),
            ("triangles", Value::Int(self.triangles as i64)),
        ])
    }
}

/// The summary measures of a projection: counts of its simple graph, NetworkX's `density`,
/// the mean degree (out-degree when directed), the diameter (largest finite distance),
/// `average_clustering` and triangles of the undirected graph, and weakly connected components.
pub fn stats(g: &dyn GraphRead, c: &Config, check: Check) -> Result<Stats> {
    let c = Config { weight: None, ..c.clone() };
    let p = c.project(g)?;
    let und = if p.directed { Cow::Owned(c.project_as(g, Direction::Both)?) } else { Cow::Borrowed(&p) };
    let n = p.node_count();
    let m = p.edge_count();
    let nf = n as f64;
    let density = if n <= 1 {
        0.0
    } else if p.directed {
        m as f64 / (nf * (nf - 1.0))
    } else {
        2.0 * m as f64 / (nf * (nf - 1.0))
    };
    let average_degree = if n == 0 {
        0.0
    } else if p.directed {
        m as f64 / nf
    } else {
        2.0 * m as f64 / nf
    };
    let cl = clustering(&und, check)?;
    let average_clustering = if n == 0 { 0.0 } else { cl.iter().sum::<f64>() / nf };
    let triangles = triangles(&und, check)?.iter().sum::<u64>() / 3;
    let comps = weakly_connected(&p);
    let components = comps.iter().max().map_or(0, |m| *m as usize + 1);
    let diameter = if n == 0 { None } else { Some(paths::diameter(&p, check)?) };
    Ok(Stats {
        nodes: n,
        relationships: m,
        density,
        diameter,
        average_degree,
        average_clustering,
        components,
        triangles,
    })
}
