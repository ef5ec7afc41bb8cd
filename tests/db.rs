//! Databases keep their work (issue "A database that keeps its work"): every acknowledged commit
//! survives the writer being killed with SIGKILL at any moment, during commits and checkpoints;
//! a transaction is there whole or not at all; a second writer is refused; bad logs are refused
//! with what and where.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_silkgraph"))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("silkgraph-db-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A small random number generator (xorshift), seeded from the clock: each run kills at other
/// moments.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new() -> Rng {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Rng(t.as_nanos() as u64 | 1)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `silkgraph --graph DB --format jsonl run -`, reading its script from a pipe.
fn writer(db: &Path) -> std::process::Child {
    bin()
        .args(["--graph", db.to_str().unwrap(), "--format", "jsonl", "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs `script` on the database with `run --format jsonl -`, kills the process with SIGKILL
/// after `ms` milliseconds (if it is still running); returns the result lines it printed.
fn run_killed(db: &Path, script: &str, ms: u64) -> Vec<String> {
    let mut child = writer(db);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(script.as_bytes()).unwrap();
    drop(stdin);
    std::thread::sleep(Duration::from_millis(ms));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// Runs `script` (`n` statements) on the database and kills the writer once all `n` results are
/// printed, before it closes: the commits are in the log only.
fn commit_then_kill(db: &Path, script: &str, n: usize) {
    let mut child = writer(db);
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while seen.lines().count() < n {
        let got = std::io::Read::read(&mut out, &mut buf).unwrap();
        if got == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..got]));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The values of one integer column of a query on the database (which must open cleanly).
fn column(db: &Path, q: &str) -> Vec<i64> {
    let out = bin().args(["--graph", db.to_str().unwrap(), "--format", "jsonl", "query", q]).output().unwrap();
    assert!(out.status.success(), "reopening failed: {}", String::from_utf8_lossy(&out.stderr));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    line["rows"].as_array().unwrap().iter().map(|r| r[0].as_i64().unwrap()).collect()
}

#[test]
fn every_acknowledged_commit_survives_a_kill() {
    let d = scratch("kill-single");
    let db = d.join("g.sg");
    let mut rng = Rng::new();
    let script_from = |have: i64| {
        let mut script = String::new();
        for i in have..have + 120 {
            script.push_str(&format!("CREATE (:N {{i: {i}}});\n"));
            if i % 40 == 0 {
                script.push_str(":checkpoint\n");
            }
        }
        script
    };
    // Kills fall within the time a whole run takes on this machine (timed once, on a database
    // of its own), so that most land mid-run whether commits take a millisecond or a tenth.
    let whole = {
        let started = std::time::Instant::now();
        let mut child = writer(&d.join("timing.sg"));
        child.stdin.take().unwrap().write_all(script_from(0).as_bytes()).unwrap();
        assert!(child.wait_with_output().unwrap().status.success());
        (started.elapsed().as_millis() as u64).max(4)
    };
    let mut have = 0i64;
    let mut kills_mid_run = 0;
    for round in 0..110 {
        let script = script_from(have);
        let acked = run_killed(&db, &script, 1 + rng.below(whole)).len() as i64;
        let is = column(&db, "MATCH (n:N) RETURN n.i ORDER BY n.i");
        let n = is.len() as i64;
        // Exactly the first n statements, in order, none twice, none half: and at least every
        // one whose result was printed.
        assert_eq!(is, (0..n).collect::<Vec<_>>(), "round {round}");
        assert!(n >= have + acked, "round {round}: {acked} acknowledged after {have}, {n} kept");
        kills_mid_run += usize::from(n < have + 120);
        have = n;
    }
    assert!(kills_mid_run > 20, "most kills should land mid-run, {kills_mid_run} did");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_transaction_is_kept_whole_or_not_at_all() {
    let d = scratch("kill-tx");
    let db = d.join("g.sg");
    let mut rng = Rng::new();
    let mut t = 0i64;
    for round in 0..90 {
        let mut script = String::new();
        for k in t..t + 60 {
            script.push_str(&format!(
                ":begin\nCREATE (:P {{t: {k}, j: 1}});\nUNWIND range(2, 4) AS j CREATE (:P {{t: {k}, j: j}});\n:commit\n"
            ));
            if k % 25 == 0 {
                script.push_str(":checkpoint\n");
            }
        }
        run_killed(&db, &script, 5 + rng.below(150));
        let ts = column(&db, "MATCH (p:P) RETURN p.t ORDER BY p.t");
        let whole: Vec<i64> = (0..ts.len() as i64 / 4).flat_map(|k| [k; 4]).collect();
        assert_eq!(ts, whole, "round {round}: every transaction has its four nodes or none");
        t = ts.len() as i64 / 4;
    }
    // A transaction still open at the end of a script is rolled back, with a warning.
    let out =
        bin().args(["--graph", db.to_str().unwrap(), "query", ":begin\nCREATE (:P {t: -1, j: 0});"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("rolled back"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!column(&db, "MATCH (p:P) RETURN p.t").contains(&-1));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_second_writer_is_refused_and_a_reader_may_look() {
    let d = scratch("second");
    let db = d.join("g.sg");
    let mut writer = bin()
        .args(["--graph", db.to_str().unwrap(), "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The writer holds the database while it waits for its input.
    std::thread::sleep(Duration::from_millis(300));
    let out = bin().args(["--graph", db.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("open for writing in another process") && err.contains("--read-only"), "{err}");
    let out = bin().args(["--graph", db.to_str().unwrap(), "--read-only", "query", "RETURN 1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bin().args(["--graph", db.to_str().unwrap(), "--read-only", "query", "CREATE (:X)"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a read-only database refuses a write");
    writer.stdin.take().unwrap().write_all(b"CREATE (:W);").unwrap();
    assert!(writer.wait().unwrap().success());
    assert_eq!(column(&d.join("g.sg"), "MATCH (w:W) RETURN count(w)"), [1]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn damaged_logs_and_newer_formats_are_refused_with_where_and_why() {
    let d = scratch("damaged");
    let db = d.join("g.sg");
    // Leave a log of several transactions (killed before the checkpoint on close).
    let mut script: String = (0..30).map(|i| format!("CREATE (:N {{i: {i}, pad: '{}'}});\n", "x".repeat(50))).collect();
    // A long read after them, so that the kill comes before the checkpoint on close (a kill
    // during it could leave a log the new snapshot has made stale, which is dropped unannounced).
    script.push_str("UNWIND range(1, 2000000000) AS i WITH i WHERE i < 0 RETURN i;\n");
    commit_then_kill(&db, &script, 30);
    let wal = d.join("g.sg-wal");
    let good = std::fs::read(&wal).unwrap();
    assert!(good.len() > 1000, "the log holds the transactions");
    // A torn tail: recovered with a notice.
    std::fs::write(&wal, &good[..good.len() - 7]).unwrap();
    let out = bin()
        .args(["--graph", db.to_str().unwrap(), "--read-only", "query", "MATCH (n) RETURN count(n)"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("dropped an unfinished last record"));
    // Damage in the middle: refused, nothing opened.
    let mut bad = good.clone();
    bad[good.len() / 2] ^= 0x55;
    std::fs::write(&wal, &bad).unwrap();
    let out = bin().args(["--graph", db.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("g.sg-wal") && err.contains("corrupted in the middle"), "{err}");
    // A log written by a newer format version.
    let mut newer = good.clone();
    newer[8] = 2;
    std::fs::write(&wal, &newer).unwrap();
    let out = bin().args(["--graph", db.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("newer silkgraph"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The snapshot's own checksum still guards it.
    std::fs::write(&wal, &good).unwrap();
    let mut snap = std::fs::read(&db).unwrap();
    let last = snap.len() - 1;
    snap[last] ^= 1;
    std::fs::write(&db, &snap).unwrap();
    let out = bin().args(["--graph", db.to_str().unwrap(), "query", "RETURN 1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("g.sg"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_checkpoint_makes_the_file_alone_a_backup() {
    let d = scratch("checkpoint");
    let db = d.join("g.sg");
    // Leave commits in the log only: the writer is killed before it closes.
    let script: String = (0..50).map(|i| format!("CREATE (:N {{i: {i}}});\n")).collect();
    commit_then_kill(&db, &script, 50);
    let wal = d.join("g.sg-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 32, "the commits are in the log");
    let out = bin().args(["checkpoint", db.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 32, "an empty log after the checkpoint");
    // The snapshot alone, copied elsewhere, holds every commit.
    let copy = d.join("backup.sg");
    std::fs::copy(&db, &copy).unwrap();
    assert_eq!(column(&copy, "MATCH (n:N) RETURN count(n)"), [50]);
    let out = bin().args(["checkpoint", d.join("none.sg").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_database_made_at_a_path_without_an_extension_opens_again() {
    let dir = scratch("noext");
    let db = dir.join("team");
    for q in ["CREATE (:A {v: 1})", "CREATE (:A {v: 2})"] {
        let out = bin().args(["--graph", db.to_str().unwrap(), "query", q]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(column(&db, "MATCH (a:A) RETURN a.v ORDER BY a.v"), [1, 2]);
}

#[test]
fn a_bulk_transaction_is_committed_as_a_checkpoint_and_survives_a_kill() {
    let d = scratch("kill-bulk");
    let db = d.join("g.sg");
    // Each statement replaces the graph's nodes by 70,000 of its own: more changes than the
    // graph holds, so its commit writes the snapshot instead of a log record.
    let statement = |k: u64| {
        format!(
            "OPTIONAL MATCH (b:B) DETACH DELETE b WITH count(*) AS gone UNWIND range(1, 70000) AS i CREATE (:B {{k: {k}, i: i}});\n"
        )
    };
    let kept = |db: &Path| {
        let ks = column(db, "MATCH (b:B) RETURN DISTINCT b.k");
        assert_eq!(ks.len(), 1, "one statement's nodes, never two halves: {ks:?}");
        assert_eq!(column(db, "MATCH (b:B) RETURN count(b)"), [70000], "all of that statement's nodes");
        ks[0] as u64
    };
    commit_then_kill(&db, &statement(0), 1);
    assert_eq!(std::fs::metadata(d.join("g.sg-wal")).unwrap().len(), 32, "committed as a checkpoint: an empty log");
    assert_eq!(kept(&db), 0);
    let started = std::time::Instant::now();
    commit_then_kill(&db, &statement(1), 1);
    let per_statement = started.elapsed().as_millis() as u64;
    let mut have = kept(&db);
    let mut rng = Rng::new();
    let mut kills_mid_run = 0;
    for round in 0..12 {
        let script: String = (have + 1..=have + 3).map(statement).collect();
        let acked = run_killed(&db, &script, 5 + rng.below(3 * per_statement)).len() as u64;
        let k = kept(&db);
        assert!(k >= have + acked && k <= have + 3, "round {round}: {acked} acknowledged after {have}, {k} kept");
        kills_mid_run += usize::from(k < have + 3);
        have = k;
    }
    assert!(kills_mid_run > 3, "most kills should land mid-run, {kills_mid_run} did");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_database_reads_its_relationships_when_first_needed_and_checks_them_then() {
    let d = scratch("lazy");
    let db = d.join("g.sg");
    let q = |text: &str| {
        let out = bin().args(["--graph", db.to_str().unwrap(), "--format", "csv", "query", text]).output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).replace("\r\n", "\n");
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let make = "UNWIND range(0, 199) AS i CREATE (:P {i: i, name: 'p' + i}) WITH collect(i) AS xs \
                UNWIND xs AS i MATCH (a:P {i: i}), (b:P {i: (i * 7 + 3) % 200}) CREATE (a)-[:K {w: i}]->(b)";
    assert_eq!(q(make).0, Some(0));
    // Written at close as a version 5 snapshot, whose relationships a new process reads when a
    // statement first needs them: the same rows as from the graph in memory.
    let walk = "MATCH (a:P)-[k:K]->(b:P) WHERE a.i < 20 RETURN a.i, b.i, k.w ORDER BY a.i";
    let want: String = (0..20).map(|i| format!("{i},{},{i}\n", (i * 7 + 3) % 200)).collect();
    assert_eq!(q(walk).1, format!("a.i,b.i,k.w\n{want}"));
    assert_eq!(q("MATCH (p:P {name: 'p7'}) RETURN p.i").1, "p.i\n7\n");
    // A write first reads them, and is kept with them.
    assert_eq!(q("MATCH (a:P {i: 0}), (b:P {i: 1}) CREATE (a)-[:K {w: -1}]->(b)").0, Some(0));
    assert_eq!(q("MATCH ()-[k:K]->() RETURN count(k), sum(k.w)").1, "count(k),sum(k.w)\n201,19899\n");
    // Damage in the relationships' part: the nodes still answer; the first statement that reads
    // a relationship fails, naming the file, and nothing is written over it.
    let mut bytes = std::fs::read(&db).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x21;
    std::fs::write(&db, &bytes).unwrap();
    let (code, out, _) = q("MATCH (p:P) RETURN count(p)");
    assert_eq!((code, out.as_str()), (Some(0), "count(p)\n200\n"));
    let (code, _, err) = q(walk);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("g.sg") && err.contains("checksum mismatch"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "a damaged database is left as it was");
    let _ = std::fs::remove_dir_all(&d);
}
