//! The interactive shell. On a terminal: a rustyline editor with schema-aware completion,
//! highlighting, hints and multi-line input ([`super::helper`]), `:commands`
//! ([`super::meta`]), history in the platform's data directory, results as tables that fit
//! the terminal, "did you mean" hints, "why no rows?", and Ctrl-C that cancels the running
//! query. Without a terminal on standard input it reads statements from it and prints results
//! without prompts, colours or escape codes, stopping at the first error.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustyline::config::{BellStyle, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;

use super::helper::ReplHelper;
use super::meta::{self, Flow};
use super::{Format, Printer, FAILED, OK};
use crate::diagnose::{self, SchemaSnapshot};
use crate::error::render;
use crate::exec::{Params, QueryResult};
use crate::output;
use crate::session::{Outcome, Session};

/// What the REPL keeps between inputs.
pub struct State {
    pub session: Session,
    pub params: Params,
    pub format: Format,
    pub timing: bool,
    /// ANSI colours in output.
    pub colors: bool,
    /// Terminal width for tables; `None` leaves cells uncut.
    pub width: Option<usize>,
    /// A "running…" indicator on stderr for statements that take over a second.
    pub spinner: bool,
    /// The last statement that ran and its result.
    pub last: Option<Last>,
    /// The graph's schema as of the last change.
    pub schema: SchemaSnapshot,
}

/// The last statement run, for `:why`, `:whynot` and `:explain`.
pub struct Last {
    pub text: String,
    pub result: QueryResult,
}

impl State {
    pub fn new(session: Session, format: Format) -> State {
        let schema = SchemaSnapshot::of(&session.graph);
        State {
            session,
            params: Params::new(),
            format,
            timing: true,
            colors: false,
            width: None,
            spinner: false,
            last: None,
            schema,
        }
    }

    /// Takes a new schema snapshot (after the graph changed).
    pub fn refresh_schema(&mut self) {
        self.schema = SchemaSnapshot::of(&self.session.graph);
        self.schema.params = self.params.keys().cloned().collect();
    }

