//! `--connect URI`: `query` and `run` send their statements to another Bolt server (a Neo4j
//! cluster, Memgraph, FalkorDB, another `silkgraph serve`) and print the answers in every
//! format, as they would print local ones.

use std::io::IsTerminal;

use clap::Args;

use super::{parse_params, Format, Printer, FAILED, OK, USAGE};
use crate::error::{Detail, Error, Kind};
use crate::remote::{Flavour, Login, Remote, RemoteError};

/// Where a remote server is and who to log in as.
#[derive(Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    /// Run on a Bolt server instead of a local graph: bolt://HOST:PORT, bolt+s://, neo4j:// (routed), neo4j+s://
    #[arg(long, global = true, value_name = "URI")]
    pub connect: Option<String>,
    /// The user to log in as (else SILKGRAPH_USER; none: no authentication)
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Read the password from the first line of standard input (else SILKGRAPH_PASSWORD, else a prompt)
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// The remote database (else the server's default)
    #[arg(long, global = true, value_name = "NAME")]
    pub database: Option<String>,
    /// Most nodes plus relationships fetched from the server to run an algorithm or an export here (default 1000000)
    #[arg(long, global = true, value_name = "N")]
    pub max_fetch: Option<u64>,
}

impl ConnectArgs {
    /// Who to log in as: the user from `--user` or `SILKGRAPH_USER`, the password from
    /// `SILKGRAPH_PASSWORD`, standard input or a prompt (never from a flag, which `ps` shows).
    pub fn login(&self) -> Result<Login, String> {
        let user = self.user.clone().or_else(|| std::env::var("SILKGRAPH_USER").ok()).filter(|u| !u.is_empty());
        let Some(user) = user else { return Ok(Login::default()) };
        let password = if self.password_stdin {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
            line.trim_end_matches(['\n', '\r']).to_string()
        } else if let Ok(p) = std::env::var("SILKGRAPH_PASSWORD") {
            p
        } else if std::io::stdin().is_terminal() {
            rpassword::prompt_password(format!("password for {user}: "))
                .map_err(|e| format!("cannot read the password: {e}"))?
        } else {
            return Err("no password for --user: set SILKGRAPH_PASSWORD or pass --password-stdin".into());
        };
        Ok(Login { user: Some(user), password })
    }

    /// The whole remote graph, fetched to run `what` here: its size is said first, and a graph
    /// larger than `--max-fetch` is refused.
    pub fn fetch(&self, remote: &mut Remote, what: &str) -> Result<crate::store::Graph, String> {
        let limit = self.max_fetch.unwrap_or(DEFAULT_MAX_FETCH);
        let (n, r) = remote.size().map_err(|e| e.to_string())?;
        if n + r > limit {
            return Err(format!(
                "{what} runs here on the server's graph, which has {n} nodes and {r} relationships: more than \
                 --max-fetch {limit} allows (raise it, or push a smaller subgraph)"
            ));
        }
        eprintln!("fetching {n} nodes and {r} relationships from the server to run {what} here");
        remote.fetch_graph(None).map_err(|e| e.to_string())
    }

    /// Connects, saying on standard error where to.
    pub fn open(&self) -> Result<Remote, String> {
        let uri = self.connect.as_deref().unwrap_or_default();
        let remote = Remote::connect(uri, self.login()?, self.database.clone())?;
        eprintln!("connected to {} ({})", uri, remote.agent());
        Ok(remote)
    }
}

/// Nodes plus relationships fetched from a server to run something here, unless raised.
pub const DEFAULT_MAX_FETCH: u64 = 1_000_000;

