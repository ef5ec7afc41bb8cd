//! silkgraph's front end on another Bolt server (`--connect URI`): statements run there, and
//! their answers come back as local values, so every output format and picture works on them.
//!
//! `bolt://` and `bolt+s://` talk to the one server named; `neo4j://` and `neo4j+s://` ask it
//! for the database's routing table, send writes to a writer and reads to a reader, and ask
//! again when a writer says it no longer leads. Nodes and relationships in an answer are
//! copied into a small local graph with the server's ids (see [`Answer`]).

pub mod conn;

use indexmap::IndexMap;

use crate::bolt::packstream::{decode, Pack};
use crate::bolt::values::{self, tag, Dialect};
use crate::exec::{Params, QueryResult, Stats};
use crate::store::Graph;
use crate::value::{NodeId, Path, RelId, Value};

pub use conn::{Connection, Failure, Login, RemoteError, Reply, RoutingTable};

/// A server address as a URI names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Uri {
    /// `neo4j://`: ask for a routing table.
    pub routing: bool,
    /// `+s`: TLS, verified against the system's roots.
    pub tls: bool,
    /// The host.
    pub host: String,
    /// The port (7687 unless given).
    pub port: u16,
}

impl Uri {
    /// Reads `bolt://host:port`, `bolt+s://`, `neo4j://`, `neo4j+s://`.
    pub fn parse(text: &str) -> Result<Uri, String> {
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| format!("{text}: not a server URI; write bolt://HOST:PORT or neo4j://HOST:PORT"))?;
        let (routing, tls) = match scheme.to_ascii_lowercase().as_str() {
            "bolt" => (false, false),
            "bolt+s" => (false, true),
            "neo4j" => (true, false),
            "neo4j+s" => (true, true),
            "bolt+ssc" | "neo4j+ssc" => {
                return Err(format!(
                    "{scheme}:// (TLS without checking the certificate) is refused; use {}+s:// and name the \
                     server's authority in SSL_CERT_FILE",
                    scheme.split('+').next().unwrap_or("bolt")
                ))
            }
            other => {
                return Err(format!("{other}:// is not a Bolt scheme; use bolt://, bolt+s://, neo4j:// or neo4j+s://"))
            }
        };
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        if authority.contains('@') {
            return Err(
                "the user and password do not go in the URI (a password there shows in `ps`); name the user on its own"
                    .into(),
            );
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                (h, p.parse::<u16>().map_err(|_| format!("{text}: the port {p:?} is not a number up to 65535"))?)
            }
            _ => (authority, 7687),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{text}: no host"));
        }
        Ok(Uri { routing, tls, host: host.to_string(), port })
    }

    fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A remote database: the connections to it, and where its writers and readers are.
#[derive(Debug)]
pub struct Remote {
    uri: Uri,
    login: Login,
    /// The database asked for (`None`: the server's default).
    pub database: Option<String>,
    /// The connection to the server named (writes and reads when not routing).
    main: Connection,
    /// Routing: the table, a writer's connection and a reader's.
    table: Option<RoutingTable>,
    writer: Option<Connection>,
    reader: Option<Connection>,
    /// An explicit transaction is open (on the writer's connection).
    in_tx: bool,
}

impl Remote {
    /// Connects and logs in; with `neo4j://` also reads the routing table.
    pub fn connect(uri: &str, login: Login, database: Option<String>) -> Result<Remote, String> {
        let uri = Uri::parse(uri)?;
        let main = Connection::open(&uri.address(), uri.tls.then_some(uri.host.as_str()), &login)
            .map_err(|e| e.to_string())?;
        let mut r = Remote { uri, login, database, main, table: None, writer: None, reader: None, in_tx: false };
        if r.uri.routing {
            r.refresh().map_err(|e| e.to_string())?;
        }
        Ok(r)
    }

    /// The server's name and version, as it said at login.
    pub fn agent(&self) -> &str {
        &self.main.agent
    }

    /// Which kind of server this is, from its agent string.
    pub fn flavour(&self) -> Flavour {
        Flavour::of(&self.main.agent, &self.main.connection_id)
    }

