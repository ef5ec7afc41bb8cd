//! What the web app asks the server for, under `/api/`: each answer drawn from the code the
//! REPL uses (completion, highlighting and hints from `assist`, evidence from `kg`, exports
//! from `export`), so the browser re-implements none of it. Offsets into text the app sends
//! and receives count UTF-16 code units, as JavaScript strings do.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value as J};

use super::http::{Request, Response};
use super::query_api::{access_error, client, params};
use super::{error_body, guides, values};
use crate::assist::complete::{complete, hint, tokens};
use crate::assist::diagnose::{self, Probe, SchemaSnapshot};
use crate::error::Error;
use crate::exec::Params;
use crate::export::Subgraph;
use crate::server::auth::User;
use crate::server::{codes, Server};
use crate::session::{Client, Snapshot};
use crate::store::Graph;
use crate::value::{NodeId, RelId, Value};

/// Most nodes a result's picture carries.
const MAX_PICTURE: usize = 2000;
/// Most rows a result's table carries to the page.
const MAX_ROWS: usize = 5000;

/// Routes `/api/{rest}`.
pub fn route(server: &Server, user: &User, req: &Request, rest: &str) -> Response {
    let body: J = if req.method == "POST" {
        match serde_json::from_slice(&req.body) {
            Ok(j) => j,
            Err(e) => return bad(&format!("the body is not JSON: {e}")),
        }
    } else {
        J::Null
    };
    let db = body.get("db").and_then(J::as_str).or_else(|| req.param("db")).unwrap_or("").to_string();
    let r = match (req.method.as_str(), rest) {
        ("GET", "info") => Ok(info(server, user)),
        ("GET", "schema") => schema(server, &db),
        ("GET", "guides") => Ok(Response::json(200, &guides::list())),
        ("GET", g) if g.starts_with("guides/") => Ok(guide(&g["guides/".len()..])),
        ("POST", "complete") => completion(server, &db, &body),
        ("POST", "highlight") => Ok(highlight(&body)),
        ("POST", "run") => run(server, user, &db, &body),
        ("POST", "cancel") => Ok(cancel(server, user, &body)),
        ("POST", "evidence") => evidence(server, &db, &body),
        ("POST", "expand") => expand(server, &db, &body),
        ("POST", "scores") => scores(server, &db, &body),
        ("POST", "export") => export(server, user, &db, &body),
        (m, _) if m != "GET" && m != "POST" => {
            return Response::json(405, &error_body("Neo.ClientError.Request.Invalid", "the API takes GET and POST"))
        }
        _ => {
            return Response::json(
                404,
                &error_body(
                    "Neo.ClientError.Request.Invalid",
                    &format!("no such endpoint: {} /api/{rest}", req.method),
                ),
            )
        }
    };
    r.unwrap_or_else(|e| super::query_api::error(&e, ""))
}

fn bad(why: &str) -> Response {
    Response::json(400, &error_body("Neo.ClientError.Request.Invalid", why))
}

fn str_field<'a>(body: &'a J, key: &str) -> &'a str {
    body.get(key).and_then(J::as_str).unwrap_or("")
}

/// A byte offset of `text` as UTF-16 code units.
fn utf16(text: &str, byte: usize) -> usize {
    text.get(..byte.min(text.len())).map_or(0, |s| s.encode_utf16().count())
}

/// A UTF-16 offset of `text` as a byte offset (on a character boundary).
fn from_utf16(text: &str, units: usize) -> usize {
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if n >= units {
            return i;
        }
        n += c.len_utf16();
    }
    text.len()
}

fn info(server: &Server, user: &User) -> Response {
    let mut dbs = vec![server.name().to_string()];
    dbs.extend(crate::graphs::BUNDLED.iter().map(|(b, _, _)| b.to_string()).filter(|b| b != server.name()));
    let read_only = server.database(server.name()).map_or(true, |s| s.read_only());
    Response::json(
        200,
        &json!({
            "version": env!("CARGO_PKG_VERSION"),
            "database": server.name(),
            "databases": dbs,
            "user": user.name,
            "readOnly": read_only || user.read_only,
            "palette": crate::export::layout::Palette::hex_colors(),
        }),
    )
}

