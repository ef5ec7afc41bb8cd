//! Hostile input, runaway queries and interrupted saves (docs/robustness.md): every one gets a
//! clear error or a result, never a panic, a hang or a damaged file. Inputs the fuzzers found
//! problems with are kept here as regression tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use silkgraph::exec::{Limits, Params};
use silkgraph::session::Session;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

/// Runs `silkgraph [args] --format jsonl run -` on an empty graph with `text` on standard input;
/// returns the exit code and the JSON lines.
fn query(args: &[&str], text: &str) -> (i32, Vec<serde_json::Value>) {
    let mut child = bin()
        .arg("--empty")
        .args(args)
        .args(["--format", "jsonl", "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let owned = text.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(owned.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    (out.status.code().unwrap_or(-1), lines)
}

/// The error of a one-statement query: `(kind, detail)`.
fn error_of(args: &[&str], text: &str) -> (String, String) {
    let (code, lines) = query(args, text);
    assert_eq!(code, 1, "{text} should fail: {lines:?}");
    let e = &lines.last().expect("an error line")["error"];
    (e["kind"].as_str().unwrap_or("").to_string(), e["detail"].as_str().unwrap_or("").to_string())
}

/// The single value of a one-row, one-column query.
fn value_of(text: &str) -> serde_json::Value {
    let (code, lines) = query(&[], text);
    assert_eq!(code, 0, "{text}: {lines:?}");
    lines[0]["rows"][0][0].clone()
}

/// A scratch directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("silkgraph-robustness-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

// ---- the parser ------------------------------------------------------------------------------

#[test]
fn nesting_100k_deep_is_refused_not_a_stack_overflow() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{a: ", "}")] {
        let text = format!("RETURN {}1{}", open.repeat(100_000), close.repeat(100_000));
        let (kind, detail) = error_of(&[], &text);
        assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "NestingDepth"), "{open}");
        // The library, on an ordinary thread's stack, too.
        let e = silkgraph::syntax::parse(&text).unwrap_err();
        assert_eq!(e.detail, "NestingDepth");
    }
    // Unbalanced and unterminated input, as people paste it half-finished.
    for text in ["RETURN ((((((1", "MATCH (a)-[", "RETURN 'abc", "RETURN /* x", "MATCH (n {a: [1, {b: "] {
        let (kind, _) = error_of(&[], text);
        assert_eq!(kind, "SyntaxError", "{text}");
    }
}

#[test]
fn long_flat_input_is_handled() {
    // 10,000 terms in one expression, 5,000 statements in one script.
    let sum = (0..10_000).map(|i| i.to_string()).collect::<Vec<_>>().join(" + ");
    assert_eq!(value_of(&format!("RETURN {sum} AS s")), serde_json::json!(49_995_000));
    let script = "RETURN 1;".repeat(5_000);
    let (code, lines) = query(&[], &script);
    assert_eq!((code, lines.len()), (0, 5_000));
    // Longer chains without brackets nest as deeply in the tree they make: refused, where
    // 280,000 ORs or 440,000 NOTs once overflowed the stack and aborted.
    let chains = [
        format!("RETURN {} AS x", vec!["false"; 280_000].join(" OR ")),
        format!("RETURN {}true AS x", "NOT ".repeat(440_000)),
        format!("RETURN {} AS x", vec!["1"; 20_001].join(" < ")),
        format!("RETURN {} AS x", vec!["1"; 20_001].join(" + ")),
        format!("MATCH (a){} RETURN count(*)", "-->()".repeat(40_000)),
        format!("CREATE (:N {{v: {}}})", vec!["1"; 100_000].join("+")),
    ];
    for q in &chains {
        let (kind, detail) = error_of(&[], q);
        assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "QueryTooComplex"), "{}", &q[..40]);
    }
    // Separate expressions each get their own count.
    let items = (0..30).map(|i| format!("{} AS x{i}", vec!["1"; 1_000].join(" + "))).collect::<Vec<_>>().join(", ");
    assert_eq!(query(&[], &format!("RETURN {items}")).0, 0);
}

// ---- limits ----------------------------------------------------------------------------------

#[test]
fn result_rows_are_limited_with_an_error() {
    let (kind, detail) = error_of(&["--max-rows", "100"], "UNWIND range(1, 101) AS x RETURN x");
    assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "RowLimit"));
    let (code, lines) = query(&["--max-rows", "100"], "UNWIND range(1, 100) AS x RETURN x");
    assert_eq!((code, lines[0]["rows"].as_array().unwrap().len()), (0, 100));
    // Across the parts of a UNION too.
    let (kind, _) = error_of(&["--max-rows", "3"], "UNWIND [1, 2] AS x RETURN x UNION ALL UNWIND [3, 4] AS x RETURN x");
    assert_eq!(kind, "ResourceLimit");
    // The default is a million.
    assert_eq!(Limits::default().max_rows, 1_000_000);
}

/// A chain of `n` relationships `(:N {i: 0})-[:T]->...->(:N {i: n})`.
fn chain(n: usize) -> String {
    format!(
        "UNWIND range(0, {n}) AS i CREATE (:N {{i: i}}) WITH count(*) AS c \
         MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:T]->(b)"
    )
}

#[test]
fn unbounded_variable_length_patterns_have_a_visible_bound_that_is_an_error_to_pass() {
    let mut s = Session::default();
    s.run_statement(&chain(30), &Params::new()).unwrap();
    s.control.limits.max_hops = 20;
    let q = "MATCH (a:N {i: 0})-[:T*]->(b) RETURN count(*) AS n";
    // EXPLAIN shows the bound that applies.
    let plan = s.run_statement(&format!("EXPLAIN {q}"), &Params::new()).unwrap();
    let text: Vec<String> = plan.result.rows.iter().map(|r| format!("{:?}", r[0])).collect();
    assert!(text.iter().any(|l| l.contains("up to 20 hops (the hop limit")), "{text:?}");
    // Passing it is an error, not a shorter answer.
    let e = s.run_statement(q, &Params::new()).unwrap_err();
    assert_eq!((e.kind.as_str(), e.detail.as_str()), ("ResourceLimit", "PathLengthLimit"));
    // Paths within the bound are all found; explicit bounds are the query's own.
    s.control.limits.max_hops = 30;
    let o = s.run_statement(q, &Params::new()).unwrap();
    assert_eq!(o.result.rows[0][0], silkgraph::value::Value::Int(30));
    s.control.limits.max_hops = 5;
    let o = s.run_statement("MATCH (a:N {i: 0})-[:T*..10]->(b) RETURN count(*)", &Params::new()).unwrap();
    assert_eq!(o.result.rows[0][0], silkgraph::value::Value::Int(10));
    // shortestPath searches breadth-first and needs no cap.
    let o = s
        .run_statement("MATCH p = shortestPath((a:N {i: 0})-[:T*]->(b:N {i: 30})) RETURN length(p)", &Params::new())
        .unwrap();
    assert_eq!(o.result.rows[0][0], silkgraph::value::Value::Int(30));
    // From the command line.
    let (kind, detail) =
        error_of(&["--max-hops", "10"], &format!("{}; MATCH (:N {{i: 0}})-[*]->(b) RETURN b", chain(12)));
    assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "PathLengthLimit"));
}

