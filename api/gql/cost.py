"""Static query cost: how many objects an answer may hold, computed from the document before execution.

Depth, token and alias limits bound the size of a document, not of its answer: four nested lists of 1 000 are a
small document and 10^12 objects. Here every object-typed field counts the times it may be resolved, and lists
multiply: a list field's multiplier is its `first` (a literal or a variable) when the query gives one, else the
field's default below. Fragments count wherever they are spread, each alias counts on its own, scalars are free,
and introspection (`__schema`, `__typename`) is free. A query whose cost exceeds the budget (GRAPHQL_MAX_COST) is
refused with QUERY_TOO_COSTLY before anything runs; the message names the costliest field and the lists that
multiply into it. What an answer really holds is bounded while it is built (api/gql/object_cap.py).

graphql-complexity (PyPI) was considered: it ignores variables (and fails on one without a default), charges a
list without `first` a constant instead of its default page, and reports no path, so it does not fit here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    value_from_ast,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from api.gql.documents import per_request

PAGE_BOUND = 1000  # `first` above this is refused by the resolvers (BAD_USER_INPUT), so it is charged at most this

# A list field whose `first` the query leaves out is charged its default page (100 for most, 20 for creditHistory
# and downgradeReviews), except where a lot's real fan-in is far smaller: a lot is made from a handful of input
# lots (the demo's formula lots have three, the generator one to four), so an `inputs` walk through all 8 tiers
# of a bill of materials at the default page stays allowed. An explicit `first` is always charged as given; the
# object cap bounds what a lot with more inputs really returns.
UNASKED_PAGE: dict[str, int] = {"Batch.inputs": 4}

# Lists without `first` are whole answers whose size their own arguments bound (maxDepth, maxHops, sources).
UNPAGED_LIST = 100
UNPAGED: dict[str, int] = {
    "ContagionPath.hops": 6,  # at most maxHops (1..6)
    "Exposure.evidence": 10,  # one path per source
    "DowngradeReview.evidence": 10,
    "InspectionPlan.reasons": 3,
    "TestReport.items": 20,
    "Lab.statusHistory": 10,
}

# A page's list is as long as the `first` of the field that answers the page (searchEnterprises(first: 500) {
# items }): it is charged that, as if the page field were the list.
# The search pages and the navigation lists' (api/gql/view.py, Page).
PAGED: tuple[str, ...] = (
    "Enterprise",
    "Person",
    "Batch",
    "Shipment",
    "BatchUse",
    "TestReport",
    "PersonRole",
    "Owner",
    "Stake",
    "Tie",
)
PAGED += ("TracedBatch", "Consignee")  # the answer pages of a trace and a recall scope (issue 15 item 3)
PAGE_ITEMS = frozenset(f"{item}Page.items" for item in PAGED)


@dataclass(frozen=True)
class Factor:
    """A list on the way to a field, and the size it was charged."""

    field: str
    size: int
    asked: bool  # `first` given by the query, rather than a default

    def __str__(self) -> str:
        return f"{self.field}(first: {self.size})" if self.asked else f"{self.field} (default {self.size})"


@dataclass(frozen=True)
class Cost:
    """Per resolution of its selection set: objects in total, and the field resolved most often."""

    total: int
    heaviest_count: int = 0
    heaviest_path: tuple[str, ...] = ()
    factors: tuple[Factor, ...] = ()

    def __add__(self, other: Cost) -> Cost:
        heavier = other if other.heaviest_count > self.heaviest_count else self
        return Cost(self.total + other.total, heavier.heaviest_count, heavier.heaviest_path, heavier.factors)

    def times(self, size: int, key: str, factor: Factor | None) -> Cost:
        """This selection set under a field resolved `size` times per resolution of its parent."""
        prefix = (factor,) if factor else ()
        own = Cost(size, size, (key,), prefix)
        nested = Cost(0, size * self.heaviest_count, (key, *self.heaviest_path), (*prefix, *self.factors))
        deeper = nested if self.heaviest_count else own  # a field's own count never exceeds its deepest part
        return Cost(size + size * self.total, deeper.heaviest_count, deeper.heaviest_path, deeper.factors)


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode], variables: dict):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # Each fragment costed once per page size (PAGE_ITEMS), however often it is spread.
        self.fragment_costs: dict[tuple[str, Factor | None], Cost] = {}
        self.open: set[str] = set()  # fragments being costed: a cycle (refused by validation) is not followed
        self.page: Factor | None = None  # the `first` of the page field being walked (PAGE_ITEMS)

    def selection_set(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None) -> Cost:
        cost = Cost(0)
        if selection_set is None or parent is None:
            return cost
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost += self.selection_set(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                cost += self.fragment(selection.name.value)
        return cost

    def fragment(self, name: str) -> Cost:
        if (name, self.page) in self.fragment_costs:
            return self.fragment_costs[name, self.page]
        definition = self.fragments.get(name)
        if definition is None or name in self.open:
            return Cost(0)
        self.open.add(name)
        cost = self.selection_set(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self.open.discard(name)
        self.fragment_costs[name, self.page] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> Cost:
        name = node.name.value
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None or name.startswith("__"):
            return Cost(0)
        if not is_composite_type(get_named_type(definition.type)):
            return Cost(0)
        key = node.alias.value if node.alias else name
        if not is_list_type(get_nullable_type(definition.type)):
            outer = self.page
            if "first" in definition.args:  # a page: its items are charged this field's `first`
                self.page = self.list_size(node, definition, f"{parent.name}.{name}")
            try:
                return self.selection_set(node.selection_set, get_named_type(definition.type)).times(1, key, None)
            finally:
                self.page = outer
        inner = self.selection_set(node.selection_set, get_named_type(definition.type))
        factor = self.list_size(node, definition, f"{parent.name}.{name}")
        return inner.times(factor.size, key, factor)

    def list_size(self, node: FieldNode, definition: Any, qualified: str) -> Factor:
        name = node.name.value
        first = definition.args.get("first")
        if first is None and qualified in PAGE_ITEMS and self.page is not None:
            return Factor(name, self.page.size, self.page.asked)
        if first is None:
            return Factor(name, UNPAGED.get(qualified, UNPAGED_LIST), asked=False)
        given = next((a for a in node.arguments or () if a.name.value == "first"), None)
        if given is not None:
            value = value_from_ast(given.value, first.type, self.variables)
            if isinstance(value, int) and not isinstance(value, bool):
                return Factor(name, min(max(value, 0), PAGE_BOUND), asked=True)
        default = first.default_value if isinstance(first.default_value, int) else PAGE_BOUND
        return Factor(name, UNASKED_PAGE.get(qualified, default), asked=False)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Cost | None:
    """The cost of the operation that would run; None when none would (execution reports why)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return None
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), dict(variables or {}))
    if isinstance(coerced, list):  # bad variables: execution refuses them with a message of its own
        return None
    # graphql-core 3.3 adds the values' sources beside them
    values = cast(dict[str, Any], getattr(coerced, "coerced", coerced))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return _Walk(schema, fragments, values).selection_set(operation.selection_set, root)


