//! `EXPLAIN`: plans print as an operator tree, one operator per line, data flowing upwards.

use std::fmt::{self, Display, Formatter, Write};

use super::*;

impl Display for Plan {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, p) in self.parts.iter().enumerate() {
            if i > 0 {
                writeln!(f, "{}", if self.union_all[i - 1] { "UnionAll" } else { "Union" })?;
            }
            writeln!(f, "ProduceResults [{}]", self.columns.join(", "))?;
            let mut ops = String::new();
            write_ops(&mut ops, &p.ops, 1)?;
            f.write_str(&name_slots(&ops, &p.names))?;
        }
        Ok(())
    }
}

/// Operator text names row slots between \u{1} and \u{2}; this gives each the variable name
/// the query used (`anon_3` for one it did not name), as Neo4j's plans do.
pub fn name_slots(text: &str, names: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\u{1}') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let Some(j) = tail.find('\u{2}') else {
            rest = tail;
            continue;
        };
        let slot = &tail[..j];
        match slot.parse::<usize>().ok().and_then(|n| names.get(n)).filter(|n| !n.is_empty()) {
            Some(name) => out.push_str(&crate::value::quote_name(name)),
            None => out.push_str(&format!("anon_{slot}")),
        }
        rest = &tail[j + 1..];
    }
    out.push_str(rest);
    out
}

fn slots(xs: &[Slot]) -> String {
    xs.iter().map(|s| format!("\u{1}{s}\u{2}")).collect::<Vec<_>>().join(", ")
}

fn write_ops(f: &mut String, ops: &[Op], depth: usize) -> fmt::Result {
    let notes = super::fuse::notes(ops, false);
    for (op, note) in ops.iter().zip(notes).rev() {
        let pad = "  ".repeat(depth);
        writeln!(f, "{pad}{}", with_note(op, &note))?;
        match op {
            Op::Optional { ops, .. } | Op::Merge { matcher: ops, .. } | Op::Foreach { ops, .. } => {
                write_ops(f, ops, depth + 2)?
            }
            Op::SubQuery { sub, .. } => {
                for (i, p) in sub.parts.iter().enumerate() {
                    if i > 0 {
                        let all = sub.union_all.get(i - 1).copied().unwrap_or(false);
                        writeln!(f, "{pad}    {}", if all { "UnionAll" } else { "Union" })?;
                    }
                    writeln!(
                        f,
                        "{pad}    Returns [{}]",
                        list(&p.output.iter().map(|s| format!("\u{1}{s}\u{2}")).collect::<Vec<_>>())
                    )?;
                    write_ops(f, &p.ops, depth + 3)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// An operator's text, with how it runs when that is not pulled (see [`super::fuse::notes`]).
pub fn with_note(op: &Op, note: &str) -> String {
    if note.is_empty() {
        op.to_string()
    } else {
        format!("{op} [{note}]")
    }
}

fn list<T: Display>(xs: &[T]) -> String {
    xs.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")
}

fn node(n: &NodeSpec) -> String {
    let mut s = format!("(\u{1}{}\u{2}", n.slot);
    for l in &n.labels {
        let _ = write!(s, ":{l}");
    }
    if let Some(p) = &n.props {
        let _ = write!(s, " {p}");
    }
    s.push(')');
    s
}

fn rel(r: &RelSpec) -> String {
    let mut s = format!("[\u{1}{}\u{2}", r.slot);
    if !r.types.is_empty() {
        let _ = write!(s, ":{}", r.types.join("|"));
    }
    if let Some((lo, hi)) = r.var_len {
        let _ = write!(s, "*{lo}..{}", hi.map_or(String::new(), |h| h.to_string()));
    }
    if let Some(p) = &r.props {
        let _ = write!(s, " {p}");
    }
    if let Some((k, p)) = &r.each {
        let _ = write!(s, " each \u{1}{k}\u{2}: {p}");
    }
    s.push(']');
    match r.dir {
        Dir::Out => format!("-{s}->"),
        Dir::In => format!("<-{s}-"),
        Dir::Both => format!("-{s}-"),
    }
}

impl Display for PropFilter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            PropFilter::Pairs(kv) => {
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{}}}", items.join(", "))
            }
            PropFilter::Map(e) => write!(f, "{e}"),
        }
    }
}

