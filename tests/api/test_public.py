"""The public services (api/public.py): no token, exactly the published fields, nothing confidential anywhere in
an answer's bytes, GTINs in every length and LGTIN URNs, and complaints filed as signals, rate-limited."""

from __future__ import annotations

import json

import httpx
import pytest

from api.main import create_app
from graph import credit
from graph.risk import recalls, warnings
from seed.builders import blacklist, lab, link, person, risk_signal
from tests.conftest import batch, enterprise, gql, load, product, shipment

# A GTIN-8 (EAN-8 96385074) stored as the 13-digit id a supplier wrote, so all four lengths name it.
GTIN8 = "96385074"
GTIN_FORMS = {8: GTIN8, 12: "0000" + GTIN8, 13: "00000" + GTIN8, 14: "000000" + GTIN8}
# A GTIN-13 whose lot is stored under its LGTIN URN, with a 9-digit company prefix (not the 7-digit default).
GTIN13 = "6901234567892"
URN_LOT = "LOT.7"
URN = f"urn:epc:class:lgtin:690123456.0789.{URN_LOT}"
URN_7 = f"urn:epc:class:lgtin:6901234.056789.{URN_LOT}"  # the same GTIN and lot, split after 7 digits

# What must never appear in a public answer.
SECRETS = ["4817", "373", "SHIP-SECRET-1", "Consignee Secret Store", "CONSIGNEE-1", "Wang Secretperson", "PERSON-1"]
CONTACT = "contact-secret@example.com"

LOT_KEYS = {"lot", "product", "producerName", "originCountry", "underWarning", "underRecall"}


async def _lots(db):
    await load(
        db,
        enterprise("M", name="Henan Dairy Co.", roles=["MANUFACTURER"], country="CN"),
        enterprise("CONSIGNEE-1", name="Consignee Secret Store", roles=["RETAILER"]),
        person("PERSON-1", name="Wang Secretperson"),
        link("LEGAL_REPRESENTATIVE", "PERSON-1", "M"),
        product(GTIN_FORMS[13], name="Infant formula 900g", hsCode="1901101000", category="FOOD"),
        product("0" + GTIN13, name="Toy car", hsCode="9503009000", category="TOY"),
        batch("L-2026-01", product=GTIN_FORMS[13], quantity=4817, originCountry="NZ"),
        batch(URN, product="0" + GTIN13, quantity=4817),
        shipment("SHIP-SECRET-1", "L-2026-01", "CONSIGNEE-1", quantity=373),
    )


def _no_secrets(response: httpx.Response, *more: str) -> None:
    for secret in (*SECRETS, *more):
        assert secret not in response.text, f"{secret!r} in {response.request.url.path}: {response.text}"


async def test_a_lot_answers_exactly_its_public_fields(client, db):
    await _lots(db)
    response = await client.get("/public/lots/L-2026-01")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == LOT_KEYS and set(body["product"]) == {"name", "category"}
    assert body == {
        "lot": "L-2026-01",
        "product": {"name": "Infant formula 900g", "category": "FOOD"},
        "producerName": "Henan Dairy Co.",
        "originCountry": "NZ",
        "underWarning": False,
        "underRecall": False,
    }
    _no_secrets(response)


@pytest.mark.parametrize("length", sorted(GTIN_FORMS))
async def test_digital_link_takes_a_gtin_of_any_length(client, db, length):
    await _lots(db)
    response = await client.get(f"/01/{GTIN_FORMS[length]}/10/L-2026-01")
    assert response.status_code == 200, response.text
    assert response.json()["lot"] == "L-2026-01" and set(response.json()) == LOT_KEYS
    _no_secrets(response)


async def test_a_lot_stored_under_its_lgtin_urn_is_found_by_every_form(client, db):
    await _lots(db)
    for path in (f"/01/{GTIN13}/10/{URN_LOT}", f"/01/0{GTIN13}/10/{URN_LOT}", f"/public/lots/{URN}"):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["lot"] == URN_LOT and response.json()["product"]["name"] == "Toy car"
    # An LGTIN URN split elsewhere names the same lot; one of a lot stored under its lot code finds that lot.
    assert (await client.get(f"/public/lots/{URN_7}")).json()["lot"] == URN_LOT
    by_code = await client.get("/public/lots/urn:epc:class:lgtin:0000096.038507.L-2026-01")
    assert by_code.status_code == 200 and by_code.json()["producerName"] == "Henan Dairy Co."


