//! Errors in the openCypher TCK's vocabulary: a kind (`SyntaxError`, `TypeError`, ...), a detail
//! (`UndefinedVariable`, ...), the phase it was found in, and where in the statement it points.

use std::fmt;

mod file;

pub use file::{FileError, FileProblem};

/// Byte range into the statement text. `Span::default()` is "nowhere in particular".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte (the range excludes it).
    pub end: usize,
}

impl Span {
    /// The span from byte `start` up to, but not including, byte `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// When an error was found: before any row was produced, or while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Found while parsing, checking or planning the statement, before it ran.
    Compile,
    /// Found while the statement ran, such as a division by zero or a limit reached.
    Runtime,
}

impl Phase {
    /// The phase as the JSON contract writes it: `compile` or `runtime`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Compile => "compile",
            Phase::Runtime => "runtime",
        }
    }
}

/// The TCK's error types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The text is not valid Cypher, or breaks a rule checked before it runs (an undefined variable,
    /// a misplaced aggregate): the TCK files most compile-time checks under this kind.
    SyntaxError,
    /// A well-formed statement that cannot be carried out as written, found while it runs: an index
    /// that already exists or does not exist, a `MERGE` on a null property value.
    SemanticError,
    /// A value of the wrong type for an operator or a function, or one that cannot be stored as a property.
    TypeError,
    /// A value of the right type that is not accepted: a division by zero, an integer overflow, a
    /// number out of range, a bad argument to a function.
    ArgumentError,
    /// A node or relationship that was deleted is read or written.
    EntityNotFound,
    /// A change would leave the graph inconsistent, such as deleting a node that still has
    /// relationships without `DETACH`.
    ConstraintVerificationFailed,
    /// The statement uses a `$parameter` that was not given.
    ParameterMissing,
    /// A `CALL` names no known procedure, or the procedure failed while running.
    ProcedureError,
    /// The statement went past a limit (rows, memory, hops, time, list size, nesting, complexity),
    /// ran out of property storage, or was cancelled.
    ResourceLimit,
    /// A transaction used wrongly: none open, one already open, one that failed.
    TransactionError,
    /// The database could not keep a change (a full disk, a read-only file) or open.
    DatabaseError,
    /// A failure that may pass if the transaction is run again: the write lock was held too
    /// long, or another transaction committed first. Drivers retry these.
    TransientError,
}

impl Kind {
    /// The kind's name as the JSON contract and the TCK write it, such as `SyntaxError`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SyntaxError => "SyntaxError",
            Kind::SemanticError => "SemanticError",
            Kind::TypeError => "TypeError",
            Kind::ArgumentError => "ArgumentError",
            Kind::EntityNotFound => "EntityNotFound",
            Kind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            Kind::ParameterMissing => "ParameterMissing",
            Kind::ProcedureError => "ProcedureError",
            Kind::ResourceLimit => "ResourceLimit",
            Kind::TransactionError => "TransactionError",
            Kind::DatabaseError => "DatabaseError",
            Kind::TransientError => "TransientError",
        }
    }
}

