//! Built-in procedures: schema introspection and search.

use indexmap::{IndexMap, IndexSet};

use super::eval::eval;
use super::{Ctx, Row};
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::Expr;
use crate::value::{NodeId, RelId, Value};

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
            // Building the text index (the first time) counts against the memory limit.
            let check = |bytes| ctx.control.charge(bytes).and_then(|()| ctx.control.check());
            crate::kg::search::search(ctx.graph, &text, limit, &check)?
                .into_iter()
                .map(|h| {
                    IndexMap::from([
                        ("node", Value::Node(h.node)),
                        ("score", Value::Float(h.score)),
                        ("fact", entity(h.fact)),
                        ("quote", h.quote.map_or(Value::Null, |q| Value::str(&q))),
                        ("source", h.source.map_or(Value::Null, |s| Value::str(&s))),
                    ])
                })
                .collect()
        }
        "db.index.fulltext.queryNodes" | "db.index.fulltext.queryRelationships" => {
            let rel = name.ends_with("Relationships");
            let (Some(Value::String(index)), Some(Value::String(query))) = (args.first(), args.get(1)) else {
                return Err(super::type_err(
                    &format!("{name}(indexName, queryString [, options]) expects two strings"),
                    args.iter().find(|a| !matches!(a, Value::String(_))).unwrap_or(&Value::Null),
                ));
            };
            let (skip, limit) = paging(args.get(2), name)?;
            let check = |bytes| ctx.control.charge(bytes).and_then(|()| ctx.control.check());
            let field = if rel { "relationship" } else { "node" };
            crate::kg::search::fulltext(ctx.graph, index, rel, query, skip, limit, &check)?
                .into_iter()
                .map(|(id, score)| {
                    let e = if rel { Value::Rel(RelId(id)) } else { Value::Node(NodeId(id)) };
                    IndexMap::from([(field, e), ("score", Value::Float(score))])
                })
                .collect()
        }
        "kg.evidence" => {
            let e = match args.first() {
                Some(Value::Node(id)) => crate::kg::evidence::Entity::Node(*id),
                Some(Value::Rel(id)) => crate::kg::evidence::Entity::Rel(*id),
                Some(Value::Null) | None => return Ok(Vec::new()),
                Some(v) => return Err(super::type_err("kg.evidence() expects a node or a relationship", v)),
            };
            let text = |s: Option<String>| s.map_or(Value::Null, |s| Value::str(&s));
            crate::kg::evidence::of(ctx.graph, e)
                .into_iter()
                .map(|ev| {
                    IndexMap::from([
                        ("key", text(ev.key)),
                        ("value", ev.value),
                        ("source", text(ev.source)),
                        ("quote", text(ev.quote)),
                        ("derived", text(ev.derived)),
                    ])
                })
                .collect()
        }
        "kg.connections" => {
            let node = |v: Option<&Value>, what: &str| match v {
                Some(Value::Node(id)) => Ok(Some(*id)),
                Some(Value::Null) | None => Ok(None),
                Some(v) => Err(super::type_err(&format!("kg.connections() expects a node as its {what}"), v)),
            };
            let (Some(a), Some(b)) = (node(args.first(), "first argument")?, node(args.get(1), "second argument")?)
            else {
                return Ok(Vec::new());
            };
            let opts = connection_options(ctx, args.get(2))?;
            let check = || ctx.control.check();
            let quote = ctx.graph.key_id("quote");
            crate::kg::connections::connections(ctx.graph, a, b, &opts, &check)?
                .into_iter()
                .map(|c| {
                    let quotes = c
                        .path
                        .rels
                        .iter()
                        .map(|r| quote.and_then(|k| ctx.graph.rel_prop(*r, k)).unwrap_or(Value::Null))
                        .collect();
                    IndexMap::from([
                        ("hops", Value::Int(c.path.rels.len() as i64)),
                        ("path", Value::Path(Box::new(c.path))),
                        ("score", Value::Float((c.score * 1000.0).round() / 1000.0)),
                        ("quotes", Value::List(quotes)),
                    ])
                })
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

fn entity(e: crate::kg::evidence::Entity) -> Value {
    match e {
        crate::kg::evidence::Entity::Node(id) => Value::Node(id),
        crate::kg::evidence::Entity::Rel(id) => Value::Rel(id),
    }
}

/// A non-negative integer option of a map, or its default.
fn count_option(m: &indexmap::IndexMap<String, Value>, key: &str, default: usize, proc_: &str) -> Result<usize> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Int(i)) if *i >= 0 => Ok(*i as usize),
        Some(v) => Err(super::type_err(&format!("{proc_}: option `{key}` must be a non-negative integer"), v)),
    }
}