/// The schema completion reads, made once per database and commit.
fn schema_of(server: &Server, db: &str) -> Result<(Arc<Snapshot>, Arc<SchemaSnapshot>), Error> {
    type Cache = Mutex<HashMap<(u64, String), (u64, Arc<SchemaSnapshot>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let name = server.resolve(Some(db))?;
    let snap = server.database(&name)?.snapshot();
    let key = (server.id(), name);
    let cache = CACHE.get_or_init(Cache::default);
    if let Some((v, s)) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        if *v == snap.version {
            return Ok((snap, s.clone()));
        }
    }
    // Made without the lock (a large graph takes a while, and other databases' requests need
    // not wait); one entry per server and database, and servers that are gone are let go of
    // once there are more than a few.
    let s = Arc::new(SchemaSnapshot::of(&snap.graph));
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() >= 64 {
        c.clear();
    }
    c.insert(key, (snap.version, s.clone()));
    Ok((snap, s))
}

fn schema(server: &Server, db: &str) -> Result<Response, Error> {
    let (snap, s) = schema_of(server, db)?;
    let colors = values::label_colors(&snap.graph);
    let labels: Vec<J> = s
        .labels
        .iter()
        .map(|(l, n)| json!({"name": l, "count": n, "color": colors.get(l), "keys": s.label_keys.get(l)}))
        .collect();
    let types: Vec<J> =
        s.types.iter().map(|(t, n)| json!({"name": t, "count": n, "keys": s.type_keys.get(t)})).collect();
    Ok(Response::json(
        200,
        &json!({"labels": labels, "types": types, "keys": s.keys, "nodes": snap.graph.node_count(),
                "relationships": snap.graph.rel_count(), "undirected": snap.graph.undirected()}),
    ))
}

fn completion(server: &Server, db: &str, body: &J) -> Result<Response, Error> {
    let text = str_field(body, "text");
    let pos = from_utf16(text, body.get("pos").and_then(J::as_u64).unwrap_or(u64::MAX) as usize);
    let (_, schema) = schema_of(server, db)?;
    let (start, cands) = complete(text, pos, &schema);
    let cands: Vec<J> = cands.iter().map(|c| json!({"replacement": c.replacement, "display": c.display})).collect();
    let h = hint(&text[..pos], pos, &schema, complete).filter(|_| !text.trim_start().starts_with(':'));
    Ok(Response::json(
        200,
        &json!({"start": utf16(text, start), "candidates": cands, "hint": h.map(|h| json!({"display": h.display, "completion": h.completion}))}),
    ))
}

fn highlight(body: &J) -> Response {
    let text = str_field(body, "text");
    let toks: Vec<J> = tokens(text)
        .into_iter()
        .filter_map(|(span, kind)| {
            let class = format!("{kind:?}").to_ascii_lowercase();
            let end = span.end.min(text.len());
            (span.start < end).then(|| json!([utf16(text, span.start), utf16(text, end), class]))
        })
        .collect();
    Response::json(200, &json!({"tokens": toks}))
}

// ---- running statements ---------------------------------------------------------------------

/// The halt flags of running requests, by the server, the user and the run's id (a user
/// cancels only their own runs), then by the server's number for the request (two runs may
/// share an id: a cancel halts both, and each lets go of only its own).
type Running = Mutex<HashMap<(u64, String, String), HashMap<u64, Arc<AtomicBool>>>>;

fn running() -> &'static Running {
    static R: OnceLock<Running> = OnceLock::new();
    R.get_or_init(Running::default)
}

fn cancel(server: &Server, user: &User, body: &J) -> Response {
    let key = (server.id(), user.name.clone(), str_field(body, "runId").to_string());
    let runs = running().lock().unwrap_or_else(|e| e.into_inner());
    let found = runs.get(&key);
    found.iter().flat_map(|m| m.values()).for_each(|f| f.store(true, Ordering::SeqCst));
    Response::json(200, &json!({"cancelled": found.is_some()}))
}

/// Collects a result's nodes and relationships for the graph view, as rows arrive.
#[derive(Default)]
struct Picture {
    nodes: HashSet<NodeId>,
    rels: HashSet<RelId>,
    out_nodes: Vec<J>,
    out_rels: Vec<J>,
    truncated: bool,
}

