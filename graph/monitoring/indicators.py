"""Quality indicators (the plan's task 4, the evaluation system): per commodity (an HS-code prefix or a product
category), origin country or enterprise (the producer), by UTC calendar month: test pass rate, risk signals and
warnings per 10 000 shipments, recalls and their effectiveness. DEFINITIONS says what each one counts; the
GraphQL answer carries them beside the numbers.

A group is its lots (at most MAX_LOTS, by id: the answer says when there were more); every count is over those
lots. Months with nothing counted are listed too (zeros, rates null), so a chart has every month of the range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graph.db import Graph
from graph.errors import BadInput
from graph.monitoring.plans import rate
from graph.records import Category, check_country
from graph.risk import recalls as recall_model
from graph.risk.warnings import BatchFacts, matched_on, read_warning

MAX_LOTS = 50_000
MAX_MONTHS = 60
MAX_WARNINGS = 10_000
MAX_RECALLS = 10_000
PER = 10_000


class Dimension(StrEnum):
    COMMODITY = "COMMODITY"
    ORIGIN = "ORIGIN"
    ENTERPRISE = "ENTERPRISE"


DEFINITIONS = {
    "passRate": "Test reports of the group's lots with result PASS / all their test reports, by the month of testedAt; "
    "null in a month without a test.",
    "signalsPer10kShipments": "Distinct risk signals received in the month about a lot of the group (for a commodity "
    "also about its products, for an enterprise also about the enterprise) x 10 000 / shipments of the group's lots "
    "shipped in the month; null in a month without a shipment.",
    "warningsPer10kShipments": "Warnings that took effect in the month (in force: a grade I or II once confirmed) "
    "whose targets match a lot of the group x 10 000 / shipments of the group's lots in the month; null without a "
    "shipment.",
    "recalls": "Recalls opened in the month whose scope holds a lot of the group.",
    "recallEffectiveness": "The mean effectiveness of those recalls (each the smallest over its units of "
    "min(1, returned / on hand), as its final report or its lines stand); null without a recall.",
}


@dataclass(frozen=True)
class Month:
    month: str
    tested: int = 0
    passed: int = 0
    shipments: int = 0
    signals: int = 0
    warnings: int = 0
    recalls: int = 0
    recall_effectiveness: float | None = None

    @property
    def pass_rate(self) -> float | None:
        return rate(self.passed, self.tested)

    @property
    def signals_per_10k(self) -> float | None:
        return None if not self.shipments else self.signals * PER / self.shipments

    @property
    def warnings_per_10k(self) -> float | None:
        return None if not self.shipments else self.warnings * PER / self.shipments


@dataclass(frozen=True)
class Indicators:
    dimension: Dimension
    key: str
    months: tuple[Month, ...]
    lots: int
    lots_complete: bool


_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def _month(argument: str, value: str) -> tuple[int, int]:
    match = _MONTH.fullmatch(value)
    if not match:
        raise BadInput(argument, f"{value!r} is not a month (YYYY-MM)")
    return int(match.group(1)), int(match.group(2))


def months_between(from_month: str, to_month: str) -> list[str]:
    y, m = _month("fromMonth", from_month)
    y2, m2 = _month("toMonth", to_month)
    count = (y2 - y) * 12 + (m2 - m) + 1
    if count < 1:
        raise BadInput("toMonth", f"{to_month} is before fromMonth {from_month}")
    if count > MAX_MONTHS:
        raise BadInput("toMonth", f"at most {MAX_MONTHS} months at a time, not {count}")
    return [f"{y + (m - 1 + i) // 12:04d}-{(m - 1 + i) % 12 + 1:02d}" for i in range(count)]


def _ms(month: str) -> int:
    y, m = (int(p) for p in month.split("-"))
    return int(datetime(y, m, 1, tzinfo=UTC).timestamp() * 1000)


def _next_month(month: str) -> str:
    y, m = (int(p) for p in month.split("-"))
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


async def _lots(graph: Graph, dimension: Dimension, key: str) -> tuple[list[Any], dict[str, list[str]]]:
    """The group's lots (one more than MAX_LOTS at most) and the subjects beside them that its signals may be about."""
    limit = MAX_LOTS + 1
    match dimension:
        case Dimension.COMMODITY:
            if re.fullmatch(r"[0-9]{2,10}", key):
                rows = await graph.read("monitoring/lots_of_commodity", hsPrefix=key, category=None, limit=limit)
            elif key in Category.__members__:
                rows = await graph.read("monitoring/lots_of_commodity", hsPrefix=None, category=key, limit=limit)
            else:
                raise BadInput("key", f"{key!r} is neither an HS-code prefix (2..10 digits) nor a product category")
            return rows, {"productIds": sorted({r["product"] for r in rows}), "enterpriseIds": []}
        case Dimension.ORIGIN:
            try:
                check_country(key)
            except ValueError as err:
                raise BadInput("key", str(err)) from None
            rows = await graph.read("monitoring/lots_of_origin", country=key, limit=limit)
            return rows, {"productIds": [], "enterpriseIds": []}
        case Dimension.ENTERPRISE:
            rows = await graph.read("monitoring/lots_of_enterprise", enterpriseId=key, limit=limit)
            return rows, {"productIds": [], "enterpriseIds": [key]}
    raise BadInput("dimension", f"unknown dimension {dimension!r}")


