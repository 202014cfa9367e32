"""The relational baseline: PostgreSQL 15 from Debian's packages, started on loopback in a temporary data
directory, loaded with COPY, indexed as a DBA would, and the three queries as recursive CTEs with the same
semantics as the graph layer (graph/trace.py, graph/recall_scope.py, graph/contagion.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from graph.contagion import PRECISION, TIE_WEIGHTS

PG_BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin",)

SCHEMA = """
CREATE UNLOGGED TABLE batch (id text PRIMARY KEY, product text NOT NULL, producer text NOT NULL,
                             quantity float8 NOT NULL, unit text NOT NULL);
CREATE UNLOGGED TABLE input_to (src text NOT NULL, dst text NOT NULL, quantity float8 NOT NULL);
CREATE UNLOGGED TABLE shipment (id text PRIMARY KEY, batch text NOT NULL, from_id text NOT NULL,
                                to_id text NOT NULL, quantity float8 NOT NULL, shipped_at text NOT NULL);
-- SHAREHOLDER links between enterprises; person links (legal representative, officer, shareholder)
CREATE UNLOGGED TABLE holding (holder text NOT NULL, enterprise text NOT NULL, share float8 NOT NULL);
CREATE UNLOGGED TABLE person_role (person text NOT NULL, enterprise text NOT NULL, kind text NOT NULL,
                                   share float8);
"""

# What a good DBA adds for these access paths: both directions of the BOM edge, shipments by batch.
INDEXES = """
CREATE INDEX input_to_dst ON input_to (dst, src);
CREATE INDEX input_to_src ON input_to (src, dst);
CREATE INDEX shipment_batch ON shipment (batch) INCLUDE (to_id, quantity);
CREATE INDEX person_role_person ON person_role (person);
"""

# The tie rules of contract/core.graphql, as SQL: one row per unordered pair with its best tie, then both
# directions for traversal. Materialised, as the graph keeps TIED_TO.
TIES = """
CREATE MATERIALIZED VIEW tie AS
WITH candidate AS (
  SELECT least(holder, enterprise) AS a, greatest(holder, enterprise) AS b,
         CASE WHEN share >= 0.5 THEN 'CONTROL' WHEN share >= 0.2 THEN 'SHAREHOLDING' ELSE 'MINOR_SHARE' END AS kind,
         NULL::text AS via
  FROM holding WHERE holder <> enterprise
  UNION ALL
  SELECT r1.enterprise, r2.enterprise, 'SHARED_PERSON', r1.person
  FROM person_role r1 JOIN person_role r2 ON r1.person = r2.person AND r1.enterprise < r2.enterprise
  WHERE coalesce(r1.share, 1) >= 0.5 AND coalesce(r2.share, 1) >= 0.5
  UNION ALL
  SELECT DISTINCT least(from_id, to_id), greatest(from_id, to_id), 'TRADE', NULL FROM shipment WHERE from_id <> to_id
), weighted AS (
  SELECT c.*, w.weight FROM candidate c JOIN (VALUES {weights}) AS w(kind, weight) USING (kind)
)
SELECT DISTINCT ON (a, b) a, b, kind, weight, via FROM weighted ORDER BY a, b, weight DESC, via;
CREATE MATERIALIZED VIEW edge AS
SELECT a AS u, b AS v, weight FROM tie UNION ALL SELECT b, a, weight FROM tie;
CREATE INDEX edge_u ON edge (u) INCLUDE (v, weight);
"""

# The same content as the graph layer's traceBack: every upstream batch with its fields, and the root's custody.
TRACE_BACK = """
WITH RECURSIVE up(id, depth) AS (
  SELECT src, 1 FROM input_to WHERE dst = %(root)s
  UNION
  SELECT i.src, up.depth + 1 FROM up JOIN input_to i ON i.dst = up.id WHERE up.depth < %(max_depth)s
)
SELECT b.id, u.depth, b.product, b.producer, b.quantity, b.unit
FROM (SELECT id, min(depth) AS depth FROM up GROUP BY id) u JOIN batch b USING (id)
ORDER BY u.depth, b.id
"""
CUSTODY = """
SELECT id, from_id, to_id, quantity, shipped_at FROM shipment WHERE batch = %(root)s ORDER BY shipped_at, id
"""

RECALL_SCOPE = """
WITH RECURSIVE down(id, depth) AS (
  SELECT b.id, 0 FROM batch b WHERE b.id = ANY(%(sources)s)
  UNION
  SELECT i.dst, down.depth + 1 FROM down JOIN input_to i ON i.src = down.id WHERE down.depth < %(max_depth)s
), affected AS (
  SELECT id, min(depth) AS depth FROM down GROUP BY id
)
SELECT a.id, a.depth, b.product, b.producer, b.quantity, b.unit, s.to_id, sum(s.quantity) AS quantity,
       count(s.id) AS shipments, min(s.shipped_at) AS first_shipped, max(s.shipped_at) AS last_shipped
