"""Every platform's mapping gives exactly the orders it gave when the golden files were written.

The inputs are the real samples (``tests/samples``) and order payloads captured from the emulators as
each connector hands them to its map function (``golden/<platform>.jsonl``), decoded from bytes the way
connectors decode bodies (``Response.json``). Each mapped order is compared field by field: amounts by
their ``str`` (``Decimal('12.50')`` is not ``Decimal('12.5')``), times with their zone, the payload kept
as ``raw`` by its JSON text. Each platform's first sample and first captured payload are also mutated
at every place (each value replaced by values of every JSON type, numbers written in other forms, keys
removed), and what each mutant gives, an order or an error with its message, must be what it was.

After a deliberate change of mapped values, rewrite the expected files with
``python -m tests.plugins.test_golden_orders --write`` and review their diff.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from plugins.bigcommerce import mapping as bigcommerce
from plugins.ebay import mapping as ebay
from plugins.ecwid import mapping as ecwid
from plugins.paypal import mapping as paypal
from plugins.shopify import mapping as shopify
from plugins.woocommerce import mapping as woocommerce
from server.platforms import Money, Order, Response
from tests.conftest import SAMPLES
from tests.plugins.ebay.responses import ORDER as EBAY_ORDER
from tests.plugins.shopify.graphql_responses import ORDER_1001

GOLDEN = Path(__file__).parent / "golden"

MAPS: dict[str, dict[str, Callable[..., Order]]] = {
    "shopify": {"map_graphql_order": shopify.map_graphql_order, "map_rest_order": shopify.map_rest_order},
    "woocommerce": {"map_order": woocommerce.map_order},
    "bigcommerce": {"map_order": bigcommerce.map_order},
    "ebay": {"map_order": ebay.map_order},
    "ecwid": {"map_order": ecwid.map_order},
    "paypal": {"map_order": paypal.map_order},
}
PLATFORMS = sorted(MAPS)

# What a mutant puts in place of a value: every JSON type, blank and numeric strings. Numbers are also
# written in other JSON forms (``NUMBER_TEXTS``, spliced into the text in place of ``_NUMBER``), as a
# decoder reads each form into the value a mapping turns into ``Decimal``.
REPLACEMENTS: tuple[Any, ...] = (None, True, False, 0, -1, 2.5, "", "  ", "x", "12.50", [], {})
NUMBER_TEXTS = (
    "12.50",
    "0.1",
    "0.30000000000000004",
    "1e-7",
    "1E+2",
    "-0.0",
    "-0",
    "5e-324",
    "123456789.123456789",
    "1e400",
    "18446744073709551616",
    "12345678901234567890123456789",
)
_NUMBER = "\x00number\x00"
MUTATED = {"shopify": ("ORDER_1001", "orders-python-sdk-fixture.json[0]")}
"""The cases mutated besides the captured ``emulator-1``: each platform's first sample unless named here."""


def decoded(text: str | bytes) -> Any:
    """``text`` read as a connector reads a body."""
    body = text.encode() if isinstance(text, str) else text
    return Response(
        status=200, headers=CIMultiDictProxy(CIMultiDict()), body=body, url=URL("https://golden.test/")
    ).json()


def sample(platform: str, name: str) -> Any:
    return decoded((SAMPLES / platform / name).read_bytes())


def sample_cases(platform: str) -> Iterator[tuple[str, str, list[Any]]]:
    """Each real sample as (case, map function, arguments)."""
    if platform == "shopify":
        yield "order.json", "map_rest_order", [sample(platform, "order.json")]
        for name in ("orders-page.json", "orders-python-sdk-fixture.json"):
            for n, order in enumerate(sample(platform, name)["orders"]):
                yield f"{name}[{n}]", "map_rest_order", [order]
        for name in ("webhook-orders-create.json", "order-python-sdk-fixture.json"):
            yield name, "map_rest_order", [sample(platform, name)]
        for name in ("graphql-orders-page.json", "graphql-orders-updated-after.json", "graphql-orders-details.json"):
            for n, edge in enumerate(sample(platform, name)["orders"]["edges"]):
                yield f"{name}[{n}]", "map_graphql_order", [edge["node"]]
        yield "graphql-order-by-id.json", "map_graphql_order", [sample(platform, "graphql-order-by-id.json")["order"]]
        yield "ORDER_1001", "map_graphql_order", [decoded(json.dumps(ORDER_1001))]
    elif platform == "woocommerce":
        yield "order.json", "map_order", [sample(platform, "order.json")]
        for n, order in enumerate(sample(platform, "orders-page.json")):
            yield f"orders-page.json[{n}]", "map_order", [order]
    elif platform == "bigcommerce":
        order, products = sample(platform, "order.json"), sample(platform, "order-products.json")
        yield "order.json", "map_order", [order, products]
        for n, order in enumerate(sample(platform, "orders-page.json")):
            yield f"orders-page.json[{n}]", "map_order", [order, []]
    elif platform == "ebay":
        yield "responses.ORDER", "map_order", [decoded(json.dumps(EBAY_ORDER))]
    elif platform == "ecwid":
        yield "order.json", "map_order", [sample(platform, "order.json"), "EUR"]
        for n, order in enumerate(sample(platform, "orders-page.json")["items"]):
            yield f"orders-page.json[{n}]", "map_order", [order, "USD"]
    elif platform == "paypal":
        for name in ("order.json", "order-captured.json"):
            yield name, "map_order", [sample(platform, name)]


