"""GraphQL of issue 17's documents: reports to enterprises and to a monitoring plan's agencies, foreign technical
trade measures (record, affected exporters, impact, notices) and the addresses of evidence dossiers. The documents
themselves (PDF, zip) are downloaded over HTTP (api/reports.py); GraphQL gives their JSON."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.gql.context import Info
from graph import foreign_measures
from graph.records import TradeMeasureKind
from graph.reports import agency, enterprise

strawberry.enum(TradeMeasureKind, description="TBT: technical barrier to trade; SPS: sanitary or phytosanitary.")


@strawberry.type(description="A volume of exports in one unit (units are never added together).")
class ExportVolume:
    unit: str
    quantity: float
    shipments: int


@strawberry.type(description="A local exporter a foreign measure affects, with what it exported under it.")
class AffectedExporter:
    enterprise_id: strawberry.ID
    name: str
    country: str | None
    shipments: int
    volumes: list[ExportVolume] = strawberry.field(description="Per unit, by unit.")
    products: list[str]
    last_shipped_at: str

    @classmethod
    def of(cls, x: dict[str, Any]) -> AffectedExporter:
        return cls(
            enterprise_id=strawberry.ID(x["enterprise"]),
            name=x["name"],
            country=x["country"],
            shipments=x["shipments"],
            volumes=[ExportVolume(**v) for v in x["volumes"]],
            products=x["products"],
            last_shipped_at=x["lastShippedAt"],
        )


@strawberry.type(description="An information notice about a foreign measure to one exporter, signed.")
class ForeignMeasureNotice:
    enterprise_id: strawberry.ID
    signed_by: str
    sent_at: str
    text: str
    created: bool = strawberry.field(description="false: the exporter had been notified before; that notice stands.")


@strawberry.type(description="A foreign technical trade measure (a WTO TBT/SPS notification, most often).")
class ForeignMeasure:
    id: strawberry.ID
    country: str
    hs_codes: list[str]
    kind: TradeMeasureKind
    title: str
    requirement: str
    notified_at: str
    effective_from: str | None
    notification: str | None
    source_url: str | None
    notices: list[ForeignMeasureNotice]

    @classmethod
    def of(cls, m: dict[str, Any]) -> ForeignMeasure:
        return cls(
            id=strawberry.ID(m["id"]),
            country=m["country"],
            hs_codes=m["hsCodes"],
            kind=TradeMeasureKind(m["kind"]),
            title=m["title"],
            requirement=m["requirement"],
            notified_at=m["notifiedAt"],
            effective_from=m.get("effectiveFrom"),
            notification=m.get("notification"),
            source_url=m.get("sourceUrl"),
            notices=[ForeignMeasureNotice(created=False, **_notice(n)) for n in m["notices"]],
        )

    @strawberry.field(description="The local exporters it affects (exports under its HS codes to its country).")
    async def affected_exporters(self, info: Info, since: str | None = None) -> list[AffectedExporter]:
        rows = await foreign_measures.affected_exporters(info.context.graph, self.id, since)
        return [AffectedExporter.of(x) for x in rows]


def _notice(n: dict[str, Any]) -> dict[str, Any]:
    return {
        "enterprise_id": strawberry.ID(n["enterprise"]),
        "signed_by": n["signedBy"],
        "sent_at": n["sentAt"],
        "text": n["text"],
    }


@strawberry.input(description="A foreign_measure record (contract RECORDS.md extension), validated like one.")
class ForeignMeasureInput:
    id: strawberry.ID
    country: str
    hs_codes: list[str]
    kind: TradeMeasureKind
    title: str
    requirement: str
    notified_at: str
    effective_from: str | None = None
    notification: str | None = None
    source_url: str | None = None

    def record(self) -> dict[str, Any]:
        fields = {
            "id": str(self.id),
            "country": self.country,
            "hsCodes": self.hs_codes,
            "kind": self.kind.value,
            "title": self.title,
            "requirement": self.requirement,
            "notifiedAt": self.notified_at,
            "effectiveFrom": self.effective_from,
            "notification": self.notification,
            "sourceUrl": self.source_url,
        }
        return {k: v for k, v in fields.items() if v is not None}


@strawberry.type
class ReportsQuery:
    @strawberry.field(
        description="An enterprise's periodic report as JSON (the PDF: GET /reports/enterprises/{id}.pdf?period=). "
        "period: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD/YYYY-MM-DD, in China time."
    )
    async def enterprise_report(self, info: Info, enterprise_id: strawberry.ID, period: str) -> JSON:
        return cast(JSON, await enterprise.report(info.context.graph, str(enterprise_id), period))

    @strawberry.field(
        description="A monitoring plan's report to its responsible agencies as JSON (the PDF: GET "
        "/reports/plans/{planId}.pdf): the plan, progress per target and stage, the failed tests, what to follow up."
    )
    async def agency_report(self, info: Info, plan_id: strawberry.ID) -> JSON:
        return cast(JSON, await agency.report(info.context.graph, str(plan_id)))

    @strawberry.field(description="A foreign technical trade measure by id; null when unknown.")
    async def foreign_measure(self, info: Info, id: strawberry.ID) -> ForeignMeasure | None:
        found = (await foreign_measures.by_ids(info.context.graph, [str(id)]))[0]
        return ForeignMeasure.of(found) if found else None

    @strawberry.field(
        description="A foreign measure's impact report as JSON (the PDF: GET /foreign-measures/{id}/impact.pdf). "
        "since: the exports counted, from this date (default: a year before it was notified)."
    )
    async def foreign_measure_impact(self, info: Info, id: strawberry.ID, since: str | None = None) -> JSON:
        return cast(JSON, await foreign_measures.impact(info.context.graph, str(id), since))


@strawberry.type
class ReportsMutation:
    @strawberry.mutation(description="Record a foreign technical trade measure; validated and idempotent as a record.")
    async def record_foreign_measure(self, info: Info, input: ForeignMeasureInput) -> ForeignMeasure:
        stored = await foreign_measures.record(info.context.graph, input.record(), info.context.actor)
        return ForeignMeasure.of(stored)

    @strawberry.mutation(
        description="Send an information notice about a foreign measure to every exporter it affects, signed by "
        "the caller (by, when given, must name the caller). Notifying again keeps each first notice."
    )
    async def notify_foreign_measure(
        self, info: Info, id: strawberry.ID, since: str | None = None, by: str | None = None
    ) -> list[ForeignMeasureNotice]:
        signer = info.context.signed_by(by, may_omit=True)
        sent = await foreign_measures.notify(info.context.graph, str(id), signer, since)
        return [ForeignMeasureNotice(created=n["created"], **_notice(n)) for n in sent]
