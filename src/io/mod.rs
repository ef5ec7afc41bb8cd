//! Opening and saving graphs in files: the bundled graphs, `.cypher` scripts (`cypher`), the
//! project's `.json` graph (`json`), CSV directories in the neo4j-admin convention (`csv`) and
//! `.sg` snapshots, and writing any file atomically. Loading is all or nothing: a bad file names
//! where and why, and yields no graph. (Databases, which keep every commit, are `crate::db`.)

mod csv;
mod cypher;
mod json;

pub use self::csv::{import_dir, import_files};
pub use cypher::{to_cypher_script, to_cypher_subscript, ONE_STATEMENT_MAX};
pub use json::{from_json_text, to_json_graph, to_json_subgraph};

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{line_col, render};
use crate::session::Session;
use crate::store::Graph;

/// The bundled Kyrgyz–Japan knowledge graph, as a Cypher script.
pub const DEFAULT_GRAPH: &str = include_str!("../../graphs/kyrgyz_japan.cypher");

/// The bundled graphs openable by name.
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "kyrgyz_japan",
        "Kyrgyz–Japanese relations, from the Kyrgyz MFA page and Times Tengri (22 Dec 2025)",
        DEFAULT_GRAPH,
    ),
    (
        "karate",
        "Zachary's karate club (1977): 34 members, 78 ties, the club split",
        include_str!("../../graphs/karate.cypher"),
    ),
    (
        "florentine",
        "Florentine families' marriages around 1430 (Padgett & Ansell 1993)",
        include_str!("../../graphs/florentine.cypher"),
    ),
    ("lesmis", "Les Misérables co-appearances (Knuth 1993): 77 characters", include_str!("../../graphs/lesmis.cypher")),
];

/// Opens the default graph.
pub fn default_graph() -> Result<Graph, String> {
    Session::load_script(DEFAULT_GRAPH).map_err(|e| format!("bundled graph: {}", render(&e, DEFAULT_GRAPH)))
}

/// Opens a graph by file name (`.cypher`, `.json`, a directory with a CSV export) or by bundled
/// name.
pub fn open(spec: &str) -> Result<Graph, String> {
    if let Some((_, _, text)) = BUNDLED.iter().find(|(n, _, _)| *n == spec) {
        return Session::load_script(text).map_err(|e| format!("{spec}: {}", render(&e, text)));
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return import_dir(path).map_err(|e| format!("{spec}: {e}"));
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sg")) {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
        return Graph::from_snapshot(&bytes).map_err(|e| format!("{spec}: {e}"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {spec}: {e}"))?;
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("json") => from_json_text(&text).map_err(|e| format!("{spec}: {e}")),
        _ => Session::load_script(&text).map_err(|e| {
            let (line, col) = e.span.map_or((0, 0), |s| line_col(&text, s.start));
            format!("{spec}:{line}:{col}: {}", render(&e, &text))
        }),
    }
}

/// Saves a graph to a file in the form its extension names, the counterpart of [`open`]: `.sg`
/// a snapshot, `.json` the JSON graph, anything else a Cypher script. The write is atomic
/// (temporary file, fsync, rename), so a save cut short leaves the old file whole.
pub fn save(g: &Graph, path: &Path) -> Result<(), String> {
    let bytes = match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("sg") => g.to_snapshot(),
        Some("json") => {
            let mut text = serde_json::to_string_pretty(&to_json_graph(g)).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        _ => to_cypher_script(g).into_bytes(),
    };
    write_atomic(path, &bytes, true)
}

/// Writes a file atomically: a temporary file in the same directory, synced, then moved into
/// place. Without `force` an existing file is an error (and is left alone, even when it
/// appears meanwhile).
///
/// Only a regular file is ever replaced: a symbolic link is followed (its target is replaced,
/// the link stays), a device or a pipe is written through as it is (`-o /dev/stdout` works, and
/// `/dev/null` stays a device), a directory is an error. A replaced file keeps its permissions,
/// and a read-only one is refused.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !force {
            return Err(format!("{shown} exists; use --force to replace it"));
        }
        if meta.file_type().is_symlink() {
            let target =
                std::fs::canonicalize(path).map_err(|e| format!("{shown}: a link that leads nowhere ({e})"))?;
            if target.as_path() == path {
                return Err(format!("{shown}: a link that leads to itself"));
            }
            return write_atomic(&target, bytes, force);
        }
        if meta.is_dir() {
            return Err(format!("{shown} is a directory"));
        }
        if !meta.is_file() {
            // A device or a pipe: what is written goes to it, nothing replaces it.
            let mut f =
                std::fs::OpenOptions::new().write(true).open(path).map_err(|e| format!("cannot write {shown}: {e}"))?;
            return f.write_all(bytes).and_then(|()| f.flush()).map_err(|e| format!("cannot write {shown}: {e}"));
        }
        if meta.permissions().readonly() {
            return Err(format!("{shown} is read-only; make it writable to replace it"));
        }
        return replace(path, bytes, force, Some(meta.permissions()));
    }
    replace(path, bytes, force, None)
}

/// [`write_atomic`] of a regular file, or a new one: a temporary file beside it, given the old
/// one's permissions, synced, and moved into place (a hard link when nothing may be replaced).
fn replace(path: &Path, bytes: &[u8], force: bool, keep: Option<std::fs::Permissions>) -> Result<(), String> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| format!("{shown}: not a file name"))?.to_string_lossy().to_string();
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = (|| -> Result<(), String> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        f.write_all(bytes).map_err(|e| format!("cannot write {shown}: {e}"))?;
        if let Some(p) = &keep {
            f.set_permissions(p.clone()).map_err(|e| format!("cannot write {shown}: {e}"))?;
        }
        f.sync_all().map_err(|e| format!("cannot write {shown}: {e}"))?;
        drop(f);
        if force {
            std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {shown}: {e}"))
        } else {
            // A hard link fails when the target exists, so nothing is ever replaced.
            match std::fs::hard_link(&tmp, path) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&tmp);
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(format!("{shown} exists; use --force to replace it"))
                }
                // File systems without hard links: check, then rename.
                Err(_) if !path.exists() => {
                    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {shown}: {e}"))
                }
                Err(_) => Err(format!("{shown} exists; use --force to replace it")),
            }
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    result
}
