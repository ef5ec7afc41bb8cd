//! pest pairs → `crate::ast`, one function per grammar rule. Spans are byte ranges into the
//! whole script. Nothing here may panic: a tree of an unexpected shape (which would be a bug in
//! the grammar) becomes an error. Operator chains are folded with loops, so long flat input
//! (`1+1+...`, long lists, long patterns) does not recurse.

use pest::iterators::Pair;

use crate::ast::*;
use crate::error::{Detail, Error, Result, Span};

use super::diagnose::UNEXPECTED;
use super::Rule;

type P<'i> = Pair<'i, Rule>;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The span of `p`'s own text. pest lets a non-atomic rule's span run over whitespace and
/// comments skipped after its last token (when an optional part then matched nothing), so the
/// end is taken from the last token inside it.
fn span(p: &P) -> Span {
    let start = p.as_span().start();
    let mut last = p.clone();
    while let Some(c) = last.clone().into_inner().next_back() {
        last = c;
    }
    Span::new(start, last.as_span().end())
}

/// The source text of `p` (without trailing whitespace or comments).
fn text<'i>(p: &P<'i>) -> &'i str {
    let s = span(p);
    p.as_str().get(..s.end - s.start).unwrap_or_else(|| p.as_str())
}

fn join(a: Span, b: Span) -> Span {
    Span::new(a.start, b.end)
}

/// An error for a syntax tree the lowering does not expect (a grammar/lowering mismatch).
fn shape(p: &P) -> Error {
    Error::syntax(UNEXPECTED, format!("internal parser error: unexpected syntax near '{}'", clip(p.as_str())), span(p))
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(30).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Tokens that carry no information once the tree is built.
fn is_punct(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::SEMI
            | Rule::COMMA
            | Rule::COLON
            | Rule::DOT
            | Rule::PIPE
            | Rule::LPAREN
            | Rule::RPAREN
            | Rule::LBRACKET
            | Rule::RBRACKET
            | Rule::LBRACE
            | Rule::RBRACE
    )
}

/// The children of `p`, without punctuation.
fn kids<'i>(p: &P<'i>) -> impl Iterator<Item = P<'i>> {
    p.clone().into_inner().filter(|c| !is_punct(c.as_rule()))
}

/// The first child with the given rule.
fn child<'i>(p: &P<'i>, rule: Rule) -> Option<P<'i>> {
    p.clone().into_inner().find(|c| c.as_rule() == rule)
}

fn has(p: &P, rule: Rule) -> bool {
    child(p, rule).is_some()
}

fn need<'i>(p: &P<'i>, rule: Rule) -> Result<P<'i>> {
    child(p, rule).ok_or_else(|| shape(p))
}

fn next<'i>(it: &mut impl Iterator<Item = P<'i>>, parent: &P<'i>) -> Result<P<'i>> {
    it.next().ok_or_else(|| shape(parent))
}

// ---------------------------------------------------------------------------------------------
// Names

/// The name in a `symbolic_name` or `variable`, with backtick quoting removed.
pub(super) fn name(p: &P) -> Result<String> {
    match p.as_rule() {
        Rule::symbolic_name | Rule::variable | Rule::unescaped_name | Rule::escaped_name => Ok(unquote(p.as_str())),
        _ => Err(shape(p)),
    }
}

/// `name` or `` `quoted name` `` (with ``` `` ``` for a backtick).
fn unquote(s: &str) -> String {
    match s.strip_prefix('`').and_then(|r| r.strip_suffix('`')) {
        Some(inner) => inner.replace("``", "`"),
        None => s.to_string(),
    }
}

/// The parts of `a.b.c`, where a part may be backtick-quoted (and contain dots).
fn dotted_parts(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' if quoted && chars.peek() == Some(&'`') => {
                chars.next();
                cur.push('`');
            }
            '`' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn var(p: &P) -> Result<Var> {
    Ok(Var { name: name(p)?, span: span(p) })
}

/// `a.b.c` from a `procedure_name` or `function_name` (quoting removed).
fn dotted_name(p: &P) -> String {
    dotted_parts(p.as_str()).join(".")
}

fn labels(p: &P) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for c in p.clone().into_inner() {
        if c.as_rule() == Rule::symbolic_name {
            out.push(name(&c)?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Script, statements, queries

pub(super) fn script(p: P) -> Result<Vec<Statement>> {
    let mut out = Vec::new();
    for c in p.into_inner() {
        if c.as_rule() == Rule::statement {
            out.push(statement(&c)?);
        }
    }
    Ok(out)
}

fn statement(p: &P) -> Result<Statement> {
    let mut mode = Mode::Run;
    let mut query = None;
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::mode => {
                mode = if has(&c, Rule::PROFILE) { Mode::Profile } else { Mode::Explain };
            }
            Rule::schema_command => query = Some(schema_command(&c)?),
            Rule::query => query = Some(query_(&c)?),
            _ => return Err(shape(&c)),
        }
    }
    let query = query.ok_or_else(|| shape(p))?;
    Ok(Statement { mode, query, span: span(p) })
}

fn schema_command(p: &P) -> Result<Query> {
    let c = p.clone().into_inner().next().ok_or_else(|| shape(p))?;
    let clause = match c.as_rule() {
        Rule::create_index => Clause::CreateIndex(create_index(&c)?),
        Rule::create_fulltext => Clause::CreateIndex(create_fulltext(&c)?),
        Rule::drop_index => {
            let n = need(&c, Rule::symbolic_name)?;
            Clause::DropIndex { name: name(&n)?, if_exists: child(&c, Rule::if_exists).is_some(), span: span(&c) }
        }
        Rule::show_indexes => Clause::ShowIndexes { fulltext: has(&c, Rule::fulltext_only), span: span(&c) },
        Rule::create_constraint => Clause::CreateConstraint(create_constraint(&c)?),
        Rule::drop_constraint => {
            let n = need(&c, Rule::symbolic_name)?;
            Clause::DropConstraint { name: name(&n)?, if_exists: child(&c, Rule::if_exists).is_some(), span: span(&c) }
        }
        Rule::show_constraints => Clause::Show { what: Shown::Constraints, span: span(&c) },
        Rule::show_procedures => Clause::Show { what: Shown::Procedures, span: span(&c) },
        Rule::show_functions => Clause::Show { what: Shown::Functions, span: span(&c) },
        _ => return Err(shape(&c)),
    };
    Ok(Query { parts: vec![SingleQuery { clauses: vec![clause], span: span(p) }], union_all: vec![] })
}

/// The name a schema command gives its index or constraint, if it gives one.
fn given_name(p: &P, rule: Rule) -> Result<Option<String>> {
    child(p, rule).map(|n| name(&need(&n, Rule::symbolic_name)?)).transpose()
}

fn create_index(p: &P) -> Result<IndexDef> {
    let index_name = given_name(p, Rule::index_name)?;
    let v = var(&need(p, Rule::variable)?)?;
    let label = name(&need(p, Rule::symbolic_name)?)?;
    let keys = index_keys(p, &v, "index")?;
    let if_not_exists = child(p, Rule::if_not_exists).is_some();
    Ok(IndexDef { name: index_name, var: v.name, label, keys, if_not_exists, fulltext: None, span: span(p) })
}

fn create_fulltext(p: &P) -> Result<IndexDef> {
    let index_name = given_name(p, Rule::index_name)?;
    let (target, rel) = match child(p, Rule::fulltext_nodes) {
        Some(t) => (t, false),
        None => (need(p, Rule::fulltext_rels)?, true),
    };
    let v = var(&need(&target, Rule::variable)?)?;
    let on = target
        .clone()
        .into_inner()
        .filter(|c| c.as_rule() == Rule::symbolic_name)
        .map(|c| name(&c))
        .collect::<Result<Vec<_>>>()?;
    let keys = index_keys(p, &v, "index")?;
    Ok(IndexDef {
        name: index_name,
        var: v.name,
        label: on.first().cloned().unwrap_or_default(),
        keys,
        if_not_exists: child(p, Rule::if_not_exists).is_some(),
        fulltext: Some(crate::ast::FulltextTarget { rel, on }),
        span: span(p),
    })
}

/// The keys of `v.key, ...` in an index or constraint declared for `v`.
fn index_keys(p: &P, v: &Var, what: &str) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for k in p.clone().into_inner().filter(|c| c.as_rule() == Rule::index_key) {
        let kv = var(&need(&k, Rule::variable)?)?;
        if kv.name != v.name {
            return Err(Error::semantic(
                Detail::UndefinedVariable,
                format!("variable `{}` not defined: the {what} is declared for `{}`", kv.name, v.name),
                kv.span,
            ));
        }
        keys.push(name(&need(&k, Rule::symbolic_name)?)?);
    }
    Ok(keys)
}