#[test]
fn memory_held_by_one_query_is_limited() {
    for q in [
        "WITH range(1, 200000) AS l UNWIND l AS x RETURN x ORDER BY x DESC LIMIT 1",
        "UNWIND range(1, 200000) AS x WITH x ORDER BY x DESC RETURN x LIMIT 1",
        "UNWIND range(1, 200000) AS x RETURN collect(x)[0]",
        "UNWIND range(1, 200000) AS x WITH DISTINCT x % 100000 AS y RETURN count(y)",
        "UNWIND range(1, 200000) AS x WITH x, count(*) AS c RETURN count(*)",
        "RETURN size(range(1, 10000000))",
        "RETURN size(reduce(s = 'xx', i IN range(1, 40) | s + s))",
        "RETURN size(reduce(l = [1], i IN range(1, 40) | l + l))",
        // Values made by functions and comprehensions are counted before they are made.
        "RETURN size(split(reduce(s = 'a', i IN range(1, 20) | s + s), ''))",
        "RETURN size(replace(reduce(s = 'a', i IN range(1, 18) | s + s), 'a', 'aaaaaaaaaaaaaaaaaaaa'))",
        "RETURN size([x IN range(1, 3000) | [y IN range(1, 3000) | y]])",
    ] {
        let (kind, detail) = error_of(&["--max-memory", "4MiB"], q);
        assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "MemoryLimit"), "{q}");
    }
    // `UNWIND range(...)` hands out its values one at a time, and the best one of a sorted
    // stream is kept alone: that much fits in very little.
    let (code, lines) =
        query(&["--max-memory", "4MiB"], "UNWIND range(1, 200000) AS x RETURN x ORDER BY x DESC LIMIT 1");
    assert_eq!((code, &lines[0]["rows"][0][0]), (0, &serde_json::json!(200000)));
    // Within the default, the same work is fine.
    assert_eq!(value_of("UNWIND range(1, 200000) AS x RETURN x ORDER BY x DESC LIMIT 1"), serde_json::json!(200000));
    assert_eq!(Limits::default().max_memory, 2 << 30);
}

