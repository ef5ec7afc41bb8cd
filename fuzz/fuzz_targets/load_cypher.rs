//! Loading a `.cypher` graph file: all or nothing, with a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match silkgraph::session::Session::load_script(text) {
        Ok(g) => {
            // What loads must save and load back.
            let again = silkgraph::graphs::to_cypher_script(&g);
            let g2 = silkgraph::session::Session::load_script(&again).expect("a saved graph loads back");
            assert_eq!(g.node_count(), g2.node_count());
            assert_eq!(g.rel_count(), g2.rel_count());
        }
        Err(e) => {
            if let Some(s) = e.span {
                let _ = silkgraph::error::line_col(text, s.start);
            }
            let _ = silkgraph::error::render(&e, text);
        }
    }
});
