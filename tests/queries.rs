//! Engine behaviour through the library API: rollback of failed statements, and results that
//! must agree with openCypher semantics in cases the TCK's clause scenarios do not pin down.

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

#[test]
fn a_failed_statement_changes_nothing() {
    let mut s = Session::default();
    run(&mut s, "CREATE (:A {x: 1})-[:R]->(:B)");
    let err = s.run_statement("MATCH (a:A) SET a.x = 2 CREATE (:C) WITH a RETURN 1 / 0", &Params::new());
    assert!(err.is_err());
    assert_eq!(run(&mut s, "MATCH (a:A) RETURN a.x"), vec![vec![Value::Int(1)]]);
    assert_eq!(run(&mut s, "MATCH (n) RETURN count(n)"), vec![vec![Value::Int(2)]]);
    assert!(s.run_statement("MATCH (a:A) DELETE a", &Params::new()).is_err());
    assert_eq!(run(&mut s, "MATCH ()-[r]->() RETURN count(r)"), vec![vec![Value::Int(1)]]);
}

#[test]
fn integer_overflow_is_an_error_not_a_wrap() {
    let mut s = Session::default();
    let e = s.run_statement("RETURN 9223372036854775807 + 1", &Params::new()).unwrap_err();
    assert_eq!(e.detail, "IntegerOverflow");
}

#[test]
fn shortest_path_and_var_length() {
    let mut s = Session::default();
    run(&mut s, "CREATE (a:N {i: 1})-[:T]->(b:N {i: 2})-[:T]->(c:N {i: 3})-[:T]->(d:N {i: 4}), (a)-[:T]->(d)");
    let r = run(&mut s, "MATCH p = shortestPath((a:N {i: 1})-[*]->(d:N {i: 4})) RETURN length(p)");
    assert_eq!(r, vec![vec![Value::Int(1)]]);
    let r = run(&mut s, "MATCH (a:N {i: 1})-[*2..3]->(x) RETURN x.i ORDER BY x.i");
    assert_eq!(r, vec![vec![Value::Int(3)], vec![Value::Int(4)]]);
}

#[test]
fn profile_counts_the_rows_of_each_operator_and_keeps_the_changes() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(1, 10) AS i CREATE (:P {i: i})-[:R]->(:Q {i: i})");
    run(&mut s, "MATCH (p:P {i: 1}) CREATE (p)-[:R]->(:Q {i: 100})");
    let out = s
        .run_statement("PROFILE MATCH (p:P)-[:R]->(q:Q) WHERE q.i > 5 RETURN p.i, collect(q.i) AS n", &Params::new())
        .unwrap();
    // The query's rows, as in Neo4j, and each operator's.
    assert_eq!(out.result.columns, ["p.i", "n"]);
    assert_eq!(out.result.rows.len(), 6);
    let ops = out.result.profile.clone().expect("PROFILE gives each operator's rows");
    let rows: Vec<(String, i64)> = ops
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::String(op), Value::Int(n)) => (op.trim().to_string(), *n),
            (Value::String(op), _) => (op.trim().to_string(), -1),
            other => panic!("{other:?}"),
        })
        .collect();
    let count = |prefix: &str| rows.iter().find(|(op, _)| op.starts_with(prefix)).map(|(_, n)| *n);
    // 10 persons, 11 relationships, 6 of them to a Q with i > 5 (6..10 and 100), one row per p.
    assert_eq!(count("NodeByLabelScan"), Some(10), "{rows:?}");
    assert_eq!(count("Expand"), Some(11), "{rows:?}");
    assert_eq!(count("Filter"), Some(6), "{rows:?}");
    assert_eq!(count("Aggregation"), Some(6), "{rows:?}");
    assert_eq!(count("ProduceResults"), Some(6));
    assert_eq!(rows.last().map(|(op, n)| (op.as_str(), *n)), Some(("Total", 6)));
    // Every timed operator has a time, never negative.
    assert!(ops.iter().all(|r| matches!(r[2], Value::Null) || matches!(r[2], Value::Float(f) if f >= 0.0)));
    // A profiled write happens, as in Neo4j.
    s.run_statement("PROFILE CREATE (:New)", &Params::new()).unwrap();
    assert_eq!(run(&mut s, "MATCH (n:New) RETURN count(n)"), vec![vec![Value::Int(1)]]);
    // And plain statements afterwards are not profiled.
    assert_eq!(run(&mut s, "RETURN 1 AS x"), vec![vec![Value::Int(1)]]);
}

