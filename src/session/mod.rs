//! A session: a graph plus the pipeline text → syntax → semantic → plan → exec, statement by
//! statement, each in a transaction (see `tx`); on a database every commit is durable.

mod client;
mod shared;
mod tx;

pub use client::{Client, Summary};
pub use shared::{Shared, Snapshot, WriteTx, WRITE_WAIT};

use std::time::Instant;

use crate::error::{Detail, Error, Result, Span};
use crate::exec::{self, Params, QueryResult};
use crate::store::Graph;
use crate::value::Value;

/// A graph and the statements run against it.
#[derive(Debug, Default)]
pub struct Session {
    /// The graph the statements read and change.
    pub graph: Graph,
    /// The database the graph lives in, if it is one (else it is in memory).
    pub db: Option<crate::db::Database>,
    /// The explicit transaction open, if one is.
    tx: Option<tx::Tx>,
    /// Cancels the running statement when set (Ctrl-C); cleared before each statement.
    pub control: exec::Control,
    /// Time limit for one statement.
    pub timeout: Option<std::time::Duration>,
    /// Whether a statement has changed the graph since it was opened or last saved (whoever
    /// saves it clears this).
    pub dirty: bool,
    /// Turns off automatic indexes (see [`AUTO_INDEX_AGAIN_MIN`]).
    pub no_auto_index: bool,
    /// The planner's optimisations ([`crate::plan::Passes::ALL`] unless a test compares).
    pub passes: crate::plan::Passes,
    /// Plans of the statements run so far.
    plans: PlanCache,
}

/// The labels and keys a plan looks nodes up by, scanning for want of an index.
type Scans = Vec<(String, String)>;

/// A statement's text planned once: parsing and planning a point lookup take longer than
/// running it. A plan is correct on any graph (it names labels, types and keys, and checks at
/// run time that an index it chose still exists), so a plan is only replanned when what it
/// was chosen for has changed: the indexes, the hop limit, automatic indexing, or the graph's
/// size by more than a factor of two.
///
/// It also counts the lookups its plans make by scanning a label of at least
/// [`AUTO_INDEX_AGAIN_MIN`] nodes, so that a lookup made again gets its index.
#[derive(Debug, Default, Clone)]
pub(crate) struct PlanCache {
    /// Each text's plan, what it was chosen for, and the lookups it makes by scanning.
    plans: std::collections::HashMap<String, (PlanKey, Prepared, Scans)>,
    /// How many statements looked nodes up by each label and key by scanning.
    scans: std::collections::HashMap<(String, String), u32>,
}

/// A statement parsed, checked and planned, shared between the plan cache and the outcomes of
/// its runs.
pub type Prepared = std::sync::Arc<(crate::ast::Statement, crate::plan::Plan)>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlanKey {
    indexes: Vec<(crate::store::LabelId, crate::store::KeyId)>,
    max_hops: u64,
    auto_index: bool,
    /// log2 of the nodes and relationships.
    size: u32,
    passes: crate::plan::Passes,
}

impl PlanKey {
    /// What a plan for `g` is chosen for.
    pub(crate) fn of(g: &Graph, max_hops: u64, auto_index: bool) -> PlanKey {
        PlanKey {
            indexes: g.property_indexes().iter().map(|ix| (ix.label, ix.key)).collect(),
            max_hops,
            auto_index,
            size: (g.node_count() + g.rel_count() + 1).ilog2(),
            passes: crate::plan::Passes::ALL,
        }
    }
}

impl PlanCache {
    /// At most this many plans are kept (then all are forgotten).
    const KEEP: usize = 256;

    /// The plan of `text`, if it was made for what `key` says, and the lookups it makes by
    /// scanning.
    fn get(&self, text: &str, key: &PlanKey) -> Option<(Prepared, Scans)> {
        self.plans.get(text).filter(|(k, ..)| k == key).map(|(_, p, scans)| (p.clone(), scans.clone()))
    }

    pub(crate) fn put(&mut self, text: &str, key: PlanKey, p: Prepared, scans: Scans) {
        if self.plans.len() >= Self::KEEP {
            self.plans.clear();
        }
        self.plans.insert(text.to_string(), (key, p, scans));
    }

