"""The synthetic data generator (seed/generate.py, `tracegraph generate`): the same seed gives the same bytes, so a
benchmark can be rerun on the same data; another seed gives other data; every record is one the import takes."""

from __future__ import annotations

import hashlib
import io
import json
from collections import Counter

import pytest

from graph.db import Graph
from graph.imports import import_lines
from seed.build_demo import invalid_lines
from seed.generate import Plan, records, write


@pytest.fixture(scope="module")
def size_s() -> str:
    out = io.StringIO()
    write("S", 1, out)
    return out.getvalue()


def test_the_same_seed_gives_the_same_bytes(size_s):
    again = io.StringIO()
    write("S", 1, again)
    assert again.getvalue() == size_s


def test_the_output_of_a_seed_does_not_change_between_versions(size_s):
    # bench/RESULTS.md compares runs on `generate --size S --seed 1` over time: a change to the generator that
    # changes its output must be deliberate, and then updates this digest (and says so in RESULTS.md).
    assert hashlib.sha256(size_s.encode()).hexdigest() == (
        "e89ce091893d4490241f7df76ae995e8edf243ed561fca989020924afdc9defc"
    )


def test_another_seed_gives_other_data(size_s):
    other = io.StringIO()
    write("S", 2, other)
    assert other.getvalue() != size_s
    ids = {json.loads(line).get("id") for line in size_s.splitlines()}
    other_ids = {json.loads(line).get("id") for line in other.getvalue().splitlines()}
    assert len(ids ^ other_ids) > 100  # not just a different order: other records


def test_every_record_of_size_s_passes_the_import_record_models(size_s):
    assert invalid_lines(size_s) == []
    lines = size_s.splitlines()
    counts = Counter(json.loads(line)["type"] for line in lines)
    assert counts["batch"] == Plan.of("S").batches
    assert set(counts) == {
        "agency",
        "enterprise",
        "person",
        "link",
        "product",
        "batch",
        "shipment",
        "lab",
        "test_report",
        "blacklist",
    }


async def test_a_small_plan_imports_cleanly_references_and_cycles_included(db: Graph):
    plan = Plan(batches=80, enterprises=30, persons=24, products=10, labs=4)
    lines = [json.dumps(r) for r in records(plan, seed=5)]
    report = await import_lines(db, lines)
    assert report.ok, report.errors[:5]
    assert report.created == len(lines)
