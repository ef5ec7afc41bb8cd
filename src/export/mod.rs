//! Subgraph export: the nodes and relationships of a query's result (or of the whole graph),
//! written in the formats other tools read — NetworkX's node-link JSON, GraphML, GEXF, DOT,
//! neo4j-admin CSV, a Cypher script, the project's own JSON graph — or drawn as a picture
//! (SVG, PNG, or a self-contained interactive HTML page).
//!
//! Every export carries its [`Provenance`] (silkgraph's version, the query, its parameters and
//! a hash of the whole graph) in the format's own metadata slot, and every file is written
//! atomically ([`write_atomic`]): to a temporary file in the same directory, synced, then
//! renamed over the target — which must not exist unless `force` is given.

pub mod csv;
pub mod cypher;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod json;
pub mod layout;
pub mod nodelink;
pub mod png;
pub mod svg;
mod xml;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value as J};
use sha2::{Digest, Sha256};

use crate::error::{FileError, FileProblem};
use crate::exec::{Params, QueryResult};
use crate::output::to_json;
use crate::session::Session;
use crate::store::{Graph, KeyId};
use crate::value::{NodeId, RelId, Value};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// NetworkX's node-link JSON.
    NodeLink,
    /// GraphML.
    GraphMl,
    /// GEXF 1.2, as Gephi reads it.
    Gexf,
    /// Graphviz DOT.
    Dot,
    /// neo4j-admin CSV: a directory with a nodes file and a relationships file.
    Csv,
    /// A Cypher script that recreates the subgraph.
    Cypher,
    /// The project's own JSON graph.
    Json,
    /// A picture as SVG.
    Svg,
    /// A picture as PNG.
    Png,
    /// A picture as a self-contained interactive HTML page.
    Html,
}

impl ExportFormat {
    /// Every format, in the order messages list them.
    pub const ALL: &'static [ExportFormat] = &[
        ExportFormat::NodeLink,
        ExportFormat::GraphMl,
        ExportFormat::Gexf,
        ExportFormat::Dot,
        ExportFormat::Csv,
        ExportFormat::Cypher,
        ExportFormat::Json,
        ExportFormat::Svg,
        ExportFormat::Png,
        ExportFormat::Html,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::NodeLink => "nodelink",
            ExportFormat::GraphMl => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Dot => "dot",
            ExportFormat::Csv => "csv",
            ExportFormat::Cypher => "cypher",
            ExportFormat::Json => "json",
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
            ExportFormat::Html => "html",
        }
    }

    /// Parses a format name (case-insensitive; `node-link` and `gv` are accepted too).
    pub fn parse(s: &str) -> Option<ExportFormat> {
        let s = s.trim().to_ascii_lowercase();
        Some(match s.as_str() {
            "node-link" | "nodelink" | "node_link" => ExportFormat::NodeLink,
            "gv" => ExportFormat::Dot,
            "htm" => ExportFormat::Html,
            "silkgraph" => ExportFormat::Json,
            _ => *ExportFormat::ALL.iter().find(|f| f.name() == s)?,
        })
    }

    /// The list of names, for messages.
    pub fn names() -> String {
        ExportFormat::ALL.iter().map(|f| f.name()).collect::<Vec<_>>().join("|")
    }

    /// Whether the format is a picture (uses the picture options).
    pub fn is_picture(self) -> bool {
        matches!(self, ExportFormat::Svg | ExportFormat::Png | ExportFormat::Html)
    }
}

// ---- the subgraph ------------------------------------------------------------------------------

/// The nodes and relationships an export writes, in order of first appearance. Every
/// relationship's two ends are among the nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subgraph {
    /// The nodes, in order of first appearance.
    pub nodes: Vec<NodeId>,
    /// The relationships, in order of first appearance.
    pub rels: Vec<RelId>,
}

impl Subgraph {
    /// The whole graph.
    pub fn whole(g: &Graph) -> Subgraph {
        Subgraph { nodes: g.node_ids().collect(), rels: g.rel_ids().collect() }
    }