@pytest.mark.parametrize(
    ("gtin", "why"),
    [("96385075", "check digit"), ("1234567", "8, 12, 13 or 14"), ("69012345678A", "digits"), ("0" * 15, "digits")],
)
async def test_a_malformed_gtin_is_a_400_naming_the_argument(client, db, gtin, why):
    response = await client.get(f"/01/{gtin}/10/L-2026-01")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_USER_INPUT" and error["message"].startswith("gtin:") and why in error["message"]


async def test_an_unknown_lot_is_a_404_that_says_so(client, db):
    await _lots(db)
    for path, ident in (("/public/lots/NOPE-1", "NOPE-1"), (f"/01/{GTIN8}/10/NOPE-2", "NOPE-2")):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND" and ident in response.json()["error"]["message"]
    # A lot code of another product is not this GTIN's lot.
    assert (await client.get(f"/01/{GTIN13}/10/L-2026-01")).status_code == 404


async def test_under_warning_and_under_recall_follow_the_risk_rules(client, db):
    await _lots(db)
    await load(db, risk_signal("SIG-1", {"batch": "L-2026-01"}))
    # A warning on an HS-code prefix covers the lot through its product; a lifted one covers nothing.
    # Grade IV (in force at once): a grade I or II would wait for a second officer (tests/api/test_four_eyes.py).
    four = warnings.WarningGrade.IV
    await warnings.issue(db, ["SIG-1"], warnings.Targets(hs_code_prefixes=("1901",)), [], four, "public test")
    lifted, _ = await warnings.issue(db, ["SIG-1"], warnings.Targets(origin_countries=("NZ",)), [], four, "public test")
    await warnings.lift(db, lifted.id, "over")
    lot = (await client.get("/public/lots/L-2026-01")).json()
    assert (lot["underWarning"], lot["underRecall"]) == (True, False)
    assert (await client.get(f"/public/lots/{URN}")).json()["underWarning"] is False

    recall = await recalls.open_recall(db, ["L-2026-01"], recalls.RecallClass.II)
    assert (await client.get("/public/lots/L-2026-01")).json()["underRecall"] is True
    await recalls.close_recall(db, recall.id, "all returned")
    assert (await client.get("/public/lots/L-2026-01")).json()["underRecall"] is False


async def test_the_blacklist_shows_listings_in_force_serious_first(client, db):
    await load(
        db,
        enterprise("E1", name="Serious Fraud Ltd", uscc="91350100M000100Y43"),
        enterprise("E2", name="Minor Fraud Ltd"),
        enterprise("E3", name="Expired Ltd"),
        enterprise("E4", name="Lifted Ltd"),
        enterprise("E5", name="Future Ltd"),
        person("PERSON-1", name="Wang Secretperson"),
        link("LEGAL_REPRESENTATIVE", "PERSON-1", "E1"),
        blacklist("BL-2", "E2", listedAt="2026-03-05", expiresAt="2099-01-01"),
        blacklist("BL-1", "E1", serious=True, listedAt="2026-01-01"),
        blacklist("BL-3", "E3", expiresAt="2026-03-02"),
        blacklist("BL-4", "E4"),
        blacklist("BL-5", "E5", listedAt="2099-01-01"),
    )
    await credit.lift_listing(db, "BL-4", "appeal upheld", "officer-1")
    response = await client.get("/public/blacklist")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"listings", "complete"} and body["complete"] is True
    keys = {"enterpriseName", "uscc", "reason", "listedAt", "expiresAt", "serious"}
    assert all(set(listing) == keys for listing in body["listings"])
    assert [(x["enterpriseName"], x["serious"]) for x in body["listings"]] == [
        ("Serious Fraud Ltd", True),
        ("Minor Fraud Ltd", False),
    ]
    assert body["listings"][0]["uscc"] == "91350100M000100Y43"
    assert body["listings"][1]["expiresAt"] == "2099-01-01"
    _no_secrets(response, "BL-1", "E1", "officer-1", "appeal upheld")


async def test_the_labs_are_the_recognised_ones_with_their_status(client, db):
    await load(
        db,
        lab("L1", name="Qingdao Food Lab", accreditation="CNAS L0001"),
        lab("L2", name="Anhui Toy Lab", status="SUSPENDED"),
        lab("L3", name="Unrecognised Lab", recognized=False),
    )
    response = await client.get("/public/labs")
    body = response.json()
    assert set(body) == {"labs", "complete"}
    assert all(set(x) == {"name", "accreditation", "status", "statusSince"} for x in body["labs"])
    assert [(x["name"], x["status"], x["accreditation"]) for x in body["labs"]] == [
        ("Anhui Toy Lab", "SUSPENDED", None),
        ("Qingdao Food Lab", "ACTIVE", "CNAS L0001"),
    ]
    assert all(x["statusSince"].endswith("Z") for x in body["labs"])


