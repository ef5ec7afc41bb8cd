//! Golden tests: each `tests/golden/*.cypher` script runs on an empty graph (or, with a first
//! line `// graph: default`, on the bundled graph); its printed results must equal the `.out`
//! file beside it. `UPDATE_GOLDEN=1 cargo test` rewrites the `.out` files — review the diff.
//! The examples in `examples/` run the same way against `tests/golden/examples/*.out`.

use std::path::{Path, PathBuf};

use silkgraph::exec::Params;
use silkgraph::session::Session;

/// Runs a script and renders what a user of `silkgraph run` would see.
pub fn render_script(text: &str, graph: silkgraph::store::Graph) -> String {
    let mut s = Session::new(graph);
    let mut out = String::new();
    s.run_script(text, &Params::new(), |g, r| match r {
        Ok(o) => {
            out.push_str(&silkgraph::output::table(g, &o.result));
            out.push_str("\n\n");
        }
        Err(e) => {
            out.push_str(&silkgraph::error::render(&e, text));
            out.push('\n');
        }
    });
    out
}

fn check(script: &Path, expected: &Path) {
    let text = std::fs::read_to_string(script).unwrap();
    let graph = if text.starts_with("// graph: default") || script.starts_with(examples_dir()) {
        silkgraph::graphs::default_graph().unwrap()
    } else {
        silkgraph::store::Graph::new()
    };
    let got = render_script(&text, graph);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1 and review it", expected.display()));
    if got != want {
        panic!("{} differs from {}:\n--- got ---\n{got}\n--- want ---\n{want}", script.display(), expected.display());
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn examples_dir() -> PathBuf {
    root().join("examples")
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cypher"))
        .collect();
    v.sort();
    v
}

#[test]
fn golden_scripts() {
    let dir = root().join("tests/golden");
    let all = cases(&dir);
    assert!(!all.is_empty());
    for c in all {
        check(&c, &c.with_extension("out"));
    }
}

#[test]
fn example_scripts() {
    for c in cases(&examples_dir()) {
        let out = root().join("tests/golden/examples").join(c.file_name().unwrap()).with_extension("out");
        check(&c, &out);
    }
}
