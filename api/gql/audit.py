"""The audit trail of GraphQL: after an operation has run, one event per mutation field and per field whose rule
(api/access.py) marks a confidential read, with the outcome its errors say; all appended in one write before the
answer leaves (graph/audit.py).

Which fields ran is read from the document and the answer, not by wrapping resolvers: a resolver hook would cost
every field of every list of every request, while this walks the document once. A field is recorded once per
place it has in the document (not once per list item), with the ids its arguments and its parents' arguments
name. A nested field is recorded when the answer holds it (its parent was found) or it has an error; a top-level
field always, except the mutations a failed one before them kept from running."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLID,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
)
from graphql.utilities import get_operation_ast, value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from api.access import FIELDS, OPERATIONS
from graph import audit
from graph.actor import ANONYMOUS
from graph.audit import Entry, Outcome
from graph.identity import Principal

log = structlog.get_logger("api.audit")


def caller(principal: Principal | None) -> tuple[str, tuple[str, ...]]:
    """The caller's subject and roles: the verified principal (api/auth.py); a request refused for want of a
    valid token is recorded as ANONYMOUS, without roles."""
    if principal is not None:
        return principal.subject, tuple(sorted(principal.roles))
    return ANONYMOUS, ()


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request's id as the access log binds it (api/main.py), else the one the client sent."""
    return structlog.contextvars.get_contextvars().get("request_id") or headers.get("x-request-id")


def is_id_name(name: str) -> bool:
    return name == "id" or name.endswith("Id") or name.endswith("Ids")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def ids_in(name: str, value: Any, is_id_type: bool = False) -> list[str]:
    """The ids an argument names: its value when it is an ID or named like one, and the id-named keys of an
    input object, at any depth."""
    if is_id_type or is_id_name(name):
        return _strings(value)
    if isinstance(value, dict):
        return [i for k, v in value.items() for i in ids_in(k, v)]
    if isinstance(value, list):
        return [i for v in value for i in ids_in(name, v)]
    return []


@dataclass(frozen=True)
class Found:
    """A field of the document that the trail records."""

    operation: str  # "Mutation.openRecall", "Query.person", or "Type.field" for a nested confidential field
    path: tuple[str, ...]  # response keys from the root
    ids: tuple[str, ...]
    top: int  # the position of its top-level field in the operation (mutations run in that order)


def _field_ids(definition: Any, selection: FieldNode, variables: dict[str, Any]) -> list[str]:
    """The ids a field's arguments name."""
    found = []
    for argument in selection.arguments or ():
        name = argument.name.value
        if name in definition.args:
            is_id = get_named_type(definition.args[name].type) is GraphQLID
            found += ids_in(name, value_from_ast_untyped(argument.value, variables), is_id)
    return found


