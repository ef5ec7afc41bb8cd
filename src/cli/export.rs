//! `silkgraph export` and the REPL's `:export` and `:show`: write the subgraph of a query's
//! result (or the whole graph) in one of the [`crate::export`] formats.
//!
//! `export`'s `--format` takes export formats, where `query` and `run` take result formats.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{parse_params, FAILED, OK, USAGE};
use crate::error::render;
use crate::exec::{Params, QueryResult};
use crate::export::{self, ColorBy, Export, ExportFormat, Provenance, Style, Subgraph};
use crate::session::Session;

/// `silkgraph export`: the query whose result to write, the format and the file, and how to
/// draw pictures. The graph, limits and server come from the main command line's options.
#[derive(Args, Debug)]
#[command(
    about = "Write the subgraph of a query's result (every node and relationship in it), or the whole graph, \
             in a format other tools read, or as a picture",
    after_help = "Formats: nodelink (NetworkX node-link JSON), graphml, gexf, dot, csv (neo4j-admin: a directory \
                  with nodes.csv and relationships.csv), cypher, json (silkgraph's own), svg, png, html (interactive).\n\
                  Without --format, the format follows the extension of -o.\n\n\
                  Examples:\n  silkgraph export --format graphml -o kg.graphml\n  silkgraph export --query \
                  \"MATCH p = (s)-[:SIGNED]->(:Agreement) RETURN p\" -o signed.html"
)]
pub struct ExportArgs {
    /// The query whose result to export (`;`-separated statements: the last one's result); the whole graph when absent
    #[arg(long, short = 'q')]
    pub query: Option<String>,
    /// Query parameters as a JSON object
    #[arg(long)]
    pub params: Option<String>,
    /// nodelink, graphml, gexf, dot, csv, cypher, json, svg, png or html
    #[arg(long, short = 'f')]
    pub format: Option<String>,
    /// The file to write (for csv, a directory); `-` for standard output
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// Replace existing files
    #[arg(long)]
    pub force: bool,
    /// Pictures: size nodes by a numeric property or a score (pagerank, degree, betweenness, community)
    #[arg(long)]
    pub size: Option<String>,
    /// Pictures: colour nodes by `label` (the default), a property or a score (community)
    #[arg(long)]
    pub color: Option<String>,
    /// Pictures and exports: the relationships are ties without a direction (no arrows; GraphML,
    /// GEXF and node-link say undirected). Graphs whose script says `// silkgraph: undirected`
    /// (the teaching graphs) are drawn so anyway
    #[arg(long)]
    pub undirected: bool,
}

/// Runs `silkgraph export`; returns the exit code.
pub fn main(args: &ExportArgs, cli: &super::Cli) -> i32 {
    match run(args, cli) {
        Ok(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            OK
        }
        Err((code, msg)) => {
            eprintln!("error: {msg}");
            code
        }
    }
}

