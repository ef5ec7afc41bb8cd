//! The typed syntax tree of a Cypher statement: purely syntactic, with spans. `syntax` builds it
//! from pest pairs; `semantic` checks it; `plan` turns it into operators.

use crate::error::Span;

/// A top-level statement, possibly prefixed by `EXPLAIN` or `PROFILE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Whether the statement runs, or is only explained or profiled.
    pub mode: Mode,
    /// The query to run.
    pub query: Query,
    /// Where the whole statement sits in the source text.
    pub span: Span,
}

/// How a statement is to be run: as written, or under `EXPLAIN` or `PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Run the query normally.
    Run,
    /// `EXPLAIN`: show the plan without running it.
    Explain,
    /// `PROFILE`: run the query and report what each operator did.
    Profile,
}

/// Single queries joined by `UNION` / `UNION ALL` (`union_all[i]` joins `parts[i]` and `parts[i+1]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The single queries, in source order.
    pub parts: Vec<SingleQuery>,
    /// One flag per `UNION` between parts: `true` for `UNION ALL`, `false` for plain `UNION`.
    pub union_all: Vec<bool>,
}

/// One query between `UNION`s: a sequence of clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    /// The clauses, in source order.
    pub clauses: Vec<Clause>,
    /// Where the query sits in the source text.
    pub span: Span,
}

/// One clause of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    /// `[OPTIONAL] MATCH pattern [WHERE ...]`.
    Match(Match),
    /// `UNWIND expr AS var`.
    Unwind(Unwind),
    /// `WITH items [WHERE ...]`.
    With(With),
    /// `RETURN items`.
    Return(Return),
    /// `CREATE pattern`.
    Create(Create),
    /// `MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`.
    Merge(Merge),
    /// `SET item, ...`.
    Set(SetClause),
    /// `REMOVE item, ...`.
    Remove(RemoveClause),
    /// `[DETACH] DELETE expr, ...`.
    Delete(Delete),
    /// `CALL proc(args) [YIELD ...]`.
    Call(Call),
    /// `CALL [(x, y)] { query } [IN TRANSACTIONS ...]`: a subquery run once per row.
    Subquery(CallSubquery),
    /// `FOREACH (x IN list | updates)`.
    Foreach(Foreach),
    /// `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR ';']`.
    LoadCsv(LoadCsv),
    /// `CREATE INDEX [name] FOR (n:Label) ON (n.key)`
    CreateIndex(IndexDef),
    /// `DROP INDEX name [IF EXISTS]`
    DropIndex {
        /// The index's name.
        name: String,
        /// `IF EXISTS`: no index of that name is not an error.
        if_exists: bool,
        /// Where the clause sits in the source text.
        span: Span,
    },
    /// `SHOW [FULLTEXT] INDEXES`
    ShowIndexes {
        /// `SHOW FULLTEXT INDEXES`: only those.
        fulltext: bool,
        /// Where the clause sits in the source text.
        span: Span,
    },
    /// `CREATE CONSTRAINT ... REQUIRE ...`
    CreateConstraint(ConstraintDef),
    /// `DROP CONSTRAINT name [IF EXISTS]`
    DropConstraint {
        /// The constraint's name.
        name: String,
        /// `IF EXISTS`: no constraint of that name is not an error.
        if_exists: bool,
        /// Where the clause sits in the source text.
        span: Span,
    },
    /// `SHOW CONSTRAINTS`, `SHOW PROCEDURES` or `SHOW FUNCTIONS`.
    Show {
        /// What is shown.
        what: Shown,
        /// Where the clause sits in the source text.
        span: Span,
    },
}

/// What a `SHOW` command lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// `SHOW CONSTRAINTS`.
    Constraints,
    /// `SHOW PROCEDURES`.
    Procedures,
    /// `SHOW FUNCTIONS`.
    Functions,
}

