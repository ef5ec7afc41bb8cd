//! The REPL end to end, in a real pseudo-terminal: multi-line input, Tab completion, tables,
//! `:why`, "did you mean", `:whynot`, Ctrl-C during a long query and at the prompt, Ctrl-D.
//! And the same binary without a terminal: plain output, non-zero exit on the first error.

use std::io::Write;
use std::process::{Command, Stdio};

use rexpect::reader::Options;
use rexpect::session::{spawn_with_options, PtySession};

const TIMEOUT_MS: u64 = 30_000;

/// A scratch directory for history and saved files, removed at the end.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("silkgraph-repl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        Scratch(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spawn(args: &[&str], scratch: &Scratch, colors: bool) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_silkgraph"));
    cmd.args(args)
        .current_dir(&scratch.0)
        .env("XDG_DATA_HOME", scratch.0.join("data"))
        .env("HOME", &scratch.0)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    if !colors {
        cmd.env("NO_COLOR", "1");
    }
    let opts = Options::new().timeout_ms(Some(TIMEOUT_MS)).strip_ansi_escape_codes(true);
    spawn_with_options(cmd, opts).expect("the REPL starts in a pty")
}

/// Sends keys as typed and lets the editor see them.
fn type_keys(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
}

#[test]
fn an_analysts_session() {
    let scratch = Scratch::new("session");
    let mut p = spawn(&[], &scratch, true);
    p.exp_string("silkgraph>").unwrap();

    // A multi-line query, with Tab completing a label.
    type_keys(&mut p, "MATCH (o:Offi");
    type_keys(&mut p, "\t");
    p.exp_string("MATCH (o:Office").unwrap();
    type_keys(&mut p, ")-[v:VISITED]->(c:Country {name: 'Kyrgyzstan'})\r");
    type_keys(&mut p, "RETURN o.name AS office, v.year AS year ORDER BY year, office LIMIT 3;\r");
    p.exp_string(" office ").unwrap();
    p.exp_string("Foreign Minister").unwrap();
    p.exp_regex(r"3 rows \([0-9.]+ m?s\)").unwrap();

    // The evidence of each relationship in the last result.
    p.send_line(":why").unwrap();
    p.exp_string("-[:VISITED]->(Kyrgyzstan)").unwrap();
    p.exp_string("[000_abeb9ff96c849685.txt]").unwrap();

    // The evidence of a stated value the last result returned: its own sentence.
    p.send_line("MATCH (p:Project) WHERE p.amount_usd > 0 RETURN p.name, p.amount_usd;").unwrap();
    p.exp_string("1 row").unwrap();
    p.send_line(":why").unwrap();
    p.exp_string(".amount_usd = 6100000  [000_abeb9ff96c849685.txt] \"The total amount of assistance is 6.1 million US dollars.\"")
        .unwrap();

    // The most specific connections between two entities, each step with its quote.
    p.send_line(":connect 'Sadyr Japarov' 'Muru Systems'").unwrap();
    p.exp_string("Sadyr Japarov to Muru Systems: the most specific connections first").unwrap();
    p.exp_string("1. (Sadyr Japarov)-[:ATTENDED]->(Bilateral document signing ceremony)").unwrap();
    p.exp_string("[:ATTENDED] \"").unwrap();

    // A misspelt label: a warning with a suggestion, and a why-no-rows hint.
    p.send_line("MATCH (c:Contry) RETURN c;").unwrap();
    p.exp_string("did you mean :Country?").unwrap();
    p.exp_string("0 rows").unwrap();

    // A misspelt function.
    p.send_line("RETURN toUppr('x');").unwrap();
    p.exp_string("did you mean toUpper()?").unwrap();

    // Why no rows.
    p.send_line("MATCH (m:Ministry {name: 'Ministry of Energy of the Kyrgyz Republic'}) RETURN m;").unwrap();
    p.exp_string("0 rows").unwrap();
    p.exp_string(
        "hint: no :Ministry node has name 'Ministry of Energy of the Kyrgyz Republic'; nearest: 'Ministry of Energy'",
    )
    .unwrap();
    p.send_line(":whynot").unwrap();
    p.exp_string("emptied here").unwrap();
    p.exp_string("nearest: 'Ministry of Energy'").unwrap();

    // Unknown commands suggest the nearest.
    p.send_line(":schmea").unwrap();
    p.exp_string("did you mean :schema?").unwrap();

    // Save the graph and load it back.
    p.send_line(":save kg.cypher").unwrap();
    p.exp_string("saved").unwrap();
    p.send_line(":load kg.cypher").unwrap();
    p.exp_string("loaded kg.cypher").unwrap();

    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    // History was kept in the data directory.
    let history = std::fs::read_to_string(scratch.0.join("data/silkgraph/history")).unwrap_or_default();
    assert!(history.contains(":whynot"), "history: {history}");
}

