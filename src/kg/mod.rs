//! The knowledge-graph layer: what makes a graph of documents' facts trustworthy and searchable,
//! over any [`GraphRead`]. [`evidence`] is the convention every stated value follows (and what
//! `kg.evidence` and `:why` read); [`search`] finds entities by their names and sentences
//! (`db.search`, Neo4j's full-text indexes) with [`text`]'s ranked index; [`connections`] ranks
//! the paths between two entities by how specific they are; [`check`] verifies a graph against
//! its source documents.
//!
//! It stands on `store`, `value` and `error` only; `exec`'s procedures and the front ends call it.

pub mod check;
pub mod connections;
pub mod evidence;
pub mod search;
pub mod text;

use crate::error::{Detail, Error, Kind};
use crate::store::GraphRead;
use crate::value::Value;

pub(crate) fn failed(message: impl Into<String>) -> Error {
    Error::runtime(Kind::ProcedureError, Detail::ProcedureCallFailed, message)
}

/// Nodes whose name or an alias resembles `text` (case, accents, punctuation and typos
/// forgiven), with a likeness of at least 0.6.
pub fn names_like(g: &dyn GraphRead, text: &str) -> Vec<(crate::value::NodeId, f64)> {
    let q = crate::similar::normalize(text);
    let (Some(name_key), alias_key) = (g.key_id("name"), g.key_id("aliases")) else { return Vec::new() };
    let mut hits = Vec::new();
    for id in g.node_ids() {
        let mut names = Vec::new();
        if let Some(Value::String(s)) = g.node_prop(id, name_key) {
            names.push(s.to_string());
        }
        if let Some(Value::List(l)) = alias_key.and_then(|k| g.node_prop(id, k)) {
            names.extend(l.iter().filter_map(|v| if let Value::String(s) = v { Some(s.to_string()) } else { None }));
        }
        let score = names
            .iter()
            .map(|n| crate::similar::normalized_score(&q, &crate::similar::normalize(n)))
            .fold(0.0, f64::max);
        if score >= 0.6 {
            hits.push((id, (score * 1000.0).round() / 1000.0));
        }
    }
    hits
}