    /// The routing table in use, if routing.
    pub fn routing_table(&self) -> Option<&RoutingTable> {
        self.table.as_ref()
    }

    fn refresh(&mut self) -> Result<(), RemoteError> {
        let t = self.main.route(self.database.as_deref())?;
        self.writer = None;
        self.reader = None;
        self.table = Some(t);
        Ok(())
    }

    /// The connection a statement goes to: a writer for writes and a reader for reads when
    /// routing, else the one connection.
    fn pick(&mut self, read: bool) -> Result<&mut Connection, RemoteError> {
        let Some(t) = &self.table else { return Ok(&mut self.main) };
        let (slot, addresses) = if read && !t.readers.is_empty() {
            (&mut self.reader, t.readers.clone())
        } else {
            (&mut self.writer, t.writers.clone())
        };
        if slot.is_none() {
            let mut last =
                RemoteError::Broken(format!("{}: the routing table names no server for this", self.uri.host));
            for a in &addresses {
                match Connection::open(a, self.uri.tls.then_some(self.uri.host.as_str()), &self.login) {
                    Ok(c) => {
                        *slot = Some(c);
                        break;
                    }
                    Err(e) => last = e,
                }
            }
            if slot.is_none() {
                return Err(last);
            }
        }
        Ok(slot.as_mut().expect("set above"))
    }

    /// Opens an explicit transaction on the writer: the statements that follow run in it until
    /// [`Remote::commit`] or [`Remote::rollback`]. A statement that fails inside it ends it
    /// (the server rolls it back, as Neo4j does).
    pub fn begin(&mut self) -> Result<(), RemoteError> {
        if self.in_tx {
            return Err(RemoteError::Broken("a transaction is already open (:commit or :rollback it first)".into()));
        }
        let db = self.database.clone();
        self.pick(false)?.begin(db.as_deref(), false)?;
        self.in_tx = true;
        Ok(())
    }

    /// Commits the open transaction.
    pub fn commit(&mut self) -> Result<(), RemoteError> {
        self.end(true)
    }

    /// Rolls the open transaction back.
    pub fn rollback(&mut self) -> Result<(), RemoteError> {
        self.end(false)
    }

