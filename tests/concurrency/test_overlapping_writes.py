"""Writers at once, as a deployment has them: two imports of the same records (one in reverse order, so that they
lock the same nodes in opposite orders), credit sweeps, downgrade reviews opened and approved by two officers and
regulators' grade decisions, all running together while a client follows the credit feed page by page.

Whatever the interleaving:
- no deadlock or other transient error reaches a caller: every import reports ok and every decision answers (the
  service retries inside, graph/db.py);
- the records and what is derived from them alone (ties, signals, lots, shipments) are those of one serial import:
  nodes by label, relationships by type and every record node's properties;
- the feed as read while it grew is gap-free and in order (each page starts at the seq after the last one read), and
  in the end holds exactly the events stored, unchanged;
- no update is lost: per enterprise, each event starts from the grade the one before it ended at, the last ends at
  the stored grade, every approved review that changed a grade has its DOWNGRADE_REVIEW event, and every
  regulator's answered decision holds unless a review lowered it after.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any

from graph import credit, reviews
from graph.credit_feed import CreditEventRecord, page
from graph.db import Graph
from graph.errors import DomainError
from graph.imports import import_lines
from graph.records import CreditGrade
from seed import generate

PLAN = generate.Plan(batches=600, enterprises=300, persons=240, products=100)
# Grades, records and derived data: what two overlapping imports must leave as one does. Credit state is compared by
# its own invariants, since decisions taken during the imports see a graph that is still growing.
CREDIT_LABELS = {"CreditEvent", "DowngradeReview", "Sequence", "Lease", "SchemaMigration"}
CREDIT_PROPERTIES = {"creditGrade", "standingGrade", "declaredSeenGrade"}
CREDIT_TYPES = {"CONCERNS"}  # a credit event's or a review's enterprise
CLOCKS = ("AtMs", "SinceMs")  # times of evaluation (when a status was seen, a grade checked): not data


def records() -> list[str]:
    return [json.dumps(r) for r in generate.records(PLAN, seed=3)]


async def record_graph(graph: Graph) -> dict[str, Any]:
    nodes = await graph.read("testing/all_nodes")
    relationships = await graph.read("testing/all_relationships")
    kept = [n for n in nodes if not CREDIT_LABELS.intersection(n["labels"])]
    return {
        "labels": Counter(label for n in kept for label in n["labels"]),
        "types": Counter(r["type"] for r in relationships if r["type"] not in CREDIT_TYPES),
        "nodes": sorted(
            json.dumps(
                [
                    sorted(n["labels"]),
                    {
                        k: v
                        for k, v in n["props"].items()
                        if k not in CREDIT_PROPERTIES and not k.endswith(CLOCKS) and k != "version"
                    },
                ],
                sort_keys=True,
                default=str,
            )
            for n in kept
        ),
    }


async def test_overlapping_imports_sweeps_reviews_and_decisions_lose_nothing_and_the_feed_reads_in_order(db: Graph):
    lines = records()
    assert (await import_lines(db, lines)).ok
    serial = await record_graph(db)
    assert serial["labels"]["Batch"] == PLAN.batches and serial["types"]  # ties and the rest are there
    await db.write("testing/wipe_all")

    enterprises = sorted({json.loads(x)["id"] for x in lines if json.loads(x)["type"] == "enterprise"})
    finished = asyncio.Event()
    read: list[CreditEventRecord] = []
    page_starts_wrong: list[tuple[int, int]] = []
    manual: dict[str, CreditGrade] = {}  # the regulator's answered decisions, last per enterprise
    approved: list[reviews.Review] = []

    async def follow_feed() -> None:
        cursor = None
        while True:
            done = finished.is_set()  # read once more after the writers finished: then the feed is whole
            got = await page(db, cursor, first=50)
            if got.events:
                expected = (read[-1].seq if read else 0) + 1
                if got.events[0].seq != expected:
                    page_starts_wrong.append((expected, got.events[0].seq))
                read.extend(got.events)
                cursor = got.end_cursor
            elif done:
                return
            else:
                await asyncio.sleep(0.05)

    async def sweeps() -> int:
        count = 0
        while not finished.is_set():
            await credit.sweep(db)
            count += 1
            await asyncio.sleep(0.05)
        return count

    async def review_officers() -> None:
        while not finished.is_set():
            opened = await reviews.open_reviews(db, "officer-a", None, max_hops=2)
            for review in opened.opened:
                approved.append(await reviews.approve(db, review.id, "officer-b", "the evidence holds"))
            await asyncio.sleep(0.1)

    async def regulator() -> None:
        rng = random.Random(5)
        while not finished.is_set():
            enterprise = rng.choice(enterprises[:40])
            grade = rng.choice(list(CreditGrade))
            try:
                await credit.set_grade(db, enterprise, grade, "a regulator's decision", "regulator")
            except DomainError:  # not yet imported, or above a listing in force: an answer, not a failure
                continue
            manual[enterprise] = grade
            await asyncio.sleep(0.02)

    async def imports() -> list[bool]:
        try:
            reports = await asyncio.gather(import_lines(db, lines), import_lines(db, list(reversed(lines))))
            return [r.ok for r in reports]
        finally:
            finished.set()

    oks, _, swept, _, _ = await asyncio.gather(imports(), follow_feed(), sweeps(), review_officers(), regulator())
    assert oks == [True, True] and swept > 0

    # One more pass of each, after the writers: what the imports completed may open reviews or need a sweep.
    await credit.sweep(db)
    concurrent = await record_graph(db)
    assert concurrent["labels"] == serial["labels"]
    assert concurrent["types"] == serial["types"]
    differing = sorted(set(concurrent["nodes"]) - set(serial["nodes"]))
    assert differing == [], (len(differing), differing[:3], sorted(set(serial["nodes"]) - set(concurrent["nodes"]))[:3])

    stored = [
        n["props"] for n in await db.read("testing/all_nodes") if "CreditEvent" in n["labels"]
    ]  # the feed's source of truth
    tail = (await page(db, read[-1].cursor if read else None, first=1000)).events
    read.extend(tail)
    assert page_starts_wrong == []
    assert [e.seq for e in read] == list(range(1, len(stored) + 1))  # gap-free, in order, nothing repeated
    by_seq = {e["seq"]: e for e in stored}
    assert all(
        (by_seq[e.seq]["enterpriseId"], by_seq[e.seq]["kind"], by_seq[e.seq]["toGrade"])
        == (e.enterprise_id, e.kind, e.to_grade.value)
        for e in read
    )

    grades = {n["props"]["id"]: n["props"] for n in await db.read("testing/all_nodes") if "Enterprise" in n["labels"]}
    chains: dict[str, list[CreditEventRecord]] = defaultdict(list)
    for e in read:
        chains[e.enterprise_id].append(e)
    broken = [
        (
            enterprise,
            [(a.seq, a.to_grade.value, b.from_grade.value) for a, b in pairwise(chain) if a.to_grade != b.from_grade],
        )
        for enterprise, chain in chains.items()
        if any(a.to_grade != b.from_grade for a, b in pairwise(chain))
    ]
    assert broken == []
    assert all(chain[-1].to_grade.value == grades[e]["creditGrade"] for e, chain in chains.items())
    # every approval that changed a grade has its DOWNGRADE_REVIEW event, and every such event its approval
    review_events = {e.seq: e.enterprise_id for e in read if e.kind == "DOWNGRADE_REVIEW"}
    assert {r.credit_event_seq: r.enterprise_id for r in approved if r.credit_event_seq} == review_events
    reviewed = set(review_events.values())
    manual_events = {e.enterprise_id for e in read if e.kind == "MANUAL"}
    # each answered decision whose grade differed from the one in force left its event; the standing grade of the
    # last one answered holds unless a review approved after it lowered it
    for enterprise, grade in manual.items():
        standing = grades[enterprise]["standingGrade"]
        assert standing == grade.value or enterprise in reviewed, (enterprise, grade, standing)
    assert manual_events <= set(manual)
