//! Semantic checks on the AST before planning: variable scopes, what kind of thing each
//! variable is (node, relationship, path, value), and the rules for patterns, aggregation and
//! clause composition. Errors use the TCK's vocabulary.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::ast::*;
use crate::catalog::functions::FuncId;
use crate::error::{Detail, Error, Result, Span};

/// What a variable is known to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Node,
    Rel,
    RelList,
    Path,
    /// A value whose type is known not to be an entity (a literal, list, map), with its type
    /// when the text fixes it.
    Scalar(Option<Ty>),
    /// Anything (a parameter, a function result, a property).
    Unknown,
}

type Scope = IndexMap<String, Kind>;

fn err(detail: Detail, msg: impl Into<String>, span: Span) -> Error {
    Error::semantic(detail, msg, span)
}

/// `count(*)` or a call of an aggregate function.
pub fn is_aggregate_call(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::CountStar => true,
        ExprKind::Function { name, .. } => crate::catalog::is_aggregate(name),
        _ => false,
    }
}

/// Whether an expression contains an aggregate call (comprehension bodies included).
pub fn contains_aggregate(e: &Expr) -> bool {
    if is_aggregate_call(e) {
        return true;
    }
    let mut found = false;
    e.children(&mut |c| found |= contains_aggregate(c));
    found
}

/// Whether an expression calls `rand()`.
fn calls_rand(e: &Expr) -> bool {
    let mut found = matches!(&e.kind, ExprKind::Function { name, .. } if name.eq_ignore_ascii_case("rand"));
    e.children(&mut |c| found |= calls_rand(c));
    found
}

/// A statement that passed the checks, with what they learned that the planner needs: the
/// catalogue entry of every function call, and which calls are aggregates.
/// [`crate::plan::build`] takes one, so that it plans only checked statements and neither looks
/// a function up, tells an aggregate from a function, nor checks a call or a grouping again.
#[derive(Debug)]
pub struct Analysis<'s> {
    /// The statement.
    pub stmt: &'s Statement,
    calls: HashMap<Span, Vec<FuncId>>,
    aggregates: HashSet<Span>,
}

impl Analysis<'_> {
    /// Whether `e` is a call of an aggregate (`count(*)` included), as the checks found it.
    pub fn is_aggregate(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::CountStar | ExprKind::Function { .. }) && self.aggregates.contains(&e.span)
    }

    /// Whether `e` holds a call of an aggregate (comprehension bodies included).
    pub fn contains_aggregate(&self, e: &Expr) -> bool {
        if self.is_aggregate(e) {
            return true;
        }
        let mut found = false;
        e.children(&mut |c| found = found || self.contains_aggregate(c));
        found
    }

    /// The function `name` called at `span`, as the checks resolved it.
    pub fn call(&self, span: Span, name: &str) -> Option<FuncId> {
        // Calls the parser wrote for one piece of text share its span (`size(labels(n))`).
        self.calls.get(&span)?.iter().copied().find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// Checks a statement; the planner can then assume it is well formed.
pub fn analyze(stmt: &Statement) -> Result<Analysis<'_>> {
    let mut a = Analyzer::default();
    a.check_query(&stmt.query, &Scope::new(), Body::Top, stmt.span)?;
    Ok(Analysis { stmt, calls: a.calls, aggregates: a.aggregates })
}

/// [`analyze`], for what is learned only that the statement is well formed.
pub fn check(stmt: &Statement) -> Result<()> {
    analyze(stmt).map(|_| ())
}

/// What the checks gather as they go.
#[derive(Default)]
struct Analyzer {
    calls: HashMap<Span, Vec<FuncId>>,
    aggregates: HashSet<Span>,
}

/// Where a query sits: the statement itself, or the body of a subquery of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Top,
    /// `CALL { ... }`, with how it imports.
    Call(Imports),
    /// `EXISTS { ... }`, `COUNT { ... }`, `COLLECT { ... }`: every outer variable is visible.
    Expr(SubqueryKind),
}

/// How a `CALL` subquery sees the outer variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Imports {
    /// Through a leading `WITH`.
    Leading,
    /// Those of the scope clause, already chosen.
    Chosen,
}

fn is_update(c: &Clause) -> bool {
    matches!(
        c,
        Clause::Create(_)
            | Clause::Merge(_)
            | Clause::Set(_)
            | Clause::Remove(_)
            | Clause::Delete(_)
            | Clause::Foreach(_)
    )
}

fn kind_word(kind: SubqueryKind) -> &'static str {
    match kind {
        SubqueryKind::Exists => "an EXISTS",
        SubqueryKind::Count => "a COUNT",
        SubqueryKind::Collect => "a COLLECT",
    }
}

/// Whether a query has a clause that changes the graph (nested subqueries included).
pub fn writes(q: &Query) -> bool {
    q.parts.iter().flat_map(|p| &p.clauses).any(|c| match c {
        Clause::Subquery(s) => writes(&s.query),
        c => is_update(c),
    })
}

/// `v` is bound already and may not be bound again here.
fn already_bound(v: &Var) -> Error {
    err(Detail::VariableAlreadyBound, format!("variable `{}` is already bound", v.name), v.span)
}

fn bind_new(scope: &mut Scope, v: &Var, kind: Kind) -> Result<()> {
    if scope.contains_key(&v.name) {
        return Err(already_bound(v));
    }
    scope.insert(v.name.clone(), kind);
    Ok(())
}

fn use_var(v: &Var, scope: &Scope) -> Result<()> {
    if scope.contains_key(&v.name) {
        Ok(())
    } else {
        Err(err(Detail::UndefinedVariable, format!("variable `{}` is not defined", v.name), v.span))
    }
}

fn conflict(v: &Var, want: &str, have: Kind) -> Error {
    err(
        Detail::VariableTypeConflict,
        format!("variable `{}` is used as a {want} but it is {}", v.name, kind_name(have)),
        v.span,
    )
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Node => "a node",
        Kind::Rel => "a relationship",
        Kind::RelList => "a list of relationships",
        Kind::Path => "a path",
        Kind::Scalar(_) => "a value that is not a node or relationship",
        Kind::Unknown => "a value",
    }
}

