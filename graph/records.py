"""The bulk record types of contract/RECORDS.md v1, as pydantic models.

Strict: a string where a number belongs, or an unknown field, is an error (a typo must not pass
silently). The field types (graph.values) refuse what would poison later reads: non-finite numbers, control
characters, blank or unbounded text, instants outside years 1..9999 in UTC. Dates keep the text the supplier
sent.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from stdnum.cn import uscc as uscc_code
from stdnum.exceptions import ValidationError as StdnumError

from graph.record_model import STRICT, models_by_tag
from graph.risk.channels import CHANNEL_SOURCES, Channel, ChannelKind, IncidentKey
from graph.values import (
    Fraction,
    Id,
    IsoDate,
    ItemText,
    Measurement,
    Prose,
    Quantity,
    ShortText,
    Text,
    Unit,
    parse_instant,  # also imported from here by the modules that turn record dates into epoch ms
)


def check_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, or ValueError. pycountry looks codes up case-insensitively; the codes themselves
    are upper case ("CN", not "cn")."""
    if not re.fullmatch(r"[A-Z]{2}", value) or pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


Country = Annotated[str, AfterValidator(check_country)]


def _check_uscc(value: str) -> str:
    try:
        return uscc_code.validate(value)
    except StdnumError as err:
        raise ValueError(f"{value!r} is not a valid unified social credit code (GB 32100-2015): {err}") from None


Uscc = Annotated[str, AfterValidator(_check_uscc)]

_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def _check_locode(value: str) -> str:
    if not _LOCODE.fullmatch(value) or pycountry.countries.get(alpha_2=value[:2]) is None:
        raise ValueError(f"{value!r} is not a UN/LOCODE (5 characters, e.g. CNTAO)")
    return value


Locode = Annotated[str, AfterValidator(_check_locode)]


class Role(StrEnum):
    MANUFACTURER = "MANUFACTURER"
    IMPORTER = "IMPORTER"
    EXPORTER = "EXPORTER"
    DISTRIBUTOR = "DISTRIBUTOR"
    RETAILER = "RETAILER"
    ECOMMERCE_PLATFORM = "ECOMMERCE_PLATFORM"
    CROSS_BORDER_SELLER = "CROSS_BORDER_SELLER"
    LOGISTICS = "LOGISTICS"


class CreditGrade(StrEnum):
    """Best first: the order is the order of the customs enterprise-credit rules."""

    ADVANCED_CERTIFIED = "ADVANCED_CERTIFIED"
    CERTIFIED = "CERTIFIED"
    REGULAR = "REGULAR"
    DISHONEST = "DISHONEST"
    SERIOUSLY_DISHONEST = "SERIOUSLY_DISHONEST"


class LinkKind(StrEnum):
    SHAREHOLDER = "SHAREHOLDER"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    OFFICER = "OFFICER"


class Category(StrEnum):
    FOOD = "FOOD"
    FOOD_CONTACT = "FOOD_CONTACT"
    COSMETICS = "COSMETICS"
    TOY = "TOY"
    CHILDREN_PRODUCT = "CHILDREN_PRODUCT"
    INFANT_CLOTHING = "INFANT_CLOTHING"
    FUNCTIONAL_CLOTHING = "FUNCTIONAL_CLOTHING"
    ELECTRICAL = "ELECTRICAL"
    AUTO = "AUTO"
    AUTO_PART = "AUTO_PART"
    NON_ROAD_MACHINERY = "NON_ROAD_MACHINERY"
    OTHER = "OTHER"


class Direction(StrEnum):
    IMPORT = "IMPORT"
    EXPORT = "EXPORT"
    DOMESTIC = "DOMESTIC"


class LabStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"


class AgencyKind(StrEnum):
    CUSTOMS = "CUSTOMS"
    MARKET_REGULATION = "MARKET_REGULATION"
    HEALTH = "HEALTH"
    AGRICULTURE = "AGRICULTURE"
    COMMERCE = "COMMERCE"
    PORT_OFFICE = "PORT_OFFICE"
    OTHER = "OTHER"


