//! The fast ways the engine answers (the store's counts, adjacency runs, a search from both
//! ends) return exactly the rows of the plain way, on graphs with self-loops, parallel
//! relationships, deletions and rolled-back statements.

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

pub(crate) fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    run_with(s, q, &Params::new())
}

fn run_with(s: &mut Session, q: &str, p: &Params) -> Vec<Vec<Value>> {
    s.run_statement(q, p).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

pub(crate) fn sorted(mut rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    rows
}

/// A session on a copy of `s`'s graph that plans without any optimisation.
fn plain_twin(s: &Session) -> Session {
    let mut plain = Session::new(s.graph.clone());
    plain.passes = silkgraph::plan::Passes::NONE;
    plain
}

fn explain(s: &mut Session, q: &str) -> String {
    format!("{:?}", run(s, &format!("EXPLAIN {q}")))
}

/// Each fast query's plan shows `marker`, and it returns the rows of its plain twin (in any
/// order; at least one).
fn same_rows_as_plain(s: &mut Session, marker: &str, pairs: &[(&str, &str)]) {
    for (fast, plain) in pairs {
        assert!(explain(s, fast).contains(marker), "{fast}");
        let rows = sorted(run(s, fast));
        assert!(!rows.is_empty(), "{fast}");
        assert_eq!(rows, sorted(run(s, plain)), "{fast}");
    }
}

/// 40 nodes and 120 relationships of types R and S from a fixed pseudo-random sequence,
/// with self-loops and parallel relationships among them.
fn random_graph() -> Session {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(0, 39) AS i CREATE (:N {i: i})");
    for (ty, rest) in [("S", 0), ("R", 1), ("R", 2)] {
        run(
            &mut s,
            &format!(
                "UNWIND range(0, 119) AS k WITH k WHERE k % 3 = {rest}
                 MATCH (a:N {{i: (k * 7919 + 13) % 40}}), (b:N {{i: (k * 104729 + 7) % 37}})
                 CREATE (a)-[:{ty} {{k: k}}]->(b)"
            ),
        );
    }
    run(&mut s, "MATCH (a:N {i: 5})-[r:R]->(a2:N {i: 5}) DELETE r");
    run(&mut s, "MATCH (a:N {i: 3}) CREATE (a)-[:R {k: -1}]->(a)");
    s
}

#[test]
fn counts_from_the_store_equal_counting_the_matches() {
    let mut s = random_graph();
    let fast = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n, count(r) AS m";
    let slow = "MATCH (a)-[r]->(b) WHERE true RETURN type(r) AS t, count(*) AS n, count(r) AS m";
    assert!(explain(&mut s, fast).contains("RelationshipCountFromCountStore"));
    assert!(!explain(&mut s, slow).contains("CountStore"));
    let expected = sorted(run(&mut s, slow));
    assert_eq!(sorted(run(&mut s, fast)), expected);
    assert_eq!(expected.len(), 2);

    // A statement that fails after creating and deleting relationships leaves the counts alone.
    let err = s.run_statement(
        "MATCH (a:N {i: 1}) CREATE (a)-[:R]->(a) WITH a MATCH (a)-[r:S]->() DELETE r RETURN 1 / 0",
        &Params::new(),
    );
    assert!(err.is_err());
    assert_eq!(sorted(run(&mut s, fast)), expected);

    let pairs = [
        ("MATCH ()-[r:R]->() RETURN count(*)", "MATCH ()-[r:R]->() WHERE true RETURN count(*)"),
        ("MATCH ()<-[r:S|R|S]-() RETURN count(r)", "MATCH ()<-[r:S|R]-() WHERE true RETURN count(r)"),
        ("MATCH ()-[r:NONE]->() RETURN count(*)", "MATCH ()-[r:NONE]->() WHERE true RETURN count(*)"),
        ("MATCH (n:N) RETURN count(*), count(n)", "MATCH (n:N) WHERE true RETURN count(*), count(n)"),
        ("MATCH (n) RETURN count(n)", "MATCH (n) WHERE true RETURN count(n)"),
        ("MATCH (n:Nope) RETURN count(n)", "MATCH (n:Nope) WHERE true RETURN count(n)"),
    ];
    same_rows_as_plain(&mut s, "CountStore", &pairs);
    // Counting something other than the pattern's rows is not a store count.
    assert!(!explain(&mut s, "MATCH ()-[r]->() RETURN count(r.k)").contains("CountStore"));
    assert!(!explain(&mut s, "MATCH ()-[r]-() RETURN count(*)").contains("CountStore"));
    assert!(!explain(&mut s, "MATCH (:N)-[r]->() RETURN count(*)").contains("CountStore"));
}

#[test]
fn expansions_list_the_same_rows_in_the_same_order_before_and_after_a_write() {
    let mut s = random_graph();
    for read in [
        "MATCH (a:N)-[x:R]->(b) RETURN a.i, x.k, b.i",
        "MATCH (a:N)<-[x:R]-(b) RETURN a.i, x.k, b.i",
        "MATCH (a:N)-[x:R]-(b) RETURN a.i, x.k, b.i",
    ] {
        // The same match inside a statement that has written reads the linked lists.
        let after_write = read.replacen("MATCH", "CREATE (:Tmp) WITH 1 AS one MATCH", 1);
        let fresh = run(&mut s, read);
        assert!(!fresh.is_empty());
        assert_eq!(run(&mut s, &after_write), fresh, "{read}");
    }
    // Two steps and a variable-length match agree with the lists too.
    let q = "MATCH (a:N {i: 1})-[:R*1..3]->(b) RETURN b.i";
    assert_eq!(run(&mut s, &q.replacen("MATCH", "CREATE (:Tmp) WITH 1 AS one MATCH", 1)), run(&mut s, q));
}

#[test]
fn shortest_paths_agree_with_an_exhaustive_search() {
    let mut s = random_graph();
    let mut found = 0;
    for (i, j) in (0..40).step_by(3).flat_map(|i| (0..40).step_by(7).map(move |j| (i, j))) {
        let mut p = Params::new();
        p.insert("i".into(), Value::Int(i));
        p.insert("j".into(), Value::Int(j));
        for pat in ["-[:R*..6]->", "-[:R|S*..5]-", "<-[*..6]-"] {
            let ends = "MATCH (a:N {i: $i}), (b:N {i: $j}) ";
            let best = run_with(&mut s, &format!("{ends}MATCH p = (a){pat}(b) RETURN min(length(p))"), &p);
            let best = match best[0][0] {
                Value::Int(n) => Some(n),
                _ => None,
            };
            let one = run_with(&mut s, &format!("{ends}MATCH p = shortestPath((a){pat}(b)) RETURN length(p)"), &p);
            let all = run_with(&mut s, &format!("{ends}MATCH p = allShortestPaths((a){pat}(b)) RETURN p"), &p);
            if i == j {
                continue;
            }
            match best {
                None => assert!(one.is_empty() && all.is_empty(), "{i} {j} {pat}"),
                Some(n) => {
                    found += 1;
                    assert_eq!(one, vec![vec![Value::Int(n)]], "{i} {j} {pat}");
                    let count = run_with(
                        &mut s,
                        &format!("{ends}MATCH p = (a){pat}(b) WHERE length(p) = {n} RETURN count(*)"),
                        &p,
                    );
                    assert_eq!(vec![vec![Value::Int(all.len() as i64)]], count, "{i} {j} {pat}");
                }
            }
        }
    }
    assert!(found > 100, "only {found} pairs are connected");
}

#[test]
fn counting_matches_per_row_equals_counting_rows() {
    let mut s = random_graph();
    let pairs = [
        (
            "MATCH (a:N)-[:R]->(b) RETURN a.i AS i, count(*) AS n, count(b) AS m",
            "MATCH (a:N)-[:R]->(b) WITH a, b WHERE true RETURN a.i AS i, count(*) AS n, count(b) AS m",
        ),
        ("MATCH (a:N)-[r:R|S]-(b) RETURN count(r)", "MATCH (a:N)-[r:R|S]-(b) WITH r WHERE true RETURN count(r)"),
        (
            "MATCH (a:N {i: 3})-[r1:R]-(b)-[r2]-(c) RETURN b.i, count(*)",
            "MATCH (a:N {i: 3})-[r1:R]-(b)-[r2]-(c) WITH b, c WHERE true RETURN b.i, count(*)",
        ),
        ("MATCH (a:N)-[:R]->(a) RETURN count(*)", "MATCH (a:N)-[:R]->(b) WHERE a = b RETURN count(*)"),
        ("MATCH (a:Nope)-[:R]->(b) RETURN count(*)", "MATCH (a:Nope)-[:R]->(b) WITH b WHERE true RETURN count(*)"),
        // Minima, maxima and sums of the far nodes' properties, per row and then merged.
        ("MATCH (a:N)-[r:R]->(b) RETURN sum(b.i)", "MATCH (a:N)-[r:R]->(b) WITH b WHERE true RETURN sum(b.i)"),
        (
            "MATCH (a:N)-[r]->(b) RETURN a.i % 4 AS g, min(b.i) AS lo, max(b.i) AS hi, sum(b.i) AS s, count(*) AS n",
            "MATCH (a:N)-[r]->(b) WITH a, r, b WHERE true \
             RETURN a.i % 4 AS g, min(b.i) AS lo, max(b.i) AS hi, sum(b.i) AS s, count(*) AS n",
        ),
        // And of the relationships' properties.
        (
            "MATCH (a:N)-[r:R]->(b) RETURN a.i % 4 AS g, sum(r.k) AS s, max(r.k) AS m, min(r.k) AS l, count(*) AS n",
            "MATCH (a:N)-[r:R]->(b) WITH a, r WHERE true \
             RETURN a.i % 4 AS g, sum(r.k) AS s, max(r.k) AS m, min(r.k) AS l, count(*) AS n",
        ),
    ];
    same_rows_as_plain(&mut s, "counting matches", &pairs);
    // Values of every kind, and none: nulls are skipped, the order of kinds is kept.
    run(&mut s, "MATCH (n:N) SET n.v = CASE n.i % 5 WHEN 0 THEN n.i WHEN 1 THEN toString(n.i) WHEN 2 THEN n.i * 0.5 WHEN 3 THEN null ELSE [n.i] END");
    run(&mut s, "MATCH (n:N) WHERE n.i % 2 = 0 SET n.d = duration({days: n.i})");
    let pairs = [
        (
            "MATCH (a:N)-[r]->(b) RETURN a.i % 3 AS g, max(b.v) AS m, min(b.v) AS l, count(b) AS n",
            "MATCH (a:N)-[r]->(b) WITH a, b WHERE true RETURN a.i % 3 AS g, max(b.v) AS m, min(b.v) AS l, count(b) AS n",
        ),
        (
            "MATCH (a:N)-[r:S]->(b) RETURN a.i % 2 AS g, sum(b.d) AS d, max(b.d) AS m",
            "MATCH (a:N)-[r:S]->(b) WITH a, b WHERE true RETURN a.i % 2 AS g, sum(b.d) AS d, max(b.d) AS m",
        ),
    ];
    same_rows_as_plain(&mut s, "counting matches", &pairs);
    // A sum of texts is the same error either way.
    let fast = "MATCH (a:N)-[r]->(b) RETURN sum(b.v)";
    let plain = "MATCH (a:N)-[r]->(b) WITH b WHERE true RETURN sum(b.v)";
    assert!(explain(&mut s, fast).contains("counting matches"));
    let (e1, e2) =
        (s.run_statement(fast, &Params::new()).unwrap_err(), s.run_statement(plain, &Params::new()).unwrap_err());
    assert_eq!(e1.detail, e2.detail);
    for other in [
        "MATCH (a:N)-[:R]->(b) RETURN count(DISTINCT b)",
        "MATCH (a:N)-[:R]->(b) RETURN b.i, count(*)",
        "MATCH (a:N)-[r:R]->(b) RETURN avg(b.i)",
        "MATCH (a:N)-[r:R]->(b) RETURN max(DISTINCT r.k)",
        "MATCH (a:N)-[:R*1..2]->(b) RETURN count(*)",
    ] {
        assert!(!explain(&mut s, other).contains("counting matches"), "{other}");
    }
}

#[test]
fn seeks_by_id_find_what_the_filter_finds() {
    let mut s = random_graph();
    let ids: Vec<Value> =
        run(&mut s, "MATCH (n:N) RETURN id(n) ORDER BY id(n)").into_iter().map(|r| r[0].clone()).collect();
    let (lo, hi) = (ids[3].clone(), ids[20].clone());
    let mut p = Params::new();
    p.insert("lo".into(), lo);
    p.insert("hi".into(), hi);
    for cond in [
        "id(n) >= $lo AND id(n) < $hi",
        "$lo < id(n) AND id(n) <= $hi + 0.5",
        "id(n) > $lo - 0.5 AND id(n) < -3",
        "id(n) = $lo",
        "id(n) = toFloat($hi)",
        "id(n) = $lo + 0.5",
        "id(n) IN [$lo, $hi, $hi, null, 'x', -1, toFloat($lo) + 1.0]",
        "id(n) IN null",
        "id(n) >= null",
        "id(n) < 'text'",
        "id(n) IN [$lo, $hi] AND id(n) > $lo",
        "id(n) >= true",
        "id(n) < 9223372036854775807 AND id(n) > -9223372036854775807 - 1",
        "id(n) <= 1.0e300 AND id(n) >= -1.0e300",
        "id(n) > 0.0 / 0.0",
        "id(n) <= $hi - 0.5",
    ] {
        let fast = format!("MATCH (n:N) WHERE {cond} RETURN id(n) ORDER BY id(n)");
        let slow = format!("MATCH (n:N) WITH n WHERE {cond} RETURN id(n) ORDER BY id(n)");
        let plan = explain(&mut s, &fast);
        assert!(plan.contains("Seek"), "{cond}");
        // A range the seek answers leaves no filter; an equality or a list keeps its own.
        let kept = cond.contains(" = ") || cond.contains(" IN ");
        assert_eq!(plan.contains("Filter (id"), kept, "{cond}: {plan}");
        assert_eq!(run_with(&mut s, &fast, &p), run_with(&mut s, &slow, &p), "{cond}");
    }
    // Counts of the nodes a range keeps, and of the paths from them, are not the store's.
    for q in [
        "MATCH (n:N) WHERE id(n) > $lo RETURN count(*)",
        "MATCH (n) WHERE id(n) <= $hi RETURN count(n)",
        "MATCH (n:N)-[:R]->(:N)-[:R]->(:N) WHERE id(n) >= $lo AND id(n) < $hi RETURN count(*)",
        "MATCH (n:N)-[:R]->(m)-[:R]->(o) WHERE id(n) > $lo RETURN count(*)",
    ] {
        let slow = q.replace(" WHERE", " WITH * WHERE");
        let got = run_with(&mut s, q, &p);
        assert_eq!(got, run_with(&mut s, &slow, &p), "{q}");
        assert_ne!(got, run_with(&mut s, &q.replace("id(n)", "0 * id(n) - 1"), &p), "{q}");
    }
    // Not a list: the same error either way.
    assert!(s.run_statement("MATCH (n:N) WHERE id(n) IN 3 RETURN n", &Params::new()).is_err());
}

#[test]
fn a_match_starts_where_the_fewest_rows_are_expected() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(1, 3) AS i CREATE (:Country {name: 'C' + i})");
    run(
        &mut s,
        "UNWIND range(1, 60) AS i MATCH (c:Country {name: 'C' + (i % 3 + 1)})
         CREATE (:Org {kind: CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, n: i, x: i % 5})-[:IN]->(c)",
    );
    run(&mut s, "CREATE INDEX FOR (o:Org) ON (o.kind)");
    // The index finds 30 organisations per kind; one country in three has the name.
    let q = "MATCH (o:Org {kind: 'a'})-[:IN]->(c:Country {name: 'C2'}) RETURN count(*)";
    let plan = explain(&mut s, q);
    let (scan, seek) = (plan.find("NodeByLabelScan (c:Country"), plan.find("NodeIndexSeek"));
    assert!(scan.is_some() && seek.is_none(), "{plan}");
    assert_eq!(
        run(&mut s, q),
        run(
            &mut s,
            "MATCH (o:Org)-[:IN]->(c:Country) WHERE o.kind = 'a' AND c.name = 'C2' WITH o WHERE true RETURN count(*)"
        )
    );
    // A path written in two parts that meet at a node is planned as the one chain it is.
    let chain = "MATCH (o:Org {kind: 'a'})-[:IN]->(c)<-[:IN]-(p:Org {n: 7}) RETURN count(*)";
    let parts = "MATCH (o:Org {kind: 'a'})-[:IN]->(c), (c)<-[:IN]-(p:Org {n: 7}) RETURN count(*)";
    let leaf = |plan: &str| {
        plan.rfind("Scan").or(plan.rfind("Seek")).map(|at| plan[at..].split(')').next().unwrap_or("").to_string())
    };
    assert!(explain(&mut s, chain).contains("NodeByLabelScan (p:Org"), "{}", explain(&mut s, chain));
    assert_eq!(leaf(&explain(&mut s, parts)), leaf(&explain(&mut s, chain)), "{}", explain(&mut s, parts));
    assert_eq!(run(&mut s, parts), run(&mut plain_twin(&s), parts));
    // Property equality read in place keeps Cypher's number equality.
    assert_eq!(
        run(&mut s, "MATCH (o:Org {x: 2.0})-[:IN]->(:Country {name: 'C1'}) RETURN count(*)"),
        run(&mut s, "MATCH (o:Org)-[:IN]->(c:Country) WHERE o.x = 2 AND c.name = 'C1' RETURN count(*)")
    );
}

