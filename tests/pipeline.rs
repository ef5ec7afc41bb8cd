//! Pushed pipelines (the operators feeding an aggregation or a sort share one row) and
//! property columns (values decoded per block for reads in bulk) give the rows of the plain
//! way: pulled rows, properties read one at a time.

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::{NodeId, RelId, Value};

use super::planner::{run, sorted};

/// 60 nodes (with some of them labelled M too) and 240 relationships of types R and S from a
/// fixed pseudo-random sequence, with self-loops and parallel relationships.
fn graph() -> Session {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(0, 59) AS i CREATE (n:N {i: i, g: i % 4, name: 'n' + toString(i % 9)})");
    run(&mut s, "MATCH (n:N) WHERE n.i % 5 = 0 SET n:M");
    for (ty, rest) in [("S", 0), ("R", 1), ("R", 2)] {
        run(
            &mut s,
            &format!(
                "UNWIND range(0, 239) AS k WITH k WHERE k % 3 = {rest}
                 MATCH (a:N {{i: (k * 7919 + 13) % 60}}), (b:N {{i: (k * k * 31 + k * 17 + 5) % 60}})
                 CREATE (a)-[:{ty} {{k: k, w: k % 7}}]->(b)"
            ),
        );
    }
    run(&mut s, "MATCH (a:N) WHERE a.i % 7 = 3 CREATE (a)-[:R {k: -a.i, w: 1}]->(a)");
    s
}

/// `UNWIND [0] AS z` before the RETURN: an operator that is never pushed, so the rows reach
/// the aggregation or sort pulled, one owned row each.
fn pulled(q: &str) -> String {
    let at = q.rfind("RETURN").expect("a RETURN");
    format!("{} UNWIND [0] AS z {}", &q[..at], &q[at..])
}

#[test]
fn pushed_pipelines_give_the_rows_of_pulled_ones() {
    let mut s = graph();
    let unordered = [
        "MATCH (a:N)-[r:R]->(b)-[t:S]-(c:M) RETURN a.g AS g, count(*) AS n, sum(r.k) AS s, collect(t.w) AS ws",
        "MATCH (a:N)-[r]-(b) WHERE r.w > 2 AND b.i <> a.i RETURN type(r) AS t, count(DISTINCT b) AS n, max(r.k) AS m",
        "MATCH (a:M) WITH a, a.i * 2 AS d MATCH (a)-[:R]->(b) RETURN d, count(b) AS n",
        "MATCH (a:N)-[r:R]->(b:M) WITH b, r.w AS w WHERE w < 5 RETURN b.name AS k, avg(w) AS a, count(*) AS n",
        "MATCH (a:N)-[:R]->(b)<-[:R]-(c) WHERE a <> c RETURN a.i AS i, count(*) AS n",
        "MATCH (a:N)-[:R]->(b)-[:S]-(c), (c)-[q]-(a) RETURN type(q) AS t, count(*) AS n",
        "MATCH (a:N)-[:NONE]->(b) RETURN count(*) AS n, collect(b) AS bs",
        "MATCH (a:N)-[r:R]->(b) RETURN count(*) AS n",
        "MATCH (a:N) MATCH (a)-[:S]->(b) RETURN a.g AS g, count(b) AS n",
    ];
    for q in unordered {
        let rows = sorted(run(&mut s, q));
        assert!(!rows.is_empty(), "{q}");
        assert_eq!(rows, sorted(run(&mut s, &pulled(q))), "{q}");
    }
    // Sorts keep the order of equal rows, with or without a limit.
    let ordered = [
        "MATCH (a:N)-[r:R]->(b) RETURN a.i AS i, r.k AS k ORDER BY r.w",
        "MATCH (a:N)-[r:R]->(b) RETURN a.i AS i, r.k AS k ORDER BY r.w DESC SKIP 3 LIMIT 17",
        "MATCH (a:N)-[r]-(b:M) WITH a, b, r ORDER BY b.name, a.i LIMIT 40 RETURN a.i AS i, b.i AS j, r.k AS k",
    ];
    for q in ordered {
        let rows = run(&mut s, q);
        assert!(rows.len() > 3, "{q}");
        assert_eq!(rows, run(&mut s, &pulled(q)), "{q}");
    }
    // An error raised inside a pushed operator is the statement's error, as when pulled.
    for q in [
        "MATCH (a:N)-[r:R]->(b) WHERE r.k / (r.k - 40) > 0 RETURN count(*)",
        "MATCH (a:N)-[r:R]->(b) WHERE b.name RETURN count(*)",
        "MATCH (a:N)-[r:R]->(b) RETURN a.i AS i ORDER BY 1 / (r.k - 40)",
    ] {
        let pushed = s.run_statement(q, &Params::new()).unwrap_err().detail;
        let plain = s.run_statement(&pulled(q), &Params::new()).unwrap_err().detail;
        assert_eq!(pushed, plain, "{q}");
    }
}

