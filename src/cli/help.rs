//! `:help`: the commands, and help on every clause, function and procedure, with an example
//! whose result is the engine's own (run on the bundled graph when the help is shown).

use super::examples::EXAMPLES;
use crate::assist::diagnose;
use crate::similar::did_you_mean;

/// The REPL's `:commands` with a one-line description each.
pub const COMMANDS: &[(&str, &str)] = &[
    (":help", "[TOPIC]  this help, or help on a clause, function or procedure"),
    (":schema", "labels, relationship types, what they connect and their property keys"),
    (":stats", "counts of nodes, relationships, labels, types and keys"),
    (":param", "NAME => VALUE  set a parameter ($NAME) to a Cypher expression's value (also :param {NAME: VALUE, ...})"),
    (":params", "[clear]  list (or clear) the parameters"),
    (":format", "[table|wrap|vertical|json|jsonl|csv]  how results are printed: tables cut long values to fit, wrap them, or show one per line"),
    (":timing", "[on|off]  show how long each statement took"),
    (":pager", "[on|off|COMMAND]  show results longer than the terminal through a pager (less)"),
    (":timeout", "SECONDS|off  a time limit for each statement"),
    (":limits", "[rows N|hops N|memory SIZE|timeout S]  show or set the limits on one statement"),
    (":load", "FILE  replace the graph by a .cypher script or .json graph"),
    (":run", "FILE  run a script's statements on the current graph"),
    (":save", "FILE  write the whole graph: .sg snapshot, .json graph, else a Cypher script"),
    (":why", "the evidence (source and quote) of each relationship in the last result"),
 (":connect", "A B  the most specific paths between two entities (names quoted, or A to B), with their quotes"),
    (":whynot", "[QUERY]  which pattern part or filter left the last query without rows"),
    (":explain", "[QUERY]  the plan of the last (or the given) query"),
    (":export", "FORMAT FILE [--force]  write the last result's nodes and relationships (graphml, gexf, csv, dot, svg, png, html, ...)"),
    (":show", "[FILE] [size=KEY] [color=KEY]  draw the last result as an interactive page and open it"),
    (":begin", "open a transaction: the statements until :commit are kept together, or not at all"),
    (":commit", "keep the open transaction's changes (on a database, durably)"),
    (":rollback", "undo the open transaction's changes"),
    (":checkpoint", "write the database's snapshot now (a copy of its file is then a backup)"),
    (":clear", "clear the screen"),
    (":quit", "leave (also Ctrl-D)"),
];