#[test]
fn a_lookup_made_twice_on_a_large_label_indexes_it_unless_turned_off() {
    let n = 20_000;
    let mut s = Session::default();
    run(&mut s, &format!("UNWIND range(1, {n}) AS i CREATE (:P {{name: 'p' + i, i: i}})"));
    run(&mut s, "UNWIND range(1, 10) AS i CREATE (:Small {name: 'p' + i})");
    // EXPLAIN only says what would run, and a first lookup scans: no index yet.
    run(&mut s, "EXPLAIN MATCH (p:P {name: 'p7'}) RETURN p.i");
    assert_eq!(run(&mut s, "MATCH (p:P {name: 'p7'}) RETURN p.i"), vec![vec![Value::Int(7)]]);
    assert!(run(&mut s, "SHOW INDEXES").is_empty());
    assert_eq!(run(&mut s, "MATCH (p:P {name: 'p7'}) RETURN p.i"), vec![vec![Value::Int(7)]]);
    let ix = run(&mut s, "SHOW INDEXES");
    assert_eq!(ix.len(), 1, "{ix:?}");
    assert_eq!((&ix[0][1], &ix[0][4], &ix[0][11]), (&Value::str("auto_p_name"), &Value::str("RANGE"), &Value::Int(n)));
    let plan = run(&mut s, "EXPLAIN MATCH (p:P) WHERE p.name = 'p9' RETURN p.i");
    assert!(plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("NodeIndexSeek"))), "{plan:?}");
    // `IN` a list looks each element up.
    let plan = run(&mut s, "EXPLAIN MATCH (p:P) WHERE p.name IN ['p3', 'p5', null, 'nobody'] RETURN p.i");
    assert!(plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("NodeIndexSeekByList"))), "{plan:?}");
    let r = run(&mut s, "MATCH (p:P) WHERE p.name IN ['p3', 'p5', null, 'nobody', 'p3'] RETURN p.i ORDER BY p.i");
    assert_eq!(r, vec![vec![Value::Int(3)], vec![Value::Int(5)]]);
    // Writes keep it up to date, and small labels are scanned.
    run(&mut s, "MATCH (p:P {name: 'p7'}) SET p.name = 'seven'");
    assert_eq!(run(&mut s, "MATCH (p:P {name: 'seven'}) RETURN p.i"), vec![vec![Value::Int(7)]]);
    assert!(run(&mut s, "MATCH (p:P {name: 'p7'}) RETURN p.i").is_empty());
    assert_eq!(run(&mut s, "MATCH (p:Small {name: 'p3'}) RETURN count(*)"), vec![vec![Value::Int(1)]]);
    assert_eq!(run(&mut s, "SHOW INDEXES").len(), 1);
    // Turned off, lookups scan.
    run(&mut s, "DROP INDEX auto_p_name");
    s.no_auto_index = true;
    for _ in 0..3 {
        assert_eq!(run(&mut s, "MATCH (p:P {name: 'p8'}) RETURN p.i"), vec![vec![Value::Int(8)]]);
    }
    assert!(run(&mut s, "SHOW INDEXES").is_empty());
}

