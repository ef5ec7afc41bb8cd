//! Turning a pest failure into an error for people: every grammar rule has a phrase (an
//! exhaustive match, so a new rule needs a new phrase) and raw rule names never leak out.

use pest::error::{ErrorVariant, InputLocation};

use crate::error::{Detail, Error, Kind, Phase, Span};

use super::Rule;

/// The detail code of a generic syntax error.
pub(super) const UNEXPECTED: Detail = Detail::UnexpectedSyntax;

const OPERATOR: &str = "an operator";
const EXPRESSION: &str = "an expression";
const END_OF_INPUT: &str = "the end of the input";
const STATEMENT_START: &str = "a clause such as MATCH, CREATE or RETURN";

pub(super) fn error(text: &str, err: pest::error::Error<Rule>) -> Error {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    if let Some(e) = super::unsupported::at(text, pos) {
        return e;
    }
    let (found, found_len) = found_at(text, pos);
    let span = Span::new(pos, pos + found_len);
    let (positives, negatives) = match err.variant {
        ErrorVariant::ParsingError { positives, negatives } => (positives, negatives),
        ErrorVariant::CustomError { .. } => {
            // pest's own limits: the call budget or the native stack guard.
            return Error::new(
                Phase::Compile,
                Kind::ResourceLimit,
                Detail::QueryTooComplex,
                "the statement is too complex to parse",
            )
            .at(span);
        }
    };

    let ends = positives.iter().any(|r| matches!(r, Rule::EOI | Rule::SEMI));
    let at_start = positives.iter().any(|r| matches!(r, Rule::statement | Rule::script));
    let after_expression = positives.contains(&Rule::SLASH) || positives.contains(&Rule::CARET);

    let mut phrases: Vec<&'static str> = Vec::new();
    for &rule in &positives {
        if matches!(rule, Rule::EOI | Rule::SEMI) {
            continue;
        }
        if after_expression && matches!(rule, Rule::DOT | Rule::LBRACKET | Rule::COLON | Rule::EQ) {
            // Postfix continuations of an expression: true but unhelpful.
            continue;
        }
        let p = phrase(rule);
        if !phrases.contains(&p) {
            phrases.push(p);
        }
    }
    if after_expression {
        phrases.retain(|p| *p != "'*'");
    }
    if phrases.contains(&EXPRESSION) {
        // Optional words before an expression (`RETURN DISTINCT`, `NOT NOT`) are noise.
        phrases.retain(|p| !matches!(*p, "DISTINCT" | "NOT"));
    }

    let message = if at_start {
        format!("expected {STATEMENT_START}, but found {found}")
    } else if ends {
        if pos >= text.len() {
            "unexpected end of the input".to_string()
        } else {
            format!("unexpected input {found} after the end of the statement")
        }
    } else if phrases.is_empty() {
        if negatives.is_empty() {
            format!("unexpected input {found}")
        } else {
            let mut bad: Vec<&str> = Vec::new();
            for &r in &negatives {
                let p = phrase(r);
                if !bad.contains(&p) {
                    bad.push(p);
                }
            }
            format!("unexpected {}, found {found}", join_or(&bad))
        }
    } else {
        format!("expected {}, but found {found}", join_or(&phrases))
    };

    let in_relationship = !after_expression
        && positives.contains(&Rule::RBRACKET)
        && positives.iter().any(|r| matches!(r, Rule::STAR | Rule::RANGE | Rule::range_min | Rule::range_max));
    let stray_unicode = text
        .get(pos..)
        .and_then(|r| r.chars().next())
        .is_some_and(|c| !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace());
    let detail = if in_relationship {
        Detail::InvalidRelationshipPattern
    } else if stray_unicode {
        Detail::InvalidUnicodeCharacter
    } else {
        UNEXPECTED
    };
    let mut error = Error::syntax(detail, message, span);
    if let Some(hint) = hint(text, pos, &positives) {
        error = error.with_hint(hint);
    }
    error
}