FROM affected a JOIN batch b USING (id) LEFT JOIN shipment s ON s.batch = a.id
GROUP BY a.id, a.depth, b.product, b.producer, b.quantity, b.unit, s.to_id
"""

# Walks without a visited list: a walk through a node twice has a lower product than the path it contains
# (weights < 1), so the best product is a best simple path's; UNION keeps one row per (source, node, product,
# hops) state, which bounds the recursion however many walks reach a node.
CONTAGION = """
WITH RECURSIVE walk(source, node, product, hops) AS (
  SELECT s, s, 1.0::float8, 0 FROM unnest(%(sources)s::text[]) AS s
  UNION
  SELECT walk.source, e.v, walk.product * e.weight, walk.hops + 1
  FROM walk JOIN edge e ON e.u = walk.node
  WHERE walk.hops < %(max_hops)s
), best AS (
  SELECT source, node, max(product) AS best FROM walk
  WHERE node <> source AND NOT node = ANY(%(sources)s::text[])
  GROUP BY source, node
)
SELECT node, source, round(best::numeric, {precision})::float8 AS best FROM best
"""


def pg_bin() -> Path:
    for candidate in (os.environ.get("PG_BIN"), *PG_BIN_CANDIDATES):
        if candidate and (Path(candidate) / "postgres").exists():
            return Path(candidate)
    found = shutil.which("pg_config")
    if found:
        bindir = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if (Path(bindir) / "postgres").exists():
            return Path(bindir)
    raise SystemExit(
        "PostgreSQL 15 not found (looked in /usr/lib/postgresql/15/bin and PG_BIN). "
        "Install Debian's package: apt-get install -y postgresql-15"
    )


@contextmanager
def server(port: int = 5499) -> Iterator[str]:
    """A throwaway PostgreSQL on 127.0.0.1:port in a temporary directory; yields a connection string."""
    binary = pg_bin()
    root = Path(tempfile.mkdtemp(prefix="tracegraph-pg-"))
    data = root / "data"
    env = dict(os.environ)
    as_root = os.geteuid() == 0
    if as_root:  # postgres refuses to run as root: hand the directory to the postgres user
        shutil.chown(root, "postgres", "postgres")
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    subprocess.run(
        [*run_as, str(binary / "initdb"), "-D", str(data), "-U", "bench", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        env=env,
    )
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{root}'",
        "shared_buffers": "'2GB'",
        "work_mem": "'64MB'",
        "maintenance_work_mem": "'512MB'",
        "effective_cache_size": "'8GB'",
        "fsync": "off",  # a benchmark's scratch data: durability is not what is measured
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "jit": "off",  # JIT compilation costs more than it saves on millisecond queries
        "random_page_cost": "1.1",
    }
    with open(data / "postgresql.conf", "a") as conf:
        conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
    log = root / "server.log"
    subprocess.run(
        [*run_as, str(binary / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
    )
    try:
        yield f"host=127.0.0.1 port={port} user=bench dbname=postgres"
    finally:
        subprocess.run(
            [*run_as, str(binary / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, env=env
        )
        shutil.rmtree(root, ignore_errors=True)


def load(dsn: str, records: Iterable[dict[str, Any]]) -> dict[str, float]:
    """COPY the records in, then index and build the tie view; seconds per step."""
    batches, inputs, shipments, holdings, roles = [], [], [], [], []
    persons: set[str] = set()
    links: list[tuple[str, str, str, float | None]] = []  # resolved after the pass: a link may precede its person
    for r in records:  # one pass: a stream at L, only the rows are kept
        match r["type"]:
            case "batch":
                batches.append((r["id"], r["product"], r["producer"], r["quantity"], r["unit"]))
                inputs.extend((i["batch"], r["id"], i["quantity"]) for i in r.get("inputs", ()))
            case "shipment":
                shipments.append((r["id"], r["batch"], r["from"], r["to"], r["quantity"], r["shippedAt"]))
            case "person":
                persons.add(r["id"])
            case "link":
                links.append((r["from"], r["to"], r["kind"], r.get("share")))
    for source, target, kind, share in links:
        if source in persons:
            roles.append((source, target, kind, share))
        else:
            holdings.append((source, target, share))
    timings = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(SCHEMA)
        for table, rows in (
            ("batch", batches),
            ("input_to", inputs),
            ("shipment", shipments),
            ("holding", holdings),
            ("person_role", roles),
        ):
            with conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:  # fixed table names
                for row in rows:
                    copy.write_row(row)
        timings["copy"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute(INDEXES)
        weights = ", ".join(f"('{kind}', {weight})" for kind, weight in TIE_WEIGHTS.items())
        conn.execute(TIES.format(weights=weights))
        conn.execute("ANALYZE")
        timings["index"] = time.perf_counter() - started
    return timings


class Baseline:
    """The three queries over one connection, answering in the shapes bench/run.py compares."""

    def __init__(self, dsn: str):
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("SET statement_timeout = '120s'")

    def close(self) -> None:
        self.conn.close()

    def trace_back(self, root: str, max_depth: int) -> list[tuple[str, int]]:
        upstream = self.conn.execute(TRACE_BACK, {"root": root, "max_depth": max_depth}).fetchall()
        self.conn.execute(CUSTODY, {"root": root}).fetchall()  # part of the answer, as in the graph layer
        return [(r[0], r[1]) for r in upstream]

    def recall_scope(
        self, sources: list[str], max_depth: int
    ) -> tuple[list[tuple[str, int]], dict[tuple[str, str], float]]:
        affected: dict[str, int] = {}
        holdings: dict[tuple[str, str], float] = {}
        for batch_id, depth, *_, consignee, quantity, _shipments, _first, _last in self.conn.execute(
            RECALL_SCOPE, {"sources": sources, "max_depth": max_depth}
        ):
            affected[batch_id] = depth
            if consignee is not None:
                holdings[(consignee, batch_id)] = quantity
        return sorted(affected.items(), key=lambda a: (a[1], a[0])), holdings

    def contagion(self, sources: list[str], max_hops: int, min_score: float) -> list[tuple[str, float]]:
        best: dict[str, list[tuple[str, float]]] = defaultdict(list)
        query = CONTAGION.format(precision=PRECISION)
        for node, source, value in self.conn.execute(query, {"sources": sources, "max_hops": max_hops}):
            best[node].append((source, value))
        scored = []
        for node, values in best.items():
            spared = 1.0
            for _, v in sorted(values):  # sources in id order, as the graph layer multiplies them
                spared *= 1.0 - v
            score = round(1.0 - spared, PRECISION)
            if score >= min_score and score > 0:
                scored.append((node, score))
        return sorted(scored, key=lambda s: (-s[1], s[0]))
