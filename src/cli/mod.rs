//! The command line: `silkgraph [query|run] ...` as the contract describes, and the REPL.

pub mod check;
pub mod connect;
pub mod examples;
pub mod export;
pub mod help;
pub mod helper;
pub mod limits;
pub mod meta;
pub mod push;
pub mod repl;
pub mod serve;
pub mod statements;
pub mod term;

use std::io::{IsTerminal, Read, Write};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::assist::diagnose;
use crate::error::render;
use crate::exec::Params;
use crate::output;
use crate::session::{Outcome, Session};
use crate::store::Graph;

/// The main command line: where the graph comes from, the output format, the limits on a
/// statement, and a subcommand (without one, the REPL starts).
#[derive(Parser, Debug)]
#[command(
    name = "silkgraph",
    version,
    about = "A knowledge-graph engine with an openCypher query language",
    after_help = "Without a subcommand, the REPL starts (or, with statements on standard input, runs them).\n\
                  silkgraph help COMMAND tells more of one."
)]
pub struct Cli {
    /// Which graph to open: `--graph`, `--empty`, `--read-only`.
    #[command(flatten)]
    pub source: GraphSource,
    /// A remote server to run on instead: `--connect`, `--user`, `--database`.
    #[command(flatten)]
    pub remote: connect::ConnectArgs,
    /// How results are printed
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// List the bundled graphs and exit
    #[arg(long)]
    pub list_graphs: bool,
    /// Stop any statement that runs longer than this many seconds (default 600; 0: no limit)
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Most rows one statement may return (default 1000000)
    #[arg(long, global = true, value_name = "ROWS")]
    pub max_rows: Option<u64>,
    /// Upper bound of a variable-length pattern written without one, like -[*]- (default 100); a longer path is an error
    #[arg(long, global = true, value_name = "HOPS")]
    pub max_hops: Option<u64>,
    /// Memory the rows of one statement may take, estimated, e.g. 512MiB (default 2GiB)
    #[arg(long, global = true, value_name = "SIZE")]
    pub max_memory: Option<String>,
    /// The directory LOAD CSV reads files from, and nothing outside it (default: the current
    /// directory; `serve` reads none unless given one)
    #[arg(long, global = true, value_name = "DIR")]
    pub import_dir: Option<std::path::PathBuf>,
    /// Never index a large label by itself: lookups by property scan unless CREATE INDEX made one
    #[arg(long, global = true)]
    pub no_auto_index: bool,
    /// The subcommand; `None` starts the REPL.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The options that say which graph a command opens, and how.
#[derive(Args, Debug, Clone, Default)]
pub struct GraphSource {
    /// Open this graph: a database (a .sg file, or a new path: every commit is kept), a .cypher
    /// script, .json graph or CSV directory (in memory), or a bundled graph's name
    #[arg(long, global = true, conflicts_with = "empty")]
    pub graph: Option<String>,
    /// Start from an empty graph in memory
    #[arg(long, global = true)]
    pub empty: bool,
    /// Open a database without writing to it (another process may be writing it)
    #[arg(long, global = true)]
    pub read_only: bool,
}

/// The subcommands: `query`, `import` and `run`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the given statements (`;`-separated) and print their results
    Query {
        /// Query parameters as a JSON object
        #[arg(long)]
        params: Option<String>,
        /// How results are printed
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The statements
        statements: String,
    },
    /// Write a query's subgraph (or the whole graph) for other tools, or as a picture
    Export(export::ExportArgs),
    /// Bulk-load CSV files (neo4j-admin convention) into a `.sg` snapshot that `--graph` opens
    Import {
        /// A node file, optionally with a label for every row: `Person=people.csv`
        #[arg(long = "nodes", value_name = "[LABEL=]FILE", required = true)]
        nodes: Vec<String>,
        /// A relationship file, optionally with its type: `KNOWS=knows.csv`
        #[arg(long = "relationships", value_name = "[TYPE=]FILE")]
        relationships: Vec<String>,
        /// The snapshot to write
        #[arg(long, value_name = "GRAPH.sg")]
        out: std::path::PathBuf,
        /// Replace the snapshot if it exists
        #[arg(long)]
        force: bool,
    },
    /// Write a database's snapshot now and empty its log (then a copy of the file is a backup)
    Checkpoint {
        /// The database (a `.sg` file); it must not be open for writing elsewhere
        db: std::path::PathBuf,
    },
    /// Serve the graph over Bolt, to Neo4j's drivers and tools (bolt:// and neo4j:// URIs)
    Serve(serve::ServeArgs),
    /// Copy the graph (or a query's subgraph) into a remote database: silkgraph push --to URI
    Push(push::PushArgs),
    /// Check a graph against its source documents: every quote a verbatim sentence, every
    /// stated value with evidence, no date more precise than its sentence, no fact twice
    Check(check::CheckArgs),
    /// Manage the users a server lets in: `silkgraph user add NAME --users FILE`
    User(serve::UserArgs),
    /// Run a script file (or `-` for standard input)
    Run {
        /// Query parameters as a JSON object
        #[arg(long)]
        params: Option<String>,
        /// How results are printed
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The script, or `-`
        script: String,
    },
}

