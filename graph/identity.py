"""Who calls: the authenticated person or system behind a request, and the roles the service knows.

The graph layer takes a Principal where a rule depends on the caller (a data supplier writes only for its own
parties; an audit event names its subject); api/auth.py makes one from a verified token."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """The roles of the realm (ops/keycloak/realm-tracegraph.json), as they appear in a token's roles claim."""

    INVESTIGATOR = "investigator"  # reads everything, decides nothing
    RECALL_COORDINATOR = "recall_coordinator"  # recalls: open, notify, returns, close; reads scopes
    RISK_OFFICER = "risk_officer"  # signals, assessments, warnings, measures, port control
    CREDIT_OFFICER = "credit_officer"  # grades, listings, downgrade reviews
    CREDIT_PLATFORM = "credit_platform"  # the national credit platform: the credit feed only
    DATA_SUPPLIER = "data_supplier"  # imports records for its own enterprises only
    SINGLE_WINDOW = "single_window"  # the port's single window: imports for any party
    AUDITOR = "auditor"  # reads the audit trail
    MONITORING_OFFICER = "monitoring_officer"  # monitoring plans, sampling, spot checks; reads quality indicators
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """A verified caller: the token's subject, its roles, and (data suppliers) the enterprises it supplies for."""

    subject: str
    roles: frozenset[Role]
    enterprises: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None  # shown beside the subject where a person reads it (preferred_username)

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)
