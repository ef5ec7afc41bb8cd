//! A Bolt client's bytes, any at all: the server answers or closes, and never panics or hangs.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Most inputs are spent on the handshake unless it is given: half start with a valid one.
    let mut bytes = Vec::with_capacity(data.len() + 20);
    if data.first().is_some_and(|b| b & 1 == 0) {
        bytes.extend_from_slice(&[0x60, 0x60, 0xB0, 0x17, 0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&data[1..]);
    } else {
        bytes.extend_from_slice(data);
    }
    let _ = silkgraph::server::replay(&bytes);
});
