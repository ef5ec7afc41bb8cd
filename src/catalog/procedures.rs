//! The catalogue of procedures callable with `CALL name(args) YIELD ...`.

/// A procedure's name, its inputs (the first `required` are mandatory) and output fields.
#[derive(Debug, Clone, Copy)]
pub struct ProcSig {
    pub name: &'static str,
    pub inputs: &'static [&'static str],
    pub required: usize,
    pub outputs: &'static [&'static str],
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
        &["node", "score"],
        "db.search(text [, limit]) :: (node, score) — find nodes by name or alias, forgiving case, accents and typos",
    ),
];

/// Finds a procedure by name (case-insensitive).
pub fn signature(name: &str) -> Option<&'static ProcSig> {
    PROCEDURES.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}
