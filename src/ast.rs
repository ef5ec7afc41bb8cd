//! The typed syntax tree of a Cypher statement: purely syntactic, with spans. `syntax` builds it
//! from pest pairs; `semantic` checks it; `plan` turns it into operators.

use crate::error::Span;

/// A top-level statement, possibly prefixed by `EXPLAIN` or `PROFILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub mode: Mode,
    pub query: Query,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Run,
    Explain,
    Profile,
}

/// Single queries joined by `UNION` / `UNION ALL` (`all[i]` joins `parts[i]` and `parts[i+1]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub parts: Vec<SingleQuery>,
    pub union_all: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Match(Match),
    Unwind(Unwind),
    With(With),
    Return(Return),
    Create(Create),
    Merge(Merge),
    Set(SetClause),
    Remove(RemoveClause),
    Delete(Delete),
    Call(Call),
    /// `CREATE INDEX [name] FOR (n:Label) ON (n.key)`
    CreateIndex(IndexDef),
    /// `DROP INDEX name`
    DropIndex {
        name: String,
        span: Span,
    },
    /// `SHOW INDEXES`
    ShowIndexes {
        span: Span,
    },
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(c) => c.span,
            Clause::Unwind(c) => c.span,
            Clause::With(c) => c.span,
            Clause::Return(c) => c.span,
            Clause::Create(c) => c.span,
            Clause::Merge(c) => c.span,
            Clause::Set(c) => c.span,
            Clause::Remove(c) => c.span,
            Clause::Delete(c) => c.span,
            Clause::Call(c) => c.span,
            Clause::CreateIndex(c) => c.span,
            Clause::DropIndex { span, .. } | Clause::ShowIndexes { span } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    pub name: Option<String>,
    pub var: String,
    pub label: String,
    pub keys: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub optional: bool,
    pub pattern: Vec<PatternPart>,
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    pub expr: Expr,
    pub alias: Var,
    pub span: Span,
}

/// The body shared by `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*` as the first item.
    pub star: bool,
    pub items: Vec<ProjItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjItem {
    pub expr: Expr,
    pub alias: Option<Var>,
    /// The item's source text, which names the column when there is no alias.
    pub text: String,
}

