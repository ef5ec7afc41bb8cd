//! Subgraph export: what a result's subgraph is, round trips (export, read back, the same
//! graph), golden files for the text formats, atomic writes, the pictures (SVG, PNG, HTML),
//! the command line and the REPL's `:export`.

use std::path::{Path, PathBuf};
use std::process::Command;

use silkgraph::exec::Params;
use silkgraph::export::{self, canonical, graph_hash, Export, ExportFormat, Provenance, Style, Subgraph};
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::{NodeId, Value};

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

/// The rendered files of a text format.
fn render(g: &Graph, sub: &Subgraph, format: ExportFormat, query: Option<&str>) -> Vec<(&'static str, String)> {
    render_bytes(g, sub, format, query)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("a text format is UTF-8")))
        .collect()
}

fn render_bytes(g: &Graph, sub: &Subgraph, format: ExportFormat, query: Option<&str>) -> Vec<(&'static str, Vec<u8>)> {
    let prov = fixed_provenance(g, query);
    let style = Style::default();
    export::render(format, &Export { graph: g, sub, prov: &prov, style: &style }).expect("renders").files
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
        ExportFormat::Csv => silkgraph::io::import_dir(&path).expect("csv reads back"),
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
    let (mut nodes, mut rels): (Vec<_>, Vec<_>) = (g.node_ids().collect(), g.rel_ids().collect());
    nodes.reverse();
    rels.reverse();
    let sub = Subgraph { nodes, rels };
    assert_eq!(graph_hash(&sub.to_graph(&g)), graph_hash(&g));
    let mut h = small();
    h.set_node_prop(NodeId(0), "born", Value::Float(1968.0));
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
        // PNG carries it in text chunks, which are UTF-8 among the binary.
        let text: String = render_bytes(&g, &sub, f, Some("MATCH (n)\n  RETURN n"))
            .into_iter()
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
            .collect();
        {
            assert!(text.contains(&hash), "{f:?} lacks the graph hash");
            assert!(
                text.contains("MATCH (n) RETURN n") || text.contains("MATCH (n)\\n  RETURN n"),
                "{f:?} lacks the query"
            );
            assert!(text.contains("TEST"), "{f:?} lacks the version");
            if !f.is_picture() {
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
    // The CLI adds how to replace it (`--force`); the library only says what is wrong.
    assert_eq!(e.problem, silkgraph::error::FileProblem::Exists, "{e}");
    assert!(e.to_string().contains("exists") && !e.to_string().contains("--force"), "{e}");
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
    let p = export::layout::picture(&ex).unwrap();
    assert_eq!(p.nodes.len(), g.node_count());
    assert!(!export::layout::any_overlap(&p), "node labels overlap");
    // Each type's name is written once (every relationship shows it on hover).
    let mut named: Vec<&str> = p.edges.iter().filter(|e| e.label_at.is_some()).map(|e| e.ty.as_str()).collect();
    let labelled = named.len();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named.len(), labelled, "no type written twice");
    let mut types: Vec<&str> = p.edges.iter().map(|e| e.ty.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    assert!(labelled * 5 >= types.len() * 4, "most types are named: {labelled} of {}", types.len());
    assert_eq!(export::svg::render(&ex).unwrap(), export::svg::render(&ex).unwrap(), "same input, same picture");
    let svg = export::svg::render(&ex).unwrap();
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
    let p = export::layout::picture(&ex).unwrap();
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
    assert!(html.contains("addEventListener(\"wheel\"") && html.contains("pointermove"), "zoom and drag");
    assert!(html.contains("touch-action: none") && html.contains("pinch"), "touch and pen: pointers, pinch to zoom");
    let data_start = html.find("id=\"data\">").unwrap();
    let data_end = html[data_start..].find("</script>").unwrap() + data_start;
    let json: serde_json::Value = serde_json::from_str(&html[data_start + 10..data_end]).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), g.node_count());
    assert_eq!(json["edges"].as_array().unwrap().len(), g.rel_count());
}

/// A decoded PNG: its size, its pixels as RGBA, and its text chunks.
struct Decoded {
    width: u32,
    height: u32,
    pixels: Vec<[u8; 4]>,
    text: Vec<(String, String)>,
}

