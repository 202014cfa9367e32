"""GS1 identifiers (contract/EPCIS.md section 3): URN and Digital Link forms are one identity; check digits; splits."""

import json
from pathlib import Path

import pytest

from graph.epcis import identifiers as ids
from graph.epcis.hashing import event_hashes

VECTORS = Path(__file__).parent / "hash_vectors"


@pytest.mark.parametrize(
    ("urn", "link"),
    [
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://example.com/01/04012345123456/10/998877"),
        ("urn:epc:class:lgtin:0614141.077777.987", "https://shop.example.org/some/path/01/00614141777778/10/987?x=1"),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"),
        ("urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400"),
        ("urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452"),
        ("urn:epc:id:pgln:0614141.12345", "https://id.gs1.org/417/0614141123452"),
        ("urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663"),
        ("urn:epc:class:lgtin:0614141.077777.A%2FB%25", "https://id.gs1.org/01/00614141777778/10/A%2FB%25"),
    ],
)
def test_urn_and_digital_link_are_one_identity(urn: str, link: str) -> None:
    assert ids.parse(urn).is_gs1
    assert ids.parse(urn).key == ids.parse(link).key


def test_gtin13_is_padded_and_lot_is_case_sensitive() -> None:
    assert ids.same("https://id.gs1.org/01/614141777778/10/ab", "urn:epc:class:lgtin:0614141.077777.ab")
    assert not ids.same("urn:epc:class:lgtin:0614141.077777.ab", "urn:epc:class:lgtin:0614141.077777.AB")


def test_a_lot_or_serial_may_hold_a_dot_as_in_its_digital_link() -> None:
    # TDS escapes only "%&/<>? in a URN's last part; the public lot lookup reads the same URNs (graph/gtin.py).
    assert ids.same("urn:epc:class:lgtin:0614141.077777.LOT.7", "https://id.gs1.org/01/00614141777778/10/LOT.7")
    assert ids.same("urn:epc:id:sgtin:0614141.107346.2017.1", "https://id.gs1.org/01/10614141073464/21/2017.1")
    assert ids.to_urn(ids.parse("urn:epc:class:lgtin:0614141.077777.LOT.7"), {}) == (
        "urn:epc:class:lgtin:0614141.077777.LOT.7"
    )


def test_digits_of_other_scripts_make_an_opaque_identifier() -> None:
    for text in ("urn:epc:class:lgtin:٠٦١٤١٤١.077777.x", "urn:epc:id:sgtin:0614141.²07346.1"):
        assert ids.parse(text).kind is ids.Kind.OTHER


def test_a_wrong_check_digit_makes_an_opaque_identifier() -> None:
    wrong = ids.parse("https://id.gs1.org/01/00614141777779/10/987")
    assert wrong.kind is ids.Kind.OTHER
    assert wrong.key == "uri:https://id.gs1.org/01/00614141777779/10/987"
    assert ids.parse("urn:epc:id:sgtin:0614141.10734.2017").kind is ids.Kind.OTHER  # 12 digits, not 13
    assert (
        ids.parse("urn:gdst:example.com:product:lot:class:1.2.3").key
        == "uri:urn:gdst:example.com:product:lot:class:1.2.3"
    )


def test_canonical_urn_uses_the_fixed_split_and_escapes_the_lot() -> None:
    lot = ids.parse("https://id.gs1.org/01/00614141777778/10/9%2F87")
    assert ids.to_urn(lot, {}) == "urn:epc:class:lgtin:0614141.077777.9%2F87"  # the default 7 digits
    assert ids.to_urn(lot, {"00614141777778": 9}) == "urn:epc:class:lgtin:061414177.0777.9%2F87"
    assert ids.to_digital_link(ids.parse("urn:epc:id:sscc:0614141.1234567890")) == (
        "https://id.gs1.org/00/106141412345678908"
    )


def test_match_values_select_by_gtin_for_patterns() -> None:
    assert ids.match_key("urn:epc:idpat:sgtin:0614141.107346.*") == "gtin:10614141073464"
    assert ids.match_key("https://id.gs1.org/01/10614141073464") == "gtin:10614141073464"
    assert "gtin:10614141073464" in ids.keys_of("urn:epc:id:sgtin:0614141.107346.2017")


@pytest.mark.parametrize("name", sorted(p.stem for p in VECTORS.glob("*.jsonld")))
def test_event_hash_passes_the_generators_own_vectors(name: str) -> None:
    document = json.loads((VECTORS / f"{name}.jsonld").read_text())
    body = document["epcisBody"]
    events = body.get("eventList") or [body["event"]]
    expected = (VECTORS / f"{name}.hashes").read_text().splitlines()
    assert event_hashes(document["@context"], events) == expected
