"""The core contract over real HTTP: shapes, orderings, error codes, limits, the import mutation."""

import pytest

from tests.chain import CHAIN, CHAIN_EDGES, CHAIN_HOLDINGS
from tests.conftest import BASE, batch, enterprise, gql, load, ndjson, shipment

GRAPH = (
    *BASE,
    enterprise("R1", roles=["RETAILER"], country="CN"),
    enterprise("H", name="Holding"),
    {"type": "person", "id": "PER1", "name": "Li Wei"},
    {"type": "link", "kind": "LEGAL_REPRESENTATIVE", "from": "PER1", "to": "M"},
    {"type": "link", "kind": "SHAREHOLDER", "from": "H", "to": "M", "share": 0.6},
    {"type": "link", "kind": "SHAREHOLDER", "from": "PER1", "to": "M", "share": 0.1},
    batch("IN1"),
    batch("IN2"),
    batch("OUT", [("IN1", 3), ("IN2", 4)]),
    shipment("S1", "OUT", "R1", quantity=6, shipped_at="2026-03-06"),
    shipment("S2", "OUT", "R1", quantity=4, shipped_at="2026-03-07"),
    {"type": "lab", "id": "LAB1", "name": "Henan Lab", "recognized": True},
    {
        "type": "test_report",
        "id": "TR1",
        "lab": "LAB1",
        "batch": "OUT",
        "result": "FAIL",
        "testedAt": "2026-03-08",
        "items": [{"name": "Cronobacter", "value": 1, "limit": 0, "unit": "CFU/g", "pass": False}],
    },
)

TRACE = """
query($id: ID!, $d: Int!) {
  traceBack(batchId: $id, maxDepth: $d) {
    root { id product { id name hsCode category } producer { id name roles country creditGrade blacklisted } }
    upstream { depth batch { id quantity unit producedAt } }
    custody { id quantity shippedAt batch { id } from { id } to { id } }
  }
}"""


@pytest.fixture
async def api(client, db):
    await load(db, *GRAPH)
    return client


async def test_trace_back_answers_in_the_contract_shape(api):
    body = await gql(api, TRACE, id="OUT", d=10)
    trace = body["data"]["traceBack"]
    assert trace["root"]["product"] == {"id": "P1", "name": "Product P1", "hsCode": "1901101000", "category": "FOOD"}
    assert trace["root"]["producer"] == {
        "id": "M",
        "name": "Enterprise M",
        "roles": ["MANUFACTURER"],
        "country": "CN",
        "creditGrade": "REGULAR",
        "blacklisted": False,
    }
    assert [(u["batch"]["id"], u["depth"]) for u in trace["upstream"]] == [("IN1", 1), ("IN2", 1)]
    assert trace["custody"] == [
        {
            "id": "S1",
            "quantity": 6.0,
            "shippedAt": "2026-03-06",
            "batch": {"id": "OUT"},
            "from": {"id": "M"},
            "to": {"id": "R1"},
        },
        {
            "id": "S2",
            "quantity": 4.0,
            "shippedAt": "2026-03-07",
            "batch": {"id": "OUT"},
            "from": {"id": "M"},
            "to": {"id": "R1"},
        },
    ]


async def test_recall_scope_sums_holdings_per_consignee(api):
    body = await gql(
        api,
        """{ recallScope(batchIds: ["IN1"]) {
        sources { id } affectedBatches { depth batch { id } }
        consignees { enterprise { id } holdings { batch { id } quantity unit } } } }""",
    )
    scope = body["data"]["recallScope"]
    assert scope["sources"] == [{"id": "IN1"}]
    assert scope["affectedBatches"] == [{"depth": 0, "batch": {"id": "IN1"}}, {"depth": 1, "batch": {"id": "OUT"}}]
    assert scope["consignees"] == [
        {"enterprise": {"id": "R1"}, "holdings": [{"batch": {"id": "OUT"}, "quantity": 10.0, "unit": "KGM"}]}
    ]