impl Picture {
    fn add(&mut self, g: &Graph, values: &[Value]) {
        let sub = Subgraph::from_values(g, values);
        let new_nodes: Vec<NodeId> = sub.nodes.into_iter().filter(|n| !self.nodes.contains(n)).collect();
        if self.nodes.len() + new_nodes.len() > MAX_PICTURE {
            self.truncated = true;
            return;
        }
        let new_rels: Vec<RelId> = sub.rels.into_iter().filter(|r| !self.rels.contains(r)).collect();
        self.nodes.extend(&new_nodes);
        self.rels.extend(&new_rels);
        let part = values::picture(g, &Subgraph { nodes: new_nodes, rels: new_rels });
        if let (Some(J::Array(n)), Some(J::Array(r))) = (part.get("nodes"), part.get("rels")) {
            self.out_nodes.extend(n.iter().cloned());
            self.out_rels.extend(r.iter().cloned());
        }
    }
}

/// Why-no-rows probes on a client of a served database.
struct ClientProbe<'a> {
    client: &'a mut Client,
    snap: Arc<Snapshot>,
}

impl Probe for ClientProbe<'_> {
    fn graph(&self) -> &Graph {
        &self.snap.graph
    }
    fn rows(&mut self, query: &str, params: &Params) -> Result<Vec<Vec<Value>>, Error> {
        run_rows(self.client, query, params).map(|(_, rows)| rows)
    }
    fn cancelled(&self) -> bool {
        let c = &self.client.control;
        c.cancel.load(Ordering::Relaxed) || c.halt.as_ref().is_some_and(|h| h.load(Ordering::Relaxed))
    }
    fn timeout(&self) -> Option<Duration> {
        self.client.timeout
    }
    fn set_timeout(&mut self, t: Option<Duration>) {
        self.client.timeout = t;
    }
}

/// An error for the app: the code, message and hint, and where in the whole text it points.
fn error_json(e: &Error, text: &str, offset: usize) -> J {
    let span = e.span.map(|s| json!([utf16(text, offset + s.start), utf16(text, offset + s.end)]));
    json!({"code": codes::code(e), "message": e.message, "hint": e.hint, "span": span})
}

/// `POST /api/run {db, text, params, runId}`: runs each statement of a script in turn, each in
/// its own transaction, and stops at the first that fails.
fn run(server: &Server, user: &User, db: &str, body: &J) -> Result<Response, Error> {
    let text = str_field(body, "text");
    let params = match params(body.get("params")) {
        Ok(p) => p,
        Err(e) => return Ok(bad(&e)),
    };
    let mut c = client(server, db)?;
    let run_id = (server.id(), user.name.clone(), str_field(body, "runId").to_string());
    // The request's halt flag: a cancel stops the running statement and starts no other.
    let flag = c.control.halt.clone().unwrap_or_default();
    if !run_id.2.is_empty() {
        running().lock().unwrap_or_else(|e| e.into_inner()).entry(run_id.clone()).or_default().insert(c.run, flag);
    }
    let mut results = Vec::new();
    for (a, b) in crate::script::split(text) {
        let piece = &text[a..b];
        let r = run_one(server, user, db, &mut c, piece, &params, text, a);
        let failed = r.get("error").is_some_and(|e| !e.is_null());
        results.push(r);
        if failed {
            break;
        }
    }
    let mut runs = running().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = runs.get_mut(&run_id) {
        m.remove(&c.run);
        if m.is_empty() {
            runs.remove(&run_id);
        }
    }
    drop(runs);
    Ok(Response::json(200, &json!({"results": results})))
}