impl ProjItem {
    /// The column name this item produces.
    pub fn name(&self) -> &str {
        match &self.alias {
            Some(a) => &a.name,
            None => &self.text,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct With {
    pub proj: Projection,
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub proj: Projection,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub pattern: Vec<PatternPart>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub part: PatternPart,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    pub items: Vec<SetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.k = expr` (the target is any expression followed by a property key)
    Property { target: Expr, key: String, value: Expr, span: Span },
    /// `n = {map}`
    Replace { var: Var, value: Expr, span: Span },
    /// `n += {map}`
    Merge { var: Var, value: Expr, span: Span },
    /// `n:A:B`
    Labels { var: Var, labels: Vec<String>, span: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RemoveClause {
    pub items: Vec<RemoveItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    Property { target: Expr, key: String, span: Span },
    Labels { var: Var, labels: Vec<String>, span: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub detach: bool,
    pub exprs: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Dotted name, e.g. `db.labels`.
    pub name: String,
    pub name_span: Span,
    /// `None` for the implicit-argument form `CALL proc` (no parentheses).
    pub args: Option<Vec<Expr>>,
    /// `None` when there is no `YIELD`; `Some(vec![])` never happens (`YIELD *` is `star`).
    pub yields: Option<Vec<YieldItem>>,
    pub yield_star: bool,
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YieldItem {
    pub field: String,
    pub alias: Option<Var>,
    pub span: Span,
}

/// A variable occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Var {
    pub name: String,
    pub span: Span,
}

/// `p = shortestPath((a)-[*]-(b))`, or a plain pattern chain.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub var: Option<Var>,
    pub kind: PathKind,
    pub elem: PatternElement,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    Normal,
    Shortest,
    AllShortest,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub var: Option<Var>,
    pub labels: Vec<String>,
    pub props: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `-->`
    Right,
    /// `<--`
    Left,
    /// `--` (or `<-->`)
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub var: Option<Var>,
    pub types: Vec<String>,
    pub dir: Direction,
    /// `Some((min, max))` for a variable-length relationship: `*` is `(None, None)`,
    /// `*2` is `(Some(2), Some(2))`, `*1..3`, `*..3`, `*2..`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub props: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    In,
    StartsWith,
    EndsWith,
    Contains,
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapProjItem {
    /// `.key`
    Property(String),
    /// `key: expr`
    Literal(String, Expr),
    /// `var` (a variable entry)
    Variable(Var),
    /// `.*`
    AllProperties,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `$name` (or `$0`)
    Parameter(String),
    Variable(String),
    /// `expr.key`
    Property(Box<Expr>, String),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS NULL` (`negated`: `IS NOT NULL`)
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `expr:Label:Other`
    HasLabels(Box<Expr>, Vec<String>),
    /// `list[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `list[from..to]`
    Slice {
        expr: Box<Expr>,
        from: Option<Box<Expr>>,
        to: Option<Box<Expr>>,
    },
    /// A function call; `name` keeps its dotted, original-case form.
    Function {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | proj]`
    ListComprehension {
        var: Var,
        list: Box<Expr>,
        predicate: Option<Box<Expr>>,
        projection: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | proj]`
    PatternComprehension {
        var: Option<Var>,
        pattern: Box<PatternElement>,
        predicate: Option<Box<Expr>>,
        projection: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends.
    Quantified {
        quantifier: Quantifier,
        var: Var,
        list: Box<Expr>,
        predicate: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        acc: Var,
        init: Box<Expr>,
        var: Var,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate: `WHERE (a)-[:KNOWS]->(b)`.
    Pattern(Box<PatternElement>),
    /// `exists { MATCH ... }` or `exists((a)-->())`: a pattern with an optional WHERE.
    Exists {
        pattern: Vec<PatternPart>,
        where_: Option<Box<Expr>>,
    },
    /// `n {.name, .age, k: expr, .*}`
    MapProjection {
        var: Var,
        items: Vec<MapProjItem>,
    },
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

impl Expr {
    /// Calls `f` on each direct sub-expression (patterns' own expressions excluded).
    pub fn children<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Parameter(_) | ExprKind::Variable(_) | ExprKind::CountStar => {}
            ExprKind::Property(x, _) | ExprKind::Unary(_, x) | ExprKind::HasLabels(x, _) => f(x),
            ExprKind::IsNull { expr, .. } => f(expr),
            ExprKind::List(xs) | ExprKind::Function { args: xs, .. } => xs.iter().for_each(f),
            ExprKind::Map(kv) => kv.iter().for_each(|(_, v)| f(v)),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                f(a);
                f(b)
            }
            ExprKind::Slice { expr, from, to } => {
                f(expr);
                from.iter().for_each(|x| f(x));
                to.iter().for_each(|x| f(x));
            }
            ExprKind::Case { operand, whens, else_ } => {
                operand.iter().for_each(|x| f(x));
                for (w, t) in whens {
                    f(w);
                    f(t);
                }
                else_.iter().for_each(|x| f(x));
            }
            ExprKind::ListComprehension { list, predicate, projection, .. } => {
                f(list);
                predicate.iter().for_each(|x| f(x));
                projection.iter().for_each(|x| f(x));
            }
            ExprKind::Quantified { list, predicate, .. } => {
                f(list);
                predicate.iter().for_each(|x| f(x));
            }
            ExprKind::Reduce { init, list, expr, .. } => {
                f(init);
                f(list);
                f(expr);
            }
            ExprKind::PatternComprehension { predicate, projection, .. } => {
                predicate.iter().for_each(|x| f(x));
                f(projection);
            }
            ExprKind::Pattern(_) | ExprKind::Exists { .. } => {}
            ExprKind::MapProjection { items, .. } => {
                for it in items {
                    if let MapProjItem::Literal(_, x) = it {
                        f(x)
                    }
                }
            }
        }
    }
}
