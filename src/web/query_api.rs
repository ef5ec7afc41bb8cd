//! Neo4j's Query API: `POST /db/{name}/query/v2` with `{"statement", "parameters",
//! "includeCounters", "accessMode"}`, answered `202` with `{"data": {"fields", "values"},
//! "counters"?, "bookmarks"}` in plain JSON, or with `{"errors": [{"code", "message"}]}` and a
//! 4xx/5xx status. Each request is its own transaction, as in Neo4j.

use serde_json::{json, Value as J};

use super::http::Response;
use super::{error_body, values};
use crate::error::{Detail, Error, Kind};
use crate::exec::{Params, Stats};
use crate::server::auth::User;
use crate::server::{codes, Server};
use crate::session::Client;

/// The HTTP status of an error: the client's fault (400), a transient state (503), else 500.
pub fn status(e: &Error) -> u16 {
    match e.kind {
        Kind::DatabaseError if e.detail == Detail::DatabaseNotFound => 404,
        Kind::DatabaseError => 500,
        Kind::TransientError => 503,
        _ => 400,
    }
}

/// An error as the Query API writes it, with silkgraph's hint and position in the message.
pub fn error(e: &Error, text: &str) -> Response {
    let mut msg = e.message.clone();
    if let Some(span) = e.span.filter(|s| s.start <= text.len()) {
        let before = text.get(..span.start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        msg.push_str(&format!(" (line {line}, column {col}, offset {})", span.start));
    }
    if let Some(h) = &e.hint {
        msg.push_str(&format!("\n{h}"));
    }
    Response::json(status(e), &error_body(codes::code(e), &msg))
}

fn invalid(why: &str) -> Response {
    Response::json(400, &error_body("Neo.ClientError.Request.Invalid", why))
}

/// Parameters from the request's JSON object.
pub fn params(j: Option<&J>) -> Result<Params, String> {
    match j {
        None | Some(J::Null) => Ok(Params::new()),
        Some(J::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                crate::output::from_json(v).map(|v| (k.clone(), v)).map_err(|e| format!("parameter `{k}`: {e}"))
            })
            .collect(),
        Some(_) => Err("`parameters` must be a JSON object".into()),
    }
}

/// A client of the database a request names, with the server's limits.
pub fn client<'a>(server: &'a Server, db: &str) -> Result<Served<'a>, Error> {
    let name = server.resolve(Some(db))?;
    let mut c = Client::new(server.database(&name)?);
    c.control.limits = server.limits;
    c.control.import_dir = server.import_dir.clone();
    c.timeout = server.timeout;
    let (run, halt) = server.begin_run();
    c.control.halt = Some(halt);
    Ok(Served { client: c, server, run })
}

/// A request's client: its statements halt when the server stops (or the request is
/// cancelled, see `api::cancel`); dropped, it is let go of.
pub struct Served<'a> {
    client: Client,
    server: &'a Server,
    /// The request's number with the server.
    pub run: u64,
}

impl std::ops::Deref for Served<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Served<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

impl Drop for Served<'_> {
    fn drop(&mut self) {
        self.server.end_run(self.run);
    }
}

/// The error of a write by a reader, or in a request that asked for read access.
pub fn access_error(user: &User) -> Error {
    let why = if user.read_only {
        "this user may only read"
    } else {
        "a write in a request that asked for read access (accessMode READ)"
    };
    Error::runtime(Kind::TransactionError, Detail::WriteOnReadOnly, why)
}

fn counters(s: &Stats) -> J {
    json!({
        "containsUpdates": !s.is_empty(),
        "nodesCreated": s.nodes_created,
        "nodesDeleted": s.nodes_deleted,
        "propertiesSet": s.properties_set,
        "relationshipsCreated": s.relationships_created,
        "relationshipsDeleted": s.relationships_deleted,
        "labelsAdded": s.labels_added,
        "labelsRemoved": s.labels_removed,
        "indexesAdded": s.indexes_added,
        "indexesRemoved": s.indexes_removed,
        "constraintsAdded": s.constraints_added,
        "constraintsRemoved": s.constraints_removed,
        "containsSystemUpdates": false,
        "systemUpdates": 0,
    })
}

/// `POST /db/{db}/query/v2`.
pub fn run(server: &Server, user: &User, db: &str, body: &[u8]) -> Response {
    let req: J = match serde_json::from_slice(body) {
        Ok(j) => j,
        Err(e) => return invalid(&format!("the body is not JSON: {e}")),
    };
    let Some(statement) = req.get("statement").and_then(J::as_str) else {
        return invalid("the body needs a `statement`: the Cypher to run, as a string");
    };
    let params = match params(req.get("parameters")) {
        Ok(p) => p,
        Err(e) => return invalid(&e),
    };
    let read = match req.get("accessMode").and_then(J::as_str) {
        None => false,
        Some(m) if m.eq_ignore_ascii_case("read") => true,
        Some(m) if m.eq_ignore_ascii_case("write") => false,
        Some(m) => return invalid(&format!("accessMode is READ or WRITE, not `{m}`")),
    };
    let with_counters = req.get("includeCounters").and_then(J::as_bool).unwrap_or(false);
    let mut c = match client(server, db) {
        Ok(c) => c,
        Err(e) => return error(&e, ""),
    };
    server.log_query(0, statement);
    let prepared = match c.prepare(statement) {
        Ok(p) => p,
        Err(e) => return error(&e, statement),
    };
    if prepared.1.writes() && (user.read_only || read) {
        return error(&access_error(user), statement);
    }
    let fields = Client::columns(&prepared);
    let mut values = Vec::new();
    let summary = c.run(&prepared, &params, &mut |g, row| {
        values.push(J::Array(row.iter().map(|v| values::plain(g, v)).collect()));
        Ok(true)
    });
    match summary {
        Ok(s) => {
            let mut out = json!({"data": {"fields": fields, "values": values}});
            if with_counters {
                out["counters"] = counters(&s.stats);
            }
            out["bookmarks"] = json!([]);
            Response::json(202, &out)
        }
        Err(e) => {
            server.log_failure(0, &e, statement);
            error(&e, statement)
        }
    }
}
