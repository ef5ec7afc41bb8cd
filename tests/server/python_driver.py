"""`silkgraph serve` driven by Neo4j's official Python driver (the `neo4j` package, with pandas).

Run by tests/server/run.sh inside target/server-venv:

    python tests/server/python_driver.py --bin target/release/silkgraph

Prints one line per check, `ok - NAME` or `FAIL - NAME: WHY` (lines starting with `#` are
comments: versions, timings, the server's log on a failure), then `# python_driver.py: done`.
Every server it starts listens on a free port of 127.0.0.1 and is stopped before it exits.
"""

import argparse
import atexit
import datetime as dt
import json
import logging
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import neo4j
import pandas as pd
import pytz
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import AuthError, ClientError, CypherSyntaxError, Neo4jError
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUESTIONS = os.path.join(ROOT, "examples", "analyst_questions.cypher")
CHECK_TIMEOUT = 90  # seconds one check may take before it is reported as hanging

BIN = None
TMP = None
PASSED = 0
FAILED = 0
SERVERS = []  # every Server started, so that an early exit still stops them
CURRENT = []  # the servers of the check that is running, whose logs a failure prints
OWNED = []  # the servers started by the check that is running, stopped when it ends


def say(line):
    print(line, flush=True)


# ---- servers ------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `silkgraph serve` process on a free port, started once its first stdout line is out."""

    def __init__(self, *args, name="server"):
        self.args = list(args)
        self.name = name
        self.proc = None
        self.banner = None
        self.start()

    def start(self):
        last = None
        for _attempt in range(3):  # another process may take the free port before the server does
            self.port = free_port()
            n = len(SERVERS)
            self.out_path = os.path.join(TMP, f"{self.name}-{n}.out")
            self.err_path = os.path.join(TMP, f"{self.name}-{n}.err")
            cmd = [BIN, "serve", "--listen", f"127.0.0.1:{self.port}"] + self.args
            with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            SERVERS.append(self)
            OWNED.append(self)
            if self not in CURRENT:
                CURRENT.append(self)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with open(self.out_path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                if "\n" in text:
                    self.banner = text.split("\n", 1)[0]
                    return
                if self.proc.poll() is not None:
                    break
                time.sleep(0.02)
            last = f"`{' '.join(cmd)}` printed no first line (exit {self.proc.poll()}): {self.stderr()[-500:]}"
            self.kill()
        raise RuntimeError(last)

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def uri(self, scheme="bolt"):
        return f"{scheme}://127.0.0.1:{self.port}"

    def stop(self, timeout=30):
        """SIGTERM, then wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"server did not exit within {timeout} s of SIGTERM")
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def stop_all():
    for s in SERVERS:
        try:
            s.kill()
        except Exception:
            pass


def driver(uri, auth=("neo4j", "any"), **config):
    config.setdefault("connection_timeout", 10)
    config.setdefault("max_transaction_retry_time", 10)
    return GraphDatabase.driver(uri, auth=auth, **config)


# ---- checks -------------------------------------------------------------------------------------


class Hang(BaseException):  # not an Exception: no `except Exception` in a check swallows it
    pass


def on_alarm(_signum, _frame):
    raise Hang(f"no answer within {CHECK_TIMEOUT} s")


def check(name, fn):
    """Runs one check; prints `ok - name` or `FAIL - name: why` and the servers' logs."""
    global PASSED, FAILED
    CURRENT.clear()
    OWNED.clear()
    signal.alarm(CHECK_TIMEOUT)
    t0 = time.monotonic()
    try:
        fn()
        signal.alarm(0)
        PASSED += 1
        say(f"ok - {name}")
    except (Exception, Hang) as e:  # noqa: BLE001 - a check reports whatever went wrong
        signal.alarm(0)
        FAILED += 1
        why = f"{type(e).__name__}: {e}".replace("\n", " | ")
        say(f"FAIL - {name}: {why}")
        tb = traceback.extract_tb(e.__traceback__)
        here = [f for f in tb if f.filename == __file__ and f.name != "on_alarm"]
        if here:
            say(f"#   at line {here[-1].lineno}: {here[-1].line}")
        for s in CURRENT:
            log = s.stderr().strip().splitlines()
            if log:
                say(f"#   server stderr ({' '.join(s.args) or 'bundled graph'}), last lines:")
                for line in log[-12:]:
                    say(f"#     {line}")
    finally:
        signal.alarm(0)
        for s in OWNED:
            s.kill()
        OWNED.clear()
        CURRENT.clear()
    took = time.monotonic() - t0
    if took > 5:
        say(f"#   ({name}: {took:.1f} s)")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_eq(got, want, what="value"):
    if got != want:
        raise AssertionError(f"{what}: got {short(got)}, want {short(want)}")


def short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "..."


def expect_error(fn, code=None, code_part=None, message_part=None, exc=Neo4jError):
    try:
        fn()
    except exc as e:
        c = getattr(e, "code", None)
        if code is not None and c != code:
            raise AssertionError(f"error code {c}, want {code} ({e})")
        if code_part is not None and (c is None or code_part not in c):
            raise AssertionError(f"error code {c}, want one containing {code_part} ({e})")
        msg = getattr(e, "message", None) or str(e)
        if message_part is not None and message_part not in msg:
            raise AssertionError(f"message {msg!r} lacks {message_part!r}")
        return e
    raise AssertionError(f"no error (want {code or code_part or exc.__name__})")


# ---- comparing the driver's values with `silkgraph query --format json` --------------------------

TEMPORAL_TAGS = {
    "@date": Date.from_iso_format,
    "@localtime": Time.from_iso_format,
    "@time": Time.from_iso_format,
    "@localdatetime": DateTime.from_iso_format,
    "@datetime": DateTime.from_iso_format,
    "@duration": Duration.from_iso_format,
}


def canon(v):
    """A driver value as a comparable form: numbers keep their kind, nodes are labels and
    properties, relationships type and properties, paths their sequence."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("float", "nan" if math.isnan(v) else v)
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, Node):
        return ("node", sorted(v.labels), canon(dict(v)))
    if isinstance(v, Relationship):
        return ("rel", v.type, canon(dict(v)))
    if isinstance(v, Path):
        out = [canon(v.start_node)]
        for r, n in zip(v.relationships, v.nodes[1:]):
            out += [canon(r), canon(n)]
        return ("path", out)
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    if isinstance(v, (Date, Time, DateTime, Duration)):
        return ("temporal", type(v).__name__, v)
    return ("other", repr(v))


def canon_json(v):
    """The same form from silkgraph's JSON output."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("float", v)
    if isinstance(v, list):
        return [canon_json(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            (tag, x), = v.items()
            if tag == "@node":
                return ("node", sorted(x["labels"]), canon_json(x["properties"]))
            if tag == "@rel":
                return ("rel", x["type"], canon_json(x["properties"]))
            if tag == "@path":
                return ("path", [canon_json(e) for e in x])
            if tag == "@float":
                return ("float", "nan" if x == "NaN" else float(x.replace("Infinity", "inf")))
            if tag in TEMPORAL_TAGS:
                t = TEMPORAL_TAGS[tag](x)
                return ("temporal", type(t).__name__, t)
        return {k: canon_json(x) for k, x in v.items()}
    return ("other", repr(v))


def silkgraph_query(statements, *graph_args):
    """Runs `silkgraph query --format json` on the statements; returns its list of results."""
    p = subprocess.run(
        [BIN, *graph_args, "query", "--format", "json", ";\n".join(statements)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
    )
    out = json.loads(p.stdout)
    expect(len(out) == len(statements), f"silkgraph query gave {len(out)} results for {len(statements)} statements")
    return out


def analyst_questions():
    """(question, query) pairs of examples/analyst_questions.cypher: a `// Q:` line, then the
    query's lines up to one ending with `;`."""
    out, question, lines = [], None, []
    with open(QUESTIONS, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("// Q:"):
                question, lines = s[5:].strip(), []
            elif question is not None and s and not s.startswith("//"):
                lines.append(line.rstrip("\n"))
                if s.endswith(";"):
                    out.append((question, "\n".join(lines).rstrip().rstrip(";")))
                    question = None
    return out


# ---- 1. the analyst questions -------------------------------------------------------------------


def analyst_checks():
    qs = analyst_questions()
    expected = []

    def load():
        expect(len(qs) >= 5, f"only {len(qs)} questions in {QUESTIONS}")
        expected.extend(silkgraph_query([q for _, q in qs]))
        for (question, _), e in zip(qs, expected):
            expect("error" not in e, f"silkgraph query failed on {question!r}: {e.get('error')}")

    check(f"silkgraph query answers the {len(qs)} analyst questions", load)
    if not expected:
        return
    server = Server(name="bundled")
    try:
        with driver(server.uri()) as d:
            for i, ((question, q), want) in enumerate(zip(qs, expected), 1):
                def one(q=q, want=want):
                    CURRENT.append(server)
                    with d.session() as s:
                        res = s.run(q)
                        keys = res.keys()
                        rows = [[canon(v) for v in r.values()] for r in res]
                    expect_eq(list(keys), want["columns"], "columns")
                    expect_eq(rows, [[canon_json(v) for v in r] for r in want["rows"]], "rows")

                check(f"analyst question {i} ({question[:60]}) gives silkgraph query's rows", one)
    finally:
        server.kill()


# ---- 2. values --------------------------------------------------------------------------------


# neo4j.time.Time asks its tzinfo for utcoffset(self): pytz's fixed offsets accept a Time, the
# standard library's timezone only a datetime.
TZ_0530 = pytz.FixedOffset(330)
TZ_M8 = pytz.FixedOffset(-480)

ROUND_TRIP = [
    ("null", None),
    ("true", True),
    ("false", False),
    ("int 0", 0),
    ("int -1", -1),
    ("int -2^63", -(2**63)),
    ("int 2^63-1", 2**63 - 1),
    ("int 2^31", 2**31),
    ("float 1.5", 1.5),
    ("float -0.25e-300", -0.25e-300),
    ("float 1e308", 1e308),
    ("float 2.0 (stays a float)", 2.0),
    ("float infinity", float("inf")),
    ("string empty", ""),
    ("string unicode", "Кыргызстан — 日本 🇰🇬🇯🇵 e\u0301 \"quoted\" \\ \n\ttab"),
    ("string long", "x" * 100_000),
    ("list empty", []),
    ("list mixed", [1, "two", 3.0, None, True, [4, [5]]]),
    ("list of strings", ["a", "ü", "日本"]),
    ("map empty", {}),
    ("map", {"a": 1, "b": "two", "c": None, "d": [1.5, False]}),
    ("nested map and list", {"k": [{"x": {"y": [1, {"z": "deep"}]}}], "empty": {"l": []}}),
    ("Date", Date(2024, 2, 29)),
    ("Date before 1970", Date(1901, 12, 13)),
    ("LocalTime", Time(10, 20, 30, 123456789)),
    ("Time with offset", Time(10, 20, 30, 500000000, tzinfo=TZ_0530)),
    ("LocalDateTime", DateTime(2024, 1, 2, 3, 4, 5, 1)),
    ("DateTime with offset", DateTime(2024, 1, 2, 3, 4, 5, 500000000, tzinfo=TZ_M8)),
    ("DateTime UTC", DateTime(1969, 12, 31, 23, 59, 59, 999999999, tzinfo=dt.timezone.utc)),
    ("DateTime with a datetime.timezone offset", DateTime(2030, 7, 1, 12, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=6)))),
    ("native datetime.datetime with offset", dt.datetime(2025, 12, 22, 9, 30, 15, 250000, tzinfo=dt.timezone(dt.timedelta(hours=6)))),
    ("Duration", Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=500000000)),
    ("Duration negative", Duration(days=-1, seconds=-30)),
    ("native datetime.date", dt.date(2000, 1, 1)),
    ("map of temporals", {"d": Date(2020, 5, 17), "t": Time(1, 2, 3, tzinfo=TZ_M8), "dur": Duration(months=1)}),
]


def same_value(got, want):
    if isinstance(want, dt.datetime):
        want = DateTime.from_native(want)
    if isinstance(want, float) and isinstance(got, float):
        return got == want and math.copysign(1, got) == math.copysign(1, want)
    if isinstance(want, (Time, DateTime)) and isinstance(got, (Time, DateTime)):
        # equal instants with the same offset (or both without one)
        return got == want and type(got) is type(want) and (
            (got.tzinfo is None) == (want.tzinfo is None)
        ) and (got.tzinfo is None or got.utcoffset() == want.utcoffset())
    if isinstance(want, dt.date) and not isinstance(want, Date):
        want = Date.from_native(want)
    if isinstance(want, Date):
        return isinstance(got, Date) and got == want
    if type(got) is not type(want) and not (isinstance(want, dict) and isinstance(got, dict)):
        return False
    if isinstance(want, list):
        return len(got) == len(want) and all(same_value(g, w) for g, w in zip(got, want))
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same_value(got[k], want[k]) for k in want)
    return got == want


def value_checks():
    server = Server(name="values")
    try:
        with driver(server.uri()) as d:
            for name, v in ROUND_TRIP:
                def one(v=v):
                    CURRENT.append(server)
                    with d.session() as s:
                        got = s.run("RETURN $v AS v", v=v).single(strict=True)["v"]
                    expect(same_value(got, v), f"got {short(got)} ({type(got).__name__}), want {short(v)}")

                check(f"RETURN $v round-trips {name}", one)

            def all_at_once():
                CURRENT.append(server)
                params = {f"p{i}": v for i, (_, v) in enumerate(ROUND_TRIP)}
                q = "RETURN " + ", ".join(f"$p{i} AS p{i}" for i in range(len(ROUND_TRIP)))
                rec = d.execute_query(q, params).records[0]
                for i, (name, v) in enumerate(ROUND_TRIP):
                    expect(same_value(rec[f"p{i}"], v), f"{name}: got {short(rec[f'p{i}'])}")

            check("every value type round-trips in one record", all_at_once)

            def cypher_sees_params():
                # What the server decoded is what Cypher sees (a symmetric bug in decoding and
                # encoding would pass the round trip).
                CURRENT.append(server)
                q = """RETURN $d = date('2024-02-29') AS d, $lt = localtime('10:20:30.123456789') AS lt,
                       $t = time('10:20:30.5+05:30') AS t, $ldt = localdatetime('2024-01-02T03:04:05.000000001') AS ldt,
                       $dtm = datetime('2024-01-02T03:04:05.5-08:00') AS dtm, $dur = duration('P1Y2M3DT4H5M6.5S') AS dur,
                       $big = 9223372036854775807 AS big, $small = -9223372036854775807 - 1 AS small,
                       $s = 'Кыргызстан 日本' AS s, size($s) AS n, $m.k[1].x AS nested, toString($d) AS ds"""
                rec = d.execute_query(q, {
                    "d": Date(2024, 2, 29), "lt": Time(10, 20, 30, 123456789),
                    "t": Time(10, 20, 30, 500000000, tzinfo=TZ_0530),
                    "ldt": DateTime(2024, 1, 2, 3, 4, 5, 1),
                    "dtm": DateTime(2024, 1, 2, 3, 4, 5, 500000000, tzinfo=TZ_M8),
                    "dur": Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=500000000),
                    "big": 2**63 - 1, "small": -(2**63), "s": "Кыргызстан 日本", "m": {"k": [0, {"x": "yes"}]},
                }).records[0]
                for k in ("d", "lt", "t", "ldt", "dtm", "dur", "big", "small", "s"):
                    expect(rec[k] is True, f"${k} is not what Cypher computes (= gave {rec[k]!r})")
                expect_eq(rec["n"], 13, "size of the unicode string")
                expect_eq(rec["nested"], "yes", "$m.k[1].x")
                expect_eq(rec["ds"], "2024-02-29", "toString($d)")

            check("parameters are the values Cypher computes (temporals, int64 bounds, unicode)", cypher_sees_params)

            def named_zones():
                # A date-time in a named zone goes both ways as Bolt's zone-id structure, with the
                # zone's daylight-saving offset.
                CURRENT.append(server)
                stockholm = pytz.timezone("Europe/Stockholm")
                sent = stockholm.localize(dt.datetime(2025, 7, 1, 12, 0))
                rec = d.execute_query(
                    """RETURN $d = datetime('2025-07-01T12:00[Europe/Stockholm]') AS same, $d.timezone AS tz,
                       datetime('2025-03-30T02:30[Europe/Stockholm]') AS gap""",
                    {"d": sent},
                ).records[0]
                expect(rec["same"] is True, f"the zoned parameter is not the zoned date-time (= gave {rec['same']!r})")
                expect_eq(rec["tz"], "Europe/Stockholm", "$d.timezone")
                gap = rec["gap"]
                expect(isinstance(gap, DateTime), f"got {type(gap).__name__}")
                expect_eq((gap.hour, gap.minute, gap.utcoffset()), (3, 30, dt.timedelta(hours=2)), "the skipped hour")
                expect_eq(getattr(gap.tzinfo, "zone", None), "Europe/Stockholm", "the zone of the answer")

            check("date-times in named zones (Europe/Stockholm, across daylight saving)", named_zones)

            def cypher_values():
                CURRENT.append(server)
                rec = d.execute_query("""RETURN date('2024-02-29') AS d, localtime('10:20:30.123456789') AS lt,
                    time('10:20:30.5+05:30') AS t, localdatetime('2024-01-02T03:04:05.000000001') AS ldt,
                    datetime('2024-01-02T03:04:05.5-08:00') AS dtm, duration('P1Y2M3DT4H5M6.5S') AS dur,
                    9223372036854775807 AS big, -9223372036854775807 - 1 AS small, 1.0/0 AS inf,
                    [1, 'a', [2.5]] AS l, {a: {b: [null]}} AS m""").records[0]
                want = {
                    "d": Date(2024, 2, 29), "lt": Time(10, 20, 30, 123456789),
                    "t": Time(10, 20, 30, 500000000, tzinfo=TZ_0530),
                    "ldt": DateTime(2024, 1, 2, 3, 4, 5, 1),
                    "dtm": DateTime(2024, 1, 2, 3, 4, 5, 500000000, tzinfo=TZ_M8),
                    "dur": Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=500000000),
                    "big": 2**63 - 1, "small": -(2**63), "inf": float("inf"),
                    "l": [1, "a", [2.5]], "m": {"a": {"b": [None]}},
                }
                for k, w in want.items():
                    expect(same_value(rec[k], w), f"{k}: got {short(rec[k])}, want {short(w)}")

            check("values made by Cypher arrive as the driver's types", cypher_values)

            def graph_values():
                CURRENT.append(server)
                q = ("MATCH p = (a:Office)-[r:VISITED]->(c:Country {name: 'Japan'}) "
                     "RETURN a, r, c, p ORDER BY a.name, r.year, r.month LIMIT 3")
                want = silkgraph_query([q])[0]
                with d.session() as s:
                    res = s.run(q)
                    records = list(res)
                    g = res.graph()
                expect_eq(len(records), len(want["rows"]), "rows")
                for rec, wrow in zip(records, want["rows"]):
                    a, r, c, p = rec["a"], rec["r"], rec["c"], rec["p"]
                    expect(isinstance(a, Node) and isinstance(r, Relationship) and isinstance(p, Path),
                           f"types {type(a)}, {type(r)}, {type(p)}")
                    expect_eq([canon(a), canon(r), canon(c), canon(p)], [canon_json(x) for x in wrow], "row")
                    for x in (a, r, c):
                        expect(isinstance(x.element_id, str) and x.element_id, f"element_id {x.element_id!r}")
                    expect_eq(r.start_node.element_id, a.element_id, "r.start_node")
                    expect_eq(r.end_node.element_id, c.element_id, "r.end_node")
                    expect_eq(p.start_node, a, "path start")
                    expect_eq(p.end_node, c, "path end")
                    expect_eq(list(p.relationships), [r], "path relationships")
                    expect_eq(len(p), 1, "path length")
                    expect_eq(a["name"], wrow[0]["@node"]["properties"]["name"], "a['name']")
                ids = {n.element_id for rec in records for n in (rec["a"], rec["c"])}
                expect_eq({n.element_id for n in g.nodes}, ids, "Result.graph() nodes")
                expect_eq({x.element_id for x in g.relationships}, {rec["r"].element_id for rec in records},
                          "Result.graph() relationships")
                # an element id found by the driver finds the same node again
                a0 = records[0]["a"]
                again = d.execute_query("MATCH (n) WHERE elementId(n) = $id RETURN n", id=a0.element_id).records
                expect_eq([canon(x["n"]) for x in again], [canon(a0)], "MATCH by elementId")

            check("nodes, relationships and paths (element ids, Result.graph())", graph_values)

            def longer_paths():
                CURRENT.append(server)
                q = ("MATCH p = shortestPath((m:Ministry {name: 'Ministry of Energy'})-[:SIGNED*..6]-"
                     "(g:Company {name: 'National Grid Company'})) RETURN p, nodes(p) AS ns, relationships(p) AS rs")
                want = silkgraph_query([q])[0]
                rec = d.execute_query(q).records[0]
                p = rec["p"]
                expect_eq([canon(rec["p"]), canon(rec["ns"]), canon(rec["rs"])],
                          [canon_json(x) for x in want["rows"][0]], "path, nodes(p), relationships(p)")
                expect_eq(len(p), len(want["rows"][0][2]), "len(path)")
                # undirected hops: every relationship joins consecutive nodes, in some direction
                for i, r in enumerate(p.relationships):
                    ends = {r.start_node.element_id, r.end_node.element_id}
                    expect_eq(ends, {p.nodes[i].element_id, p.nodes[i + 1].element_id}, f"hop {i}")

            check("a multi-hop path walked against the direction of some relationships", longer_paths)
    finally:
        server.kill()