/// The format named, or the one the file's extension implies.
pub fn format_for(name: Option<&str>, path: &Path) -> Result<ExportFormat, String> {
    if let Some(n) = name {
        return ExportFormat::parse(n).ok_or_else(|| format!("unknown format `{n}`; use {}", ExportFormat::names()));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    ExportFormat::parse(&ext).filter(|f| *f != ExportFormat::Csv || path.is_dir()).ok_or_else(|| {
        format!("say which format with --format ({}); the file name does not tell", ExportFormat::names())
    })
}

fn run(cli: &ExportArgs, main: &super::Cli) -> Result<String, (i32, String)> {
    let usage = |m: String| (USAGE, m);
    let failed = |m: String| (FAILED, m);
    let format = format_for(cli.format.as_deref(), &cli.output).map_err(usage)?;
    let params = parse_params(&cli.params).map_err(usage)?;
    let source = &main.source;
    if main.remote.connect.is_some() {
        if source.graph.is_some() || source.empty {
            return Err(usage("--connect exports from the server; --graph and --empty name a local graph".into()));
        }
        let (graph, result) = remote_source(cli, &main.remote, &params).map_err(failed)?;
        return write_export(cli, format, Session::new(graph), result, &params);
    }
    // An export reads a database without writing it (another process may have it open).
    let read_only = !source.empty && source.graph.as_deref().is_some_and(super::is_database);
    let src = super::GraphSource { graph: source.graph.clone(), empty: source.empty, read_only };
    let mut bounds = Session::default();
    super::limits::apply(&mut bounds, main.timeout, main.max_rows, main.max_hops, main.max_memory.as_deref())
        .map_err(usage)?;
    let mut session = super::open_session(&src, &bounds).map_err(failed)?;
    session.no_auto_index = main.no_auto_index;
    session.control.import_dir = Some(main.import_dir.as_deref().unwrap_or(Path::new(".")).into());
    let result = match &cli.query {
        None => None,
        Some(q) => {
            let mut last: Option<QueryResult> = None;
            let mut error = None;
            session.run_script(q, &params, |_, r| match r {
                Ok(o) => last = Some(o.result),
                Err(mut e) => {
                    super::limits::add_hint(&mut e);
                    error = Some(render(&e, q))
                }
            });
            if let Some(e) = error {
                return Err(failed(e));
            }
            Some(last.ok_or_else(|| usage("--query has no statement".into()))?)
        }
    };
    write_export(cli, format, session, result, &params)
}

/// The graph an export reads from a server: the answer of `--query` (its last statement), or
/// the whole remote graph (within `--max-fetch`).
fn remote_source(
    cli: &ExportArgs,
    connect: &super::connect::ConnectArgs,
    params: &Params,
) -> Result<(crate::store::Graph, Option<QueryResult>), String> {
    let mut remote = connect.open()?;
    let got = match &cli.query {
        None => connect.fetch(&mut remote, "the export").map(|g| (g, None)),
        Some(q) => {
            let mut last = None;
            for (a, b) in crate::script::split(q) {
                let piece = q[a..b].trim();
                if !piece.is_empty() {
                    let answer = remote
                        .run(piece, params, super::connect::reads_only(piece))
                        .map_err(|e| render(&super::connect::error(e), piece))?;
                    last = Some(answer);
                }
            }
            last.map(|a| (a.graph, Some(a.result))).ok_or_else(|| "--query has no statement".to_string())
        }
    };
    remote.close();
    got
}

/// Writes the export of `result`'s subgraph (or the whole graph) of `session`'s graph.
fn write_export(
    cli: &ExportArgs,
    format: ExportFormat,
    mut session: Session,
    result: Option<QueryResult>,
    params: &Params,
) -> Result<String, (i32, String)> {
    let usage = |m: String| (USAGE, m);
    let failed = |m: String| (FAILED, m);
    if cli.undirected {
        session.graph.set_undirected(true);
    }
    let mut style = style(&mut session, cli.size.as_deref(), cli.color.as_deref()).map_err(usage)?;
    style.undirected = cli.undirected;
    session.graph.decode_all().map_err(failed)?;
    let sub = match &result {
        Some(r) => Subgraph::from_result(&session.graph, r),
        None => Subgraph::whole(&session.graph),
    };
    let prov = Provenance::new(&session.graph, cli.query.as_deref(), params);
    let ex = Export { graph: &session.graph, sub: &sub, prov: &prov, style: &style };
    let mut msg = String::new();
    if sub.is_empty() && result.is_some() {
        msg.push_str(
            "warning: the result has no nodes or relationships; return them (RETURN p, or RETURN a, r, b) to export them\n",
        );
    }
    if cli.output.as_os_str() == "-" {
        if format == ExportFormat::Csv {
            return Err(usage("csv writes a directory; give one with -o DIR".into()));
        }
        let rendered = export::render(format, &ex).map_err(failed)?;
        let mut stdout = std::io::stdout().lock();
        for (_, bytes) in &rendered.files {
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                // A reader that stopped reading (`| head`) is not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(String::new()),
                r => r.map_err(|e| failed(format!("standard output: {e}")))?,
            }
        }
        msg.push_str(&warnings(&rendered.warnings));
        msg.push_str(&format!("{}, {} as {}", nodes(sub.nodes.len()), rels(sub.rels.len()), format.name()));
        return Ok(msg);
    }
    let w = export::write(format, &ex, &cli.output, cli.force).map_err(|e| failed(super::file_error(e)))?;
    msg.push_str(&written(format, &sub, &w));
    Ok(msg)
}

