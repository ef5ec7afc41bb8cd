//! Text to syntax tree: the only module that touches pest.
//!
//! [`parse`] checks the raw text first (unterminated strings and comments, bracket nesting
//! depth), runs the pest grammar in `grammar/cypher.pest`, turns a pest failure into a
//! [`crate::error::Error`] worded for people (see `diagnose`), and lowers the pairs to
//! [`crate::ast`] (see `lower`). [`tokens`] is a separate, tolerant lexer for syntax highlighting.

mod diagnose;
mod highlight;
pub mod keywords;
pub mod lexer;
mod lower;
mod print;
mod scan;
#[cfg(test)]
mod tests;
mod unsupported;

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use pest::Parser;

use crate::ast::Statement;
use crate::error::{Error, Result, Span};

pub use highlight::{tokens, TokenKind};
pub use print::name as display_name;
pub use unsupported::unsupported;

/// Brackets (`(`, `[`, `{`) may nest this deep; deeper input is refused before parsing.
pub const MAX_NESTING_DEPTH: usize = 200;

/// The parser pest generates from `grammar/cypher.pest`, and its `Rule` enum (one variant per
/// grammar rule, undocumented by design: the grammar is their documentation).
#[allow(missing_docs)]
mod generated {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/cypher.pest"]
    pub(crate) struct CypherParser;
}
pub(crate) use generated::{CypherParser, Rule};

/// Parse a script of `;`-separated statements. Empty statements (`;;`) are skipped, so a blank
/// script gives an empty list. Every span is a byte range into `text`.
pub fn parse(text: &str) -> Result<Vec<Statement>> {
    let depth = scan::check(text)?;
    if depth <= DEEP_NESTING {
        return parse_checked(text);
    }
    // Deeply nested input makes the recursive-descent parser and the lowering use a lot of stack
    // (tens of KB per level in debug builds); run them on a thread whose stack is known to be
    // large enough for MAX_NESTING_DEPTH levels.
    let owned = text.to_owned();
    let worker = std::thread::Builder::new()
        .name("silkgraph-parse".into())
        .stack_size(PARSER_STACK)
        .spawn(move || parse_checked(&owned));
    match worker {
        Ok(handle) => handle.join().unwrap_or_else(|_| {
            Err(Error::syntax(
                diagnose::UNEXPECTED,
                "internal parser error while parsing a deeply nested statement",
                Span::new(0, text.len()),
            ))
        }),
        // No threads here (or no memory for the stack): parse in place. pest's own stack guard
        // still turns exhaustion into an error.
        Err(_) => parse_checked(text),
    }
}

/// Above this nesting depth the parse runs on a thread with a [`PARSER_STACK`]-sized stack.
const DEEP_NESTING: usize = 8;
const PARSER_STACK: usize = 64 * 1024 * 1024;

fn parse_checked(text: &str) -> Result<Vec<Statement>> {
    raise_call_budget(text.len());
    let mut pairs = CypherParser::parse(Rule::script, text).map_err(|e| diagnose::error(text, e))?;
    match pairs.next() {
        Some(script) => lower::script(script),
        None => Ok(Vec::new()),
    }
}

/// Bound the parser's total work (backtracking over adversarial input can be exponential).
/// pest's limit is process-wide, so it is only ever raised: a concurrent parse of a longer text
/// never finds its budget lowered by a shorter one.
fn raise_call_budget(len: usize) {
    static BUDGET: Mutex<usize> = Mutex::new(0);
    let want = CALL_BUDGET_BASE.saturating_add(len.saturating_mul(CALL_BUDGET_PER_BYTE));
    let mut budget = BUDGET.lock().unwrap_or_else(PoisonError::into_inner);
    if *budget < want {
        *budget = want;
        pest::set_call_limit(NonZeroUsize::new(want));
    }
}

const CALL_BUDGET_BASE: usize = 5_000_000;
const CALL_BUDGET_PER_BYTE: usize = 2_000;
