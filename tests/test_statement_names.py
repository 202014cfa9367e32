"""Every statement name the code uses has its cypher/ file: a typo'd name fails here, not mid-request."""

import re
from pathlib import Path

from graph.cypher import all_statement_names
from graph.ingest.write import CREATED, NODE_TYPES
from graph.lookup import NAV
from tests.conftest import ROOT

FAMILIES = sorted({name.split("/")[0] for name in all_statement_names()})
NAME = re.compile(r"""["'](({families})/[a-z0-9_]+)["']""".replace("{families}", "|".join(FAMILIES)))


def names_in(directory: Path) -> set[str]:
    return {m.group(1) for path in directory.rglob("*.py") for m in NAME.finditer(path.read_text(encoding="utf-8"))}


def test_every_literal_statement_name_in_the_code_has_a_file():
    used = names_in(ROOT / "graph") | names_in(ROOT / "api") | names_in(ROOT / "tests")
    assert len(used) > 50
    assert sorted(used - set(all_statement_names())) == []


def test_every_composed_statement_name_has_a_file():
    composed = {f"ingest/upsert_{t}" for t in NODE_TYPES} | {f"ingest/create_{t}" for t in CREATED}
    composed |= {f"nav/{name}" for name in NAV}
    assert sorted(composed - set(all_statement_names())) == []
