//! A Cypher script that loads the subgraph back — here (`--graph FILE.cypher`, `:load`) and,
//! unchanged, in Neo4j and FalkorDB: one statement, a `CREATE` per node and one per
//! relationship (see [`crate::graphs::to_cypher_subscript`]). The first line is a `//` comment
//! with the provenance.

use super::Export;

pub fn render(ex: &Export) -> String {
    let head =
        format!("// {}\n// {} nodes, {} relationships\n", ex.prov.one_line(), ex.sub.nodes.len(), ex.sub.rels.len());
    crate::graphs::to_cypher_subscript(ex.graph, &ex.sub.nodes, &ex.sub.rels, head)
}
