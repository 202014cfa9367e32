"""The public results of monitoring plans (issue 17, item 1): a published plan's aggregate results, JSON, no
token. Counts per target and stage only: the declared models below are all that can leave, so no lot, report,
lab, person or enterprise name appears even if the domain returned one (no rule publishes enterprise names)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.deps import GraphDep
from graph.monitoring import plans

router = APIRouter(prefix="", tags=["public"])


class PublicStage(BaseModel):
    stage: str = Field(description="PORT, MARKET or CROSS_BORDER_ECOMMERCE")
    quota: int | None
    tested: int
    failed: int
    failRate: float | None


class PublicTarget(BaseModel):
    target: str
    countries: list[str]
    hsPrefixes: list[str]
    categories: list[str]
    hazards: list[str]
    tested: int
    failed: int
    failRate: float | None
    stages: list[PublicStage]


class PublicPlanResults(BaseModel):
    plan: str
    name: str
    periodStart: str
    periodEnd: str
    stages: list[str]
    agencies: list[str] = Field(description="The agencies responsible, by name.")
    asOf: str
    tested: int
    failed: int
    failRate: float | None
    targets: list[PublicTarget]


@router.get(
    "/public/plans/{planId}",
    summary="A published monitoring plan's aggregate results: tested, failed and fail rate per target and stage.",
    response_model=PublicPlanResults,
    responses={404: {}},
)
async def plan_results(graph: GraphDep, plan_id: Annotated[str, Path(alias="planId")]) -> PublicPlanResults:
    return PublicPlanResults.model_validate(await plans.published_results(graph, plan_id))
