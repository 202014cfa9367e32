"""Monitoring plans (the plan's task 1): a plan for a period, its targets (origin countries, HS-code prefixes or
product categories, hazards), the stages it samples at, the quotas per target and stage and the agencies
responsible; the test reports that serve it (a test report's plan, planTarget and stage); and its results.

A plan arrives as a `monitoring_plan` record (graph/records.py, docs/MONITORING.md), by import or by the
createMonitoringPlan mutation (through the import path: the same validation and idempotence). Its results count
the reports that name it and were tested within its period; `plan_results` is the one place that counts them (the
GraphQL fields, the public results and the agencies' reports all read it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.clock import iso, now_ms
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.imports import import_lines
from graph.ingest.write import SYSTEM_SUPPLIER
from graph.records import parse_instant

DAY_MS = 86_400_000
MAX_PLANS = 1000  # one page of plans: a regulator runs tens a year
MAX_FAILURES = 1000  # the failed tests a plan's results list (the counts are whole)
MAX_TALLIES = 10_000  # (target, stage) rows: a plan has at most 200 targets x 3 stages; the rest is bad data


@dataclass(frozen=True)
class Quota:
    stage: str
    samples: int


@dataclass(frozen=True)
class Target:
    id: str
    countries: tuple[str, ...]
    hs_prefixes: tuple[str, ...]
    categories: tuple[str, ...]
    hazards: tuple[str, ...]
    quotas: tuple[Quota, ...]

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Target:
        return cls(
            id=raw["id"],
            countries=tuple(raw.get("countries", ())),
            hs_prefixes=tuple(raw.get("hsPrefixes", ())),
            categories=tuple(raw.get("categories", ())),
            hazards=tuple(raw.get("hazards", ())),
            quotas=tuple(Quota(q["stage"], q["samples"]) for q in raw.get("quotas", ())),
        )

    def quota(self, stage: str) -> int | None:
        return next((q.samples for q in self.quotas if q.stage == stage), None)

    def matches(self, hs_code: str, category: str, country: str | None) -> bool:
        """A lot matches when it matches every list the target gives (any item of a list)."""
        return (
            (not self.countries or country in self.countries)
            and (not self.hs_prefixes or any(hs_code.startswith(p) for p in self.hs_prefixes))
            and (not self.categories or category in self.categories)
        )


@dataclass(frozen=True)
class AgencyRef:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    period_start: str
    period_end: str
    stages: tuple[str, ...]
    agencies: tuple[AgencyRef, ...]
    targets: tuple[Target, ...]
    description: str | None
    published_at_ms: int | None
    published_by: str | None

    @property
    def from_ms(self) -> int:
        return int(parse_instant(self.period_start).timestamp() * 1000)

    @property
    def until_ms(self) -> int:
        """The end of the period, exclusive: a periodEnd that is a date includes its whole day."""
        end = int(parse_instant(self.period_end).timestamp() * 1000)
        return end + DAY_MS if len(self.period_end) == 10 else end + 1

    def target(self, target_id: str, argument: str = "targetId") -> Target:
        found = next((t for t in self.targets if t.id == target_id), None)
        if found is None:
            known = ", ".join(t.id for t in self.targets)
            raise BadInput(argument, f"plan {self.id!r} has no target {target_id!r} (its targets: {known})")
        return found


def _plan(row: dict[str, Any]) -> Plan:
    return Plan(
        id=row["id"],
        name=row["name"],
        period_start=row["periodStart"],
        period_end=row["periodEnd"],
        stages=tuple(row.get("stages") or ()),
        agencies=tuple(AgencyRef(a["id"], a["name"], a["kind"]) for a in row.get("agencyRefs") or ()),
        targets=tuple(Target.of(t) for t in json.loads(row["targets"])),
        description=row.get("description"),
        published_at_ms=row.get("publishedAtMs"),
        published_by=row.get("publishedBy"),
    )


async def plans_by_id(graph: Graph, ids: list[str]) -> list[Plan | None]:
    rows = await graph.read("monitoring/plans", ids=ids)
    return [_plan(r["plan"]) if r["plan"] is not None else None for r in rows]


async def plan(graph: Graph, plan_id: str, argument: str = "planId") -> Plan:
    found = (await plans_by_id(graph, [plan_id]))[0]
    if found is None:
        raise NotFound("monitoring plan", plan_id, argument)
    return found


async def listing(graph: Graph, active_at_ms: int | None = None, first: int = 100) -> list[Plan]:
    if not 1 <= first <= MAX_PLANS:
        raise BadInput("first", f"must be 1..{MAX_PLANS}")
    rows = await graph.read("monitoring/plan_list", activeAtMs=active_at_ms, limit=first)
    return [p for p in await plans_by_id(graph, [r["id"] for r in rows]) if p is not None]


async def create(graph: Graph, record: dict[str, Any], supplied_by: str = SYSTEM_SUPPLIER) -> Plan:
    """One plan through the import path: a record's validation, references (agencies) and idempotence."""
    report = await import_lines(graph, [json.dumps({"type": "monitoring_plan", **record})], supplied_by=supplied_by)
    if not report.ok:
        first = report.errors[0]
        raise BadInput(f"input.{first.field}" if first.field else "input", first.message)
    return await plan(graph, record["id"], "input.id")


