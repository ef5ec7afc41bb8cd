//! Search by what the documents say (issue "Evidence everywhere"): `db.search` over names,
//! initials and evidence sentences; Neo4j's full-text indexes (`CREATE FULLTEXT INDEX`,
//! `db.index.fulltext.queryNodes/queryRelationships`, Lucene's query syntax), kept with the graph
//! in snapshots, logs and scripts and following its changes; `kg.connections`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::Value;

fn kg() -> Session {
    Session::new(silkgraph::graphs::default_graph().expect("bundled graph loads"))
}

fn rows(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

fn err(s: &mut Session, q: &str) -> String {
    match s.run_statement(q, &Params::new()) {
        Ok(_) => panic!("{q}: expected an error"),
        Err(e) => e.message,
    }
}

fn strings(s: &mut Session, q: &str) -> Vec<String> {
    rows(s, q)
        .into_iter()
        .map(|r| match &r[0] {
            Value::String(x) => x.to_string(),
            v => panic!("{q}: expected strings, got {v:?}"),
        })
        .collect()
}

fn search_first(s: &mut Session, text: &str) -> (String, Option<String>) {
    let q = format!(
        "CALL db.search({}) YIELD node, quote RETURN node.name, quote LIMIT 1",
        silkgraph::value::quote_string(text)
    );
    let r = rows(s, &q);
    let Some(row) = r.first() else { panic!("{text}: no hit") };
    let name = match &row[0] {
        Value::String(x) => x.to_string(),
        v => panic!("{v:?}"),
    };
    let quote = match &row[1] {
        Value::String(x) => Some(x.to_string()),
        _ => None,
    };
    (name, quote)
}

#[test]
fn db_search_finds_by_words_initials_and_sentences() {
    let mut s = kg();
    // Several words, one of them only in the sentence: the event and the sentence that dates it.
    let (name, quote) = search_first(&mut s, "consultations 2018");
    assert!(name.starts_with("Political consultations"), "{name}");
    assert!(quote.as_deref().is_some_and(|q| q.contains("2018")), "{quote:?}");
    // `+` read as "plus", and the words in another order.
    let (name, _) = search_first(&mut s, "Central Asia plus Japan dialogue");
    assert_eq!(name, "Japan + Central Asia");
    // An abbreviation no document writes: the initials of the name.
    assert_eq!(search_first(&mut s, "OVOP").0, "One Village, One Product");
    // Typos still find a name, and an exact name comes first with score 1.
    assert!(search_first(&mut s, "JAPARAV").0.contains("Japarov"));
    let top = rows(&mut s, "CALL db.search('Kyrgyzstan') YIELD node, score RETURN node.name, score LIMIT 1");
    assert_eq!(top[0], vec![Value::str("Kyrgyzstan"), Value::Float(1.0)]);
    // The fact a sentence hit rests on: a relationship's quote names the relationship.
    let fact = rows(
        &mut s,
        "CALL db.search('grant agreements 46 million') YIELD node, fact, quote, source \
         WHERE quote IS NOT NULL RETURN fact, quote, source LIMIT 1",
    );
    assert!(matches!(fact[0][0], Value::Rel(_) | Value::Node(_)));
    assert!(matches!(&fact[0][1], Value::String(q) if q.contains("46 million")), "{fact:?}");
    assert_eq!(fact[0][2], Value::str("000_abeb9ff96c849685.txt"));
    // Nothing to find is no rows, not an error.
    assert!(rows(&mut s, "CALL db.search('?!') YIELD node RETURN node").is_empty());
}

#[test]
fn fulltext_indexes_take_neo4j_syntax_and_lucene_queries() {
    let mut s = kg();
    rows(&mut s, "CREATE FULLTEXT INDEX names FOR (n:Person|Office) ON EACH [n.name, n.aliases]");
    rows(&mut s, "CREATE FULLTEXT INDEX quotes IF NOT EXISTS FOR ()-[r:VISITED]-() ON EACH [r.quote, r.date_quote]");
    // IF NOT EXISTS again is no change; without it, the name is taken.
    let again = s.run_statement(
        "CREATE FULLTEXT INDEX quotes IF NOT EXISTS FOR ()-[r:VISITED]-() ON EACH [r.quote, r.date_quote]",
        &Params::new(),
    );
    assert_eq!(again.unwrap().result.stats.indexes_added, 0);
    assert!(err(&mut s, "CREATE FULLTEXT INDEX names FOR (n:Country) ON EACH [n.name]").contains("already exists"));

    // Neo4j's columns: name, type, entityType, labelsOrTypes, properties, indexProvider.
    let shown = rows(&mut s, "SHOW FULLTEXT INDEXES");
    let cols = |r: &Vec<Value>| [1, 4, 5, 6, 7, 8].map(|i| r[i].clone());
    let strs = |xs: &[&str]| Value::List(xs.iter().map(|x| Value::str(x)).collect());
    // The bundled graph's own two (`entities`, `facts`), then these, by name.
    assert_eq!(shown.len(), 4, "{shown:?}");
    assert_eq!(
        cols(&shown[2]),
        [
            Value::str("names"),
            Value::str("FULLTEXT"),
            Value::str("NODE"),
            strs(&["Person", "Office"]),
            strs(&["name", "aliases"]),
            Value::str("fulltext-1.0")
        ]
    );
    assert_eq!(cols(&shown[3])[2], Value::str("RELATIONSHIP"));
    let before = rows(&mut s, "SHOW INDEXES").len();
    rows(&mut s, "CREATE INDEX FOR (n:Person) ON (n.name)");
    assert_eq!(rows(&mut s, "SHOW INDEXES").len(), before + 1);
    assert_eq!(rows(&mut s, "SHOW FULLTEXT INDEXES").len(), 4);

    let q = |s: &mut Session, query: &str| {
        strings(
            s,
            &format!(
                "CALL db.index.fulltext.queryNodes('names', {}) YIELD node, score RETURN node.name ORDER BY score DESC, node.name",
                silkgraph::value::quote_string(query)
            ),
        )
    };
    assert_eq!(q(&mut s, "kishida"), ["Fumio Kishida"]);
    assert_eq!(q(&mut s, "japar*"), ["Sadyr Japarov"], "a prefix");
    assert_eq!(q(&mut s, "kishdia~"), ["Fumio Kishida"], "a fuzzy term");
    assert_eq!(q(&mut s, "name:\"Prime Minister of Japan\""), ["Prime Minister of Japan"], "a phrase in a field");
    let both = q(&mut s, "minister AND japan");
    assert!(
        both.contains(&"Prime Minister of Japan".to_string()) && !both.iter().any(|n| n.contains("Kyrgyz")),
        "{both:?}"
    );
    let paged = strings(
        &mut s,
        "CALL db.index.fulltext.queryNodes('names', 'minister', {skip: 1, limit: 2}) YIELD node RETURN node.name",
    );
    assert_eq!(paged.len(), 2);

    let visits = rows(
        &mut s,
        "CALL db.index.fulltext.queryRelationships('quotes', '\"March 2017\"') YIELD relationship, score \
         RETURN type(relationship), score",
    );
    assert!(!visits.is_empty() && visits.iter().all(|r| r[0] == Value::str("VISITED")), "{visits:?}");

    // Clear errors: no such index, the wrong kind, a query that does not parse, a bad option.
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('nope', 'x') YIELD node RETURN node")
        .contains("there is no full-text index named nope; its full-text indexes: entities, facts, names, quotes"));
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('quotes', 'x') YIELD node RETURN node")
        .contains("call db.index.fulltext.queryRelationships"));
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('names', 'a AND (') YIELD node RETURN node")
        .contains("does not parse"));
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('names', 'a', {top: 1}) YIELD node RETURN node")
        .contains("unknown option `top`"));

    rows(&mut s, "DROP INDEX names");
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('names', 'x') YIELD node RETURN node")
        .contains("no full-text index"));
}