fn decode_png(bytes: &[u8]) -> Decoded {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "the PNG signature");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_ignore_text_chunk(false);
    decoder.set_transformations(png::Transformations::normalize_to_color8() | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("a PNG the png crate reads");
    let text = reader.info().utf8_text.iter().map(|c| (c.keyword.clone(), c.get_text().unwrap())).collect();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("its pixels decode");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    let pixels =
        buf[..info.line_size * info.height as usize].chunks_exact(4).map(|p| [p[0], p[1], p[2], p[3]]).collect();
    Decoded { width: info.width, height: info.height, pixels, text }
}

fn hex_colour(s: &str) -> [u8; 4] {
    let c = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).unwrap();
    [c(1), c(3), c(5), 255]
}

/// Pixels dark enough to be text (the labels are #222222; arrows and legend text are lighter
/// or smaller, node fills are colours).
fn dark(d: &Decoded) -> usize {
    d.pixels.iter().filter(|p| p[0] < 80 && p[1] < 80 && p[2] < 80).count()
}

#[test]
fn a_png_of_the_bundled_graph_is_the_svg_at_twice_the_size_with_its_colours_text_and_provenance() {
    let g = bundled();
    let sub = Subgraph::whole(&g);
    let prov = fixed_provenance(&g, None);
    let style = Style::default();
    let ex = Export { graph: &g, sub: &sub, prov: &prov, style: &style };
    let p = export::layout::picture(&ex).unwrap();
    let fonts = export::png::system_fonts();
    let png = export::png::render_with_fonts(&ex, fonts.clone()).unwrap();
    let d = decode_png(&png.bytes);
    assert_eq!((d.width, d.height), ((p.width * 2.0) as u32, (p.height * 2.0) as u32), "a 2× device pixel ratio");
    assert_eq!((png.width, png.height), (d.width, d.height));
    assert!(d.pixels.iter().all(|px| px[3] == 255), "opaque, on the picture's white background");
    // Not blank: every node colour of the legend is drawn, over many pixels.
    for (name, colour, count) in &p.legend {
        let want = hex_colour(colour);
        let n = d.pixels.iter().filter(|px| **px == want).count();
        // A node is a disc of radius 14 pixels (600 pixels), its legend entry one of 12.
        assert!(n > 300 * (count + 1), "{name} ({colour}, {count} nodes): {n} pixels of its colour");
    }
    let distinct: std::collections::HashSet<[u8; 4]> = d.pixels.iter().copied().collect();
    assert!(distinct.len() > p.legend.len() + 10, "{} colours", distinct.len());
    // The provenance, in iTXt chunks.
    let get = |k: &str| d.text.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("Software").as_deref(), Some("silkgraph TEST"));
    assert!(get("Description").unwrap().contains(&graph_hash(&g)));
    let j: serde_json::Value = serde_json::from_str(&get("provenance").unwrap()).unwrap();
    assert_eq!(j["graph_hash"], graph_hash(&g).as_str());
    // Without fonts: still a picture (the same shapes), no text, and a warning that says so.
    let bare = export::png::render_with_fonts(&ex, std::sync::Arc::new(export::png::fontdb::Database::new())).unwrap();
    assert!(bare.warnings.iter().any(|w| w.contains("no fonts") && w.contains("without text")), "{:?}", bare.warnings);
    let b = decode_png(&bare.bytes);
    assert_eq!((b.width, b.height), (d.width, d.height));
    let (name, colour, _) = &p.legend[0];
    assert!(b.pixels.iter().filter(|px| **px == hex_colour(colour)).count() > 200, "{name} drawn without fonts");
    if fonts.is_empty() {
        eprintln!("note: this machine has no fonts; the PNG's text is not checked");
    } else {
        assert!(png.warnings.is_empty(), "{:?}", png.warnings);
        let (with, without) = (dark(&d), dark(&b));
        assert!(with > 20 * without.max(100), "the labels are drawn: {with} dark pixels with fonts, {without} without");
    }
}