    /// Every node and relationship that appears in the values (in paths, lists and maps too),
    /// plus the ends of every relationship.
    pub fn from_values<'a>(g: &Graph, values: impl IntoIterator<Item = &'a Value>) -> Subgraph {
        let mut c = Collector::default();
        for v in values {
            c.value(g, v);
        }
        let rels = c.rels.clone();
        for r in rels {
            if let Some((a, b)) = g.rel_ends(r) {
                c.node(g, a);
                c.node(g, b);
            }
        }
        Subgraph { nodes: c.nodes, rels: c.rels }
    }

    /// The subgraph a query's result defines.
    pub fn from_result(g: &Graph, r: &QueryResult) -> Subgraph {
        Subgraph::from_values(g, r.rows.iter().flatten())
    }

    /// Whether the subgraph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A new graph holding just this subgraph (ids renumbered in order).
    pub fn to_graph(&self, g: &Graph) -> Graph {
        let mut out = Graph::new();
        let mut ids = HashMap::new();
        for &n in &self.nodes {
            let labels: Vec<&str> = g.node_labels(n).iter().map(|l| g.labels().name(*l)).collect();
            let props: Vec<(&str, Value)> =
                g.node_props(n).iter().map(|(k, v)| (g.keys().name(*k), v.clone())).collect();
            ids.insert(n, out.create_node(labels, props));
        }
        for &r in &self.rels {
            let (Some((a, b)), Some(t)) = (g.rel_ends(r), g.rel_type(r)) else { continue };
            let props: Vec<(&str, Value)> =
                g.rel_props(r).iter().map(|(k, v)| (g.keys().name(*k), v.clone())).collect();
            if let (Some(&a), Some(&b)) = (ids.get(&a), ids.get(&b)) {
                out.create_rel(a, b, g.types().name(t), props);
            }
        }
        out
    }
}

#[derive(Default)]
struct Collector {
    nodes: Vec<NodeId>,
    rels: Vec<RelId>,
    seen_n: HashSet<NodeId>,
    seen_r: HashSet<RelId>,
}

impl Collector {
    fn node(&mut self, g: &Graph, id: NodeId) {
        if g.node_exists(id) && self.seen_n.insert(id) {
            self.nodes.push(id);
        }
    }
    fn rel(&mut self, g: &Graph, id: RelId) {
        if g.rel_exists(id) && self.seen_r.insert(id) {
            self.rels.push(id);
        }
    }
    fn value(&mut self, g: &Graph, v: &Value) {
        match v {
            Value::Node(id) => self.node(g, *id),
            Value::Rel(id) => self.rel(g, *id),
            Value::Path(p) => {
                for (i, &n) in p.nodes.iter().enumerate() {
                    self.node(g, n);
                    if let Some(&r) = p.rels.get(i) {
                        self.rel(g, r);
                    }
                }
            }
            Value::List(xs) => xs.iter().for_each(|x| self.value(g, x)),
            Value::Map(m) => m.values().for_each(|x| self.value(g, x)),
            _ => {}
        }
    }
}

// ---- provenance ----------------------------------------------------------------------------------

/// Where an export came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// silkgraph's version.
    pub version: String,
    /// The query whose result was exported; `None` for the whole graph.
    pub query: Option<String>,
    /// The query's parameters, in the contract's JSON encoding.
    pub params: serde_json::Map<String, J>,
    /// [`graph_hash`] of the whole graph the query ran on.
    pub graph_hash: String,
}

impl Provenance {
    /// The provenance of an export of graph `g`: the query that chose it (`None` for the whole
    /// graph) and its parameters.
    pub fn new(g: &Graph, query: Option<&str>, params: &Params) -> Provenance {
        Provenance {
            version: env!("CARGO_PKG_VERSION").to_string(),
            query: query.map(|q| q.trim().trim_end_matches(';').trim_end().to_string()),
            params: params.iter().map(|(k, v)| (k.clone(), to_json(g, v))).collect(),
            graph_hash: graph_hash(g),
        }
    }

    /// As a JSON object: `{"generator", "version", "query", "params", "graph_hash"}`.
    pub fn to_json(&self) -> J {
        json!({
            "generator": "silkgraph",
            "version": self.version,
            "query": self.query,
            "params": J::Object(self.params.clone()),
            "graph_hash": self.graph_hash,
        })
    }

    /// One line of text for comment slots (no line breaks).
    pub fn one_line(&self) -> String {
        let query = self.query.as_deref().map_or("(whole graph)".to_string(), one_line);
        let params = if self.params.is_empty() {
            String::new()
        } else {
            format!("; params: {}", J::Object(self.params.clone()))
        };
        format!("silkgraph {} export; query: {query}{params}; graph: {}", self.version, self.graph_hash)
    }
}