/// How results are printed: `--format`, or `:format` in the REPL.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table per result, values in Cypher notation (the default); on a terminal, long
    /// cells are cut to fit it
    Table,
    /// A table whose long cells wrap onto more lines instead of being cut
    Wrap,
    /// One value per line, each row under a `row N` rule (as `\\G` in MySQL)
    Vertical,
    /// Pretty-printed JSON; outside the interactive prompt, one array of every statement's result or error
    Json,
    /// One line of JSON per result; outside the interactive prompt, errors are lines too
    Jsonl,
    /// CSV (RFC 4180) with a header row
    Csv,
}

impl Format {
    /// The layout of a format that prints tables for people; `None` for the data formats.
    pub fn layout(self) -> Option<output::table::Layout> {
        use output::table::Layout;
        match self {
            Format::Table => Some(Layout::Cut),
            Format::Wrap => Some(Layout::Wrap),
            Format::Vertical => Some(Layout::Vertical),
            Format::Json | Format::Jsonl | Format::Csv => None,
        }
    }

    /// The format's name, as `--format` and `:format` take it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Wrap => "wrap",
            Format::Vertical => "vertical",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    /// The format `name` names (any case).
    pub fn parse(name: &str) -> Option<Format> {
        Format::value_variants().iter().copied().find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// Exit code of the contract: everything ran.
pub const OK: i32 = 0;
/// A statement failed, or the graph or the results could not be read or written.
pub const FAILED: i32 = 1;
/// The command line was wrong: a bad option, `--params` or limit, or a script that cannot be read.
pub const USAGE: i32 = 2;

fn parse_params(p: &Option<String>) -> Result<Params, String> {
    let Some(text) = p else { return Ok(Params::new()) };
    let j: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("--params is not valid JSON: {e}"))?;
    let obj = j.as_object().ok_or("--params must be a JSON object")?;
    obj.iter().map(|(k, v)| Ok((k.clone(), output::from_json(v)?))).collect()
}

/// The graph a command names, in memory: an empty one (`--empty`), the file or bundled graph
/// `--graph` names, else the default bundled graph.
pub fn open_graph(src: &GraphSource) -> Result<Graph, String> {
    open_graph_within(src, &Session::default())
}

/// [`open_graph`], a graph file's statements under `like`'s limits (see
/// [`crate::io::open_within`]).
fn open_graph_within(src: &GraphSource, like: &Session) -> Result<Graph, String> {
    if src.empty {
        Ok(Graph::new())
    } else if let Some(g) = &src.graph {
        crate::graphs::open_within(g, like).map_err(file_error)
    } else {
        crate::graphs::default_graph().map_err(file_error)
    }
}

/// A file error as the CLI says it: with the option that would help, where one would.
pub(crate) fn file_error(e: crate::error::FileError) -> String {
    match e.problem {
        crate::error::FileProblem::Exists => format!("{e}; use --force to replace it"),
        _ => e.to_string(),
    }
}

/// Whether `--graph SPEC` names a database: a `.sg` file, a file that is a snapshot whatever
/// its name, or a path where nothing is yet (other than a graph file's or a bundled graph's
/// name).
pub fn is_database(spec: &str) -> bool {
    let path = std::path::Path::new(spec);
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("sg") => !path.is_dir(),
        Some("cypher" | "cql" | "json" | "csv") => false,
        _ if path.is_file() => crate::io::is_snapshot(path),
        _ => !path.exists() && !crate::graphs::BUNDLED.iter().any(|(n, _, _)| *n == spec),
    }
}