/// An error of a remote statement, as local errors are shown (the server's code kept).
pub fn error(e: RemoteError) -> Error {
    match e {
        RemoteError::Failed(f) => {
            let kind = match f.code.rsplit('.').next().unwrap_or("") {
                "SyntaxError" => Kind::SyntaxError,
                "SemanticError" => Kind::SemanticError,
                "TypeError" => Kind::TypeError,
                "ArgumentError" => Kind::ArgumentError,
                "EntityNotFound" => Kind::EntityNotFound,
                "ParameterMissing" => Kind::ParameterMissing,
                "ProcedureNotFound" | "ProcedureCallFailed" => Kind::ProcedureError,
                _ if f.code.contains("TransientError") => Kind::TransientError,
                _ if f.code.contains("Transaction") => Kind::TransactionError,
                _ => Kind::DatabaseError,
            };
            let code = if f.code.is_empty() { String::new() } else { format!(" [{}]", f.code) };
            Error::runtime(kind, Detail::None, format!("the server refused it: {}{code}", f.message))
        }
        RemoteError::Broken(why) => Error::runtime(Kind::DatabaseError, Detail::None, why),
    }
}

/// Whether a statement only reads (so a routed connection may send it to a reader), from
/// silkgraph's own plan of it; a statement silkgraph cannot plan counts as a write.
pub fn reads_only(text: &str) -> bool {
    crate::session::Session::default().prepare(text).is_ok_and(|(_, plan)| !plan.writes())
}

/// The text with the contents of its string literals blanked (so a name inside a string is not
/// taken for a call).
fn without_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push(c);
                    continue;
                }
                out.push(' ');
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// Functions of openCypher and Neo4j that FalkorDB 4.16.3 lacks (each called on its Bolt
/// endpoint and refused as unknown), with what to write instead.
const FALKOR_LACKS: [(&str, &str); 12] = [
    ("elementid", "use id(n)"),
    ("rels", "use relationships(p)"),
    ("datetime", "FalkorDB keeps dates and local date-times only; store the text, or run the query on a local copy"),
    ("time", "FalkorDB keeps dates and local date-times only; store the text, or run the query on a local copy"),
    ("duration.between", "subtract the dates' epoch values, or run the query on a local copy"),
    ("duration.inmonths", "subtract the dates' epoch values, or run the query on a local copy"),
    ("duration.indays", "subtract the dates' epoch values, or run the query on a local copy"),
    ("duration.inseconds", "subtract the dates' epoch values, or run the query on a local copy"),
    ("datetime.fromepoch", "keep the epoch number, or run the query on a local copy"),
    ("datetime.fromepochmillis", "keep the epoch number, or run the query on a local copy"),
    ("date.statement", "use date()"),
    ("date.realtime", "use date()"),
];

/// What the remote server lacks that the statement uses, said before it is sent (with what to
/// write instead).
pub fn lacking(text: &str, flavour: Flavour) -> Option<String> {
    if flavour == Flavour::Silkgraph {
        return None;
    }
    // Compiled once: every statement sent is checked.
    static PATTERNS: std::sync::OnceLock<(regex::Regex, regex::Regex)> = std::sync::OnceLock::new();
    let (shortest_in_match, falkor_call) = PATTERNS.get_or_init(|| {
        let names: Vec<String> = FALKOR_LACKS.iter().map(|(n, _)| regex::escape(n)).collect();
        let call = format!(r"(?:^|[^a-z0-9_.`])({})\s*\(", names.join("|"));
        let shortest = r"match\s+\w+\s*=\s*(all)?shortestpath\s*\(";
        (regex::Regex::new(shortest).expect("a valid pattern"), regex::Regex::new(&call).expect("a valid pattern"))
    });
    let lower = text.to_ascii_lowercase();
    if flavour == Flavour::Falkor && shortest_in_match.is_match(&lower) {
        return Some(
            "FalkorDB finds shortest paths only in WITH or RETURN, not in MATCH: match the two ends, then \
             RETURN shortestPath((a)-[:TYPE*..6]-(b)) AS p (or run the query locally)"
                .into(),
        );
    }
    if flavour == Flavour::Falkor {
        let code = without_strings(&lower);
        if let Some(m) = falkor_call.captures(&code).and_then(|c| c.get(1)) {
            let (name, instead) = FALKOR_LACKS.iter().find(|(n, _)| *n == m.as_str())?;
            return Some(format!("FalkorDB 4.16 has no {name}() function: {instead}"));
        }
    }
    if lower.contains("db.search") {
        return Some(
            "db.search is silkgraph's own search; on this server use its full-text index procedures \
             (Neo4j: db.index.fulltext.queryNodes) or WHERE n.name CONTAINS ..."
                .into(),
        );
    }
    None
}