# ---- 3. transactions and durability ------------------------------------------------------------


def count(d, q, **params):
    return d.execute_query(q, params, routing_=RoutingControl.READ).records[0][0]


def transaction_checks():
    path = os.path.join(TMP, "tx", "x.sg")
    os.makedirs(os.path.dirname(path))

    def explicit():
        server = Server("--graph", path, name="tx")
        expect("database `x`" in server.banner, f"banner {server.banner!r}")
        expect("read-only" not in server.banner, f"a new database served read-only: {server.banner!r}")
        with driver(server.uri()) as d:
            with d.session() as s:
                expect_eq(s.run("MATCH (n) RETURN count(n) AS c").single()["c"], 0, "nodes in a new database")
                tx = s.begin_transaction()
                summary = tx.run("CREATE (:T {k: 'rolled back'}), (:T {k: 'rolled back'})").consume()
                expect_eq(summary.counters.nodes_created, 2, "counters.nodes_created")
                expect_eq(tx.run("MATCH (n:T) RETURN count(n) AS c").single()["c"], 2,
                          "the transaction sees its own writes")
                expect_eq(count(d, "MATCH (n:T) RETURN count(n)"), 0, "another session sees an open transaction's writes")
                tx.rollback()
                expect_eq(s.run("MATCH (n:T) RETURN count(n) AS c").single()["c"], 0, "after rollback")

                tx = s.begin_transaction()
                tx.run("CREATE (:T {k: 'committed', at: $at})", at=DateTime(2024, 5, 6, 7, 8, 9, tzinfo=TZ_M8))
                tx.run("MATCH (a:T {k: 'committed'}) CREATE (a)-[:R {w: 1.5}]->(:U {k: 'committed'})")
                tx.commit()
                expect_eq(count(d, "MATCH (n:T {k: 'committed'})-[:R]->(:U) RETURN count(n)"), 1, "after commit")

                try:  # a with-block left by an exception rolls back
                    with s.begin_transaction() as tx:
                        tx.run("CREATE (:T {k: 'with-block raised'})")
                        raise KeyError("raised")
                except KeyError:
                    pass
                with s.begin_transaction() as tx:  # and one left normally commits
                    tx.run("CREATE (:T {k: 'with-block'})")
                expect_eq(count(d, "MATCH (n:T) WHERE n.k STARTS WITH 'with' RETURN collect(n.k)"), ["with-block"],
                          "the with-blocks' nodes")

                def work(tx, k):
                    return tx.run("CREATE (n:T {k: $k}) RETURN n.k AS k", k=k).single()["k"]

                expect_eq(s.execute_write(work, "managed"), "managed", "execute_write's result")

                def fails(tx):
                    tx.run("CREATE (:T {k: 'managed then raised'})")
                    raise ValueError("the work function raised")

                try:
                    s.execute_write(fails)
                    raise AssertionError("execute_write did not raise")
                except ValueError:
                    pass
                got = s.execute_read(lambda tx: [r["k"] for r in tx.run("MATCH (n:T) RETURN n.k AS k ORDER BY k")])
                expect_eq(got, ["committed", "managed", "with-block"], "nodes after the managed transactions")

            # an open transaction when the server stops is rolled back
            s2 = d.session()
            tx = s2.begin_transaction()
            tx.run("CREATE (:T {k: 'open at stop'})").consume()
            rc = server.stop()
            expect_eq(rc, 0, "exit code on SIGTERM")
            expect("silkgraph serve: stopped" in server.stderr(), "no `silkgraph serve: stopped` on stderr")
            try:
                s2.close()
            except Exception:
                pass

        server = Server("--graph", path, name="tx-again")
        with driver(server.uri()) as d:
            got = d.execute_query("MATCH (n:T) RETURN n.k AS k, n.at AS at ORDER BY k").records
            expect_eq([r["k"] for r in got], ["committed", "managed", "with-block"], "nodes after the restart")
            expect(same_value(got[0]["at"], DateTime(2024, 5, 6, 7, 8, 9, tzinfo=TZ_M8)), f"property at: {got[0]['at']!r}")
            rel = d.execute_query("MATCH (:T)-[r:R]->(u:U) RETURN r.w AS w, u.k AS k").records
            expect_eq([(r["w"], r["k"]) for r in rel], [(1.5, "committed")], "relationship after the restart")
        expect_eq(server.stop(), 0, "exit code on SIGTERM")

    check("explicit and managed transactions on a new database; commits survive a restart", explicit)

    def killed():
        kpath = os.path.join(TMP, "tx", "killed.sg")
        server = Server("--graph", kpath, name="kill")
        with driver(server.uri()) as d:
            for i in range(20):
                d.execute_query("CREATE (:K {i: $i})", i=i)
            with d.session() as s:
                tx = s.begin_transaction()
                tx.run("CREATE (:K {i: -1})").consume()
                server.proc.kill()  # SIGKILL: no checkpoint, no clean stop
                server.proc.wait()
        server = Server("--graph", kpath, name="kill-again")
        with driver(server.uri()) as d:
            got = [r[0] for r in d.execute_query("MATCH (n:K) RETURN n.i ORDER BY n.i").records]
        expect_eq(got, list(range(20)), "committed nodes after SIGKILL and a restart")
        server.stop()

    check("every acknowledged commit survives SIGKILL (fsync before SUCCESS)", killed)