#[test]
fn a_png_too_large_for_2x_is_drawn_smaller_with_a_warning() {
    let wide = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"20\">\
                <rect width=\"100%\" height=\"100%\" fill=\"#1f77b4\"/></svg>";
    let fonts = std::sync::Arc::new(export::png::fontdb::Database::new());
    let png = export::png::rasterize(wide, fonts.clone(), &[]).unwrap();
    let d = decode_png(&png.bytes);
    assert!(d.width <= export::png::MAX_SIDE && d.width > export::png::MAX_SIDE - 100, "{}", d.width);
    assert!(png.warnings.iter().any(|w| w.contains("too large")), "{:?}", png.warnings);
    // The whole picture, scaled down (the last row and column are cut through, so blended).
    let (w, h) = (d.width as usize, d.height as usize);
    let inner = (0..h - 1).flat_map(|y| (0..w - 1).map(move |x| y * w + x));
    assert!(inner.into_iter().all(|i| d.pixels[i] == [0x1f, 0x77, 0xb4, 255]), "the whole picture, scaled down");
    // By area: 2× of 8000×8000 would be 256 megapixels.
    let square = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8000\" height=\"8000\"/>";
    let png = export::png::rasterize(square, fonts, &[]).unwrap();
    assert!(u64::from(png.width) * u64::from(png.height) <= export::png::MAX_PIXELS, "{}×{}", png.width, png.height);
    assert!(png.width > 6000, "no smaller than it must be: {}", png.width);
}