/// `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.key ... rule`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintDef {
    /// Its name, if given.
    pub name: Option<String>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// On relationships `()-[r:TYPE]-()` (else nodes `(n:Label)`).
    pub rel: bool,
    /// The label or type.
    pub on: String,
    /// The variable of `FOR`.
    pub var: String,
    /// The property keys.
    pub keys: Vec<String>,
    /// What it requires.
    pub rule: ConstraintRule,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// What a constraint requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintRule {
    /// `IS UNIQUE`.
    Unique,
    /// `IS NOT NULL`.
    NotNull,
    /// `IS [NODE | RELATIONSHIP] KEY`.
    Key,
    /// `IS :: TYPE` (the type as written, in capitals).
    Type(String),
}

impl Clause {
    /// Where the clause sits in the source text.
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
            Clause::Subquery(c) => c.span,
            Clause::Foreach(c) => c.span,
            Clause::LoadCsv(c) => c.span,
            Clause::CreateIndex(c) => c.span,
            Clause::DropIndex { span, .. } | Clause::ShowIndexes { span, .. } => *span,
            Clause::CreateConstraint(c) => c.span,
            Clause::DropConstraint { span, .. } | Clause::Show { span, .. } => *span,
        }
    }
}

/// The definition in `CREATE INDEX [name] FOR (n:Label) ON (n.key, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    /// The index's name, when one was given.
    pub name: Option<String>,
    /// The variable bound in `FOR (n:Label)`.
    pub var: String,
    /// The label whose nodes the index covers.
    pub label: String,
    /// The indexed property keys, in order.
    pub keys: Vec<String>,
    /// `IF NOT EXISTS`: an index that is already there (by name, or on the label and keys) is
    /// not an error.
    pub if_not_exists: bool,
    /// `CREATE FULLTEXT INDEX`: what it covers (`label` is then the first of them).
    pub fulltext: Option<FulltextTarget>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// What a full-text index covers: `FOR (n:A|B)` or `FOR ()-[r:T|U]-()`.
#[derive(Debug, Clone, PartialEq)]
pub struct FulltextTarget {
    /// Relationships (else nodes).
    pub rel: bool,
    /// The labels or types, any of which an entity may carry.
    pub on: Vec<String>,
}

/// `[OPTIONAL] MATCH pattern [WHERE predicate]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Whether this is `OPTIONAL MATCH`.
    pub optional: bool,
    /// The comma-separated pattern parts.
    pub pattern: Vec<PatternPart>,
    /// The `WHERE` predicate, if any.
    pub where_: Option<Expr>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `UNWIND expr AS var`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    /// The list expression to unwind.
    pub expr: Expr,
    /// The variable bound to each element in turn.
    pub alias: Var,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// The body shared by `WITH` and `RETURN`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Whether `DISTINCT` follows the keyword.
    pub distinct: bool,
    /// `*` as the first item.
    pub star: bool,
    /// The projected items, in order.
    pub items: Vec<ProjItem>,
    /// The `ORDER BY` sort keys, in order.
    pub order_by: Vec<SortItem>,
    /// The `SKIP` expression, if any.
    pub skip: Option<Expr>,
    /// The `LIMIT` expression, if any.
    pub limit: Option<Expr>,
}

/// One projected item: `expr [AS alias]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjItem {
    /// The expression to project.
    pub expr: Expr,
    /// The `AS` alias, if any.
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

/// One `ORDER BY` key: `expr [ASC | DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    /// The expression to sort on.
    pub expr: Expr,
    /// Whether the key sorts in descending order (`DESC`).
    pub descending: bool,
}

