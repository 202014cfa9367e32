"""Validation rules of contract/RECORDS.md: every invalid line is reported (line, field, reason) and nothing is written.

Most tests import a few valid context lines (CONTEXT, lines 1-7) followed by the line under test at BAD_LINE, so
that the only possible error is the one the test is about.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from stdnum.cn import uscc

from graph.db import Graph
from graph.imports import import_lines
from graph.ingest import ImportReport
from tests.conftest import batch, enterprise, load, ndjson, product, shipment

CONTEXT = (
    enterprise("M", roles=["MANUFACTURER"], country="CN"),
    enterprise("E2", roles=["RETAILER"], country="CN"),
    {"type": "person", "id": "PER1", "name": "Zhang San"},
    product("P1"),
    batch("B1"),
    {"type": "lab", "id": "L1", "name": "Qingdao Lab"},
    {"type": "agency", "id": "A1", "name": "Qingdao Customs", "kind": "CUSTOMS"},
)
BAD_LINE = len(CONTEXT) + 1

# One valid record of each type, referring only to CONTEXT; tests break one thing in a copy.
VALID: dict[str, dict[str, Any]] = {
    "enterprise": enterprise("E9"),
    "person": {"type": "person", "id": "PER9", "name": "Li Si"},
    "link": {"type": "link", "kind": "SHAREHOLDER", "from": "PER1", "to": "M", "share": 0.3},
    "product": product("P9"),
    "batch": batch("B9"),
    "shipment": shipment("S9", "B1", "E2"),
    "lab": {"type": "lab", "id": "L9", "name": "Lab 9"},
    "agency": {"type": "agency", "id": "A9", "name": "Agency 9", "kind": "MARKET_REGULATION"},
    "test_report": {
        "type": "test_report",
        "id": "T9",
        "lab": "L1",
        "batch": "B1",
        "result": "PASS",
        "testedAt": "2026-03-02",
    },
    "blacklist": {"type": "blacklist", "id": "K9", "enterprise": "E2", "reason": "fraud", "listedAt": "2026-03-01"},
    "risk_signal": {
        "type": "risk_signal",
        "id": "R9",
        "source": "LAB_FAILURE",
        "hazard": "CHEMICAL",
        "severity": 2,
        "probability": 0.5,
        "receivedAt": "2026-03-03",
        "subject": {"batch": "B1"},
    },
}

DROP = object()  # variant(..., field=DROP) removes the field


def variant(rtype: str, **changes: Any) -> dict[str, Any]:
    """VALID[rtype] with fields changed (trailing underscore allowed for `from_`)."""
    record = dict(VALID[rtype])
    for key, value in changes.items():
        key = key.rstrip("_")
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


async def node_count(db: Graph) -> int:
    return (await db.read("testing/count_nodes"))[0]["nodes"]


async def stored(db: Graph, id: str) -> dict[str, Any]:
    rows = await db.read("testing/node", id=id)
    assert len(rows) == 1, f"expected one node with id {id!r}, found {len(rows)}"
    return rows[0]["props"]


async def run(db: Graph, *lines: str | dict[str, Any]) -> ImportReport:
    return await import_lines(db, [line if isinstance(line, str) else json.dumps(line) for line in lines])


async def with_context(db: Graph, line: str | dict[str, Any]) -> ImportReport:
    """Import CONTEXT, then `line` as line BAD_LINE."""
    return await run(db, *CONTEXT, line)


async def assert_rejected(db: Graph, report: ImportReport, *expected: tuple[int, str | None, str]) -> None:
    """The report holds exactly the expected (line, field, key word of the message) errors; the graph is empty."""
    got = sorted(((e.line, e.field or "", e.message) for e in report.errors), key=lambda x: (x[0], x[1]))
    want = sorted(((line, field or "", word) for line, field, word in expected), key=lambda x: (x[0], x[1]))
    assert [(line, field) for line, field, _ in got] == [(line, field) for line, field, _ in want], report.errors
    for (_, _, message), (_, _, word) in zip(got, want, strict=True):
        assert word.lower() in message.lower(), (word, message)
    assert report.error_count == len(expected)
    assert not report.ok
    assert report.by_type == {}
    assert await node_count(db) == 0, "a rejected import must write nothing"


# --- the baseline is valid, so each rejection below is about the one thing the test changes ---------------------


@pytest.mark.parametrize("rtype", sorted(VALID))
async def test_the_valid_record_of_each_type_is_accepted(db, rtype):
    report = await with_context(db, VALID[rtype])
    assert report.ok, report.errors
    assert report.by_type[rtype].created == 1 + sum(r["type"] == rtype for r in CONTEXT)


# --- line level ----------------------------------------------------------------------------------------------------


async def test_invalid_json_is_reported_on_its_line(db):
    report = await run(db, enterprise("E1"), '{"type": "enterprise", "id": "E2", "name": ', enterprise("E3"))
    await assert_rejected(db, report, (2, None, "JSON"))


@pytest.mark.parametrize("line", ["[1, 2]", '"enterprise"', "42", "null", "true"])
async def test_a_line_that_is_not_a_json_object_is_rejected(db, line):
    report = await with_context(db, line)
    await assert_rejected(db, report, (BAD_LINE, None, "object"))


async def test_a_record_without_type_is_rejected(db):
    report = await with_context(db, {"id": "E9", "name": "No type"})
    await assert_rejected(db, report, (BAD_LINE, "type", "missing"))


@pytest.mark.parametrize("value", ["factory", "Enterprise", 5])
async def test_an_unknown_type_is_rejected(db, value):
    report = await with_context(db, {"type": value, "id": "E9", "name": "Unknown"})
    await assert_rejected(db, report, (BAD_LINE, "type", "unknown record type"))


@pytest.mark.parametrize(
    ("rtype", "record_changes", "field"),
    [
        ("enterprise", {"countyr": "CN"}, "countyr"),
        ("person", {"nmae": "Li"}, "nmae"),
        ("batch", {"originCounty": "CN"}, "originCounty"),
        ("shipment", {"directon": "IMPORT"}, "directon"),
        ("lab", {"recognised": True}, "recognised"),
        ("link", {"shares": 0.3}, "shares"),
        ("risk_signal", {"descripton": "typo"}, "descripton"),
        ("test_report", {"items": [{"name": "Pb", "value": 0.1, "pased": True}]}, "items[0].pased"),
        ("risk_signal", {"subject": {"batch": "B1", "lot": "x"}}, "subject.lot"),
    ],
)
async def test_an_unknown_field_is_an_error_not_silently_dropped(db, rtype, record_changes, field):
    report = await with_context(db, variant(rtype, **record_changes))
    await assert_rejected(db, report, (BAD_LINE, field, "unknown field"))


# --- ids -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["E 9", "E*9", "E9é", "E9\n", "", "x" * 129])
async def test_an_id_outside_the_allowed_characters_or_length_is_rejected(db, bad_id):
    report = await with_context(db, variant("enterprise", id=bad_id))
    await assert_rejected(db, report, (BAD_LINE, "id", "pattern"))


@pytest.mark.parametrize("good_id", ["x" * 128, "a", "Az09._:/#-"])
async def test_ids_of_1_to_128_allowed_characters_are_accepted(db, good_id):
    await load(db, *CONTEXT, variant("enterprise", id=good_id))
    assert (await stored(db, good_id))["name"] == "Enterprise E9"


# --- dates ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-02-30", "01/03/2026", "", "2026-03-01T25:00:00"])
async def test_a_date_that_is_not_iso_8601_is_rejected(db, bad):
    report = await with_context(db, variant("batch", producedAt=bad))
    await assert_rejected(db, report, (BAD_LINE, "producedAt", "ISO 8601"))


@pytest.mark.parametrize(
    ("rtype", "field"),
    [
        ("shipment", "shippedAt"),
        ("test_report", "testedAt"),
        ("blacklist", "listedAt"),
        ("blacklist", "expiresAt"),
        ("risk_signal", "receivedAt"),
    ],
)
async def test_every_date_field_is_checked(db, rtype, field):
    report = await with_context(db, variant(rtype, **{field: "2026-13-01"}))
    await assert_rejected(db, report, (BAD_LINE, field, "ISO 8601"))


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01T08:00:00+08:00", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01T08:30:00Z", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
    ],
)
async def test_both_date_forms_are_accepted_and_kept_as_sent(db, value, instant):
    await load(db, *CONTEXT, variant("batch", producedAt=value))
    props = await stored(db, "B9")
    assert props["producedAt"] == value
    assert props["producedAtMs"] == int(instant.timestamp() * 1000)


# --- enterprise ----------------------------------------------------------------------------------------------------


async def test_a_role_outside_the_set_is_rejected_at_its_index(db):
    report = await with_context(db, variant("enterprise", roles=["MANUFACTURER", "FARMER"]))
    await assert_rejected(db, report, (BAD_LINE, "roles[1]", "MANUFACTURER"))


async def test_roles_from_the_set_are_stored(db):
    roles = ["IMPORTER", "CROSS_BORDER_SELLER", "LOGISTICS"]
    await load(db, *CONTEXT, variant("enterprise", roles=roles))
    assert (await stored(db, "E9"))["roles"] == roles


@pytest.mark.parametrize("country", ["XX", "CHN", "cn", "C", "", "156"])
async def test_a_country_that_is_not_iso_alpha_2_is_rejected(db, country):
    report = await with_context(db, variant("enterprise", country=country))
    await assert_rejected(db, report, (BAD_LINE, "country", "ISO 3166-1 alpha-2"))


async def test_a_batch_origin_country_must_be_iso_alpha_2_too(db):
    report = await with_context(db, variant("batch", originCountry="XX"))
    await assert_rejected(db, report, (BAD_LINE, "originCountry", "ISO 3166-1 alpha-2"))


VALID_USCC_BASE = "91330106MA2CFK6Q8"
VALID_USCC = VALID_USCC_BASE + uscc.calc_check_digit(VALID_USCC_BASE)
WRONG_CHECK = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != VALID_USCC[-1])


BAD_USCCS = [VALID_USCC_BASE + WRONG_CHECK, VALID_USCC_BASE, VALID_USCC + "0", "I" + VALID_USCC[1:]]


@pytest.mark.parametrize("code", BAD_USCCS)
async def test_a_uscc_with_a_wrong_check_character_or_shape_is_rejected(db, code):
    report = await with_context(db, variant("enterprise", uscc=code))
    await assert_rejected(db, report, (BAD_LINE, "uscc", "unified social credit code"))


async def test_a_uscc_with_the_right_check_character_is_accepted(db):
    await load(db, *CONTEXT, variant("enterprise", uscc=VALID_USCC))
    assert (await stored(db, "E9"))["uscc"] == VALID_USCC


@pytest.mark.parametrize("grade", ["AAA", "regular", "BLACKLISTED"])
async def test_a_credit_grade_outside_the_set_is_rejected(db, grade):
    report = await with_context(db, variant("enterprise", creditGrade=grade))
    await assert_rejected(db, report, (BAD_LINE, "creditGrade", "ADVANCED_CERTIFIED"))


async def test_credit_grade_defaults_to_regular(db):
    await load(db, *CONTEXT, VALID["enterprise"])
    assert (await stored(db, "E9"))["creditGrade"] == "REGULAR"


# --- link ----------------------------------------------------------------------------------------------------------


async def test_a_link_kind_outside_the_set_is_rejected(db):
    report = await with_context(db, variant("link", kind="DIRECTOR", share=DROP))
    await assert_rejected(db, report, (BAD_LINE, "kind", "SHAREHOLDER"))


async def test_a_shareholder_link_without_share_is_rejected(db):
    report = await with_context(db, variant("link", share=DROP))
    await assert_rejected(db, report, (BAD_LINE, "share", "required"))


@pytest.mark.parametrize("share", [0, -0.1, 1.5, 1.0000001])
async def test_a_share_outside_0_exclusive_to_1_inclusive_is_rejected(db, share):
    report = await with_context(db, variant("link", share=share))
    await assert_rejected(db, report, (BAD_LINE, "share", "should be"))


async def test_a_share_of_exactly_1_is_accepted(db):
    await load(db, *CONTEXT, variant("link", share=1))
    rows = await db.read("testing/relationships_of", id="PER1")
    assert [(r["type"], r["outgoing"], r["other"], r["props"]) for r in rows] == [
        ("SHAREHOLDER_OF", True, "M", {"share": 1.0})
    ]


@pytest.mark.parametrize("kind", ["OFFICER", "LEGAL_REPRESENTATIVE"])
async def test_a_share_on_a_non_shareholder_link_is_rejected(db, kind):
    report = await with_context(db, variant("link", kind=kind, share=0.2))
    await assert_rejected(db, report, (BAD_LINE, "share", "only to SHAREHOLDER"))


@pytest.mark.parametrize("kind", ["LEGAL_REPRESENTATIVE", "OFFICER"])
async def test_a_legal_representative_or_officer_link_from_an_enterprise_is_rejected(db, kind):
    report = await with_context(db, variant("link", kind=kind, from_="E2", share=DROP))
    await assert_rejected(db, report, (BAD_LINE, "from", "person"))


async def test_a_shareholder_link_from_an_enterprise_is_accepted(db):
    await load(db, *CONTEXT, variant("link", from_="E2", share=0.51))
    rows = await db.read("testing/relationships_of", id="E2")
    assert [(r["type"], r["outgoing"], r["other"], r["props"]) for r in rows if r["type"] != "TIED_TO"] == [
        ("SHAREHOLDER_OF", True, "M", {"share": 0.51})
    ]


@pytest.mark.parametrize("target", ["PER1", "P1", "L1"])
async def test_a_link_to_something_other_than_an_enterprise_is_rejected(db, target):
    report = await with_context(db, variant("link", to=target))
    await assert_rejected(db, report, (BAD_LINE, "to", "enterprise"))


# --- product -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hs_code", ["19011", "19011010001", "1901AB", "", "190110 10", "１９０１１０"])
async def test_an_hs_code_that_is_not_6_to_10_digits_is_rejected(db, hs_code):
    report = await with_context(db, variant("product", hsCode=hs_code))
    await assert_rejected(db, report, (BAD_LINE, "hsCode", "pattern"))


@pytest.mark.parametrize("hs_code", ["190110", "1901101000"])
async def test_an_hs_code_of_6_to_10_digits_is_accepted(db, hs_code):
    await load(db, *CONTEXT, variant("product", hsCode=hs_code))
    assert (await stored(db, "P9"))["hsCode"] == hs_code


@pytest.mark.parametrize("category", ["DRINK", "food", ""])
async def test_a_category_outside_the_set_is_rejected(db, category):
    report = await with_context(db, variant("product", category=category))
    await assert_rejected(db, report, (BAD_LINE, "category", "FOOD_CONTACT"))


# --- batch and shipment quantities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "word"), [(0, "greater than 0"), (-5, "greater than 0"), ("5", "valid number")])
@pytest.mark.parametrize("rtype", ["batch", "shipment"])
async def test_a_quantity_must_be_a_positive_number(db, rtype, quantity, word):
    report = await with_context(db, variant(rtype, quantity=quantity))
    await assert_rejected(db, report, (BAD_LINE, "quantity", word))


@pytest.mark.parametrize("quantity", [0, -1, "1"])
async def test_an_input_quantity_must_be_a_positive_number(db, quantity):
    record = variant("batch", inputs=[{"batch": "B1", "quantity": 1}, {"batch": "B1x", "quantity": quantity}])
    report = await run(db, *CONTEXT, batch("B1x"), record)
    await assert_rejected(db, report, (BAD_LINE + 1, "inputs[1].quantity", "number" if quantity == "1" else "greater"))


async def test_an_input_without_batch_is_rejected(db):
    report = await with_context(db, variant("batch", inputs=[{"quantity": 3}]))
    await assert_rejected(db, report, (BAD_LINE, "inputs[0].batch", "required"))


async def test_a_shipment_from_an_enterprise_to_itself_is_rejected(db):
    report = await with_context(db, variant("shipment", from_="E2", to="E2"))
    await assert_rejected(db, report, (BAD_LINE, "to", "different"))


@pytest.mark.parametrize("direction", ["INBOUND", "import", ""])
async def test_a_direction_outside_the_set_is_rejected(db, direction):
    report = await with_context(db, variant("shipment", direction=direction))
    await assert_rejected(db, report, (BAD_LINE, "direction", "DOMESTIC"))


async def test_direction_defaults_to_domestic(db):
    await load(db, *CONTEXT, VALID["shipment"], variant("shipment", id="S10", direction="EXPORT"))
    assert (await stored(db, "S9"))["direction"] == "DOMESTIC"
    assert (await stored(db, "S10"))["direction"] == "EXPORT"


@pytest.mark.parametrize("port", ["CNTA", "cntao", "CNTAOX", "XXTAO", "CN TA", "CNTAO\n"])
async def test_a_port_that_is_not_a_un_locode_is_rejected(db, port):
    report = await with_context(db, variant("shipment", port=port))
    await assert_rejected(db, report, (BAD_LINE, "port", "UN/LOCODE"))


async def test_a_un_locode_port_is_accepted(db):
    await load(db, *CONTEXT, variant("shipment", port="CNTAO", direction="EXPORT"))
    assert (await stored(db, "S9"))["port"] == "CNTAO"


# --- lab, agency, test report, blacklist, risk signal --------------------------------------------------------------


async def test_a_lab_status_outside_the_set_is_rejected(db):
    report = await with_context(db, variant("lab", status="CLOSED"))
    await assert_rejected(db, report, (BAD_LINE, "status", "SUSPENDED"))


async def test_a_lab_defaults_to_active_and_not_recognized(db):
    await load(db, *CONTEXT, VALID["lab"])
    props = await stored(db, "L9")
    assert (props["status"], props["recognized"]) == ("ACTIVE", False)


async def test_an_agency_kind_outside_the_set_is_rejected(db):
    report = await with_context(db, variant("agency", kind="POLICE"))
    await assert_rejected(db, report, (BAD_LINE, "kind", "CUSTOMS"))


async def test_an_agency_without_kind_is_rejected(db):
    report = await with_context(db, variant("agency", kind=DROP))
    await assert_rejected(db, report, (BAD_LINE, "kind", "required"))


@pytest.mark.parametrize("result", ["MAYBE", "pass", None])
async def test_a_test_report_result_outside_pass_fail_is_rejected(db, result):
    report = await with_context(db, variant("test_report", result=result))
    await assert_rejected(db, report, (BAD_LINE, "result", "PASS"))


@pytest.mark.parametrize("expires", ["2026-02-28", "2026-03-01", "2026-03-01T00:00:00+00:00"])
async def test_a_blacklist_expiring_before_or_when_listed_is_rejected(db, expires):
    report = await with_context(db, variant("blacklist", expiresAt=expires))
    await assert_rejected(db, report, (BAD_LINE, "expiresAt", "after listedAt"))


async def test_a_blacklist_expiring_after_listing_is_accepted(db):
    await load(db, *CONTEXT, variant("blacklist", expiresAt="2027-03-01"))
    assert (await stored(db, "K9"))["expiresAt"] == "2027-03-01"


@pytest.mark.parametrize(
    ("changes", "field", "word"),
    [
        ({"severity": 5}, "severity", "less than or equal to 4"),
        ({"severity": 0}, "severity", "greater than or equal to 1"),
        ({"severity": 2.5}, "severity", "integer"),
        ({"probability": 0}, "probability", "greater than 0"),
        ({"probability": 1.1}, "probability", "less than or equal to 1"),
        ({"subject": {"batch": "B1", "product": "P1"}}, "subject", "exactly one"),
        ({"subject": {}}, "subject", "exactly one"),
        ({"subject": "B1"}, "subject", "object"),
        ({"source": "RUMOUR"}, "source", "CONSUMER_COMPLAINT"),
        ({"hazard": "MORAL"}, "hazard", "CHEMICAL"),
    ],
)
async def test_risk_signal_rules(db, changes, field, word):
    report = await with_context(db, variant("risk_signal", **changes))
    await assert_rejected(db, report, (BAD_LINE, field, word))


@pytest.mark.parametrize(("severity", "probability"), [(1, 1), (4, 0.0001)])
async def test_risk_signal_bounds_are_inclusive_where_the_contract_says(db, severity, probability):
    await load(db, *CONTEXT, variant("risk_signal", severity=severity, probability=probability))
    props = await stored(db, "R9")
    assert (props["severity"], props["probability"]) == (severity, probability)


@pytest.mark.parametrize(
    ("rtype", "missing"),
    [
        ("enterprise", "name"),
        ("link", "to"),
        ("product", "hsCode"),
        ("batch", "producedAt"),
        ("shipment", "from"),
        ("test_report", "lab"),
        ("blacklist", "reason"),
        ("risk_signal", "subject"),
    ],
)
async def test_a_missing_required_field_is_reported_by_name(db, rtype, missing):
    report = await with_context(db, variant(rtype, **{missing: DROP}))
    await assert_rejected(db, report, (BAD_LINE, missing, "required"))


# --- references ----------------------------------------------------------------------------------------------------

DANGLING = [
    # (record, field path in the error, key word)
    (variant("batch", product="NOPE"), "product", "product 'NOPE'"),
    (variant("batch", producer="NOPE"), "producer", "enterprise 'NOPE'"),
    (
        variant("batch", inputs=[{"batch": "B1", "quantity": 1}, {"batch": "NOPE", "quantity": 1}]),
        "inputs[1].batch",
        "batch 'NOPE'",
    ),
    (variant("shipment", batch="NOPE"), "batch", "batch 'NOPE'"),
    (variant("shipment", from_="NOPE"), "from", "enterprise 'NOPE'"),
    (variant("shipment", to="NOPE"), "to", "enterprise 'NOPE'"),
    (variant("test_report", lab="NOPE"), "lab", "lab 'NOPE'"),
    (variant("test_report", batch="NOPE"), "batch", "batch 'NOPE'"),
    (variant("blacklist", enterprise="NOPE"), "enterprise", "enterprise 'NOPE'"),
    (variant("blacklist", agency="NOPE"), "agency", "agency 'NOPE'"),
    (variant("link", from_="NOPE"), "from", "'NOPE'"),
    (variant("link", kind="OFFICER", from_="NOPE", share=DROP), "from", "person 'NOPE'"),
    (variant("link", to="NOPE"), "to", "enterprise 'NOPE'"),
    (variant("risk_signal", subject={"batch": "NOPE"}), "subject.batch", "batch 'NOPE'"),
    (variant("risk_signal", subject={"product": "NOPE"}), "subject.product", "product 'NOPE'"),
    (variant("risk_signal", subject={"enterprise": "NOPE"}), "subject.enterprise", "enterprise 'NOPE'"),
    # a reference to a record of another type is as good as dangling
    (variant("batch", producer="P1"), "producer", "enterprise 'P1'"),
    (variant("shipment", to="PER1"), "to", "enterprise 'PER1'"),
    (variant("test_report", batch="L1"), "batch", "batch 'L1'"),
    (variant("risk_signal", subject={"product": "B1"}), "subject.product", "product 'B1'"),
]


@pytest.mark.parametrize(("record", "field", "word"), DANGLING, ids=[f"{r['type']}.{f}" for r, f, _ in DANGLING])
async def test_a_dangling_reference_is_reported_with_its_field_path(db, record, field, word):
    report = await with_context(db, record)
    await assert_rejected(db, report, (BAD_LINE, field, word))


REFERRING = (
    VALID["link"],
    variant("link", kind="LEGAL_REPRESENTATIVE", share=DROP, to="E2"),
    variant("batch", inputs=[{"batch": "B1", "quantity": 10}]),
    VALID["shipment"],
    VALID["test_report"],
    variant("blacklist", agency="A1"),
    VALID["risk_signal"],
    variant("risk_signal", id="R10", subject={"product": "P1"}),
    variant("risk_signal", id="R11", subject={"enterprise": "M"}),
)


async def test_references_to_records_of_an_earlier_import_are_accepted(db):
    await load(db, *CONTEXT)
    report = await run(db, *REFERRING)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (len(REFERRING), 0, 0)
    rels = {(r["type"], r["other"]) for r in await db.read("testing/relationships_of", id="B9")}
    assert rels == {("OF_PRODUCT", "P1"), ("PRODUCED", "M"), ("INPUT_TO", "B1")}


async def test_references_to_later_lines_are_accepted(db):
    report = await run(db, *REFERRING, *CONTEXT)
    assert report.ok, report.errors
    assert report.created == len(REFERRING) + len(CONTEXT)
    rels = {(r["type"], r["other"]) for r in await db.read("testing/relationships_of", id="S9")}
    assert rels == {("CARRIES", "B1"), ("FROM", "M"), ("TO", "E2")}
    about = {r["other"] for r in await db.read("testing/relationships_of", id="R10") if r["type"] == "ABOUT"}
    assert about == {"P1"}


# --- a batch may not be its own ancestor ---------------------------------------------------------------------------


async def test_a_batch_that_is_its_own_input_is_rejected(db):
    report = await with_context(db, variant("batch", inputs=[{"batch": "B9", "quantity": 1}]))
    await assert_rejected(db, report, (BAD_LINE, "inputs", "own input"))


async def test_a_three_cycle_within_one_file_is_rejected(db):
    report = await run(
        db,
        *CONTEXT,
        batch("CA", [("CC", 1)]),  # line 8
        batch("CB", [("CA", 1)]),  # line 9
        batch("CC", [("CB", 1)]),  # line 10
    )
    assert [(e.field, "ancestor" in e.message) for e in report.errors] == [("inputs", True)]
    assert report.errors[0].line in {BAD_LINE, BAD_LINE + 1, BAD_LINE + 2}
    assert all(b in report.errors[0].message for b in ("CA", "CB", "CC"))
    assert report.error_count == 1
    assert await node_count(db) == 0


async def test_a_cycle_closed_through_edges_already_in_the_graph_is_rejected(db):
    # in the graph: CA -> CB -> CC (CA is an input of CB, CB of CC)
    await load(db, *CONTEXT, batch("CA"), batch("CB", [("CA", 1)]), batch("CC", [("CB", 1)]))
    before = await node_count(db)
    # the new file makes CC an input of CA
    report = await run(db, enterprise("NEW"), batch("CA", [("CC", 1)]))
    assert [(e.line, e.field) for e in report.errors] == [(2, "inputs")]
    assert "ancestor" in report.errors[0].message
    assert await node_count(db) == before  # NEW was not written
    assert [r["other"] for r in await db.read("testing/relationships_of", id="CA") if r["type"] == "INPUT_TO"] == ["CB"]


async def test_a_two_cycle_closed_by_a_later_import_is_rejected(db):
    await load(db, *CONTEXT, batch("CA"), batch("CB", [("CA", 1)]))
    report = await run(db, batch("CA", [("CB", 1)]))
    assert [(e.line, e.field) for e in report.errors] == [(1, "inputs")]


async def test_shared_ancestors_and_reimports_are_not_cycles(db):
    diamond = (batch("DA"), batch("DB", [("DA", 1)]), batch("DC", [("DA", 1)]), batch("DD", [("DB", 1), ("DC", 1)]))
    await load(db, *CONTEXT, *diamond)
    report = await run(db, *diamond, batch("DE", [("DD", 1), ("DA", 1)]))
    assert report.ok, report.errors
    assert (report.by_type["batch"].created, report.by_type["batch"].unchanged) == (1, 4)


async def test_moving_inputs_around_is_judged_on_the_graph_as_it_will_be(db):
    # in the graph CA is an input of CB; the new file drops that and makes CB an input of CA instead
    await load(db, *CONTEXT, batch("CA"), batch("CB", [("CA", 1)]))
    report = await run(db, batch("CB"), batch("CA", [("CB", 1)]))
    assert report.ok, report.errors
    rels = {(r["type"], r["outgoing"], r["other"]) for r in await db.read("testing/relationships_of", id="CA")}
    assert {r for r in rels if r[0] == "INPUT_TO"} == {("INPUT_TO", False, "CB")}


# --- the report as a whole -----------------------------------------------------------------------------------------


async def test_every_error_on_every_line_is_reported_in_one_report(db):
    report = await run(
        db,
        enterprise("E1"),  # 1 ok
        enterprise("E2", country="XX"),  # 2 country
        "",  # 3 blank
        '{"type": "product",',  # 4 invalid JSON
        shipment("S1", "NOPE", "E1", from_="E3"),  # 5 batch, from
        product("P2", hsCode="19A", category="DRINK"),  # 6 hsCode, category
        {"type": "lab", "id": "L1", "name": "Lab", "status": "OPEN"},  # 7 status
        enterprise("E3"),  # 8 ok
    )
    await assert_rejected(
        db,
        report,
        (2, "country", "alpha-2"),
        (4, None, "JSON"),
        (5, "batch", "batch 'NOPE'"),
        (6, "hsCode", "pattern"),
        (6, "category", "FOOD"),
        (7, "status", "ACTIVE"),
    )


async def test_blank_lines_are_ignored_but_counted(db):
    report = await run(db, "", enterprise("E1"), "   ", "\t", enterprise("E2", country="XX"), "")
    await assert_rejected(db, report, (5, "country", "alpha-2"))
    report = await run(db, "", enterprise("E1"), "   ", "\t", enterprise("E2", country="DE"), "")
    assert report.ok, report.errors
    assert report.by_type["enterprise"].created == 2
    assert await node_count(db) == 2


async def test_the_ndjson_helper_and_a_valid_file_agree(db):
    """The lines the tests build are what import_lines sees (guards the helpers themselves)."""
    report = await import_lines(db, ndjson(*CONTEXT))
    assert report.ok
    assert await node_count(db) == len(CONTEXT)


# --- values that poison later reads (issue 9 item 4) ---------------------------------------------------------------
# JSON's Infinity and NaN, 1e400 and a 400-digit integer all parse to float infinity or NaN, which was stored and
# then broke every read that answers it (GraphQL Float cannot carry them).

RAW = "\x00RAW\x00"  # a placeholder the line builder replaces by a raw JSON token


def raw_line(record: dict[str, Any], token: str) -> str:
    """The record as one JSON line, with the RAW placeholder replaced by `token` verbatim (e.g. 1e400)."""
    line = json.dumps(record)
    assert line.count(json.dumps(RAW)) == 1
    return line.replace(json.dumps(RAW), token)


NUMBER_FIELDS = [  # (record with RAW in the numeric field, field path in the error)
    (variant("batch", quantity=RAW), "quantity"),
    (variant("shipment", quantity=RAW), "quantity"),
    (variant("batch", inputs=[{"batch": "B1", "quantity": RAW}]), "inputs[0].quantity"),
    (variant("link", share=RAW), "share"),
    (variant("risk_signal", probability=RAW), "probability"),
    (variant("test_report", items=[{"name": "Pb", "value": RAW}]), "items[0].value"),
    (variant("test_report", items=[{"name": "Pb", "limit": RAW}]), "items[0].limit"),
]
NUMBER_IDS = [f"{r['type']}.{f}" for r, f in NUMBER_FIELDS]
NOT_FINITE = ["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "1" + "0" * 400]


@pytest.mark.parametrize("token", NOT_FINITE, ids=["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "10**400"])
@pytest.mark.parametrize(("record", "field"), NUMBER_FIELDS, ids=NUMBER_IDS)
async def test_a_number_that_is_not_finite_is_rejected_in_every_numeric_field(db, record, field, token):
    report = await with_context(db, raw_line(record, token))
    # items values may also be integers: a 400-digit one is refused for not being exact
    word = "2**53" if field.startswith("items") and token.isdigit() else "finite number"
    await assert_rejected(db, report, (BAD_LINE, field, word))


@pytest.mark.parametrize("token", NOT_FINITE, ids=["Infinity", "-Infinity", "NaN", "1e400", "-1e400", "10**400"])
async def test_a_severity_that_is_not_finite_is_rejected(db, token):
    report = await with_context(db, raw_line(variant("risk_signal", severity=RAW), token))
    word = "less than or equal to 4" if token.isdigit() else "integer"
    await assert_rejected(db, report, (BAD_LINE, "severity", word))


QUANTITY_FIELDS = NUMBER_FIELDS[:3]


@pytest.mark.parametrize(("record", "field"), QUANTITY_FIELDS, ids=NUMBER_IDS[:3])
async def test_a_quantity_beyond_2_to_the_53_is_rejected_and_2_to_the_53_is_accepted(db, record, field):
    report = await with_context(db, raw_line(record, str(2**53 + 2)))
    await assert_rejected(db, report, (BAD_LINE, field, f"less than or equal to {2**53}"))
    await load(db, *CONTEXT)
    report = await run(db, raw_line(record, str(2**53)))
    assert report.ok, report.errors


@pytest.mark.parametrize("field", ["value", "limit"])
async def test_a_test_item_keeps_exact_integers_up_to_2_to_the_53_and_refuses_larger_ones(db, field):
    report = await with_context(db, variant("test_report", items=[{"name": "Pb", field: 2**53 + 1}]))
    await assert_rejected(db, report, (BAD_LINE, f"items[0].{field}", "2**53"))
    await load(db, *CONTEXT, variant("test_report", items=[{"name": "Pb", field: -(2**53)}]))
    assert json.loads((await stored(db, "T9"))["items"]) == [{"name": "Pb", field: -(2**53)}]


@pytest.mark.parametrize("value", [True, [1], {"v": 1}])
async def test_a_test_item_value_that_is_neither_number_nor_text_gets_one_error(db, value):
    report = await with_context(db, variant("test_report", items=[{"name": "Pb", "value": value}]))
    await assert_rejected(db, report, (BAD_LINE, "items[0].value", "number or a text"))


def _item(**fields: Any) -> dict[str, Any]:
    return variant("test_report", items=[{"name": "Pb", **fields}])


# (record builder taking the text, field path, prose: may hold tabs and line breaks)
TEXT_FIELDS = [
    (lambda t: variant("enterprise", name=t), "name", False),
    (lambda t: variant("enterprise", region=t), "region", False),
    (lambda t: variant("person", name=t), "name", False),
    (lambda t: variant("product", name=t), "name", False),
    (lambda t: variant("product", brand=t), "brand", False),
    (lambda t: variant("batch", unit=t), "unit", False),
    (lambda t: variant("shipment", declaration=t), "declaration", False),
    (lambda t: variant("lab", name=t), "name", False),
    (lambda t: variant("lab", accreditation=t), "accreditation", False),
    (lambda t: variant("agency", name=t), "name", False),
    (lambda t: variant("agency", jurisdiction=t), "jurisdiction", False),
    (lambda t: variant("blacklist", reason=t), "reason", False),
    (lambda t: _item(name=t), "items[0].name", False),
    (lambda t: _item(unit=t), "items[0].unit", False),
    (lambda t: _item(value=t), "items[0].value", False),
    (lambda t: _item(limit=t), "items[0].limit", False),
    (lambda t: variant("risk_signal", description=t), "description", True),
]
TEXT_IDS = [f"{build('x')['type']}.{field}" for build, field, _ in TEXT_FIELDS]
BLANK = [" ", "   ", "\u3000", "\u00a0 "]  # spaces, an ideographic space, a no-break space
CONTROL = ["\x00", "a\x00b", "a\x01", "a\x1bb", "a\x7f", "a\x85b", "\ud800"]  # NUL, C0, ESC, DEL, C1 (NEL), surrogate
LINE_BREAKS = ["a\nb", "a\r\nb", "a\tb", "a\u2028b"]


@pytest.mark.parametrize("value", BLANK, ids=["space", "spaces", "ideographic", "nbsp"])
@pytest.mark.parametrize(("build", "field", "prose"), TEXT_FIELDS, ids=TEXT_IDS)
async def test_a_text_of_only_spaces_is_rejected_in_every_text_field(db, build, field, prose, value):
    report = await with_context(db, build(value))
    await assert_rejected(db, report, (BAD_LINE, field, "blank"))


@pytest.mark.parametrize("value", CONTROL, ids=["nul", "inner-nul", "soh", "esc", "del", "nel", "surrogate"])
@pytest.mark.parametrize(("build", "field", "prose"), TEXT_FIELDS, ids=TEXT_IDS)
async def test_a_control_character_is_rejected_in_every_text_field(db, build, field, prose, value):
    # json.dumps escapes the character (\u0000), as a supplier's encoder would
    report = await with_context(db, json.dumps(build(value)))
    if value == "\ud800":  # the JSON parser already refuses a lone surrogate for the whole line
        await assert_rejected(db, report, (BAD_LINE, None, "JSON"))
    else:
        await assert_rejected(db, report, (BAD_LINE, field, "control character"))


@pytest.mark.parametrize("value", LINE_BREAKS, ids=["lf", "crlf", "tab", "u2028"])
@pytest.mark.parametrize(("build", "field", "prose"), TEXT_FIELDS, ids=TEXT_IDS)
async def test_line_breaks_and_tabs_are_kept_in_prose_and_refused_in_one_line_texts(db, build, field, prose, value):
    record = build(value)
    report = await with_context(db, record)
    if not prose:
        await assert_rejected(db, report, (BAD_LINE, field, "line break"))
    else:
        assert report.ok, report.errors
        assert (await stored(db, record["id"]))[field] == value


ITEM_TEXT_FIELDS = [(build, field) for build, field, _ in TEXT_FIELDS if field.startswith("items")]


@pytest.mark.parametrize(("build", "field"), ITEM_TEXT_FIELDS, ids=[i for i in TEXT_IDS if ".items" in i])
async def test_test_item_texts_are_bounded_to_256_characters(db, build, field):
    report = await with_context(db, build("x" * 257))
    await assert_rejected(db, report, (BAD_LINE, field, "256 characters"))
    await load(db, *CONTEXT, build("x" * 256))


async def test_a_test_report_holds_at_most_1000_items(db):
    items = [{"name": f"item {i}", "value": i} for i in range(1001)]
    report = await with_context(db, variant("test_report", items=items))
    await assert_rejected(db, report, (BAD_LINE, "items", "at most 1000"))


DATE_FIELDS = [
    ("batch", "producedAt"),
    ("shipment", "shippedAt"),
    ("lab", "statusSince"),
    ("test_report", "testedAt"),
    ("blacklist", "listedAt"),
    ("blacklist", "expiresAt"),
    ("risk_signal", "receivedAt"),
]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.5Z"])
@pytest.mark.parametrize(("rtype", "field"), DATE_FIELDS, ids=[f"{r}.{f}" for r, f in DATE_FIELDS])
async def test_a_date_whose_instant_in_utc_lies_outside_years_1_to_9999_is_rejected(db, rtype, field, value):
    report = await with_context(db, variant(rtype, **{field: value}))
    await assert_rejected(db, report, (BAD_LINE, field, "outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z"))


@pytest.mark.parametrize(("value", "ms"), [("0001-01-01", -62135596800000), ("9999-12-31T23:59:59Z", 253402300799000)])
async def test_the_first_and_last_representable_instants_are_accepted(db, value, ms):
    await load(db, *CONTEXT, variant("batch", producedAt=value))
    assert (await stored(db, "B9"))["producedAtMs"] == ms
