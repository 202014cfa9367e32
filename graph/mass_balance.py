"""What each party did with a lot: produced, received, shipped on and used in its own lots. The same sums give a
recall scope's holdings (received, forwarded, used, on hand: contract/core.graphql `Holding`) and the mass-balance
check that flags a party which shipped and used more of a lot than it produced and received: inconsistent data is
a risk signal in traceability, not something to hide in a sum (`Batch.massBalanceIssues`, `Recall.massBalanceIssues`).
Every quantity is in the lot's unit: nothing here adds two lots together."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.db import Graph
from graph.read_model import read_model

RELATIVE_TOLERANCE = 1e-9  # quantities are floats: of 0.3 received, 0.1 + 0.2 shipped on is all, not more


def slack(quantity: float) -> float:
    """Rounding slack for sums of float quantities, relative to the quantity (10000000.4 + 0.3 is 10000000.7)."""
    return RELATIVE_TOLERANCE * max(1.0, abs(quantity))


def on_hand(received: float, forwarded: float, used: float) -> float:
    """max(0, received - forwarded - used); a remainder within rounding slack of nothing is nothing, so a line
    shipped on in float parts does not stay on hand by 1e-17 and hold a recall below 100 % for ever."""
    rest = math.fsum((received, -forwarded, -used))
    return rest if rest > slack(received) else 0.0


@dataclass
class PartyFlows:
    """One party's flows of one lot, all in the lot's unit."""

    produced: float = 0.0
    received: list[float] = field(default_factory=list)
    shipped: list[float] = field(default_factory=list)
    used: list[float] = field(default_factory=list)

    @property
    def total_received(self) -> float:
        return math.fsum(self.received)

    @property
    def total_shipped(self) -> float:
        return math.fsum(self.shipped)

    @property
    def total_used(self) -> float:
        return math.fsum(self.used)

    @property
    def unbalanced(self) -> bool:
        """It shipped and used more than it produced and received (beyond rounding)."""
        came_in = math.fsum((self.produced, self.total_received))
        went_out = math.fsum((self.total_shipped, self.total_used))
        return went_out > came_in + slack(came_in)


def flows(
    quantity: float,
    producer: str | None,
    shipments: Iterable[tuple[str | None, str | None, float]],
    uses: Iterable[tuple[str | None, float | None]],
) -> dict[str, PartyFlows]:
    """Per party: `shipments` are (from, to, quantity); `uses` are (producer of the output lot, quantity used),
    a use whose quantity was not recorded counting as nothing used. A missing party (None) is no party."""
    by_party: dict[str, PartyFlows] = defaultdict(PartyFlows)
    if producer is not None:
        by_party[producer].produced = quantity
    for sender, receiver, shipped in shipments:
        if sender is not None:
            by_party[sender].shipped.append(shipped)
        if receiver is not None:
            by_party[receiver].received.append(shipped)
    for maker, used in uses:
        if maker is not None and used is not None:
            by_party[maker].used.append(used)
    return dict(by_party)


@read_model
class MassBalanceIssue:
    produced: float  # the lot's quantity if the enterprise produced it, else 0
    received: float  # shipments of the lot to the enterprise
    shipped: float  # shipments of the lot from the enterprise
    used: float  # INPUT_TO quantities of the lot into lots the enterprise produced
    unit: str  # the lot's unit
    enterprise_id: str
    batch_id: str


def issues(batch: str, unit: str, by_party: dict[str, PartyFlows]) -> list[MassBalanceIssue]:
    """The parties of one lot whose shipped + used exceeds produced + received, by enterprise id."""
    return [
        MassBalanceIssue(
            produced=f.produced,
            received=f.total_received,
            shipped=f.total_shipped,
            used=f.total_used,
            unit=unit,
            enterprise_id=party,
            batch_id=batch,
        )
        for party, f in sorted(by_party.items())
        if f.unbalanced
    ]


def _issues_of_row(r: Any) -> list[MassBalanceIssue]:
    shipments = ((s["from"], s["to"], s["quantity"]) for s in r["shipments"])
    uses = ((u["producer"], u["quantity"]) for u in r["uses"])
    return issues(r["batch"], r["unit"], flows(r["quantity"], r["producer"], shipments, uses))


async def of_batches(graph: Graph, ids: Sequence[str]) -> list[list[MassBalanceIssue]]:
    """The mass-balance issues of each lot, by enterprise id, lined up with `ids` (empty for an unknown id): the
    backend of a DataLoader, one query for every lot of a request."""
    rows = (await graph.read("recall/mass_balance", ids=list(set(ids))))[0]["batches"]
    found = {r["batch"]: _issues_of_row(r) for r in rows}
    return [found.get(i, []) for i in ids]