#[test]
fn grouping_by_what_an_earlier_step_bound_gives_the_groups_of_evaluating_each_key() {
    let mut s = random_graph();
    let pairs = [
        (
            "MATCH (a:N)-[r]-(b) RETURN a.i AS k, type(r) AS t, count(*) AS n, sum(b.i) AS s",
            "MATCH (a:N)-[r]-(b) RETURN a.i + 0 AS k, type(r) + '' AS t, count(*) AS n, sum(b.i) AS s",
        ),
        (
            "MATCH (a:N)-[:R]->(b)-[:S]-(c) RETURN id(a) AS k, labels(c) AS l, count(*) AS n",
            "MATCH (a:N)-[:R]->(b)-[:S]-(c) RETURN id(a) + 0 AS k, labels(c) + [] AS l, count(*) AS n",
        ),
        (
            "UNWIND [1, 1.0, 1, 2, null, null] AS x RETURN x AS k, count(*) AS n",
            "UNWIND [1, 1.0, 1, 2, null, null] AS x WITH x WHERE true RETURN x AS k, count(*) AS n",
        ),
    ];
    same_rows_as_plain(&mut s, "Aggregation", &pairs);
}

#[test]
fn aggregates_read_properties_in_batches_without_changing_answers_or_errors() {
    let mut s = random_graph();
    let batched = "MATCH (a:N)-[r]-(b), (c:N) RETURN a.i % 3 AS g, sum(r.k) AS s, min(b.i) AS m, count(c.i) AS n, \
                   collect(DISTINCT r.k)[0..3] AS some";
    let plain = "MATCH (a:N)-[r]-(b), (c:N) RETURN a.i % 3 AS g, sum(r.k + 0) AS s, min(b.i + 0) AS m, \
                 count(c.i + 0) AS n, collect(DISTINCT r.k + 0)[0..3] AS some";
    let rows = sorted(run(&mut s, batched));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows, sorted(run(&mut s, plain)));
    // An error in the rows, before, inside or after the first batch, is the query's error.
    for at in [1, 200, 400] {
        let q =
            format!("UNWIND range(1, 600) AS i WITH i, CASE WHEN i = {at} THEN 1 / 0 ELSE i END AS x RETURN sum(x)");
        let e = s.run_statement(&q, &Params::new()).unwrap_err();
        assert_eq!(e.detail, "DivisionByZero", "{at}");
    }
    // A property of a relationship deleted by the statement is still an error.
    let e = s.run_statement("MATCH ()-[r:R]->() DELETE r RETURN sum(r.k)", &Params::new()).unwrap_err();
    assert_eq!(e.detail, "DeletedEntityAccess");
}