#[test]
fn profile_counts_the_rows_of_pushed_operators() {
    let mut s = graph();
    let n = run(&mut s, "MATCH (a:N)-[r:R]->(b)-[t:S]->(c) RETURN count(*)")[0][0].clone();
    let out = s.run_statement("PROFILE MATCH (a:N)-[r:R]->(b)-[t:S]->(c) RETURN count(c.i)", &Params::new()).unwrap();
    let profile = out.result.profile.expect("PROFILE gives each operator's rows");
    // The last expansion (the first listed) makes the rows the aggregation counts.
    let expand = profile
        .iter()
        .find(|r| matches!(&r[0], Value::String(t) if t.contains("Expand")))
        .unwrap_or_else(|| panic!("{profile:?}"));
    assert_eq!(expand[1], n);
}

#[test]
fn property_columns_give_the_values_of_the_entities_and_follow_changes() {
    let mut s = Session::default();
    // Enough nodes and relationships that aggregations build columns as they go; values of
    // every kind, and entities without the property.
    run(
        &mut s,
        "UNWIND range(0, 9999) AS i
         CREATE (n:P {i: i, v: CASE i % 6 WHEN 0 THEN i WHEN 1 THEN i * 0.5 WHEN 2 THEN 'k' + toString(i % 13)
                                         WHEN 3 THEN [i, 'x'] WHEN 4 THEN date('2020-01-01') ELSE null END})",
    );
    run(
        &mut s,
        "MATCH (a:P) WHERE a.i % 2 = 0 MATCH (b:P {i: (a.i * 31 + 7) % 10000}) CREATE (a)-[:L {w: a.i % 17}]->(b)",
    );
    run(&mut s, "MATCH (n:P) WHERE n.i % 1000 = 999 DETACH DELETE n");
    let pairs = [
        (
            "MATCH (n:P) RETURN n.i % 6 AS g, count(n.v) AS c, collect(n.v)[0..4] AS vs",
            "MATCH (n:P) RETURN n.i % 6 AS g, count(head([n.v])) AS c, collect(head([n.v]))[0..4] AS vs",
        ),
        (
            "MATCH (n:P) WHERE n.i % 6 = 2 RETURN n.v AS k, count(*) AS c",
            "MATCH (n:P) WHERE n.i % 6 = 2 RETURN head([n.v]) AS k, count(*) AS c",
        ),
        (
            "MATCH ()-[r:L]->() RETURN sum(r.w) AS s, max(r.w) AS m",
            "MATCH ()-[r:L]->() RETURN sum(r.w + 0) AS s, max(r.w + 0) AS m",
        ),
        // Filters and projections of a node's property read through the store's readers.
        (
            "MATCH (n:P) WHERE n.v > 5000 RETURN count(*) AS c",
            "MATCH (n:P) WHERE head([n.v]) > 5000 RETURN count(*) AS c",
        ),
        (
            "MATCH (n:P) WHERE 'k3' <= n.v RETURN count(*) AS c",
            "MATCH (n:P) WHERE 'k3' <= head([n.v]) RETURN count(*) AS c",
        ),
        (
            "MATCH (n:P) WHERE n.v <> 12 RETURN count(*) AS c",
            "MATCH (n:P) WHERE head([n.v]) <> 12 RETURN count(*) AS c",
        ),
        (
            "MATCH (n:P) WHERE n.v = 2.5 RETURN collect(n.i) AS c",
            "MATCH (n:P) WHERE head([n.v]) = 2.5 RETURN collect(n.i) AS c",
        ),
        ("MATCH (n:P {v: 'k5'}) RETURN count(*) AS c", "MATCH (n:P) WHERE head([n.v]) = 'k5' RETURN count(*) AS c"),
        // And a relationship's, as an expansion's filter and a projection read it.
        (
            "MATCH (a:P)-[r:L]->(b) WHERE r.w >= 9 RETURN count(*) AS c",
            "MATCH (a:P)-[r:L]->(b) WHERE head([r.w]) >= 9 RETURN count(*) AS c",
        ),
        (
            "MATCH (a:P)-[r:L]->(b) WHERE r.w = 3 RETURN collect(a.i) AS c",
            "MATCH (a:P)-[r:L]->(b) WHERE head([r.w]) = 3 RETURN collect(a.i) AS c",
        ),
        (
            "MATCH (a:P)-[r:L]->(b) WITH r.w AS w RETURN w, count(*) AS c",
            "MATCH (a:P)-[r:L]->(b) WITH head([r.w]) AS w RETURN w, count(*) AS c",
        ),
        (
            "MATCH (n:P) RETURN n.v AS v, n.i AS i ORDER BY n.i DESC LIMIT 30",
            "MATCH (n:P) RETURN head([n.v]) AS v, n.i AS i ORDER BY n.i DESC LIMIT 30",
        ),
    ];
    let check = |s: &mut Session| {
        for (fast, plain) in pairs {
            // Twice: the first run builds the columns part-way, the second reads them.
            let expected = sorted(run(s, plain));
            assert_eq!(sorted(run(s, fast)), expected, "{fast}");
            assert_eq!(sorted(run(s, fast)), expected, "{fast}");
        }
    };
    check(&mut s);
    // Changes are seen: a property set, removed, a new entity, and a statement rolled back.
    run(&mut s, "MATCH (n:P) WHERE n.i % 12 = 2 SET n.v = 'changed'");
    run(&mut s, "MATCH (n:P) WHERE n.i % 12 = 0 REMOVE n.v");
    run(&mut s, "CREATE (:P {i: 2, v: 'new'})");
    run(&mut s, "MATCH ()-[r:L]->() WHERE r.w = 3 SET r.w = 100");
    check(&mut s);
    let failed = s.run_statement("MATCH (n:P) SET n.v = 1 WITH n RETURN 1 / 0", &Params::new());
    assert!(failed.is_err());
    check(&mut s);
    // A node or relationship made up in a parameter, far past any id, is read as missing.
    for far in [1u64 << 40, u64::MAX] {
        let mut p = Params::new();
        p.insert("ns".into(), Value::List(vec![Value::Node(NodeId(far)), Value::Rel(RelId(far))].into()));
        let r = s.run_statement("UNWIND $ns AS n WITH n WHERE n.v = 'k5' RETURN count(*) AS c", &p);
        assert!(matches!(&r, Ok(o) if o.result.rows == vec![vec![Value::Int(0)]]) || r.is_err(), "{r:?}");
    }
    // A statement reads its own changes.
    let got = run(&mut s, "MATCH (n:P) SET n.v = n.i WITH n RETURN sum(n.v) AS s");
    let expected = run(&mut s, "MATCH (n:P) RETURN sum(n.i) AS s");
    assert_eq!(got, expected);
}