/// A closed set of error details: the openCypher TCK's detail codes, and silkgraph's own where
/// the TCK has none. Its text (`as_str`) is what the JSON contract and the TCK runner read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detail {
    /// No detail applies.
    None,
    /// A projection mixes an aggregate with an expression of non-grouping variables.
    AmbiguousAggregationExpression,
    /// The statement was cancelled (Ctrl-C, or a client's request).
    Cancelled,
    /// A commit the database could not make durable; the transaction was rolled back.
    CommitFailed,
    /// Two projected columns have the same name.
    ColumnNameConflict,
    /// A constraint of that name, or another on the same label and properties, exists.
    ConstraintAlreadyExists,
    /// A constraint cannot be made because the graph already breaks it.
    ConstraintCreationFailed,
    /// No constraint has that name.
    ConstraintNotFound,
    /// A write broke a constraint; the statement changed nothing.
    ConstraintValidationFailed,
    /// CREATE or MERGE was given a variable-length relationship.
    CreatingVarLength,
    /// A node with relationships was deleted without DETACH.
    DeleteConnectedNode,
    /// A deleted node or relationship was read or written.
    DeletedEntityAccess,
    /// The parts of a UNION return different columns.
    DifferentColumnsInUnion,
    /// Integer division or modulo by zero.
    DivisionByZero,
    /// The same constraint (rule, label and properties) exists.
    EquivalentSchemaRuleAlreadyExists,
    /// A file `LOAD CSV` names cannot be read: missing, outside the import directory, or not CSV.
    ExternalResourceFailed,
    /// A file that was not to be replaced exists.
    FileExists,
    /// A float literal is too large.
    FloatingPointOverflow,
    /// An index of that name or on that label and property exists.
    IndexAlreadyExists,
    /// No index has that name.
    IndexNotFound,
    /// An integer result or literal does not fit in 64 bits.
    IntegerOverflow,
    /// An aggregate where none is allowed.
    InvalidAggregation,
    /// A value of the wrong type was given to an operator or function.
    InvalidArgumentType,
    /// A value of the right type but outside what is accepted.
    InvalidArgumentValue,
    /// A file's content is not what its form requires: a bad CSV cell, JSON, snapshot or script.
    InvalidFile,
    /// Clauses in an order the language does not allow.
    InvalidClauseComposition,
    /// DELETE of something that is not a node, relationship or path.
    InvalidDelete,
    /// A malformed number.
    InvalidNumberLiteral,
    /// A function called with too few or too many arguments.
    InvalidNumberOfArguments,
    /// A parameter where the language does not allow one.
    InvalidParameterUse,
    /// A property value of a type the store cannot hold (a map, a node, a list of mixed types).
    InvalidPropertyType,
    /// A malformed relationship pattern.
    InvalidRelationshipPattern,
    /// A character that looks like an operator but is not one (such as an en dash).
    InvalidUnicodeCharacter,
    /// A malformed \\u escape.
    InvalidUnicodeLiteral,
    /// A list past the size a statement may build.
    ListTooLarge,
    /// The rows a statement holds passed the memory limit.
    MemoryLimit,
    /// MERGE would read what it created itself.
    MergeReadOwnWrites,
    /// A parameter the statement uses was not given.
    MissingParameter,
    /// Another write transaction held the write lock past the wait.
    LockTimeout,
    /// A request named a database the server does not serve.
    DatabaseNotFound,
    /// Another transaction committed after this one began reading, before it wrote.
    Outdated,
    /// A write on a read-only database, or in a read transaction.
    WriteOnReadOnly,
    /// `:commit` or `:rollback` with no transaction open.
    NoTransaction,
    /// A negative integer where a count or index must not be negative.
    NegativeIntegerArgument,
    /// An aggregate inside another aggregate.
    NestedAggregation,
    /// Brackets nested deeper than the parser allows.
    NestingDepth,
    /// A WITH item that is not a variable needs AS.
    NoExpressionAlias,
    /// CREATE or MERGE of a relationship needs exactly one type.
    NoSingleRelationshipType,
    /// RETURN * or WITH * with no variables.
    NoVariablesInScope,
    /// An expression that must be constant is not (rand() in an aggregate).
    NonConstantExpression,
    /// A number outside the range an operation takes.
    NumberOutOfRange,
    /// A variable-length pattern without an upper bound found a path past the hop limit.
    PathLengthLimit,
    /// An iterative algorithm did not converge.
    PowerIterationFailedConvergence,
    /// A procedure failed while running.
    ProcedureCallFailed,
    /// No procedure has that name.
    ProcedureNotFound,
    /// The property store cannot hold the write.
    PropertyStorageFull,
    /// The statement is too large or too deep to plan.
    QueryTooComplex,
    /// A pattern would use one relationship twice.
    RelationshipUniquenessViolation,
    /// CREATE of a relationship without a direction.
    RequiresDirectedRelationship,
    /// The statement returned more rows than the row limit.
    RowLimit,
    /// `:begin` while a transaction is open.
    TransactionAlreadyOpen,
    /// A statement of the transaction failed: it can only be rolled back.
    TransactionFailed,
    /// The statement ran past its time limit.
    Timeout,
    /// A variable that is not in scope.
    UndefinedVariable,
    /// Cypher that Neo4j runs and silkgraph does not (yet): the message names the alternative.
    UnsupportedFeature,
    /// Text the grammar does not accept.
    UnexpectedSyntax,
    /// No function has that name.
    UnknownFunction,
    /// A variable bound again where it must be new.
    VariableAlreadyBound,
    /// A variable used as two kinds (a node and a relationship).
    VariableTypeConflict,
}