fn no_param_props(props: &Option<Expr>) -> Result<()> {
    if let Some(p) = props {
        if matches!(p.kind, ExprKind::Parameter(_)) {
            return Err(err(
                Detail::InvalidParameterUse,
                "a parameter cannot stand for the property map of a pattern here; write {key: $param}",
                p.span,
            ));
        }
    }
    Ok(())
}

/// The kind of value an expression gives, as far as can be told before running it.
fn infer(e: &Expr, scope: &Scope) -> Kind {
    let ty = static_ty(e, scope).filter(|t| !matches!(t, Ty::Null | Ty::Node | Ty::Rel | Ty::Path));
    match &e.kind {
        ExprKind::Variable(v) => scope.get(v).copied().unwrap_or(Kind::Unknown),
        ExprKind::Literal(Literal::Null) => Kind::Unknown,
        ExprKind::Literal(_) | ExprKind::List(_) | ExprKind::Map(_) | ExprKind::ListComprehension { .. } => {
            Kind::Scalar(ty)
        }
        ExprKind::Binary(op, _, _) if !matches!(op, BinaryOp::Add) => Kind::Scalar(ty),
        ExprKind::IsNull { .. } | ExprKind::HasLabels(..) => Kind::Scalar(ty),
        _ if ty.is_some() => Kind::Scalar(ty),
        _ => Kind::Unknown,
    }
}

/// A type an expression has whatever the data, as far as the text shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Null,
    Bool,
    Int,
    Float,
    Str,
    List,
    Map,
    Node,
    Rel,
    Path,
}

fn ty_name(t: Ty) -> &'static str {
    match t {
        Ty::Null => "null",
        Ty::Bool => "a boolean",
        Ty::Int => "an integer",
        Ty::Float => "a float",
        Ty::Str => "a string",
        Ty::List => "a list",
        Ty::Map => "a map",
        Ty::Node => "a node",
        Ty::Rel => "a relationship",
        Ty::Path => "a path",
    }
}

/// The type of `e` when the text alone fixes it (literals, operators over them, entities).
fn static_ty(e: &Expr, scope: &Scope) -> Option<Ty> {
    static_ty_within(e, scope, STATIC_DEPTH)
}

/// How deep into arithmetic [`static_ty`] looks: every node of an expression asks for its
/// operands' types, so an unbounded look would make a chain of n operators cost n² (a type
/// fixed deeper down is still found when the operator meeting it is checked).
const STATIC_DEPTH: u32 = 16;

fn static_ty_within(e: &Expr, scope: &Scope, depth: u32) -> Option<Ty> {
    use BinaryOp::*;
    let below = |x: &Expr| if depth == 0 { None } else { static_ty_within(x, scope, depth - 1) };
    Some(match &e.kind {
        ExprKind::Literal(Literal::Null) => Ty::Null,
        ExprKind::Literal(Literal::Bool(_)) => Ty::Bool,
        ExprKind::Literal(Literal::Int(_)) => Ty::Int,
        ExprKind::Literal(Literal::Float(_)) => Ty::Float,
        ExprKind::Literal(Literal::String(_)) => Ty::Str,
        ExprKind::List(_) | ExprKind::ListComprehension { .. } | ExprKind::PatternComprehension { .. } => Ty::List,
        ExprKind::Map(_) | ExprKind::MapProjection { .. } => Ty::Map,
        ExprKind::IsNull { .. } | ExprKind::HasLabels(..) | ExprKind::Exists { .. } | ExprKind::Pattern(_) => Ty::Bool,
        ExprKind::Quantified { .. } => Ty::Bool,
        ExprKind::Unary(UnaryOp::Not, _) => Ty::Bool,
        ExprKind::Variable(v) => match scope.get(v)? {
            Kind::Node => Ty::Node,
            Kind::Rel => Ty::Rel,
            Kind::Path => Ty::Path,
            Kind::RelList => Ty::List,
            Kind::Scalar(t) => (*t)?,
            _ => return None,
        },
        ExprKind::Binary(op, a, b) => match op {
            Or | Xor | And | Eq | Ne | Lt | Le | Gt | Ge | In | StartsWith | EndsWith | Contains | Regex => Ty::Bool,
            Add => match (below(a)?, below(b)?) {
                (Ty::Int, Ty::Int) => Ty::Int,
                (Ty::Int | Ty::Float, Ty::Int | Ty::Float) => Ty::Float,
                (Ty::Str, Ty::Str | Ty::Int | Ty::Float) | (Ty::Int | Ty::Float, Ty::Str) => Ty::Str,
                (Ty::List, _) | (_, Ty::List) => Ty::List,
                _ => return None,
            },
            Sub | Mul | Div | Mod | Pow => match (below(a)?, below(b)?) {
                (Ty::Int, Ty::Int) if *op != Pow => Ty::Int,
                (Ty::Int | Ty::Float, Ty::Int | Ty::Float) => Ty::Float,
                _ => return None,
            },
        },
        _ => return None,
    })
}

