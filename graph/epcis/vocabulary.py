"""CBV vocabulary values in their three spellings: the bare word (`shipping`), the Web URI
(`https://ref.gs1.org/cbv/BizStep-shipping`) and the URN (`urn:epcglobal:cbv:bizstep:shipping`) are one value
(contract/EPCIS.md section 2); also the CURIE `cbv:BizStep-shipping`. Anything else (a custom URI) as written."""

from __future__ import annotations

import re

_WEB = re.compile(r"^(?:https://ref\.gs1\.org/cbv/|cbv:|gs1:)(BizStep|Disp|BTT|SDT|ER)-(.+)$")
_URN = re.compile(r"^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):(.+)$")


def bare(value: str | None) -> str | None:
    """The bare CBV word of a vocabulary value, or the value itself when it is not a CBV one."""
    if value is None:
        return None
    if m := _WEB.match(value):
        return m.group(2)
    if m := _URN.match(value):
        return m.group(2)
    return value
