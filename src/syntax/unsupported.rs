//! Cypher that Neo4j runs and silkgraph does not: recognised where the parse stops, and
//! answered with `UnsupportedFeature`, the feature's name and what to write instead, rather
//! than a generic "expected ...". (What to write instead of an APOC or GDS name is
//! `catalog::plugin_hint`.)

use crate::error::{Detail, Error, Span};

/// What to say when the parse of `text` stopped at `pos` inside a construct silkgraph does not
/// have; `None` when it is not one of those.
pub(super) fn at(text: &str, pos: usize) -> Option<Error> {
    let before = text.get(..pos)?.trim_end();
    let rest = text.get(pos..)?;
    let word = first_word(rest).to_ascii_uppercase();
    let prev = last_word(before).to_ascii_uppercase();
    let prev2 = last_word(before[..before.len() - prev.len()].trim_end()).to_ascii_uppercase();
    let next = first_word(rest.get(word.len()..).unwrap_or("").trim_start()).to_ascii_uppercase();
    let at_clause_start = before.is_empty()
        || before.ends_with(';')
        || before.ends_with('}')
        || before.ends_with(')')
        || before.ends_with('{')
        || !prev.is_empty();
    let (what, instead) = if word == "USE" && at_clause_start {
        (
            "USE (choosing a database inside the query)",
            "connect to that database instead (the driver's database option; silkgraph's own database setting)",
        )
    } else if before.ends_with(')') && (rest.starts_with('{') || rest.starts_with('+') || rest.starts_with('*')) {
        (
            "quantified path patterns such as ((a)-->(b)){1,3}",
            "write a variable-length relationship such as (a)-[*1..3]->(b)",
        )
    } else if (prev == "MATCH" && matches!(word.as_str(), "SHORTEST" | "ANY" | "ALL"))
        || (matches!(prev.as_str(), "SHORTEST" | "ANY" | "ALL") && prev2 == "MATCH")
    {
        (
            "path selectors such as SHORTEST 1 and ANY SHORTEST",
            "use shortestPath((a)-[*]-(b)) or allShortestPaths((a)-[*]-(b))",
        )
    } else if at_clause_start && matches!(word.as_str(), "FINISH" | "LET" | "FILTER" | "NEXT") {
        ("the GQL clauses FINISH, LET, FILTER and NEXT", "write them with WITH ... WHERE")
    } else {
        admin(&prev, &word, &next).or_else(|| admin(&prev2, &prev, &word))?
    };
    let span = Span::new(pos, pos + rest.chars().next().map_or(0, char::len_utf8).max(word.len()));
    Some(unsupported(what, instead).at(span))
}

/// The error for a feature that is not there, and what to write instead.
pub fn unsupported(what: &str, instead: &str) -> Error {
    Error::syntax(Detail::UnsupportedFeature, format!("silkgraph does not support {what}; {instead}"), Span::default())
}

/// Schema and administration commands of Neo4j that silkgraph does not have.
fn admin(prev: &str, word: &str, next: &str) -> Option<(&'static str, &'static str)> {
    Some(match (prev, word, next) {
        ("CREATE", "TEXT" | "POINT" | "VECTOR" | "LOOKUP", _) => (
            "this kind of index",
            "CREATE INDEX FOR (n:L) ON (n.k) makes a range index; CREATE FULLTEXT INDEX one for words",
        ),
        (
            "SHOW" | "CREATE" | "DROP" | "ALTER" | "START" | "STOP",
            "DATABASE" | "DATABASES" | "ALIAS" | "ALIASES",
            _,
        )
        | ("SHOW" | "CREATE" | "DROP" | "ALTER", "USER" | "USERS" | "ROLE" | "ROLES" | "PRIVILEGES", _)
        | ("GRANT" | "DENY" | "REVOKE", _, _)
        | (_, "GRANT" | "DENY" | "REVOKE", _) => (
            "database and user administration in Cypher",
            "silkgraph serves one database per file; users are managed with `silkgraph user add NAME`",
        ),
        ("SHOW", "TRANSACTIONS" | "TRANSACTION" | "SETTINGS" | "SERVERS", _) | ("TERMINATE", _, _) => (
            "this SHOW command",
            "SHOW INDEXES, SHOW CONSTRAINTS, SHOW PROCEDURES and SHOW FUNCTIONS are what silkgraph shows",
        ),
        _ => return None,
    })
}

fn first_word(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

fn last_word(s: &str) -> &str {
    // After the last character that is not part of a word, whatever its width in bytes.
    let start =
        s.char_indices().rev().find(|(_, c)| !(c.is_alphanumeric() || *c == '_')).map_or(0, |(i, c)| i + c.len_utf8());
    &s[start..]
}

#[cfg(test)]
mod tests {
    fn said(q: &str) -> String {
        let e = crate::syntax::parse(q).unwrap_err();
        assert_eq!(e.detail, crate::error::Detail::UnsupportedFeature, "{q}: {}", e.message);
        e.message
    }

    #[test]
    fn a_word_after_a_wide_character_is_found() {
        // A byte-order mark (three bytes) before the error's place once split a character.
        assert_eq!(super::last_word("range81\u{feff}"), "");
        assert_eq!(super::last_word("a\u{feff}range"), "range");
        assert!(crate::syntax::parse("UNWIND range81\u{feff}, 20) AS i RETURN i").is_err());
    }

    #[test]
    fn features_neo4j_has_are_named_with_what_to_write_instead() {
        assert!(said("USE neo4j MATCH (n) RETURN n").contains("connect to that database"));
        assert!(said("MATCH p = ((a)-->(b)){1,3} RETURN p").contains("-[*1..3]->"));
        assert!(said("MATCH p = ((a)-->(b))+ RETURN p").contains("quantified path"));
        assert!(said("MATCH SHORTEST 1 (a)-->+(b) RETURN a").contains("shortestPath"));
        assert!(said("SHOW DATABASES").contains("administration"));
        assert!(said("CREATE TEXT INDEX f FOR (n:P) ON (n.name)").contains("kind of index"));
        assert!(crate::syntax::parse("CREATE FULLTEXT INDEX f FOR (n:P) ON EACH [n.name]").is_ok());
        assert!(said("MATCH (n) FINISH").contains("GQL"));
        // Dynamic property keys (Neo4j 5.26) are there.
        assert!(crate::syntax::parse("MATCH (n) SET n[$k] = 1 REMOVE n['k' + 1]").is_ok());
        // Plain mistakes stay plain syntax errors.
        let e = crate::syntax::parse("MATCH (n RETURN n").unwrap_err();
        assert_eq!(e.detail, crate::error::Detail::UnexpectedSyntax);
        let e = crate::syntax::parse("MATCH (n) RETRUN n").unwrap_err();
        assert_eq!(e.detail, crate::error::Detail::UnexpectedSyntax);
    }
}
