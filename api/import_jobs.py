"""Import jobs over HTTP, for suppliers who reach the service but not its database:

    POST /imports[?dryRun=true][&encoding=gb18030]   NDJSON body (gzip allowed) -> 202, Location: /imports/{id}
    GET  /imports/{id}                               status, progress and, once finished, the report

The body is streamed to a temporary file (no body cap on /imports by default: MAX_BODY_BYTES_BY_PATH), gunzipped
on the way when it says it is gzip (Content-Encoding: gzip, or Content-Type: application/gzip). The job is then one
all-or-nothing import (graph/import_jobs.py), run in the background, one at a time per process.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import JSONResponse

from api.auth import caller
from api.http_errors import error_response
from graph.import_jobs import ImportJob, ImportJobs, job_directory, job_json, published
from graph.ingest.parties import parties_of
from graph.ingest.source import NotGzip, Spool

GZIP_TYPES = ("application/gzip", "application/x-gzip")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # After the app's own start-up (the graph is open and migrated): resume what a former process left unfinished.
    graph = app.state.graph
    app.state.import_jobs = ImportJobs(graph, graph.settings.import_job_keep_s)
    app.state.import_jobs.resume(job_directory(graph.settings))
    yield
    await app.state.import_jobs.close()  # the running job stops; unfinished jobs stay on disk for the next start


router = APIRouter(lifespan=lifespan)


def _jobs(request: Request) -> ImportJobs:
    """The process's job registry, made on first use (also where the app's lifespan does not run)."""
    state = request.app.state
    if getattr(state, "import_jobs", None) is None:
        state.import_jobs = ImportJobs(state.graph, state.graph.settings.import_job_keep_s)
    return state.import_jobs


def _url(request: Request, job: ImportJob) -> str:
    return str(request.url_for("import_job", job_id=job.id).path)


def _is_gzip(request: Request) -> bool:
    encoding = request.headers.get("content-encoding", "").strip().lower()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return encoding in ("gzip", "x-gzip") or media in GZIP_TYPES


@router.post(
    "/imports",
    status_code=202,
    summary="Start an import job: the body is NDJSON records (contract/RECORDS.md), gzip allowed.",
    responses={202: {"description": "Queued; poll the job's URL (Location)."}, 400: {}},
)
async def create_import(
    request: Request,
    dry_run: Annotated[bool, Query(alias="dryRun", description="Validate and count, write nothing.")] = False,
    encoding: Annotated[str, Query(description="The text encoding of the records, e.g. gb18030.")] = "utf-8",
) -> JSONResponse:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return error_response(400, "BAD_USER_INPUT", f"encoding: unknown encoding {encoding!r}")
    jobs = _jobs(request)
    spool = Spool(gzipped=_is_gzip(request), directory=str(job_directory(request.app.state.graph.settings)))
    try:
        async for piece in request.stream():
            spool.write(piece)
        total_lines = spool.finish()
    except NotGzip as error:
        spool.discard()
        return error_response(400, "BAD_USER_INPUT", str(error))
    except BaseException:
        spool.discard()  # nothing half-received is kept, whatever cut the upload (a client gone, a stalled body)
        raise
    principal = caller(request)
    job = jobs.submit(
        spool.path,
        total_lines,
        dry_run=dry_run,
        encoding=encoding,
        supplied_by=principal.subject,
        parties=parties_of(principal),
    )
    url = _url(request, job)
    return JSONResponse(
        {"id": job.id, "url": url, "status": job.status.value}, status_code=202, headers={"Location": url}
    )


@router.get(
    "/imports/{job_id}",
    name="import_job",
    summary="An import job: status (QUEUED, VALIDATING, WRITING, DONE, FAILED), progress and report.",
    responses={404: {}},
)
async def import_job(request: Request, job_id: str) -> JSONResponse:
    url = str(request.url_for("import_job", job_id=job_id).path)
    principal = caller(request)
    # This process's own job, else the view the process running it published (another worker or replica).
    job = _jobs(request).get(job_id)
    if job is not None:
        supplied_by, view = job.supplied_by, job_json(job, url)
    elif (
        other := published(job_directory(request.app.state.graph.settings), job_id, _jobs(request).keep_s)
    ) is not None:
        supplied_by, view = other.supplied_by, {"id": job_id, "url": url, **other.view}
    else:
        supplied_by, view = "", None
    if view is not None and parties_of(principal) is not None and supplied_by != principal.subject:
        view = None  # a data supplier sees its own jobs only; another's is as good as unknown to it
    if view is None:
        return error_response(404, "NOT_FOUND", f"import job {job_id!r} not found (finished jobs are kept for a while)")
    return JSONResponse(view)