/// `:load` of a graph file runs its statements as typed ones run: Ctrl-C stops one that would
/// not end, and the graph in the session is the one it had.
#[test]
fn ctrl_c_stops_a_graph_file_that_would_not_end() {
    let scratch = Scratch::new("load-cancel");
    std::fs::write(
        scratch.0.join("slow.cypher"),
        "CREATE (:Loaded);\nUNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c CREATE (:B);\n",
    )
    .unwrap();
    let mut p = spawn(&["--empty"], &scratch, false);
    p.exp_string("silkgraph>").unwrap();
    p.send_line("CREATE (:Kept);").unwrap();
    p.exp_string("nodes created 1").unwrap();
    p.send_line(":load slow.cypher --discard").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    p.send_control('c').unwrap();
    p.exp_string("cancelled").unwrap();
    p.send_line("MATCH (n) RETURN count(n) = 1 AND all(x IN collect(n) WHERE x:Kept) AS kept;").unwrap();
    p.exp_string("true").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_string("Save to").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_cancels_a_long_query_and_the_graph_is_unchanged() {
    let scratch = Scratch::new("cancel");
    let mut p = spawn(&["--empty"], &scratch, false);
    p.exp_string("silkgraph>").unwrap();
    p.send_line("UNWIND range(1, 5000) AS i CREATE (:N {i: i});").unwrap();
    p.exp_string("nodes created 5000").unwrap();
    // Creates three nodes, then reads about 10^11 rows: runs until cancelled.
    p.send_line(
        "UNWIND range(1, 3) AS k CREATE (:Tmp) WITH k MATCH (a:N), (b:N), (c:N) WHERE a.i + b.i + c.i < 0 RETURN count(*);",
    )
    .unwrap();
    p.exp_string("running").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("cancelled").unwrap();
    p.send_line("MATCH (t:Tmp) RETURN count(t) = 0 AS unchanged;").unwrap();
    p.exp_string("true").unwrap();
    // Ctrl-C on a line being typed drops it.
    type_keys(&mut p, "RETURN 'dropped'");
    p.send_control('c').unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_line("RETURN 40 + 2 AS answer;").unwrap();
    p.exp_string("42").unwrap();
    // Ctrl-D quits, first offering to save the unsaved changes: a bad name is asked again,
    // a good one saves.
    p.send_control('d').unwrap();
    p.exp_string("unsaved changes").unwrap();
    p.send_line("no-such-dir/x.cypher").unwrap();
    p.exp_string("unsaved changes").unwrap();
    p.send_line("kept.cypher").unwrap();
    p.exp_string("saved 5000 nodes").unwrap();
    p.exp_eof().unwrap();
    let kept = std::fs::read_to_string(scratch.0.join("kept.cypher")).unwrap();
    assert_eq!(silkgraph::session::Session::load_script(&kept).unwrap().node_count(), 5000);
}

#[test]
fn quitting_without_changes_asks_nothing_and_enter_declines() {
    let scratch = Scratch::new("quit");
    let mut p = spawn(&["--empty"], &scratch, false);
    p.exp_string("silkgraph>").unwrap();
    p.send_line("RETURN 1 AS one;").unwrap();
    p.exp_string("1 row").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    let mut p = spawn(&["--empty"], &scratch, false);
    p.exp_string("silkgraph>").unwrap();
    p.send_line("CREATE (:A);").unwrap();
    p.exp_string("nodes created 1").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_string("unsaved changes").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn a_graph_in_memory_is_never_lost_or_saved_wrongly_without_a_word() {
    let scratch = Scratch::new("unsaved");
    let mut p = spawn(&["--empty"], &scratch, false);
    p.exp_string("silkgraph>").unwrap();
    p.send_line("CREATE (:A {n: 1});").unwrap();
    p.exp_string("nodes created 1").unwrap();
    // :save writes the forms that load back, by extension, and never over a file unasked.
    p.send_line(":save g.graphml").unwrap();
    p.exp_string(":export writes the other formats").unwrap();
    p.send_line(":save g.sg").unwrap();
    p.exp_string("saved 1 node,").unwrap();
    p.send_line(":save g.sg").unwrap();
    p.exp_string("g.sg exists; :save g.sg --force replaces it").unwrap();
    // :load over unsaved changes is refused until they are saved or dropped.
    p.send_line("CREATE (:B);").unwrap();
    p.exp_string("nodes created 1").unwrap();
    p.send_line(":load g.sg").unwrap();
    p.exp_string("unsaved changes").unwrap();
    p.send_line(":load g.sg --discard").unwrap();
    p.exp_string("loaded g.sg: 1 node,").unwrap();
    // The question on leaving takes no command for a file name.
    p.send_line("CREATE (:C);").unwrap();
    p.exp_string("nodes created 1").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_string("Save to (FILE.sg").unwrap();
    p.send_line(":x").unwrap();
    p.exp_string("that is a command").unwrap();
    p.send_line(":q").unwrap();
    p.exp_eof().unwrap();
    assert!(!scratch.0.join(":x").exists() && !scratch.0.join(":q").exists());
    // Without a terminal, the loss is said on standard error.
    let out = Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["--empty", "query", "CREATE (:D)"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("changes are gone"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_a_terminal_statements_run_plainly_and_stop_at_the_first_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkgraph"))
        .arg("--empty")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"CREATE (:A {x: 1});\nMATCH (a:A) RETURN a.x AS x;\nRETURN nope;\nRETURN 'not reached';\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("│ 1 │"), "{stdout}");
    assert!(!stdout.contains("not reached"));
    assert!(!stdout.contains('\x1b') && !String::from_utf8_lossy(&out.stderr).contains('\x1b'));
    assert!(!stdout.contains("silkgraph>"));
}

#[test]
fn a_saved_graph_loads_back_the_same() {
    use silkgraph::graphs::{default_graph, to_cypher_script, to_json_graph};
    use silkgraph::session::Session;
    let same = |g: &silkgraph::store::Graph| {
        let script = to_cypher_script(g);
        let back = Session::load_script(&script).unwrap_or_else(|e| panic!("{e}\n{script}"));
        assert_eq!(to_json_graph(&back), to_json_graph(g), "{script}");
    };
    same(&default_graph().unwrap());
    same(&silkgraph::store::Graph::new());
    // Awkward values, names and value types.
    let mut s = Session::default();
    let ok = s.run_script(
        "CREATE (a:`Odd Label`:B {`key with space`: 'it\\'s \"q\"\\n\\\\', f: 1.0, g: -0.5, h: 1e300, t: 1e-7, \
                 big: 9223372036854775807, d: date('2025-12-22'), l: [1, 2.5, 'x'], yes: true}), \
                (b), (a)-[:`ODD TYPE` {w: 2.0, on: date('1992-01-01')}]->(b), (b)-[:SELF]->(b); \
         MATCH (n:B) SET n.nan = 0.0 / 0.0, n.inf = -1.0 / 0.0, n.min = -9223372036854775807 - 1",
        &Default::default(),
        |_, r| {
            r.unwrap();
        },
    );
    assert!(ok);
    same(&s.graph);
}

#[test]
fn why_no_rows_names_the_step_that_emptied_the_result() {
    use silkgraph::assist::diagnose::why_no_rows;
    use silkgraph::session::Session;
    let mut s = Session::new(silkgraph::graphs::default_graph().unwrap());
    let before = silkgraph::graphs::to_cypher_script(&s.graph);
    let mut why = |q: &str| {
        why_no_rows(&mut s, &Default::default(), q, std::time::Duration::from_secs(10))
            .unwrap()
            .reason
            .unwrap_or_default()
    };
    assert_eq!(
        why("MATCH (m:Ministry {name: 'Ministry of Energy of the Kyrgyz Republic'}) RETURN m"),
        "no :Ministry node has name 'Ministry of Energy of the Kyrgyz Republic'; nearest: 'Ministry of Energy'"
    );
    assert_eq!(why("MATCH (m:Minstry) RETURN m"), "the graph has no :Minstry node; did you mean :Ministry?");
    assert!(why("MATCH (m:Ministry)-[:VISITED]->(c:Country) RETURN m")
        .starts_with("no :VISITED relationship goes from a :Ministry to a :Country; the graph has "));
    assert_eq!(
        why("MATCH (c:Country)-[:VISITED]->(o:Office) RETURN o"),
        "no :VISITED relationship goes from a :Country to a :Office; there are some in the opposite direction"
    );
    assert_eq!(
        why("MATCH (p:Delegation)-[:VISITED]->(c:Country) WHERE c.name = 'Japn' RETURN p"),
        "the filter `c.name = 'Japn'` kept none of 5 rows; nearest c.name: 'Japan'"
    );
    assert_eq!(
        why("MATCH (o:Office)-[v:VISITED {year: 1900}]->(c) RETURN o"),
        "no :VISITED relationship has year 1900; nearest: 1992"
    );
    assert_eq!(why("UNWIND [] AS x RETURN x"), "UNWIND [] gave no rows: the list is empty or null");
    assert!(why_no_rows(&mut s, &Default::default(), "CREATE (n)", std::time::Duration::from_secs(1)).is_err());
    // Probing changed nothing.
    assert_eq!(silkgraph::graphs::to_cypher_script(&s.graph), before);
}

/// The REPL on a server (`--connect`): completion and warnings read the server's schema,
/// statements run there, `:why` shows the evidence of the last answer, and what needs the graph
/// here says so.
#[test]
fn the_repl_on_a_server_completes_warns_and_shows_evidence() {
    let scratch = Scratch::new("remote");
    let db = scratch.0.join("team.sg").to_string_lossy().to_string();
    let server = crate::server::Server::start_with(&["--graph", &db], &["--no-auth"]);
    let uri = format!("bolt://{}", server.addr);
    let push = Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["push", "--to", &uri]).output().unwrap();
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    let mut p = spawn(&["--connect", &uri], &scratch, false);
    p.exp_string("109 nodes, 191 relationships").unwrap();
    p.exp_string("silkgraph>").unwrap();
    type_keys(&mut p, "MATCH (o:Offi");
    type_keys(&mut p, "\t");
    p.exp_string("MATCH (o:Office").unwrap();
    type_keys(&mut p, ")-[v:VISITED]->(c:Country {name: 'Kyrgyzstan'}) RETURN o.name AS office, v.year AS year ORDER BY year, office LIMIT 3;\r");
    p.exp_string("Foreign Minister").unwrap();
    p.exp_regex(r"3 rows \([0-9.]+ m?s\)").unwrap();
    p.send_line(":why").unwrap();
    p.exp_string("-[:VISITED]->(Kyrgyzstan)").unwrap();
    p.exp_string("[000_abeb9ff96c849685.txt]").unwrap();
    p.send_line("MATCH (c:Contry) RETURN c;").unwrap();
    p.exp_string("did you mean :Country?").unwrap();
    p.exp_string("0 rows").unwrap();
    // Why no rows: diagnosed here on a copy of the server's graph.
    p.send_line("MATCH (m:Ministry {name: 'Ministry of Energy of the Kyrgyz Republic'}) RETURN m;").unwrap();
    p.exp_string("0 rows").unwrap();
    p.send_line(":whynot").unwrap();
    p.exp_string("nearest: 'Ministry of Energy'").unwrap();
    p.send_line("CREATE (:Note {text: 'from the REPL'});").unwrap();
    p.exp_string("nodes created 1").unwrap();
    // The new label is in the schema now: completion offers it.
    type_keys(&mut p, "MATCH (n:Not");
    type_keys(&mut p, "\t");
    p.exp_string("MATCH (n:Note").unwrap();
    type_keys(&mut p, ") RETURN n.text;\r");
    p.exp_string("from the REPL").unwrap();
    p.send_line(":stats").unwrap();
    p.exp_string("nodes               110").unwrap();
    // A transaction on the server: rolled back, nothing is kept.
    p.send_line(":begin").unwrap();
    p.exp_string("transaction open on the server").unwrap();
    p.send_line("CREATE (:Note {text: 'undone'});").unwrap();
    p.exp_string("nodes created 1").unwrap();
    p.send_line(":rollback").unwrap();
    p.exp_string("rolled back on the server").unwrap();
    p.send_line("MATCH (n:Note) RETURN count(n) = 1 AS kept_one_note;").unwrap();
    p.exp_string("true").unwrap();
    p.send_line(":quit").unwrap();
    p.exp_eof().unwrap();
    server.stop();
}

/// The REPL in a terminal of 100 columns and 30 lines: an unfinished statement gets the `...>`
/// prompt, `:format` and `:timing` say their setting, long cells are cut with a notice and
/// shown whole by `:format vertical`, a result longer than the terminal goes through the pager,
/// and completion knows `algo.` and names with a quote.
#[test]
fn results_fit_the_terminal_and_long_ones_go_through_the_pager() {
    let scratch = Scratch::new("pager");
    let script = format!("stty rows 30 cols 100; exec '{}' --empty", env!("CARGO_BIN_EXE_silkgraph"));
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script])
        .current_dir(&scratch.0)
        .env("XDG_DATA_HOME", scratch.0.join("data"))
        .env("HOME", &scratch.0)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env("PAGER", "cat > paged.txt");
    let opts = Options::new().timeout_ms(Some(TIMEOUT_MS)).strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, opts).expect("the REPL starts in a pty");
    p.exp_string("silkgraph>").unwrap();

    // A statement over two lines: the second prompt says it continues.
    p.send_line("RETURN 1").unwrap();
    p.exp_string("...>").unwrap();
    p.send_line("AS one;").unwrap();
    p.exp_regex(r"1 row \(").unwrap();

    p.send_line(":format").unwrap();
    p.exp_string("results as table").unwrap();
    p.send_line(":timing").unwrap();
    p.exp_string("timing on").unwrap();

    // A value longer than the terminal: cut, with a notice; whole in the vertical layout.
    let long = "word ".repeat(40);
    p.send_line(&format!("RETURN '{long}end' AS text, '日本' AS jp;")).unwrap();
    p.exp_string("long values cut to fit the terminal; :format wrap or :format vertical shows them whole").unwrap();
    p.send_line(":format vertical").unwrap();
    p.exp_string("results as vertical").unwrap();
    p.send_line(&format!("RETURN '{long}end' AS text;")).unwrap();
    p.exp_string("[ row 1 ]").unwrap();
    p.exp_string("end'").unwrap();
    p.send_line(":format table").unwrap();
    p.exp_string("results as table").unwrap();

    // 200 rows do not fit 30 lines: they go to the pager, not the screen.
    p.send_line("UNWIND range(1, 200) AS i RETURN i;").unwrap();
    let paged_file = scratch.0.join("paged.txt");
    let t0 = std::time::Instant::now();
    let paged = loop {
        let text = std::fs::read_to_string(&paged_file).unwrap_or_default();
        if text.contains("200 rows") || t0.elapsed().as_millis() > u128::from(TIMEOUT_MS) {
            break text;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(paged.contains("│ 150 ") && paged.contains("200 rows"), "{paged}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_line("RETURN 'after' AS marker;").unwrap();
    let before = p.exp_string("'after'").unwrap();
    assert!(!before.contains(" 150 "), "the long result was not paged: {before}");

    // Completion of a procedure's namespace, and of a name with a quote in it.
    p.send_line("CREATE (:Person {name: 'Kyrgyz People\\'s Party'});").unwrap();
    p.exp_string("nodes created 1").unwrap();
    type_keys(&mut p, "CALL algo.pag");
    type_keys(&mut p, "\t");
    p.exp_string("algo.pageRank(").unwrap();
    p.send_control('u').unwrap();
    type_keys(&mut p, "MATCH (p:Person {name: 'Kyrgyz People\\'");
    type_keys(&mut p, "\t");
    p.exp_string("Party'").unwrap();
    p.send_control('u').unwrap();
    p.send_line(":quit").unwrap();
    p.exp_string("Save to").unwrap();
    p.send_line("").unwrap();
    p.exp_eof().unwrap();
}