async def publish(graph: Graph, plan_id: str, by: str, now: int | None = None) -> Plan:
    """Publish the plan's aggregate results (the public route answers only published plans)."""
    await plan(graph, plan_id)
    await graph.write("monitoring/publish_plan", planId=plan_id, now=now_ms() if now is None else now, by=by)
    return await plan(graph, plan_id)


# --- results ------------------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """part / whole, None when nothing was counted (no rate, rather than a rate of 0)."""
    return part / whole if whole else None


# The counts by their wire names, in the order every answer lists them; the public results leave out what they
# do not publish.
COUNTS = ("quota", "tested", "failed", "failRate", "progress")
PUBLISHED = ("tested", "failed", "failRate")
PUBLISHED_PER_STAGE = ("quota", *PUBLISHED)


class Counted:
    """What a plan's results count at each level (a target at a stage, a target, the plan): the tests done and
    failed against the quota, and the two rates of them."""

    if TYPE_CHECKING:

        @property
        def quota(self) -> int | None: ...
        @property
        def tested(self) -> int: ...
        @property
        def failed(self) -> int: ...

    @property
    def fail_rate(self) -> float | None:
        return rate(self.failed, self.tested)

    @property
    def progress(self) -> float | None:
        """tested / quota (above 1 when more samples were tested than planned)."""
        return rate(self.tested, self.quota or 0)

    def counts(self, names: Sequence[str] = COUNTS) -> dict[str, int | float | None]:
        every = {
            "quota": self.quota,
            "tested": self.tested,
            "failed": self.failed,
            "failRate": self.fail_rate,
            "progress": self.progress,
        }
        return {name: every[name] for name in names}


class Summed(Counted):
    """Counts that are the sums of their parts' (a target's over its stages, the plan's over its targets)."""

    if TYPE_CHECKING:

        @property
        def parts(self) -> Sequence[Counted]: ...

    @property
    def tested(self) -> int:
        return sum(p.tested for p in self.parts)

    @property
    def failed(self) -> int:
        return sum(p.failed for p in self.parts)

    @property
    def quota(self) -> int:
        return sum(p.quota or 0 for p in self.parts)


@dataclass(frozen=True)
class StageResult(Counted):
    stage: str
    quota: int | None  # None: the target sets no quota at this stage
    tested: int
    failed: int


@dataclass(frozen=True)
class TargetResult(Summed):
    target: Target
    stages: tuple[StageResult, ...]  # the plan's stages, in the plan's order

    @property
    def parts(self) -> Sequence[Counted]:
        return self.stages


