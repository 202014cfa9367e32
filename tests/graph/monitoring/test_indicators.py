"""Quality indicators by month, on tests/graph/monitoring/data.py plus shipments, signals and a warning.

Shrimp (HS 0306, lots B1..B4 of producer V, Vietnam), computed by hand for 2026-01..2026-03:
- tests: Feb R1 PASS, R2 FAIL, R6 PASS (3, 2 passed: 2/3); Mar R3 FAIL (1, 0 passed); Jan none (null).
- shipments: Feb 4 (S1..S4), Mar 2 (S5, S6).
- signals in Feb: SIG-LOT about B1, SIG-PRODUCT about the shrimp product, SIG-FIRM about V, and the LAB_FAILURE
  signal the import raised on B2 for R2 (received when tested, 2 Feb); in Mar the LAB_FAILURE of R3 on B3.
  COMMODITY 0306 counts lots + product: Feb 3 -> 3 x 10 000 / 4 = 7 500, Mar 1 -> 5 000; ORIGIN VN the lots' only:
  Feb 2 -> 5 000; ENTERPRISE V lots + firm: Feb 3 -> 7 500 (a signal about the product is not about V).
- a warning on HS prefix 0306 in force from 2026-03-10: Mar 1 -> 1 x 10 000 / 2 = 5 000; none for toys.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.db import Graph
from graph.errors import BadInput
from graph.monitoring import indicators
from graph.risk import warnings
from graph.risk.warnings import MeasureKind, Targets
from seed.builders import enterprise, risk_signal, shipment
from tests.conftest import load
from tests.graph.monitoring.data import RECORDS

EXTRA = [
    enterprise("I", "Importer", roles=["IMPORTER"], country="CN"),
    *[shipment(f"S{i}", f"B{i}", "I", from_="V", shipped_at=f"2026-02-0{i}") for i in (1, 2, 3, 4)],
    shipment("S5", "B1", "I", from_="V", shipped_at="2026-03-05"),
    shipment("S6", "B2", "I", from_="V", shipped_at="2026-03-06"),
    risk_signal("SIG-LOT", {"batch": "B1"}, received_at="2026-02-10", severity=1, probability=0.01),
    risk_signal("SIG-PRODUCT", {"product": "P-SHRIMP"}, received_at="2026-02-11", severity=1, probability=0.01),
    risk_signal("SIG-FIRM", {"enterprise": "V"}, received_at="2026-02-12", severity=1, probability=0.01),
]
MARCH_10 = int(datetime(2026, 3, 10, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture
async def g(db: Graph) -> Graph:
    await load(db, *RECORDS, *EXTRA)
    warning, _ = await warnings.issue(
        db, ["SIG-PRODUCT"], Targets(hs_code_prefixes=("0306",)), [MeasureKind.RECALL], by="r1", now=MARCH_10
    )
    if warning.status == warnings.WarningStatus.PROPOSED:
        await warnings.confirm(db, warning.id, by="r2", now=MARCH_10)
    return db


def table(found: indicators.Indicators) -> list[tuple]:
    return [
        (m.month, m.tested, m.pass_rate, m.shipments, m.signals, m.signals_per_10k, m.warnings, m.warnings_per_10k)
        for m in found.months
    ]


async def test_commodity_by_month(g: Graph) -> None:
    found = await indicators.indicators(g, "COMMODITY", "0306", "2026-01", "2026-03")
    assert table(found) == [
        ("2026-01", 0, None, 0, 0, None, 0, None),
        ("2026-02", 3, 2 / 3, 4, 3, 7500.0, 0, 0.0),
        ("2026-03", 1, 0.0, 2, 1, 5000.0, 1, 5000.0),
    ]
    assert found.lots == 4 and found.lots_complete


async def test_origin_and_enterprise_count_their_own_signals(g: Graph) -> None:
    origin = await indicators.indicators(g, "ORIGIN", "VN", "2026-02", "2026-02")
    firm = await indicators.indicators(g, "ENTERPRISE", "V", "2026-02", "2026-02")
    assert (origin.months[0].signals, origin.months[0].signals_per_10k) == (2, 5000.0)
    assert (firm.months[0].signals, firm.months[0].signals_per_10k) == (3, 7500.0)


async def test_a_category_is_a_commodity_too(g: Graph) -> None:
    toys = await indicators.indicators(g, "COMMODITY", "TOY", "2026-03", "2026-06")
    # R7 FAIL (March, no plan) and R5 PASS (30 June) on B5; the shrimp warning does not touch toys.
    assert [(m.month, m.tested, m.pass_rate, m.warnings) for m in toys.months] == [
        ("2026-03", 1, 0.0, 0),
        ("2026-04", 0, None, 0),
        ("2026-05", 0, None, 0),
        ("2026-06", 1, 1.0, 0),
    ]


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        (("COMMODITY", "shrimp", "2026-01", "2026-02"), "key"),
        (("ORIGIN", "XX", "2026-01", "2026-02"), "key"),
        (("ORIGIN", "VN", "2026-13", "2026-02"), "fromMonth"),
        (("ORIGIN", "VN", "2026-03", "2026-02"), "toMonth"),
        (("ORIGIN", "VN", "2020-01", "2026-02"), "toMonth"),
    ],
)
async def test_bad_arguments_name_themselves(db: Graph, args: tuple, argument: str) -> None:
    with pytest.raises(BadInput) as err:
        await indicators.indicators(db, *args)
    assert err.value.argument == argument


def test_every_indicator_has_its_definition() -> None:
    assert set(indicators.DEFINITIONS) == {
        "passRate",
        "signalsPer10kShipments",
        "warningsPer10kShipments",
        "recalls",
        "recallEffectiveness",
    }