/// Text on one line: line breaks and runs of blanks become one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A stable hash of the whole graph's content: SHA-256 over a canonical text of its nodes
/// (labels and properties, sorted) and relationships (type, properties and both ends' canonical
/// text), each list sorted. It does not depend on ids or on the order entities were created
/// in, so a graph and its export read back have the same hash.
pub fn graph_hash(g: &Graph) -> String {
    let canon = canonical(g);
    let mut h = Sha256::new();
    for line in canon.nodes.iter().chain(std::iter::once(&"--".to_string())).chain(canon.rels.iter()) {
        h.update(line.as_bytes());
        h.update(b"\n");
    }
    let digest = h.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A graph's content as sorted lines, independent of ids: the basis of [`graph_hash`], and
/// what round-trip tests compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// One line per node (labels and properties), sorted.
    pub nodes: Vec<String>,
    /// One line per relationship (type, properties and both ends' text), sorted.
    pub rels: Vec<String>,
}

/// See [`Canonical`].
pub fn canonical(g: &Graph) -> Canonical {
    let props = |ps: &[(KeyId, Value)]| -> String {
        let mut items: Vec<(String, String)> =
            ps.iter().map(|(k, v)| (g.keys().name(*k).to_string(), canonical_value(g, v))).collect();
        items.sort();
        let m: Vec<String> = items.into_iter().map(|(k, v)| format!("{}:{v}", J::from(k))).collect();
        format!("{{{}}}", m.join(","))
    };
    let mut node_text: HashMap<NodeId, String> = HashMap::new();
    for n in g.node_ids() {
        let mut labels: Vec<&str> = g.node_labels(n).iter().map(|l| g.labels().name(*l)).collect();
        labels.sort();
        node_text.insert(
            n,
            format!(
                "({}{})",
                labels.iter().map(|l| format!(":{}", J::from(*l))).collect::<String>(),
                props(&g.node_props(n))
            ),
        );
    }
    let mut nodes: Vec<String> = node_text.values().cloned().collect();
    nodes.sort();
    let mut rels: Vec<String> = g
        .rel_ids()
        .filter_map(|r| {
            let (a, b) = g.rel_ends(r)?;
            let t = g.types().name(g.rel_type(r)?);
            Some(format!("{}-[:{}{}]->{}", node_text[&a], J::from(t), props(&g.rel_props(r)), node_text[&b]))
        })
        .collect();
    rels.sort();
    Canonical { nodes, rels }
}

fn canonical_value(g: &Graph, v: &Value) -> String {
    match v {
        // Sorted keys, so that map order does not matter.
        Value::Map(m) => {
            let mut items: Vec<(String, String)> = m.iter().map(|(k, v)| (k.clone(), canonical_value(g, v))).collect();
            items.sort();
            format!(
                "{{{}}}",
                items.into_iter().map(|(k, v)| format!("{}:{v}", J::from(k))).collect::<Vec<_>>().join(",")
            )
        }
        Value::List(xs) => format!("[{}]", xs.iter().map(|x| canonical_value(g, x)).collect::<Vec<_>>().join(",")),
        other => to_json(g, other).to_string(),
    }
}

// ---- shared helpers ---------------------------------------------------------------------------

/// A node as people name it: its `name` (or `title`), else its first label and id.
pub fn display_name(g: &Graph, id: NodeId) -> String {
    for key in ["name", "title"] {
        if let Some(Value::String(s)) = g.key_id(key).and_then(|k| g.node_prop(id, k)) {
            return s.to_string();
        }
    }
    match g.node_labels(id).first() {
        Some(l) => format!("{} #{id}", g.labels().name(*l)),
        None => format!("#{id}"),
    }
}

/// A node's labels as names.
pub fn label_names(g: &Graph, id: NodeId) -> Vec<&str> {
    g.node_labels(id).iter().map(|l| g.labels().name(*l)).collect()
}

/// A relationship's type name.
pub fn type_name(g: &Graph, id: RelId) -> &str {
    g.rel_type(id).map_or("", |t| g.types().name(t))
}

/// A property value as plain text: strings bare, other values in Cypher notation.
pub fn value_text(g: &Graph, v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => crate::output::to_cypher(g, other),
    }
}

// ---- picture options --------------------------------------------------------------------------

/// What sizes the nodes of a picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SizeBy {
    /// Every node the same size.
    #[default]
    Uniform,
    /// A numeric property.
    Property(String),
    /// A score per node (a centrality), with its name.
    Scores(String, HashMap<NodeId, f64>),
}

