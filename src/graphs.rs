//! Opening graphs: the bundled default, `.cypher` scripts and the project's own `.json` graph
//! format. Loading is all or nothing: a bad file names where and why, and yields no graph.

use std::path::Path;

use serde_json::{json, Value as J};

use crate::error::{line_col, render};
use crate::output::{from_json, to_json};
use crate::session::Session;
use crate::store::Graph;
use crate::value::{NodeId, RelId};

/// The bundled Kyrgyz–Japan knowledge graph, as a Cypher script.
pub const DEFAULT_GRAPH: &str = include_str!("../graphs/kyrgyz_japan.cypher");

/// The bundled graphs openable by name.
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "kyrgyz_japan",
        "Kyrgyz–Japanese relations, from the Kyrgyz MFA page and Times Tengri (22 Dec 2025)",
        DEFAULT_GRAPH,
    ),
    (
        "karate",
        "Zachary's karate club (1977): 34 members, 78 ties, the club split",
        include_str!("../graphs/karate.cypher"),
    ),
    (
        "florentine",
        "Florentine families' marriages around 1430 (Padgett & Ansell 1993)",
        include_str!("../graphs/florentine.cypher"),
    ),
    ("lesmis", "Les Misérables co-appearances (Knuth 1993): 77 characters", include_str!("../graphs/lesmis.cypher")),
];

/// Opens the default graph.
pub fn default_graph() -> Result<Graph, String> {
    Session::load_script(DEFAULT_GRAPH).map_err(|e| format!("bundled graph: {}", render(&e, DEFAULT_GRAPH)))
}

/// Opens a graph by file name (`.cypher`, `.json`, a directory with a CSV export) or by bundled
/// name.
pub fn open(spec: &str) -> Result<Graph, String> {
    if let Some((_, _, text)) = BUNDLED.iter().find(|(n, _, _)| *n == spec) {
        return Session::load_script(text).map_err(|e| format!("{spec}: {}", render(&e, text)));
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return crate::export::csv::import_dir(path).map_err(|e| format!("{spec}: {e}"));
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sg")) {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
        return Graph::from_snapshot(&bytes).map_err(|e| format!("{spec}: {e}"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("json") => from_json_text(&text).map_err(|e| format!("{spec}: {e}")),
        _ => Session::load_script(&text).map_err(|e| {
            let (line, col) = e.span.map_or((0, 0), |s| line_col(&text, s.start));
            format!("{spec}:{line}:{col}: {}", render(&e, &text))
        }),
    }
}

/// Saves a graph to a file in the form its extension names, the counterpart of [`open`]: `.sg`
/// a snapshot, `.json` the JSON graph, anything else a Cypher script. The write is atomic
/// (temporary file, fsync, rename), so a save cut short leaves the old file whole.
pub fn save(g: &Graph, path: &Path) -> Result<(), String> {
    let bytes = match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("sg") => g.to_snapshot(),
        Some("json") => {
            let mut text = serde_json::to_string_pretty(&to_json_graph(g)).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        _ => to_cypher_script(g).into_bytes(),
    };
    crate::export::write_atomic(path, &bytes, true)
}

/// The project's JSON graph: `{"format": "silkgraph-graph", "version": 1, "nodes": [...],
/// "relationships": [...]}` with values in the contract's JSON encoding.
pub fn to_json_graph(g: &Graph) -> J {
    let (nodes, rels): (Vec<NodeId>, Vec<RelId>) = (g.node_ids().collect(), g.rel_ids().collect());
    to_json_subgraph(g, &nodes, &rels)
}

/// [`to_json_graph`] of some of the graph's nodes and relationships (whose ends must be among
/// the nodes), with their ids.
pub fn to_json_subgraph(g: &Graph, node_ids: &[NodeId], rel_ids: &[RelId]) -> J {
    let nodes: Vec<J> = node_ids
        .iter()
        .map(|&id| {
            let labels: Vec<&str> = g.node_labels(id).iter().map(|l| g.labels().name(*l)).collect();
            let props: serde_json::Map<String, J> =
                g.node_props(id).iter().map(|(k, v)| (g.keys().name(*k).to_string(), to_json(g, v))).collect();
            json!({"id": id, "labels": labels, "properties": props})
        })
        .collect();
    let rels: Vec<J> = rel_ids
        .iter()
        .map(|&id| {
            let (s, e) = g.rel_ends(id).unwrap_or((0, 0));
            let ty = g.rel_type(id).map_or("", |t| g.types().name(t));
            let props: serde_json::Map<String, J> =
                g.rel_props(id).iter().map(|(k, v)| (g.keys().name(*k).to_string(), to_json(g, v))).collect();
            json!({"id": id, "type": ty, "start": s, "end": e, "properties": props})
        })
        .collect();
    json!({"format": "silkgraph-graph", "version": 1, "nodes": nodes, "relationships": rels})
}

/// Reads the project's JSON graph.
pub fn from_json_text(text: &str) -> Result<Graph, String> {
    let j: J = serde_json::from_str(text).map_err(|e| format!("{}:{}: {e}", e.line(), e.column()))?;
    let mut g = Graph::new();
    let mut ids = std::collections::HashMap::new();
    let nodes = j.get("nodes").and_then(J::as_array).ok_or("missing `nodes` array")?;
    for (i, n) in nodes.iter().enumerate() {
        let id = n.get("id").and_then(J::as_u64).ok_or(format!("nodes[{i}]: missing integer `id`"))?;
        let labels: Vec<&str> = n
            .get("labels")
            .and_then(J::as_array)
            .map(|ls| ls.iter().filter_map(J::as_str).collect())
            .unwrap_or_default();
        let props = read_props(n.get("properties")).map_err(|e| format!("nodes[{i}]: {e}"))?;
        let new = g.create_node(labels, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
        if ids.insert(id, new).is_some() {
            return Err(format!("nodes[{i}]: duplicate id {id}"));
        }
    }
    let empty = Vec::new();
    let rels = j.get("relationships").and_then(J::as_array).unwrap_or(&empty);
    for (i, r) in rels.iter().enumerate() {
        let end_of = |k: &str| -> Result<u64, String> {
            let id = r.get(k).and_then(J::as_u64).ok_or(format!("relationships[{i}]: missing `{k}`"))?;
            ids.get(&id).copied().ok_or(format!("relationships[{i}]: `{k}` names no node ({id})"))
        };
        let (s, e) = (end_of("start")?, end_of("end")?);
        let ty = r.get("type").and_then(J::as_str).ok_or(format!("relationships[{i}]: missing `type`"))?;
        let props = read_props(r.get("properties")).map_err(|e| format!("relationships[{i}]: {e}"))?;
        g.create_rel(s, e, ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
    }
    Ok(g)
}

fn read_props(j: Option<&J>) -> Result<Vec<(String, crate::value::Value)>, String> {
    match j {
        None | Some(J::Null) => Ok(Vec::new()),
        Some(J::Object(m)) => m.iter().map(|(k, v)| Ok((k.clone(), from_json(v)?))).collect(),
        Some(_) => Err("`properties` must be an object".into()),
    }
}

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

fn props_literal(g: &Graph, props: &[(crate::store::Sym, crate::value::Value)]) -> String {
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
    let head = format!("// silkgraph graph: {} nodes, {} relationships\n", g.node_count(), g.rel_count());
    if nodes.len() + rels.len() <= ONE_STATEMENT_MAX {
        return to_cypher_subscript(g, &nodes, &rels, head);
    }
    batched_script(g, &nodes, &rels, head)
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
