//! Runaway queries under `--max-memory 256MiB --timeout 2`, measured from outside: each one an
//! outside probe found escaping the limits (issue 19) must end in a `ResourceLimit` error soon,
//! and the process's peak resident memory, as the kernel counts it for the child, must stay near
//! the limit. (The memory limit is an estimate of what a statement holds; the peak is what it
//! really took.)

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const LIMIT_MIB: u64 = 256;

/// What one run of the binary did.
struct Run {
    code: i32,
    stdout: String,
    /// The child's peak resident set, in bytes.
    peak: u64,
    took: Duration,
}

/// Set for [`measured_child`], which then runs the script on its standard input.
const MEASURE_VAR: &str = "SILKGRAPH_TEST_MEASURE";

/// Runs `silkgraph --empty [limits] --format jsonl run -` with `script` on standard input, from
/// a process of its own (this test binary again, running only [`measured_child`]): the kernel
/// keeps the peak memory of a process's children together, and that process has one child.
fn run_measured(script: &str) -> Run {
    let t0 = Instant::now();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "resources::measured_child", "--ignored", "--nocapture", "--test-threads", "1"])
        .env(MEASURE_VAR, "1");
    let (child, writer) = spawn_fed(&mut cmd, script.to_string());
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> i64 {
        let line = text.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_else(|| panic!("no {name} in {text}"));
        line.trim().parse().unwrap()
    };
    let stdout = text.lines().filter(|l| l.starts_with('{')).collect::<Vec<_>>().join("\n");
    Run { code: field("EXIT ") as i32, stdout, peak: field("PEAK_KB ") as u64 * 1024, took: t0.elapsed() }
}

/// Starts `cmd` with `input` written to its standard input from a thread of its own (a large
/// script would fill the pipe while the child's output is not yet read).
fn spawn_fed(cmd: &mut Command, input: String) -> (Child, JoinHandle<std::io::Result<()>>) {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the program runs");
    let mut stdin = child.stdin.take().unwrap();
    (child, std::thread::spawn(move || stdin.write_all(input.as_bytes())))
}

/// The measuring process of [`run_measured`] (it does nothing when run as a test of its own).
#[test]
#[ignore = "run by run_measured in a process of its own"]
fn measured_child() {
    if std::env::var_os(MEASURE_VAR).is_none() {
        return;
    }
    let mut script = String::new();
    std::io::stdin().read_to_string(&mut script).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_silkgraph"));
    cmd.args(["--empty", "--max-memory", &format!("{LIMIT_MIB}MiB"), "--timeout", "2"])
        .args(["--format", "jsonl", "run", "-"]);
    let (mut child, writer) = spawn_fed(&mut cmd, script);
    let mut text = String::new();
    child.stdout.take().unwrap().read_to_string(&mut text).unwrap();
    let status = child.wait().unwrap();
    let _ = writer.join();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
    // Lines of JSON, then what was measured (Linux counts the peak in kilobytes), after the
    // line the test harness has begun.
    print!("\n{text}");
    println!("EXIT {}", status.code().unwrap_or(-1));
    println!("PEAK_KB {}", usage.max_rss());
}

#[test]
fn runaway_queries_stop_at_the_limits_with_bounded_memory() {
    let dense = "UNWIND range(1, 12) AS i CREATE (:K {i: i}) WITH count(*) AS c \
                 MATCH (a:K), (b:K) WHERE a <> b CREATE (a)-[:E]->(b);\n";
    let huge_pattern =
        format!("MATCH (a0){} RETURN count(*)", (1..40_000).map(|i| format!("-[:R]->(a{i})")).collect::<String>());
    let cases: Vec<String> = vec![
        "WITH range(1, 20000000) AS l UNWIND l AS x RETURN count(x)".into(),
        "RETURN size(split(reduce(s = 'a', i IN range(1, 27) | s + s), ''))".into(),
        "RETURN size(replace(reduce(s = 'a', i IN range(1, 26) | s + s), 'a', 'aaaaaaaaaa'))".into(),
        "RETURN size([x IN range(1, 30000) | [y IN range(1, 30000) | y]])".into(),
        "UNWIND range(1, 24000000) AS x RETURN count(DISTINCT [x, x])".into(),
        "UNWIND range(1, 24000000) AS x WITH DISTINCT [x, toString(x)] AS d RETURN count(d)".into(),
        "UNWIND range(1, 24000000) AS x RETURN collect({x: x})[0]".into(),
        "UNWIND range(1, 9000000) AS x CREATE (:X {i: x})".into(),
        "RETURN size(reduce(acc = [], i IN range(1, 3000000) | [i] + acc))".into(),
        format!("{dense}MATCH (a){} RETURN count(*)", "-->()".repeat(31)),
        huge_pattern,
    ];
    let limit = LIMIT_MIB << 20;
    for script in &cases {
        let r = run_measured(script);
        let shown = &script[..script.len().min(100)];
        assert_eq!(r.code, 1, "{shown}: {}", r.stdout);
        let last: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
        assert_eq!(last["error"]["kind"], "ResourceLimit", "{shown}: {last}");
        // Seconds, where each of these used to run for minutes or until the kernel killed it.
        assert!(r.took < Duration::from_secs(60), "{shown}: took {:?}", r.took);
        assert!(r.peak < limit * 3 / 2, "{shown}: peak {} MiB under a {LIMIT_MIB} MiB limit", r.peak >> 20);
    }
}