/// `'word'`, `'c'`, a quoted token as written, or "the end of the input"; and the byte length
/// of the token.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = match text.get(pos..) {
        Some(r) if !r.is_empty() => r,
        _ => return (END_OF_INPUT.to_string(), 0),
    };
    let first = rest.chars().next().unwrap_or(' ');
    let len = if matches!(first, '\'' | '"' | '`') {
        // A string or quoted name: up to its closing quote (the scan guarantees there is one).
        let mut escaped = false;
        rest.char_indices()
            .skip(1)
            .find(|&(_, c)| {
                let close = c == first && !escaped;
                escaped = !escaped && c == '\\' && first != '`';
                close
            })
            .map_or(rest.len(), |(i, c)| i + c.len_utf8())
    } else {
        let word_len =
            rest.char_indices().find(|&(_, c)| !(c.is_alphanumeric() || c == '_')).map_or(rest.len(), |(i, _)| i);
        if word_len > 0 {
            word_len
        } else {
            first.len_utf8()
        }
    };
    let mut shown: String = rest[..len].chars().take(40).collect();
    if shown.len() < len {
        shown.push('…');
    }
    if matches!(first, '\'' | '"' | '`') {
        (shown, len)
    } else {
        (format!("'{shown}'"), len)
    }
}

/// "A", "A or B", "A, B or C".
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// "did you mean MATCH?" when the word at the error is a near-miss of a keyword that fits.
fn hint(text: &str, pos: usize, positives: &[Rule]) -> Option<String> {
    let rest = text.get(pos..)?;
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if word.len() < 2 || word.len() > 20 {
        return None;
    }
    let word = word.to_ascii_uppercase();
    let mut candidates: Vec<&str> = Vec::new();
    let clause_expected = positives.iter().any(|r| {
        matches!(
            r,
            Rule::statement
                | Rule::script
                | Rule::EOI
                | Rule::single_query
                | Rule::match_clause
                | Rule::unwind_clause
                | Rule::with_clause
                | Rule::return_clause
                | Rule::create_clause
                | Rule::merge_clause
                | Rule::set_clause
                | Rule::remove_clause
                | Rule::delete_clause
                | Rule::call_clause
                | Rule::foreach_clause
                | Rule::load_csv_clause
        )
    });
    if clause_expected {
        candidates.extend(super::keywords::clauses());
    }
    for &r in positives {
        if let Some(k) = keyword(r) {
            candidates.push(k);
        }
    }
    let limit = if word.len() <= 4 { 1 } else { 2 };
    let (best, dist) =
        candidates.iter().map(|k| (*k, crate::similar::edit_distance(&word, k))).min_by_key(|&(_, d)| d)?;
    (dist > 0 && dist <= limit).then(|| format!("did you mean {best}?"))
}

/// The keyword a keyword rule matches, for hints.
fn keyword(rule: Rule) -> Option<&'static str> {
    let p = phrase(rule);
    let first = p.split(' ').next().unwrap_or(p);
    (!first.is_empty() && first.chars().all(|c| c.is_ascii_uppercase() || c == '_')).then_some(first)
}

