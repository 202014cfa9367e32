"""Who may do what: the one table of the service's access rules.

Every GraphQL operation (a field of Query or Mutation) and every field of every type has a rule here; the
enforcement (api/gql/guard.py for GraphQL, the REST dependencies for HTTP) reads only this module, and
tests/api/test_access.py walks the schema and fails on any field without a rule. A rule lists the roles that may
call the operation or read the field; `audited` marks confidential reads (persons, an enterprise's evidence,
consignee lists), which the audit trail records like a mutation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.identity import Role


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    audited: bool = False  # a read of confidential data: recorded in the audit trail


def roles(*names: Role) -> frozenset[Role]:
    return frozenset({*names, Role.ADMIN})


# Those who read the graph: every regulator's role (a data supplier reads only what it supplied, by its own rule).
READERS = roles(Role.INVESTIGATOR, Role.RECALL_COORDINATOR, Role.RISK_OFFICER, Role.CREDIT_OFFICER)
READ = Rule(READERS)
CONFIDENTIAL = Rule(READERS, audited=True)


def fields(parent: str, names: str, rule: Rule) -> dict[str, Rule]:
    """The same rule for several fields of `parent`, named in one string, keyed "Parent.field"."""
    return {f"{parent}.{name}": rule for name in names.split()}


# --- audit: the audit trail and the four-eyes confirmations (issue 12, items 4 and 5) ----------------------------
AUDIT_OPERATIONS: Mapping[str, Rule] = {
    "Query.auditEvents": Rule(roles(Role.AUDITOR)),  # who did and saw what
    "Mutation.confirmWarning": Rule(roles(Role.RISK_OFFICER)),  # the second risk officer on a grade I or II
    "Mutation.confirmBlacklistLift": Rule(roles(Role.CREDIT_OFFICER)),  # the second credit officer on a serious lift
}
AUDIT_FIELDS: Mapping[str, Rule] = {
    **fields("AuditEvent", "seq at subject roles operation ids outcome requestId cursor", Rule(roles(Role.AUDITOR))),
    **fields("AuditEventPage", "events endCursor hasNextPage", Rule(roles(Role.AUDITOR))),
    **fields("PendingLift", "requestedBy requestedAt reason", READ),
    "BlacklistEntry.pendingLift": READ,
    **fields("Warning", "proposedGrade proposedBy", READ),
}
# Routes recorded in the audit trail besides the audited reads and every write (api/audit_http.py): the bulk
# credit feed, which hands every grade change to a system outside.
AUDITED_ROUTES = frozenset({"GET /credit/events"})
# --- end audit ----------------------------------------------------------------------------------------------------

# --- reports (issue 17 items 3, 5-7): signal channels, reports to enterprises and agencies, foreign measures ----
# Reports name an enterprise's failed tests, warnings, recalls and grade; impact reports name exporters and their
# volumes; dossiers hold evidence and the audit trail: all confidential reads, audited. A risk officer records
# foreign measures and notifies the exporters they affect.
# Every regulator and the monitoring officer, who sends each enterprise its report and each plan's agencies theirs.
REPORT_READERS = Rule(READERS | roles(Role.MONITORING_OFFICER), audited=True)
REPORTS_OPERATIONS: Mapping[str, Rule] = {
    "Query.enterpriseReport": REPORT_READERS,
    "Query.agencyReport": REPORT_READERS,
    "Query.foreignMeasure": READ,
    "Query.foreignMeasureImpact": REPORT_READERS,
    "Mutation.recordForeignMeasure": Rule(roles(Role.RISK_OFFICER)),
    "Mutation.notifyForeignMeasure": Rule(roles(Role.RISK_OFFICER)),
}
REPORTS_ROUTES: Mapping[str, Rule] = {
    "GET /reports/enterprises/{enterprise_id}.{extension}": REPORT_READERS,
    "GET /reports/plans/{plan_id}.{extension}": REPORT_READERS,
    "GET /foreign-measures/{measure_id}/impact.{extension}": REPORT_READERS,
    "GET /dossiers/{kind}/{ident}.zip": Rule(roles(Role.INVESTIGATOR, Role.RISK_OFFICER, Role.CREDIT_OFFICER), True),
}
# --- end reports ---------------------------------------------------------------------------------------------------


# --- monitoring (issue 17, items 1, 2 and 4): plans, sampling, spot checks, quality indicators ---------------------
# Monitoring officers plan, sample and propose; every regulator reads plans, results and indicators. A plan's results
# name lots and producers (its failures), like the supply chain the readers read; the public sees only the
# aggregate counts of a published plan (GET /public/plans/{planId}).
MONITORING_READERS = READERS | roles(Role.MONITORING_OFFICER)
MONITORING_READ = Rule(MONITORING_READERS)
MONITORING_OPERATIONS: Mapping[str, Rule] = {
    **fields(
        "Query", "monitoringPlans monitoringPlan planResults qualityIndicators nextSamples spotChecks", MONITORING_READ
    ),
    **fields(
        "Mutation",
        "createMonitoringPlan publishPlanResults proposeSpotCheck acceptSpotCheck rejectSpotCheck",
        Rule(roles(Role.MONITORING_OFFICER)),
    ),
}
MONITORING_FIELDS: Mapping[str, Rule] = {
    **fields("StageQuota", "stage samples", MONITORING_READ),
    **fields("PlanTarget", "id countries hsPrefixes categories hazards quotas", MONITORING_READ),
    **fields("ResponsibleAgency", "id name kind", MONITORING_READ),
    **fields(
        "MonitoringPlan",
        "id name periodStart periodEnd stages agencies targets description publishedAt publishedBy results",
        MONITORING_READ,
    ),
    **fields("StageResult", "stage quota tested failed failRate progress", MONITORING_READ),
    **fields("TargetResult", "target stages quota tested failed failRate progress", MONITORING_READ),
    **fields("PlanFailure", "reportId batchId productId producerId labId targetId stage testedAt", MONITORING_READ),
    **fields(
        "PlanResults",
        "planId targets quota tested failed failRate progress failures failuresComplete outsidePeriod unmatched asOf",
        MONITORING_READ,
    ),
    **fields("ScoreComponent", "kind points detail", MONITORING_READ),
    **fields("SamplingCandidate", "batchId shipmentId productId producerId score reasons", MONITORING_READ),
    **fields(
        "SamplingPage",
        "planId targetId stage scoreDefinition items endCursor hasNextPage candidates candidatesComplete",
        MONITORING_READ,
    ),
    **fields(
        "SpotCheck",
        "id planId batchId stage reason status score reasons proposedBy proposedAt decidedBy decidedAt decisionReason",
        MONITORING_READ,
    ),
    **fields(
        "IndicatorMonth",
        "month tested passed passRate shipments signals signalsPer10kShipments warnings warningsPer10kShipments "
        "recalls recallEffectiveness",
        MONITORING_READ,
    ),
    **fields("IndicatorDefinition", "name definition", MONITORING_READ),
    **fields("QualityIndicators", "dimension key months definitions lots lotsComplete", MONITORING_READ),
}
# --- end monitoring -----------------------------------------------------------------------------------------------


OPERATIONS: Mapping[str, Rule] = {
    # --- reads -----------------------------------------------------------------------------------------------
    **fields(
        "Query",
        "batch enterprise product shipment lab traceBack contagion downgradeReviews downgradeReview blacklistEntry "
        "inspectionPlan assessSignal warning portControlHits recall recalls signal warnings evaluateWarning "
        "searchEnterprises searchBatches searchShipments",
        READ,
    ),
    **fields("Query", "recallScope person searchPersons", CONFIDENTIAL),  # consignee lists, persons
    "Query.checkDeclaration": Rule(READERS | roles(Role.SINGLE_WINDOW)),  # the port checks a declaration
    "Query.creditEvents": Rule(roles(Role.CREDIT_PLATFORM, Role.CREDIT_OFFICER, Role.INVESTIGATOR)),
    # --- decisions -------------------------------------------------------------------------------------------
    "Mutation.importRecords": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    **fields(
        "Mutation",
        "setCreditGrade liftBlacklistEntry openDowngradeReviews approveDowngradeReview rejectDowngradeReview",
        Rule(roles(Role.CREDIT_OFFICER)),
    ),
    **fields(
        "Mutation",
        "reportSignal issueWarning adjustWarning liftWarning setWarningMeasure",
        Rule(roles(Role.RISK_OFFICER)),
    ),
    **fields(
        "Mutation", "openRecall recordRecallReturn closeRecall markRecallNotified", Rule(roles(Role.RECALL_COORDINATOR))
    ),
    **AUDIT_OPERATIONS,
    **MONITORING_OPERATIONS,
    **REPORTS_OPERATIONS,
}


# Every HTTP route other than /graphql, keyed "METHOD /path-template" as FastAPI declares it. None: no token
# needed (health, metrics, the browser pages' shells and assets, the public services). Enforced for every route by
# api/auth.py; a route missing here is refused at start-up.
ROUTES: Mapping[str, Rule | None] = {
    "GET /healthz": None,
    "GET /readyz": None,
    "GET /metrics": None,
    "GET /": None,
    "GET /docs": None,
    "GET /redoc": None,
    "GET /openapi.json": None,  # the HTTP API's description, which /docs and /redoc show
    "GET /static/{path}": None,  # the pages' scripts, styles and icons (mounts: files, served to anyone)
    "GET /auth/local/{path}": None,  # the local issuer's discovery document and keys (AUTH_LOCAL_ISSUER)
    "GET /graphql": None,  # GraphiQL's page; the operations it sends are ruled by OPERATIONS
    "POST /graphql": None,  # the same: each GraphQL field has its own rule
    "GET /recall-scope.{extension}": CONFIDENTIAL,
    "GET /recalls/{recall_id}.{extension}": Rule(roles(Role.RECALL_COORDINATOR, Role.INVESTIGATOR), audited=True),
    "GET /credit/events": Rule(roles(Role.CREDIT_PLATFORM, Role.CREDIT_OFFICER, Role.INVESTIGATOR)),
    "POST /imports": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /imports/{job_id}": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    # --- public services (api/public.py): no token, nothing confidential in any answer -------------------------
    "GET /public/lots/{lotId}": None,
    "GET /01/{gtin}/10/{lot}": None,  # GS1 Digital Link
    "GET /public/blacklist": None,
    "GET /public/labs": None,
    "POST /public/complaints": None,  # rate-limited per client address (PUBLIC_COMPLAINTS_PER_MINUTE)
    "GET /public/plans/{planId}": None,  # a published monitoring plan's aggregate results (api/monitoring_public.py)
    # --- end of public services ----------------------------------------------------------------------------------
    # --- explorer (issue 14): the page's shell and how to sign in; what it shows comes from GraphQL, ruled above
    "GET /explore": None,
    "GET /explore/config.json": None,
    # --- end explorer
    # --- EPCIS (issue 13): capture is a supplier's or the single window's act; a data supplier reads what it
    # captured (api/epcis/routes.py filters by the capturing subject), the readers read every event.
    "POST /epcis/capture": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/capture": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/capture/{captureID}": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/events": Rule(READERS | roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/events/{eventID}": Rule(READERS | roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/export": READ,
    "OPTIONS /epcis": None,
    "OPTIONS /epcis/capture": None,
    "OPTIONS /epcis/events": None,
    # --- end EPCIS
    **REPORTS_ROUTES,
}


# Every field of every object type, keyed "Type.field" (the fields of Query and Mutation are OPERATIONS). An
# operation lets its roles in; a field's rule then says who may read it there. OPEN fields are what any caller an
# operation admits may see: what an enterprise is and its public credit standing (the credit platform's feed, the
# single window's declaration check), the credit events, a warning as the port applies it, an import's report.
# Everything else, the supply chain, quantities, consignees, persons and evidence, only the regulators read
# (READ), and the entries into persons, consignee lists and evidence are CONFIDENTIAL reads, audited.
OPEN = Rule(frozenset(Role))

FIELDS: Mapping[str, Rule] = {
    # --- navigation pages (issue 11 item 8): each `<list>Page` as its plain list; people and owners name persons
    **fields("Batch", "inputsPage outputsPage shipmentsPage testReportsPage", READ),
    **fields("Enterprise", "batchesPage shipmentsOutPage shipmentsInPage holdingsPage tiesPage", READ),
    **fields("Enterprise", "peoplePage ownersPage", CONFIDENTIAL),
    **fields("Product", "batchesPage", READ),
    **fields("Lab", "reportsPage", READ),
    **{
        f"{item}Page.{name}": READ
        for item in ("BatchUse", "TestReport", "PersonRole", "Owner", "Stake", "Tie")
        for name in ("items", "endCursor", "hasNextPage")
    },
    # --- end of navigation pages
    # --- answer pages (issue 15 item 3, recall): each page as its plain list; consignee lists are audited
    "Trace.upstreamPage": READ,
    "RecallScope.affectedBatchesPage": READ,
    "RecallScope.consigneesPage": CONFIDENTIAL,
    **fields("TracedBatchPage", "items endCursor hasNextPage", READ),
    **fields("ConsigneePage", "items endCursor hasNextPage", READ),
    # --- end answer pages
    # --- EPCIS (issue 13): a batch's captured events are read like the batch
    "Batch.epcisEvents": READ,
    # --- end EPCIS
    **fields("Assessment", "riskLevel affectedBatchCount consigneeCount grade rationale signalId", READ),
    **fields(
        "Batch",
        "id quantity unit producedAt originCountry product producer inputs outputs shipments testReports "
        "massBalanceIssues",
        READ,
    ),
    **fields("BatchEdge", "input output quantity unit", READ),
    **fields("BatchPage", "items endCursor hasNextPage", READ),
    **fields("BatchUse", "batch quantity", READ),
    **fields(
        "BlacklistEntry",
        "id reason listedAt expiresAt serious agencyId liftedBy liftReason inForce liftedAt enterprise",
        OPEN,
    ),
    **fields("Consignee", "enterprise holdings", READ),
    **fields("ContagionHop", "kind weight via from to", READ),
    **fields("ContagionPath", "score hops source", READ),
    **fields("CreditDecision", "enterprise event", OPEN),
    **fields("CreditEvent", "seq fromGrade toGrade reason at effectiveAt kind decidedBy cursor enterprise", OPEN),
    **fields("CreditEvent", "evidence", CONFIDENTIAL),
    **fields("CreditEventPage", "events endCursor hasNextPage", OPEN),
    **fields("DeclarationHit", "warning matchedOn measures", OPEN),
    **fields(
        "DowngradeReview",
        "id status score action sources maxHops gradeAtOpening openedAt openedBy decidedAt decidedBy "
        "decisionReason creditEventSeq enterprise",
        READ,
    ),
    **fields("DowngradeReview", "evidence", CONFIDENTIAL),
    **fields("EffectivenessCheck", "level consigneeShare consigneesToCheck", READ),
    **fields(
        "Enterprise",
        "id name roles country creditGrade blacklisted region uscc standingGrade declaredGrade creditHistory "
        "blacklistEntries",
        OPEN,
    ),
    **fields("Enterprise", "downgradeReviews exposure inspectionPlan batches shipmentsOut shipmentsIn holdings", READ),
    **fields("Enterprise", "ties people owners", CONFIDENTIAL),
    **fields("EnterprisePage", "items endCursor hasNextPage", READ),
    **fields("Exposure", "score action enterprise", READ),
    **fields("Exposure", "evidence", CONFIDENTIAL),
    **fields("Holding", "batch quantity forwarded used shipments firstShippedAt lastShippedAt unit onHand", READ),
    **fields("ImportError", "line field message", OPEN),
    **fields("ImportReport", "ok created updated unchanged errors errorCount byType", OPEN),
    **fields("ImportTypeCount", "type created updated unchanged", OPEN),
    **fields("InspectionPlan", "grade rate baseRate reasons exposure enterprise", READ),
    **fields("InspectionReason", "kind detail rate", READ),
    **fields("Lab", "id name accreditation recognized status statusHistory reports", READ),
    **fields("LabStatusPeriod", "status since", READ),
    **fields("MassBalanceIssue", "produced received shipped used unit enterprise batch", READ),
    **fields("OpenedReviews", "opened alreadyOpen skipped", READ),
    **fields("Owner", "holderId name kind share", READ),
    **fields("Person", "id name enterprises", READ),
    **fields("PersonPage", "items endCursor hasNextPage", READ),
    **fields("PersonRole", "personId name role share", READ),
    **fields("PersonSeat", "enterprise role share", READ),
    **fields("PortControlHit", "warning shipment matchedOn measures", READ),
    **fields("Product", "id name hsCode category brand batches", READ),
    **fields(
        "Recall",
        "id recallClass startBy finishBy effectiveness effectivenessByUnit openedAt openedBy warningId "
        "sourceIds effectivenessCheck progress status closedAt closeReason closedBy finalReport "
        "affectedBatches massBalanceIssues",
        READ,
    ),
    **fields("Recall", "consignees", CONFIDENTIAL),
    **fields(
        "RecallConsignee",
        "shipped forwarded used returned notified unit onHand outstanding status enterprise batch",
        READ,
    ),
    **fields("RecallFinalReport", "effectiveness effectivenessByUnit", READ),
    **fields("RecallFinalReport", "notReached", CONFIDENTIAL),
    **fields("RecallNotReached", "outstanding unit notified enterprise batch", READ),
    **fields("RecallPage", "recalls endCursor hasNextPage", READ),
    **fields("RecallProgress", "consignees notified fullyReturned effectiveness startOverdue finishOverdue", READ),
    **fields("RecallScope", "sources affectedBatches edges", READ),
    **fields("RecallScope", "consignees", CONFIDENTIAL),
    **fields(
        "RiskSignal",
        "id source hazard severity probability receivedAt subjectKind subjectId description reportId assessment",
        READ,
    ),
    # --- reports (issue 17 items 3, 5-7): signal channels, reports to enterprises, foreign measures, dossiers
    **fields("RiskSignal", "channel incidentKey incidentId duplicates", READ),
    "RiskSignal.channelDetails": CONFIDENTIAL,  # a consumer's contact, a reporter's findings
    **fields(
        "ForeignMeasure",
        "id country hsCodes kind title requirement notifiedAt effectiveFrom notification sourceUrl notices",
        READ,
    ),
    "ForeignMeasure.affectedExporters": CONFIDENTIAL,  # exporters' volumes
    **fields("ForeignMeasureNotice", "enterpriseId signedBy sentAt text created", READ),
    **fields("AffectedExporter", "enterpriseId name country shipments volumes products lastShippedAt", READ),
    **fields("ExportVolume", "unit quantity shipments", READ),
    # --- end reports
    **fields("Shipment", "id quantity shippedAt direction port declaration portControlHits batch from to", READ),
    **fields("ShipmentPage", "items endCursor hasNextPage", READ),
    **fields("Stake", "enterprise share", READ),
    **fields("TargetsView", "batchIds productIds enterpriseIds hsCodePrefixes originCountries", OPEN),
    **fields("TestItem", "name value limit unit passed", READ),
    **fields("TestReport", "id result testedAt items lab recognised issuedWhileSuspended recognitionNote batch", READ),
    **fields("Tie", "kind weight via enterprise", READ),
    **fields("Trace", "root upstream custody edges", READ),
    **fields("TracedBatch", "batch depth shipments", READ),
    **fields("UnitEffectiveness", "unit onHand returned effectiveness shipped forwarded used outstanding", READ),
    **fields(
        "Warning",
        "id grade colour status effectiveFrom liftedAt measures history assessedGrade targets measureStatuses "
        "events signalIds",
        OPEN,
    ),
    **fields("Warning", "signals portControlHits", READ),
    **fields(
        "WarningEvaluation",
        "warning signalsBefore signalsAfter portControlHits recentPortControlHits recalls recommendation reason",
        READ,
    ),
    **fields("WarningEvent", "action by reason fromGrade toGrade detail at", OPEN),
    **fields("WarningMeasure", "kind status by note updatedAt", OPEN),
    **AUDIT_FIELDS,
    **MONITORING_FIELDS,
}


def operation_rule(parent: str, name: str) -> Rule | None:
    return OPERATIONS.get(f"{parent}.{name}")


def field_rule(type_name: str, field_name: str) -> Rule | None:
    return FIELDS.get(f"{type_name}.{field_name}")


def rule_names(rules: Iterable[Role]) -> str:
    return ", ".join(sorted(rules))
