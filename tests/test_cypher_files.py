"""Every named Cypher statement is EXPLAINed against the live server, so a typo fails CI; on a graph that
holds every label, relationship type and property the statements use, the planner must not warn that one
of them is unknown (a misspelt name plans fine but silently matches nothing)."""

import pytest
from neo4j import Query

from graph import audit, credit, reviews
from graph.cypher import all_statement_names, cypher
from graph.epcis import capture as epcis_capture
from graph.monitoring import plans, sampling
from graph.risk import recalls, warnings
from tests.api.test_epcis_graph import CHAIN
from tests.conftest import ROOT, load
from tests.graph.epcis.documents import document

# GQL status codes of the planner's warnings about names the database has never seen.
UNKNOWN_NAME = {"01N50": "label", "01N51": "relationship type", "01N52": "property key"}
STATEMENTS = [n for n in all_statement_names() if not n.startswith("schema/")]


@pytest.fixture(scope="module")
async def populated(graph):
    await graph.write("testing/wipe_all")
    lines = (ROOT / "seed" / "demo.ndjson").read_text(encoding="utf-8").splitlines()
    from graph.imports import import_lines

    assert (await import_lines(graph, lines)).ok
    await load(
        graph,
        {
            "type": "risk_signal",
            "id": "SIG1",
            "source": "LAB_FAILURE",
            "hazard": "BIOLOGICAL",
            "severity": 3,
            "probability": 0.1,
            "receivedAt": "2026-03-10",
            "subject": {"batch": "LOT-IF1-2026-0305"},
            # every property a statement reads must exist here, whatever ran before (the demo's incidents are
            # found by subject and hazard, so none of its signals names a key)
            "incidentKey": "INC-TEST-1",
        },
    )
    # What only the service writes: a lifted listing, downgrade reviews and a decision on one.
    await credit.lift_listing(graph, "BL-XX-2026-0002", "appeal upheld", "officer-1")
    opened = await reviews.open_reviews(graph, "officer-1", ["ENT-CN-DIST-01"])
    await reviews.reject(graph, opened.opened[0].id, "officer-2", "tie is historical")
    # ... and a lifted warning with a recall, a return, a notification and its closing.
    warning, _ = await warnings.issue(graph, ["SIG1"], warnings.Targets(batch_ids=("LOT-IF1-2026-0305",)), [])
    await warnings.lift(graph, warning.id, "over")
    recall = await recalls.open_recall(graph, ["LOT-WMP-NZ-2026-0112"], recalls.RecallClass.I, warning.id)
    await recalls.record_return(graph, recall.id, recall.lines[0].enterprise_id, recall.lines[0].batch_id, 1)
    await recalls.mark_notified(graph, recall.id, recall.lines[0].enterprise_id)
    await recalls.close_recall(graph, recall.id, "all returned")  # what only closing writes
    # ... a proposed grade I warning, a serious listing's lifting awaiting its confirmation, an audit event, and a
    # record replaced by a later import (its previous state kept).
    await warnings.issue(
        graph, ["SIG1"], warnings.Targets(origin_countries=("NZ",)), [], warnings.WarningGrade.I, "infants", "risk-1"
    )
    await credit.lift_listing(graph, "BL-XX-2026-0001", "appeal pending", "officer-1")
    await audit.append(graph, [audit.Entry("auditor", ("auditor",), "Query.x", ("1",), audit.Outcome.OK, "r")])
    await load(graph, {"type": "agency", "id": "AG-XX-SAMR", "name": "renamed", "kind": "MARKET_REGULATION"})
    # Monitoring: a published plan (the demo's) and a spot check proposed and accepted.
    await plans.publish(graph, "MP-2026-H1-01", "mo-1")
    check = await sampling.propose_spot_check(graph, "MP-2026-H1-01", "LOT-BISCUIT-2026-0215", "MARKET", "tip", "mo-1")
    await sampling.decide_spot_check(graph, check.id, True, "mo-2")
    # EPCIS: a captured chain of events (with a job, a declared error and its supplier) and the records from it
    declared = {**CHAIN[1], "errorDeclaration": {"declarationTime": "2026-03-09T00:00:00Z", "reason": "incorrect_data"}}
    await epcis_capture.capture(graph, document(*CHAIN), captured_by="supplier-1")
    await epcis_capture.capture(graph, document(declared), captured_by="supplier-1")
    return graph


@pytest.mark.parametrize("name", STATEMENTS)
async def test_statement_plans_and_names_only_known_things(populated, name):
    async with populated.driver.session(database=populated.database) as session:
        result = await session.run(Query("EXPLAIN " + cypher(name)))
        summary = await result.consume()
    unknown = [s.status_description for s in summary.gql_status_objects if s.gql_status in UNKNOWN_NAME]
    assert not unknown, f"{name}: {unknown}"
