"""Downloads of issue 17's documents: an enterprise's periodic report (PDF or JSON), a monitoring plan's report
to its agencies (PDF or JSON), a foreign measure's impact report (PDF or JSON) and an evidence dossier (zip). Who
may download each is api/access.py's ROUTES; every download is recorded in the audit trail (they hold
confidential data: a rule marked audited)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import GraphDep
from graph import foreign_measures
from graph.db import Graph
from graph.reports import agency, dossier, enterprise

router = APIRouter(tags=["reports"])

Extension = Literal["pdf", "json"]
RenderPdf = Callable[[Graph, dict[str, Any]], Awaitable[bytes]]


def _document_route(path: str, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The GET route of a report given as PDF or JSON by its extension."""
    return router.get(
        path,
        summary=summary,
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "application/json": {}}}, 400: {}, 404: {}},
    )


def _download(content: bytes, media_type: str, name: str) -> Response:
    disposition = f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(name)}"
    return Response(content=content, media_type=media_type, headers={"Content-Disposition": disposition})


async def _document(
    graph: Graph, body: dict[str, Any], render_pdf: RenderPdf, stem: str, extension: Extension
) -> Response:
    """The report's body as indented JSON, or rendered as its PDF, downloaded as `stem.extension`."""
    name = f"{stem}.{extension}"
    if extension == "json":
        return _download(json.dumps(body, ensure_ascii=False, indent=2).encode(), "application/json", name)
    return _download(await render_pdf(graph, body), "application/pdf", name)


@_document_route(
    "/reports/enterprises/{enterprise_id}.{extension}",
    "An enterprise's periodic report (pdf or json): monitoring results, failed tests, the warnings and "
    "recalls on its lots, its grade and inspection rate with their reasons, what it should do; Chinese first.",
)
async def enterprise_report(
    graph: GraphDep,
    enterprise_id: str,
    extension: Extension,
    period: str = Query(description="YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD (China time)"),
) -> Response:
    body = await enterprise.report(graph, enterprise_id, period)
    return await _document(graph, body, enterprise.render_pdf, f"{enterprise_id}-{period.replace('/', '_')}", extension)


@_document_route(
    "/reports/plans/{plan_id}.{extension}",
    "A monitoring plan's report to its responsible agencies (pdf or json): the plan, progress against the "
    "quotas per target and stage, the results, the failed tests by name and what to follow up; Chinese first.",
)
async def agency_report(graph: GraphDep, plan_id: str, extension: Extension) -> Response:
    body = await agency.report(graph, plan_id)
    return await _document(graph, body, agency.render_pdf, f"{plan_id}-agency-report", extension)


@_document_route(
    "/foreign-measures/{measure_id}/impact.{extension}",
    "A foreign technical trade measure's impact report (pdf or json): the local exporters it affects "
    "with their volumes per unit, and the notices sent.",
)
async def foreign_measure_impact(
    graph: GraphDep,
    measure_id: str,
    extension: Extension,
    since: str | None = Query(default=None, description="count exports from this date (default: a year before)"),
) -> Response:
    body = await foreign_measures.impact(graph, measure_id, since)
    return await _document(graph, body, foreign_measures.render_pdf, f"{measure_id}-impact", extension)


@router.get(
    "/dossiers/{kind}/{ident}.zip",
    summary="An evidence dossier for a warning, a downgrade review or a blacklisting, for referral: a zip of "
    "dossier.pdf, the records as JSON/NDJSON, the audit trail, the timeline and a manifest with each file's SHA-256.",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, 404: {}},
)
async def evidence_dossier(graph: GraphDep, kind: dossier.Kind, ident: str) -> Response:
    return _download(await dossier.bundle(graph, kind, ident), "application/zip", f"dossier-{kind}-{ident}.zip")