@dataclass(frozen=True)
class Failure:
    """A failed test of the plan (regulators only: it names the lot and its producer)."""

    report: str
    batch: str
    product: str
    producer: str
    lab: str | None
    target: str
    stage: str
    tested_at: str


@dataclass(frozen=True)
class PlanResults(Summed):
    plan: Plan
    targets: tuple[TargetResult, ...]  # the plan's targets, in the plan's order
    failures: tuple[Failure, ...]  # the first MAX_FAILURES failed tests, by testedAt
    failures_complete: bool
    outside_period: int  # reports naming the plan, tested outside its period: not counted
    unmatched: int  # reports in the period naming a target or stage the plan does not have: not counted
    as_of_ms: int

    @property
    def parts(self) -> Sequence[Counted]:
        return self.targets

    def public(self) -> dict[str, Any]:
        """The aggregate results as published: counts per target and stage; no lot, report, lab or enterprise."""
        return {
            "plan": self.plan.id,
            "name": self.plan.name,
            "periodStart": self.plan.period_start,
            "periodEnd": self.plan.period_end,
            "stages": list(self.plan.stages),
            "agencies": [a.name for a in self.plan.agencies],
            "asOf": iso(self.as_of_ms),
            **self.counts(PUBLISHED),
            "targets": [
                {
                    "target": t.target.id,
                    "countries": list(t.target.countries),
                    "hsPrefixes": list(t.target.hs_prefixes),
                    "categories": list(t.target.categories),
                    "hazards": list(t.target.hazards),
                    **t.counts(PUBLISHED),
                    "stages": [{"stage": s.stage, **s.counts(PUBLISHED_PER_STAGE)} for s in t.stages],
                }
                for t in self.targets
            ],
        }


async def plan_results(graph: Graph, plan_id: str, now: int | None = None) -> PlanResults:
    """The plan's progress against its quotas and its results, per target and stage: the reports that serve it
    (SERVES) and were tested in its period, tested and failed; and its failed tests. NotFound for no such plan."""
    found = await plan(graph, plan_id)
    period = {"planId": plan_id, "fromMs": found.from_ms, "untilMs": found.until_ms}
    tallies = await graph.read("monitoring/plan_tallies", **period, limit=MAX_TALLIES)
    counted: dict[tuple[str, str], tuple[int, int]] = {}
    outside = unmatched = 0
    known = {(t.id, s) for t in found.targets for s in found.stages}
    for row in tallies:
        outside += row["outsidePeriod"]
        if (row["target"], row["stage"]) in known:
            counted[(row["target"], row["stage"])] = (row["tested"], row["failed"])
        else:
            unmatched += row["tested"]
    targets = tuple(
        TargetResult(
            target,
            tuple(
                StageResult(stage, target.quota(stage), *counted.get((target.id, stage), (0, 0)))
                for stage in found.stages
            ),
        )
        for target in found.targets
    )
    rows = await graph.read("monitoring/plan_failures", **period, limit=MAX_FAILURES + 1)
    failures = tuple(
        Failure(r["report"], r["batch"], r["product"], r["producer"], r["lab"], r["target"], r["stage"], r["testedAt"])
        for r in rows[:MAX_FAILURES]
    )
    return PlanResults(
        plan=found,
        targets=targets,
        failures=failures,
        failures_complete=len(rows) <= MAX_FAILURES,
        outside_period=outside,
        unmatched=unmatched,
        as_of_ms=now_ms() if now is None else now,
    )


async def published_results(graph: Graph, plan_id: str) -> dict[str, Any]:
    """A published plan's aggregate results; NotFound for a plan that is not (or not yet) published, so that an
    unpublished plan's existence does not leak either."""
    found = (await plans_by_id(graph, [plan_id]))[0]
    if found is None or found.published_at_ms is None:
        raise NotFound("published monitoring plan", plan_id, "planId")
    return (await plan_results(graph, plan_id)).public()