#[test]
fn the_first_rows_of_an_order_are_those_of_a_stable_sort() {
    let mut s = Session::default();
    for (skip, limit) in [(0, 30), (10, 25), (0, 0), (990, 100), (0, 6000)] {
        let q = format!("UNWIND range(1, 5000) AS i RETURN i % 7 AS k, i ORDER BY k DESC SKIP {skip} LIMIT {limit}");
        let mut expected: Vec<(i64, i64)> = (1..=5000).map(|i| (i % 7, i)).collect();
        expected.sort_by_key(|e| std::cmp::Reverse(e.0));
        let expected: Vec<Vec<Value>> =
            expected.into_iter().skip(skip).take(limit).map(|(k, i)| vec![Value::Int(k), Value::Int(i)]).collect();
        assert_eq!(run(&mut s, &q), expected, "{q}");
    }
}

#[test]
fn a_top_k_sorted_before_its_projection_keeps_the_rows_and_the_errors() {
    let mut fast = random_graph();
    run(&mut fast, "MATCH (n:N) WHERE n.i % 4 = 0 SET n.name = 'n' + toString(n.i % 3)");
    let mut plain = plain_twin(&fast);
    for q in [
        "MATCH (a:N)-[r:R]->(b) RETURN a.name AS x, b.i AS y, r.k AS k ORDER BY x DESC, y, k LIMIT 9",
        "MATCH (a:N)-[r]->(b) RETURN a.name AS x, r.k AS k ORDER BY x, k DESC SKIP 3 LIMIT 4",
        "MATCH (a:N) OPTIONAL MATCH (a)-[r:S]->(b) RETURN a.i AS x, b.name AS y, r.k AS k \
         ORDER BY y, k, x LIMIT 12",
        "MATCH (a:N)-[r]->(b) WHERE b.i > 4 RETURN a, r.k AS k, 1 AS one ORDER BY k LIMIT 3",
    ] {
        let plan = explain(&mut fast, q);
        let (top, projection) = (plan.find("Top").unwrap(), plan.find("Projection").unwrap());
        assert!(projection < top, "the projection should follow the sort: {plan}");
        assert_eq!(run(&mut fast, q), run(&mut plain, q), "{q}");
    }
    // Enough rows (1,770) that the sort keeps a cutoff and drops rows after their first keys.
    let mut fast = Session::default();
    run(&mut fast, "UNWIND range(1, 60) AS i CREATE (:P {i: i, g: i % 5, name: 'p' + toString(i % 7)})");
    run(&mut fast, "MATCH (a:P), (b:P) WHERE a.i < b.i CREATE (a)-[:K {w: (a.i * b.i) % 11}]->(b)");
    let mut plain = plain_twin(&fast);
    for q in [
        "MATCH (a:P)-[k:K]->(b) RETURN a.g AS g, k.w AS w, b.name AS bn, a.i AS ai ORDER BY w DESC, g, bn DESC, ai LIMIT 10",
        "MATCH (a:P)-[k:K]->(b) RETURN b.name AS n, k.w AS w ORDER BY n, w DESC SKIP 40 LIMIT 30",
    ] {
        assert_eq!(run(&mut fast, q), run(&mut plain, q), "{q}");
    }
    // A key that can fail is read for every row, as the plain plan reads it.
    let q = "MATCH (a:P)-[r]->(b) RETURN a.i AS x, r.w AS k ORDER BY k, 10 / (x - 59) LIMIT 2";
    let e = fast.run_statement(q, &Params::new()).unwrap_err();
    assert_eq!(e.detail, plain.run_statement(q, &Params::new()).unwrap_err().detail);
    assert_eq!(e.detail, "DivisionByZero");
    // A projection that is not a property read keeps its place.
    let q = "MATCH (a:P)-[r]->(b) RETURN a.i + 1 AS x ORDER BY x LIMIT 2";
    let plan = explain(&mut fast, q);
    assert!(plan.find("Projection").unwrap() > plan.find("Top").unwrap(), "{plan}");
}