impl Detail {
    /// The code as text (`""` for `None`).
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::None => "",
            Detail::AmbiguousAggregationExpression => "AmbiguousAggregationExpression",
            Detail::Cancelled => "Cancelled",
            Detail::CommitFailed => "CommitFailed",
            Detail::ColumnNameConflict => "ColumnNameConflict",
            Detail::ConstraintAlreadyExists => "ConstraintAlreadyExists",
            Detail::ConstraintCreationFailed => "ConstraintCreationFailed",
            Detail::ConstraintNotFound => "ConstraintNotFound",
            Detail::ConstraintValidationFailed => "ConstraintValidationFailed",
            Detail::CreatingVarLength => "CreatingVarLength",
            Detail::DeleteConnectedNode => "DeleteConnectedNode",
            Detail::DeletedEntityAccess => "DeletedEntityAccess",
            Detail::DifferentColumnsInUnion => "DifferentColumnsInUnion",
            Detail::DivisionByZero => "DivisionByZero",
            Detail::EquivalentSchemaRuleAlreadyExists => "EquivalentSchemaRuleAlreadyExists",
            Detail::ExternalResourceFailed => "ExternalResourceFailed",
            Detail::FileExists => "FileExists",
            Detail::FloatingPointOverflow => "FloatingPointOverflow",
            Detail::IndexAlreadyExists => "IndexAlreadyExists",
            Detail::IndexNotFound => "IndexNotFound",
            Detail::IntegerOverflow => "IntegerOverflow",
            Detail::InvalidAggregation => "InvalidAggregation",
            Detail::InvalidArgumentType => "InvalidArgumentType",
            Detail::InvalidArgumentValue => "InvalidArgumentValue",
            Detail::InvalidFile => "InvalidFile",
            Detail::InvalidClauseComposition => "InvalidClauseComposition",
            Detail::InvalidDelete => "InvalidDelete",
            Detail::InvalidNumberLiteral => "InvalidNumberLiteral",
            Detail::InvalidNumberOfArguments => "InvalidNumberOfArguments",
            Detail::InvalidParameterUse => "InvalidParameterUse",
            Detail::InvalidPropertyType => "InvalidPropertyType",
            Detail::InvalidRelationshipPattern => "InvalidRelationshipPattern",
            Detail::InvalidUnicodeCharacter => "InvalidUnicodeCharacter",
            Detail::InvalidUnicodeLiteral => "InvalidUnicodeLiteral",
            Detail::ListTooLarge => "ListTooLarge",
            Detail::MemoryLimit => "MemoryLimit",
            Detail::MergeReadOwnWrites => "MergeReadOwnWrites",
            Detail::MissingParameter => "MissingParameter",
            Detail::NoTransaction => "NoTransaction",
            Detail::LockTimeout => "LockTimeout",
            Detail::DatabaseNotFound => "DatabaseNotFound",
            Detail::Outdated => "Outdated",
            Detail::WriteOnReadOnly => "WriteOnReadOnly",
            Detail::NegativeIntegerArgument => "NegativeIntegerArgument",
            Detail::NestedAggregation => "NestedAggregation",
            Detail::NestingDepth => "NestingDepth",
            Detail::NoExpressionAlias => "NoExpressionAlias",
            Detail::NoSingleRelationshipType => "NoSingleRelationshipType",
            Detail::NoVariablesInScope => "NoVariablesInScope",
            Detail::NonConstantExpression => "NonConstantExpression",
            Detail::NumberOutOfRange => "NumberOutOfRange",
            Detail::PathLengthLimit => "PathLengthLimit",
            Detail::PowerIterationFailedConvergence => "PowerIterationFailedConvergence",
            Detail::ProcedureCallFailed => "ProcedureCallFailed",
            Detail::ProcedureNotFound => "ProcedureNotFound",
            Detail::PropertyStorageFull => "PropertyStorageFull",
            Detail::QueryTooComplex => "QueryTooComplex",
            Detail::RelationshipUniquenessViolation => "RelationshipUniquenessViolation",
            Detail::RequiresDirectedRelationship => "RequiresDirectedRelationship",
            Detail::RowLimit => "RowLimit",
            Detail::TransactionAlreadyOpen => "TransactionAlreadyOpen",
            Detail::TransactionFailed => "TransactionFailed",
            Detail::Timeout => "Timeout",
            Detail::UndefinedVariable => "UndefinedVariable",
            Detail::UnsupportedFeature => "UnsupportedFeature",
            Detail::UnexpectedSyntax => "UnexpectedSyntax",
            Detail::UnknownFunction => "UnknownFunction",
            Detail::VariableAlreadyBound => "VariableAlreadyBound",
            Detail::VariableTypeConflict => "VariableTypeConflict",
        }
    }

    /// Whether this is `Detail::None`: no detail applies.
    pub fn is_empty(self) -> bool {
        self == Detail::None
    }
}

