"""The record parser under any input: any bytes, any JSON, any record-shaped object becomes either a record or import
errors naming their line (and, for a field's fault, the field), never an exception."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graph import records as rec
from graph.ingest.index import ImportIndex
from graph.ingest.parse import parse_lines
from graph.ingest.report import Errors
from graph.ingest.source import file_lines

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FIELDS = sorted({name for model in rec.RECORD_TYPES.values() for name in model.model_fields} | {"type"})
RECORD_SHAPED = st.builds(
    lambda rtype, fields: {**fields, "type": rtype},
    st.sampled_from(sorted(rec.RECORD_TYPES)) | st.text(max_size=8),
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8),
)


async def parsed(lines: list[Any]) -> tuple[int, Errors, int]:
    errors = Errors()
    with ImportIndex() as index:
        count = await parse_lines(lines, index, errors)
        return count, errors, index.count()


def assert_every_error_names_a_line(errors: Errors, lines: int) -> None:
    for issue in errors.items:
        assert 1 <= issue.line <= lines, issue
        assert isinstance(issue.message, str) and issue.message, issue
        assert issue.field is None or (isinstance(issue.field, str) and issue.field), issue


@settings(max_examples=150)
@given(st.binary(max_size=400) | st.lists(st.binary(max_size=60), max_size=6).map(b"\n".join))
async def test_any_bytes_are_records_or_errors_by_line(data):
    lines = list(file_lines(io.BytesIO(data)))
    count, errors, records = await parsed(lines)
    assert count == len(lines)
    assert_every_error_names_a_line(errors, count)
    nonblank = [n for n, line in enumerate(lines, 1) if not isinstance(line, str) or line.strip()]
    assert records + len({e.line for e in errors.items}) >= len(nonblank) or errors.count > len(errors.items)


@settings(max_examples=150)
@given(JSON | RECORD_SHAPED)
async def test_any_json_value_is_a_record_or_errors_on_its_line(value):
    count, errors, records = await parsed([json.dumps(value)])
    assert count == 1
    assert_every_error_names_a_line(errors, 1)
    assert (records == 1) != bool(errors.items), (value, errors.items)
    if isinstance(value, dict) and value.get("type") in rec.RECORD_TYPES:
        assert all(issue.field for issue in errors.items), errors.items  # a known type: every fault is a field's


@settings(max_examples=100)
@given(RECORD_SHAPED)
async def test_a_record_shaped_mapping_from_another_format_is_a_record_or_errors(value):
    """Records mapped from another format (EPCIS events) arrive as mappings, not text: the same outcome."""
    count, errors, records = await parsed([value])
    assert count == 1
    assert_every_error_names_a_line(errors, 1)
    assert (records == 1) != bool(errors.items), (value, errors.items)