# ---- 4. routing, databases, server info ----------------------------------------------------------


def routing_checks():
    path = os.path.join(TMP, "routing.sg")

    server = Server("--graph", path, name="routing")
    try:
        with driver(server.uri("neo4j"), max_transaction_retry_time=3) as d:
            def default_db():
                CURRENT.append(server)
                d.verify_connectivity()
                summary = d.execute_query("CREATE (:Route {n: $n})", n=1, routing_=RoutingControl.WRITE).summary
                expect_eq(summary.counters.nodes_created, 1, "nodes_created through neo4j://")
                got = d.execute_query("MATCH (r:Route) RETURN r.n AS n", routing_=RoutingControl.READ).records
                expect_eq([r["n"] for r in got], [1], "read through neo4j://")
                with d.session(default_access_mode=neo4j.WRITE_ACCESS) as s:
                    s.execute_write(lambda tx: tx.run("CREATE (:Route {n: 2})").consume())
                    s.run("CREATE (:Route {n: 3})").consume()
                with d.session(default_access_mode=neo4j.READ_ACCESS) as s:
                    n = s.execute_read(lambda tx: tx.run("MATCH (r:Route) RETURN count(r) AS c").single()["c"])
                expect_eq(n, 3, "count through a read session")

            check("neo4j:// routing to the default database: reads and writes", default_db)

            def named_neo4j():
                CURRENT.append(server)
                with d.session(database="neo4j", default_access_mode=neo4j.WRITE_ACCESS) as s:
                    s.execute_write(lambda tx: tx.run("CREATE (:Route {n: 4})").consume())
                got = d.execute_query("MATCH (r:Route {n: 4}) RETURN count(r) AS c", database_="neo4j",
                                      routing_=RoutingControl.READ).records[0]["c"]
                expect_eq(got, 1, "read back through database `neo4j`")

            check("neo4j:// routing with database=\"neo4j\" (the served graph's alias): write and read", named_neo4j)

            def named_file_db():
                CURRENT.append(server)
                got = d.execute_query("MATCH (r:Route) RETURN count(r) AS c", database_="routing",
                                      routing_=RoutingControl.READ).records[0]["c"]
                expect(got >= 3, f"count {got}")
                d.execute_query("CREATE (:Route {n: 5})", database_="routing", routing_=RoutingControl.WRITE)

            check("neo4j:// routing with the database's own name: write and read", named_file_db)

            def bundled():
                CURRENT.append(server)
                with d.session(database="karate", default_access_mode=neo4j.READ_ACCESS) as s:
                    expect_eq(s.run("MATCH (n) RETURN count(n) AS c").single()["c"], 34, "karate's members")
                got = d.execute_query("MATCH (n) RETURN count(n) AS c", database_="florentine",
                                      routing_=RoutingControl.READ).records[0]["c"]
                want = silkgraph_query(["MATCH (n) RETURN count(n) AS c"], "--graph", "florentine")[0]["rows"][0][0]
                expect_eq(got, want, "florentine's nodes")

            check("neo4j:// routing to a bundled graph by name (read-only)", bundled)
        expect_eq(server.stop(), 0, "exit code")
    finally:
        server.kill()

    def databases():
        server = Server(name="dbs")
        with driver(server.uri()) as d:
            info = d.get_server_info()
            expect(info.protocol_version >= (4, 4), f"protocol {info.protocol_version}")
            expect(isinstance(info.agent, str) and info.agent, f"agent {info.agent!r}")
            say(f"#   server agent {info.agent!r}, Bolt {'.'.join(map(str, info.protocol_version))}")
            want = silkgraph_query(["MATCH (n) RETURN count(n) AS c"])[0]["rows"][0][0]
            for db in (None, "neo4j", "kyrgyz_japan"):
                got = d.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"]
                expect_eq(got, want, f"nodes of database {db}")
            for db in ("karate", "florentine", "lesmis"):
                want = silkgraph_query(["MATCH (n)-[r]->() RETURN count(r) AS c"], "--graph", db)[0]["rows"][0][0]
                got = d.execute_query("MATCH (n)-[r]->() RETURN count(r) AS c", database_=db).records[0]["c"]
                expect_eq(got, want, f"relationships of {db}")
            expect_error(lambda: d.execute_query("RETURN 1", database_="no_such_db"), code_part="Database")
            expect_error(lambda: d.execute_query("CREATE (n)"), code="Neo.ClientError.Statement.AccessMode")
            expect_eq(d.execute_query("RETURN 1 AS x").records[0]["x"], 1, "after the errors")
        server.stop()

    check("server info; the served graph as `neo4j`; bundled graphs by name; read-only", databases)