/// What a rule stands for, in words. No `_` arm on purpose.
pub(super) fn phrase(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => END_OF_INPUT,
        Rule::WHITESPACE => "whitespace",
        Rule::COMMENT => "a comment",
        Rule::ident_start | Rule::ident_char | Rule::unescaped_name | Rule::escaped_name => "a name",
        Rule::symbolic_name => "a name",
        Rule::variable => "a variable name",
        Rule::reserved => "a reserved word",

        Rule::MATCH => "MATCH",
        Rule::OPTIONAL => "OPTIONAL",
        Rule::UNWIND => "UNWIND",
        Rule::WITH => "WITH",
        Rule::RETURN => "RETURN",
        Rule::CREATE => "CREATE",
        Rule::MERGE => "MERGE",
        Rule::SET => "SET",
        Rule::REMOVE => "REMOVE",
        Rule::DELETE => "DELETE",
        Rule::DETACH => "DETACH",
        Rule::CALL => "CALL",
        Rule::YIELD => "YIELD",
        Rule::UNION => "UNION",
        Rule::ALL => "ALL",
        Rule::WHERE => "WHERE",
        Rule::ORDER => "ORDER BY",
        Rule::BY => "BY",
        Rule::SKIP => "SKIP",
        Rule::LIMIT => "LIMIT",
        Rule::AS => "AS",
        Rule::ON => "ON",
        Rule::DISTINCT => "DISTINCT",
        Rule::ASCENDING | Rule::ASC | Rule::DESCENDING | Rule::DESC => "ASC or DESC",
        Rule::AND | Rule::OR | Rule::XOR | Rule::IN | Rule::IS | Rule::STARTS | Rule::ENDS => OPERATOR,
        Rule::CONTAINS => OPERATOR,
        Rule::NOT => "NOT",
        Rule::CASE => "CASE",
        Rule::WHEN => "WHEN",
        Rule::THEN => "THEN",
        Rule::ELSE => "ELSE",
        Rule::END => "END",
        Rule::TRUE => "TRUE",
        Rule::FALSE => "FALSE",
        Rule::NULL => "NULL",
        Rule::COUNT => "COUNT",
        Rule::EXISTS => "EXISTS",
        Rule::ANY_ => "ANY",
        Rule::NONE => "NONE",
        Rule::SINGLE => "SINGLE",
        Rule::REDUCE => "REDUCE",
        Rule::SHORTEST_PATH => "shortestPath",
        Rule::ALL_SHORTEST_PATHS => "allShortestPaths",
        Rule::EXPLAIN => "EXPLAIN",
        Rule::PROFILE => "PROFILE",
        Rule::INDEX => "INDEX",
        Rule::INDEXES => "INDEXES",
        Rule::DROP_ => "DROP",
        Rule::SHOW => "SHOW",
        Rule::FOR => "FOR",
        Rule::IF => "IF",
        Rule::FOREACH => "FOREACH",
        Rule::TRANSACTIONS => "TRANSACTIONS",
        Rule::CONCURRENT => "CONCURRENT",
        Rule::OF => "OF",
        Rule::ROWS => "ROWS",
        Rule::ERROR => "ERROR",
        Rule::CONTINUE => "CONTINUE",
        Rule::BREAK => "BREAK",
        Rule::FAIL => "FAIL",
        Rule::REPORT => "REPORT",
        Rule::STATUS => "STATUS",
        Rule::COLLECT => "COLLECT",
        Rule::LOAD => "LOAD CSV",
        Rule::CSV => "CSV",
        Rule::HEADERS => "HEADERS",
        Rule::FROM => "FROM",
        Rule::FIELDTERMINATOR => "FIELDTERMINATOR",
        Rule::CONSTRAINT => "CONSTRAINT",
        Rule::CONSTRAINTS => "CONSTRAINTS",
        Rule::REQUIRE => "REQUIRE",
        Rule::UNIQUE => "UNIQUE",
        Rule::NODE_ => "NODE",
        Rule::RELATIONSHIP => "RELATIONSHIP",
        Rule::KEY => "KEY",
        Rule::TYPED => "TYPED",
        Rule::EXISTENCE => "EXISTENCE",
        Rule::RANGE_ => "RANGE",
        Rule::FULLTEXT => "FULLTEXT",
        Rule::EACH => "EACH",
        Rule::OPTIONS => "OPTIONS",
        Rule::PROCEDURES => "PROCEDURES",
        Rule::PROCEDURE => "PROCEDURE",
        Rule::FUNCTIONS => "FUNCTIONS",
        Rule::FUNCTION => "FUNCTION",
        Rule::BUILT => "BUILT IN",
        Rule::NODETACH => "NODETACH",
        Rule::OFFSET => "OFFSET",
        Rule::TRIM_ => "TRIM",
        Rule::LEADING => "LEADING",
        Rule::TRAILING => "TRAILING",
        Rule::BOTH => "BOTH",
        Rule::INSERT => "INSERT",
        Rule::NORMALIZED => "NORMALIZED",

        Rule::SEMI => "';'",
        Rule::COMMA => "','",
        Rule::COLON => "':'",
        Rule::DOT => "'.'",
        Rule::RANGE => "'..'",
        Rule::PIPE => "'|'",
        Rule::AMP => "'&'",
        Rule::BANG => "'!'",
        Rule::LPAREN => "'('",
        Rule::RPAREN => "')'",
        Rule::LBRACKET => "'['",
        Rule::RBRACKET => "']'",
        Rule::LBRACE => "'{'",
        Rule::RBRACE => "'}'",
        Rule::EQ => "'='",
        Rule::NE | Rule::LE | Rule::GE | Rule::LT | Rule::GT | Rule::REGEX => OPERATOR,
        Rule::PLUS_EQ => "'+='",
        Rule::PLUS | Rule::MINUS | Rule::SLASH | Rule::PERCENT | Rule::CARET => OPERATOR,
        Rule::STAR => "'*'",
        Rule::ARROW_LEFT => "'<'",
        Rule::ARROW_RIGHT => "'>'",
        Rule::DASH | Rule::DASH_CHAR => "'-'",

        Rule::script => "a statement",
        Rule::statement => STATEMENT_START,
        Rule::mode => "EXPLAIN or PROFILE",
        Rule::schema_command => "a schema command",
        Rule::create_index => "CREATE INDEX",
        Rule::create_fulltext => "CREATE FULLTEXT INDEX",
        Rule::fulltext_nodes => "nodes such as (n:Label) or (n:A|B)",
        Rule::fulltext_rels => "relationships such as ()-[r:TYPE]-()",
        Rule::fulltext_only => "FULLTEXT",
        Rule::index_name => "an index name",
        Rule::if_not_exists => "IF NOT EXISTS",
        Rule::index_key => "a property such as n.name",
        Rule::drop_index => "DROP INDEX",
        Rule::if_exists => "IF EXISTS",
        Rule::show_indexes => "SHOW INDEXES",
        Rule::create_constraint => "CREATE CONSTRAINT",
        Rule::constraint_name => "a constraint name",
        Rule::node_target => "a node such as (n:Label)",
        Rule::rel_target => "a relationship such as ()-[r:TYPE]-()",
        Rule::constraint_rule | Rule::unique_rule | Rule::key_rule | Rule::not_null_rule | Rule::type_rule => {
            "IS UNIQUE, IS NOT NULL, IS KEY or IS :: TYPE"
        }
        Rule::type_name => "a type such as INTEGER",
        Rule::drop_constraint => "DROP CONSTRAINT",
        Rule::show_constraints => "SHOW CONSTRAINTS",
        Rule::show_procedures => "SHOW PROCEDURES",
        Rule::show_functions => "SHOW FUNCTIONS",
        Rule::query | Rule::single_query | Rule::clause => "a clause",
        Rule::union => "UNION",
        Rule::match_clause => "MATCH",
        Rule::where_clause => "WHERE",
        Rule::unwind_clause => "UNWIND",
        Rule::with_clause => "WITH",
        Rule::return_clause => "RETURN",
        Rule::projection_body | Rule::projection_items | Rule::projection_item => EXPRESSION,
        Rule::order_by => "ORDER BY",
        Rule::sort_item => EXPRESSION,
        Rule::skip => "SKIP",
        Rule::limit => "LIMIT",
        Rule::create_clause => "CREATE",
        Rule::merge_clause => "MERGE",
        Rule::merge_action => "ON CREATE SET or ON MATCH SET",
        Rule::set_clause => "SET",
        Rule::set_item
        | Rule::set_property
        | Rule::set_dynamic
        | Rule::set_labels
        | Rule::set_merge
        | Rule::set_replace => "an item to set, such as n.key = value",
        Rule::remove_clause => "REMOVE",
        Rule::remove_item | Rule::remove_property | Rule::remove_dynamic | Rule::remove_labels => {
            "an item to remove, such as n.key or n:Label"
        }
        Rule::property_expression => "a property such as n.key",
        Rule::delete_clause => "DELETE",
        Rule::call_clause => "CALL",
        Rule::call_subquery => "CALL { ... }",
        Rule::subquery_scope => "'('",
        Rule::in_transactions => "IN TRANSACTIONS",
        Rule::concurrency => "CONCURRENT",
        Rule::batch_size => "OF n ROWS",
        Rule::on_error => "ON ERROR",
        Rule::report_status => "REPORT STATUS",
        Rule::foreach_clause => "FOREACH",
        Rule::foreach_update => "an update clause such as SET or CREATE",
        Rule::load_csv_clause => "LOAD CSV",
        Rule::with_headers => "WITH HEADERS",
        Rule::field_terminator => "FIELDTERMINATOR",
        Rule::procedure_name => "a procedure name",
        Rule::call_args => "'('",
        Rule::yield_clause => "YIELD",
        Rule::yield_item => "a field name",
        Rule::pattern | Rule::pattern_part | Rule::pattern_element => "a pattern such as (n)",
        Rule::shortest_path => "shortestPath",
        Rule::pattern_chain | Rule::relationship_pattern => "a relationship such as -[r]->",
        Rule::node_pattern => "a node pattern such as (n)",
        Rule::node_labels => "a label such as :Person",
        Rule::label_expression | Rule::label_or | Rule::label_and | Rule::label_not | Rule::label_atom => {
            "a label expression such as :A|B"
        }
        Rule::pattern_where => "WHERE",
        Rule::properties => "a property map or parameter",
        Rule::relationship_detail => "'['",
        Rule::relationship_types => "a relationship type such as :KNOWS",
        Rule::range_literal => "a length such as *1..3",
        Rule::range_min | Rule::range_max => "a whole number",
        Rule::expression
        | Rule::xor_expression
        | Rule::and_expression
        | Rule::not_expression
        | Rule::comparison
        | Rule::predicate_expression
        | Rule::additive
        | Rule::multiplicative
        | Rule::power
        | Rule::unary
        | Rule::postfix
        | Rule::atom
        | Rule::slice_from
        | Rule::slice_to
        | Rule::projection
        | Rule::case_operand => EXPRESSION,
        Rule::comparison_op | Rule::predicate_suffix => OPERATOR,
        Rule::null_check => "IS NULL",
        Rule::type_check => "IS :: TYPE",
        Rule::type_union | Rule::type_alt | Rule::type_word => "a type such as INTEGER",
        Rule::normalized_check => "IS NORMALIZED",
        Rule::normal_form => "NFC, NFD, NFKC or NFKD",
        Rule::in_check => "IN",
        Rule::starts_with => "STARTS WITH",
        Rule::ends_with => "ENDS WITH",
        Rule::contains => "CONTAINS",
        Rule::regex_match => "'=~'",
        Rule::postfix_op | Rule::property_lookup => "'.'",
        Rule::subscript => "'['",
        Rule::number_literal
        | Rule::hex_integer
        | Rule::octal_integer
        | Rule::float
        | Rule::exponent
        | Rule::decimal_integer
        | Rule::number_junk => "a number",
        Rule::string_literal | Rule::single_quoted | Rule::double_quoted => "a string",
        Rule::parameter | Rule::parameter_index => "a parameter such as $name",
        Rule::list_literal => "a list",
        Rule::map_literal => "a map",
        Rule::map_entry => "a map entry such as key: value",
        Rule::list_comprehension => "a list comprehension",
        Rule::pattern_comprehension => "a pattern comprehension",
        Rule::case_expression => "CASE",
        Rule::case_alternative => "WHEN",
        Rule::when_operand => EXPRESSION,
        Rule::partial_comparison => "a comparison such as > 5",
        Rule::trim_function => "trim(...)",
        Rule::all_continues => OPERATOR,
        Rule::order_clause => "ORDER BY, SKIP or LIMIT",
        Rule::case_else => "ELSE",
        Rule::count_star => "count(*)",
        Rule::quantified => "a quantifier such as all(x IN list WHERE ...)",
        Rule::reduce => "reduce(...)",
        Rule::exists_subquery | Rule::exists_pattern => "EXISTS",
        Rule::count_subquery => "COUNT { ... }",
        Rule::collect_subquery => "COLLECT { ... }",
        Rule::subquery_body => "a pattern or a query",
        Rule::pattern_predicate => "a pattern",
        Rule::relationship_ahead | Rule::name_scan | Rule::bracket_scan | Rule::scan_item => "a pattern",
        Rule::parenthesized => "'('",
        Rule::function_call => "a function call",
        Rule::function_name => "a function name",
        Rule::map_projection => "a map projection",
        Rule::map_projection_item | Rule::all_properties | Rule::property_selector | Rule::literal_entry => {
            "a map projection entry such as .key"
        }
    }
}
