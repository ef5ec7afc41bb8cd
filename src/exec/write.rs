//! Write operators: each drains its input rows, then changes the graph row by row.

use std::borrow::Cow;

use indexmap::IndexMap;
use smallvec::SmallVec;

use super::eval::eval;
use super::functions::entity_props;
use super::{type_err, Control, Ctx, Input, Row, Stats};
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::{CreatePart, Op, SetOp};
use crate::store::{GraphRead, GraphWrite};
use crate::value::{NodeId, Path, RelId, Value};

fn ctx<'a>(graph: &'a dyn GraphRead, input: &'a Input, width: usize) -> Ctx<'a> {
    static NONE: std::sync::OnceLock<Control> = std::sync::OnceLock::new();
    Ctx::new(graph, input, width, NONE.get_or_init(Control::default))
}

/// Applies a writing operator to the rows before it; its errors point at its clause.
pub(crate) fn apply(
    op: &Op,
    rows: Vec<Row>,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
    keep: bool,
) -> Result<Vec<Row>> {
    apply_op(op, rows, graph, input, control, stats, keep).map_err(|e| e.at_opt(op.clause_span()))
}

/// [`apply`], its errors not yet pointing at the clause.
fn apply_op(
    op: &Op,
    rows: Vec<Row>,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
    keep: bool,
) -> Result<Vec<Row>> {
    control.check()?;
    let width = rows.first().map_or(0, |r| r.len());
    match op {
        Op::SubQuery { sub, columns, batch, optional } => {
            let mut run = super::subquery::Run { graph, input, control, stats, width, optional: *optional };
            run.subquery(sub, columns, batch.as_ref(), rows)
        }
        Op::Foreach { slot, list, ops } => {
            let mut run = super::subquery::Run { graph, input, control, stats, width, optional: false };
            run.foreach(*slot, list, ops, &rows)?;
            Ok(rows)
        }
        Op::CreateConstraint(d) => {
            use crate::ast::ConstraintRule as R;
            use crate::store::constraints::Rule;
            let rule = match &d.rule {
                R::Unique => Rule::Unique,
                R::NotNull => Rule::NotNull,
                R::Key => Rule::Key,
                R::Type(t) => Rule::Type {
                    cypher: t.clone(),
                    value: crate::catalog::property_type(t).unwrap_or_default().to_string(),
                },
            };
            let before = graph.constraints().len();
            graph
                .create_constraint(d.name.as_deref(), rule, d.rel, &d.on, &d.keys, d.if_not_exists)
                .map_err(super::constraint_error)?;
            stats.constraints_added += graph.constraints().len().saturating_sub(before) as u64;
            Ok(rows)
        }
        Op::DropConstraint { name, if_exists } => {
            if graph.drop_constraint(name) {
                stats.constraints_removed += 1;
            } else if !if_exists {
                let e = crate::store::constraints::ConstraintError::NotFound(format!("there is no constraint {name}"));
                return Err(super::constraint_error(e));
            }
            Ok(rows)
        }
        Op::Create { parts, .. } => {
            // Rows nobody reads after (a statement that ends here) are let go one by one, so
            // their memory serves what is created next.
            let mut out = Vec::with_capacity(if keep { rows.len() } else { 0 });
            for mut row in rows {
                create_row(parts, &mut row, graph, input, control, stats)?;
                if keep {
                    out.push(row);
                }
            }
            Ok(out)
        }
        Op::Merge { part, matcher, on_create, on_match, .. } => {
            let mut out = Vec::new();
            for row in rows {
                control.check()?;
                control.charge_writes(stats)?;
                let matched: Vec<Row> = {
                    let c = Ctx::new(graph, input, width, control);
                    super::run_sub(matcher, row.clone(), c).collect::<Result<_>>()?
                };
                if matched.is_empty() {
                    let mut row = row;
                    check_merge_nulls(part, &row, graph, input, width)?;
                    create_part(part, &mut row, graph, input, stats)?;
                    set_items(on_create, &row, graph, input, stats)?;
                    out.push(row);
                } else {
                    for m in matched {
                        set_items(on_match, &m, graph, input, stats)?;
                        out.push(m);
                    }
                }
            }
            Ok(out)
        }
        Op::Set { ops, .. } => {
            for row in &rows {
                control.tick()?;
                set_items(ops, row, graph, input, stats)?;
                control.charge_writes(stats)?;
            }
            Ok(rows)
        }
        Op::Delete { exprs, detach, .. } => {
            let mut nodes = Vec::new();
            let mut rels = Vec::new();
            {
                let c = ctx(graph, input, width);
                for row in &rows {
                    for e in exprs {
                        collect_deletions(eval(e, row, c)?, &mut nodes, &mut rels)?;
                    }
                }
            }
            for r in rels {
                control.tick()?;
                if graph.delete_rel(r) {
                    stats.relationships_deleted += 1;
                }
            }
            for n in nodes {
                control.tick()?;
                let degree = graph.degree(n, crate::store::Dir::Both) as u64;
                match graph.delete_node(n, *detach) {
                    Ok(true) => {
                        stats.nodes_deleted += 1;
                        stats.relationships_deleted += if *detach { degree } else { 0 };
                    }
                    Ok(false) => {}
                    Err(_) => {
                        return Err(Error::runtime(
                            Kind::ConstraintVerificationFailed,
                            Detail::DeleteConnectedNode,
                            "cannot delete a node that still has relationships; use DETACH DELETE",
                        ))
                    }
                }
            }
            Ok(rows)
        }
        Op::CreateIndex { name, keys, if_not_exists, fulltext: Some((rel, on)), .. } => {
            let ix = crate::store::FulltextIndex {
                name: name.clone().unwrap_or_else(|| {
                    format!("fulltext_{}_{}", on.join("_"), keys.join("_")).to_lowercase().replace(' ', "_")
                }),
                rel: *rel,
                on: on.clone(),
                keys: keys.clone(),
            };
            let there = graph
                .fulltext_indexes()
                .iter()
                .any(|f| f.name == ix.name || (f.rel == ix.rel && f.on == ix.on && f.keys == ix.keys))
                || graph.property_indexes().iter().any(|p| p.name == ix.name);
            if *if_not_exists && there {
                return Ok(rows);
            }
            graph
                .create_fulltext(ix)
                .map_err(|m| Error::runtime(Kind::SemanticError, Detail::IndexAlreadyExists, m))?;
            stats.indexes_added += 1;
            Ok(rows)
        }
        Op::CreateIndex { name, label, keys, if_not_exists, fulltext: None } => {
            let [key] = keys.as_slice() else {
                return Err(Error::runtime(
                    Kind::ArgumentError,
                    Detail::InvalidArgumentValue,
                    "only single-property indexes are supported",
                ));
            };
            // IF NOT EXISTS, as Neo4j: an index of that name, or any on the label and key, is there.
            let there = || {
                let (l, k) = (graph.labels().get(label), graph.keys().get(key));
                graph
                    .property_indexes()
                    .iter()
                    .any(|ix| name.as_deref() == Some(ix.name.as_str()) || (Some(ix.label) == l && Some(ix.key) == k))
            };
            if *if_not_exists && there() {
                return Ok(rows);
            }
            graph
                .create_index(name.as_deref(), label, key)
                .map_err(|m| Error::runtime(Kind::SemanticError, Detail::IndexAlreadyExists, m))?;
            stats.indexes_added += 1;
            Ok(rows)
        }
        Op::DropIndex { name, if_exists } => {
            if graph.drop_index(name) {
                stats.indexes_removed += 1;
            } else if !*if_exists {
                return Err(Error::runtime(
                    Kind::SemanticError,
                    Detail::IndexNotFound,
                    format!("there is no index named {name}"),
                ));
            }
            Ok(rows)
        }
        other => Err(Error::runtime(Kind::SemanticError, Detail::None, format!("not a write operator: {other}"))),
    }
}