impl PartialEq<&str> for Detail {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A query error. `detail` is the TCK's detail code (`UndefinedVariable`, `InvalidArgumentType`,
/// ...), or empty when none applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// When the error was found.
    pub phase: Phase,
    /// The TCK's error type.
    pub kind: Kind,
    /// The detail code, or `Detail::None`.
    pub detail: Detail,
    /// What went wrong, in words for people.
    pub message: String,
    /// Where in the statement text the error points, if anywhere.
    pub span: Option<Span>,
    /// A "did you mean" or similar hint for people.
    pub hint: Option<String>,
}

/// A result whose error is a query `Error`.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error that points nowhere yet and has no hint.
    pub fn new(phase: Phase, kind: Kind, detail: Detail, message: impl Into<String>) -> Error {
        Error { phase, kind, detail, message: message.into(), span: None, hint: None }
    }
    /// A compile-time `SyntaxError` pointing at `span`.
    pub fn syntax(detail: Detail, message: impl Into<String>, span: Span) -> Error {
        Error::new(Phase::Compile, Kind::SyntaxError, detail, message).at(span)
    }
    /// A compile-time error of a check made after parsing, pointing at `span`; its kind is
    /// `SyntaxError`, as in the TCK.
    pub fn semantic(detail: Detail, message: impl Into<String>, span: Span) -> Error {
        // The TCK files most compile-time checks under SyntaxError; keep that vocabulary.
        Error::new(Phase::Compile, Kind::SyntaxError, detail, message).at(span)
    }
    /// A runtime `TypeError`.
    pub fn type_error(detail: Detail, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, Kind::TypeError, detail, message)
    }
    /// A runtime `ArgumentError`.
    pub fn argument(detail: Detail, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, Kind::ArgumentError, detail, message)
    }
    /// A runtime error of the given kind.
    pub fn runtime(kind: Kind, detail: Detail, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, kind, detail, message)
    }
    /// The error pointing at `span`, unless it already points somewhere. A statement stopped by
    /// its time limit or a cancel is not placed: it stopped wherever it was when the time ran
    /// out, and the statement as a whole is what took too long.
    pub fn at(mut self, span: Span) -> Error {
        if self.span.is_none() && !matches!(self.detail, Detail::Timeout | Detail::Cancelled) {
            self.span = Some(span);
        }
        self
    }
    /// [`Error::at`] the span, if there is one.
    pub fn at_opt(self, span: Option<Span>) -> Error {
        match span {
            Some(s) => self.at(s),
            None => self,
        }
    }
    /// The error with `hint` as its hint, replacing any it had.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
    /// The error with a hint, when there is one.
    pub fn with_hint_opt(mut self, hint: Option<&str>) -> Error {
        if let Some(h) = hint {
            self.hint = Some(h.to_string());
        }
        self
    }
    /// The error marked as found at compile time, whatever phase it was made with.
    pub fn compile_time(mut self) -> Error {
        self.phase = Phase::Compile;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

impl From<FileError> for Error {
    /// A file error met while running (an export a procedure writes, a file a statement reads):
    /// its place goes into the message.
    fn from(e: FileError) -> Error {
        let (kind, detail) = match e.problem {
            FileProblem::Invalid => (Kind::ArgumentError, Detail::InvalidFile),
            FileProblem::Exists => (Kind::DatabaseError, Detail::FileExists),
            FileProblem::Io | FileProblem::Unusable => (Kind::DatabaseError, Detail::ExternalResourceFailed),
        };
        Error::runtime(kind, detail, e.to_string())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An error as the JSON contract writes it (the `error` object of a `jsonl` line): its phase,
/// kind, detail, message, the line and column it points at in `source`, and its hint.
pub fn to_json(err: &Error, source: &str) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    o.insert("phase".into(), err.phase.as_str().into());
    o.insert("kind".into(), err.kind.as_str().into());
    if !err.detail.is_empty() {
        o.insert("detail".into(), err.detail.as_str().into());
    }
    o.insert("message".into(), err.message.clone().into());
    if let Some(span) = err.span {
        let (line, column) = line_col(source, span.start);
        o.insert("line".into(), line.into());
        o.insert("column".into(), column.into());
    }
    if let Some(h) = &err.hint {
        o.insert("hint".into(), h.clone().into());
    }
    serde_json::json!({ "error": o })
}

impl serde::Serialize for Error {
    /// The fields of [`to_json`] without a source to place the span in: the span as byte
    /// offsets instead of a line and column.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("phase", self.phase.as_str())?;
        m.serialize_entry("kind", self.kind.as_str())?;
        if !self.detail.is_empty() {
            m.serialize_entry("detail", self.detail.as_str())?;
        }
        m.serialize_entry("message", &self.message)?;
        if let Some(span) = self.span {
            m.serialize_entry("start", &span.start)?;
            m.serialize_entry("end", &span.end)?;
        }
        if let Some(h) = &self.hint {
            m.serialize_entry("hint", h)?;
        }
        m.end()
    }
}

/// Whether a terminal would act on `c` rather than show it: a control character, or a mark
/// that reorders text (U+202A–U+202E, U+2066–U+2069).
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unprintable character written as a `\u{..}` escape (a line break as `\n`).
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            c if is_unprintable(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Characters of the statement line shown around an error's place, at most.
const SHOWN: usize = 100;

/// Render an error for people: the message, the statement line (a window of it around the place
/// when it is long, unprintable characters shown as `·`), a caret under the spot, a hint.
pub fn render(err: &Error, source: &str) -> String {
    let mut out = printable(&err.to_string()).into_owned();
    if let Some(span) = err.span {
        let (line, col) = line_col(source, span.start);
        let text = source.lines().nth(line - 1).unwrap_or("");
        let chars: Vec<char> = text.chars().collect();
        let at = (col - 1).min(chars.len());
        let from = if chars.len() <= SHOWN { 0 } else { at.saturating_sub(SHOWN * 2 / 5) };
        let to = chars.len().min(from + SHOWN);
        let shown: String = chars[from..to].iter().map(|&c| if is_unprintable(c) { '·' } else { c }).collect();
        let (lead, tail) = (if from > 0 { "…" } else { "" }, if to < chars.len() { "…" } else { "" });
        out.push_str(&format!("\n  at line {line}, column {col}:\n  {lead}{shown}{tail}\n  "));
        out.push_str(&" ".repeat(at - from + lead.chars().count()));
        let width = source
            .get(span.start..span.end)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1)
            .max(1);
        out.push_str(&"^".repeat(width.min(to.saturating_sub(at)).max(1)));
    }
    if let Some(h) = &err.hint {
        out.push_str(&format!("\n  hint: {}", printable(h)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_json_form_with_the_place_and_one_without() {
        let e = Error::semantic(Detail::UndefinedVariable, "variable `x` is not defined", Span::new(14, 15))
            .with_hint("did you mean `n`?");
        let j = to_json(&e, "MATCH (n)\nRETURN x");
        assert_eq!(j["error"]["detail"], "UndefinedVariable");
        assert_eq!((j["error"]["line"].as_u64(), j["error"]["column"].as_u64()), (Some(2), Some(5)));
        let s = serde_json::to_value(&e).unwrap();
        assert_eq!((s["kind"].as_str(), s["start"].as_u64()), (Some("SyntaxError"), Some(14)));
        assert_eq!(s["hint"], "did you mean `n`?");
        let none = Error::runtime(Kind::ArgumentError, Detail::None, "x");
        assert!(to_json(&none, "")["error"].get("detail").is_none());
    }
}
