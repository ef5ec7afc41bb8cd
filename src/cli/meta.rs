//! The REPL's `:commands`: parsed by [`parse`] (a plain function, unit-tested), run by [`run`]
//! against the REPL's [`State`], writing to the given streams.

use std::io::Write;

use super::help::COMMANDS;
use super::statements::{print_outcome, run_statements, State, RED};
use super::{plural, Format};
use crate::assist::diagnose;
use crate::error::render;
use crate::similar::did_you_mean;
use crate::value::{quote_name, NodeId, RelId, Value};

/// A parsed `:command`.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// `:help` (also `:h`, `:?`), or `:help TOPIC` on a clause, function or procedure.
    Help(Option<String>),
    /// `:schema`: the labels, relationship types, what they connect and their property keys.
    Schema,
    /// `:stats`: counts of nodes, relationships, labels, types and keys.
    Stats,
    /// `:param name => expression`
    Param {
        /// The parameter's name, without `$` or backticks.
        name: String,
        /// The Cypher expression whose value the parameter takes.
        expr: String,
    },
    /// `:params`: lists the parameters.
    Params,
    /// `:params clear`: removes every parameter.
    ParamsClear,
    /// `:param {name: value, ...}`: sets each key of the map (cypher-shell's form).
    ParamMap(String),
    /// `:format table|wrap|vertical|json|jsonl|csv`: how results are printed from now on;
    /// `None` says which.
    Format(Option<Format>),
    /// `:timing on|off`; `None` says which.
    Timing(Option<bool>),
    /// `:pager on|off|COMMAND`; `None` says which.
    Pager(Option<String>),
    /// Seconds; `None` removes the limit.
    Timeout(Option<f64>),
    /// `:limits [NAME VALUE]`
    Limits(String),
    /// `:load FILE [--discard]`: replaces the graph in memory by the one FILE names (`--discard` drops
    /// unsaved changes); the text is the rest of the line.
    Load(String),
    /// `:run FILE` (also `:source`): runs a script's statements on the current graph.
    Run(String),
    /// `:save FILE [--force]`: writes the whole graph as a `.sg` snapshot, a `.json` graph or a
    /// `.cypher` script; the text is the rest of the line.
    Save(String),
    /// `:why`: the evidence (source and quote) of each relationship in the last result.
    Why,
    /// `:connect A B` (names, quoted when they have spaces, or `A to B`): the most specific
    /// paths between two entities (`kg.connections`), each relationship with its quote.
    Connect(String, String),
    /// `:whynot [QUERY]` (also `:why-not`): which pattern part or filter left the query (by default
    /// the last one) without rows.
    WhyNot(Option<String>),
    /// `:explain [QUERY]`: the plan of the given query, or of the last one.
    Explain(Option<String>),
    /// `:export FMT FILE [--force] [size=KEY] [color=KEY]`
    Export(ExportArgs),
    /// `:show [FILE] [--force] [size=KEY] [color=KEY]`
    Show(ExportArgs),
    /// `:begin`: opens a transaction that keeps the statements until `:commit` together.
    Begin,
    /// `:commit`: keeps the open transaction's changes (durably, on a database).
    Commit,
    /// `:rollback`: undoes the open transaction's changes.
    Rollback,
    /// `:checkpoint`: writes the database's snapshot now.
    Checkpoint,
    /// `:clear`: clears the screen.
    Clear,
    /// `:quit` (also `:q`, `:exit`): leaves the REPL.
    Quit,
}

/// The arguments of `:export` and `:show`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportArgs {
    /// The export format: given to `:export`; `:show` takes it from the file's extension.
    pub format: Option<crate::export::ExportFormat>,
    /// The file to write; `:show` without one writes a page in the temporary directory.
    pub file: Option<String>,
    /// `--force`: replace the file if it exists.
    pub force: bool,
    /// `size=KEY`: what sizes the nodes of a picture, a numeric property or a score (`pagerank`, ...).
    pub size: Option<String>,
    /// `color=KEY` (or `colour=`): what colours the nodes of a picture, `label` or a property.
    pub color: Option<String>,
}

const EXPORT_USAGE: &str = "usage: :export FORMAT FILE [--force] [size=KEY] [color=KEY]   formats: ";
const SHOW_USAGE: &str =
    "usage: :show [FILE.html|FILE.svg|FILE.png] [--force] [size=PROPERTY|pagerank|degree|betweenness] [color=label|PROPERTY|community]";

const FORMAT_USAGE: &str = "usage: :format [table|wrap|vertical|json|jsonl|csv]";

const NO_RESULT: &str = "run a query first; :export and :show write the nodes and relationships of its result";

