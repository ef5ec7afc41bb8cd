//! A pass over the raw text before pest runs: finds unterminated strings, comments and quoted
//! names (so they get a precise message), and refuses brackets nested deeper than
//! [`super::MAX_NESTING_DEPTH`] so that no input can exhaust the parser's stack. `CASE ... END`
//! counts as a level too: it is the only construct that nests without brackets.

use crate::error::{Detail, Error, Kind, Phase, Result, Span};

use super::MAX_NESTING_DEPTH;

/// Check `text`; returns the deepest bracket nesting found.
pub(super) fn check(text: &str) -> Result<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut max_depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => {
                let quote = bytes[i];
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(Error::syntax(
                                Detail::UnexpectedSyntax,
                                "unterminated string: the closing quote is missing",
                                Span::new(start, text.len()),
                            ))
                        }
                        Some(b'\\') => i += 2,
                        Some(&b) if b == quote => break,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            b'`' => {
                let start = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => {
                            return Err(Error::syntax(
                                Detail::UnexpectedSyntax,
                                "unterminated quoted name: the closing backtick is missing",
                                Span::new(start, text.len()),
                            ))
                        }
                        Some(b'`') if bytes.get(i + 1) == Some(&b'`') => i += 2,
                        Some(b'`') => break,
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let start = i;
                match text[i + 2..].find("*/") {
                    Some(off) => i += 2 + off + 2,
                    None => {
                        return Err(Error::syntax(
                            Detail::UnexpectedSyntax,
                            "unterminated comment: the closing '*/' is missing",
                            Span::new(start, text.len()),
                        ))
                    }
                }
            }
            b'(' | b'[' | b'{' => {
                depth = open(depth, Span::new(i, i + 1))?;
                max_depth = max_depth.max(depth);
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80) {
                    i += 1;
                }
                let word = &bytes[start..i];
                let is_case = word.eq_ignore_ascii_case(b"CASE");
                let is_end = word.eq_ignore_ascii_case(b"END");
                if (is_case || is_end) && is_keyword_position(bytes, start, i) {
                    if is_case {
                        depth = open(depth, Span::new(start, i))?;
                        max_depth = max_depth.max(depth);
                    } else {
                        depth = depth.saturating_sub(1);
                    }
                }
            }
            _ => i += 1,
        }
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

/// Whether the word at `start..end` can be a keyword: not a property key (`n.case`), label
/// (`:Case`), parameter (`$case`) or map key (`{case: 1}`).
fn is_keyword_position(bytes: &[u8], start: usize, end: usize) -> bool {
    let before = bytes[..start].iter().rev().find(|b| !b.is_ascii_whitespace());
    let after = bytes[end..].iter().find(|b| !b.is_ascii_whitespace());
    !matches!(before, Some(b'.' | b':' | b'$')) && after != Some(&b':')
}
