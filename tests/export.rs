//! Subgraph export: what a result's subgraph is, round trips (export, read back, the same
//! graph), golden files for the text formats, atomic writes, the pictures, the command line
//! and the REPL's `:export`.

use std::path::{Path, PathBuf};
use std::process::Command;

use silkgraph::exec::Params;
use silkgraph::export::{self, canonical, graph_hash, Export, ExportFormat, Provenance, Style, Subgraph};
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::Value;

/// A directory under the target dir, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small graph with the awkward cases: several labels, every value type, parallel
/// relationships, a self-loop, quotes and line breaks in strings, a node without properties.
const SMALL: &str = "CREATE (a:Person:Official {name: 'Sadyr Japarov', born: 1968, height: 1.8, active: true, \
     aliases: ['S. Japarov', 'Japarov'], since: date('2021-01-28'), big: 9007199254740993}) \
     CREATE (b:Country {name: 'Japan', note: 'He said \"hi\"\\nthen <left> & went'}) \
     CREATE (c:Agreement {name: 'MoU', amount_usd: 1500000000.5, scores: [1, 2, 3], ratio: 0.1}) \
     CREATE (d) \
     CREATE (a)-[:VISITED {year: 2023, source: 'doc.txt', quote: 'He visited Japan.'}]->(b) \
     CREATE (a)-[:VISITED {year: 2024, source: 'doc.txt', quote: 'He visited again.'}]->(b) \
     CREATE (a)-[:SIGNED {date: date('2025-12-20'), official: false}]->(c) \
     CREATE (c)-[:MENTIONS]->(c) \
     CREATE (b)-[:HOSTS {nan: 0.0 / 0.0, inf: 1.0 / 0.0}]->(d)";

fn small() -> Graph {
    Session::load_script(SMALL).expect("small graph loads")
}

fn bundled() -> Graph {
    silkgraph::graphs::default_graph().expect("bundled graph loads")
}

fn fixed_provenance(g: &Graph, query: Option<&str>) -> Provenance {
    let mut p = Provenance::new(g, query, &Params::new());
    p.version = "TEST".into();
    p
}

fn render(g: &Graph, sub: &Subgraph, format: ExportFormat, query: Option<&str>) -> Vec<(&'static str, String)> {
    let prov = fixed_provenance(g, query);
    let style = Style::default();
    export::render(format, &Export { graph: g, sub, prov: &prov, style: &style })
}

fn write(g: &Graph, sub: &Subgraph, format: ExportFormat, path: &Path) {
    let prov = fixed_provenance(g, None);
    let style = Style::default();
    export::write(format, &Export { graph: g, sub, prov: &prov, style: &style }, path, false).expect("export writes");
}

/// Exports in a format and reads it back with silkgraph's own reader for that format.
fn round_trip(g: &Graph, format: ExportFormat, dir: &Path) -> Graph {
    let sub = Subgraph::whole(g);
    let path = dir.join(format!("graph.{}", format.name()));
    write(g, &sub, format, &path);
    match format {
        ExportFormat::Csv => export::csv::import_dir(&path).expect("csv reads back"),
        ExportFormat::Json => silkgraph::graphs::open(path.to_str().unwrap()).expect("json reads back"),
        ExportFormat::Cypher => {
            Session::load_script(&std::fs::read_to_string(&path).unwrap()).expect("cypher loads back")
        }
        ExportFormat::NodeLink => {
            export::nodelink::import(&std::fs::read_to_string(&path).unwrap()).expect("node-link reads back")
        }
        other => panic!("no reader for {other:?}"),
    }
}

const ROUND_TRIPS: &[ExportFormat] =
    &[ExportFormat::Json, ExportFormat::Cypher, ExportFormat::Csv, ExportFormat::NodeLink];

#[test]
fn every_format_that_carries_the_graph_reads_back_the_same() {
    for (name, g) in [("small", small()), ("bundled", bundled())] {
        let dir = scratch(&format!("round-trip-{name}"));
        for &f in ROUND_TRIPS {
            let back = round_trip(&g, f, &dir);
            assert_eq!(back.node_count(), g.node_count(), "{name} {f:?}: nodes");
            assert_eq!(back.rel_count(), g.rel_count(), "{name} {f:?}: relationships");
            let (want, got) = (canonical(&g), canonical(&back));
            for (w, h) in want.nodes.iter().zip(&got.nodes) {
                assert_eq!(w, h, "{name} {f:?}: a node differs");
            }
            assert_eq!(want, got, "{name} {f:?}: the graph differs");
            assert_eq!(graph_hash(&back), graph_hash(&g), "{name} {f:?}: the hash differs");
        }
    }
}

