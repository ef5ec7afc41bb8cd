//! Syntax trees back to text (the `Display` of [`crate::ast`]'s types): canonical Cypher that parses to the same tree (spans and the source
//! text of unaliased projection items aside). Names are quoted only when they must be, and an
//! expression is parenthesised only where the grammar's precedence needs it.

use std::fmt::{self, Display, Formatter};

use crate::ast::*;

/// A name, in backticks unless it is a plain ASCII identifier and not a reserved word.
pub fn name(s: &str) -> String {
    let mut chars = s.chars();
    let plain = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !super::keywords::is_reserved(s);
    if plain {
        s.to_string()
    } else {
        format!("`{}`", s.replace('`', "``"))
    }
}

fn join<T>(xs: &[T], f: impl Fn(&T) -> String) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join(", ")
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Run => {}
            Mode::Explain => f.write_str("EXPLAIN ")?,
            Mode::Profile => f.write_str("PROFILE ")?,
        }
        write!(f, "{}", self.query)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                f.write_str(if self.union_all.get(i - 1).copied().unwrap_or(false) {
                    " UNION ALL "
                } else {
                    " UNION "
                })?;
            }
            write!(f, "{part}")?;
        }
        Ok(())
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let clauses: Vec<String> = self.clauses.iter().map(|c| c.to_string()).collect();
        f.write_str(&clauses.join(" "))
    }
}