class TestResult(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"


class SignalSource(StrEnum):
    CONSUMER_COMPLAINT = "CONSUMER_COMPLAINT"
    ENTERPRISE_REPORT = "ENTERPRISE_REPORT"
    LAB_FAILURE = "LAB_FAILURE"
    INJURY_REPORT = "INJURY_REPORT"
    FOODBORNE_ILLNESS = "FOODBORNE_ILLNESS"
    PUBLIC_OPINION = "PUBLIC_OPINION"
    OVERSEAS_NOTIFICATION = "OVERSEAS_NOTIFICATION"
    COUNTERFEIT_REPORT = "COUNTERFEIT_REPORT"
    PORT_INSPECTION = "PORT_INSPECTION"
    RESEARCH_REPORT = "RESEARCH_REPORT"


class Hazard(StrEnum):
    HEALTH = "HEALTH"
    PHYSICAL = "PHYSICAL"
    CHEMICAL = "CHEMICAL"
    BIOLOGICAL = "BIOLOGICAL"
    ENVIRONMENTAL = "ENVIRONMENTAL"


class Stage(StrEnum):
    """Where a monitoring plan samples: at the port, on the market, in cross-border e-commerce."""

    PORT = "PORT"
    MARKET = "MARKET"
    CROSS_BORDER_ECOMMERCE = "CROSS_BORDER_ECOMMERCE"


class Strict(BaseModel):
    model_config = STRICT


class Enterprise(Strict):
    type: Literal["enterprise"]
    id: Id
    name: Text
    roles: list[Role] = []
    country: Country | None = None
    region: Text | None = None
    uscc: Uscc | None = None
    creditGrade: CreditGrade | None = None  # absent means REGULAR; see graph/credit.py for why it matters


class Person(Strict):
    type: Literal["person"]
    id: Id
    name: Text


class Link(Strict):
    type: Literal["link"]
    kind: LinkKind
    # "from" is a Python keyword: the field keeps its wire name through the alias.
    from_: Id = Field(alias="from")
    to: Id
    # validate_default: the share rules must run when share is absent too.
    share: Fraction | None = Field(default=None, validate_default=True)

    # Field validators, not model validators, so that an error names its field (RECORDS.md).
    @field_validator("share")
    @classmethod
    def _share_rules(cls, share: float | None, info: ValidationInfo) -> float | None:
        kind = info.data.get("kind")  # absent when kind itself is invalid (reported on its own)
        if kind == LinkKind.SHAREHOLDER and share is None:
            raise ValueError("share is required for a SHAREHOLDER link")
        if kind is not None and kind != LinkKind.SHAREHOLDER and share is not None:
            raise ValueError(f"share applies only to SHAREHOLDER links, not {kind}")
        return share

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.kind, self.from_, self.to)


class Product(Strict):
    type: Literal["product"]
    id: Id
    name: Text
    hsCode: Annotated[str, StringConstraints(pattern=r"^[0-9]{6,10}$")]  # \d would take any Unicode digit
    category: Category
    brand: Text | None = None


class BatchInput(Strict):
    batch: Id
    quantity: Quantity


class Batch(Strict):
    type: Literal["batch"]
    id: Id
    product: Id
    producer: Id
    quantity: Quantity
    unit: Unit
    producedAt: IsoDate
    originCountry: Country | None = None
    inputs: list[BatchInput] = []

    @field_validator("inputs")
    @classmethod
    def _inputs_distinct(cls, inputs: list[BatchInput], info: ValidationInfo) -> list[BatchInput]:
        seen: set[str] = set()
        own = info.data.get("id")  # once: ValidationInfo.data is rebuilt on every access
        for i, item in enumerate(inputs):
            if item.batch == own:
                raise ValueError(f"inputs[{i}]: a batch may not be its own input")
            if item.batch in seen:
                raise ValueError(f"inputs[{i}]: batch {item.batch!r} is listed twice")
            seen.add(item.batch)
        return inputs