def captured_cases(platform: str) -> Iterator[tuple[str, str, list[Any]]]:
    """Each payload captured from the platform's emulator as (case, map function, arguments)."""
    for line in (GOLDEN / f"{platform}.jsonl").read_bytes().splitlines():
        case = decoded(line)
        yield case["case"], case["map"], case["args"]


def cases(platform: str) -> list[tuple[str, str, list[Any]]]:
    return [*sample_cases(platform), *captured_cases(platform)]


def described(order: Order) -> dict[str, Any]:
    """Every field of ``order`` as JSON, exactly: amounts by their text, ``raw`` by a digest of its JSON text."""

    def money(value: Money) -> list[str]:
        return [str(value.amount), value.currency]

    return {
        "order_id": order.order_id,
        "order_number": order.order_number,
        "placed_at": [order.placed_at.isoformat(), repr(order.placed_at.tzinfo)],
        "total": money(order.total),
        "payment_status": order.payment_status.name,
        "platform_status": order.platform_status,
        "canceled": order.canceled,
        "test_order": order.test_order,
        "buyer": [order.buyer.name, order.buyer.email],
        "line_items": [[i.name, i.sku, i.quantity, money(i.unit_price), money(i.total)] for i in order.line_items],
        "types": [type(order.line_items).__name__, type(order.raw).__name__],
        "raw": _digest(json.dumps(order.raw)),
    }


def outcome(platform: str, function: str, args: list[Any]) -> dict[str, Any]:
    """What mapping ``args`` gives: the order described, or the error's type and message."""
    try:
        order = MAPS[platform][function](*args)
    except Exception as exc:  # noqa: BLE001 - the very error is what is compared
        return {"error": f"{type(exc).__name__}: {exc}"}
    return described(order)


def mutants(args: list[Any]) -> Iterator[tuple[str, str]]:
    """(where, JSON text) of ``args`` with one value replaced, or one key removed, at every place in turn."""

    def places(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
        if path:
            yield path, value
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in children:
            yield from places(child, (*path, key))

    for path, value in list(places(args, ())):
        replacements: list[Any] = [r for r in REPLACEMENTS if r != value or type(r) is not type(value)]
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric or (isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit()):
            replacements += [_NUMBER]
        for replacement in replacements:
            text = _replaced(args, path, replacement)
            if replacement is _NUMBER:
                for number in NUMBER_TEXTS:
                    yield f"{_where(path)}={number}", text.replace(json.dumps(_NUMBER), number)
            else:
                yield f"{_where(path)}={json.dumps(replacement)}", text
        if isinstance(path[-1], str):
            yield f"{_where(path)} removed", _replaced(args, path, _REMOVED)


_REMOVED = object()


def _replaced(args: list[Any], path: tuple[Any, ...], replacement: Any) -> str:
    """The JSON text of ``args`` with the value at ``path`` replaced (or removed); ``args`` is left as it was."""
    parent = args
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    kept = parent[key]
    if replacement is _REMOVED:  # a key of an object, never the arguments' own list
        return _replaced(args, path[:-1], {k: v for k, v in parent.items() if k != key})
    parent[key] = replacement
    try:
        return json.dumps(args)
    finally:
        parent[key] = kept


def _where(path: tuple[Any, ...]) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)


def mutated(platform: str) -> dict[str, Any]:
    """For the ``MUTATED`` cases and ``emulator-1``: every mutant's outcome, summed up as the count of each
    error message and a digest of all outcomes in order."""
    names = (*MUTATED.get(platform, (next(sample_cases(platform))[0],)), "emulator-1")
    summary: dict[str, Any] = {}
    for name, function, args in (case for case in cases(platform) if case[0] in names):
        errors: Counter[str] = Counter()
        digest = hashlib.sha256()
        for where, text in mutants(args):
            try:
                mutant = decoded(text)
            except Exception as exc:  # noqa: BLE001 - a body the decoder refuses is an outcome too
                result: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"}
            else:
                result = outcome(platform, function, mutant)
            if "error" in result:
                errors[result["error"]] += 1
            digest.update(f"{where}\n{json.dumps(result, sort_keys=True)}\n".encode())
        summary[name] = {"mutants": digest.hexdigest(), "errors": dict(sorted(errors.items()))}
    return summary


def expected(platform: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{platform}.orders.json").read_text())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_samples_and_captured_payloads_map_as_before(platform: str) -> None:
    golden = expected(platform)["orders"]
    mapped = {name: outcome(platform, function, args) for name, function, args in cases(platform)}

    assert list(mapped) == list(golden)
    for name, result in mapped.items():
        assert result == golden[name], name


@pytest.mark.parametrize("platform", PLATFORMS)
def test_mutated_payloads_map_or_fail_as_before(platform: str) -> None:
    golden = expected(platform)["mutated"]
    summary = mutated(platform)

    for name, found in summary.items():
        assert found["errors"] == golden[name]["errors"], name
        assert found["mutants"] == golden[name]["mutants"], name


def _write() -> None:
    for platform in PLATFORMS:
        orders = {name: outcome(platform, function, args) for name, function, args in cases(platform)}
        parts = {"orders": orders, "mutated": mutated(platform)}
        text = ",\n".join(
            f"{json.dumps(part)}: {{\n"
            + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in items.items())
            + "\n}"
            for part, items in parts.items()
        )
        (GOLDEN / f"{platform}.orders.json").write_text(f"{{\n{text}\n}}\n")


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    _write()