fn collect_deletions(v: Value, nodes: &mut Vec<NodeId>, rels: &mut Vec<RelId>) -> Result<()> {
    match v {
        Value::Null => {}
        Value::Node(n) => nodes.push(n),
        Value::Rel(r) => rels.push(r),
        Value::Path(p) => {
            rels.extend(p.rels.iter().copied());
            nodes.extend(p.nodes.iter().copied());
        }
        Value::List(items) => {
            for it in items {
                collect_deletions(it, nodes, rels)?;
            }
        }
        other => return Err(type_err("DELETE expects nodes, relationships or paths", &other)),
    }
    Ok(())
}

/// Checks a value can be stored as a property.
fn storable(v: &Value) -> Result<()> {
    let bad = |v: &Value| {
        Error::type_error(Detail::InvalidPropertyType, format!("a {} cannot be stored as a property", v.type_name()))
    };
    match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => Ok(()),
        v if crate::value::temporal::is_temporal(v) => Ok(()),
        Value::List(items) => {
            for it in items {
                match it {
                    Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => {}
                    v if crate::value::temporal::is_temporal(v) => {}
                    other => return Err(bad(other)),
                }
            }
            Ok(())
        }
        other => Err(bad(other)),
    }
}

/// Properties to create, their keys borrowed from the plan where it names them.
type Props<'p> = SmallVec<[(Cow<'p, str>, Value); 8]>;