/// `WITH items [ORDER BY ...] [SKIP ...] [LIMIT ...] [WHERE predicate]`.
#[derive(Debug, Clone, PartialEq)]
pub struct With {
    /// The projection body.
    pub proj: Projection,
    /// The `WHERE` predicate that filters the projected rows, if any.
    pub where_: Option<Expr>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `RETURN items [ORDER BY ...] [SKIP ...] [LIMIT ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    /// The projection body.
    pub proj: Projection,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `CREATE pattern, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    /// The comma-separated pattern parts to create.
    pub pattern: Vec<PatternPart>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    /// The pattern to match, or create when it is missing.
    pub part: PatternPart,
    /// The `ON CREATE SET` items, applied when the pattern was created.
    pub on_create: Vec<SetItem>,
    /// The `ON MATCH SET` items, applied when the pattern was found.
    pub on_match: Vec<SetItem>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `SET item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    /// The items to set, in order.
    pub items: Vec<SetItem>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// One item of a `SET` clause (or of `MERGE`'s `ON CREATE SET` / `ON MATCH SET`).
#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `n.k = expr` (the target is any expression followed by a property key)
    Property {
        /// The expression whose property is set (usually a variable).
        target: Expr,
        /// The property key.
        key: String,
        /// The new value.
        value: Expr,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n = {map}`
    Replace {
        /// The node or relationship variable.
        var: Var,
        /// The map that replaces all its properties.
        value: Expr,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n += {map}`
    Merge {
        /// The node or relationship variable.
        var: Var,
        /// The map whose entries are added or overwritten.
        value: Expr,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n:A:B`
    Labels {
        /// The node variable.
        var: Var,
        /// The labels, in order.
        labels: Vec<String>,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n[key] = expr`: a property whose key is computed (Neo4j 5.26).
    Dynamic {
        /// The node or relationship variable.
        var: Var,
        /// The key, a string expression.
        key: Expr,
        /// The new value (null removes the property).
        value: Expr,
        /// Where the item sits in the source text.
        span: Span,
    },
}

/// `REMOVE item, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoveClause {
    /// The items to remove, in order.
    pub items: Vec<RemoveItem>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// One item of a `REMOVE` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    /// `n.k`: removes a property (the target is any expression followed by a property key).
    Property {
        /// The expression whose property is removed (usually a variable).
        target: Expr,
        /// The property key.
        key: String,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n:A:B`: removes labels from a node.
    Labels {
        /// The node variable.
        var: Var,
        /// The labels, in order.
        labels: Vec<String>,
        /// Where the item sits in the source text.
        span: Span,
    },
    /// `n[key]`: removes a property whose key is computed (Neo4j 5.26).
    Dynamic {
        /// The node or relationship variable.
        var: Var,
        /// The key, a string expression.
        key: Expr,
        /// Where the item sits in the source text.
        span: Span,
    },
}

/// `[DETACH] DELETE expr, ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// Whether this is `DETACH DELETE`, which also deletes a node's relationships.
    pub detach: bool,
    /// The expressions naming the nodes, relationships or paths to delete.
    pub exprs: Vec<Expr>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `CALL proc(args) [YIELD fields [WHERE predicate]]`: a procedure call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Dotted name, e.g. `db.labels`.
    pub name: String,
    /// Where the procedure name sits in the source text.
    pub name_span: Span,
    /// `None` for the implicit-argument form `CALL proc` (no parentheses).
    pub args: Option<Vec<Expr>>,
    /// `None` when there is no `YIELD`; `Some(vec![])` never happens (`YIELD *` is `star`).
    pub yields: Option<Vec<YieldItem>>,
    /// Whether the clause says `YIELD *`.
    pub yield_star: bool,
    /// The `WHERE` predicate after `YIELD`, if any.
    pub where_: Option<Expr>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `CALL [(x, y) | (*)] { query } [IN TRANSACTIONS [OF n ROWS] [ON ERROR ...]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSubquery {
    /// `OPTIONAL CALL`: an outer row the subquery returns nothing for is kept, with nulls.
    pub optional: bool,
    /// What the subquery imports from the outer query.
    pub import: Import,
    /// The subquery (its parts may be joined by `UNION`).
    pub query: Query,
    /// `IN TRANSACTIONS`, if written.
    pub in_transactions: Option<InTransactions>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// Which outer variables a `CALL` subquery sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Import {
    /// No scope clause: the subquery imports with a leading `WITH a, b` (or imports nothing).
    Leading,
    /// `CALL (a, b) { ... }`: these variables (none for `CALL () { ... }`).
    Vars(Vec<Var>),
    /// `CALL (*) { ... }`: every variable in scope.
    All,
}

/// `IN [n] [CONCURRENT] TRANSACTIONS [OF n ROWS] [ON ERROR ...] [REPORT STATUS AS s]`.
#[derive(Debug, Clone, PartialEq)]
pub struct InTransactions {
    /// Rows per transaction (`OF n ROWS`; Neo4j's default is 1000).
    pub batch: Option<Expr>,
    /// What a failed batch does.
    pub on_error: OnError,
    /// `REPORT STATUS AS s`: the variable bound to each row's batch status.
    pub report: Option<Var>,
    /// Whether `CONCURRENT` was written (batches still run one after another here).
    pub concurrent: bool,
    /// Where it sits in the source text.
    pub span: Span,
}

/// `ON ERROR CONTINUE | BREAK | FAIL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// The failed batch is rolled back and the next one runs.
    Continue,
    /// The failed batch is rolled back and no further batch runs.
    Break,
    /// The statement fails (batches committed before stay committed).
    Fail,
}

/// `FOREACH (var IN list | update clauses)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Foreach {
    /// The variable bound to each element.
    pub var: Var,
    /// The list.
    pub list: Expr,
    /// The updating clauses run for each element.
    pub clauses: Vec<Clause>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// `LOAD CSV [WITH HEADERS] FROM url AS var [FIELDTERMINATOR 'c']`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCsv {
    /// `WITH HEADERS`: rows are maps keyed by the first line's fields; else lists of strings.
    pub headers: bool,
    /// The file's URL (`file:///...` or a path).
    pub from: Expr,
    /// The variable bound to each row.
    pub var: Var,
    /// The field separator, if not `,`.
    pub terminator: Option<String>,
    /// Where the clause sits in the source text.
    pub span: Span,
}

/// One `YIELD` item: `field [AS alias]`.
#[derive(Debug, Clone, PartialEq)]
pub struct YieldItem {
    /// The name of the procedure's output field.
    pub field: String,
    /// The `AS` alias, if any.
    pub alias: Option<Var>,
    /// Where the item sits in the source text.
    pub span: Span,
}

/// A variable occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Var {
    /// The variable's name.
    pub name: String,
    /// Where this occurrence sits in the source text.
    pub span: Span,
}

/// `p = shortestPath((a)-[*]-(b))`, or a plain pattern chain.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    /// The path variable `p` in `p = ...`, if any.
    pub var: Option<Var>,
    /// Whether the part is a plain pattern or a `shortestPath` / `allShortestPaths` call.
    pub kind: PathKind,
    /// The pattern chain itself.
    pub elem: PatternElement,
    /// Where the part sits in the source text.
    pub span: Span,
}

/// Which paths a pattern part stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A plain pattern: every path that matches.
    Normal,
    /// `shortestPath(...)`: one shortest matching path.
    Shortest,
    /// `allShortestPaths(...)`: every shortest matching path.
    AllShortest,
}