/// Parses the words after `:export` (`export == true`) or `:show`.
fn export_args(rest: &str, export: bool) -> Result<ExportArgs, String> {
    let usage = || {
        if export {
            format!("{EXPORT_USAGE}{}", crate::export::ExportFormat::names())
        } else {
            SHOW_USAGE.to_string()
        }
    };
    let mut a = ExportArgs::default();
    let mut words = rest.split_whitespace().map(|w| w.trim_matches(|c| c == '"' || c == '\''));
    if export {
        let f = words.next().ok_or_else(usage)?;
        a.format =
            Some(crate::export::ExportFormat::parse(f).ok_or_else(|| format!("unknown format `{f}`; {}", usage()))?);
    }
    for w in words {
        if w == "--force" || w == "force" {
            a.force = true;
        } else if let Some(v) = w.strip_prefix("size=") {
            a.size = Some(v.to_string());
        } else if let Some(v) = w.strip_prefix("color=").or_else(|| w.strip_prefix("colour=")) {
            a.color = Some(v.to_string());
        } else if a.file.is_none() && !w.is_empty() {
            a.file = Some(w.to_string());
        } else {
            return Err(usage());
        }
    }
    if export && a.file.is_none() {
        return Err(usage());
    }
    Ok(a)
}

/// What the REPL does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// Clear the screen, then read the next input.
    Clear,
    /// Leave the REPL.
    Quit,
}

fn arg(rest: &str) -> Option<String> {
    let r = rest.trim();
    (!r.is_empty()).then(|| r.to_string())
}

fn file_arg(cmd: &str, rest: &str) -> Result<String, String> {
    let r = rest.trim().trim_matches(|c| c == '"' || c == '\'');
    if r.is_empty() {
        Err(format!("usage: {cmd} FILE"))
    } else {
        Ok(r.to_string())
    }
}

/// `rest` without a trailing `flag` word, and whether it had it.
fn flag(rest: &str, flag: &str) -> (String, bool) {
    match rest.trim().strip_suffix(flag) {
        Some(r) => (r.trim().trim_matches(|c| c == '"' || c == '\'').to_string(), true),
        None => (rest.to_string(), false),
    }
}

/// Parses a `:command` line.
pub fn parse(line: &str) -> Result<Meta, String> {
    let line = line.trim().trim_end_matches(';').trim_end();
    let (cmd, rest) = match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    };
    Ok(match cmd {
        ":help" | ":h" | ":?" => Meta::Help(arg(rest)),
        ":schema" => Meta::Schema,
        ":stats" => Meta::Stats,
        ":param" => match crate::script::param(rest)? {
            crate::script::ParamCommand::One { name, expr } => Meta::Param { name, expr },
            crate::script::ParamCommand::Map(expr) => Meta::ParamMap(expr),
            crate::script::ParamCommand::Clear => Meta::ParamsClear,
        },
        ":params" => match rest {
            "" => Meta::Params,
            "clear" => Meta::ParamsClear,
            _ => return Err("usage: :params [clear]".into()),
        },
        ":format" => Meta::Format(match rest {
            "" => None,
            name => Some(Format::parse(name).ok_or(FORMAT_USAGE)?),
        }),
        ":timing" => Meta::Timing(match rest.to_ascii_lowercase().as_str() {
            "" => None,
            "on" => Some(true),
            "off" => Some(false),
            _ => return Err("usage: :timing [on|off]".into()),
        }),
        ":pager" => Meta::Pager(arg(rest)),
        ":timeout" => Meta::Timeout(match rest.to_ascii_lowercase().as_str() {
            "off" | "0" | "none" => None,
            s => match s.trim_end_matches('s').parse::<f64>() {
                Ok(v) if v > 0.0 && v.is_finite() => Some(v),
                _ => return Err("usage: :timeout SECONDS|off".into()),
            },
        }),
        ":limits" | ":limit" => Meta::Limits(rest.to_string()),
        ":load" => Meta::Load(file_arg(cmd, rest)?),
        ":run" | ":source" => Meta::Run(file_arg(cmd, rest)?),
        ":save" => Meta::Save(file_arg(cmd, rest)?),
        ":why" => Meta::Why,
        ":connect" => {
            let (a, b) = two_names(rest).ok_or(
                "say which two entities: :connect 'Sadyr Japarov' 'Muru Systems' (or :connect Japarov to Muru Systems)",
            )?;
            Meta::Connect(a, b)
        }
        ":whynot" | ":why-not" => Meta::WhyNot(arg(rest)),
        ":explain" => Meta::Explain(arg(rest)),
        ":export" => Meta::Export(export_args(rest, true)?),
        ":show" => Meta::Show(export_args(rest, false)?),
        ":begin" => Meta::Begin,
        ":commit" => Meta::Commit,
        ":rollback" => Meta::Rollback,
        ":checkpoint" => Meta::Checkpoint,
        ":clear" => Meta::Clear,
        ":quit" | ":q" | ":exit" => Meta::Quit,
        ":" => return Err("type :help for the commands".into()),
        other => {
            let mut m = format!("unknown command {other}");
            match did_you_mean(other, COMMANDS.iter().map(|(c, _)| *c)) {
                Some(s) => m.push_str(&format!("; did you mean {s}?")),
                None => m.push_str("; :help lists the commands"),
            }
            return Err(m);
        }
    })
}

/// Runs a command.
pub fn run(state: &mut State, meta: Meta, out: &mut dyn Write, err: &mut dyn Write) -> Flow {
    let res = run_inner(state, meta, out, err);
    match res {
        Ok(flow) => flow,
        Err(e) => {
            let _ = writeln!(err, "{}", state.paint(RED, &e));
            Flow::Continue
        }
    }
}

