"""The audit trail of the HTTP routes other than /graphql (whose fields api/gql/audit.py records): a request to a
route whose rule (api/access.ROUTES) marks a confidential read (the consignee lists' exports), to a route that
writes (POST /imports) or to the credit feed is appended as one event, its outcome from the status, before the
answer starts: an answered request always has its event.

Plain ASGI, and the route found by matching the request against the templates of api/access.ROUTES itself, so
that a request refused before routing (no token: 401) is recorded like one refused by its endpoint."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.access import AUDITED_ROUTES, ROUTES
from api.gql.audit import append_or_log, caller, is_id_name, request_id_of
from graph.audit import Entry, Outcome

READS = frozenset({"GET", "HEAD", "OPTIONS"})
NODE_NAMES = frozenset({"batch", "enterprise", "product", "shipment", "lab", "person", "recall", "warning"})


def audited_route(key: str) -> bool:
    """Whether requests to the route "METHOD /template" are recorded."""
    if key in ("GET /graphql", "POST /graphql"):
        return False  # GraphQL records field by field
    rule = ROUTES.get(key)
    return key in AUDITED_ROUTES or (rule is not None and rule.audited) or key.split(" ", 1)[0] not in READS


def outcome_of_status(status: int) -> Outcome:
    if status in (401, 403):
        return Outcome.DENIED
    return Outcome.OK if status < 400 else Outcome.FAILED


def ids_of(path_params: dict[str, Any], query: QueryParams) -> tuple[str, ...]:
    """The ids a request names: its path parameters (but a file extension), and id-like query parameters."""
    ids = [str(v) for k, v in path_params.items() if k != "extension"]
    ids += [v for k, v in query.multi_items() if is_id_name(k) or k in NODE_NAMES]
    return tuple(ids)


def _compiled(keys: Iterable[str]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(method, key, path regex) of the recorded routes, from their templates as api/access.ROUTES keys them."""
    compiled = []
    for key in keys:
        if audited_route(key):
            method, template = key.split(" ", 1)
            compiled.append((method, key, compile_path(template)[0]))
    return compiled


class AuditRoutes:
    """Matches a request against the recorded routes of api/access.ROUTES (every route has its entry there)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.routes = _compiled([*ROUTES, *AUDITED_ROUTES])

    def _route(self, scope: Scope) -> tuple[str, dict[str, Any]] | None:
        for method, key, pattern in self.routes:
            if scope["method"] == method and (found := pattern.match(scope["path"])):
                return key, found.groupdict()
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._route(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        key, path_params = found
        recorded = False

        async def record(status: int) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            headers = Headers(scope=scope)
            subject, roles = caller((scope.get("state") or {}).get("principal"))
            ids = ids_of(path_params, QueryParams(scope.get("query_string", b"")))
            entry = Entry(subject, roles, key, ids, outcome_of_status(status), request_id_of(headers))
            await append_or_log(scope["app"].state.graph, [entry])

        async def send_after_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                await record(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_after_recording)
        except BaseException:
            await record(500)
            raise