class Shipment(Strict):
    type: Literal["shipment"]
    id: Id
    batch: Id
    from_: Id = Field(alias="from")
    to: Id
    quantity: Quantity
    shippedAt: IsoDate
    direction: Direction = Direction.DOMESTIC
    port: Locode | None = None
    declaration: ShortText | None = None

    @field_validator("to")
    @classmethod
    def _distinct_parties(cls, to: str, info: ValidationInfo) -> str:
        if to == info.data.get("from_"):
            raise ValueError("from and to must be different enterprises")
        return to


class Lab(Strict):
    type: Literal["lab"]
    id: Id
    name: Text
    accreditation: Text | None = None
    recognized: bool = False
    status: LabStatus = LabStatus.ACTIVE
    # Extension of RECORDS.md: when the current status took effect (default: when the import sees it change).
    # Reports a lab issued while suspended or revoked are flagged, so the date matters.
    statusSince: IsoDate | None = None


class Agency(Strict):
    type: Literal["agency"]
    id: Id
    name: Text
    kind: AgencyKind
    jurisdiction: Text | None = None


class TestItem(Strict):
    name: ItemText
    value: Measurement | None = None
    limit: Measurement | None = None
    unit: ItemText | None = None
    # "pass" is a Python keyword too.
    pass_: bool | None = Field(default=None, alias="pass")


MAX_TEST_ITEMS = 1000  # a full screen of residues is a few hundred


class TestReport(Strict):
    type: Literal["test_report"]
    id: Id
    lab: Id
    batch: Id
    result: TestResult
    testedAt: IsoDate
    items: Annotated[list[TestItem], Field(max_length=MAX_TEST_ITEMS)] = []
    # Extension of RECORDS.md (docs/MONITORING.md): the monitoring plan the test serves, the plan's target it
    # samples and the stage it was sampled at; the three together or none.
    plan: Id | None = None
    planTarget: Id | None = None
    stage: Stage | None = Field(default=None, validate_default=True)

    # A field validator (on the last of the three), so that the error names a field (RECORDS.md).
    @field_validator("stage")
    @classmethod
    def _plan_whole(cls, stage: str | None, info: ValidationInfo) -> str | None:
        values = {"plan": info.data.get("plan"), "planTarget": info.data.get("planTarget"), "stage": stage}
        missing = [k for k, v in values.items() if v is None]
        if missing and len(missing) < 3:
            raise ValueError(
                f"{', '.join(missing)} required when a test report names its plan (plan, planTarget, stage)"
            )
        return stage


class Blacklist(Strict):
    type: Literal["blacklist"]
    id: Id
    enterprise: Id
    reason: Text
    listedAt: IsoDate
    agency: Id | None = None
    expiresAt: IsoDate | None = None
    serious: bool = False

    @field_validator("expiresAt")
    @classmethod
    def _expiry_after_listing(cls, expires: str | None, info: ValidationInfo) -> str | None:
        listed = info.data.get("listedAt")  # absent when listedAt itself is invalid
        if expires is not None and listed is not None and parse_instant(expires) <= parse_instant(listed):
            raise ValueError("expiresAt must be after listedAt")
        return expires


MAX_PLAN_TARGETS = 200
HsPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}$")]  # a chapter (2 digits) to a full code


class StageQuota(Strict):
    stage: Stage
    samples: Annotated[int, Field(ge=1, le=1_000_000)]


class PlanTarget(Strict):
    """What a plan samples: lots of these origin countries and HS-code prefixes or categories (a lot matches when
    it matches every list given), for these hazards, with a sample quota per stage."""

    id: Id
    countries: list[Country] = []
    hsPrefixes: list[HsPrefix] = []
    categories: list[Category] = []
    hazards: Annotated[list[Hazard], Field(min_length=1)]
    quotas: Annotated[list[StageQuota], Field(min_length=1)]

    @model_validator(mode="after")
    def _narrow(self) -> PlanTarget:
        if not (self.countries or self.hsPrefixes or self.categories):
            raise ValueError(f"target {self.id!r} names none of countries, hsPrefixes, categories")
        stages = [q.stage for q in self.quotas]
        if len(set(stages)) != len(stages):
            raise ValueError(f"target {self.id!r} has two quotas for one stage")
        return self