/// Why a command does not run on a server (`--connect`), if it does not.
fn not_remote(meta: &Meta) -> Option<&'static str> {
    Some(match meta {
        Meta::Load(_) | Meta::Save(_) | Meta::Checkpoint => {
            "this works on a local graph; on a server, push (silkgraph push --to) and export (:export) move data"
        }
        Meta::Explain(_) => "the plan is the server's own: send EXPLAIN to it as a statement",
        Meta::Connect(..) => "on a server, CALL kg.connections(a, b) as a statement (a silkgraph server has it)",
        Meta::Timeout(_) | Meta::Limits(_) => "limits are the server's on a remote graph",
        _ => return None,
    })
}

fn run_inner(state: &mut State, meta: Meta, out: &mut dyn Write, err: &mut dyn Write) -> Result<Flow, String> {
    let w = |out: &mut dyn Write, s: &str| {
        let _ = writeln!(out, "{s}");
    };
    if state.remote.is_some() {
        if let Some(why) = not_remote(&meta) {
            return Err(why.to_string());
        }
    }
    match meta {
        Meta::Quit => return Ok(Flow::Quit),
        Meta::Clear => return Ok(Flow::Clear),
        Meta::Begin | Meta::Commit | Meta::Rollback if state.remote.is_some() => {
            let Some((remote, _)) = &mut state.remote else { return Ok(Flow::Continue) };
            let (r, said) = match meta {
                Meta::Begin => {
                    (remote.begin(), "transaction open on the server: :commit keeps it, :rollback undoes it")
                }
                Meta::Commit => (remote.commit(), "committed on the server"),
                _ => (remote.rollback(), "rolled back on the server"),
            };
            r.map_err(|e| e.to_string())?;
            state.refresh_schema();
            w(out, said);
        }
        Meta::Begin => {
            state.session.begin().map_err(|e| e.message)?;
            w(out, "transaction open: :commit keeps it, :rollback undoes it");
        }
        Meta::Commit => {
            state.session.commit().map_err(|e| e.message)?;
            state.refresh_schema();
            w(out, if state.session.db.is_some() { "committed (kept on disk)" } else { "committed" });
        }
        Meta::Rollback => {
            state.session.rollback().map_err(|e| e.message)?;
            state.refresh_schema();
            w(out, "rolled back");
        }
        Meta::Checkpoint => {
            state.session.checkpoint()?;
            w(out, "checkpoint written");
        }
        Meta::Help(topic) => w(out, &super::help::help(topic.as_deref())?),
        Meta::Schema => w(out, &schema_text(state)),
        Meta::Stats => {
            let text = match &mut state.remote {
                Some((remote, _)) => {
                    let (n, r) = remote.size().map_err(|e| e.to_string())?;
                    let s = &state.schema;
                    format!(
                        "nodes               {n}\nrelationships       {r}\nlabels              {}\nrelationship types  {}\nproperty keys       {}\nparameters          {}",
                        s.labels.len(),
                        s.types.len(),
                        s.keys.len(),
                        state.params.len()
                    )
                }
                None => stats_text(state),
            };
            w(out, &text);
        }
        Meta::Param { name, expr } => {
            let v =
                state.session.param_value(&expr, &state.params).map_err(|e| render(&e, &format!("RETURN {expr}")))?;
            w(out, &format!("${} => {}", quote_name(&name), crate::output::to_cypher(&state.session.graph, &v)));
            state.params.insert(name, v);
            state.schema.params = state.params.keys().cloned().collect();
        }
        Meta::ParamMap(expr) => {
            let set =
                state.session.param_map(&expr, &state.params).map_err(|e| render(&e, &format!("RETURN {expr}")))?;
            for (name, v) in set {
                w(out, &format!("${} => {}", quote_name(&name), crate::output::to_cypher(&state.session.graph, &v)));
                state.params.insert(name, v);
            }
            state.schema.params = state.params.keys().cloned().collect();
        }
        Meta::Params => {
            if state.params.is_empty() {
                w(out, "no parameters (set one with :param NAME => VALUE)");
            }
            for (k, v) in &state.params {
                w(out, &format!("${} => {}", quote_name(k), crate::output::to_cypher(&state.session.graph, v)));
            }
        }
        Meta::ParamsClear => {
            state.params.clear();
            state.schema.params.clear();
            w(out, "parameters cleared");
        }
        Meta::Format(Some(f)) => {
            state.format = f;
            w(out, &format!("results as {}", f.name()));
        }
        Meta::Format(None) => w(out, &format!("results as {}  ({FORMAT_USAGE})", state.format.name())),
        Meta::Timing(on) => {
            state.timing = on.unwrap_or(state.timing);
            w(out, if state.timing { "timing on" } else { "timing off" });
        }
        Meta::Pager(p) => {
            match p.as_deref() {
                None => {}
                Some("off") => state.pager = None,
                Some("on") => {
                    state.pager = super::term::Pager::default_less();
                    if state.pager.is_none() {
                        return Err("no less here: :pager COMMAND names the pager to use".into());
                    }
                }
                Some(command) => state.pager = Some(super::term::Pager { command: command.to_string() }),
            }
            match &state.pager {
                Some(p) => w(out, &format!("pager: {} (results longer than the terminal go through it)", p.command)),
                None => w(out, "pager off"),
            }
        }
        Meta::Timeout(secs) => {
            state.session.timeout = secs.and_then(super::limits::seconds);
            match secs {
                Some(s) => w(out, &format!("each statement may run for {s} s")),
                None => w(out, "no time limit"),
            }
        }
        Meta::Limits(rest) => w(out, &super::limits::command(&mut state.session, &rest)?),
        Meta::Load(file) => {
            let (file, discard) = flag(&file, "--discard");
            if state.session.db.is_some() || state.session.in_transaction() {
                return Err(
                    ":load replaces a graph in memory; this session is a database or has a transaction open".into()
                );
            }
            if state.session.dirty && !discard {
                return Err(format!(
                    "the graph has unsaved changes: :save FILE.sg keeps them, or :load {file} --discard drops them"
                ));
            }
            // Under the session's limits; Ctrl-C stops a costly statement in the file.
            let g = crate::graphs::open_within(&file, &state.session)?;
            w(
                out,
                &format!(
                    "loaded {file}: {}, {}",
                    plural(g.node_count() as u64, "node"),
                    plural(g.rel_count() as u64, "relationship")
                ),
            );
            state.session.graph = g;
            state.session.dirty = false;
            state.last = None;
            state.refresh_schema();
        }
        Meta::Run(file) => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
            run_statements(state, &text, out, err);
            state.refresh_schema();
        }
        Meta::Save(file) => {
            let (file, force) = flag(&file, "--force");
            let path = std::path::Path::new(&file);
            let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            if !matches!(ext.as_deref(), Some("sg" | "json" | "cypher" | "cql")) {
                return Err(format!(
                    ":save writes a .sg snapshot (which opens as a database), a .json graph or a .cypher script, \
                     not `{file}`; :export writes the other formats"
                ));
            }
            if path.exists() && !force {
                return Err(format!("{file} exists; :save {file} --force replaces it"));
            }
            let g = &state.session.graph;
            // Atomically: a save cut short (a crash, a full disk) leaves the old file whole.
            crate::graphs::save(g, std::path::Path::new(&file))?;
            w(
                out,
                &format!(
                    "saved {}, {} to {file}",
                    plural(g.node_count() as u64, "node"),
                    plural(g.rel_count() as u64, "relationship")
                ),
            );
            state.session.dirty = false;
        }
        Meta::Why => w(out, &why_text(state)?),
        Meta::Connect(a, b) => w(out, &connect_text(state, &a, &b)?),
        Meta::Export(a) => {
            let last = state.last.as_ref().ok_or(NO_RESULT)?;
            let (text, result) = (last.text.clone(), last.result.clone());
            let format = a.format.unwrap_or(crate::export::ExportFormat::Html);
            let file = std::path::PathBuf::from(a.file.unwrap_or_default());
            let msg = super::export::export_last(
                &mut state.session,
                &text,
                &result,
                &state.params,
                format,
                &file,
                a.force,
                a.size.as_deref(),
                a.color.as_deref(),
            )?;
            w(out, &msg);
        }
        Meta::Show(a) => {
            let last = state.last.as_ref().ok_or(NO_RESULT)?;
            let (text, result) = (last.text.clone(), last.result.clone());
            // Without a file name: a page of our own in the temporary directory, replaced each time.
            let (file, force) = match a.file {
                Some(f) => (std::path::PathBuf::from(f), a.force),
                None => (std::env::temp_dir().join(format!("silkgraph-show-{}.html", std::process::id())), true),
            };
            let format = match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("svg") => crate::export::ExportFormat::Svg,
                Some("png") => crate::export::ExportFormat::Png,
                _ => crate::export::ExportFormat::Html,
            };
            let msg = super::export::export_last(
                &mut state.session,
                &text,
                &result,
                &state.params,
                format,
                &file,
                force,
                a.size.as_deref(),
                a.color.as_deref(),
            )?;
            w(out, &msg);
            if super::export::open_in_browser(&file) {
                w(out, "opened in the browser");
            } else {
                w(out, &format!("no browser here; open {} in one", file.display()));
            }
        }
        Meta::WhyNot(query) => {
            let text = match query {
                Some(q) => q.trim_end_matches(';').to_string(),
                None => {
                    let last = state.last.as_ref().ok_or("run a query first, or give one: :whynot MATCH ...")?;
                    if !last.result.rows.is_empty() {
                        let n = last.result.rows.len();
                        w(out, &format!("the last query returned {n} row{}", if n == 1 { "" } else { "s" }));
                        return Ok(Flow::Continue);
                    }
                    last.text.clone()
                }
            };
            // On a server, the diagnosis runs here on a copy of its graph (within --max-fetch).
            let mut copy;
            let session = match &mut state.remote {
                Some((remote, args)) => {
                    copy = crate::session::Session::new(args.fetch(remote, ":whynot")?);
                    &mut copy
                }
                None => &mut state.session,
            };
            let why = diagnose::why_no_rows(session, &state.params, &text, std::time::Duration::from_secs(10))?;
            w(out, &why.render());
        }
        Meta::Explain(query) => {
            let text = match query {
                Some(q) => q.trim_end_matches(';').to_string(),
                None => state
                    .last
                    .as_ref()
                    .map(|l| l.text.clone())
                    .ok_or("run a query first, or give one: :explain MATCH ...")?,
            };
            let body = text.trim_start();
            let stmt = if body.get(..7).is_some_and(|w| w.eq_ignore_ascii_case("EXPLAIN")) {
                body.to_string()
            } else {
                format!("EXPLAIN {body}")
            };
            match state.session.run_statement(&stmt, &state.params) {
                Ok(o) => print_outcome(state, &o, out),
                Err(e) => {
                    let _ = writeln!(err, "{}", state.paint(RED, &render(&e, &stmt)));
                }
            }
        }
    }
    Ok(Flow::Continue)
}