/// Refuses a bare name that is no file and is close to a bundled graph's name (`karat`): a
/// typo would otherwise create a new, empty database of that name.
fn misspelt_bundled(spec: &str) -> Result<(), String> {
    let path = std::path::Path::new(spec);
    if path.exists() || path.extension().is_some() || spec.contains(std::path::MAIN_SEPARATOR) {
        return Ok(());
    }
    let names = crate::graphs::BUNDLED.iter().map(|(n, _, _)| *n);
    match crate::similar::did_you_mean(spec, names).filter(|n| *n != spec) {
        Some(near) => Err(format!(
            "--graph {spec}: there is no bundled graph or file of that name; did you mean --graph {near}? \
             (--list-graphs lists the bundled graphs; a new database is made by naming it, such as {spec}.sg)"
        )),
        None => Ok(()),
    }
}

/// The session a command works in: on a database (its notices, such as "created", go to
/// standard error), or on a graph in memory. It takes `like`'s limits (see
/// [`limits::apply`]), and a graph file loads under them.
pub fn open_session(src: &GraphSource, like: &Session) -> Result<Session, String> {
    let mut session = open_session_unbounded(src, like)?;
    session.take_bounds(like);
    Ok(session)
}

fn open_session_unbounded(src: &GraphSource, like: &Session) -> Result<Session, String> {
    if let Some(spec) = src.graph.as_deref().filter(|_| !src.empty) {
        misspelt_bundled(spec)?;
    }
    match &src.graph {
        Some(spec) if !src.empty && is_database(spec) => {
            let opened = crate::db::Database::open(std::path::Path::new(spec), src.read_only).map_err(|e| {
                if e.contains(crate::db::LOCKED) {
                    format!("{e} (--read-only)")
                } else {
                    e
                }
            })?;
            for n in &opened.notices {
                eprintln!("{n}");
            }
            Ok(Session::on_database(opened))
        }
        _ if src.read_only => Err("--read-only is for databases; this graph is opened in memory".into()),
        _ => open_graph_within(src, like).map(Session::new),
    }
}