#[test]
fn two_hop_counts_from_the_middle_nodes_degrees_equal_counting_the_paths() {
    let mut fast = random_graph();
    // Some nodes with a second label, some with none, so the ends' labels must be checked.
    run(&mut fast, "MATCH (n:N) WHERE n.i % 3 = 0 SET n:M");
    run(&mut fast, "MATCH (n:N) WHERE n.i % 5 = 0 REMOVE n:N");
    let mut plain = plain_twin(&fast);
    let labels = ["", ":N", ":M", ":N:M", ":Nope"];
    let hops = ["-[:R]->", "<-[:R]-", "-[:S]->", "<-[:S]-"];
    for a in labels {
        for b in &labels[..3] {
            for c in &labels[..4] {
                for h1 in hops {
                    for h2 in hops {
                        let q = format!("MATCH (a{a}){h1}(b{b}){h2}(c{c}) RETURN count(*) AS n");
                        let plan = explain(&mut fast, &q);
                        assert!(plan.contains("PathCountFromDegrees"), "{q}: {plan}");
                        assert_eq!(run(&mut fast, &q), run(&mut plain, &q), "{q}");
                    }
                }
            }
        }
    }
    // Two patterns may use one relationship twice; a missing type counts nothing.
    for q in [
        "MATCH (a)-[:R]->(b) MATCH (b)-[:R]->(c) RETURN count(*) AS n",
        "MATCH (a)-[:R]->(b) MATCH (b)<-[:R]-(c) RETURN count(*) AS n",
        "MATCH (a)-[:R]->(b)-[:Nope]->(c) RETURN count(*) AS n",
    ] {
        assert_eq!(run(&mut fast, q), run(&mut plain, q), "{q}");
    }
}