    /// `text` in an ANSI style when colours are on.
    pub fn paint(&self, style: &str, text: &str) -> String {
        if self.colors {
            format!("{style}{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub const RED: &str = "\x1b[31m";
pub const YELLOW: &str = "\x1b[33m";
pub const DIM: &str = "\x1b[2m";

/// Whether output may be coloured: a terminal, and `NO_COLOR` not set (<https://no-color.org>).
pub fn colors_wanted(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The file history is kept in: `silkgraph/history` in the platform's data directory.
pub fn history_path() -> Option<std::path::PathBuf> {
    Some(dirs::data_dir()?.join("silkgraph").join("history"))
}

pub fn run(session: Session, format: Option<Format>) -> i32 {
    let format = format.unwrap_or(Format::Table);
    if !std::io::stdin().is_terminal() {
        return run_piped(session, format);
    }
    let mut state = State::new(session, format);
    state.colors = colors_wanted(std::io::stdout().is_terminal());
    state.spinner = std::io::stderr().is_terminal();
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(10_000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.history_ignore_space(true).bell_style(BellStyle::None).build())
        .unwrap_or_default();
    let mut rl: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return FAILED;
        }
    };
    // Ctrl-C while a statement runs cancels it; at the prompt the editor reads it as a key.
    // (Installed after the editor, which otherwise takes SIGINT over for its own lifetime.)
    let cancel = Arc::clone(&state.session.control.cancel);
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    rl.set_helper(Some(ReplHelper { schema: state.schema.clone(), colors: state.colors }));
    let history = history_path();
    if let Some(h) = &history {
        let _ = std::fs::create_dir_all(h.parent().unwrap_or(h));
        let _ = rl.load_history(h);
    }
    println!(
        "silkgraph {} — {} nodes, {} relationships. End statements with ';'. :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        state.session.graph.node_count(),
        state.session.graph.rel_count()
    );
    loop {
        state.width = rl.dimensions().map(|(w, _)| usize::from(w)).filter(|w| *w > 0);
        match rl.readline("silkgraph> ") {
            Ok(input) => {
                let text = input.trim();
                if text.is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(text);
                if let Some(h) = &history {
                    let _ = rl.save_history(h);
                }
                // Unlocked handles: the spinner thread writes to stderr meanwhile.
                let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
                let flow = if text.starts_with(':') {
                    match meta::parse(text) {
                        Ok(m) => meta::run(&mut state, m, &mut out, &mut err),
                        Err(e) => {
                            let _ = writeln!(err, "{}", state.paint(RED, &e));
                            Flow::Continue
                        }
                    }
                } else {
                    run_statements(&mut state, text, &mut out, &mut err);
                    Flow::Continue
                };
                let _ = out.flush();
                if let Some(h) = rl.helper_mut() {
                    h.schema = state.schema.clone();
                }
                match flow {
                    Flow::Continue => {}
                    Flow::Clear => {
                        let _ = rl.clear_screen();
                    }
                    Flow::Quit => break,
                }
            }
            // Ctrl-C at the prompt: the line is dropped, the prompt comes back.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    offer_to_save(&mut rl, &mut state);
    if let Some(h) = &history {
        let _ = rl.save_history(h);
    }
    OK
}

/// On leaving with changes not yet saved, asks where to save them (Enter leaves without).
fn offer_to_save(rl: &mut Editor<ReplHelper, DefaultHistory>, state: &mut State) {
    if state.session.dirty {
        // A file name, not a statement: no completion or statement hints.
        rl.set_helper(None);
    }
    while state.session.dirty {
        let prompt = "The graph has unsaved changes. Save to (FILE.cypher, Enter to leave without saving): ";
        let file = match rl.readline(prompt) {
            Ok(f) if !f.trim().is_empty() => f.trim().trim_matches(['"', '\'']).to_string(),
            _ => return,
        };
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        meta::run(state, meta::Meta::Save(file), &mut out, &mut err);
    }
}

/// Standard input is not a terminal: run it as a script, print results plainly.
fn run_piped(mut session: Session, format: Format) -> i32 {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return FAILED;
    }
    let mut out = std::io::stdout().lock();
    let mut printer = Printer::new(format, false);
    let ok = session.run_script(&text, &Params::new(), |g, r| printer.print(&mut out, g, r, &text));
    printer.finish(&mut out);
    let _ = out.flush();
    if ok {
        OK
    } else {
        FAILED
    }
}

/// Runs the statements of `text` in order, printing each result; stops at the first error.
/// Returns false if one failed.
pub fn run_statements(state: &mut State, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    for (a, b) in crate::script::split(text) {
        if !run_one(state, &text[a..b], out, err) {
            return false;
        }
    }
    true
}

fn run_one(state: &mut State, stmt: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    let mut warned = false;
    if let Ok(parsed) = crate::syntax::parse(stmt) {
        if let [s] = parsed.as_slice() {
            for w in diagnose::warnings(s, &state.schema) {
                let _ = writeln!(err, "{}", state.paint(YELLOW, &format!("warning: {w}")));
                warned = true;
            }
        }
    }
    let spinner = Spinner::start(state.spinner);
    let r = state.session.run_statement(stmt, &state.params);
    spinner.stop();
    match r {
        Ok(o) => {
            print_outcome(state, stmt, &o, out);
            if !o.result.stats.is_empty() {
                state.refresh_schema();
            }
            // Probing a slow query again would be slow too.
            let empty = o.time_ms < 1000.0
                && o.result.rows.is_empty()
                && !o.result.columns.is_empty()
                && o.result.stats.is_empty();
            state.last = Some(Last { text: stmt.to_string(), result: o.result });
            // Under an empty result, say what emptied it (unless a warning already did).
            if empty && !warned && state.format == Format::Table && !is_explain(stmt) {
                if let Ok(why) = diagnose::why_no_rows(&mut state.session, &state.params, stmt, Duration::from_secs(2))
                {
                    if let Some(reason) = why.reason {
                        let line = format!("hint: {reason}  (:whynot shows each step)");
                        let _ = writeln!(out, "{}", state.paint(DIM, &line));
                    }
                }
            }
            true
        }
        Err(mut e) => {
            if e.detail == crate::error::Detail::Cancelled {
                let _ = writeln!(err, "{}", state.paint(YELLOW, "cancelled — the graph is unchanged"));
                return false;
            }
            if e.hint.is_none() {
                e.hint = diagnose::error_hint(&e, stmt, &state.schema);
            }
            super::limits::add_hint(&mut e);
            let _ = writeln!(err, "{}", state.paint(RED, &render(&e, stmt)));
            false
        }
    }
}

fn is_explain(stmt: &str) -> bool {
    stmt.trim_start().get(..7).is_some_and(|w| w.eq_ignore_ascii_case("EXPLAIN"))
}

fn is_profile(stmt: &str) -> bool {
    stmt.trim_start().get(..7).is_some_and(|w| w.eq_ignore_ascii_case("PROFILE"))
}

/// A `PROFILE` result as the plan tree with each operator's rows and time beside it.
fn profile_text(r: &crate::exec::QueryResult) -> String {
    let cell = |v: Option<&crate::value::Value>| match v {
        Some(crate::value::Value::String(s)) => s.to_string(),
        Some(crate::value::Value::Int(i)) => i.to_string(),
        Some(crate::value::Value::Float(f)) => format!("{f:.3}"),
        _ => String::new(),
    };
    let rows: Vec<[String; 3]> = r.rows.iter().map(|row| [0, 1, 2].map(|i| cell(row.get(i)))).collect();
    let w = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0).max(8);
    let mut out = format!("{:<w$}  {:>10}  {:>10}\n", "operator", "rows", "ms");
    for [op, n, ms] in rows {
        out.push_str(&format!("{op:<w$}  {n:>10}  {ms:>10}\n"));
    }
    out
}

/// Prints a result in the session's format; tables fit the terminal and end with a footer of
/// the row count and the time taken.
pub fn print_outcome(state: &State, stmt: &str, o: &Outcome, out: &mut dyn Write) {
    let g = &state.session.graph;
    let r = &o.result;
    let _ = match state.format {
        Format::Table if is_profile(stmt) && r.columns == ["operator", "rows", "ms"] => {
            write!(out, "{}", profile_text(r))
        }
        Format::Table if is_explain(stmt) && r.columns == ["plan"] => {
            for row in &r.rows {
                if let Some(crate::value::Value::String(s)) = row.first() {
                    let _ = writeln!(out, "{s}");
                }
            }
            Ok(())
        }
        Format::Table => {
            let cut = state.width.and_then(|w| fit_width(&natural_widths(g, r), w));
            let table = output::table(g, r, cut);
            let (body, footer) = match table.rsplit_once('\n') {
                Some((b, f)) => (format!("{b}\n"), f.to_string()),
                None => (String::new(), table.clone()),
            };
            let footer = if state.timing { format!("{footer} ({})", format_ms(o.time_ms)) } else { footer };
            write!(out, "{body}").and_then(|_| writeln!(out, "{}", state.paint(DIM, &footer)))
        }
        Format::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&output::result_json(g, r, o.time_ms)).unwrap_or_default())
        }
        Format::Jsonl => writeln!(out, "{}", output::result_json(g, r, o.time_ms)),
        Format::Csv => write!(out, "{}", output::csv(g, r)),
    };
}

/// `0.4 ms`, `12 ms`, `3.2 s`.
pub fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// Each column's header width and widest cell, in characters.
fn natural_widths(g: &crate::store::Graph, r: &QueryResult) -> Vec<(usize, usize)> {
    let mut w: Vec<(usize, usize)> = r.columns.iter().map(|c| (c.chars().count(), 0)).collect();
    for row in &r.rows {
        for (i, v) in row.iter().enumerate() {
            if let Some(col) = w.get_mut(i) {
                let n = output::to_cypher(g, v).replace('\n', "\\n").chars().count();
                col.1 = col.1.max(n);
            }
        }
    }
    w
}

/// The longest cell (in characters) that lets a table with these `(header, widest cell)`
/// columns fit `width` terminal columns; `None` when it fits uncut. Never below 12.
pub fn fit_width(cols: &[(usize, usize)], width: usize) -> Option<usize> {
    let total = |m: usize| -> usize { cols.iter().map(|(h, c)| (*h).max((*c).min(m)) + 3).sum::<usize>() + 1 };
    let widest = cols.iter().map(|(_, c)| *c).max().unwrap_or(0);
    if total(widest) <= width {
        return None;
    }
    let (mut lo, mut hi) = (12usize, widest);
    if total(lo) > width {
        return Some(lo);
    }
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if total(mid) <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Some(lo)
}

/// A "running…" line on stderr once a statement has taken a second, until it ends.
struct Spinner {
    stop: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Spinner {
    fn start(enabled: bool) -> Spinner {
        if !enabled {
            return Spinner { stop: None };
        }
        let flag = Arc::new(AtomicBool::new(false));
        let f = Arc::clone(&flag);
        let handle = std::thread::spawn(move || {
            const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let t0 = Instant::now();
            let mut shown = false;
            let mut i = 0;
            while !f.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if t0.elapsed() >= Duration::from_secs(1) && !f.load(Ordering::Relaxed) {
                    let mut e = std::io::stderr().lock();
                    let _ = write!(
                        e,
                        "\r{} running… {}s  (Ctrl-C cancels)",
                        FRAMES[i % FRAMES.len()],
                        t0.elapsed().as_secs()
                    );
                    let _ = e.flush();
                    shown = true;
                    i += 1;
                }
            }
            if shown {
                let mut e = std::io::stderr().lock();
                let _ = write!(e, "\r\x1b[2K");
                let _ = e.flush();
            }
        });
        Spinner { stop: Some((flag, handle)) }
    }

    fn stop(self) {
        if let Some((flag, handle)) = self.stop {
            flag.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fit_the_terminal() {
        // Fits uncut.
        assert_eq!(fit_width(&[(4, 10), (3, 5)], 80), None);
        // 2 columns, one long: 3+3+1 = 7 of borders.
        let cols = [(4, 10), (8, 200)];
        let m = fit_width(&cols, 80).unwrap();
        assert_eq!(10 + 3 + m + 3 + 1, 80);
        // Headers are never cut, and cells not below 12.
        assert_eq!(fit_width(&[(30, 100), (30, 100), (30, 100)], 40), Some(12));
    }

    #[test]
    fn times_read_well() {
        assert_eq!(format_ms(0.42), "0.4 ms");
        assert_eq!(format_ms(123.4), "123 ms");
        assert_eq!(format_ms(12_345.0), "12.3 s");
    }
}