    /// The plan of `text` made for `key`, when it is cached and running it again makes no
    /// automatic index due; else the indexes it makes due (none if it is not cached).
    pub(crate) fn lookup(&mut self, text: &str, key: &PlanKey, auto: bool) -> std::result::Result<Prepared, Scans> {
        let Some((p, scans)) = self.get(text, key) else { return Err(Vec::new()) };
        let due = if auto && p.0.mode != crate::ast::Mode::Explain { self.scanned(&scans) } else { Vec::new() };
        if due.is_empty() {
            Ok(p)
        } else {
            Err(due)
        }
    }

    /// The automatic indexes due once a statement is planned afresh: those `due` already, or
    /// else those it looks up a second time.
    pub(crate) fn due(&mut self, mut due: Scans, wanted: &mut exec::WantedIndexes) -> Scans {
        if due.is_empty() {
            due = self.scanned(&wanted.again);
        }
        due
    }

    /// Counts a statement that looks nodes up by each of `scans` by scanning; the pairs that
    /// this makes the second time, whose index is now worth making.
    fn scanned(&mut self, scans: &[(String, String)]) -> Scans {
        if self.scans.len() >= Self::KEEP * 4 {
            self.scans.clear();
        }
        let mut due = Vec::new();
        for pair in scans {
            let n = self.scans.entry(pair.clone()).or_insert(0);
            *n += 1;
            if *n == 2 {
                due.push(pair.clone());
            }
        }
        due
    }
}

/// A statement that looks nodes of a label up by a property's value (`{name: $x}`,
/// `WHERE n.name = $x`, `IN`, ranges), on a label of at least this many nodes with no index for
/// it, makes the session index that label and key when the lookup is made a second time (by this
/// session, or this server connection). A first lookup scans: building the index reads every
/// value too, and sorts them, so a statement run once never pays for an index it would not use
/// again, and one run over and over finds the node by the index from its second run on. The
/// index is an ordinary one (`SHOW INDEXES` lists it as `auto_...`, `DROP INDEX` removes it,
/// writes keep it up to date).
pub const AUTO_INDEX_AGAIN_MIN: usize = 1_000;

/// One statement's result and its own execution time.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The rows: the statement's own, its plan's lines (`EXPLAIN`) or its operators with their
    /// rows and time (`PROFILE`); and what it changed.
    pub result: QueryResult,
    /// How long the statement took in milliseconds, its planning included; 0 for `EXPLAIN`.
    pub time_ms: f64,
    /// The statement as parsed and planned: its mode says which of the three `result` holds,
    /// and front ends read the plan from it rather than parse the text again.
    pub prepared: Prepared,
}

impl Outcome {
    /// What the statement asked for: rows, its plan or its profile.
    pub fn mode(&self) -> crate::ast::Mode {
        self.prepared.0.mode
    }
}

/// Makes the automatic indexes a plan wanted (see [`AUTO_INDEX_AGAIN_MIN`]), named `auto_LABEL_KEY`.
/// An index of that name already there (a user's) is left, and the statement planned without.
pub(crate) fn make_auto_indexes(g: &mut Graph, wanted: Vec<(String, String)>) {
    for (label, key) in wanted {
        let name = format!("auto_{}_{}", label.to_lowercase(), key.to_lowercase());
        let _ = g.create_index(Some(&name), &label, &key);
    }
}

/// Parses, checks and plans one statement (its text alone) for `graph`; `wanted` notes the
/// indexes the plan would have used (see [`AUTO_INDEX_AGAIN_MIN`]).
pub(crate) fn plan_text(
    text: &str,
    graph: &Graph,
    max_hops: u64,
    wanted: Option<&std::cell::RefCell<exec::WantedIndexes>>,
    passes: crate::plan::Passes,
) -> Result<(crate::ast::Statement, crate::plan::Plan)> {
    plan_statement(parse_one(text)?, graph, max_hops, wanted, passes)
}

/// The one statement of `text`, parsed (no graph needed); [`plan_statement`] checks it.
pub(crate) fn parse_one(text: &str) -> Result<crate::ast::Statement> {
    let mut stmts = crate::syntax::parse(text)?;
    if stmts.len() != 1 {
        return Err(Error::syntax(
            Detail::UnexpectedSyntax,
            "expected exactly one statement",
            Span::new(0, text.len()),
        ));
    }
    Ok(stmts.remove(0))
}

