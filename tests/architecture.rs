//! The house's rules (ARCHITECTURE.md), checked from the code's own `crate::` paths: each stage
//! imports only the stages below it. Rules not yet met stand in `PENDING`, each naming a file and
//! what it still imports; an entry that no longer happens fails the test too, so the list only
//! shrinks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(module, the modules it may import)`: `value` and `error` are the ground floor.
const RULES: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("value", &["error"]),
    ("ast", &["error"]),
    ("store", &["value", "error"]),
    ("db", &["store", "value", "error", "file"]),
    ("file", &["error"]),
    ("catalog", &[]),
    ("similar", &[]),
    ("syntax", &["ast", "error", "value", "similar"]),
    ("semantic", &["ast", "error", "catalog"]),
    ("plan", &["ast", "error", "value", "catalog", "semantic"]),
    // The knowledge-graph layer (evidence, search, connections, check) reads any store.
    ("kg", &["store", "value", "error", "similar"]),
];

/// Imports below `cli` that no stage may make, whatever else it may: the planner never sees the
/// executor, the store or the front ends.
const NEVER: &[(&str, &[&str])] = &[
    ("plan", &["exec", "store", "cli", "session", "output", "export"]),
    ("exec", &["cli", "session", "output", "export", "graphs", "syntax"]),
    ("store", &["exec", "plan", "cli", "session"]),
    // The server stands on a session's client, as the CLI does; neither knows the other.
    ("server", &["cli", "plan", "syntax", "semantic", "db", "remote", "web", "assist"]),
    // Bolt's encoding serves both ends; the client end (`remote`) knows no front end or server.
    ("bolt", &["cli", "server", "remote", "session", "plan", "syntax", "semantic"]),
    ("remote", &["cli", "server", "session", "plan", "syntax", "semantic", "db"]),
    ("session", &["cli", "server", "web"]),
    // What the REPL and the browser both offer while typing and after a run; no front end.
    ("assist", &["cli", "server", "web", "remote"]),
    // The browser's HTTP side stands on the server (its users, databases, TLS) and a session's
    // client; it never reaches the CLI, the planner or the files of a database.
    ("web", &["cli", "plan", "db", "remote"]),
];

/// Known breaches on the way to the rules: `(file, module it imports)`.
const PENDING: &[(&str, &str)] = &[];

/// Command-line flags mentioned in text below `cli` (the CLI should add such hints itself):
/// `(file, flag)`, to be removed as errors become typed.
const PENDING_FLAGS: &[(&str, &str)] = &[];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
            // A `tests.rs` is a module of tests (under `#[cfg(test)]`), free to reach further.
            out.push(p);
        }
    }
}

/// The top-level module a file belongs to: `src/exec/read.rs` → `exec`, `src/ast.rs` → `ast`.
fn module_of(rel: &str) -> String {
    let rest = rel.strip_prefix("src/").unwrap();
    rest.split('/').next().unwrap().trim_end_matches(".rs").to_string()
}

/// The code of a file without its comments and without its `#[cfg(test)]` module (tests may
/// reach further than the code they test).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// `(file relative to the package, module, the top-level modules it names with crate::)`.
fn imports() -> Vec<(String, String, BTreeSet<String>)> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for f in all {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = code(&std::fs::read_to_string(&f).unwrap());
        let mut names = BTreeSet::new();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
        let module = module_of(&rel);
        names.remove(&module);
        out.push((rel, module, names));
    }
    out
}

#[test]
fn each_stage_imports_only_the_stages_below_it() {
    let mut breaches = BTreeSet::new();
    for (file, module, names) in imports() {
        let allowed = RULES.iter().find(|(m, _)| *m == module).map(|(_, a)| *a);
        let never = NEVER.iter().find(|(m, _)| *m == module).map(|(_, n)| *n).unwrap_or(&[]);
        for name in names {
            let bad = allowed.is_some_and(|a| !a.contains(&name.as_str())) || never.contains(&name.as_str());
            if bad {
                breaches.insert((file.clone(), name));
            }
        }
    }
    let pending: BTreeSet<(String, String)> = PENDING.iter().map(|(f, m)| (f.to_string(), m.to_string())).collect();
    let new: Vec<_> = breaches.difference(&pending).collect();
    assert!(new.is_empty(), "imports that break the house's rules (ARCHITECTURE.md): {new:?}");
    let mended: Vec<_> = pending.difference(&breaches).collect();
    assert!(mended.is_empty(), "no longer breached, remove from PENDING: {mended:?}");
}

#[test]
fn nothing_below_the_cli_names_a_command_line_flag() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    for f in all {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        if rel.starts_with("src/cli/") || rel == "src/main.rs" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).unwrap());
        // A flag inside a string literal: `--` then a lowercase word.
        for (i, _) in text.match_indices("--") {
            let before = text[..i].chars().next_back();
            let word: String = text[i + 2..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
            if word.len() > 2 && before.is_some_and(|c| c == ' ' || c == '(' || c == '"' || c == '`') {
                found.insert((rel.clone(), format!("--{}", word.trim_end_matches('-'))));
            }
        }
    }
    let pending: BTreeSet<(String, String)> =
        PENDING_FLAGS.iter().map(|(f, m)| (f.to_string(), m.to_string())).collect();
    let new: Vec<_> = found.difference(&pending).collect();
    assert!(new.is_empty(), "command-line flags named below the CLI: {new:?}");
    let mended: Vec<_> = pending.difference(&found).collect();
    assert!(mended.is_empty(), "no longer named, remove from PENDING_FLAGS: {mended:?}");
}

#[test]
fn the_executor_and_the_algorithms_reach_the_store_through_its_traits() {
    let mut all = Vec::new();
    files(&src().join("exec"), &mut all);
    files(&src().join("algo"), &mut all);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    for f in all {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = code(&std::fs::read_to_string(&f).unwrap());
        let names_graph = text.match_indices("Graph").any(|(i, _)| {
            let before = text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after = text[i + 5..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
            !before && !after
        });
        if names_graph {
            found.insert(rel);
        }
    }
    assert!(found.is_empty(), "files that name the concrete store::Graph, not GraphRead/GraphWrite: {found:?}");
}