/// The type errors openCypher finds before running: an operand whose type the text fixes and
/// the operator cannot take (`'a' AND true`, `NOT [1]`, `1 - 'x'`, `123.prop`).
fn static_check(e: &Expr, scope: &Scope) -> Result<()> {
    use BinaryOp::*;
    let bad = |what: String, at: &Expr| Err(err(Detail::InvalidArgumentType, what, at.span));
    let known = |x: &Expr| static_ty(x, scope).filter(|t| *t != Ty::Null);
    match &e.kind {
        ExprKind::Binary(op @ (And | Or | Xor), a, b) => {
            for x in [a, b] {
                if let Some(t) = known(x).filter(|t| *t != Ty::Bool) {
                    return bad(
                        format!("{} takes booleans; this is {}", format!("{op:?}").to_uppercase(), ty_name(t)),
                        x,
                    );
                }
            }
        }
        ExprKind::Unary(UnaryOp::Not, x) => {
            if let Some(t) = known(x).filter(|t| *t != Ty::Bool) {
                return bad(format!("NOT takes a boolean; this is {}", ty_name(t)), x);
            }
        }
        ExprKind::Unary(UnaryOp::Neg, x) => {
            if let Some(t) = known(x).filter(|t| !matches!(t, Ty::Int | Ty::Float)) {
                return bad(format!("- takes a number; this is {}", ty_name(t)), x);
            }
        }
        ExprKind::Binary(op @ (Sub | Mul | Div | Mod | Pow), a, b) => {
            for x in [a, b] {
                if let Some(t) = known(x).filter(|t| !matches!(t, Ty::Int | Ty::Float)) {
                    return bad(
                        format!("{} takes numbers (or temporal values); this is {}", op_word(*op), ty_name(t)),
                        x,
                    );
                }
            }
        }
        ExprKind::Binary(Add, a, b) => {
            let (ta, tb) = (known(a), known(b));
            let list = ta == Some(Ty::List) || tb == Some(Ty::List);
            for (x, t) in [(a, ta), (b, tb)] {
                if let Some(t) = t.filter(|t| !list && matches!(t, Ty::Bool | Ty::Map | Ty::Node | Ty::Rel | Ty::Path))
                {
                    return bad(format!("+ cannot take {}", ty_name(t)), x);
                }
            }
        }
        ExprKind::Property(x, key) => {
            if let Some(t) = known(x).filter(|t| matches!(t, Ty::Bool | Ty::Int | Ty::Float | Ty::Str | Ty::List)) {
                return bad(format!("{} has no properties (reading `{key}`)", ty_name(t)), x);
            }
        }
        _ => {}
    }
    Ok(())
}

fn op_word(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        _ => "^",
    }
}

impl Analyzer {
    /// Checks a query of one or more `UNION`ed parts; gives the scope its `RETURN` makes (empty
    /// when it returns nothing).
    fn check_query(&mut self, q: &Query, outer: &Scope, body: Body, span: Span) -> Result<Scope> {
        if q.union_all.len() > 1 && q.union_all.iter().any(|a| *a != q.union_all[0]) {
            return Err(err(Detail::InvalidClauseComposition, "UNION and UNION ALL cannot be mixed", span));
        }
        let mut returned: Option<Scope> = None;
        for part in &q.parts {
            // A CALL body without a scope clause sees outer variables only through a leading WITH.
            let leading_with = matches!(part.clauses.first(), Some(Clause::With(_)));
            let init = match body {
                Body::Call(Imports::Leading) if !leading_with => Scope::new(),
                _ => outer.clone(),
            };
            // Expression subqueries see the outer variables throughout, past a WITH too.
            let keep = if matches!(body, Body::Expr(_)) { outer.clone() } else { Scope::new() };
            let out = self.check_single(part, q.parts.len() > 1, init, body, &keep)?;
            if let Some(prev) = &returned {
                if !prev.keys().eq(out.keys()) {
                    return Err(err(
                        Detail::DifferentColumnsInUnion,
                        "all queries in a UNION must return the same column names",
                        part.span,
                    ));
                }
            }
            returned = Some(out);
        }
        Ok(returned.unwrap_or_default())
    }

    fn check_single(
        &mut self,
        sq: &SingleQuery,
        in_union: bool,
        mut scope: Scope,
        body: Body,
        keep: &Scope,
    ) -> Result<Scope> {
        let n = sq.clauses.len();
        let mut returned = Scope::new();
        for (i, c) in sq.clauses.iter().enumerate() {
            let last = i + 1 == n;
            if let Body::Expr(kind) = body {
                if is_update(c) || matches!(c, Clause::Subquery(s) if writes(&s.query)) {
                    return Err(err(
                        Detail::InvalidClauseComposition,
                        format!("{} subquery cannot change the graph", kind_word(kind)),
                        c.span(),
                    ));
                }
            }
            match c {
                Clause::Return(_) if !last => {
                    return Err(err(Detail::InvalidClauseComposition, "RETURN must be the last clause", c.span()))
                }
                Clause::Return(r) => returned = self.projection(&r.proj, &scope, true)?,
                Clause::Subquery(call) => self.call_subquery(call, &mut scope, body)?,
                Clause::With(w) if !keep.is_empty() => {
                    for item in &w.proj.items {
                        let name = item.name();
                        let same = matches!(&item.expr.kind, ExprKind::Variable(v) if v == name);
                        if keep.contains_key(name) && !same {
                            return Err(err(
                                Detail::VariableAlreadyBound,
                                format!("variable `{name}` is already bound outside the subquery; use another name"),
                                item.expr.span,
                            ));
                        }
                    }
                    self.clause(c, &mut scope)?;
                    for (k, v) in keep {
                        scope.entry(k.clone()).or_insert(*v);
                    }
                }
                _ => self.clause(c, &mut scope)?,
            }
            let ends_well = match body {
                Body::Top | Body::Call(_) => {
                    matches!(c, Clause::Return(_) | Clause::Call(_) | Clause::Subquery(_))
                        || is_update(c)
                        || matches!(
                            c,
                            Clause::CreateIndex(_)
                                | Clause::DropIndex { .. }
                                | Clause::ShowIndexes { .. }
                                | Clause::CreateConstraint(_)
                                | Clause::DropConstraint { .. }
                                | Clause::Show { .. }
                        )
                }
                Body::Expr(SubqueryKind::Collect) => matches!(c, Clause::Return(_)),
                Body::Expr(_) => true,
            };
            if last && !ends_well {
                let msg = match body {
                    Body::Expr(SubqueryKind::Collect) => "a COLLECT subquery must end with RETURN",
                    _ => "a query cannot end with this clause; add RETURN",
                };
                return Err(err(Detail::InvalidClauseComposition, msg, c.span()));
            }
            if in_union && last && !matches!(c, Clause::Return(_)) && body != Body::Expr(SubqueryKind::Exists) {
                return Err(err(
                    Detail::InvalidClauseComposition,
                    "each part of a UNION must end with RETURN",
                    c.span(),
                ));
            }
        }
        if body == Body::Expr(SubqueryKind::Collect) && returned.len() != 1 {
            return Err(err(
                Detail::InvalidClauseComposition,
                "a COLLECT subquery must return exactly one column",
                sq.span,
            ));
        }
        Ok(returned)
    }

