#!/usr/bin/env python3
"""Write seed/demo.ndjson, the demo data set (scenario: seed/demo_scenario.py, described in seed/DEMO.md).

Deterministic: the same bytes on every run. Every line is parsed with the import's own record models
(graph.records), so a record the import would reject stops the build; references, cycles and the scenario's
realism are checked by tests/seed/test_demo.py, which imports the file into Neo4j. Run with the project venv:

    .venv/bin/python seed/build_demo.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.records import Record
from seed import demo_scenario

OUT = Path(__file__).with_name("demo.ndjson")


def invalid_lines(text: str) -> list[str]:
    """Each line the import's record models reject, with its number and the reasons."""
    adapter: TypeAdapter[Record] = TypeAdapter(Record)
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            adapter.validate_json(line)
        except ValidationError as err:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
            problems.append(f"line {number}: {reasons}")
    return problems


def main() -> int:
    records = demo_scenario.build()
    text = records.ndjson()
    if problems := invalid_lines(text):
        print("the demo has records the import would reject:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} records to {OUT}")
    for rtype, count in Counter(r["type"] for r in records).items():
        print(f"  {rtype:12} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
