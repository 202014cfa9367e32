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
    "GET /graphql": None,  # GraphiQL's page; the operations it sends are ruled by OPERATIONS
    "POST /graphql": None,  # the same: each GraphQL field has its own rule
    "GET /recall-scope.{extension}": CONFIDENTIAL,
    "GET /recalls/{recall_id}.{extension}": Rule(roles(Role.RECALL_COORDINATOR, Role.INVESTIGATOR), audited=True),
    "GET /credit/events": Rule(roles(Role.CREDIT_PLATFORM, Role.CREDIT_OFFICER, Role.INVESTIGATOR)),
    "POST /imports": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /imports/{job_id}": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    # --- EPCIS (issue 13): capture is a supplier's or the single window's act; a data supplier reads what it
    # captured (api/epcis/routes.py filters by the capturing subject), the readers read every event.
    "POST /epcis/capture": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/capture": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/capture/{captureID}": Rule(roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/events": Rule(READERS | roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/events/{eventID:path}": Rule(READERS | roles(Role.DATA_SUPPLIER, Role.SINGLE_WINDOW)),
    "GET /epcis/export": READ,
    "OPTIONS /epcis": None,
    "OPTIONS /epcis/capture": None,
    "OPTIONS /epcis/events": None,
    # --- end EPCIS
}


# Every field of every object type, keyed "Type.field". Completed by the access work (issue 12).
FIELDS: Mapping[str, Rule] = {
    # --- EPCIS (issue 13): a batch's captured events are read like the batch
    "Batch.epcisEvents": READ,
    # --- end EPCIS
}


def operation_rule(parent: str, name: str) -> Rule | None:
    return OPERATIONS.get(f"{parent}.{name}")


def field_rule(type_name: str, field_name: str) -> Rule | None:
    return FIELDS.get(f"{type_name}.{field_name}")


def rule_names(rules: Iterable[Role]) -> str:
    return ", ".join(sorted(rules))