#[allow(clippy::too_many_arguments)]
fn run_one(
    server: &Server,
    user: &User,
    db: &str,
    c: &mut Client,
    piece: &str,
    params: &Params,
    text: &str,
    at: usize,
) -> J {
    // The schema hints and warnings read: the one completion keeps per commit.
    let schema = || schema_of(server, db).map(|(_, s)| s).unwrap_or_default();
    let started = Instant::now();
    let head = json!({"statement": piece, "start": utf16(text, at), "end": utf16(text, at + piece.len())});
    let fail = |e: &Error, hint_schema: Option<&SchemaSnapshot>| {
        let mut e = e.clone();
        if let (None, Some(s)) = (&e.hint, hint_schema) {
            e.hint = diagnose::error_hint(&e, piece, s);
        }
        let mut out = head.clone();
        out["error"] = error_json(&e, text, at);
        out
    };
    if piece.trim_start().starts_with(':') {
        let e = Error::syntax(
            crate::error::Detail::UnexpectedSyntax,
            "REPL commands (:param, :why, ...) are not run here: set parameters in the parameters box, and click a relationship for its evidence",
            crate::error::Span::new(0, piece.len()),
        );
        return fail(&e, None);
    }
    server.log_query(0, piece);
    let prepared = match c.prepare(piece) {
        Ok(p) => p,
        Err(e) => return fail(&e, Some(&schema())),
    };
    if prepared.1.writes() && user.read_only {
        return fail(&access_error(user), None);
    }
    let columns = Client::columns(&prepared);
    let mut rows: Vec<J> = Vec::new();
    let mut values: Vec<J> = Vec::new();
    let mut picture = Picture::default();
    let mut count = 0usize;
    let summary = c.run(&prepared, params, &mut |g, row| {
        count += 1;
        if count <= MAX_ROWS {
            rows.push(J::Array(row.iter().map(|v| J::String(crate::output::to_cypher(g, v))).collect()));
            values.push(J::Array(row.iter().map(|v| values::plain(g, v)).collect()));
            picture.add(g, &row);
        }
        Ok(true)
    });
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            server.log_failure(0, &e, piece);
            return fail(&e, Some(&schema()));
        }
    };
    let mode = format!("{:?}", prepared.0.mode).to_ascii_lowercase();
    let mut out = head;
    out["columns"] = json!(columns);
    out["rows"] = J::Array(rows);
    out["values"] = J::Array(values);
    out["rowCount"] = json!(count);
    out["graph"] = json!({"nodes": picture.out_nodes, "rels": picture.out_rels, "truncated": picture.truncated,
                          "undirected": c.shared().snapshot().graph.undirected()});
    out["mode"] = json!(mode);
    out["ms"] = json!(ms);
    out["stats"] = crate::output::stats_json(&summary.stats);
    // No rows from a query that reads: say which step emptied it, as the REPL's :whynot does.
    if count == 0 && !columns.is_empty() && summary.stats.is_empty() && mode == "run" && !prepared.1.writes() {
        let schema = schema();
        let warnings: Vec<String> = crate::syntax::parse(piece)
            .unwrap_or_default()
            .iter()
            .flat_map(|s| diagnose::warnings(s, &schema))
            .collect();
        out["warnings"] = json!(warnings);
        let snap = c.shared().snapshot();
        let mut probe = ClientProbe { client: c, snap };
        if let Ok(why) = diagnose::why_no_rows(&mut probe, params, piece, Duration::from_secs(2)) {
            let steps: Vec<J> = why.steps.iter().map(|(s, n)| json!({"step": s, "rows": n})).collect();
            out["whynot"] = json!({"steps": steps, "reason": why.reason});
        }
    }
    out
}

// ---- evidence, neighbours, scores --------------------------------------------------------------

fn ids(body: &J, key: &str) -> Vec<u64> {
    body.get(key).and_then(J::as_array).map_or_else(Vec::new, |a| a.iter().filter_map(J::as_u64).take(10_000).collect())
}

/// `POST /api/evidence {db, nodes: [ids], rels: [ids]}`: what each stated value rests on (what
/// `:why` prints).
fn evidence(server: &Server, db: &str, body: &J) -> Result<Response, Error> {
    use crate::kg::evidence::{of, Entity};
    let name = server.resolve(Some(db))?;
    let snap = server.database(&name)?.snapshot();
    let g = &snap.graph;
    let mut items = Vec::new();
    let entities = ids(body, "nodes")
        .into_iter()
        .map(|n| Entity::Node(NodeId(n)))
        .chain(ids(body, "rels").into_iter().map(|r| Entity::Rel(RelId(r))));
    for e in entities {
        let (kind, id, title) = match e {
            Entity::Node(n) if g.node_exists(n) => ("node", n.0, crate::export::display_name(g, n)),
            Entity::Rel(r) if g.rel_exists(r) => {
                let (s, t) = g.rel_ends(r).unwrap_or((NodeId(0), NodeId(0)));
                let title = format!(
                    "{} —{}→ {}",
                    crate::export::display_name(g, s),
                    crate::export::type_name(g, r),
                    crate::export::display_name(g, t)
                );
                ("rel", r.0, title)
            }
            _ => continue,
        };
        let facts: Vec<J> = of(g, e)
            .into_iter()
            .map(|f| {
                json!({"key": f.key, "value": crate::export::value_text(g, &f.value), "source": f.source,
                       "quote": f.quote, "derived": f.derived})
            })
            .collect();
        items.push(json!({"kind": kind, "id": id, "title": title, "facts": facts}));
    }
    Ok(Response::json(200, &json!({"items": items})))
}

