//! Help for people at the prompt: a snapshot of the graph's schema, "did you mean ...?"
//! suggestions for misspelt keywords, functions, variables, labels, relationship types and
//! property keys, warnings for names the graph does not have, and "why no rows?" — which part
//! of a pattern or which filter of a query emptied its result.
//!
//! Nothing here changes the graph: "why no rows?" re-runs read-only prefixes of the query.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use crate::ast::{self, BinaryOp, Clause, Expr, ExprKind, Literal, NodePattern, PatternPart, RelPattern};
use crate::error::{Detail, Error};
use crate::exec::Params;
use crate::session::Session;
use crate::store::{Graph, KeyId};
use crate::value::{quote_name, quote_string, to_cypher_literal, NodeId, RelId, Value};

// ---- the schema snapshot --------------------------------------------------------------------

/// What completion and diagnosis need to know about a graph, copied out of it so it can be
/// kept between statements (refresh it after each one).
#[derive(Debug, Clone, Default)]
pub struct SchemaSnapshot {
    /// Labels in use, with their node counts.
    pub labels: Vec<(String, usize)>,
    /// Relationship types in use, with their counts.
    pub types: Vec<(String, usize)>,
    /// Every property key.
    pub keys: Vec<String>,
    /// The keys the nodes of a label carry, most common first.
    pub label_keys: BTreeMap<String, Vec<String>>,
    /// The keys the relationships of a type carry, most common first.
    pub type_keys: BTreeMap<String, Vec<String>>,
    /// `(type, start label, end label, count)` for every labelled pair a type connects.
    pub connections: Vec<(String, String, String, usize)>,
    /// Node names (`name` property) with the node's labels.
    pub names: Vec<(String, Vec<String>)>,
    /// Names of the parameters set in the session.
    pub params: Vec<String>,
    /// Taken before the graph's relationships were read (a database just opened):
    /// `type_keys` and `connections` are empty until it is taken again.
    pub partial: bool,
}

/// How many node names a snapshot keeps for completion.
const MAX_NAMES: usize = 50_000;

/// Keys by how many entities carry them; ties keep the order they were first seen in.
fn by_frequency(counts: IndexMap<String, usize>) -> Vec<String> {
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v.into_iter().map(|(k, _)| k).collect()
}

impl SchemaSnapshot {
    /// Takes a snapshot of a graph.
    pub fn of(g: &Graph) -> SchemaSnapshot {
        let mut s = SchemaSnapshot::default();
        for (sym, name) in g.labels().iter() {
            let n = g.label_count(sym);
            if n > 0 {
                s.labels.push((name.to_string(), n));
            }
        }
        s.keys = g.keys().iter().map(|(_, k)| k.to_string()).collect();
        let shape = g.shape_so_far();
        s.partial = shape.without_relationships;
        let (label, ty, key) =
            (|l| g.labels().name(l).to_string(), |t| g.types().name(t).to_string(), |k| g.keys().name(k).to_string());
        let named = |m: &IndexMap<KeyId, usize>| m.iter().map(|(k, n)| (key(*k), *n)).collect::<IndexMap<_, _>>();
        s.label_keys = shape.label_keys.iter().map(|(l, m)| (label(*l), by_frequency(named(m)))).collect();
        s.type_keys = shape.type_keys.iter().map(|(t, m)| (ty(*t), by_frequency(named(m)))).collect();
        s.types =
            g.types().iter().map(|(t, name)| (name.to_string(), g.rel_count_of(t))).filter(|(_, n)| *n > 0).collect();
        s.types.sort();
        let mut conns: Vec<_> = shape.connections.iter().map(|&(t, a, b, n)| (ty(t), label(a), label(b), n)).collect();
        conns.sort();
        s.connections = conns;
        if let Some(name_key) = g.key_id("name") {
            s.names = g
                .node_ids()
                .filter_map(|id| match g.node_prop(id, name_key) {
                    Some(Value::String(n)) => {
                        Some((n.to_string(), g.node_labels(id).iter().map(|l| label(*l)).collect()))
                    }
                    _ => None,
                })
                .take(MAX_NAMES)
                .collect();
        }
        s
    }

    /// Whether some node had the label `l` when the snapshot was taken.
    pub fn has_label(&self, l: &str) -> bool {
        self.labels.iter().any(|(x, _)| x == l)
    }
    /// Whether some relationship had the type `t` when the snapshot was taken.
    pub fn has_type(&self, t: &str) -> bool {
        self.types.iter().any(|(x, _)| x == t)
    }
    /// Whether the graph knew the property key `k` when the snapshot was taken.
    pub fn has_key(&self, k: &str) -> bool {
        self.keys.iter().any(|x| x == k)
    }
}

// ---- similarity ------------------------------------------------------------------------------

use crate::similar::{did_you_mean, normalize, similarity_to};

/// How many values a hint compares with the one asked for: enough to find a near miss in any
/// graph a person reads, few enough that a hint on a label of a million nodes comes at once.
pub const NEAREST_SCAN: usize = 20_000;