#[test]
fn a_lookup_made_again_on_a_middle_sized_label_gets_its_index() {
    let n = silkgraph::session::AUTO_INDEX_AGAIN_MIN as i64;
    let mut s = Session::default();
    run(&mut s, &format!("UNWIND range(1, {n}) AS i CREATE (:M {{name: 'm' + i, i: i}})"));
    run(&mut s, &format!("UNWIND range(1, {}) AS i CREATE (:Small {{name: 's' + i}})", n - 1));
    let seek = |s: &mut Session, q: &str| {
        let plan = run(s, &format!("EXPLAIN {q}"));
        plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("NodeIndexSeek")))
    };
    // Run once, and explained any number of times: scanned, no index.
    assert_eq!(run(&mut s, "MATCH (m:M {name: 'm7'}) RETURN m.i"), vec![vec![Value::Int(7)]]);
    assert!(!seek(&mut s, "MATCH (m:M {name: 'm7'}) RETURN m.i"));
    assert!(!seek(&mut s, "MATCH (m:M {name: 'm7'}) RETURN m.i"));
    assert!(run(&mut s, "SHOW INDEXES").is_empty());
    // A second lookup by the same label and key (another statement's text counts too) makes it.
    assert_eq!(run(&mut s, "MATCH (m:M) WHERE m.name = 'm9' RETURN m.i"), vec![vec![Value::Int(9)]]);
    let ix = run(&mut s, "SHOW INDEXES");
    assert_eq!(ix.len(), 1, "{ix:?}");
    assert_eq!(ix[0][1], Value::str("auto_m_name"));
    assert!(seek(&mut s, "MATCH (m:M {name: 'm7'}) RETURN m.i"));
    assert_eq!(run(&mut s, "MATCH (m:M {name: 'm7'}) RETURN m.i"), vec![vec![Value::Int(7)]]);
    // A label below the bound is scanned however often it is looked up.
    for _ in 0..3 {
        assert_eq!(run(&mut s, "MATCH (x:Small {name: 's3'}) RETURN count(*)"), vec![vec![Value::Int(1)]]);
    }
    assert_eq!(run(&mut s, "SHOW INDEXES").len(), 1);
}

/// A count of a pattern's last hop is read off the length of the node's run, less the
/// relationships the pattern used already: the counts agree with the paths listed, self-loops
/// and hops in both directions included.
#[test]
fn counted_hops_agree_with_the_paths_listed() {
    let mut s = Session::default();
    run(
        &mut s,
        "CREATE (a:N {i:1}), (b:N {i:2}), (c:N {i:3}), (a)-[:T]->(b), (c)-[:T]->(b), (a)-[:T]->(a), \
         (b)-[:T]->(b), (b)-[:T]->(c), (a)-[:T]->(c), (c)-[:U]->(a)",
    );
    for pattern in [
        "(x:N)-[:T]->(y)<-[:T]-(z)",
        "(x:N)-[:T]->(y)-[:T]->(z)",
        "(x:N)<-[:T]-(y)<-[:T]-(z)",
        "(x:N)<-[:T]-(y)-[:T]->(z)",
        "(x:N)-[:T]->(y)-[:T]->(z)-[:T]->(w)",
        "(x:N)-[:T*1..2]->(y)-[:T]->(z)",
        "(x:N)-[:T]-(y)-[:T]->(z)",
        "(x:N)-[:T|U]->(y)-[:T]->(z)",
        "(x:N)<-[:U]-(y)-[:T]->(z)",
        "(x:N)-[:U]->(y)<-[:T]-(z)",
        "(x:N)<-[:T]-(y)-[:T]->(z)",
        "(x:N)<-[:T]-(y)<-[:T]-(z)",
    ] {
        let counted = run(&mut s, &format!("MATCH {pattern} RETURN count(*)"));
        let listed = run(&mut s, &format!("MATCH {pattern} RETURN size(collect(z))"));
        assert_eq!(counted, listed, "{pattern}");
        // Grouped by the start (the first hop then sums the second's counts per start node).
        let counted = run(&mut s, &format!("MATCH {pattern} RETURN x.i AS i, count(*) AS n ORDER BY i"));
        let listed = run(&mut s, &format!("MATCH {pattern} RETURN x.i AS i, size(collect(z)) AS n ORDER BY i"));
        assert_eq!(counted, listed, "{pattern}");
    }
    let plan = run(&mut s, "EXPLAIN MATCH (x:N)-[:T]->(y:N)-[:T]->(z:N) RETURN x.i, count(*)");
    assert!(plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("summing the next hop's counts"))));
    // Grouped by the scanned node itself, each node is one group: no table of groups.
    let q = "MATCH (x:N)<-[:T]-(y) WITH x, count(*) AS n WHERE n > 1 RETURN x.i AS i, n ORDER BY i";
    let listed = "MATCH (x:N)<-[:T]-(y) WITH x, size(collect(y)) AS n WHERE n > 1 RETURN x.i AS i, n ORDER BY i";
    assert_eq!(run(&mut s, q), run(&mut s, listed));
    assert_eq!(run(&mut s, q), vec![vec![Value::Int(2), Value::Int(3)], vec![Value::Int(3), Value::Int(2)]]);
    let plan = run(&mut s, &format!("EXPLAIN {q}"));
    assert!(!plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("Aggregation"))), "{plan:?}");
    // A count grouped by the middle node cannot fold the first hop.
    let plan = run(&mut s, "EXPLAIN MATCH (x:N)-[:T]->(y:N)-[:T]->(z:N) RETURN y.i, count(*)");
    assert!(!plan.iter().any(|r| matches!(&r[0], Value::String(t) if t.contains("summing"))), "{plan:?}");
}

