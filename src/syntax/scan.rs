//! A pass over the raw text before pest runs: finds unterminated strings, comments and quoted
//! names (so they get a precise message), and refuses brackets nested deeper than
//! [`super::MAX_NESTING_DEPTH`] so that no input can exhaust the parser's stack. `CASE ... END`
//! counts as a level too: it is the only construct that nests without brackets.

use crate::error::{Detail, Error, Kind, Phase, Result, Span};

use super::lexer::{lexemes, Lexeme};
use super::MAX_NESTING_DEPTH;

/// Check `text`; returns the deepest bracket nesting found.
pub(super) fn check(text: &str) -> Result<usize> {
    let unterminated = |what: &str, start: usize| {
        Err(Error::syntax(Detail::UnexpectedSyntax, format!("unterminated {what}"), Span::new(start, text.len())))
    };
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    // The text of the last lexeme that is not trivia, and whether a `CASE`/`END` word waits for
    // the next one to tell whether it is a keyword (not a map key `{case: 1}`).
    let mut prev: &str = "";
    let mut pending: Option<(bool, Span)> = None;
    for (span, kind) in lexemes(text) {
        if kind.is_trivia() {
            if kind == (Lexeme::Comment { closed: false }) {
                return unterminated("comment: the closing '*/' is missing", span.start);
            }
            continue;
        }
        let word = &text[span.start..span.end];
        if let Some((is_case, at)) = pending.take() {
            if word != ":" {
                if is_case {
                    depth = open(depth, at)?;
                    max_depth = max_depth.max(depth);
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        }
        match kind {
            Lexeme::Str { closed: false } => return unterminated("string: the closing quote is missing", span.start),
            Lexeme::QuotedName { closed: false } => {
                return unterminated("quoted name: the closing backtick is missing", span.start)
            }
            Lexeme::Symbol if matches!(word, "(" | "[" | "{") => {
                depth = open(depth, span)?;
                max_depth = max_depth.max(depth);
            }
            Lexeme::Symbol if matches!(word, ")" | "]" | "}") => depth = depth.saturating_sub(1),
            // A keyword unless it is a property key (`n.case`) or a label (`:Case`).
            Lexeme::Word
                if (word.eq_ignore_ascii_case("CASE") || word.eq_ignore_ascii_case("END"))
                    && !matches!(prev, "." | ":") =>
            {
                pending = Some((word.eq_ignore_ascii_case("CASE"), span));
            }
            _ => {}
        }
        prev = word;
    }
    if let Some((true, at)) = pending {
        depth = open(depth, at)?;
        max_depth = max_depth.max(depth);
    }
    Ok(max_depth)
}

/// One more level of nesting, or the depth error.
fn open(depth: usize, at: Span) -> Result<usize> {
    if depth >= MAX_NESTING_DEPTH {
        return Err(Error::new(
            Phase::Compile,
            Kind::ResourceLimit,
            Detail::NestingDepth,
            format!(
                "brackets (or CASE expressions) are nested too deeply: the limit is \
                 {MAX_NESTING_DEPTH} levels"
            ),
        )
        .at(at));
    }
    Ok(depth + 1)
}