#[test]
fn runaway_queries_time_out() {
    let t0 = Instant::now();
    let (kind, detail) = error_of(
        &["--timeout", "0.5"],
        "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c RETURN count(*)",
    );
    assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "Timeout"));
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
    // A reduce whose accumulator grows at its front makes each step costly (the list is made
    // anew at each `[i] + acc`): it stops at the limit, not thousands of steps later. Growing at
    // its end adds in place (the accumulator's list is its own), so that one simply answers.
    assert_eq!(
        value_of("RETURN size(reduce(acc = [], i IN range(1, 300000) | acc + [i])) AS n"),
        serde_json::json!(300000)
    );
    let (kind, detail) =
        error_of(&["--timeout", "0.5"], "RETURN size(reduce(acc = [], i IN range(1, 300000) | [i] + acc)) AS n");
    assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "Timeout"));
    // One that doubles in a few steps is held to the memory limit (2^25 elements would be
    // a gigabyte or more).
    let (kind, detail) =
        error_of(&["--max-memory", "64MiB"], "RETURN size(reduce(acc = [0], i IN range(1, 25) | acc + acc)) AS n");
    assert_eq!((kind.as_str(), detail.as_str()), ("ResourceLimit", "MemoryLimit"));
    // A path explosion on a dense graph stops too.
    let dense = "UNWIND range(1, 12) AS i CREATE (:K {i: i}) WITH count(*) AS c \
                 MATCH (a:K), (b:K) WHERE a <> b CREATE (a)-[:E]->(b)";
    let (kind, detail) = error_of(&["--timeout", "0.5"], &format!("{dense}; MATCH (a)-[*]->(b) RETURN count(*)"));
    assert_eq!(kind, "ResourceLimit");
    assert!(["Timeout", "MemoryLimit", "PathLengthLimit"].contains(&detail.as_str()), "{detail}");
    // Writes stop too (each written row is a unit of work), and leave nothing behind.
    let db = scratch("timeout").join("w.sg");
    let db = db.to_str().unwrap();
    for q in [
        "UNWIND range(1, 5000000) AS x CREATE (:X {i: x})",
        "UNWIND range(1, 1000000) AS x WITH x ORDER BY x DESC CREATE (:X {i: x, s: toString(x), t: x * 2})",
    ] {
        let out = bin().args(["--graph", db, "--timeout", "0.3", "query", q]).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("time limit"), "{q}");
        let n =
            bin().args(["--graph", db, "--format", "jsonl", "query", "MATCH (n) RETURN count(n)"]).output().unwrap();
        assert!(String::from_utf8_lossy(&n.stdout).contains("[[0]]"), "{q} left nodes");
    }
    // Bad values are usage errors.
    for args in [["--timeout", "-1"], ["--max-rows", "0"], ["--max-memory", "lots"]] {
        let out = bin().arg("--empty").args(args).args(["query", "RETURN 1"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

// ---- arithmetic and types (openCypher: errors, not wrapped values or panics) ------------------

#[test]
fn integer_overflow_and_division_by_zero_are_errors() {
    for (q, detail) in [
        ("RETURN 9223372036854775807 + 1", "IntegerOverflow"),
        ("RETURN -9223372036854775808 - 1", "IntegerOverflow"),
        ("RETURN 4611686018427387904 * 2", "IntegerOverflow"),
        ("RETURN -9223372036854775808 / -1", "IntegerOverflow"),
        ("RETURN -(-9223372036854775808)", "IntegerOverflow"),
        ("UNWIND [9223372036854775807, 1] AS x RETURN sum(x)", "IntegerOverflow"),
        ("RETURN 1 / 0", "DivisionByZero"),
        ("RETURN 1 % 0", "DivisionByZero"),
    ] {
        let (kind, d) = error_of(&[], q);
        assert_eq!((kind.as_str(), d.as_str()), ("ArgumentError", detail), "{q}");
    }
    assert_eq!(error_of(&[], "RETURN abs(-9223372036854775808)").0, "ArgumentError");
    assert_eq!(error_of(&[], "RETURN 99999999999999999999").1, "IntegerOverflow");
    assert_eq!(value_of("RETURN -9223372036854775808 % -1"), serde_json::json!(0));
    assert_eq!(value_of("RETURN 9223372036854775807 - 1"), serde_json::json!(9223372036854775806i64));
}

#[test]
fn floats_follow_ieee_and_nan_compares_false() {
    let float = |s: &str| serde_json::json!({ "@float": s });
    assert_eq!(value_of("RETURN 1.0 / 0"), float("Infinity"));
    assert_eq!(value_of("RETURN -1 / 0.0"), float("-Infinity"));
    assert_eq!(value_of("RETURN 0.0 / 0.0"), float("NaN"));
    assert_eq!(value_of("RETURN 1 % 0.0"), float("NaN"));
    assert_eq!(value_of("RETURN sqrt(-1)"), float("NaN"));
    assert_eq!(value_of("RETURN 2 ^ 1024"), float("Infinity"));
    let (code, lines) = query(&[], "WITH 0.0 / 0.0 AS n RETURN n = n, n <> n, n < 1, n > 1, [n] = [n], n IS NULL");
    assert_eq!(code, 0);
    assert_eq!(lines[0]["rows"][0], serde_json::json!([false, true, false, false, false, false]));
    assert_eq!(error_of(&[], "RETURN 1e309").1, "FloatingPointOverflow");
}

#[test]
fn casts_and_comparisons_across_types() {
    let (code, lines) = query(
        &[],
        "RETURN toInteger('x'), toInteger('9223372036854775808'), toInteger(1e20), toFloat('abc'), \
         toInteger(0.0 / 0.0), toBoolean('yes'), toInteger(' 42 '), toFloat('1e400')",
    );
    assert_eq!(code, 0);
    let row = lines[0]["rows"][0].as_array().unwrap().clone();
    assert_eq!(&row[..7], &serde_json::json!([null, null, null, null, null, null, 42]).as_array().unwrap()[..]);
    let (code, lines) =
        query(&[], "RETURN 1 < 'a', 'a' = 1, null < 1, 1 = 1.0, [1, 'a'] = [1, 'a'], {a: 1} = {a: 1.0}");
    assert_eq!(code, 0);
    assert_eq!(lines[0]["rows"][0], serde_json::json!([null, false, null, true, true, true]));
    // A type the text fixes is refused before running (as openCypher and Neo4j do); one that
    // only the data shows, while running.
    assert_eq!(error_of(&[], "RETURN 'a' - 1"), ("SyntaxError".to_string(), "InvalidArgumentType".to_string()));
    assert_eq!(error_of(&[], "UNWIND ['a'] AS s RETURN s - 1").0, "TypeError");
    assert_eq!(error_of(&[], "RETURN toInteger([1])").0, "TypeError");
    assert_eq!(error_of(&[], "UNWIND [1, 'a'] AS x RETURN sum(x)").0, "TypeError");
    // Extreme indexes and lengths are clamped or null, never a panic.
    let (code, lines) = query(
        &[],
        "RETURN [1, 2, 3][9223372036854775807], [1, 2, 3][-9223372036854775808], [1, 2][0..9223372036854775807], \
         substring('abc', 9223372036854775807), left('abc', 9223372036854775807), \
         range(0, 9223372036854775807, 4611686018427387904)",
    );
    assert_eq!(code, 0);
    assert_eq!(lines[0]["rows"][0], serde_json::json!([null, null, [1, 2], "", "abc", [0, 4611686018427387904i64]]));
}

// ---- round two: inputs that once killed the REPL (issue 19) -----------------------------------

#[test]
fn a_limit_error_says_where_the_limit_is_set() {
    // The engine names no flag; the command line adds where each limit is set.
    for (args, q, flag) in [
        (["--max-rows", "1"], "UNWIND [1, 2] AS x RETURN x", "--max-rows"),
        (["--max-memory", "1MiB"], "UNWIND range(1, 1000000) AS x RETURN collect(x)", "--max-memory"),
        (["--timeout", "0.2"], "UNWIND range(1, 10000) AS x UNWIND range(1, 10000) AS y RETURN count(*)", "--timeout"),
    ] {
        let (code, lines) = query(&args, q);
        assert_eq!(code, 1, "{q}");
        let e = &lines.last().unwrap()["error"];
        assert_eq!(e["kind"], "ResourceLimit", "{e}");
        assert!(e["hint"].as_str().is_some_and(|h| h.contains(flag)), "{e}");
        assert!(!e["message"].as_str().unwrap().contains("--"), "{e}");
    }
}

#[test]
fn aggregates_check_how_many_arguments_they_get() {
    for q in [
        "RETURN count()",
        "RETURN count(DISTINCT)",
        "RETURN sum()",
        "RETURN avg()",
        "RETURN min()",
        "RETURN max()",
        "RETURN collect()",
        "RETURN stDev()",
        "RETURN percentileCont()",
        "RETURN count(1, 2)",
        "RETURN percentileDisc(1)",
        "UNWIND [1] AS x RETURN x, sum(x, x)",
        "RETURN toUpper()",
    ] {
        let (_, detail) = error_of(&[], q);
        assert_eq!(detail, "InvalidNumberOfArguments", "{q}");
    }
    // The right number still runs.
    assert_eq!(value_of("UNWIND [1, 2, 3] AS x RETURN percentileDisc(x, 0.5)"), serde_json::json!(2));
}

#[test]
fn temporal_text_that_is_not_ascii_is_an_error_not_a_panic() {
    for q in [
        "RETURN localtime('中文')",
        "RETURN time('😀')",
        "RETURN datetime('2020-01-01T😀')",
        "RETURN date('2015-W中')",
        "RETURN date('2015é1')",
        "RETURN localdatetime('2015-Q中')",
        "RETURN duration('P😀D')",
        "RETURN datetime({year: 2020, timezone: '+😀'})",
    ] {
        let (kind, _) = error_of(&[], q);
        assert!(!kind.is_empty(), "{q}");
    }
    // The same text as a parameter, tagged as a temporal value.
    let (code, lines) = query(&["--params", r#"{"t": {"@localtime": "😀"}}"#], "RETURN $t");
    assert_ne!(code, 0, "{lines:?}");
    // And inside a JSON graph file.
    let d = scratch("temporal-json");
    let f = d.join("g.json");
    let node = r#"{"id": 1, "labels": ["A"], "properties": {"t": {"@localtime": "😀"}}}"#;
    std::fs::write(&f, format!(r#"{{"format": "silkgraph-graph", "version": 1, "nodes": [{node}]}}"#)).unwrap();
    let e = open_error(&f);
    assert!(e.contains("g.json"), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn time_limits_too_long_for_the_clock_are_no_limit() {
    for t in ["1e20", "1e19", "1.7976931348623157e308"] {
        let (code, lines) = query(&["--timeout", t], "RETURN 1 AS one");
        assert_eq!(code, 0, "--timeout {t}: {lines:?}");
        assert_eq!(lines[0]["rows"][0][0], serde_json::json!(1));
    }
    let mut s = Session::default();
    s.timeout = Some(Duration::MAX);
    let mut rows = 0;
    s.run_script("RETURN 3", &Params::new(), |_, r| rows += r.map(|o| o.result.rows.len()).unwrap_or(0));
    assert_eq!(rows, 1);
}

#[test]
fn data_and_errors_cannot_drive_the_terminal_or_flood_it() {
    // Escape sequences, a bell and a right-to-left override in data are shown, not obeyed.
    let q = "RETURN '\\u001b[2J\\u0007x\\u202Eevil' AS `col\u{1b}umn`";
    let out = bin().args(["--empty", "--format", "table", "query", q]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{text:?}");
    assert!(text.contains("\\u{1b}[2J") && text.contains("\\u{202e}evil"), "{text}");
    // An error in a 90 KB line shows a window of it, not all of it.
    let long = format!("RETURN [{}] AS l, nosuchfunction(1) AS x", "1, ".repeat(30_000) + "1");
    let mut child = bin()
        .args(["--empty", "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(long.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("nosuchfunction") && err.len() < 2_000, "{} bytes: {}", err.len(), &err[..err.len().min(300)]);
    let out = bin().args(["--empty", "query", "RETURN x\u{1b}[2J"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn a_byte_order_mark_is_whitespace() {
    assert_eq!(value_of("\u{feff}RETURN 1 AS one"), serde_json::json!(1));
    let d = scratch("bom");
    let f = d.join("g.cypher");
    std::fs::write(&f, "\u{feff}CREATE (:A {n: 1});\n\u{feff}\nCREATE (:A {n: 2});\n").unwrap();
    let out = bin()
        .args(["--graph", f.to_str().unwrap(), "query", "--format", "jsonl", "MATCH (a:A) RETURN sum(a.n)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[[3]]"), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn results_that_cannot_be_written_fail_the_command() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for format in ["table", "csv", "json", "jsonl"] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = bin()
            .args(["--empty", "--format", format, "query", "UNWIND range(1, 10) AS x RETURN x"])
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {err}");
        assert!(err.contains("cannot write the results"), "{format}: {err}");
    }
}

#[test]
fn a_failed_write_of_the_graph_list_is_an_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = bin().arg("--list-graphs").stdout(full).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write") && !err.contains("panicked"), "{err}");
}

// ---- bad files -------------------------------------------------------------------------------

fn open_error(file: &Path) -> String {
    let out = bin().args(["--graph", file.to_str().unwrap(), "query", "MATCH (n) RETURN count(n)"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", file.display());
    assert!(out.stdout.is_empty(), "nothing runs on a graph that did not load");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn malformed_graph_files_name_file_line_and_column_and_load_nothing() {
    let d = scratch("bad-files");
    let cy = d.join("bad.cypher");
    std::fs::write(&cy, "CREATE (:A {n: 1});\nCREATE (:B {n: 2});\nCREATE (:C {n: });\n").unwrap();
    let e = open_error(&cy);
    assert!(e.contains("bad.cypher:3:"), "{e}");
    // All or nothing: no half-loaded graph.
    let r = Session::load_script("CREATE (:A);\nCREATE (:B);\nRETURN 1 / 0;\n");
    assert!(r.is_err());
    let js = d.join("bad.json");
    std::fs::write(&js, "{\"nodes\": [\n  {\"id\": 0, \"labels\": [\"A\"]},\n  {\"id\": 1 \"labels\": []}\n]}")
        .unwrap();
    let e = open_error(&js);
    assert!(e.contains("bad.json") && e.contains("3:"), "{e}");
    for (name, text) in [
        (
            "dangling.json",
            "{\"nodes\": [{\"id\": 1}], \"relationships\": [{\"type\": \"R\", \"start\": 1, \"end\": 2}]}",
        ),
        ("dup.json", "{\"nodes\": [{\"id\": 1}, {\"id\": 1}]}"),
        ("props.json", "{\"nodes\": [{\"id\": 1, \"properties\": [1]}]}"),
        ("truncated.json", "{\"nodes\": [{\"id\": 1, \"lab"),
        ("empty.json", ""),
        ("binary.cypher", "\u{0}\u{1}\u{2}CREATE"),
    ] {
        let f = d.join(name);
        std::fs::write(&f, text).unwrap();
        let e = open_error(&f);
        assert!(e.contains(name), "{name}: {e}");
    }
    // Not UTF-8 at all.
    let f = d.join("latin1.cypher");
    std::fs::write(&f, b"CREATE (:A {name: '\xe9t\xe9'})").unwrap();
    assert!(open_error(&f).contains("latin1.cypher"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn loading_a_graph_file_runs_only_graph_statements() {
    // A graph file is Cypher; it reaches no file but itself (no LOAD CSV, no procedure that
    // writes files) and its statements change only the graph being loaded.
    let d = scratch("only-graph");
    let f = d.join("g.cypher");
    std::fs::write(&f, "CREATE (:A {x: 1});\nLOAD CSV FROM 'file:///etc/passwd' AS l CREATE (:L {l: l});\n").unwrap();
    let e = open_error(&f);
    assert!(e.contains("g.cypher:2:"), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}

// ---- no lost data ----------------------------------------------------------------------------

/// A JSON graph of `n` nodes with long properties in a chain.
fn big_json_graph(n: usize) -> String {
    let mut s = String::from("{\"format\": \"silkgraph-graph\", \"version\": 1, \"nodes\": [");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\": {i}, \"labels\": [\"N\"], \"properties\": {{\"i\": {i}, \"text\": \"{}\"}}}}",
            "lorem ipsum dolor sit amet ".repeat(4)
        ));
    }
    s.push_str("], \"relationships\": [");
    for i in 1..n {
        if i > 1 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\": {i}, \"type\": \"NEXT\", \"start\": {}, \"end\": {i}, \"properties\": {{}}}}",
            i - 1
        ));
    }
    s.push_str("]}");
    s
}

/// Runs `save` (a command that writes `target`) twelve times over `old`, killing it with SIGKILL
/// after 5 ms to 900 ms (while loading, rendering, writing and syncing): every time the target
/// must be either `old`, byte for byte, or a complete new file (`check_new`). Then lets it finish
/// once and checks the result. Returns how many of the killed saves had already finished.
fn kill_while_saving(save: impl Fn() -> Command, target: &Path, old: &[u8], check_new: impl Fn(&[u8])) -> usize {
    let mut replaced = 0;
    for delay_ms in [5u64, 40, 80, 120, 160, 200, 250, 300, 400, 500, 700, 900] {
        std::fs::write(target, old).unwrap();
        let mut child = save().stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(target).unwrap();
        if now != old {
            // Only ever the whole new file.
            check_new(&now);
            replaced += 1;
        }
    }
    // Left to finish, the save replaces the file whole.
    std::fs::write(target, old).unwrap();
    let st = save().stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap();
    assert!(st.success());
    check_new(&std::fs::read(target).unwrap());
    let dir = target.parent().unwrap();
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.len() <= 12, "temporary files pile up: {left:?}");
    replaced
}

#[test]
fn a_save_killed_midway_leaves_the_old_file_intact() {
    let d = scratch("kill-save");
    let big = d.join("big.json");
    std::fs::write(&big, big_json_graph(60_000)).unwrap();
    let target = d.join("graph.json");
    let old = "{\"format\": \"silkgraph-graph\", \"version\": 1, \"nodes\": [{\"id\": 0, \"labels\": [\"Old\"]}]}";
    let export = || {
        let mut c = bin();
        c.args(["export", "--graph", big.to_str().unwrap(), "--format", "json", "--force", "-o"]).arg(&target);
        c
    };
    let replaced = kill_while_saving(export, &target, old.as_bytes(), |now| {
        let g = silkgraph::graphs::from_json_text(std::str::from_utf8(now).unwrap()).expect("a complete file");
        assert_eq!((g.node_count(), g.rel_count()), (60_000, 59_999));
    });
    eprintln!("kill-mid-save (json): {replaced} of 12 killed exports had already finished");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_snapshot_killed_midway_leaves_the_old_snapshot_intact() {
    // `silkgraph import --out X.sg --force` over an existing snapshot, killed at every stage.
    let d = scratch("kill-sg");
    let n = 200_000;
    let mut nodes = String::from("id:ID,:LABEL,name,born:int\n");
    let mut rels = String::from(":START_ID,:END_ID,:TYPE,since:int\n");
    for i in 0..n {
        nodes.push_str(&format!("{i},Person,person number {i},{}\n", 1950 + i % 50));
        rels.push_str(&format!("{i},{},KNOWS,{}\n", (i * 7 + 1) % n, 2000 + i % 20));
    }
    let (nf, rf) = (d.join("nodes.csv"), d.join("rels.csv"));
    std::fs::write(&nf, nodes).unwrap();
    std::fs::write(&rf, rels).unwrap();
    let target = d.join("graph.sg");
    let old = Session::load_script("CREATE (:Old {kept: true})").unwrap().to_snapshot().unwrap();
    let import = || {
        let mut c = bin();
        c.arg("import").arg("--nodes").arg(&nf).arg("--relationships").arg(&rf);
        c.arg("--force").arg("--out").arg(&target);
        c
    };
    let replaced = kill_while_saving(import, &target, &old, |now| {
        let g = silkgraph::store::Graph::from_snapshot(now).expect("a complete snapshot");
        assert_eq!((g.node_count(), g.rel_count()), (n, n));
    });
    // And the old one still opens after all that.
    std::fs::write(&target, &old).unwrap();
    assert_eq!(silkgraph::graphs::open(target.to_str().unwrap()).unwrap().node_count(), 1);
    eprintln!("kill-mid-save (sg): {replaced} of 12 killed imports had already finished");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_repl_save_picks_the_form_by_extension() {
    let d = scratch("save-forms");
    let mut s = Session::default();
    s.run_statement("CREATE (:A {x: 1, when: date('2025-06-01')})-[:R {w: 2.5}]->(:B {y: 'two'})", &Params::new())
        .unwrap();
    for name in ["g.sg", "g.json", "g.cypher"] {
        let f = d.join(name);
        silkgraph::graphs::save(&s.graph, &f).unwrap();
        let g = silkgraph::graphs::open(f.to_str().unwrap()).unwrap();
        assert_eq!((g.node_count(), g.rel_count()), (2, 1), "{name}");
        assert_eq!(silkgraph::export::graph_hash(&g), silkgraph::export::graph_hash(&s.graph), "{name}");
    }
    assert!(std::fs::read(d.join("g.sg")).unwrap().starts_with(&s.graph.to_snapshot().unwrap()[..4]));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_large_graph_saved_as_cypher_loads_back_statement_by_statement() {
    // Once one statement of 145 MB that the parser could not hold; now statements of a few
    // hundred rows each, whatever the graph's size.
    let mut s = Session::default();
    let make =
        "UNWIND range(0, 3999) AS i CREATE (n:Person {i: i, name: 'P' + i, tags: ['a', 'b'], w: toFloat(i) / 7}) \
                WITH n, i WHERE i % 3 = 0 SET n:Official, n.since = date('2001-01-01') + duration({days: i})";
    s.run_statement(make, &Params::new()).unwrap();
    s.run_statement("CREATE (:Lonely), (), (:X {nan: 0.0 / 0.0, big: -9223372036854775807 - 1})", &Params::new())
        .unwrap();
    // Through an index, dropped before the save (the script does not carry indexes).
    s.run_statement("CREATE INDEX setup FOR (p:Person) ON (p.i)", &Params::new()).unwrap();
    for step in [1, 7] {
        let rels = format!(
            "MATCH (a:Person) MATCH (b:Person {{i: (a.i * {step} + 1) % 4000}}) CREATE (a)-[:KNOWS {{since: a.i}}]->(b)"
        );
        s.run_statement(&rels, &Params::new()).unwrap();
    }
    s.run_statement("MATCH (a:Person) WHERE a.i % 100 = 0 CREATE (a)-[:KNOWS]->(a)", &Params::new()).unwrap();
    s.run_statement("DROP INDEX setup", &Params::new()).unwrap();
    let script = silkgraph::graphs::to_cypher_script(&s.graph);
    let longest = script.lines().map(str::len).max().unwrap();
    assert!(
        script.lines().count() > 10 && longest < 200_000,
        "{} lines, the longest {longest} bytes",
        script.lines().count()
    );
    let back = Session::load_script(&script).unwrap();
    assert_eq!(silkgraph::export::graph_hash(&back), silkgraph::export::graph_hash(&s.graph));
    let mut t = Session::new(back);
    let labels =
        t.run_statement("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l ORDER BY l", &Params::new()).unwrap();
    assert!(labels.result.rows.iter().all(|r| !format!("{r:?}").contains("silkgraph")), "{:?}", labels.result.rows);
    assert!(t.graph.property_indexes().is_empty(), "the loading index is dropped");
}

#[test]
fn an_atomic_replace_replaces_only_regular_files_and_keeps_their_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = scratch("replace");
    let write = |p: &Path| silkgraph::io::write_atomic(p, b"new", true);
    // A 0600 file stays 0600.
    let f = d.join("private.json");
    std::fs::write(&f, "old").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    write(&f).unwrap();
    assert_eq!(std::fs::read(&f).unwrap(), b"new");
    assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
    // A read-only file is refused, even with --force.
    let ro = d.join("ro.json");
    std::fs::write(&ro, "old").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    assert!(write(&ro).unwrap_err().to_string().contains("read-only"));
    assert_eq!(std::fs::read(&ro).unwrap(), b"old");
    // A symbolic link stays a link; its target gets the new content.
    let link = d.join("link.json");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    write(&link).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // A device is written through, never replaced (as root, :save /dev/null once replaced it).
    let null = d.join("null");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    write(&null).unwrap();
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
    let out = bin().args(["export", "--format", "json", "--force", "-o", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    // A directory is an error.
    assert!(write(&d).unwrap_err().to_string().contains("is a directory"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn the_repl_saves_atomically() {
    // `:save` goes through the same temporary-file-and-rename as exports: check the file it
    // leaves behind loads, and that no temporary files are left.
    let d = scratch("repl-save");
    let f = d.join("saved.cypher");
    let mut s = Session::default();
    s.run_statement("CREATE (:A {x: 1})-[:R]->(:B {y: 'two'})", &Params::new()).unwrap();
    assert!(s.dirty, "a change marks the session as unsaved");
    silkgraph::export::write_atomic(&f, silkgraph::graphs::to_cypher_script(&s.graph).as_bytes(), true).unwrap();
    let g = Session::load_script(&std::fs::read_to_string(&f).unwrap()).unwrap();
    assert_eq!((g.node_count(), g.rel_count()), (2, 1));
    let names: Vec<_> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let _ = std::fs::remove_dir_all(&d);
}

// ---- regressions found by fuzzing ------------------------------------------------------------

/// Inputs that once crashed or hung a fuzz target (see fuzz/): each must now give an answer or
/// an error.
#[test]
fn fuzz_regressions() {
    let cases: &[&str] = &[
        // A script of Unicode whitespace split into a statement whose end came before its start.
        "\t\u{b}",
        "\u{3000}",
        "RETURN 1;\u{3000}",
        // The planner's estimate of a variable-length step whose lower bound passes three.
        "EXPLAIN MATCH (a)-[:KNOWS*4..]->(b) RETURN a, b",
        "MATCH (a)-[:KNOWS*5]->(b) RETURN count(*)",
        "MATCH (a)-[:KNOWS*0..0]->(b) RETURN count(*)",
        // The syntax error's "unsupported feature" check sliced a word after a byte-order mark
        // in the middle of the mark (the round-trip target found it).
        "UNWIND range81\u{feff}, 20) AS i CREATE (:N {i: i, s: CREATE =(:N {i: i]->: toString(i)} t->(b)",
    ];
    for text in cases {
        let g = Session::load_script("CREATE (:Person {name: 'Ann'})-[:KNOWS]->(:Person {name: 'Bob'})").unwrap();
        let mut s = Session::new(g);
        s.timeout = Some(Duration::from_secs(2));
        let _ = s.run_script(text, &Params::new(), |_, _| {});
        let _ = silkgraph::session::Session::load_script(text);
        let _ = silkgraph::graphs::from_json_text(text);
    }
}

/// A statement that fails while it runs, in a graph file or a script, is placed at its own line
/// (it was `FILE:0:0`), and at the expression or clause that failed (it was the whole statement).
#[test]
fn runtime_errors_point_at_their_statement() {
    let dir = scratch("runtime-place");
    let file = dir.join("g.cypher");
    std::fs::write(&file, "CREATE (:A {n: 1});\n\nCREATE (:B {n: 1 / 0});\n").unwrap();
    let out = bin().args(["--graph", file.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("g.cypher:3:16: ArgumentError"), "{err}");
    assert!(err.contains("CREATE (:B {n: 1 / 0})"), "{err}");
    let (_, lines) = query(&[], "RETURN 1;\nRETURN 2;\n  UNWIND [1, 0] AS x RETURN 1 / x;");
    let e = &lines.last().unwrap()["error"];
    assert_eq!((e["line"].as_u64(), e["column"].as_u64()), (Some(3), Some(29)), "{e}");
    // The failing step of a chain of operators, a function's call, a WHERE that is not a
    // predicate and a clause that writes each point at themselves.
    for (text, column) in [
        ("RETURN 1 + 1/0 + 2", 12),
        ("RETURN 1/0 * 2", 8),
        ("WITH [1] AS s RETURN s, toInteger(s)", 25),
        ("MATCH (n) WHERE n.name RETURN n", 17),
        ("RETURN $missing", 8),
        ("MATCH (a)-[]->() DELETE a", 18),
        ("UNWIND [1] AS x CREATE ({m: {a: x}})", 17),
    ] {
        let (_, lines) = query(&[], &format!("CREATE (:A {{name: 'a'}})-[:R]->(); {text}"));
        let e = &lines.last().unwrap()["error"];
        assert_eq!(e["column"].as_u64(), Some(column + 34), "{text}: {e}");
    }
}

/// A file that is not a graph at all is refused without echoing its text.
#[test]
fn a_file_that_is_not_a_graph_is_not_echoed() {
    let dir = scratch("not-a-graph");
    let file = dir.join("secret");
    std::fs::write(&file, "root:$6$hunter2:19000:0:99999:7:::\n").unwrap();
    let out = bin().args(["--graph", file.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("does not start with a Cypher statement") && !err.contains("hunter2"), "{err}");
    // A script with a typo later on still shows where.
    let typo = dir.join("typo.cypher");
    std::fs::write(&typo, "CREATE (:A);\nCRATE (:B);\n").unwrap();
    let out = bin().args(["--graph", typo.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("typo.cypher:2:1"));
}

/// Input that was taken silently is refused with where and why: a header naming a column twice
/// or two ids, rows of the wrong length or without an id in a CSV directory, and a JSON graph of
/// another version, with a repeated relationship id or an empty type.
#[test]
fn malformed_csv_headers_rows_and_json_graphs_are_refused() {
    let dir = scratch("silent-input");
    let import = |name: &str, text: &str| {
        let f = dir.join(name);
        std::fs::write(&f, text).unwrap();
        let spec = format!("P={}", f.display());
        let out =
            bin().args(["import", "--nodes", &spec, "--out"]).arg(dir.join("o.sg")).arg("--force").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    assert!(import("dup.csv", "id:ID,name,name\n1,a,b\n").contains("dup.csv:1: field 3 repeats the property `name`"));
    assert!(import("ids.csv", "id:ID,other:ID\n1,2\n").contains("field 2 repeats :ID of field 1"));
    assert!(import("idprop.csv", "id:ID,id:int\n1,5\n").contains("the :ID column 1 stores"));
    // An unclosed quote would take the rest of the file into one field.
    let says = import("quote.csv", "id:ID,name\n1,\"Ann\n2,Bob\n3,Cy\n");
    assert!(says.contains("quote.csv:2: a quoted field opens here and is never closed"), "{says}");
    let open = |path: &std::path::Path| {
        let out = bin().args(["--graph", path.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    for (rows, says) in [
        ("1,A,5,extra\n", "nodes.csv:2: 4 fields where the header has 3"),
        ("1,A,5\n,B,\n", "nodes.csv:3: an empty :ID"),
        ("1,A,\"5\n2,B,6\n", "nodes.csv:2: a quoted field opens here and is never closed"),
    ] {
        let csv = dir.join(format!("dir{}", says.len()));
        std::fs::create_dir_all(&csv).unwrap();
        std::fs::write(csv.join("nodes.csv"), format!(":ID,:LABEL,n:int\n{rows}")).unwrap();
        std::fs::write(csv.join("relationships.csv"), ":START_ID,:END_ID,:TYPE\n").unwrap();
        assert!(open(&csv).contains(says), "{says}");
    }
    let node = r#"{"id": 0, "labels": ["A"], "properties": {}}"#;
    let rel =
        |id: u64, ty: &str| format!(r#"{{"id": {id}, "type": "{ty}", "start": 0, "end": 0, "properties": {{}}}}"#);
    for (version, rels, says) in [
        (2, vec![rel(0, "R")], "version 2 of the JSON graph"),
        (1, vec![rel(0, "R"), rel(0, "R")], "relationships[1]: duplicate id 0"),
        (1, vec![rel(0, "")], "relationships[0]: an empty `type`"),
    ] {
        let f = dir.join(format!("g{}.json", says.len()));
        let text = format!(
            r#"{{"format": "silkgraph-graph", "version": {version}, "nodes": [{node}], "relationships": [{}]}}"#,
            rels.join(", ")
        );
        std::fs::write(&f, text).unwrap();
        assert!(open(&f).contains(says), "{says}: {}", open(&f));
    }
}

/// A CSV export is plain CSV files (the header first, as any CSV reader wants) and
/// `provenance.json` with their hashes; a new `nodes.csv` beside an old `relationships.csv` (an
/// export cut short between them) is refused, not read as a wrong graph.
#[test]
fn the_two_files_of_a_csv_export_must_come_from_one_export() {
    let dir = scratch("csv-pair");
    let export = |q: &str, out: &std::path::Path| {
        let o = bin().args(["--empty", "export", "--query", q, "--format", "csv", "-o"]).arg(out).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (a, b) = (dir.join("a"), dir.join("b"));
    export("CREATE p = (:A {n: 1})-[:R]->(:A {n: 2}) RETURN p", &a);
    export("CREATE p = (:A {n: 1})-[:R]->(:B {n: 3}) RETURN p", &b);
    let nodes = std::fs::read_to_string(b.join("nodes.csv")).unwrap();
    assert!(nodes.starts_with("id:ID,:LABEL,n:"), "{nodes}");
    let prov: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(b.join("provenance.json")).unwrap()).unwrap();
    assert_eq!(prov["query"], "CREATE p = (:A {n: 1})-[:R]->(:B {n: 3}) RETURN p");
    std::fs::copy(b.join("nodes.csv"), a.join("nodes.csv")).unwrap();
    let out = bin().args(["--graph", a.to_str().unwrap(), "query", "MATCH (n) RETURN count(n)"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nodes.csv is not the file") && err.contains("provenance.json"), "{err}");
    let out = bin().args(["--graph", b.to_str().unwrap(), "query", "MATCH (n) RETURN count(n)"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// What the neo4j-admin CSV form cannot hold (a `;` in a label or in a string of a list, where
/// `;` separates them) is refused with what and where, never written changed.
#[test]
fn a_csv_export_that_would_change_the_graph_is_refused() {
    let dir = scratch("csv-lossy");
    for (q, says) in [
        ("CREATE (n:`A;B` {x: 1}) RETURN n", "node 0 has the label `A;B`"),
        ("CREATE (n:A {xs: ['a;b', 'c']}) RETURN n", "node 0's list `xs` has a string with `;`"),
        ("CREATE ()-[r:R {ws: ['x;y']}]->() RETURN r", "relationship 0's list `ws`"),
    ] {
        let out = dir.join(format!("o{}", says.len()));
        let o = bin().args(["--empty", "export", "--query", q, "--format", "csv", "-o"]).arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{q}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says) && err.contains("export it as json"), "{q}: {err}");
        assert!(!out.join("nodes.csv").exists(), "{q}: nothing written");
    }
}

/// Names the parser takes only in backticks (`co₂_t`, `area_m²`: digits that are not XID) are
/// written in backticks by every Cypher writer, so a saved script loads back.
#[test]
fn cypher_exports_quote_every_name_the_parser_would_refuse_bare() {
    let dir = scratch("names");
    let file = dir.join("names.cypher");
    let q = "CREATE (a:`Lab²` {`co₂_t`: 1, `area_m²`: 2, `x-y`: 3, émission: 4, _k: 5})-[r:`R₁`]->(a) RETURN a, r";
    let out = bin().args(["--empty", "export", "--query", q, "--format", "cypher", "-o"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("`co₂_t`") && text.contains("émission:") && text.contains("`Lab²`"), "{text}");
    let back = bin()
        .args([
            "--graph",
            file.to_str().unwrap(),
            "--format",
            "json",
            "query",
            "MATCH (n)-[r]->() RETURN labels(n), type(r), properties(n)",
        ])
        .output()
        .unwrap();
    assert!(back.status.success(), "{}", String::from_utf8_lossy(&back.stderr));
    let j: serde_json::Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(j[0]["rows"][0][0], serde_json::json!(["Lab²"]));
    assert_eq!(j[0]["rows"][0][1], serde_json::json!("R₁"));
    assert_eq!(j[0]["rows"][0][2]["co₂_t"], serde_json::json!(1));
}

/// Values and keys that broke the text exports: a run of dashes in the provenance comment of
/// GraphML and GEXF, `<!--` in the HTML view's data, property keys named like what the formats
/// write themselves (`labels`, `label`, `id`, `type`) or like DOT's keywords (`node`, `edge`),
/// and a control character. Each file stays well formed and every value keeps its own name.
#[test]
fn hostile_values_and_keys_keep_every_text_export_readable() {
    let q = "CREATE p = (:A {labels: 'M', label: 'L', id: 'x', node: 1, edge: 2, \
             note: 'a <!-- b --> c --- d \\u0007 e </script> f'})-[:R {type: 't', id: 5}]->(:B) RETURN p";
    let export = |format: &str| {
        let o = bin().args(["--empty", "export", "--query", q, "--format", format, "-o", "-"]).output().unwrap();
        assert!(o.status.success(), "{format}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    for format in ["graphml", "gexf"] {
        let text = export(format);
        for c in text.split("<!--").skip(1) {
            let body = c.split("-->").next().unwrap();
            assert!(!body.contains("--") && !body.ends_with('-'), "{format} comment: {body}");
        }
        assert!(!text.contains('\u{7}'), "{format} carries a control character XML 1.0 forbids");
        let names: Vec<&str> = text
            .split(if format == "graphml" { "attr.name=\"" } else { "title=\"" })
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect();
        // The node's and the relationship's `id` property: one attribute each.
        for (own, times) in [("labels", 1), ("prop_labels", 1), ("prop_label", 1), ("prop_type", 1), ("prop_id", 2)] {
            assert_eq!(names.iter().filter(|n| **n == own).count(), times, "{format} names {own}: {names:?}");
        }
    }
    let html = export("html");
    let data = html.split("id=\"data\">").nth(1).and_then(|s| s.split("</script>").next()).unwrap();
    let j: serde_json::Value = serde_json::from_str(data).unwrap_or_else(|e| panic!("the view's data: {e}\n{data}"));
    assert!(j.to_string().contains("a <!-- b --> c --- d"), "{j}");
    let dot = export("dot");
    let line = dot.lines().find(|l| l.contains("prop_labels")).unwrap_or_else(|| panic!("{dot}"));
    assert!(line.contains("\"node\"=1") && line.contains("\"edge\"=2") && !line.contains('\u{7}'), "{line}");
}

/// Rows share a long list instead of copying it: an `UNWIND` of a list held in a variable made
/// a copy of the whole list for every row (quadratic: 80,000 nodes took a minute and 1.3 GB;
/// `WITH range(1, 5000000) AS l UNWIND l AS x` grew past 24 GB whatever the limits). Under a
/// small memory limit and a time limit, these now answer; a list too big for the limit is still
/// refused when it is made.
#[test]
fn unwinding_a_list_held_in_a_variable_shares_it_between_rows() {
    let limits = ["--max-memory", "96MiB", "--timeout", "60"];
    let script = "UNWIND range(1, 100000) AS i CREATE (:N {i: i});\n\
                  MATCH (n) WITH collect(n) AS ns UNWIND ns AS m RETURN count(m) AS c;\n\
                  WITH range(1, 2000000) AS l UNWIND l AS x RETURN count(x) AS c;\n\
                  UNWIND range(1, 50000) AS i WITH collect(i) AS l UNWIND l AS x WITH l, x WHERE x % 1000 = 0 RETURN max(x) AS c, size(l) AS n;\n";
    let (code, lines) = query(&limits, script);
    assert_eq!(code, 0, "{lines:?}");
    let firsts: Vec<i64> = lines[1..].iter().map(|l| l["rows"][0][0].as_i64().unwrap()).collect();
    assert_eq!(firsts, [100_000, 2_000_000, 50_000]);
    assert_eq!(lines[3]["rows"][0][1], 50_000);
    // Changing a shared list changes only the copy changed.
    let v = value_of("WITH [1, 2] AS a WITH a, a + [3] AS b, reverse(a) AS r RETURN [a, b, r]");
    assert_eq!(v, serde_json::json!([[1, 2], [1, 2, 3], [2, 1]]));
    let (kind, _) =
        error_of(&["--max-memory", "64MiB"], "UNWIND range(1, 3000000) AS i WITH collect(i) AS l RETURN size(l)");
    assert_eq!(kind, "ResourceLimit");
}

/// A picture's layout keeps the time limit: a 40,000-node SVG took ten seconds under
/// `--timeout 1` and was written anyway; now it stops with a message that says why.
#[test]
fn a_pictures_layout_keeps_the_time_limit() {
    let dir = scratch("layout-timeout");
    let graph = dir.join("many.cypher");
    std::fs::write(&graph, "UNWIND range(1, 40000) AS i CREATE (:N {name: 'node ' + toString(i)});\n").unwrap();
    for format in ["svg", "html"] {
        let out_file = dir.join(format!("many.{format}"));
        let out = bin()
            .args(["--graph", graph.to_str().unwrap(), "--timeout", "1", "export", "--format", format, "--output"])
            .arg(&out_file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {err}");
        assert!(err.contains("time limit") && err.contains("40000 nodes"), "{format}: {err}");
        assert!(!out_file.exists(), "{format}: nothing is written");
    }
}

/// A full-text index made on first use counts against the memory limit of the statement that
/// makes it (it was made whatever its size).
#[test]
fn a_full_text_index_counts_against_the_memory_limit() {
    let script = "UNWIND range(1, 20000) AS i CREATE (:Doc {text: 'a quick brown fox, number ' + toString(i) + ', jumps over the lazy dog'});\n\
                  CREATE FULLTEXT INDEX docs FOR (d:Doc) ON EACH [d.text];\n\
                  CALL db.index.fulltext.queryNodes('docs', 'fox', {limit: 5}) YIELD node RETURN count(node) AS n;\n";
    let (code, lines) = query(&["--max-memory", "1MiB"], script);
    assert_eq!(code, 1, "{lines:?}");
    assert_eq!(lines.last().unwrap()["error"]["detail"], "MemoryLimit", "{lines:?}");
    let (code, lines) = query(&["--max-memory", "64MiB"], script);
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(lines[2]["rows"][0][0], 5);
}

/// A graph file is text from anywhere: its statements run under the command's limits, as the
/// same statements typed would (one that ran forever used to hold the command or the REPL).
#[test]
fn a_graph_file_loads_under_the_limits() {
    let dir = scratch("graph-file-limits");
    let file = dir.join("slow.cypher");
    std::fs::write(
        &file,
        "CREATE (:A);\nUNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c CREATE (:B);\n",
    )
    .unwrap();
    let t0 = Instant::now();
    let out =
        bin().args(["--graph", file.to_str().unwrap(), "--timeout", "0.5", "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("slow.cypher:2:1") && err.contains("time limit"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(60), "took {:?}", t0.elapsed());
    std::fs::write(&file, "UNWIND range(1, 200000) AS x WITH collect(x) AS l CREATE (:A {n: size(l)});\n").unwrap();
    let out =
        bin().args(["--graph", file.to_str().unwrap(), "--max-memory", "1MiB", "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MemoryLimit"), "{err}");
    // Within the limits the same file loads.
    let out = bin()
        .args(["--graph", file.to_str().unwrap(), "--format", "jsonl", "query", "MATCH (a:A) RETURN a.n"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("[[200000]]"), "{}", String::from_utf8_lossy(&out.stderr));
}
