//! The catalogue of procedures callable with `CALL name(args) YIELD ...`.

/// A procedure's name, its inputs (the first `required` are mandatory) and output fields.
#[derive(Debug, Clone, Copy)]
pub struct ProcSig {
    /// The procedure's dotted name, such as `db.labels` (lookups ignore case).
    pub name: &'static str,
    /// The names of the input arguments, in order.
    pub inputs: &'static [&'static str],
    /// How many of the first inputs must be given.
    pub required: usize,
    /// The names of the output fields, in order.
    pub outputs: &'static [&'static str],
    /// The one-line description shown to users, with the signature.
    pub doc: &'static str,
}

const fn p(
    name: &'static str,
    inputs: &'static [&'static str],
    required: usize,
    outputs: &'static [&'static str],
    doc: &'static str,
) -> ProcSig {
    ProcSig { name, inputs, required, outputs, doc }
}

/// Every procedure.
pub const PROCEDURES: &[ProcSig] = &[
    p("db.labels", &[], 0, &["label"], "db.labels() :: (label) — every node label"),
    p(
        "db.relationshipTypes",
        &[],
        0,
        &["relationshipType"],
        "db.relationshipTypes() :: (relationshipType) — every relationship type",
    ),
    p("db.propertyKeys", &[], 0, &["propertyKey"], "db.propertyKeys() :: (propertyKey) — every property key"),
    p(
        "db.schema",
        &[],
        0,
        &["kind", "name", "count", "from", "to"],
        "db.schema() :: (kind, name, count, from, to) — labels and types with counts and what they connect",
    ),
    p(
        "db.search",
        &["text", "limit"],
        1,
        &["node", "score", "fact", "quote", "source"],
        "db.search(text [, limit]) :: (node, score, fact, quote, source) — find nodes by name, alias, initials (typos forgiven) or the words of their evidence, ranked (BM25), each with the fact and sentence that matched",
    ),
    p(
        "db.index.fulltext.queryNodes",
        &["indexName", "queryString", "options"],
        2,
        &["node", "score"],
        "db.index.fulltext.queryNodes(indexName, queryString [, {skip, limit}]) :: (node, score) — a full-text index's nodes matching a Lucene query, best first",
    ),
    p(
        "db.index.fulltext.queryRelationships",
        &["indexName", "queryString", "options"],
        2,
        &["relationship", "score"],
        "db.index.fulltext.queryRelationships(indexName, queryString [, {skip, limit}]) :: (relationship, score) — a full-text index's relationships matching a Lucene query, best first",
    ),
    p(
        "kg.evidence",
        &["entity"],
        1,
        &["key", "value", "source", "quote", "derived"],
        "kg.evidence(entity) :: (key, value, source, quote, derived) — what each value of a node or relationship rests on: its document and sentence, or the rule that derived it",
    ),
    p(
        "kg.connections",
        &["from", "to", "config"],
        2,
        &["path", "score", "hops", "quotes"],
        "kg.connections(from, to [, {maxHops: 4, avoidHubs: true, types, limit: 5}]) :: (path, score, hops, quotes) — the most specific paths between two nodes (hubs cost more), each with its relationships' quotes",
    ),
    // Graph algorithms (`crate::algo`): one optional configuration map, NetworkX's definitions.
    p("algo.degree", &["config"], 0, &["node", "score"], "algo.degree([config]) :: (node, score) — degree (direction 'out'|'in'|'both'; weighted with `weight`)"),
    p("algo.pageRank", &["config"], 0, &["node", "score"], "algo.pageRank([config]) :: (node, score) — PageRank (damping 0.85, iterations 100, tolerance 1e-6)"),
    p("algo.betweenness", &["config"], 0, &["node", "score"], "algo.betweenness([config]) :: (node, score) — betweenness centrality (normalized: true)"),
    p("algo.closeness", &["config"], 0, &["node", "score"], "algo.closeness([config]) :: (node, score) — closeness centrality (wfImproved: true)"),
    p("algo.eigenvector", &["config"], 0, &["node", "score"], "algo.eigenvector([config]) :: (node, score) — eigenvector centrality (iterations 100, tolerance 1e-6)"),
    p("algo.components", &["config"], 0, &["node", "component"], "algo.components([config]) :: (node, component) — weakly connected components"),
    p("algo.scc", &["config"], 0, &["node", "component"], "algo.scc([config]) :: (node, component) — strongly connected components"),
    p("algo.communities", &["config"], 0, &["node", "community", "modularity"], "algo.communities([config]) :: (node, community, modularity) — Louvain communities (seed 42, resolution 1)"),
    p("algo.clustering", &["config"], 0, &["node", "score"], "algo.clustering([config]) :: (node, score) — local clustering coefficient"),
    p("algo.triangles", &["config"], 0, &["node", "triangles"], "algo.triangles([config]) :: (node, triangles) — triangles through each node"),
    p("algo.shortestPath", &["source", "target", "config"], 2, &["path", "cost"], "algo.shortestPath(source, target [, config]) :: (path, cost) — cheapest path (Dijkstra on `weight`, else hops)"),
    p("algo.kHop", &["node", "k", "config"], 2, &["node", "distance"], "algo.kHop(node, k [, config]) :: (node, distance) — the nodes within k hops"),
    p("algo.stats", &["config"], 0, &["nodes", "relationships", "density", "diameter", "averageDegree", "averageClustering", "components", "triangles"], "algo.stats([config]) :: (nodes, relationships, density, diameter, averageDegree, averageClustering, components, triangles) — the graph's measures"),
];

/// Finds a procedure by name (case-insensitive).
pub fn signature(name: &str) -> Option<&'static ProcSig> {
    PROCEDURES.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}