async def test_lookups_answer_null_for_unknown_ids(api):
    body = await gql(api, '{ batch(id: "X") { id } enterprise(id: "X") { id } product(id: "X") { id } }')
    assert body == {"data": {"batch": None, "enterprise": None, "product": None}}


@pytest.mark.parametrize(
    ("query", "code", "named"),
    [
        ('{ traceBack(batchId: "NOPE") { root { id } } }', "NOT_FOUND", "NOPE"),
        ('{ traceBack(batchId: "OUT", maxDepth: 0) { root { id } } }', "BAD_USER_INPUT", "maxDepth"),
        ('{ traceBack(batchId: "OUT", maxDepth: 51) { root { id } } }', "BAD_USER_INPUT", "maxDepth"),
        ('{ recallScope(batchIds: ["IN1", "NOPE"]) { sources { id } } }', "NOT_FOUND", "NOPE"),
        ('{ recallScope(batchIds: ["NOPE"]) { affectedBatchesPage { items { depth } } } }', "NOT_FOUND", "NOPE"),
        ('{ recallScope(batchIds: ["IN1", "NOPE"]) { edges { quantity } } }', "NOT_FOUND", "NOPE"),
        (
            '{ recallScope(batchIds: ["IN1"]) { affectedBatchesPage(first: 0) { hasNextPage } } }',
            "BAD_USER_INPUT",
            "first",
        ),
        ("{ recallScope(batchIds: []) { sources { id } } }", "BAD_USER_INPUT", "batchIds"),
        ('{ recallScope(batchIds: ["IN1"], maxDepth: 99) { sources { id } } }', "BAD_USER_INPUT", "maxDepth"),
        ('{ batch(id: "OUT") { shipments(first: 0) { id } } }', "BAD_USER_INPUT", "first"),
        ('{ batch(id: "OUT") { shipments(first: 1001) { id } } }', "BAD_USER_INPUT", "first"),
    ],
)
async def test_errors_carry_a_code_and_name_the_id_or_argument(api, query, code, named):
    body = await gql(api, query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == code
    assert named in error["message"]


async def test_a_malformed_variable_is_bad_user_input_not_a_500(api):
    body = await gql(api, TRACE, id="OUT", d="ten")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_unknown_field_is_a_validation_error_with_a_suggestion(api):
    body = await gql(api, '{ traceBack(batchId: "OUT") { rot { id } } }')
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "root" in body["errors"][0]["message"]


async def test_depth_and_alias_limits_refuse_abusive_queries(api):
    deep = '{ batch(id: "OUT") { ' + "inputs { batch { " * 12 + "id" + " } }" * 12 + " } }"
    body = await gql(api, deep)
    assert "is nested deeper than 24 levels (GRAPHQL_MAX_DEPTH)" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f'a{i}: batch(id: "OUT") {{ id }}' for i in range(40)) + " }"
    body = await gql(api, aliases)
    assert body["errors"] and body.get("data") is None


async def test_navigation_from_batch_enterprise_and_product(api):
    body = await gql(
        api,
        """{
      batch(id: "OUT") {
        inputs { quantity batch { id } } outputs { batch { id } }
        shipments(first: 1) { id }
        testReports { id result testedAt items { name value limit unit passed } lab { id recognized status } }
      }
      enterprise(id: "M") {
        batches { id } shipmentsOut { id } shipmentsIn { id }
        people { personId name role share } owners { holderId kind share }
      }
      product(id: "P1") { batches(first: 2) { id } }
    }""",
    )
    data = body["data"]
    assert data["batch"]["inputs"] == [
        {"quantity": 3.0, "batch": {"id": "IN1"}},
        {"quantity": 4.0, "batch": {"id": "IN2"}},
    ]
    assert data["batch"]["outputs"] == []
    assert data["batch"]["shipments"] == [{"id": "S1"}]
    assert data["batch"]["testReports"] == [
        {
            "id": "TR1",
            "result": "FAIL",
            "testedAt": "2026-03-08",
            "items": [{"name": "Cronobacter", "value": "1", "limit": "0", "unit": "CFU/g", "passed": False}],
            "lab": {"id": "LAB1", "recognized": True, "status": "ACTIVE"},
        }
    ]
    ent = data["enterprise"]
    assert [b["id"] for b in ent["batches"]] == ["IN1", "IN2", "OUT"]
    assert [s["id"] for s in ent["shipmentsOut"]] == ["S1", "S2"] and ent["shipmentsIn"] == []
    assert ent["people"] == [
        {"personId": "PER1", "name": "Li Wei", "role": "LEGAL_REPRESENTATIVE_OF", "share": None},
        {"personId": "PER1", "name": "Li Wei", "role": "SHAREHOLDER_OF", "share": 0.1},
    ]
    assert ent["owners"] == [
        {"holderId": "H", "kind": "ENTERPRISE", "share": 0.6},
        {"holderId": "PER1", "kind": "PERSON", "share": 0.1},
    ]
    assert data["product"]["batches"] == [{"id": "IN1"}, {"id": "IN2"}]