fn create_constraint(p: &P) -> Result<ConstraintDef> {
    let constraint_name = given_name(p, Rule::constraint_name)?;
    let (target, rel) = match child(p, Rule::node_target) {
        Some(t) => (t, false),
        None => (need(p, Rule::rel_target)?, true),
    };
    let v = var(&need(&target, Rule::variable)?)?;
    let on = name(&need(&target, Rule::symbolic_name)?)?;
    let keys = index_keys(p, &v, "constraint")?;
    let r = need(p, Rule::constraint_rule)?;
    let rule = if has(&r, Rule::unique_rule) {
        ConstraintRule::Unique
    } else if has(&r, Rule::key_rule) {
        ConstraintRule::Key
    } else if has(&r, Rule::not_null_rule) {
        ConstraintRule::NotNull
    } else {
        let t = need(&need(&r, Rule::type_rule)?, Rule::type_name)?;
        ConstraintRule::Type(t.as_str().split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase())
    };
    Ok(ConstraintDef {
        name: constraint_name,
        if_not_exists: child(p, Rule::if_not_exists).is_some(),
        rel,
        on,
        var: v.name,
        keys,
        rule,
        span: span(p),
    })
}

fn query_(p: &P) -> Result<Query> {
    let mut parts = Vec::new();
    let mut union_all = Vec::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::single_query => parts.push(single_query(&c)?),
            Rule::union => union_all.push(has(&c, Rule::ALL)),
            _ => return Err(shape(&c)),
        }
    }
    Ok(Query { parts, union_all })
}

fn single_query(p: &P) -> Result<SingleQuery> {
    let mut clauses = Vec::new();
    for c in p.clone().into_inner() {
        clauses.push(clause(&c)?);
    }
    // The grammar of openCypher allows `YIELD *` only in a standalone `CALL`.
    if clauses.len() > 1 {
        for c in p.clone().into_inner().filter(|c| c.as_rule() == Rule::call_clause) {
            if let Some(y) = child(&c, Rule::yield_clause).filter(|y| has(y, Rule::STAR)) {
                return Err(Error::syntax(
                    UNEXPECTED,
                    "YIELD * is only allowed in a CALL that is the whole query",
                    span(&y),
                ));
            }
        }
    }
    Ok(SingleQuery { clauses, span: span(p) })
}

// ---------------------------------------------------------------------------------------------
// Clauses

fn clause(p: &P) -> Result<Clause> {
    Ok(match p.as_rule() {
        Rule::match_clause => Clause::Match(match_clause(p)?),
        Rule::unwind_clause => Clause::Unwind(unwind_clause(p)?),
        Rule::with_clause => Clause::With(with_clause(p)?),
        Rule::return_clause => Clause::Return(return_clause(p)?),
        Rule::create_clause => {
            let mut parts = pattern(&need(p, Rule::pattern)?)?;
            no_conditions(&mut parts, "CREATE")?;
            Clause::Create(Create { pattern: parts, span: span(p) })
        }
        Rule::merge_clause => Clause::Merge(merge_clause(p)?),
        Rule::set_clause => Clause::Set(set_clause(p)?),
        Rule::remove_clause => Clause::Remove(remove_clause(p)?),
        Rule::delete_clause => Clause::Delete(delete_clause(p)?),
        Rule::call_clause => Clause::Call(call_clause(p)?),
        Rule::call_subquery => Clause::Subquery(call_subquery(p)?),
        Rule::foreach_clause => Clause::Foreach(foreach_clause(p)?),
        Rule::load_csv_clause => Clause::LoadCsv(load_csv_clause(p)?),
        Rule::order_clause => {
            let mut proj = Projection {
                distinct: false,
                star: true,
                items: Vec::new(),
                order_by: Vec::new(),
                skip: None,
                limit: None,
            };
            if let Some(o) = child(p, Rule::order_by) {
                proj.order_by = order_by(&o)?;
            }
            if let Some(sk) = child(p, Rule::skip) {
                proj.skip = Some(expr(need(&sk, Rule::expression)?)?);
            }
            if let Some(l) = child(p, Rule::limit) {
                proj.limit = Some(expr(need(&l, Rule::expression)?)?);
            }
            Clause::With(With { proj, where_: None, span: span(p) })
        }
        _ => return Err(shape(p)),
    })
}

fn call_subquery(p: &P) -> Result<CallSubquery> {
    let import = match child(p, Rule::subquery_scope) {
        None => Import::Leading,
        Some(s) if has(&s, Rule::STAR) => Import::All,
        Some(s) => Import::Vars(
            s.clone().into_inner().filter(|c| c.as_rule() == Rule::variable).map(|v| var(&v)).collect::<Result<_>>()?,
        ),
    };
    let in_transactions = match child(p, Rule::in_transactions) {
        None => None,
        Some(t) => Some(InTransactions {
            batch: match child(&t, Rule::batch_size) {
                Some(b) => Some(expr(need(&b, Rule::expression)?)?),
                None => None,
            },
            on_error: match child(&t, Rule::on_error) {
                Some(e) if has(&e, Rule::CONTINUE) => OnError::Continue,
                Some(e) if has(&e, Rule::BREAK) => OnError::Break,
                _ => OnError::Fail,
            },
            report: match child(&t, Rule::report_status) {
                Some(r) => Some(var(&need(&r, Rule::variable)?)?),
                None => None,
            },
            concurrent: has(&t, Rule::concurrency),
            span: span(&t),
        }),
    };
    Ok(CallSubquery {
        optional: has(p, Rule::OPTIONAL),
        import,
        query: query_(&need(p, Rule::query)?)?,
        in_transactions,
        span: span(p),
    })
}

fn foreach_clause(p: &P) -> Result<Foreach> {
    let mut clauses = Vec::new();
    for c in p.clone().into_inner() {
        if matches!(
            c.as_rule(),
            Rule::create_clause
                | Rule::merge_clause
                | Rule::set_clause
                | Rule::remove_clause
                | Rule::delete_clause
                | Rule::foreach_clause
        ) {
            clauses.push(clause(&c)?);
        }
    }
    Ok(Foreach {
        var: var(&need(p, Rule::variable)?)?,
        list: expr(need(p, Rule::expression)?)?,
        clauses,
        span: span(p),
    })
}

fn load_csv_clause(p: &P) -> Result<LoadCsv> {
    let terminator = match child(p, Rule::field_terminator) {
        Some(t) => Some(string_value(&need(&t, Rule::string_literal)?)?),
        None => None,
    };
    Ok(LoadCsv {
        headers: has(p, Rule::with_headers),
        from: expr(need(p, Rule::expression)?)?,
        var: var(&need(p, Rule::variable)?)?,
        terminator,
        span: span(p),
    })
}

fn where_clause(p: &P) -> Result<Option<Expr>> {
    match child(p, Rule::where_clause) {
        Some(w) => Ok(Some(expr(need(&w, Rule::expression)?)?)),
        None => Ok(None),
    }
}