fn options_map<'a>(v: Option<&'a Value>, proc_: &str) -> Result<Option<&'a indexmap::IndexMap<String, Value>>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Map(m)) => Ok(Some(m)),
        Some(v) => Err(super::type_err(&format!("{proc_}: the options must be a map"), v)),
    }
}

/// `{skip, limit}` of a full-text query (Neo4j's options; others are refused by name).
fn paging(v: Option<&Value>, proc_: &str) -> Result<(usize, usize)> {
    let Some(m) = options_map(v, proc_)? else { return Ok((0, usize::MAX >> 1)) };
    if let Some(k) = m.keys().find(|k| !["skip", "limit", "analyzer"].contains(&k.as_str())) {
        return Err(super::type_err(&format!("{proc_}: unknown option `{k}` (it takes skip, limit)"), &Value::str(k)));
    }
    Ok((count_option(m, "skip", 0, proc_)?, count_option(m, "limit", usize::MAX >> 1, proc_)?))
}

/// `{maxHops, avoidHubs, types, limit}` of `kg.connections`.
fn connection_options(ctx: Ctx, v: Option<&Value>) -> Result<crate::kg::connections::Options> {
    const P: &str = "kg.connections()";
    let mut o = crate::kg::connections::Options::default();
    let Some(m) = options_map(v, P)? else { return Ok(o) };
    for (k, v) in m {
        match (k.as_str(), v) {
            ("maxHops", _) => o.max_hops = count_option(m, "maxHops", 4, P)?.min(8),
            ("limit", _) => o.limit = count_option(m, "limit", 5, P)?,
            ("avoidHubs", Value::Bool(b)) => o.avoid_hubs = *b,
            ("types", Value::List(ts)) => {
                for t in ts {
                    let Value::String(t) = t else { return Err(super::type_err(&format!("{P}: `types` holds type names"), t)) };
                    // A type the graph has never seen matches nothing, as in a pattern.
                    o.types.push(ctx.graph.type_id(t).unwrap_or(crate::store::TypeId::NONE));
                }
            }
            (k, v) => {
                return Err(super::type_err(
                    &format!("{P}: option `{k}` is not one of maxHops (integer), avoidHubs (boolean), types (list), limit (integer)"),
                    v,
                ))
            }
        }
    }
    Ok(o)
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
                    let on = if c.rel { g.types().name(c.on_type()) } else { g.labels().name(c.on_label()) };
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
pub(crate) fn show_indexes(ctx: Ctx, fulltext_only: bool) -> Vec<Row> {
    let g = ctx.graph;
    let ranges = if fulltext_only { &[][..] } else { g.property_indexes() };
    let mut rows: Vec<Row> = ranges
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
                Value::list(vec![Value::str(g.labels().name(ix.label))]),
                Value::list(vec![Value::str(g.keys().name(ix.key))]),
                Value::str("range-1.0"),
                owner.map_or(Value::Null, |c| Value::str(&c.name)),
                Value::Null,
                Value::Int(ix.entries() as i64),
            ]
        })
        .collect();
    let strings = |xs: &[String]| Value::List(xs.iter().map(|x| Value::str(x)).collect());
    for ix in g.fulltext_indexes() {
        rows.push(vec![
            Value::Int((rows.len() + 1) as i64),
            Value::str(&ix.name),
            Value::str("ONLINE"),
            Value::Float(100.0),
            Value::str("FULLTEXT"),
            Value::str(if ix.rel { "RELATIONSHIP" } else { "NODE" }),
            strings(&ix.on),
            strings(&ix.keys),
            Value::str("fulltext-1.0"),
            Value::Null,
            Value::Null,
            Value::Null,
        ]);
    }
    rows.sort_by_key(|r| match &r[1] {
        Value::String(s) => s.clone(),
        _ => "".into(),
    });
    rows
}
