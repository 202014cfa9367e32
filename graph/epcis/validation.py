"""Capture validation: the whole document against GS1's EPCIS 2.0 JSON schema (draft-07), with the `uri` and
`date-time` format checks (rfc3987, rfc3339-validator): several of OpenEPCIS's invalid documents fail only those
(a bizStep `transforming` is not a URI, `22-07-2026` is not a date-time)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "EPCIS-JSON-Schema.json"
MAX_SHOWN = 10  # schema errors named in a rejection


@dataclass(frozen=True)
class SchemaProblem:
    pointer: str  # RFC 6901 JSON pointer into the document
    message: str

    def as_json(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


@cache
def _validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=FormatChecker())


def _pointer(error: ValidationError) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)


def _message(error: ValidationError) -> str:
    """The most specific reason: for "not valid under any of the given schemas", the deepest sub-error."""
    best = error
    while best.context:
        best = max(best.context, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) <= len(error.absolute_path) and not best.context:
            break
    text = best.message if best is not error else error.message
    return text if len(text) <= 300 else text[:297] + "..."


def schema_problems(document: Any, limit: int = MAX_SHOWN) -> tuple[list[SchemaProblem], int]:
    """The first `limit` schema errors of `document` (by position), and how many there are."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [SchemaProblem(_pointer(e), _message(e)) for e in errors[:limit]], len(errors)