/// What colours the nodes of a picture.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ColorBy {
    /// A colour per node's first label.
    #[default]
    Label,
    /// A colour per value of the named property.
    Property(String),
    /// A colour per value of a score (`community`), with its name.
    Scores(String, HashMap<NodeId, f64>),
}

/// Picture options.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Style {
    /// What sizes the nodes.
    pub size: SizeBy,
    /// What colours the nodes.
    pub color: ColorBy,
    /// Draw relationships without arrows, as ties (also when the graph says it is undirected).
    pub undirected: bool,
    /// When the layout must give up: a time limit, and a flag that cancels it (Ctrl-C).
    pub stop: Stop,
}

/// When a picture's layout gives up (it is the slow part of a large picture).
#[derive(Debug, Clone, Default)]
pub struct Stop {
    /// The time by which the layout must be done.
    pub deadline: Option<std::time::Instant>,
    /// Set to cancel it.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl PartialEq for Stop {
    /// Two styles draw the same picture whatever their limits.
    fn eq(&self, _: &Stop) -> bool {
        true
    }
}

impl Stop {
    /// Stops after `timeout` from now (none: no time limit) or when `cancel` is set.
    pub fn new(timeout: Option<std::time::Duration>, cancel: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Stop {
        Stop { deadline: timeout.and_then(|t| std::time::Instant::now().checked_add(t)), cancel: Some(cancel) }
    }

    /// An error if the layout must stop now.
    pub fn check(&self, nodes: usize) -> Result<(), String> {
        if self.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
            return Err("the picture was cancelled".into());
        }
        if self.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            return Err(format!(
                "laying out the picture of {nodes} nodes passed the time limit; draw a smaller subgraph \
                 (a LIMIT, or fewer hops) or give it more time"
            ));
        }
        Ok(())
    }
}

impl Style {
    /// Whether the picture draws ties without arrows.
    pub fn undirected(&self, g: &Graph) -> bool {
        self.undirected || g.undirected()
    }
}

/// Score names `size=` accepts besides property names.
pub const SCORES: &[&str] = &["pagerank", "degree", "betweenness", "community"];

/// Resolves `size=`: a score name runs `CALL algo.<name>()` through the session when such a
/// procedure exists (`degree` is also counted here when it does not), following relationships
/// both ways on an undirected graph; anything else is a property name, which some node must
/// have.
pub fn size_by(session: &mut Session, spec: &str) -> Result<SizeBy, String> {
    let s = spec.trim();
    if s.is_empty() {
        return Ok(SizeBy::Uniform);
    }
    match scores(session, s, "size")? {
        Some((name, scores)) => Ok(SizeBy::Scores(name, scores)),
        None => Ok(SizeBy::Property(s.to_string())),
    }
}

/// Resolves `color=`: `label`, a score (`community`, ...) or a property some node has.
pub fn color_by(session: &mut Session, spec: &str) -> Result<ColorBy, String> {
    let s = spec.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("label") || s.eq_ignore_ascii_case("labels") {
        return Ok(ColorBy::Label);
    }
    match scores(session, s, "color")? {
        Some((name, scores)) => Ok(ColorBy::Scores(name, scores)),
        None => Ok(ColorBy::Property(s.to_string())),
    }
}

/// A score's name and its value per node.
type Named = (String, HashMap<NodeId, f64>);