/// The value most like `target` among `values` (strings by text, numbers by distance). The
/// target's text is normalized once; an exact match ends the search.
pub fn nearest_value<'a>(target: &Value, values: impl IntoIterator<Item = &'a Value>) -> Option<&'a Value> {
    let text = match target {
        Value::String(s) => normalize(s),
        other => normalize(&to_cypher_literal(other)),
    };
    let mut best: Option<(f64, &Value)> = None;
    for v in values {
        let score = match (target, v) {
            (Value::String(_), Value::String(b)) => similarity_to(&text, b),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let (x, y) = (num(target), num(v));
                1.0 / (1.0 + (x - y).abs() / x.abs().max(y.abs()).max(1.0))
            }
            (Value::Date(a), Value::Date(b)) => {
                let d = (a.year - b.year).abs() * 372
                    + (i32::from(a.month) - i32::from(b.month)).abs() * 31
                    + (i32::from(a.day) - i32::from(b.day)).abs();
                1.0 / (1.0 + f64::from(d) / 3650.0)
            }
            (Value::String(_), other) => similarity_to(&text, &to_cypher_literal(other)) * 0.9,
            (_, Value::String(b)) => similarity_to(&text, b) * 0.9,
            _ => 0.0,
        };
        if score > 0.3 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, v));
            if score >= 1.0 {
                break;
            }
        }
    }
    best.map(|(_, v)| v)
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

// ---- a small lexer for partial input -------------------------------------------------------

/// A token of (possibly unfinished) input, as completion and suggestions read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// What sort of token it is.
    pub kind: TokKind,
    /// Byte offset where the token starts in the input.
    pub start: usize,
    /// Byte offset just past the token's end.
    pub end: usize,
}

/// The sorts of token the partial-input lexer tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A name: bare or in backticks.
    Ident,
    /// A string literal; `closed` is false when the input ends inside it.
    Str {
        /// Whether the string's closing quote is there.
        closed: bool,
    },
    /// A number literal.
    Number,
    /// `$name`
    Param,
    /// One punctuation or operator character.
    Punct(char),
}

/// Splits input into tokens, skipping whitespace and comments; never fails. The lexer's
/// lexemes, with names and quoted names as one kind and symbols one character at a time.
pub fn lex(text: &str) -> Vec<Tok> {
    use crate::syntax::lexer::{lexemes, Lexeme};
    let mut out = Vec::new();
    for (span, kind) in lexemes(text) {
        let (start, end) = (span.start, span.end);
        let kind = match kind {
            Lexeme::Space | Lexeme::Comment { .. } => continue,
            Lexeme::Word | Lexeme::QuotedName { .. } => TokKind::Ident,
            Lexeme::Str { closed } => TokKind::Str { closed },
            Lexeme::Number => TokKind::Number,
            Lexeme::Param => TokKind::Param,
            Lexeme::Symbol => {
                for (i, ch) in text[start..end].char_indices() {
                    out.push(Tok { kind: TokKind::Punct(ch), start: start + i, end: start + i + ch.len_utf8() });
                }
                continue;
            }
        };
        out.push(Tok { kind, start, end });
    }
    out
}

/// The name a token stands for (backticks removed).
pub fn ident_text(text: &str, t: &Tok) -> String {
    let s = &text[t.start..t.end];
    if let Some(inner) = s.strip_prefix('`') {
        inner.strip_suffix('`').unwrap_or(inner).replace("``", "`")
    } else {
        s.to_string()
    }
}

fn is_kw(text: &str, t: &Tok, kw: &str) -> bool {
    t.kind == TokKind::Ident && text[t.start..t.end].eq_ignore_ascii_case(kw)
}

fn is_punct(t: Option<&Tok>, c: char) -> bool {
    matches!(t, Some(Tok { kind: TokKind::Punct(p), .. }) if *p == c)
}

/// The variables a statement introduces (pattern variables, `AS` aliases, path names,
/// comprehension and `YIELD` variables), in order of first appearance.
pub fn variables_in(text: &str) -> Vec<String> {
    let toks = lex(text);
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) && !crate::syntax::keywords::words().any(|k| k.eq_ignore_ascii_case(&s)) {
            out.push(s);
        }
    };
    let mut in_yield = false;
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokKind::Ident {
            if !is_punct(Some(t), ',') {
                in_yield = false;
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| toks.get(j));
        let next = toks.get(i + 1);
        let name = ident_text(text, t);
        if is_kw(text, t, "YIELD") {
            in_yield = true;
            continue;
        }
        // `(v` opens a pattern unless the `(` follows a function name.
        let after_open_paren = is_punct(prev, '(')
            && !i.checked_sub(2).and_then(|j| toks.get(j)).is_some_and(|p| {
                p.kind == TokKind::Ident
                    && !crate::syntax::keywords::words().any(|k| k.eq_ignore_ascii_case(&text[p.start..p.end]))
            });
        let pattern_follow = next.is_none()
            || is_punct(next, ':')
            || is_punct(next, ')')
            || is_punct(next, '{')
            || is_punct(next, ']')
            || is_punct(next, '*');
        if (after_open_paren && pattern_follow)
            || (is_punct(prev, '[') && (pattern_follow || next.is_some_and(|n| is_kw(text, n, "IN"))))
            || prev.is_some_and(|p| is_kw(text, p, "AS"))
            || (is_punct(next, '=')
                && toks.get(i + 2).is_some_and(|n| is_punct(Some(n), '(') || n.kind == TokKind::Ident))
            || (in_yield && !is_kw(text, t, "WHERE") && !is_kw(text, t, "RETURN"))
        {
            push(name);
        } else if (is_kw(text, t, "WHERE") || is_kw(text, t, "RETURN")) && in_yield {
            in_yield = false;
        }
    }
    out
}

/// The labels (or, for a relationship variable, the types) written on a variable anywhere in
/// the text: `(v:A:B)`, `[v:T|U]`, `v:A` in a `WHERE`.
pub fn labels_of(text: &str, var: &str) -> Vec<String> {
    let toks = lex(text);
    let mut out: Vec<String> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokKind::Ident || ident_text(text, t) != var {
            continue;
        }
        let mut j = i + 1;
        while is_punct(toks.get(j), ':') || (j > i + 1 && is_punct(toks.get(j), '|')) {
            match toks.get(j + 1) {
                Some(n) if n.kind == TokKind::Ident => {
                    let l = ident_text(text, n);
                    if !out.contains(&l) {
                        out.push(l);
                    }
                    j += 2;
                }
                _ => break,
            }
        }
    }
    out
}