// ---- :schema, :stats, :why --------------------------------------------------------------------

fn schema_text(state: &State) -> String {
    let s = &state.schema;
    if s.labels.is_empty() && s.types.is_empty() {
        return "the graph is empty".into();
    }
    let mut out = String::from("Node labels\n");
    let lw = s.labels.iter().map(|(l, n)| quote_name(l).len() + n.to_string().len() + 4).max().unwrap_or(0);
    for (l, n) in &s.labels {
        let head = format!(":{} ({n})", quote_name(l));
        let keys = s.label_keys.get(l).map(|k| k.join(", ")).unwrap_or_default();
        out.push_str(&format!("  {head:<lw$}  {keys}\n"));
    }
    if !s.types.is_empty() {
        out.push_str("Relationship types\n");
        for (t, n) in &s.types {
            out.push_str(&format!("  :{} ({n})\n", quote_name(t)));
            for (ct, a, b, c) in &s.connections {
                if ct == t {
                    out.push_str(&format!(
                        "      (:{})-[:{}]->(:{})  {c}\n",
                        quote_name(a),
                        quote_name(t),
                        quote_name(b)
                    ));
                }
            }
            if let Some(keys) = s.type_keys.get(t).filter(|k| !k.is_empty()) {
                out.push_str(&format!("      keys: {}\n", keys.join(", ")));
            }
        }
    }
    out.trim_end().to_string()
}

