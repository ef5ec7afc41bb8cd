//! Graphs as portable Cypher scripts, one statement for a small graph and batches for a large one.

use crate::store::Graph;
use crate::value::{NodeId, RelId};

/// A property value as a Cypher literal that Neo4j reads too: special floats as divisions,
/// dates as `date('...')`.
fn literal(v: &crate::value::Value) -> String {
    use crate::value::{format_float, quote_name, quote_string, Value};
    match v {
        Value::Float(f) if f.is_nan() => "(0.0 / 0.0)".into(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 { "(1.0 / 0.0)" } else { "(-1.0 / 0.0)" }.into(),
        Value::Float(f) => format_float(*f),
        Value::Int(i) if *i == i64::MIN => format!("({} - 1)", i64::MIN + 1),
        Value::String(s) => quote_string(s),
        Value::List(xs) => format!("[{}]", xs.iter().map(literal).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => {
            format!(
                "{{{}}}",
                m.iter().map(|(k, v)| format!("{}: {}", quote_name(k), literal(v))).collect::<Vec<_>>().join(", ")
            )
        }
        other => crate::value::to_cypher_literal(other),
    }
}

fn props_literal(g: &Graph, props: &[(crate::store::KeyId, crate::value::Value)]) -> String {
    if props.is_empty() {
        return String::new();
    }
    let items: Vec<String> =
        props.iter().map(|(k, v)| format!("{}: {}", crate::value::quote_name(g.keys().name(*k)), literal(v))).collect();
    format!(" {{{}}}", items.join(", "))
}

/// Graphs up to this many nodes and relationships are saved as one statement; larger ones in
/// batches (see [`to_cypher_script`]).
pub const ONE_STATEMENT_MAX: usize = 5_000;

/// Rows of one batch statement of a large graph's script.
const BATCH: usize = 500;

/// The whole graph as a portable Cypher script that loads back (here or in Neo4j) to a graph
/// with the same labels, types, properties and value types. A small graph is one statement: a
/// `CREATE` clause per node (each with a variable), then one per relationship. A large one is
/// statements of at most a few hundred rows each, so that it loads in bounded memory whatever
/// its size: the nodes by label set (`UNWIND [...] AS row CREATE ...`, each with a temporary
/// label and id), an index on that id, the relationships by type (`MATCH` both ends by id), then
/// the temporary label, ids and index removed.
pub fn to_cypher_script(g: &Graph) -> String {
    let (nodes, rels): (Vec<NodeId>, Vec<RelId>) = (g.node_ids().collect(), g.rel_ids().collect());
    let mut head = format!("// silkgraph graph: {} nodes, {} relationships\n", g.node_count(), g.rel_count());
    if g.undirected() {
        head.push_str(&format!("// {}\n", crate::session::UNDIRECTED));
    }
    let mut out = match nodes.len() + rels.len() <= ONE_STATEMENT_MAX {
        true => to_cypher_subscript(g, &nodes, &rels, head),
        false => batched_script(g, &nodes, &rels, head),
    };
    out.push_str(&fulltext_statements(g));
    out
}

/// `CREATE FULLTEXT INDEX` statements that make the graph's full-text indexes again.
pub fn fulltext_statements(g: &Graph) -> String {
    use crate::value::quote_name;
    let mut out = String::new();
    for ix in g.fulltext_indexes() {
        let on: Vec<String> = ix.on.iter().map(|o| quote_name(o)).collect();
        let keys: Vec<String> = ix.keys.iter().map(|k| format!("e.{}", quote_name(k))).collect();
        let target = match ix.rel {
            true => format!("()-[e:{}]-()", on.join("|")),
            false => format!("(e:{})", on.join("|")),
        };
        out.push_str(&format!(
            "CREATE FULLTEXT INDEX {} FOR {target} ON EACH [{}];\n",
            quote_name(&ix.name),
            keys.join(", ")
        ));
    }
    out
}

/// See [`to_cypher_script`].
fn batched_script(g: &Graph, nodes: &[NodeId], rels: &[RelId], mut out: String) -> String {
    use crate::value::quote_name;
    use std::collections::BTreeMap;
    use std::fmt::Write;
    const TMP: &str = "`_silkgraph_load`";
    const ID: &str = "`_silkgraph_id`";
    let map = |props: crate::store::Props| -> String {
        let items: Vec<String> =
            props.iter().map(|(k, v)| format!("{}: {}", quote_name(g.keys().name(*k)), literal(v))).collect();
        format!("{{{}}}", items.join(", "))
    };
    let mut by_labels: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    for &id in nodes {
        let labels: String =
            g.node_labels(id).iter().map(|l| format!(":{}", quote_name(g.labels().name(*l)))).collect();
        by_labels.entry(labels).or_default().push(id);
    }
    for (labels, ids) in &by_labels {
        for batch in ids.chunks(BATCH) {
            let rows: Vec<String> =
                batch.iter().map(|&id| format!("{{id: {id}, props: {}}}", map(g.node_props(id)))).collect();
            let _ = writeln!(
                out,
                "UNWIND [{}] AS row CREATE (n:{TMP}{labels}) SET n = row.props, n.{ID} = row.id;",
                rows.join(", ")
            );
        }
    }
    let _ = writeln!(out, "CREATE INDEX silkgraph_load FOR (n:{TMP}) ON (n.{ID});");
    let mut by_type: BTreeMap<String, Vec<RelId>> = BTreeMap::new();
    for &id in rels {
        if let Some(t) = g.rel_type(id) {
            by_type.entry(quote_name(g.types().name(t))).or_default().push(id);
        }
    }
    for (ty, ids) in &by_type {
        for batch in ids.chunks(BATCH) {
            let rows: Vec<String> = batch
                .iter()
                .filter_map(|&id| {
                    let (s, e) = g.rel_ends(id)?;
                    Some(format!("[{s}, {e}, {}]", map(g.rel_props(id))))
                })
                .collect();
            let _ = writeln!(
                out,
                "UNWIND [{}] AS row MATCH (a:{TMP} {{{ID}: row[0]}}), (b:{TMP} {{{ID}: row[1]}}) \
                 CREATE (a)-[r:{ty}]->(b) SET r = row[2];",
                rows.join(", ")
            );
        }
    }
    let _ = writeln!(out, "MATCH (n:{TMP}) REMOVE n:{TMP}, n.{ID};");
    let _ = writeln!(out, "DROP INDEX silkgraph_load;");
    out
}

/// [`to_cypher_script`] of some of the graph's nodes and relationships (whose ends must be
/// among the nodes), after the given header.
pub fn to_cypher_subscript(g: &Graph, nodes: &[NodeId], rels: &[RelId], header: String) -> String {
    use crate::value::quote_name;
    let mut out = header;
    if nodes.is_empty() {
        return out;
    }
    for &id in nodes {
        let labels: String =
            g.node_labels(id).iter().map(|l| format!(":{}", quote_name(g.labels().name(*l)))).collect();
        out.push_str(&format!("CREATE (n{id}{labels}{})\n", props_literal(g, &g.node_props(id))));
    }
    for &id in rels {
        let (Some((s, e)), Some(t)) = (g.rel_ends(id), g.rel_type(id)) else { continue };
        let ty = quote_name(g.types().name(t));
        out.push_str(&format!("CREATE (n{s})-[:{ty}{}]->(n{e})\n", props_literal(g, &g.rel_props(id))));
    }
    out.push_str(";\n");
    out
}