/// Help on clauses and topics: the syntax, what it does, and an example.
pub const CLAUSE_HELP: &[(&str, &str)] = &[
    ("MATCH", "MATCH pattern [WHERE condition]\n  finds every way the pattern fits the graph.\n  MATCH (p:Person)-[v:VISITED]->(c:Country {name: 'Japan'}) RETURN p.name, v.year;"),
    ("OPTIONAL MATCH", "OPTIONAL MATCH pattern [WHERE condition]\n  like MATCH, but keeps the row (with nulls) when nothing fits.\n  MATCH (c:Country) OPTIONAL MATCH (c)<-[:VISITED]-(p) RETURN c.name, count(p);"),
    ("WHERE", "... WHERE condition\n  filters the rows of MATCH, OPTIONAL MATCH or WITH.\n  MATCH (v)-[r:VISITED]->() WHERE r.year >= 2010 AND v.name CONTAINS 'Minister' RETURN v.name;"),
    ("WITH", "WITH expr [AS name], ... [ORDER BY ...] [SKIP n] [LIMIT n] [WHERE condition]\n  passes on (and aggregates) values to the next part of the query.\n  MATCH (p)-[:VISITED]->(c) WITH c, count(*) AS visits WHERE visits > 2 RETURN c.name, visits;"),
    ("RETURN", "RETURN [DISTINCT] expr [AS name], ... [ORDER BY ...] [SKIP n] [LIMIT n]\n  the columns of the result; aggregates (count, collect, ...) group by the other columns.\n  MATCH (o:Office) RETURN o.name AS office ORDER BY office LIMIT 5;"),
    ("ORDER BY", "ORDER BY expr [ASC|DESC], ...\n  sorts the rows of RETURN or WITH.\n  MATCH ()-[v:VISITED]->() RETURN v.year ORDER BY v.year DESC;"),
    ("SKIP", "SKIP n\n  drops the first n rows.\n  MATCH (c:Country) RETURN c.name ORDER BY c.name SKIP 2;"),
    ("LIMIT", "LIMIT n\n  keeps the first n rows.\n  MATCH (c:Country) RETURN c.name LIMIT 3;"),
    ("UNWIND", "UNWIND list AS name\n  one row per element of the list.\n  UNWIND ['Japan', 'China'] AS n MATCH (c:Country {name: n}) RETURN c;"),
    ("UNION", "query UNION [ALL] query\n  the rows of both queries (UNION removes duplicates).\n  MATCH (c:Country) RETURN c.name AS name UNION MATCH (c:City) RETURN c.name AS name;"),
    ("CREATE", "CREATE pattern\n  creates the nodes and relationships of the pattern.\n  CREATE (:Person {name: 'Ann'})-[:VISITED {year: 2024}]->(:Country {name: 'Japan'});"),
    ("MERGE", "MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]\n  matches the pattern, or creates it when it does not exist.\n  MERGE (c:Country {name: 'Japan'}) ON CREATE SET c.new = true RETURN c;"),
    ("SET", "SET n.key = value | n = {map} | n += {map} | n:Label\n  changes properties and labels.\n  MATCH (c:Country {name: 'Japan'}) SET c.capital = 'Tokyo';"),
    ("REMOVE", "REMOVE n.key | n:Label\n  removes properties and labels.\n  MATCH (c:Country {name: 'Japan'}) REMOVE c.capital;"),
    ("DELETE", "[DETACH] DELETE n, r, ...\n  deletes nodes and relationships (DETACH also deletes a node's relationships).\n  MATCH (p:Person {name: 'Ann'}) DETACH DELETE p;"),
    ("CALL", "CALL procedure(args) [YIELD field [AS name], ... [WHERE condition]]\n  runs a procedure: db.labels(), db.relationshipTypes(), db.propertyKeys(), db.schema(), db.search(text), db.index.fulltext.queryNodes(index, query), kg.evidence(entity), kg.connections(a, b), algo.* (SHOW PROCEDURES lists them).\n  CALL db.search('kyrgyz president') YIELD node, score RETURN node.name, score;"),
    ("EXPLAIN", "EXPLAIN query\n  shows the plan instead of running the query (or :explain for the last query).\n  EXPLAIN MATCH (c:Country) RETURN c;"),
    ("DETACH DELETE", "DETACH DELETE n, ...\n  deletes nodes with all their relationships (plain DELETE refuses a node that still has some).\n  MATCH (p:Person {name: 'Ann'}) DETACH DELETE p;"),
    ("PROFILE", "PROFILE query\n  runs the query and shows its rows, then its plan with each operator's rows and milliseconds.\n  PROFILE MATCH (p)-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY n DESC LIMIT 3;"),
    ("shortestPath", "shortestPath((a)-[:TYPE*..n]-(b))  and  allShortestPaths(...)\n  one (or every) path with the fewest relationships between a and b, found breadth-first from both ends.\n  MATCH p = shortestPath((m:Ministry {name: 'Ministry of Energy'})-[*..6]-(c:Country {name: 'Japan'})) RETURN length(p);"),
    ("allShortestPaths", "allShortestPaths((a)-[:TYPE*..n]-(b))\n  every path with the fewest relationships between a and b.\n  MATCH p = allShortestPaths((a:Country {name: 'Japan'})-[*..4]-(b:Country {name: 'Kyrgyzstan'})) RETURN count(p);"),
    ("CREATE INDEX", "CREATE INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.key)\n  a property index: lookups by equality, IN and ranges seek in it (EXPLAIN shows NodeIndexSeek).\n  CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);"),
    ("CREATE FULLTEXT INDEX", "CREATE FULLTEXT INDEX [name] [IF NOT EXISTS] FOR (n:A|B) ON EACH [n.key, ...]  (or FOR ()-[r:T|U]-())\n  a ranked (BM25) text index, queried in Lucene's syntax (words, \"phrases\", AND/OR, +/-, prefix*, fuzzy~, key:word) with db.index.fulltext.queryNodes / queryRelationships; it follows every change of the graph.\n  CALL db.index.fulltext.queryRelationships('facts', '\"March 2017\"') YIELD relationship, score RETURN type(relationship), score;"),
    ("DROP INDEX", "DROP INDEX name [IF EXISTS]\n  removes an index (SHOW INDEXES lists their names).\n  DROP INDEX person_name IF EXISTS;"),
    ("SHOW INDEXES", "SHOW INDEXES\n  the indexes, in Neo4j's columns (name, state, labelsOrTypes, properties, ...).\n  SHOW INDEXES;"),
    ("CREATE CONSTRAINT", "CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.key IS UNIQUE | IS NOT NULL | IS NODE KEY | IS :: TYPE\n  a rule every write must keep (a statement that breaks it changes nothing); FOR ()-[r:TYPE]-() for relationships.\n  CREATE CONSTRAINT book_isbn IF NOT EXISTS FOR (b:Book) REQUIRE b.isbn IS UNIQUE;"),
    ("DROP CONSTRAINT", "DROP CONSTRAINT name [IF EXISTS]\n  removes a constraint.\n  DROP CONSTRAINT book_isbn IF EXISTS;"),
    ("SHOW CONSTRAINTS", "SHOW CONSTRAINTS\n  the constraints, in Neo4j's columns.\n  SHOW CONSTRAINTS;"),
    ("SHOW PROCEDURES", "SHOW PROCEDURES\n  the procedures CALL runs, with their signatures.\n  SHOW PROCEDURES YIELD name, signature RETURN name, signature;"),
    ("SHOW FUNCTIONS", "SHOW FUNCTIONS\n  every function, with its signature.\n  SHOW FUNCTIONS YIELD name, signature RETURN name, signature LIMIT 5;"),
    ("FOREACH", "FOREACH (x IN list | SET ... | CREATE ... | MERGE ... | DELETE ...)\n  writes once per element of a list, without changing the rows.\n  MATCH p = (:Person)-[:VISITED]->(:Country) FOREACH (n IN nodes(p) | SET n.seen = true);"),
    ("LOAD CSV", "LOAD CSV [WITH HEADERS] FROM 'file:///name.csv' AS row [FIELDTERMINATOR ';']\n  a row per line of a file in the import directory (--import-dir; the current one by default): a list, or a map with headers.\n  LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row MERGE (:Person {name: row.name});"),
    ("CALL {}", "CALL [(vars)] { subquery } [IN TRANSACTIONS [OF n ROWS] [ON ERROR CONTINUE|BREAK|FAIL] [REPORT STATUS AS s]]\n  runs a subquery for each row; IN TRANSACTIONS commits each batch of rows on its own.\n  MATCH (c:Country) CALL (c) { MATCH (c)-[r]-() RETURN count(r) AS links } RETURN c.name, links ORDER BY links DESC LIMIT 3;"),
    ("IN TRANSACTIONS", "CALL { ... } IN TRANSACTIONS [OF n ROWS] [ON ERROR CONTINUE|BREAK|FAIL] [REPORT STATUS AS s]\n  a batched write: each batch is committed (on a database, logged and synced) as it ends.\n  UNWIND range(1, 10000) AS i CALL (i) { CREATE (:Row {i: i}) } IN TRANSACTIONS OF 1000 ROWS;"),
    ("OPTIONAL CALL", "OPTIONAL CALL { subquery }\n  like CALL, but keeps the row (with nulls) when the subquery gives none.\n  MATCH (c:Country) OPTIONAL CALL (c) { MATCH (c)<-[:VISITED]-(p) RETURN p } RETURN c.name, p.name LIMIT 5;"),
    ("EXISTS", "EXISTS { pattern or subquery }\n  true when the pattern matches (or the subquery gives a row).\n  MATCH (c:Country) WHERE EXISTS { (c)<-[:VISITED]-() } RETURN c.name;"),
    ("COUNT", "COUNT { pattern or subquery }\n  the number of matches (or rows).\n  MATCH (c:Country) RETURN c.name, COUNT { (c)<-[:VISITED]-() } AS visits ORDER BY visits DESC LIMIT 3;"),
    ("COLLECT", "COLLECT { subquery returning one column }\n  the subquery's values as a list.\n  MATCH (c:Country) RETURN c.name, COLLECT { MATCH (c)<-[:VISITED]-(p) RETURN p.name } AS visitors LIMIT 3;"),
    ("CASE", "CASE [x] WHEN value|condition THEN result ... [ELSE result] END\n  the first branch that applies (WHEN 1, 2 and WHEN > 5 in the simple form).\n  UNWIND [1, 7, 12] AS n RETURN n, CASE n WHEN 1, 2 THEN 'small' WHEN > 10 THEN 'large' ELSE 'medium' END AS size;"),
    ("transactions", ":begin opens a transaction; the statements until :commit are kept together (on a database, durably), :rollback undoes them.\n  Without :begin each statement is its own transaction: all of it is kept, or none."),
    ("patterns", "(n:Label {key: value})  a node;  -[r:TYPE]->  a relationship;  -[:A|B]-  either type, either direction;\n  -[*1..3]->  one to three hops;  p = (a)-->(b)  a named path;  shortestPath((a)-[*]-(b))"),
    ("keys", "Tab completes keywords, functions, labels (after ':'), types (after '-[:'), property keys (after 'v.'),\n  node names (inside 'name: ...' strings), variables and $parameters.  Ctrl-R searches the history.\n  Right-arrow accepts a grey hint.  Ctrl-C cancels a running query or clears the line.  Ctrl-D quits."),
];

