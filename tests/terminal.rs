//! The command line as one tree and the help every front end gives: `silkgraph help export`,
//! options a subcommand would ignore, plans printed as plans with the query's names, PROFILE
//! with its rows, schema changes said, `:param` in scripts, the table layouts, and warnings for
//! piped input. (The REPL's own side, in a pseudo-terminal, is in tests/repl.rs.)

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs the binary with `args` and `input` on standard input.
fn run(args: &[&str], input: &str) -> Output {
    let mut child =
        bin().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_command_line_is_one_tree() {
    let o = bin().args(["help", "export"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let help = text(&o.stdout);
    assert!(help.contains("--query") && help.contains("graphml"), "{help}");
    let o = bin().arg("--help").output().unwrap();
    let help = text(&o.stdout);
    for sub in ["query", "run", "export", "import", "serve", "push", "user", "checkpoint"] {
        assert!(help.contains(&format!("  {sub} ")), "--help lists {sub}: {help}");
    }
    // export takes the main options before or after its name.
    let dir = std::env::temp_dir().join(format!("silkgraph-tree-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("k.graphml");
    let o =
        bin().args(["--graph", "karate", "export", "--format", "graphml", "--force", "-o"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("34 nodes, 78 relationships"), "{}", text(&o.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn options_a_subcommand_would_ignore_are_refused() {
    let o = bin().args(["import", "--graph", "x.sg", "--nodes", "n.csv", "--out", "o.sg"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("import does not take --graph"), "{err}");
    let o = bin().args(["--format", "json", "export", "-o", "x.graphml"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("export does not take --format"), "{}", text(&o.stderr));
}

#[test]
fn an_import_of_one_relationship_says_so() {
    let dir = std::env::temp_dir().join(format!("silkgraph-one-rel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("n.csv"), "id:ID,:LABEL\n1,A\n2,A\n").unwrap();
    std::fs::write(dir.join("r.csv"), ":START_ID,:END_ID,:TYPE\n1,2,R\n").unwrap();
    let o = bin()
        .current_dir(&dir)
        .args(["import", "--nodes", "n.csv", "--relationships", "r.csv", "--out", "g.sg"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(o.status.success() && err.contains("imported 2 nodes and 1 relationship in"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plans_name_the_querys_variables_and_print_as_plans() {
    let o = bin()
        .args(["query", "EXPLAIN MATCH (o:Office)-[v:VISITED]->(c:Country) RETURN o.name, count(c) AS n"])
        .output()
        .unwrap();
    let plan = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(plan.contains("(o)-[v:VISITED]->(c:Country)") || plan.contains("(c)<-[v:VISITED]-(o"), "{plan}");
    assert!(!plan.contains('$') && !plan.contains('\'') && !plan.contains('│'), "a plan, not a table: {plan}");
    // PROFILE gives the rows, then each operator's rows.
    let o = bin().args(["query", "PROFILE MATCH (c:Country) RETURN c.name ORDER BY c.name LIMIT 2"]).output().unwrap();
    let out = text(&o.stdout);
    assert!(out.contains("│ c.name") && out.contains("'China'"), "{out}");
    assert!(out.contains("NodeByLabelScan (c:Country)") && out.contains("Total"), "{out}");
    let o =
        bin().args(["query", "--format", "jsonl", "PROFILE MATCH (c:Country) RETURN c.name LIMIT 2"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(j["rows"].as_array().map(Vec::len), Some(2));
    assert!(j["profile"].as_array().is_some_and(|ops| ops.iter().any(|op| op["operator"] == "Total")), "{j}");
}

#[test]
fn schema_changes_are_said() {
    let o = bin()
        .args([
            "query",
            "--empty",
            "CREATE INDEX i FOR (p:Person) ON (p.name); CREATE CONSTRAINT c FOR (b:Book) REQUIRE b.isbn IS UNIQUE; \
             DROP INDEX i",
        ])
        .output()
        .unwrap();
    let out = text(&o.stdout);
    assert!(out.contains("indexes added 1"), "{out}");
    assert!(out.contains("constraints added 1"), "{out}");
    assert!(out.contains("indexes removed 1"), "{out}");
}

#[test]
fn scripts_take_param_in_both_forms() {
    let script = ":param year => 2020 + 5\n:param {country: 'Japan', n: 2}\n\
                  MATCH (c:Country {name: $country}) RETURN c.name AS c, $year AS y, $n AS n;\n";
    let o = run(&["run", "--format", "jsonl", "-"], script);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let j: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(j["rows"], serde_json::json!([["Japan", 2025, 2]]));
    // A bad one names itself and where.
    let o = run(&["run", "-"], ":param x => toUppr('a')\nRETURN $x;\n");
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("toUppr") && err.contains("^"), "{err}");
    let o = run(&["run", "-"], ":param {x: 1\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[test]
fn wrap_and_vertical_layouts_show_long_values_whole() {
    let q = "MATCH (c:Country {name: 'Japan'}) RETURN c.name AS name, 'a long text' AS note";
    let o = bin().args(["query", "--format", "vertical", q]).output().unwrap();
    let out = text(&o.stdout);
    assert!(
        out.contains("─[ row 1 ]") && out.contains("name │ 'Japan'") && out.contains("note │ 'a long text'"),
        "{out}"
    );
    let o = bin().args(["query", "--format", "wrap", q]).output().unwrap();
    assert!(text(&o.stdout).contains("│ 'Japan' │ 'a long text' │"), "{}", text(&o.stdout));
    // Widths in screen columns: the borders line up under wide characters.
    let o = bin().args(["query", "--empty", "RETURN '日本' AS a UNION RETURN 'Кыргызстан' AS a"]).output().unwrap();
    let out = text(&o.stdout);
    let widths: Vec<usize> = out.lines().filter(|l| l.starts_with(['│', '╭', '├', '╰'])).map(screen_width).collect();
    assert!(widths.len() == 6 && widths.iter().all(|w| *w == widths[0]), "{out}");
}

/// Screen columns of a line: East Asian wide characters take two.
fn screen_width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{3000}'..='\u{9fff}').contains(&c) { 2 } else { 1 }).sum()
}

#[test]
fn piped_input_gets_the_warnings_of_query_and_run() {
    let o = run(&[], "MATCH (c:Contry) RETURN c;\n");
    assert!(o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("did you mean :Country?"), "{err}");
    // No misspelt name, yet no rows: what emptied the result, with the nearest value.
    let o = bin()
        .args(["query", "MATCH (m:Ministry {name: 'Ministry of Energy of the Kyrgyz Republic'}) RETURN m"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(o.status.success() && err.contains("nearest: 'Ministry of Energy'"), "{err}");
}

/// `:help` answers for every command, clause, function and procedure the README names.
#[test]
fn help_answers_for_everything_the_readme_lists() {
    use silkgraph::cli::help::help;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut asked = 0;
    let mut ask = |topic: &str| {
        asked += 1;
        let h = help(Some(topic)).unwrap_or_else(|e| panic!(":help {topic}: {e}"));
        assert!(h.len() > 20, ":help {topic}: {h}");
    };
    // Commands: every `:name` in backticks.
    let commands = regex::Regex::new(r"`(:[a-z]+)[ `]").unwrap();
    for c in commands.captures_iter(&readme).filter(|c| &c[1] != ":commands") {
        ask(&c[1]);
    }
    // Procedures: every `db.name`, `db.index.fulltext.name`, `algo.name` and `kg.name`.
    let procs = regex::Regex::new(r"\b((?:db|algo|kg)(?:\.[A-Za-z]+)+)\b").unwrap();
    for p in procs.captures_iter(&readme) {
        ask(&p[1]);
    }
    // Functions: the README's list of the usual ones, and every `name(` in its examples that the
    // engine knows.
    for f in "count sum avg min max collect size length nodes relationships labels type keys properties coalesce \
              toInteger toString substring split btrim normalize round valueType toUpper"
        .split_whitespace()
    {
        assert!(readme.contains(f), "the README names {f}");
        ask(f);
    }
    // Clauses and the other topics the README's language section names.
    for c in [
        "MATCH",
        "OPTIONAL MATCH",
        "WHERE",
        "WITH",
        "RETURN",
        "ORDER BY",
        "SKIP",
        "LIMIT",
        "UNWIND",
        "UNION",
        "CREATE",
        "MERGE",
        "SET",
        "REMOVE",
        "DELETE",
        "DETACH DELETE",
        "CALL",
        "EXPLAIN",
        "PROFILE",
        "shortestPath",
        "allShortestPaths",
        "CREATE INDEX",
        "SHOW INDEXES",
        "DROP INDEX",
        "CREATE CONSTRAINT",
        "SHOW CONSTRAINTS",
        "DROP CONSTRAINT",
        "SHOW PROCEDURES",
        "SHOW FUNCTIONS",
        "FOREACH",
        "LOAD CSV",
        "IN TRANSACTIONS",
        "OPTIONAL CALL",
        "CASE",
    ] {
        assert!(readme.contains(c), "the README names {c}");
        ask(c);
    }
    for c in ["EXISTS {", "COUNT {", "COLLECT {", "CALL {"] {
        assert!(readme.contains(c), "the README names {c}");
        ask(c);
    }
    assert!(asked > 60, "{asked} topics");
}
