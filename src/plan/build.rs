//! From a checked AST to a plan: resolves variables to slots, picks where each pattern starts,
//! splits projections into grouping keys and aggregates.

use indexmap::{IndexMap, IndexSet};

use super::*;
use crate::ast::{self, BinaryOp, Clause, ExprKind, Literal, PathKind};
use crate::catalog::functions::F;
use crate::error::{Detail, Error, Result, Span};
use crate::semantic::Analysis;

/// Plans a statement the checks accepted ([`crate::semantic::analyze`]), with every optimisation; `catalog` tells which
/// indexes exist (use [`NoCatalog`] for none).
pub fn build(analysis: &Analysis, catalog: &dyn Catalog) -> Result<Plan> {
    build_with(analysis, catalog, Passes::ALL)
}

/// Plans a statement with the optimisations `passes` names.
pub fn build_with(analysis: &Analysis, catalog: &dyn Catalog, passes: Passes) -> Result<Plan> {
    let stmt = analysis.stmt;
    let mut parts = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    let (mut keys, mut labels) = (IndexSet::new(), IndexSet::new());
    for sq in &stmt.query.parts {
        let mut b = Builder { slots: 0, names: Vec::new(), keys, labels, analysis, catalog, passes };
        let (pipeline, cols) = b.single(sq, Scope::default(), &Scope::default())?;
        (keys, labels) = (b.keys, b.labels);
        // The checks made sure that every part returns the same columns.
        columns.get_or_insert(cols);
        parts.push(pipeline);
    }
    Ok(Plan {
        parts,
        union_all: stmt.query.union_all.clone(),
        columns: columns.unwrap_or_default(),
        keys: keys.into_iter().collect(),
        labels: labels.into_iter().collect(),
    })
}

/// Variables visible at a point of the query.
#[derive(Debug, Clone, Default)]
struct Scope {
    vars: IndexMap<String, Slot>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<Slot> {
        self.vars.get(name).copied()
    }
    fn set(&mut self, name: &str, slot: Slot) {
        self.vars.insert(name.to_string(), slot);
    }
}

struct Builder<'c> {
    slots: usize,
    /// The variable name each slot was first bound to (empty: an anonymous one), for `EXPLAIN`.
    names: Vec<String>,
    /// The property keys read so far, in the order [`Name::n`] numbers them.
    keys: IndexSet<String>,
    /// The labels tested for so far, in the order [`Name::n`] numbers them.
    labels: IndexSet<String>,
    /// What the checks learned: each call's function.
    analysis: &'c Analysis<'c>,
    catalog: &'c dyn Catalog,
    passes: Passes,
}

/// What `build` says of what the checks should have refused or resolved and did not (a bug
/// of theirs): a call they did not see, an aggregate where none is allowed.
fn unchecked(span: Span) -> Error {
    Error::semantic(Detail::None, "this expression was not checked before planning (a bug of the checks)", span)
}

fn undefined(name: &str, span: Span) -> Error {
    Error::semantic(Detail::UndefinedVariable, format!("variable `{name}` is not defined"), span)
}

fn dir_of(d: ast::Direction) -> Dir {
    match d {
        ast::Direction::Right => Dir::Out,
        ast::Direction::Left => Dir::In,
        ast::Direction::Both => Dir::Both,
    }
}

