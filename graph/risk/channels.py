"""The channels of the plan's task 2 and 3, each a typed intake of risk signals with the fields its reports carry.

A risk_signal record (and reportSignal, and POST /public/complaints) may name its channel in `channel`, an object
whose `kind` says which; each kind has the fields that channel's reports need, required where a report of that
channel cannot be acted on without them. The channel also bounds the contract's `source`: a press report is
PUBLIC_OPINION, an injury report INJURY_REPORT, and so on (CHANNEL_SOURCES).

Duplicates of one incident (the same accident reported by a hospital, the press and a consumer) are linked, not
counted twice: each signal belongs to one (:Incident), by its `incidentKey` when the reporter gives one, otherwise
with the signals on the same subject and hazard received within INCIDENT_WINDOW_DAYS of each other
(risk/link_incidents.cypher). Counts of signals count incidents.

This module imports nothing of graph.records (which imports it): the sources are named by their text."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from graph.record_model import STRICT, models_by_tag
from graph.values import Id, IsoDate, Prose, ShortText, Text


class ChannelKind(StrEnum):
    CONSUMER_COMPLAINT = "CONSUMER_COMPLAINT"  # consumers, by the public service or a hotline
    MANDATORY_REPORT = "MANDATORY_REPORT"  # producers, traders, testing and certification bodies must report
    VOLUNTARY_REPORT = "VOLUNTARY_REPORT"  # universities, research institutes, associations may report
    PRESS = "PRESS"  # press and public opinion
    INJURY_REPORT = "INJURY_REPORT"  # product injury surveillance (hospitals, monitoring points)
    FOODBORNE_ILLNESS = "FOODBORNE_ILLNESS"  # foodborne-disease surveillance
    SHARED_INCIDENT = "SHARED_INCIDENT"  # another department's incident data: traffic accidents, fires (task 3)
    COUNTERFEIT_REPORT = "COUNTERFEIT_REPORT"  # counterfeits found in markets and e-commerce


# The contract's sources (risk.graphql SignalSource) each channel's signals may carry.
CHANNEL_SOURCES: dict[ChannelKind, frozenset[str]] = {
    ChannelKind.CONSUMER_COMPLAINT: frozenset({"CONSUMER_COMPLAINT"}),
    ChannelKind.MANDATORY_REPORT: frozenset({"ENTERPRISE_REPORT", "LAB_FAILURE"}),
    ChannelKind.VOLUNTARY_REPORT: frozenset({"RESEARCH_REPORT"}),
    ChannelKind.PRESS: frozenset({"PUBLIC_OPINION"}),
    ChannelKind.INJURY_REPORT: frozenset({"INJURY_REPORT"}),
    ChannelKind.FOODBORNE_ILLNESS: frozenset({"FOODBORNE_ILLNESS"}),
    # the contract has no source of its own for another department's incident: an accident or a fire that a
    # product caused is an injury report in its terms
    ChannelKind.SHARED_INCIDENT: frozenset({"INJURY_REPORT"}),
    ChannelKind.COUNTERFEIT_REPORT: frozenset({"COUNTERFEIT_REPORT"}),
}


class ReporterRole(StrEnum):
    PRODUCER = "PRODUCER"
    TRADER = "TRADER"
    TESTING_BODY = "TESTING_BODY"
    CERTIFICATION_BODY = "CERTIFICATION_BODY"


# A producer's or trader's report names the enterprise (its id); a testing or certification body's, the lab.
REPORTER_REFERENCE = {
    ReporterRole.PRODUCER: "enterprise",
    ReporterRole.TRADER: "enterprise",
    ReporterRole.TESTING_BODY: "lab",
    ReporterRole.CERTIFICATION_BODY: "lab",
}


class InstitutionKind(StrEnum):
    UNIVERSITY = "UNIVERSITY"
    RESEARCH_INSTITUTE = "RESEARCH_INSTITUTE"
    ASSOCIATION = "ASSOCIATION"


class IncidentKind(StrEnum):
    TRAFFIC_ACCIDENT = "TRAFFIC_ACCIDENT"
    FIRE = "FIRE"


class Venue(StrEnum):
    MARKET = "MARKET"
    E_COMMERCE = "E_COMMERCE"
    CROSS_BORDER_E_COMMERCE = "CROSS_BORDER_E_COMMERCE"


Count = Annotated[int, Field(ge=1, le=1_000_000)]


class _Channel(BaseModel):
    model_config = STRICT


class ConsumerComplaint(_Channel):
    kind: Literal["CONSUMER_COMPLAINT"]
    contact: Text | None = None  # personal data: never shown in a public answer
    purchasePlace: Text | None = None
    purchasedAt: IsoDate | None = None


class MandatoryReport(_Channel):
    kind: Literal["MANDATORY_REPORT"]
    reporterRole: ReporterRole
    reporter: Id  # the enterprise (PRODUCER, TRADER) or lab (TESTING_BODY, CERTIFICATION_BODY) that reports
    findings: Prose | None = None


class VoluntaryReport(_Channel):
    kind: Literal["VOLUNTARY_REPORT"]
    institution: Text
    institutionKind: InstitutionKind
    reference: Text | None = None  # a publication, a study's number


class PressReport(_Channel):
    kind: Literal["PRESS"]
    outlet: Text
    publishedAt: IsoDate
    url: Text | None = None


class InjuryReport(_Channel):
    kind: Literal["INJURY_REPORT"]
    reportingBody: Text  # the hospital or monitoring point
    occurredAt: IsoDate
    injuredCount: Count
    injuryType: Text | None = None


class FoodborneIllness(_Channel):
    kind: Literal["FOODBORNE_ILLNESS"]
    reportingBody: Text  # the disease-control centre or hospital
    onsetAt: IsoDate
    caseCount: Count
    pathogen: Text | None = None


class SharedIncident(_Channel):
    kind: Literal["SHARED_INCIDENT"]
    incidentKind: IncidentKind
    department: Text  # the department that shares it (traffic police, fire service)
    occurredAt: IsoDate
    location: Text | None = None
    casualties: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class CounterfeitReport(_Channel):
    kind: Literal["COUNTERFEIT_REPORT"]
    venue: Venue
    seller: Text  # the stall, shop or online store
    platform: Text | None = None  # the e-commerce platform, when online
    listingUrl: Text | None = None
    claimedBrand: Text | None = None


Channel = Annotated[
    ConsumerComplaint
    | MandatoryReport
    | VoluntaryReport
    | PressReport
    | InjuryReport
    | FoodborneIllness
    | SharedIncident
    | CounterfeitReport,
    Field(discriminator="kind"),
]

CHANNEL_MODELS = models_by_tag(Channel, "kind")

IncidentKey = ShortText
