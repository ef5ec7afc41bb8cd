//! CSV import (neo4j-admin files): `silkgraph import` and the CSV export directory reader, on a
//! nodes file and a relationships file (the input split at its first NUL byte). Bad files are
//! refused with the file and line, never a panic.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("silkgraph-fuzz-csv-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("a scratch directory");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let (nodes, rels) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let (n, r) = (dir().join("nodes.csv"), dir().join("relationships.csv"));
    std::fs::write(&n, nodes).expect("write nodes");
    std::fs::write(&r, rels).expect("write relationships");
    let _ = silkgraph::io::import_files(std::slice::from_ref(&n), std::slice::from_ref(&r));
    let spec = |p: &PathBuf| p.to_string_lossy().to_string();
    let _ = silkgraph::import::import(&[format!("Person={}", spec(&n))], &[spec(&r)]);
});