    /// Whether an explicit transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.in_tx
    }

    fn end(&mut self, commit: bool) -> Result<(), RemoteError> {
        if !self.in_tx {
            return Err(RemoteError::Broken("no transaction is open (:begin opens one)".into()));
        }
        self.in_tx = false;
        let c = self.pick(false)?;
        if commit {
            c.commit().map(drop)
        } else {
            c.rollback()
        }
    }

    /// Runs one statement (auto-commit, or in the open transaction); `read` says it only reads,
    /// so a reader may answer it. When routing, a writer that no longer leads (or a server
    /// gone) makes it ask for the routing table again and retry once (not inside a transaction).
    pub fn run(&mut self, query: &str, params: &Params, read: bool) -> Result<Answer, RemoteError> {
        let packed = pack_params(params, self.dialect())?;
        if self.in_tx {
            let reply = self.pick(false)?.run(query, packed, None, false);
            if reply.is_err() {
                self.in_tx = false;
            }
            let reply = reply.map_err(|e| match e {
                RemoteError::Failed(mut f) => {
                    f.message.push_str(" (the transaction was rolled back)");
                    RemoteError::Failed(f)
                }
                other => other,
            })?;
            return self.answer(reply);
        }
        let db = self.database.clone();
        let first = self.pick(read).and_then(|c| c.run(query, packed.clone(), db.as_deref(), read));
        let reply = match first {
            Err(e) if self.table.is_some() && retryable(&e) => {
                self.refresh()?;
                self.pick(read)?.run(query, packed, db.as_deref(), read)?
            }
            other => other?,
        };
        self.answer(reply)
    }

    /// An answer from a reply; a relationship's ends that it does not hold are read too (for
    /// pictures and :why), except inside a transaction, which a failed read would end.
    fn answer(&mut self, reply: Reply) -> Result<Answer, RemoteError> {
        let db = self.database.clone();
        let mut decoded = Decoded::of(&reply).map_err(RemoteError::Broken)?;
        let missing = decoded.missing_ends();
        if !missing.is_empty() && !self.in_tx {
            let list = missing.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let q = format!("MATCH (n) WHERE id(n) IN [{list}] RETURN n");
            if let Ok(ends) = self.pick(true).and_then(|c| c.run(&q, IndexMap::new(), db.as_deref(), true)) {
                decoded.add_nodes(&ends).map_err(RemoteError::Broken)?;
            }
        }
        Ok(decoded.answer(&reply))
    }

    /// How many nodes and relationships the remote graph holds.
    pub fn size(&mut self) -> Result<(u64, u64), RemoteError> {
        let mut count = |q: &str| -> Result<u64, RemoteError> {
            let a = self.run(q, &Params::new(), true)?;
            match a.result.rows.first().and_then(|r| r.first()) {
                Some(Value::Int(n)) => Ok(u64::try_from(*n).unwrap_or(0)),
                _ => Err(RemoteError::Broken(format!("{q}: the server did not answer with a count"))),
            }
        };
        Ok((count("MATCH (n) RETURN count(n)")?, count("MATCH ()-[r]->() RETURN count(r)")?))
    }

    /// The whole remote graph as a local one, with the server's ids: for what runs here on a
    /// remote graph (algorithms, exports). The caller checks [`Remote::size`] first. With
    /// `limit`, only that many nodes and that many relationships (a sample, for the schema).
    pub fn fetch_graph(&mut self, limit: Option<u64>) -> Result<Graph, RemoteError> {
        let db = self.database.clone();
        let c = self.pick(true)?;
        let cap = |v: &str| limit.map(|l| format!(" WITH {v} LIMIT {l}")).unwrap_or_default();
        let (nodes, rels) =
            (format!("MATCH (n){} RETURN n", cap("n")), format!("MATCH ()-[r]->(){} RETURN r", cap("r")));
        let mut all = c.run(&nodes, IndexMap::new(), db.as_deref(), true)?;
        let rels = c.run(&rels, IndexMap::new(), db.as_deref(), true)?;
        all.records.extend(rels.records);
        Decoded::of(&all).map(|d| d.answer(&all).graph).map_err(RemoteError::Broken)
    }

    fn dialect(&self) -> Dialect {
        Dialect { element_ids: self.main.version.0 >= 5, utc: true }
    }

    /// Says goodbye on every connection.
    pub fn close(self) {
        let polite = self.flavour() != Flavour::Falkor;
        self.main.close(polite);
        for c in [self.writer, self.reader].into_iter().flatten() {
            c.close(polite);
        }
    }
}

fn retryable(e: &RemoteError) -> bool {
    match e {
        RemoteError::Broken(_) => true,
        RemoteError::Failed(f) => {
            f.code.contains("NotALeader")
                || f.code.contains("ForbiddenOnReadOnlyDatabase")
                || f.code.contains("DatabaseUnavailable")
        }
    }
}

/// The kind of server, for what its Cypher lacks (see `dialect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// silkgraph itself.
    Silkgraph,
    /// Neo4j.
    Neo4j,
    /// Memgraph.
    Memgraph,
    /// FalkorDB.
    Falkor,
    /// Another.
    Other,
}

impl Flavour {
    /// From a server's agent string and the id it gave the connection: FalkorDB 4.16 calls
    /// itself `Neo4j/5.13.0` but gives ids that are UUIDs where Neo4j's are `bolt-N`.
    pub fn of(agent: &str, connection_id: &str) -> Flavour {
        let a = agent.to_ascii_lowercase();
        let uuid = connection_id.len() == 36 && connection_id.matches('-').count() == 4;
        if a.contains("silkgraph") {
            Flavour::Silkgraph
        } else if a.contains("falkor") || (a.starts_with("neo4j/") && uuid) {
            Flavour::Falkor
        } else if a.starts_with("neo4j") {
            Flavour::Neo4j
        } else if a.contains("memgraph") {
            Flavour::Memgraph
        } else {
            Flavour::Other
        }
    }
}

