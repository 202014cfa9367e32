"""Parsed and validated GraphQL documents, kept per query text, so that a client repeating a query (every client
does: the explorer, the bench, a recall officer's tool) is not parsed and validated again each time.

graphql-core's validation walks the document with every specified rule on every request; for a small query that
was most of the GraphQL overhead (bench/http_overhead.py). A document is the same whoever sends it and whatever
its variables, and so is the verdict of every rule but two: the access guard (api/gql/guard.py: the caller's roles)
and the cost limiter (api/gql/cost.py: `first` may be a variable). Those are marked PER_REQUEST and still run on
every request, on the cached document. A document is marked valid once every rule passed it; until then (and for a
document any rule refuses) each request validates it in full, as Strawberry would, so its errors and their order
stay exactly what they were.

The cache is per schema (the rules depend on its settings), bounded (LRU), and skips texts longer than MAX_TEXT.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, TypeInfo, ValidationContext
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

KEPT = 512  # distinct query texts remembered per schema
MAX_TEXT = 20_000  # characters; a longer text is parsed and validated every time

PER_REQUEST = "per_request"  # the attribute that marks a validation rule judged per request


def per_request(rule: type) -> type:
    """Mark a validation rule whose verdict depends on the request (caller, variables). It must decide in its
    constructor (report its errors there, visit nothing): on a cached document it is constructed, not walked."""
    setattr(rule, PER_REQUEST, True)
    return rule


Key = tuple[str, tuple[tuple[str, Any], ...]]  # the query text and the parse options (the token limit)


class Documents:
    """One schema's documents: the parsed document of each query text, and whether it passed every rule that does
    not depend on the request."""

    def __init__(self, kept: int = KEPT):
        self.kept = kept
        self._entries: OrderedDict[Key, list[Any]] = OrderedDict()  # [document, valid]

    def parsed(self, key: Key) -> DocumentNode | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def keep(self, key: Key, document: DocumentNode) -> None:
        if len(key[0]) > MAX_TEXT or key in self._entries:
            return
        self._entries[key] = [document, False]
        if len(self._entries) > self.kept:
            self._entries.popitem(last=False)

    def is_valid(self, key: Key, document: DocumentNode) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry[0] is document and entry[1]

    def mark_valid(self, key: Key, document: DocumentNode) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] is document:
            entry[1] = True


class DocumentCache(SchemaExtension):
    """Parse and validate through the schema's Documents (one instance per request)."""

    def __init__(self, documents: Documents):
        self.documents = documents

    def _key(self) -> Key | None:
        context = self.execution_context
        if not isinstance(context.query, str):
            return None
        return context.query, tuple(sorted(context.parse_options.items()))

    def on_parse(self) -> Iterator[None]:
        key = self._key()
        context = self.execution_context
        if key is not None and context.graphql_document is None:
            context.graphql_document = self.documents.parsed(key)
        yield
        if key is not None and context.graphql_document is not None:
            self.documents.keep(key, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        key = self._key()
        unvalidated = context.pre_execution_errors is None and context.validation_rules
        if key is not None and document is not None and unvalidated:
            schema = context.schema._schema
            errors: list[GraphQLError] = []
            if self.documents.is_valid(key, document):  # only the per-request rules can refuse it
                validation = ValidationContext(schema, document, TypeInfo(schema), errors.append)
                for rule in context.validation_rules:
                    if getattr(rule, PER_REQUEST, False):
                        rule(validation)
            else:  # validated as Strawberry would, every rule in its order (so the errors come in the same order)
                errors = validate_document(schema, document, context.validation_rules)
                if not errors:
                    self.documents.mark_valid(key, document)
            context.pre_execution_errors = errors  # a list, even empty: Strawberry then validates no more
        yield
