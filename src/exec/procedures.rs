//! Built-in procedures: schema introspection and search.

use indexmap::{IndexMap, IndexSet};

use super::eval::eval;
use super::{Ctx, Row};
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::Expr;
use crate::value::Value;

/// Runs a procedure for one input row; returns the output rows.
pub(crate) fn call(name: &str, args: &[Expr], yields: &[(String, usize)], row: &Row, ctx: Ctx) -> Result<Vec<Row>> {
    let args: Vec<Value> = args.iter().map(|a| eval(a, row, ctx)).collect::<Result<_>>()?;
    let records: Vec<IndexMap<&'static str, Value>> = match name {
        "db.labels" => used_labels(ctx).into_iter().map(|l| IndexMap::from([("label", Value::str(&l))])).collect(),
        "db.relationshipTypes" => {
            used_types(ctx).into_iter().map(|t| IndexMap::from([("relationshipType", Value::str(&t))])).collect()
        }
        "db.propertyKeys" => {
            ctx.graph.keys().iter().map(|(_, k)| IndexMap::from([("propertyKey", Value::str(k))])).collect()
        }
        "db.schema" => schema(ctx),
        "db.search" => {
            let text = match args.first() {
                Some(Value::String(s)) => s.to_string(),
                Some(Value::Null) | None => return Ok(Vec::new()),
                Some(v) => return Err(super::type_err("db.search() expects a string", v)),
            };
            let limit = match args.get(1) {
                Some(Value::Int(i)) if *i >= 0 => *i as usize,
                None | Some(Value::Null) => 10,
                Some(v) => return Err(super::type_err("db.search() limit must be a non-negative integer", v)),
            };
            search(ctx, &text, limit)
                .into_iter()
                .map(|(id, score)| IndexMap::from([("node", Value::Node(id)), ("score", Value::Float(score))]))
                .collect()
        }
        n if n.starts_with("algo.") => {
            return crate::algo::rows(n, &args, yields, row, ctx.graph, &|| ctx.control.check())
        }
        other => {
            return Err(Error::runtime(
                Kind::ProcedureError,
                Detail::ProcedureNotFound,
                format!("there is no procedure `{other}`"),
            ))
        }
    };
    Ok(records
        .into_iter()
        .map(|rec| {
            let mut r = row.clone();
            for (field, slot) in yields {
                r[*slot] = rec.get(field.as_str()).cloned().unwrap_or(Value::Null);
            }
            r
        })
        .collect())
}

fn used_labels(ctx: Ctx) -> Vec<String> {
    ctx.graph.labels().iter().filter(|(s, _)| ctx.graph.label_count(*s) > 0).map(|(_, n)| n.to_string()).collect()
}

fn used_types(ctx: Ctx) -> Vec<String> {
    let mut seen = IndexSet::new();
    for r in ctx.graph.rel_ids() {
        if let Some(t) = ctx.graph.rel_type(r) {
            seen.insert(t);
        }
    }
    let mut v: Vec<_> = seen.into_iter().collect();
    v.sort();
    v.into_iter().map(|t| ctx.graph.types().name(t).to_string()).collect()
}

/// Labels with their node counts, then relationship types with counts and the label pairs
/// they connect (`from`/`to` list the start and end labels seen).
fn schema(ctx: Ctx) -> Vec<IndexMap<&'static str, Value>> {
    let g = ctx.graph;
    let mut out = Vec::new();
    for l in used_labels(ctx) {
        let count = g.label_id(&l).map_or(0, |s| g.label_count(s));
        out.push(IndexMap::from([
            ("kind", Value::str("label")),
            ("name", Value::str(&l)),
            ("count", Value::Int(count as i64)),
            ("from", Value::Null),
            ("to", Value::Null),
        ]));
    }
    // type -> (start label, end label) -> count
    let mut conn: IndexMap<String, IndexMap<(String, String), i64>> = IndexMap::new();
    for r in g.rel_ids() {
        let (Some(t), Some((a, b))) = (g.rel_type(r), g.rel_ends(r)) else { continue };
        let label = |n| g.node_labels(n).first().map_or(String::new(), |l| g.labels().name(*l).to_string());
        *conn.entry(g.types().name(t).to_string()).or_default().entry((label(a), label(b))).or_default() += 1;
    }
    conn.sort_keys();
    for (t, pairs) in conn {
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort();
        for ((a, b), c) in pairs {
            out.push(IndexMap::from([
                ("kind", Value::str("relationship")),
                ("name", Value::str(&t)),
                ("count", Value::Int(c)),
                ("from", Value::str(&a)),
                ("to", Value::str(&b)),
            ]));
        }
    }
    out
}