/// `UNWIND` of `rows` into `body` (which reads `row`): the rows as the parameter `$rows`, or,
/// `inline`, written into the statement as escaped literals (for FalkorDB, whose Bolt endpoint
/// mangles string parameters and refuses dates).
pub fn unwind(rows: Vec<Value>, body: &str, inline: bool) -> (String, Params) {
    let rows = Value::list(rows);
    if inline {
        return (format!("UNWIND {} AS row {body}", crate::value::to_cypher_literal(&rows)), Params::new());
    }
    let mut params = Params::new();
    params.insert("rows".into(), rows);
    (format!("UNWIND $rows AS row {body}"), params)
}

/// Parameters as PackStream, in the connection's dialect (the server's own encoder, read back).
fn pack_params(params: &Params, d: Dialect) -> Result<IndexMap<String, Pack>, RemoteError> {
    let empty = Graph::new();
    params
        .iter()
        .map(|(k, v)| {
            let mut bytes = Vec::new();
            values::write(&mut bytes, v, &empty, d);
            let p = decode(&bytes).map_err(|e| RemoteError::Broken(format!("parameter ${k}: {e}")))?;
            Ok((k.clone(), p))
        })
        .collect()
}

/// A remote answer as local values: its rows refer to nodes and relationships of `graph`, a
/// copy of those the answer holds, with the server's ids (ends of a relationship that the
/// answer does not hold are there too, without labels or properties).
#[derive(Debug)]
pub struct Answer {
    /// The nodes and relationships of the answer.
    pub graph: Graph,
    /// Its columns, rows and what it changed.
    pub result: QueryResult,
    /// The server's own time for it, if it said (ms).
    pub server_ms: Option<f64>,
}

/// A value as it came, with nodes and relationships still remote.
enum Got {
    Plain(Value),
    List(Vec<Got>),
    Map(Vec<(String, Got)>),
    Node(i64),
    Rel(i64),
    Path(Vec<i64>, Vec<i64>),
}

/// Properties as they came.
type Props = Vec<(String, Value)>;

/// The nodes (labels, properties) and relationships (start, end, type, properties) of an
/// answer, by the server's ids.
#[derive(Default)]
struct Found {
    nodes: std::collections::BTreeMap<i64, (Vec<String>, Props)>,
    rels: std::collections::BTreeMap<i64, (i64, i64, String, Props)>,
}

/// A reply decoded once: its rows, with nodes and relationships still remote, and the nodes and
/// relationships it holds.
struct Decoded {
    rows: Vec<Vec<Got>>,
    found: Found,
}

impl Decoded {
    fn of(reply: &Reply) -> Result<Decoded, String> {
        let mut found = Found::default();
        let rows = reply
            .records
            .iter()
            .map(|r| r.iter().map(|p| got(p, &mut found)).collect::<Result<_, _>>())
            .collect::<Result<_, _>>()?;
        Ok(Decoded { rows, found })
    }