SIGNAL = "query($id: ID!) { signal(id: $id) { id source subjectKind subjectId description } }"


async def test_a_complaint_files_a_consumer_complaint_signal(client, db):
    await _lots(db)
    response = await client.post(
        "/public/complaints",
        json={
            "description": "The milk smelled sour",
            "gtin": GTIN8,
            "lot": "L-2026-01",
            "productName": "奶粉 900g",
            "contact": CONTACT,
        },
    )
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"signalId"}
    _no_secrets(response, CONTACT)
    signal_id = response.json()["signalId"]
    signal = (await gql(client, SIGNAL, id=signal_id))["data"]["signal"]
    kind = ("CONSUMER_COMPLAINT", "batch", "L-2026-01")
    assert (signal["source"], signal["subjectKind"], signal["subjectId"]) == kind
    assert signal["description"].startswith("The milk smelled sour") and "奶粉 900g" in signal["description"]
    assert CONTACT not in json.dumps(signal)
    stored = (await db.read("testing/node", id=signal_id))[0]["props"]
    assert stored["complainantContact"] == CONTACT  # kept for the regulator, answered by no public route

    # A GTIN alone files it on the product; a lotId on the lot.
    on_product = await client.post("/public/complaints", json={"description": "broken wheel", "gtin": GTIN13})
    signal = (await gql(client, SIGNAL, id=on_product.json()["signalId"]))["data"]["signal"]
    assert (signal["subjectKind"], signal["subjectId"]) == ("product", "0" + GTIN13)
    on_lot = await client.post("/public/complaints", json={"description": "sharp edge", "lotId": URN_7})
    signal = (await gql(client, SIGNAL, id=on_lot.json()["signalId"]))["data"]["signal"]
    assert (signal["subjectKind"], signal["subjectId"]) == ("batch", URN)
    by_code = await client.post("/public/complaints", json={"description": "lumps", "lot": "L-2026-01"})
    signal = (await gql(client, SIGNAL, id=by_code.json()["signalId"]))["data"]["signal"]
    assert (signal["subjectKind"], signal["subjectId"]) == ("batch", "L-2026-01")


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"gtin": GTIN8}, "description", 400),
        ({"description": "x" * 2001, "gtin": GTIN8}, "description", 400),
        ({"description": "   ", "gtin": GTIN8}, "description", 400),
        ({"description": "ok", "gtin": GTIN8, "email": "a@b"}, "email", 400),
        ({"description": "ok", "gtin": 96385074}, "gtin", 400),
        ({"description": "ok", "gtin": "96385075"}, "gtin", 400),
        ({"description": "ok"}, "lotId", 400),
        ({"description": "ok", "lotId": "NOPE"}, "lotId", 404),
        ({"description": "ok", "gtin": "00000000000000"}, "gtin", 404),
    ],
)
async def test_a_bad_complaint_is_refused_naming_the_field(client, db, body, field, status):
    await _lots(db)
    response = await client.post("/public/complaints", json=body)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"} and field in response.json()["error"]["message"]


async def test_the_31st_complaint_in_a_minute_from_one_client_is_429(db):
    await _lots(db)
    app = create_app(graph=db)
    complaint = {"description": "sour", "lotId": "L-2026-01"}

    def client_at(address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1234)), base_url="http://t")

    async with client_at("203.0.113.7") as one, client_at("203.0.113.8") as other:
        for _ in range(30):
            assert (await one.post("/public/complaints", json=complaint)).status_code == 201
        refused = await one.post("/public/complaints", json=complaint)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "TOO_MANY_REQUESTS"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert (await other.post("/public/complaints", json=complaint)).status_code == 201  # per client


async def test_the_public_routes_are_public_in_the_access_table():
    from api.access import ROUTES

    paths = create_app().openapi()["paths"]
    public = {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "public" in operation.get("tags", [])
    }
    # six: the lot, its Digital Link, the blacklist, the labs, complaints and a published monitoring plan's results
    assert len(public) == 6 and all(key in ROUTES and ROUTES[key] is None for key in public), public
