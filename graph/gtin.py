"""GTINs and the ids a lot of one may be stored under (contract/EPCIS.md §3): a GTIN of 8, 12, 13 or 14 digits,
check digit verified (python-stdnum), is one GTIN-14 left-padded with zeros; a lot of it is stored either under
its lot code (its product's id being a form of the GTIN, contract/RECORDS.md) or under the LGTIN URN
`urn:epc:class:lgtin:<company prefix>.<indicator><item reference>.<lot>`, whose company-prefix split (6 to 12
digits) a GTIN alone does not tell: every split is a candidate, and at most one is stored for a GTIN. The URN
grammar, its escaping, check digits and splits are graph/epcis/identifiers.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidLength

from graph.epcis import identifiers as ids
from graph.errors import BadInput

GTIN_LENGTHS = (8, 12, 13, 14)
LGTIN_PREFIX = "urn:epc:class:lgtin:"


def gtin14(text: str, argument: str) -> str:
    """The GTIN-14 of a GTIN-8/12/13/14, or BadInput naming `argument`."""
    if not re.fullmatch(r"[0-9]+", text):
        raise BadInput(argument, f"{text[:40]!r} is not a GTIN: only the digits 0-9")
    try:
        ean.validate(text)
    except InvalidLength:
        raise BadInput(argument, f"{text!r} has {len(text)} digits; a GTIN has 8, 12, 13 or 14") from None
    except InvalidChecksum:
        expected = ids.check_digit(text[:-1])
        raise BadInput(argument, f"{text!r} has check digit {text[-1]}, not {expected}: a digit is mistyped") from None
    return text.zfill(14)


def product_ids(gtin: str) -> list[str]:
    """The ids a product of GTIN-14 `gtin` may carry: the GTIN-14, and its GTIN-13, -12 and -8 forms where its
    leading zeros allow them."""
    return [gtin[14 - n :] for n in (14, 13, 12, 8) if n == 14 or gtin[: 14 - n] == "0" * (14 - n)]


def lgtin_urns(gtin: str, lot: str) -> list[str]:
    """The LGTIN URN of GTIN-14 `gtin` and `lot` under each company-prefix length."""
    return ids.urns_under_every_split(ids.Identity(ids.Kind.LGTIN, gtin, lot=lot))


@dataclass(frozen=True)
class Lgtin:
    gtin: str  # GTIN-14
    lot: str  # unescaped


def parse_lgtin(text: str) -> Lgtin | None:
    """The GTIN-14 and lot of an LGTIN URN; None when `text` is no LGTIN URN (any other lot id)."""
    if text[: len(LGTIN_PREFIX)].lower() == LGTIN_PREFIX:  # a lot id may be typed with its scheme in capitals
        text = LGTIN_PREFIX + text[len(LGTIN_PREFIX) :]
    identity = ids.parse_urn(text)
    if identity is None or identity.kind is not ids.Kind.LGTIN or not identity.lot:
        return None
    return Lgtin(identity.number, identity.lot)