/// Every topic `:help` answers besides commands, functions and procedures.
pub fn topics() -> impl Iterator<Item = &'static str> {
    CLAUSE_HELP.iter().map(|(n, _)| *n)
}

/// `:help` (the commands) or `:help TOPIC`: a clause, function, procedure or command; an
/// unknown topic is an error with the nearest one.
pub fn help(topic: Option<&str>) -> Result<String, String> {
    let Some(topic) = topic else {
        let mut s = String::from(
            "Statements end with ';' and may span several lines (the prompt turns to ...> until the ';'); \
             :commands run at once.\nTab completes, Ctrl-R searches history, Ctrl-C cancels a running query, \
             Ctrl-D quits.\n\nCommands:\n",
        );
        for (c, about) in COMMANDS {
            let (args, text) = match about.split_once("  ") {
                Some((a, t))
                    if a.chars().next().is_some_and(|c| c.is_ascii_uppercase() || c == '[') || a.contains('|') =>
                {
                    (a, t)
                }
                _ => ("", *about),
            };
            s.push_str(&format!("  {:<30} {text}\n", format!("{c} {args}").trim_end()));
        }
        s.push_str(
            "\n:help CLAUSE (MATCH, CREATE INDEX, PROFILE, ...), :help FUNCTION (toUpper), :help PROCEDURE \
             (algo.pagerank) or :help keys for more.",
        );
        return Ok(s);
    };
    let t = topic.trim().trim_end_matches(';').trim();
    let bare = t.trim_start_matches(':');
    let upper = bare.to_uppercase();
    // `CALL { ... }`, `EXISTS {}` and the like name the clause before the brace.
    let clause = bare.split(['{', '(']).next().unwrap_or(bare).trim();
    let braced = format!("{clause} {{}}");
    let wanted = [bare, braced.as_str(), clause];
    let found = wanted
        .iter()
        .filter(|w| !w.is_empty() && (**w != braced.as_str() || bare.contains('{')))
        .find_map(|w| CLAUSE_HELP.iter().find(|(n, _)| n.eq_ignore_ascii_case(w)));
    if let Some((name, text)) = found {
        return Ok(format!("{name}: {text}"));
    }
    if let Some(f) = crate::catalog::functions::lookup(clause).filter(|f| !f.name.starts_with("__")) {
        let kind = if crate::catalog::is_aggregate(f.name) { "aggregate function" } else { "function" };
        return Ok(format!("{} — {kind}, {}{}", f.signature, f.arity_text(), example(f.name)));
    }
    if let Some(p) = crate::catalog::procedures::signature(clause) {
        return Ok(format!("{}\n  outputs: {}{}", p.doc, p.outputs.join(", "), example(p.name)));
    }
    if let Some((c, about)) = COMMANDS.iter().find(|(c, _)| c[1..].eq_ignore_ascii_case(bare)) {
        return Ok(format!("{c} {about}"));
    }
    let names: Vec<String> = CLAUSE_HELP
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(diagnose::function_names().into_iter().map(String::from))
        .chain(crate::catalog::procedures::PROCEDURES.iter().map(|p| p.name.to_string()))
        .collect();
    let mut m = format!("no help on `{t}`");
    if let Some(s) = did_you_mean(&upper, names.iter().map(String::as_str))
        .or_else(|| did_you_mean(bare, names.iter().map(String::as_str)))
    {
        m.push_str(&format!("; did you mean :help {s}?"));
    }
    Err(m)
}

