"""Capture validation: the whole document against GS1's EPCIS 2.0 JSON schema (draft-07), with the `uri` and
`date-time` format checks: several of OpenEPCIS's invalid documents fail only those (a bizStep `transforming` is
not a URI, `22-07-2026` is not a date-time).

The validator is jsonschema-rs (Rust): the Python reference implementation (jsonschema with rfc3987 and
rfc3339-validator) takes 12 ms an event on this schema, 20 minutes for a 100 000-event document; jsonschema-rs
takes 20 µs. tests/graph/epcis/test_validation.py checks that both give the same verdict on every GS1 and OpenEPCIS
document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "EPCIS-JSON-Schema.json"
MAX_SHOWN = 10  # schema errors named in a rejection
MAX_COUNTED = 1000  # errors counted (a document of garbage has millions)


@dataclass(frozen=True)
class SchemaProblem:
    pointer: str  # RFC 6901 JSON pointer into the document
    message: str

    def as_json(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft7Validator(schema, validate_formats=True)


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _message(text: str) -> str:
    return text if len(text) <= 300 else text[:297] + "..."


def schema_problems(document: Any, limit: int = MAX_SHOWN) -> tuple[list[SchemaProblem], int]:
    """The first `limit` schema errors of `document` (in document order), and how many there are (up to
    MAX_COUNTED)."""
    validator = _validator()
    if validator.is_valid(document):
        return [], 0
    errors = list(islice(validator.iter_errors(document), MAX_COUNTED))
    errors.sort(key=lambda e: [str(p) for p in e.instance_path])
    return [SchemaProblem(_pointer(e.instance_path), _message(e.message)) for e in errors[:limit]], len(errors)