/// `n.key STARTS WITH / ENDS WITH / CONTAINS 'text'` reads the text where the store keeps it;
/// a value that is not a string, or none, gives null, as the plain road does.
#[test]
fn string_predicates_read_in_place_answer_as_the_plain_road_does() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(1, 3000) AS i CREATE (:S {v: CASE i % 4 WHEN 0 THEN 'ab' + i WHEN 1 THEN i WHEN 2 THEN null ELSE 'x' + i + 'ab' END})");
    for (cond, want) in [
        ("n.v STARTS WITH 'ab'", 750),
        ("n.v ENDS WITH 'ab'", 750),
        ("n.v CONTAINS 'ab'", 1500),
        ("n.v CONTAINS '12'", -1),
        ("(n.v CONTAINS 'zz') IS NULL", 1500),
        ("NOT n.v CONTAINS 'ab'", 0),
    ] {
        let got = run(&mut s, &format!("MATCH (n:S) WHERE {cond} RETURN count(*)"));
        // The same question asked of each value in turn, as `eval` answers it.
        let plain = format!("MATCH (n:S) WITH n.v AS v WHERE {} RETURN count(*)", cond.replace("n.v", "v"));
        assert_eq!(got, run(&mut s, &plain), "{cond}");
        if want >= 0 {
            assert_eq!(got, vec![vec![Value::Int(want)]], "{cond}");
        }
    }
}

#[test]
fn the_type_of_a_relationship_deleted_by_the_statement_is_still_known() {
    let mut s = Session::default();
    run(&mut s, "CREATE ()-[:T]->()");
    assert_eq!(run(&mut s, "MATCH ()-[r]->() DELETE r RETURN type(r)"), vec![vec![Value::str("T")]]);
    assert_eq!(run(&mut s, "MATCH ()-[r]->() RETURN count(r)"), vec![vec![Value::Int(0)]]);
}

#[test]
fn types_the_text_fixes_are_refused_before_running() {
    let mut s = Session::default();
    for q in [
        "RETURN 'a' AND true",
        "RETURN NOT [1]",
        "RETURN 1 + true",
        "RETURN {a: 1} + 1",
        "RETURN 'x' * 2",
        "RETURN -'x'",
        "RETURN 123.prop",
        "MATCH (n) WHERE n.x = 1 OR 'x' RETURN n",
        "MATCH (n) WHERE (n.x > 1) XOR [] RETURN n",
        // Through a variable the text gives a type.
        "WITH 123 AS num RETURN num.prop",
        "WITH [1] AS l, 2 AS two RETURN NOT l",
    ] {
        let e = s.run_statement(q, &Params::new()).expect_err(q);
        assert_eq!((e.kind.as_str(), e.detail.as_str()), ("SyntaxError", "InvalidArgumentType"), "{q}: {}", e.message);
        assert_eq!(e.phase, silkgraph::error::Phase::Compile, "{q}");
    }
    // What the text leaves open, or what the operator takes, runs.
    assert_eq!(
        run(
            &mut s,
            "UNWIND [{k: 1}] AS m WITH m RETURN [1] + true AS l, 'a' + 1 AS s, null AND true AS n, 1 - 2.0 AS f, \
             NOT (1 < 2) AS b"
        ),
        vec![vec![
            Value::list(vec![Value::Int(1), Value::Bool(true)]),
            Value::str("a1"),
            Value::Null,
            Value::Float(-1.0),
            Value::Bool(false)
        ]]
    );
}