// ---- did you mean ---------------------------------------------------------------------------

/// The name between the first pair of backticks of a message.
fn quoted_name(message: &str) -> Option<&str> {
    let a = message.find('`')?;
    let rest = &message[a + 1..];
    Some(&rest[..rest.find('`')?])
}

/// Function names as people write them (`toUpper`, not `toupper`).
pub fn function_names() -> Vec<&'static str> {
    crate::catalog::functions::FUNCTIONS
        .iter()
        .filter(|f| !f.name.starts_with("__"))
        .map(|f| f.signature.split('(').next().unwrap_or(f.name))
        .collect()
}

/// A "did you mean ...?" for an error, when a name in it looks misspelt.
pub fn error_hint(err: &Error, text: &str, schema: &SchemaSnapshot) -> Option<String> {
    match err.detail {
        Detail::UnknownFunction => {
            let name = quoted_name(&err.message)?;
            let names = function_names();
            let m = did_you_mean(name, names.iter().copied())?;
            return Some(format!("did you mean {m}()?"));
        }
        Detail::UndefinedVariable => {
            let name = quoted_name(&err.message)?;
            let vars = variables_in(text);
            let m = did_you_mean(name, vars.iter().map(String::as_str))?;
            return Some(format!("did you mean `{m}`?"));
        }
        Detail::ProcedureNotFound => {
            let name = quoted_name(&err.message)?;
            let m = did_you_mean(name, crate::catalog::procedures::PROCEDURES.iter().map(|p| p.name))?;
            return Some(format!("did you mean {m}()?"));
        }
        _ => {}
    }
    if err.kind != crate::error::Kind::SyntaxError {
        return None;
    }
    // A misspelt keyword: the word at the error, or the one before it.
    let toks = lex(text);
    let at = err.span.map_or(0, |s| s.start);
    let idx = toks.iter().position(|t| t.end > at).unwrap_or(toks.len());
    let near = [idx, idx.wrapping_sub(1), idx + 1];
    for i in near {
        let Some(t) = toks.get(i) else { continue };
        if t.kind != TokKind::Ident || text[t.start..t.end].starts_with('`') {
            continue;
        }
        let w = &text[t.start..t.end];
        if w.len() < 3 || crate::syntax::keywords::words().any(|k| k.eq_ignore_ascii_case(w)) {
            continue;
        }
        if let Some(k) = did_you_mean(w, crate::syntax::keywords::words()) {
            if !variables_in(text).iter().any(|v| v == w) {
                return Some(format!("did you mean {k}?"));
            }
        }
    }
    let _ = schema;
    None
}

// ---- warnings for names the graph does not have -------------------------------------------

/// Labels, relationship types and property keys that a read query names but the graph does not
/// have (such a query can only return nothing), each with a suggestion where one is near.
pub fn warnings(stmt: &ast::Statement, schema: &SchemaSnapshot) -> Vec<String> {
    let mut w = Walk::default();
    for part in &stmt.query.parts {
        for c in &part.clauses {
            match c {
                Clause::Create(_) | Clause::Merge(_) | Clause::Set(_) | Clause::CreateIndex(_) => return Vec::new(),
                _ => {}
            }
        }
    }
    for part in &stmt.query.parts {
        for c in &part.clauses {
            w.clause(c);
        }
    }
    let mut out = Vec::new();
    let labels: Vec<&str> = schema.labels.iter().map(|(l, _)| l.as_str()).collect();
    for l in &w.labels {
        if !schema.has_label(l) {
            let mut m = format!("the graph has no label :{}", quote_name(l));
            if let Some(s) = did_you_mean(l, labels.iter().copied()) {
                m.push_str(&format!("; did you mean :{}?", quote_name(s)));
            }
            out.push(m);
        }
    }
    let types: Vec<&str> = schema.types.iter().map(|(t, _)| t.as_str()).collect();
    for t in &w.types {
        if !schema.has_type(t) {
            let mut m = format!("the graph has no relationship type :{}", quote_name(t));
            if let Some(s) = did_you_mean(t, types.iter().copied()) {
                m.push_str(&format!("; did you mean :{}?", quote_name(s)));
            }
            out.push(m);
        }
    }
    for k in &w.keys {
        if !schema.has_key(k) {
            let mut m = format!("no node or relationship has a property `{k}`");
            if let Some(s) = did_you_mean(k, schema.keys.iter().map(String::as_str)) {
                m.push_str(&format!("; did you mean `{s}`?"));
            }
            out.push(m);
        }
    }
    out
}

/// Collects the names a query reads.
#[derive(Default)]
struct Walk {
    labels: BTreeSet<String>,
    types: BTreeSet<String>,
    keys: BTreeSet<String>,
    /// Variables bound to nodes or relationships by patterns.
    entity_vars: BTreeSet<String>,
}

impl Walk {
    fn clause(&mut self, c: &Clause) {
        match c {
            Clause::Match(m) => {
                for p in &m.pattern {
                    self.part(p);
                }
                if let Some(e) = &m.where_ {
                    self.expr(e);
                }
            }
            Clause::Unwind(u) => self.expr(&u.expr),
            Clause::With(w) => {
                self.proj(&w.proj);
                if let Some(e) = &w.where_ {
                    self.expr(e);
                }
            }
            Clause::Return(r) => self.proj(&r.proj),
            Clause::Delete(d) => d.exprs.iter().for_each(|e| self.expr(e)),
            Clause::Call(c) => {
                for a in c.args.iter().flatten() {
                    self.expr(a);
                }
                if let Some(e) = &c.where_ {
                    self.expr(e);
                }
            }
            _ => {}
        }
    }