    /// `CALL [(vars)] { ... }`: the body is checked in its own scope; what it returns joins the
    /// outer scope, and may not shadow an outer variable.
    fn call_subquery(&mut self, call: &CallSubquery, scope: &mut Scope, body: Body) -> Result<()> {
        let (inner, imports) = match &call.import {
            Import::Leading => (scope.clone(), Imports::Leading),
            Import::All => (scope.clone(), Imports::Chosen),
            Import::Vars(vs) => {
                let mut inner = Scope::new();
                for v in vs {
                    use_var(v, scope)?;
                    inner.insert(v.name.clone(), scope[&v.name]);
                }
                (inner, Imports::Chosen)
            }
        };
        if let (Import::Leading, Some(Clause::With(w))) = (&call.import, call.query.parts[0].clauses.first()) {
            let imports =
                w.proj.items.iter().any(|i| matches!(&i.expr.kind, ExprKind::Variable(v) if scope.contains_key(v)));
            if imports && w.where_.is_some() {
                return Err(err(
                    Detail::InvalidClauseComposition,
                    "an importing WITH takes only variables of the outer query, without WHERE; filter in a second WITH",
                    w.span,
                ));
            }
        }
        if let Some(t) = &call.in_transactions {
            if t.report.is_some() && t.on_error == OnError::Fail {
                return Err(err(
                    Detail::InvalidClauseComposition,
                    "REPORT STATUS needs ON ERROR CONTINUE or ON ERROR BREAK (with ON ERROR FAIL the statement fails)",
                    t.span,
                ));
            }
            if body != Body::Top {
                return Err(err(
                    Detail::InvalidClauseComposition,
                    "CALL { ... } IN TRANSACTIONS cannot be nested in another subquery",
                    t.span,
                ));
            }
            if let Some(b) = &t.batch {
                self.expr(b, scope, false)?;
            }
        }
        let returned = self.check_query(&call.query, &inner, Body::Call(imports), call.span)?;
        for (name, kind) in returned {
            if scope.contains_key(&name) {
                return Err(err(
                    Detail::VariableAlreadyBound,
                    format!("variable `{name}` is already bound outside the subquery; return it under another name"),
                    call.span,
                ));
            }
            scope.insert(name, kind);
        }
        if let Some(r) = call.in_transactions.as_ref().and_then(|t| t.report.as_ref()) {
            bind_new(scope, r, Kind::Scalar(Some(Ty::Map)))?;
        }
        Ok(())
    }

    /// Checks one clause other than `RETURN` and `CALL { ... }`, binding what it binds.
    fn clause(&mut self, c: &Clause, scope: &mut Scope) -> Result<()> {
        match c {
            Clause::Match(m) => {
                self.check_match(m, scope)?;
            }
            Clause::Unwind(u) => {
                self.expr(&u.expr, scope, false)?;
                // An element of a list of literals is no entity; of anything else, it may be one.
                let kind = match &u.expr.kind {
                    ExprKind::List(items) if items.iter().all(|i| matches!(i.kind, ExprKind::Literal(_))) => {
                        Kind::Scalar(None)
                    }
                    _ => Kind::Unknown,
                };
                bind_new(scope, &u.alias, kind)?;
            }
            Clause::With(w) => {
                let after = self.projection(&w.proj, scope, false)?;
                if let Some(p) = &w.where_ {
                    // WHERE also sees the variables before WITH, unless it aggregates.
                    let aggregating = w.proj.items.iter().any(|i| contains_aggregate(&i.expr));
                    let mut visible = if aggregating { Scope::new() } else { scope.clone() };
                    visible.extend(after.iter().map(|(k, v)| (k.clone(), *v)));
                    self.expr(p, &visible, false)?;
                }
                *scope = after;
            }
            Clause::Create(cr) => {
                for part in &cr.pattern {
                    self.check_create_part(part, scope, false)?;
                }
            }
            Clause::Merge(m) => {
                self.check_create_part(&m.part, scope, true)?;
                for s in m.on_create.iter().chain(&m.on_match) {
                    self.set_item(s, scope)?;
                }
            }
            Clause::Set(s) => {
                for it in &s.items {
                    self.set_item(it, scope)?;
                }
            }
            Clause::Remove(r) => {
                for it in &r.items {
                    match it {
                        RemoveItem::Property { target, .. } => self.expr(target, scope, false)?,
                        RemoveItem::Labels { var, .. } => use_var(var, scope)?,
                        RemoveItem::Dynamic { var, key, .. } => {
                            use_var(var, scope)?;
                            self.expr(key, scope, false)?
                        }
                    }
                }
            }
            Clause::Delete(d) => {
                for e in &d.exprs {
                    self.expr(e, scope, false)?;
                    match &e.kind {
                        ExprKind::HasLabels(..) => {
                            return Err(err(
                                Detail::InvalidDelete,
                                "DELETE takes nodes, relationships or paths, not labels",
                                e.span,
                            ))
                        }
                        ExprKind::Literal(_) | ExprKind::Binary(..) | ExprKind::Map(_) => {
                            return Err(err(
                                Detail::InvalidArgumentType,
                                "DELETE takes nodes, relationships or paths",
                                e.span,
                            ))
                        }
                        ExprKind::Variable(v) if matches!(scope.get(v), Some(Kind::Scalar(_))) => {
                            return Err(err(
                                Detail::InvalidArgumentType,
                                "DELETE takes nodes, relationships or paths",
                                e.span,
                            ))
                        }
                        _ => {}
                    }
                }
            }
            Clause::Call(call) => {
                if let Some(args) = &call.args {
                    for a in args {
                        self.expr(a, scope, false)?;
                    }
                }
                if let Some(ys) = &call.yields {
                    for y in ys {
                        let name = y.alias.as_ref().map_or(&y.field, |a| &a.name);
                        if scope.contains_key(name) {
                            return Err(err(
                                Detail::VariableAlreadyBound,
                                format!("variable `{name}` is already bound"),
                                y.span,
                            ));
                        }
                        scope.insert(name.clone(), Kind::Unknown);
                    }
                }
                if let Some(w) = &call.where_ {
                    self.expr(w, scope, false)?;
                }
            }
            Clause::Foreach(fe) => {
                self.expr(&fe.list, scope, false)?;
                let mut inner = scope.clone();
                inner.insert(fe.var.name.clone(), Kind::Unknown);
                for c in &fe.clauses {
                    self.clause(c, &mut inner)?;
                }
            }
            Clause::LoadCsv(l) => {
                self.expr(&l.from, scope, false)?;
                bind_new(scope, &l.var, Kind::Unknown)?;
            }
            Clause::Return(r) => {
                self.projection(&r.proj, scope, true)?;
            }
            Clause::Subquery(call) => self.call_subquery(call, scope, Body::Top)?,
            Clause::CreateIndex(_) | Clause::DropIndex { .. } | Clause::ShowIndexes { .. } => {}
            Clause::CreateConstraint(d) => {
                if let ConstraintRule::Type(t) = &d.rule {
                    if crate::catalog::property_type(t).is_none() {
                        return Err(err(
                            Detail::InvalidArgumentValue,
                            format!(
                                "`{t}` is not a property type silkgraph knows (INTEGER, FLOAT, STRING, BOOLEAN, DATE, ...)"
                            ),
                            d.span,
                        ));
                    }
                    if d.keys.len() != 1 {
                        return Err(err(
                            Detail::InvalidArgumentValue,
                            "a property type constraint takes one property",
                            d.span,
                        ));
                    }
                }
                if d.rule == ConstraintRule::NotNull && d.keys.len() != 1 {
                    return Err(err(Detail::InvalidArgumentValue, "IS NOT NULL takes one property", d.span));
                }
            }
            Clause::DropConstraint { .. } | Clause::Show { .. } => {}
        }
        Ok(())
    }