# ---- 5. authentication ---------------------------------------------------------------------------


def auth_checks():
    users = os.path.join(TMP, "users")

    def add(name, pw, *extra):
        p = subprocess.run([BIN, "user", "add", name, "--users", users, *extra], input=f"{pw}\n".encode(),
                           capture_output=True, timeout=60)
        expect(p.returncode == 0, f"silkgraph user add {name}: exit {p.returncode}: {p.stderr.decode()}")

    def auth():
        add("alice", "wonder land")
        add("bob", "s3cret-Ü", "--reader")
        server = Server("--graph", os.path.join(TMP, "auth.sg"), "--users", users, name="auth")
        expect("no authentication" not in server.banner, f"banner {server.banner!r}")
        with driver(server.uri(), auth=("alice", "wonder land")) as d:
            d.verify_connectivity()
            d.execute_query("CREATE (:A {by: 'alice'})")
            expect_eq(count(d, "MATCH (a:A) RETURN count(a)"), 1, "alice's write")
            expect(d.verify_authentication(), "verify_authentication")
            expect(not d.verify_authentication(auth=("alice", "wrong")), "verify_authentication with a wrong password")
        # (each failed logon from an address is answered twice as slowly as the one before: 0.5 s,
        # 1 s, 2 s, 4 s, ..., so this check keeps to four)
        for who, pw in (("alice", "Wonder land"), ("mallory", "wonder land")):
            with driver(server.uri(), auth=(who, pw)) as d:
                expect_error(lambda d=d: d.execute_query("RETURN 1"), code="Neo.ClientError.Security.Unauthorized",
                             exc=AuthError)
        with driver(server.uri(), auth=None) as d:
            expect_error(lambda: d.execute_query("RETURN 1"), exc=AuthError)
        with driver(server.uri("neo4j"), auth=("bob", "s3cret-Ü")) as d:
            expect_eq(count(d, "MATCH (a:A) RETURN count(a)"), 1, "bob reads")
            expect_error(lambda: d.execute_query("CREATE (:A {by: 'bob'})"), code="Neo.ClientError.Statement.AccessMode")
            with d.session() as s:
                expect_error(lambda: s.execute_write(lambda tx: tx.run("MATCH (a:A) SET a.x = 1").consume()),
                             code="Neo.ClientError.Statement.AccessMode")
                expect_eq(s.run("MATCH (a:A) RETURN a.by AS by").single()["by"], "alice", "bob reads after the refusal")
        with driver(server.uri(), auth=("alice", "wonder land")) as d:
            expect_eq(count(d, "MATCH (a:A) RETURN count(a)"), 1, "nodes after bob's refused writes")
        log = server.stderr()
        expect("mallory" in log or "failed" in log.lower() or "denied" in log.lower() or "refused" in log.lower(),
               "the failed logons are not logged")
        server.stop()

    check("auth: users file, right and wrong passwords, a reader cannot write", auth)


