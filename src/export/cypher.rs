//! A Cypher script that loads the subgraph back — here (`--graph FILE.cypher`, `:load`) and,
//! unchanged, in Neo4j and FalkorDB: one statement, a `CREATE` per node and one per
//! relationship (see [`crate::io::to_cypher_subscript`]). The first line is a `//` comment
//! with the provenance.
//!
//! The script keeps every value exactly, and silkgraph and Neo4j read all of it. FalkorDB
//! (checked with 4.22) reads everything in the bundled graph, but some values it cannot hold:
//! [`falkordb_warnings`] names those in the subgraph, so that the user hears of it when the
//! script is written rather than when FalkorDB refuses it.

use std::collections::BTreeMap;

use super::Export;
use crate::value::Value;

/// The export as a Cypher script, its first line a comment with the provenance.
pub fn render(ex: &Export) -> String {
    let head =
        format!("// {}\n// {} nodes, {} relationships\n", ex.prov.one_line(), ex.sub.nodes.len(), ex.sub.rels.len());
    crate::io::to_cypher_subscript(ex.graph, &ex.sub.nodes, &ex.sub.rels, head)
}

/// What in the subgraph FalkorDB cannot take as written: one warning per kind of problem,
/// naming where it first occurs.
///
/// - A label, type or property name with a backtick: FalkorDB's parser has no escape for it
///   (Neo4j's doubled backtick is a syntax error there), so the script does not load.
/// - A zoned `time` or `datetime`: FalkorDB has neither function, so the script does not load.
/// - A float smaller in magnitude than the smallest normal double (a subnormal): FalkorDB
///   rejects its literal ("Float overflow") and flushes it to zero in arithmetic.
/// - Fractions of a second in a `localtime`, `localdatetime` or `duration`: FalkorDB keeps
///   whole seconds, so the script loads but the fractions are lost.
pub fn falkordb_warnings(ex: &Export) -> Vec<String> {
    let g = ex.graph;
    let mut found: BTreeMap<u8, String> = BTreeMap::new();
    let mut note = |kind: u8, at: String| {
        found.entry(kind).or_insert(at);
    };
    let mut names: Vec<(&str, String)> = Vec::new();
    let mut values: Vec<(String, Value)> = Vec::new();
    for &n in &ex.sub.nodes {
        for l in super::label_names(g, n) {
            names.push((l, format!("label :{l}")));
        }
        for (k, v) in g.node_props(n) {
            let key = g.keys().name(k);
            names.push((key, format!("property `{key}`")));
            values.push((format!("property `{key}` of {}", super::display_name(g, n)), v));
        }
    }
    for &r in &ex.sub.rels {
        let t = super::type_name(g, r);
        names.push((t, format!("type :{t}")));
        for (k, v) in g.rel_props(r) {
            let key = g.keys().name(k);
            names.push((key, format!("property `{key}`")));
            values.push((format!("property `{key}` of a :{t} relationship"), v));
        }
    }
    for (name, at) in names {
        if name.contains('`') {
            note(0, at);
        }
    }
    for (at, v) in values {
        visit(&v, &mut |x| match x {
            Value::Time(_) | Value::DateTime(_) => note(1, at.clone()),
            Value::Float(f) if f.is_subnormal() => note(2, at.clone()),
            Value::LocalTime(_) | Value::LocalDateTime(_) | Value::Duration(_)
                if crate::value::temporal::kind_and_text(x).is_some_and(|(_, t)| t.contains('.')) =>
            {
                note(3, at.clone())
            }
            _ => {}
        });
    }
    found
        .into_iter()
        .map(|(kind, at)| match kind {
            0 => format!(
                "FalkorDB cannot read a name with a backtick in it ({at}): the script loads in silkgraph and Neo4j, \
                 not in FalkorDB"
            ),
            1 => format!(
                "FalkorDB has no zoned time or datetime values ({at}): the script loads in silkgraph and Neo4j, \
                 not in FalkorDB"
            ),
            2 => format!(
                "FalkorDB cannot hold floats smaller than 2.2250738585072014e-308 ({at}): the script loads in \
                 silkgraph and Neo4j, not in FalkorDB"
            ),
            _ => format!("FalkorDB keeps whole seconds ({at}): there the fractions of a second are lost"),
        })
        .collect()
}

fn visit(v: &Value, f: &mut impl FnMut(&Value)) {
    f(v);
    if let Value::List(xs) = v {
        xs.iter().for_each(|x| visit(x, f));
    }
}
