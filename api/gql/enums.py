"""Every enum of the schema, registered once. `strawberry.enum(E)` registers the domain's own class and returns
it, so GraphQL annotations name the domain enums (import them from here, which registers them first) and values
pass between the layers unconverted."""

import strawberry

from graph.audit import Outcome as AuditOutcome
from graph.contagion import Action as ContagionAction
from graph.records import CreditGrade, Hazard, SignalSource, Stage
from graph.reviews import ReviewStatus
from graph.risk.assessment import RiskLevel, WarningGrade
from graph.risk.channels import ChannelKind, IncidentKind, InstitutionKind, ReporterRole, Venue
from graph.risk.evaluation import Recommendation
from graph.risk.recalls import ConsigneeStatus, RecallClass, RecallStatus
from graph.risk.warnings import MeasureKind, MeasureStatus, WarningStatus

__all__ = [
    "AuditOutcome",
    "ChannelKind",
    "ConsigneeStatus",
    "ContagionAction",
    "CreditGrade",
    "Hazard",
    "IncidentKind",
    "InstitutionKind",
    "MeasureKind",
    "MeasureStatus",
    "RecallClass",
    "RecallStatus",
    "Recommendation",
    "ReporterRole",
    "ReviewStatus",
    "RiskLevel",
    "SignalSource",
    "Stage",
    "Venue",
    "WarningGrade",
    "WarningStatus",
]

strawberry.enum(CreditGrade, description="Customs enterprise-credit grades, best first.")
strawberry.enum(
    ContagionAction,
    name="ContagionAction",
    description="score >= 0.6 DOWNGRADE_REVIEW; score >= 0.3 RAISED_INSPECTION; else INFORMATION.",
)
strawberry.enum(ReviewStatus)
strawberry.enum(SignalSource)
strawberry.enum(Hazard)
strawberry.enum(Stage, description="Where a monitoring plan samples: PORT, MARKET, CROSS_BORDER_ECOMMERCE.")
strawberry.enum(RiskLevel)
strawberry.enum(WarningGrade, description="I red, II orange, III yellow, IV blue")
strawberry.enum(WarningStatus)
strawberry.enum(MeasureKind)
strawberry.enum(MeasureStatus)
strawberry.enum(RecallClass)
strawberry.enum(RecallStatus, description="OPEN until closed with a reason and a final report.")
strawberry.enum(ConsigneeStatus)
strawberry.enum(Recommendation)
strawberry.enum(
    AuditOutcome,
    name="AuditOutcome",
    description="OK; DENIED: refused (no token, a role or a second person missing); FAILED.",
)
strawberry.enum(ChannelKind, description="The channel a signal came by (graph/risk/channels.py).")
strawberry.enum(ReporterRole)
strawberry.enum(InstitutionKind)
strawberry.enum(IncidentKind)
strawberry.enum(Venue)