/// Checks and plans a parsed statement for `graph` (see [`plan_text`]).
pub(crate) fn plan_statement(
    stmt: crate::ast::Statement,
    graph: &Graph,
    max_hops: u64,
    wanted: Option<&std::cell::RefCell<exec::WantedIndexes>>,
    passes: crate::plan::Passes,
) -> Result<(crate::ast::Statement, crate::plan::Plan)> {
    let catalog = exec::StoreCatalog { graph, max_hops, wanted, again_min: AUTO_INDEX_AGAIN_MIN };
    let analysis = crate::semantic::analyze(&stmt)?;
    let plan = crate::plan::build_with(&analysis, &catalog, passes)?;
    Ok((stmt, plan))
}

/// Runs a prepared statement on a graph it may change (the caller's transaction keeps or undoes
/// what it did): its rows, its plan's lines (`EXPLAIN`), or its operators' counts (`PROFILE`).
/// `control`'s deadline is the caller's to set; its cancel flag is cleared first.
pub(crate) fn run_on(
    prepared: &Prepared,
    graph: &mut Graph,
    params: &Params,
    control: &mut exec::Control,
    start: Instant,
) -> Result<QueryResult> {
    let (stmt, plan) = (&prepared.0, &prepared.1);
    match stmt.mode {
        crate::ast::Mode::Explain => Ok(explain(plan)),
        crate::ast::Mode::Profile => {
            control.cancel.store(false, std::sync::atomic::Ordering::Relaxed);
            let profile = std::sync::Arc::new(exec::Profile::default());
            control.profile = Some(profile.clone());
            let result = exec::execute(plan, graph, params, control);
            control.profile = None;
            let result = result?;
            // The rows, as Neo4j's PROFILE gives them, and what each operator did.
            let ops = profile.rows(plan, result.rows.len(), start.elapsed());
            Ok(QueryResult { profile: Some(ops), ..result })
        }
        _ => {
            control.cancel.store(false, std::sync::atomic::Ordering::Relaxed);
            exec::execute(plan, graph, params, control)
        }
    }
}

/// A plan's lines as rows of one column, `plan`.
pub(crate) fn explain(plan: &crate::plan::Plan) -> QueryResult {
    let rows = plan.to_string().lines().map(|l| vec![Value::str(l)]).collect();
    QueryResult { columns: vec!["plan".into()], rows, ..Default::default() }
}

/// The columns of a `PROFILE`'s rows.
pub(crate) fn profile_columns() -> Vec<String> {
    exec::PROFILE_COLUMNS.iter().map(|c| c.to_string()).collect()
}

/// Moves an error's span by `offset` bytes (statements are parsed on their own).
fn shift(mut e: Error, offset: usize) -> Error {
    if let Some(s) = e.span.as_mut() {
        *s = Span::new(s.start + offset, s.end + offset);
    }
    e
}

impl Session {
    /// A session on a graph in memory.
    pub fn new(graph: Graph) -> Session {
        Session { graph, ..Session::default() }
    }

    /// A session on an open database.
    pub fn on_database(opened: crate::db::Opened) -> Session {
        Session { graph: opened.graph, db: Some(opened.db), ..Session::default() }
    }

    /// Plans one statement (its text alone); `EXPLAIN` gives the plan text.
    pub fn prepare(&self, text: &str) -> Result<(crate::ast::Statement, crate::plan::Plan)> {
        self.prepare_noting(text, None)
    }

    /// [`Session::prepare`], noting in `wanted` the label and key pairs the plan would look up
    /// through an index that does not exist (see [`AUTO_INDEX_AGAIN_MIN`]).
    fn prepare_noting(
        &self,
        text: &str,
        wanted: Option<&std::cell::RefCell<exec::WantedIndexes>>,
    ) -> Result<(crate::ast::Statement, crate::plan::Plan)> {
        plan_text(text, &self.graph, self.control.limits.max_hops, wanted, self.passes)
    }

    /// What the plans of this session's statements were chosen for.
    fn plan_key(&self) -> PlanKey {
        PlanKey { passes: self.passes, ..PlanKey::of(&self.graph, self.control.limits.max_hops, !self.no_auto_index) }
    }