/// Closes a session at the end of a command: a database is checkpointed, an open transaction
/// rolled back with a warning. Returns the exit code, `code` unless closing failed.
pub fn close_session(session: &mut Session, code: i32) -> i32 {
    if session.dirty {
        eprintln!(
            "warning: the graph was in memory and its changes are gone; open a database (--graph FILE.sg) to keep them"
        );
    }
    match session.close() {
        Ok(rolled_back) => {
            if rolled_back {
                eprintln!("warning: a transaction was still open at the end; it was rolled back (:commit keeps one)");
            }
            code
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}

/// Runs the program; returns the exit code.
pub fn main() -> i32 {
    let mut cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { USAGE } else { OK };
            let _ = e.print();
            return code;
        }
    };
    if cli.list_graphs {
        return list_graphs();
    }
    // `query --format json` and `--format json query` alike.
    if let Some(Command::Query { format: Some(f), .. } | Command::Run { format: Some(f), .. }) = &cli.command {
        cli.format = Some(*f);
    }
    if let Some(why) = ignored_options(&cli) {
        eprintln!("error: {why}");
        return USAGE;
    }
    if let Some(Command::Export(args)) = &cli.command {
        return export::main(args, &cli);
    }
    if let Some(Command::Import { nodes, relationships, out, force }) = &cli.command {
        return import(nodes, relationships, out, *force);
    }
    if let Some(Command::Checkpoint { db }) = &cli.command {
        return checkpoint(db);
    }
    if let Some(Command::User(args)) = &cli.command {
        return serve::user(args);
    }
    if let Some(Command::Check(args)) = &cli.command {
        return check::main(args);
    }
    if cli.remote.connect.is_some() {
        return remote(&cli);
    }
    let mut bounds = Session::default();
    if let Err(e) = limits::apply(&mut bounds, cli.timeout, cli.max_rows, cli.max_hops, cli.max_memory.as_deref()) {
        eprintln!("error: {e}");
        return USAGE;
    }
    let mut session = match open_session(&cli.source, &bounds) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    session.no_auto_index = cli.no_auto_index;
    session.control.import_dir = match (&cli.import_dir, &cli.command) {
        (Some(dir), _) if !dir.is_dir() => {
            eprintln!("error: --import-dir {}: not a directory", dir.display());
            return USAGE;
        }
        (Some(dir), _) => Some(dir.as_path().into()),
        // A server's clients are not the person at this terminal: they read no file unless told.
        (None, Some(Command::Serve(_))) => None,
        (None, _) => Some(std::path::Path::new(".").into()),
    };
    match cli.command {
        None => repl::run(session, cli.format),
        Some(Command::Query { params, statements, .. }) => {
            run_text(session, &statements, &params, cli.format.unwrap_or(Format::Table))
        }
        Some(
            Command::Import { .. }
            | Command::Checkpoint { .. }
            | Command::User(_)
            | Command::Export(_)
            | Command::Check(_),
        ) => OK,
        Some(Command::Serve(args)) => serve::serve(session, &cli.source, &args),
        Some(Command::Push(args)) => {
            let code = push::push(&mut session, &args, &cli.remote);
            close_session(&mut session, code)
        }
        Some(Command::Run { params, script, .. }) => match read_script(&script) {
            Ok(text) => run_text(session, &text, &params, cli.format.unwrap_or(Format::Table)),
            Err(code) => code,
        },
    }
}

/// What is wrong when options are given to a subcommand that would ignore them (`import`
/// reads its CSV files and writes `--out`, whatever `--graph` says).
fn ignored_options(cli: &Cli) -> Option<String> {
    // What opens and limits a local graph, and what reaches a server.
    const LOCAL: &[&str] = &[
        "--graph",
        "--empty",
        "--timeout",
        "--max-rows",
        "--max-hops",
        "--max-memory",
        "--import-dir",
        "--no-auto-index",
    ];
    const REMOTE: &[&str] = &["--connect", "--user", "--password-stdin", "--database", "--max-fetch"];
    let (name, allowed): (&str, &[&[&str]]) = match &cli.command {
        Some(Command::Import { .. }) => ("import", &[]),
        Some(Command::Checkpoint { .. }) => ("checkpoint", &[]),
        Some(Command::User(_)) => ("user", &[]),
        Some(Command::Check(_)) => ("check", &[]),
        Some(Command::Serve(_)) => ("serve", &[LOCAL, &["--read-only"]]),
        Some(Command::Export(_)) => ("export", &[LOCAL, REMOTE]),
        _ => return None,
    };
    let r = &cli.remote;
    let given = [
        ("--graph", cli.source.graph.is_some()),
        ("--empty", cli.source.empty),
        ("--read-only", cli.source.read_only),
        ("--format", cli.format.is_some()),
        ("--timeout", cli.timeout.is_some()),
        ("--max-rows", cli.max_rows.is_some()),
        ("--max-hops", cli.max_hops.is_some()),
        ("--max-memory", cli.max_memory.is_some()),
        ("--import-dir", cli.import_dir.is_some()),
        ("--no-auto-index", cli.no_auto_index),
        ("--connect", r.connect.is_some()),
        ("--user", r.user.is_some()),
        ("--password-stdin", r.password_stdin),
        ("--database", r.database.is_some()),
        ("--max-fetch", r.max_fetch.is_some()),
    ];
    let ignored: Vec<&str> =
        given.iter().filter(|(o, set)| *set && !allowed.iter().any(|a| a.contains(o))).map(|(o, _)| *o).collect();
    if ignored.is_empty() {
        return None;
    }
    let what = match name {
        "import" => "it reads the CSV files it is given and writes --out",
        "checkpoint" => "it opens the database it names",
        "user" => "it edits the users file it names",
        "check" => "it loads the graph it names and reads the documents of --sources",
        "export" => "its --format names the export format, after `export`",
        _ => "the server takes its graph and limits; clients choose their own formats",
    };
    Some(format!("{name} does not take {}: {what} (silkgraph help {name})", ignored.join(", ")))
}

