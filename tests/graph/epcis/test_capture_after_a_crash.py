"""A capture killed after storing its events and before deriving the graph from them (ops/faults.py api-epcis
found it): the client posts the document again, and that capture completes the derived records, although every
event in it is already stored."""

from __future__ import annotations

from collections import Counter

from bench.epcis_capture import chain_events, document
from graph.db import Graph
from graph.epcis import capture


async def labels(db: Graph) -> Counter[str]:
    return Counter(label for n in await db.read("testing/all_nodes") for label in n["labels"])


async def test_a_repeated_capture_derives_what_a_killed_one_left_underived(db: Graph):
    doc = document(chain_events(40))
    await capture.capture(db, doc)
    clean = await labels(db)
    assert clean["Batch"] > 0 and clean["Shipment"] > 0

    # The aftermath of the kill: the events stored, the records derived from them not (yet) written.
    for label in ("Batch", "Shipment"):
        await db.write("testing/delete_label", label=label)
    assert (await labels(db))["Batch"] == 0

    again = await capture.capture(db, doc)
    assert again.stored == 0 and again.unchanged == 40  # nothing stored twice
    after = await labels(db)
    assert {k: after[k] for k in ("Batch", "Shipment", "EpcisEvent")} == {
        k: clean[k] for k in ("Batch", "Shipment", "EpcisEvent")
    }
