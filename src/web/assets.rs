//! The web app's files, embedded in the binary from `web/` at the top of the repository. The
//! page may load nothing from elsewhere: its Content-Security-Policy allows this server only.

use super::http::Response;

/// `(path, content type, contents)`.
const FILES: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("../../web/index.html")),
    ("/app.js", "text/javascript; charset=utf-8", include_str!("../../web/app.js")),
    ("/graph.js", "text/javascript; charset=utf-8", include_str!("../../web/graph.js")),
    ("/app.css", "text/css; charset=utf-8", include_str!("../../web/app.css")),
    ("/favicon.svg", "image/svg+xml", include_str!("../../web/favicon.svg")),
];

/// What the page may load: this server's files and API, and pictures it makes itself.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `GET path`.
pub fn get(path: &str) -> Response {
    let path = if path == "/index.html" { "/" } else { path };
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, ty, body)) => {
            let ty: &'static str = ty;
            Response::new(200, ty, body.as_bytes().to_vec())
                .with("Content-Security-Policy", CSP)
                .with("Cache-Control", "no-cache")
                .with("Referrer-Policy", "no-referrer")
        }
        None => Response::text(404, format!("no such page: {path}; the app is at /")),
    }
}
