//! `silkgraph check`: a graph against the documents it was built from. Every quote must be a
//! whole sentence of its source (whitespace and quotation-mark style forgiven; the nearest
//! sentence is named when it is not), every relationship and every stated value must have its
//! evidence ([`super::evidence`]), no date may be more precise than its sentence, and no fact may
//! be stored twice.

use std::collections::HashMap;

use super::evidence::{self, Entity, SOURCE_LABEL};
use crate::store::GraphRead;
use crate::value::{NodeId, RelId, Value};

/// One thing wrong, at the line of the statement that made the entity.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The line (1-based) of the statement that made the entity; 0 when unknown.
    pub line: usize,
    /// What is wrong and, where it can, what is right.
    pub message: String,
}

/// A source document, its text normalised for comparison and split into sentences.
pub struct Document {
    flat: String,
    sentences: Vec<String>,
}

/// Whitespace runs as one space; curly quotation marks and apostrophes as straight ones.
fn flatten(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => '\'',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' | '\u{00ab}' | '\u{00bb}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Document {
    /// Reads a document's text.
    pub fn new(text: &str) -> Document {
        let mut sentences = Vec::new();
        for line in text.lines() {
            let mut start = 0;
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            for (i, &(at, c)) in chars.iter().enumerate() {
                let next = chars.get(i + 1).map(|x| x.1);
                if matches!(c, '.' | '!' | '?') && next.is_none_or(|n| n == ' ') {
                    sentences.push(flatten(&line[start..at + c.len_utf8()]));
                    start = at + c.len_utf8();
                }
            }
            sentences.push(flatten(&line[start..]));
        }
        sentences.retain(|s| !s.is_empty());
        Document { flat: flatten(text), sentences }
    }

    /// Whether `quote` stands in the document as whole sentences (or a whole line).
    pub fn has_sentence(&self, quote: &str) -> bool {
        let q = flatten(quote);
        if q.is_empty() {
            return false;
        }
        self.flat.match_indices(q.as_str()).any(|(i, _)| {
            let before = self.flat[..i].trim_end().trim_end_matches('"');
            let starts = before.is_empty() || before.ends_with(['.', '!', '?', ':']) || self.line_starts(&q);
            let after = self.flat[i + q.len()..].trim_start();
            let ends = q.ends_with(['.', '!', '?', '"', ':']) || after.is_empty() || self.line_ends(&q);
            starts && ends
        })
    }

    fn line_starts(&self, q: &str) -> bool {
        self.sentences.iter().any(|s| s.starts_with(q))
    }

    fn line_ends(&self, q: &str) -> bool {
        self.sentences.iter().any(|s| s.ends_with(q))
    }

    /// The sentence most like `quote` (by shared words).
    pub fn nearest(&self, quote: &str) -> Option<&str> {
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
        };
        let q = words(quote);
        self.sentences
            .iter()
            .map(|s| {
                let w = words(s);
                let shared = q.iter().filter(|x| w.contains(x)).count();
                (2.0 * shared as f64 / (q.len() + w.len()).max(1) as f64, s)
            })
            .filter(|(score, _)| *score > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, s)| s.as_str())
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Why a when is more precise than the sentence that says it, if it is.
fn too_precise(year: Option<i64>, month: Option<i64>, day: Option<i64>, sentence: &str) -> Option<String> {
    let lower = sentence.to_lowercase();
    let numbers: Vec<i64> =
        lower.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).filter_map(|w| w.parse().ok()).collect();
    if let Some(y) = year {
        if !numbers.contains(&y) {
            return Some(format!("year {y} is not in its sentence"));
        }
    }
    if let Some(m) = month {
        let name = usize::try_from(m - 1).ok().and_then(|i| MONTHS.get(i));
        let named = name.is_some_and(|n| lower.split(|c: char| !c.is_alphabetic()).any(|w| w == *n || w == &n[..3]));
        if !named {
            return Some(format!("month {m} is not in its sentence"));
        }
    }
    if let Some(d) = day {
        if !numbers.contains(&d) {
            return Some(format!("day {d} is not in its sentence"));
        }
    }
    None
}