    fn proj(&mut self, p: &ast::Projection) {
        for it in &p.items {
            self.expr(&it.expr);
        }
        for s in &p.order_by {
            self.expr(&s.expr);
        }
    }

    fn part(&mut self, p: &PatternPart) {
        self.element(&p.elem);
    }

    fn element(&mut self, e: &ast::PatternElement) {
        self.node(&e.start);
        for (r, n) in &e.chain {
            self.rel(r);
            self.node(n);
        }
    }

    fn node(&mut self, n: &NodePattern) {
        if let Some(v) = &n.var {
            self.entity_vars.insert(v.name.clone());
        }
        self.labels.extend(n.labels.iter().cloned());
        self.props(n.props.as_ref());
    }

    fn rel(&mut self, r: &RelPattern) {
        if let Some(v) = &r.var {
            self.entity_vars.insert(v.name.clone());
        }
        self.types.extend(r.types.iter().cloned());
        self.props(r.props.as_ref());
    }

    fn props(&mut self, p: Option<&Expr>) {
        match p.map(|e| &e.kind) {
            Some(ExprKind::Map(kv)) => {
                for (k, v) in kv {
                    self.keys.insert(k.clone());
                    self.expr(v);
                }
            }
            Some(_) => {
                if let Some(e) = p {
                    self.expr(e)
                }
            }
            None => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Property(target, key) => {
                if let ExprKind::Variable(v) = &target.kind {
                    if self.entity_vars.contains(v) {
                        self.keys.insert(key.clone());
                    }
                }
            }
            ExprKind::HasLabels(_, ls) => self.labels.extend(ls.iter().cloned()),
            ExprKind::Pattern(p) => self.element(p),
            ExprKind::PatternComprehension { pattern, .. } => self.element(pattern),
            ExprKind::Exists { pattern, .. } => pattern.iter().for_each(|p| self.part(p)),
            _ => {}
        }
        e.children(&mut |c| self.expr(c));
    }
}

// ---- why no rows? ---------------------------------------------------------------------------

/// What "why no rows?" found: the row count after each step of the query, and the step that
/// emptied it, explained in one line.
#[derive(Debug, Clone, Default)]
pub struct WhyNot {
    /// `(step text, rows after it)`; `None` when the step could not be counted.
    pub steps: Vec<(String, Option<u64>)>,
    /// One line saying what emptied the result, with the nearest thing that exists.
    pub reason: Option<String>,
}

impl WhyNot {
    /// The report as lines for people.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let width = self.steps.iter().map(|(s, _)| s.chars().count().min(70)).max().unwrap_or(0);
        let mut marked = false;
        for (s, n) in &self.steps {
            let shown = crate::output::truncate(&s.replace('\n', " "), 70);
            let pad = " ".repeat(width.saturating_sub(shown.chars().count()));
            let count = match n {
                Some(n) => format!("{n} row{}", if *n == 1 { "" } else { "s" }),
                None => "?".into(),
            };
            let mark = if *n == Some(0) && !marked {
                marked = true;
                "  ← emptied here"
            } else {
                ""
            };
            out.push_str(&format!("  {shown}{pad}  {count}{mark}\n"));
        }
        match &self.reason {
            Some(r) => out.push_str(r),
            None => out.push_str("no single step emptied the result"),
        }
        out
    }
}

/// Explains why a read query returns no rows by re-running its prefixes with `count(*)`: each
/// pattern element, each `WHERE` conjunct and each clause in turn, until the count drops to
/// zero. The graph is not changed (queries that write are refused). Each probe may take at
/// most `per_probe`.
pub fn why_no_rows(
    session: &mut dyn Probe,
    params: &Params,
    text: &str,
    per_probe: std::time::Duration,
) -> Result<WhyNot, String> {
    let stmt = {
        let mut stmts = crate::syntax::parse(text).map_err(|e| format!("the query does not parse: {e}"))?;
        if stmts.len() != 1 {
            return Err("give one statement".into());
        }
        stmts.remove(0)
    };
    for part in &stmt.query.parts {
        for c in &part.clauses {
            if matches!(
                c,
                Clause::Create(_)
                    | Clause::Merge(_)
                    | Clause::Set(_)
                    | Clause::Remove(_)
                    | Clause::Delete(_)
                    | Clause::CreateIndex(_)
                    | Clause::DropIndex { .. }
            ) {
                return Err("only queries that read are explained (this one writes)".into());
            }
        }
    }
    let saved = session.timeout();
    session.set_timeout(Some(saved.map_or(per_probe, |t| t.min(per_probe))));
    let mut why = WhyNot::default();
    let schema = SchemaSnapshot::of(session.graph());
    for part in &stmt.query.parts {
        let mut p = Prober { session, params, text, why: &mut why, schema: &schema, stopped: false };
        let done = p.single(part);
        if done || session.cancelled() {
            break;
        }
    }
    session.set_timeout(saved);
    Ok(why)
}

/// What "why no rows?" runs its probes on: a REPL's [`Session`], or a server client's snapshot.
pub trait Probe {
    /// The graph the probes read.
    fn graph(&self) -> &Graph;
    /// The rows of a read query.
    fn rows(&mut self, query: &str, params: &Params) -> Result<Vec<Vec<Value>>, Error>;
    /// Whether the user cancelled (then no more probes run).
    fn cancelled(&self) -> bool;
    /// The time limit of a statement.
    fn timeout(&self) -> Option<std::time::Duration>;
    /// Sets the time limit of a statement.
    fn set_timeout(&mut self, t: Option<std::time::Duration>);
}

