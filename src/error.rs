//! Errors in the openCypher TCK's vocabulary: a kind (`SyntaxError`, `TypeError`, ...), a detail
//! (`UndefinedVariable`, ...), the phase it was found in, and where in the statement it points.

use std::fmt;

/// Byte range into the statement text. `Span::default()` is "nowhere in particular".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// When an error was found: before any row was produced, or while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Compile,
    Runtime,
}

impl Phase {
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
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    EntityNotFound,
    ConstraintVerificationFailed,
    ParameterMissing,
    ProcedureError,
    ResourceLimit,
}

impl Kind {
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
        }
    }
}

/// A query error. `detail` is the TCK's detail code (`UndefinedVariable`, `InvalidArgumentType`,
/// ...), or empty when none applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub phase: Phase,
    pub kind: Kind,
    pub detail: &'static str,
    pub message: String,
    pub span: Option<Span>,
    /// A "did you mean" or similar hint for people.
    pub hint: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(phase: Phase, kind: Kind, detail: &'static str, message: impl Into<String>) -> Error {
        Error { phase, kind, detail, message: message.into(), span: None, hint: None }
    }
    pub fn syntax(detail: &'static str, message: impl Into<String>, span: Span) -> Error {
        Error::new(Phase::Compile, Kind::SyntaxError, detail, message).at(span)
    }
    pub fn semantic(detail: &'static str, message: impl Into<String>, span: Span) -> Error {
        // The TCK files most compile-time checks under SyntaxError; keep that vocabulary.
        Error::new(Phase::Compile, Kind::SyntaxError, detail, message).at(span)
    }
    pub fn type_error(detail: &'static str, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, Kind::TypeError, detail, message)
    }
    pub fn argument(detail: &'static str, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, Kind::ArgumentError, detail, message)
    }
    pub fn runtime(kind: Kind, detail: &'static str, message: impl Into<String>) -> Error {
        Error::new(Phase::Runtime, kind, detail, message)
    }
    pub fn at(mut self, span: Span) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
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

/// Render an error for people: the message, the statement line, a caret under the spot, a hint.
pub fn render(err: &Error, source: &str) -> String {
    let mut out = format!("{err}");
    if let Some(span) = err.span {
        let (line, col) = line_col(source, span.start);
        let text = source.lines().nth(line - 1).unwrap_or("");
        out.push_str(&format!("\n  at line {line}, column {col}:\n  {text}\n  "));
        out.push_str(&" ".repeat(col.saturating_sub(1)));
        let width = source
            .get(span.start..span.end)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1)
            .max(1);
        out.push_str(&"^".repeat(width.min(text.chars().count().saturating_sub(col - 1)).max(1)));
    }
    if let Some(h) = &err.hint {
        out.push_str(&format!("\n  hint: {h}"));
    }
    out
}
