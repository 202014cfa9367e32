"""Capture (contract/EPCIS.md sections 1 and 4): validate the whole document, then store its new events, then
derive the graph from them (graph/epcis/derive.py, through the records' import path).

A document that fails the schema stores nothing: it is validated whole before anything is written (the rollback
error behaviour). Idempotency: an event is keyed by its eventID, else by its CBV 2.0 hash, which becomes its
eventID; a stored key is not stored again, and the first of repeated eventIDs in one document wins. A new copy
that declares an error the stored one lacks gives it that errorDeclaration. Each capture is a job
(EpcisCapture) that GET /epcis/capture/{id} shows.

A job names the process that runs it (graph/processes.py) and renews a heartbeat while it runs, so that a job whose
process was killed or crashed does not read as running for ever: a reader on the same host sees that the process is
gone, one on another host that the heartbeat stopped (EPCIS_CAPTURE_HEARTBEAT_S), and both answer it as ended
without success, interrupted. Its events stored so far stay, and posting the document again completes it (a repeated
capture stores no event twice and derives from those it already has), as a client that got no answer does."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import structlog

from graph import processes
from graph.background import repeated
from graph.db import Graph
from graph.epcis import company_prefix, derive
from graph.epcis.events import document_events, iso_ms, mda_prefixes, stored_row
from graph.epcis.hashing import event_hashes
from graph.epcis.validation import SchemaProblem, schema_problems
from graph.errors import DomainError
from graph.ingest.index import chunks
from graph.ingest.report import ImportReport

Progress = Callable[[str, int, int | None], None]
log = structlog.get_logger("graph.epcis.capture")
STALE_BEATS = 3  # heartbeats missed before a job of another host reads as interrupted
INTERRUPTED = {
    "type": "epcisException:ImplementationException",
    "title": "capture interrupted",
    "status": 500,
    "detail": "the process that ran this capture stopped before it finished (killed, crashed or cut off from the "
    "database); the events it stored are kept: capture the document again to complete it (no event is stored twice)",
}


class CaptureRejected(DomainError):
    """The document is not a valid EPCIS 2.0 document: nothing of it was stored."""

    code = "EPCIS_VALIDATION"

    def __init__(self, problems: list[SchemaProblem], count: int):
        self.problems = problems
        self.count = count
        first = problems[0] if problems else SchemaProblem("", "invalid document")
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"{first.pointer or '/'}: {first.message}{more}")


@dataclass
class CaptureOutcome:
    capture_id: str
    events: int  # in the document
    stored: int  # new events stored
    unchanged: int  # already stored (or repeated in the document)
    declared: int  # stored events that gained an errorDeclaration
    records: ImportReport | None = None  # the derived records' import
    errors: list[dict[str, Any]] = field(default_factory=list)


def validate(document: Any) -> None:
    problems, count = schema_problems(document)
    if count:
        raise CaptureRejected(problems, count)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _job(capture_id: str, captured_by: str | None, behaviour: str, created: int) -> dict[str, Any]:
    return {
        "captureID": capture_id,
        "createdAt": iso_ms(created),
        "createdAtMs": created,
        "finishedAt": None,
        "running": True,
        "success": None,
        "captureErrorBehaviour": behaviour,
        "errors": "[]",
        "capturedBy": captured_by,
        "owner": processes.host_owner(),
    }


async def capture(
    graph: Graph,
    document: Any,
    *,
    captured_by: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> CaptureOutcome:
    """Validate `document` (CaptureRejected: nothing stored), store its new events, derive the graph."""
    validate(document)
    events = document_events(document)
    capture_id = uuid.uuid4().hex
    started = _now_ms()
    outcome = CaptureOutcome(capture_id, len(events), 0, 0, 0)
    keyed = await _keyed(document, events)
    if dry_run:  # what would be stored: the new keys, the first of each
        unique = list(dict.fromkeys(event_id for event_id, _, _ in keyed))
        async for chunk in chunks(iter(unique), CHUNK):
            known = {r["eventID"] for r in await graph.read("epcis/stored_events", ids=chunk)}
            outcome.stored += len(chunk) - len(known)
        outcome.unchanged = len(keyed) - outcome.stored
        return outcome
    job = _job(capture_id, captured_by, "rollback", started)
    await graph.write("epcis/save_capture", job=job)
    try:
        async with _beating(graph, capture_id):
            seeds = await _store(graph, document, keyed, outcome, captured_by, started, progress)
            outcome.records = await derive.derive(graph, seeds, progress)
        if not outcome.records.ok:  # the derived records broke a rule of RECORDS.md: said, never silent
            outcome.errors = [
                {"type": "epcisException:ImplementationException", "title": "derived record rejected", "detail": e}
                for e in (f"{x.field or ''}: {x.message}" for x in outcome.records.errors[:20])
            ]
    except BaseException as error:
        failed = {"type": "epcisException:ImplementationException", "title": type(error).__name__, "status": 500}
        job.update(running=False, success=False, finishedAt=iso_ms(_now_ms()), errors=json.dumps([failed]))
        await asyncio.shield(graph.write("epcis/save_capture", job=job))
        raise
    job.update(
        running=False, success=not outcome.errors, finishedAt=iso_ms(_now_ms()), errors=json.dumps(outcome.errors)
    )
    job.update(stored=outcome.stored, unchanged=outcome.unchanged, declared=outcome.declared, events=outcome.events)
    await graph.write("epcis/save_capture", job=job)
    return outcome


def _beating(graph: Graph, capture_id: str) -> AbstractAsyncContextManager[None]:
    """Renew the job's heartbeat in the background while the body runs."""

    async def beat() -> None:
        await graph.write("epcis/capture_heartbeat", captureID=capture_id)

    return repeated(graph.settings.epcis_capture_heartbeat_s, beat, name=f"epcis-capture-heartbeat-{capture_id}")


