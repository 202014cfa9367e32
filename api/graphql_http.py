"""GraphQL over HTTP: the request body is strict JSON in UTF-8, its text is valid Unicode, and a request that is
not a GraphQL request is answered 400 with a GraphQL-shaped JSON error (code BAD_REQUEST) saying why — never a 500.

A lone UTF-16 surrogate ("\\ud800" is valid JSON syntax) can be neither packed for Neo4j nor encoded as UTF-8, so
a variable holding one fails wherever it is first used; it is refused here, before any operation runs, as
BAD_USER_INPUT naming the variable (the document's own literals cannot hold one: the GraphQL parser refuses them).
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.responses import JSONResponse, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from api.auth import challenge
from graph.errors import Unauthenticated

REQUEST_FORM = 'a JSON object such as {"query": "...", "variables": {...}}'


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def decode_request_body(body: bytes) -> dict[str, Any]:
    """The POST body as a JSON object, or HTTPException(400) saying what is wrong with it."""
    try:
        # utf-8-sig: a leading byte order mark (some Windows tools write one) is not an error.
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise HTTPException(
            400,
            f"the request body is not UTF-8: byte 0x{body[e.start]:02x} at offset {e.start} "
            "(send JSON encoded as UTF-8; convert GBK/GB18030 text first)",
        ) from None
    try:
        data = json.loads(text, parse_constant=_not_json_constant)
    except json.JSONDecodeError as e:
        raise HTTPException(400, f"the request body is not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise HTTPException(400, "the request body is not JSON this service reads: nested too deeply") from None
    except ValueError as e:  # NaN/Infinity, or an integer of more digits than Python converts
        raise HTTPException(400, f"the request body is not JSON: {e}") from None
    if not isinstance(data, dict):
        kind = "an array (batched operations are not supported)" if isinstance(data, list) else json.dumps(data)[:40]
        raise HTTPException(400, f"the request body must be {REQUEST_FORM}, not {kind}")
    return data


def find_lone_surrogate(value: Any, where: str) -> str | None:
    """What in `value` (text, or lists and objects of it, keys included) holds a lone surrogate, as a message
    naming it from `where` (e.g. "variable $input.items[2].name"); None when nothing does. Iterative: JSON may
    nest deeper than Python recursion goes."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if (problem := _lone_surrogate_in(item)) is not None:
                return f"{path} {problem}"
        elif isinstance(item, dict):
            for key, child in item.items():
                if (problem := _lone_surrogate_in(key)) is not None:
                    return f"a key of {path} {problem}"
                stack.append((child, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None


def lone_surrogate_in_request(variables: dict[str, Any] | None, operation_name: Any) -> str | None:
    for name, value in (variables or {}).items():
        if (problem := _lone_surrogate_in(name)) is not None:
            return f"a variable name {problem}"
        if (problem := find_lone_surrogate(value, f"variable ${name}")) is not None:
            return problem
    if isinstance(operation_name, str) and (problem := _lone_surrogate_in(operation_name)) is not None:
        return f"operationName {problem}"
    return None


def _lone_surrogate_in(text: str) -> str | None:
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError as e:  # the strict codec refuses exactly the unpaired surrogates
        line = text.count("\n", 0, e.start) + 1
        column = e.start - (text.rfind("\n", 0, e.start) + 1) + 1
        at = f"line {line} column {column}" if "\n" in text else f"character {e.start + 1}"
        return (
            f"holds a lone surrogate \\u{ord(text[e.start]):04x} at {at}, which is not Unicode text "
            "(a UTF-16 surrogate must come in a pair; send valid UTF-8)"
        )


class StrictGraphQLRouter(GraphQLRouter):
    """Strawberry's FastAPI router, strict about what a request body is and clear about why one is refused."""

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().run(*args, **kwargs)
        except HTTPException as e:  # strawberry's own refusals answer plain text; keep one JSON shape
            return request_error(e.status_code, e.reason)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            content_type = (request.content_type or "").split(";")[0].strip().lower()
            if content_type != "application/json":
                shown = repr(content_type) if content_type else "none"
                raise HTTPException(400, f"POST /graphql takes Content-Type: application/json (got {shown})")
        request_data = await super().parse_http_body(request)
        if isinstance(request_data, GraphQLRequestData) and not isinstance(request_data.operation_name, str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        return request_data

    def parse_json(self, data: str | bytes) -> Any:
        if isinstance(data, bytes):  # the POST body (query-string parameters arrive as text)
            return decode_request_body(data)
        return super().parse_json(data)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        request_data: GraphQLRequestData = kwargs["request_data"]
        context = kwargs["context"]
        if getattr(context, "principal", None) is None:  # no operation answers without a verified caller
            error = context.auth_error or Unauthenticated("no verified caller")
            sub_response = kwargs["sub_response"]
            if isinstance(error, Unauthenticated):
                sub_response.status_code = 401
                sub_response.headers["WWW-Authenticate"] = challenge(error)
            else:  # the issuer's keys could not be fetched
                sub_response.status_code = 503
            return ExecutionResult(data=None, errors=[GraphQLError(str(error), extensions={"code": error.code})])
        if problem := lone_surrogate_in_request(request_data.variables, request_data.operation_name):
            error = GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"})
            return ExecutionResult(data=None, errors=[error])
        return await super().execute_single(*args, **kwargs)


def request_error(status: int, message: str) -> Response:
    code = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(status, "BAD_REQUEST")
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)
