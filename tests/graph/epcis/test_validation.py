"""The capture validator (jsonschema-rs) gives the verdict of the Python reference implementation (jsonschema with
its uri and date-time format checkers) on every GS1 example and OpenEPCIS capture document."""

import json

import pytest
from jsonschema import Draft7Validator, FormatChecker

from graph.epcis.validation import SCHEMA_PATH, schema_problems
from tests.graph.epcis.documents import GS1_EXAMPLES, OPENEPCIS, load_json

DOCUMENTS = sorted(GS1_EXAMPLES.glob("*.jsonld")) + sorted(OPENEPCIS.glob("*/*.json"))
REFERENCE = Draft7Validator(json.loads(SCHEMA_PATH.read_text()), format_checker=FormatChecker())


def test_the_reference_checks_formats() -> None:
    assert {"uri", "date-time"} <= set(REFERENCE.format_checker.checkers)  # rfc3987, rfc3339-validator installed


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_verdict_as_the_reference_implementation(path) -> None:
    document = load_json(path)
    assert (schema_problems(document)[1] == 0) == REFERENCE.is_valid(document)
    if "Invalid" in str(path):
        assert schema_problems(document)[1] > 0


def test_a_problem_names_its_pointer() -> None:
    document = load_json(OPENEPCIS / "Invalid" / "ObjectEvent_with_invalid_eventTime_format.json")
    problems, count = schema_problems(document)
    assert count == 1
    assert problems[0].pointer == "/epcisBody/eventList/0/eventTime"
    assert "date-time" in problems[0].message