/// The graph as sorted lines: each node's labels and properties, each relationship's ends.
fn dump(s: &mut Session) -> Vec<String> {
    let mut lines: Vec<String> = run(
        s,
        "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN labels(n), properties(n), type(r), properties(r), properties(m)",
    )
    .iter()
    .map(|r| format!("{r:?}"))
    .collect();
    lines.sort();
    lines
}

#[test]
fn unwind_then_create_ending_a_statement_agrees_with_the_row_by_row_road() {
    // Such a statement creates from one row used again (no row per value); under PROFILE it
    // takes the road of rows. Both must leave the same graph, or fail alike and leave nothing.
    let statements = [
        "UNWIND [1, null, 'x', [1, 2], 2.5] AS v CREATE (:T {v: v})",
        "UNWIND range(1, 5) AS i CREATE (a:A {i: i})-[:R {w: i * 2}]->(b:B {j: i + 1})",
        "UNWIND range(10, 1, -3) AS i CREATE (:A {i: i}), (:C {k: i})",
        "UNWIND null AS v CREATE (:T {v: v})",
        "UNWIND 5 AS v CREATE (:T {v: v})",
        "UNWIND [{a: 1}, {a: 2, b: null}, {b: 'y'}] AS m CREATE (:M {a: m.a, b: m.b})",
        "UNWIND $xs AS x CREATE (:P {x: x, twice: x + x})",
        "UNWIND [1, 2, 0, 4] AS v CREATE (:E {x: 10 / v})",
        "UNWIND [1, {x: 1}] AS v CREATE (:E {x: v})",
        "UNWIND range(1, 3, 0) AS v CREATE (:E {x: v})",
    ];
    let mut params = Params::new();
    params.insert("xs".into(), Value::list(vec![Value::Int(3), Value::str("a"), Value::Float(0.5)]));
    for q in statements {
        let (mut fused, mut rows) = (Session::default(), Session::default());
        run(&mut fused, "CREATE (:Before)");
        run(&mut rows, "CREATE (:Before)");
        let a = fused.run_statement(q, &params).map(|_| ()).map_err(|e| e.to_string());
        let b = rows.run_statement(&format!("PROFILE {q}"), &params).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(a, b, "{q}");
        assert_eq!(dump(&mut fused), dump(&mut rows), "{q}");
        if a.is_err() {
            assert_eq!(run(&mut fused, "MATCH (n) RETURN count(n)"), vec![vec![Value::Int(1)]], "{q}: nothing kept");
        }
    }
}

#[test]
fn a_run_of_creations_rolls_back_to_the_statement_that_failed() {
    // Creations one after another share one journal entry; a statement's savepoint splits them.
    let mut s = Session::default();
    let count = |s: &mut Session| run(s, "MATCH (a:A) RETURN count(a)")[0][0].clone();
    s.begin().unwrap();
    run(&mut s, "CREATE (:A)");
    run(&mut s, "UNWIND range(1, 3) AS i CREATE (:A)");
    assert!(s.run_statement("UNWIND [1, 0] AS v CREATE (:A {x: 1 / v})", &Params::new()).is_err());
    assert!(s.commit().is_err(), "a failed statement fails the transaction");
    assert_eq!(count(&mut s), Value::Int(0), "the whole transaction is rolled back");
    s.begin().unwrap();
    run(&mut s, "CREATE (:A)");
    run(&mut s, "UNWIND range(1, 3) AS i CREATE (:A)-[:R]->(:B)");
    s.commit().unwrap();
    assert_eq!(count(&mut s), Value::Int(4));
    let e = s.run_statement("UNWIND range(1, 5) AS i CREATE (:A)-[:R]->(:B {x: 1 / (i - 5)})", &Params::new());
    assert!(e.is_err());
    assert_eq!(count(&mut s), Value::Int(4));
    assert_eq!(run(&mut s, "MATCH ()-[r:R]->() RETURN count(r)"), vec![vec![Value::Int(3)]]);
    s.begin().unwrap();
    run(&mut s, "UNWIND range(1, 10) AS i CREATE (:A)");
    s.rollback().unwrap();
    assert_eq!(count(&mut s), Value::Int(4));
}
