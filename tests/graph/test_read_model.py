"""The generic reader of Cypher maps into read models, and the two shapes of a batched read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pytest

from graph.read_model import ROW, column, from_row, grouped, in_order, read_model


class Colour(StrEnum):
    RED = "RED"
    BLUE = "BLUE"


@read_model
class Part:
    name: str
    weight_kg: float | None = None


@read_model
class Thing:
    id: str
    colour: Colour
    made_at: datetime
    parts: tuple[Part, ...]
    tags: list[str]
    notes: dict[str, Any]
    size: int = 1
    owner_id: str | None
    code: str = column("legacyCode")
    pair: tuple[str, int] = column(ROW, read=lambda m: (m["left"], m["right"]))


ROW_OF_A_THING = {
    "id": "T1",
    "colour": "BLUE",
    "madeAtMs": 0,
    "parts": json.dumps([{"name": "bolt", "weightKg": 0.5}, {"name": "nut"}]),  # lists of maps are stored as JSON
    "tags": ["a", "b"],
    "notes": '{"k": 1}',
    "size": None,
    "ownerId": None,
    "legacyCode": "X-1",
    "left": "L",
    "right": 2,
    "unrelated": "ignored",
}


def test_a_map_is_read_by_the_fields_types():
    thing = from_row(Thing, ROW_OF_A_THING)
    assert thing == Thing(
        id="T1",
        colour=Colour.BLUE,
        made_at=datetime(1970, 1, 1, tzinfo=UTC),
        parts=(Part(name="bolt", weight_kg=0.5), Part(name="nut")),
        tags=["a", "b"],
        notes={"k": 1},
        size=1,  # null: the default
        owner_id=None,
        code="X-1",
        pair=("L", 2),
    )
    assert type(thing.colour) is Colour


def test_null_collections_are_empty_and_a_missing_required_key_is_an_error():
    thing = from_row(Thing, {**ROW_OF_A_THING, "parts": None, "tags": None})
    assert (thing.parts, thing.tags) == ((), [])
    without_id = {k: v for k, v in ROW_OF_A_THING.items() if k != "id"}
    with pytest.raises(KeyError, match="Thing: 'id' is missing or null"):
        from_row(Thing, without_id)
    with pytest.raises(KeyError, match="Thing: 'colour' is missing or null"):
        from_row(Thing, {**ROW_OF_A_THING, "colour": None})


def test_a_missing_optional_key_is_none():
    assert from_row(Part, {"name": "washer"}) == Part(name="washer", weight_kg=None)


def test_rows_by_id_come_in_the_order_asked_with_none_for_an_unknown_id():
    parts = [Part(name="a"), Part(name="b")]
    assert in_order(parts, ["b", "x", "a", "b"], key=lambda p: p.name) == [parts[1], None, parts[0], parts[1]]


def test_rows_grouped_by_parent_keep_their_order_and_every_parent_asked_has_a_list():
    rows = [{"parent": "P2", "v": 1}, {"parent": "P1", "v": 2}, {"parent": "P2", "v": 3}]
    assert grouped(rows, ["P1", "P2", "P3"], lambda r: r["v"]) == [[2], [1, 3], []]
