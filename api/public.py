"""The public services, JSON, no token (graph/public.py): a lot by its id or its GS1 Digital Link path, the
blacklist in force, the recognised labs, and a consumer's complaint. Each answer is a declared model, so nothing
beyond its fields can leave even if the domain returns more."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from api.deps import GraphDep
from api.http_errors import error_response
from api.rate_limit import SlidingWindowLimiter
from graph import public
from graph.gtin import gtin14
from graph.values import Text, _check_prose

router = APIRouter(prefix="", tags=["public"])

DESCRIPTION_MAX = 2000
Description = Annotated[str, StringConstraints(min_length=1, max_length=DESCRIPTION_MAX), AfterValidator(_check_prose)]


class Product(BaseModel):
    name: str
    category: str


class PublicLot(BaseModel):
    lot: str = Field(description="The lot code.")
    product: Product
    producerName: str
    originCountry: str | None = Field(description="ISO 3166-1 alpha-2, when the lot's records say.")
    underWarning: bool = Field(
        description="An active risk warning targets the lot, its product, producer, HS code or origin country."
    )
    underRecall: bool = Field(description="An open recall's scope holds the lot.")


class Listing(BaseModel):
    enterpriseName: str
    uscc: str | None
    reason: str
    listedAt: str
    expiresAt: str | None
    serious: bool


class Blacklist(BaseModel):
    listings: list[Listing] = Field(description="In force now; serious ones first, then the newest.")
    complete: bool = Field(description=f"false when more than {public.MAX_LIST} are in force and the rest left off.")


class Lab(BaseModel):
    name: str
    accreditation: str | None
    status: str = Field(description="ACTIVE, SUSPENDED or REVOKED")
    statusSince: str | None = Field(description="When the status began (UTC).")


class Labs(BaseModel):
    labs: list[Lab] = Field(description="The recognised labs, by name.")
    complete: bool


class Complaint(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    description: Description
    lotId: Text | None = Field(default=None, description="The lot's id, or its LGTIN URN.")
    gtin: Text | None = Field(default=None, description="The product's GTIN (8, 12, 13 or 14 digits).")
    lot: Text | None = Field(default=None, description="The lot code printed on the package, with gtin.")
    productName: Text | None = Field(default=None, description="What the product is called on the package.")
    contact: Text | None = Field(default=None, description="How to reach the complainant; never published.")


class Filed(BaseModel):
    signalId: str


def _limiter(request: Request) -> SlidingWindowLimiter:
    """The process's complaint limit, made on first use (per app: each test's app counts for itself)."""
    state = request.app.state
    if getattr(state, "complaint_limiter", None) is None:
        state.complaint_limiter = SlidingWindowLimiter(state.graph.settings.public_complaints_per_minute, 60.0)
    return state.complaint_limiter


@router.get(
    "/public/lots/{lotId}",
    summary="A lot as the public may see it: product, producer, origin, and whether a warning or a recall covers it.",
    response_model=PublicLot,
    responses={404: {}},
)
async def lot_by_id(graph: GraphDep, lot_id: Annotated[str, Path(alias="lotId")]) -> PublicLot:
    found = await public.lot(graph, public.LotQuery.of_id(lot_id), "lotId")
    return PublicLot.model_validate(found.as_json())


@router.get(
    "/01/{gtin}/10/{lot}",
    summary="GS1 Digital Link: the lot `lot` of GTIN `gtin` (8, 12, 13 or 14 digits), as /public/lots answers it.",
    response_model=PublicLot,
    responses={400: {}, 404: {}},
)
async def lot_by_digital_link(graph: GraphDep, gtin: str, lot: str) -> PublicLot:
    found = await public.lot(graph, public.LotQuery.of_gtin(gtin14(gtin, "gtin"), lot), "lot")
    return PublicLot.model_validate(found.as_json())


@router.get("/public/blacklist", summary="The blacklist listings in force, serious first.", response_model=Blacklist)
async def blacklist(graph: GraphDep) -> Blacklist:
    listings, complete = await public.blacklist(graph)
    return Blacklist(listings=[Listing.model_validate(m) for m in listings], complete=complete)


@router.get("/public/labs", summary="The recognised labs and their status.", response_model=Labs)
async def labs(graph: GraphDep) -> Labs:
    found, complete = await public.labs(graph)
    return Labs(labs=[Lab.model_validate(m) for m in found], complete=complete)


@router.post(
    "/public/complaints",
    status_code=201,
    summary="File a consumer complaint about a lot (lotId, or gtin and lot) or a product (gtin): a "
    "CONSUMER_COMPLAINT risk signal. At most PUBLIC_COMPLAINTS_PER_MINUTE per client address and process.",
    response_model=Filed,
    responses={400: {}, 404: {}, 429: {}},
)
async def file_complaint(request: Request, graph: GraphDep, complaint: Complaint) -> Filed | JSONResponse:
    client = request.client.host if request.client else "unknown"
    if (wait := _limiter(request).acquire(client)) is not None:
        limit = graph.settings.public_complaints_per_minute
        return error_response(
            429,
            "TOO_MANY_REQUESTS",
            f"more than {limit} complaints a minute from {client}; try again in {wait} s",
            {"Retry-After": str(wait)},
        )
    signal_id = await public.file_complaint(
        graph,
        complaint.description,
        lot_id=complaint.lotId,
        gtin=complaint.gtin,
        lot_code=complaint.lot,
        product_name=complaint.productName,
        contact=complaint.contact,
    )
    return Filed(signalId=signal_id)