    /// Runs one statement.
    pub fn run_statement(&mut self, text: &str, params: &Params) -> Result<Outcome> {
        // The time of a statement includes its planning and any index it makes itself.
        let start = Instant::now();
        let prepared = self.prepared(text)?;
        self.run_prepared(prepared, params, start)
    }

    /// One statement parsed, checked and planned for this session's graph, from the plan cache
    /// when it was planned before for what the graph still is. A statement that would look nodes
    /// up through an index that does not exist yet, on a label large enough, makes it when the
    /// lookup is made a second time (see [`AUTO_INDEX_AGAIN_MIN`]).
    pub fn prepared(&mut self, text: &str) -> Result<Prepared> {
        let auto = !self.no_auto_index;
        let due = match self.plans.lookup(text, &self.plan_key(), auto) {
            Ok(p) => return Ok(p),
            Err(due) => due,
        };
        let wanted = std::cell::RefCell::new(exec::WantedIndexes::default());
        let (mut stmt, mut plan) = self.prepare_noting(text, auto.then_some(&wanted))?;
        let mut wanted = wanted.take();
        if stmt.mode != crate::ast::Mode::Explain && auto {
            let due = self.plans.due(due, &mut wanted);
            if !due.is_empty() {
                make_auto_indexes(&mut self.graph, due);
                let again = std::cell::RefCell::new(exec::WantedIndexes::default());
                (stmt, plan) = self.prepare_noting(text, Some(&again))?;
                wanted = again.take();
            }
        }
        let p = std::sync::Arc::new((stmt, plan));
        let scans = if p.0.mode == crate::ast::Mode::Explain { Vec::new() } else { wanted.again };
        self.plans.put(text, self.plan_key(), p.clone(), scans);
        Ok(p)
    }

    /// Runs a prepared statement in a transaction of its own, or in the explicit one; one that
    /// cannot write needs none of its own.
    fn run_prepared(&mut self, prepared: Prepared, params: &Params, start: Instant) -> Result<Outcome> {
        self.check_not_failed()?;
        if self.in_transaction() && prepared.1.in_transactions() {
            return Err(crate::plan::in_explicit_transaction());
        }
        if prepared.1.in_transactions() && self.db.is_some() {
            return self.run_batched(prepared, params, start);
        }
        if !self.in_transaction() && !prepared.1.writes() {
            return self.execute_prepared(prepared, params, start);
        }
        self.in_statement_tx(|s| s.execute_prepared(prepared, params, start))
    }

    /// Runs a prepared statement; `start` is when its time began.
    fn execute_prepared(&mut self, prepared: Prepared, params: &Params, start: Instant) -> Result<Outcome> {
        // A limit past what the clock can hold is no limit.
        self.control.deadline = self.timeout.and_then(|t| start.checked_add(t));
        let result = run_on(&prepared, &mut self.graph, params, &mut self.control, start)?;
        if let Some(why) = self.graph.damage() {
            // The statement read relationships the file could not give (`store/lazy.rs`).
            let why = match &self.db {
                Some(db) => format!("{}: {why}", db.path().display()),
                None => why.to_string(),
            };
            return Err(Error::runtime(crate::error::Kind::DatabaseError, Detail::None, why));
        }
        self.dirty |= !result.stats.is_empty() && self.db.is_none();
        let time_ms =
            if prepared.0.mode == crate::ast::Mode::Explain { 0.0 } else { start.elapsed().as_secs_f64() * 1000.0 };
        Ok(Outcome { result, time_ms, prepared })
    }

    /// Runs a script's statements in order, handing each outcome to `each`; stops at the first
    /// error (spans in errors are relative to the whole script). Returns false if one failed.
    pub fn run_script(&mut self, text: &str, params: &Params, mut each: impl FnMut(&Graph, Result<Outcome>)) -> bool {
        self.run_script_pieces(text, params, |g, _, r| each(g, r))
    }

    /// [`Session::run_script`], handing `each` the statement's text too.
    pub fn run_script_pieces(
        &mut self,
        text: &str,
        params: &Params,
        mut each: impl FnMut(&Graph, &str, Result<Outcome>),
    ) -> bool {
        self.run_script_with(text, params, |s, piece, _, r| each(&s.graph, piece, r))
    }

