//! Errors of the files silkgraph reads and writes (graph files, CSV, JSON, snapshots, exports):
//! which file, where in it, and what kind of problem, so that a caller can act on the kind (the
//! CLI adds its own hints by it) and a renderer can place it.

use std::fmt;
use std::path::Path;

/// What kind of problem a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    /// The file exists and was not to be replaced.
    Exists,
    /// The file could not be read or written: missing, not permitted, a full disk.
    Io,
    /// The file is not of a kind that can be used here: a directory, a read-only file, a link
    /// that leads nowhere.
    Unusable,
    /// The file's content is not what its form requires: a bad CSV cell, JSON, snapshot or script.
    Invalid,
}

/// A file error: the problem, the place and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// What kind of problem it is.
    pub problem: FileProblem,
    /// The file, as the user named it.
    pub path: String,
    /// The 1-based line, when the problem is at one.
    pub line: Option<u64>,
    /// The 1-based column (in characters) on that line, when known.
    pub column: Option<u64>,
    /// The field (a CSV column, by its header as written), when the problem is in one.
    pub field: Option<String>,
    /// What went wrong, in words for people.
    pub message: String,
}

impl FileError {
    /// A problem with the file as a whole.
    pub fn new(problem: FileProblem, path: impl AsRef<Path>, message: impl Into<String>) -> FileError {
        FileError {
            problem,
            path: path.as_ref().display().to_string(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }
    /// A file whose content is not what its form requires.
    pub fn invalid(path: impl AsRef<Path>, message: impl Into<String>) -> FileError {
        FileError::new(FileProblem::Invalid, path, message)
    }
    /// A file that exists and was not to be replaced (the CLI says how to replace it).
    pub fn exists(path: impl AsRef<Path>) -> FileError {
        let shown = path.as_ref().display().to_string();
        FileError::new(FileProblem::Exists, path, format!("{shown} exists"))
    }
    /// JSON that does not parse: `what` the file should have been, placed at the line and
    /// column serde_json names (its own text repeats them at its end, so they are cut there).
    pub fn json(path: impl AsRef<Path>, what: &str, e: &serde_json::Error) -> FileError {
        let text = e.to_string();
        match e.line() {
            0 => FileError::invalid(path, format!("{what}: {text}")),
            line => {
                let said = format!(" at line {line} column {}", e.column());
                let text = text.strip_suffix(&said).unwrap_or(&text);
                FileError::invalid(path, format!("{what}: {text}")).at(line as u64, Some(e.column() as u64))
            }
        }
    }
    /// A file that could not be read or written, with the system's reason.
    pub fn io(path: impl AsRef<Path>, doing: &str, e: &std::io::Error) -> FileError {
        let shown = path.as_ref().display().to_string();
        FileError::new(FileProblem::Io, path, format!("cannot {doing} {shown}: {e}"))
    }
    /// The error at a line (and column, when given).
    pub fn at(mut self, line: u64, column: Option<u64>) -> FileError {
        self.line = Some(line);
        self.column = column;
        self
    }
    /// The error in a field.
    pub fn in_field(mut self, field: impl Into<String>) -> FileError {
        self.field = Some(field.into());
        self
    }
    /// The error as found inside `outer` (a CSV file of a directory, a script of a graph):
    /// the path becomes `outer`'s, unless this one already names a file in it.
    pub fn within(mut self, outer: impl AsRef<Path>) -> FileError {
        if self.path.is_empty() {
            self.path = outer.as_ref().display().to_string();
        }
        self
    }
}

impl fmt::Display for FileError {
    /// `path:line:column: column `header`: message`, each part only when known. A message that
    /// already names the file (an I/O error does) is not prefixed again.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = String::new();
        if !self.path.is_empty() && (self.line.is_some() || !self.message.contains(&self.path)) {
            place.push_str(&self.path);
        }
        if let Some(l) = self.line {
            let sep = if place.is_empty() { "" } else { ":" };
            place.push_str(&format!("{sep}{l}"));
            if let Some(c) = self.column {
                place.push_str(&format!(":{c}"));
            }
        }
        if !place.is_empty() {
            write!(f, "{place}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "column `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for FileError {}

impl From<FileError> for String {
    fn from(e: FileError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Detail, Error, Kind};

    #[test]
    fn a_file_error_says_where_as_much_as_is_known() {
        let e = FileError::invalid("g/nodes.csv", "`x3` is not an integer").at(3, None).in_field("age:int");
        assert_eq!(e.to_string(), "g/nodes.csv:3: column `age:int`: `x3` is not an integer");
        let e = FileError::invalid("", "not JSON: expected value").at(1, Some(65));
        assert_eq!(e.to_string(), "1:65: not JSON: expected value");
        assert_eq!(e.within("g.json").to_string(), "g.json:1:65: not JSON: expected value");
        // A message that names the file already is not prefixed with it again.
        let e = FileError::io("out.svg", "write", &std::io::Error::other("disk full"));
        assert_eq!(e.to_string(), "cannot write out.svg: disk full");
        assert_eq!(e.problem, FileProblem::Io);
    }

    #[test]
    fn a_file_error_met_while_running_is_a_query_error_with_its_place() {
        let e: Error = FileError::invalid("a.csv", "bad").at(2, None).into();
        assert_eq!((e.kind, e.detail), (Kind::ArgumentError, Detail::InvalidFile));
        assert_eq!(e.message, "a.csv:2: bad");
        let e: Error = FileError::new(FileProblem::Exists, "a.svg", "a.svg exists").into();
        assert_eq!(e.detail, Detail::FileExists);
    }
}
