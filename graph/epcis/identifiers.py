"""GS1 identifiers in EPCIS (contract/EPCIS.md section 3): EPC URNs and GS1 Digital Link URIs on any host are forms
of one identity (application identifier + GTIN-14 / SSCC-18 / GLN-13 + lot / serial / extension); any other URI is
its exact string.

Digital Link parsing and check digits are biip's; the EPC URN grammar (TDS 2.x) is small and written here. A URN
needs the GS1 Company Prefix length, which a Digital Link does not carry: `Splits` holds the lengths known for each
GS1 number (company_prefix.py decides them). This module is the one place for these GS1 pieces: graph/gtin.py (the
public lot lookup) uses its check digit, URN escaping, LGTIN URN parsing and rendering, and company-prefix splits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import quote, unquote

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_digital_link_uris import GS1DigitalLinkURI


class Kind(StrEnum):
    SGTIN = "sgtin"  # an instance: GTIN + serial (a Digital Link may also state its lot)
    LGTIN = "lgtin"  # a lot: GTIN + lot
    GTIN = "gtin"  # a product class: a GTIN alone, or the pattern urn:epc:idpat:sgtin:CP.IR.*
    SSCC = "sscc"
    SGLN = "sgln"
    PGLN = "pgln"
    OTHER = "other"  # any other URI, compared as written


@dataclass(frozen=True)
class Identity:
    kind: Kind
    number: str = ""  # GTIN-14, SSCC-18 or GLN-13 (without formatting); for OTHER, the URI as written
    lot: str | None = None  # unescaped, case-sensitive
    serial: str | None = None
    extension: str | None = None  # SGLN: the GLN extension ("0" and none are the same: stored as None)
    urn_split: int | None = None  # the company prefix length this form stated (URNs only)

    @property
    def key(self) -> str:
        """The identity as one string: equal keys, same identity, whatever the syntax."""
        match self.kind:
            case Kind.SGTIN:
                return f"01:{self.number}/21:{self.serial}"
            case Kind.LGTIN:
                return f"01:{self.number}/10:{self.lot}"
            case Kind.GTIN:
                return f"01:{self.number}"
            case Kind.SSCC:
                return f"00:{self.number}"
            case Kind.SGLN:
                return f"414:{self.number}" + (f"/254:{self.extension}" if self.extension else "")
            case Kind.PGLN:
                return f"417:{self.number}"
        return f"uri:{self.number}"

    @property
    def gtin(self) -> str | None:
        return self.number if self.kind in (Kind.SGTIN, Kind.LGTIN, Kind.GTIN) else None

    @property
    def lot_identity(self) -> Identity | None:
        """The lot this identifier names or states: an LGTIN itself, a Digital Link SGTIN with /10/."""
        if self.kind is Kind.LGTIN:
            return self
        if self.kind is Kind.SGTIN and self.lot is not None:
            return Identity(Kind.LGTIN, self.number, lot=self.lot)
        return None

    @property
    def is_gs1(self) -> bool:
        return self.kind is not Kind.OTHER


COMPANY_PREFIX_LENGTHS = range(6, 13)  # GS1 Company Prefixes are 6 to 12 digits
# TDS: these characters are %-escaped in the lot, serial and extension of an EPC URN (and may be in any other).
_URN_ESCAPED = {c: f"%{ord(c):02X}" for c in '"%&/<>?'}
# The last part (lot, serial, extension) may hold any GS1 character, "." too (TDS: only the above are escaped).
_URN = re.compile(r"urn:epc:(id|class|idpat):(sgtin|lgtin|sscc|sgln|pgln):(.+)", re.DOTALL)
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() takes other scripts' digits too


def check_digit(payload: str) -> str:
    """The GS1 check digit of a GTIN, GLN or SSCC given without it."""
    return str(gs1_standard_check_digit(payload))


def urn_escape(text: str) -> str:
    """A lot, serial or extension as an EPC URN writes it."""
    return "".join(_URN_ESCAPED.get(c, c) for c in text)


def urn_unescape(text: str) -> str:
    return unquote(text)


@lru_cache(maxsize=100_000)  # a document names the same identifiers over and over; identities are immutable
def parse(text: str) -> Identity:
    """The identity of an identifier as EPCIS writes it; never raises: what is not a well-formed GS1 key (a wrong
    check digit, a malformed URN) is an OTHER identifier, compared as written."""
    if text.startswith("urn:epc:"):
        return parse_urn(text) or Identity(Kind.OTHER, text)
    if text.startswith(("http://", "https://")):
        return _parse_digital_link(text) or Identity(Kind.OTHER, text)
    return Identity(Kind.OTHER, text)


def parse_urn(text: str) -> Identity | None:
    """The identity of an EPC URN; None when `text` is no well-formed one."""
    m = _URN.fullmatch(text)
    if m is None:
        return None
    space, scheme, body = m.groups()
    parts = body.split(".", 2)
    if (space, scheme) == ("id", "sgtin") and len(parts) == 3:
        gtin = _gtin_of(parts[0], parts[1])
        if gtin is None:
            return None
        return Identity(Kind.SGTIN, gtin, serial=urn_unescape(parts[2]), urn_split=len(parts[0]))
    if (space, scheme) == ("class", "lgtin") and len(parts) == 3:
        gtin = _gtin_of(parts[0], parts[1])
        if gtin is None:
            return None
        return Identity(Kind.LGTIN, gtin, lot=urn_unescape(parts[2]), urn_split=len(parts[0]))
    if (space, scheme) == ("idpat", "sgtin") and len(parts) == 3 and parts[2] == "*" and parts[1] != "*":
        gtin = _gtin_of(parts[0], parts[1])
        if gtin is None:
            return None
        return Identity(Kind.GTIN, gtin, urn_split=len(parts[0]))
    if (space, scheme) == ("id", "sscc") and len(parts) == 2:
        cp, serial = parts
        if not _gs1_digits(cp, serial, 17):
            return None
        payload = serial[0] + cp + serial[1:]
        return Identity(Kind.SSCC, payload + check_digit(payload), urn_split=len(cp))
    if (space, scheme) == ("id", "sgln") and len(parts) == 3:
        gln = _gln_of(parts[0], parts[1])
        if gln is None:
            return None
        extension = urn_unescape(parts[2])
        return Identity(Kind.SGLN, gln, extension=None if extension == "0" else extension, urn_split=len(parts[0]))
    if (space, scheme) == ("id", "pgln") and len(parts) == 2:
        gln = _gln_of(parts[0], parts[1])
        if gln is None:
            return None
        return Identity(Kind.PGLN, gln, urn_split=len(parts[0]))
    return None


def _gs1_digits(cp: str, rest: str, length: int) -> bool:
    """A URN's company prefix and the digits after it make a GS1 number of `length` digits without check digit."""
    return _DIGITS.fullmatch(cp + rest) is not None and len(cp + rest) == length and len(cp) in COMPANY_PREFIX_LENGTHS