fn match_clause(p: &P) -> Result<Match> {
    let mut parts = pattern(&need(p, Rule::pattern)?)?;
    let where_ = with_hoisted(&mut parts, where_clause(p)?);
    Ok(Match { optional: has(p, Rule::OPTIONAL), pattern: parts, where_, span: span(p) })
}

fn unwind_clause(p: &P) -> Result<Unwind> {
    Ok(Unwind { expr: expr(need(p, Rule::expression)?)?, alias: var(&need(p, Rule::variable)?)?, span: span(p) })
}

fn with_clause(p: &P) -> Result<With> {
    Ok(With { proj: projection_body(p)?, where_: where_clause(p)?, span: span(p) })
}

fn return_clause(p: &P) -> Result<Return> {
    Ok(Return { proj: projection_body(p)?, span: span(p) })
}

/// The body shared by `WITH` and `RETURN` (the rule is silent: its parts are children of `p`).
fn projection_body(p: &P) -> Result<Projection> {
    let mut proj =
        Projection { distinct: false, star: false, items: Vec::new(), order_by: Vec::new(), skip: None, limit: None };
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::DISTINCT => proj.distinct = true,
            Rule::projection_items => {
                for item in kids(&c) {
                    match item.as_rule() {
                        Rule::STAR => proj.star = true,
                        Rule::projection_item => proj.items.push(projection_item(&item)?),
                        _ => return Err(shape(&item)),
                    }
                }
            }
            Rule::order_by => proj.order_by = order_by(&c)?,
            Rule::skip => proj.skip = Some(expr(need(&c, Rule::expression)?)?),
            Rule::limit => proj.limit = Some(expr(need(&c, Rule::expression)?)?),
            _ => {}
        }
    }
    Ok(proj)
}

fn projection_item(p: &P) -> Result<ProjItem> {
    let e = need(p, Rule::expression)?;
    let mut text = text(&e).to_string();
    let alias = match child(p, Rule::variable) {
        Some(v) => Some(var(&v)?),
        None => None,
    };
    let expr = expr(e)?;
    // A map projection's column is named after its variable, as in Neo4j.
    if let ExprKind::MapProjection { var, .. } = &expr.kind {
        text = var.name.clone();
    }
    Ok(ProjItem { expr, alias, text })
}

fn order_by(p: &P) -> Result<Vec<SortItem>> {
    let mut out = Vec::new();
    for item in p.clone().into_inner().filter(|c| c.as_rule() == Rule::sort_item) {
        let descending = has(&item, Rule::DESC) || has(&item, Rule::DESCENDING);
        out.push(SortItem { expr: expr(need(&item, Rule::expression)?)?, descending });
    }
    Ok(out)
}

fn merge_clause(p: &P) -> Result<Merge> {
    let mut parts = [pattern_part(&need(p, Rule::pattern_part)?)?];
    no_conditions(&mut parts, "MERGE")?;
    let [part] = parts;
    let mut merge = Merge { part, on_create: Vec::new(), on_match: Vec::new(), span: span(p) };
    for action in p.clone().into_inner().filter(|c| c.as_rule() == Rule::merge_action) {
        let items = set_items(&action)?;
        if has(&action, Rule::CREATE) {
            merge.on_create.extend(items);
        } else {
            merge.on_match.extend(items);
        }
    }
    Ok(merge)
}

fn set_clause(p: &P) -> Result<SetClause> {
    Ok(SetClause { items: set_items(p)?, span: span(p) })
}

fn set_items(p: &P) -> Result<Vec<SetItem>> {
    let mut out = Vec::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::set_property => out.push(set_property(&c)?),
            Rule::set_dynamic => {
                let mut e = c.clone().into_inner().filter(|x| x.as_rule() == Rule::expression);
                let (key, value) = (next(&mut e, &c)?, next(&mut e, &c)?);
                out.push(SetItem::Dynamic {
                    var: var(&need(&c, Rule::variable)?)?,
                    key: expr(key)?,
                    value: expr(value)?,
                    span: span(&c),
                })
            }
            Rule::set_labels => out.push(SetItem::Labels {
                var: var(&need(&c, Rule::variable)?)?,
                labels: labels(&need(&c, Rule::node_labels)?)?,
                span: span(&c),
            }),
            Rule::set_merge => out.push(SetItem::Merge {
                var: var(&need(&c, Rule::variable)?)?,
                value: expr(need(&c, Rule::expression)?)?,
                span: span(&c),
            }),
            Rule::set_replace => out.push(SetItem::Replace {
                var: var(&need(&c, Rule::variable)?)?,
                value: expr(need(&c, Rule::expression)?)?,
                span: span(&c),
            }),
            _ => {}
        }
    }
    Ok(out)
}

fn set_property(p: &P) -> Result<SetItem> {
    let (target, key) = property_expression(&need(p, Rule::property_expression)?)?;
    let value = expr(need(p, Rule::expression)?)?;
    Ok(SetItem::Property { target, key, value, span: span(p) })
}

/// `atom.a.b.key` → (`atom.a.b`, `key`).
fn property_expression(p: &P) -> Result<(Expr, String)> {
    let mut it = p.clone().into_inner();
    let first = next(&mut it, p)?;
    let start = span(&first).start;
    let mut target = atom(first)?;
    let lookups: Vec<P> = it.collect();
    let (last, init) = lookups.split_last().ok_or_else(|| shape(p))?;
    for l in init {
        let key = name(&need(l, Rule::symbolic_name)?)?;
        target = Expr::new(ExprKind::Property(Box::new(target), key), Span::new(start, span(l).end));
    }
    let key = name(&need(last, Rule::symbolic_name)?)?;
    Ok((target, key))
}

fn remove_clause(p: &P) -> Result<RemoveClause> {
    let mut items = Vec::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::remove_property => {
                let (target, key) = property_expression(&need(&c, Rule::property_expression)?)?;
                items.push(RemoveItem::Property { target, key, span: span(&c) });
            }
            Rule::remove_dynamic => items.push(RemoveItem::Dynamic {
                var: var(&need(&c, Rule::variable)?)?,
                key: expr(need(&c, Rule::expression)?)?,
                span: span(&c),
            }),
            Rule::remove_labels => items.push(RemoveItem::Labels {
                var: var(&need(&c, Rule::variable)?)?,
                labels: labels(&need(&c, Rule::node_labels)?)?,
                span: span(&c),
            }),
            _ => {}
        }
    }
    Ok(RemoveClause { items, span: span(p) })
}

fn delete_clause(p: &P) -> Result<Delete> {
    let mut exprs = Vec::new();
    for c in p.clone().into_inner().filter(|c| c.as_rule() == Rule::expression) {
        exprs.push(expr(c)?);
    }
    Ok(Delete { detach: has(p, Rule::DETACH), exprs, span: span(p) })
}

fn call_clause(p: &P) -> Result<Call> {
    let name_pair = need(p, Rule::procedure_name)?;
    let args = match child(p, Rule::call_args) {
        Some(a) => Some(expr_list(&a)?),
        None => None,
    };
    let mut call = Call {
        name: dotted_name(&name_pair),
        name_span: span(&name_pair),
        args,
        yields: None,
        yield_star: false,
        where_: None,
        span: span(p),
    };
    if let Some(y) = child(p, Rule::yield_clause) {
        if has(&y, Rule::STAR) {
            call.yield_star = true;
        } else {
            let mut items = Vec::new();
            for item in y.clone().into_inner().filter(|c| c.as_rule() == Rule::yield_item) {
                let alias = match child(&item, Rule::variable) {
                    Some(v) => Some(var(&v)?),
                    None => None,
                };
                items.push(YieldItem { field: name(&need(&item, Rule::symbolic_name)?)?, alias, span: span(&item) });
            }
            call.yields = Some(items);
        }
        call.where_ = where_clause(&y)?;
    }
    Ok(call)
}