/// A script's text from its file, or standard input for `-`; an unreadable one is a usage
/// error (said on standard error).
fn read_script(script: &str) -> Result<String, i32> {
    let read = if script == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s).map_err(|e| format!("cannot read standard input: {e}"))
    } else {
        std::fs::read_to_string(script).map_err(|e| format!("cannot read {script}: {e}"))
    };
    read.map_err(|e| {
        eprintln!("error: {e}");
        USAGE
    })
}

/// `--connect URI`: `query` and `run` on the remote server.
fn remote(cli: &Cli) -> i32 {
    if cli.source.graph.is_some() || cli.source.empty {
        eprintln!("error: --connect runs on the server; --graph and --empty name a local graph (use one or the other)");
        return USAGE;
    }
    let format = cli.format.unwrap_or(Format::Table);
    match &cli.command {
        Some(Command::Query { params, statements, .. }) => connect::run_text(&cli.remote, statements, params, format),
        Some(Command::Run { params, script, .. }) => match read_script(script) {
            Ok(text) => connect::run_text(&cli.remote, &text, params, format),
            Err(code) => code,
        },
        None => repl::run_remote(&cli.remote, cli.format),
        _ => {
            eprintln!(
                "error: --connect works with the REPL, query, run and export (push takes --to; the REPL, serve and the rest work on \
                 local graphs)"
            );
            USAGE
        }
    }
}