    /// [`Session::run_script_pieces`], handing `each` the session itself and the parameters the
    /// statement ran with (a script's `:param` sets them), to look further into an outcome.
    pub fn run_script_with(
        &mut self,
        text: &str,
        params: &Params,
        mut each: impl FnMut(&mut Session, &str, &Params, Result<Outcome>),
    ) -> bool {
        // `:param` in the script sets parameters for the statements after it.
        let mut params = std::borrow::Cow::Borrowed(params);
        for (a, b) in crate::script::split(text) {
            let piece = &text[a..b];
            if let Some(command) = crate::script::command(piece) {
                if let Err(e) = self.script_command(command, params.to_mut()) {
                    let lead = piece.find(command).unwrap_or(0);
                    each(self, piece, &params, Err(shift(e, a + lead)));
                    return false;
                }
                continue;
            }
            match self.run_statement(piece, &params) {
                Ok(o) => each(self, piece, &params, Ok(o)),
                Err(mut e) => {
                    // An error found while running has no place of its own: the statement's.
                    if e.span.is_none() {
                        let lead = piece.len() - piece.trim_start().len();
                        e.span = Some(Span::new(lead, piece.trim_end().len().max(lead)));
                    }
                    each(self, piece, &params, Err(shift(e, a)));
                    return false;
                }
            }
        }
        true
    }

    /// Runs a `:command` of a script: `:begin`, `:commit`, `:rollback` and `:param` as
    /// cypher-shell scripts spell them, `:params clear`, `:checkpoint`. Error places are in
    /// `command`.
    fn script_command(&mut self, command: &str, params: &mut Params) -> Result<()> {
        let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
        let rest = rest.trim().trim_end_matches(';').trim_end();
        let name = name.trim_end_matches(';').to_ascii_lowercase();
        // An error in a parameter's expression points into the command.
        let in_command = |mut e: Error, expr: &str| {
            let at = command.find(expr).unwrap_or(0);
            if let Some(sp) = e.span.as_mut() {
                let lead = "RETURN ".len();
                *sp = Span::new((sp.start + at).saturating_sub(lead), (sp.end + at).saturating_sub(lead).max(at));
            }
            e
        };
        let usage = |why: String| Error::syntax(Detail::UnexpectedSyntax, why, Span::new(0, command.len()));
        match (name.as_str(), rest) {
            (":begin", "") => self.begin(),
            (":commit", "") => self.commit(),
            (":rollback", "") => self.rollback(),
            (":checkpoint", "") => {
                self.checkpoint().map_err(|why| Error::runtime(crate::error::Kind::DatabaseError, Detail::None, why))
            }
            (":params", "clear") => {
                params.clear();
                Ok(())
            }
            (":param", _) => match crate::script::param(rest).map_err(usage)? {
                crate::script::ParamCommand::One { name, expr } => {
                    let v = self.param_value(&expr, params).map_err(|e| in_command(e, &expr))?;
                    params.insert(name, v);
                    Ok(())
                }
                crate::script::ParamCommand::Map(expr) => {
                    for (k, v) in self.param_map(&expr, params).map_err(|e| in_command(e, &expr))? {
                        params.insert(k, v);
                    }
                    Ok(())
                }
                crate::script::ParamCommand::Clear => {
                    params.clear();
                    Ok(())
                }
            },
            (other, _) => Err(usage(format!(
                "`{other}` is a REPL command; scripts take :param, :params clear, :begin, :commit, :rollback and :checkpoint"
            ))),
        }
    }

    /// The value of a parameter's Cypher expression (`:param x => 1 + 1`), read as
    /// `RETURN expr`: error places are in that text.
    pub fn param_value(&mut self, expr: &str, params: &Params) -> Result<Value> {
        let o = self.run_statement(&format!("RETURN {expr}"), params)?;
        Ok(o.result.rows.into_iter().next().and_then(|r| r.into_iter().next()).unwrap_or(Value::Null))
    }