#[test]
fn the_graph_hash_ignores_ids_and_order_but_not_content() {
    let g = small();
    let (mut nodes, mut rels): (Vec<u64>, Vec<u64>) = (g.node_ids().collect(), g.rel_ids().collect());
    nodes.reverse();
    rels.reverse();
    let sub = Subgraph { nodes, rels };
    assert_eq!(graph_hash(&sub.to_graph(&g)), graph_hash(&g));
    let mut h = small();
    h.set_node_prop(0, "born", Value::Float(1968.0));
    assert_ne!(graph_hash(&h), graph_hash(&g), "1968 and 1968.0 are different values");
    assert!(graph_hash(&g).starts_with("sha256:") && graph_hash(&g).len() == 7 + 64);
}

#[test]
fn a_results_subgraph_has_the_nodes_and_relationships_in_it_and_their_ends() {
    let mut s = Session::new(small());
    let q = "MATCH p = (a:Person)-[:SIGNED]->(c) MATCH (a)-[v:VISITED {year: 2023}]->(b) \
             RETURN [p] AS paths, {visit: v} AS m, b.name AS name";
    let r = s.run_statement(q, &Params::new()).unwrap().result;
    let sub = Subgraph::from_result(&s.graph, &r);
    assert_eq!(sub.nodes.len(), 3, "a, c from the path; b as the end of v");
    assert_eq!(sub.rels.len(), 2);
    let r = s.run_statement("MATCH (n:Country) RETURN n.name", &Params::new()).unwrap().result;
    assert!(Subgraph::from_result(&s.graph, &r).is_empty());
    let r = s.run_statement("MATCH ()-[r:HOSTS]->() RETURN r", &Params::new()).unwrap().result;
    assert_eq!(Subgraph::from_result(&s.graph, &r).nodes.len(), 2);
}

/// Compares with `tests/golden/export/NAME`; `UPDATE_GOLDEN=1` writes the files instead.
fn golden(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/export").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 makes it)", path.display()));
    assert_eq!(text, want, "{name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)");
}

#[test]
fn text_formats_match_their_golden_files() {
    let g = small();
    let sub = Subgraph::whole(&g);
    for f in [
        ExportFormat::NodeLink,
        ExportFormat::GraphMl,
        ExportFormat::Gexf,
        ExportFormat::Dot,
        ExportFormat::Cypher,
        ExportFormat::Json,
        ExportFormat::Csv,
    ] {
        for (suffix, text) in render(&g, &sub, f, Some("MATCH (n) RETURN n")) {
            let name = if suffix.is_empty() { format!("small.{}", f.name()) } else { format!("small.{suffix}") };
            golden(&name, &text);
        }
    }
}

#[test]
fn provenance_travels_in_every_format() {
    let g = small();
    let sub = Subgraph::whole(&g);
    let hash = graph_hash(&g);
    for &f in ExportFormat::ALL {
        let text: String = render(&g, &sub, f, Some("MATCH (n)\n  RETURN n")).into_iter().map(|(_, t)| t).collect();
        {
            assert!(text.contains(&hash), "{f:?} lacks the graph hash");
            assert!(
                text.contains("MATCH (n) RETURN n") || text.contains("MATCH (n)\\n  RETURN n"),
                "{f:?} lacks the query"
            );
            assert!(text.contains("TEST"), "{f:?} lacks the version");
            if !matches!(f, ExportFormat::Svg | ExportFormat::Html) {
                assert!(text.contains("He visited Japan."), "{f:?} lacks the quote");
                assert!(text.contains("doc.txt"), "{f:?} lacks the source");
            }
        }
    }
}

#[test]
fn writes_refuse_to_replace_files_without_force_and_leave_no_temporary_files() {
    let dir = scratch("atomic");
    let p = dir.join("out.txt");
    export::write_atomic(&p, b"one", false).unwrap();
    let e = export::write_atomic(&p, b"two", false).unwrap_err();
    assert!(e.contains("exists") && e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
    export::write_atomic(&p, b"two", true).unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "only the file itself: {left:?}");
    assert!(export::write_atomic(&dir.join("missing/out.txt"), b"x", false).is_err());
}

#[test]
fn the_picture_is_deterministic_and_no_two_node_labels_overlap() {
    let g = bundled();
    let sub = Subgraph::whole(&g);
    let prov = fixed_provenance(&g, None);
    let style = Style::default();
    let ex = Export { graph: &g, sub: &sub, prov: &prov, style: &style };
    let p = export::layout::picture(&ex);
    assert_eq!(p.nodes.len(), g.node_count());
    assert!(!export::layout::any_overlap(&p), "node labels overlap");
    let labelled = p.edges.iter().filter(|e| e.label_at.is_some()).count();
    assert!(
        labelled * 5 > p.edges.len() * 2,
        "two in five relationships show their type, or more: {labelled} of {}",
        p.edges.len()
    );
    assert_eq!(export::svg::render(&ex), export::svg::render(&ex), "same input, same picture");
    let svg = export::svg::render(&ex);
    assert_eq!(svg.matches("<circle").count() - p.legend.len(), g.node_count());
    assert!(
        svg.contains("<title>VISITED&#10;&#x201c;") || svg.contains("<title>VISITED&#10;“"),
        "relationships show their evidence on hover"
    );
}

