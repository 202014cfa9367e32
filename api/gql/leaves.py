"""Plain leaves answered without graphql-core's per-field machinery.

graphql-core completes every field the same way: a Path, a GraphQLResolveInfo, the resolver through the middleware
manager, the awaitable checks, the completion of the value. For a scalar or enum field that only reads an attribute
(Strawberry's "basic" field: no resolver, no field extension) that is most of the work of a large answer: a recall
of 1 000 consignee lines completes about 5 000 fields (bench/http_overhead.py). Such a field is read and serialised
here directly. Anything else (a resolver, a list, an object, __typename, a middleware around resolvers) and any
value that is not plainly answerable (null, an awaitable, a value its scalar refuses) goes the ordinary way, so
errors, their paths and null handling stay graphql-core's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from graphql import GraphQLField, GraphQLObjectType, Undefined, get_nullable_type, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# Strawberry's resolver of a basic field (strawberry/schema/schema_converter.py): it only reads the attribute.
BASIC_RESOLVER = "_get_basic_result"

Leaf = tuple[Callable[..., Any], Callable[[Any], Any]]  # the attribute's reader, the scalar's serializer
_leaves: dict[int, tuple[GraphQLField, Leaf | None]] = {}  # by id(field definition); checked against the object


def _plain_leaf(field: GraphQLField, resolver_as_run: Callable[..., Any]) -> Leaf | None:
    """The reader and serializer of a field that is a plain leaf: a basic field of a scalar or enum type."""
    resolve = field.resolve
    if resolve is None or getattr(resolve, "__name__", "") != BASIC_RESOLVER or resolver_as_run is not resolve:
        return None
    kind = get_nullable_type(field.type)
    if not is_leaf_type(kind) or field.args:
        return None
    return resolve, getattr(kind, "coerce_output_value", None) or kind.serialize


class PlainLeaves(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        answered: dict[str, Any] = {}
        rest = {}
        for response_name, details in grouped_field_set.items():
            leaf = self._leaf(parent_type, details[0].node.name.value)
            if leaf is not None:
                try:
                    value = leaf[0](source_value, None)
                    plain = not (value is None or isinstance(value, Exception) or self.is_awaitable(value))
                    serialized = leaf[1](value) if plain else None
                except Exception:
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    answered[response_name] = serialized
                    continue
            rest[response_name] = details
        if not rest:
            return answered
        if not answered:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        order = list(grouped_field_set)  # the answer keeps the document's field order

        def merged(values: dict[str, Any]) -> dict[str, Any]:
            both = {**answered, **values}
            return {name: both[name] for name in order if name in both}

        if self.is_awaitable(others):

            async def later() -> dict[str, Any]:
                return merged(await others)

            return later()
        return merged(cast(dict[str, Any], others))

    def _leaf(self, parent_type: GraphQLObjectType, name: str) -> Leaf | None:
        if name.startswith("__"):
            return None
        field = parent_type.fields.get(name)
        if field is None:
            return None
        known = _leaves.get(id(field))
        if known is not None and known[0] is field:
            return known[1]
        resolve = field.resolve
        as_run = self.middleware_manager.get_field_resolver(resolve) if self.middleware_manager and resolve else resolve
        leaf = _plain_leaf(field, as_run) if as_run is not None else None
        _leaves[id(field)] = (field, leaf)
        return leaf
