//! An HTTP client's bytes, any at all, to the browser's side of `silkgraph serve`: each request
//! gets a status, or the connection closes; never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Half the inputs start with a request head the server takes, so the fuzzer reaches the API.
    let mut bytes = Vec::with_capacity(data.len() + 120);
    if data.first().is_some_and(|b| b & 1 == 0) {
        let body = &data[1..];
        bytes.extend_from_slice(
            format!(
                "POST /api/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(body);
    } else {
        bytes.extend_from_slice(data);
    }
    let _ = silkgraph::web::replay(&bytes);
});