/// The properties a `CREATE` gives (into `out`), nulls left out. A map written in the pattern is evaluated
/// value by value, its keys borrowed from the plan (no map is made per row).
fn props_map<'p>(e: &'p Option<crate::plan::Expr>, row: &Row, c: Ctx, out: &mut Props<'p>) -> Result<()> {
    let store = |out: &mut Props<'p>, k: Cow<'p, str>, v: Value| -> Result<()> {
        storable(&v)?;
        if !v.is_null() {
            out.push((k, v));
        }
        Ok(())
    };
    match e {
        None => Ok(()),
        Some(crate::plan::Expr::Map(entries)) if distinct_keys(entries) => {
            // Every value first, then the checks, as for a map made whole.
            let mut values: SmallVec<[Value; 8]> = SmallVec::new();
            for (_, e) in entries {
                values.push(eval(e, row, c)?);
            }
            for ((k, _), v) in entries.iter().zip(values) {
                store(out, Cow::Borrowed(k.as_str()), v)?;
            }
            Ok(())
        }
        Some(e) => match eval(e, row, c)? {
            Value::Map(m) => {
                for (k, v) in m.into_iter() {
                    store(out, Cow::Owned(k), v)?;
                }
                Ok(())
            }
            Value::Null => Ok(()),
            other => Err(type_err("properties must be a map", &other)),
        },
    }
}

/// Whether a map literal names each key once (else the map's own rule, the last value at the
/// first place, applies and it is evaluated as a map).
fn distinct_keys(entries: &[(String, crate::plan::Expr)]) -> bool {
    entries.iter().enumerate().all(|(i, (k, _))| entries[..i].iter().all(|(j, _)| j != k))
}

/// Properties to hand to the store, their values moved out.
fn props_arg<'a, 'p: 'a>(
    props: &'a mut [(Cow<'p, str>, Value)],
) -> impl Iterator<Item = (&'a str, Value)> + use<'a, 'p> {
    props.iter_mut().map(|(k, v)| (&**k, std::mem::replace(v, Value::Null)))
}

fn check_merge_nulls(part: &CreatePart, row: &Row, graph: &dyn GraphRead, input: &Input, width: usize) -> Result<()> {
    let c = ctx(graph, input, width);
    let exprs = part.nodes.iter().filter(|n| !n.bound).map(|n| &n.props).chain(part.rels.iter().map(|r| &r.props));
    for e in exprs.flatten() {
        if let Value::Map(m) = eval(e, row, c)? {
            if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
                return Err(Error::runtime(
                    Kind::SemanticError,
                    Detail::MergeReadOwnWrites,
                    format!("cannot MERGE using a null value for property `{k}`"),
                ));
            }
        }
    }
    Ok(())
}

/// `CREATE` of the pattern `parts` for one row.
pub(crate) fn create_row(
    parts: &[CreatePart],
    row: &mut Row,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
) -> Result<()> {
    control.tick()?;
    for part in parts {
        create_part(part, row, graph, input, stats)?;
    }
    control.charge_writes(stats)
}

fn create_part(
    part: &CreatePart,
    row: &mut Row,
    graph: &mut dyn GraphWrite,
    input: &Input,
    stats: &mut Stats,
) -> Result<()> {
    let width = row.len();
    let mut ids: SmallVec<[NodeId; 4]> = SmallVec::new();
    for n in &part.nodes {
        if n.bound {
            match row[n.slot] {
                Value::Node(id) => ids.push(id),
                ref other => {
                    return Err(Error::runtime(
                        Kind::SemanticError,
                        Detail::None,
                        format!("cannot create a relationship to a {} (expected a node)", other.type_name()),
                    ))
                }
            }
            continue;
        }
        let mut props = Props::new();
        props_map(&n.props, row, ctx(graph, input, width), &mut props)?;
        stats.properties_set += props.len() as u64;
        stats.labels_added += n.labels.len() as u64;
        let labels: SmallVec<[&str; 4]> = n.labels.iter().map(String::as_str).collect();
        let id = graph.create_node(&labels, &mut props_arg(&mut props));
        stats.nodes_created += 1;
        row[n.slot] = Value::Node(id);
        ids.push(id);
    }
    let mut rel_ids = Vec::new();
    for r in &part.rels {
        let mut props = Props::new();
        props_map(&r.props, row, ctx(graph, input, width), &mut props)?;
        stats.properties_set += props.len() as u64;
        let id = graph.create_rel(ids[r.start], ids[r.end], &r.ty, &mut props_arg(&mut props)).ok_or_else(|| {
            Error::runtime(
                Kind::EntityNotFound,
                Detail::DeletedEntityAccess,
                "a node of the new relationship was deleted",
            )
        })?;
        stats.relationships_created += 1;
        row[r.slot] = Value::Rel(id);
        rel_ids.push(id);
    }
    if let Some(ps) = part.path {
        row[ps] = Value::Path(Box::new(Path { nodes: ids.into_vec(), rels: rel_ids }));
    }
    Ok(())
}

