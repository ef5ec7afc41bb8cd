//! Splitting a script into statements at top-level `;`, and telling whether an input is
//! complete: a lexical scan that knows strings, backtick names, comments and brackets. Used by
//! the script runner (so earlier statements run before a later one fails to parse) and by the
//! REPL's multi-line input. Built on the one lexer, [`crate::syntax::lexer`].

use crate::syntax::lexer::{is_space, lexemes, Lexeme};

/// The lexical state at the end of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Openness {
    /// Nothing open.
    Closed,
    /// Inside a string, a backtick name or a block comment.
    InToken,
    /// Brackets still open.
    InBrackets,
}

/// Byte ranges of the statements of a script, trimmed, without their `;`. Empty statements
/// (only whitespace or comments) are left out.
pub fn split(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    scan(text, |i| {
        push_piece(text, start, i, &mut out);
        start = (i + 1).min(text.len());
    });
    push_piece(text, start, text.len(), &mut out);
    out
}

fn push_piece(text: &str, a: usize, b: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[a..b];
    // Unicode whitespace (U+3000, a vertical tab) counts as whitespace, as in the grammar.
    let trimmed = piece.trim_matches(is_space);
    if has_code(trimmed) {
        let lead = piece.len() - piece.trim_start_matches(is_space).len();
        out.push((a + lead, a + lead + trimmed.len()));
    }
}

/// Whether a piece holds anything but whitespace and comments.
fn has_code(piece: &str) -> bool {
    lexemes(piece).any(|(_, k)| !k.is_trivia())
}

/// Scans `text`, calling `on_end` with the offset where each statement ends: a top-level `;`, or
/// the end of the line of a command (a line that starts a statement with `:`, such as `:begin`).
/// Returns what is still open at the end.
fn scan(text: &str, mut on_end: impl FnMut(usize)) -> Openness {
    let mut depth: i64 = 0;
    let mut pos = 0;
    let mut started = false;
    'segments: loop {
        for (span, kind) in lexemes(&text[pos..]) {
            let (start, end) = (pos + span.start, pos + span.end);
            match kind {
                Lexeme::Str { closed: false }
                | Lexeme::QuotedName { closed: false }
                | Lexeme::Comment { closed: false } => return Openness::InToken,
                Lexeme::Symbol if !started && depth <= 0 && &text[start..end] == ":" => {
                    // A command runs to the end of its line, whatever is on it.
                    let line_end = text[start..].find(['\n', '\r']).map_or(text.len(), |i| start + i);
                    on_end(line_end);
                    if line_end >= text.len() {
                        return Openness::Closed;
                    }
                    pos = line_end + 1;
                    continue 'segments;
                }
                Lexeme::Symbol => match &text[start..end] {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth -= 1,
                    ";" if depth <= 0 => {
                        depth = 0;
                        started = false;
                        on_end(start);
                        continue;
                    }
                    _ => {}
                },
                _ => {}
            }
            started |= !kind.is_trivia();
        }
        break;
    }
    if depth > 0 {
        Openness::InBrackets
    } else {
        Openness::Closed
    }
}

/// The command a piece of a script is (`:begin`), if it is one rather than a statement.
pub fn command(piece: &str) -> Option<&str> {
    let t = piece.trim_matches(is_space);
    t.starts_with(':').then_some(t)
}

/// A `:param` command: one parameter, a map of them, or `clear`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamCommand {
    /// `:param name => expression` (also `:param name: expression`).
    One {
        /// The parameter's name, without `$` or backticks.
        name: String,
        /// The Cypher expression whose value the parameter takes.
        expr: String,
    },
    /// `:param {name: value, ...}`: cypher-shell's form, a map expression.
    Map(String),
    /// `:param clear`: removes every parameter.
    Clear,
}

const PARAM_USAGE: &str = "usage: :param NAME => VALUE or :param {NAME: VALUE, ...}   (e.g. :param year => 2004)";

/// Parses what follows `:param`.
pub fn param(rest: &str) -> Result<ParamCommand, String> {
    let rest = rest.trim().trim_end_matches(';').trim_end();
    if rest.starts_with('{') {
        return Ok(ParamCommand::Map(rest.to_string()));
    }
    if rest.eq_ignore_ascii_case("clear") {
        return Ok(ParamCommand::Clear);
    }
    let (name, expr) = rest.split_once("=>").or_else(|| rest.split_once(':')).ok_or(PARAM_USAGE)?;
    let name = name.trim().trim_start_matches('$').trim_matches('`').to_string();
    let expr = expr.trim().to_string();
    if name.is_empty() || expr.is_empty() {
        return Err(PARAM_USAGE.into());
    }
    Ok(ParamCommand::One { name, expr })
}

/// Whether REPL input is ready to run: a `:command` always is; a statement is once it ends with
/// a `;` outside strings, brackets and comments.
pub fn is_complete(input: &str) -> bool {
    let t = input.trim_matches(is_space);
    if t.starts_with(':') {
        return true;
    }
    if t.is_empty() {
        return true;
    }
    let mut last_semi = None;
    let open = scan(input, |i| last_semi = Some(i));
    if open != Openness::Closed {
        return false;
    }
    match last_semi {
        Some(i) => !has_code(&input[i + 1..]),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|(a, b)| &t[a..b]).collect()
    }

    #[test]
    fn splits_at_top_level_semicolons_only() {
        assert_eq!(pieces("RETURN 1; RETURN ';' ; // c;\n RETURN 2"), ["RETURN 1", "RETURN ';'", "// c;\n RETURN 2"]);
        assert_eq!(pieces("RETURN \"a;b\";;\n;"), ["RETURN \"a;b\""]);
        assert_eq!(pieces("/* ; */ RETURN 1"), ["/* ; */ RETURN 1"]);
        assert_eq!(pieces("RETURN `a;b`"), ["RETURN `a;b`"]);
        assert!(pieces("  // only a comment\n").is_empty());
        // Unicode whitespace is whitespace (found by fuzzing: these once sliced out of bounds).
        assert!(pieces("\t\u{b}").is_empty());
        assert!(pieces("\u{3000}").is_empty());
        assert_eq!(pieces("\u{3000}RETURN 1\u{3000};\u{85}"), ["RETURN 1"]);
    }

    #[test]
    fn commands_are_pieces_of_their_own() {
        assert_eq!(
            pieces(":begin\nCREATE (a);\n  :commit  \nRETURN 1;\n:rollback"),
            [":begin", "CREATE (a)", ":commit", "RETURN 1", ":rollback"]
        );
        assert_eq!(pieces("RETURN {a: 1};:begin"), ["RETURN {a: 1}", ":begin"]);
        assert_eq!(command(" :commit "), Some(":commit"));
        assert_eq!(command("RETURN 1"), None);
    }

    #[test]
    fn completeness() {
        assert!(is_complete("MATCH (n) RETURN n;"));
        assert!(!is_complete("MATCH (n)\nRETURN n"));
        assert!(!is_complete("RETURN 'a;"));
        assert!(!is_complete("RETURN [1;"));
        assert!(!is_complete("RETURN 1 /* ; */"));
        assert!(is_complete("RETURN 1; // done"));
        assert!(is_complete(":help"));
        assert!(!is_complete("RETURN 1; RETURN 2"));
    }
}