#[test]
fn a_cached_plan_follows_the_indexes_and_the_data() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(1, 10) AS i CREATE (:P {name: 'p' + i})");
    let q = "MATCH (p:P {name: 'p3'}) RETURN p.name";
    let plan = |s: &mut Session| explain(s, q);
    assert!(plan(&mut s).contains("NodeByLabelScan"));
    assert_eq!(run(&mut s, q), vec![vec![Value::str("p3")]]);
    run(&mut s, "CREATE INDEX p_name FOR (p:P) ON (p.name)");
    assert!(plan(&mut s).contains("NodeIndexSeek"));
    assert_eq!(run(&mut s, q), vec![vec![Value::str("p3")]]);
    run(&mut s, "MATCH (p:P {name: 'p3'}) SET p.name = 'q3'");
    assert!(run(&mut s, q).is_empty());
    run(&mut s, "DROP INDEX p_name");
    assert!(plan(&mut s).contains("NodeByLabelScan"));
    run(&mut s, "CREATE (:P {name: 'p3'})");
    assert_eq!(run(&mut s, q), vec![vec![Value::str("p3")]]);
    // The hop limit a plan shows is the one in force.
    let v = "EXPLAIN MATCH (a:P)-[*]->(b) RETURN b";
    s.control.limits.max_hops = 7;
    assert!(format!("{:?}", run(&mut s, v)).contains("up to 7 hops"));
    s.control.limits.max_hops = 9;
    assert!(format!("{:?}", run(&mut s, v)).contains("up to 9 hops"));
}

#[test]
fn constant_pattern_properties_are_evaluated_once_with_the_same_meaning() {
    let mut s = random_graph();
    let k: i64 = match run(&mut s, "MATCH (:N)-[r:R]->(:N) RETURN r.k ORDER BY r.k LIMIT 1")[0][0] {
        Value::Int(k) => k,
        ref v => panic!("{v:?}"),
    };
    let mut p = Params::new();
    p.insert("k".into(), Value::Int(k));
    let plain = run_with(&mut s, "MATCH (a:N)-[r:R]->(b) WHERE r.k = $k RETURN a.i, b.i", &p);
    assert_eq!(plain.len(), 1);
    assert_eq!(run_with(&mut s, "MATCH (a:N)-[r:R {k: $k}]->(b) RETURN a.i, b.i", &p), plain);
    assert_eq!(run_with(&mut s, "MATCH (a:N)-[r:R {k: toFloat($k)}]->(b) RETURN a.i, b.i", &p), plain);
    assert!(run(&mut s, "MATCH (a:N)-[r:R {k: null}]->(b) RETURN a").is_empty());
    assert!(run(&mut s, "MATCH (a:N)-[r:R]->(b {nope: 1}) RETURN a").is_empty());
    assert!(run_with(&mut s, "MATCH (a:N)-[r:R {k: [1, {x: $k}]}]->(b) RETURN a", &p).is_empty());
}

#[test]
fn comparisons_an_index_answers_keep_their_meaning_without_a_filter() {
    let mut s = Session::default();
    run(
        &mut s,
        "UNWIND [1, 2, 2.5, 3, 10, -4, 0.0 / 0.0, 'a', 'b', 'zz', true, [1, 2], [3], date('2020-01-01'), null] AS v
         UNWIND range(1, 3) AS copy
         CREATE (:T {v: v, copy: copy}), (:U {v: v, copy: copy})",
    );
    run(&mut s, "CREATE INDEX t_v FOR (t:T) ON (t.v)");
    let conds = [
        "n.v > 2",
        "n.v >= 2 AND n.v < 10",
        "2 < n.v AND n.v <= 3.0",
        "n.v > 1 AND n.v >= 3",
        "n.v >= 3 AND n.v > 1",
        "n.v > 1 AND n.v < 'z'",
        "n.v >= 'b'",
        "n.v < 'b'",
        "n.v > 0.0 / 0.0",
        "n.v <= null",
        "n.v > [1]",
        "n.v >= date('2019-12-31')",
        "n.v = 2 AND n.v > 1",
        "n.v IN [1, 3, 'zz'] AND n.v < 3",
        "n.v > 2 AND n.copy = 2",
    ];
    let mut answers = Vec::new();
    for c in conds {
        let with_index = format!("MATCH (n:T) WHERE {c} RETURN n.v, n.copy");
        let without = format!("MATCH (n:U) WHERE {c} RETURN n.v, n.copy");
        assert!(explain(&mut s, &with_index).contains("NodeIndexSeek"), "{c}");
        let rows = sorted(run(&mut s, &with_index));
        assert_eq!(rows, sorted(run(&mut s, &without)), "{c}");
        answers.push((with_index, rows));
    }
    // A plan made with the index and run on the graph without it still checks the comparisons.
    let plans: Vec<_> = answers.iter().map(|(q, _)| s.prepare(q).unwrap().1).collect();
    run(&mut s, "DROP INDEX t_v");
    for ((q, rows), plan) in answers.iter().zip(plans) {
        let got = silkgraph::exec::execute(&plan, &mut s.graph, &Params::new(), &s.control).unwrap();
        assert_eq!(&sorted(got.rows), rows, "{q}");
    }
}

