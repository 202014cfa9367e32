"""Risk-based sampling (the plan's tasks 4 and 14): for a plan's target and stage, the lots (at the port: their
import shipments) to sample next, ranked by a stated score whose components are the reasons; and spot checks of
lots outside the statutory catalogue, proposed with the same score and accepted by a second officer.

The score, 0..125 points, is the sum of (SCORE_DEFINITION says the same in words):
  credit      the producer's credit grade: ADVANCED_CERTIFIED 0, CERTIFIED 5, REGULAR 10, DISHONEST 20,
              SERIOUSLY_DISHONEST 30
  warnings    15 per warning in force that targets the lot (its id, product, producer, HS code or origin), at most 30
  contagion   20 x the producer's blacklist-contagion exposure (0..1, graph/contagion.py)
  producerFails  15 x the producer's fail rate over all its tested lots (0 when never tested)
  productFails   10 x the product's fail rate over all its tested lots
  labDoubt    5 x the share of the producer's test reports issued by a lab not recognised or not ACTIVE
  sinceTest   15 x (days since the producer's last test of this product, at most 365) / 365; never tested: 15
Ties rank by lot id. The candidates are the newest MAX_CANDIDATES lots of the target (the answer says when there
were more); the ranking is computed whole for them and paged by a keyset cursor on (score, item id), as every
answer list is (graph/answer_pages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph import contagion
from graph.answer_pages import page_of
from graph.clock import dated_id, now_ms
from graph.db import Graph
from graph.errors import BadInput, Forbidden, NotFound, required
from graph.keyset import Key
from graph.monitoring.plans import DAY_MS, Plan, Target, plan
from graph.records import Stage
from graph.risk.warnings import BatchFacts, matched_on, read_warning

MAX_CANDIDATES = 5000
MAX_PAGE = 200
GRADE_POINTS = {"ADVANCED_CERTIFIED": 0, "CERTIFIED": 5, "REGULAR": 10, "DISHONEST": 20, "SERIOUSLY_DISHONEST": 30}
WARNING_POINTS, WARNING_CAP = 15, 30
CONTAGION_POINTS = 20
PRODUCER_FAIL_POINTS = 15
PRODUCT_FAIL_POINTS = 10
LAB_DOUBT_POINTS = 5
SINCE_TEST_POINTS, SINCE_TEST_DAYS = 15, 365
SCORE_DEFINITION = (
    "Sum of: credit grade of the producer (ADVANCED_CERTIFIED 0, CERTIFIED 5, REGULAR 10, DISHONEST 20, "
    "SERIOUSLY_DISHONEST 30); 15 per warning in force targeting the lot (at most 30); 20 x the producer's contagion "
    "exposure; 15 x the producer's fail rate; 10 x the product's fail rate; 5 x the share of the producer's reports "
    "from a lab not recognised or not active; 15 x days since the producer last tested this product / 365 (at most "
    "15; 15 when never tested). Ties by lot id."
)


@dataclass(frozen=True)
class Component:
    """One reason of a score: its kind, the points it adds and what it saw."""

    kind: str
    points: float
    detail: str


@dataclass(frozen=True)
class Candidate:
    batch: str
    shipment: str | None  # at PORT: the lot's latest import shipment, the item to sample
    product: str
    producer: str
    score: float
    components: tuple[Component, ...]

    @property
    def item(self) -> str:
        return self.shipment or self.batch


@dataclass(frozen=True)
class SamplingPage:
    plan_id: str
    target_id: str
    stage: str
    items: tuple[Candidate, ...]
    end_cursor: str | None
    has_next_page: bool
    candidates: int  # the lots ranked
    candidates_complete: bool  # false: the target had more than MAX_CANDIDATES lots; the newest were ranked


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


async def score_lots(graph: Graph, rows: Sequence[Any], now: int) -> list[Candidate]:
    """The score of each candidate row (sampling_candidates' columns), in the rows' order."""
    if not rows:
        return []
    producers = sorted({r["producer"] for r in rows})
    products = sorted({r["product"] for r in rows})
    pairs = sorted({(r["producer"], r["product"]) for r in rows})
    history = (
        await graph.read(
            "monitoring/test_history",
            producers=producers,
            products=products,
            pairs=[{"producer": e, "product": p} for e, p in pairs],
        )
    )[0]
    of_producer = {h["id"]: h for h in history["producers"]}
    of_product = {h["id"]: h for h in history["products"]}
    last_test = {(h["producer"], h["product"]): h["lastTestedMs"] for h in history["pairs"]}
    warnings = [
        read_warning(w)
        for w in await graph.read("risk/warnings_in_force", atMs=now, activeOnly=True, withProposed=False)
    ]
    exposure = dict(
        zip(producers, [e.score if e else 0.0 for e in await contagion.exposures_of(graph, producers)], strict=True)
    )
    scored = []
    for r in rows:
        facts = BatchFacts(
            batch=r["batch"],
            product=r["product"],
            producer=r["producer"],
            hs_code=r["hsCode"],
            origin_country=r["batchOrigin"],
        )
        hits = [w.id for w in warnings if matched_on(w.targets, facts)]
        e, p = of_producer.get(r["producer"], {}), of_product.get(r["product"], {})
        last = last_test.get((r["producer"], r["product"]))
        days = None if last is None else max(0, (now - last) // DAY_MS)
        since = 1.0 if days is None else min(days, SINCE_TEST_DAYS) / SINCE_TEST_DAYS
        components = (
            Component("credit", GRADE_POINTS.get(r["grade"], 10), f"producer {r['producer']} graded {r['grade']}"),
            Component(
                "warnings",
                min(WARNING_CAP, WARNING_POINTS * len(hits)),
                f"{len(hits)} warning(s) in force: {', '.join(hits)}" if hits else "no warning in force",
            ),
            Component(
                "contagion",
                round(CONTAGION_POINTS * exposure[r["producer"]], 3),
                f"producer's contagion exposure {exposure[r['producer']]:.3f}",
            ),
            Component(
                "producerFails",
                round(PRODUCER_FAIL_POINTS * _ratio(e.get("failed", 0), e.get("tested", 0)), 3),
                f"producer failed {e.get('failed', 0)} of {e.get('tested', 0)} tests",
            ),
            Component(
                "productFails",
                round(PRODUCT_FAIL_POINTS * _ratio(p.get("failed", 0), p.get("tested", 0)), 3),
                f"product {r['product']} failed {p.get('failed', 0)} of {p.get('tested', 0)} tests",
            ),
            Component(
                "labDoubt",
                round(LAB_DOUBT_POINTS * _ratio(e.get("doubtful", 0), e.get("tested", 0)), 3),
                f"{e.get('doubtful', 0)} of the producer's {e.get('tested', 0)} reports from a lab not recognised "
                "or not active",
            ),
            Component(
                "sinceTest",
                round(SINCE_TEST_POINTS * since, 3),
                "never tested" if days is None else f"last tested {days} day(s) ago",
            ),
        )
        score = round(sum(c.points for c in components), 3)
        scored.append(Candidate(r["batch"], r.get("shipment"), r["product"], r["producer"], score, components))
    return scored


def _rank(c: Candidate) -> Key:
    """Highest score first, ties by item id: the ranking's order, and the key its cursors hold."""
    return (-c.score, c.item)


def _criteria(target: Target) -> dict[str, Any]:
    return {
        "countries": list(target.countries),
        "hsPrefixes": list(target.hs_prefixes),
        "categories": list(target.categories),
    }


def _stage(found: Plan, stage: str) -> str:
    if stage not in found.stages:
        raise BadInput("stage", f"plan {found.id!r} does not sample at {stage} (its stages: {', '.join(found.stages)})")
    return stage


async def next_samples(
    graph: Graph,
    plan_id: str,
    target_id: str,
    stage: str,
    first: int = 20,
    after: str | None = None,
    now: int | None = None,
) -> SamplingPage:
    """The lots of a plan's target to sample next at `stage`, highest score first, a page at a time."""
    if not 1 <= first <= MAX_PAGE:
        raise BadInput("first", f"must be 1..{MAX_PAGE}")
    found = await plan(graph, plan_id)
    target = found.target(target_id)
    _stage(found, stage)
    now = now_ms() if now is None else now
    rows = await graph.read(
        "monitoring/sampling_candidates", **_criteria(target), stage=stage, limit=MAX_CANDIDATES + 1
    )
    complete = len(rows) <= MAX_CANDIDATES
    ranked = await score_lots(graph, rows[:MAX_CANDIDATES], now)
    page = page_of(ranked, "sampling", _rank, (float, str), first, after)
    cursor = page.end_cursor if page.items else None  # an empty page ends no list: no cursor to resume from
    candidates = min(len(rows), MAX_CANDIDATES)
    return SamplingPage(plan_id, target_id, stage, tuple(page.items), cursor, page.has_next_page, candidates, complete)


# --- spot checks ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpotCheck:
    id: str
    plan_id: str
    batch: str
    stage: str
    reason: str
    status: str  # PROPOSED, ACCEPTED, REJECTED
    score: float
    components: tuple[Component, ...]
    proposed_by: str
    proposed_at_ms: int
    decided_by: str | None
    decided_at_ms: int | None
    decision_reason: str | None


def _spot_check(row: dict[str, Any]) -> SpotCheck:
    import json

    return SpotCheck(
        id=row["id"],
        plan_id=row["planId"],
        batch=row["batchId"],
        stage=row["stage"],
        reason=row["reason"],
        status=row["status"],
        score=row["score"],
        components=tuple(Component(**c) for c in json.loads(row["components"])),
        proposed_by=row["proposedBy"],
        proposed_at_ms=row["proposedAtMs"],
        decided_by=row.get("decidedBy"),
        decided_at_ms=row.get("decidedAtMs"),
        decision_reason=row.get("decisionReason"),
    )


async def spot_checks_by_id(graph: Graph, ids: list[str]) -> list[SpotCheck | None]:
    rows = await graph.read("monitoring/spot_checks", ids=ids)
    return [_spot_check(r["check"]) if r["check"] is not None else None for r in rows]


async def spot_checks_of(graph: Graph, plan_id: str, first: int = 100) -> list[SpotCheck]:
    if not 1 <= first <= MAX_PAGE:
        raise BadInput("first", f"must be 1..{MAX_PAGE}")
    rows = await graph.read("monitoring/plan_spot_checks", planId=plan_id, limit=first)
    return [_spot_check(r["check"]) for r in rows]


async def propose_spot_check(
    graph: Graph, plan_id: str, batch_id: str, stage: str, reason: str, by: str, now: int | None = None
) -> SpotCheck:
    """Propose testing a lot outside the plan's catalogue (any lot, matching a target or not), with the same score
    and reasons a ranked candidate has; it waits for a second officer's acceptance."""
    import json

    reason = required("reason", reason)
    found = await plan(graph, plan_id)
    _stage(found, stage)
    now = now_ms() if now is None else now
    rows = await graph.read("monitoring/lot_facts", batchId=batch_id)
    if not rows:
        raise NotFound("batch", batch_id, "batchId")
    (scored,) = await score_lots(graph, rows, now)
    check = {
        "id": dated_id("SC", now),
        "planId": plan_id,
        "batchId": batch_id,
        "stage": stage,
        "reason": reason,
        "status": "PROPOSED",
        "score": scored.score,
        "components": json.dumps([c.__dict__ for c in scored.components], ensure_ascii=False),
        "proposedBy": by,
        "proposedAtMs": now,
    }
    await graph.write("monitoring/create_spot_check", check=check)
    return _spot_check(check)


async def decide_spot_check(
    graph: Graph, check_id: str, accept: bool, by: str, reason: str | None = None, now: int | None = None
) -> SpotCheck:
    """Accept or reject a proposed spot check: by an officer other than the one who proposed it (four eyes)."""
    found = (await spot_checks_by_id(graph, [check_id]))[0]
    if found is None:
        raise NotFound("spot check", check_id, "id")
    if found.status != "PROPOSED":
        raise BadInput("id", f"spot check {check_id!r} is {found.status}, not PROPOSED")
    if found.proposed_by == by:
        raise Forbidden(f"spot check {check_id!r} was proposed by {by!r}; another officer decides it")
    if not accept:
        reason = required("reason", reason)
    rows = await graph.write(
        "monitoring/decide_spot_check",
        id=check_id,
        status="ACCEPTED" if accept else "REJECTED",
        by=by,
        now=now_ms() if now is None else now,
        reason=reason,
    )
    if not rows:  # decided by someone else between the read and the write
        raise BadInput("id", f"spot check {check_id!r} is no longer PROPOSED")
    return _spot_check(rows[0]["check"])


def stage_names() -> list[str]:
    return [s.value for s in Stage]
