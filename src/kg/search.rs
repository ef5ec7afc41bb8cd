//! Search by what the documents say: `db.search` (names, aliases, their initials and every
//! evidence sentence, ranked, each hit with the sentence that matched) and Neo4j's full-text
//! indexes (`db.index.fulltext.queryNodes` / `queryRelationships`).

use std::any::Any;
use std::sync::Arc;

use super::evidence::{self, Entity};
use super::text::{Analyzer, English, Field, TextIndex};
use crate::error::Result;
use crate::store::{FulltextIndex, GraphRead};
use crate::value::{NodeId, Value};

/// A `db.search` hit: the node, how well it matches (0–1], and the fact and sentence that
/// matched (none when only its name did).
#[derive(Clone, Debug)]
pub struct Hit {
    /// The node found.
    pub node: NodeId,
    /// 1 for an exact name; otherwise the better of the name's likeness and the text's rank.
    pub score: f64,
    /// The node or relationship whose sentence matched.
    pub fact: Entity,
    /// That sentence.
    pub quote: Option<String>,
    /// The document it is in.
    pub source: Option<String>,
}

fn strings(v: Option<Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.to_string()],
        Some(Value::List(xs)) => {
            xs.iter().filter_map(|x| if let Value::String(s) = x { Some(s.to_string()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

/// Words joined by `+` or `&` read as the words people type for them.
fn spoken(text: &str) -> String {
    text.replace('+', " plus ").replace('&', " and ")
}

/// The initials of a name of several words (`One Village, One Product` → `ovop`), with and
/// without its small words, so an abbreviation finds the name.
fn initials(name: &str) -> Vec<String> {
    const SMALL: [&str; 8] = ["of", "the", "and", "for", "in", "on", "a", "to"];
    let words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return Vec::new();
    }
    let all: String = words.iter().filter_map(|w| w.chars().next()).collect::<String>().to_lowercase();
    let big: String = words
        .iter()
        .filter(|w| !SMALL.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_lowercase();
    let mut out = vec![all];
    if big.len() >= 2 && !out.contains(&big) {
        out.push(big);
    }
    out
}

/// The sentences that speak of a node: its values' quotes, then its relationships'.
fn sentences(g: &dyn GraphRead, node: NodeId) -> Vec<(Entity, String, Option<String>)> {
    let mut out: Vec<(Entity, String, Option<String>)> = Vec::new();
    let mut push = |e: Entity, q: Option<String>, s: Option<String>| {
        if let Some(q) = q {
            if !out.iter().any(|(_, x, _)| *x == q) {
                out.push((e, q, s));
            }
        }
    };
    for ev in evidence::of(g, Entity::Node(node)) {
        push(Entity::Node(node), ev.quote, ev.source);
    }
    for (r, _) in g.rels_of(node, crate::store::Dir::Both, &[]) {
        for ev in evidence::of(g, Entity::Rel(r)) {
            push(Entity::Rel(r), ev.quote, ev.source);
        }
    }
    out
}

const SEARCH_KEY: &str = "kg.search";

fn search_index(g: &dyn GraphRead, check: &dyn Fn(u64) -> Result<()>) -> Result<Arc<TextIndex>> {
    if let Some(ix) = g.derived(SEARCH_KEY).and_then(|a| a.downcast::<TextIndex>().ok()) {
        return Ok(ix);
    }
    let fields = [
        Field { name: "name".into(), analyzer: Analyzer::English, boost: 3.0 },
        Field { name: "text".into(), analyzer: Analyzer::English, boost: 1.0 },
    ];
    let (name, aliases) = (g.key_id("name"), g.key_id("aliases"));
    let mut docs = g.node_ids().map(|id| {
        let mut names = strings(name.and_then(|k| g.node_prop(id, k)));
        names.extend(strings(aliases.and_then(|k| g.node_prop(id, k))));
        let mut name_texts: Vec<String> = names.iter().map(|n| spoken(n)).collect();
        name_texts.extend(names.iter().flat_map(|n| initials(n)));
        let texts = sentences(g, id).into_iter().map(|(_, q, _)| spoken(&q)).collect();
        (id.0, vec![name_texts, texts])
    });
    let ix = Arc::new(TextIndex::build(&fields, &mut docs, check)?);
    g.keep_derived(SEARCH_KEY, ix.clone() as Arc<dyn Any + Send + Sync>);
    Ok(ix)
}

/// `db.search(text, limit)`: nodes whose names resemble `text` (forgiving case, accents and
/// typos) or whose names, initials or sentences hold its words, best first.
pub fn search(g: &dyn GraphRead, text: &str, limit: usize, check: &dyn Fn(u64) -> Result<()>) -> Result<Vec<Hit>> {
    let mut scores: Vec<(NodeId, f64)> = super::names_like(g, text);
    let ranked = search_index(g, check)?.words(&spoken(text), limit.saturating_mul(2).max(20))?;
    if let Some(&(_, top)) = ranked.first() {
        for (id, s) in ranked {
            let s = (0.95 * s / top * 1000.0).round() / 1000.0;
            match scores.iter_mut().find(|(n, _)| *n == NodeId(id)) {
                Some(x) => x.1 = x.1.max(s),
                None => scores.push((NodeId(id), s)),
            }
        }
    }
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scores.truncate(limit);
    let mut english = English::new();
    let terms = english.terms(&spoken(text));
    let source_key = g.key_id("source");
    Ok(scores
        .into_iter()
        .map(|(node, score)| {
            let best = sentences(g, node)
                .into_iter()
                .map(|(e, q, s)| {
                    let words = english.terms(&spoken(&q));
                    let n = terms.iter().filter(|t| words.contains(t)).count();
                    (n, e, q, s)
                })
                .filter(|(n, ..)| *n > 0)
                .fold(None::<(usize, Entity, String, Option<String>)>, |best, x| match best {
                    Some(b) if b.0 >= x.0 => Some(b),
                    _ => Some(x),
                });
            match best {
                Some((_, fact, quote, source)) => Hit { node, score, fact, quote: Some(quote), source },
                None => Hit {
                    node,
                    score,
                    fact: Entity::Node(node),
                    quote: None,
                    source: strings(source_key.and_then(|k| g.node_prop(node, k))).into_iter().next(),
                },
            }
        })
        .collect())
}

/// The full-text index of this name, built from the graph as it is.
fn fulltext_index(g: &dyn GraphRead, def: &FulltextIndex, check: &dyn Fn(u64) -> Result<()>) -> Result<Arc<TextIndex>> {
    let key = format!("fulltext:{}", def.name);
    if let Some(ix) = g.derived(&key).and_then(|a| a.downcast::<TextIndex>().ok()) {
        return Ok(ix);
    }
    let fields: Vec<Field> =
        def.keys.iter().map(|k| Field { name: k.clone(), analyzer: Analyzer::Standard, boost: 1.0 }).collect();
    let keys: Vec<_> = def.keys.iter().map(|k| g.key_id(k)).collect();
    let texts = |props: &dyn Fn(crate::store::KeyId) -> Option<Value>| -> Vec<Vec<String>> {
        keys.iter().map(|k| k.map_or_else(Vec::new, |k| strings(props(k)))).collect()
    };
    let ix = if def.rel {
        let types: Vec<_> = def.on.iter().filter_map(|t| g.type_id(t)).collect();
        let mut docs = g
            .rel_ids()
            .filter(|&r| g.rel_type(r).is_some_and(|t| types.contains(&t)))
            .map(|r| (r.0, texts(&|k| g.rel_prop(r, k))));
        TextIndex::build(&fields, &mut docs, check)?
    } else {
        let labels: Vec<_> = def.on.iter().filter_map(|l| g.label_id(l)).collect();
        let mut docs = g
            .node_ids()
            .filter(|&n| labels.iter().any(|&l| g.has_label(n, l)))
            .map(|n| (n.0, texts(&|k| g.node_prop(n, k))));
        TextIndex::build(&fields, &mut docs, check)?
    };
    let ix = Arc::new(ix);
    g.keep_derived(&key, ix.clone() as Arc<dyn Any + Send + Sync>);
    Ok(ix)
}

/// `db.index.fulltext.queryNodes` / `queryRelationships`: the entities of a full-text index
/// matching a Lucene query, best first, after `skip` and at most `limit`.
pub fn fulltext(
    g: &dyn GraphRead,
    name: &str,
    rel: bool,
    query: &str,
    skip: usize,
    limit: usize,
    check: &dyn Fn(u64) -> Result<()>,
) -> Result<Vec<(u64, f64)>> {
    let Some(def) = g.fulltext_indexes().iter().find(|f| f.name == name) else {
        let known: Vec<&str> = g.fulltext_indexes().iter().map(|f| f.name.as_str()).collect();
        let hint = match known.is_empty() {
            true => "the graph has no full-text index; make one with CREATE FULLTEXT INDEX name FOR (n:Label) ON EACH [n.key]".to_string(),
            false => format!("its full-text indexes: {}", known.join(", ")),
        };
        return Err(super::failed(format!("there is no full-text index named {name}; {hint}")));
    };
    if def.rel != rel {
        let (is, use_) = if def.rel { ("relationships", "queryRelationships") } else { ("nodes", "queryNodes") };
        return Err(super::failed(format!("the full-text index {name} is on {is}: call db.index.fulltext.{use_}")));
    }
    fulltext_index(g, def, check)?.query(query, skip, limit)
}
