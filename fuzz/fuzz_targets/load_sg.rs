//! Reading `.sg` snapshots: damaged bytes are refused with a reason, never a panic or a huge
//! allocation. Most inputs get a correct header, length and checksum around them (the first byte
//! chooses), so that the fuzzer reaches the decoder behind the checksum.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkgraph::store::{Graph, SNAPSHOT_VERSION};

fuzz_target!(|data: &[u8]| {
    let bytes = match data.split_first() {
        Some((0, raw)) => raw.to_vec(),
        Some((_, body)) => {
            let mut out = b"SILKG\x00SG".to_vec();
            out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
            out.extend_from_slice(&(body.len() as u64).to_le_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
            out
        }
        None => return,
    };
    if let Ok(g) = Graph::from_snapshot(&bytes) {
        // What loads must save and load back.
        let again = Graph::from_snapshot(&g.to_snapshot()).expect("a saved snapshot loads back");
        assert_eq!(g.node_count(), again.node_count());
        assert_eq!(g.rel_count(), again.rel_count());
    }
});
