//! Schema-aware completion, syntax highlighting with the language's own lexer, and hints: pure
//! functions ([`complete`], [`highlight`], [`hint`]) over a [`SchemaSnapshot`], tested without a
//! terminal. The REPL plugs them into rustyline (`cli/helper.rs`); the browser asks for them
//! through the server's HTTP API.

use super::diagnose::{ident_text, labels_of, lex, variables_in, SchemaSnapshot, Tok, TokKind};
use crate::error::Span;
use crate::syntax::TokenKind;
use crate::value::quote_name;

/// One completion: what is inserted, and what the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The text put in place of the word being completed.
    pub replacement: String,
    /// The text shown in the list of completions.
    pub display: String,
}

impl Candidate {
    /// A candidate shown as it is inserted.
    pub fn plain(s: impl Into<String>) -> Candidate {
        let s = s.into();
        Candidate { display: s.clone(), replacement: s }
    }
}

/// Most candidates offered.
pub const MAX_CANDIDATES: usize = 200;

/// A completion function: [`complete`], or a front end's that also completes its commands.
pub type Completion = fn(&str, usize, &SchemaSnapshot) -> (usize, Vec<Candidate>);

/// Whether `s` starts with `prefix`, ignoring case.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// Adds a candidate unless it is there already or the list is full.
pub fn push_unique(out: &mut Vec<Candidate>, c: Candidate) {
    if out.len() < MAX_CANDIDATES && !out.iter().any(|x| x.replacement == c.replacement) {
        out.push(c);
    }
}