async def indicators(graph: Graph, dimension: Dimension | str, key: str, from_month: str, to_month: str) -> Indicators:
    dimension = Dimension(dimension)
    months = months_between(from_month, to_month)
    from_ms, until_ms = _ms(months[0]), _ms(_next_month(months[-1]))
    rows, beside = await _lots(graph, dimension, key)
    complete = len(rows) <= MAX_LOTS
    rows = rows[:MAX_LOTS]
    counts = (
        await graph.read(
            "monitoring/indicator_counts",
            batchIds=[r["batch"] for r in rows],
            **beside,
            fromMs=from_ms,
            untilMs=until_ms,
            limit=MAX_RECALLS,
        )
    )[0]
    tests = {t["month"]: t for t in counts["tests"]}
    shipments = {s["month"]: s["n"] for s in counts["shipments"]}
    signals = {s["month"]: s["n"] for s in counts["signals"]}

    facts = [
        BatchFacts(
            batch=r["batch"],
            product=r["product"],
            producer=r["producer"],
            hs_code=r["hsCode"],
            origin_country=r["originCountry"],
        )
        for r in rows
    ]
    warnings: dict[str, int] = {}
    for w in await graph.read("monitoring/warnings_effective", fromMs=from_ms, untilMs=until_ms, limit=MAX_WARNINGS):
        warning = read_warning(w)
        if any(matched_on(warning.targets, f) for f in facts):
            month = _month_of(warning.effective_from_ms)
            warnings[month] = warnings.get(month, 0) + 1

    effectiveness: dict[str, list[float]] = {}
    for recall in await recall_model.by_ids(graph, counts["recalls"]):
        if recall is None:
            continue
        outcome = min((u.effectiveness for u in recall.outcome_by_unit()), default=1.0)
        effectiveness.setdefault(_month_of(recall.opened_at_ms), []).append(outcome)

    return Indicators(
        dimension=dimension,
        key=key,
        months=tuple(
            Month(
                month=m,
                tested=tests.get(m, {}).get("tested", 0),
                passed=tests.get(m, {}).get("passed", 0),
                shipments=shipments.get(m, 0),
                signals=signals.get(m, 0),
                warnings=warnings.get(m, 0),
                recalls=len(effectiveness.get(m, [])),
                recall_effectiveness=(sum(effectiveness[m]) / len(effectiveness[m])) if effectiveness.get(m) else None,
            )
            for m in months
        ),
        lots=len(rows),
        lots_complete=complete,
    )


def _month_of(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m")
