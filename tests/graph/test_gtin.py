"""GTINs and the ids a lot of one may be stored under (graph/gtin.py)."""

import pytest

from graph.errors import BadInput
from graph.gtin import gtin14, lgtin_urns, parse_lgtin, product_ids


@pytest.mark.parametrize("code", ["96385074", "614141000036", "6901234567892", "06901234567892", "10614141000033"])
def test_every_gtin_length_is_one_gtin_14(code):
    assert gtin14(code, "gtin") == code.zfill(14)


def test_product_ids_are_the_forms_its_leading_zeros_allow():
    assert product_ids("00000096385074") == ["00000096385074", "0000096385074", "000096385074", "96385074"]
    assert product_ids("06901234567892") == ["06901234567892", "6901234567892"]
    assert product_ids("16901234567899") == ["16901234567899"]


def test_the_urns_of_a_gtin_and_lot_cover_every_company_prefix_and_escape_the_lot():
    urns = lgtin_urns("06901234567892", 'A/B%"&<>?')
    assert len(urns) == 7
    assert urns[0] == "urn:epc:class:lgtin:690123.0456789.A%2FB%25%22%26%3C%3E%3F"
    assert "urn:epc:class:lgtin:6901234.056789.A%2FB%25%22%26%3C%3E%3F" in urns
    assert urns[-1] == "urn:epc:class:lgtin:690123456789.0.A%2FB%25%22%26%3C%3E%3F"
    for urn in urns:  # each reads back as the same GTIN and lot
        parsed = parse_lgtin(urn)
        assert parsed is not None and (parsed.gtin, parsed.lot) == ("06901234567892", 'A/B%"&<>?')


@pytest.mark.parametrize(
    "text",
    ["LOT-1", "urn:epc:class:lgtin:6901234.05678.L1", "urn:epc:id:sgtin:6901234.056789.1", "urn:epc:class:lgtin:"],
)
def test_anything_else_is_no_lgtin(text):
    assert parse_lgtin(text) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("96385075", "check digit 5, not 4"),
        ("1234567", "7 digits"),
        ("9638-5074", "only the digits"),
        ("٩٦٣٨٥٠٧٤", "only the digits"),  # Arabic-Indic digits are digits to str.isdigit, not to a scanner
        ("", "only the digits"),
    ],
)
def test_a_bad_gtin_says_what_is_wrong(code, says):
    with pytest.raises(BadInput, match=says) as refused:
        gtin14(code, "gtin")
    assert refused.value.argument == "gtin"
