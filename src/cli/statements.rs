//! Statements at the prompt: what the REPL keeps between inputs ([`State`]), running a line's
//! statements with their warnings, hints and "why no rows?", and printing each outcome (tables
//! that fit the terminal, plans, profiles) with a spinner while a slow one runs.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Format;
use crate::assist::diagnose::{self, SchemaSnapshot};
use crate::ast::Mode;
use crate::error::render;
use crate::exec::{Params, QueryResult};
use crate::output;
use crate::session::{Outcome, Session};

/// What the REPL keeps between inputs.
pub struct State {
    /// The session the statements run in: the graph, its database if any, the open transaction.
    pub session: Session,
    /// The parameters set with `:param`, given to every statement.
    pub params: Params,
    /// How results are printed (`:format`).
    pub format: Format,
    /// Whether a table's footer says how long the statement took (`:timing`).
    pub timing: bool,
    /// ANSI colours in output.
    pub colors: bool,
    /// Terminal width for tables; `None` leaves cells uncut.
    pub width: Option<usize>,
    /// Terminal height in lines: output longer than it goes through the pager.
    pub height: Option<usize>,
    /// The pager long output goes through (`:pager`); `None` off.
    pub pager: Option<super::term::Pager>,
    /// A "running…" indicator on stderr for statements that take over a second.
    pub spinner: bool,
    /// The last statement that ran and its result.
    pub last: Option<Last>,
    /// The graph's schema as of the last change.
    pub schema: SchemaSnapshot,
    /// `--connect`: the server the statements run on. `session` then holds the last answer's
    /// nodes and relationships (for `:why`, `:export`, `:show`), not the server's graph.
    pub remote: Option<(crate::remote::Remote, super::connect::ConnectArgs)>,
}

/// The last statement run, for `:why`, `:whynot` and `:explain`.
pub struct Last {
    /// The statement's text.
    pub text: String,
    /// What it returned.
    pub result: QueryResult,
}

impl State {
    /// The state of a new REPL on `session`: no parameters, timing on, colours and the spinner off
    /// until the caller turns them on.
    pub fn new(session: Session, format: Format) -> State {
        let schema = SchemaSnapshot::of(&session.graph);
        State {
            session,
            params: Params::new(),
            format,
            timing: true,
            colors: false,
            width: None,
            height: None,
            pager: None,
            spinner: false,
            last: None,
            schema,
            remote: None,
        }
    }

    /// Takes a new schema snapshot (after the graph changed); on a server, from the server.
    pub fn refresh_schema(&mut self) {
        self.schema = match &mut self.remote {
            Some((remote, _)) => super::connect::schema(remote),
            None => SchemaSnapshot::of(&self.session.graph),
        };
        self.schema.params = self.params.keys().cloned().collect();
    }

    /// Writes `text` to `out`, through the pager when there is one and the text is longer than
    /// the terminal.
    pub fn emit(&self, text: &[u8], out: &mut dyn Write) {
        let _ = match (&self.pager, self.height) {
            (Some(p), Some(rows)) => p.show(text, rows, out),
            _ => out.write_all(text),
        };
    }

    /// `text` in an ANSI style when colours are on.
    pub fn paint(&self, style: &str, text: &str) -> String {
        paint(self.colors, style, text)
    }
}