def _gtin_of(cp: str, indicator_item: str) -> str | None:
    if not _gs1_digits(cp, indicator_item, 13):
        return None
    payload = indicator_item[0] + cp + indicator_item[1:]
    return payload + check_digit(payload)


def _gln_of(cp: str, location: str) -> str | None:
    if not _gs1_digits(cp, location, 12):
        return None
    return cp + location + check_digit(cp + location)


def _parse_digital_link(text: str) -> Identity | None:
    try:
        link = GS1DigitalLinkURI.parse(text)
    except (ParseError, ValueError):
        return None
    values: dict[str, str] = {}
    for element in link.element_strings:
        if element.gtin_error or element.gln_error or element.sscc_error:
            return None  # a wrong check digit: not this GS1 key
        values[element.ai.ai] = element.value
    if "01" in values:
        gtin = values["01"].zfill(14)
        if "21" in values:
            return Identity(Kind.SGTIN, gtin, lot=values.get("10"), serial=values["21"])
        if "10" in values:
            return Identity(Kind.LGTIN, gtin, lot=values["10"])
        return Identity(Kind.GTIN, gtin)
    if "00" in values:
        return Identity(Kind.SSCC, values["00"])
    if "414" in values:
        extension = values.get("254")
        return Identity(Kind.SGLN, values["414"], extension=None if extension in (None, "0") else extension)
    if "417" in values:
        return Identity(Kind.PGLN, values["417"])
    return None