/// A statement with silkgraph's algorithms (`algo.*`) on a server that lacks them: the remote
/// graph is fetched (within `--max-fetch`) and the statement runs here on it; nodes in its rows
/// keep the server's ids. Node properties the statement sets are written back to the server.
fn here(
    args: &ConnectArgs,
    remote: &mut Remote,
    piece: &str,
    params: &crate::exec::Params,
) -> crate::error::Result<((crate::store::Graph, crate::exec::QueryResult), f64)> {
    let start = std::time::Instant::now();
    let graph =
        args.fetch(remote, "the algorithm").map_err(|e| Error::runtime(Kind::DatabaseError, Detail::None, e))?;
    let mut session = crate::session::Session::new(graph);
    // The statement's changes stay in the store's journal under this mark, for the write-back.
    let mark = session.graph.savepoint();
    let mut outcome = session.run_statement(piece, params)?;
    let changes = session.graph.changes_since(mark);
    session.graph.commit(mark);
    let s = &outcome.result.stats;
    if s.properties_set + s.properties_removed > 0 {
        let made = s.nodes_created + s.nodes_deleted + s.relationships_created + s.relationships_deleted;
        if made + s.labels_added + s.labels_removed > 0 {
            return Err(Error::runtime(
                Kind::ProcedureError,
                Detail::None,
                "with algo.* on a server, only SET of node properties is written back (SET node.score = score); \
                 make nodes, relationships and labels in a statement of their own",
            ));
        }
        outcome.result.stats = write_back(remote, &changes)?;
    }
    Ok(((session.graph, outcome.result), start.elapsed().as_secs_f64() * 1000.0))
}

/// Sends the node properties a statement set on the fetched copy (its journaled `changes`,
/// with the server's ids) to the server, in `UNWIND` batches; returns what the server says it
/// changed.
fn write_back(remote: &mut Remote, changes: &[crate::store::Change]) -> crate::error::Result<crate::exec::Stats> {
    use crate::value::Value;
    // The last value each node's key was set to (null: removed).
    let mut set: indexmap::IndexMap<u64, indexmap::IndexMap<String, Value>> = indexmap::IndexMap::new();
    for c in changes {
        if let crate::store::Change::SetNodeProp { id, key, value } = c {
            let v = value.value().map_err(|e| Error::runtime(Kind::DatabaseError, Detail::None, e))?;
            set.entry(*id).or_default().insert(key.clone(), v);
        }
    }
    let rows: Vec<Value> = set
        .into_iter()
        .map(|(id, props)| {
            let row = [("id".to_string(), Value::Int(id as i64)), ("props".to_string(), Value::map(props))];
            Value::map(row.into_iter().collect())
        })
        .collect();
    let mut stats = crate::exec::Stats::default();
    let inline = remote.flavour() == Flavour::Falkor;
    for chunk in rows.chunks(1000) {
        let body = "MATCH (n) WHERE id(n) = row.id SET n += row.props";
        let (text, params) = crate::remote::unwind(chunk.to_vec(), body, inline);
        let a = remote.run(&text, &params, false).map_err(error)?;
        stats.properties_set += a.result.stats.properties_set;
    }
    Ok(stats)
}