impl Probe for Session {
    fn graph(&self) -> &Graph {
        &self.graph
    }
    fn rows(&mut self, query: &str, params: &Params) -> Result<Vec<Vec<Value>>, Error> {
        self.run_statement(query, params).map(|o| o.result.rows)
    }
    fn cancelled(&self) -> bool {
        self.control.cancel.load(std::sync::atomic::Ordering::Relaxed)
    }
    fn timeout(&self) -> Option<std::time::Duration> {
        self.timeout
    }
    fn set_timeout(&mut self, t: Option<std::time::Duration>) {
        self.timeout = t;
    }
}

struct Prober<'a> {
    session: &'a mut dyn Probe,
    params: &'a Params,
    text: &'a str,
    why: &'a mut WhyNot,
    schema: &'a SchemaSnapshot,
    /// Set once a probe was cancelled.
    stopped: bool,
}

fn slice(text: &str, a: usize, b: usize) -> &str {
    text.get(a.min(b)..b.min(text.len())).unwrap_or("")
}

/// The conjuncts of a `WHERE` expression.
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        _ => vec![e],
    }
}

impl Prober<'_> {
    fn src(&self, a: usize, b: usize) -> &str {
        slice(self.text, a, b).trim()
    }

    /// Rows returned by `prefix` + `RETURN count(*)`; `None` if it could not be run (or the
    /// user pressed Ctrl-C during an earlier probe: then no more probes run).
    fn count(&mut self, prefix: &str) -> Option<u64> {
        if self.stopped || self.session.cancelled() {
            self.stopped = true;
            return None;
        }
        let q = format!("{prefix}\nRETURN count(*) AS rows");
        let rows = match self.session.rows(&q, self.params) {
            Ok(rows) => rows,
            Err(e) => {
                self.stopped |= e.detail == Detail::Cancelled;
                return None;
            }
        };
        match rows.first().and_then(|r| r.first()) {
            Some(Value::Int(n)) => Some((*n).max(0) as u64),
            _ => None,
        }
    }

    fn values(&mut self, prefix: &str, expr: &str) -> Vec<Value> {
        if self.stopped {
            return Vec::new();
        }
        let q = format!("{prefix}\nRETURN DISTINCT {expr} AS v LIMIT {NEAREST_SCAN}");
        match self.session.rows(&q, self.params) {
            Ok(rows) => rows.into_iter().filter_map(|r| r.into_iter().next()).filter(|v| !v.is_null()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Records a step; true if it left no rows.
    fn step(&mut self, label: String, n: Option<u64>) -> bool {
        self.why.steps.push((label, n));
        n == Some(0)
    }

    /// Probes one single query; true once the emptying step is found.
    fn single(&mut self, q: &ast::SingleQuery) -> bool {
        let mut prefix = String::new();
        for c in &q.clauses {
            let ctext = self.src(c.span().start, c.span().end).to_string();
            match c {
                Clause::Match(m) if !m.optional && self.matches(&prefix, m) => return true,
                Clause::Match(_) => {}
                Clause::With(w) => {
                    let head = match &w.where_ {
                        Some(wh) => strip_where(self.src(c.span().start, wh.span.start)).to_string(),
                        None => ctext.clone(),
                    };
                    let p = format!("{prefix}\n{head}");
                    let n = self.count(&p);
                    if self.step(head.clone(), n) {
                        self.why.reason = Some(format!("`{}` left no rows", first_line(&head)));
                        return true;
                    }
                    if let Some(wh) = &w.where_ {
                        if self.filters(&p, &head, wh, n) {
                            return true;
                        }
                    }
                }
                Clause::Unwind(u) => {
                    let n = self.count(&format!("{prefix}\n{ctext}"));
                    if self.step(ctext.clone(), n) {
                        self.why.reason = Some(format!(
                            "UNWIND {} gave no rows: the list is empty or null",
                            self.src(u.expr.span.start, u.expr.span.end)
                        ));
                        return true;
                    }
                }
                Clause::Call(_) => {
                    let n = self.count(&format!("{prefix}\n{ctext}"));
                    if self.step(ctext.clone(), n) {
                        self.why.reason = Some(format!("`{}` returned no records", first_line(&ctext)));
                        return true;
                    }
                }
                Clause::Return(r) => {
                    let mut reason = String::from("every step before RETURN has rows");
                    if r.proj.skip.is_some() || r.proj.limit.is_some() {
                        reason.push_str("; RETURN's SKIP/LIMIT left none");
                    }
                    self.why.reason = Some(reason);
                    return true;
                }
                _ => {}
            }
            prefix.push('\n');
            prefix.push_str(&ctext);
        }
        false
    }

    /// Probes a MATCH: element by element, part by part, then each WHERE conjunct.
    fn matches(&mut self, prefix: &str, m: &ast::Match) -> bool {
        let mut done: Vec<String> = Vec::new();
        for part in &m.pattern {
            let elem = &part.elem;
            let start = elem.start.span.start;
            let mut nodes: Vec<&NodePattern> = vec![&elem.start];
            let mut last_n: Option<u64> = None;
            let steps: Vec<(Option<&RelPattern>, &NodePattern)> =
                std::iter::once((None, &elem.start)).chain(elem.chain.iter().map(|(r, n)| (Some(r), n))).collect();
            if part.kind != ast::PathKind::Normal {
                let t = self.src(part.span.start, part.span.end).to_string();
                let all = done.iter().cloned().chain(std::iter::once(t.clone())).collect::<Vec<_>>().join(", ");
                let n = self.count(&format!("{prefix}\nMATCH {all}"));
                if self.step(t.clone(), n) {
                    self.why.reason = Some(format!("`{}` found no path", first_line(&t)));
                    return true;
                }
                done.push(t);
                continue;
            }
            for (i, (rel, node)) in steps.iter().enumerate() {
                if i > 0 {
                    nodes.push(node);
                }
                let partial = self.src(start, node.span.end).to_string();
                let all = done.iter().cloned().chain(std::iter::once(partial.clone())).collect::<Vec<_>>().join(", ");
                let n = self.count(&format!("{prefix}\nMATCH {all}"));
                if self.step(partial, n) {
                    let reason = match rel {
                        None => self.explain_node(node, prefix.is_empty() && done.is_empty()),
                        Some(r) => self.explain_rel(nodes[i - 1], r, node, last_n.unwrap_or(0)),
                    };
                    self.why.reason = Some(reason);
                    return true;
                }
                last_n = n;
            }
            done.push(self.src(part.span.start, part.span.end).to_string());
        }
        if let Some(wh) = &m.where_ {
            let head = format!("MATCH {}", done.join(", "));
            let p = format!("{prefix}\n{head}");
            let n = self.count(&p);
            return self.filters(&p, &head, wh, n);
        }
        false
    }

    /// Probes a WHERE's conjuncts cumulatively after `prefix` (which has `before` rows).
    fn filters(&mut self, prefix: &str, head: &str, wh: &Expr, before: Option<u64>) -> bool {
        let _ = head;
        let mut kept: Vec<String> = Vec::new();
        let mut prev = before;
        for c in conjuncts(wh) {
            let ct = self.src(c.span.start, c.span.end).to_string();
            let mut conds = kept.clone();
            conds.push(format!("({ct})"));
            let probe = format!("{prefix}\nWHERE {}", conds.join(" AND "));
            let n = self.count(&probe);
            if self.step(format!("WHERE {ct}"), n) {
                let earlier = if kept.is_empty() {
                    prefix.to_string()
                } else {
                    format!("{prefix}\nWHERE {}", kept.join(" AND "))
                };
                let rows = prev.map_or(String::new(), |p| format!(" of {p} row{}", if p == 1 { "" } else { "s" }));
                let mut reason = format!("the filter `{ct}` kept none{rows}");
                if let Some(extra) = self.nearest_for_filter(&earlier, c) {
                    reason.push_str(&extra);
                }
                self.why.reason = Some(reason);
                return true;
            }
            kept.push(format!("({ct})"));
            prev = n;
        }
        false
    }

    /// For `x.k = value` (or `CONTAINS`/`STARTS WITH`/...), the nearest value `x.k` has.
    fn nearest_for_filter(&mut self, prefix: &str, c: &Expr) -> Option<String> {
        let ExprKind::Binary(op, a, b) = &c.kind else {
            return None;
        };
        if !matches!(
            op,
            BinaryOp::Eq
                | BinaryOp::Contains
                | BinaryOp::StartsWith
                | BinaryOp::EndsWith
                | BinaryOp::Regex
                | BinaryOp::In
        ) {
            return None;
        }
        let (prop, lit) = match (&a.kind, &b.kind) {
            (ExprKind::Property(..), _) => (a, b),
            (_, ExprKind::Property(..)) if *op == BinaryOp::Eq => (b, a),
            _ => return None,
        };
        let target = self.constant(lit)?;
        let ptext = self.src(prop.span.start, prop.span.end).to_string();
        let values = self.values(prefix, &ptext);
        if values.is_empty() {
            return Some(format!("; `{ptext}` is null in every row"));
        }
        let target = match (&target, op) {
            (Value::List(xs), BinaryOp::In) => xs.first().cloned().unwrap_or(Value::Null),
            _ => target,
        };
        let near = nearest_value(&target, &values)?;
        Some(format!("; nearest {ptext}: {}", to_cypher_literal(near)))
    }

    /// The value of a literal or parameter (lists of them too).
    fn constant(&self, e: &Expr) -> Option<Value> {
        Some(match &e.kind {
            ExprKind::Literal(Literal::String(s)) => Value::str(s),
            ExprKind::Literal(Literal::Int(i)) => Value::Int(*i),
            ExprKind::Literal(Literal::Float(f)) => Value::Float(*f),
            ExprKind::Literal(Literal::Bool(b)) => Value::Bool(*b),
            ExprKind::Parameter(p) => self.params.get(p)?.clone(),
            ExprKind::List(xs) => Value::List(xs.iter().map(|x| self.constant(x)).collect::<Option<_>>()?),
            ExprKind::Function { name, args, .. } if name.eq_ignore_ascii_case("date") && args.len() == 1 => {
                match self.constant(&args[0])? {
                    Value::String(s) => Value::Date(crate::value::Date::parse(&s)?),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// Why a node pattern matches nothing: a missing label, or no node with a property value.
    fn explain_node(&mut self, np: &NodePattern, first: bool) -> String {
        let g = self.session.graph();
        let pat = self.src(np.span.start, np.span.end).to_string();
        let labels: Vec<&str> = self.schema.labels.iter().map(|(l, _)| l.as_str()).collect();
        for l in &np.labels {
            if g.label_id(l).is_none_or(|s| g.label_count(s) == 0) {
                let mut m = format!("the graph has no :{} node", quote_name(l));
                if let Some(s) = did_you_mean(l, labels.iter().copied()) {
                    m.push_str(&format!("; did you mean :{}?", quote_name(s)));
                }
                return m;
            }
        }
        let syms: Vec<_> = np.labels.iter().filter_map(|l| g.label_id(l)).collect();
        let mut cands: Vec<NodeId> = match syms.first() {
            Some(&s) => g.nodes_with_label(s).filter(|id| syms.iter().all(|l| g.has_label(*id, *l))).collect(),
            None => g.node_ids().collect(),
        };
        let what = if np.labels.is_empty() {
            "node".to_string()
        } else {
            format!("{} node", np.labels.iter().map(|l| format!(":{}", quote_name(l))).collect::<String>())
        };
        if cands.is_empty() {
            return format!(
                "no node has all of {}",
                np.labels.iter().map(|l| format!(":{}", quote_name(l))).collect::<String>()
            );
        }
        if let Some(Expr { kind: ExprKind::Map(kv), .. }) = &np.props {
            for (k, vexpr) in kv {
                let Some(want) = self.constant(vexpr) else {
                    continue;
                };
                let Some(key) = g.key_id(k) else {
                    let mut m = format!("no {what} has a property `{k}`");
                    if let Some(s) = did_you_mean(k, self.schema.keys.iter().map(String::as_str)) {
                        m.push_str(&format!("; did you mean `{s}`?"));
                    }
                    return m;
                };
                let kept: Vec<NodeId> = cands
                    .iter()
                    .copied()
                    .filter(|id| g.node_prop(*id, key).and_then(|v| v.cypher_eq(&want)) == Some(true))
                    .collect();
                if kept.is_empty() {
                    let have: Vec<Value> =
                        cands.iter().filter_map(|id| g.node_prop(*id, key)).take(NEAREST_SCAN).collect();
                    if have.is_empty() {
                        let mut m = format!("no {what} has a property `{k}`");
                        let keys = np.labels.first().and_then(|l| self.schema.label_keys.get(l));
                        if let Some(s) = keys.and_then(|ks| did_you_mean(k, ks.iter().map(String::as_str))) {
                            m.push_str(&format!("; did you mean `{s}`?"));
                        }
                        return m;
                    }
                    let mut m = format!("no {what} has {} {}", quote_name(k), value_text(&want));
                    if let Some(near) = nearest_value(&want, have.iter()) {
                        m.push_str(&format!("; nearest: {}", value_text(near)));
                    }
                    return m;
                }
                cands = kept;
            }
        }
        if first {
            format!("no node matches {pat}")
        } else {
            format!("{pat} matches nodes, but none that fit the rest of the query so far")
        }
    }

    /// Why a relationship step leads nowhere: a missing type, a type that never connects these
    /// labels (in this direction), or simply no such relationship at the nodes found so far.
    fn explain_rel(&mut self, left: &NodePattern, r: &RelPattern, right: &NodePattern, before: u64) -> String {
        let types: Vec<&str> = self.schema.types.iter().map(|(t, _)| t.as_str()).collect();
        for t in &r.types {
            if !self.schema.has_type(t) {
                let mut m = format!("the graph has no relationship type :{}", quote_name(t));
                if let Some(s) = did_you_mean(t, types.iter().copied()) {
                    m.push_str(&format!("; did you mean :{}?", quote_name(s)));
                }
                return m;
            }
        }
        // The right-hand node on its own.
        if !right.labels.is_empty() || right.props.is_some() {
            let alone = self.explain_node(right, true);
            if !alone.starts_with("no node matches") && !alone.contains("but none that fit") {
                let pat = self.src(right.span.start, right.span.end).to_string();
                if self.count(&format!("MATCH {pat}")) == Some(0) {
                    return alone;
                }
            }
        }
        let left_labels = if left.labels.is_empty() {
            left.var.as_ref().map(|v| labels_of(self.text, &v.name)).unwrap_or_default()
        } else {
            left.labels.clone()
        };
        let right_labels = if right.labels.is_empty() {
            right.var.as_ref().map(|v| labels_of(self.text, &v.name)).unwrap_or_default()
        } else {
            right.labels.clone()
        };
        let conn = |fwd: bool| -> bool {
            self.schema.connections.iter().any(|(t, a, b, _)| {
                let (a, b) = if fwd { (a, b) } else { (b, a) };
                (r.types.is_empty() || r.types.contains(t))
                    && (left_labels.is_empty() || left_labels.contains(a))
                    && (right_labels.is_empty() || right_labels.contains(b))
            })
        };
        let (fwd, back) = (conn(true), conn(false));
        let ok = match r.dir {
            ast::Direction::Right => fwd,
            ast::Direction::Left => back,
            ast::Direction::Both => fwd || back,
        };
        let ty = if r.types.is_empty() {
            "relationship".to_string()
        } else {
            format!(
                "{} relationship",
                r.types.iter().map(|t| format!(":{}", quote_name(t))).collect::<Vec<_>>().join("|")
            )
        };
        let lbl = |ls: &[String]| -> String {
            if ls.is_empty() {
                "a node".into()
            } else {
                format!("a {}", ls.iter().map(|l| format!(":{}", quote_name(l))).collect::<Vec<_>>().join(" or :"))
            }
        };
        if r.length.is_none() && !ok && (!left_labels.is_empty() || !right_labels.is_empty() || !r.types.is_empty()) {
            let (from, to) = match r.dir {
                ast::Direction::Left => (lbl(&right_labels), lbl(&left_labels)),
                _ => (lbl(&left_labels), lbl(&right_labels)),
            };
            let mut m = format!("no {ty} goes from {from} to {to}");
            let opposite = match r.dir {
                ast::Direction::Right => back,
                ast::Direction::Left => fwd,
                ast::Direction::Both => false,
            };
            if opposite {
                m.push_str("; there are some in the opposite direction");
            } else if !r.types.is_empty() {
                let pairs: Vec<String> = self
                    .schema
                    .connections
                    .iter()
                    .filter(|(t, ..)| r.types.contains(t))
                    .take(4)
                    .map(|(t, a, b, _)| format!("(:{})-[:{}]->(:{})", quote_name(a), quote_name(t), quote_name(b)))
                    .collect();
                if !pairs.is_empty() {
                    m.push_str(&format!("; the graph has {}", pairs.join(", ")));
                }
            }
            return m;
        }
        if let Some(m) = self.explain_rel_props(r, &ty) {
            return m;
        }
        let rt = self.src(r.span.start, right.span.end).to_string();
        let lt = self.src(left.span.start, left.span.end).to_string();
        format!("none of the {before} match{} of {lt} so far continues with {rt}", if before == 1 { "" } else { "es" })
    }
}

impl Prober<'_> {
    /// Why no relationship of the pattern's types has the property values of its map.
    fn explain_rel_props(&self, r: &RelPattern, what: &str) -> Option<String> {
        let Some(Expr { kind: ExprKind::Map(kv), .. }) = &r.props else {
            return None;
        };
        let g = self.session.graph();
        let types: Vec<_> = r.types.iter().filter_map(|t| g.type_id(t)).collect();
        let mut cands: Vec<RelId> =
            g.rel_ids().filter(|id| types.is_empty() || g.rel_type(*id).is_some_and(|t| types.contains(&t))).collect();
        for (k, vexpr) in kv {
            let want = self.constant(vexpr)?;
            let Some(key) = g.key_id(k) else {
                let mut m = format!("no {what} has a property `{k}`");
                if let Some(s) = did_you_mean(k, self.schema.keys.iter().map(String::as_str)) {
                    m.push_str(&format!("; did you mean `{s}`?"));
                }
                return Some(m);
            };
            let kept: Vec<RelId> = cands
                .iter()
                .copied()
                .filter(|id| g.rel_prop(*id, key).and_then(|v| v.cypher_eq(&want)) == Some(true))
                .collect();
            if kept.is_empty() {
                let have: Vec<Value> = cands.iter().filter_map(|id| g.rel_prop(*id, key)).take(NEAREST_SCAN).collect();
                if have.is_empty() {
                    return Some(format!("no {what} has a property `{k}`"));
                }
                let mut m = format!("no {what} has {} {}", quote_name(k), value_text(&want));
                if let Some(near) = nearest_value(&want, have.iter()) {
                    m.push_str(&format!("; nearest: {}", value_text(near)));
                }
                return Some(m);
            }
            cands = kept;
        }
        None
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => quote_string(s),
        other => to_cypher_literal(other),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// `WITH a, b WHERE` → `WITH a, b`.
fn strip_where(s: &str) -> &str {
    let t = s.trim_end();
    match t.len().checked_sub(5).and_then(|i| t.get(i..).map(|w| (i, w))) {
        Some((i, w)) if w.eq_ignore_ascii_case("WHERE") => t[..i].trim_end(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_near_and_never_the_word_itself() {
        assert_eq!(did_you_mean("Minstry", ["Ministry", "Country"]), Some("Ministry"));
        assert_eq!(did_you_mean("person", ["Person", "Country"]), Some("Person"));
        assert_eq!(did_you_mean("Ministry", ["Ministry"]), None);
        assert_eq!(did_you_mean("xyz", ["Ministry"]), None);
        assert_eq!(did_you_mean("MACTH", crate::syntax::keywords::words()), Some("MATCH"));
    }

    #[test]
    fn nearest_name_prefers_containment() {
        let vals = [Value::str("Ministry of Energy"), Value::str("Ministry of Finance"), Value::str("Japan")];
        let t = Value::str("Ministry of Energy of the Kyrgyz Republic");
        assert_eq!(nearest_value(&t, vals.iter()), Some(&vals[0]));
        let nums = [Value::Int(2004), Value::Int(2017)];
        assert_eq!(nearest_value(&Value::Int(2003), nums.iter()), Some(&nums[0]));
    }

    #[test]
    fn lexer_handles_unfinished_input() {
        let t = lex("MATCH (n:Person {name: 'Ab");
        assert_eq!(t.last().map(|t| t.kind), Some(TokKind::Str { closed: false }));
        let t = lex("RETURN `a b` // c\n, $p");
        assert_eq!(
            t.iter().map(|t| t.kind).collect::<Vec<_>>(),
            vec![TokKind::Ident, TokKind::Ident, TokKind::Punct(','), TokKind::Param]
        );
    }

    #[test]
    fn variables_and_their_labels() {
        let q = "MATCH p = (a:Person)-[r:KNOWS|LIKES]->(b) WITH a, count(b) AS n UNWIND [x IN range(1, 2) | x] AS y \
                 CALL db.labels() YIELD label RETURN a";
        assert_eq!(variables_in(q), ["p", "a", "r", "b", "n", "x", "y", "label"]);
        assert_eq!(labels_of(q, "a"), ["Person"]);
        assert_eq!(labels_of(q, "r"), ["KNOWS", "LIKES"]);
        assert!(labels_of(q, "b").is_empty());
    }

    #[test]
    fn strip_where_keeps_the_head() {
        assert_eq!(strip_where("WITH a, b WHERE "), "WITH a, b");
        assert_eq!(strip_where("WITH a"), "WITH a");
        assert_eq!(strip_where("WITH 'é—'"), "WITH 'é—'");
    }
}
