"""The EPCIS 2.0 REST binding under /epcis (contract/EPCIS.md section 1):

    POST /epcis/capture                 an EPCISDocument -> 202, Location: /epcis/capture/{captureID}; 400, 415
    GET  /epcis/capture                 the capture jobs (a data supplier's own)
    GET  /epcis/capture/{captureID}     a CaptureJob
    GET  /epcis/events?...              an EPCISQueryDocument (SimpleEventQuery), paged with Link rel="next"
    GET  /epcis/events/{eventID}        one event
    GET  /epcis/export                  record-born lots and shipments as an EPCISDocument (graph/epcis/export.py)
    OPTIONS /epcis, /epcis/capture, /epcis/events   discovery

Every answer carries GS1-EPCIS-Version: 2.0 and GS1-CBV-Version: 2.0; every error is problem+json
(api/epcis/problems.py). A data supplier reads only the events and jobs it captured."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.access import READERS
from api.auth import caller
from api.epcis.problems import VERSION_HEADERS, problem
from graph.epcis import capture as capture_
from graph.epcis import export, formats, queries
from graph.epcis.events import document_events
from graph.identity import Role

router = APIRouter(prefix="/epcis", tags=["EPCIS 2.0"])

CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
CAPTURE_TYPES = ("application/ld+json", "application/json")


def _caller(request: Request) -> str:
    """Who captures or reads: the verified caller's subject (api/auth.py)."""
    return caller(request).subject


def _reads_own_only(request: Request) -> str | None:
    """A data supplier (without a reader's role) reads only what it captured: its subject; others: None (all)."""
    principal = caller(request)
    if principal.has_any(READERS):
        return None
    if Role.DATA_SUPPLIER in principal.roles or Role.SINGLE_WINDOW in principal.roles:
        return str(principal.subject)
    return None


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body, status_code=status, media_type="application/ld+json", headers={**VERSION_HEADERS, **(headers or {})}
    )


@router.options("", include_in_schema=False)
@router.options("/capture", include_in_schema=False)
@router.options("/events", include_in_schema=False)
async def discovery() -> Response:
    return Response(
        status_code=204,
        headers={
            **VERSION_HEADERS,
            "Allow": "OPTIONS, GET, POST",
            "GS1-EPCIS-Min": "2.0",
            "GS1-EPCIS-Max": "2.0",
            "GS1-Extensions": "",
            "GS1-EPC-Format": ", ".join(formats.FORMATS),
        },
    )


@router.post(
    "/capture",
    status_code=202,
    summary="Capture an EPCIS 2.0 document (validated whole against GS1's JSON schema; stored whole or not at all).",
    responses={202: {}, 400: {}, 415: {}},
)
async def capture(request: Request) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in CAPTURE_TYPES:
        return problem(415, "epcisException:UnsupportedMediaTypeException", f"Content-Type {media or 'none'!r}")
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback")
    if behaviour not in ("rollback", "proceed"):
        return problem(400, "epcisException:ValidationException", f"GS1-Capture-Error-Behaviour {behaviour!r}")
    body = await request.body()
    try:
        document = json.loads(body)
    except ValueError as error:
        return problem(400, "epcisException:ValidationException", f"the body is not JSON: {error}")
    except RecursionError:  # no EPCIS document nests this deep; Python's decoder gives up before the schema could
        return problem(
            400, "epcisException:ValidationException", "the body is not JSON this service reads: nested too deeply"
        )
    graph = request.app.state.graph
    limit = graph.settings.epcis_capture_max_events
    if isinstance(document, dict) and len(document_events(document)) > limit:
        return problem(
            413,
            "epcisException:CaptureLimitExceededException",
            f"the document holds more than {limit} events (EPCIS_CAPTURE_MAX_EVENTS); send it in parts",
            headers={"GS1-EPCIS-Capture-Limit": f"events={limit}"},
        )
    try:
        outcome = await capture_.capture(graph, document, captured_by=_caller(request))
    except capture_.CaptureRejected as rejected:
        return problem(
            400,
            "epcisException:ValidationException",
            str(rejected),
            errors=[p.as_json() for p in rejected.problems],
            errorCount=rejected.count,
        )
    location = f"/epcis/capture/{outcome.capture_id}"
    return Response(status_code=202, headers={**VERSION_HEADERS, "Location": location})


@router.get("/capture", summary="The capture jobs, newest first (a data supplier's own).")
async def capture_jobs(request: Request) -> Response:
    jobs = await capture_.capture_jobs(request.app.state.graph, _reads_own_only(request))
    return _json([_public(j) for j in jobs], headers={})


def _public(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k != "capturedBy"}


@router.get("/capture/{captureID}", summary="A capture job: running, success and errors.", responses={404: {}})
async def capture_job(request: Request, captureID: str) -> Response:
    job = await capture_.capture_job(request.app.state.graph, captureID)
    own = _reads_own_only(request)
    if job is None or (own is not None and job["capturedBy"] != own):
        return problem(404, "epcisException:NoSuchResourceException", f"capture job {captureID!r} not found")
    return _json(_public(job))


def _epc_format(request: Request) -> str | Response:
    value = request.headers.get("GS1-EPC-Format", formats.DEFAULT)
    if value not in formats.FORMATS:
        return problem(400, "epcisException:QueryParameterException", f"GS1-EPC-Format {value!r}")
    return value


def _query_document(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}},
        },
    }


@router.get(
    "/events",
    summary="Events by the SimpleEventQuery parameters (EQ_, GE_, LT_, MATCH_, EXISTS_; values a|b), paged.",
    responses={200: {"content": {"application/ld+json": {}}}, 400: {}},
)
async def events(request: Request) -> Response:
    epc_format = _epc_format(request)
    if isinstance(epc_format, Response):
        return epc_format
    try:
        query = queries.Query.parse(list(request.query_params.multi_items()))
    except queries.QueryParameterError as error:
        return problem(400, "epcisException:QueryParameterException", str(error))
    graph = request.app.state.graph
    page = await queries.run(graph, query, _reads_own_only(request))
    headers: dict[str, str] = {"GS1-EPC-Format": epc_format}
    if page.next_token is not None:
        link = f"{request.url.path}?{urlencode([*query.parameters, ('nextPageToken', page.next_token)])}"
        headers["Link"] = f'<{link}>; rel="next"'
    shown = await formats.in_format(graph, page.events, epc_format)
    return _json(_query_document(shown), headers=headers)


@router.get("/events/{eventID:path}", summary="One event by its eventID.", responses={404: {}})
async def event(request: Request, eventID: str) -> Response:
    epc_format = _epc_format(request)
    if isinstance(epc_format, Response):
        return epc_format
    graph = request.app.state.graph
    found = await queries.events_by_id(graph, [eventID], _reads_own_only(request))
    if not found:
        return problem(404, "epcisException:NoSuchResourceException", f"event {eventID!r} not found")
    shown = await formats.in_format(graph, found, epc_format)
    return _json(shown[0], headers={"GS1-EPC-Format": epc_format})


@router.get(
    "/export",
    summary="Lots and shipments that arrived as records (not from EPCIS), as an EPCIS 2.0 document.",
    responses={200: {"content": {"application/ld+json": {}}}},
)
async def export_records(request: Request, limit: int = 10_000) -> Response:
    document = await export.record_document(request.app.state.graph, min(max(limit, 1), 100_000))
    return _json(document)
