"""The schema keeps contract/core.graphql exactly (names, argument types and defaults, field types), and a
snapshot makes every other change to the schema a reviewed one (UPDATE_SNAPSHOTS=1 rewrites it)."""

import os
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    Undefined,
    ast_from_value,
    build_schema,
    print_ast,
    print_type,
)

from api.gql.schema import build_schema as build_our_schema
from graph.settings import Settings
from tests.conftest import CONTRACT_DIR

SNAPSHOT = Path(__file__).parent / "schema.graphql"


@pytest.fixture(scope="module")
def ours():
    return build_our_schema(Settings())._schema


@pytest.fixture(scope="module")
def contract():
    """core.graphql and risk.graphql (which extends it) as one schema."""
    paths = [CONTRACT_DIR / "core.graphql", CONTRACT_DIR / "risk.graphql"]
    if not all(p.exists() for p in paths):
        pytest.skip(f"contract not found at {CONTRACT_DIR} (set CONTRACT_DIR)")
    return build_schema("\n".join(p.read_text() for p in paths))


def _default(arg):
    # An SDL-built schema keeps defaults in the AST; a code-first one as values.
    if arg.ast_node is not None and arg.ast_node.default_value is not None:
        return print_ast(arg.ast_node.default_value)
    return None if arg.default_value is Undefined else print_ast(ast_from_value(arg.default_value, arg.type))


def _signature(field):
    args = {name: (str(a.type), _default(a)) for name, a in field.args.items()}
    return str(field.type), args


# Values the service adds after a contract enum's own (extending it, never changing it), each for a reason.
EXTENDED_ENUMS = {
    "WarningStatus": ("PROPOSED",),  # four eyes: a grade I or II awaiting a second risk officer (issue 12)
}


def test_every_contract_type_and_field_is_present_with_the_same_types(ours, contract):
    for name, ctype in contract.type_map.items():
        if name.startswith("__") or name in ("Query", "Mutation"):
            continue
        otype = ours.type_map.get(name)
        assert otype is not None, f"type {name} missing"
        if isinstance(ctype, GraphQLObjectType):
            for fname, cfield in ctype.fields.items():
                assert fname in otype.fields, f"{name}.{fname} missing"
                assert _signature(otype.fields[fname]) == _signature(cfield), f"{name}.{fname} differs"
        if isinstance(ctype, GraphQLInputObjectType):
            for fname, cfield in ctype.fields.items():
                assert fname in otype.fields, f"input {name}.{fname} missing"
                ofield = otype.fields[fname]
                assert (str(ofield.type), ofield.default_value) == (str(cfield.type), cfield.default_value), fname
        if isinstance(ctype, GraphQLEnumType):
            extended = [*ctype.values, *EXTENDED_ENUMS.get(name, ())]
            assert list(otype.values) == extended, f"enum {name} values differ"


@pytest.mark.parametrize("root", ["Query", "Mutation"])
def test_contract_operations_have_the_same_signatures(ours, contract, root):
    theirs = contract.type_map[root].fields
    mine = ours.type_map[root].fields
    for name, cfield in theirs.items():
        assert name in mine, f"{root}.{name} missing"
        assert _signature(mine[name]) == _signature(cfield), f"{root}.{name}: {print_type(ours.type_map[root])}"


def test_schema_snapshot(ours):
    current = build_our_schema(Settings()).as_str() + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text(), "schema changed: review, then run UPDATE_SNAPSHOTS=1 pytest"