/// Completion candidates at byte `pos` of `line` (the whole, possibly multi-line, input):
/// the byte offset where the replaced word starts, and the candidates.
pub fn complete(line: &str, pos: usize, schema: &SchemaSnapshot) -> (usize, Vec<Candidate>) {
    let pos = floor_boundary(line, pos.min(line.len()));
    let before = &line[..pos];
    let trimmed = before.trim_start();
    if trimmed.starts_with(':') && !before.contains('\n') {
        // A front end's own command (the REPL's `:help`, ...): the front end completes it.
        return (pos, Vec::new());
    }
    let toks = lex(before);
    // Inside a comment: nothing.
    let tail = &before[toks.last().map_or(0, |t| t.end)..];
    if tail.contains("//") || (tail.contains("/*") && !tail.contains("*/")) {
        return (pos, Vec::new());
    }
    let last = toks.last();
    // Inside a string: node names after `name:` or `.name =`.
    if let Some(t) = last.filter(|t| t.kind == TokKind::Str { closed: false }) {
        return complete_in_string(before, &toks, t, schema);
    }
    // The word under the cursor.
    let (word_tok, start) = match last {
        Some(t) if t.end == pos && matches!(t.kind, TokKind::Ident | TokKind::Param) => (Some(t), t.start),
        _ => (None, pos),
    };
    let word = &before[start..pos];
    let prev_ix = toks.len() - usize::from(word_tok.is_some());
    let prev = prev_ix.checked_sub(1).and_then(|i| toks.get(i));
    let mut out = Vec::new();
    if word.starts_with('$') || matches!(prev, Some(Tok { kind: TokKind::Punct('$'), .. })) {
        let w = word.trim_start_matches('$');
        for p in &schema.params {
            if starts_with_ci(p, w) {
                push_unique(&mut out, Candidate::plain(format!("${}", quote_name(p))));
            }
        }
        return (start, out);
    }
    let word = word.trim_start_matches('`');
    match prev.map(|t| t.kind) {
        Some(TokKind::Punct(':')) | Some(TokKind::Punct('|')) => {
            let colon = prev_ix - 1;
            match innermost_bracket(&toks[..colon]) {
                Some((_, '{')) => {}
                Some((open, '[')) if is_rel_bracket(&toks, open) => {
                    for t in rel_types_for(before, &toks, open, schema) {
                        if starts_with_ci(&t, word) {
                            push_unique(&mut out, Candidate::plain(quote_name(&t)));
                        }
                    }
                    return (start, out);
                }
                Some((open, '(')) if prev.is_some_and(|t| t.kind == TokKind::Punct(':')) => {
                    for l in labels_for(before, &toks, open, schema) {
                        if starts_with_ci(&l, word) {
                            push_unique(&mut out, Candidate::plain(quote_name(&l)));
                        }
                    }
                    return (start, out);
                }
                _ if prev.is_some_and(|t| t.kind == TokKind::Punct(':'))
                    && colon > 0
                    && toks[colon - 1].kind == TokKind::Ident =>
                {
                    // `WHERE n:Label`
                    for (l, _) in sorted_labels(schema) {
                        if starts_with_ci(&l, word) {
                            push_unique(&mut out, Candidate::plain(quote_name(&l)));
                        }
                    }
                    return (start, out);
                }
                _ => {}
            }
        }
        Some(TokKind::Punct('.')) => {
            let dot = prev_ix - 1;
            if let Some(v) = dot.checked_sub(1).and_then(|i| toks.get(i)).filter(|t| t.kind == TokKind::Ident) {
                let var = ident_text(before, v);
                // A namespace (`db.`, `algo.`, `duration.`): its procedures and functions.
                let spaced = format!("{var}.");
                let in_space = |name: &str| starts_with_ci(name, &spaced);
                let is_space = crate::catalog::procedures::PROCEDURES.iter().any(|p| in_space(p.name))
                    || crate::catalog::functions::FUNCTIONS.iter().any(|f| in_space(f.name));
                if is_space && !variables_in(line).contains(&var) {
                    let typed = format!("{var}.{word}");
                    for p in crate::catalog::procedures::PROCEDURES {
                        if starts_with_ci(p.name, &typed) {
                            push_unique(
                                &mut out,
                                Candidate { replacement: format!("{}(", p.name), display: p.doc.to_string() },
                            );
                        }
                    }
                    for f in crate::catalog::functions::FUNCTIONS {
                        if starts_with_ci(f.name, &typed) {
                            let shown = f.signature.split('(').next().unwrap_or(f.name);
                            push_unique(
                                &mut out,
                                Candidate { replacement: format!("{shown}("), display: f.signature.to_string() },
                            );
                        }
                    }
                    return (v.start, out);
                }
                for k in keys_for(line, &var, schema) {
                    if starts_with_ci(&k, word) {
                        push_unique(&mut out, Candidate::plain(quote_name(&k)));
                    }
                }
                return (start, out);
            }
        }
        _ => {}
    }
    // A bare word: variables, keywords, functions, procedures.
    let after_call =
        prev.is_some_and(|t| t.kind == TokKind::Ident && before[t.start..t.end].eq_ignore_ascii_case("CALL"));
    if after_call {
        for p in crate::catalog::procedures::PROCEDURES {
            if starts_with_ci(p.name, word) {
                push_unique(&mut out, Candidate { replacement: format!("{}(", p.name), display: p.doc.to_string() });
            }
        }
        return (start, out);
    }
    for v in variables_in(line) {
        if v != word && starts_with_ci(&v, word) {
            push_unique(&mut out, Candidate::plain(quote_name(&v)));
        }
    }
    let lower = !word.is_empty() && word.chars().all(|c| !c.is_uppercase());
    for k in crate::syntax::keywords::words() {
        if starts_with_ci(k, word) && !k.eq_ignore_ascii_case(word) {
            push_unique(&mut out, Candidate::plain(if lower { k.to_lowercase() } else { k.to_string() }));
        }
    }
    if !word.is_empty() {
        for f in crate::catalog::functions::FUNCTIONS.iter().filter(|f| !f.name.starts_with("__")) {
            let name = f.signature.split('(').next().unwrap_or(f.name);
            if starts_with_ci(name, word) {
                push_unique(&mut out, Candidate { replacement: format!("{name}("), display: f.signature.to_string() });
            }
        }
        for p in crate::catalog::procedures::PROCEDURES {
            if starts_with_ci(p.name, word) {
                push_unique(&mut out, Candidate { replacement: format!("{}(", p.name), display: p.doc.to_string() });
            }
        }
    }
    (start, out)
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn complete_in_string(before: &str, toks: &[Tok], t: &Tok, schema: &SchemaSnapshot) -> (usize, Vec<Candidate>) {
    let i = toks.len() - 1;
    let kind_at = |j: Option<usize>| j.and_then(|j| toks.get(j)).map(|t| t.kind);
    let text_at = |j: Option<usize>| j.and_then(|j| toks.get(j)).map(|t| ident_text(before, t));
    let is_name_key = |j: Option<usize>| text_at(j).is_some_and(|s| s == "name");
    let map_value = kind_at(i.checked_sub(1)) == Some(TokKind::Punct(':')) && is_name_key(i.checked_sub(2));
    let compare = matches!(kind_at(i.checked_sub(1)), Some(TokKind::Punct('=')))
        && is_name_key(i.checked_sub(2))
        && kind_at(i.checked_sub(3)) == Some(TokKind::Punct('.'));
    if !map_value && !compare {
        return (t.end, Vec::new());
    }
    // Prefer nodes with the labels of the node pattern (or variable) the name belongs to.
    let labels: Vec<String> = if map_value {
        match innermost_bracket(&toks[..i]) {
            Some((brace, '{')) => match innermost_bracket(&toks[..brace]) {
                Some((open, '(')) => node_pattern_labels(before, toks, open),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    } else {
        i.checked_sub(4)
            .and_then(|j| toks.get(j))
            .map(|v| labels_of(before, &ident_text(before, v)))
            .unwrap_or_default()
    };
    let quote = before[t.start..].chars().next().unwrap_or('\'');
    // What was typed, its escapes read (`People\'s` is `People's`).
    let mut typed = String::new();
    let mut chars = before[t.start + quote.len_utf8()..].chars();
    while let Some(c) = chars.next() {
        typed.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
    }
    let typed_lower = typed.to_lowercase();
    // Names that start with the typed text (those of the pattern's labels first); if none do,
    // names that contain it.
    let mut scored: Vec<(bool, bool, &str)> = Vec::new();
    for (name, ls) in &schema.names {
        let lname = name.to_lowercase();
        let prefix = lname.starts_with(&typed_lower);
        if !prefix && (typed.is_empty() || !lname.contains(&typed_lower)) {
            continue;
        }
        let fits = labels.is_empty() || labels.iter().any(|l| ls.contains(l));
        scored.push((!prefix, !fits, name));
    }
    if scored.iter().any(|(contains_only, _, _)| !contains_only) {
        scored.retain(|(contains_only, _, _)| !contains_only);
    }
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    let mut out = Vec::new();
    for (_, _, name) in scored {
        let escaped: String =
            name.chars().flat_map(|c| if c == quote || c == '\\' { vec!['\\', c] } else { vec![c] }).collect();
        push_unique(&mut out, Candidate { replacement: format!("{escaped}{quote}"), display: name.to_string() });
    }
    (t.start + quote.len_utf8(), out)
}

/// The innermost bracket still open at the end of `toks`: its token index and character.
fn innermost_bracket(toks: &[Tok]) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::Punct(c @ ('(' | '[' | '{')) => stack.push((i, c)),
            TokKind::Punct(')' | ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// Whether the `[` at `open` starts a relationship pattern (`-[`).
fn is_rel_bracket(toks: &[Tok], open: usize) -> bool {
    open > 0 && toks[open - 1].kind == TokKind::Punct('-')
}

/// The index of the `(` matching the `)` at `close`.
fn matching_open(toks: &[Tok], close: usize) -> Option<usize> {
    let mut depth = 0i32;
    for i in (0..=close).rev() {
        match toks[i].kind {
            TokKind::Punct(')') => depth += 1,
            TokKind::Punct('(') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The labels written in the node pattern opening at `open` (or on its variable elsewhere).
fn node_pattern_labels(text: &str, toks: &[Tok], open: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = open + 1;
    let var = toks.get(i).filter(|t| t.kind == TokKind::Ident).map(|t| ident_text(text, t));
    if var.is_some() {
        i += 1;
    }
    while toks.get(i).is_some_and(|t| t.kind == TokKind::Punct(':')) {
        match toks.get(i + 1) {
            Some(t) if t.kind == TokKind::Ident => {
                out.push(ident_text(text, t));
                i += 2;
            }
            _ => break,
        }
    }
    if out.is_empty() {
        if let Some(v) = var {
            out = labels_of(text, &v);
        }
    }
    out
}

/// Relationship types written in the relationship pattern opening at `open`.
fn rel_pattern_types(text: &str, toks: &[Tok], open: usize) -> Vec<String> {
    let mut out = Vec::new();
    for t in toks.iter().skip(open + 1) {
        match t.kind {
            TokKind::Punct(']') => break,
            TokKind::Ident => {
                let prev_is_sep = toks
                    .iter()
                    .take_while(|x| x.start < t.start)
                    .last()
                    .is_some_and(|p| matches!(p.kind, TokKind::Punct(':' | '|')));
                if prev_is_sep {
                    out.push(ident_text(text, t));
                }
            }
            _ => {}
        }
    }
    out
}

fn sorted_labels(schema: &SchemaSnapshot) -> Vec<(String, usize)> {
    let mut v = schema.labels.clone();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Relationship types for `-[:`, those that connect the node before it first.
fn rel_types_for(text: &str, toks: &[Tok], open: usize, schema: &SchemaSnapshot) -> Vec<String> {
    let dash = open - 1;
    let incoming = dash > 0 && toks[dash - 1].kind == TokKind::Punct('<');
    let close = if incoming { dash.checked_sub(2) } else { dash.checked_sub(1) };
    let left = close
        .filter(|&c| toks[c].kind == TokKind::Punct(')'))
        .and_then(|c| matching_open(toks, c))
        .map(|o| node_pattern_labels(text, toks, o))
        .unwrap_or_default();
    // Rank: connects the left node in the arrow's direction, in the other, or not at all; then
    // by how many such relationships there are.
    let mut ranked: Vec<(usize, usize, String)> = schema
        .types
        .iter()
        .map(|(t, n)| {
            let count = |outgoing: bool| -> usize {
                schema
                    .connections
                    .iter()
                    .filter(|(ct, a, b, _)| ct == t && left.contains(if outgoing { a } else { b }))
                    .map(|c| c.3)
                    .sum()
            };
            let (same, other) = if incoming { (count(false), count(true)) } else { (count(true), count(false)) };
            let (rank, weight) = match (same, other) {
                (s, _) if s > 0 => (0, s),
                (_, o) if o > 0 => (1, o),
                _ => (2, *n),
            };
            (rank, usize::MAX - weight, t.clone())
        })
        .collect();
    ranked.sort();
    ranked.into_iter().map(|(_, _, t)| t).collect()
}

/// Labels for `(v:`, those reached by the relationship pattern before it first.
fn labels_for(text: &str, toks: &[Tok], open: usize, schema: &SchemaSnapshot) -> Vec<String> {
    // `...(a:A)-[:T]->(` : find `]` before the `(`, past `-` and `>`.
    let mut j = open;
    let mut arrow_in = false;
    while j > 0 && matches!(toks[j - 1].kind, TokKind::Punct('-' | '>')) {
        j -= 1;
    }
    let mut types: Vec<String> = Vec::new();
    let mut left: Vec<String> = Vec::new();
    if j < open && j > 0 && toks[j - 1].kind == TokKind::Punct(']') {
        let mut depth = 0;
        let mut rel_open = None;
        for k in (0..j).rev() {
            match toks[k].kind {
                TokKind::Punct(']') => depth += 1,
                TokKind::Punct('[') => {
                    depth -= 1;
                    if depth == 0 {
                        rel_open = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(ro) = rel_open {
            types = rel_pattern_types(text, toks, ro);
            arrow_in = ro >= 2 && toks[ro - 2].kind == TokKind::Punct('<');
            let close = if arrow_in { ro.checked_sub(3) } else { ro.checked_sub(2) };
            left = close
                .filter(|&c| toks[c].kind == TokKind::Punct(')'))
                .and_then(|c| matching_open(toks, c))
                .map(|o| node_pattern_labels(text, toks, o))
                .unwrap_or_default();
        }
    }
    let mut ranked: Vec<(u8, usize, String)> = sorted_labels(schema)
        .into_iter()
        .map(|(l, n)| {
            let fits = schema.connections.iter().any(|(t, a, b, _)| {
                let (from, to) = if arrow_in { (b, a) } else { (a, b) };
                to == &l && (types.is_empty() || types.contains(t)) && (left.is_empty() || left.contains(from))
            });
            let relevant = !types.is_empty() || !left.is_empty();
            (u8::from(relevant && !fits), usize::MAX - n, l)
        })
        .collect();
    ranked.sort();
    ranked.into_iter().map(|(_, _, l)| l).collect()
}

/// Property keys for `v.`: those `v`'s labels (or types) carry first, then every other key.
fn keys_for(text: &str, var: &str, schema: &SchemaSnapshot) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in labels_of(text, var) {
        for k in schema.label_keys.get(&l).into_iter().chain(schema.type_keys.get(&l)).flatten() {
            if !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    let mut rest: Vec<&String> = schema.keys.iter().filter(|k| !out.contains(k)).collect();
    rest.sort();
    out.extend(rest.into_iter().cloned());
    out
}

// ---- highlighting ---------------------------------------------------------------------------

/// The language's own tokens for `text` (the adapter over `syntax::tokens`).
pub fn tokens(text: &str) -> Vec<(Span, TokenKind)> {
    crate::syntax::tokens(text)
}

/// The ANSI style of a token kind, if it has one.
pub fn style(kind: TokenKind) -> Option<&'static str> {
    Some(match kind {
        TokenKind::Keyword => "\x1b[1;34m",
        TokenKind::String => "\x1b[32m",
        TokenKind::Number => "\x1b[36m",
        TokenKind::Label => "\x1b[33m",
        TokenKind::RelType => "\x1b[35m",
        TokenKind::Parameter => "\x1b[1;36m",
        TokenKind::Comment => "\x1b[2;37m",
        TokenKind::Function => "\x1b[94m",
        _ => return None,
    })
}

/// The ANSI code that ends a style.
pub const RESET: &str = "\x1b[0m";

/// `text` with ANSI colours around the styled tokens. Spans that overlap, run backwards or
/// do not fall on character boundaries are skipped; the visible text is unchanged.
pub fn highlight(text: &str, toks: &[(Span, TokenKind)]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut at = 0;
    for (span, kind) in toks {
        let Some(st) = style(*kind) else { continue };
        let (a, b) = (span.start, span.end.min(text.len()));
        if a < at || a >= b || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&text[at..a]);
        out.push_str(st);
        out.push_str(&text[a..b]);
        out.push_str(RESET);
        at = b;
    }
    out.push_str(&text[at..]);
    out
}

// ---- hints ----------------------------------------------------------------------------------

/// What the empty prompt suggests.
pub const EMPTY_HINT: &str = "type a Cypher statement ending with ;  —  :help for help, Tab to complete";

/// A hint shown after the cursor: the text, and what Right-arrow inserts (if anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The grey text shown after the cursor.
    pub display: String,
    /// What Right-arrow inserts; `None` when the hint is only shown.
    pub completion: Option<String>,
}

/// The hint at the end of the input: how to get help on an empty line; a function's signature
/// after `name(`; the rest of the only completion (by `complete`) of the word being typed.
pub fn hint(line: &str, pos: usize, schema: &SchemaSnapshot, complete: Completion) -> Option<Hint> {
    if line.is_empty() {
        return Some(Hint { display: EMPTY_HINT.into(), completion: None });
    }
    if pos != line.len() {
        return None;
    }
    if let Some(head) = line.strip_suffix('(') {
        let name_start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &head[name_start..];
        if let Some(f) = crate::catalog::functions::lookup(name).filter(|f| !f.name.starts_with("__")) {
            let sig = f.signature.split_once('(').map_or("", |(_, rest)| rest);
            return Some(Hint { display: sig.to_string(), completion: None });
        }
        if let Some(p) = crate::catalog::procedures::signature(name) {
            let sig = p.doc.split_once('(').map_or("", |(_, rest)| rest);
            return Some(Hint { display: sig.to_string(), completion: None });
        }
        return None;
    }
    let last = line.chars().last()?;
    if !(last.is_alphanumeric() || last == '_') {
        return None;
    }
    let (start, cands) = complete(line, pos, schema);
    let typed = &line[start..pos];
    // Suggest only once a word is long enough to mean something.
    if typed.chars().count() < 3 {
        return None;
    }
    match cands.as_slice() {
        [only] if only.replacement.len() > typed.len() && only.replacement.starts_with(typed) => {
            let rest = only.replacement[typed.len()..].to_string();
            Some(Hint { display: rest.clone(), completion: Some(rest) })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Graph;
    use crate::value::Value;

    fn graph() -> Graph {
        let mut g = Graph::new();
        let p = g.create_node(["Person"], [("name", Value::str("Sadyr Japarov")), ("born", Value::Int(1968))]);
        let o = g.create_node(["Office"], [("name", Value::str("Prime Minister of Japan"))]);
        let c = g.create_node(["Country"], [("name", Value::str("Japan")), ("iso", Value::str("JP"))]);
        let m = g.create_node(["Ministry"], [("name", Value::str("Ministry of Energy"))]);
        g.create_rel(p, c, "VISITED", [("year", Value::Int(2023)), ("quote", Value::str("q"))]);
        g.create_rel(o, c, "VISITED", []);
        g.create_rel(p, o, "HELD", []);
        g.create_rel(m, c, "PARTNER_OF", []);
        g
    }

    fn reps(line: &str, schema: &SchemaSnapshot) -> (usize, Vec<String>) {
        let (s, c) = complete(line, line.len(), schema);
        (s, c.into_iter().map(|c| c.replacement).collect())
    }

    #[test]
    fn labels_after_colon_in_a_node() {
        let s = SchemaSnapshot::of(&graph());
        let (start, c) = reps("MATCH (p:Pe", &s);
        assert_eq!((start, c), (9, vec!["Person".to_string()]));
        let (_, c) = reps("MATCH (p:", &s);
        assert_eq!(c.len(), 4);
        // After a relationship, the labels it reaches come first.
        let (_, c) = reps("MATCH (p:Person)-[:HELD]->(o:", &s);
        assert_eq!(c[0], "Office");
        // In a map, `:` is not a label.
        let (_, c) = reps("MATCH (p {name: ", &s);
        assert!(!c.contains(&"Person".to_string()));
        // `WHERE n:Label`
        let (_, c) = reps("MATCH (n) WHERE n:Off", &s);
        assert_eq!(c, ["Office"]);
    }

    #[test]
    fn types_that_connect_the_bound_labels_come_first() {
        let s = SchemaSnapshot::of(&graph());
        let (_, c) = reps("MATCH (m:Ministry)-[:", &s);
        assert_eq!(c[0], "PARTNER_OF");
        let (_, c) = reps("MATCH (p:Person)-[r:", &s);
        assert_eq!(&c[..2], ["HELD", "VISITED"]);
        let (_, c) = reps("MATCH (c:Country)<-[:", &s);
        assert_eq!(c, ["VISITED", "PARTNER_OF", "HELD"]);
        let (_, c) = reps("MATCH (p:Person)-[:HELD|V", &s);
        assert_eq!(c, ["VISITED"]);
    }

    #[test]
    fn property_keys_of_the_variables_labels_first() {
        let s = SchemaSnapshot::of(&graph());
        let (_, c) = reps("MATCH (c:Country) RETURN c.", &s);
        assert_eq!(&c[..2], ["name", "iso"]);
        assert!(c.contains(&"born".to_string()));
        let (start, c) = reps("MATCH (p:Person)-[v:VISITED]->() RETURN v.y", &s);
        assert_eq!(c, ["year"]);
        assert_eq!(start, "MATCH (p:Person)-[v:VISITED]->() RETURN v.".len());
    }

    #[test]
    fn node_names_inside_strings() {
        let s = SchemaSnapshot::of(&graph());
        let line = "MATCH (c:Country {name: 'Ja";
        let (start, c) = reps(line, &s);
        assert_eq!(start, line.len() - 2);
        assert_eq!(c, ["Japan'"]);
        let (_, c) = reps("MATCH (o) WHERE o.name = \"Prime", &s);
        assert_eq!(c, ["Prime Minister of Japan\""]);
        // Names that contain the text when none starts with it.
        let (_, c) = reps("MATCH (c:Country {name: 'minister", &s);
        assert_eq!(c, ["Prime Minister of Japan'"]);
        // Not after other keys.
        let (_, c) = reps("MATCH (c {iso: 'J", &s);
        assert!(c.is_empty());
    }

    #[test]
    fn keywords_functions_procedures_variables_and_params() {
        let mut s = SchemaSnapshot::of(&graph());
        s.params = vec!["year".into(), "who".into()];
        let (_, c) = reps("MAT", &s);
        assert_eq!(c, ["MATCH"]);
        let (_, c) = reps("mat", &s);
        assert_eq!(c, ["match"]);
        let (_, c) = reps("RETURN toUp", &s);
        assert_eq!(c, ["toUpper("]);
        let (_, c) = reps("CALL db.se", &s);
        assert_eq!(c, ["db.search("]);
        let (_, c) = reps("CALL ", &s);
        assert_eq!(c.len(), crate::catalog::procedures::PROCEDURES.len());
        let (_, c) = reps("MATCH (person)-->(other) RETURN pe", &s);
        assert_eq!(c[0], "person");
        let (start, c) = reps("RETURN $y", &s);
        assert_eq!((start, c), (7, vec!["$year".to_string()]));
        let (_, c) = reps("RETURN 1 // MAT", &s);
        assert!(c.is_empty());
    }

    #[test]
    fn completion_works_on_an_empty_graph() {
        let s = SchemaSnapshot::of(&Graph::new());
        assert!(reps("MATCH (n:", &s).1.is_empty());
        assert!(reps("MATCH (n)-[:", &s).1.is_empty());
        assert!(reps("MATCH (n) RETURN n.", &s).1.is_empty());
        assert_eq!(reps("RET", &s).1, ["RETURN"]);
        // No panics anywhere in odd input.
        for line in [
            "",
            "(",
            ")",
            "]]",
            "'",
            "`",
            "MATCH (n:`Pe",
            "$",
            ":",
            "é:",
            "MATCH (é:",
            "-[",
            "<-[:",
            "a.b.c.",
            "—(",
            "x\u{3000}toUpper(",
            ":help\u{3000}MA",
            "MATCH (n {name: 'é",
        ] {
            for pos in 0..=line.len() {
                let _ = complete(line, pos, &s);
                let _ = hint(line, pos, &s, complete);
                if let Some(head) = line.get(..pos) {
                    let _ = hint(head, pos, &s, complete);
                }
            }
        }
    }

    #[test]
    fn highlighting_wraps_styled_spans_only() {
        let text = "MATCH (n:Person) RETURN 'x', 1";
        let toks = vec![
            (Span::new(0, 5), TokenKind::Keyword),
            (Span::new(6, 7), TokenKind::Punct),
            (Span::new(8, 15), TokenKind::Label),
            (Span::new(17, 23), TokenKind::Keyword),
            (Span::new(24, 27), TokenKind::String),
            (Span::new(29, 30), TokenKind::Number),
        ];
        let h = highlight(text, &toks);
        assert!(h.starts_with("\x1b[1;34mMATCH\x1b[0m ("));
        assert!(h.contains("\x1b[33m:Person\x1b[0m"));
        assert!(h.contains("\x1b[32m'x'\x1b[0m"));
        let plain = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap().replace_all(&h, "");
        assert_eq!(plain, text);
        // Bad spans are ignored.
        assert_eq!(
            highlight("ab", &[(Span::new(1, 9), TokenKind::Keyword), (Span::new(0, 1), TokenKind::Keyword)]),
            "a\x1b[1;34mb\x1b[0m"
        );
    }

    #[test]
    fn highlights_with_the_languages_own_lexer() {
        let strip = |h: &str| regex::Regex::new("\x1b\\[[0-9;]*m").unwrap().replace_all(h, "").to_string();
        let text = "MATCH (n:Person)-[:VISITED]->(c {name: 'Ann'}) // who\nRETURN n.name, $p, 42;";
        let h = highlight(text, &tokens(text));
        assert_eq!(strip(&h), text);
        for (style, word) in [
            ("\x1b[1;34m", "MATCH"),
            ("\x1b[1;34m", "RETURN"),
            ("\x1b[32m", "'Ann'"),
            ("\x1b[36m", "42"),
            ("\x1b[1;36m", "$p"),
            ("\x1b[2;37m", "// who"),
        ] {
            assert!(h.contains(&format!("{style}{word}")), "{word} not styled in {h:?}");
        }
        assert!(h.contains("Person\x1b[0m") && h.contains("VISITED\x1b[0m"), "{h:?}");
        // Unfinished input as it is typed: no panic, the text unchanged.
        for t in ["MATCH (n:Per", "RETURN 'abc", "/* open", "MATCH (a)-[:", "é", "`x"] {
            assert_eq!(strip(&highlight(t, &tokens(t))), t);
        }
    }

    #[test]
    fn hints() {
        let s = SchemaSnapshot::of(&graph());
        assert_eq!(hint("", 0, &s, complete).map(|h| h.display), Some(EMPTY_HINT.to_string()));
        assert_eq!(hint("RETURN toUpper(", 15, &s, complete).map(|h| h.display), Some("string) :: STRING".to_string()));
        let h = hint("MATCH (p:Pers", 13, &s, complete).unwrap();
        assert_eq!(h.completion.as_deref(), Some("on"));
        assert_eq!(hint("MATCH (p:Pers", 3, &s, complete), None);
    }
}