fn nodes(n: usize) -> String {
    super::plural(n as u64, "node")
}

fn rels(n: usize) -> String {
    super::plural(n as u64, "relationship")
}

/// `warning: ...` lines, each ending with a line break.
fn warnings(ws: &[String]) -> String {
    ws.iter().map(|w| format!("warning: {w}\n")).collect()
}

fn written(format: ExportFormat, sub: &Subgraph, w: &export::Written) -> String {
    let names: Vec<String> = w.files.iter().map(|p| p.display().to_string()).collect();
    format!(
        "{}wrote {}, {} as {} to {}",
        warnings(&w.warnings),
        nodes(sub.nodes.len()),
        rels(sub.rels.len()),
        format.name(),
        names.join(" and ")
    )
}

/// Picture options from `size=` and `color=` values.
pub fn style(session: &mut Session, size: Option<&str>, color: Option<&str>) -> Result<Style, String> {
    let size = match size {
        Some(s) => export::size_by(session, s)?,
        None => export::SizeBy::Uniform,
    };
    let color = match color {
        Some(c) => export::color_by(session, c)?,
        None => ColorBy::Label,
    };
    // The layout has the statement's time limit (counted from its start) and stops at Ctrl-C.
    let stop = export::Stop::new(session.timeout, session.control.cancel.clone());
    Ok(Style { size, color, undirected: false, stop })
}

/// The REPL's `:export` and `:show`: writes the last result's subgraph; returns what to say.
#[allow(clippy::too_many_arguments)]
pub fn export_last(
    session: &mut Session,
    text: &str,
    result: &QueryResult,
    params: &Params,
    format: ExportFormat,
    path: &Path,
    force: bool,
    size: Option<&str>,
    color: Option<&str>,
) -> Result<String, String> {
    let sub = Subgraph::from_result(&session.graph, result);
    if sub.is_empty() {
        return Err("the last result has no nodes or relationships; return them (RETURN p, or RETURN a, r, b) \
                    to export them"
            .into());
    }
    let style = style(session, size, color)?;
    let prov = Provenance::new(&session.graph, Some(text), params);
    let ex = Export { graph: &session.graph, sub: &sub, prov: &prov, style: &style };
    let w = export::write(format, &ex, path, force).map_err(super::file_error)?;
    Ok(written(format, &sub, &w))
}

/// Opens a file in the desktop's browser when there is one (`open` on macOS; `xdg-open` where
/// a display is set); false when there is none.
pub fn open_in_browser(path: &Path) -> bool {
    let in_path =
        |cmd: &str| std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()));
    let display = ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    let cmd = if cfg!(target_os = "macos") && in_path("open") {
        "open"
    } else if display && in_path("xdg-open") {
        "xdg-open"
    } else {
        return false;
    };
    std::process::Command::new(cmd)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names_and_extensions() {
        assert_eq!(format_for(Some("GraphML"), Path::new("x")), Ok(ExportFormat::GraphMl));
        assert_eq!(format_for(None, Path::new("a/b.gexf")), Ok(ExportFormat::Gexf));
        assert_eq!(format_for(None, Path::new("b.gv")), Ok(ExportFormat::Dot));
        assert_eq!(format_for(None, Path::new("kg.PNG")), Ok(ExportFormat::Png));
        assert!(format_for(None, Path::new("b")).is_err());
        assert!(format_for(Some("xml"), Path::new("b")).is_err());
    }
}
