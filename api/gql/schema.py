"""The schema: the core and risk contracts and the credit network, as Query/Mutation mixins."""

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from api.gql.audit import AuditTrail
from api.gql.audit_trail import AuditQuery
from api.gql.core import CoreMutation, CoreQuery
from api.gql.cost import QueryCostLimiter
from api.gql.credit import CreditMutation, CreditQuery
from api.gql.documents import DocumentCache, Documents
from api.gql.errors import ErrorCodes
from api.gql.guard import AccessGuard
from api.gql.monitoring import MonitoringMutation, MonitoringQuery
from api.gql.object_cap import CappedExecution, ObjectCapGuard
from api.gql.reports import ReportsMutation, ReportsQuery
from api.gql.risk import RiskMutation, RiskQuery
from api.gql.search import SearchQuery
from api.metrics import GraphQLMetrics
from graph.clock import timestamp
from graph.settings import Settings

# DateTime as graph.clock formats instants, so GraphQL and the NDJSON feed show the very same string.
DateTime = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=timestamp,
    parse_value=datetime.fromisoformat,
)


@strawberry.type
class Query(CoreQuery, CreditQuery, RiskQuery, SearchQuery, AuditQuery, MonitoringQuery, ReportsQuery):
    pass


@strawberry.type
class Mutation(CoreMutation, CreditMutation, RiskMutation, MonitoringMutation, ReportsMutation):
    pass


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Silent: api.gql.errors logs internal errors once, with the reference the client sees."""


def build_schema(settings: Settings) -> strawberry.Schema:
    documents = Documents()  # this schema's parsed and validated documents, by query text
    return Schema(
        query=Query,
        mutation=Mutation,
        execution_context_class=CappedExecution,
        config=StrawberryConfig(scalar_map={datetime: DateTime}),
        extensions=[
            GraphQLMetrics,  # first: it sees the errors as raised and as answered
            AccessGuard,  # who may use each field (api/access.py), judged on the document before it runs
            # Factories, so each request gets fresh extension instances.
            lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
            lambda: QueryCostLimiter(max_cost=settings.graphql_max_cost),
            lambda: ObjectCapGuard(max_objects=settings.graphql_max_objects),
            lambda: DocumentCache(documents),  # parse and validate a repeated query text once (the guard and cost
            # limiter still judge each request)
            AuditTrail,  # before ErrorCodes: it records the codes ErrorCodes gives the errors
            ErrorCodes,
            *([] if settings.introspection else [DisableIntrospection]),  # INTROSPECTION=false: no __schema, __type
        ],
    )