/// One statement on the server (or, for silkgraph's algorithms on a server without them, here
/// on its fetched graph): the answer's graph and result, and the time in milliseconds.
pub fn run_one(
    args: &ConnectArgs,
    remote: &mut Remote,
    piece: &str,
    params: &crate::exec::Params,
) -> crate::error::Result<((crate::store::Graph, crate::exec::QueryResult), f64)> {
    if let Some(why) = lacking(piece, remote.flavour()) {
        return Err(Error::runtime(Kind::ProcedureError, Detail::None, why));
    }
    if remote.flavour() != Flavour::Silkgraph && piece.to_ascii_lowercase().contains("algo.") {
        return here(args, remote, piece, params);
    }
    let start = std::time::Instant::now();
    remote
        .run(piece, params, reads_only(piece))
        .map(|a| ((a.graph, a.result), start.elapsed().as_secs_f64() * 1000.0))
        .map_err(error)
}

/// Nodes and relationships read from the server for the REPL's schema (completion, `:schema`,
/// hints): all of a small graph, a sample of a large one.
pub const SCHEMA_SAMPLE: u64 = 100_000;

/// The remote graph's schema, from a sample of at most [`SCHEMA_SAMPLE`] nodes and as many
/// relationships (counts are the sample's); an empty one if the server refuses.
pub fn schema(remote: &mut Remote) -> crate::assist::diagnose::SchemaSnapshot {
    remote.fetch_graph(Some(SCHEMA_SAMPLE)).map(|g| crate::assist::diagnose::SchemaSnapshot::of(&g)).unwrap_or_default()
}

/// `query` or `run` with `--connect`: each statement of `text` runs on the server, in order,
/// stopping at the first error.
pub fn run_text(args: &ConnectArgs, text: &str, params: &Option<String>, format: Format) -> i32 {
    let params = match parse_params(params) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let mut remote = match args.open() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut printer = Printer::new(format, std::io::stdout().is_terminal());
    let mut code = OK;
    for (a, b) in crate::script::split(text) {
        let piece = text[a..b].trim();
        if piece.is_empty() {
            continue;
        }
        // `:begin`, `:commit`, `:rollback` as cypher-shell scripts spell them, on the server.
        if let Some(command) = crate::script::command(piece) {
            let done = match command.to_ascii_lowercase().as_str() {
                ":begin" => remote.begin().map_err(error),
                ":commit" => remote.commit().map_err(error),
                ":rollback" => remote.rollback().map_err(error),
                other => Err(Error::runtime(
                    Kind::SyntaxError,
                    Detail::None,
                    format!("`{other}` is a REPL command; scripts take :begin, :commit and :rollback"),
                )),
            };
            if let Err(e) = done {
                printer.print_result(&mut out, &crate::store::Graph::new(), Err(e), piece);
                code = FAILED;
                break;
            }
            continue;
        }
        match run_one(args, &mut remote, piece, &params) {
            Ok((a, ms)) => printer.print_result(&mut out, &a.0, Ok((&a.1, ms)), piece),
            Err(e) => {
                printer.print_result(&mut out, &crate::store::Graph::new(), Err(e), piece);
                code = FAILED;
                break;
            }
        }
    }
    if !printer.close(&mut out) {
        code = FAILED;
    }
    if remote.in_transaction() {
        let _ = remote.rollback();
        eprintln!("warning: a transaction was still open at the end; it was rolled back (:commit keeps one)");
    }
    remote.close();
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_falkordb_lacks_is_said_before_sending() {
        let lacks = |q: &str| lacking(q, Flavour::Falkor);
        assert!(lacks("MATCH (n) RETURN elementId(n)").unwrap().contains("use id(n)"));
        assert!(lacks("RETURN datetime('2020-01-01T00:00Z')").is_some());
        assert!(lacks("RETURN localdatetime('2020-01-01T00:00')").is_none(), "localdatetime is there");
        assert!(lacks("RETURN date('2020-01-01'), toUpper('time(')").is_none());
        assert!(lacks("MATCH p = shortestPath((a)-[*]-(b)) RETURN p").is_some());
        assert!(lacking("MATCH (n) RETURN elementId(n)", Flavour::Neo4j).is_none());
        assert!(lacking("CALL db.search('x')", Flavour::Neo4j).unwrap().contains("full-text"));
    }
}
