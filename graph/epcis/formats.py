"""GS1-EPC-Format (openapi:4600): how the identifiers of answered events are written. Absent means
Always_GS1_Digital_Link; No_Preference and Never_Translates answer as captured; Always_EPC_URN answers canonical
URNs (with the company prefix splits fixed at capture). Identifiers that are not GS1 keys stay as written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.db import Graph
from graph.epcis import company_prefix
from graph.epcis import identifiers as ids

FORMATS = ("Always_GS1_Digital_Link", "Always_EPC_URN", "No_Preference", "Never_Translates")
DEFAULT = "Always_GS1_Digital_Link"
_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITIES = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def _rewrite(event: dict[str, Any], write: Callable[[str], str]) -> dict[str, Any]:
    out = dict(event)
    for name in _LISTS:
        if isinstance(out.get(name), list):
            out[name] = [write(x) if isinstance(x, str) else x for x in out[name]]
    if isinstance(out.get("parentID"), str):
        out["parentID"] = write(out["parentID"])
    for name in _QUANTITIES:
        if isinstance(out.get(name), list):
            out[name] = [
                {**q, "epcClass": write(q["epcClass"])} if isinstance(q, dict) and "epcClass" in q else q
                for q in out[name]
            ]
    for name in ("bizLocation", "readPoint"):
        if isinstance(out.get(name), dict) and isinstance(out[name].get("id"), str):
            out[name] = {**out[name], "id": write(out[name]["id"])}
    for name, field in (("sourceList", "source"), ("destinationList", "destination")):
        if isinstance(out.get(name), list):
            out[name] = [
                {**s, field: write(s[field])} if isinstance(s, dict) and isinstance(s.get(field), str) else s
                for s in out[name]
            ]
    return out


async def in_format(graph: Graph, events: list[dict[str, Any]], epc_format: str) -> list[dict[str, Any]]:
    if epc_format in ("No_Preference", "Never_Translates"):
        return events
    if epc_format == "Always_EPC_URN":
        numbers, _ = company_prefix.document_numbers(events)
        splits = await company_prefix.known(graph, sorted(numbers))

        def urn(text: str) -> str:
            identity = ids.parse(text)
            return ids.to_urn(identity, splits) if identity.is_gs1 else text

        return [_rewrite(e, urn) for e in events]

    def link(text: str) -> str:
        identity = ids.parse(text)
        return ids.to_digital_link(identity) if identity.is_gs1 else text

    return [_rewrite(e, link) for e in events]
