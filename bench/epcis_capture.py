"""EPCIS capture throughput (bench/RESULTS.md "EPCIS capture"): one EPCIS 2.0 document of N events (default
100 000), captured through graph/epcis/capture.py as POST /epcis/capture does: schema validation with format checks,
storage, and the records derived from the events through the import path. Then the same document again (all
events known: the idempotent path), and a small document of events without eventID (the CBV 2.0 hash).

    NEO4J_URI=bolt://127.0.0.1:7706 .venv/bin/python -m bench.epcis_capture [--events 100000]

It empties the database it is pointed at first: never point it at data you keep. Afterwards the test suite's
one-transaction wipe cannot empty it in the test timeout: `python ops/neo4j_local.py wipe --instance test`.

The document is a supply chain in chains of four events: a lot commissioned (ObjectEvent ADD with a quantity),
transformed into a new lot (TransformationEvent), packed into an SSCC (AggregationEvent) and shipped between two
parties (ObjectEvent shipping): every event maps to records (lots, INPUT_TO, shipments)."""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from graph.db import Graph, open_driver
from graph.epcis import capture
from graph.epcis.validation import schema_problems
from graph.schema import apply_schema
from graph.settings import get_settings

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
PARTIES = [f"urn:epc:id:pgln:0614141.{n:05d}" for n in range(200)]


def _lot(item: int, lot: int) -> str:
    return f"urn:epc:class:lgtin:0614141.{item:06d}.L{lot}"


def chain_events(n: int, with_ids: bool = True) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for i in range((n + 3) // 4):
        day = f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:00:00+08:00"
        raw, made = _lot(100000 + i % 5000, i), _lot(200000 + i % 5000, i)
        sscc = f"urn:epc:id:sscc:0614141.{i:010d}"
        common = {"eventTime": day, "eventTimeZoneOffset": "+08:00"}
        events += [
            {
                "type": "ObjectEvent",
                **common,
                "action": "ADD",
                "bizStep": "commissioning",
                "epcList": [],
                "quantityList": [{"epcClass": raw, "quantity": 1000, "uom": "KGM"}],
                "destinationList": [{"type": "owning_party", "destination": PARTIES[i % 200]}],
            },
            {
                "type": "TransformationEvent",
                **common,
                "inputQuantityList": [{"epcClass": raw, "quantity": 800, "uom": "KGM"}],
                "outputQuantityList": [{"epcClass": made, "quantity": 4000}],
            },
            {
                "type": "AggregationEvent",
                **common,
                "action": "ADD",
                "bizStep": "packing",
                "parentID": sscc,
                "childQuantityList": [{"epcClass": made, "quantity": 600}],
            },
            {
                "type": "ObjectEvent",
                **common,
                "action": "OBSERVE",
                "bizStep": "shipping",
                "epcList": [sscc],
                "sourceList": [{"type": "owning_party", "source": PARTIES[i % 200]}],
                "destinationList": [{"type": "owning_party", "destination": PARTIES[(i + 1) % 200]}],
            },
        ]
    events = events[:n]
    if with_ids:
        for k, event in enumerate(events):
            event["eventID"] = f"urn:uuid:00000000-0000-4000-8000-{k:012d}"
    return events


def document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }


async def main(n: int, unnamed: int) -> None:
    settings = get_settings()
    graph = Graph(open_driver(settings), settings)
    try:
        await graph.write("testing/wipe_all")
        await apply_schema(graph)
        doc = document(chain_events(n))
        started = time.perf_counter()
        assert schema_problems(doc)[1] == 0
        validated = time.perf_counter() - started
        started = time.perf_counter()
        first = await capture.capture(graph, doc)
        took = time.perf_counter() - started
        records = first.records.as_json("bench")["byType"] if first.records else {}
        print(f"capture of {n} events: {took:.1f} s, {n / took:,.0f} events/s (schema validation {validated:.1f} s)")
        print(f"  stored {first.stored}, records {records}")
        started = time.perf_counter()
        again = await capture.capture(graph, document(chain_events(n)))
        took = time.perf_counter() - started
        print(f"again (all known): {took:.1f} s, {n / took:,.0f} events/s, stored {again.stored}")
        small = document(chain_events(unnamed, with_ids=False))
        started = time.perf_counter()
        hashed = await capture.capture(graph, small)
        took = time.perf_counter() - started
        print(f"{unnamed} events without eventID (CBV 2.0 hash): {took:.1f} s, {unnamed / took:,.0f} events/s")
        print(f"  stored {hashed.stored}")
    finally:
        await graph.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--unnamed", type=int, default=2_000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.unnamed))