def same(a: str, b: str) -> bool:
    return parse(a).key == parse(b).key


# --- rendering -------------------------------------------------------------------------------------------------

DEFAULT_SPLIT = 7  # contract/EPCIS.md section 3, rule (3)


def split_number(identity: Identity) -> str:
    """The GS1 number whose company prefix length a URN needs: GTIN-14 without indicator and check digit for
    GTINs (the same for every indicator), the GLN-13, the SSCC-18."""
    return identity.number


def to_urn(identity: Identity, splits: Mapping[str, int]) -> str:
    """The canonical EPC URN (OTHER: as written). `splits`: company prefix length by GS1 number."""
    n = identity.number
    cp_len = splits.get(n, identity.urn_split or DEFAULT_SPLIT)
    match identity.kind:
        case Kind.SGTIN | Kind.LGTIN | Kind.GTIN:
            cp, item = n[1 : 1 + cp_len], n[0] + n[1 + cp_len : 13]
            if identity.kind is Kind.SGTIN:
                return f"urn:epc:id:sgtin:{cp}.{item}.{urn_escape(identity.serial or '')}"
            if identity.kind is Kind.LGTIN:
                return f"urn:epc:class:lgtin:{cp}.{item}.{urn_escape(identity.lot or '')}"
            return f"urn:epc:idpat:sgtin:{cp}.{item}.*"
        case Kind.SSCC:
            return f"urn:epc:id:sscc:{n[1 : 1 + cp_len]}.{n[0]}{n[1 + cp_len : 17]}"
        case Kind.SGLN:
            return f"urn:epc:id:sgln:{n[:cp_len]}.{n[cp_len:12]}.{urn_escape(identity.extension or '0')}"
        case Kind.PGLN:
            return f"urn:epc:id:pgln:{n[:cp_len]}.{n[cp_len:12]}"
    return n


def urns_under_every_split(identity: Identity) -> list[str]:
    """The URN of a GS1 identity under each company prefix length, shortest first: the candidates for a form (a
    Digital Link, a GTIN) that does not say its split."""
    return [to_urn(identity, {identity.number: length}) for length in COMPANY_PREFIX_LENGTHS]


DIGITAL_LINK_HOST = "https://id.gs1.org"


def _dl(value: str) -> str:
    return quote(value, safe="")


def to_digital_link(identity: Identity) -> str:
    """The GS1 Digital Link URI on id.gs1.org (OTHER: as written)."""
    n = identity.number
    match identity.kind:
        case Kind.SGTIN:
            lot = f"/10/{_dl(identity.lot)}" if identity.lot is not None else ""
            return f"{DIGITAL_LINK_HOST}/01/{n}{lot}/21/{_dl(identity.serial or '')}"
        case Kind.LGTIN:
            return f"{DIGITAL_LINK_HOST}/01/{n}/10/{_dl(identity.lot or '')}"
        case Kind.GTIN:
            return f"{DIGITAL_LINK_HOST}/01/{n}"
        case Kind.SSCC:
            return f"{DIGITAL_LINK_HOST}/00/{n}"
        case Kind.SGLN:
            extension = f"/254/{_dl(identity.extension)}" if identity.extension else ""
            return f"{DIGITAL_LINK_HOST}/414/{n}{extension}"
        case Kind.PGLN:
            return f"{DIGITAL_LINK_HOST}/417/{n}"
    return n


def match_key(value: str) -> str:
    """The key a query's MATCH value selects by: a pattern (`urn:epc:idpat:sgtin:CP.IR.*`, a Digital Link `/01/g`
    without lot or serial) selects every identifier of its GTIN; anything else, its identity."""
    identity = parse(value)
    return f"gtin:{identity.number}" if identity.kind is Kind.GTIN else identity.key


def keys_of(text: str) -> list[str]:
    """The keys an identifier is found by: its identity, and `gtin:<GTIN-14>` for GS1 product identifiers."""
    identity = parse(text)
    return [identity.key, f"gtin:{identity.number}"] if identity.gtin else [identity.key]
