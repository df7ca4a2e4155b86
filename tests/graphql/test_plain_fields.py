"""Plain fields (``server.schema.execution``) answer exactly as strawberry's and graphql-core's own execution.

Every query runs twice on the same data: through ``PlainFieldExecutor`` with ``plain_resolvers``, and through
strawberry's stock executor and resolvers; the answers (data, and each error's message, locations, path and
extensions, in order) must be equal. First on a schema made for the corner cases (nulls, non-null errors in
objects and lists, exceptions as values, awaitable values, abstract types, resolvers taking info, parent or
arguments, aliases, fragments, @include/@skip, introspection), then on the app's schema with the app's data.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import pytest
import strawberry
from graphql import Undefined, get_introspection_query, get_named_type, is_non_null_type, is_object_type
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import Info

from server.api import build_schema
from server.context import Context
from server.schema.execution import Attribute, Method, PlainFieldExecutor, plain_resolvers
from server.schema.scalars import DateTime
from server.schema.scalars import Decimal as DecimalScalar
from server.services import accounts
from tests.graphql.queries import ACCEPT, CANCEL, IMPORT_ORDERS

AT = datetime(2026, 12, 7, 14, 10, 30, 123000, tzinfo=UTC)


class Later:
    """An awaitable value that was never a coroutine: nothing is reported when a skipped field leaves it."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        yield from ()
        if isinstance(self.value, Exception):
            raise self.value
        return self.value


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@strawberry.interface
class Pet:
    name: str


@strawberry.type
class Dog(Pet):
    barks: bool


@strawberry.type
class Cat(Pet):
    lives: int


@strawberry.type
class Money:
    amount: Decimal
    currency_code: str


@strawberry.type
class Leaf:
    text: str
    maybe: str | None
    number: int
    ratio: float
    flag: bool
    amount: Decimal
    at: datetime
    color: Color
    ident: strawberry.ID


@strawberry.type
class Node:
    id: strawberry.ID
    title: str
    note: str | None
    tags: list[str]
    maybe_tags: list[str | None] | None
    nested: list[list[int]]
    leaf: Leaf
    maybe_leaf: Leaf | None
    leaves: list[Leaf]
    maybe_leaves: list[Leaf | None]
    tuple_leaves: list[Leaf]
    total: Money
    pet: Pet | None
    either: Annotated[Dog | Cat, strawberry.union("DogOrCat")] | None
    problem: str | None
    later: str | None
    later_leaf: Leaf | None
    later_items: list[str | None]
    not_a_list: list[str] | None
    secret: strawberry.Private[str]

    @strawberry.field
    def shout(self) -> str:
        return self.title.upper()  # an AttributeError where the title is missing: an error of this field

    @strawberry.field
    def where(self, info: Info) -> str:
        return ".".join(map(str, info.path.as_list())) + f"@{info.field_name}"

    @strawberry.field
    def owner(self, root: Any) -> str:
        return f"{type(root).__name__}:{root.secret}"

    @strawberry.field
    def greet(self, name: str = "you") -> str:
        return f"hello {name} from {self.id}"

    @strawberry.field
    async def slow(self) -> Leaf:
        return self.leaf


def _leaf(n: int, **changes: Any) -> Leaf:
    values: dict[str, Any] = dict(
        text=f"t{n}",
        maybe=None if n % 2 else f"m{n}",
        number=n,
        ratio=n / 4,
        flag=bool(n % 2),
        amount=Decimal(f"{n}.50"),
        at=AT + timedelta(minutes=n),
        color=Color.RED if n % 2 else Color.GREEN,
        ident=strawberry.ID(f"leaf-{n}"),
    )
    return Leaf(**(values | changes))