/// A score per node when `spec` names one, `None` when it names a property of some node; an
/// error naming the nearest key when it names neither.
fn scores(session: &mut Session, s: &str, what: &str) -> Result<Option<Named>, String> {
    let lower = s.to_ascii_lowercase();
    let g = &session.graph;
    let is_property = g.key_id(s).is_some_and(|k| g.node_ids().any(|n| g.node_prop(n, k).is_some()));
    if is_property {
        return Ok(None);
    }
    if !SCORES.contains(&lower.as_str()) {
        let mut keys: Vec<&str> = g.keys().iter().map(|(_, k)| k).collect();
        keys.extend(SCORES);
        if what == "color" {
            keys.push("label");
        }
        let hint = crate::similar::did_you_mean(s, keys.iter().copied())
            .map_or_else(String::new, |k| format!("; did you mean {what}={k}?"));
        return Err(format!(
            "{what}={s}: no node has a property `{s}`, and it is not a score ({}){hint}",
            SCORES.join(", ")
        ));
    }
    let proc = crate::catalog::procedures::PROCEDURES.iter().find(|p| {
        p.name.len() > 5
            && p.name[..5].eq_ignore_ascii_case("algo.")
            && p.name[5..].to_ascii_lowercase().starts_with(lower.trim_end_matches('y'))
    });
    match proc {
        Some(p) => {
            let field =
                p.outputs.iter().find(|o| **o != "node").ok_or_else(|| format!("{} yields no score", p.name))?;
            let both = session.graph.undirected() && p.inputs.contains(&"config") && lower != "community";
            let config = if both { "{direction: 'both'}" } else { "" };
            let q = format!("CALL {}({config}) YIELD node, {field} RETURN node, {field}", p.name);
            let o = session.run_statement(&q, &Params::new()).map_err(|e| format!("{}: {}", p.name, e.message))?;
            let mut scores = HashMap::new();
            for row in o.result.rows {
                if let [Value::Node(n), v] = row.as_slice() {
                    let f = match v {
                        Value::Int(i) => *i as f64,
                        Value::Float(f) => *f,
                        _ => continue,
                    };
                    scores.insert(*n, f);
                }
            }
            Ok(Some((lower, scores)))
        }
        None if lower == "degree" => {
            let g = &session.graph;
            let scores = g.node_ids().map(|n| (n, g.degree(n, crate::store::Dir::Both) as f64)).collect();
            Ok(Some((lower, scores)))
        }
        None => Err(format!("{what}={s} needs the procedure algo.{s}(), which this build does not have")),
    }
}

// ---- rendering and writing ------------------------------------------------------------------------

/// What one export renders: the graph, the part of it to write, where it came from, and the
/// picture options.
pub struct Export<'a> {
    /// The graph the subgraph belongs to.
    pub graph: &'a Graph,
    /// The nodes and relationships to write.
    pub sub: &'a Subgraph,
    /// Where the export came from.
    pub prov: &'a Provenance,
    /// The picture options (pictures only).
    pub style: &'a Style,
}

/// What an export renders to: its files' contents, and what the user should be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// `(file name suffix, contents)` pairs — one with an empty suffix for single-file
    /// formats, `nodes.csv` and `relationships.csv` for CSV. Text formats are UTF-8.
    pub files: Vec<(&'static str, Vec<u8>)>,
    /// Warnings for the user: the export was made, but not quite as asked (a PNG drawn
    /// without text because the system has no fonts, or drawn smaller than 2×; a Cypher
    /// script with values FalkorDB cannot hold).
    pub warnings: Vec<String>,
}

impl Rendered {
    fn text(files: Vec<(&'static str, String)>) -> Rendered {
        Rendered { files: files.into_iter().map(|(name, t)| (name, t.into_bytes())).collect(), warnings: Vec::new() }
    }
}

/// Renders an export. Fails only where a picture cannot be drawn (see [`png`]).
pub fn render(format: ExportFormat, ex: &Export) -> Result<Rendered, String> {
    Ok(match format {
        ExportFormat::NodeLink => Rendered::text(vec![("", nodelink::render(ex))]),
        ExportFormat::GraphMl => Rendered::text(vec![("", graphml::render(ex))]),
        ExportFormat::Gexf => Rendered::text(vec![("", gexf::render(ex))]),
        ExportFormat::Dot => Rendered::text(vec![("", dot::render(ex))]),
        ExportFormat::Csv => Rendered::text(csv::render(ex)?.into()),
        ExportFormat::Cypher => {
            Rendered { files: vec![("", cypher::render(ex).into_bytes())], warnings: cypher::falkordb_warnings(ex) }
        }
        ExportFormat::Json => Rendered::text(vec![("", json::render(ex))]),
        ExportFormat::Svg => Rendered::text(vec![("", svg::render(ex)?)]),
        ExportFormat::Png => {
            let p = png::render(ex)?;
            Rendered { files: vec![("", p.bytes)], warnings: p.warnings }
        }
        ExportFormat::Html => Rendered::text(vec![("", html::render(ex)?)]),
    })
}

/// The files an export wrote, and the warnings of its rendering ([`Rendered::warnings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The paths of the files written.
    pub files: Vec<PathBuf>,
    /// Warnings for the user: the export was made, but not quite as asked.
    pub warnings: Vec<String>,
}

