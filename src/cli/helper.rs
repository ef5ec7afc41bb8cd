//! Plugs the assistant's completion, hints and highlighting (`assist::complete`) into
//! rustyline, for the REPL.

use std::borrow::Cow;

use rustyline::completion::Completer;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::help::COMMANDS;
use crate::assist::complete::{
    complete, highlight, hint, push_unique, starts_with_ci, tokens, Candidate, Hint, MAX_CANDIDATES, RESET,
};
use crate::assist::diagnose::SchemaSnapshot;

impl rustyline::completion::Candidate for Candidate {
    fn display(&self) -> &str {
        &self.display
    }
    fn replacement(&self) -> &str {
        &self.replacement
    }
}

impl rustyline::hint::Hint for Hint {
    fn display(&self) -> &str {
        &self.display
    }
    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

// ---- the rustyline helper -------------------------------------------------------------------

/// Plugs completion, hints, highlighting and validation into rustyline.
pub struct ReplHelper {
    /// The graph's schema that completion and hints draw on; the REPL refreshes it after each input.
    pub schema: SchemaSnapshot,
    /// Colours on (a terminal, and `NO_COLOR` not set).
    pub colors: bool,
    /// The lines of an unfinished statement typed before this one (after the `...>` prompt),
    /// which completion reads as the start of the statement.
    pub pending: String,
}

impl Completer for ReplHelper {
    type Candidate = Candidate;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Candidate>)> {
        if self.pending.is_empty() {
            return Ok(complete_line(line, pos, &self.schema));
        }
        let lead = self.pending.len() + 1;
        let (start, candidates) = complete(&format!("{}\n{line}", self.pending), lead + pos, &self.schema);
        Ok((start.saturating_sub(lead), candidates))
    }
}

impl Hinter for ReplHelper {
    type Hint = Hint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<Hint> {
        if !self.pending.is_empty() {
            return None;
        }
        hint(line, pos, &self.schema, complete_line)
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colors || line.is_empty() {
            return Cow::Borrowed(line);
        }
        if line.trim_start().starts_with(':') {
            return Cow::Owned(format!("\x1b[1;33m{line}{RESET}"));
        }
        Cow::Owned(highlight(line, &tokens(line)))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(&'s self, prompt: &'p str, default: bool) -> Cow<'b, str> {
        if self.colors && default {
            Cow::Owned(format!("\x1b[1;32m{prompt}{RESET}"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.colors {
            Cow::Owned(format!("\x1b[2m{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.colors && kind != CmdKind::MoveCursor
    }
}

/// Each line is taken as typed: the REPL itself gathers the lines of an unfinished statement
/// under a `...>` prompt.
impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

/// Completion in the REPL: its `:commands` and their arguments, else Cypher's.
pub fn complete_line(line: &str, pos: usize, schema: &SchemaSnapshot) -> (usize, Vec<Candidate>) {
    let p = pos.min(line.len());
    match line.get(..p) {
        Some(before) if before.trim_start().starts_with(':') && !before.contains('\n') => {
            complete_command(before, schema)
        }
        _ => complete(line, pos, schema),
    }
}

fn complete_command(before: &str, schema: &SchemaSnapshot) -> (usize, Vec<Candidate>) {
    let lead = before.len() - before.trim_start().len();
    let t = &before[lead..];
    let mut out = Vec::new();
    let Some(space) = t.find(char::is_whitespace) else {
        for (c, about) in COMMANDS {
            if c.starts_with(t) {
                push_unique(&mut out, Candidate { replacement: format!("{c} "), display: format!("{c}  {about}") });
            }
        }
        return (lead, out);
    };
    let cmd = &t[..space];
    let arg_start =
        before.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(before.len(), |(i, c)| i + c.len_utf8());
    let arg = &before[arg_start..];
    let words: Vec<String> = match cmd {
        ":help" => super::help::topics()
            .map(|s| s.to_string())
            .chain(COMMANDS.iter().map(|(c, _)| c.to_string()))
            .chain(crate::assist::diagnose::function_names().into_iter().map(String::from))
            .chain(crate::catalog::procedures::PROCEDURES.iter().map(|p| p.name.to_string()))
            .collect(),
        ":format" => ["table", "wrap", "vertical", "json", "jsonl", "csv"].map(String::from).to_vec(),
        ":pager" => ["on", "off", "less -S"].map(String::from).to_vec(),
        ":timing" => ["on", "off"].map(String::from).to_vec(),
        ":timeout" => ["off"].map(String::from).to_vec(),
        ":params" => ["clear"].map(String::from).to_vec(),
        ":param" => schema.params.clone(),
        ":load" | ":save" | ":run" => return (arg_start, complete_file(arg)),
        _ => Vec::new(),
    };
    for w in words {
        if starts_with_ci(&w, arg) {
            push_unique(&mut out, Candidate::plain(w));
        }
    }
    (arg_start, out)
}

/// File names for `:load`, `:save` and `:run`.
fn complete_file(arg: &str) -> Vec<Candidate> {
    let (dir, prefix) = match arg.rfind('/') {
        Some(i) => (&arg[..=i], &arg[i + 1..]),
        None => ("", arg),
    };
    let Ok(rd) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else {
        return Vec::new();
    };
    let mut names: Vec<Candidate> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with(prefix) || (prefix.is_empty() && name.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            let shown = if is_dir { format!("{name}/") } else { name };
            Some(Candidate { replacement: format!("{dir}{shown}"), display: shown })
        })
        .collect();
    names.sort_by(|a, b| a.display.cmp(&b.display));
    names.truncate(MAX_CANDIDATES);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reps(line: &str, schema: &SchemaSnapshot) -> (usize, Vec<String>) {
        let (s, c) = complete_line(line, line.len(), schema);
        (s, c.into_iter().map(|c| c.replacement).collect())
    }

    #[test]
    fn commands_and_their_arguments() {
        let s = SchemaSnapshot::default();
        let (start, c) = reps(":sc", &s);
        assert_eq!((start, c), (0, vec![":schema ".to_string()]));
        let (_, c) = reps(":format j", &s);
        assert_eq!(c, ["json", "jsonl"]);
        let (_, c) = reps(":help MER", &s);
        assert_eq!(c, ["MERGE"]);
    }
}
