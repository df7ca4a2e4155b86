"""The schema: every name of the public contract is served, everything is described, schema.graphql is current."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType
from graphql import build_schema as parse_sdl

from server import models, platforms
from server.api import build_schema
from server.schema import types

ROOT = Path(__file__).parents[2]
OUTLINE = ROOT / "tests" / "contract" / "schema-outline.graphql"


def test_schema_graphql_is_current():
    assert (ROOT / "schema.graphql").read_text() == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run `order-import schema > schema.graphql`"
    )


def _names(schema) -> set[str]:  # type: ignore[no-untyped-def]
    names: set[str] = set()
    for type_name, type_ in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        names.add(type_name)
        if isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in type_.fields.items():
                names.add(f"{type_name}.{field_name}: {field.type}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    names.add(f"{type_name}.{field_name}({arg_name}: {arg.type})")
        elif isinstance(type_, GraphQLEnumType):
            names.update(f"{type_name}.{value}" for value in type_.values)
    return names


def test_every_name_of_the_contract_is_served():
    contract = _names(parse_sdl(OUTLINE.read_text()))
    served = _names(build_schema()._schema)
    assert sorted(contract - served) == []


def _descriptions(schema) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    """``{where: description}`` for every type, field, argument, input field and enum value (introspection's aside)."""
    found: dict[str, str | None] = {}
    for type_name, type_ in schema.type_map.items():
        if type_name.startswith("__"):
            continue
        found[type_name] = type_.description
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, field in type_.fields.items():
                found[f"{type_name}.{field_name}"] = field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    found[f"{type_name}.{field_name}({arg_name})"] = arg.description
        elif isinstance(type_, GraphQLEnumType):
            found.update({f"{type_name}.{name}": value.description for name, value in type_.values.items()})
    return found


def test_everything_in_the_schema_is_described_from_a_capital_letter():
    described = _descriptions(build_schema()._schema)
    assert {"PageInfo.hasPreviousPage", "Query.transactions(after)", "ImportStatus.CANCELED"} <= set(described)
    assert sorted(where for where, text in described.items() if not (text or "").strip()) == []
    assert sorted(where for where, text in described.items() if text and text[0].islower()) == []


@pytest.mark.parametrize(
    ("served", "stored"),
    [
        (types.ImportStatus, models.ImportStatus),
        (types.ImportMethod, models.ImportMethod),
        (types.ImportJobStatus, models.JobStatus),
        (types.TransactionSource, models.TransactionSource),
        (types.Settlement, models.Settlement),
        (types.PaymentStatus, platforms.PaymentStatus),
    ],
)
def test_every_stored_enum_value_has_its_graphql_value(served: type[Enum], stored: type[Enum]):
    assert [member.value for member in served] == [member.value for member in stored]


def test_every_page_size_argument_states_its_limits():
    described = {
        f"{type_name}.{field_name}": (arg.description, arg.default_value)
        for type_name, type_ in build_schema()._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in type_.fields.items()
        for name, arg in field.args.items()
        if name == "first"
    }
    assert {"Query.pendingImports", "Query.transactions", "Query.importJobs"} <= set(described)
    for where, (description, default) in described.items():
        assert f"1 to 200, default {default}" in (description or ""), where


async def test_introspection_answers_with_the_contract_names(server, token):
    data = await server.execute("{ __schema { types { name fields { name } } } }", token=token)
    types = {t["name"]: {f["name"] for f in t["fields"] or ()} for t in data["__schema"]["types"]}
    assert {"ImportedOrder", "ImportJob", "Transaction", "PendingImportEvent"} <= set(types)
    assert {"importOrders", "acceptImport", "cancelImport", "connectStore"} <= types["Mutation"]
    assert {"pendingImports", "importJob"} <= types["Subscription"]