/// The example of a function or procedure and its result, run on the bundled graph (within a
/// second); empty when there is none.
fn example(name: &str) -> String {
    let Some((_, stmt)) = EXAMPLES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else {
        return String::new();
    };
    let mut text = format!("\n\nexample:\n  {stmt};\n");
    let Ok(graph) = crate::graphs::default_graph() else { return text };
    let mut session = crate::session::Session::new(graph);
    session.timeout = Some(std::time::Duration::from_secs(1));
    if let Ok(o) = session.run_statement(stmt, &crate::exec::Params::new()) {
        let t = crate::output::table::render(&session.graph, &o.result, crate::output::table::Layout::Cut, Some(100));
        for line in t.body.lines().chain([t.footer.as_str()]) {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_topics() {
        assert!(help(None).unwrap().contains(":whynot"));
        assert!(help(Some("match")).unwrap().starts_with("MATCH:"));
        assert!(help(Some("toupper")).unwrap().contains("toUpper(string) :: STRING"));
        assert!(help(Some("db.search")).unwrap().contains("outputs: node, score"));
        assert!(help(Some("CREATE INDEX")).unwrap().starts_with("CREATE INDEX:"));
        assert!(help(Some("CALL { }")).unwrap().starts_with("CALL {}:"));
        assert_eq!(help(Some("MACTH")), Err("no help on `MACTH`; did you mean :help MATCH?".into()));
    }

    #[test]
    fn a_functions_help_shows_its_example_and_the_result() {
        let h = help(Some("toUpper")).unwrap();
        let (_, stmt) = EXAMPLES.iter().find(|(n, _)| *n == "toupper").expect("an example of toUpper");
        assert!(h.contains(stmt), "{h}");
        assert!(h.contains("1 row"), "{h}");
    }

    #[test]
    fn every_function_and_procedure_has_an_example_that_runs() {
        let names = crate::catalog::functions::FUNCTIONS
            .iter()
            .map(|f| f.name)
            .filter(|n| !n.starts_with("__"))
            .chain(crate::catalog::procedures::PROCEDURES.iter().map(|p| p.name));
        let mut session = crate::session::Session::new(crate::graphs::default_graph().unwrap());
        for name in names {
            let (_, stmt) = EXAMPLES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .unwrap_or_else(|| panic!("no :help example for {name}"));
            let r = session.run_statement(stmt, &crate::exec::Params::new());
            assert!(r.is_ok_and(|o| !o.result.rows.is_empty()), "the example of {name} gives no rows: {stmt}");
        }
    }
}