/// Every `expression` child of `p`, in order.
fn expr_list(p: &P) -> Result<Vec<Expr>> {
    let mut out = Vec::new();
    for c in p.clone().into_inner().filter(|c| c.as_rule() == Rule::expression) {
        out.push(expr(c)?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Patterns

fn pattern(p: &P) -> Result<Vec<PatternPart>> {
    let mut out = Vec::new();
    for c in p.clone().into_inner().filter(|c| c.as_rule() == Rule::pattern_part) {
        out.push(pattern_part(&c)?);
    }
    Ok(out)
}

fn pattern_part(p: &P) -> Result<PatternPart> {
    let v = match child(p, Rule::variable) {
        Some(v) => Some(var(&v)?),
        None => None,
    };
    let (kind, elem) = if let Some(sp) = child(p, Rule::shortest_path) {
        let kind = if has(&sp, Rule::ALL_SHORTEST_PATHS) { PathKind::AllShortest } else { PathKind::Shortest };
        (kind, pattern_element(&need(&sp, Rule::pattern_element)?)?)
    } else {
        (PathKind::Normal, pattern_element(&need(p, Rule::pattern_element)?)?)
    };
    Ok(PatternPart { var: v, kind, elem, span: span(p) })
}

fn pattern_element(p: &P) -> Result<PatternElement> {
    // `( (a)-->(b) )`: unwrap the parentheses (nesting is bounded by the depth check).
    let mut p = p.clone();
    while let Some(inner) = child(&p, Rule::pattern_element) {
        p = inner;
    }
    chain(&p)
}

/// `node (relationship node)*` from the children of `p` (a `pattern_element` or
/// `pattern_predicate`).
fn chain(p: &P) -> Result<PatternElement> {
    let mut it = p.clone().into_inner();
    let start = node_pattern(&next(&mut it, p)?)?;
    let mut links = Vec::new();
    while let Some(r) = it.next() {
        let rel = relationship_pattern(&r)?;
        let node = node_pattern(&next(&mut it, p)?)?;
        links.push((rel, node));
    }
    Ok(PatternElement { start, chain: links })
}

fn node_pattern(p: &P) -> Result<NodePattern> {
    if p.as_rule() != Rule::node_pattern {
        return Err(shape(p));
    }
    let mut node = NodePattern { var: None, labels: Vec::new(), props: None, predicate: None, span: span(p) };
    let mut expression = None;
    let mut where_ = None;
    for c in kids(p) {
        match c.as_rule() {
            Rule::variable => node.var = Some(var(&c)?),
            Rule::node_labels => node.labels = labels(&c)?,
            Rule::label_expression => expression = Some(c),
            Rule::properties => node.props = Some(properties(&c)?),
            Rule::pattern_where => where_ = Some(expr(need(&c, Rule::expression)?)?),
            _ => return Err(shape(&c)),
        }
    }
    if let Some(le) = expression {
        let tree = label_tree(&need(&le, Rule::label_or)?)?;
        match plain_labels(&tree) {
            // `:A&B` is `:A:B`.
            Some(ls) => node.labels = ls,
            None => {
                // Tested as a condition on the node; an anonymous node gets a name no query can
                // write (it starts with a space), which `RETURN *` leaves out.
                let v =
                    node.var.clone().unwrap_or_else(|| Var { name: format!(" node{}", span(p).start), span: span(p) });
                node.var = Some(v.clone());
                let test = label_test(&tree, &v, span(&le));
                where_ = Some(match where_ {
                    Some(w) => and(test, w),
                    None => test,
                });
            }
        }
    }
    node.predicate = where_.map(Box::new);
    Ok(node)
}

/// A label expression as a tree.
enum LabelTree {
    Name(String),
    Any,
    Not(Box<LabelTree>),
    And(Vec<LabelTree>),
    Or(Vec<LabelTree>),
}

fn label_tree(p: &P) -> Result<LabelTree> {
    let parts = |rule| -> Result<Vec<LabelTree>> {
        p.clone().into_inner().filter(|c| c.as_rule() == rule).map(|c| label_tree(&c)).collect()
    };
    // One operand is itself, not a list of one.
    let joined = |mut xs: Vec<LabelTree>, join: fn(Vec<LabelTree>) -> LabelTree| match xs.len() {
        1 => xs.remove(0),
        _ => join(xs),
    };
    Ok(match p.as_rule() {
        Rule::label_or => joined(parts(Rule::label_and)?, LabelTree::Or),
        Rule::label_and => joined(parts(Rule::label_not)?, LabelTree::And),
        Rule::label_not => {
            let bangs = p.clone().into_inner().filter(|c| c.as_rule() == Rule::BANG).count();
            let mut t = label_tree(&need(p, Rule::label_atom)?)?;
            for _ in 0..bangs {
                t = LabelTree::Not(Box::new(t));
            }
            t
        }
        Rule::label_atom => match child(p, Rule::label_or) {
            Some(inner) => label_tree(&inner)?,
            None if has(p, Rule::PERCENT) => LabelTree::Any,
            None => LabelTree::Name(name(&need(p, Rule::symbolic_name)?)?),
        },
        _ => return Err(shape(p)),
    })
}

/// The labels of a label expression that only asks for labels, all of them (`A`, `A&B`).
fn plain_labels(t: &LabelTree) -> Option<Vec<String>> {
    match t {
        LabelTree::Name(n) => Some(vec![n.clone()]),
        LabelTree::And(xs) => xs.iter().map(plain_labels).collect::<Option<Vec<_>>>().map(|v| v.concat()),
        _ => None,
    }
}

/// A label expression as a condition on `v`.
fn label_test(t: &LabelTree, v: &Var, s: Span) -> Expr {
    let var = || Box::new(Expr::new(ExprKind::Variable(v.name.clone()), v.span));
    let kind = match t {
        LabelTree::Name(n) => ExprKind::HasLabels(var(), vec![n.clone()]),
        LabelTree::Any => {
            let labels =
                Expr::new(ExprKind::Function { name: "labels".into(), distinct: false, args: vec![*var()] }, s);
            let size = Expr::new(ExprKind::Function { name: "size".into(), distinct: false, args: vec![labels] }, s);
            ExprKind::Binary(BinaryOp::Gt, Box::new(size), Box::new(Expr::new(ExprKind::Literal(Literal::Int(0)), s)))
        }
        LabelTree::Not(x) => ExprKind::Unary(UnaryOp::Not, Box::new(label_test(x, v, s))),
        LabelTree::And(xs) | LabelTree::Or(xs) => {
            let op = if matches!(t, LabelTree::And(_)) { BinaryOp::And } else { BinaryOp::Or };
            let mut it = xs.iter().map(|x| label_test(x, v, s));
            let first = it.next().unwrap_or_else(|| Expr::new(ExprKind::Literal(Literal::Bool(true)), s));
            return it.fold(first, |a, b| Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)), s));
        }
    };
    Expr::new(kind, s)
}

/// `a AND b`.
fn and(a: Expr, b: Expr) -> Expr {
    let s = Span::new(a.span.start.min(b.span.start), a.span.end.max(b.span.end));
    Expr::new(ExprKind::Binary(BinaryOp::And, Box::new(a), Box::new(b)), s)
}

/// Takes the conditions written inside patterns (`WHERE` in a node or relationship, label
/// expressions) out of them, joined with `AND`.
fn hoist(parts: &mut [PatternPart]) -> Option<Expr> {
    let mut found: Option<Expr> = None;
    let mut add = |e: Option<Box<Expr>>| {
        if let Some(e) = e {
            found = Some(match found.take() {
                Some(f) => and(f, *e),
                None => *e,
            });
        }
    };
    for part in parts.iter_mut() {
        add(part.elem.start.predicate.take());
        for (r, n) in part.elem.chain.iter_mut() {
            add(r.predicate.take());
            add(n.predicate.take());
        }
    }
    found
}

/// `where_` with the pattern's own conditions joined to it.
fn with_hoisted(parts: &mut [PatternPart], where_: Option<Expr>) -> Option<Expr> {
    match (hoist(parts), where_) {
        (Some(h), Some(w)) => Some(and(h, w)),
        (h, w) => h.or(w),
    }
}

