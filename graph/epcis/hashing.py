"""The CBV 2.0 event hash (`ni:///sha-256;<hex>?ver=CBV2.0`), the idempotency key of an event without eventID
(contract/EPCIS.md section 4), computed by GS1's reference implementation, the PyPI package
epcis-event-hash-generator 1.9.3 (it passes its own test vectors at that release; tests/graph/epcis/ checks some).

Two things are set around it. Its JSON-LD expansion would fetch unknown @context URLs from the internet: here every
GS1 EPCIS context resolves to the copy shipped in graph/epcis/schema/, and any other URL to an empty context, so a
posted document never makes the server fetch anything. And it keeps module state (the namespaces of the document
being read), so one document is hashed at a time."""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from epcis_event_hash_generator import hash_generator, json_to_py
from pyld import jsonld

CONTEXT_PATH = Path(__file__).resolve().parent / "schema" / "epcis-context.jsonld"
_lock = threading.Lock()


@cache
def _gs1_context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
    return data


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    gs1 = url.startswith(("https://ref.gs1.org/standards/epcis/", "https://gs1.github.io/EPCIS/"))
    document = _gs1_context() if gs1 else {"@context": {}}
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


def _namespaces_only(context: Any) -> Any:
    """The @context with only its prefix definitions (term -> IRI string): the generator reads every definition
    as a string and fails on an expanded term definition (`{"@type": "@id"}`), which changes no CBV value."""
    if isinstance(context, list):
        return [_namespaces_only(c) for c in context]
    if isinstance(context, dict):
        return {k: v for k, v in context.items() if isinstance(v, str)}
    return context


def event_hashes(context: Any, events: list[dict[str, Any]]) -> list[str]:
    """The CBV 2.0 hash of each event, read as part of a document with this @context. The generator fails on a few
    valid events (a bizTransaction without type): those, one by one, get `fallback_hash`."""
    if not events:
        return []
    try:
        return _generated(context, events)
    except Exception:  # the generator's own bugs (IndexError, TypeError, ...): find the events it cannot read
        hashes = []
        for event in events:
            try:
                hashes.extend(_generated(context, [event]))
            except Exception:
                hashes.append(fallback_hash(event))
        return hashes


def fallback_hash(event: dict[str, Any]) -> str:
    """For an event the generator cannot read: SHA-256 of its canonical JSON (sorted keys, no spaces). Stable,
    so idempotency holds; marked `ver=tracegraph-json`, as it is not the CBV 2.0 hash."""
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"ni:///sha-256;{hashlib.sha256(canonical.encode()).hexdigest()}?ver=tracegraph-json"


def _generated(context: Any, events: list[dict[str, Any]]) -> list[str]:
    document = {
        "@context": _namespaces_only(context),
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2000-01-01T00:00:00Z",
        "epcisBody": {"eventList": json.loads(json.dumps(events))},  # the generator edits what it reads
    }
    with _lock:
        jsonld.set_document_loader(_offline_loader)
        json_to_py._namespaces.clear()
        parsed = json_to_py.event_list_from_epcis_document_json(document)  # ("EventList", "", events)
        return list(hash_generator.epcis_hashes_from_events(parsed, "sha256"))