struct Checker<'a> {
    g: &'a dyn GraphRead,
    sources: &'a HashMap<String, Document>,
    line: &'a dyn Fn(Entity) -> usize,
    out: Vec<Problem>,
}

fn int(v: Option<Value>) -> Option<i64> {
    match v {
        Some(Value::Int(i)) => Some(i),
        _ => None,
    }
}

fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    }
}

impl Checker<'_> {
    fn say(&mut self, e: Entity, message: String) {
        let what = match e {
            Entity::Node(id) => format!("node {}", self.node_name(id)),
            Entity::Rel(id) => self.rel_name(id),
        };
        self.out.push(Problem { line: (self.line)(e), message: format!("{what}: {message}") });
    }

    fn node_name(&self, id: NodeId) -> String {
        match self.g.node_prop_named(id, "name").flatten() {
            Some(Value::String(s)) => format!("'{s}'"),
            _ => format!("#{id}"),
        }
    }

    fn rel_name(&self, id: RelId) -> String {
        let ty = self.g.rel_type(id).map_or("?", |t| self.g.types().name(t)).to_string();
        let (a, b) = self.g.rel_ends(id).unwrap_or_default();
        format!("({})-[:{ty}]->({})", self.node_name(a), self.node_name(b))
    }

    /// Checks that `quote` is a sentence of `source`.
    fn quote(&mut self, e: Entity, what: &str, source: Option<&str>, quote: &str) {
        let Some(source) = source else {
            return self.say(e, format!("{what} names no source document"));
        };
        let Some(doc) = self.sources.get(source) else {
            return self.say(e, format!("{what}: source {source} is not among the documents"));
        };
        if !doc.has_sentence(quote) {
            let nearest = doc.nearest(quote).map_or(String::new(), |s| format!("; nearest: \"{s}\""));
            self.say(e, format!("{what} is not a sentence of {source}: \"{quote}\"{nearest}"));
        }
    }

    fn entity(&mut self, e: Entity) {
        let props = match e {
            Entity::Node(id) => self.g.node_props(id),
            Entity::Rel(id) => self.g.rel_props(id),
        };
        let props: Vec<(String, Value)> =
            props.iter().map(|(k, v)| (self.g.keys().name(*k).to_string(), v.clone())).collect();
        let value = |k: &str| props.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
        let own_source = value("source").as_ref().and_then(string);
        if own_source.is_none() {
            self.say(e, "has no source".into());
        }
        if let Entity::Rel(_) = e {
            match value("quote").as_ref().and_then(string) {
                Some(q) => self.quote(e, "its quote", own_source.as_deref(), &q),
                None => self.say(e, "has no quote".into()),
            }
        }
        for ev in evidence::of(self.g, e) {
            let Some(key) = ev.key else { continue };
            let stem = evidence::stem(&key).to_string();
            let own = value(&format!("{stem}_quote")).as_ref().and_then(string);
            match (&own, &ev.derived) {
                (Some(q), _) => {
                    let src = value(&format!("{stem}_source")).as_ref().and_then(string).or(own_source.clone());
                    self.quote(e, &format!("{stem}_quote"), src.as_deref(), q);
                }
                (None, Some(_)) => {}
                (None, None) if matches!(e, Entity::Node(_)) => {
                    self.say(e, format!("{key} has no evidence: add {stem}_quote (or {stem}_derived)"))
                }
                (None, None) => {}
            }
        }
        // A when no more precise than the sentence that says it.
        let (y, m, d) = (int(value("year")), int(value("month")), int(value("day")));
        if y.is_some() || m.is_some() || d.is_some() {
            // A when derived by a rule (`date_derived`) has no sentence to hold it to.
            let own = matches!(e, Entity::Rel(_)) && value("date_derived").is_none();
            let backing = value("date_quote").or_else(|| if own { value("quote") } else { None });
            if let Some(q) = backing.as_ref().and_then(string) {
                if let Some(why) = too_precise(y, m, d, &q) {
                    self.say(e, why);
                }
            }
        }
    }

    /// Whether one node stands for the other: linked by a role (a person who held an office).
    fn acts_as(&self, a: NodeId, b: NodeId) -> bool {
        let roles: Vec<_> = evidence::ROLE_TYPES.iter().filter_map(|t| self.g.type_id(t)).collect();
        !roles.is_empty() && self.g.rels_of(a, crate::store::Dir::Both, &roles).any(|(_, o)| o == b)
    }

    /// Relationships that state the same fact: one type, one end, one when, from the same node
    /// with the same values, or from two nodes one of which stands for the other (a person and
    /// the office they held), whatever sentences each quotes.
    fn twice(&mut self) {
        type When = (crate::store::TypeId, NodeId, Option<i64>, Option<i64>, Option<i64>);
        let mut seen: HashMap<When, Vec<RelId>> = HashMap::new();
        for r in self.g.rel_ids() {
            let (Some(t), Some((_, end))) = (self.g.rel_type(r), self.g.rel_ends(r)) else { continue };
            let p = |k: &str| self.g.rel_prop_named(r, k).flatten();
            seen.entry((t, end, int(p("year")), int(p("month")), int(p("day")))).or_default().push(r);
        }
        let mut dups = Vec::new();
        for rels in seen.values().filter(|v| v.len() > 1) {
            for (i, &a) in rels.iter().enumerate() {
                for &b in &rels[i + 1..] {
                    let (sa, sb) = (self.g.rel_ends(a).unwrap_or_default().0, self.g.rel_ends(b).unwrap_or_default().0);
                    let same = sa == sb && self.g.rel_props(a) == self.g.rel_props(b);
                    let linked = sa != sb && self.acts_as(sa, sb);
                    if same || linked {
                        dups.push((a, b));
                    }
                }
            }
        }
        dups.sort_unstable();
        for (a, b) in dups {
            let first = (self.line)(Entity::Rel(a));
            let again = format!("states the same fact as line {first}, {}: store it once", self.rel_name(a));
            self.say(Entity::Rel(b), again);
        }
    }
}