fn run_rows(c: &mut Client, q: &str, params: &Params) -> Result<(Arc<Snapshot>, Vec<Vec<Value>>), Error> {
    let p = c.prepare(q)?;
    let mut rows = Vec::new();
    c.run(&p, params, &mut |_, r| {
        rows.push(r);
        Ok(true)
    })?;
    Ok((c.shared().snapshot(), rows))
}

/// `POST /api/expand {db, id, type?, direction?, limit?}`: without a type, how many
/// neighbours the node has by relationship type and direction; with one, those neighbours.
fn expand(server: &Server, db: &str, body: &J) -> Result<Response, Error> {
    let Some(id) = body.get("id").and_then(J::as_u64) else { return Ok(bad("give the node's `id`")) };
    let mut c = client(server, db)?;
    let mut p = Params::new();
    p.insert("id".into(), Value::Int(id as i64));
    let Some(ty) = body.get("type").and_then(J::as_str) else {
        let q = "MATCH (n) WHERE id(n) = $id MATCH (n)-[r]-(m) \
                 RETURN type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction, count(*) AS n \
                 ORDER BY n DESC, type";
        let (_, rows) = run_rows(&mut c, q, &p)?;
        let groups: Vec<J> = rows
            .iter()
            .filter_map(|r| match r.as_slice() {
                [Value::String(t), Value::String(d), Value::Int(n)] => {
                    Some(json!({"type": t.as_ref(), "direction": d.as_ref(), "count": n}))
                }
                _ => None,
            })
            .collect();
        return Ok(Response::json(200, &json!({"groups": groups})));
    };
    let limit = body.get("limit").and_then(J::as_u64).unwrap_or(100).clamp(1, MAX_PICTURE as u64);
    p.insert("limit".into(), Value::Int(limit as i64));
    let arrow = match body.get("direction").and_then(J::as_str) {
        Some("out") => ("-", "->"),
        Some("in") => ("<-", "-"),
        _ => ("-", "-"),
    };
    let q = format!(
        "MATCH (n) WHERE id(n) = $id MATCH (n){}[r:{}]{}(m) RETURN n, r, m LIMIT $limit",
        arrow.0,
        crate::value::quote_name(ty),
        arrow.1
    );
    let (snap, rows) = run_rows(&mut c, &q, &p)?;
    let sub = Subgraph::from_values(&snap.graph, rows.iter().flatten());
    Ok(Response::json(200, &json!({"graph": values::picture(&snap.graph, &sub)})))
}

/// `POST /api/scores {db, by, nodes}`: a score per node (`degree`, `pagerank`, `betweenness`,
/// `community`) or a numeric property, for the nodes asked about.
fn scores(server: &Server, db: &str, body: &J) -> Result<Response, Error> {
    let by = str_field(body, "by").trim().to_string();
    let wanted: HashSet<u64> = ids(body, "nodes").into_iter().collect();
    let mut c = client(server, db)?;
    let undirected = c.shared().snapshot().graph.undirected();
    let lower = by.to_ascii_lowercase();
    let proc = match lower.as_str() {
        "degree" => Some(("algo.degree", "score")),
        "pagerank" => Some(("algo.pageRank", "score")),
        "betweenness" => Some(("algo.betweenness", "score")),
        "community" => Some(("algo.communities", "community")),
        _ => None,
    };
    let q = match proc {
        Some((name, field)) => {
            let config = if undirected && lower != "community" { "{direction: 'both'}" } else { "" };
            format!("CALL {name}({config}) YIELD node, {field} RETURN id(node) AS id, {field} AS v")
        }
        None if !by.is_empty() => {
            format!("MATCH (n) WHERE n.{0} IS NOT NULL RETURN id(n) AS id, n.{0} AS v", crate::value::quote_name(&by))
        }
        None => return Ok(bad("say what to score by: degree, pagerank, betweenness, community or a property")),
    };
    let (snap, rows) = run_rows(&mut c, &q, &Params::new())?;
    let rows: Vec<(u64, &Value)> = rows
        .iter()
        .filter_map(|r| match r.as_slice() {
            [Value::Int(id), v] if wanted.is_empty() || wanted.contains(&(*id as u64)) => Some((*id as u64, v)),
            _ => None,
        })
        .collect();
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    };
    // A property with values that are not all numbers colours by category: each distinct value
    // is a number here and a name in `names`.
    let categorical = lower == "community" || (proc.is_none() && rows.iter().any(|(_, v)| number(v).is_none()));
    let mut names: Vec<String> = Vec::new();
    let mut values = serde_json::Map::new();
    for (id, v) in rows {
        let x = match number(v) {
            Some(x) if !categorical || lower == "community" => x,
            _ => {
                let text = crate::export::value_text(&snap.graph, v);
                let i = names.iter().position(|n| *n == text).unwrap_or_else(|| {
                    names.push(text);
                    names.len() - 1
                });
                i as f64
            }
        };
        values.insert(id.to_string(), json!(x));
    }
    let by = if proc.is_some() { lower } else { by };
    Ok(Response::json(200, &json!({"by": by, "categorical": categorical, "names": names, "values": values})))
}

