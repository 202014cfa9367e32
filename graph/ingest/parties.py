"""A data supplier's records are its own parties' records: an enterprise record of one of its enterprises, a batch
it produced, a shipment it sent, a test report of its lab. Anything else it sends is an import error of its line,
naming the party (one error per record, like every import error); a single window or an admin imports for any
party (no limit: None)."""

from __future__ import annotations

from typing import Any

from graph.identity import Principal, Role

# Per record type, the attribute holding the party it is the record of, and its field's name in the record.
OWN_PARTY = {
    "enterprise": ("id", "id"),
    "batch": ("producer", "producer"),
    "shipment": ("from_", "from"),
    "test_report": ("lab", "lab"),
}
ANY_PARTY = frozenset({Role.SINGLE_WINDOW, Role.ADMIN})


def parties_of(principal: Principal) -> frozenset[str] | None:
    """The parties a caller may import for: its token's enterprises for a data supplier, None (any) otherwise."""
    if principal.has_any(ANY_PARTY) or Role.DATA_SUPPLIER not in principal.roles:
        return None
    return principal.enterprises


def fault(record: Any, parties: frozenset[str]) -> tuple[str, str] | None:
    """(field, message) when `record` is not one of `parties`' records, else None."""
    rule = OWN_PARTY.get(record.type)
    if rule is None:
        kinds = ", ".join(OWN_PARTY)
        return "type", f"a data supplier imports only {kinds} records of its own parties, not a {record.type} record"
    attribute, field = rule
    party = getattr(record, attribute)
    if party in parties:
        return None
    own = ", ".join(sorted(parties)) or "none: the token names no enterprise"
    return field, f"{party!r} is not a party this supplier supplies for (its token's enterprises: {own})"