/// Renders and writes an export to `path` (for CSV a directory, made when missing, that gets
/// `nodes.csv`, `relationships.csv` and `provenance.json`). Refuses to replace existing files unless `force`.
pub fn write(format: ExportFormat, ex: &Export, path: &Path, force: bool) -> Result<Written, FileError> {
    if !force && format != ExportFormat::Csv && path.exists() {
        // Before rendering: a picture can take a while to draw.
        return Err(FileError::exists(path));
    }
    let Rendered { files: parts, warnings } = render(format, ex).map_err(|m| FileError::invalid(path, m))?;
    let targets: Vec<(PathBuf, Vec<u8>)> = if format == ExportFormat::Csv {
        if path.exists() && !path.is_dir() {
            let message = format!("{}: a CSV export is a directory, and this is a file", path.display());
            return Err(FileError::new(FileProblem::Unusable, path, message));
        }
        parts.into_iter().map(|(name, text)| (path.join(name), text)).collect()
    } else {
        parts.into_iter().map(|(_, text)| (path.to_path_buf(), text)).collect()
    };
    if !force {
        if let Some((p, _)) = targets.iter().find(|(p, _)| p.exists()) {
            return Err(FileError::exists(p));
        }
    }
    if format == ExportFormat::Csv {
        std::fs::create_dir_all(path).map_err(|e| FileError::io(path, "create", &e))?;
    }
    let mut files = Vec::new();
    for (p, bytes) in targets {
        write_atomic(&p, &bytes, force)?;
        files.push(p);
    }
    Ok(Written { files, warnings })
}

pub use crate::io::write_atomic;

// ---- typed attributes (GraphML, GEXF) ---------------------------------------------------------

/// How a property value is typed in formats with typed attribute columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttrKind {
    /// `true` or `false`.
    Bool,
    /// A 64-bit integer.
    Long,
    /// A 64-bit floating-point number.
    Double,
    /// Text.
    String,
    /// A date, written as `YYYY-MM-DD` text.
    Date,
    /// A list or map, written as text in the contract's JSON encoding.
    Json,
}

impl AttrKind {
    /// The kind of a value's column; `None` for null.
    pub fn of(v: &Value) -> Option<AttrKind> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(_) => AttrKind::Bool,
            Value::Int(_) => AttrKind::Long,
            Value::Float(_) => AttrKind::Double,
            Value::String(_) => AttrKind::String,
            Value::Date(_) => AttrKind::Date,
            _ => AttrKind::Json,
        })
    }

    /// The value's text in a typed column (`true`, `42`, `1.5`, `NaN`, `INF`, `2025-12-20`, ...).
    pub fn text(g: &Graph, v: &Value) -> String {
        match v {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_nan() => "NaN".into(),
            Value::Float(f) if f.is_infinite() => if *f > 0.0 { "INF" } else { "-INF" }.into(),
            Value::Float(f) => crate::value::format_float(*f),
            Value::String(s) => s.to_string(),
            Value::Date(d) => d.to_string(),
            other => to_json(g, other).to_string(),
        }
    }
}

/// The attribute name a property key is written under in GraphML and GEXF: the names their
/// readers give to what silkgraph writes itself (`id`, `label`, `labels`, `type`) are kept for
/// that, and a property of one of those names is written as `prop_NAME` (as DOT does for
/// Graphviz's own attributes), so neither overwrites the other when NetworkX reads the file.
pub fn attr_title(key: &str) -> std::borrow::Cow<'_, str> {
    if ["id", "label", "labels", "type"].contains(&key.to_ascii_lowercase().as_str()) {
        std::borrow::Cow::Owned(format!("prop_{key}"))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

/// The typed attribute columns of a subgraph's nodes (`nodes == true`) or relationships: one
/// per property key and value kind, in order of first appearance.
pub fn attr_columns(ex: &Export, nodes: bool) -> Vec<(String, AttrKind)> {
    let g = ex.graph;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut add = |props: &[(KeyId, Value)]| {
        for (k, v) in props {
            if let Some(kind) = AttrKind::of(v) {
                if seen.insert((*k, kind)) {
                    out.push((g.keys().name(*k).to_string(), kind));
                }
            }
        }
    };
    if nodes {
        ex.sub.nodes.iter().for_each(|&n| add(&g.node_props(n)));
    } else {
        ex.sub.rels.iter().for_each(|&r| add(&g.rel_props(r)));
    }
    out
}