#[test]
fn aggregations_on_several_threads_keep_the_order_of_one() {
    let mut s = Session::default();
    // Enough rows that helper threads join (after half a millisecond of work).
    run(&mut s, "UNWIND range(0, 29999) AS i CREATE (:Q {i: i, g: (i * 7919) % 97, v: i % 11, f: i * 0.25})");
    run(
        &mut s,
        "MATCH (a:Q) WHERE a.i % 3 = 0 MATCH (b:Q {i: (a.i * 17 + 5) % 30000}) CREATE (a)-[:T {w: a.i % 5}]->(b)",
    );
    let queries = [
        // Groups in the order their keys first came, lists in row order, no ORDER BY.
        "MATCH (a:Q) RETURN a.g AS g, count(*) AS n, collect(a.i)[0..5] AS first, min(a.v) AS lo, max(a.f) AS hi",
        "MATCH (a:Q)-[t:T]->(b) RETURN b.v AS v, sum(t.w) AS s, avg(a.f) AS m, collect(b.i)[-3..] AS last",
        "MATCH (a:Q) WHERE a.v > 3 RETURN collect(a.g) AS all",
        "MATCH (a:Q) RETURN count(a.i) AS n, sum(a.f) AS s",
        // Thousands of groups, each key in several parts, with a second argument kept.
        "MATCH (a:Q) RETURN a.i % 10007 AS k, count(*) AS n, collect(a.v)[0..2] AS f, percentileDisc(a.f, 0.5) AS p",
        "MATCH (a:Q) RETURN a.i % 10007 AS k, a.v AS v, count(DISTINCT a.g) AS d, max(a.f) AS hi",
        // Sums of durations do not merge: the parts the helpers took are done again in order.
        "MATCH (a:Q) RETURN a.v AS v, sum(duration({days: a.g})) AS d, count(*) AS n",
    ];
    for q in queries {
        let rows = run(&mut s, q);
        assert!(!rows.is_empty(), "{q}");
        assert_eq!(rows, run(&mut s, &pulled(q)), "{q}");
    }
    // The first error in row order is the one reported, whichever thread meets it.
    for (a, b) in [(20000, 25000), (25000, 20000)] {
        let q = format!(
            "MATCH (a:Q) RETURN sum(CASE a.i WHEN {a} THEN 1 / 0 WHEN {b} THEN toString(a.i) - 1 WHEN 29999 THEN 1 / 0 ELSE a.v END)"
        );
        let e = s.run_statement(&q, &Params::new()).unwrap_err();
        assert_eq!(e.detail, if a < b { "DivisionByZero" } else { "InvalidArgumentType" }, "{q}");
        assert_eq!(e.detail, s.run_statement(&pulled(&q), &Params::new()).unwrap_err().detail);
    }
}