fn stats_text(state: &State) -> String {
    let g = &state.session.graph;
    let s = &state.schema;
    let mut out = format!(
        "nodes               {}\nrelationships       {}\nlabels              {}\nrelationship types  {}\nproperty keys       {}\nparameters          {}",
        g.node_count(),
        g.rel_count(),
        s.labels.len(),
        s.types.len(),
        s.keys.len(),
        state.params.len()
    );
    if let Some(t) = state.session.timeout {
        out.push_str(&format!("\ntime limit          {} s", t.as_secs_f64()));
    }
    out.push_str(&graph_measures(g));
    out
}

/// The graph's measures (`CALL algo.stats()`, on the undirected simple graph), for `:stats`.
fn graph_measures(g: &crate::store::Graph) -> String {
    if g.node_count() > 20_000 {
        return "\n(CALL algo.stats() for density, diameter, degree and clustering)".into();
    }
    let c = crate::algo::Config::parse(g, None, &[], crate::algo::Direction::Both);
    match c.and_then(|c| crate::algo::stats(g, &c, &|| Ok(()))) {
        Ok(s) => format!(
            "\ndensity             {:.4}\ndiameter            {}\naverage degree      {:.2}\naverage clustering  {:.4}\ncomponents          {}\ntriangles           {}",
            s.density,
            s.diameter.map_or("-".to_string(), |d| d.to_string()),
            s.average_degree,
            s.average_clustering,
            s.components,
            s.triangles
        ),
        Err(_) => String::new(),
    }
}

/// Relationships in a value, in order of appearance.
fn collect_rels(v: &Value, out: &mut Vec<RelId>) {
    match v {
        Value::Rel(id) if !out.contains(id) => out.push(*id),
        Value::Path(p) => p.rels.iter().for_each(|r| collect_rels(&Value::Rel(*r), out)),
        Value::List(xs) => xs.iter().for_each(|x| collect_rels(x, out)),
        Value::Map(m) => m.values().for_each(|x| collect_rels(x, out)),
        _ => {}
    }
}

fn collect_nodes(v: &Value, out: &mut Vec<NodeId>) {
    match v {
        Value::Node(id) if !out.contains(id) => out.push(*id),
        Value::Path(p) => p.nodes.iter().for_each(|n| collect_nodes(&Value::Node(*n), out)),
        Value::List(xs) => xs.iter().for_each(|x| collect_nodes(x, out)),
        Value::Map(m) => m.values().for_each(|x| collect_nodes(x, out)),
        _ => {}
    }
}

/// A relationship as people read it: `(start)-[:TYPE]->(end)`.
fn rel_text(g: &crate::store::Graph, id: RelId) -> String {
    let ty = g.rel_type(id).map_or(String::new(), |t| quote_name(g.types().name(t)));
    let (a, b) = g.rel_ends(id).unwrap_or_default();
    format!("({})-[:{ty}]->({})", node_name(g, a), node_name(g, b))
}

/// A node as people name it: its `name`, else its first label and id.
fn node_name(g: &crate::store::Graph, id: NodeId) -> String {
    if let Some(Value::String(s)) = g.key_id("name").and_then(|k| g.node_prop(id, k)) {
        return s.to_string();
    }
    match g.node_labels(id).first() {
        Some(l) => format!(":{} #{id}", g.labels().name(*l)),
        None => format!("#{id}"),
    }
}

