"""Plain HTTP endpoints: health, readiness, the recall scope and a recall's progress report as sortable spreadsheets
(CSV and XLSX, api/exports.py), and the credit-event feed as NDJSON for bulk sync."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api import exports
from api.access import FIELDS
from api.auth import caller
from api.deps import GraphDep
from graph import credit_feed
from graph.db import Graph
from graph.errors import NotFound, check_range
from graph.read_model import MAX_PAGE
from graph.recall_scope import recall_rows
from graph.risk import recalls

router = APIRouter()


@router.get("/healthz", summary="Liveness: the process answers.")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: Neo4j answers a query.")
async def readyz(graph: GraphDep) -> JSONResponse:
    if await graph.ping():
        return JSONResponse({"status": "ready", "neo4j": "up"})
    return JSONResponse({"status": "not ready", "neo4j": "down"}, status_code=503)


SPREADSHEETS: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}, exports.MEDIA_TYPES["xlsx"]: {}}}}
Extension = Literal["csv", "xlsx"]


def _zone(graph: Graph) -> ZoneInfo:
    return ZoneInfo(graph.settings.recall_timezone)


@router.get(
    "/recall-scope.{extension}",
    summary="Recall scope as an electronic sortable spreadsheet (csv or xlsx): one row per consignee and batch, with "
    "who shipped it there, the shipments and declarations, and the asked lots it descends from.",
    response_class=Response,
    responses={**SPREADSHEETS, 400: {}, 404: {}},
)
async def recall_scope_spreadsheet(
    graph: GraphDep,
    extension: Extension,
    batch: Annotated[list[str], Query(description="A defective batch id; repeat for several.")],
    max_depth: Annotated[int, Query(alias="maxDepth", description="1..50")] = 10,
) -> Response:
    rows = await recall_rows(graph, batch, max_depth)
    zone = _zone(graph)
    name = exports.export_name("recall-scope", list(dict.fromkeys(batch)), zone, extension)
    return await exports.spreadsheet(extension, exports.SCOPE_COLUMNS, rows, zone, name, "召回范围 recall scope")


@router.get(
    "/credit/events",
    summary="The credit-event feed as NDJSON, one event per line in seq order, for bulk sync.",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}, 400: {}},
)
async def credit_events(
    request: Request,
    graph: GraphDep,
    after: Annotated[
        str | None, Query(description="The X-Next-Cursor of the previous response; omit at first.")
    ] = None,
    limit: Annotated[int, Query(description="1..1000")] = 1000,
) -> Response:
    check_range("limit", limit, 1, MAX_PAGE)
    page = await credit_feed.page(graph, after, limit)
    # Evidence (persons, ties, paths) is the regulators' to read, in the feed as in GraphQL's CreditEvent.evidence.
    with_evidence = caller(request).has_any(FIELDS["CreditEvent.evidence"].roles)
    body = "".join(json.dumps(e.as_json(with_evidence), ensure_ascii=False) + "\n" for e in page.events)
    headers = {"X-Has-More": "true" if page.has_next_page else "false"}
    if page.end_cursor is not None:
        headers["X-Next-Cursor"] = page.end_cursor
    return Response(content=body, media_type="application/x-ndjson", headers=headers)


@router.get(
    "/recalls/{recall_id}.{extension}",
    summary="A recall's progress report (csv or xlsx): one row per consignee and batch with names, quantities, "
    "status, deadlines and its unit's effectiveness; the xlsx has a summary block above the table.",
    response_class=Response,
    responses={**SPREADSHEETS, 404: {}},
)
async def recall_progress_spreadsheet(graph: GraphDep, recall_id: str, extension: Extension) -> Response:
    recall = (await recalls.by_ids(graph, [recall_id]))[0]
    if recall is None:
        raise NotFound("recall", recall_id, "recall_id")
    rows = await recalls.report_rows(graph, recall)
    zone = _zone(graph)
    name = exports.export_name(f"{recall.id}-progress", recall.sources, zone, extension)
    summary = exports.recall_summary(recall) if extension == "xlsx" else ()
    return await exports.spreadsheet(
        extension, exports.PROGRESS_COLUMNS, rows, zone, name, "召回进度 recall progress", summary
    )