/// A grouping by the node a scan binds meets its groups in rising id order and finds them
/// without hashing (`exec/groups.rs`); the rows are those of the same grouping by a key it
/// hashes (`head([a])`), in the same order: with the scan in parts on several threads, with a
/// second key that splits a node's rows, with nodes met again (a second input row, the far end
/// of an expansion) and with relationships.
#[test]
fn groupings_by_a_scanned_node_give_the_rows_of_hashed_ones() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(0, 29999) AS i CREATE (:Q {i: i, v: i % 11})");
    run(
        &mut s,
        "MATCH (a:Q) WHERE a.i % 3 = 0 MATCH (b:Q {i: (a.i * 17 + 5) % 30000}) CREATE (a)-[:T {w: a.i % 5}]->(b)",
    );
    run(
        &mut s,
        "MATCH (a:Q) WHERE a.i % 3 = 0 MATCH (b:Q {i: (a.i * 31 + 7) % 30000}) CREATE (a)-[:T {w: a.i % 4}]->(b)",
    );
    let queries = [
        "MATCH (a:Q) WHERE a.v > 3 RETURN {k} AS k, a.v AS v, count(*) AS n",
        "MATCH (a:Q)-[t:T]->(b) WHERE t.w > 0 WITH {k} AS k, count(*) AS n, sum(t.w) AS s WHERE n > 1 RETURN k, n, s",
        "MATCH (a:Q)-[t:T]->(b) RETURN {k} AS k, t.w % 2 AS p, count(*) AS n",
        "UNWIND [1, 2] AS x MATCH (a:Q) WHERE a.v = x RETURN {k} AS k, count(*) AS n",
        "UNWIND [1, 1] AS x MATCH (a:Q) WHERE a.v = x RETURN {k} AS k, count(*) AS n",
        "MATCH (b:Q)<-[t:T]-(a) RETURN {k} AS k, count(*) AS n, collect(b.i) AS bs",
    ];
    for q in queries {
        let rising = run(&mut s, &q.replace("{k}", "a"));
        assert!(rising.len() > 100, "{q}");
        let hashed = run(&mut s, &q.replace("{k}", "head([a])"));
        assert_eq!(rising, hashed, "{q}");
    }
    let by_rel = "MATCH (a:Q)-[t:T]->(b) RETURN {k} AS k, count(*) AS n";
    assert_eq!(run(&mut s, &by_rel.replace("{k}", "t")), run(&mut s, &by_rel.replace("{k}", "head([t])")));
}