async def _keyed(document: Any, events: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], bool]]:
    """(eventID, event, whether the id was generated) for each event; the hash for those without an eventID."""
    unnamed = [e for e in events if not isinstance(e.get("eventID"), str)]
    hashes = iter(await asyncio.to_thread(event_hashes, document.get("@context"), unnamed) if unnamed else [])
    keyed = []
    for event in events:
        if isinstance(event.get("eventID"), str):
            keyed.append((event["eventID"], event, False))
        else:
            keyed.append((next(hashes), event, True))
    return keyed


CHUNK = 2_000  # events per write


async def _store(
    graph: Graph,
    document: Any,
    keyed: list[tuple[str, dict[str, Any], bool]],
    outcome: CaptureOutcome,
    captured_by: str | None,
    record_time: int,
    progress: Progress | None,
) -> set[str]:
    """Store the new events; return the identity keys whose derived records may have changed."""
    splits = await company_prefix.fix_for(graph, document)
    del splits  # fixed now; derive.py reads them back with the events it derives from
    prefixes = mda_prefixes(document.get("@context"))
    first: dict[str, tuple[dict[str, Any], bool]] = {}
    for event_id, event, generated in keyed:
        first.setdefault(event_id, (event, generated))
    outcome.unchanged = len(keyed) - len(first)
    seeds: set[str] = set()
    done = 0
    async for chunk in chunks(iter(first.items()), CHUNK):
        stored = {
            r["eventID"]: r for r in await graph.read("epcis/stored_events", ids=[event_id for event_id, _ in chunk])
        }
        new, declared = [], []
        for event_id, (event, generated) in chunk:
            row = stored_row(event, event_id, prefixes, generated)
            before = stored.get(event_id)
            if before is None:
                new.append(row)
                seeds.update(row["keys"])
            elif "errorDeclaration" in event and not before["hasError"]:
                gained = {**json.loads(before["json"]), "errorDeclaration": event["errorDeclaration"]}
                declared.append({"eventID": event_id, "json": json.dumps(gained, ensure_ascii=False)})
                seeds.update(row["keys"])
            else:
                outcome.unchanged += 1
                # Derived again all the same: a capture killed between storing its events and deriving from them
                # left them stored with their records unwritten, and the client's retry is the one that completes
                # them (a re-derivation of complete records changes nothing: derive.py).
                seeds.update(row["keys"])
        if new:
            created = await graph.write(
                "epcis/create_events",
                rows=new,
                recordTime=record_time,
                captureID=outcome.capture_id,
                capturedBy=captured_by,
            )
            outcome.stored += created[0]["created"] if created else 0
            outcome.unchanged += len(new) - (created[0]["created"] if created else 0)
        if declared:
            result = await graph.write("epcis/declare_errors", rows=declared)
            outcome.declared += result[0]["declared"] if result else 0
        done += len(chunk)
        if progress:
            progress("storing events", done, len(first))
    return seeds


async def capture_job(graph: Graph, capture_id: str) -> dict[str, Any] | None:
    rows = await graph.read("epcis/capture", captureID=capture_id)
    return _job_json(rows[0]["job"], rows[0]["nowMs"], graph.settings.epcis_capture_heartbeat_s) if rows else None


async def capture_jobs(graph: Graph, captured_by: str | None, limit: int = 100) -> list[dict[str, Any]]:
    rows = await graph.read("epcis/captures", capturedBy=captured_by, limit=limit)
    every_s = graph.settings.epcis_capture_heartbeat_s
    return [_job_json(r["job"], r["nowMs"], every_s) for r in rows]


def interrupted(job: dict[str, Any], now_ms: int, heartbeat_s: float) -> bool:
    """Whether a job stored as running has lost its process: on this host, the process is gone; on another, its
    heartbeat (or, for a job saved before jobs had one, its start) is older than STALE_BEATS heartbeats."""
    if not job.get("running"):
        return False
    owner = job.get("owner")
    gone = processes.gone(owner) if isinstance(owner, str) else None
    if gone is not None:
        return gone
    beat = job.get("heartbeatAtMs") or job.get("createdAtMs") or 0
    return bool(now_ms - beat > STALE_BEATS * heartbeat_s * 1000)


def _job_json(job: dict[str, Any], now_ms: int, heartbeat_s: float) -> dict[str, Any]:
    """The CaptureJob of the REST binding (openapi CaptureJob), and who captured it (for access). A job whose
    process is gone has ended without success, interrupted (INTERRUPTED says so and what to do)."""
    errors = json.loads(job.get("errors") or "[]")
    running, success = job["running"], job.get("success")
    if interrupted(job, now_ms, heartbeat_s):
        running, success, errors = False, False, [*errors, INTERRUPTED]
    return {
        "captureID": job["captureID"],
        "createdAt": job["createdAt"],
        "finishedAt": job.get("finishedAt"),
        "running": running,
        "success": success,
        "captureErrorBehaviour": job["captureErrorBehaviour"],
        "errors": errors,
        "capturedBy": job.get("capturedBy"),
    }
