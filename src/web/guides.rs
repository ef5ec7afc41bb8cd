//! Guides: step-by-step lessons in the app, as Neo4j Browser's `:guide` shows them. A guide is
//! a Markdown file: its first `# ` heading is its title; a line of just `---` between blank
//! lines starts the next step; a fenced block whose info string is `cypher` is a query the
//! reader runs with one click (`cypher db=karate` runs it on the bundled `karate` graph).
//!
//! The guides bundled in the binary live in `web/guides/`; `silkgraph serve --guides DIR`
//! adds the `.md` files of a directory (read when asked for, so an educator edits a guide and
//! reloads the page). Raw HTML in a guide is shown as text, never run.

use std::path::PathBuf;
use std::sync::OnceLock;

use pulldown_cmark::{html, CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::{json, Value as J};

/// The guides in the binary: `(name, Markdown)`.
const BUNDLED: &[(&str, &str)] =
    &[("tour", include_str!("../../web/guides/tour.md")), ("karate", include_str!("../../web/guides/karate.md"))];

static DIR: OnceLock<PathBuf> = OnceLock::new();

/// Adds the guides of a directory (once, at start-up).
pub fn add_dir(dir: PathBuf) {
    let _ = DIR.set(dir);
}

/// A guide, rendered.
#[derive(Debug, Clone)]
pub struct Guide {
    /// Its name (the file's stem).
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its steps as HTML.
    pub steps: Vec<String>,
}

impl Guide {
    /// The guide as the app reads it.
    pub fn to_json(&self) -> J {
        json!({"name": self.name, "title": self.title, "steps": self.steps})
    }

    /// Renders a guide's Markdown.
    pub fn parse(name: &str, text: &str) -> Guide {
        let title =
            text.lines().find_map(|l| l.strip_prefix("# ")).map_or_else(|| name.to_string(), |t| t.trim().to_string());
        let mut steps = Vec::new();
        let mut current = String::new();
        let mut prev_blank = true;
        let mut in_fence = false;
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
            if !in_fence && line.trim() == "---" && prev_blank && next_blank {
                steps.push(render(&current));
                current.clear();
            } else {
                current.push_str(line);
                current.push('\n');
            }
            prev_blank = line.trim().is_empty();
        }
        if !current.trim().is_empty() || steps.is_empty() {
            steps.push(render(&current));
        }
        Guide { name: name.to_string(), title, steps }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A link's address if it is a web address, a mail address or a path on this server; else `#`.
fn safe_url(url: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains(['/', '?', '#']));
    match scheme {
        None | Some("http" | "https" | "mailto") => url,
        Some(_) => "#".into(),
    }
}

/// One step's Markdown as HTML: queries become runnable blocks, raw HTML becomes text.
fn render(md: &str) -> String {
    let mut events = Vec::new();
    let mut query: Option<(String, String)> = None;
    for ev in Parser::new_ext(md, pulldown_cmark::Options::ENABLE_TABLES) {
        match (&mut query, ev) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))))
                if info.split_whitespace().next() == Some("cypher") =>
            {
                let db = info.split_whitespace().find_map(|w| w.strip_prefix("db=")).unwrap_or("").to_string();
                query = Some((db, String::new()));
            }
            (Some((_, text)), Event::Text(t)) => text.push_str(&t),
            (Some((db, text)), Event::End(TagEnd::CodeBlock)) => {
                events.push(Event::Html(
                    format!(
                        "<div class=\"guide-query\" data-db=\"{}\"><pre><code>{}</code></pre><button class=\"run-query\" type=\"button\">▶ Run</button></div>\n",
                        escape(db),
                        escape(text.trim_end())
                    )
                    .into(),
                ));
                query = None;
            }
            (Some(_), _) => {}
            (None, Event::Html(h)) | (None, Event::InlineHtml(h)) => events.push(Event::Text(h)),
            // Links and pictures lead to web addresses or this server's files, never to script.
            (None, Event::Start(Tag::Link { link_type, dest_url, title, id })) => {
                events.push(Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id }))
            }
            (None, Event::Start(Tag::Image { link_type, dest_url, title, id })) => {
                events.push(Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id }))
            }
            (None, e) => events.push(e),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}

/// The names of the guides a directory holds.
fn dir_guides() -> Vec<(String, PathBuf)> {
    let Some(dir) = DIR.get() else { return Vec::new() };
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<(String, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
        .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
        .collect();
    out.sort();
    out
}

/// A guide by name: a directory's first, then the bundled ones.
pub fn get(name: &str) -> Option<Guide> {
    if let Some((_, p)) = dir_guides().into_iter().find(|(n, _)| n == name) {
        let text = std::fs::read_to_string(p).ok()?;
        return Some(Guide::parse(name, &text));
    }
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(n, t)| Guide::parse(n, t))
}

/// Every guide's name and title.
pub fn list() -> J {
    let mut out: Vec<J> = Vec::new();
    let dir = dir_guides();
    for (n, p) in &dir {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        out.push(json!({"name": n, "title": Guide::parse(n, &text).title}));
    }
    for (n, t) in BUNDLED {
        if !dir.iter().any(|(d, _)| d == n) {
            out.push(json!({"name": n, "title": Guide::parse(n, t).title}));
        }
    }
    J::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_queries_and_no_raw_html() {
        let g = Guide::parse(
            "x",
            "# Title\n\nIntro <script>alert(1)</script> [x](javascript:alert(1)) [y](https://example.org/a) ![p](data:text/html,z)\n\n---\n\nStep two\n\n```cypher db=karate\nMATCH (n) RETURN n\n```\n\n```\n---\n```\n",
        );
        assert_eq!(g.title, "Title");
        assert_eq!(g.steps.len(), 2, "{:?}", g.steps);
        assert!(g.steps[0].contains("&lt;script&gt;") && !g.steps[0].contains("<script>"));
        assert!(!g.steps[0].contains("javascript:") && !g.steps[0].contains("data:text"), "{}", g.steps[0]);
        assert!(g.steps[0].contains("href=\"https://example.org/a\""));
        assert!(g.steps[1].contains("data-db=\"karate\"") && g.steps[1].contains("MATCH (n) RETURN n"));
        assert!(g.steps[1].contains("---"), "a fence's --- is not a step break");
        for (name, _) in BUNDLED {
            let g = get(name).unwrap();
            assert!(g.steps.len() >= 3 && g.steps.iter().any(|s| s.contains("guide-query")), "{name}");
        }
    }
}