def _node(n: int, **changes: Any) -> Node:
    values: dict[str, Any] = dict(
        id=strawberry.ID(str(uuid.UUID(int=n))),
        title=f"Title {n}",
        note=None if n % 2 else f"note {n}",
        tags=[f"a{n}", f"b{n}"],
        maybe_tags=[f"c{n}", None] if n % 2 else None,
        nested=[[n, n + 1], []],
        leaf=_leaf(n),
        maybe_leaf=_leaf(n + 100) if n % 2 else None,
        leaves=[_leaf(n + 10), _leaf(n + 20)],
        maybe_leaves=[_leaf(n + 30), None],
        tuple_leaves=(_leaf(n + 40),),
        total=Money(amount=Decimal("39.00"), currency_code="USD"),
        pet=Dog(name="Rex", barks=True) if n % 2 else Cat(name="Tom", lives=9),
        either=Cat(name="Kit", lives=7) if n % 2 else None,
        problem=None,
        later=Later(f"later {n}"),
        later_leaf=Later(_leaf(n + 50)),
        later_items=[Later("x"), f"y{n}", None],
        not_a_list=None,
        secret=f"s{n}",
    )
    return Node(**(values | changes))


def _data() -> dict[str, Any]:
    """Fresh for each run (an awaitable value is awaited once)."""
    return {
        "nodes": [_node(n) for n in range(1, 4)],
        "broken": [
            _node(4, title=None),  # a non-null field that is null
            _node(5, problem=ValueError("an exception as the value")),
            _node(6, leaf=_leaf(6, number="many")),  # Int cannot represent it
            _node(7, leaves=[_leaf(71), None]),  # a null item in a list of non-null items
            _node(8, maybe_leaves=[_leaf(81, text=None), _leaf(82)]),  # a nullable item nulled by its field
            _node(9, not_a_list=42, later=Later(RuntimeError("failed later"))),
            _node(10, tags=None),  # a non-null list that is null
            _node(11, later_leaf=Later(_leaf(111, text=None))),
        ],
    }


@strawberry.type
class Query:
    @strawberry.field
    def nodes(self, info: Info) -> list[Node]:
        return info.context["data"]["nodes"]

    @strawberry.field
    def maybe_nodes(self, info: Info) -> list[Node | None]:
        return info.context["data"]["broken"]

    @strawberry.field
    def strict_nodes(self, info: Info) -> list[Node] | None:
        return info.context["data"]["broken"][:1] + info.context["data"]["nodes"]

    @strawberry.field
    async def later_nodes(self, info: Info) -> list[Node | None]:
        return info.context["data"]["nodes"] + info.context["data"]["broken"]

    @strawberry.field
    def node(self, info: Info) -> Node:
        return info.context["data"]["nodes"][0]


