"""Requests that cannot run are GraphQL errors that name the problem: never INTERNAL_ERROR, never a guess.

BAD_USER_INPUT (a variable's value does not fit its type) and BAD_REQUEST (the document, the choice of
operation, the limits) are answered HTTP 400 before anything runs, or as an ``error`` message on a
websocket; an over-long argument is INVALID_INPUT naming it, before any database query.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    get_introspection_query,
    get_named_type,
    is_non_null_type,
)

from server.api import build_schema
from server.models import ImportJob, Store
from server.schema.arguments import TRIMMED, limits_of
from server.schema.request_checks import MAX_ALIASES, MAX_DEPTH, MAX_INTROSPECTION_DEPTH, MAX_QUERY_CHARS, MAX_TOKENS
from tests.graphql.queries import IMPORT_ORDERS
from tests.graphql.test_stores import CREDENTIALS
from tests.support import Server

UNKNOWN_ID = "7d9c1a52-3f0e-4b8e-9a57-2f1d0c6e4b11"


async def answer(server: Server, query: str, variables: Any = None, token: str | None = None, **more: Any):
    body = {"query": query, "variables": variables or {}, **more}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with server.session.post(server.graphql_url, json=body, headers=headers) as response:
        return response.status, await response.json()


def only_error(status: int, body: dict[str, Any], code: str) -> dict[str, Any]:
    """The one error of a request refused before execution: HTTP 400, no ``data`` entry."""
    assert status == 400, body
    assert "data" not in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    return error


@pytest.fixture
def errors_logged(caplog):
    """The records at ERROR and above, from every logger."""
    caplog.set_level(logging.DEBUG)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- variables -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "name", "fragment"),
    [
        ({"hours": 1.5}, "hours", "Int cannot represent non-integer value"),
        ({"hours": "3"}, "hours", "Int cannot represent non-integer value"),
        ({"hours": 2**31}, "hours", "non 32-bit signed integer"),
        ({"hours": [1]}, "hours", "Int cannot represent"),
        ({"platform": {"secret": "VALUE-NOT-ECHOED"}}, "platform", "String cannot represent a non string value"),
        ({"platform": None}, "platform", "null is not allowed"),
        ({"store": None, "skip": "store"}, "store", "of required type 'ID!' was not provided"),
        ({"store": {"id": "VALUE-NOT-ECHOED"}}, "store", "ID cannot represent"),
        ({"orderId": True}, "orderId", "String cannot represent a non string value"),
    ],
)
async def test_a_variable_of_the_wrong_type_is_bad_user_input_naming_it(
    server, token, store_id, errors_logged, variables, name, fragment
):
    sent = {"platform": "shopify", "store": store_id} | variables
    if sent.pop("skip", None):
        sent.pop("store")
    jobs = await ImportJob.all().count()

    status, body = await answer(server, IMPORT_ORDERS, sent, token)

    error = only_error(status, body, "BAD_USER_INPUT")
    assert error["extensions"]["variable"] == name
    assert f"'${name}'" in error["message"] and fragment in error["message"]
    assert "VALUE-NOT-ECHOED" not in json.dumps(body)
    assert errors_logged() == []
    assert await ImportJob.all().count() == jobs


async def test_a_wrong_variable_in_a_get_request_is_bad_user_input(server, token):
    query = urllib.parse.urlencode(
        {"query": "query($first: Int) { importJobs(first: $first) { totalCount } }", "variables": '{"first": "x"}'}
    )
    async with server.session.get(f"{server.graphql_url}?{query}", headers={"Authorization": f"Bearer {token}"}) as r:
        error = only_error(r.status, await r.json(), "BAD_USER_INPUT")
    assert error["extensions"]["variable"] == "first"


# -- the document and the operation ----------------------------------------------------------------------

TWO_OPERATIONS = """
mutation Drop($store: ID!) { disconnectStore(id: $store) { store { id } userErrors { code } } }
query Look { stores { id connected } }
"""


async def test_several_operations_without_a_name_run_nothing(server, token, store_id, errors_logged):
    status, body = await answer(server, TWO_OPERATIONS, {"store": store_id}, token)

    error = only_error(status, body, "BAD_REQUEST")
    assert "operationName" in error["message"] and "Drop" in error["message"] and "Look" in error["message"]
    assert (await Store.get(id=store_id)).disconnected_at is None
    assert errors_logged() == []


async def test_the_named_operation_runs_and_only_that_one(server, token, store_id):
    status, body = await answer(server, TWO_OPERATIONS, {"store": store_id}, token, operationName="Look")

    assert status == 200 and "errors" not in body
    assert body["data"] == {"stores": [{"id": store_id, "connected": True}]}
    assert (await Store.get(id=store_id)).disconnected_at is None


@pytest.mark.parametrize(
    ("query", "operation", "fragment"),
    [
        (TWO_OPERATIONS, "Nope", "no operation named 'Nope'"),
        ("query Look { stores { id } }", "Other", "no operation named 'Other'"),
        ("{ stores { id } }", "Look", "no operation named 'Look'"),
        ("fragment F on Store { id }", None, "no operation"),
        ("{ stores { id }", None, "Syntax Error"),
        ("{ stores { nope } }", None, "Cannot query field 'nope'"),
    ],
)
async def test_document_problems_are_bad_request(server, token, errors_logged, query, operation, fragment):
    more = {"operationName": operation} if operation else {}
    status, body = await answer(server, query, None, token, **more)

    error = only_error(status, body, "BAD_REQUEST")
    assert fragment in error["message"]
    assert errors_logged() == []


async def test_an_operation_the_transport_does_not_run_is_bad_request(server, token, store_id, errors_logged):
    status, body = await answer(server, 'subscription { importJob(id: "x") { id } }', None, token)
    assert "websocket" in only_error(status, body, "BAD_REQUEST")["message"]

    mutation = urllib.parse.urlencode(
        {"query": f'mutation {{ disconnectStore(id: "{store_id}") {{ store {{ id }} }} }}'}
    )
    async with server.session.get(
        f"{server.graphql_url}?{mutation}", headers={"Authorization": f"Bearer {token}"}
    ) as r:
        assert "POST" in only_error(r.status, await r.json(), "BAD_REQUEST")["message"]
    assert (await Store.get(id=store_id)).disconnected_at is None
    assert errors_logged() == []


async def test_a_query_longer_than_the_limit_is_refused_however_it_is_padded(server, token):
    padded = "{" + " " * MAX_QUERY_CHARS + "platforms { id } }"

    status, body = await answer(server, padded, None, token)

    error = only_error(status, body, "BAD_REQUEST")
    assert str(MAX_QUERY_CHARS) in error["message"]
    status, body = await answer(server, "{" + " " * (MAX_QUERY_CHARS - 100) + "platforms { id } }", None, token)
    assert status == 200 and body["data"]["platforms"]


async def test_errors_during_execution_stay_http_200(server, token):
    status, body = await answer(server, "{ importJobs(first: 0) { totalCount } }", None, token)
    assert status == 200
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_INPUT"]


# -- limits, introspection included ----------------------------------------------------------------------


def nested(field: str, levels: int, leaf: str = "name") -> str:
    return f"{field} {{ " * levels + leaf + " }" * levels


async def test_the_standard_introspection_query_passes(server, token):
    status, body = await answer(server, get_introspection_query(descriptions=True), None, token)
    assert status == 200 and "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        # __schema(1) types(2) ofType… : one level past the introspection limit
        ("{ __schema { types { " + nested("ofType", MAX_INTROSPECTION_DEPTH - 1) + " } } }", "introspection depth"),
        ('{ __type(name: "Query") { ' + nested("ofType", MAX_INTROSPECTION_DEPTH) + " } }", "introspection depth"),
        (
            "{ __schema { " + " ".join(f"a{i}: queryType {{ name }}" for i in range(MAX_ALIASES + 1)) + " } }",
            f"Allowed: {MAX_ALIASES}",
        ),
        ("{ __schema { types { " + "name " * MAX_TOKENS + "} } }", "more than 2000 tokens"),
        ("{ importJobs { edges { node { " + nested("store", MAX_DEPTH) + " } } } }", "operation depth"),
    ],
)
async def test_depth_alias_and_token_limits_cover_introspection(server, token, errors_logged, query, fragment):
    status, body = await answer(server, query, None, token)

    assert status == 400 and "data" not in body, body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_REQUEST"}
    assert any(fragment in e["message"] for e in body["errors"]), body
    assert errors_logged() == []


async def test_a_subscription_refused_by_a_limit_gets_an_error_message_and_the_socket_stays(server, token):
    refusals = [
        ("subscription { importJob(id: $x) { id } ", None, None, "BAD_REQUEST"),
        ('subscription { importJob(id: "x") { ' + "id " * MAX_TOKENS + "} }", None, None, "BAD_REQUEST"),
        ('subscription { importJob(id: "x") { ' + nested("store", MAX_DEPTH) + " } }", None, None, "BAD_REQUEST"),
        (
            'subscription { a: importJob(id: "x") { ' + " ".join(f"a{i}: id" for i in range(MAX_ALIASES + 1)) + " } }",
            None,
            None,
            "BAD_REQUEST",
        ),
        (
            'subscription A { importJob(id: "x") { id } } subscription B { importJob(id: "y") { id } }',
            None,
            None,
            "BAD_REQUEST",
        ),
        ('subscription A { importJob(id: "x") { id } }', None, "B", "BAD_REQUEST"),
        ('subscription A { importJob(id: "x") { id } }', None, 7, "BAD_REQUEST"),
        ("subscription($id: ID!) { importJob(id: $id) { id } }", [1], None, "BAD_REQUEST"),
        ("subscription($id: ID!) { importJob(id: $id) { id } }", {"id": {"no": 1}}, None, "BAD_USER_INPUT"),
        ("subscription($id: ID!) { importJob(id: $id) { id } }", {"id": "x" * 65}, None, "INVALID_INPUT"),
    ]
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        for number, (query, variables, operation, code) in enumerate(refusals):
            payload = {"query": query, "variables": {} if variables is None else variables} | (
                {"operationName": operation} if operation else {}
            )
            await ws.ws.send_json({"id": str(number), "type": "subscribe", "payload": payload})
            message = await ws.receive()
            assert message["type"] == "error" and message["id"] == str(number), message
            assert {e["extensions"]["code"] for e in message["payload"]} == {code}, message
            assert message["payload"][0]["message"]
        await ws.ws.send_json({"type": "ping"})
        assert (await ws.receive())["type"] == "pong"


# -- over-long arguments: every text argument of every root field ----------------------------------------


def _dummy(kind: GraphQLInputType) -> Any:
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if isinstance(kind, GraphQLList):
        return [_dummy(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    value = {"ID": UNKNOWN_ID, "String": "x", "Int": 1, "Float": 1.0, "Boolean": False, "JSON": {}}.get(kind.name)
    assert value is not None, f"add a dummy value for {kind.name} arguments to {__name__}"
    return value


def _too_long(kind: str, limit: int, name: str) -> Any:
    if kind == "JSON":
        return {"value": "x" * limit}
    return ("x" * (limit + 1)) if name not in TRIMMED else " " + "x" * (limit + 1) + " "


def _selection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    fields = getattr(named, "fields", {})
    if "userErrors" in fields:
        return "{ userErrors { code message field } }"
    return "{ __typename }" if fields else ""


def _cases(*operations: str) -> list[Any]:
    schema = build_schema()._schema
    roots = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}
    return [
        pytest.param(operation, field_name, argument, kind, limit, id=f"{field_name}.{argument}")
        for operation in operations
        for field_name, field in roots[operation].fields.items()
        for argument, (kind, limit) in limits_of(field).items()
    ]


def _request(operation: str, field_name: str, argument: str, kind: str, limit: int) -> tuple[GraphQLField, str, dict]:
    """The operation calling ``field_name`` with ``argument`` one over its limit, the others short."""
    schema = build_schema()._schema
    root = {"query": schema.query_type, "mutation": schema.mutation_type}.get(operation, schema.subscription_type)
    field = root.fields[field_name]
    declared = ", ".join(f"${name}: {spec.type}" for name, spec in field.args.items())
    passed = ", ".join(f"{name}: ${name}" for name in field.args)
    document = f"{operation}({declared}) {{ {field_name}({passed}) {_selection(field)} }}"
    variables = {name: _dummy(spec.type) for name, spec in field.args.items() if is_non_null_type(spec.type)}
    variables[argument] = _too_long(kind, limit, argument)
    return field, document, variables


class _TaskOfRecord(logging.Filter):
    """Notes the task that logged: the request's own queries, not a background task's (sweepers, re-checks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.task = asyncio.current_task()
        except RuntimeError:  # no running loop: another thread
            record.task = None
        return True


@pytest.mark.parametrize(("operation", "field_name", "argument", "kind", "limit"), _cases("query", "mutation"))
async def test_an_over_long_argument_is_invalid_input_naming_it_before_any_database_query(
    server, token, caplog, errors_logged, operation, field_name, argument, kind, limit
):
    field, document, variables = _request(operation, field_name, argument, kind, limit)
    caplog.set_level(logging.DEBUG, logger="tortoise")
    caplog.handler.addFilter(_TaskOfRecord())
    caplog.clear()

    status, body = await answer(server, document, variables, token)

    [request] = [r.task for r in caplog.records if r.name == "order_import.access"]
    queries = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client" and r.task is request]
    assert [q for q in queries if "api_token" not in q] == [], "a database query ran before the check"
    assert status == 200, body
    if "userErrors" in _selection(field):
        assert "errors" not in body, body
        [error] = body["data"][field_name]["userErrors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", [argument])
    else:
        [error] = body["errors"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": argument}
    assert argument in error["message"] and str(limit) in error["message"]
    assert errors_logged() == []


@pytest.mark.parametrize(("operation", "field_name", "argument", "kind", "limit"), _cases("subscription"))
async def test_an_over_long_subscription_argument_is_an_error_message_naming_it(
    server, token, operation, field_name, argument, kind, limit
):
    _, document, variables = _request(operation, field_name, argument, kind, limit)
    async with server.websocket(token) as ws:
        await ws.acknowledged()
        await ws.ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document, "variables": variables}})
        message = await ws.receive()
    assert message["type"] == "error", message
    [error] = message["payload"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": argument}


def test_every_text_argument_of_every_root_field_has_a_limit():
    schema = build_schema()._schema
    for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
        for field in root.fields.values():
            texts = {n for n, a in field.args.items() if get_named_type(a.type).name in ("String", "ID", "JSON")}
            assert set(limits_of(field)) == texts


async def test_the_quoted_findings_platform_and_search(server, token, errors_logged):
    for query, variables, argument in (
        ("query($p: String) { stores(platform: $p) { id } }", {"p": "p" * 65}, "platform"),
        ("query($s: String) { transactions(search: $s) { totalCount } }", {"s": "s" * 256}, "search"),
    ):
        status, body = await answer(server, query, variables, token)
        assert status == 200
        [error] = body["errors"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": argument}
    assert errors_logged() == []


async def test_a_trimmed_argument_is_refused_only_when_too_long_once_trimmed(server, token, shopify_url):
    padded = "  " + "n" * 200 + "  "
    data = await server.execute(
        """mutation($name: String!, $credentials: JSON!, $url: String) {
             connectStore(platform: "shopify", name: $name, credentials: $credentials, apiBaseUrl: $url) {
               store { name } userErrors { code field } } }""",
        {"name": padded, "credentials": CREDENTIALS, "url": shopify_url},
        token=token,
    )
    assert data["connectStore"] == {"store": {"name": "n" * 200}, "userErrors": []}