    /// The parameters of cypher-shell's `:param {x: 1, y: 's'}`, read as `RETURN expr`.
    pub fn param_map(&mut self, expr: &str, params: &Params) -> Result<Vec<(String, Value)>> {
        match self.param_value(expr, params)? {
            Value::Map(m) => Ok(m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()),
            other => Err(Error::runtime(
                crate::error::Kind::TypeError,
                Detail::InvalidArgumentType,
                format!(":param {{...}} takes a map of parameters, not {}", other.type_name()),
            )),
        }
    }

    /// Builds a graph from a Cypher script; all or nothing.
    pub fn load_script(text: &str) -> Result<Graph> {
        Session::load_script_within(text, &Session::default())
    }

    /// Takes another session's limits, time limit and Ctrl-C flag.
    pub fn take_bounds(&mut self, like: &Session) {
        self.timeout = like.timeout;
        self.control.limits = like.control.limits;
        self.control.cancel = std::sync::Arc::clone(&like.control.cancel);
    }

    /// [`Session::load_script`] with each statement under `like`'s limits, time limit and
    /// Ctrl-C flag: a graph file is text from anywhere, and a costly statement in it is stopped
    /// as the same statement typed would be.
    pub fn load_script_within(text: &str, like: &Session) -> Result<Graph> {
        let mut s = Session::default();
        s.take_bounds(like);
        let mut err = None;
        s.run_script(text, &Params::new(), |_, r| {
            if let Err(e) = r {
                err = Some(e);
            }
        });
        match err {
            Some(e) => Err(e),
            None => {
                // A script that says so in its opening comments is a graph of undirected ties.
                let undirected = text
                    .lines()
                    .map(str::trim)
                    .take_while(|l| l.is_empty() || l.starts_with("//"))
                    .any(|l| l.trim_start_matches('/').trim() == UNDIRECTED);
                s.graph.set_undirected(undirected);
                Ok(s.graph)
            }
        }
    }
}

/// The comment line by which a Cypher script says its relationships have no direction
/// (`// silkgraph: undirected`, among its opening comments).
pub const UNDIRECTED: &str = "silkgraph: undirected";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_the_property_store_cannot_hold_fails_and_changes_nothing() {
        let mut s = Session::default();
        s.run_statement("CREATE (:A {name: 'first'})", &Params::new()).unwrap();
        // The store is full: no further list of properties fits.
        s.graph.limit_property_bytes(2);
        let e = s.run_statement("CREATE (:B {text: 'does not fit'})", &Params::new()).unwrap_err();
        assert_eq!(e.detail, "PropertyStorageFull");
        assert!(e.message.contains("full"), "{}", e.message);
        let count = s.run_statement("MATCH (n) RETURN count(n)", &Params::new()).unwrap();
        assert_eq!(count.result.rows, vec![vec![Value::Int(1)]]);
        // Setting a property that does not fit fails the same way; the old value stays.
        let e = s.run_statement("MATCH (a:A) SET a.name = 'second'", &Params::new());
        assert_eq!(e.unwrap_err().detail, "PropertyStorageFull");
        let name = s.run_statement("MATCH (a:A) RETURN a.name", &Params::new()).unwrap();
        assert_eq!(name.result.rows, vec![vec![Value::str("first")]]);
    }

    #[test]
    fn if_not_exists_and_if_exists_make_index_statements_safe_to_repeat() {
        let mut s = Session::default();
        let p = Params::new();
        for _ in 0..2 {
            s.run_statement("CREATE INDEX a IF NOT EXISTS FOR (n:P) ON (n.x)", &p).unwrap();
            // Another name on the same label and key: already there, as Neo4j says.
            s.run_statement("CREATE INDEX b IF NOT EXISTS FOR (n:P) ON (n.x)", &p).unwrap();
        }
        assert_eq!(s.graph.property_indexes().len(), 1);
        let e = s.run_statement("CREATE INDEX a FOR (n:P) ON (n.x)", &p).unwrap_err();
        assert_eq!(e.detail, "IndexAlreadyExists");
        s.run_statement("DROP INDEX a IF EXISTS", &p).unwrap();
        s.run_statement("DROP INDEX a IF EXISTS", &p).unwrap();
        assert_eq!(s.run_statement("DROP INDEX a", &p).unwrap_err().detail, "IndexNotFound");
        assert!(s.graph.property_indexes().is_empty());
    }
}