fn set_prop(graph: &mut dyn GraphWrite, target: &Value, key: &str, v: Value, stats: &mut Stats) -> Result<()> {
    storable(&v)?;
    let removing = v.is_null();
    let old = match target {
        Value::Node(id) => {
            if !graph.node_exists(*id) {
                return Err(Error::runtime(Kind::EntityNotFound, Detail::DeletedEntityAccess, "the node was deleted"));
            }
            graph.set_node_prop(*id, key, v)
        }
        Value::Rel(id) => {
            if !graph.rel_exists(*id) {
                return Err(Error::runtime(
                    Kind::EntityNotFound,
                    Detail::DeletedEntityAccess,
                    "the relationship was deleted",
                ));
            }
            graph.set_rel_prop(*id, key, v)
        }
        Value::Null => return Ok(()),
        other => return Err(type_err("SET expects a node or relationship", other)),
    };
    if removing {
        if old.is_some() {
            stats.properties_removed += 1;
        }
    } else {
        stats.properties_set += 1;
    }
    Ok(())
}

fn map_value(v: Value, c: Ctx) -> Result<IndexMap<String, Value>> {
    match v {
        Value::Map(m) => Ok(*m),
        v @ (Value::Node(_) | Value::Rel(_)) => Ok(entity_props(c, &v).unwrap_or_default()),
        other => Err(type_err("SET expects a map", &other)),
    }
}

fn set_items(ops: &[SetOp], row: &Row, graph: &mut dyn GraphWrite, input: &Input, stats: &mut Stats) -> Result<()> {
    let width = row.len();
    for op in ops {
        match op {
            SetOp::Prop { target, key, value } => {
                let c = ctx(graph, input, width);
                let (t, v) = (eval(target, row, c)?, eval(value, row, c)?);
                set_prop(graph, &t, key, v, stats)?;
            }
            SetOp::RemoveProp { target, key } => {
                let t = eval(target, row, ctx(graph, input, width))?;
                set_prop(graph, &t, key, Value::Null, stats)?;
            }
            SetOp::Replace { slot, value } | SetOp::Merge { slot, value } => {
                let target = row[*slot].clone();
                if target.is_null() {
                    continue;
                }
                let c = ctx(graph, input, width);
                let v = eval(value, row, c)?;
                if v.is_null() && matches!(op, SetOp::Merge { .. }) {
                    continue;
                }
                let new = if v.is_null() { IndexMap::new() } else { map_value(v, c)? };
                if matches!(op, SetOp::Replace { .. }) {
                    let existing: Vec<String> = entity_props(c, &target).unwrap_or_default().into_keys().collect();
                    for k in existing {
                        if new.get(&k).is_none_or(|v| v.is_null()) {
                            set_prop(graph, &target, &k, Value::Null, stats)?;
                        }
                    }
                }
                for (k, v) in new {
                    set_prop(graph, &target, &k, v, stats)?;
                }
            }
            SetOp::Labels { slot, labels } | SetOp::RemoveLabels { slot, labels } => {
                let id = match &row[*slot] {
                    Value::Node(id) => *id,
                    Value::Null => continue,
                    other => return Err(type_err("labels can only be set on nodes", other)),
                };
                for l in labels {
                    if matches!(op, SetOp::Labels { .. }) {
                        if graph.add_label(id, l) {
                            stats.labels_added += 1;
                        }
                    } else if graph.remove_label(id, l) {
                        stats.labels_removed += 1;
                    }
                }
            }
        }
    }
    Ok(())
}