impl Builder<'_> {
    /// A property key the plan reads, numbered in its key table.
    fn key(&mut self, name: &str) -> Key {
        Key::new(name, self.keys.insert_full(name.to_string()).0 as u32)
    }

    /// A label the plan tests for, numbered in its label table.
    fn label(&mut self, name: &str) -> Label {
        Label::new(name, self.labels.insert_full(name.to_string()).0 as u32)
    }

    /// Binds `name` to `slot` in `scope`, and remembers the name for the plan's text.
    fn bind(&mut self, scope: &mut Scope, name: &str, slot: Slot) {
        if self.names.len() <= slot {
            self.names.resize(slot + 1, String::new());
        }
        if self.names[slot].is_empty() {
            self.names[slot] = name.to_string();
        }
        scope.set(name, slot);
    }

    fn slot(&mut self) -> Slot {
        self.slots += 1;
        self.slots - 1
    }

    /// Plans one single query, starting with the variables of `scope` bound; gives its pipeline,
    /// the names of the columns it returns and what each holds.
    /// `keep`: variables that stay visible past a `WITH` (an expression subquery's outer ones).
    fn single(&mut self, sq: &ast::SingleQuery, mut scope: Scope, keep: &Scope) -> Result<(Pipeline, Vec<String>)> {
        let mut ops = Vec::new();
        let mut output = Vec::new();
        let mut columns = Vec::new();
        let n = sq.clauses.len();
        for (i, clause) in sq.clauses.iter().enumerate() {
            match clause {
                Clause::Match(m) if !m.optional => self.match_clause(m, &mut scope, &mut ops)?,
                Clause::Match(m) => {
                    let mut inner = scope.clone();
                    let mut sub = Vec::new();
                    self.match_clause(m, &mut inner, &mut sub)?;
                    let nulls =
                        inner.vars.iter().filter(|(k, _)| !scope.vars.contains_key(*k)).map(|(_, s)| *s).collect();
                    scope = inner;
                    ops.push(Op::Optional { ops: sub, nulls });
                }
                Clause::Unwind(u) => {
                    let expr = self.expr(&u.expr, &scope)?;
                    let slot = self.slot();
                    self.bind(&mut scope, &u.alias.name, slot);
                    ops.push(Op::Unwind { expr, slot });
                }
                Clause::With(w) => {
                    let before = scope.clone();
                    let start = ops.len();
                    let (new_scope, _, _) = self.projection(&w.proj, &scope, &mut ops)?;
                    if let Some(p) = &w.where_ {
                        // WHERE sees the new names and, unless the projection aggregates, the old
                        // ones too; before DISTINCT (when nothing orders or limits) so it filters
                        // the rows the old variables belong to.
                        let aggregating = ops[start..].iter().any(|o| matches!(o, Op::Aggregate { .. }));
                        let mut visible = if aggregating { Scope::default() } else { before };
                        for (k, v) in &new_scope.vars {
                            visible.vars.insert(k.clone(), *v);
                        }
                        let predicate = self.expr(p, &visible)?;
                        let ordered = ops[start..]
                            .iter()
                            .any(|o| matches!(o, Op::Sort { .. } | Op::Skip { .. } | Op::Limit { .. }));
                        match ops[start..].iter().position(|o| matches!(o, Op::Distinct { .. })) {
                            Some(d) if !aggregating && !ordered => ops.insert(start + d, Op::Filter { predicate }),
                            _ => ops.push(Op::Filter { predicate }),
                        }
                    }
                    scope = new_scope;
                    for (k, v) in &keep.vars {
                        scope.vars.entry(k.clone()).or_insert(*v);
                    }
                }
                Clause::Return(r) => {
                    let (_, cols, slots) = self.projection(&r.proj, &scope, &mut ops)?;
                    columns = cols;
                    output = slots;
                }
                Clause::Subquery(c) => self.call_subquery(c, &mut scope, &mut ops)?,
                Clause::Foreach(f) => ops.push(self.foreach(f, &scope)?),
                Clause::LoadCsv(l) => {
                    let from = self.expr(&l.from, &scope)?;
                    let terminator = match l.terminator.as_deref() {
                        None => b',',
                        Some(t) if t.len() == 1 => t.as_bytes()[0],
                        Some(t) => {
                            return Err(Error::semantic(
                                Detail::InvalidArgumentValue,
                                format!("FIELDTERMINATOR must be one character (an ASCII one), not '{t}'"),
                                l.span,
                            ))
                        }
                    };
                    let slot = self.slot();
                    self.bind(&mut scope, &l.var.name, slot);
                    ops.push(Op::LoadCsv { from, slot, headers: l.headers, terminator, span: l.span });
                }
                Clause::Create(c) => {
                    let mut parts = Vec::new();
                    for part in &c.pattern {
                        parts.push(self.create_part(part, &mut scope, true)?);
                    }
                    ops.push(Op::Create { parts, span: c.span });
                }
                Clause::Merge(m) => {
                    let mut inner = scope.clone();
                    let mut matcher = Vec::new();
                    let fake =
                        ast::Match { optional: false, pattern: vec![m.part.clone()], where_: None, span: m.span };
                    self.match_clause(&fake, &mut inner, &mut matcher)?;
                    // The created part writes into the same slots as the matched one.
                    let part = self.create_part_in(&m.part, &scope, &inner)?;
                    scope = inner;
                    let on_create = self.set_items(&m.on_create, &scope)?;
                    let on_match = self.set_items(&m.on_match, &scope)?;
                    ops.push(Op::Merge { part, matcher, on_create, on_match, span: m.span });
                }
                Clause::Set(s) => {
                    let ops_ = self.set_items(&s.items, &scope)?;
                    ops.push(Op::Set { ops: ops_, span: s.span });
                }
                Clause::Remove(r) => {
                    let mut list = Vec::new();
                    for item in &r.items {
                        list.push(match item {
                            ast::RemoveItem::Property { target, key, .. } => {
                                SetOp::RemoveProp { target: self.expr(target, &scope)?, key: key.clone() }
                            }
                            ast::RemoveItem::Labels { var, labels, .. } => {
                                SetOp::RemoveLabels { slot: self.var(var, &scope)?, labels: labels.clone() }
                            }
                            ast::RemoveItem::Dynamic { var, key, span } => {
                                let null = ast::Expr::new(ExprKind::Literal(ast::Literal::Null), *span);
                                self.dynamic_property(var, key, &null, *span, &scope)?
                            }
                        });
                    }
                    ops.push(Op::Set { ops: list, span: r.span });
                }
                Clause::Delete(d) => {
                    let exprs = d.exprs.iter().map(|e| self.expr(e, &scope)).collect::<Result<_>>()?;
                    ops.push(Op::Delete { exprs, detach: d.detach, span: d.span });
                }
                Clause::Call(c) => {
                    let standalone = n == 1;
                    let (cols, slots) = self.call(c, &mut scope, &mut ops, standalone)?;
                    if standalone {
                        columns = cols;
                        output = slots;
                    }
                }
                Clause::CreateIndex(d) => ops.push(Op::CreateIndex {
                    name: d.name.clone(),
                    label: d.label.clone(),
                    keys: d.keys.clone(),
                    if_not_exists: d.if_not_exists,
                    fulltext: d.fulltext.as_ref().map(|t| (t.rel, t.on.clone())),
                }),
                Clause::DropIndex { name, if_exists, .. } => {
                    ops.push(Op::DropIndex { name: name.clone(), if_exists: *if_exists })
                }
                Clause::CreateConstraint(d) => ops.push(Op::CreateConstraint(d.clone())),
                Clause::DropConstraint { name, if_exists, .. } => {
                    ops.push(Op::DropConstraint { name: name.clone(), if_exists: *if_exists })
                }
                Clause::Show { what, .. } => {
                    let names = super::show_columns(*what);
                    let slots: Vec<Slot> = names.iter().map(|_| self.slot()).collect();
                    columns = names.iter().map(|s| s.to_string()).collect();
                    output = slots.clone();
                    ops.push(Op::Show { what: *what, slots });
                }
                Clause::ShowIndexes { fulltext, .. } => {
                    let names = super::INDEX_COLUMNS;
                    let slots: Vec<Slot> = names.iter().map(|_| self.slot()).collect();
                    columns = names.iter().map(|s| s.to_string()).collect();
                    output = slots.clone();
                    ops.push(Op::ShowIndexes { slots, fulltext: *fulltext });
                }
            }
            let _ = i;
        }
        if self.passes.count_store {
            super::rewrite::count_store(&mut ops);
        }
        if self.passes.count_expand {
            super::rewrite::count_expand(&mut ops, &mut self.slots);
            super::rewrite::unique_groups(&mut ops);
        }
        if self.passes.count_paths {
            super::rewrite::count_paths(&mut ops);
        }
        if self.passes.late_projection {
            super::rewrite::late_projection(&mut ops);
        }
        Ok((Pipeline { ops, slots: self.slots, output, names: self.names.clone() }, columns))
    }

    // ---- subqueries ---------------------------------------------------------------------

    /// Plans a subquery's parts in this builder's slots, each part starting from the outer
    /// variables `import` gives it (`None`: all of them, as expression subqueries see).
    fn sub_plan(
        &mut self,
        q: &ast::Query,
        outer: &Scope,
        import: Option<&ast::Import>,
    ) -> Result<(SubPlan, Vec<String>)> {
        let mut parts = Vec::new();
        let mut columns: Option<Vec<String>> = None;
        for sq in &q.parts {
            let init = match import {
                None | Some(ast::Import::All) => outer.clone(),
                Some(ast::Import::Vars(vs)) => {
                    let mut s = Scope::default();
                    for v in vs {
                        let slot = outer.get(&v.name).ok_or_else(|| undefined(&v.name, v.span))?;
                        self.bind(&mut s, &v.name, slot);
                    }
                    s
                }
                Some(ast::Import::Leading) if matches!(sq.clauses.first(), Some(Clause::With(_))) => outer.clone(),
                Some(ast::Import::Leading) => Scope::default(),
            };
            let keep = if import.is_none() { outer.clone() } else { Scope::default() };
            let (pipeline, cols) = self.single(sq, init, &keep)?;
            columns.get_or_insert(cols);
            parts.push(pipeline);
        }
        let cols = columns.unwrap_or_default();
        Ok((SubPlan { parts, union_all: q.union_all.clone() }, cols))
    }

    /// `CALL { ... }`: the returned columns get outer slots of their own.
    fn call_subquery(&mut self, c: &ast::CallSubquery, scope: &mut Scope, ops: &mut Vec<Op>) -> Result<()> {
        let (sub, cols) = self.sub_plan(&c.query, scope, Some(&c.import))?;
        let mut columns = Vec::new();
        for name in &cols {
            if scope.get(name).is_some() {
                return Err(Error::semantic(
                    Detail::VariableAlreadyBound,
                    format!("variable `{name}` is already bound outside the subquery; return it under another name"),
                    c.span,
                ));
            }
            let slot = self.slot();
            self.bind(scope, name, slot);
            columns.push(slot);
        }
        let batch = match &c.in_transactions {
            None => None,
            Some(t) => {
                let rows = match &t.batch {
                    Some(e) => Some(self.expr(e, scope)?),
                    None => None,
                };
                let report = t.report.as_ref().map(|v| {
                    let slot = self.slot();
                    self.bind(scope, &v.name, slot);
                    slot
                });
                Some(Batching { rows, on_error: t.on_error, report })
            }
        };
        ops.push(Op::SubQuery { sub, columns, batch, optional: c.optional });
        Ok(())
    }

    /// `FOREACH (x IN list | updates)`: the updates are planned as a pipeline of their own over
    /// the row, with `x` bound; what they bind stays inside.
    fn foreach(&mut self, f: &ast::Foreach, scope: &Scope) -> Result<Op> {
        let list = self.expr(&f.list, scope)?;
        let slot = self.slot();
        let mut inner = scope.clone();
        self.bind(&mut inner, &f.var.name, slot);
        let sq = ast::SingleQuery { clauses: f.clauses.clone(), span: f.span };
        let (pipeline, _) = self.single(&sq, inner, &Scope::default())?;
        Ok(Op::Foreach { slot, list, ops: pipeline.ops })
    }

    fn var(&self, v: &ast::Var, scope: &Scope) -> Result<Slot> {
        scope.get(&v.name).ok_or_else(|| undefined(&v.name, v.span))
    }

    // ---- procedures ---------------------------------------------------------------------

    fn call(
        &mut self,
        c: &ast::Call,
        scope: &mut Scope,
        ops: &mut Vec<Op>,
        standalone: bool,
    ) -> Result<(Vec<String>, Vec<Slot>)> {
        let sig = crate::catalog::procedures::signature(&c.name).ok_or_else(|| {
            Error::new(
                crate::error::Phase::Compile,
                crate::error::Kind::ProcedureError,
                Detail::ProcedureNotFound,
                format!("there is no procedure `{}`", c.name),
            )
            .at(c.name_span)
            .with_hint_opt(crate::catalog::plugin_hint(&c.name))
        })?;
        let args = match &c.args {
            Some(a) => a.iter().map(|e| self.expr(e, scope)).collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        if args.len() > sig.inputs.len() || (c.args.is_some() && args.len() < sig.required) {
            return Err(Error::semantic(
                Detail::InvalidNumberOfArguments,
                format!("procedure `{}` takes {} argument(s), {} given", c.name, sig.inputs.len(), args.len()),
                c.span,
            ));
        }
        let mut yields = Vec::new();
        let mut columns = Vec::new();
        let mut slots = Vec::new();
        let chosen: Vec<(String, String, Span)> = match &c.yields {
            Some(items) if !c.yield_star => items
                .iter()
                .map(|y| (y.field.clone(), y.alias.as_ref().map_or(y.field.clone(), |a| a.name.clone()), y.span))
                .collect(),
            _ if standalone || c.yield_star => {
                sig.outputs.iter().map(|o| (o.to_string(), o.to_string(), c.span)).collect()
            }
            _ => Vec::new(),
        };
        for (field, name, span) in chosen {
            if !sig.outputs.contains(&field.as_str()) {
                return Err(Error::semantic(
                    Detail::UndefinedVariable,
                    format!("procedure `{}` has no output `{field}`", c.name),
                    span,
                ));
            }
            if scope.get(&name).is_some() {
                return Err(Error::semantic(
                    Detail::VariableAlreadyBound,
                    format!("variable `{name}` is already bound"),
                    span,
                ));
            }
            let slot = self.slot();
            self.bind(scope, &name, slot);
            yields.push((field, slot));
            columns.push(name);
            slots.push(slot);
        }
        ops.push(Op::Call { name: sig.name.to_string(), args, yields });
        if let Some(w) = &c.where_ {
            let predicate = self.expr(w, scope)?;
            ops.push(Op::Filter { predicate });
        }
        Ok((columns, slots))
    }

    // ---- patterns -----------------------------------------------------------------------

    fn prop_filter(&mut self, props: &Option<ast::Expr>, scope: &Scope) -> Result<Option<PropFilter>> {
        Ok(match props {
            None => None,
            Some(e) => match &e.kind {
                ExprKind::Map(kv) => {
                    let mut pairs = Vec::new();
                    for (k, v) in kv {
                        pairs.push((self.key(k), self.expr(v, scope)?));
                    }
                    Some(PropFilter::Pairs(pairs))
                }
                _ => Some(PropFilter::Map(self.expr(e, scope)?)),
            },
        })
    }

    fn node_spec(&mut self, n: &ast::NodePattern, scope: &mut Scope) -> Result<(NodeSpec, bool)> {
        let (slot, bound) = match &n.var {
            Some(v) => match scope.get(&v.name) {
                Some(s) => (s, true),
                None => {
                    let s = self.slot();
                    self.bind(scope, &v.name, s);
                    (s, false)
                }
            },
            None => (self.slot(), false),
        };
        let props = self.prop_filter(&n.props, scope)?;
        Ok((
            NodeSpec { slot, labels: n.labels.clone(), props, index: None, ranges: Vec::new(), ids: Vec::new() },
            bound,
        ))
    }

    fn rel_spec(&mut self, r: &ast::RelPattern, scope: &mut Scope) -> Result<(RelSpec, bool)> {
        let (slot, bound) = match &r.var {
            Some(v) => match scope.get(&v.name) {
                Some(s) => (s, true),
                None => {
                    let s = self.slot();
                    self.bind(scope, &v.name, s);
                    (s, false)
                }
            },
            None => (self.slot(), false),
        };
        let props = self.prop_filter(&r.props, scope)?;
        let var_len = r.length.map(|(lo, hi)| (lo.unwrap_or(1), hi));
        let cap = if matches!(var_len, Some((_, None))) { self.catalog.max_hops() } else { None };
        let spec = RelSpec {
            slot,
            types: r.types.clone(),
            dir: dir_of(r.dir),
            props,
            var_len,
            cap,
            backwards: false,
            each: None,
        };
        Ok((spec, bound))
    }

    /// Plans a `MATCH` clause plainly (each pattern part from its first node, in the order it is
    /// written, then each `WHERE` conjunct as a filter), then runs the clause's passes over it.
    fn match_clause(&mut self, m: &ast::Match, scope: &mut Scope, ops: &mut Vec<Op>) -> Result<()> {
        let before: Vec<Slot> = scope.vars.values().copied().collect();
        let mut clause = Vec::new();
        let mut rel_slots = Vec::new();
        let mut shortest = Vec::new();
        for part in &m.pattern {
            if part.kind != PathKind::Normal {
                shortest.push(part);
                continue;
            }
            self.pattern_part(part, scope, &mut clause, &mut rel_slots)?;
        }
        for part in shortest {
            self.shortest_part(part, scope, &mut clause)?;
        }
        let mut conjuncts = Vec::new();
        if let Some(w) = &m.where_ {
            split_and(w, &mut conjuncts);
        }
        for c in &conjuncts {
            clause.push(Op::Filter { predicate: self.expr(c, scope)? });
        }
        super::passes::clause(&mut clause, &before, self.catalog, self.passes);
        ops.extend(clause);
        Ok(())
    }

    /// Plans one pattern part from its first node, rightwards (`passes::start_point` may start
    /// it elsewhere).
    fn pattern_part(
        &mut self,
        part: &ast::PatternPart,
        scope: &mut Scope,
        ops: &mut Vec<Op>,
        rel_slots: &mut Vec<Slot>,
    ) -> Result<()> {
        let el = &part.elem;
        let nodes: Vec<&ast::NodePattern> = std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n)).collect();
        let mut node_slots = vec![0; nodes.len()];
        let mut rel_slot_of = vec![0; el.chain.len()];
        let (spec, bound) = self.node_spec(nodes[0], scope)?;
        node_slots[0] = spec.slot;
        if bound {
            if !spec.labels.is_empty() || spec.props.is_some() {
                ops.push(Op::NodeCheck { node: spec });
            }
        } else {
            ops.push(Op::NodeScan { node: spec });
        }
        for (i, (rp, _)) in el.chain.iter().enumerate() {
            let (rel, rel_bound) = self.rel_spec(rp, scope)?;
            let (to, to_bound) = self.node_spec(nodes[i + 1], scope)?;
            node_slots[i + 1] = to.slot;
            rel_slot_of[i] = rel.slot;
            let slot = rel.slot;
            ops.push(Op::Expand {
                from: node_slots[i],
                rel,
                to,
                to_bound,
                rel_bound,
                distinct_from: rel_slots.clone(),
                count: None,
                partial: Vec::new(),
                checks: Vec::new(),
                fold: false,
            });
            rel_slots.push(slot);
        }
        if let Some(pv) = &part.var {
            let slot = self.slot();
            self.bind(scope, &pv.name, slot);
            let steps = (0..el.chain.len()).map(|i| (rel_slot_of[i], node_slots[i + 1])).collect();
            ops.push(Op::BuildPath { slot, start: node_slots[0], steps });
        }
        Ok(())
    }

    fn shortest_part(&mut self, part: &ast::PatternPart, scope: &mut Scope, ops: &mut Vec<Op>) -> Result<()> {
        let el = &part.elem;
        if el.chain.len() != 1 {
            return Err(Error::semantic(
                Detail::InvalidArgumentType,
                "shortestPath needs a pattern with exactly one relationship",
                part.span,
            ));
        }
        let mut ends = Vec::new();
        for n in [&el.start, &el.chain[0].1] {
            let (spec, bound) = self.node_spec(n, scope)?;
            ends.push(spec.slot);
            if bound {
                if !spec.labels.is_empty() || spec.props.is_some() {
                    ops.push(Op::NodeCheck { node: spec });
                }
            } else {
                ops.push(Op::NodeScan { node: spec });
            }
        }
        let mut rp = el.chain[0].0.clone();
        if rp.length.is_none() {
            rp.length = Some((Some(1), Some(1)));
        }
        let (rel, _) = self.rel_spec(&rp, scope)?;
        let path = match &part.var {
            Some(pv) => {
                let slot = self.slot();
                self.bind(scope, &pv.name, slot);
                Some(slot)
            }
            None => None,
        };
        ops.push(Op::ShortestPath { from: ends[0], to: ends[1], rel, path, all: part.kind == PathKind::AllShortest });
        Ok(())
    }

    fn create_node(&mut self, n: &ast::NodePattern, scope: &mut Scope) -> Result<CreateNode> {
        let (slot, bound) = match &n.var {
            Some(v) => match scope.get(&v.name) {
                Some(s) => (s, true),
                None => {
                    let s = self.slot();
                    self.bind(scope, &v.name, s);
                    (s, false)
                }
            },
            None => (self.slot(), false),
        };
        let props = n.props.as_ref().map(|p| self.expr(p, scope)).transpose()?;
        Ok(CreateNode { slot, bound, labels: n.labels.clone(), props })
    }

    fn create_part(&mut self, part: &ast::PatternPart, scope: &mut Scope, _create: bool) -> Result<CreatePart> {
        let el = &part.elem;
        let mut nodes = vec![self.create_node(&el.start, scope)?];
        let mut rels = Vec::new();
        for (rp, np) in &el.chain {
            let slot = match &rp.var {
                Some(v) => {
                    let s = self.slot();
                    self.bind(scope, &v.name, s);
                    s
                }
                None => self.slot(),
            };
            let props = rp.props.as_ref().map(|p| self.expr(p, scope)).transpose()?;
            nodes.push(self.create_node(np, scope)?);
            let (a, b) = (nodes.len() - 2, nodes.len() - 1);
            let (start, end) = if rp.dir == ast::Direction::Left { (b, a) } else { (a, b) };
            let ty = rp.types.first().cloned().unwrap_or_default();
            rels.push(CreateRel { slot, ty, start, end, props });
        }
        let path = match &part.var {
            Some(pv) => {
                let s = self.slot();
                self.bind(scope, &pv.name, s);
                Some(s)
            }
            None => None,
        };
        Ok(CreatePart { nodes, rels, path })
    }

    /// The creating half of a MERGE: the same slots its matcher bound (`after`), with the
    /// variables bound before the MERGE (`before`) used rather than created.
    fn create_part_in(&mut self, part: &ast::PatternPart, before: &Scope, after: &Scope) -> Result<CreatePart> {
        // Plan with a scope in which pre-bound names are bound and new names map to the
        // matcher's slots; then mark new nodes unbound.
        let mut tmp = before.clone();
        let saved = self.slots;
        let mut cp = self.create_part(part, &mut tmp, false)?;
        self.slots = saved.max(self.slots);
        let el = &part.elem;
        let node_pats: Vec<&ast::NodePattern> =
            std::iter::once(&el.start).chain(el.chain.iter().map(|(_, n)| n)).collect();
        for (cn, np) in cp.nodes.iter_mut().zip(&node_pats) {
            if let Some(v) = &np.var {
                if let Some(s) = after.get(&v.name) {
                    cn.slot = s;
                }
            }
        }
        for (cr, (rp, _)) in cp.rels.iter_mut().zip(&el.chain) {
            if let Some(v) = &rp.var {
                if let Some(s) = after.get(&v.name) {
                    cr.slot = s;
                }
            }
        }
        if let (Some(pv), Some(_)) = (&part.var, cp.path) {
            cp.path = after.get(&pv.name);
        }
        Ok(cp)
    }

    fn set_items(&mut self, items: &[ast::SetItem], scope: &Scope) -> Result<Vec<SetOp>> {
        let mut out = Vec::new();
        for item in items {
            out.push(match item {
                ast::SetItem::Property { target, key, value, .. } => {
                    SetOp::Prop { target: self.expr(target, scope)?, key: key.clone(), value: self.expr(value, scope)? }
                }
                ast::SetItem::Replace { var, value, .. } => {
                    SetOp::Replace { slot: self.var(var, scope)?, value: self.expr(value, scope)? }
                }
                ast::SetItem::Merge { var, value, .. } => {
                    SetOp::Merge { slot: self.var(var, scope)?, value: self.expr(value, scope)? }
                }
                ast::SetItem::Labels { var, labels, .. } => {
                    SetOp::Labels { slot: self.var(var, scope)?, labels: labels.clone() }
                }
                ast::SetItem::Dynamic { var, key, value, span } => {
                    self.dynamic_property(var, key, value, *span, scope)?
                }
            });
        }
        Ok(out)
    }

    /// `SET n[key] = value` (and `REMOVE n[key]`, with a null value) as `SET n += {key: value}`,
    /// the map made at run time by `__property_map`, which refuses a key that is not a string.
    fn dynamic_property(
        &mut self,
        var: &ast::Var,
        key: &ast::Expr,
        value: &ast::Expr,
        span: Span,
        scope: &Scope,
    ) -> Result<SetOp> {
        let map = Expr::Func(F::INTERNAL_PROPERTY_MAP, vec![self.expr(key, scope)?, self.expr(value, scope)?], span);
        Ok(SetOp::Merge { slot: self.var(var, scope)?, value: map })
    }

    // ---- projections --------------------------------------------------------------------

    /// Plans `WITH`/`RETURN`; returns the new scope, the column names and their slots.
    fn projection(
        &mut self,
        proj: &ast::Projection,
        scope: &Scope,
        ops: &mut Vec<Op>,
    ) -> Result<(Scope, Vec<String>, Vec<Slot>)> {
        let mut items: Vec<ast::ProjItem> = Vec::new();
        if proj.star {
            // Names that start with a space are the parser's own (an anonymous node a label
            // expression tests), which no query can write.
            let mut names: Vec<&String> = scope.vars.keys().filter(|n| !n.starts_with(' ')).collect();
            names.sort();
            for name in names {
                items.push(ast::ProjItem {
                    expr: ast::Expr::new(ExprKind::Variable(name.clone()), Span::default()),
                    alias: None,
                    text: name.clone(),
                });
            }
        }
        items.extend(proj.items.iter().cloned());
        let aggregating = items.iter().any(|i| self.analysis.contains_aggregate(&i.expr));
        let mut new_scope = Scope::default();
        let mut columns = Vec::new();
        let mut slots = Vec::new();

        if !aggregating {
            let mut planned = Vec::new();
            for it in &items {
                let e = self.expr(&it.expr, scope)?;
                let slot = self.slot();
                planned.push((e, slot));
                self.bind(&mut new_scope, it.name(), slot);
                columns.push(it.name().to_string());
                slots.push(slot);
            }
            ops.push(Op::Project { items: planned });
            if proj.distinct {
                ops.push(Op::Distinct { slots: slots.clone() });
            }
            if !proj.order_by.is_empty() {
                // ORDER BY sees the projected names, and (without DISTINCT) the earlier ones.
                let mut order_scope = if proj.distinct { Scope::default() } else { scope.clone() };
                for (k, v) in &new_scope.vars {
                    order_scope.vars.insert(k.clone(), *v);
                }
                let mut keys = Vec::new();
                for s in &proj.order_by {
                    if self.analysis.contains_aggregate(&s.expr) {
                        // The checks allow aggregates in ORDER BY only after an aggregating
                        // projection.
                        return Err(unchecked(s.expr.span));
                    }
                    let e = match items.iter().position(|it| it.expr.same_as(&s.expr)) {
                        Some(i) => Expr::Slot(slots[i]),
                        None => self.expr(&s.expr, &order_scope)?,
                    };
                    keys.push((e, s.descending));
                }
                ops.push(Op::Sort { keys, top: None, lazy: false });
            }
        } else {
            let mut keys = Vec::new();
            let mut aggs = Vec::new();
            let mut post = Vec::new();
            // Grouping keys first, so aggregate items can refer to them.
            let mut key_exprs: Vec<(ast::Expr, Slot)> = Vec::new();
            let mut item_slots = vec![0; items.len()];
            for (i, it) in items.iter().enumerate() {
                if !self.analysis.contains_aggregate(&it.expr) {
                    let e = self.expr(&it.expr, scope)?;
                    let slot = self.slot();
                    keys.push((e, slot));
                    key_exprs.push((it.expr.clone(), slot));
                    item_slots[i] = slot;
                }
            }
            // The scope after grouping: keys that are variables keep their name.
            let mut post_scope = Scope::default();
            for (e, slot) in &key_exprs {
                if let ExprKind::Variable(v) = &e.kind {
                    self.bind(&mut post_scope, v, *slot);
                }
            }
            for (i, it) in items.iter().enumerate() {
                if self.analysis.contains_aggregate(&it.expr) {
                    let e = self.post_agg_expr(&it.expr, scope, &post_scope, &key_exprs, &mut aggs)?;
                    let slot = self.slot();
                    post.push((e, slot));
                    item_slots[i] = slot;
                }
            }
            for (i, it) in items.iter().enumerate() {
                self.bind(&mut new_scope, it.name(), item_slots[i]);
                columns.push(it.name().to_string());
                slots.push(item_slots[i]);
            }
            let mut sort_keys = Vec::new();
            if !proj.order_by.is_empty() {
                let mut order_scope = post_scope.clone();
                for (k, v) in &new_scope.vars {
                    order_scope.vars.insert(k.clone(), *v);
                }
                let mut all_keys = key_exprs.clone();
                for (i, it) in items.iter().enumerate() {
                    if self.analysis.contains_aggregate(&it.expr) {
                        all_keys.push((it.expr.clone(), item_slots[i]));
                    }
                }
                for s in &proj.order_by {
                    let e = self.post_agg_expr(&s.expr, scope, &order_scope, &all_keys, &mut aggs)?;
                    sort_keys.push((e, s.descending));
                }
            }
            ops.push(Op::Aggregate { keys, aggs });
            if !post.is_empty() {
                ops.push(Op::Project { items: post });
            }
            if proj.distinct {
                ops.push(Op::Distinct { slots: slots.clone() });
            }
            if !sort_keys.is_empty() {
                ops.push(Op::Sort { keys: sort_keys, top: None, lazy: false });
            }
        }
        let skip = proj.skip.as_ref().map(|s| self.count_expr(s)).transpose()?;
        let limit = proj.limit.as_ref().map(|l| self.count_expr(l)).transpose()?;
        if let (Some(Op::Sort { top, .. }), Some(l)) = (ops.last_mut(), &limit) {
            *top = Some((skip.clone(), l.clone()));
        }
        if let Some(count) = skip {
            ops.push(Op::Skip { count });
        }
        if let Some(count) = limit {
            ops.push(Op::Limit { count });
        }
        Ok((new_scope, columns, slots))
    }

    /// `SKIP` or `LIMIT`, which the checks found constant.
    fn count_expr(&mut self, e: &ast::Expr) -> Result<Expr> {
        self.expr(e, &Scope::default())
    }

    /// An expression evaluated after grouping: sub-expressions equal to a grouping key read the
    /// key, aggregate calls become aggregate slots, other variables must be grouping keys.
    fn post_agg_expr(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
        post_scope: &Scope,
        keys: &[(ast::Expr, Slot)],
        aggs: &mut Vec<Agg>,
    ) -> Result<Expr> {
        let mut ctx = AggCtx { input: scope, keys, aggs };
        // The checks made sure that it reads only grouping keys (`semantic::grouped`).
        self.expr_in(e, post_scope, Some(&mut ctx))
    }
}

