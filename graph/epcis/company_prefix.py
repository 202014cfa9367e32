"""Which GS1 Company Prefix length each GS1 number has, for its EPC URN (contract/EPCIS.md section 3): the split of
a URN form of the same number stored before, else the first one anywhere in the document being captured, else 7
digits. Once fixed (stored) a number's split never changes, so canonical ids stay stable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.db import Graph
from graph.epcis import identifiers as ids


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def document_numbers(document: Any) -> tuple[set[str], dict[str, int]]:
    """Every GS1 number the document names (any form), and the split of the first URN form of each."""
    numbers: set[str] = set()
    stated: dict[str, int] = {}
    for text in _strings(document):
        if not text.startswith(("urn:epc:", "http")):
            continue
        identity = ids.parse(text)
        if identity.is_gs1:
            numbers.add(identity.number)
            if identity.urn_split is not None:
                stated.setdefault(identity.number, identity.urn_split)
    return numbers, stated


LOOKUP_CHUNK = 5_000  # numbers per read: a 100 000-event document names as many


async def known(graph: Graph, numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        rows = await graph.read("epcis/company_prefixes", numbers=numbers[start : start + LOOKUP_CHUNK])
        found.update((r["number"], r["length"]) for r in rows)
    return found


async def fix_for(graph: Graph, document: Any) -> dict[str, int]:
    """The split of every GS1 number of `document`, fixed (stored) for the numbers that had none."""
    numbers, stated = document_numbers(document)
    splits = await known(graph, sorted(numbers))
    new = {n: stated.get(n, ids.DEFAULT_SPLIT) for n in numbers if n not in splits}
    if new:
        rows = [{"number": n, "length": length} for n, length in sorted(new.items())]
        for start in range(0, len(rows), LOOKUP_CHUNK):
            await graph.write("epcis/fix_company_prefixes", rows=rows[start : start + LOOKUP_CHUNK])
        splits.update(await known(graph, sorted(new)))  # another capture may have fixed some first
    return splits