fn where_(w: &Option<Expr>) -> String {
    w.as_ref().map_or(String::new(), |e| format!(" WHERE {e}"))
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(m) => {
                let opt = if m.optional { "OPTIONAL " } else { "" };
                write!(f, "{opt}MATCH {}{}", join(&m.pattern, |p| p.to_string()), where_(&m.where_))
            }
            Clause::Unwind(u) => write!(f, "UNWIND {} AS {}", u.expr, name(&u.alias.name)),
            Clause::With(w) => write!(f, "WITH {}{}", w.proj, where_(&w.where_)),
            Clause::Return(r) => write!(f, "RETURN {}", r.proj),
            Clause::Create(c) => write!(f, "CREATE {}", join(&c.pattern, |p| p.to_string())),
            Clause::Merge(m) => {
                write!(f, "MERGE {}", m.part)?;
                if !m.on_create.is_empty() {
                    write!(f, " ON CREATE SET {}", join(&m.on_create, |s| s.to_string()))?;
                }
                if !m.on_match.is_empty() {
                    write!(f, " ON MATCH SET {}", join(&m.on_match, |s| s.to_string()))?;
                }
                Ok(())
            }
            Clause::Set(s) => write!(f, "SET {}", join(&s.items, |s| s.to_string())),
            Clause::Remove(r) => {
                let items = join(&r.items, |i| match i {
                    RemoveItem::Property { target, key, .. } => {
                        format!("{}.{}", Prec::wrap(target, Prec::Postfix), name(key))
                    }
                    RemoveItem::Labels { var, labels, .. } => format!("{}{}", name(&var.name), label_list(labels)),
                    RemoveItem::Dynamic { var, key, .. } => format!("{}[{key}]", name(&var.name)),
                });
                write!(f, "REMOVE {items}")
            }
            Clause::Delete(d) => {
                let detach = if d.detach { "DETACH " } else { "" };
                write!(f, "{detach}DELETE {}", join(&d.exprs, |e| e.to_string()))
            }
            Clause::Call(c) => {
                let dotted: Vec<String> = c.name.split('.').map(name).collect();
                write!(f, "CALL {}", dotted.join("."))?;
                if let Some(args) = &c.args {
                    write!(f, "({})", join(args, |e| e.to_string()))?;
                }
                if c.yield_star {
                    f.write_str(" YIELD *")?;
                } else if let Some(ys) = &c.yields {
                    let items = join(ys, |y| match &y.alias {
                        Some(a) => format!("{} AS {}", name(&y.field), name(&a.name)),
                        None => name(&y.field),
                    });
                    write!(f, " YIELD {items}")?;
                }
                write!(f, "{}", where_(&c.where_))
            }
            Clause::CreateIndex(ix) => {
                f.write_str(if ix.fulltext.is_some() { "CREATE FULLTEXT INDEX " } else { "CREATE INDEX " })?;
                if let Some(n) = &ix.name {
                    write!(f, "{} ", name(n))?;
                }
                if ix.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                let v = name(&ix.var);
                let keys = join(&ix.keys, |k| format!("{v}.{}", name(k)));
                match &ix.fulltext {
                    None => write!(f, "FOR ({v}:{}) ON ({keys})", name(&ix.label)),
                    Some(t) => {
                        let on: Vec<String> = t.on.iter().map(|o| name(o)).collect();
                        match t.rel {
                            false => write!(f, "FOR ({v}:{}) ON EACH [{keys}]", on.join("|")),
                            true => write!(f, "FOR ()-[{v}:{}]-() ON EACH [{keys}]", on.join("|")),
                        }
                    }
                }
            }
            Clause::DropIndex { name: n, if_exists, .. } => {
                write!(f, "DROP INDEX {}{}", name(n), if *if_exists { " IF EXISTS" } else { "" })
            }
            Clause::ShowIndexes { fulltext, .. } => {
                f.write_str(if *fulltext { "SHOW FULLTEXT INDEXES" } else { "SHOW INDEXES" })
            }
            Clause::CreateConstraint(c) => {
                f.write_str("CREATE CONSTRAINT ")?;
                if let Some(n) = &c.name {
                    write!(f, "{} ", name(n))?;
                }
                if c.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                let v = name(&c.var);
                match c.rel {
                    true => write!(f, "FOR ()-[{v}:{}]-() REQUIRE ", name(&c.on))?,
                    false => write!(f, "FOR ({v}:{}) REQUIRE ", name(&c.on))?,
                }
                let keys = join(&c.keys, |k| format!("{v}.{}", name(k)));
                match c.keys.len() {
                    1 => f.write_str(&keys)?,
                    _ => write!(f, "({keys})")?,
                }
                match &c.rule {
                    ConstraintRule::Unique => f.write_str(" IS UNIQUE"),
                    ConstraintRule::NotNull => f.write_str(" IS NOT NULL"),
                    ConstraintRule::Key => f.write_str(" IS KEY"),
                    ConstraintRule::Type(t) => write!(f, " IS :: {t}"),
                }
            }
            Clause::DropConstraint { name: n, if_exists, .. } => {
                write!(f, "DROP CONSTRAINT {}{}", name(n), if *if_exists { " IF EXISTS" } else { "" })
            }
            Clause::Show { what, .. } => write!(f, "SHOW {}", format!("{what:?}").to_uppercase()),
            Clause::Subquery(c) => {
                f.write_str(if c.optional { "OPTIONAL CALL " } else { "CALL " })?;
                match &c.import {
                    Import::Leading => {}
                    Import::All => f.write_str("(*) ")?,
                    Import::Vars(vs) => write!(f, "({}) ", join(vs, |v| name(&v.name)))?,
                }
                write!(f, "{{ {} }}", c.query)?;
                if let Some(t) = &c.in_transactions {
                    f.write_str(" IN ")?;
                    if t.concurrent {
                        f.write_str("CONCURRENT ")?;
                    }
                    f.write_str("TRANSACTIONS")?;
                    if let Some(b) = &t.batch {
                        write!(f, " OF {b} ROWS")?;
                    }
                    match t.on_error {
                        OnError::Fail => {}
                        OnError::Continue => f.write_str(" ON ERROR CONTINUE")?,
                        OnError::Break => f.write_str(" ON ERROR BREAK")?,
                    }
                    if let Some(r) = &t.report {
                        write!(f, " REPORT STATUS AS {}", name(&r.name))?;
                    }
                }
                Ok(())
            }
            Clause::Foreach(fe) => {
                let body: Vec<String> = fe.clauses.iter().map(|c| c.to_string()).collect();
                write!(f, "FOREACH ({} IN {} | {})", name(&fe.var.name), fe.list, body.join(" "))
            }
            Clause::LoadCsv(l) => {
                let headers = if l.headers { "WITH HEADERS " } else { "" };
                write!(f, "LOAD CSV {headers}FROM {} AS {}", l.from, name(&l.var.name))?;
                if let Some(t) = &l.terminator {
                    write!(f, " FIELDTERMINATOR {}", literal(&Literal::String(t.clone())))?;
                }
                Ok(())
            }
        }
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        let mut items: Vec<String> = Vec::new();
        if self.star {
            items.push("*".into());
        }
        for it in &self.items {
            items.push(match &it.alias {
                Some(a) => format!("{} AS {}", it.expr, name(&a.name)),
                None => it.expr.to_string(),
            });
        }
        f.write_str(&items.join(", "))?;
        if !self.order_by.is_empty() {
            let keys = join(&self.order_by, |s| format!("{}{}", s.expr, if s.descending { " DESC" } else { "" }));
            write!(f, " ORDER BY {keys}")?;
        }
        if let Some(s) = &self.skip {
            write!(f, " SKIP {s}")?;
        }
        if let Some(l) = &self.limit {
            write!(f, " LIMIT {l}")?;
        }
        Ok(())
    }
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property { target, key, value, .. } => {
                write!(f, "{}.{} = {value}", Prec::wrap(target, Prec::Postfix), name(key))
            }
            SetItem::Replace { var, value, .. } => write!(f, "{} = {value}", name(&var.name)),
            SetItem::Merge { var, value, .. } => write!(f, "{} += {value}", name(&var.name)),
            SetItem::Labels { var, labels, .. } => write!(f, "{}{}", name(&var.name), label_list(labels)),
            SetItem::Dynamic { var, key, value, .. } => write!(f, "{}[{key}] = {value}", name(&var.name)),
        }
    }
}

