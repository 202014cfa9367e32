"""Import jobs: a file posted over HTTP (POST /imports), imported all or nothing in the background.

A job's body is spooled to a temporary file (graph/ingest/source.py Spool) and queued; one worker task per process
runs the queued jobs one at a time through graph/imports.py, exactly as `tracegraph import` does, and the job shows
its status, progress and report meanwhile. The process that runs a job keeps it in memory and also writes its view
(GET /imports/{id}'s answer) to `<id>.status.json` in the job directory, at every change of status and at most every
PUBLISH_EVERY_S while it progresses: the poll may reach another worker process (`API_WORKERS`) or another replica
sharing IMPORT_JOB_DIR, which answers from that file. A finished job is kept for Settings.import_job_keep_s and then
forgotten, its file with it.

A job that has not finished survives a restart: beside its spooled body a small manifest (its id and options, named
with the owning process's pid) stays on disk until the job ends, and a process starting on the same job directory
(`resume`) takes over the manifests of processes that are gone, by renaming them (one taker wins), and runs those
jobs again from the start, under the same ids: imports are idempotent, and a re-run completes what a fault left
half-written (graph/imports.py). So a job stopped by a shutdown, a kill or a crash is resumed, never left running.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import tempfile
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
from graph.processes import alive as _alive
from graph.processes import owner as _owner
from graph.settings import Settings

log = structlog.get_logger("graph.import_jobs")

MANIFEST = ".job"  # <body>.<owner>.job beside the spooled body; the owner is a process: <pid>-<start time>
STATUS = ".status.json"  # <id>.status.json: the job's view, for the processes that do not run it
PUBLISH_EVERY_S = 1.0  # progress reaches the status file at most this often (every status change at once)
FINISHED_IN_MEMORY = 100  # finished jobs a process answers from memory; older ones from their status files
JOB_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex: an id from a URL names a file only when it has this form


def job_directory(settings: Settings) -> Path:
    """Where jobs are spooled: IMPORT_JOB_DIR, else a directory of the system's temporary one named after the
    database, so that a restart finds its own unfinished jobs and never another database's."""
    if settings.import_job_dir:
        return Path(settings.import_job_dir)
    target = hashlib.sha256(f"{settings.neo4j_uri}|{settings.neo4j_database}".encode()).hexdigest()[:12]
    directory = Path(tempfile.gettempdir()) / f"tracegraph-jobs-{target}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory


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
    resumed: bool = False  # run again after the process that had it stopped
    manifest: Path | None = None  # on disk until the job ends, so that a restart resumes it
    published_clock: float = 0.0  # time.monotonic() of the last write of its status file

    def progress(self, stage: str, done: int, total: int | None) -> None:
        """The import's progress callback: lines while validating, then records (and the derived steps)."""
        changed = self.status
        self.stage = stage
        if stage == "validating":
            self.lines_done = done
        else:
            self.status = JobStatus.WRITING
            self.lines_done = self.total_lines
            self.records_done, self.records_total = done, total
        if self.status != changed or time.monotonic() - self.published_clock >= PUBLISH_EVERY_S:
            publish(self)

    @property
    def status_file(self) -> Path:
        return self.path.parent / f"{self.id}{STATUS}"


def publish(job: ImportJob) -> None:
    """Write the job's view for the other processes, atomically (they never read half a file). A file that cannot
    be written costs the other processes their view of the job, never the job."""
    job.published_clock = time.monotonic()
    view = {**job_json(job, ""), "suppliedBy": job.supplied_by, "finishedAtEpoch": job.finished_at}
    view.pop("url")
    temporary = job.status_file.with_name(f"{job.status_file.name}.{_owner()}.tmp")
    try:
        temporary.write_text(json.dumps(view))
        os.replace(temporary, job.status_file)
    except OSError as error:
        log.warning("import_job.status_unwritable", job=job.id, error=str(error))


@dataclass(frozen=True)
class PublishedJob:
    """A job another process runs (or ran), as its status file shows it."""

    view: dict[str, Any]  # job_json's shape without `url`
    supplied_by: str