def _factors(factors: tuple[Factor, ...]) -> str:
    """`a(first: 10) × b (default 4) 8 times`: repeats of one list in a row (a recursive walk) said once."""
    runs: list[list[Any]] = []
    for factor in factors:
        if runs and runs[-1][0] == factor:
            runs[-1][1] += 1
        else:
            runs.append([factor, 1])
    return " × ".join(f"{f} {n} times" if n > 1 else str(f) for f, n in runs) or "no lists"


def refusal(cost: Cost, budget: int) -> GraphQLError:
    path = ".".join(cost.heaviest_path)
    lists = _factors(cost.factors)
    largest = max(cost.factors, key=lambda f: f.size, default=None)
    factor = f"; the largest factor is {largest}" if largest else ""
    return GraphQLError(
        f"query cost {cost.total} exceeds the budget of {budget} (GRAPHQL_MAX_COST): lists multiply, and "
        f"{path} alone may be resolved {cost.heaviest_count} times ({lists}){factor}; ask for smaller pages "
        "(first) or fewer nested lists",
        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost.total, "budget": budget},
    )


class QueryCostLimiter(SchemaExtension):
    """Refuse, during validation, an operation whose cost exceeds `max_cost` (one instance per request)."""

    def __init__(self, max_cost: int):
        self.max_cost = max_cost

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        max_cost = self.max_cost

        @per_request  # `first` may be a variable: judged on every request, also on a cached document
        class QueryCostRule(ValidationRule):
            def __init__(self, validation: ValidationContext):
                super().__init__(validation)
                cost = query_cost(validation.schema, validation.document, context.variables, context.operation_name)
                if cost is not None and cost.total > max_cost:
                    validation.report_error(refusal(cost, max_cost))

        context.validation_rules = (*context.validation_rules, QueryCostRule)
        yield