fn label_list(labels: &[String]) -> String {
    labels.iter().map(|l| format!(":{}", name(l))).collect()
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(v) = &self.var {
            write!(f, "{} = ", name(&v.name))?;
        }
        match self.kind {
            PathKind::Normal => write!(f, "{}", self.elem),
            PathKind::Shortest => write!(f, "shortestPath({})", self.elem),
            PathKind::AllShortest => write!(f, "allShortestPaths({})", self.elem),
        }
    }
}

impl Display for PatternElement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for (r, n) in &self.chain {
            write!(f, "{r}{n}")?;
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        if let Some(v) = &self.var {
            f.write_str(&name(&v.name))?;
        }
        f.write_str(&label_list(&self.labels))?;
        if let Some(p) = &self.props {
            if self.var.is_some() || !self.labels.is_empty() {
                f.write_str(" ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")
    }
}

impl Display for RelPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut inner = String::new();
        if let Some(v) = &self.var {
            inner.push_str(&name(&v.name));
        }
        if !self.types.is_empty() {
            inner.push(':');
            inner.push_str(&self.types.iter().map(|t| name(t)).collect::<Vec<_>>().join("|"));
        }
        if let Some((lo, hi)) = self.length {
            inner.push('*');
            match (lo, hi) {
                (Some(a), Some(b)) if a == b => inner.push_str(&a.to_string()),
                (lo, hi) => {
                    if let Some(a) = lo {
                        inner.push_str(&a.to_string());
                    }
                    if lo.is_some() || hi.is_some() {
                        inner.push_str("..");
                    }
                    if let Some(b) = hi {
                        inner.push_str(&b.to_string());
                    }
                }
            }
        }
        if let Some(p) = &self.props {
            if !inner.is_empty() {
                inner.push(' ');
            }
            inner.push_str(&p.to_string());
        }
        let (l, r) = match self.dir {
            Direction::Right => ("-", "->"),
            Direction::Left => ("<-", "-"),
            Direction::Both => ("-", "-"),
        };
        write!(f, "{l}[{inner}]{r}")
    }
}

/// How tightly an expression binds, loosest first (the grammar's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    Xor,
    And,
    Not,
    Comparison,
    Predicate,
    Additive,
    Multiplicative,
    Power,
    Unary,
    Postfix,
    Atom,
}

