"""What every record model shares (graph/records.py, and the signal channels of graph/risk/channels.py, which
graph/records.py imports): how strictly a record is read, and the map of a tagged union's models by their tag."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ConfigDict

# strict: no silent coercion ("5" is not 5); ints are still accepted where floats belong.
STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, use_enum_values=True)


def models_by_tag(union: Any, tag: str) -> dict[str, type[BaseModel]]:
    """The models of a discriminated union, `Annotated[A | B | ..., Field(discriminator=tag)]`, by the value of
    their `tag` field (a one-value Literal), in the union's order."""
    (members, *_) = typing.get_args(union)
    by_tag: dict[str, type[BaseModel]] = {}
    for model in typing.get_args(members):
        (value,) = typing.get_args(model.model_fields[tag].annotation)
        by_tag[value] = model
    return by_tag