/// A chain of node and relationship patterns: `(a)-[r]->(b)<-[s]-(c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    /// The first node pattern.
    pub start: NodePattern,
    /// Each following relationship pattern with the node pattern it leads to.
    pub chain: Vec<(RelPattern, NodePattern)>,
}

/// A node pattern: `(var:Label:Other {props})`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    /// The node variable, if any.
    pub var: Option<Var>,
    /// The labels the node must have (or, in `CREATE`, will get).
    pub labels: Vec<String>,
    /// The property map expression, if any.
    pub props: Option<Expr>,
    /// A condition written inside the pattern (a label expression such as `:A|B`, or
    /// `WHERE ...`); lowering moves it into the clause's `WHERE`, so later stages never see it.
    pub predicate: Option<Box<Expr>>,
    /// Where the node pattern sits in the source text.
    pub span: Span,
}

/// The direction of a relationship pattern, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `-->`
    Right,
    /// `<--`
    Left,
    /// `--` (or `<-->`)
    Both,
}

/// A relationship pattern: `-[var:TYPE|OTHER*min..max {props}]->`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    /// The relationship variable, if any.
    pub var: Option<Var>,
    /// The allowed relationship types (any type when empty).
    pub types: Vec<String>,
    /// The direction the arrow points.
    pub dir: Direction,
    /// `Some((min, max))` for a variable-length relationship: `*` is `(None, None)`,
    /// `*2` is `(Some(2), Some(2))`, `*1..3`, `*..3`, `*2..`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    /// The property map expression, if any.
    pub props: Option<Expr>,
    /// `WHERE ...` written inside the pattern; lowering moves it into the clause's `WHERE`.
    pub predicate: Option<Box<Expr>>,
    /// Where the relationship pattern sits in the source text.
    pub span: Span,
}