impl Prec {
    fn of(e: &Expr) -> Prec {
        match &e.kind {
            ExprKind::Binary(op, ..) => Prec::of_op(*op),
            ExprKind::Unary(UnaryOp::Not, _) => Prec::Not,
            ExprKind::Unary(..) => Prec::Unary,
            ExprKind::Literal(Literal::Int(i)) if *i < 0 => Prec::Unary,
            ExprKind::Literal(Literal::Float(x)) if x.is_sign_negative() => Prec::Unary,
            ExprKind::IsNull { .. } => Prec::Predicate,
            ExprKind::Property(..) | ExprKind::HasLabels(..) | ExprKind::Index(..) | ExprKind::Slice { .. } => {
                Prec::Postfix
            }
            _ => Prec::Atom,
        }
    }

    fn of_op(op: BinaryOp) -> Prec {
        use BinaryOp::*;
        match op {
            Or => Prec::Or,
            Xor => Prec::Xor,
            And => Prec::And,
            Eq | Ne | Lt | Le | Gt | Ge => Prec::Comparison,
            In | StartsWith | EndsWith | Contains | Regex => Prec::Predicate,
            Add | Sub => Prec::Additive,
            Mul | Div | Mod => Prec::Multiplicative,
            Pow => Prec::Power,
        }
    }

    /// `e`, parenthesised unless it binds at least as tightly as `min`.
    fn wrap(e: &Expr, min: Prec) -> String {
        if Prec::of(e) >= min {
            e.to_string()
        } else {
            format!("({e})")
        }
    }

    /// The next tighter level.
    fn above(self) -> Prec {
        use Prec::*;
        match self {
            Or => Xor,
            Xor => And,
            And => Not,
            Not => Comparison,
            Comparison => Predicate,
            Predicate => Additive,
            Additive => Multiplicative,
            Multiplicative => Power,
            Power => Unary,
            Unary => Postfix,
            Postfix | Atom => Atom,
        }
    }
}

fn op_text(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Or => "OR",
        Xor => "XOR",
        And => "AND",
        Eq => "=",
        Ne => "<>",
        Lt => "<",
        Le => "<=",
        Gt => ">",
        Ge => ">=",
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Mod => "%",
        Pow => "^",
        In => "IN",
        StartsWith => "STARTS WITH",
        EndsWith => "ENDS WITH",
        Contains => "CONTAINS",
        Regex => "=~",
    }
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(x) => crate::value::format_float(*x),
        Literal::String(s) => crate::value::quote_string(s),
    }
}