/// `text` in an ANSI style when `colors` is on.
pub fn paint(colors: bool, style: &str, text: &str) -> String {
    if colors {
        format!("{style}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// ANSI style of errors.
pub const RED: &str = "\x1b[31m";

/// ANSI style of warnings.
pub const YELLOW: &str = "\x1b[33m";

/// ANSI style of hints and table footers.
pub const DIM: &str = "\x1b[2m";

/// Whether output may be coloured: a terminal, and `NO_COLOR` not set (<https://no-color.org>).
pub fn colors_wanted(is_tty: bool) -> bool {
    is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the statements of `text` in order, printing each result; stops at the first error.
/// Returns false if one failed.
pub fn run_statements(state: &mut State, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    for (a, b) in crate::script::split(text) {
        // Each statement's output as a whole, so a long one can go through the pager.
        let mut shown = Vec::new();
        let ok = run_one(state, &text[a..b], &mut shown, err);
        state.emit(&shown, out);
        if !ok {
            return false;
        }
    }
    true
}

fn run_one(state: &mut State, stmt: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    if state.remote.is_some() {
        return run_remote(state, stmt, out, err);
    }
    let mut warned = false;
    // Prepared once: the warnings read the parsed statement, the run takes it from the cache.
    if let Ok(p) = state.session.prepared(stmt) {
        for w in diagnose::warnings(&p.0, &state.schema) {
            let _ = writeln!(err, "{}", state.paint(YELLOW, &format!("warning: {w}")));
            warned = true;
        }
    }
    let spinner = Spinner::start(state.spinner);
    let r = state.session.run_statement(stmt, &state.params);
    spinner.stop();
    match r {
        Ok(o) => {
            print_outcome(state, &o, out);
            // A statement that wrote, or the first that read the relationships of a database
            // just opened, changes what completion offers.
            if !o.result.stats.is_empty() || (state.schema.partial && state.session.graph.relationships_read()) {
                state.refresh_schema();
            }
            // Probing a slow query again would be slow too.
            let empty = o.time_ms < 1000.0
                && o.result.rows.is_empty()
                && !o.result.columns.is_empty()
                && o.result.stats.is_empty();
            let explained = o.mode() == Mode::Explain;
            state.last = Some(Last { text: stmt.to_string(), result: o.result });
            // Under an empty result, say what emptied it (unless a warning already did).
            if empty && !warned && state.format.layout().is_some() && !explained {
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

/// One statement on the server (`--connect`): the warnings and hints come from the server's
/// schema; the answer's nodes and relationships become the session's graph, for `:why` and
/// `:export`.
fn run_remote(state: &mut State, stmt: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    if let Ok(p) = state.session.prepare(stmt) {
        for w in diagnose::warnings(&p.0, &state.schema) {
            let _ = writeln!(err, "{}", state.paint(YELLOW, &format!("warning: {w}")));
        }
    }
    let spinner = Spinner::start(state.spinner);
    let Some((remote, args)) = &mut state.remote else { return false };
    let r = super::connect::run_one(args, remote, stmt, &state.params);
    spinner.stop();
    match r {
        Ok(((graph, result), ms)) => {
            state.session = Session::new(graph);
            print_result(state, &result, Mode::Run, ms, out);
            if !result.stats.is_empty() {
                state.refresh_schema();
            }
            state.last = Some(Last { text: stmt.to_string(), result });
            true
        }
        Err(mut e) => {
            if e.hint.is_none() {
                e.hint = diagnose::error_hint(&e, stmt, &state.schema);
            }
            let _ = writeln!(err, "{}", state.paint(RED, &render(&e, stmt)));
            false
        }
    }
}

/// Prints a result in the session's format; tables fit the terminal and end with a footer of
/// the row count and the time taken.
pub fn print_outcome(state: &State, o: &Outcome, out: &mut dyn Write) {
    print_result(state, &o.result, o.mode(), o.time_ms, out);
}

/// [`print_outcome`] for a result, what the statement asked for and its time.
pub fn print_result(state: &State, r: &QueryResult, mode: Mode, time_ms: f64, out: &mut dyn Write) {
    let g = &state.session.graph;
    let table = state.format.layout();
    let _ = match state.format {
        _ if table.is_some() && mode == Mode::Explain => write!(out, "{}", output::table::plan(r)),
        Format::Table | Format::Wrap | Format::Vertical => {
            let layout = table.unwrap_or(output::table::Layout::Cut);
            let t = output::table::render(g, r, layout, state.width);
            let footer = if state.timing { format!("{} ({})", t.footer, format_ms(time_ms)) } else { t.footer.clone() };
            let notice = super::term::cut_notice(&t, ":format wrap or :format vertical");
            let profile = r.profile.as_deref().map(output::table::profile).unwrap_or_default();
            write!(out, "{}{profile}", t.body)
                .and_then(|_| writeln!(out, "{}", state.paint(DIM, &format!("{footer}{notice}"))))
        }
        Format::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&output::result_json(g, r, time_ms)).unwrap_or_default())
        }
        Format::Jsonl => writeln!(out, "{}", output::result_json(g, r, time_ms)),
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