/// An expansion from a node of hundreds of relationships into a next hop asks for the memory
/// of the matches ahead while it takes them (`exec/push`): the rows of the pulled road.
#[test]
fn a_hubs_expansion_into_a_next_hop_gives_the_rows_of_the_pulled_one() {
    let mut s = Session::default();
    run(&mut s, "CREATE (:Hub {i: 0}), (:Hub {i: 1})");
    run(&mut s, "MATCH (h:Hub) UNWIND range(0, 299) AS i CREATE (h)-[:H]->(:M {i: i + 300 * h.i})");
    run(&mut s, "MATCH (m:M) UNWIND range(0, m.i % 4) AS j CREATE (m)-[:F {w: (m.i + j) % 7}]->(:X {j: j})");
    for q in [
        "MATCH (h:Hub)-[:H]->(m)-[f:F]->(x) WHERE f.w > 2 RETURN h.i AS h, m.i % 5 AS g, count(*) AS n, sum(f.w) AS s",
        "MATCH (h:Hub)-[:H]->(m)-[f:F]->(x) RETURN h.i AS h, count(*) AS n, max(f.w) AS w, min(x.j) AS j",
        "MATCH (h:Hub)-[:H]->(m)-[f:F]->(x) RETURN m.i AS i, collect(f.w) AS ws",
    ] {
        let rows = sorted(run(&mut s, q));
        assert!(!rows.is_empty(), "{q}");
        assert_eq!(rows, sorted(run(&mut s, &pulled(q))), "{q}");
    }
}

/// STARTS WITH, ENDS WITH and CONTAINS against a constant, tested where a column keeps the
/// texts one after another, give the rows of the pulled road's plain comparison: empty texts
/// and needles, needles longer than the text, text beyond ASCII, values that are no text.
#[test]
fn text_tests_read_from_columns_give_the_rows_of_plain_ones() {
    let mut s = Session::default();
    run(
        &mut s,
        "UNWIND range(0, 9999) AS i
         CREATE (:T {i: i, s: ['', 'a', 'ab', 'ba', 'aé', 'éa', 'xyz12', '12', 1, null][i % 10] + \
                 CASE WHEN i % 3 = 0 THEN '' ELSE toString(i % 7) END})",
    );
    for needle in ["", "a", "é", "12", "a1", "xyz12long", "6"] {
        for op in ["STARTS WITH", "ENDS WITH", "CONTAINS"] {
            let q = format!("MATCH (n:T) WHERE n.s {op} '{needle}' RETURN n.i % 100 AS k, count(*) AS c");
            let want = sorted(run(&mut s, &pulled(&q)));
            for _ in 0..2 {
                assert_eq!(sorted(run(&mut s, &q)), want, "{q}");
            }
        }
    }
}

/// A write fed by operators that read no graph runs while they make rows, a chunk at a time:
/// it still sees its own earlier rows, a failing row undoes the whole statement, and a
/// parameter holding a node keeps the plain way (the node's properties are read).
#[test]
fn a_write_fed_a_chunk_at_a_time_gives_what_it_gives_fed_all_at_once() {
    let mut s = graph();
    let one = |rows: Vec<Vec<Value>>| rows[0][0].clone();
    run(&mut s, "CREATE INDEX FOR (m:Merged) ON (m.k)");
    let merged = run(&mut s, "UNWIND range(1, 10000) AS i MERGE (m:Merged {k: i % 5000}) RETURN count(DISTINCT m)");
    assert_eq!(one(merged), Value::Int(5000), "MERGE matched the nodes of earlier chunks");
    assert_eq!(one(run(&mut s, "MATCH (m:Merged) RETURN count(m)")), Value::Int(5000));
    let e = s.run_statement("UNWIND range(1, 10000) AS i CREATE (:E {v: 1 / (i - 9000)})", &Params::new());
    assert!(e.is_err());
    assert_eq!(one(run(&mut s, "MATCH (e:E) RETURN count(e)")), Value::Int(0), "the failed statement left nothing");
    let node = one(run(&mut s, "MATCH (n:N {i: 3}) RETURN n"));
    let mut p = Params::new();
    p.insert("n".into(), node);
    p.insert(
        "rows".into(),
        Value::List((0..5).map(|i| Value::map([("v".to_string(), Value::Int(i))].into_iter().collect())).collect()),
    );
    s.run_statement("UNWIND [$n] AS x CREATE (:Copy {i: x.i})", &p).unwrap();
    assert_eq!(one(run(&mut s, "MATCH (c:Copy) RETURN c.i")), Value::Int(3));
    s.run_statement("UNWIND $rows AS r CREATE (:Row {v: r.v})", &p).unwrap();
    assert_eq!(one(run(&mut s, "MATCH (r:Row) RETURN sum(r.v)")), Value::Int(10));
}
