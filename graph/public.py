"""The public services (the plan's public traceability service, blacklist publicity and lab disclosure): what a
consumer or a trading partner may read without a token, and the complaints they may file.

Nothing confidential leaves here: a lot answers its product, producer, origin and whether a warning or a recall
covers it, never a quantity, a shipment, a consignee or a person; a complaint's contact is kept on its signal and
never answered. Whether a lot is under a warning or a recall is decided by the risk module's own rules
(graph.risk.warnings.matched_on over the warnings in force, a recall's scope snapshot), not by a second copy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graph import gtin as gtins
from graph.clock import dated_id, iso, now_ms
from graph.db import Graph
from graph.errors import BadInput, NotFound
from graph.imports import report_signal
from graph.read_model import from_row
from graph.records import Hazard, SignalSource
from graph.risk.recalls import RecallStatus
from graph.risk.warnings import BatchFacts, matched_on, read_warning

# The most listings or labs one public list answers (a national blacklist is thousands, not millions).
MAX_LIST = 10_000

# A consumer's complaint, unverified: the least severe harm (1) at a probability of 1/100, which the risk matrix
# rates MEDIUM (contract/risk.graphql), a grade IV or III warning at most; a risk officer assesses it further.
COMPLAINT_HAZARD = Hazard.HEALTH
COMPLAINT_SEVERITY = 1
COMPLAINT_PROBABILITY = 0.01


@dataclass(frozen=True)
class LotQuery:
    """The ids a lot may be stored under, and (for a lot code) the products it may be of."""

    ids: list[str]
    lot: str | None = None
    product_ids: tuple[str, ...] = ()

    @classmethod
    def of_id(cls, lot_id: str) -> LotQuery:
        """A lot by its id: as stored, or, for an LGTIN URN, under any form of its GTIN and lot."""
        if (urn := gtins.parse_lgtin(lot_id)) is not None:
            return cls.of_gtin(urn.gtin, urn.lot, also=[lot_id])
        return cls([lot_id])

    @classmethod
    def of_gtin(cls, gtin14: str, lot: str, also: list[str] | None = None) -> LotQuery:
        """The lot `lot` of GTIN-14 `gtin14` (a Digital Link's /01/{gtin}/10/{lot})."""
        return cls([*(also or []), *gtins.lgtin_urns(gtin14, lot)], lot, tuple(gtins.product_ids(gtin14)))

    def params(self) -> dict[str, Any]:
        return {"ids": self.ids, "lot": self.lot, "productIds": list(self.product_ids)}


@dataclass(frozen=True)
class PublicLot:
    lot: str
    product_name: str
    category: str
    producer_name: str
    origin_country: str | None
    under_warning: bool
    under_recall: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "lot": self.lot,
            "product": {"name": self.product_name, "category": self.category},
            "producerName": self.producer_name,
            "originCountry": self.origin_country,
            "underWarning": self.under_warning,
            "underRecall": self.under_recall,
        }


async def _find(graph: Graph, query: LotQuery) -> Any | None:
    rows = await graph.read("public/lot", **query.params())
    return rows[0] if rows else None


async def _under_warning(graph: Graph, facts: BatchFacts, at_ms: int) -> bool:
    rows = await graph.read("risk/warnings_in_force", atMs=at_ms, activeOnly=True, withProposed=False)
    return any(matched_on(read_warning(r).targets, facts) for r in rows)


async def lot(graph: Graph, query: LotQuery, argument: str, now: int | None = None) -> PublicLot:
    """The public view of a lot, or NotFound naming `argument`."""
    row = await _find(graph, query)
    if row is None:
        raise NotFound("lot", query.lot or query.ids[0], argument)
    at = now if now is not None else now_ms()
    facts = from_row(BatchFacts, row)
    recalled = (await graph.read("public/under_open_recall", batch=facts.batch, open=RecallStatus.OPEN.value))[0]
    stored_as = gtins.parse_lgtin(facts.batch)
    return PublicLot(
        lot=stored_as.lot if stored_as else facts.batch,
        product_name=row["productName"],
        category=row["category"],
        producer_name=row["producerName"],
        origin_country=facts.origin_country,
        under_warning=await _under_warning(graph, facts, at),
        under_recall=recalled["underRecall"],
    )