async def test_blacklisted_means_a_listing_in_force_now(api, db):
    await load(
        db,
        {"type": "blacklist", "id": "BL1", "enterprise": "R1", "reason": "fake certificates", "listedAt": "2026-01-01"},
        {
            "type": "blacklist",
            "id": "BL2",
            "enterprise": "M",
            "reason": "old case",
            "listedAt": "2020-01-01",
            "expiresAt": "2021-01-01",
        },
    )
    body = await gql(
        api, '{ r1: enterprise(id: "R1") { blacklisted creditGrade } m: enterprise(id: "M") { blacklisted } }'
    )
    assert body["data"] == {"r1": {"blacklisted": True, "creditGrade": "DISHONEST"}, "m": {"blacklisted": False}}


IMPORT = (
    "mutation($text: String!) { importRecords(ndjson: $text) { ok created updated unchanged "
    "errors { line field message } byType { type created } } }"
)


async def test_import_records_writes_and_reports_counts(client):
    text = "\n".join(ndjson(*BASE, batch("B1")))
    report = (await gql(client, IMPORT, text=text))["data"]["importRecords"]
    assert report["ok"] and (report["created"], report["updated"], report["unchanged"]) == (3, 0, 0)
    assert {t["type"]: t["created"] for t in report["byType"]} == {"enterprise": 1, "product": 1, "batch": 1}
    again = (await gql(client, IMPORT, text=text))["data"]["importRecords"]
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


async def test_import_records_reports_line_numbered_errors_and_writes_nothing(client):
    text = "\n".join([*ndjson(*BASE), '{"type":"batch","id":"B1","product":"P1"}', "", "not json"])
    report = (await gql(client, IMPORT, text=text))["data"]["importRecords"]
    assert report["ok"] is False and report["created"] == 0
    assert {(e["line"], e["field"]) for e in report["errors"]} >= {(3, "producer"), (3, "quantity"), (5, None)}
    body = await gql(client, '{ enterprise(id: "M") { id } }')
    assert body["data"]["enterprise"] is None


# --- contract v2: edges, every traced lot's shipments, what consignees hold; mass balance ----------------------


def count_reads(graph, monkeypatch) -> dict[str, int]:
    """How many times each named statement is read from now on (the real statements still run)."""
    counts: dict[str, int] = {}
    read = graph.read

    async def counted(name, **params):
        counts[name] = counts.get(name, 0) + 1
        return await read(name, **params)

    monkeypatch.setattr(graph, "read", counted)
    return counts


