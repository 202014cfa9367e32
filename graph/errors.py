"""Domain errors. The API maps `code` onto GraphQL's extensions.code and onto HTTP statuses."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError

from graph import values


class DomainError(Exception):
    code = "INTERNAL_SERVER_ERROR"


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, kind: str, ident: str, argument: str | None = None):
        where = f" (argument {argument})" if argument else ""
        super().__init__(f"{kind} {ident!r} not found{where}")
        self.kind = kind
        self.ident = ident
        self.argument = argument


class BadInput(DomainError):
    code = "BAD_USER_INPUT"

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument


class Unauthenticated(DomainError):
    """No verified caller: a missing, malformed, expired or foreign token (HTTP 401)."""

    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    """A verified caller who may not do this: a role missing, a decision that needs a second person (HTTP 403).
    The message says what is needed."""

    code = "FORBIDDEN"


class InvalidStoredValue(DomainError):
    """The graph holds a value no answer can carry (an infinite quantity, written before imports refused it):
    the request was fine, the record it comes from needs correcting."""

    code = "INVALID_STORED_VALUE"
    REIMPORT = "re-import the record with a finite value"

    def __init__(self, what: str, value: object, remedy: str = REIMPORT):
        super().__init__(f"{what} is {value!r} in the graph, not a finite number; {remedy}")


def check_range(argument: str, value: int | float, low: int | float, high: int | float) -> None:
    if not low <= value <= high:
        raise BadInput(argument, f"must be between {low} and {high}, got {value}")


T = TypeVar("T")


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind, config=ConfigDict(strict=True))


def valid(argument: str, kind: Any, value: T) -> T:
    """`value` if it is a `kind` (one of the annotated types of graph.values), else BadInput naming the argument:
    the mutations' arguments are held to the rules of the records."""
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as err:
        raise BadInput(argument, err.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")) from None


def required(argument: str, value: str | None) -> str:
    """A text a decision must carry (who, why): stripped, and refused when blank or when it holds control
    characters other than tabs and line breaks."""
    if value is None or not value.strip():
        raise BadInput(argument, "must not be blank")
    return valid(argument, values.Prose, value.strip())


def optional(argument: str, value: str | None) -> str | None:
    """A text a decision may carry (a note, a reason not asked for): None when absent or blank, else as required."""
    return None if value is None or not value.strip() else required(argument, value)