/// Every problem of a graph against its documents (by file name), by line.
pub fn check(g: &dyn GraphRead, sources: &HashMap<String, Document>, line: &dyn Fn(Entity) -> usize) -> Vec<Problem> {
    let mut c = Checker { g, sources, line, out: Vec::new() };
    let source_label = g.label_id(SOURCE_LABEL);
    for id in g.node_ids() {
        if source_label.is_some_and(|l| g.has_label(id, l)) {
            continue;
        }
        c.entity(Entity::Node(id));
    }
    for r in g.rel_ids() {
        c.entity(Entity::Rel(r));
    }
    c.twice();
    let mut out = c.out;
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_whole_and_forgive_spacing_and_quote_style() {
        let d = Document::new("Title line\n\nThe first one.  It said \u{201c}yes\u{201d}. Last one");
        assert!(d.has_sentence("The first one."));
        assert!(d.has_sentence("It said \"yes\"."));
        assert!(d.has_sentence("Title line"));
        assert!(d.has_sentence("Last one"));
        assert!(!d.has_sentence("first one."));
        assert!(!d.has_sentence("The first"));
        assert_eq!(d.nearest("The first two."), Some("The first one."));
    }

    #[test]
    fn a_when_is_no_more_precise_than_its_sentence() {
        let s = "In March 2017 the minister visited.";
        assert_eq!(too_precise(Some(2017), Some(3), None, s), None);
        assert_eq!(too_precise(Some(2017), Some(3), Some(14), s), Some("day 14 is not in its sentence".into()));
        assert_eq!(too_precise(Some(2017), Some(4), None, s), Some("month 4 is not in its sentence".into()));
        assert_eq!(too_precise(Some(2016), None, None, s), Some("year 2016 is not in its sentence".into()));
        assert_eq!(too_precise(Some(2015), Some(5), Some(20), "on May 20, 2015, it was done"), None);
    }
}