/// How aggregate calls are planned inside a grouping projection.
struct AggCtx<'a> {
    input: &'a Scope,
    keys: &'a [(ast::Expr, Slot)],
    aggs: &'a mut Vec<Agg>,
}

impl Builder<'_> {
    fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Expr> {
        self.expr_in(e, scope, None)
    }

    fn exprs(&mut self, es: &[ast::Expr], scope: &Scope, agg: &mut Option<&mut AggCtx>) -> Result<Vec<Expr>> {
        let mut out = Vec::with_capacity(es.len());
        for e in es {
            out.push(self.expr_in(e, scope, agg.as_deref_mut())?);
        }
        Ok(out)
    }

    fn bx(&mut self, e: &ast::Expr, scope: &Scope, agg: &mut Option<&mut AggCtx>) -> Result<Box<Expr>> {
        Ok(Box::new(self.expr_in(e, scope, agg.as_deref_mut())?))
    }

    fn expr_in(&mut self, e: &ast::Expr, scope: &Scope, mut agg: Option<&mut AggCtx>) -> Result<Expr> {
        if let Some(ctx) = agg.as_deref_mut() {
            if let Some((_, slot)) = ctx.keys.iter().find(|(k, _)| k.same_as(e)) {
                return Ok(Expr::Slot(*slot));
            }
            if self.analysis.is_aggregate(e) {
                let (func, distinct, args) = match &e.kind {
                    ExprKind::Function { name, distinct, args } => {
                        // The checks made sure that no argument aggregates or calls rand().
                        let input = ctx.input;
                        let mut planned = Vec::new();
                        for a in args {
                            planned.push(self.expr(a, input)?);
                        }
                        (AggFunc::from_name(name).unwrap_or(AggFunc::Count), *distinct, planned)
                    }
                    _ => (AggFunc::CountStar, false, Vec::new()),
                };
                let slot = self.slot();
                ctx.aggs.push(Agg { func, distinct, args, slot });
                return Ok(Expr::Slot(slot));
            }
        } else if self.analysis.is_aggregate(e) {
            // The checks allow aggregates only in WITH and RETURN items.
            return Err(unchecked(e.span));
        }
        let agg = &mut agg;
        Ok(match &e.kind {
            ExprKind::Literal(l) => Expr::Const(match l {
                Literal::Null => Value::Null,
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Int(i) => Value::Int(*i),
                Literal::Float(f) => Value::Float(*f),
                Literal::String(s) => Value::str(s),
            }),
            ExprKind::Parameter(p) => Expr::Param(p.clone(), e.span),
            ExprKind::Variable(v) => match scope.get(v) {
                Some(s) => Expr::Slot(s),
                None => return Err(undefined(v, e.span)),
            },
            ExprKind::Property(x, k) => Expr::Prop(self.bx(x, scope, agg)?, self.key(k), e.span),
            ExprKind::List(xs) => {
                let items = self.exprs(xs, scope, agg)?;
                if items.iter().all(|x| matches!(x, Expr::Const(_))) {
                    Expr::Const(Value::List(
                        items.into_iter().map(|x| if let Expr::Const(v) = x { v } else { Value::Null }).collect(),
                    ))
                } else {
                    Expr::List(items)
                }
            }
            ExprKind::Map(kv) => {
                let mut out = Vec::new();
                for (k, v) in kv {
                    out.push((k.clone(), self.expr_in(v, scope, agg.as_deref_mut())?));
                }
                Expr::Map(out)
            }
            ExprKind::Unary(op, x) => {
                let inner = self.bx(x, scope, agg)?;
                match op {
                    ast::UnaryOp::Not => Expr::Not(inner, e.span),
                    ast::UnaryOp::Neg => Expr::Neg(inner, e.span),
                    ast::UnaryOp::Plus => Expr::Func(F::INTERNAL_PLUS, vec![*inner], e.span),
                }
            }
            ExprKind::Binary(op, a, b) => Expr::Binary(*op, self.bx(a, scope, agg)?, self.bx(b, scope, agg)?, e.span),
            ExprKind::IsNull { expr, negated } => Expr::IsNull(self.bx(expr, scope, agg)?, *negated),
            ExprKind::HasLabels(x, ls) => {
                let labels = ls.iter().map(|l| self.label(l)).collect();
                Expr::HasLabels(self.bx(x, scope, agg)?, labels, e.span)
            }
            ExprKind::Index(a, b) => Expr::Index(self.bx(a, scope, agg)?, self.bx(b, scope, agg)?, e.span),
            ExprKind::Slice { expr, from, to } => Expr::Slice(
                self.bx(expr, scope, agg)?,
                from.as_ref().map(|x| self.bx(x, scope, agg)).transpose()?,
                to.as_ref().map(|x| self.bx(x, scope, agg)).transpose()?,
                e.span,
            ),
            ExprKind::Function { name, args, distinct: _ } => {
                // The checks found the function and counted its arguments.
                let func = self.analysis.call(e.span, name).ok_or_else(|| unchecked(e.span))?;
                Expr::Func(func, self.exprs(args, scope, agg)?, e.span)
            }
            ExprKind::CountStar => return Err(unchecked(e.span)),
            ExprKind::Case { operand, whens, else_ } => {
                let operand = operand.as_ref().map(|x| self.bx(x, scope, agg)).transpose()?;
                let mut ws = Vec::new();
                for (w, t) in whens {
                    ws.push((self.expr_in(w, scope, agg.as_deref_mut())?, self.expr_in(t, scope, agg.as_deref_mut())?));
                }
                let else_ = else_.as_ref().map(|x| self.bx(x, scope, agg)).transpose()?;
                Expr::Case { operand, whens: ws, else_ }
            }
            ExprKind::ListComprehension { var, list, predicate, projection } => {
                let list = self.bx(list, scope, agg)?;
                let slot = self.slot();
                let mut inner = scope.clone();
                self.bind(&mut inner, &var.name, slot);
                let pred = predicate.as_ref().map(|x| self.bx(x, &inner, &mut None)).transpose()?;
                let proj = projection.as_ref().map(|x| self.bx(x, &inner, agg)).transpose()?;
                Expr::ListComp { slot, list, pred, proj }
            }
            ExprKind::Quantified { quantifier, var, list, predicate } => {
                let list = self.bx(list, scope, agg)?;
                let slot = self.slot();
                let mut inner = scope.clone();
                self.bind(&mut inner, &var.name, slot);
                let pred = match predicate {
                    Some(p) => self.bx(p, &inner, &mut None)?,
                    None => Box::new(Expr::Const(Value::Bool(true))),
                };
                Expr::Quantified { q: *quantifier, slot, list, pred }
            }
            ExprKind::Reduce { acc, init, var, list, expr } => {
                let init = self.bx(init, scope, agg)?;
                let list = self.bx(list, scope, agg)?;
                let (acc_slot, slot) = (self.slot(), self.slot());
                let mut inner = scope.clone();
                self.bind(&mut inner, &acc.name, acc_slot);
                self.bind(&mut inner, &var.name, slot);
                let expr = self.bx(expr, &inner, &mut None)?;
                let appends = Expr::reduce_appends(acc_slot, &expr);
                Expr::Reduce { acc: acc_slot, init, slot, list, expr, appends }
            }
            ExprKind::Pattern(el) => {
                let part = ast::PatternPart { var: None, kind: PathKind::Normal, elem: (**el).clone(), span: e.span };
                Expr::Exists(self.sub_match(&[part], None, scope, e.span)?.0)
            }
            ExprKind::Subquery { kind, query } => {
                let (sub, _) = self.sub_plan(query, scope, None)?;
                Expr::Sub(*kind, Box::new(sub))
            }
            ExprKind::Exists { pattern, where_ } => {
                Expr::Exists(self.sub_match(pattern, where_.as_deref(), scope, e.span)?.0)
            }
            ExprKind::PatternComprehension { var, pattern, predicate, projection } => {
                let part = ast::PatternPart {
                    var: var.clone(),
                    kind: PathKind::Normal,
                    elem: (**pattern).clone(),
                    span: e.span,
                };
                let (ops, inner) = self.sub_match(&[part], predicate.as_deref(), scope, e.span)?;
                let proj = self.bx(projection, &inner, &mut None)?;
                Expr::PatternComp(ops, proj)
            }
            ExprKind::MapProjection { var, items } => {
                let base = match scope.get(&var.name) {
                    Some(s) => Expr::Slot(s),
                    None => return Err(undefined(&var.name, var.span)),
                };
                let mut out = Vec::new();
                for it in items {
                    out.push(match it {
                        ast::MapProjItem::Property(k) => MapProjItem::Prop(self.key(k)),
                        ast::MapProjItem::AllProperties => MapProjItem::All,
                        ast::MapProjItem::Literal(k, x) => {
                            MapProjItem::Entry(k.clone(), self.expr_in(x, scope, agg.as_deref_mut())?)
                        }
                        ast::MapProjItem::Variable(v) => match scope.get(&v.name) {
                            Some(s) => MapProjItem::Entry(v.name.clone(), Expr::Slot(s)),
                            None => return Err(undefined(&v.name, v.span)),
                        },
                    });
                }
                Expr::MapProj(Box::new(base), out)
            }
        })
    }

    /// Plans a pattern inside an expression (existential subquery or pattern comprehension):
    /// it reads the outer row and binds its own new variables.
    fn sub_match(
        &mut self,
        pattern: &[ast::PatternPart],
        where_: Option<&ast::Expr>,
        scope: &Scope,
        span: Span,
    ) -> Result<(Vec<Op>, Scope)> {
        let m = ast::Match { optional: false, pattern: pattern.to_vec(), where_: where_.cloned(), span };
        let mut inner = scope.clone();
        let mut ops = Vec::new();
        self.match_clause(&m, &mut inner, &mut ops)?;
        Ok((ops, inner))
    }
}

fn split_and(e: &ast::Expr, out: &mut Vec<ast::Expr>) {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        _ => out.push(e.clone()),
    }
}