def published(directory: Path, job_id: str, keep_s: float) -> PublishedJob | None:
    """The view another process published of job `job_id`, or None: no such job, or finished longer ago than
    `keep_s` (the file is then removed, as the owner forgets the job)."""
    if not JOB_ID.fullmatch(job_id):
        return None
    path = directory / f"{job_id}{STATUS}"
    try:
        view = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    finished_at = view.get("finishedAtEpoch")
    if finished_at is not None and time.time() - finished_at >= keep_s:
        path.unlink(missing_ok=True)
        return None
    supplied_by = view.pop("suppliedBy", SYSTEM_SUPPLIER)
    view.pop("finishedAtEpoch", None)
    return PublishedJob(view, supplied_by)


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
        job.manifest = path.with_name(f"{path.name}.{_owner()}{MANIFEST}")
        # Who supplied it and for which parties travel with it: a resumed job writes as the one posted would.
        manifest = {
            "id": job.id,
            "lines": total_lines,
            "dryRun": dry_run,
            "encoding": encoding,
            "suppliedBy": supplied_by,
            "parties": None if parties is None else sorted(parties),
        }
        job.manifest.write_text(json.dumps({**manifest, "createdAt": job.created_at}))
        self._enqueue(job)
        forget_published(path.parent, self.keep_s)
        log.info("import_job.queued", job=job.id, lines=total_lines, dry_run=dry_run)
        return job

    def resume(self, directory: Path) -> list[ImportJob]:
        """Queue again the unfinished jobs of processes that are gone (a shutdown, a kill, a crash), as they were
        posted: same id, same options, from the first line."""
        resumed = []
        for manifest in sorted(directory.glob(f"*{MANIFEST}")):
            body_name, _, owner = manifest.name.removesuffix(MANIFEST).rpartition(".")
            if not body_name or _alive(owner):
                continue
            mine = manifest.with_name(f"{body_name}.{_owner()}{MANIFEST}")
            try:
                manifest.rename(mine)  # atomic: of processes resuming together, one takes each job
                saved = json.loads(mine.read_text())
            except FileNotFoundError:
                continue
            except (OSError, ValueError) as error:
                log.warning("import_job.unreadable_manifest", manifest=str(mine), error=str(error))
                continue
            body = directory / body_name
            if not body.exists():
                mine.unlink(missing_ok=True)
                continue
            parties = saved.get("parties")
            job = ImportJob(
                saved["id"],
                body,
                saved["lines"],
                saved["dryRun"],
                saved["encoding"],
                saved.get("suppliedBy", SYSTEM_SUPPLIER),
                None if parties is None else frozenset(parties),
                resumed=True,
            )
            job.created_at, job.manifest = saved["createdAt"], mine
            self._enqueue(job)
            log.info("import_job.resumed", job=job.id, lines=job.total_lines, from_process=owner)
            resumed.append(job)
        return resumed

    def _enqueue(self, job: ImportJob) -> None:
        self._jobs[job.id] = job
        publish(job)
        self._queue.put_nowait(job)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="import-jobs")

    def get(self, job_id: str) -> ImportJob | None:
        self._forget_expired()
        return self._jobs.get(job_id)

    async def close(self) -> None:
        """Stop the worker (a running import stops where it is, its transaction rolled back). The unfinished
        jobs' files stay, for the next process on this job directory to resume."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        unfinished = [job.id for job in self._jobs.values() if not job.status.finished]
        if unfinished:
            log.info("import_job.left_to_resume", jobs=unfinished)
        self._jobs.clear()

    def _forget_expired(self) -> None:
        now = self.clock()
        finished = [j.id for j in self._jobs.values() if j.finished_clock is not None]
        for job_id in finished:
            if now - (self._jobs[job_id].finished_clock or now) >= self.keep_s:
                self._jobs.pop(job_id).status_file.unlink(missing_ok=True)
        # Past the last FINISHED_IN_MEMORY, a finished job is answered from its status file (as another process's
        # is) until keep_s: an hour of small jobs held in memory grew a soak's API by 1.8 MB a minute.
        finished = [job_id for job_id in finished if job_id in self._jobs]
        for job_id in finished[: max(0, len(finished) - FINISHED_IN_MEMORY)]:
            del self._jobs[job_id]

    async def _work(self) -> None:
        while not self._queue.empty():
            job = self._queue.get_nowait()
            await self._run(job)  # a cancellation (shutdown) leaves the job's files for a restart to resume
            job.path.unlink(missing_ok=True)
            if job.manifest is not None:
                job.manifest.unlink(missing_ok=True)
            job.finished_at, job.finished_clock = time.time(), self.clock()
            publish(job)

    async def _run(self, job: ImportJob) -> None:
        job.status, job.stage, job.started_at = JobStatus.VALIDATING, "validating", time.time()
        publish(job)
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


def forget_published(directory: Path, keep_s: float) -> None:
    """Remove the status files of jobs finished longer ago than `keep_s`, whichever process ran them (one that
    stopped after a job cannot forget it itself). Unfinished jobs' files stay, however old."""
    before = time.time() - keep_s
    for path in directory.glob(f"*{STATUS}"):
        try:
            if path.stat().st_mtime < before and json.loads(path.read_text()).get("finishedAtEpoch") is not None:
                path.unlink(missing_ok=True)
        except (OSError, ValueError):
            continue


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
        "resumed": job.resumed,
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