// ---- exports and guides -----------------------------------------------------------------------

/// `POST /api/export {db, text, params, format}`: the result's subgraph in a format `silkgraph
/// export` writes, as files (`text` or `base64`) the page saves.
fn export(server: &Server, user: &User, db: &str, body: &J) -> Result<Response, Error> {
    use crate::export::{render, Export, ExportFormat, Provenance, Style};
    let fmt = str_field(body, "format");
    let Some(format) = ExportFormat::parse(fmt) else {
        return Ok(bad(&format!("no export format `{fmt}`: one of {}", ExportFormat::names())));
    };
    let text = str_field(body, "text").trim().trim_end_matches(';');
    let params = match params(body.get("params")) {
        Ok(p) => p,
        Err(e) => return Ok(bad(&e)),
    };
    let mut c = client(server, db)?;
    let (snap, sub) = if text.is_empty() {
        let snap = c.shared().snapshot();
        let sub = Subgraph::whole(&snap.graph);
        (snap, sub)
    } else {
        if c.prepare(text)?.1.writes() {
            let why = if user.read_only { "this user may only read" } else { "an export runs a query that only reads" };
            return Err(Error::runtime(
                crate::error::Kind::TransactionError,
                crate::error::Detail::WriteOnReadOnly,
                why,
            ));
        }
        let (snap, rows) = run_rows(&mut c, text, &params)?;
        let sub = Subgraph::from_values(&snap.graph, rows.iter().flatten());
        (snap, sub)
    };
    let g = &snap.graph;
    let prov = Provenance::new(g, Some(text), &params);
    // The layout of a picture has the server's time limit for a statement.
    let style = Style {
        stop: crate::export::Stop::new(server.timeout, c.control.halt.clone().unwrap_or_default()),
        ..Style::default()
    };
    let rendered = render(format, &Export { graph: g, sub: &sub, prov: &prov, style: &style })
        .map_err(|e| Error::runtime(crate::error::Kind::ArgumentError, crate::error::Detail::None, e))?;
    let ext = match format {
        ExportFormat::NodeLink => "nodelink.json",
        f => f.name(),
    };
    let files: Vec<J> = rendered
        .files
        .iter()
        .map(|(suffix, bytes)| {
            let name = if suffix.is_empty() { format!("result.{ext}") } else { format!("result-{suffix}") };
            match std::str::from_utf8(bytes) {
                Ok(t) => json!({"name": name, "text": t}),
                Err(_) => json!({"name": name, "base64": base64::engine::general_purpose::STANDARD.encode(bytes)}),
            }
        })
        .collect();
    Ok(Response::json(200, &json!({"files": files, "warnings": rendered.warnings})))
}

fn guide(name: &str) -> Response {
    match guides::get(name) {
        Some(g) => Response::json(200, &g.to_json()),
        None => Response::json(
            404,
            &error_body(
                "Neo.ClientError.Request.Invalid",
                &format!("no guide `{name}`; the guides are listed at /api/guides"),
            ),
        ),
    }
}
