//! Exports of any graph a script makes, in every format: each renders without a panic, and
//! what silkgraph reads back (the Cypher script, the JSON graph, the CSV directory) is the same
//! graph. Values and names are the fuzzer's: any Unicode, control characters, reserved words,
//! `;`, `--`, `<!--`, empty strings and lists, extreme numbers, temporal values.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use silkgraph::exec::{Limits, Params};
use silkgraph::export::{canonical, render, Export, ExportFormat, Provenance, Style, Subgraph};
use silkgraph::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut s = Session::default();
    s.timeout = Some(Duration::from_millis(300));
    s.control.limits = Limits { max_rows: 10_000, max_hops: 8, max_memory: 64 << 20 };
    s.run_script(text, &Params::new(), |_, _| {});
    let g = &s.graph;
    if g.node_count() == 0 || g.node_count() > 500 {
        return;
    }
    let sub = Subgraph::whole(g);
    let prov = Provenance::new(g, None, &Params::new());
    let style = Style::default();
    let ex = Export { graph: g, sub: &sub, prov: &prov, style: &style };
    let want = canonical(g);
    for &format in ExportFormat::ALL {
        // PNG draws the SVG with a font; its own tests cover it, and it is slow.
        if format == ExportFormat::Png {
            continue;
        }
        let Ok(out) = render(format, &ex) else {
            // Only the CSV form refuses, and only what it cannot hold (a `;` in a label or a
            // list's string); a picture may be refused past a limit.
            assert!(matches!(format, ExportFormat::Csv | ExportFormat::Svg | ExportFormat::Html), "{format:?}");
            continue;
        };
        let text = |i: usize| std::str::from_utf8(&out.files[i].1).expect("text formats are UTF-8");
        match format {
            ExportFormat::Cypher => {
                let back = Session::load_script(text(0)).expect("a Cypher export loads back");
                assert_eq!(canonical(&back), want, "the Cypher export read back");
            }
            ExportFormat::Json => {
                let back = silkgraph::graphs::from_json_text(text(0)).expect("a JSON export loads back");
                assert_eq!(canonical(&back), want, "the JSON export read back");
            }
            ExportFormat::Csv => {
                let dir = std::env::temp_dir().join(format!("silkgraph-fuzz-roundtrip-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                for (name, bytes) in &out.files {
                    std::fs::write(dir.join(name), bytes).unwrap();
                }
                let back = silkgraph::graphs::import_dir(&dir).expect("a CSV export loads back");
                // CSV columns keep only the scalar types and their lists: counts and labels.
                assert_eq!((back.node_count(), back.rel_count()), (g.node_count(), g.rel_count()), "the CSV export");
            }
            ExportFormat::GraphMl | ExportFormat::Gexf => {
                // Well-formed enough for any XML reader: no control character XML 1.0 forbids,
                // no `--` inside a comment.
                let t = text(0);
                assert!(!t.chars().any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')), "{format:?}: a control character");
                for c in t.split("<!--").skip(1) {
                    let body = c.split("-->").next().unwrap_or("");
                    assert!(!body.contains("--") && !body.ends_with('-'), "{format:?}: a comment with --");
                }
            }
            _ => {}
        }
    }
});