class MonitoringPlan(Strict):
    """Extension of RECORDS.md (docs/MONITORING.md): a monitoring plan for a period."""

    type: Literal["monitoring_plan"]
    id: Id
    name: Text
    periodStart: IsoDate
    periodEnd: IsoDate
    stages: Annotated[list[Stage], Field(min_length=1)]
    agencies: Annotated[list[Id], Field(min_length=1)]
    targets: Annotated[list[PlanTarget], Field(min_length=1, max_length=MAX_PLAN_TARGETS)]
    description: Prose | None = None

    @field_validator("periodEnd")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("periodStart")
        if start is not None and parse_instant(end) <= parse_instant(start):
            raise ValueError("periodEnd must be after periodStart")
        return end

    @field_validator("targets")
    @classmethod
    def _targets_in_stages(cls, targets: list[PlanTarget], info: ValidationInfo) -> list[PlanTarget]:
        stages = set(info.data.get("stages") or ())
        seen: set[str] = set()
        for i, target in enumerate(targets):
            if target.id in seen:
                raise ValueError(f"targets[{i}]: target id {target.id!r} is listed twice")
            seen.add(target.id)
            for quota in target.quotas:
                if stages and quota.stage not in stages:
                    raise ValueError(f"targets[{i}]: a quota for stage {quota.stage} the plan does not cover")
        return targets


class Subject(Strict):
    batch: Id | None = None
    product: Id | None = None
    enterprise: Id | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Subject:
        given = [k for k in ("batch", "product", "enterprise") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("subject must name exactly one of batch, product, enterprise")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("batch", "product", "enterprise") if getattr(self, k) is not None)

    @property
    def ref(self) -> str:
        return getattr(self, self.kind)


class RiskSignal(Strict):
    type: Literal["risk_signal"]
    id: Id
    source: SignalSource
    hazard: Hazard
    severity: Annotated[int, Field(ge=1, le=4)]
    probability: Fraction
    receivedAt: IsoDate
    subject: Subject
    description: Prose | None = None
    # The channel it came by, with the fields that channel's reports carry (graph/risk/channels.py), and the
    # reporter's key for the incident it reports: signals of one incident are linked, counted once.
    channel: Channel | None = None
    incidentKey: IncidentKey | None = None

    @field_validator("channel")
    @classmethod
    def _source_fits_channel(cls, channel: Channel | None, info: ValidationInfo) -> Channel | None:
        source = info.data.get("source")  # absent when source itself is invalid
        allowed = CHANNEL_SOURCES[ChannelKind(channel.kind)] if channel is not None else None
        if allowed is not None and source is not None and source not in allowed:
            raise ValueError(
                f"a {channel.kind} signal has source {' or '.join(sorted(allowed))}, not {source}"  # type: ignore[union-attr]
            )
        return channel


class TradeMeasureKind(StrEnum):
    TBT = "TBT"  # a technical barrier to trade: a technical regulation, standard or conformity procedure
    SPS = "SPS"  # a sanitary or phytosanitary measure
    OTHER = "OTHER"


class ForeignMeasure(Strict):
    """A foreign technical trade measure (the plan's task 13): what a trading partner requires of goods under some
    HS codes from a date, and where it was notified (a WTO TBT/SPS notification number)."""

    type: Literal["foreign_measure"]
    id: Id
    country: Country  # the country that imposes it, where the goods go
    hsCodes: Annotated[list[HsPrefix], Field(min_length=1, max_length=200)]  # prefixes: goods under any of them
    kind: TradeMeasureKind
    title: Text
    requirement: Prose
    notifiedAt: IsoDate
    effectiveFrom: IsoDate | None = None
    notification: ShortText | None = None  # e.g. G/TBT/N/EU/1234
    sourceUrl: Text | None = None


Record = Annotated[
    Enterprise
    | Person
    | Link
    | Product
    | Batch
    | Shipment
    | Lab
    | Agency
    | MonitoringPlan
    | TestReport
    | Blacklist
    | RiskSignal
    | ForeignMeasure,
    Field(discriminator="type"),
]

RECORD_TYPES = models_by_tag(Record, "type")