/// Refuses conditions inside the patterns of a clause that creates what it names.
fn no_conditions(parts: &mut [PatternPart], clause: &str) -> Result<()> {
    match hoist(parts) {
        Some(e) => Err(Error::syntax(
            UNEXPECTED,
            format!("{clause} cannot take a label expression such as :A|B or a WHERE inside its pattern"),
            e.span,
        )),
        None => Ok(()),
    }
}

fn properties(p: &P) -> Result<Expr> {
    let c = p.clone().into_inner().next().ok_or_else(|| shape(p))?;
    atom(c)
}

fn relationship_pattern(p: &P) -> Result<RelPattern> {
    if p.as_rule() != Rule::relationship_pattern {
        return Err(shape(p));
    }
    let left = has(p, Rule::ARROW_LEFT);
    let right = has(p, Rule::ARROW_RIGHT);
    let dir = match (left, right) {
        (true, false) => Direction::Left,
        (false, true) => Direction::Right,
        _ => Direction::Both,
    };
    let mut rel =
        RelPattern { var: None, types: Vec::new(), dir, length: None, props: None, predicate: None, span: span(p) };
    if let Some(detail) = child(p, Rule::relationship_detail) {
        for c in kids(&detail) {
            match c.as_rule() {
                Rule::variable => rel.var = Some(var(&c)?),
                Rule::relationship_types => rel.types = labels(&c)?,
                Rule::range_literal => rel.length = Some(range_literal(&c)?),
                Rule::properties => rel.props = Some(properties(&c)?),
                Rule::pattern_where => rel.predicate = Some(Box::new(expr(need(&c, Rule::expression)?)?)),
                _ => return Err(shape(&c)),
            }
        }
    }
    if let (Some(_), Some(w)) = (rel.length, &rel.predicate) {
        return Err(Error::syntax(
            UNEXPECTED,
            "a variable-length relationship cannot take WHERE inside it; test its list: WHERE all(x IN r WHERE ...)",
            w.span,
        ));
    }
    Ok(rel)
}

fn range_literal(p: &P) -> Result<(Option<u64>, Option<u64>)> {
    let bound = |rule| -> Result<Option<u64>> {
        match child(p, rule) {
            Some(b) => b.as_str().parse::<u64>().map(Some).map_err(|_| {
                Error::syntax(
                    Detail::IntegerOverflow,
                    format!("the length bound {} is too large", b.as_str()),
                    span(&b),
                )
            }),
            None => Ok(None),
        }
    };
    let min = bound(Rule::range_min)?;
    let max = bound(Rule::range_max)?;
    if has(p, Rule::RANGE) {
        Ok((min, max))
    } else {
        Ok((min, min))
    }
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// Rules that are a single child when the level's operator is absent.
fn is_passthrough(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expression
            | Rule::xor_expression
            | Rule::and_expression
            | Rule::not_expression
            | Rule::comparison
            | Rule::predicate_expression
            | Rule::additive
            | Rule::multiplicative
            | Rule::power
            | Rule::unary
            | Rule::postfix
            | Rule::case_operand
            | Rule::projection
            | Rule::slice_from
            | Rule::slice_to
    )
}

/// Lower any expression-level pair. Levels without an operator (the usual case) and
/// parentheses are skipped in a loop, so nesting costs stack only where there is real nesting.
/// The functions on the recursive path are kept small: debug builds give every temporary its
/// own stack slot.
pub(super) fn expr(p: P) -> Result<Expr> {
    let p = skip_passthrough(p)?;
    dispatch(p)
}

#[inline(never)]
fn skip_passthrough(mut p: P) -> Result<P> {
    loop {
        if is_passthrough(p.as_rule()) {
            let mut inner = p.clone().into_inner();
            match (inner.next(), inner.next()) {
                (Some(c), None) => p = c,
                _ => return Ok(p),
            }
        } else if p.as_rule() == Rule::parenthesized {
            p = child(&p, Rule::expression).ok_or_else(|| shape(&p))?;
        } else {
            return Ok(p);
        }
    }
}

fn dispatch(p: P) -> Result<Expr> {
    match p.as_rule() {
        Rule::expression
        | Rule::xor_expression
        | Rule::and_expression
        | Rule::additive
        | Rule::multiplicative
        | Rule::power => binary_chain(&p),
        Rule::not_expression => not_expression(&p),
        Rule::comparison => comparison(&p),
        Rule::predicate_expression => predicate_expression(&p),
        Rule::unary => unary(&p),
        Rule::postfix => postfix(&p),
        _ => atom(p),
    }
}

fn binary_op(p: &P) -> Option<BinaryOp> {
    Some(match p.as_rule() {
        Rule::OR => BinaryOp::Or,
        Rule::XOR => BinaryOp::Xor,
        Rule::AND => BinaryOp::And,
        Rule::PLUS => BinaryOp::Add,
        Rule::MINUS => BinaryOp::Sub,
        Rule::STAR => BinaryOp::Mul,
        Rule::SLASH => BinaryOp::Div,
        Rule::PERCENT => BinaryOp::Mod,
        Rule::CARET => BinaryOp::Pow,
        Rule::EQ => BinaryOp::Eq,
        Rule::NE => BinaryOp::Ne,
        Rule::LT => BinaryOp::Lt,
        Rule::LE => BinaryOp::Le,
        Rule::GT => BinaryOp::Gt,
        Rule::GE => BinaryOp::Ge,
        _ => return None,
    })
}

/// `a op b op c ...`, left-associative, folded in a loop.
fn binary_chain(p: &P) -> Result<Expr> {
    let mut it = p.clone().into_inner();
    let first = next(&mut it, p)?;
    let start = span(&first).start;
    let mut acc = expr(first)?;
    while let Some(op_pair) = it.next() {
        let op = binary_op(&op_pair).ok_or_else(|| shape(&op_pair))?;
        let rhs_pair = next(&mut it, p)?;
        let end = span(&rhs_pair).end;
        let rhs = expr(rhs_pair)?;
        acc = Expr::new(ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), Span::new(start, end));
    }
    Ok(acc)
}

fn not_expression(p: &P) -> Result<Expr> {
    let mut nots = Vec::new();
    let mut operand = None;
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::NOT => nots.push(span(&c).start),
            _ => operand = Some(c),
        }
    }
    let operand = operand.ok_or_else(|| shape(p))?;
    let end = span(&operand).end;
    let mut acc = expr(operand)?;
    for start in nots.into_iter().rev() {
        acc = Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(acc)), Span::new(start, end));
    }
    Ok(acc)
}

/// `a < b <= c` is `(a < b) AND (b <= c)`.
fn comparison(p: &P) -> Result<Expr> {
    let mut it = p.clone().into_inner();
    let first = next(&mut it, p)?;
    let mut left_span = span(&first);
    let mut left = expr(first)?;
    let mut result: Option<Expr> = None;
    while let Some(op_pair) = it.next() {
        let op = binary_op(&op_pair).ok_or_else(|| shape(&op_pair))?;
        let rhs_pair = next(&mut it, p)?;
        let rhs_span = span(&rhs_pair);
        let rhs = expr(rhs_pair)?;
        let cmp = Expr::new(ExprKind::Binary(op, Box::new(left), Box::new(rhs.clone())), join(left_span, rhs_span));
        result = Some(match result {
            None => cmp,
            Some(prev) => {
                let s = Span::new(prev.span.start, rhs_span.end);
                Expr::new(ExprKind::Binary(BinaryOp::And, Box::new(prev), Box::new(cmp)), s)
            }
        });
        left = rhs;
        left_span = rhs_span;
    }
    Ok(result.unwrap_or(left))
}

