"""Import jobs: a file posted over HTTP (POST /imports), imported all or nothing in the background.

A job's body is spooled to a temporary file (graph/ingest/source.py Spool) and queued; one worker task per process
runs the queued jobs one at a time through graph/imports.py, exactly as `tracegraph import` does, and the job shows
its status, progress and report meanwhile. Jobs live in this process's memory: a finished job is kept for
Settings.import_job_keep_s and then forgotten, and a restart forgets every job, queued or running (the spooled
files are removed). An interrupted job is simply posted again: imports are idempotent.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import neo4j
import structlog

from graph.db import Graph
from graph.imports import import_lines
from graph.ingest.report import ImportReport
from graph.ingest.source import file_lines
from graph.ingest.write import SYSTEM_SUPPLIER

log = structlog.get_logger("graph.import_jobs")


class JobStatus(StrEnum):
    QUEUED = "QUEUED"  # waiting for the job before it
    VALIDATING = "VALIDATING"  # reading and checking the lines (a dry run ends here)
    WRITING = "WRITING"  # every line was valid: writing the records, then the derived state
    DONE = "DONE"  # imported (or, in a dry run, validated): the report says what changed
    FAILED = "FAILED"  # nothing was written: the report's errors say why, or `error` when it could not run

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


@dataclass
class ImportJob:
    id: str
    path: Path  # the spooled body, removed when the job ends
    total_lines: int
    dry_run: bool = False
    encoding: str = "utf-8"
    # The caller's subject: kept on what the import writes; a data supplier reads its own jobs only.
    supplied_by: str = SYSTEM_SUPPLIER
    parties: frozenset[str] | None = None  # a data supplier's parties, whose records alone it may import
    status: JobStatus = JobStatus.QUEUED
    stage: str = "queued"
    lines_done: int = 0
    records_done: int = 0
    records_total: int | None = None
    report: ImportReport | None = None
    error: str | None = None  # why the job failed without a report (the database unreachable, ...)
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    finished_clock: float | None = None  # the registry's clock when it ended (for how long it is kept)

    def progress(self, stage: str, done: int, total: int | None) -> None:
        """The import's progress callback: lines while validating, then records (and the derived steps)."""
        self.stage = stage
        if stage == "validating":
            self.lines_done = done
        else:
            self.status = JobStatus.WRITING
            self.lines_done = self.total_lines
            self.records_done, self.records_total = done, total


class ImportJobs:
    """The jobs of this process, and the one worker that runs them in order."""

    def __init__(self, graph: Graph, keep_s: float, clock: Callable[[], float] = time.monotonic):
        self.graph = graph
        self.keep_s = keep_s
        self.clock = clock
        self._jobs: OrderedDict[str, ImportJob] = OrderedDict()
        self._queue: asyncio.Queue[ImportJob] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def submit(
        self,
        path: Path,
        total_lines: int,
        *,
        dry_run: bool = False,
        encoding: str = "utf-8",
        supplied_by: str = SYSTEM_SUPPLIER,
        parties: frozenset[str] | None = None,
    ) -> ImportJob:
        """Queue a spooled file; the job owns the file from here on."""
        self._forget_expired()
        job = ImportJob(uuid.uuid4().hex, path, total_lines, dry_run, encoding, supplied_by, parties)
        self._jobs[job.id] = job
        self._queue.put_nowait(job)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="import-jobs")
        log.info("import_job.queued", job=job.id, lines=total_lines, dry_run=dry_run)
        return job

    def get(self, job_id: str) -> ImportJob | None:
        self._forget_expired()
        return self._jobs.get(job_id)

    async def close(self) -> None:
        """Stop the worker (a running import stops where it is) and remove every spooled file."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        for job in self._jobs.values():
            job.path.unlink(missing_ok=True)
        self._jobs.clear()

    def _forget_expired(self) -> None:
        now = self.clock()
        for job_id in [j.id for j in self._jobs.values() if j.finished_clock is not None]:
            if now - (self._jobs[job_id].finished_clock or now) >= self.keep_s:
                del self._jobs[job_id]

    async def _work(self) -> None:
        while not self._queue.empty():
            job = self._queue.get_nowait()
            try:
                await self._run(job)
            finally:
                job.path.unlink(missing_ok=True)
                job.finished_at, job.finished_clock = time.time(), self.clock()

    async def _run(self, job: ImportJob) -> None:
        job.status, job.stage, job.started_at = JobStatus.VALIDATING, "validating", time.time()
        log.info("import_job.started", job=job.id)
        try:
            with job.path.open("rb") as stream:
                report = await import_lines(
                    self.graph,
                    file_lines(stream, job.encoding),
                    job.progress,
                    dry_run=job.dry_run,
                    total_lines=job.total_lines,
                    parties=job.parties,
                    supplied_by=job.supplied_by,
                )
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, neo4j.exceptions.AuthError) as e:
            self._fail(job, f"cannot use Neo4j at {self.graph.settings.neo4j_uri}: {e.message or e}")
        except Exception as e:  # a job that cannot finish says why; the worker goes on with the next one
            log.exception("import_job.error", job=job.id)
            self._fail(job, f"the import stopped: {type(e).__name__}: {e}")
        else:
            job.report = report
            job.status = JobStatus.DONE if report.ok else JobStatus.FAILED
            job.stage = "done" if report.ok else "refused"
            log.info("import_job.finished", job=job.id, status=job.status.value, errors=report.error_count)

    def _fail(self, job: ImportJob, message: str) -> None:
        job.status, job.stage, job.error = JobStatus.FAILED, "failed", message
        log.warning("import_job.failed", job=job.id, error=message)


def job_json(job: ImportJob, url: str) -> dict[str, Any]:
    """A job as GET /imports/{id} shows it; `report` has the shape of `tracegraph import --json`."""

    def iso(at: float | None) -> str | None:
        return None if at is None else datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")

    return {
        "id": job.id,
        "url": url,
        "status": job.status.value,
        "stage": job.stage,
        "dryRun": job.dry_run,
        "encoding": job.encoding,
        "progress": {
            "lines": {"done": job.lines_done, "total": job.total_lines},
            "records": {"done": job.records_done, "total": job.records_total},
        },
        "report": job.report.as_json() if job.report else None,
        "error": job.error,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "finishedAt": iso(job.finished_at),
    }
