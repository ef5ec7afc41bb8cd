//! A pass over the raw text before pest runs: finds unterminated strings, comments and quoted
//! names (so they get a precise message), and refuses brackets nested deeper than
//! [`super::MAX_NESTING_DEPTH`] so that no input can exhaust the parser's stack. `CASE ... END`
//! counts as a level too: it is the only construct that nests without brackets. Operators
//! chained without brackets (`NOT NOT ...`, `1 + 1 + ...`, a path of many hops) nest as deeply in
//! the tree they make, so more than [`MAX_CHAIN`] of them in one expression are refused too.

use crate::error::{Detail, Error, Kind, Phase, Result, Span};

use super::lexer::{lexemes, Lexeme};
use super::MAX_NESTING_DEPTH;

/// Operators one expression may chain without brackets (the tree it makes is as deep, and is
/// walked recursively).
pub const MAX_CHAIN: usize = 10_000;

/// Whether a lexeme is an operator that chains (prefix or infix, or a pattern's dash).
fn chains(kind: Lexeme, word: &str) -> bool {
    match kind {
        Lexeme::Symbol => {
            matches!(word, "+" | "-" | "*" | "/" | "%" | "^" | "=" | "<>" | "!=" | "<" | ">" | "<=" | ">=" | "=~")
        }
        Lexeme::Word => ["AND", "OR", "XOR", "NOT", "IN", "IS", "STARTS", "ENDS", "CONTAINS"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(word)),
        _ => false,
    }
}

/// Whether a lexeme ends an expression: what follows starts a new chain.
fn ends_expression(kind: Lexeme, word: &str) -> bool {
    match kind {
        Lexeme::Symbol => matches!(word, "," | ";" | "|"),
        Lexeme::Word => {
            super::keywords::clauses().any(|k| k.eq_ignore_ascii_case(word))
                || ["AS", "WHERE", "ORDER", "SKIP", "LIMIT", "WHEN", "THEN", "ELSE", "YIELD"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(word))
        }
        _ => false,
    }
}

/// Check `text`; returns the deepest bracket nesting found.
pub(super) fn check(text: &str) -> Result<usize> {
    // Chained operators at each open bracket level (the outermost first).
    let mut chain: Vec<usize> = vec![0];
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
                chain.push(0);
            }
            Lexeme::Symbol if matches!(word, ")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                if chain.len() > 1 {
                    chain.pop();
                }
            }
            k if ends_expression(k, word) => {
                if let Some(c) = chain.last_mut() {
                    *c = 0;
                }
            }
            k if chains(k, word) => {
                let c = chain.last_mut().map_or(0, |c| {
                    *c += 1;
                    *c
                });
                if c > MAX_CHAIN {
                    return Err(Error::new(
                        Phase::Compile,
                        Kind::ResourceLimit,
                        Detail::QueryTooComplex,
                        format!(
                            "more than {MAX_CHAIN} operators in a row without brackets: the expression is too \
                             deep to evaluate (a list and IN, or UNWIND, say the same in less)"
                        ),
                    )
                    .at(span));
                }
            }
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