async def test_trace_edges_and_the_shipments_of_every_traced_lot_in_one_query(db, client, monkeypatch):
    await load(db, *CHAIN)
    reads = count_reads(db, monkeypatch)
    body = await gql(
        client,
        """{ traceBack(batchId: "BREAD") {
          upstream { depth batch { id } shipments { id from { id } to { id } quantity } }
          edges { input { id unit } output { id } quantity unit } } }""",
    )
    trace = body["data"]["traceBack"]
    assert [(u["batch"]["id"], u["depth"], [s["id"] for s in u["shipments"]]) for u in trace["upstream"]] == [
        ("PREMIX", 1, ["C4"]),
        ("SUGAR", 1, []),
        ("POWDER", 2, ["C1", "C2", "C3"]),  # by shippedAt
    ]
    assert trace["upstream"][2]["shipments"][1] == {
        "id": "C2",
        "from": {"id": "IMP"},
        "to": {"id": "MAK"},
        "quantity": 12_000.0,
    }
    assert trace["edges"] == [
        {"input": {"id": "PREMIX", "unit": "KGM"}, "output": {"id": "BREAD"}, "quantity": 1_000.0, "unit": "KGM"},
        {"input": {"id": "SUGAR", "unit": "KGM"}, "output": {"id": "BREAD"}, "quantity": 300.0, "unit": "KGM"},
        {"input": {"id": "POWDER", "unit": "KGM"}, "output": {"id": "PREMIX"}, "quantity": 2_000.0, "unit": "KGM"},
    ]
    assert reads == {"trace/trace_back": 1, "trace/shipments": 1, "trace/edges": 1, "lookup/enterprises": 1}


async def test_a_trace_not_asked_for_edges_does_not_read_them(db, client, monkeypatch):
    await load(db, *CHAIN)
    reads = count_reads(db, monkeypatch)
    body = await gql(client, '{ traceBack(batchId: "BREAD") { upstream { batch { id } } } }')
    assert len(body["data"]["traceBack"]["upstream"]) == 3
    assert reads == {"trace/trace_back": 1}


async def test_recall_scope_holdings_say_what_was_forwarded_used_and_is_on_hand_and_edges_are_listed(db, client):
    await load(db, *CHAIN)
    body = await gql(
        client,
        """{ recallScope(batchIds: ["POWDER"]) {
          affectedBatches { depth batch { id } shipments { id } }
          consignees { enterprise { id } holdings { batch { id } quantity forwarded used onHand unit } }
          edges { input { id } output { id } quantity unit } } }""",
    )
    scope = body["data"]["recallScope"]
    assert [(a["batch"]["id"], [s["id"] for s in a["shipments"]]) for a in scope["affectedBatches"]] == [
        ("POWDER", ["C1", "C2", "C3"]),
        ("PREMIX", ["C4"]),
        ("BREAD", ["C5", "C6"]),  # same instant: by id
    ]
    got = [
        (c["enterprise"]["id"], h["batch"]["id"], h["quantity"], h["forwarded"], h["used"], h["onHand"], h["unit"])
        for c in scope["consignees"]
        for h in c["holdings"]
    ]
    assert got == CHAIN_HOLDINGS
    assert [(e["input"]["id"], e["output"]["id"], e["quantity"], e["unit"]) for e in scope["edges"]] == CHAIN_EDGES


async def test_batch_mass_balance_issues(db, client):
    await load(
        db,
        *CHAIN,
        # IMP ships 1 000 more of POWDER than it received; MAK's PREMIX shipped to BAK twice over.
        shipment("C7", "POWDER", "CAFE", quantity=1_000, from_="IMP"),
        shipment("C8", "PREMIX", "CAFE", quantity=5_000, from_="MAK"),
    )
    body = await gql(
        client,
        """{ a: batch(id: "POWDER") { massBalanceIssues { enterprise { id name } batch { id } produced received
                                                           shipped used unit } }
             b: batch(id: "PREMIX") { massBalanceIssues { enterprise { id } produced received shipped used } }
             c: batch(id: "BREAD") { massBalanceIssues { enterprise { id } } } }""",
    )
    data = body["data"]
    assert data["a"]["massBalanceIssues"] == [
        {
            "enterprise": {"id": "IMP", "name": "Importer"},
            "batch": {"id": "POWDER"},
            "produced": 0.0,
            "received": 22_000.0,
            "shipped": 23_000.0,
            "used": 0.0,
            "unit": "KGM",
        }
    ]
    assert data["b"]["massBalanceIssues"] == [
        {"enterprise": {"id": "MAK"}, "produced": 5_000.0, "received": 0.0, "shipped": 10_000.0, "used": 0.0}
    ]
    assert data["c"]["massBalanceIssues"] == []