fn predicate_expression(p: &P) -> Result<Expr> {
    let mut it = p.clone().into_inner();
    let first = next(&mut it, p)?;
    let start = span(&first).start;
    let mut acc = expr(first)?;
    for suffix in it {
        let s = Span::new(start, span(&suffix).end);
        let kind = match suffix.as_rule() {
            Rule::null_check => ExprKind::IsNull { expr: Box::new(acc), negated: has(&suffix, Rule::NOT) },
            Rule::type_check | Rule::normalized_check => typed_check(&suffix, acc, s)?,
            rule => {
                let op = match rule {
                    Rule::in_check => BinaryOp::In,
                    Rule::starts_with => BinaryOp::StartsWith,
                    Rule::ends_with => BinaryOp::EndsWith,
                    Rule::contains => BinaryOp::Contains,
                    Rule::regex_match => BinaryOp::Regex,
                    _ => return Err(shape(&suffix)),
                };
                let rhs = expr(need(&suffix, Rule::additive)?)?;
                ExprKind::Binary(op, Box::new(acc), Box::new(rhs))
            }
        };
        acc = Expr::new(kind, s);
    }
    Ok(acc)
}

/// `x IS [NOT] :: TYPE` as `__is_typed(x, 'TYPE')`, `s IS [NOT] NFC NORMALIZED` as
/// `__is_normalized(s, 'NFC')`, negated with `NOT`.
fn typed_check(p: &P, x: Expr, s: Span) -> Result<ExprKind> {
    let (name, arg) = match p.as_rule() {
        Rule::type_check => ("__is_typed", need(p, Rule::type_union)?.as_str().to_string()),
        _ => ("__is_normalized", child(p, Rule::normal_form).map_or("NFC".to_string(), |f| f.as_str().to_uppercase())),
    };
    let arg = Expr::new(ExprKind::Literal(Literal::String(arg)), s);
    let call = ExprKind::Function { name: name.into(), distinct: false, args: vec![x, arg] };
    Ok(match has(p, Rule::NOT) {
        true => ExprKind::Unary(UnaryOp::Not, Box::new(Expr::new(call, s))),
        false => call,
    })
}

/// Signs, innermost last. A minus applied directly to a number literal is folded into a
/// negative literal (so `-9223372036854775808` works).
fn unary(p: &P) -> Result<Expr> {
    let mut signs: Vec<(UnaryOp, usize)> = Vec::new();
    let mut operand = None;
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::PLUS => signs.push((UnaryOp::Plus, span(&c).start)),
            Rule::MINUS => signs.push((UnaryOp::Neg, span(&c).start)),
            _ => operand = Some(c),
        }
    }
    let operand = operand.ok_or_else(|| shape(p))?;
    let end = span(&operand).end;
    let mut acc = match (signs.last(), bare_number(&operand)) {
        (Some(&(UnaryOp::Neg, start)), Some(num)) => {
            signs.pop();
            number(&num, true, Span::new(start, end))?
        }
        _ => expr(operand)?,
    };
    for (op, start) in signs.into_iter().rev() {
        acc = Expr::new(ExprKind::Unary(op, Box::new(acc)), Span::new(start, end));
    }
    Ok(acc)
}

/// The number literal `p` consists of, if it is nothing else (no postfix operators).
fn bare_number<'i>(p: &P<'i>) -> Option<P<'i>> {
    let mut p = p.clone();
    while p.as_rule() == Rule::postfix {
        let mut inner = p.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(c), None) => p = c,
            _ => return None,
        }
    }
    (p.as_rule() == Rule::number_literal).then_some(p)
}

fn postfix(p: &P) -> Result<Expr> {
    let mut it = p.clone().into_inner();
    let first = next(&mut it, p)?;
    let start = span(&first).start;
    let mut acc = atom(first)?;
    for op in it {
        let s = Span::new(start, span(&op).end);
        let kind = match op.as_rule() {
            Rule::property_lookup => ExprKind::Property(Box::new(acc), name(&need(&op, Rule::symbolic_name)?)?),
            Rule::node_labels => ExprKind::HasLabels(Box::new(acc), labels(&op)?),
            Rule::subscript => {
                let from = child(&op, Rule::slice_from);
                let to = child(&op, Rule::slice_to);
                if has(&op, Rule::RANGE) {
                    ExprKind::Slice {
                        expr: Box::new(acc),
                        from: match from {
                            Some(f) => Some(Box::new(expr(f)?)),
                            None => None,
                        },
                        to: match to {
                            Some(t) => Some(Box::new(expr(t)?)),
                            None => None,
                        },
                    }
                } else {
                    let index = from.ok_or_else(|| shape(&op))?;
                    ExprKind::Index(Box::new(acc), Box::new(expr(index)?))
                }
            }
            _ => return Err(shape(&op)),
        };
        acc = Expr::new(kind, s);
    }
    Ok(acc)
}

/// An atom: a thin dispatcher (see [`expr`] on stack use).
fn atom(p: P) -> Result<Expr> {
    match p.as_rule() {
        Rule::number_literal => number(&p, false, span(&p)),
        Rule::string_literal => string_literal(&p),
        Rule::TRUE | Rule::FALSE | Rule::NULL => keyword_literal(&p),
        Rule::map_literal => map_literal(&p),
        Rule::parameter => parameter(&p),
        Rule::list_literal => list_literal(&p),
        Rule::list_comprehension => list_comprehension(&p),
        Rule::pattern_comprehension => pattern_comprehension(&p),
        Rule::case_expression => case_expression(&p),
        Rule::count_star => Ok(Expr::new(ExprKind::CountStar, span(&p))),
        Rule::quantified => quantified(&p),
        Rule::reduce => reduce(&p),
        Rule::exists_subquery => exists_subquery(&p),
        Rule::count_subquery => subquery_expr(&p, SubqueryKind::Count),
        Rule::collect_subquery => subquery_expr(&p, SubqueryKind::Collect),
        Rule::exists_pattern => exists_pattern(&p),
        Rule::pattern_predicate => pattern_predicate(&p),
        Rule::function_call => function_call(&p),
        Rule::trim_function => trim_function(&p),
        Rule::map_projection => map_projection(&p),
        Rule::variable => variable(&p),
        rule if is_passthrough(rule) || rule == Rule::parenthesized => expr(p),
        _ => Err(shape(&p)),
    }
}

fn keyword_literal(p: &P) -> Result<Expr> {
    let lit = match p.as_rule() {
        Rule::TRUE => Literal::Bool(true),
        Rule::FALSE => Literal::Bool(false),
        _ => Literal::Null,
    };
    Ok(Expr::new(ExprKind::Literal(lit), span(p)))
}

fn variable(p: &P) -> Result<Expr> {
    Ok(Expr::new(ExprKind::Variable(name(p)?), span(p)))
}

fn list_literal(p: &P) -> Result<Expr> {
    Ok(Expr::new(ExprKind::List(expr_list(p)?), span(p)))
}

fn exists_subquery(p: &P) -> Result<Expr> {
    if has(p, Rule::query) {
        return subquery_expr(p, SubqueryKind::Exists);
    }
    let mut parts = pattern(&need(p, Rule::pattern)?)?;
    let where_ = with_hoisted(&mut parts, where_clause(p)?).map(Box::new);
    let kind = ExprKind::Exists { pattern: parts, where_ };
    Ok(Expr::new(kind, span(p)))
}

/// `COUNT { ... }`, `COLLECT { ... }` or `EXISTS { query }`. A body that is a pattern with an
/// optional `WHERE` becomes a query of that one `MATCH`.
fn subquery_expr(p: &P, kind: SubqueryKind) -> Result<Expr> {
    let query = match child(p, Rule::query) {
        Some(q) => query_(&q)?,
        None => {
            let mut parts = pattern(&need(p, Rule::pattern)?)?;
            let where_ = with_hoisted(&mut parts, where_clause(p)?);
            let m = Match { optional: false, pattern: parts, where_, span: span(p) };
            Query { parts: vec![SingleQuery { clauses: vec![Clause::Match(m)], span: span(p) }], union_all: Vec::new() }
        }
    };
    Ok(Expr::new(ExprKind::Subquery { kind, query: Box::new(query) }, span(p)))
}

