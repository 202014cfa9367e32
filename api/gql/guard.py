"""GraphQL's access rules (api/access.py OPERATIONS and FIELDS), checked before anything resolves.

The selected operation is walked once, at validation, with its fragments: each root field against OPERATIONS,
each other field against FIELDS, for the caller's roles. A field the caller may not read refuses the operation with
FORBIDDEN naming the field and the roles that may, at the field's place in the document; nothing runs per resolved
value, so the rules cost one walk of the document, not of the answer. A caller without a verified token never gets
here: the router answers 401 UNAUTHENTICATED first (api/graphql_http.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import (
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
)
from strawberry.extensions import SchemaExtension

from api.access import FIELDS, OPERATIONS, Rule, rule_names
from api.gql.documents import per_request
from graph.identity import Principal

ROOTS = ("Query", "Mutation")


def _rule(parent: str, name: str) -> Rule | None:
    return (OPERATIONS if parent in ROOTS else FIELDS).get(f"{parent}.{name}")


def refusals(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    principal: Principal,
) -> Iterator[GraphQLError]:
    """A FORBIDDEN error for each field of `operation` (once per Type.field) the principal's roles may not read."""
    roles = principal.roles
    seen: set[str] = set()  # Type.field already judged
    walked: set[str] = set()  # fragments already walked
    root = schema.get_root_type(operation.operation)
    stack: list[tuple[SelectionSetNode, GraphQLNamedType | None]] = [(operation.selection_set, root)]
    while stack:
        selection_set, parent = stack.pop()
        if parent is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                definition = getattr(parent, "fields", {}).get(name)
                if definition is None or name.startswith("__"):
                    continue  # unknown fields are validation's to refuse; meta fields are the schema's own
                key = f"{parent.name}.{name}"
                if key not in seen:
                    seen.add(key)
                    rule = _rule(parent.name, name)
                    if rule is None or not rule.roles & roles:
                        yield _forbidden(key, rule, selection, parent.name in ROOTS)
                if selection.selection_set is not None:
                    stack.append((selection.selection_set, get_named_type(definition.type)))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                stack.append((selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in walked:
                    walked.add(fragment.name.value)
                    stack.append((fragment.selection_set, schema.get_type(fragment.type_condition.name.value)))


def _forbidden(key: str, rule: Rule | None, node: FieldNode, operation: bool) -> GraphQLError:
    what = f"the operation {key}" if operation else f"the field {key}"
    if rule is None:  # tests/api/test_access.py keeps this from happening
        message, allowed = f"{what} has no access rule; nobody may use it", []
    else:
        message, allowed = f"{what} needs one of the roles {rule_names(rule.roles)}", sorted(rule.roles)
    return GraphQLError(message, nodes=[node], extensions={"code": "FORBIDDEN", "field": key, "roles": allowed})


class AccessGuard(SchemaExtension):
    """Refuse, at validation, an operation that uses a field the caller's roles may not (one instance per request)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        principal: Principal | None = getattr(context.context, "principal", None)

        @per_request  # the caller's roles: judged on every request, also on a cached document
        class AccessRule(ValidationRule):
            def __init__(self, validation: ValidationContext):
                super().__init__(validation)
                if principal is None:  # only a caller made without HTTP (no router) gets here without one
                    validation.report_error(GraphQLError("no verified caller", extensions={"code": "UNAUTHENTICATED"}))
                    return
                document = validation.document
                operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
                name = context.operation_name
                chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
                if len(chosen) != 1:
                    return  # no operation, or several without a name: execution refuses that
                fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
                for error in refusals(validation.schema, chosen[0], fragments, principal):
                    validation.report_error(error)

        context.validation_rules = (*context.validation_rules, AccessRule)
        yield