#[test]
fn the_cypher_script_warns_of_what_falkordb_cannot_hold() {
    let g = small();
    let sub = Subgraph::whole(&g);
    let prov = fixed_provenance(&g, None);
    let style = Style::default();
    let ex = Export { graph: &g, sub: &sub, prov: &prov, style: &style };
    assert_eq!(export::cypher::falkordb_warnings(&ex), Vec::<String>::new(), "dates, NaN, lists: all fine");
    let g = Session::load_script(
        "CREATE (:`Odd``Label` {at: datetime('2025-12-20T10:35:00+06:00'), t: localtime('10:35:12.5')}) \
         CREATE (:Ok {tiny: [1.0, 5e-324]})",
    )
    .unwrap();
    let sub = Subgraph::whole(&g);
    let ex = Export { graph: &g, sub: &sub, prov: &prov, style: &style };
    let w = export::render(ExportFormat::Cypher, &ex).unwrap().warnings;
    assert_eq!(w.len(), 4, "{w:#?}");
    assert!(w[0].contains("backtick") && w[0].contains(":Odd`Label"), "{}", w[0]);
    assert!(w[1].contains("zoned") && w[1].contains("`at`"), "{}", w[1]);
    assert!(w[2].contains("2.2250738585072014e-308") && w[2].contains("`tiny`"), "{}", w[2]);
    assert!(w[3].contains("whole seconds") && w[3].contains("`t`"), "{}", w[3]);
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
fn the_export_command_draws_a_png_by_its_extension_and_to_standard_output() {
    let dir = scratch("cli-png");
    let out = dir.join("forum.png");
    let q = "MATCH p = (s)-[:SIGNED]->(a:Agreement)-[:SIGNED_AT]->(e:Event) WHERE a.year = 2025 RETURN p";
    let o = bin().args(["export", "--query", q, "--size", "degree", "-o"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("as png to"), "{}", String::from_utf8_lossy(&o.stderr));
    let file = std::fs::read(&out).unwrap();
    let d = decode_png(&file);
    assert!(d.width >= 640 && d.height > 100, "{}×{}", d.width, d.height);
    assert!(d.text.iter().any(|(k, v)| k == "Description" && v.contains("SIGNED_AT")), "the query travels");
    let o = bin().args(["export", "--format", "png", "-o"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "an existing file is kept without --force");
    assert_eq!(std::fs::read(&out).unwrap(), file);
    let o = bin().args(["export", "--query", q, "--size", "degree", "--format", "png", "-o", "-"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(decode_png(&o.stdout).pixels, d.pixels, "the same picture on standard output");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "no temporary files: {left:?}");
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

/// An empty string, an empty list and a list of one empty string all write an empty cell,
/// which reads as no value; the export lists them in `provenance.json`, so silkgraph reads them
/// back as they were (other readers see plain neo4j-admin CSV).
#[test]
fn empty_strings_and_lists_survive_a_csv_round_trip() {
    let dir = scratch("csv-empties");
    let out = dir.join("e");
    let q = "CREATE p = (:A {s: '', l: [], one: [''], two: ['', 'x'], n: 1})-[:R {s: '', k: 'v'}]->(:A {s: 'full'}) \
             RETURN p";
    let o = bin().args(["--empty", "export", "--query", q, "--format", "csv", "-o"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let back = bin()
        .args(["--format", "jsonl", "--graph"])
        .arg(&out)
        .args(["query", "MATCH (a)-[r]->(b) RETURN properties(a) AS a, properties(r) AS r, properties(b) AS b"])
        .output()
        .unwrap();
    assert!(back.status.success(), "{}", String::from_utf8_lossy(&back.stderr));
    let j: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    let row = &j["rows"][0];
    assert_eq!(row[0], serde_json::json!({"s": "", "l": [], "one": [""], "two": ["", "x"], "n": 1}), "{j}");
    assert_eq!(row[1], serde_json::json!({"s": "", "k": "v"}));
    assert_eq!(row[2], serde_json::json!({"s": "full"}), "a cell left empty for no value stays no value");
}

#[test]
fn import_and_a_csv_directory_read_the_same_header_the_same_way() {
    // `integer`, `bool` and lower-case `:id` once meant numbers to `import` and strings (or an
    // error) to `--graph DIR`: both now read headers through one parser.
    let dir = scratch("csv-header");
    let csv = dir.join("g");
    std::fs::create_dir_all(&csv).unwrap();
    std::fs::write(csv.join("nodes.csv"), "id:id,:LABEL,n:integer,ok:bool,xs:long[]\n1,A,7,TRUE,1;2\n2,B,-3,false,\n")
        .unwrap();
    std::fs::write(csv.join("relationships.csv"), ":START_ID,:END_ID,:TYPE,w:double\n1,2,R,0.5\n").unwrap();
    let q = "MATCH (a:A)-[r:R]->(b:B) RETURN a.n + b.n AS n, a.ok AND NOT b.ok AS ok, a.xs AS xs, r.w AS w";
    let want = "[[4,true,[1,2],0.5]]";
    let o = bin().args(["query", "--format", "jsonl", "--graph"]).arg(&csv).arg(q).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains(want), "{}", String::from_utf8_lossy(&o.stdout));
    let sg = dir.join("g.sg");
    let o = bin()
        .arg("import")
        .arg("--nodes")
        .arg(csv.join("nodes.csv"))
        .arg("--relationships")
        .arg(csv.join("relationships.csv"))
        .arg("--out")
        .arg(&sg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bin().args(["query", "--format", "jsonl", "--graph"]).arg(&sg).arg(q).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains(want), "{}", String::from_utf8_lossy(&o.stdout));
    // A type that is a typo is an error naming the file and the field, in both.
    std::fs::write(csv.join("nodes.csv"), "id:ID,n:integr\n1,7\n").unwrap();
    let o = bin().args(["query", "--graph"]).arg(&csv).arg("RETURN 1").output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("nodes.csv:1: column `n:integr`") && err.contains("integr"), "{err}");
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
    let picture = dir.join("visits.png");
    let m = meta::parse(&format!(":export png {}", picture.display())).unwrap();
    meta::run(&mut state, m, &mut out, &mut err);
    let d = decode_png(&std::fs::read(&picture).unwrap());
    assert!(d.text.iter().any(|(_, v)| v.contains("MATCH (o)-[v:VISITED]")), "{}", String::from_utf8_lossy(&err));
    let shown = dir.join("shown.png");
    let m = meta::parse(&format!(":show {} size=degree", shown.display())).unwrap();
    meta::run(&mut state, m, &mut out, &mut err);
    let s = decode_png(&std::fs::read(&shown).unwrap());
    assert!(s.text.iter().any(|(_, v)| v.contains("MATCH (o)-[v:VISITED]")), "{}", String::from_utf8_lossy(&err));
    assert!(String::from_utf8_lossy(&out).contains("as png to"), "{}", String::from_utf8_lossy(&out));
}

#[test]
fn teaching_pictures_draw_ties_name_each_type_once_and_size_by_the_undirected_score() {
    let mut s = Session::new(silkgraph::io::open("karate").unwrap());
    assert!(s.graph.undirected(), "the karate club's script says its ties have no direction");
    let style = silkgraph::cli::export::style(&mut s, Some("pagerank"), Some("community")).unwrap();
    let sub = Subgraph::whole(&s.graph);
    let prov = fixed_provenance(&s.graph, None);
    let ex = Export { graph: &s.graph, sub: &sub, prov: &prov, style: &style };
    let p = export::layout::picture(&ex).unwrap();
    let svg = export::svg::render_picture(&ex, &p);
    assert!(!svg.contains("marker-end"), "no arrows on ties");
    assert_eq!(svg.matches(">INTERACTS</text>").count(), 1, "the one type is named once");
    // PageRank over ties both ways: the two rivals are the largest nodes.
    let mut by_size: Vec<(&str, f64)> = p.nodes.iter().map(|n| (n.name.as_str(), n.r)).collect();
    by_size.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<&str> = by_size[..2].iter().map(|(n, _)| *n).collect();
    assert!(top.contains(&"Mr. Hi") && top.contains(&"John A."), "{top:?}");
    // The legend says what colour and size mean, and lists communities in their order.
    let title = export::layout::legend_title(&p);
    assert!(title.contains("colour: community") && title.contains("size: pagerank"), "{title}");
    let names: Vec<&str> = p.legend.iter().map(|(n, _, _)| n.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.parse::<i64>().unwrap());
    assert_eq!(names, sorted);
    assert_eq!(p.legend.iter().map(|(_, _, c)| c).sum::<usize>(), 34);
    // An unknown key is an error that names the nearest one.
    let e = silkgraph::cli::export::style(&mut s, None, Some("comunity")).unwrap_err();
    assert!(e.contains("did you mean color=community"), "{e}");
    let e = silkgraph::cli::export::style(&mut s, Some("clubb"), None).unwrap_err();
    assert!(e.contains("did you mean size=club"), "{e}");
    // Exports say the graph is undirected, and its Cypher keeps saying so.
    let nodelink = render(&s.graph, &sub, ExportFormat::NodeLink, None).remove(0).1;
    assert!(nodelink.contains("\"directed\":false") || nodelink.contains("\"directed\": false"));
    let again = Session::load_script(&silkgraph::io::to_cypher_script(&s.graph)).unwrap();
    assert!(again.undirected());
}

#[test]
fn a_label_keeps_its_colour_in_every_picture_and_long_captions_stay_apart() {
    let g = bundled();
    let colours = |query: &str| -> Vec<(String, String)> {
        let mut s = Session::new(g.clone());
        let r = s.run_statement(query, &silkgraph::exec::Params::new()).unwrap().result;
        let sub = Subgraph::from_result(&s.graph, &r);
        let prov = fixed_provenance(&s.graph, None);
        let style = Style::default();
        let p = export::layout::picture(&Export { graph: &s.graph, sub: &sub, prov: &prov, style: &style }).unwrap();
        p.legend.iter().map(|(n, c, _)| (n.clone(), c.clone())).collect()
    };
    let all = colours("MATCH (n) RETURN n");
    let some = colours("MATCH (c:Country) RETURN c");
    assert_eq!(some.len(), 1);
    assert!(all.contains(&some[0]), "Country has one colour: {some:?} in {all:?}");
    let a = export::layout::short_label(
        "Agreement between the Government of Japan and Kyrgyzstan on Technical Cooperation",
    );
    let b = export::layout::short_label("Agreement between the Government of Japan and Kyrgyzstan on Grant Aid");
    assert_ne!(a, b, "cut in the middle, not at the end");
    assert!(a.starts_with("Agreement") && a.ends_with("Cooperation"), "{a}");
}