/// An expression with its place in the source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression this is, with its parts.
    pub kind: ExprKind,
    /// Where the expression sits in the source text.
    pub span: Span,
}

/// A literal constant written in the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string literal, with escapes already resolved.
    String(String),
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `NOT x`.
    Not,
    /// `-x`.
    Neg,
    /// `+x`.
    Plus,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a OR b`.
    Or,
    /// `a XOR b`.
    Xor,
    /// `a AND b`.
    And,
    /// `a = b`.
    Eq,
    /// `a <> b`.
    Ne,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a > b`.
    Gt,
    /// `a >= b`.
    Ge,
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a % b`.
    Mod,
    /// `a ^ b`.
    Pow,
    /// `x IN list`.
    In,
    /// `a STARTS WITH b`.
    StartsWith,
    /// `a ENDS WITH b`.
    EndsWith,
    /// `a CONTAINS b`.
    Contains,
    /// `a =~ regex`.
    Regex,
}

/// The quantifier of a list predicate such as `all(x IN list WHERE pred)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `all(...)`: true when every element satisfies the predicate.
    All,
    /// `any(...)`: true when at least one element satisfies the predicate.
    Any,
    /// `none(...)`: true when no element satisfies the predicate.
    None,
    /// `single(...)`: true when exactly one element satisfies the predicate.
    Single,
}

/// One entry of a map projection `n {...}`.
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