def _schemas(**kwargs: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    """(plain, stock): the same types, executed both ways."""
    overrides = {datetime: DateTime, Decimal: DecimalScalar}
    plain = strawberry.Schema(
        query=Query, scalar_overrides=overrides, execution_context_class=PlainFieldExecutor, **kwargs
    )
    plain_resolvers(plain)
    stock = strawberry.Schema(
        query=Query, scalar_overrides=overrides, execution_context_class=StrawberryGraphQLCoreExecutionContext, **kwargs
    )
    return plain, stock


PLAIN, STOCK = _schemas()

LEAF = "text maybe number ratio flag amount at color ident __typename"
NODE = f"""
  __typename id title note tags maybeTags nested
  leaf {{ {LEAF} }} maybeLeaf {{ {LEAF} }} leaves {{ {LEAF} }} maybeLeaves {{ text number }} tupleLeaves {{ text }}
  total {{ amount currencyCode }}
  pet {{ __typename name ... on Dog {{ barks }} ... on Cat {{ lives }} }}
  either {{ ... on Cat {{ name lives }} ... on Dog {{ barks }} }}
  problem later laterLeaf {{ text number }} laterItems notAList
  shout where owner greet hi: greet(name: "Ada") slow {{ text }}
"""
CORNER_CASES = [
    f"{{ nodes {{ {NODE} }} }}",
    f"{{ maybeNodes {{ {NODE} }} }}",
    f"{{ strictNodes {{ {NODE} }} }}",
    f"{{ laterNodes {{ {NODE} }} }}",
    f"{{ node {{ {NODE} }} first: nodes {{ id }} }}",
    # aliases, a field asked twice with different selections (merged), __typename under aliases
    """{ a: nodes { key: id t: title kind: __typename leaf { text } leaf { number n: number } same: leaf { color } }
         b: node { id } __typename }""",
    # fragments, named and inline, nested, on the concrete type and on the interface
    """query { nodes { ...N leaf { ...L } } }
       fragment N on Node { id ... on Node { title tags } pet { ...P } leaves { ...L } }
       fragment L on Leaf { text ... { at amount } }
       fragment P on Pet { name __typename }""",
    # introspection beside plain fields
    '{ __typename __schema { queryType { name } } __type(name: "Leaf") { name fields { name } } node { id } }',
    # a list inside a list, empty lists, a tuple, a failing list
    "{ maybeNodes { nested tags tupleLeaves { text } notAList } }",
]
DIRECTIVES = """query($yes: Boolean!, $no: Boolean!) {
  nodes {
    id title @include(if: $yes) note @include(if: $no) leaf @skip(if: $no) { text @skip(if: $yes) number }
    ... on Node @include(if: $yes) { tags } ... @skip(if: $yes) { shout }
  }
}"""
WITH_VARIABLES = [
    (DIRECTIVES, {"yes": True, "no": False}),
    (DIRECTIVES, {"yes": False, "no": True}),
    ("query($who: String!) { nodes { greet(name: $who) where } }", {"who": "Grace"}),
]


def _answer(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    return result.data, [error.formatted for error in result.errors or ()]


@pytest.mark.parametrize("query", CORNER_CASES)
async def test_corner_cases_answer_as_the_stock_execution(query: str) -> None:
    plain = await PLAIN.execute(query, context_value={"data": _data()})
    stock = await STOCK.execute(query, context_value={"data": _data()})

    assert _answer(plain) == _answer(stock)
    assert plain.data is not None or plain.errors  # something was answered


@pytest.mark.parametrize(("query", "variables"), WITH_VARIABLES)
async def test_directives_and_arguments_answer_as_the_stock_execution(query: str, variables: dict[str, Any]) -> None:
    plain = await PLAIN.execute(query, variable_values=variables, context_value={"data": _data()})
    stock = await STOCK.execute(query, variable_values=variables, context_value={"data": _data()})

    assert _answer(plain) == _answer(stock)
    assert not plain.errors


def test_the_corner_cases_have_their_errors():
    """The differential tests above see nulls, error paths and propagation (not only clean answers)."""
    result = STOCK.execute_sync(  # synchronous resolvers only: no slow, later* or laterNodes
        "{ maybeNodes { id title problem leaf { number } leaves { text } maybeLeaves { text } notAList } }",
        context_value={"data": _data()},
    )
    plain = PLAIN.execute_sync(
        "{ maybeNodes { id title problem leaf { number } leaves { text } maybeLeaves { text } notAList } }",
        context_value={"data": _data()},
    )

    assert _answer(plain) == _answer(result)
    paths = [error["path"] for error in _answer(result)[1]]
    assert ["maybeNodes", 0, "title"] in paths  # non-null field null: its node is nulled
    assert ["maybeNodes", 1, "problem"] in paths  # an exception as the value
    assert ["maybeNodes", 2, "leaf", "number"] in paths  # a leaf its type cannot write
    assert ["maybeNodes", 3, "leaves", 1] in paths  # a null item of non-null items
    assert ["maybeNodes", 4, "maybeLeaves", 0, "text"] in paths  # nulls the nullable item only
    assert ["maybeNodes", 5, "notAList"] in paths
    data = result.data
    assert data is not None
    assert data["maybeNodes"][0] is None and data["maybeNodes"][4]["maybeLeaves"] == [None, {"text": "t82"}]


def test_plain_resolvers_replace_only_the_wrappers_they_equal():
    fields = PLAIN._schema.type_map["Node"].fields  # type: ignore[union-attr]

    assert isinstance(fields["title"].resolve, Attribute) and fields["title"].resolve.name == "title"
    assert isinstance(fields["shout"].resolve, Method)
    assert isinstance(fields["where"].resolve, Method) and fields["where"].resolve.read is None  # takes info
    assert not isinstance(fields["greet"].resolve, (Attribute, Method))  # an argument: strawberry's wrapper
    assert not isinstance(fields["slow"].resolve, (Attribute, Method))  # async


class _Tracing(SchemaExtension):
    """An extension with a ``resolve`` hook: strawberry makes it a middleware around every resolver."""

    def resolve(self, _next, root, info, *args, **kwargs):  # type: ignore[no-untyped-def]
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) and info.field_name == "title" else value


async def test_a_middleware_sees_every_field():
    plain, stock = _schemas(extensions=[_Tracing])

    query = "{ nodes { title leaf { text } } }"
    answered = await plain.execute(query, context_value={"data": _data()})

    assert _answer(answered) == _answer(await stock.execute(query, context_value={"data": _data()}))
    assert answered.data == {"nodes": [{"title": f"TITLE {n}", "leaf": {"text": f"t{n}"}} for n in (1, 2, 3)]}


# --- the app's schema, with the app's data ------------------------------------------------------------


def _selection(type_: Any, depth: int, seen: frozenset[str] = frozenset()) -> str:
    """Every field of ``type_`` without required arguments, objects down to ``depth``."""
    parts = []
    for name, field in type_.fields.items():
        if any(is_non_null_type(arg.type) and arg.default_value is Undefined for arg in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_object_type(named):
            if depth == 0 or named.name in seen:
                continue
            parts.append(f"{name} {{ __typename {_selection(named, depth - 1, seen | {type_.name})} }}")
        elif hasattr(named, "fields"):
            continue  # an interface or a union: asked by hand below
        else:
            parts.append(name)
    return " ".join(parts)


@dataclass
class _App:
    plain: strawberry.Schema
    stock: strawberry.Schema
    context: Any


@pytest.fixture
async def app(server, token, store_id, shopify) -> _App:
    """Imported orders, some accepted (transactions) and some canceled, and their jobs and audit trail."""
    for minutes in range(1, 6):
        shopify.add_order(created_at=datetime.now(UTC) - timedelta(minutes=minutes))
    data = await server.execute(IMPORT_ORDERS, {"platform": "shopify", "store": store_id, "hours": 1}, token=token)
    assert data["importOrders"]["job"]["imported"] == 5
    pending = await server.execute("{ pendingImports { edges { node { id } } } }", token=token)
    ids = [edge["node"]["id"] for edge in pending["pendingImports"]["edges"]]
    await server.execute(ACCEPT, {"id": ids[0]}, token=token)
    await server.execute(ACCEPT, {"id": ids[1]}, token=token)
    await server.execute(CANCEL, {"id": ids[2], "reason": "duplicate"}, token=token)
    row = await accounts.authenticate_token(f"Bearer {token}")
    assert row is not None
    request = Request({"type": "http", "method": "POST", "path": "/graphql", "headers": [], "query_string": b""})

    def context() -> Context:
        return Context(runtime=server.runtime, request=request, response=None, seller=row.seller, token=row)

    return _App(build_schema(), build_schema(plain_fields=False), context)


async def _both(app: _App, query: str, variables: dict[str, Any] | None = None) -> Any:
    plain = await app.plain.execute(query, variable_values=variables, context_value=app.context())
    stock = await app.stock.execute(query, variable_values=variables, context_value=app.context())
    assert _answer(plain) == _answer(stock)
    return plain


async def test_every_list_answers_as_the_stock_execution(app: _App):
    schema = app.stock._schema
    lists = ["pendingImports", "transactions", "importJobs", "auditLog", "alerts", "stores", "apiTokens", "platforms"]
    for name in lists:
        field = schema.query_type.fields[name]  # type: ignore[union-attr]
        query = f"{{ {name} {{ __typename {_selection(get_named_type(field.type), 4)} }} }}"

        answered = await _both(app, query)

        assert not answered.errors, (name, answered.errors)
        assert answered.data[name], name  # something was listed


async def test_aliases_fragments_directives_and_node_lookups_answer_as_the_stock_execution(app: _App):
    listed = await _both(
        app, "{ pendingImports { edges { node { id job { id } } } } transactions { edges { node { id } } } }"
    )
    order = listed.data["pendingImports"]["edges"][0]["node"]
    transaction = listed.data["transactions"]["edges"][0]["node"]["id"]
    query = """
      query($order: ID!, $job: ID!, $yes: Boolean!, $no: Boolean!) {
        first: pendingImports(first: 2) { totalCount ...Page }
        rest: pendingImports(first: 10) { edges { cursor node { ...Order n: orderNumber @include(if: $yes) } } }
        importedOrder(id: $order) { ...Order history { __typename action actor at } decisions { status } }
        missing: importedOrder(id: "00000000-0000-0000-0000-000000000000") { id }
        importJob(id: $job) { __typename id status receipt { edges { node { orderId outcome importedOrder { id } } } } }
        transactions { edges { node { id ... on Transaction @skip(if: $no) { orderNumber total { amount } } } } }
        unreadAlertCount
        __typename
      }
      fragment Page on ImportedOrderConnection {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { node { __typename id } }
      }
      fragment Order on ImportedOrder {
        id orderId status paymentStatus placedAt checkedAt total { amount currencyCode }
        buyer { name email } store { id name platform { id name } } platform { id name orderIdLabel }
        placed: placedAt @skip(if: $no) lineItems @include(if: $no) { sku }
      }
    """
    variables = {"order": order["id"], "job": order["job"]["id"], "yes": True, "no": False}

    answered = await _both(app, query, variables)

    assert not answered.errors, answered.errors
    assert answered.data["missing"] is None and answered.data["first"]["totalCount"] == 2
    assert transaction


async def test_errors_answer_as_the_stock_execution(app: _App):
    """Errors found while executing: an argument the guards refuse, and the request errors before execution."""
    for query, variables in [
        ("{ pendingImports(first: 0) { edges { node { id } } } stores { id } }", None),
        ('{ transactions(search: "' + "x" * 300 + '") { edges { node { id } } } }', None),
        ("query($id: ID!) { importedOrder(id: $id) { id } }", {"id": "x" * 100}),
        ("{ pendingImports { edges { node { nope } } } }", None),
    ]:
        answered = await _both(app, query, variables)

        assert answered.errors, query


def test_the_app_schema_runs_its_plain_fields_here():
    """The app's fields that read an attribute, and its resolvers taking no argument, get a resolver of
    ``execution``: a change that makes strawberry wrap them otherwise shows here, not only in a benchmark."""
    schema = build_schema()._schema
    kinds: dict[str, int] = {}
    for named in schema.type_map.values():
        if is_object_type(named) and not named.name.startswith("__"):
            for field in named.fields.values():
                kind = type(field.resolve).__name__ if isinstance(field.resolve, (Attribute, Method)) else "other"
                kinds[kind] = kinds.get(kind, 0) + 1

    assert kinds["Attribute"] > 150 and kinds["Method"] >= 5


async def test_introspection_answers_as_the_stock_execution(app: _App):
    answered = await _both(app, get_introspection_query(descriptions=True))

    assert not answered.errors and answered.data["__schema"]["queryType"]["name"] == "Query"
