//! What the language can call: the catalogue of functions and procedures (names, arity,
//! signatures). Semantic checks, the planner, the executor and the REPL's completion all read it.

pub mod functions;
pub mod procedures;

/// Whether a function name is an aggregate (case-insensitive).
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "count" | "sum" | "avg" | "min" | "max" | "collect" | "stdev" | "stdevp" | "percentilecont" | "percentiledisc"
    )
}

/// What to write instead of an APOC or GDS procedure or function (Neo4j plugins), when there
/// is something.
pub fn plugin_hint(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let hint = if n.starts_with("apoc.periodic.") {
        "batched writes are CALL { ... } IN TRANSACTIONS OF n ROWS"
    } else if n.starts_with("apoc.load.csv") {
        "read a CSV file with LOAD CSV WITH HEADERS FROM 'file:///name.csv' AS row"
    } else if n.starts_with("apoc.path.") || n.starts_with("apoc.algo.dijkstra") {
        "paths are variable-length patterns, shortestPath() and CALL algo.shortestPath(...)"
    } else if n.starts_with("gds.") || n.starts_with("apoc.algo.") {
        "graph algorithms are CALL algo.* (CALL algo.pageRank(), algo.louvain(), ...; SHOW PROCEDURES lists them)"
    } else if n.starts_with("apoc.create.") || n.starts_with("apoc.merge.") || n.starts_with("apoc.refactor.") {
        "write the change with CREATE, MERGE and SET (FOREACH for one per element)"
    } else if n.starts_with("apoc.coll.") || n.starts_with("apoc.text.") || n.starts_with("apoc.map.") {
        "list, string and map work is done with Cypher's functions and list comprehensions (SHOW FUNCTIONS)"
    } else if n.starts_with("apoc.") {
        "APOC is a Neo4j plugin silkgraph does not have; SHOW PROCEDURES and SHOW FUNCTIONS list what there is"
    } else {
        return None;
    };
    Some(hint)
}

/// The Cypher property types a constraint's `IS :: TYPE` takes, with the name a value of the
/// type gives (`Value::type_name`).
const PROPERTY_TYPES: &[(&str, &str)] = &[
    ("BOOLEAN", "Boolean"),
    ("BOOL", "Boolean"),
    ("INTEGER", "Integer"),
    ("INT", "Integer"),
    ("SIGNED INTEGER", "Integer"),
    ("INTEGER64", "Integer"),
    ("FLOAT", "Float"),
    ("FLOAT64", "Float"),
    ("STRING", "String"),
    ("VARCHAR", "String"),
    ("DATE", "Date"),
    ("LOCAL TIME", "LocalTime"),
    ("TIME WITHOUT TIME ZONE", "LocalTime"),
    ("ZONED TIME", "Time"),
    ("TIME WITH TIME ZONE", "Time"),
    ("LOCAL DATETIME", "LocalDateTime"),
    ("TIMESTAMP WITHOUT TIME ZONE", "LocalDateTime"),
    ("ZONED DATETIME", "DateTime"),
    ("TIMESTAMP WITH TIME ZONE", "DateTime"),
    ("DURATION", "Duration"),
];

/// The value type name a Cypher property type stands for (`LOCAL DATETIME` → `LocalDateTime`),
/// if silkgraph knows it.
pub fn property_type(cypher: &str) -> Option<&'static str> {
    let words = cypher.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
    PROPERTY_TYPES.iter().find(|(c, _)| *c == words).map(|(_, v)| *v)
}

#[cfg(test)]
mod plugin_tests {
    #[test]
    fn plugins_point_to_what_silkgraph_has() {
        assert!(super::plugin_hint("apoc.periodic.iterate").unwrap().contains("IN TRANSACTIONS"));
        assert!(super::plugin_hint("gds.pageRank.stream").unwrap().contains("algo."));
        assert!(super::plugin_hint("db.labels").is_none());
    }
}