/// `silkgraph checkpoint DB`: opens the database for writing (replaying its log), writes its
/// snapshot and empties the log.
fn checkpoint(db: &std::path::Path) -> i32 {
    if !db.is_file() {
        eprintln!("error: {}: no database there", db.display());
        return FAILED;
    }
    let opened = match crate::db::Database::open(db, false) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    for n in &opened.notices {
        eprintln!("{n}");
    }
    let mut session = Session::on_database(opened);
    match session.checkpoint() {
        Ok(()) => {
            eprintln!("checkpoint written: {} holds every commit", db.display());
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}

/// `--list-graphs`: a line per bundled graph; a failed write (a closed pipe, a full disk) is an
/// error, not a panic.
fn list_graphs() -> i32 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = crate::graphs::BUNDLED.iter().try_for_each(|(name, about, _)| writeln!(out, "{name}\t{about}"));
    match written.and_then(|()| out.flush()) {
        Ok(()) => OK,
        // A reader that stopped reading (`| head`) is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => OK,
        Err(e) => {
            eprintln!("error: cannot write the list of graphs: {e}");
            FAILED
        }
    }
}

fn run_text(mut session: Session, text: &str, params: &Option<String>, format: Format) -> i32 {
    let params = match parse_params(params) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut printer = Printer::new(format, std::io::stdout().is_terminal());
    // The REPL's warnings (unknown names, with the nearest) and error hints, here too.
    let mut schema: Option<diagnose::SchemaSnapshot> = None;
    let ok = session.run_script_with(text, &params, |s, piece, params, r| {
        // A statement that changed the graph is not warned about; its changes renew the
        // schema the warnings read. The schema (a pass over the graph) is made only when a
        // statement that reads gave no rows, where a misspelt name is the usual cause, or for
        // an error's hint: a script of many writes, or of queries that answer, never makes it.
        let wrote = r.as_ref().is_ok_and(|o| !o.result.stats.is_empty());
        if wrote {
            schema = None;
        }
        let empty = r.as_ref().is_ok_and(|o| o.result.rows.is_empty() && !o.result.columns.is_empty());
        printer.warnings = match (&r, wrote || !empty) {
            (Ok(_), false) => {
                let known = schema.get_or_insert_with(|| diagnose::SchemaSnapshot::of(&s.graph));
                let stmts = crate::syntax::parse(piece).unwrap_or_default();
                stmts.iter().flat_map(|s| diagnose::warnings(s, known)).collect()
            }
            _ => Vec::new(),
        };
        // No unknown name to blame: say what emptied the result, as the REPL does (a probe of
        // two seconds at most; a slow query is not probed).
        let quick = r.as_ref().is_ok_and(|o| o.time_ms < 1000.0 && o.mode() == crate::ast::Mode::Run);
        if empty && !wrote && quick && printer.warnings.is_empty() {
            if let Ok(why) = diagnose::why_no_rows(s, params, piece, std::time::Duration::from_secs(2)) {
                printer.warnings.extend(why.reason.map(|reason| format!("no rows: {reason}")));
            }
        }
        let r = r.map_err(|mut e| {
            if e.hint.is_none() {
                let known = schema.get_or_insert_with(|| diagnose::SchemaSnapshot::of(&s.graph));
                e.hint = diagnose::error_hint(&e, piece, known);
            }
            e
        });
        printer.print(&mut out, &s.graph, r, text)
    });
    let written = printer.close(&mut out);
    let code = if ok && written { OK } else { FAILED };
    let code = close_session(&mut session, code);
    // The process ends with this: its memory goes with it, faster than a large graph is freed
    // piece by piece.
    std::mem::forget(session);
    code
}

/// Prints statement outcomes in one format. Errors go to stderr, except in `jsonl` where they
/// are a line of the output.
pub struct Printer {
    format: Format,
    tty: bool,
    json_items: Vec<serde_json::Value>,
    /// How many CSV results were printed (the next one comes after an empty line).
    csv_results: usize,
    /// Warnings about the next result's statement (unknown names): on standard error, or as
    /// the result's `"warnings"` in JSON.
    pub warnings: Vec<String>,
    /// The first failed write, if one failed.
    pub write_error: Option<std::io::Error>,
    /// Errors in red and warnings in yellow: standard error is a terminal and `NO_COLOR` is not set.
    colors: bool,
}

impl Printer {
    /// A printer in `format`; `tty` says whether standard output is a terminal (tables then cut
    /// long cells).
    pub fn new(format: Format, tty: bool) -> Printer {
        let colors = statements::colors_wanted(std::io::stderr().is_terminal());
        Printer { format, tty, json_items: Vec::new(), csv_results: 0, warnings: Vec::new(), write_error: None, colors }
    }

    /// Prints one statement's result, or its error: on standard error, but as a line in `jsonl` and
    /// an element in `json`; `source` is the text the error's place points into.
    pub fn print(&mut self, out: &mut dyn Write, g: &Graph, r: crate::error::Result<Outcome>, source: &str) {
        // A plan reads as a plan, not as a table of quoted lines.
        if let Some(o) =
            r.as_ref().ok().filter(|o| o.mode() == crate::ast::Mode::Explain && self.format.layout().is_some())
        {
            let res = write!(out, "{}", output::table::plan(&o.result));
            self.keep_first_error(res);
            return;
        }
        self.print_result(out, g, r.as_ref().map(|o| (&o.result, o.time_ms)).map_err(Clone::clone), source);
    }

    /// [`Printer::print`] for a result and its time in milliseconds (a remote server's answer).
    pub fn print_result(
        &mut self,
        out: &mut dyn Write,
        g: &Graph,
        r: crate::error::Result<(&crate::exec::QueryResult, f64)>,
        source: &str,
    ) {
        let r = r.map_err(|mut e| {
            limits::add_hint(&mut e);
            e
        });
        let warnings = std::mem::take(&mut self.warnings);
        let result_json = |o: (&crate::exec::QueryResult, f64)| {
            let mut j = output::result_json(g, o.0, o.1);
            if let Some(m) = j.as_object_mut().filter(|_| !warnings.is_empty()) {
                m.insert("warnings".into(), serde_json::json!(warnings));
            }
            j
        };
        if matches!(self.format, Format::Table | Format::Wrap | Format::Vertical | Format::Csv) {
            for w in &warnings {
                eprintln!("{}", self.paint(statements::YELLOW, &format!("warning: {w}")));
            }
        }
        let res = match (self.format, r) {
            (Format::Jsonl, Ok(o)) => writeln!(out, "{}", result_json(o)),
            (Format::Jsonl, Err(e)) => writeln!(out, "{}", crate::error::to_json(&e, source)),
            (Format::Json, Ok(o)) => {
                self.json_items.push(result_json(o));
                Ok(())
            }
            (Format::Json, Err(e)) => {
                self.json_items.push(crate::error::to_json(&e, source));
                Ok(())
            }
            // Several statements' results, each with its header, apart by an empty line.
            (Format::Csv, Ok(o)) => {
                self.csv_results += 1;
                let gap = if self.csv_results > 1 { "\r\n" } else { "" };
                write!(out, "{gap}{}", output::csv(g, o.0))
            }
            (f, Ok(o)) => {
                let layout = f.layout().unwrap_or(output::table::Layout::Cut);
                let screen = if self.tty { term::width() } else { None };
                let t = output::table::render(g, o.0, layout, screen);
                let notice = term::cut_notice(&t, "--format wrap or --format vertical");
                let profile = o.0.profile.as_deref().map(output::table::profile).unwrap_or_default();
                writeln!(out, "{}{profile}{}{notice}", t.body, t.footer)
            }
            (_, Err(e)) => {
                eprintln!("{}", self.paint(statements::RED, &render(&e, source)));
                Ok(())
            }
        };
        self.keep_first_error(res);
    }

    /// Ends the output: in `json`, writes the array of everything printed.
    pub fn finish(&mut self, out: &mut dyn Write) {
        if self.format == Format::Json {
            let all = serde_json::Value::Array(std::mem::take(&mut self.json_items));
            let res = writeln!(out, "{}", serde_json::to_string_pretty(&all).unwrap_or_default());
            self.keep_first_error(res);
        }
    }

    /// Ends the output ([`Printer::finish`]) and flushes it; false (said on standard error) when
    /// a result could not be written: a full disk or a closed pipe is a failure.
    pub fn close(&mut self, out: &mut dyn Write) -> bool {
        self.finish(out);
        match self.write_error.take().map(Err).unwrap_or_else(|| out.flush()) {
            Ok(()) => true,
            // A reader that stopped reading (`| head`) is not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
            Err(e) => {
                eprintln!("error: cannot write the results: {e}");
                false
            }
        }
    }

    fn paint(&self, style: &str, text: &str) -> String {
        statements::paint(self.colors, style, text)
    }

    fn keep_first_error(&mut self, res: std::io::Result<()>) {
        if let Err(e) = res {
            self.write_error.get_or_insert(e);
        }
    }
}

fn import(nodes: &[String], rels: &[String], out: &std::path::Path, force: bool) -> i32 {
    let (g, sum) = match crate::import::import(nodes, rels) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}", file_error(e));
            return FAILED;
        }
    };
    let bytes = match g.to_snapshot() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return FAILED;
        }
    };
    if let Err(e) = crate::export::write_atomic(out, &bytes, force) {
        eprintln!("error: {}", file_error(e));
        return FAILED;
    }
    eprintln!(
        "imported {} and {} in {:.2} s; wrote {} ({:.1} MiB)",
        plural(sum.nodes, "node"),
        plural(sum.relationships, "relationship"),
        sum.seconds,
        out.display(),
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    OK
}

/// `1 node`, `2 nodes`.
pub fn plural(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
