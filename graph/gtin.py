"""GTINs and the ids a lot of one may be stored under (contract/EPCIS.md §3): a GTIN of 8, 12, 13 or 14 digits,
check digit verified (python-stdnum), is one GTIN-14 left-padded with zeros; a lot of it is stored either under
its lot code (its product's id being a form of the GTIN, contract/RECORDS.md) or under the LGTIN URN
`urn:epc:class:lgtin:<company prefix>.<indicator><item reference>.<lot>`, whose company-prefix split (6 to 12
digits) a GTIN alone does not tell: every split is a candidate, and at most one is stored for a GTIN."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidLength

from graph.errors import BadInput

GTIN_LENGTHS = (8, 12, 13, 14)
COMPANY_PREFIX_LENGTHS = range(6, 13)  # GS1 Company Prefixes are 6 to 12 digits
LGTIN_PREFIX = "urn:epc:class:lgtin:"
LGTIN = re.compile(r"urn:epc:class:lgtin:([0-9]{6,12})\.([0-9]{1,7})\.(.+)", re.IGNORECASE | re.DOTALL)
# Characters the Tag Data Standard escapes in a URN's lot part (TDS §7 table: %22 %25 %26 %2F %3C %3E %3F).
URN_ESCAPED = {c: f"%{ord(c):02X}" for c in '%"&/<>?'}


def gtin14(text: str, argument: str) -> str:
    """The GTIN-14 of a GTIN-8/12/13/14, or BadInput naming `argument`."""
    if not re.fullmatch(r"[0-9]+", text):
        raise BadInput(argument, f"{text[:40]!r} is not a GTIN: only the digits 0-9")
    try:
        ean.validate(text)
    except InvalidLength:
        raise BadInput(argument, f"{text!r} has {len(text)} digits; a GTIN has 8, 12, 13 or 14") from None
    except InvalidChecksum:
        expected = ean.calc_check_digit(text[:-1])
        raise BadInput(argument, f"{text!r} has check digit {text[-1]}, not {expected}: a digit is mistyped") from None
    return text.zfill(14)


def product_ids(gtin: str) -> list[str]:
    """The ids a product of GTIN-14 `gtin` may carry: the GTIN-14, and its GTIN-13, -12 and -8 forms where its
    leading zeros allow them."""
    return [gtin[14 - n :] for n in (14, 13, 12, 8) if n == 14 or gtin[: 14 - n] == "0" * (14 - n)]


def urn_escape(lot: str) -> str:
    return "".join(URN_ESCAPED.get(c, c) for c in lot)


def lgtin_urns(gtin: str, lot: str) -> list[str]:
    """The LGTIN URN of GTIN-14 `gtin` and `lot` under each company-prefix length."""
    indicator, body = gtin[0], gtin[1:13]  # the check digit is not part of the URN
    return [f"{LGTIN_PREFIX}{body[:n]}.{indicator}{body[n:]}.{urn_escape(lot)}" for n in COMPANY_PREFIX_LENGTHS]


@dataclass(frozen=True)
class Lgtin:
    gtin: str  # GTIN-14
    lot: str  # unescaped


def parse_lgtin(text: str) -> Lgtin | None:
    """The GTIN-14 and lot of an LGTIN URN; None when `text` is no LGTIN URN (any other lot id)."""
    found = LGTIN.fullmatch(text)
    if not found or len(found[1]) + len(found[2]) != 13:
        return None
    company_prefix, indicator_item = found[1], found[2]
    body = indicator_item[0] + company_prefix + indicator_item[1:]
    return Lgtin(body + ean.calc_check_digit(body), unquote(found[3]))