/// The kind of an expression, with its sub-expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal constant.
    Literal(Literal),
    /// `$name` (or `$0`)
    Parameter(String),
    /// A variable reference.
    Variable(String),
    /// `expr.key`
    Property(Box<Expr>, String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{key: expr, ...}`.
    Map(Vec<(String, Expr)>),
    /// A prefix operator applied to an operand.
    Unary(UnaryOp, Box<Expr>),
    /// An infix operator applied to two operands.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `expr IS NULL` (`negated`: `IS NOT NULL`)
    IsNull {
        /// The expression to test.
        expr: Box<Expr>,
        /// Whether the test is `IS NOT NULL`.
        negated: bool,
    },
    /// `expr:Label:Other`
    HasLabels(Box<Expr>, Vec<String>),
    /// `list[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `list[from..to]`
    Slice {
        /// The list being sliced.
        expr: Box<Expr>,
        /// The start bound, if any.
        from: Option<Box<Expr>>,
        /// The end bound, if any.
        to: Option<Box<Expr>>,
    },
    /// A function call; `name` keeps its dotted, original-case form.
    Function {
        /// The function name as written.
        name: String,
        /// Whether the arguments are preceded by `DISTINCT`, as in `count(DISTINCT x)`.
        distinct: bool,
        /// The arguments, in order.
        args: Vec<Expr>,
    },
    /// `count(*)`
    CountStar,
    /// `CASE [operand] WHEN ... THEN ... [ELSE ...] END`.
    Case {
        /// The expression compared against each `WHEN` (the simple form), or `None` for the generic
        /// form.
        operand: Option<Box<Expr>>,
        /// The `WHEN` / `THEN` pairs, in order.
        whens: Vec<(Expr, Expr)>,
        /// The `ELSE` expression, if any.
        else_: Option<Box<Expr>>,
    },
    /// `[x IN list WHERE pred | proj]`
    ListComprehension {
        /// The variable bound to each element.
        var: Var,
        /// The list to iterate over.
        list: Box<Expr>,
        /// The `WHERE` filter, if any.
        predicate: Option<Box<Expr>>,
        /// The `|` projection, if any.
        projection: Option<Box<Expr>>,
    },
    /// `[p = (a)-->(b) WHERE pred | proj]`
    PatternComprehension {
        /// The path variable `p`, if any.
        var: Option<Var>,
        /// The pattern to match.
        pattern: Box<PatternElement>,
        /// The `WHERE` filter, if any.
        predicate: Option<Box<Expr>>,
        /// The `|` projection, evaluated once per match.
        projection: Box<Expr>,
    },
    /// `all(x IN list WHERE pred)` and friends.
    Quantified {
        /// Which quantifier (`all`, `any`, `none` or `single`).
        quantifier: Quantifier,
        /// The variable bound to each element.
        var: Var,
        /// The list to test.
        list: Box<Expr>,
        /// The `WHERE` predicate, if any.
        predicate: Option<Box<Expr>>,
    },
    /// `reduce(acc = init, x IN list | expr)`
    Reduce {
        /// The accumulator variable.
        acc: Var,
        /// The accumulator's initial value.
        init: Box<Expr>,
        /// The variable bound to each element.
        var: Var,
        /// The list to fold over.
        list: Box<Expr>,
        /// The expression giving the next accumulator value.
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate: `WHERE (a)-[:KNOWS]->(b)`.
    Pattern(Box<PatternElement>),
    /// `exists { MATCH ... }` or `exists((a)-->())`: a pattern with an optional WHERE.
    Exists {
        /// The pattern parts to look for.
        pattern: Vec<PatternPart>,
        /// The `WHERE` predicate, if any.
        where_: Option<Box<Expr>>,
    },
    /// `EXISTS { query }`, `COUNT { query }` or `COLLECT { query }` (a pattern body is a
    /// query of one `MATCH`).
    Subquery {
        /// Which of the three.
        kind: SubqueryKind,
        /// The subquery; it sees every variable in scope.
        query: Box<Query>,
    },
    /// `n {.name, .age, k: expr, .*}`
    MapProjection {
        /// The map's source variable.
        var: Var,
        /// The entries, in order.
        items: Vec<MapProjItem>,
    },
}

/// Which subquery expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubqueryKind {
    /// `EXISTS { ... }`: whether it has a row.
    Exists,
    /// `COUNT { ... }`: how many rows it has.
    Count,
    /// `COLLECT { ... }`: its single column's values, as a list.
    Collect,
}

impl Expr {
    /// Makes an expression of the given kind at the given span.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Whether `other` is the same expression, wherever each is written.
    pub fn same_as(&self, other: &Expr) -> bool {
        // Debug output with the spans taken out is a cheap structural key.
        fn shape(e: &Expr) -> String {
            let s = format!("{:?}", e.kind);
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(i) = rest.find("span: Span {") {
                out.push_str(&rest[..i]);
                let tail = &rest[i..];
                rest = &tail[tail.find('}').map_or(tail.len(), |j| j + 1)..];
            }
            out.push_str(rest);
            out
        }
        shape(self) == shape(other)
    }
}

impl BinaryOp {
    /// The operator that compares `b` with `a` as this one compares `a` with `b` (`<` for
    /// `>`); the others are their own.
    pub fn flipped(self) -> BinaryOp {
        match self {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::Ge => BinaryOp::Le,
            o => o,
        }
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
            ExprKind::Pattern(_) | ExprKind::Exists { .. } | ExprKind::Subquery { .. } => {}
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