#[test]
fn a_fulltext_index_follows_the_graph_and_its_transactions() {
    let mut s = Session::new(Graph::new());
    rows(&mut s, "CREATE FULLTEXT INDEX notes FOR (n:Note) ON EACH [n.text]");
    let find = |s: &mut Session, w: &str| {
        strings(s, &format!("CALL db.index.fulltext.queryNodes('notes', '{w}') YIELD node RETURN node.text"))
    };
    assert!(find(&mut s, "avalanche").is_empty());
    rows(&mut s, "CREATE (:Note {text: 'Avalanche protection on the road'}), (:Other {text: 'avalanche'})");
    assert_eq!(find(&mut s, "avalanche"), ["Avalanche protection on the road"], "only the index's label");
    rows(&mut s, "MATCH (n:Note) SET n.text = 'Workshops for road equipment'");
    assert!(find(&mut s, "avalanche").is_empty(), "a changed value leaves no stale term");
    assert_eq!(find(&mut s, "workshops").len(), 1);

    // A rolled-back transaction leaves neither its index nor its terms.
    s.begin().unwrap();
    rows(&mut s, "CREATE FULLTEXT INDEX temp FOR (n:Note) ON EACH [n.text]");
    rows(&mut s, "CREATE (:Note {text: 'temporary words'})");
    assert_eq!(find(&mut s, "temporary").len(), 1);
    s.rollback().unwrap();
    assert!(find(&mut s, "temporary").is_empty());
    assert!(err(&mut s, "CALL db.index.fulltext.queryNodes('temp', 'x') YIELD node RETURN node")
        .contains("no full-text index"));

    // A Cypher script of the graph makes the index again, here and in Neo4j.
    let script = silkgraph::graphs::to_cypher_script(&s.graph);
    assert!(script.contains("CREATE FULLTEXT INDEX notes FOR (e:Note) ON EACH [e.text];"), "{script}");
    let mut back = Session::new(Session::load_script(&script).unwrap());
    assert_eq!(find(&mut back, "workshops").len(), 1);
    // So does a snapshot.
    let mut snap = Session::new(Graph::from_snapshot(&s.graph.to_snapshot().unwrap()).unwrap());
    assert_eq!(find(&mut snap, "workshops").len(), 1);
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("silkgraph-search-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_fulltext_index_survives_a_killed_writer() {
    let dir = scratch("killed");
    let db = dir.join("g.sg");
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    // The index and a node are committed to the log; the writer is killed before it closes
    // (no checkpoint), so they come back from the log alone.
    let mut child = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "--format", "jsonl", "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    use std::io::Write;
    stdin
        .write_all(
            b"CREATE FULLTEXT INDEX notes FOR (n:Note) ON EACH [n.text];\nCREATE (:Note {text: 'kept words'});\n",
        )
        .unwrap();
    drop(stdin);
    let mut out = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 1024];
    while seen.matches('\n').count() < 2 {
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "the writer stopped early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let got = Command::new(bin)
        .args([
            "--graph",
            db.to_str().unwrap(),
            "--format",
            "csv",
            "query",
            "CALL db.index.fulltext.queryNodes('notes', 'kept') YIELD node RETURN node.text",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&got.stdout);
    assert!(text.contains("kept words"), "{text}{}", String::from_utf8_lossy(&got.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn connections_rank_specific_paths_above_hubs() {
    // A and B meet through a hub (one of fifty) and through two specific nodes.
    let mut s = Session::new(Graph::new());
    rows(
        &mut s,
        "CREATE (a:E {name: 'A'}), (b:E {name: 'B'}), (h:E {name: 'Hub'}), (x:E {name: 'x'}), (y:E {name: 'y'}) \
         CREATE (a)-[:R]->(h), (h)-[:R]->(b), (a)-[:R]->(x), (x)-[:R]->(y), (y)-[:R]->(b) \
         WITH h UNWIND range(1, 50) AS i CREATE (h)-[:R]->(:E {name: 'leaf' + i})",
    );
    let via = |s: &mut Session, opts: &str| {
        let q = format!(
            "MATCH (a {{name: 'A'}}), (b {{name: 'B'}}) CALL kg.connections(a, b, {opts}) YIELD path, hops \
             RETURN [n IN nodes(path) | n.name] AS names"
        );
        rows(s, &q).into_iter().map(|r| r[0].clone()).collect::<Vec<_>>()
    };
    let names = |xs: &[&str]| Value::List(xs.iter().map(|x| Value::str(x)).collect());
    let specific = via(&mut s, "{}");
    assert_eq!(specific[0], names(&["A", "x", "y", "B"]), "{specific:?}");
    assert_eq!(specific[1], names(&["A", "Hub", "B"]));
    let shortest = via(&mut s, "{avoidHubs: false}");
    assert_eq!(shortest[0], names(&["A", "Hub", "B"]));
    assert!(via(&mut s, "{maxHops: 2}").iter().all(|p| *p == names(&["A", "Hub", "B"])));
    assert!(via(&mut s, "{types: ['OTHER']}").is_empty());
    assert!(err(&mut s, "MATCH (a {name: 'A'}) CALL kg.connections(a, a, {hops: 2}) YIELD path RETURN path")
        .contains("option `hops` is not one of"));

    // On the bundled graph: the President and Muru Systems meet at the signing ceremony, not
    // through a country; each connection comes with its relationships' quotes.
    let mut k = kg();
    let r = rows(
        &mut k,
        "MATCH (a:Person {name: 'Sadyr Japarov'}), (b:Company {name: 'Muru Systems'}) \
         CALL kg.connections(a, b) YIELD path, quotes RETURN [n IN nodes(path) | n.name], quotes LIMIT 1",
    );
    let Value::List(via) = &r[0][0] else { panic!("{r:?}") };
    assert!(via.contains(&Value::str("Bilateral document signing ceremony")), "{via:?}");
    assert!(!via.contains(&Value::str("Japan")) && !via.contains(&Value::str("Kyrgyzstan")), "{via:?}");
    let Value::List(quotes) = &r[0][1] else { panic!() };
    assert_eq!(quotes.len(), via.len() - 1);
    assert!(quotes.iter().all(|q| matches!(q, Value::String(_))));
}

#[test]
fn hostile_fulltext_queries_get_errors_not_crashes() {
    let mut s = kg();
    let deep = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
    let long = "word ".repeat(20_000);
    for query in [deep.as_str(), "\"unclosed phrase", "name:", ")(", "*", "~", "a~9", "日本 Кыргызстан", &long, ""]
    {
        let r = s.run_statement(
            "CALL db.index.fulltext.queryNodes('entities', $q, {limit: 9223372036854775807}) YIELD node RETURN count(node)",
            &[("q".to_string(), Value::str(query))].into_iter().collect(),
        );
        // Either rows or an error that says what: never a panic, whatever the text.
        if let Err(e) = &r {
            assert!(e.message.contains("full-text"), "{}: {}", query.chars().take(40).collect::<String>(), e.message);
        }
    }
    // db.search takes any text as words.
    for text in [deep.as_str(), "\"", "AND OR NOT", "+-&|!(){}[]^\"~*?:\\/"] {
        rows(
            &mut s,
            &format!("CALL db.search({}) YIELD node RETURN count(node)", silkgraph::value::quote_string(text)),
        );
    }
}