impl Display for Op {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Op::NodeScan { node: n } if n.index.is_some() => {
                let (l, k) = n.index.as_ref().map(|(l, k)| (l.as_str(), k.as_str())).unwrap_or_default();
                let kind = match n.ranges.first() {
                    None => "NodeIndexSeek",
                    Some((crate::ast::BinaryOp::In, _)) if n.props.is_none() => "NodeIndexSeekByList",
                    Some(_) => "NodeIndexSeekByRange",
                };
                write!(f, "{kind} :{l}({k}) {}", node(n))
            }
            Op::NodeScan { node: n } if !n.ids.is_empty() => {
                let kind = match n.ids.first() {
                    Some((crate::ast::BinaryOp::Eq | crate::ast::BinaryOp::In, _)) => "NodeByIdSeek",
                    _ => "NodeByIdRangeSeek",
                };
                write!(f, "{kind} {}", node(n))
            }
            Op::NodeScan { node: n } if n.labels.is_empty() => write!(f, "AllNodesScan {}", node(n)),
            Op::NodeScan { node: n } => write!(f, "NodeByLabelScan {}", node(n)),
            Op::NodeCheck { node: n } => write!(f, "NodeFilter {}", node(n)),
            Op::Expand { from, rel: r, to, to_bound, count, partial, checks, fold, .. } => {
                let name = match (r.var_len.is_some(), to_bound) {
                    (true, _) => "VarLengthExpand",
                    (false, true) => "ExpandInto",
                    (false, false) => "Expand",
                };
                write!(f, "{name} (\u{1}{from}\u{2}){}{}", rel(r), node(to))?;
                if let Some(c) = count {
                    write!(f, " counting matches")?;
                    for (i, p) in checks.iter().enumerate() {
                        write!(f, " {} {p}", if i == 0 { "where" } else { "and" })?;
                    }
                    write!(f, " AS \u{1}{c}\u{2}")?;
                }
                for a in partial {
                    write!(f, " and {:?}({}) AS \u{1}{}\u{2}", a.func, list(&a.args), a.slot)?;
                }
                if *fold {
                    write!(f, " summing the next hop's counts")?;
                }
                match (r.var_len, r.cap) {
                    (Some((_, None)), Some(cap)) => {
                        write!(f, " up to {cap} hops (the hop limit: a longer path is a ResourceLimit error)")
                    }
                    (Some((_, None)), None) => write!(f, " up to the hop limit (a longer path is an error)"),
                    _ => Ok(()),
                }
            }
            Op::ShortestPath { from, to, rel: r, all, .. } => {
                let name = if *all { "AllShortestPaths" } else { "ShortestPath" };
                write!(f, "{name} (\u{1}{from}\u{2}){}(\u{1}{to}\u{2})", rel(r))?;
                if matches!(r.var_len, Some((_, None))) {
                    // Breadth-first search visits each node once: no hop cap applies.
                    write!(f, " breadth-first, unbounded")?;
                }
                Ok(())
            }
            Op::BuildPath { slot, .. } => write!(f, "BuildPath \u{1}{slot}\u{2}"),
            Op::Filter { predicate } => write!(f, "Filter {predicate}"),
            Op::Optional { nulls, .. } => write!(f, "Optional (nulls: {})", slots(nulls)),
            Op::Unwind { expr, slot } => write!(f, "Unwind {expr} AS \u{1}{slot}\u{2}"),
            Op::Project { items } => {
                let xs: Vec<String> = items.iter().map(|(e, s)| format!("{e} AS \u{1}{s}\u{2}")).collect();
                write!(f, "Projection {}", xs.join(", "))
            }
            Op::Aggregate { keys, aggs } => {
                let ks: Vec<String> = keys.iter().map(|(e, s)| format!("{e} AS \u{1}{s}\u{2}")).collect();
                let ags: Vec<String> = aggs
                    .iter()
                    .map(|a| {
                        let d = if a.distinct { "DISTINCT " } else { "" };
                        format!("{:?}({d}{}) AS \u{1}{}\u{2}", a.func, list(&a.args), a.slot)
                    })
                    .collect();
                write!(f, "Aggregation keys: [{}] aggregates: [{}]", ks.join(", "), ags.join(", "))
            }
            Op::Distinct { slots: s } => write!(f, "Distinct {}", slots(s)),
            Op::Sort { keys, top, .. } => {
                let ks: Vec<String> =
                    keys.iter().map(|(e, d)| format!("{e}{}", if *d { " DESC" } else { "" })).collect();
                match top {
                    None => write!(f, "Sort {}", ks.join(", ")),
                    Some((None, l)) => write!(f, "Top {l} {}", ks.join(", ")),
                    Some((Some(s), l)) => write!(f, "Top {s} + {l} {}", ks.join(", ")),
                }
            }
            Op::Skip { count } => write!(f, "Skip {count}"),
            Op::Limit { count } => write!(f, "Limit {count}"),
            Op::Create { parts, .. } => write!(f, "Create ({} pattern part(s))", parts.len()),
            Op::Merge { .. } => write!(f, "Merge"),
            Op::Set { ops, .. } => write!(f, "SetOrRemove ({} item(s))", ops.len()),
            Op::Delete { exprs, detach, .. } => {
                write!(f, "{}Delete {}", if *detach { "Detach" } else { "" }, list(exprs))
            }
            Op::Call { name, args, .. } => write!(f, "ProcedureCall {name}({})", list(args)),
            Op::CreateIndex { label, keys, fulltext: None, .. } => {
                write!(f, "CreateIndex :{label}({})", keys.join(", "))
            }
            Op::CreateIndex { keys, fulltext: Some((rel, on)), .. } => {
                let on = if *rel { format!("[:{}]", on.join("|")) } else { format!(":{}", on.join("|")) };
                write!(f, "CreateFulltextIndex {on}[{}]", keys.join(", "))
            }
            Op::DropIndex { name, .. } => write!(f, "DropIndex {name}"),
            Op::ShowIndexes { .. } => write!(f, "ShowIndexes"),
            Op::CreateConstraint(d) => write!(f, "CreateConstraint :{}({})", d.on, d.keys.join(", ")),
            Op::DropConstraint { name, .. } => write!(f, "DropConstraint {name}"),
            Op::Show { what, .. } => write!(f, "Show{what:?}"),
            Op::SubQuery { columns, batch, .. } => {
                let cols = columns.iter().map(|s| format!("\u{1}{s}\u{2}")).collect::<Vec<_>>();
                write!(f, "SubqueryCall [{}]", cols.join(", "))?;
                if let Some(b) = batch {
                    let n = b.rows.as_ref().map_or("1000".to_string(), |e| e.to_string());
                    write!(f, " in transactions of {n} rows, on error {:?}", b.on_error)?;
                }
                Ok(())
            }
            Op::Foreach { slot, list: l, .. } => write!(f, "Foreach \u{1}{slot}\u{2} IN {l}"),
            Op::LoadCsv { from, slot, headers, .. } => {
                write!(f, "LoadCSV {from} AS \u{1}{slot}\u{2}{}", if *headers { " with headers" } else { "" })
            }
            Op::CountStore { what, key, counts } => {
                let counts = counts.iter().map(|s| format!("\u{1}{s}\u{2}")).collect::<Vec<_>>().join(", ");
                let by = key.map_or(String::new(), |k| format!(" keys: [type AS \u{1}{k}\u{2}]"));
                match what {
                    super::Counted::Nodes(l) => {
                        let l = l.as_ref().map_or(String::new(), |l| format!(":{l}"));
                        write!(f, "NodeCountFromCountStore ({l}) counts: [{counts}]")
                    }
                    super::Counted::Rels(ts) => {
                        let ts = if ts.is_empty() { String::new() } else { format!(":{}", ts.join("|")) };
                        write!(f, "RelationshipCountFromCountStore ()-[{ts}]->(){by} counts: [{counts}]")
                    }
                    super::Counted::Paths(p) => {
                        let labels = |ls: &[String]| ls.iter().map(|l| format!(":{l}")).collect::<String>();
                        let hop = |(t, d, _): &(String, super::Dir, Vec<String>), toward_b: bool| {
                            let out = (*d == super::Dir::Out) != toward_b;
                            if out {
                                format!("-[:{t}]->")
                            } else {
                                format!("<-[:{t}]-")
                            }
                        };
                        let [first, second] = &p.sides;
                        write!(
                            f,
                            "PathCountFromDegrees ({}){}({}){}({}) counts: [{counts}]",
                            labels(&first.2),
                            hop(first, true),
                            labels(&p.middle),
                            hop(second, false),
                            labels(&second.2)
                        )
                    }
                }
            }
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Const(v) => write!(f, "{}", crate::value::to_cypher_literal(v)),
            Expr::Param(p, _) => write!(f, "${p}"),
            Expr::Slot(s) => write!(f, "\u{1}{s}\u{2}"),
            Expr::Prop(e, k, _) => write!(f, "{e}.{k}"),
            Expr::List(xs) => write!(f, "[{}]", list(xs)),
            Expr::Map(kv) => {
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{}}}", items.join(", "))
            }
            Expr::Not(e, _) => write!(f, "NOT {e}"),
            Expr::Neg(e, _) => write!(f, "-{e}"),
            Expr::Binary(op, a, b, _) => write!(f, "({a} {op:?} {b})"),
            Expr::IsNull(e, neg) => write!(f, "{e} IS {}NULL", if *neg { "NOT " } else { "" }),
            Expr::HasLabels(e, ls, _) => {
                write!(f, "{e}:{}", ls.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(":"))
            }
            Expr::Index(a, b, _) => write!(f, "{a}[{b}]"),
            Expr::Slice(a, x, y, _) => write!(
                f,
                "{a}[{}..{}]",
                x.as_ref().map_or(String::new(), |x| x.to_string()),
                y.as_ref().map_or(String::new(), |y| y.to_string())
            ),
            Expr::Func(n, args, _) => write!(f, "{}({})", n.name(), list(args)),
            Expr::Case { .. } => write!(f, "CASE ... END"),
            Expr::ListComp { slot, list: l, .. } => write!(f, "[\u{1}{slot}\u{2} IN {l} ...]"),
            Expr::Quantified { q, slot, list: l, .. } => write!(f, "{q:?}(\u{1}{slot}\u{2} IN {l} ...)"),
            Expr::Reduce { .. } => write!(f, "reduce(...)"),
            Expr::Exists(_) => write!(f, "exists(pattern)"),
            Expr::Sub(kind, _) => write!(f, "{} {{ ... }}", format!("{kind:?}").to_uppercase()),
            Expr::PatternComp(..) => write!(f, "[pattern | ...]"),
            Expr::MapProj(e, _) => write!(f, "{e} {{...}}"),
        }
    }
}