def audited_fields(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> list[Found]:
    """Every field of the operation the trail records, once per place (response path) in the answer. Ids are read
    only for the fields recorded (and their parents): most requests record nothing and pay only for the walk."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    values = dict(variables)
    is_mutation = schema.mutation_type is not None and root.name == schema.mutation_type.name
    confidential = {key for key, rule in FIELDS.items() if rule.audited}
    names = {key.split(".", 1)[1] for key in confidential}
    found: dict[tuple[str, ...], Found] = {}
    field_maps: dict[str, Any] = {}

    def audited(parent: GraphQLCompositeType, name: str) -> str | None:
        if parent is root:
            if is_mutation:
                return f"Mutation.{name}"
            rule = OPERATIONS.get(f"{root.name}.{name}")
            return f"{root.name}.{name}" if rule is not None and rule.audited else None
        if name not in names:
            return None
        owners: Iterable[Any] = schema.get_possible_types(parent) if is_abstract_type(parent) else ()
        if any(f"{owner.name}.{name}" in confidential for owner in (parent, *owners)):
            return f"{parent.name}.{name}"
        return None

    def walk(
        selections: SelectionSetNode,
        parent: GraphQLCompositeType,
        path: tuple[str, ...],
        ancestors: tuple[tuple[Any, FieldNode], ...],
        top: int | None,
        seen: frozenset[str],
    ) -> None:
        for i, selection in enumerate(selections.selections or ()):
            if isinstance(selection, FieldNode):
                name = selection.name.value
                definitions = field_maps.get(parent.name)
                if definitions is None:  # a type's `fields` is rebuilt on each access: read it once per request
                    definitions = field_maps[parent.name] = getattr(parent, "fields", None) or {}
                if name.startswith("__") or not definitions or name not in definitions:
                    continue
                definition = definitions[name]
                here = (*path, (selection.alias or selection.name).value)
                lineage, here_top = (*ancestors, (definition, selection)), i if top is None else top
                if (recorded := audited(parent, name)) is not None and here not in found:
                    ids = tuple(found_id for d, s in lineage for found_id in _field_ids(d, s, values))
                    found[here] = Found(recorded, here, ids, here_top)
                if not names or not selection.selection_set:
                    continue  # no confidential field can lie beneath
                child = get_named_type(definition.type)
                if is_composite_type(child):
                    walk(selection.selection_set, child, here, lineage, here_top, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                if is_composite_type(inner):
                    walk(selection.selection_set, inner, path, ancestors, top, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    continue
                inner = schema.get_type(fragment.type_condition.name.value)
                if is_composite_type(inner):
                    walk(fragment.selection_set, inner, path, ancestors, top, seen | {name})

    walk(operation.selection_set, root, (), (), None, frozenset())
    return list(found.values())


def _present(data: Any, path: Sequence[str]) -> bool:
    """Whether the answer holds the field at `path` in some item of the lists along it."""
    if not path:
        return True
    if isinstance(data, list):
        return any(_present(item, path) for item in data)
    if not isinstance(data, dict) or path[0] not in data:
        return False
    return _present(data[path[0]], path[1:]) if len(path) > 1 else True


def _shown(data: Any, path: Sequence[str]) -> bool:
    """Whether the answer holds a value (not null) of the field at `path` in some item of the lists along it."""
    if not path:
        return data is not None
    if isinstance(data, list):
        return any(_shown(item, path) for item in data)
    if not isinstance(data, dict) or data.get(path[0]) is None:
        return False
    return _shown(data[path[0]], path[1:])


def entries_of(
    found: Sequence[Found],
    is_mutation: bool,
    data: Any,
    errors: Sequence[Any],
    subject: str,
    roles: tuple[str, ...],
    request_id: str | None,
) -> list[Entry]:
    """The events of the fields found, from the answer's data and its (classified) errors."""
    pathless: list[str | None] = []
    by_path: dict[tuple[str, ...], list[str | None]] = defaultdict(list)
    for error in errors:
        code = (error.extensions or {}).get("code")
        if error.path:
            by_path[tuple(p for p in error.path if isinstance(p, str))].append(code)
        else:
            pathless.append(code)
    refused = any(c in audit.DENIED_CODES for c in pathless)
    executed = data is not None or bool(by_path)
    first_failed_top = min((f.top for f in found if len(f.path) == 1 and f.path in by_path), default=None)
    entries = []
    for f in found:
        own = by_path.get(f.path, [])
        if not own and not _shown(data, f.path):
            # Nulled by an error beneath it (recallScope's lists are its own fields): nothing of it was shown, and
            # that error is the read's outcome.
            own = [code for path, codes in by_path.items() if path[: len(f.path)] == f.path for code in codes]
        if refused or not executed:
            if len(f.path) > 1:
                continue  # never reached: the operation as a whole was refused or not run
            outcome = Outcome.DENIED if refused else Outcome.FAILED
        else:
            if len(f.path) == 1:
                # A failed non-null mutation nulls the answer and stops the ones after it.
                if data is None and is_mutation and first_failed_top is not None and f.top > first_failed_top:
                    continue
            elif not own and not _present(data, f.path):
                continue
            outcome = audit.outcome_of(own)
        entries.append(Entry(subject, roles, f.operation, f.ids, outcome, request_id))
    return entries


class AuditTrail(SchemaExtension):
    """Records the request's audited fields once it has run, before the answer is sent. Listed before ErrorCodes,
    so that it sees the errors' codes (post-yield hooks run in reverse order)."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return  # not even parsed: no operation to name
        operation = get_operation_ast(document, context.operation_name)
        if operation is None:
            return
        schema = context.schema._schema
        found = audited_fields(schema, document, operation, context.variables or {})
        if not found:
            return
        result = context.result
        subject, roles = caller(context.context.principal)
        request = getattr(context.context, "request", None)
        entries = entries_of(
            found,
            operation.operation == OperationType.MUTATION,
            getattr(result, "data", None),
            list(getattr(result, "errors", None) or ()),
            subject,
            roles,
            request_id_of(request.headers if request is not None else {}),
        )
        await append_or_log(context.context.graph, entries)


async def append_or_log(graph: Any, entries: Sequence[Entry]) -> None:
    """Append the events; if the graph refuses them (an outage after the operation ran), keep them in the log
    in full, so that what was done is still on record, and answer as the operation did."""
    try:
        await audit.append(graph, entries)
    except Exception:
        log.exception("audit.append_failed", events=[e.row() for e in entries])