fn exists_pattern(p: &P) -> Result<Expr> {
    let el = need(p, Rule::pattern_element)?;
    let mut parts =
        vec![PatternPart { var: None, kind: PathKind::Normal, elem: pattern_element(&el)?, span: span(&el) }];
    let where_ = hoist(&mut parts).map(Box::new);
    Ok(Expr::new(ExprKind::Exists { pattern: parts, where_ }, span(p)))
}

fn pattern_predicate(p: &P) -> Result<Expr> {
    let mut parts = [PatternPart { var: None, kind: PathKind::Normal, elem: chain(p)?, span: span(p) }];
    match hoist(&mut parts) {
        // `(a)-[r WHERE ...]->()` as a predicate: an existential subquery with the condition.
        Some(w) => Ok(Expr::new(ExprKind::Exists { pattern: parts.to_vec(), where_: Some(Box::new(w)) }, span(p))),
        None => {
            let [part] = parts;
            Ok(Expr::new(ExprKind::Pattern(Box::new(part.elem)), span(p)))
        }
    }
}

fn parameter(p: &P) -> Result<Expr> {
    Ok(Expr::new(parameter_kind(p)?, span(p)))
}

fn parameter_kind(p: &P) -> Result<ExprKind> {
    let s = p.as_str().strip_prefix('$').ok_or_else(|| shape(p))?;
    Ok(ExprKind::Parameter(unquote(s)))
}

fn map_literal(p: &P) -> Result<Expr> {
    Ok(Expr::new(map_literal_kind(p)?, span(p)))
}

fn map_literal_kind(p: &P) -> Result<ExprKind> {
    let mut entries = Vec::new();
    for e in p.clone().into_inner().filter(|c| c.as_rule() == Rule::map_entry) {
        let key = name(&need(&e, Rule::symbolic_name)?)?;
        entries.push((key, expr(need(&e, Rule::expression)?)?));
    }
    Ok(ExprKind::Map(entries))
}

fn list_comprehension(p: &P) -> Result<Expr> {
    Ok(Expr::new(list_comprehension_kind(p)?, span(p)))
}

fn list_comprehension_kind(p: &P) -> Result<ExprKind> {
    Ok(ExprKind::ListComprehension {
        var: var(&need(p, Rule::variable)?)?,
        list: Box::new(expr(need(p, Rule::expression)?)?),
        predicate: where_clause(p)?.map(Box::new),
        projection: match child(p, Rule::projection) {
            Some(e) => Some(Box::new(expr(e)?)),
            None => None,
        },
    })
}

fn pattern_comprehension(p: &P) -> Result<Expr> {
    Ok(Expr::new(pattern_comprehension_kind(p)?, span(p)))
}

fn pattern_comprehension_kind(p: &P) -> Result<ExprKind> {
    let el = need(p, Rule::pattern_element)?;
    let mut parts = [PatternPart { var: None, kind: PathKind::Normal, elem: pattern_element(&el)?, span: span(&el) }];
    let predicate = with_hoisted(&mut parts, where_clause(p)?).map(Box::new);
    let [part] = parts;
    Ok(ExprKind::PatternComprehension {
        var: match child(p, Rule::variable) {
            Some(v) => Some(var(&v)?),
            None => None,
        },
        pattern: Box::new(part.elem),
        predicate,
        projection: Box::new(expr(need(p, Rule::projection)?)?),
    })
}

fn case_expression(p: &P) -> Result<Expr> {
    Ok(Expr::new(case_expression_kind(p)?, span(p)))
}

fn case_expression_kind(p: &P) -> Result<ExprKind> {
    let mut operand: Option<Box<Expr>> = None;
    let mut whens = Vec::new();
    let mut else_ = None;
    // A simple CASE whose WHENs all hold one plain value compares it with `=` at run time;
    // several values or other comparisons (`WHEN 1, 2`, `WHEN > 5`, `WHEN IS NULL`) make it a
    // generic CASE over conditions on the operand.
    let mut extended = false;
    let mut alternatives = Vec::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::case_operand => operand = Some(Box::new(expr(c)?)),
            Rule::case_alternative => {
                let ops: Vec<P> = c.clone().into_inner().filter(|x| x.as_rule() == Rule::when_operand).collect();
                let then = expr(need(&c, Rule::expression)?)?;
                extended |= ops.len() > 1
                    || ops
                        .iter()
                        .any(|o| o.clone().into_inner().next().is_some_and(|i| i.as_rule() != Rule::expression));
                alternatives.push((ops, then));
            }
            Rule::case_else => else_ = Some(Box::new(expr(need(&c, Rule::expression)?)?)),
            _ => {}
        }
    }
    for (ops, then) in alternatives {
        let mut conds = Vec::new();
        for o in &ops {
            let inner = o.clone().into_inner().next().ok_or_else(|| shape(o))?;
            conds.push(match (&operand, inner.as_rule()) {
                (None, Rule::expression) => expr(inner)?,
                (None, _) => {
                    return Err(Error::syntax(UNEXPECTED, "a WHEN without a value needs a CASE operand", span(o)))
                }
                (Some(x), _) if !extended => {
                    let _ = x;
                    expr(inner)?
                }
                (Some(x), rule) => {
                    let s = span(o);
                    let kind = match rule {
                        Rule::expression => ExprKind::Binary(BinaryOp::Eq, x.clone(), Box::new(expr(inner)?)),
                        Rule::partial_comparison => {
                            let op = match inner.clone().into_inner().next().map(|t| t.as_rule()) {
                                Some(Rule::EQ) => BinaryOp::Eq,
                                Some(Rule::NE) => BinaryOp::Ne,
                                Some(Rule::LE) => BinaryOp::Le,
                                Some(Rule::GE) => BinaryOp::Ge,
                                Some(Rule::LT) => BinaryOp::Lt,
                                _ => BinaryOp::Gt,
                            };
                            ExprKind::Binary(op, x.clone(), Box::new(expr(need(&inner, Rule::predicate_expression)?)?))
                        }
                        Rule::null_check => ExprKind::IsNull { expr: x.clone(), negated: has(&inner, Rule::NOT) },
                        Rule::type_check | Rule::normalized_check => typed_check(&inner, (**x).clone(), s)?,
                        rule => {
                            let op = match rule {
                                Rule::in_check => BinaryOp::In,
                                Rule::starts_with => BinaryOp::StartsWith,
                                Rule::ends_with => BinaryOp::EndsWith,
                                Rule::contains => BinaryOp::Contains,
                                Rule::regex_match => BinaryOp::Regex,
                                _ => return Err(shape(&inner)),
                            };
                            ExprKind::Binary(op, x.clone(), Box::new(expr(need(&inner, Rule::additive)?)?))
                        }
                    };
                    Expr::new(kind, s)
                }
            });
        }
        let mut cond = conds.remove(0);
        for c in conds {
            let s = Span::new(cond.span.start, c.span.end);
            cond = Expr::new(ExprKind::Binary(BinaryOp::Or, Box::new(cond), Box::new(c)), s);
        }
        whens.push((cond, then));
    }
    if extended {
        operand = None;
    }
    Ok(ExprKind::Case { operand, whens, else_ })
}

fn quantified(p: &P) -> Result<Expr> {
    Ok(Expr::new(quantified_kind(p)?, span(p)))
}

fn quantified_kind(p: &P) -> Result<ExprKind> {
    let first = p.clone().into_inner().next().ok_or_else(|| shape(p))?;
    let quantifier = match first.as_rule() {
        Rule::ALL => Quantifier::All,
        Rule::ANY_ => Quantifier::Any,
        Rule::NONE => Quantifier::None,
        Rule::SINGLE => Quantifier::Single,
        _ => return Err(shape(&first)),
    };
    Ok(ExprKind::Quantified {
        quantifier,
        var: var(&need(p, Rule::variable)?)?,
        list: Box::new(expr(need(p, Rule::expression)?)?),
        predicate: where_clause(p)?.map(Box::new),
    })
}