fn prop_text(g: &crate::store::Graph, props: &[(crate::store::KeyId, Value)], key: &str) -> Option<String> {
    let k = g.key_id(key)?;
    match props.iter().find(|(p, _)| *p == k).map(|(_, v)| v) {
        Some(Value::String(s)) => Some(s.to_string()),
        Some(Value::Null) | None => None,
        Some(v) => Some(crate::output::to_cypher(g, v)),
    }
}

/// The relationships behind the last result. When it returned only values (names, years),
/// the query is run again with its relationship and path variables added to the `RETURN`.
fn last_rels(state: &mut State) -> Result<Vec<RelId>, String> {
    let last = state.last.as_ref().ok_or("run a query first; :why shows the evidence of its relationships")?;
    let mut rels = Vec::new();
    for row in &last.result.rows {
        for v in row {
            collect_rels(v, &mut rels);
        }
    }
    if !rels.is_empty() || last.result.rows.is_empty() || !last.result.stats.is_empty() {
        return Ok(rels);
    }
    let Some(text) = with_relationships_returned(&last.text) else {
        return Ok(rels);
    };
    rerun(state, &text).iter().flatten().flatten().for_each(|v| collect_rels(v, &mut rels));
    Ok(rels)
}

/// The rows of a query `:why` rewrote; on a server, the query runs there and its answer becomes
/// the graph `:why` reads. `None` when it fails.
fn rerun(state: &mut State, text: &str) -> Option<Vec<Vec<Value>>> {
    match &mut state.remote {
        Some((remote, args)) => {
            let ((graph, result), _) = super::connect::run_one(args, remote, text, &state.params).ok()?;
            state.session = crate::session::Session::new(graph);
            Some(result.rows)
        }
        None => state.session.run_statement(text, &state.params).ok().map(|o| o.result.rows),
    }
}

/// `text` with `extra` items added after the last item of its final `RETURN` (`ret`).
fn append_to_return(text: &str, ret: &crate::ast::Return, extra: &[String]) -> Option<String> {
    let last_item = ret.proj.items.last()?;
    let at = last_item.alias.as_ref().map_or(last_item.expr.span.end, |a| a.span.end);
    if extra.is_empty() || at > text.len() || !text.is_char_boundary(at) {
        return None;
    }
    Some(format!("{}, {}{}", &text[..at], extra.join(", "), &text[at..]))
}