/// One `MATCH ... RETURN` of the kind analysts write, generated: a pattern of one to three
/// nodes, `WHERE` conditions of every shape an optimisation rewrites (equalities, ranges and
/// `IN` on properties, seeks by id, conditions on two variables), maybe an `OPTIONAL MATCH`,
/// and rows or counts back.
fn generated_query() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let label = prop_oneof![Just(""), Just(":N")];
    let ty = prop_oneof![Just(""), Just(":R"), Just(":S"), Just(":R|S")];
    let dir = prop_oneof![Just(("-", "->")), Just(("<-", "-")), Just(("-", "-"))];
    let var = prop_oneof![Just("a"), Just("b"), Just("c")];
    let op = prop_oneof![Just("="), Just("<"), Just("<="), Just(">"), Just(">="), Just("<>")];
    let k = -2i64..42;
    let cond = prop_oneof![
        (var.clone(), op.clone(), k.clone()).prop_map(|(v, o, k)| format!("{v}.i {o} {k}")),
        (var.clone(), op.clone(), k.clone()).prop_map(|(v, o, k)| format!("{k} {o} {v}.i")),
        (var.clone(), proptest::collection::vec(k.clone(), 0..4)).prop_map(|(v, ks)| format!("{v}.i IN {ks:?}")),
        (var.clone(), op.clone(), 0i64..45).prop_map(|(v, o, k)| format!("id({v}) {o} {k}")),
        (var.clone(), proptest::collection::vec(0i64..45, 0..3)).prop_map(|(v, ks)| format!("id({v}) IN {ks:?}")),
        (op.clone(), k.clone()).prop_map(|(o, k)| format!("r.k {o} {k}")),
        (var.clone(), var.clone(), op).prop_map(|(x, y, o)| format!("{x}.i {o} {y}.i + 1")),
        (var.clone(), k.clone()).prop_map(|(v, k)| format!("{v}.i = {k}.0")),
        var.clone().prop_map(|v| format!("{v}.i IS NULL")),
    ];
    let ret = prop_oneof![
        Just("a.i AS x, b.i AS y"),
        Just("count(*) AS n"),
        Just("a.i AS x, count(b) AS n"),
        Just("type(r) AS t, count(*) AS n"),
        Just("count(r) AS n, sum(b.i) AS s"),
        Just("DISTINCT b.i AS y"),
        // Top-k sorts whose returned columns are their keys: the rows kept are the same
        // whichever of equal rows comes first.
        Just("a.i AS x, b.i AS y, r.k AS k ORDER BY k DESC, x, y LIMIT 7"),
        Just("b.i AS y, a.i AS x ORDER BY y, x DESC SKIP 2 LIMIT 5"),
    ];
    let optional = prop_oneof![
        Just(String::new()),
        Just(" OPTIONAL MATCH (b)-[:S]->(d:N) WHERE d.i > 3".to_string()),
        Just(" MATCH (d:N {i: 7})".to_string()),
    ];
    let props = prop_oneof![Just(String::new()), (0i64..40).prop_map(|k| format!(" {{i: {k}}}"))];
    (
        (label.clone(), props, ty.clone(), dir.clone(), label.clone()),
        proptest::option::of((ty, dir, label, 0u8..4)),
        proptest::collection::vec(cond, 0..4),
        optional,
        ret,
    )
        .prop_map(|((la, pa, t1, (l1, r1), lb), more, mut conds, optional, ret)| {
            let mut q = format!("MATCH (a{la}{pa}){l1}[r{t1}]{r1}(b{lb})");
            match more {
                // Back to the first node: a cycle.
                Some((t2, (l2, r2), _, 0)) => q += &format!("{l2}[{t2}]{r2}(a)"),
                // The same hop written as a pattern part of its own, which plans as one chain.
                Some((t2, (l2, r2), lc, 1)) => q += &format!(", (b){l2}[{t2}]{r2}(c{lc})"),
                // A part that ends where the first one did: it starts there, and may not use
                // the first part's relationship again.
                Some((t2, (l2, r2), lc, 2)) => q += &format!(", (c{lc}){l2}[{t2}]{r2}(b)"),
                Some((t2, (l2, r2), lc, _)) => q += &format!("{l2}[{t2}]{r2}(c{lc})"),
                None => {}
            }
            if !q.contains("(c") {
                conds.retain(|c| !c.contains("c."));
                conds.retain(|c| !c.contains("(c)"));
            }
            if !conds.is_empty() {
                q += &format!(" WHERE {}", conds.join(" AND "));
            }
            q + &optional + &format!(" RETURN {ret}")
        })
}