# ---- 6. TLS ---------------------------------------------------------------------------------------


def tls_checks():
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")

    def tls():
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        expect(p.returncode == 0, f"openssl: {p.stderr.decode()[-300:]}")
        http_port = free_port()
        server = Server("--tls-cert", cert, "--tls-key", key, "--http", f"127.0.0.1:{http_port}", name="tls")
        q = "MATCH (c:Country) RETURN c.name AS name ORDER BY name"
        want = [r[0] for r in silkgraph_query([q])[0]["rows"]]
        # The browser's port speaks TLS too: the Query API over https://.
        import ssl
        import urllib.request
        req = urllib.request.Request(f"https://127.0.0.1:{http_port}/db/neo4j/query/v2",
                                     data=json.dumps({"statement": q}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=cert), timeout=20) as r:
            got = json.load(r)
        expect_eq([row[0] for row in got["data"]["values"]], want, "rows over https:// from the Query API")
        for scheme in ("bolt+ssc", "neo4j+ssc"):
            with driver(server.uri(scheme)) as d:
                got = [r["name"] for r in d.execute_query(q).records]
                expect_eq(got, want, f"rows over {scheme}://")
        for host in ("127.0.0.1", "localhost"):
            with driver(f"bolt://{host}:{server.port}", encrypted=True,
                        trusted_certificates=neo4j.TrustCustomCAs(cert)) as d:
                got = [r["name"] for r in d.execute_query(q).records]
                expect_eq(got, want, f"rows over TLS to {host} trusting the certificate")
        # the system's CAs do not trust a self-signed certificate
        with driver(server.uri("bolt+s"), connection_timeout=5) as d:
            expect_error(lambda: d.verify_connectivity(), exc=Exception)
        # plain Bolt to the TLS port
        with driver(server.uri("bolt"), connection_timeout=5, connection_acquisition_timeout=10) as d:
            expect_error(lambda: d.verify_connectivity(), exc=Exception)
        # and the server still serves TLS afterwards
        with driver(server.uri("bolt+ssc")) as d:
            expect_eq(d.execute_query("RETURN 1 AS x").records[0]["x"], 1, "TLS after the plain attempt")
        server.stop()
        # silkgraph's own client: bolt+s:// trusting the certificate through SSL_CERT_FILE, and
        # refusing it without. (rustls, as browsers, refuses a certificate authority's own
        # certificate as the server's: this one is a plain server certificate.)
        leaf, leaf_key = os.path.join(TMP, "leaf.pem"), os.path.join(TMP, "leaf-key.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", leaf_key,
                            "-out", leaf, "-days", "1", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-addext", "basicConstraints=critical,CA:FALSE"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        expect(p.returncode == 0, f"openssl: {p.stderr.decode()[-300:]}")
        server = Server("--tls-cert", leaf, "--tls-key", leaf_key, name="tls-client")
        for scheme in ("bolt+s", "neo4j+s"):
            uri = f"{scheme}://localhost:{server.port}"
            p = subprocess.run([BIN, "--connect", uri, "--format", "json", "query", q], capture_output=True,
                               stdin=subprocess.DEVNULL, timeout=60, env={**os.environ, "SSL_CERT_FILE": leaf})
            expect(p.returncode == 0, f"silkgraph --connect {uri}: {p.stderr.decode()[-300:]}")
            expect_eq([r[0] for r in json.loads(p.stdout)[0]["rows"]], want, f"silkgraph --connect {uri}")
        env = {k: v for k, v in os.environ.items() if k != "SSL_CERT_FILE"}
        p = subprocess.run([BIN, "--connect", f"bolt+s://localhost:{server.port}", "query", q], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60, env=env)
        expect(p.returncode != 0 and b"certificate" in p.stderr.lower(),
               f"silkgraph --connect trusted a self-signed certificate: {p.stderr.decode()[-300:]}")
        server.stop()

    check("TLS: bolt+ssc://, neo4j+ssc://, a custom CA, silkgraph --connect bolt+s://; bolt+s:// untrusted and "
          "plain bolt:// fail", tls)


# ---- 7. pandas ------------------------------------------------------------------------------------


def pandas_checks():
    def to_df():
        server = Server(name="pandas")
        q = ("MATCH (o:Office)-[v:VISITED]->(:Country {name: 'Japan'}) "
             "RETURN o.name AS office, count(v) AS visits ORDER BY visits DESC, office")
        want = silkgraph_query([q])[0]
        with driver(server.uri()) as d:
            df = d.execute_query(q, result_transformer_=neo4j.Result.to_df)
            expect(isinstance(df, pd.DataFrame), f"got {type(df)}")
            expect_eq(list(df.columns), want["columns"], "columns")
            expect_eq(df.values.tolist(), want["rows"], "rows")
            expect(pd.api.types.is_integer_dtype(df["visits"]), f"visits dtype {df['visits'].dtype}")
            df = d.execute_query("MATCH (c:Country) RETURN c ORDER BY c.name", result_transformer_=lambda r: r.to_df(expand=True))
            expect("c().prop.name" in df.columns, f"expanded columns {list(df.columns)}")
            names = [r[0] for r in silkgraph_query(["MATCH (c:Country) RETURN c.name ORDER BY c.name"])[0]["rows"]]
            expect_eq(df["c().prop.name"].tolist(), names, "expanded node names")
        server.stop()

    check("execute_query(result_transformer_=Result.to_df) gives a pandas DataFrame", to_df)


# ---- 8. streaming ---------------------------------------------------------------------------------


def streaming_checks():
    server = Server(name="stream")
    try:
        with driver(server.uri(), fetch_size=1000) as d:
            def all_rows():
                CURRENT.append(server)
                t0 = time.monotonic()
                with d.session(fetch_size=1000) as s:
                    got = [r["i"] for r in s.run("UNWIND range(1, 100000) AS i RETURN i")]
                expect_eq(len(got), 100000, "rows")
                expect(got == list(range(1, 100001)), "rows out of order")
                say(f"#   100000 rows in {time.monotonic() - t0:.2f} s")

            check("UNWIND range(1, 100000) with fetch_size 1000: every row, in order", all_rows)

            def partial():
                CURRENT.append(server)
                for _ in range(3):
                    s = d.session(fetch_size=1000)
                    res = s.run("UNWIND range(1, 100000) AS i RETURN i")
                    first = [next(res)["i"] for _ in range(10)]
                    expect_eq(first, list(range(1, 11)), "the first 10 rows")
                    s.close()
                with d.session(fetch_size=1000) as s:
                    res = s.run("UNWIND range(1, 100000) AS i RETURN i")
                    expect_eq(res.peek()["i"], 1, "peek")
                    # the next statement on the same session discards the rest of the first
                    expect_eq(s.run("RETURN 42 AS x").single()["x"], 42, "next statement on the session")
                got = d.execute_query("UNWIND range(1, 2000) AS i RETURN sum(i) AS s").records[0]["s"]
                expect_eq(got, 2001000, "a query after the abandoned streams")

            check("stopping after 10 of 100000 rows then closing the session leaves the driver usable", partial)

            def two_results_in_tx():
                # Bolt 4+: a second RUN in a transaction leaves the first result open; its rows
                # are then pulled with PULL {qid: 0} after the second result is done.
                CURRENT.append(server)
                with d.session(fetch_size=1000) as s:
                    tx = s.begin_transaction()
                    r = tx.run("UNWIND range(1, 5000) AS i RETURN i")
                    expect_eq(next(r)["i"], 1, "first row in the transaction")
                    expect_eq(tx.run("RETURN 7 AS x").single()["x"], 7, "second statement in the transaction")
                    rest = [x["i"] for x in r]
                    expect_eq(len(rest), 4999, "rows of the first result after the second")
                    expect(rest == list(range(2, 5001)), "the first result's later rows are out of order")
                    tx.commit()
                    expect_eq(s.run("RETURN 8 AS x").single()["x"], 8, "the session afterwards")

            check("two open results in one transaction: the first is read on after the second", two_results_in_tx)
    finally:
        server.kill()


# ---- 9. concurrency -------------------------------------------------------------------------------


def concurrency_checks():
    def concurrent():
        server = Server("--graph", os.path.join(TMP, "conc.sg"), name="conc")
        errors, odd, reads = [], [], [0]
        done = threading.Event()
        # Writers that began before another commit get Neo.TransientError.Transaction.Outdated and
        # execute_write runs them again: give the retries time.
        with driver(server.uri(), max_connection_pool_size=16, max_transaction_retry_time=30) as d:
            def writer(w):
                try:
                    with d.session() as s:
                        for i in range(50):
                            s.execute_write(lambda tx: tx.run("CREATE (:P), (:P)").consume())
                except Exception as e:  # noqa: BLE001
                    errors.append(f"writer {w}: {type(e).__name__}: {e}")

            def reader(r):
                try:
                    with d.session() as s:
                        while not done.is_set():
                            c = s.execute_read(lambda tx: tx.run("MATCH (p:P) RETURN count(p) AS c").single()["c"])
                            reads[0] += 1
                            if c % 2:
                                odd.append(c)
                except Exception as e:  # noqa: BLE001
                    errors.append(f"reader {r}: {type(e).__name__}: {e}")

            t0 = time.monotonic()
            writers = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
            readers = [threading.Thread(target=reader, args=(i,)) for i in range(4)]
            for t in writers + readers:
                t.start()
            for t in writers:
                t.join(75)
            done.set()
            for t in readers:
                t.join(10)
            expect(not any(t.is_alive() for t in writers + readers), "threads still running")
            say(f"#   400 write transactions beside {reads[0]} reads in {time.monotonic() - t0:.1f} s")
            expect(not errors, "; ".join(errors[:3]))
            expect(not odd, f"odd counts seen by readers: {odd[:5]}")
            expect_eq(count(d, "MATCH (p:P) RETURN count(p)"), 800, "nodes at the end")
        server.stop()

    check("8 writer threads x 50 transactions beside 4 readers: counts always even, 800 at the end", concurrent)


# ---- 10. errors -----------------------------------------------------------------------------------


def error_checks():
    server = Server(name="errors")
    try:
        with driver(server.uri()) as d:
            with d.session() as s:
                def ok_after():
                    expect_eq(s.run("RETURN 1 AS x").single()["x"], 1, "the session after the error")

                def syntax():
                    CURRENT.append(server)
                    e = expect_error(lambda: s.run("MATCH (n RETURN n").consume(),
                                     code="Neo.ClientError.Statement.SyntaxError", message_part="line 1, column",
                                     exc=CypherSyntaxError)
                    expect(isinstance(e, ClientError), f"{type(e)} is not a ClientError")
                    e = expect_error(lambda: s.run("RETURN 1 +\n\n  ,").consume(),
                                     code="Neo.ClientError.Statement.SyntaxError", message_part="line 3, column")
                    ok_after()

                check("syntax error: Neo.ClientError.Statement.SyntaxError with line and column", syntax)

                def missing():
                    CURRENT.append(server)
                    expect_error(lambda: s.run("RETURN $nope AS x").consume(),
                                 code="Neo.ClientError.Statement.ParameterMissing", message_part="nope")
                    ok_after()

                check("missing parameter: Neo.ClientError.Statement.ParameterMissing", missing)

                def div0():
                    CURRENT.append(server)
                    expect_error(lambda: s.run("RETURN 1/0 AS x").consume(), code_part="ArgumentError")
                    ok_after()

                check("RETURN 1/0: an ArgumentError code", div0)

                def lazy_error():
                    CURRENT.append(server)
                    # the error comes after some rows were streamed
                    with d.session(fetch_size=10) as s2:
                        res = s2.run("UNWIND range(1000, 0, -1) AS i RETURN 10 / i AS x")
                        expect_error(lambda: list(res), code_part="ArgumentError")
                        expect_eq(s2.run("RETURN 2 AS x").single()["x"], 2, "the session after the error")

                check("an error after rows were streamed leaves the session usable", lazy_error)

                def many():
                    CURRENT.append(server)
                    for _ in range(20):
                        expect_error(lambda: s.run("RETURN $p AS x").consume(), code="Neo.ClientError.Statement.ParameterMissing")
                        expect_error(lambda: s.run("RETURN ;").consume(), code="Neo.ClientError.Statement.SyntaxError")
                    ok_after()
                    for _ in range(20):
                        expect_error(lambda: d.execute_query("RETURN 1/0"), code_part="ArgumentError")
                    expect_eq(d.execute_query("RETURN 3 AS x").records[0]["x"], 3, "the driver after 20 errors")

                check("40 errors in a row on one session, 20 through execute_query; both stay usable", many)
    finally:
        server.kill()


# ---- 11. a failure inside an explicit transaction -------------------------------------------------


def failed_tx_checks():
    def failed_tx():
        server = Server("--graph", os.path.join(TMP, "failed-tx.sg"), name="failedtx")
        with driver(server.uri()) as d:
            with d.session() as s:
                tx = s.begin_transaction()
                tx.run("CREATE (:F {k: 1})").consume()
                expect_error(lambda: tx.run("RETURN 1/0").consume(), code_part="ArgumentError")
                expect_error(lambda: tx.run("RETURN 1").consume(), exc=Exception)  # the transaction has failed
                try:
                    tx.commit()
                    raise AssertionError("commit of a failed transaction succeeded")
                except AssertionError:
                    raise
                except Exception:
                    pass
                tx.close()
                expect_eq(s.run("MATCH (n:F) RETURN count(n) AS c").single()["c"], 0, "the failed transaction's writes")

                tx = s.begin_transaction()
                tx.run("CREATE (:F {k: 2})").consume()
                expect_error(lambda: tx.run("MATCH (n RETURN n").consume(), code="Neo.ClientError.Statement.SyntaxError")
                tx.rollback()
                expect_eq(s.run("MATCH (n:F) RETURN count(n) AS c").single()["c"], 0, "after the rollback")

                def work(tx):
                    tx.run("CREATE (:F {k: 3})").consume()
                    tx.run("RETURN $missing").consume()

                expect_error(lambda: s.execute_write(work), code="Neo.ClientError.Statement.ParameterMissing")
                expect_eq(s.run("MATCH (n:F) RETURN count(n) AS c").single()["c"], 0, "after the failed execute_write")
                with s.begin_transaction() as tx:
                    tx.run("CREATE (:F {k: 4})")
                    tx.commit()
                expect_eq(s.run("MATCH (n:F) RETURN n.k AS k").values(), [[4]], "a transaction after the failures")
        server.stop()

    check("a failed statement fails its transaction; rollback works; the session stays usable", failed_tx)

    def metadata():
        server = Server("--graph", os.path.join(TMP, "meta.sg"), "--log-queries", name="meta")
        with driver(server.uri()) as d:
            with d.session() as s:
                tx = s.begin_transaction(metadata={"app": "driver-test", "n": 1}, timeout=30)
                tx.run("CREATE (:M)").consume()
                tx.commit()
                q = neo4j.Query("MATCH (m:M) RETURN count(m) AS c", metadata={"app": "x"}, timeout=5.5)
                expect_eq(s.run(q).single()["c"], 1, "a query with metadata and a timeout")
                s.execute_write(neo4j.unit_of_work(timeout=10, metadata={"k": "v"})(lambda tx: tx.run("CREATE (:M)").consume()))
            expect_eq(count(d, "MATCH (m:M) RETURN count(m)"), 2, "nodes after the three transactions")
        server.stop()

    check("transaction metadata and timeouts are accepted", metadata)


# ---- main -----------------------------------------------------------------------------------------


def main():
    global BIN, TMP
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("SILKGRAPH_BIN", os.path.join(ROOT, "target/release/silkgraph")))
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("only", nargs="*", help="run only these groups")
    args = ap.parse_args()
    BIN = os.path.abspath(args.bin)
    TMP = tempfile.mkdtemp(prefix="silkgraph-pydriver-")
    atexit.register(stop_all)
    if not args.keep:
        atexit.register(shutil.rmtree, TMP, True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)  # the checks report the errors themselves
    signal.signal(signal.SIGALRM, on_alarm)
    say(f"# neo4j {neo4j.__version__}, pandas {pd.__version__}, Python {sys.version.split()[0]}; {BIN}")
    groups = {
        "analyst": analyst_checks, "values": value_checks, "tx": transaction_checks, "routing": routing_checks,
        "auth": auth_checks, "tls": tls_checks, "pandas": pandas_checks, "streaming": streaming_checks,
        "concurrency": concurrency_checks, "errors": error_checks, "failedtx": failed_tx_checks,
    }
    t0 = time.monotonic()
    for name, fn in groups.items():
        if args.only and name not in args.only:
            continue
        try:
            fn()
        except Exception as e:  # a group that could not even set up counts as one failure
            global FAILED
            FAILED += 1
            say(f"FAIL - {name} checks: {type(e).__name__}: {e}".replace("\n", " | "))
    say(f"# python_driver.py: {PASSED} passed, {FAILED} failed in {time.monotonic() - t0:.1f} s")
    say("# python_driver.py: done")


if __name__ == "__main__":
    main()
