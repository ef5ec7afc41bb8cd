//! HTTP/1.1 on one connection: requests read with `httparse` (heads up to 64 KiB, bodies by
//! `Content-Length` up to 16 MiB), responses written whole. Bad requests get a status and a
//! line saying why; the connection is then closed.

use std::io::{Read, Write};

use crate::server::conn::Stream;

/// The largest request head.
const MAX_HEAD: usize = 64 << 10;
/// The largest request body.
pub const MAX_BODY: usize = 16 << 20;

/// One request.
#[derive(Debug, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without the query string, percent-decoded.
    pub path: String,
    /// The query string's pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// Whether the request is HTTP/1.0 (whose connections close unless asked to stay).
    pub http10: bool,
}

impl Request {
    /// A header's value (names compared in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A query-string parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open: HTTP/1.1 keeps it unless told
    /// `Connection: close`, HTTP/1.0 closes it unless told `Connection: keep-alive` (the header
    /// is a list of tokens).
    pub fn keep_alive(&self) -> bool {
        let has = |token: &str| {
            self.headers
                .iter()
                .filter(|(k, _)| k == "connection")
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }
}

/// A response.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The content type.
    pub content_type: &'static str,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// For a HEAD: the length the body would have.
    pub head_only: Option<usize>,
}

impl Response {
    /// A response with a body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, content_type, headers: Vec::new(), body: body.into(), head_only: None }
    }

    /// A JSON response.
    pub fn json(status: u16, j: &serde_json::Value) -> Response {
        Response::new(status, "application/json", j.to_string())
    }

    /// A plain-text response (errors that are not the API's).
    pub fn text(status: u16, why: impl Into<String>) -> Response {
        let mut s = why.into();
        s.push('\n');
        Response::new(status, "text/plain; charset=utf-8", s)
    }

    /// The response to a HEAD: its headers (with the body's length), no body.
    pub fn headers_only(mut self) -> Response {
        self.head_only = Some(self.body.len());
        self.body.clear();
        self
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection (or went quiet) between requests.
    Closed,
    /// A request that cannot be served: the status to answer and why.
    Bad(u16, String),
}

/// Reads requests off one connection, keeping bytes that arrived after a request.
pub struct Conn {
    io: Box<dyn Stream>,
    buf: Vec<u8>,
}

impl Conn {
    /// A connection over a stream.
    pub fn new(io: Box<dyn Stream>) -> Conn {
        Conn { io, buf: Vec::new() }
    }

    fn fill(&mut self) -> Result<usize, std::io::Error> {
        let mut chunk = [0u8; 16 << 10];
        let n = self.io.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// The next request.
    pub fn read(&mut self) -> Result<Request, ReadError> {
        let (head_len, mut req, length) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) if n > MAX_HEAD => {
                    return Err(ReadError::Bad(431, format!("the request head passes {MAX_HEAD} bytes")));
                }
                Ok(httparse::Status::Complete(n)) => {
                    let mut req = Request {
                        method: parsed.method.unwrap_or("").to_string(),
                        http10: parsed.version == Some(0),
                        headers: parsed
                            .headers
                            .iter()
                            .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                            .collect(),
                        ..Request::default()
                    };
                    let target = parsed.path.unwrap_or("/");
                    let (path, query) = target.split_once('?').unwrap_or((target, ""));
                    req.path = decode(path, false);
                    req.query = query
                        .split('&')
                        .filter(|p| !p.is_empty())
                        .map(|p| {
                            let (k, v) = p.split_once('=').unwrap_or((p, ""));
                            (decode(k, true), decode(v, true))
                        })
                        .collect();
                    if req.header("transfer-encoding").is_some() {
                        return Err(ReadError::Bad(
                            411,
                            "send the body with a Content-Length (chunked bodies are not taken)".into(),
                        ));
                    }
                    let length = match req.header("content-length") {
                        None => 0,
                        Some(l) => l.trim().parse::<usize>().map_err(|_| {
                            ReadError::Bad(400, format!("Content-Length `{l}` is not a number of bytes"))
                        })?,
                    };
                    if length > MAX_BODY {
                        return Err(ReadError::Bad(
                            413,
                            format!("the body is {length} bytes; at most {MAX_BODY} are taken"),
                        ));
                    }
                    break (n, req, length);
                }
                Ok(httparse::Status::Partial) => {
                    if self.buf.len() > MAX_HEAD {
                        return Err(ReadError::Bad(431, format!("the request head passes {MAX_HEAD} bytes")));
                    }
                    match self.fill() {
                        Ok(0) if self.buf.is_empty() => return Err(ReadError::Closed),
                        Ok(0) => return Err(ReadError::Bad(400, "the request ends inside its head".into())),
                        Ok(_) => {}
                        Err(_) if self.buf.is_empty() => return Err(ReadError::Closed),
                        Err(e) => return Err(ReadError::Bad(408, format!("the request head did not arrive: {e}"))),
                    }
                }
                Err(e) => return Err(ReadError::Bad(400, format!("not an HTTP/1.1 request: {e}"))),
            }
        };
        while self.buf.len() < head_len + length {
            match self.fill() {
                Ok(0) => return Err(ReadError::Bad(400, "the body is shorter than its Content-Length".into())),
                Ok(_) => {}
                Err(e) => return Err(ReadError::Bad(408, format!("the body did not arrive: {e}"))),
            }
        }
        req.body = self.buf[head_len..head_len + length].to_vec();
        self.buf.drain(..head_len + length);
        Ok(req)
    }

    /// Writes a response; `close` says the connection ends after it.
    pub fn write(&mut self, r: &Response, close: bool) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\n",
            r.status,
            reason(r.status),
            r.content_type,
            r.head_only.unwrap_or(r.body.len())
        );
        for (k, v) in &r.headers {
            head.push_str(&format!("{k}: {}\r\n", v.replace(['\r', '\n'], " ")));
        }
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        self.io.write_all(head.as_bytes())?;
        self.io.write_all(&r.body)?;
        self.io.flush()
    }
}

/// Percent-decoding (and `+` as a space in query strings); bytes that do not make UTF-8 are
/// replaced.
fn decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(x) => {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Request, ReadError> {
        Conn::new(Box::new(std::io::Cursor::new(bytes.to_vec()))).read()
    }

    #[test]
    fn requests_are_read_and_bad_ones_refused_with_a_reason() {
        let r =
            read(b"POST /db/neo4j/query/v2?a=b%20c&d+e=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str(), r.body.as_slice()), ("POST", "/db/neo4j/query/v2", &b"{}"[..]));
        assert_eq!(r.param("a"), Some("b c"));
        assert_eq!(r.param("d e"), Some("1"));
        assert!(matches!(read(b""), Err(ReadError::Closed)));
        for (bytes, status) in [
            (&b"GARBAGE\x00\x01 / HTTP/1.1\r\n\r\n"[..], 400),
            (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
            (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
            (b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", 400),
            (b"GET / HTTP/1.1\r\nHost: x", 400),
        ] {
            match read(bytes) {
                Err(ReadError::Bad(s, why)) => assert!(s == status && !why.is_empty(), "{s} {why}"),
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bytes)),
            }
        }
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        assert!(matches!(read(&big), Err(ReadError::Bad(431, _))));
        assert_eq!(decode("%zz%41%", false), "%zzA%");
    }

    #[test]
    fn http_1_0_closes_unless_asked_and_1_1_keeps_unless_told() {
        for (head, keep) in [
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
            ("GET / HTTP/1.1\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
            ("GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n", false),
        ] {
            assert_eq!(read(head.as_bytes()).unwrap().keep_alive(), keep, "{head}");
        }
    }
}