/// `text` with the relationship and path variables of its last part added to its `RETURN`
/// items; `None` when it has none or does not end in `RETURN`.
fn with_relationships_returned(text: &str) -> Option<String> {
    use crate::ast::{Clause, ExprKind};
    let stmt = crate::syntax::parse(text).ok()?.into_iter().next()?;
    let part = stmt.query.parts.last()?;
    let Some(Clause::Return(ret)) = part.clauses.last() else {
        return None;
    };
    if ret.proj.star {
        return None;
    }
    let mut vars: Vec<String> = Vec::new();
    for c in &part.clauses {
        if let Clause::Match(m) = c {
            for p in &m.pattern {
                if let Some(v) = &p.var {
                    vars.push(v.name.clone());
                }
                for (r, _) in &p.elem.chain {
                    if let Some(v) = &r.var {
                        vars.push(v.name.clone());
                    }
                }
            }
        }
    }
    let returned: Vec<&str> = ret
        .proj
        .items
        .iter()
        .filter_map(|it| match &it.expr.kind {
            ExprKind::Variable(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    vars.retain(|v| !returned.contains(&v.as_str()));
    vars.dedup();
    let extra: Vec<String> = vars.iter().map(|v| quote_name(v)).collect();
    append_to_return(text, ret, &extra)
}

/// Two names: quoted (`'A b' "C d"`), or `A to B`, or two words.
fn two_names(rest: &str) -> Option<(String, String)> {
    let rest = rest.trim();
    if rest.starts_with(['\'', '"']) {
        let mut names = Vec::new();
        let mut chars = rest.chars().peekable();
        while let Some(q) = chars.next() {
            if q.is_whitespace() || q == ',' {
                continue;
            }
            if q != '\'' && q != '"' {
                return None;
            }
            let name: String = chars.by_ref().take_while(|c| *c != q).collect();
            names.push(name);
        }
        return match names.as_slice() {
            [a, b] if !a.is_empty() && !b.is_empty() => Some((a.clone(), b.clone())),
            _ => None,
        };
    }
    if let Some((a, b)) = rest.split_once(" to ") {
        return Some((a.trim().to_string(), b.trim().to_string())).filter(|(a, b)| !a.is_empty() && !b.is_empty());
    }
    match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
        [a, b] => Some((a.to_string(), b.to_string())),
        _ => None,
    }
}

/// A path as Cypher draws it, with each relationship's direction.
fn path_text(g: &crate::store::Graph, p: &crate::value::Path) -> String {
    let mut s = format!("({})", node_name(g, p.nodes[0]));
    for (i, r) in p.rels.iter().enumerate() {
        let ty = g.rel_type(*r).map_or(String::new(), |t| quote_name(g.types().name(t)));
        let forward = g.rel_ends(*r).is_some_and(|(a, _)| a == p.nodes[i]);
        let next = node_name(g, p.nodes[i + 1]);
        s.push_str(&if forward { format!("-[:{ty}]->({next})") } else { format!("<-[:{ty}]-({next})") });
    }
    s
}

/// `:connect A B`: each entity found as `db.search` finds it, then `kg.connections` between them.
fn connect_text(state: &mut State, a: &str, b: &str) -> Result<String, String> {
    let q = "CALL db.search($a, 1) YIELD node AS a CALL db.search($b, 1) YIELD node AS b \
             CALL kg.connections(a, b) YIELD path, score RETURN a, b, path, score";
    let mut params = state.params.clone();
    params.insert("a".into(), Value::str(a));
    params.insert("b".into(), Value::str(b));
    let o = state.session.run_statement(q, &params).map_err(|e| e.message.clone())?;
    let g = &state.session.graph;
    let Some(first) = o.result.rows.first() else {
        // db.search found both, or one of them not at all.
        let missing: Vec<String> = [a, b]
            .iter()
            .filter(|n| crate::kg::search::search(g, n, 1, &|_| Ok(())).map_or(true, |h| h.is_empty()))
            .map(|n| format!("nothing is named like {n:?}"))
            .collect();
        let hops = crate::kg::connections::Options::default().max_hops;
        return Ok(match missing.is_empty() {
            true => format!("no path of at most {hops} relationships joins {a:?} and {b:?}"),
            false => missing.join("; "),
        });
    };
    let (Value::Node(x), Value::Node(y)) = (&first[0], &first[1]) else { return Err("no entities found".into()) };
    let mut out = vec![format!("{} to {}: the most specific connections first", node_name(g, *x), node_name(g, *y))];
    let quote = g.key_id("quote");
    for (i, row) in o.result.rows.iter().enumerate() {
        let (Value::Path(p), Value::Float(score)) = (&row[2], &row[3]) else { continue };
        out.push(format!("{}. {}  (score {score})", i + 1, path_text(g, p)));
        for r in &p.rels {
            let ty = g.rel_type(*r).map_or(String::new(), |t| quote_name(g.types().name(t)));
            if let Some(Value::String(q)) = quote.and_then(|k| g.rel_prop(*r, k)) {
                out.push(format!("     [:{ty}] \"{q}\""));
            }
        }
    }
    Ok(out.join("\n"))
}

/// The `var.key` items of the last `RETURN` of `text` whose key states a fact, and the text
/// with each such variable returned too (as `__why_N`, after the other items).
fn stated_properties(text: &str) -> Option<(Vec<(usize, String)>, String)> {
    use crate::ast::{Clause, ExprKind};
    let stmt = crate::syntax::parse(text).ok()?.into_iter().next()?;
    let part = stmt.query.parts.last()?;
    let Some(Clause::Return(ret)) = part.clauses.last() else { return None };
    if ret.proj.distinct || ret.proj.items.iter().any(|it| crate::semantic::contains_aggregate(&it.expr)) {
        return None;
    }
    let mut vars: Vec<String> = Vec::new();
    let mut items = Vec::new();
    for it in &ret.proj.items {
        if let ExprKind::Property(x, key) = &it.expr.kind {
            if let ExprKind::Variable(v) = &x.kind {
                if crate::kg::evidence::states_fact(key) {
                    let i = vars.iter().position(|x| x == v).unwrap_or_else(|| {
                        vars.push(v.clone());
                        vars.len() - 1
                    });
                    items.push((i, key.clone()));
                }
            }
        }
    }
    let extra: Vec<String> = vars.iter().enumerate().map(|(i, v)| format!("{} AS __why_{i}", quote_name(v))).collect();
    Some((items, append_to_return(text, ret, &extra)?))
}

/// `:why` for the stated values the last result returned (`p.amount_usd`): each value with the
/// sentence it rests on, read with `kg.evidence`'s convention.
fn why_values(state: &mut State) -> Vec<String> {
    let Some(last) = state.last.as_ref() else { return Vec::new() };
    if !last.result.stats.is_empty() || last.result.rows.is_empty() {
        return Vec::new();
    }
    let Some((items, text)) = stated_properties(&last.text) else { return Vec::new() };
    let vars = items.iter().map(|(i, _)| *i).max().map_or(0, |m| m + 1);
    let Some(rows) = rerun(state, &text) else { return Vec::new() };
    let g = &state.session.graph;
    let mut out: Vec<String> = Vec::new();
    for row in &rows {
        let Some(extra) = row.len().checked_sub(vars).map(|at| &row[at..]) else { continue };
        for (i, key) in &items {
            let (entity, shown) = match &extra[*i] {
                Value::Node(id) => (crate::kg::evidence::Entity::Node(*id), format!("({})", node_name(g, *id))),
                Value::Rel(id) => (crate::kg::evidence::Entity::Rel(*id), rel_text(g, *id)),
                _ => continue,
            };
            let Some(ev) = crate::kg::evidence::of(g, entity).into_iter().find(|e| e.key.as_deref() == Some(key))
            else {
                continue;
            };
            let value = crate::output::to_cypher(g, &ev.value);
            let line = match (&ev.quote, &ev.derived) {
                (Some(q), _) => {
                    format!("{shown}.{key} = {value}  [{}] \"{q}\"", ev.source.as_deref().unwrap_or("no source"))
                }
                (None, Some(rule)) => format!("{shown}.{key} = {value}  derived: {rule}"),
                (None, None) => format!("{shown}.{key} = {value}  no evidence"),
            };
            if !out.contains(&line) {
                out.push(line);
            }
        }
    }
    out
}

/// `:why`: one line per relationship of the last result — the fact, its source, its quote —
/// and one per stated value it returned, with the sentence that states it.
fn why_text(state: &mut State) -> Result<String, String> {
    let values = why_values(state);
    let rels = last_rels(state)?;
    let Some(last) = state.last.as_ref() else {
        return Err("run a query first".into());
    };
    let g = &state.session.graph;
    let mut out = Vec::new();
    for id in rels.iter().filter(|id| g.rel_exists(**id)) {
        let props = g.rel_props(*id);
        let source = prop_text(g, &props, "source").unwrap_or_else(|| "no source".into());
        let quote = prop_text(g, &props, "quote").map_or_else(|| "no quote".into(), |q| format!("\"{q}\""));
        out.push(format!("{}  [{source}] {quote}", rel_text(g, *id)));
    }
    out.extend(values);
    if out.is_empty() {
        let mut nodes = Vec::new();
        for row in &last.result.rows {
            for v in row {
                collect_nodes(v, &mut nodes);
            }
        }
        if nodes.is_empty() {
            return Err("the last result has no relationships or nodes; name them in the pattern \
                        (e.g. -[r:VISITED]->) or return a path for :why"
                .into());
        }
        out.push("the last result has no relationships; the sources of its nodes:".into());
        for id in nodes {
            let source = prop_text(g, &g.node_props(id), "source").unwrap_or_else(|| "no source".into());
            out.push(format!("({})  [{source}]", node_name(g, id)));
        }
    }
    Ok(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(parse(":help"), Ok(Meta::Help(None)));
        assert_eq!(parse(":help match"), Ok(Meta::Help(Some("match".into()))));
        assert_eq!(parse(":param year => 2004"), Ok(Meta::Param { name: "year".into(), expr: "2004".into() }));
        assert_eq!(
            parse(":param $who => 'Ann' + 'a'"),
            Ok(Meta::Param { name: "who".into(), expr: "'Ann' + 'a'".into() })
        );
        assert!(parse(":param year").is_err());
        assert_eq!(parse(":format csv"), Ok(Meta::Format(Some(Format::Csv))));
        assert_eq!(parse(":format Vertical"), Ok(Meta::Format(Some(Format::Vertical))));
        assert_eq!(parse(":format"), Ok(Meta::Format(None)));
        assert_eq!(parse(":timing"), Ok(Meta::Timing(None)));
        assert_eq!(parse(":param {x: 1, y: 's'}"), Ok(Meta::ParamMap("{x: 1, y: 's'}".into())));
        assert!(parse(":format xml").is_err());
        assert_eq!(parse(":timing off"), Ok(Meta::Timing(Some(false))));
        assert_eq!(parse(":timeout 2.5"), Ok(Meta::Timeout(Some(2.5))));
        assert_eq!(parse(":timeout off"), Ok(Meta::Timeout(None)));
        assert_eq!(parse(":save out.cypher"), Ok(Meta::Save("out.cypher".into())));
        assert!(parse(":save").is_err());
        assert_eq!(parse(":whynot"), Ok(Meta::WhyNot(None)));
        assert_eq!(parse(":q"), Ok(Meta::Quit));
        assert_eq!(
            parse(":export graphml out.graphml --force"),
            Ok(Meta::Export(ExportArgs {
                format: Some(crate::export::ExportFormat::GraphMl),
                file: Some("out.graphml".into()),
                force: true,
                ..Default::default()
            }))
        );
        assert!(parse(":export graphml").is_err());
        assert!(parse(":export xml out.xml").is_err());
        assert_eq!(
            parse(":show size=pagerank color=label"),
            Ok(Meta::Show(ExportArgs {
                size: Some("pagerank".into()),
                color: Some("label".into()),
                ..Default::default()
            }))
        );
        assert_eq!(parse(":quit;"), Ok(Meta::Quit));
    }

    #[test]
    fn unknown_commands_suggest_the_nearest() {
        assert_eq!(parse(":schmea"), Err("unknown command :schmea; did you mean :schema?".into()));
        assert_eq!(parse(":frobnicate"), Err("unknown command :frobnicate; :help lists the commands".into()));
    }

    #[test]
    fn why_adds_the_relationships_to_the_return() {
        assert_eq!(
            with_relationships_returned("MATCH (o)-[v:VISITED]->(c) RETURN o.name AS who ORDER BY who LIMIT 3")
                .as_deref(),
            Some("MATCH (o)-[v:VISITED]->(c) RETURN o.name AS who, v ORDER BY who LIMIT 3")
        );
        assert_eq!(
            with_relationships_returned("MATCH p = (a)-[r]->(b) RETURN r, b.x").as_deref(),
            Some("MATCH p = (a)-[r]->(b) RETURN r, b.x, p")
        );
        assert_eq!(with_relationships_returned("MATCH (a)-->(b) RETURN b"), None);
        assert_eq!(with_relationships_returned("RETURN 1"), None);
    }
}
