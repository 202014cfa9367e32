"""Plain HTTP: the recall spreadsheet, health and readiness."""

import csv
import io

from tests.conftest import BASE, batch, enterprise, load, shipment


async def test_recall_scope_csv_is_a_sortable_spreadsheet(client, db):
    await load(
        db,
        *BASE,
        enterprise("R1", name="零售一号"),
        enterprise("R2"),
        batch("A"),
        batch("B", [("A", 1)]),
        batch("C"),
        shipment("S1", "A", "R2", quantity=2),
        shipment("S2", "B", "R1", quantity=3),
        shipment("S3", "B", "R1", quantity=4, shipped_at="2026-04-01"),
        shipment("S4", "C", "R1"),
    )
    response = await client.get("/recall-scope.csv", params=[("batch", "A"), ("batch", "C"), ("maxDepth", "5")])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert [(r["consignee_id"], r["batch_id"], r["quantity"], r["depth"], r["source_ids"]) for r in rows] == [
        ("R1", "B", "7", "1", "A"),
        ("R1", "C", "10", "0", "C"),
        ("R2", "A", "2", "0", "A"),
    ]
    assert rows[0]["consignee_name"] == "零售一号"
    assert (rows[0]["first_shipped_at"], rows[0]["last_shipped_at"], rows[0]["shipments"]) == (
        "2026-03-05",
        "2026-04-01",
        "2",
    )


async def test_recall_scope_csv_errors_name_the_problem(client, db):
    await load(db, *BASE, batch("A"))
    missing = await client.get("/recall-scope.csv", params={"batch": "NOPE"})
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message"]
    bad_depth = await client.get("/recall-scope.csv", params={"batch": "A", "maxDepth": "0"})
    assert bad_depth.status_code == 400 and "maxDepth" in bad_depth.json()["error"]["message"]
    not_int = await client.get("/recall-scope.csv", params={"batch": "A", "maxDepth": "ten"})
    assert not_int.status_code == 400 and "maxDepth" in not_int.json()["error"]["message"]
    no_batch = await client.get("/recall-scope.csv")
    assert no_batch.status_code == 400 and "batch" in no_batch.json()["error"]["message"]


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["neo4j"] == "up"


async def test_graphiql_is_served_to_a_browser(client):
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
