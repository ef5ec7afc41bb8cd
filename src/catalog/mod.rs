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