async def blacklist(graph: Graph, now: int | None = None) -> tuple[list[dict[str, Any]], bool]:
    """The listings in force, serious first, as published; and whether that is all of them."""
    rows = await graph.read("public/blacklist", now=now if now is not None else now_ms(), limit=MAX_LIST + 1)
    listings = [dict(r["listing"]) for r in rows[:MAX_LIST]]
    return listings, len(rows) <= MAX_LIST


async def labs(graph: Graph) -> tuple[list[dict[str, Any]], bool]:
    """The recognised labs with their status and since when it holds; and whether that is all of them."""
    rows = await graph.read("public/labs", limit=MAX_LIST + 1)
    found = []
    for r in rows[:MAX_LIST]:
        lab = dict(r["lab"])
        since = lab.pop("statusSinceMs")
        found.append({**lab, "statusSince": iso(since, "milliseconds") if since is not None else None})
    return found, len(rows) <= MAX_LIST


async def _complaint_subject(
    graph: Graph, lot_id: str | None, gtin: str | None, lot_code: str | None
) -> dict[str, str]:
    """What a complaint is about: the lot it names (by id, or by GTIN and lot), else the product of its GTIN. A lot
    code without a GTIN is taken for the lot's id."""
    if lot_id is None and gtin is None:
        lot_id = lot_code
    if lot_id is None and gtin is None:
        raise BadInput("lotId", "say which product the complaint is about: lotId, or gtin (and lot when known)")
    gtin14 = gtins.gtin14(gtin, "gtin") if gtin is not None else None
    if lot_id is not None and (row := await _find(graph, LotQuery.of_id(lot_id))) is not None:
        return {"batch": row["batch"]}
    if gtin14 is not None:
        if lot_code is not None and (row := await _find(graph, LotQuery.of_gtin(gtin14, lot_code))) is not None:
            return {"batch": row["batch"]}
        found = await graph.read("public/product", ids=gtins.product_ids(gtin14))
        if found:
            return {"product": found[0]["product"]}
        raise NotFound("product of GTIN", gtin14, "gtin")
    raise NotFound("lot", lot_id or "", "lotId")


async def file_complaint(
    graph: Graph,
    description: str,
    lot_id: str | None = None,
    gtin: str | None = None,
    lot_code: str | None = None,
    product_name: str | None = None,
    contact: str | None = None,
    now: int | None = None,
) -> str:
    """File a consumer's complaint as a CONSUMER_COMPLAINT risk signal on the lot (or product) it names; its id.
    What the consumer called the product and lot is kept in the description; the contact only on the node."""
    at = now if now is not None else now_ms()
    subject = await _complaint_subject(graph, lot_id, gtin, lot_code)
    said = {"product named": product_name, "lotId": lot_id, "GTIN": gtin, "lot": lot_code}
    given = "; ".join(f"{k} {json.dumps(v, ensure_ascii=False)}" for k, v in said.items() if v is not None)
    signal_id = dated_id("CC", at)
    record = {
        "id": signal_id,
        "source": SignalSource.CONSUMER_COMPLAINT.value,
        "hazard": COMPLAINT_HAZARD.value,
        "severity": COMPLAINT_SEVERITY,
        "probability": COMPLAINT_PROBABILITY,
        "receivedAt": iso(at),
        "subject": subject,
        "description": f"{description}\n({given})" if given else description,
        # its channel; the contact stays off the record (kept on the node alone, below)
        "channel": {"kind": "CONSUMER_COMPLAINT"},
    }
    await report_signal(graph, record)
    if contact is not None:
        await graph.write("public/keep_complaint_contact", id=signal_id, contact=contact)
    return signal_id