fn reduce(p: &P) -> Result<Expr> {
    Ok(Expr::new(reduce_kind(p)?, span(p)))
}

fn reduce_kind(p: &P) -> Result<ExprKind> {
    let mut vars = p.clone().into_inner().filter(|c| c.as_rule() == Rule::variable);
    let acc = var(&next(&mut vars, p)?)?;
    let v = var(&next(&mut vars, p)?)?;
    let mut exprs = p.clone().into_inner().filter(|c| c.as_rule() == Rule::expression);
    let init = expr(next(&mut exprs, p)?)?;
    let list = expr(next(&mut exprs, p)?)?;
    Ok(ExprKind::Reduce {
        acc,
        init: Box::new(init),
        var: v,
        list: Box::new(list),
        expr: Box::new(expr(need(p, Rule::projection)?)?),
    })
}

fn function_call(p: &P) -> Result<Expr> {
    Ok(Expr::new(function_call_kind(p)?, span(p)))
}

fn function_call_kind(p: &P) -> Result<ExprKind> {
    let name = dotted_name(&need(p, Rule::function_name)?);
    let mut args = expr_list(p)?;
    // normalize(s, NFKC): the form is a bare word, not a variable.
    if name.eq_ignore_ascii_case("normalize") {
        if let Some(ExprKind::Variable(v)) = args.get(1).map(|a| &a.kind) {
            if ["NFC", "NFD", "NFKC", "NFKD"].iter().any(|f| f.eq_ignore_ascii_case(v)) {
                args[1].kind = ExprKind::Literal(Literal::String(v.to_ascii_uppercase()));
            }
        }
    }
    Ok(ExprKind::Function { name, distinct: has(p, Rule::DISTINCT), args })
}

/// `trim([LEADING | TRAILING | BOTH] [characters] FROM string)` as `ltrim`, `rtrim` or `btrim`.
fn trim_function(p: &P) -> Result<Expr> {
    let name = if has(p, Rule::LEADING) {
        "ltrim"
    } else if has(p, Rule::TRAILING) {
        "rtrim"
    } else {
        "btrim"
    };
    let mut exprs: Vec<Expr> =
        p.clone().into_inner().filter(|c| c.as_rule() == Rule::expression).map(expr).collect::<Result<_>>()?;
    let source = exprs.pop().ok_or_else(|| shape(p))?;
    let mut args = vec![source];
    args.extend(exprs);
    Ok(Expr::new(ExprKind::Function { name: name.into(), distinct: false, args }, span(p)))
}

fn map_projection(p: &P) -> Result<Expr> {
    Ok(Expr::new(map_projection_kind(p)?, span(p)))
}

fn map_projection_kind(p: &P) -> Result<ExprKind> {
    let mut it = kids(p);
    let v = var(&next(&mut it, p)?)?;
    let mut items = Vec::new();
    for c in it {
        items.push(match c.as_rule() {
            Rule::all_properties => MapProjItem::AllProperties,
            Rule::property_selector => MapProjItem::Property(name(&need(&c, Rule::symbolic_name)?)?),
            Rule::literal_entry => {
                MapProjItem::Literal(name(&need(&c, Rule::symbolic_name)?)?, expr(need(&c, Rule::expression)?)?)
            }
            Rule::variable => MapProjItem::Variable(var(&c)?),
            _ => return Err(shape(&c)),
        });
    }
    Ok(ExprKind::MapProjection { var: v, items })
}

// ---------------------------------------------------------------------------------------------
// Literals

/// A `number_literal`, negated when a unary minus was folded into it; `s` is the literal's span
/// (including the minus).
fn number(p: &P, negate: bool, s: Span) -> Result<Expr> {
    let text = p.as_str();
    let invalid =
        || Error::syntax(Detail::InvalidNumberLiteral, format!("invalid number literal '{}'", clip(text)), span(p));
    let (digits, radix) = if let Some(h) = text.strip_prefix("0x") {
        (h, 16)
    } else if let Some(o) = text.strip_prefix("0o") {
        (o, 8)
    } else if text.contains(['.', 'e', 'E']) {
        let v: f64 = text.parse().map_err(|_| invalid())?;
        if !v.is_finite() {
            return Err(Error::syntax(
                Detail::FloatingPointOverflow,
                format!("the floating-point number {} is too large", clip(text)),
                s,
            ));
        }
        let v = if negate { -v } else { v };
        return Ok(Expr::new(ExprKind::Literal(Literal::Float(v)), s));
    } else {
        (text, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(invalid());
    }
    let limit = if negate { 1u128 << 63 } else { (1u128 << 63) - 1 };
    match u128_digits(digits, radix) {
        Some(m) if m <= limit => {
            let m = m as i128;
            let v = if negate { -m } else { m };
            Ok(Expr::new(ExprKind::Literal(Literal::Int(v as i64)), s))
        }
        _ => Err(Error::syntax(
            Detail::IntegerOverflow,
            format!("the integer {}{} is too large for a 64-bit integer", if negate { "-" } else { "" }, clip(text)),
            s,
        )),
    }
}

/// The value of a run of valid digits, `None` past `u128` (which is past any `i64` anyway).
fn u128_digits(digits: &str, radix: u32) -> Option<u128> {
    let mut v: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        v = v.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
    }
    Some(v)
}

fn string_literal(p: &P) -> Result<Expr> {
    Ok(Expr::new(ExprKind::Literal(Literal::String(string_value(p)?)), span(p)))
}

fn string_value(p: &P) -> Result<String> {
    let s = p.as_str();
    let body = s.get(1..s.len().saturating_sub(1)).ok_or_else(|| shape(p))?;
    unescape(body, p.as_span().start() + 1)
}

/// Resolve the escapes of a string body starting at byte `base` of the script.
fn unescape(body: &str, base: usize) -> Result<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err(bad_escape(body, base, i, 1));
        };
        match e {
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'u' | 'U' => {
                let len = if e == 'u' { 4 } else { 8 };
                let code = hex_run(body, i + 2, len).ok_or_else(|| bad_unicode(body, base, i, 2 + len))?;
                for _ in 0..len {
                    chars.next();
                }
                let ch = if (0xD800..0xDC00).contains(&code) {
                    // A UTF-16 surrogate pair written as two escapes.
                    let low = match body.get(i + 2 + len..i + 4 + len) {
                        Some("\\u") => hex_run(body, i + 4 + len, 4),
                        _ => None,
                    }
                    .filter(|l| (0xDC00..0xE000).contains(l))
                    .ok_or_else(|| bad_unicode(body, base, i, 2 + len))?;
                    for _ in 0..6 {
                        chars.next();
                    }
                    char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    char::from_u32(code)
                };
                out.push(ch.ok_or_else(|| bad_unicode(body, base, i, 2 + len))?);
            }
            _ => return Err(bad_escape(body, base, i, 1 + e.len_utf8())),
        }
    }
    Ok(out)
}

/// `len` hex digits at byte `at` of `s`.
fn hex_run(s: &str, at: usize, len: usize) -> Option<u32> {
    let digits = s.get(at..at + len)?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

fn bad_escape(body: &str, base: usize, at: usize, len: usize) -> Error {
    let end = (at + len).min(body.len());
    Error::syntax(
        UNEXPECTED,
        format!(
            "invalid escape sequence '{}' in a string (use \\\\ for a backslash)",
            body.get(at..end).unwrap_or("\\")
        ),
        Span::new(base + at, base + end),
    )
}

fn bad_unicode(body: &str, base: usize, at: usize, len: usize) -> Error {
    let mut end = (at + len).min(body.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    Error::syntax(
        Detail::InvalidUnicodeLiteral,
        format!("invalid Unicode escape '{}' in a string", body.get(at..end).unwrap_or("\\u")),
        Span::new(base + at, base + end),
    )
}
