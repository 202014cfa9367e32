"""Named Cypher statements, loaded from cypher/<capability>/<name>.cypher.

Every statement the service runs lives in a file: reviewable as Cypher, EXPLAINed by the test suite
(tests/test_cypher_files.py), and never assembled from user input. Code names a statement by its path
("trace/trace_back"); tests/test_statement_names.py checks that every name the code uses has its file.

Cypher has no include, so statements of one family repeat their common parts (the created / updated /
unchanged tally of every cypher/ingest/upsert_*, the TiesToRefresh work-item tail): the price of one
reviewable, EXPLAINed file per statement.
"""

from functools import cache
from pathlib import Path
from typing import LiteralString, cast

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"


@cache
def cypher(name: str) -> LiteralString:
    """The text of cypher/<name>.cypher, e.g. cypher("trace/trace_back")."""
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise FileNotFoundError(f"no Cypher statement named {name!r} ({path})")
    # The files are part of the code base, not input: the cast states that for the type checker.
    return cast(LiteralString, path.read_text(encoding="utf-8").strip())


def all_statement_names() -> list[str]:
    return sorted(str(p.relative_to(CYPHER_DIR).with_suffix("")) for p in CYPHER_DIR.rglob("*.cypher"))