/// Whether `q` gives `fast` the rows (in any order) or the error it gives `plain`.
fn same_outcome(fast: &mut Session, plain: &mut Session, q: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let got = fast.run_statement(q, &Params::new()).map(|o| sorted(o.result.rows));
    let want = plain.run_statement(q, &Params::new()).map(|o| sorted(o.result.rows));
    match (got, want) {
        (Ok(got), Ok(want)) => proptest::prop_assert_eq!(got, want, "{} under {:?}", q, fast.passes),
        (Err(a), Err(b)) => proptest::prop_assert_eq!(a.detail, b.detail, "{}", q),
        (got, want) => proptest::prop_assert!(false, "{q} under {:?}: {got:?}, plain {want:?}", fast.passes),
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

    /// Every optimisation the planner makes returns the rows of the plan without any, with and
    /// without an index on the key the conditions read.
    #[test]
    fn optimised_plans_return_the_rows_of_plain_plans(q in generated_query(), indexed: bool) {
        let mut fast = random_graph();
        if indexed {
            run(&mut fast, "CREATE INDEX FOR (n:N) ON (n.i)");
        }
        let mut plain = Session::new(fast.graph.clone());
        plain.passes = silkgraph::plan::Passes::ALL.without_optimizations();
        same_outcome(&mut fast, &mut plain, &q)?;
    }
}

/// The passes whose bits `mask` sets, in the order of [`silkgraph::plan::Passes`]'s fields.
fn passes_of(mask: u16) -> silkgraph::plan::Passes {
    let on = |bit: u16| mask & (1 << bit) != 0;
    silkgraph::plan::Passes {
        pushdown: on(0),
        index_seek: on(1),
        id_seek: on(2),
        start_point: on(3),
        early_filter: on(4),
        count_store: on(5),
        count_expand: on(6),
        late_projection: on(7),
        count_paths: on(8),
        each_step: on(9),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

    /// Each pass keeps the rows on whatever the passes before it made of the plan: any subset
    /// of them returns the rows of the plain plan.
    #[test]
    fn any_subset_of_the_passes_returns_the_rows_of_plain_plans(q in generated_query(), indexed: bool, mask in 0u16..1024) {
        let mut some = random_graph();
        if indexed {
            run(&mut some, "CREATE INDEX FOR (n:N) ON (n.i)");
        }
        let mut plain = plain_twin(&some);
        some.passes = passes_of(mask);
        same_outcome(&mut some, &mut plain, &q)?;
    }
}

/// `all(k IN relationships(p) WHERE c)` over a variable-length pattern, which the walk checks
/// at each step (`each` in the plan) when `c` cannot fail.
fn each_step_query() -> impl proptest::strategy::Strategy<Value = (String, bool)> {
    use proptest::prelude::*;
    let cond = prop_oneof![
        (prop_oneof![Just(">"), Just("<="), Just("="), Just("<>")], -2i64..42)
            .prop_map(|(o, v)| format!("k.k {o} {v}")),
        Just("k.k > 'x'".to_string()),
        Just("k.nothing IS NULL".to_string()),
        (0i64..40, 0i64..40).prop_map(|(a, b)| format!("k.k >= {a} AND NOT k.k = {b}")),
        // Arithmetic may fail: checked after the walk, as written.
        (0i64..40).prop_map(|v| format!("k.k + 1 > {v}")),
    ];
    (
        prop_oneof![Just(""), Just(":R"), Just(":S|R")],
        (0u64..2, 1u64..4),
        prop_oneof![Just(("-", "->")), Just(("<-", "-")), Just(("-", "-"))],
        cond,
        any::<bool>(),
        0i64..40,
        proptest::option::of(0i64..40),
    )
        .prop_map(|(t, (lo, more), (l, r), c, listed, start, end)| {
            let hi = lo + more;
            let all = if listed {
                format!("all(k IN rs WHERE {c})")
            } else {
                format!("all(k IN relationships(p) WHERE {c})")
            };
            // A far node with properties keeps the filter after the walk.
            let pushed = !c.contains('+') && end.is_none();
            let end = end.map(|i| format!(" {{i: {i}}}")).unwrap_or_default();
            (
                format!(
                    "MATCH p = (a:N {{i: {start}}}){l}[rs{t}*{lo}..{hi}]{r}(b{end}) WHERE {all} \
                     RETURN b.i AS b, length(p) AS n, [x IN rs | x.k] AS ks"
                ),
                pushed,
            )
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

    /// A condition on every relationship of a walk, checked at each step, keeps the rows of
    /// the filter after the walk.
    #[test]
    fn conditions_on_each_step_of_a_walk_keep_the_rows_of_the_filter((q, pushed) in each_step_query()) {
        let mut fast = random_graph();
        let mut plain = plain_twin(&fast);
        proptest::prop_assert_eq!(explain(&mut fast, &q).contains(" each k: "), pushed, "{}", q);
        same_outcome(&mut fast, &mut plain, &q)?;
    }
}

#[test]
fn plain_plans_are_plain() {
    let mut s = random_graph();
    run(&mut s, "CREATE INDEX FOR (n:N) ON (n.i)");
    s.passes = silkgraph::plan::Passes::NONE;
    let plan = explain(&mut s, "MATCH (a:N)-[r:R]->(b:N {i: 3}) WHERE id(a) = 4 AND a.i > 2 RETURN count(*)");
    for fast in ["Seek", "Index", "CountStore", "counting matches"] {
        assert!(!plan.contains(fast), "{fast} in {plan}");
    }
    assert!(plan.find("NodeByLabelScan (a:N").is_some(), "{plan}");
}

#[test]
fn integer_comparisons_read_where_the_values_lie_as_the_plain_road_compares() {
    let mut s = Session::default();
    // A filter, not an index made for the repeated lookups.
    s.no_auto_index = true;
    // Enough nodes for the store to build a column of `v` (after 4,096 reads of a block), with
    // integers, nulls, a float, a string and a boolean among them.
    run(
        &mut s,
        "UNWIND range(0, 5999) AS i
         WITH i, [-3, -2, -1, 0, 1, 2, 3, null, 2.5, 'x', true][i % 11] AS v
         CREATE (:V {v: v, i: i})",
    );
    for op in ["=", "<>", "<", "<=", ">", ">="] {
        for (fast, plain) in [
            (format!("n.v {op} 1"), format!("coalesce(n.v, n.v) {op} 1")),
            (format!("1 {op} n.v"), format!("1 {op} coalesce(n.v, n.v)")),
            (format!("(n.v {op} 1) IS NULL"), format!("(coalesce(n.v, n.v) {op} 1) IS NULL")),
        ] {
            // One reader for all nodes (DISTINCT keeps the aggregation on one thread), so that
            // its reads make the column.
            let q = |w: &str| format!("MATCH (n:V) WHERE {w} RETURN count(DISTINCT n.i)");
            // Twice: the first run reads before the column exists, the second through it.
            for _ in 0..2 {
                assert_eq!(run(&mut s, &q(&fast)), run(&mut s, &q(&plain)), "{fast}");
            }
        }
    }
}

#[test]
fn text_equality_reads_in_place_or_from_a_column_as_the_plain_road_compares() {
    let mut s = Session::default();
    s.no_auto_index = true;
    run(
        &mut s,
        "UNWIND range(0, 5999) AS i
         WITH i, ['x', 'y', '', 'x ', 'é', null, 1, ['x'], true, 2.5, 'X'][i % 11] AS v
         CREATE (:V {v: v, i: i})",
    );
    let q = |w: &str| format!("MATCH (n:V) WHERE {w} RETURN count(DISTINCT n.i)");
    let cases = ["'x'", "''", "'é'", "'X'", "'nowhere'"];
    let check = |s: &mut Session| {
        for t in cases {
            let (fast, plain) = (format!("n.v = {t}"), format!("coalesce(n.v, n.v) = {t}"));
            assert_eq!(run(s, &q(&fast)), run(s, &q(&plain)), "{fast}");
            let (fast, plain) = (format!("{t} <> n.v"), format!("{t} <> coalesce(n.v, n.v)"));
            assert_eq!(run(s, &q(&fast)), run(s, &q(&plain)), "{fast}");
        }
    };
    // Compared in each node's list: an equality with a text builds no column.
    check(&mut s);
    // Reading every value (a column is built for them), then compared in the column.
    for _ in 0..2 {
        run(&mut s, "MATCH (n:V) RETURN count(DISTINCT n.v)");
    }
    check(&mut s);
    assert_eq!(run(&mut s, &q("n.v = 'x'")), vec![vec![Value::Int(546)]]);
}

/// The filters between an expansion and the aggregation it feeds are checked on each match
/// ("counting matches where ..."), so no row is made per match: the rows and errors of the
/// plain road, for conditions on the relationship, the far node, the start node and
/// parameters, with and without aggregates of the matches, and hops that are then neither
/// folded nor counted from degrees.
#[test]
fn filters_checked_in_a_counting_hop_give_the_plain_roads_rows_and_errors() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(0, 1999) AS i CREATE (:P {i: i % 500})");
    run(
        &mut s,
        "MATCH (p:P) WITH p, id(p) AS k UNWIND range(0, k % 6) AS j WITH p, k + j AS x
         CREATE (p)-[:K {y: 1990 + x % 30, u: [4, null, 'c', 2.5][x % 4]}]->(f:F {v: [1, 'a', null, 7.5][x % 4], n: x % 13 - 6})
         CREATE (f)-[:L {z: x % 3}]->(:G)",
    );
    let mut plain = plain_twin(&s);
    let params: Params = [("y".to_string(), Value::Int(2005))].into_iter().collect();
    let queries = [
        "MATCH (p:P)-[k:K]->(f:F) WHERE k.y >= $y WITH p, count(*) AS n, sum(f.n) AS t WHERE n >= 2 RETURN p.i AS i, n, t",
        "MATCH (p:P)-[k:K]->(f:F) WHERE k.y >= $y RETURN p.i AS i, count(*) AS n, max(k.u) AS u",
        "MATCH (p:P)-[k:K]->(f:F) WHERE f.v > 2 AND p.i % 3 = 0 RETURN p AS p, count(f) AS n, min(f.n) AS lo",
        "MATCH (p:P)-[k:K]->(f:F) WHERE k.u = 'c' OR f.v IS NULL RETURN count(*) AS n",
        "MATCH (p:P)-[k:K]->(f:F) WHERE f.n < 0 RETURN p.i % 7 AS g, count(*) AS n, sum(k.y) AS s",
        "MATCH (p:P)-[:K]->(f:F)-[l:L]->(g) WHERE l.z = 1 RETURN count(*) AS n",
        "MATCH (p:P)-[:K]->(f:F)-[l:L]->(g) WHERE l.z <> 1 RETURN p.i AS i, count(*) AS n",
        // Grouped by the scanned node: one row per node, projected with no grouping.
        "MATCH (p:P)-[k:K]->(f:F) WHERE k.y >= $y WITH p, sum(f.nothing) AS z, max(f.nothing) AS m, min(k.u) AS u, \
         sum(f.n) AS t, count(*) AS n RETURN p.i AS i, z, m, u, t, n",
    ];
    let by_node = explain(&mut s, queries[queries.len() - 1]);
    assert!(by_node.contains("coalesce(") && !by_node.contains("Aggregation"), "{by_node}");
    for q in queries {
        assert!(explain(&mut s, q).contains("counting matches where"), "{}", explain(&mut s, q));
        let expected = sorted(run_with(&mut plain, q, &params));
        assert!(!expected.is_empty(), "{q}");
        for _ in 0..2 {
            assert_eq!(sorted(run_with(&mut s, q, &params)), expected, "{q}");
        }
    }
    // A condition that fails fails as the filter fails, at the same match.
    for q in [
        "MATCH (p:P)-[k:K]->(f:F) WHERE f.v RETURN p.i AS i, count(*) AS n",
        "MATCH (p:P)-[k:K]->(f:F) WHERE 10 / (f.n + 6) > 0 RETURN p.i AS i, count(*) AS n, sum(f.n) AS t",
        "MATCH (p:P)-[k:K]->(f:F) WHERE k.y > $missing RETURN count(*) AS n",
    ] {
        assert!(explain(&mut s, q).contains("counting matches where"), "{q}");
        let (got, want) = (s.run_statement(q, &params), plain.run_statement(q, &params));
        let (Err(got), Err(want)) = (got, want) else { panic!("{q}: both should fail") };
        assert_eq!((got.detail, got.message), (want.detail, want.message), "{q}");
    }
}

/// A count of each start node's matches with aggregates of the far nodes' and the
/// relationships' properties ("counting matches ... and Max(f.v)") reads each value from the
/// store's reader, an integer without a value made: the rows and errors of the plain road, for
/// values of every type, missing ones, and keys that several start nodes share, read in place
/// and from a column.
#[test]
fn aggregates_of_what_each_match_binds_read_in_place_give_the_plain_roads_rows_and_errors() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(0, 2999) AS i CREATE (:P {i: i % 700})");
    run(
        &mut s,
        "MATCH (p:P) WITH p, id(p) AS k UNWIND range(0, k % 7) AS j
         WITH p, k + j AS x
         CREATE (p)-[:K {u: [4, null, 'c', 2.5, -1][x % 5]}]->(:F {v: [1, 2.5, 'a', null, -7, [1], 9223372036854775807, 'b', 0][x % 9],
                               w: [3, null, 1.5, -2, 7][x % 5], n: x % 13 - 6, big: 9223372036854775807 - x % 2})",
    );
    let mut plain = plain_twin(&s);
    let fast = "MATCH (p:P)-[k:K]->(f:F) RETURN p.i AS i, count(*) AS c, max(f.v) AS mx, min(f.v) AS mn, \
                sum(f.w) AS s, max(f.w) AS w, min(f.n) AS lo, max(f.n) AS hi, sum(f.n) AS t, min(f.nothing) AS none, \
                max(k.u) AS ku, min(k.u) AS kl";
    assert!(explain(&mut s, fast).contains("counting matches"), "{}", explain(&mut s, fast));
    assert!(!explain(&mut plain, fast).contains("counting matches"));
    let expected = sorted(run(&mut plain, fast));
    assert_eq!(expected.len(), 700);
    // Thrice: read in place, then from the columns the reads made.
    for _ in 0..3 {
        assert_eq!(sorted(run(&mut s, fast)), expected);
    }
    // A sum of texts, and an integer sum that overflows, fail as the plain road fails.
    for q in [
        "MATCH (p:P)-[:K]->(f:F) RETURN p.i AS i, sum(f.v) AS s",
        "MATCH (p:P)-[k:K]->(f:F) RETURN p.i AS i, sum(k.u) AS s",
        "MATCH (p:P)-[:K]->(f:F) RETURN sum(f.big) AS s",
        "MATCH (p:P)-[:K]->(f:F) RETURN p.i AS i, count(*) AS c, sum(f.big) AS s",
    ] {
        assert!(explain(&mut s, q).contains("counting matches"), "{q}");
        let (got, want) = (s.run_statement(q, &Params::new()), plain.run_statement(q, &Params::new()));
        let (Err(got), Err(want)) = (got, want) else { panic!("{q}: both should fail") };
        assert_eq!((got.detail, got.message), (want.detail, want.message), "{q}");
    }
}
