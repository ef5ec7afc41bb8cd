//! Loading a `.json` graph file: all or nothing, with a located error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(g) = silkgraph::graphs::from_json_text(text) {
        // What loads must save and load back.
        let again = silkgraph::graphs::to_json_graph(&g).to_string();
        let g2 = silkgraph::graphs::from_json_text(&again).expect("a saved graph loads back");
        assert_eq!(g.node_count(), g2.node_count());
        assert_eq!(g.rel_count(), g2.rel_count());
    }
});
