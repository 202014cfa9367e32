"""A lot named in any identifier form (an LGTIN URN with any company prefix split, a GS1 Digital Link on any host),
as its canonical Batch id (contract/EPCIS.md section 3), and the stored events of a lot: what the API edge needs
to let traceBack, recallScope, batch(id) and Batch.epcisEvents take any form."""

from __future__ import annotations

import json
from typing import Any

from graph.db import Graph
from graph.epcis import company_prefix
from graph.epcis import identifiers as ids
from graph.epcis.queries import answered

MAX_EVENTS = 1000  # of one lot, in one answer


async def canonical_lot_ids(graph: Graph, texts: list[str]) -> list[str]:
    """Each text as the Batch id of the lot it names; what is not a GS1 lot stays as written."""
    parsed = [ids.parse(t).lot_identity if t.startswith(("urn:epc:", "http")) else None for t in texts]
    numbers = sorted({p.number for p in parsed if p is not None})
    splits = await company_prefix.known(graph, numbers) if numbers else {}
    return [ids.to_urn(p, splits) if p is not None else t for t, p in zip(texts, parsed, strict=True)]


async def lot_events(graph: Graph, batch_id: str) -> list[dict[str, Any]]:
    """The stored events of a lot, by eventTime then eventID: those naming it (a quantity list, its Digital Link
    SGTINs), and those naming the instances that any of them states to be of it (cbvmda:lotNumber)."""
    lot = ids.parse(batch_id).lot_identity or ids.parse(batch_id)
    rows = await graph.read("epcis/events_by_keys", keys=[lot.key], limit=MAX_EVENTS)
    instances = sorted(
        {
            key
            for r in rows
            for key, gtin, number in json.loads(r["statedLots"] or "[]")
            if ids.Identity(ids.Kind.LGTIN, gtin, lot=number).key == lot.key
        }
    )
    if instances:
        rows += await graph.read("epcis/events_by_keys", keys=instances, limit=MAX_EVENTS)
    unique = {r["eventID"]: r for r in rows}
    ordered = sorted(unique.values(), key=lambda r: (r["eventTime"], r["eventID"]))[:MAX_EVENTS]
    return [answered(r["json"], r["recordTime"]) for r in ordered]
