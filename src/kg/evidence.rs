//! The evidence convention of a knowledge graph built from documents: what each stated value
//! rests on, as plain properties that Cypher reads, every export keeps and `silkgraph check`
//! verifies.
//!
//! - A relationship states one fact: its `quote` (a whole sentence of the document named by its
//!   `source`) backs it and all its properties.
//! - A node's property `k` that states a fact is backed by `k_quote` (a sentence of the node's
//!   `source`, or of `k_source` when another document says it), or, when no sentence says it,
//!   marked `k_derived` with the rule that made it. `year`, `month`, `day` and `date` are backed
//!   together by `date_quote`. On a relationship, `k_quote` overrides its `quote` for one value
//!   that another sentence gives (the month of a visit the list gives by year only).
//! - A person acting in an office is linked to it by `HELD` (with the when); what they did in
//!   it is the office's fact, stored once.
//! - `name`, `aliases`, `source` and `note` name and locate an entity; they state no fact.
//!   `:Source` nodes describe the documents themselves.

use crate::store::GraphRead;
use crate::value::{NodeId, RelId, Value};

/// Keys that name or locate an entity rather than state a fact.
pub const IDENTITY_KEYS: [&str; 4] = ["name", "aliases", "source", "note"];
/// Keys of a when, backed together by `date_quote`.
pub const TIME_KEYS: [&str; 4] = ["year", "month", "day", "date"];
/// Relationship types that say one entity acts as another (a person holding an office): a fact
/// stored from both is stored twice.
pub const ROLE_TYPES: [&str; 4] = ["HELD", "HOLDS", "ACTED_AS", "SERVED_AS"];
/// The label of the nodes that describe source documents.
pub const SOURCE_LABEL: &str = "Source";

/// Whether a key is evidence (a quote, a source or a derivation rule) rather than a value.
pub fn is_evidence_key(key: &str) -> bool {
    key == "quote" || key.ends_with("_quote") || key.ends_with("_source") || key.ends_with("_derived")
}

/// Whether a node key states a fact that needs evidence.
pub fn states_fact(key: &str) -> bool {
    !IDENTITY_KEYS.contains(&key) && !is_evidence_key(key)
}

/// The stem of a key's evidence keys: `date` for the time keys, else the key itself.
pub fn stem(key: &str) -> &str {
    if TIME_KEYS.contains(&key) {
        "date"
    } else {
        key
    }
}

/// A node or a relationship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    /// A node id.
    Node(NodeId),
    /// A relationship id.
    Rel(RelId),
}

/// What one value rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// The property (`None`: the relationship's fact itself).
    pub key: Option<String>,
    /// Its value (for the fact itself, the relationship's type).
    pub value: Value,
    /// The document that says it.
    pub source: Option<String>,
    /// The sentence that says it.
    pub quote: Option<String>,
    /// The rule that derived it, when no sentence says it.
    pub derived: Option<String>,
}

fn text(v: Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

/// The evidence of each value an entity states, in the entity's property order; nothing for a
/// `:Source` node or an entity that does not exist.
pub fn of(g: &dyn GraphRead, e: Entity) -> Vec<Evidence> {
    let (props, rel) = match e {
        Entity::Node(id) => {
            let source_label = g.label_id(SOURCE_LABEL);
            if !g.node_exists(id) || source_label.is_some_and(|l| g.has_label(id, l)) {
                return Vec::new();
            }
            (g.node_props(id), false)
        }
        Entity::Rel(id) if g.rel_exists(id) => (g.rel_props(id), true),
        Entity::Rel(_) => return Vec::new(),
    };
    let get = |k: &str| text(g.key_id(k).and_then(|k| props.iter().find(|(p, _)| *p == k).map(|(_, v)| v.clone())));
    let (own_source, own_quote) = (get("source"), get("quote"));
    let mut out = Vec::new();
    if let Entity::Rel(id) = e {
        let ty = g.rel_type(id).map_or(Value::Null, |t| Value::str(g.types().name(t)));
        out.push(Evidence {
            key: None,
            value: ty,
            source: own_source.clone(),
            quote: own_quote.clone(),
            derived: None,
        });
    }
    for (k, v) in props.iter() {
        let key = g.keys().name(*k);
        if !states_fact(key) {
            continue;
        }
        let s = stem(key);
        let quote = get(&format!("{s}_quote"));
        let derived = get(&format!("{s}_derived"));
        let source = get(&format!("{s}_source")).or_else(|| own_source.clone());
        let quote = match (quote, rel && derived.is_none()) {
            (Some(q), _) => Some(q),
            (None, true) => own_quote.clone(),
            (None, false) => None,
        };
        out.push(Evidence { key: Some(key.to_string()), value: v.clone(), source, quote, derived });
    }
    out
}
