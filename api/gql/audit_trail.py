"""The audit trail for auditors: `auditEvents(after, first)`, paged like the credit feed's `creditEvents`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

import strawberry

from api.gql.context import Info
from api.gql.enums import AuditOutcome
from api.gql.view import View, unset
from graph import audit


@strawberry.type(description="Who did or saw what: one mutation or one read of confidential data, refused too.")
class AuditEvent(View, audit.AuditEvent):
    seq: int = strawberry.field(description="Strictly increasing, without gaps, in commit order.")
    at: datetime = strawberry.field(description="When it was recorded; never decreases along seq.")
    subject: str = strawberry.field(description="The caller: the subject of its token.")
    roles: tuple[str, ...] = strawberry.field(description="The caller's roles when it called.")
    operation: str = strawberry.field(
        description='The GraphQL field ("Mutation.openRecall", "Query.recallScope", "Type.field" for a nested '
        'confidential field) or the HTTP method and path ("POST /imports").'
    )
    ids: tuple[str, ...] = strawberry.field(description="The ids the operation named (its id-like arguments).")
    outcome: AuditOutcome = strawberry.field(description="OK, DENIED (refused) or FAILED.")
    request_id: str | None = strawberry.field(description="The request's x-request-id, as the access log has it.")

    @strawberry.field(description="Resume the trail after this event with `after: cursor`.")
    def cursor(self) -> str:
        return audit.TRAIL.cursor(self.seq)


@strawberry.type
class AuditEventPage(View, audit.AuditEventPage):
    events: tuple[AuditEvent, ...]
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; on an empty page, the cursor that was given."
    )

    @classmethod
    def of(cls, value: audit.AuditEventPage, **more: Any) -> Self:
        return super().of(value, events=tuple(AuditEvent.of(e) for e in value.events), **more)


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit trail in commit order: every mutation and every read of confidential data, with "
        "its outcome; page with after: endCursor (first 1..1000). Never skips nor repeats an event."
    )
    async def audit_events(self, info: Info, after: str | None = strawberry.UNSET, first: int = 100) -> AuditEventPage:
        return AuditEventPage.of(await audit.page(info.context.graph, unset(after), first))