    /// The ends of the relationships that the reply does not hold itself.
    fn missing_ends(&self) -> Vec<i64> {
        let f = &self.found;
        let mut missing: Vec<i64> =
            f.rels.values().flat_map(|(s, e, _, _)| [*s, *e]).filter(|n| !f.nodes.contains_key(n)).collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// The nodes of `ends` (records of nodes) fill in the labels and properties of
    /// relationships' ends; its rows are not the answer's.
    fn add_nodes(&mut self, ends: &Reply) -> Result<(), String> {
        for p in ends.records.iter().flatten() {
            got(p, &mut self.found)?;
        }
        Ok(())
    }

    /// The answer: its nodes and relationships made in a local graph with the server's ids.
    fn answer(self, reply: &Reply) -> Answer {
        let Decoded { rows, mut found } = self;
        // Every end of a relationship is a node, if only a bare one.
        for (s, e, _, _) in found.rels.values() {
            for end in [*s, *e] {
                found.nodes.entry(end).or_default();
            }
        }
        let mut graph = Graph::new();
        let mut node_ids = std::collections::HashMap::new();
        for (id, (labels, props)) in &found.nodes {
            graph.skip_ids_to(u64::try_from(*id).unwrap_or(0), 0);
            let local = graph
                .create_node(labels.iter().map(String::as_str), props.iter().map(|(k, v)| (k.as_str(), v.clone())));
            node_ids.insert(*id, local);
        }
        let mut rel_ids = std::collections::HashMap::new();
        for (id, (s, e, ty, props)) in &found.rels {
            graph.skip_ids_to(0, u64::try_from(*id).unwrap_or(0));
            let local =
                graph.create_rel(node_ids[s], node_ids[e], ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
            if let Some(l) = local {
                rel_ids.insert(*id, l);
            }
        }
        let local = |g: Got| to_value(g, &node_ids, &rel_ids);
        let rows = rows.into_iter().map(|r| r.into_iter().map(local).collect()).collect();
        let stats = stats(reply.summary.get("stats"));
        let server_ms = ["t_first", "t_last"]
            .iter()
            .filter_map(|k| reply.summary.get(*k).and_then(Pack::as_int))
            .reduce(|a, b| a + b)
            .map(|ms| ms as f64);
        Answer { graph, result: QueryResult { columns: reply.fields.clone(), rows, stats, profile: None }, server_ms }
    }
}

fn to_value(
    g: Got,
    nodes: &std::collections::HashMap<i64, NodeId>,
    rels: &std::collections::HashMap<i64, RelId>,
) -> Value {
    match g {
        Got::Plain(v) => v,
        Got::List(xs) => Value::List(xs.into_iter().map(|x| to_value(x, nodes, rels)).collect()),
        Got::Map(kv) => Value::map(kv.into_iter().map(|(k, v)| (k, to_value(v, nodes, rels))).collect()),
        Got::Node(id) => nodes.get(&id).map_or(Value::Null, |n| Value::Node(*n)),
        Got::Rel(id) => rels.get(&id).map_or(Value::Null, |r| Value::Rel(*r)),
        Got::Path(ns, rs) => Value::Path(Box::new(Path {
            nodes: ns.iter().filter_map(|n| nodes.get(n).copied()).collect(),
            rels: rs.iter().filter_map(|r| rels.get(r).copied()).collect(),
        })),
    }
}

fn props(p: Option<&Pack>) -> Result<Props, String> {
    match p {
        Some(Pack::Map(m)) => m.iter().map(|(k, v)| Ok((k.clone(), values::value(v)?))).collect(),
        _ => Err("properties that are not a map".into()),
    }
}

fn int(p: Option<&Pack>, what: &str) -> Result<i64, String> {
    p.and_then(Pack::as_int).ok_or_else(|| format!("a {what} without an integer id"))
}

fn got(p: &Pack, found: &mut Found) -> Result<Got, String> {
    Ok(match p {
        Pack::List(xs) => Got::List(xs.iter().map(|x| got(x, found)).collect::<Result<_, _>>()?),
        Pack::Map(m) => {
            Got::Map(m.iter().map(|(k, v)| Ok((k.clone(), got(v, found)?))).collect::<Result<_, String>>()?)
        }
        Pack::Struct(tag::NODE, f) => {
            let id = int(f.first(), "node")?;
            let labels = match f.get(1) {
                Some(Pack::List(ls)) => ls.iter().filter_map(|l| l.as_str().map(str::to_string)).collect(),
                _ => return Err("a node whose labels are not a list".into()),
            };
            found.nodes.insert(id, (labels, props(f.get(2))?));
            Got::Node(id)
        }
        Pack::Struct(tag::REL, f) => {
            let id = int(f.first(), "relationship")?;
            let (s, e) = (int(f.get(1), "relationship start")?, int(f.get(2), "relationship end")?);
            let ty = f.get(3).and_then(Pack::as_str).ok_or("a relationship without a type")?.to_string();
            found.rels.insert(id, (s, e, ty, props(f.get(4))?));
            Got::Rel(id)
        }
        Pack::Struct(tag::PATH, f) => {
            let (Some(Pack::List(ns)), Some(Pack::List(rs)), Some(Pack::List(ix))) = (f.first(), f.get(1), f.get(2))
            else {
                return Err("a path that is not three lists".into());
            };
            let mut node_ids = Vec::new();
            for n in ns {
                match got(n, found)? {
                    Got::Node(id) => node_ids.push(id),
                    _ => return Err("a path whose nodes are not nodes".into()),
                }
            }
            // Unbound relationships: id, type, properties; the indices say which way each goes.
            let mut unbound = Vec::new();
            for r in rs {
                match r {
                    Pack::Struct(tag::UNBOUND, f) => {
                        let id = int(f.first(), "relationship")?;
                        let ty = f.get(1).and_then(Pack::as_str).ok_or("a relationship without a type")?.to_string();
                        unbound.push((id, ty, props(f.get(2))?));
                    }
                    _ => return Err("a path whose relationships are not relationships".into()),
                }
            }
            let mut path_nodes = vec![*node_ids.first().ok_or("a path without nodes")?];
            let mut path_rels = Vec::new();
            for pair in ix.chunks(2) {
                let (Some(r), Some(n)) = (pair.first().and_then(Pack::as_int), pair.get(1).and_then(Pack::as_int))
                else {
                    return Err("a path whose indices are not pairs of integers".into());
                };
                let node = *node_ids
                    .get(usize::try_from(n).map_err(|_| "a path index out of range")?)
                    .ok_or("a path index out of range")?;
                let at = usize::try_from(r.unsigned_abs() - 1).map_err(|_| "a path index out of range")?;
                let (id, ty, ps) = unbound.get(at).ok_or("a path index out of range")?.clone();
                let prev = *path_nodes.last().expect("a path has a first node");
                let (s, e) = if r > 0 { (prev, node) } else { (node, prev) };
                found.rels.insert(id, (s, e, ty, ps));
                path_rels.push(id);
                path_nodes.push(node);
            }
            Got::Path(path_nodes, path_rels)
        }
        other => Got::Plain(values::value(other)?),
    })
}

fn stats(p: Option<&Pack>) -> Stats {
    let m = p.and_then(Pack::as_map);
    let n = |k: &str| m.and_then(|m| m.get(k)).and_then(Pack::as_int).and_then(|i| u64::try_from(i).ok()).unwrap_or(0);
    Stats {
        nodes_created: n("nodes-created"),
        nodes_deleted: n("nodes-deleted"),
        relationships_created: n("relationships-created"),
        relationships_deleted: n("relationships-deleted"),
        labels_added: n("labels-added"),
        labels_removed: n("labels-removed"),
        properties_set: n("properties-set"),
        properties_removed: 0,
        indexes_added: n("indexes-added"),
        indexes_removed: n("indexes-removed"),
        constraints_added: n("constraints-added"),
        constraints_removed: n("constraints-removed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_name_the_server_and_how_to_reach_it() {
        let u = Uri::parse("neo4j+s://db.example.org:7688").unwrap();
        assert_eq!((u.routing, u.tls, u.host.as_str(), u.port), (true, true, "db.example.org", 7688));
        let u = Uri::parse("bolt://localhost").unwrap();
        assert_eq!((u.routing, u.tls, u.port), (false, false, 7687));
        assert_eq!(Uri::parse("bolt://[::1]:9000").unwrap().address(), "[::1]:9000");
        for bad in ["localhost:7687", "http://x", "bolt://", "bolt://x:99999", "bolt://neo4j:secret@x", "bolt+ssc://x"]
        {
            assert!(Uri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flavours_follow_the_agent() {
        assert_eq!(Flavour::of("Neo4j/5.26.0", "bolt-12"), Flavour::Neo4j);
        assert_eq!(Flavour::of("Neo4j/5.26.0 compatible ... - silkgraph/0.1.0", "bolt-1"), Flavour::Silkgraph);
        assert_eq!(Flavour::of("Memgraph/2.19", ""), Flavour::Memgraph);
        assert_eq!(Flavour::of("Neo4j/5.13.0", "4267fdfe-285a-4cd3-a49a-920a53c87f5f"), Flavour::Falkor);
    }
}
