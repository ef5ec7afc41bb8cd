//! End-to-end tests of the command-line contract through the built binary.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

/// Runs `silkgraph run --empty --format jsonl -` with the script on stdin.
fn run_jsonl(script: &str, params: &str) -> (i32, Vec<serde_json::Value>, String) {
    let mut child = bin()
        .args(["run", "--empty", "--format", "jsonl", "--params", params, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    (out.status.code().unwrap_or(-1), lines, String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn jsonl_results_stats_and_value_encoding() {
    let (code, lines, _) = run_jsonl(
        "CREATE (a:Person {name: 'Ann', born: date('2015-05-20')})-[:KNOWS {w: 1.0}]->(b:Person {name: 'Bo'});\n\
         MATCH p = (a)-[r:KNOWS]->(b) RETURN a.name, r.w, 1.0 / 0.0 AS inf, 0.0 / 0.0 AS nan, a.born, p",
        "{}",
    );
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 2);
    let stats = &lines[0]["stats"];
    assert_eq!(stats["nodes_created"], 2);
    assert_eq!(stats["relationships_created"], 1);
    assert_eq!(stats["properties_set"], 4);
    assert_eq!(stats["labels_added"], 2);
    let row = &lines[1]["rows"][0];
    assert_eq!(lines[1]["columns"], serde_json::json!(["a.name", "r.w", "inf", "nan", "a.born", "p"]));
    assert_eq!(row[0], "Ann");
    assert_eq!(serde_json::to_string(&row[1]).unwrap(), "1.0");
    assert_eq!(row[2], serde_json::json!({"@float": "Infinity"}));
    assert_eq!(row[3], serde_json::json!({"@float": "NaN"}));
    assert_eq!(row[4], serde_json::json!({"@date": "2015-05-20"}));
    let path = row[5]["@path"].as_array().unwrap();
    assert_eq!(path.len(), 3);
    assert_eq!(path[1]["@rel"]["type"], "KNOWS");
    assert_eq!(path[0]["@node"]["labels"], serde_json::json!(["Person"]));
    assert!(lines[1]["time_ms"].is_number());
}

#[test]
fn failing_statement_prints_earlier_results_then_error_and_exits_1() {
    let (code, lines, _) = run_jsonl("RETURN 1 AS x; RETURN y; RETURN 3", "{}");
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2, "later statements must not run");
    assert_eq!(lines[0]["rows"], serde_json::json!([[1]]));
    let e = &lines[1]["error"];
    assert_eq!(e["kind"], "SyntaxError");
    assert_eq!(e["detail"], "UndefinedVariable");
    assert_eq!(e["phase"], "compile");
    assert_eq!(e["line"], 1);
    assert_eq!(e["column"], 23);
}

#[test]
fn parse_error_in_later_statement_still_runs_earlier_ones() {
    let (code, lines, _) = run_jsonl("CREATE (:A);\nMATCH (n RETURN n", "{}");
    assert_eq!(code, 1);
    assert_eq!(lines[0]["stats"]["nodes_created"], 1);
    assert_eq!(lines[1]["error"]["kind"], "SyntaxError");
    assert_eq!(lines[1]["error"]["line"], 2);
}

#[test]
fn parameters_are_passed() {
    let (code, lines, _) = run_jsonl("RETURN $a + 1 AS x, $s AS s", r#"{"a": 41, "s": "hi"}"#);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["rows"], serde_json::json!([[42, "hi"]]));
}

#[test]
fn usage_errors_exit_2() {
    let out = bin().args(["query", "--format", "xml", "RETURN 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["run", "--params", "[1]", "--empty", "-"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ids_are_never_reused_after_delete() {
    let (code, lines, _) = run_jsonl("CREATE (:A), (:B); MATCH (a:A) DELETE a; CREATE (c:C) RETURN id(c) AS id", "{}");
    assert_eq!(code, 0);
    assert_eq!(lines[2]["rows"], serde_json::json!([[2]]));
}

#[test]
fn table_and_csv_formats() {
    let out = bin()
        .args(["query", "--empty", "--format", "csv", "UNWIND ['a,b', 'c'] AS x RETURN x, 1 AS n"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x,n\r\n\"a,b\",1\r\nc,1\r\n");
    let out = bin().args(["query", "--empty", "RETURN {k: [1, 'x']} AS m"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("{k: [1, 'x']}"), "{text}");
    assert!(text.contains("1 row"), "{text}");
}

#[test]
fn the_bundled_graph_opens_by_default() {
    let out = bin().args(["query", "--format", "jsonl", "MATCH (s:Source) RETURN count(s) AS n"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["rows"], serde_json::json!([[2]]));
}

#[test]
fn piped_repl_runs_statements_without_prompts() {
    let mut child =
        bin().args(["--empty"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"RETURN 1 AS one;\nRETURN nope;\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("one") && !text.contains("silkgraph>"), "{text}");
    assert!(!text.contains('\u{1b}'), "no escape codes when not a terminal");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn csv_output_is_data_that_csv_readers_take_as_it_is() {
    let q = "CREATE (a:P {name: 'Ann', born: date('1990-05-01')}) \
             RETURN a.born AS born, [1, 2] AS l, {k: 'v', d: duration('P2D')} AS m, a, 1.5 AS f, null AS nothing";
    let out = bin().args(["query", "--empty", "--format", "csv", q]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[0], "1990-05-01", "ISO dates, not date('...')");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&row[1]).unwrap(), serde_json::json!([1, 2]));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&row[2]).unwrap(), serde_json::json!({"k": "v", "d": "P2D"}));
    let node: serde_json::Value = serde_json::from_str(&row[3]).unwrap();
    assert_eq!(node["labels"], serde_json::json!(["P"]));
    assert_eq!(node["properties"]["born"], "1990-05-01");
    assert_eq!((&row[4], &row[5]), ("1.5", ""));
    // Several statements: each result with its header, apart by an empty line.
    let mut child = bin()
        .args(["run", "--empty", "--format", "csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"RETURN 1 AS a;\nRETURN 2 AS b;\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a\r\n1\r\n\r\nb\r\n2\r\n");
}

#[test]
fn a_misspelt_graph_name_is_not_made_a_new_database_and_a_closed_pipe_is_no_failure() {
    let dir = std::env::temp_dir().join(format!("silkgraph-karat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = bin().current_dir(&dir).args(["--graph", "karat", "query", "RETURN 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean --graph karate?"));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no database was made");
    let _ = std::fs::remove_dir_all(&dir);
    // A reader that stops early (`| head -1`): silent, status 0, for results and exports.
    for args in [
        &["query", "--format", "csv", "UNWIND range(1, 200000) AS x RETURN x"][..],
        &["export", "--format", "nodelink", "-o", "-"][..],
    ] {
        let mut child = bin().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 1];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("error"), "{args:?}");
    }
}

#[test]
fn query_and_run_give_the_repls_warnings_and_hints() {
    let out = bin().args(["query", "MATCH (n:Contry) RETURN n.name"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: the graph has no label :Contry; did you mean :Country?"), "{err}");
    let out = bin().args(["query", "--format", "jsonl", "MATCH (n:Contry) RETURN n.name"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j["warnings"][0].as_str().unwrap().contains(":Country"), "{j}");
    // A statement without a problem has no warnings key.
    let out = bin().args(["query", "--format", "jsonl", "MATCH (n:Country) RETURN count(n)"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(j.get("warnings").is_none(), "{j}");
    let (code, lines, _) = run_jsonl("RETURN toUper('a');", "{}");
    assert_eq!(code, 1);
    assert_eq!(lines[0]["error"]["hint"], "did you mean toUpper()?");
}
