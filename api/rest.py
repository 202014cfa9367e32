"""Plain HTTP endpoints: health, readiness, the recall scope as a sortable spreadsheet (CSV), and the credit-event
feed as NDJSON for bulk sync."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from api.deps import GraphDep
from graph import credit_feed
from graph.errors import NotFound, check_range
from graph.recall import CSV_COLUMNS, recall_rows
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


@router.get(
    "/recall-scope.csv",
    summary="Recall scope as an electronic sortable spreadsheet: one row per consignee and batch.",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, 400: {}, 404: {}},
)
async def recall_scope_csv(
    graph: GraphDep,
    batch: Annotated[list[str], Query(description="A defective batch id; repeat for several.")],
    max_depth: Annotated[int, Query(alias="maxDepth", description="1..50")] = 10,
) -> Response:
    rows = await recall_rows(graph, batch, max_depth)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(
        # A BOM so spreadsheet programs read the Chinese names as UTF-8.
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="recall-scope-{stamp}.csv"'},
    )


@router.get(
    "/credit/events",
    summary="The credit-event feed as NDJSON, one event per line in seq order, for bulk sync.",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}, 400: {}},
)
async def credit_events(
    graph: GraphDep,
    after: Annotated[
        str | None, Query(description="The X-Next-Cursor of the previous response; omit at first.")
    ] = None,
    limit: Annotated[int, Query(description="1..1000")] = 1000,
) -> Response:
    check_range("limit", limit, 1, credit_feed.MAX_PAGE)
    page = await credit_feed.page(graph, after, limit)
    body = "".join(json.dumps(e.as_json(), ensure_ascii=False) + "\n" for e in page.events)
    headers = {"X-Has-More": "true" if page.has_next_page else "false"}
    if page.end_cursor is not None:
        headers["X-Next-Cursor"] = page.end_cursor
    return Response(content=body, media_type="application/x-ndjson", headers=headers)


@router.get(
    "/recalls/{recall_id}.csv",
    summary="A recall's progress report: one row per consignee and batch (shipped, returned, status).",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, 404: {}},
)
async def recall_progress_csv(graph: GraphDep, recall_id: str) -> Response:
    recall = (await recalls.by_ids(graph, [recall_id]))[0]
    if recall is None:
        raise NotFound("recall", recall_id, "recall_id")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=recalls.CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(recalls.progress_rows(recall))
    return Response(
        content="\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{recall_id}-progress.csv"'},
    )
