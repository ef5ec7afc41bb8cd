//! The interactive shell. On a terminal: a rustyline editor with schema-aware completion,
//! highlighting, hints and multi-line input ([`super::helper`]), `:commands`
//! ([`super::meta`]), history in the platform's data directory, results as tables that fit
//! the terminal, "did you mean" hints, "why no rows?", and Ctrl-C that cancels the running
//! query. Without a terminal on standard input it reads statements from it and prints results
//! without prompts, colours or escape codes, stopping at the first error.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rustyline::config::{BellStyle, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::Editor;

use super::helper::ReplHelper;
use super::meta::{self, Flow};
pub use super::statements::{colors_wanted, format_ms, print_outcome, run_statements, Last, State, DIM, RED, YELLOW};
use super::{Format, FAILED, OK};
use crate::session::Session;

/// The file history is kept in: `silkgraph/history` in the platform's data directory.
pub fn history_path() -> Option<std::path::PathBuf> {
    Some(dirs::data_dir()?.join("silkgraph").join("history"))
}

/// The prompt for a new statement.
const PROMPT: &str = "silkgraph> ";

/// The prompt for the next line of an unfinished statement, aligned under [`PROMPT`].
const CONTINUATION: &str = "      ...> ";

/// Runs the REPL on `session`, printing results in `format` (tables by default); without a terminal
/// on standard input, runs it as a script instead. Returns the exit code.
pub fn run(session: Session, format: Option<Format>) -> i32 {
    let format = format.unwrap_or(Format::Table);
    if !std::io::stdin().is_terminal() {
        return run_piped(session, format);
    }
    let banner = format!(
        "silkgraph {} — {}, {}. End statements with ';'. :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        super::plural(session.graph.node_count() as u64, "node"),
        super::plural(session.graph.rel_count() as u64, "relationship")
    );
    interact(State::new(session, format), &banner)
}

/// The REPL on a server (`--connect`): statements run there; completion, hints and `:schema`
/// read the server's schema; `:why`, `:export` and `:show` work on the last answer.
pub fn run_remote(args: &super::connect::ConnectArgs, format: Option<Format>) -> i32 {
    let format = format.unwrap_or(Format::Table);
    if !std::io::stdin().is_terminal() {
        let mut text = String::new();
        if std::io::stdin().read_to_string(&mut text).is_err() {
            return FAILED;
        }
        return super::connect::run_text(args, &text, &None, format);
    }
    let mut remote = match args.open() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    let size = remote.size().map(|(n, r)| format!("{n} nodes, {r} relationships")).unwrap_or_default();
    let banner = format!(
        "silkgraph {} on {} ({}) — {size}. End statements with ';'. :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        args.connect.as_deref().unwrap_or_default(),
        remote.agent()
    );
    let mut state = State::new(Session::default(), format);
    state.schema = super::connect::schema(&mut remote);
    state.remote = Some((remote, args.clone()));
    interact(state, &banner)
}

fn interact(mut state: State, banner: &str) -> i32 {
    state.colors = colors_wanted(std::io::stdout().is_terminal());
    state.spinner = std::io::stderr().is_terminal();
    state.pager = super::term::Pager::from_env();
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
    rl.set_helper(Some(ReplHelper { schema: state.schema.clone(), colors: state.colors, pending: String::new() }));
    let history = history_path();
    if let Some(h) = &history {
        let _ = std::fs::create_dir_all(h.parent().unwrap_or(h));
        let _ = rl.load_history(h);
    }
    println!("{banner}");
    let mut pending = String::new();
    loop {
        let size = super::term::size();
        state.width = size.map(|(w, _)| w);
        state.height = size.map(|(_, h)| h);
        // Completion reads the lines of an unfinished statement too.
        if let Some(h) = rl.helper_mut() {
            h.pending.clone_from(&pending);
        }
        let prompt = if pending.is_empty() { PROMPT } else { CONTINUATION };
        match rl.readline(prompt) {
            Ok(line) => {
                // The lines of a statement are gathered until it ends with `;`.
                if !pending.is_empty() {
                    pending.push('\n');
                }
                pending.push_str(&line);
                if !crate::script::is_complete(&pending) {
                    continue;
                }
                let input = std::mem::take(&mut pending);
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
                        Ok(m) => {
                            // A command's output as a whole, for the pager (`:schema`, `:help`).
                            let mut shown = Vec::new();
                            let flow = meta::run(&mut state, m, &mut shown, &mut err);
                            state.emit(&shown, &mut out);
                            flow
                        }
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
            // Ctrl-C at the prompt: the line (and an unfinished statement) is dropped.
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => {
                if !pending.trim().is_empty() {
                    eprintln!("the unfinished statement was not run (a statement ends with ';')");
                }
                break;
            }
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
    if let Some((remote, _)) = state.remote.take() {
        remote.close();
    }
    super::close_session(&mut state.session, OK)
}

/// On leaving with changes not yet saved, asks where to save them (Enter leaves without).
fn offer_to_save(rl: &mut Editor<ReplHelper, DefaultHistory>, state: &mut State) {
    if state.session.dirty {
        // A file name, not a statement: no completion or statement hints.
        rl.set_helper(None);
    }
    while state.session.dirty {
        let prompt = "The graph in memory has unsaved changes. Save to (FILE.sg, Enter to leave without saving): ";
        let file = match rl.readline(prompt) {
            Ok(f) if !f.trim().is_empty() => f.trim().trim_matches(['"', '\'']).to_string(),
            _ => {
                state.session.dirty = false;
                return;
            }
        };
        // A command is not a file name: `:q` leaves, anything else asks again.
        if file.starts_with(':') {
            if matches!(file.as_str(), ":q" | ":quit" | ":exit") {
                state.session.dirty = false;
                return;
            }
            eprintln!("that is a command; type a file name (such as graph.sg), or Enter to leave without saving");
            continue;
        }
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        meta::run(state, meta::Meta::Save(file), &mut out, &mut err);
    }
}

/// Standard input is not a terminal: run it as a script, print results plainly, with the
/// warnings and hints `query` and `run` give.
fn run_piped(session: Session, format: Format) -> i32 {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return FAILED;
    }
    super::run_text(session, &text, &None, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        assert_eq!(format_ms(0.42), "0.4 ms");
        assert_eq!(format_ms(123.4), "123 ms");
        assert_eq!(format_ms(12_345.0), "12.3 s");
    }
}