/// Nodes whose name or aliases resemble `text`, best first.
pub fn search(ctx: Ctx, text: &str, limit: usize) -> Vec<(u64, f64)> {
    let q = crate::similar::normalize(text);
    let g = ctx.graph;
    let (Some(name_key), alias_key) = (g.key_id("name"), g.key_id("aliases")) else { return Vec::new() };
    let mut hits = Vec::new();
    for id in g.node_ids() {
        let mut names = Vec::new();
        if let Some(Value::String(s)) = g.node_prop(id, name_key) {
            names.push(s.to_string());
        }
        if let Some(Value::List(l)) = alias_key.and_then(|k| g.node_prop(id, k)) {
            names.extend(l.iter().filter_map(|v| if let Value::String(s) = v { Some(s.to_string()) } else { None }));
        }
        let score = names
            .iter()
            .map(|n| crate::similar::normalized_score(&q, &crate::similar::normalize(n)))
            .fold(0.0, f64::max);
        if score >= 0.6 {
            hits.push((id, (score * 1000.0).round() / 1000.0));
        }
    }
    hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    hits.truncate(limit);
    hits
}

/// The rows of `SHOW CONSTRAINTS`, `SHOW PROCEDURES` or `SHOW FUNCTIONS`, in the columns of
/// `plan::show_columns`, sorted by name as Neo4j sorts them.
pub(crate) fn show(what: crate::ast::Shown, ctx: Ctx) -> Vec<Row> {
    use crate::ast::Shown;
    let strings = |xs: Vec<&str>| Value::List(xs.into_iter().map(Value::str).collect());
    let mut rows: Vec<Row> = match what {
        Shown::Constraints => {
            let g = ctx.graph;
            g.constraints()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let on = if c.rel { g.types().name(c.on) } else { g.labels().name(c.on) };
                    let ty = match &c.rule {
                        crate::store::constraints::Rule::Type { cypher, .. } => Value::str(cypher),
                        _ => Value::Null,
                    };
                    vec![
                        Value::Int(i as i64 + 1),
                        Value::str(&c.name),
                        Value::str(&crate::store::constraints::kind_name(c)),
                        Value::str(if c.rel { "RELATIONSHIP" } else { "NODE" }),
                        strings(vec![on]),
                        strings(c.keys.iter().map(|&k| g.keys().name(k)).collect()),
                        c.index.as_deref().map_or(Value::Null, Value::str),
                        ty,
                    ]
                })
                .collect()
        }
        Shown::Procedures => crate::catalog::procedures::PROCEDURES
            .iter()
            .map(|p| {
                let mode = if crate::plan::procedure_writes(p.name) { "WRITE" } else { "READ" };
                vec![Value::str(p.name), Value::str(p.doc), Value::str(mode), Value::Bool(false)]
            })
            .collect(),
        Shown::Functions => crate::catalog::functions::FUNCTIONS
            .iter()
            .filter(|f| !f.name.starts_with("__"))
            .map(|f| {
                let name = f.signature.split('(').next().unwrap_or(f.name);
                let category = if crate::catalog::is_aggregate(f.name) { "Aggregating" } else { "Scalar" };
                vec![Value::str(name), Value::str(category), Value::str(f.signature)]
            })
            .collect(),
    };
    let name = if what == Shown::Constraints { 1 } else { 0 };
    let text = |r: &Row| match &r[name] {
        Value::String(s) => s.clone(),
        _ => "".into(),
    };
    rows.sort_by_key(text);
    rows
}

/// The rows of `SHOW INDEXES`, in Neo4j's columns (`plan::INDEX_COLUMNS`), sorted by name:
/// every property index is a range index, online and whole.
pub(crate) fn show_indexes(ctx: Ctx) -> Vec<Row> {
    let g = ctx.graph;
    let mut rows: Vec<Row> = g
        .property_indexes()
        .iter()
        .enumerate()
        .map(|(i, ix)| {
            let owner = g.constraints().iter().find(|c| c.index.as_deref() == Some(ix.name.as_str()));
            vec![
                Value::Int(i as i64 + 1),
                Value::str(&ix.name),
                Value::str("ONLINE"),
                Value::Float(100.0),
                Value::str("RANGE"),
                Value::str("NODE"),
                Value::List(vec![Value::str(g.labels().name(ix.label))]),
                Value::List(vec![Value::str(g.keys().name(ix.key))]),
                Value::str("range-1.0"),
                owner.map_or(Value::Null, |c| Value::str(&c.name)),
                Value::Null,
                Value::Int(ix.entries() as i64),
            ]
        })
        .collect();
    rows.sort_by_key(|r| match &r[1] {
        Value::String(s) => s.clone(),
        _ => "".into(),
    });
    rows
}