#[test]
fn pictures_size_by_a_property_or_a_score_and_colour_by_a_property() {
    let mut s = Session::new(bundled());
    let style = silkgraph::cli::export::style(&mut s, Some("degree"), Some("source")).unwrap();
    let sub = Subgraph::whole(&s.graph);
    let prov = fixed_provenance(&s.graph, None);
    let ex = Export { graph: &s.graph, sub: &sub, prov: &prov, style: &style };
    let p = export::layout::picture(&ex);
    let japan = p.nodes.iter().find(|n| n.name == "Japan").unwrap();
    let lake = p.nodes.iter().find(|n| n.name == "Lake Issyk-Kul").unwrap();
    assert!(japan.r > lake.r, "a hub is drawn bigger");
    assert_eq!(p.legend.len(), 2, "two source documents: {:?}", p.legend);
    assert_eq!(p.size_note.as_deref(), Some("size: degree"));
    let style = silkgraph::cli::export::style(&mut s, Some("amount_usd"), None).unwrap();
    assert_eq!(style.size, export::SizeBy::Property("amount_usd".into()));
}

#[test]
fn the_html_view_is_self_contained() {
    let g = bundled();
    let sub = Subgraph::whole(&g);
    let html = render(&g, &sub, ExportFormat::Html, None).remove(0).1;
    assert!(!html.contains("<script src") && !html.contains("<link"), "no external scripts or styles");
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("https://") && !without_ns.contains("http://"), "no network addresses");
    assert!(html.contains("addEventListener(\"wheel\"") && html.contains("mousemove"), "zoom and drag");
    let data_start = html.find("id=\"data\">").unwrap();
    let data_end = html[data_start..].find("</script>").unwrap() + data_start;
    let json: serde_json::Value = serde_json::from_str(&html[data_start + 10..data_end]).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), g.node_count());
    assert_eq!(json["edges"].as_array().unwrap().len(), g.rel_count());
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

#[test]
fn the_export_command_writes_a_querys_subgraph_once_and_replaces_only_with_force() {
    let dir = scratch("cli");
    let out = dir.join("signed.graphml");
    let q = "MATCH p = (s)-[:SIGNED]->(a:Agreement) WHERE a.year = $year RETURN p";
    let run = |extra: &[&str]| {
        bin()
            .args(["export", "--query", q, "--params", "{\"year\": 2025}", "-o"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("WHERE a.year = $year") && text.contains("{&quot;year&quot;:2025}"), "query and params");
    assert!(text.contains(":Agreement"));
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    let o = run(&["--force", "--format", "gexf"]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&out).unwrap().contains("<gexf"));
    // Unknown format: a usage error.
    let o = bin().args(["export", "--format", "xls", "-o"]).arg(dir.join("x.xls")).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_csv_export_directory_opens_as_a_graph() {
    let dir = scratch("cli-csv");
    let csv = dir.join("kg");
    let o = bin().args(["export", "--format", "csv", "-o"]).arg(&csv).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bin()
        .args(["query", "--format", "jsonl", "--graph"])
        .arg(&csv)
        .arg("MATCH (n) RETURN count(n) AS n; MATCH ()-[r]->() RETURN count(r) AS r")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let g = bundled();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&format!("[[{}]]", g.node_count())) && text.contains(&format!("[[{}]]", g.rel_count())),
        "{text}"
    );
}

#[test]
fn the_repl_exports_and_shows_the_last_result() {
    use silkgraph::cli::meta::{self, Flow};
    use silkgraph::cli::repl::{run_statements, State};
    let dir = scratch("repl");
    let mut state = State::new(Session::new(bundled()), silkgraph::cli::Format::Table);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let m = meta::parse(":export graphml x.graphml").unwrap();
    meta::run(&mut state, m, &mut out, &mut err);
    assert!(String::from_utf8_lossy(&err).contains("run a query first"));
    assert!(run_statements(
        &mut state,
        "MATCH (o)-[v:VISITED]->(c:Country {name: 'Japan'}) RETURN o, v, c",
        &mut out,
        &mut err
    ));
    let file = dir.join("visits.graphml");
    let m = meta::parse(&format!(":export graphml {}", file.display())).unwrap();
    assert_eq!(meta::run(&mut state, m, &mut out, &mut err), Flow::Continue);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("VISITED") && text.contains("MATCH (o)-[v:VISITED]"), "{}", String::from_utf8_lossy(&err));
    let page = dir.join("visits.html");
    let m = meta::parse(&format!(":show {} size=degree", page.display())).unwrap();
    meta::run(&mut state, m, &mut out, &mut err);
    assert!(std::fs::read_to_string(&page).unwrap().contains("size: degree"), "{}", String::from_utf8_lossy(&err));
}