    /// Binds and checks the variables of a MATCH pattern.
    fn check_pattern(&mut self, parts: &[PatternPart], scope: &mut Scope, in_match: bool) -> Result<()> {
        let before: Scope = scope.clone();
        let mut rels_here: Vec<String> = Vec::new();
        for part in parts {
            let el = &part.elem;
            let nodes = std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n));
            for n in nodes {
                self.node_props(n, scope, in_match)?;
                if let Some(v) = &n.var {
                    match scope.get(&v.name) {
                        None => {
                            scope.insert(v.name.clone(), Kind::Node);
                        }
                        Some(Kind::Node | Kind::Unknown) => {}
                        Some(k) => return Err(conflict(v, "node", *k)),
                    }
                }
            }
            for (r, _) in &el.chain {
                if in_match {
                    no_param_props(&r.props)?;
                }
                if let Some(p) = &r.props {
                    self.expr(p, scope, false)?;
                }
                if let Some((Some(lo), Some(hi))) = r.length {
                    let _ = (lo, hi);
                }
                if let Some(v) = &r.var {
                    let want = if r.length.is_some() { Kind::RelList } else { Kind::Rel };
                    match scope.get(&v.name) {
                        None => {
                            scope.insert(v.name.clone(), want);
                        }
                        Some(k) if *k == want || *k == Kind::Unknown => {
                            if rels_here.contains(&v.name)
                                || (!before.contains_key(&v.name)
                                    && scope.contains_key(&v.name)
                                    && rels_here.contains(&v.name))
                            {
                                return Err(err(
                                    Detail::RelationshipUniquenessViolation,
                                    format!("relationship `{}` cannot appear twice in one pattern", v.name),
                                    v.span,
                                ));
                            }
                        }
                        Some(Kind::Scalar(_)) if want == Kind::RelList => {}
                        Some(Kind::Rel | Kind::RelList) => {
                            return Err(conflict(
                                v,
                                if want == Kind::Rel { "relationship" } else { "relationship list" },
                                scope[&v.name],
                            ))
                        }
                        Some(k) => return Err(conflict(v, "relationship", *k)),
                    }
                    rels_here.push(v.name.clone());
                }
            }
            if let Some(pv) = &part.var {
                match scope.get(&pv.name) {
                    None => {
                        scope.insert(pv.name.clone(), Kind::Path);
                    }
                    Some(Kind::Path) if !before.contains_key(&pv.name) => {
                        return Err(err(
                            Detail::VariableAlreadyBound,
                            format!("path `{}` is bound twice", pv.name),
                            pv.span,
                        ))
                    }
                    Some(Kind::Path | Kind::Unknown) => return Err(already_bound(pv)),
                    Some(k) => return Err(conflict(pv, "path", *k)),
                }
            }
            if part.kind != PathKind::Normal && el.chain.len() != 1 {
                {
                    return Err(err(
                        Detail::InvalidArgumentType,
                        "shortestPath needs a pattern with exactly one relationship",
                        part.span,
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_match(&mut self, m: &Match, scope: &mut Scope) -> Result<()> {
        self.check_pattern(&m.pattern, scope, true)?;
        if let Some(w) = &m.where_ {
            self.expr(w, scope, false)?;
        }
        Ok(())
    }

    /// A node pattern's properties: expressions of the scope, and written out (not a map
    /// parameter) where `written` says (`MATCH`, `MERGE`).
    fn node_props(&mut self, n: &NodePattern, scope: &Scope, written: bool) -> Result<()> {
        if written {
            no_param_props(&n.props)?;
        }
        match &n.props {
            Some(p) => self.expr(p, scope, false),
            None => Ok(()),
        }
    }

    /// CREATE and MERGE: relationships are new, with one type and a direction; bound nodes may be
    /// used but not redeclared with labels or properties.
    fn check_create_part(&mut self, part: &PatternPart, scope: &mut Scope, merge: bool) -> Result<()> {
        let el = &part.elem;
        let single = el.chain.is_empty();
        let mut seen_here: Vec<String> = Vec::new();
        let nodes: Vec<&NodePattern> = std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n)).collect();
        for n in &nodes {
            self.node_props(n, scope, merge)?;
            if let Some(v) = &n.var {
                match scope.get(&v.name) {
                    Some(Kind::Node | Kind::Unknown) if !seen_here.contains(&v.name) => {
                        if single || !n.labels.is_empty() || n.props.is_some() {
                            return Err(already_bound(v));
                        }
                    }
                    Some(Kind::Node) => {
                        if !n.labels.is_empty() || n.props.is_some() {
                            return Err(already_bound(v));
                        }
                    }
                    Some(k) => return Err(conflict(v, "node", *k)),
                    None => {
                        scope.insert(v.name.clone(), Kind::Node);
                        seen_here.push(v.name.clone());
                    }
                }
            }
        }
        for (r, _) in &el.chain {
            if merge {
                no_param_props(&r.props)?;
            }
            if let Some(p) = &r.props {
                self.expr(p, scope, false)?;
            }
            if r.length.is_some() {
                return Err(err(Detail::CreatingVarLength, "variable-length relationships cannot be created", r.span));
            }
            if r.types.len() != 1 {
                return Err(err(
                    Detail::NoSingleRelationshipType,
                    "a relationship to create needs exactly one type",
                    r.span,
                ));
            }
            if r.dir == Direction::Both && !merge {
                return Err(err(
                    Detail::RequiresDirectedRelationship,
                    "a relationship to create needs a direction",
                    r.span,
                ));
            }
            if let Some(v) = &r.var {
                match scope.get(&v.name) {
                    None => {
                        scope.insert(v.name.clone(), Kind::Rel);
                    }
                    Some(Kind::Rel | Kind::Unknown) => return Err(already_bound(v)),
                    Some(k) => return Err(conflict(v, "relationship", *k)),
                }
            }
        }
        if let Some(pv) = &part.var {
            bind_new(scope, pv, Kind::Path)?;
        }
        Ok(())
    }

    fn set_item(&mut self, s: &SetItem, scope: &Scope) -> Result<()> {
        match s {
            SetItem::Property { target, value, .. } => {
                self.expr(target, scope, false)?;
                self.expr(value, scope, false)
            }
            SetItem::Replace { var, value, .. } | SetItem::Merge { var, value, .. } => {
                use_var(var, scope)?;
                self.expr(value, scope, false)
            }
            SetItem::Labels { var, .. } => use_var(var, scope),
            SetItem::Dynamic { var, key, value, .. } => {
                use_var(var, scope)?;
                self.expr(key, scope, false)?;
                self.expr(value, scope, false)
            }
        }
    }

    /// Checks WITH/RETURN and gives the scope after it.
    fn projection(&mut self, p: &Projection, scope: &Scope, is_return: bool) -> Result<Scope> {
        let mut out = Scope::new();
        if p.star {
            if scope.is_empty() && is_return {
                return Err(err(
                    Detail::NoVariablesInScope,
                    "RETURN * needs at least one variable in scope",
                    Span::default(),
                ));
            }
            out = scope.iter().filter(|(k, _)| !k.starts_with(' ')).map(|(k, v)| (k.clone(), *v)).collect();
        }
        let aggregating = p.items.iter().any(|i| contains_aggregate(&i.expr));
        for it in &p.items {
            self.expr(&it.expr, scope, true)?;
            if !is_return && it.alias.is_none() && !matches!(it.expr.kind, ExprKind::Variable(_)) {
                return Err(err(
                    Detail::NoExpressionAlias,
                    "expressions in WITH need an alias (AS name)",
                    it.expr.span,
                ));
            }
            let name = it.name().to_string();
            if out.contains_key(&name) && (!p.star || p.items.iter().filter(|j| j.name() == name).count() > 1) {
                return Err(err(
                    Detail::ColumnNameConflict,
                    format!("column `{name}` is defined more than once"),
                    it.expr.span,
                ));
            }
            out.insert(name, infer(&it.expr, scope));
        }
        if aggregating {
            // Grouping keys: the items without an aggregate (and every variable, for `*`).
            let keys: Vec<&Expr> = p.items.iter().map(|i| &i.expr).filter(|e| !contains_aggregate(e)).collect();
            let mut names: Vec<&str> = keys
                .iter()
                .filter_map(|k| match &k.kind {
                    ExprKind::Variable(v) => Some(v.as_str()),
                    _ => None,
                })
                .collect();
            if p.star {
                names.extend(scope.keys().map(|k| k.as_str()).filter(|k| !k.starts_with(' ')));
            }
            for it in p.items.iter().filter(|i| contains_aggregate(&i.expr)) {
                grouped(&it.expr, &it.expr, &keys, &names, &mut Vec::new(), true)?;
            }
        }
        // ORDER BY, SKIP, LIMIT.
        let mut order_scope = if p.distinct || aggregating { Scope::new() } else { scope.clone() };
        for (k, v) in &out {
            order_scope.insert(k.clone(), *v);
        }
        for s in &p.order_by {
            self.order_expr(&s.expr, &p.items, &order_scope, aggregating)?;
        }
        if aggregating {
            // An ORDER BY key with an aggregate groups like an item: it may also read the
            // aggregates of the items, and every projected name.
            let items: Vec<&Expr> = p.items.iter().map(|i| &i.expr).collect();
            let keys: Vec<&str> = order_scope.keys().map(|k| k.as_str()).collect();
            for o in p.order_by.iter().filter(|o| contains_aggregate(&o.expr)) {
                grouped(&o.expr, &o.expr, &items, &keys, &mut Vec::new(), true)?;
            }
        }
        if let Some(e) = &p.skip {
            self.count(e, "SKIP")?;
        }
        if let Some(e) = &p.limit {
            self.count(e, "LIMIT")?;
        }
        Ok(out)
    }

    /// An ORDER BY expression: parts equal to a projected expression are fine as they are (their
    /// calls are still resolved for the planner); the rest may only use the names visible after
    /// the projection.
    fn order_expr(&mut self, e: &Expr, items: &[ProjItem], scope: &Scope, allow_agg: bool) -> Result<()> {
        if items.iter().any(|i| i.expr.same_as(e)) {
            return self.calls_in(e);
        }
        match &e.kind {
            ExprKind::Property(..)
            | ExprKind::Unary(..)
            | ExprKind::Binary(..)
            | ExprKind::List(_)
            | ExprKind::Map(_)
            | ExprKind::IsNull { .. }
            | ExprKind::Index(..)
            | ExprKind::Slice { .. }
            | ExprKind::Case { .. } => each_child(e, |c| self.order_expr(c, items, scope, allow_agg)),
            ExprKind::Function { name, args, .. } if !crate::catalog::is_aggregate(name) => {
                self.function(e, name, args)?;
                each_child(e, |c| self.order_expr(c, items, scope, allow_agg))
            }
            _ => self.expr(e, scope, allow_agg),
        }
    }

    /// A function call: the function exists and takes that many arguments. Resolved, it is
    /// kept for the planner.
    fn function(&mut self, e: &Expr, name: &str, args: &[Expr]) -> Result<()> {
        let Some(func) = crate::catalog::functions::resolve(name) else {
            let e = err(Detail::UnknownFunction, format!("unknown function `{name}`"), e.span);
            return Err(e.with_hint_opt(crate::catalog::plugin_hint(name)));
        };
        let calls = self.calls.entry(e.span).or_default();
        if !calls.contains(&func) {
            calls.push(func);
        }
        let sig = func.sig();
        if args.len() < sig.min || args.len() > sig.max {
            let msg = format!("function `{name}` takes {}, not {}", sig.arity_text(), args.len());
            return Err(err(Detail::InvalidNumberOfArguments, msg, e.span));
        }
        Ok(())
    }

    /// Every function call in `e` (see [`Analyzer::function`]), for an expression whose other
    /// checks were made where it was first written (an ORDER BY item equal to a projected one).
    fn calls_in(&mut self, e: &Expr) -> Result<()> {
        if is_aggregate_call(e) {
            self.aggregates.insert(e.span);
        }
        if let ExprKind::Function { name, args, .. } = &e.kind {
            self.function(e, name, args)?;
        }
        each_child(e, |c| self.calls_in(c))
    }

    /// `SKIP` or `LIMIT`: a constant expression, not a negative or fractional literal.
    fn count(&mut self, e: &Expr, what: &str) -> Result<()> {
        fn reads_row(e: &Expr) -> bool {
            let mut found = matches!(e.kind, ExprKind::Variable(_) | ExprKind::Pattern(_));
            e.children(&mut |c| found |= reads_row(c));
            found
        }
        if reads_row(e) {
            return Err(err(Detail::NonConstantExpression, format!("{what} must be a constant expression"), e.span));
        }
        match &e.kind {
            ExprKind::Literal(Literal::Int(i)) if *i < 0 => {
                return Err(err(Detail::NegativeIntegerArgument, format!("{what} cannot be negative"), e.span))
            }
            ExprKind::Literal(Literal::Float(_)) => {
                return Err(err(Detail::InvalidArgumentType, format!("{what} must be an integer"), e.span))
            }
            _ => {}
        }
        self.expr(e, &Scope::new(), false)
    }

    /// Checks an expression: variables defined, aggregates only where allowed.
    fn expr(&mut self, e: &Expr, scope: &Scope, allow_agg: bool) -> Result<()> {
        static_check(e, scope)?;
        match &e.kind {
            ExprKind::Variable(v) => {
                if !scope.contains_key(v) {
                    return Err(err(Detail::UndefinedVariable, format!("variable `{v}` is not defined"), e.span));
                }
            }
            ExprKind::Property(x, _) if matches!(&x.kind, ExprKind::Variable(v) if scope.get(v) == Some(&Kind::Path)) => {
                return Err(err(Detail::InvalidArgumentType, "a path has no properties", e.span))
            }
            ExprKind::CountStar if !allow_agg => {
                return Err(err(Detail::InvalidAggregation, "count(*) is only allowed in WITH and RETURN", e.span))
            }
            ExprKind::CountStar => {
                self.aggregates.insert(e.span);
            }
            ExprKind::Function { name, args, .. } => {
                let is_agg = crate::catalog::is_aggregate(name);
                if is_agg && !allow_agg {
                    return Err(err(
                        Detail::InvalidAggregation,
                        format!("{name}() is only allowed in WITH and RETURN"),
                        e.span,
                    ));
                }
                if is_agg {
                    self.aggregates.insert(e.span);
                }
                self.function(e, name, args)?;
                for a in args {
                    if is_agg && contains_aggregate(a) {
                        return Err(err(
                            Detail::NestedAggregation,
                            "an aggregate cannot contain another aggregate",
                            a.span,
                        ));
                    }
                    if is_agg && calls_rand(a) {
                        return Err(err(
                            Detail::NonConstantExpression,
                            "an aggregate cannot take rand(): its result would not be repeatable",
                            a.span,
                        ));
                    }
                    self.expr(a, scope, allow_agg && !is_agg)?;
                }
            }
            ExprKind::ListComprehension { var, list, predicate, projection } => {
                self.expr(list, scope, allow_agg)?;
                let mut inner = scope.clone();
                inner.insert(var.name.clone(), Kind::Unknown);
                if let Some(p) = predicate {
                    self.expr(p, &inner, false)?;
                }
                if let Some(p) = projection {
                    self.expr(p, &inner, allow_agg)?;
                }
            }
            ExprKind::Quantified { var, list, predicate, .. } => {
                self.expr(list, scope, allow_agg)?;
                let mut inner = scope.clone();
                inner.insert(var.name.clone(), Kind::Unknown);
                if let Some(p) = predicate {
                    self.expr(p, &inner, false)?;
                }
            }
            ExprKind::Reduce { acc, init, var, list, expr: body } => {
                self.expr(init, scope, allow_agg)?;
                self.expr(list, scope, allow_agg)?;
                let mut inner = scope.clone();
                inner.insert(acc.name.clone(), Kind::Unknown);
                inner.insert(var.name.clone(), Kind::Unknown);
                self.expr(body, &inner, false)?;
            }
            ExprKind::Pattern(el) => {
                let mut inner = scope.clone();
                let part = PatternPart { var: None, kind: PathKind::Normal, elem: (**el).clone(), span: e.span };
                self.check_pattern(std::slice::from_ref(&part), &mut inner, false)?;
                // A pattern predicate may not introduce new named variables.
                for name in inner.keys() {
                    if !scope.contains_key(name) {
                        return Err(err(
                            Detail::UndefinedVariable,
                            format!("variable `{name}` is not defined"),
                            e.span,
                        ));
                    }
                }
            }
            ExprKind::Subquery { kind, query } => {
                self.check_query(query, scope, Body::Expr(*kind), e.span)?;
            }
            ExprKind::Exists { pattern, where_ } => {
                let mut inner = scope.clone();
                self.check_pattern(pattern, &mut inner, false)?;
                if let Some(w) = where_ {
                    self.expr(w, &inner, false)?;
                }
            }
            ExprKind::PatternComprehension { var, pattern, predicate, projection } => {
                let mut inner = scope.clone();
                let part =
                    PatternPart { var: var.clone(), kind: PathKind::Normal, elem: (**pattern).clone(), span: e.span };
                self.check_pattern(std::slice::from_ref(&part), &mut inner, false)?;
                if let Some(p) = predicate {
                    self.expr(p, &inner, false)?;
                }
                self.expr(projection, &inner, false)?;
            }
            ExprKind::MapProjection { var, items } => {
                use_var(var, scope)?;
                for it in items {
                    match it {
                        MapProjItem::Literal(_, x) => self.expr(x, scope, allow_agg)?,
                        MapProjItem::Variable(v) => use_var(v, scope)?,
                        _ => {}
                    }
                }
            }
            _ => each_child(e, |c| self.expr(c, scope, allow_agg))?,
        }
        Ok(())
    }
}

/// An item (or `ORDER BY` key) of a projection that aggregates, outside its aggregates'
/// arguments, reads only grouping keys: whole key expressions, or variables `names` has (and
/// those its own comprehensions bind, `locals`). A key larger than a variable or a property
/// written again inside such an item is ambiguous (Neo4j's rule). Subqueries and patterns in
/// it are left to their own checks.
fn grouped(e: &Expr, item: &Expr, keys: &[&Expr], names: &[&str], locals: &mut Vec<String>, top: bool) -> Result<()> {
    if is_aggregate_call(e) {
        return Ok(());
    }
    let simple = |k: &Expr| match &k.kind {
        ExprKind::Variable(_) => true,
        ExprKind::Property(x, _) => matches!(x.kind, ExprKind::Variable(_)),
        _ => false,
    };
    if let Some(k) = keys.iter().find(|k| k.same_as(e)) {
        if !top && !simple(k) {
            return Err(err(
                Detail::AmbiguousAggregationExpression,
                "next to an aggregate, only grouping keys that are variables or properties may be used",
                e.span,
            ));
        }
        return Ok(());
    }
    let reads = |v: &str, locals: &[String]| {
        if names.contains(&v) || locals.iter().any(|l| l == v) {
            Ok(())
        } else {
            Err(err(
                Detail::AmbiguousAggregationExpression,
                format!("`{v}` is not a grouping key: expressions next to an aggregate must be grouping keys"),
                item.span,
            ))
        }
    };
    let walk = |e: &Expr, locals: &mut Vec<String>| grouped(e, item, keys, names, locals, false);
    match &e.kind {
        ExprKind::Variable(v) => reads(v, locals),
        ExprKind::MapProjection { var, items } => {
            reads(&var.name, locals)?;
            for it in items {
                match it {
                    MapProjItem::Literal(_, x) => walk(x, locals)?,
                    MapProjItem::Variable(v) => reads(&v.name, locals)?,
                    _ => {}
                }
            }
            Ok(())
        }
        ExprKind::ListComprehension { var, list, predicate, projection } => {
            walk(list, locals)?;
            locals.push(var.name.clone());
            let inner = predicate.iter().chain(projection.iter()).try_for_each(|x| walk(x, locals));
            locals.pop();
            inner
        }
        ExprKind::Quantified { var, list, predicate, .. } => {
            walk(list, locals)?;
            locals.push(var.name.clone());
            let inner = predicate.iter().try_for_each(|x| walk(x, locals));
            locals.pop();
            inner
        }
        ExprKind::Reduce { acc, init, var, list, expr: body } => {
            walk(init, locals)?;
            walk(list, locals)?;
            locals.extend([acc.name.clone(), var.name.clone()]);
            let inner = walk(body, locals);
            locals.truncate(locals.len() - 2);
            inner
        }
        ExprKind::Pattern(_)
        | ExprKind::PatternComprehension { .. }
        | ExprKind::Exists { .. }
        | ExprKind::Subquery { .. } => Ok(()),
        _ => each_child(e, |c| walk(c, locals)),
    }
}

/// `check` of each child of `e`, stopping at the first error.
fn each_child(e: &Expr, mut check: impl FnMut(&Expr) -> Result<()>) -> Result<()> {
    let mut res = Ok(());
    e.children(&mut |c| {
        if res.is_ok() {
            res = check(c);
        }
    });
    res
}