fn opt_where(p: &Option<Box<Expr>>) -> String {
    p.as_ref().map_or(String::new(), |e| format!(" WHERE {e}"))
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let p = Prec::of(self);
        match &self.kind {
            ExprKind::Literal(l) => f.write_str(&literal(l)),
            ExprKind::Parameter(n) => {
                if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
                    write!(f, "${n}")
                } else {
                    write!(f, "${}", name(n))
                }
            }
            ExprKind::Variable(v) => f.write_str(&name(v)),
            ExprKind::Property(e, k) => write!(f, "{}.{}", Prec::wrap(e, Prec::Postfix), name(k)),
            ExprKind::List(xs) => write!(f, "[{}]", join(xs, |x| x.to_string())),
            ExprKind::Map(kv) => write!(f, "{{{}}}", join(kv, |(k, v)| format!("{}: {v}", name(k)))),
            ExprKind::Unary(UnaryOp::Not, e) => write!(f, "NOT {}", Prec::wrap(e, Prec::Not)),
            ExprKind::Unary(op, e) => {
                let sign = if *op == UnaryOp::Neg { "-" } else { "+" };
                let inner = Prec::wrap(e, Prec::Unary);
                // A minus written straight before a number is read back as a negative literal
                // (`-0` as `0`): a minus of a number literal keeps its brackets.
                let number = matches!(e.kind, ExprKind::Literal(Literal::Int(_) | Literal::Float(_)));
                if inner.starts_with(['-', '+']) || (number && *op == UnaryOp::Neg) {
                    write!(f, "{sign}({inner})")
                } else {
                    write!(f, "{sign}{inner}")
                }
            }
            ExprKind::Binary(op, a, b) => {
                // Chained comparisons mean something else (`a < b < c`), so neither side may be
                // one; the other operators are left-associative.
                let left = if p == Prec::Comparison { p.above() } else { p };
                write!(f, "{} {} {}", Prec::wrap(a, left), op_text(*op), Prec::wrap(b, p.above()))
            }
            ExprKind::IsNull { expr, negated } => {
                write!(f, "{} IS {}NULL", Prec::wrap(expr, Prec::Predicate), if *negated { "NOT " } else { "" })
            }
            ExprKind::HasLabels(e, ls) => write!(f, "{}{}", Prec::wrap(e, Prec::Postfix), label_list(ls)),
            ExprKind::Index(e, i) => write!(f, "{}[{i}]", Prec::wrap(e, Prec::Postfix)),
            ExprKind::Slice { expr, from, to } => {
                let a = from.as_ref().map_or(String::new(), |x| x.to_string());
                let b = to.as_ref().map_or(String::new(), |x| x.to_string());
                write!(f, "{}[{a}..{b}]", Prec::wrap(expr, Prec::Postfix))
            }
            ExprKind::Function { name: n, distinct, args } => {
                let dotted: Vec<String> = n.split('.').map(name).collect();
                let d = if *distinct { "DISTINCT " } else { "" };
                write!(f, "{}({d}{})", dotted.join("."), join(args, |x| x.to_string()))
            }
            ExprKind::CountStar => f.write_str("count(*)"),
            ExprKind::Case { operand, whens, else_ } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_ {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            ExprKind::ListComprehension { var, list, predicate, projection } => {
                write!(f, "[{} IN {list}{}", name(&var.name), opt_where(predicate))?;
                if let Some(p) = projection {
                    write!(f, " | {p}")?;
                }
                f.write_str("]")
            }
            ExprKind::PatternComprehension { var, pattern, predicate, projection } => {
                f.write_str("[")?;
                if let Some(v) = var {
                    write!(f, "{} = ", name(&v.name))?;
                }
                write!(f, "{pattern}{} | {projection}]", opt_where(predicate))
            }
            ExprKind::Quantified { quantifier, var, list, predicate } => {
                let q = match quantifier {
                    Quantifier::All => "all",
                    Quantifier::Any => "any",
                    Quantifier::None => "none",
                    Quantifier::Single => "single",
                };
                write!(f, "{q}({} IN {list}{})", name(&var.name), opt_where(predicate))
            }
            ExprKind::Reduce { acc, init, var, list, expr } => {
                write!(f, "reduce({} = {init}, {} IN {list} | {expr})", name(&acc.name), name(&var.name))
            }
            ExprKind::Pattern(p) => write!(f, "{p}"),
            ExprKind::Exists { pattern, where_ } => {
                write!(f, "EXISTS {{ MATCH {}{} }}", join(pattern, |p| p.to_string()), opt_where(where_))
            }
            ExprKind::Subquery { kind, query } => {
                let word = match kind {
                    SubqueryKind::Exists => "EXISTS",
                    SubqueryKind::Count => "COUNT",
                    SubqueryKind::Collect => "COLLECT",
                };
                write!(f, "{word} {{ {query} }}")
            }
            ExprKind::MapProjection { var, items } => {
                let items = join(items, |it| match it {
                    MapProjItem::Property(k) => format!(".{}", name(k)),
                    MapProjItem::Literal(k, e) => format!("{}: {e}", name(k)),
                    MapProjItem::Variable(v) => name(&v.name),
                    MapProjItem::AllProperties => ".*".into(),
                });
                write!(f, "{} {{{items}}}", name(&var.name))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Parses, prints, parses the print and prints again: the two prints must agree.
    fn round(text: &str) -> String {
        let a = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let printed: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        let joined = printed.join("; ");
        let b = crate::syntax::parse(&joined).unwrap_or_else(|e| panic!("{joined}: {e}"));
        let again: Vec<String> = b.iter().map(|s| s.to_string()).collect();
        assert_eq!(printed, again, "{text}");
        joined
    }

    #[test]
    fn statements_print_as_canonical_cypher() {
        assert_eq!(
            round("match (a:Person {name:'Al\\'ice'})-[r:KNOWS*1..3]->(b) where a.age>3 return a.name as n, count(*) order by n desc skip 1 limit 10"),
            "MATCH (a:Person {name: 'Al\\'ice'})-[r:KNOWS*1..3]->(b) WHERE a.age > 3 RETURN a.name AS n, count(*) ORDER BY n DESC SKIP 1 LIMIT 10"
        );
        assert_eq!(
            round("RETURN (1 + 2) * 3, 1 + 2 * 3, 2 ^ (3 ^ 2), -(-1), - 1"),
            "RETURN (1 + 2) * 3, 1 + 2 * 3, 2 ^ (3 ^ 2), -(-1), -1"
        );
        assert_eq!(
            round("RETURN (a < b) < c, a < b < c, NOT (a OR b)"),
            "RETURN (a < b) < c, a < b AND b < c, NOT (a OR b)"
        );
        assert_eq!(
            round("MATCH (`the end`)<-[:`A B`|C*]-() RETURN `the end`.`x y`"),
            "MATCH (`the end`)<-[:`A B`|C*]-() RETURN `the end`.`x y`"
        );
        round("MATCH p = shortestPath((a)-[*..5]-(b)) WITH DISTINCT p, [x IN nodes(p) WHERE x:L | x.k] AS xs WHERE size(xs) > 0 RETURN *, xs[0], xs[1..], xs[..2]");
        round("MERGE (n:P {k: 1}) ON CREATE SET n.a = 1, n:Q ON MATCH SET n += {b: 2} WITH n REMOVE n.a, n:Q SET n = {} DETACH DELETE n");
        round("CALL db.search('x') YIELD node AS n, score WHERE score > 0.5 RETURN n {.name, .*, s: score}");
        round("RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END, reduce(s = 0, x IN [1, 2] | s + x), all(x IN [] WHERE x > 1), exists { MATCH (a)-->(b) WHERE b.x IS NOT NULL }");
        round("MATCH (a) WHERE (a)-[:R]->() AND size([(a)-->(b) | b.name]) > 1 RETURN count(DISTINCT a) UNION ALL RETURN 1 AS x");
        round("CREATE INDEX ix FOR (n:Person) ON (n.name, n.age); DROP INDEX ix; SHOW INDEXES; EXPLAIN MATCH (n) RETURN n");
        round("MATCH (a) CALL (a) { MATCH (a)-->(b) RETURN b UNION RETURN a AS b } CALL { WITH a RETURN 1 AS one } RETURN b, one");
        round("UNWIND [1, 2] AS x CALL (*) { CREATE (:N {x: x}) } IN CONCURRENT TRANSACTIONS OF 10 ROWS ON ERROR CONTINUE REPORT STATUS AS s RETURN s");
        round("MATCH (n) FOREACH (x IN [1] | SET n.x = x FOREACH (y IN [2] | CREATE (:M {y: y}))) RETURN COUNT { (n)-->() } AS c, COLLECT { MATCH (n)-->(m) RETURN m.name } AS ms, EXISTS { MATCH (n) RETURN n }");
        round("CREATE CONSTRAINT c IF NOT EXISTS FOR (n:P) REQUIRE (n.a, n.b) IS NODE KEY; CREATE CONSTRAINT FOR ()-[r:R]-() REQUIRE r.k IS :: local  datetime; DROP CONSTRAINT c IF EXISTS; SHOW CONSTRAINTS; SHOW PROCEDURES; SHOW FUNCTIONS");
        round("LOAD CSV WITH HEADERS FROM 'file:///a.csv' AS row FIELDTERMINATOR ';' RETURN row");
        round("RETURN -9223372036854775808, 1.5e300, -0.0, $0, $p, 'a\\nb', [1, 2][0], {a: {b: [null, true]}}");
    }
}
