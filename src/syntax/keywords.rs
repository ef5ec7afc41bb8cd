//! Cypher's keywords, in one table: which words the grammar reserves (a bare variable cannot be
//! one), which start a clause, and which are keywords only when not called like a function.
//! The lexer (highlighting), the printer (when a name needs backticks), the parse-error wording
//! and the REPL's completion and did-you-mean all read it.

/// What a keyword is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The word, in upper case (it is matched in any case).
    pub word: &'static str,
    /// The grammar's `reserved`: cannot be a bare variable or function name.
    pub reserved: bool,
    /// Starts a clause (or a statement).
    pub clause: bool,
    /// A keyword only when not followed by `(`: `all(...)`, `exists(...)`.
    pub soft: bool,
    /// A function-like form with its own syntax (`any(x IN l WHERE ...)`): a word to complete and
    /// to suggest, coloured as a function.
    pub function_like: bool,
}

const fn k(word: &'static str, reserved: bool, clause: bool) -> Keyword {
    Keyword { word, reserved, clause, soft: false, function_like: false }
}

const fn soft(word: &'static str) -> Keyword {
    Keyword { word, reserved: false, clause: false, soft: true, function_like: false }
}

const fn function_like(word: &'static str) -> Keyword {
    Keyword { word, reserved: false, clause: false, soft: false, function_like: true }
}

/// Every keyword.
pub const KEYWORDS: &[Keyword] = &[
    k("MATCH", true, true),
    k("OPTIONAL", true, true),
    k("UNWIND", true, true),
    k("WITH", true, true),
    k("RETURN", true, true),
    k("CREATE", true, true),
    k("MERGE", true, true),
    k("SET", true, true),
    k("REMOVE", true, true),
    k("DELETE", true, true),
    k("DETACH", true, true),
    k("CALL", true, true),
    k("UNION", true, true),
    k("EXPLAIN", false, true),
    k("PROFILE", false, true),
    k("DROP", false, true),
    k("SHOW", false, true),
    k("FOREACH", false, true),
    k("LOAD", false, true),
    k("YIELD", false, false),
    k("WHERE", true, false),
    k("ORDER", true, false),
    k("BY", false, false),
    k("SKIP", true, false),
    k("LIMIT", true, false),
    k("AS", true, false),
    k("ON", false, false),
    k("DISTINCT", true, false),
    k("ASC", true, false),
    k("ASCENDING", true, false),
    k("DESC", true, false),
    k("DESCENDING", true, false),
    k("AND", true, false),
    k("OR", true, false),
    k("XOR", true, false),
    k("NOT", true, false),
    k("IN", true, false),
    k("IS", true, false),
    k("STARTS", true, false),
    k("ENDS", true, false),
    k("CONTAINS", true, false),
    k("CASE", true, false),
    k("WHEN", true, false),
    k("THEN", true, false),
    k("ELSE", true, false),
    k("END", true, false),
    k("TRUE", true, false),
    k("FALSE", true, false),
    k("NULL", true, false),
    k("INDEX", false, false),
    k("INDEXES", false, false),
    k("FOR", false, false),
    k("IF", false, false),
    k("TRANSACTIONS", false, false),
    k("CONCURRENT", false, false),
    k("OF", false, false),
    k("ROWS", false, false),
    k("CSV", false, false),
    k("HEADERS", false, false),
    k("FROM", false, false),
    k("FIELDTERMINATOR", false, false),
    k("CONSTRAINT", false, false),
    k("CONSTRAINTS", false, false),
    k("REQUIRE", false, false),
    k("UNIQUE", false, false),
    k("KEY", false, false),
    k("PROCEDURES", false, false),
    k("FUNCTIONS", false, false),
    soft("COLLECT"),
    soft("COUNT"),
    soft("ALL"),
    soft("EXISTS"),
    function_like("ANY"),
    function_like("NONE"),
    function_like("SINGLE"),
    function_like("REDUCE"),
];

fn find(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word.eq_ignore_ascii_case(word))
}

/// Whether `word` (any case) is reserved by the grammar.
pub fn is_reserved(word: &str) -> bool {
    find(word).is_some_and(|k| k.reserved)
}

/// How the lexer colours `word` (any case): `Some(true)` always a keyword, `Some(false)` a
/// keyword unless called like a function, `None` not a keyword.
pub fn highlight(word: &str) -> Option<bool> {
    find(word).filter(|k| !k.function_like).map(|k| !k.soft)
}

/// Every keyword's word, in the table's order.
pub fn words() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().map(|k| k.word)
}

/// The words that start a clause.
pub fn clauses() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(|k| k.clause).map(|k| k.word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_words_are_the_grammars() {
        let grammar = include_str!("../../grammar/cypher.pest");
        let start = grammar.find("reserved = _{").unwrap();
        let body = &grammar[start..start + grammar[start..].find('}').unwrap()];
        let mut from_grammar: Vec<&str> =
            body["reserved = _{".len()..].split(['|', '\n', ' ']).filter(|w| !w.is_empty()).collect();
        let mut here: Vec<&str> = KEYWORDS.iter().filter(|k| k.reserved).map(|k| k.word).collect();
        from_grammar.sort();
        here.sort();
        assert_eq!(here, from_grammar);
    }

    #[test]
    fn lookups_ignore_case() {
        assert!(is_reserved("match") && !is_reserved("yield") && !is_reserved("name"));
        assert_eq!(highlight("Return"), Some(true));
        assert_eq!(highlight("exists"), Some(false));
        assert_eq!(highlight("reduce"), None);
        assert!(clauses().any(|w| w == "UNWIND") && !clauses().any(|w| w == "WHERE"));
    }
}
