"""What the conformance kit checks on a connector's results, as plain functions (no pytest).

Each ``*_problems`` function returns readable sentences, one per problem, empty
when all is well; the suite turns them into failures. ``ConformanceWarning`` is
the category of the kit's soft checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..models import CredentialField, LineItem, Money, Order, PaymentStatus
from .double import SeededOrder

__all__ = [
    "ConformanceWarning",
    "describe",
    "mask",
    "order_problems",
    "secret_problems",
    "secret_values",
    "seeded_problems",
    "unknown_references",
    "value_problems",
]

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SHORTEST_SECRET = 4  # shorter values could appear in any message by chance


class ConformanceWarning(UserWarning):
    """A check the kit will make a failure in a later release; fix what it reports now.

    New strictness ships first as this warning, so a connector that passed the
    kit keeps passing after an upgrade. Turn the warnings into failures today
    with ``-W error::server.platforms.testing.ConformanceWarning`` (or
    ``filterwarnings = ["error::server.platforms.testing.ConformanceWarning"]``
    in the pytest configuration). Current soft checks: a seeded (paid) order
    maps to ``PaymentStatus.PAID``; credential fields named like secrets are
    marked ``secret``; no secret appears in an exception chained to a
    connector's error (``__cause__``/``__context__``, which logs print).
    """


def describe(order: Any) -> str:
    """How an order is named in messages: ``order '5829' (#1001)``."""
    if isinstance(order, Order):
        return f"order {order.order_id!r} ({order.order_number})"
    if isinstance(order, SeededOrder):
        return f"order {order.order_id!r} ({order.order_number}, placed {order.placed_at.isoformat()})"
    return f"{type(order).__name__} {order!r:.80}"


def order_problems(order: Any) -> list[str]:
    """The ways ``order`` breaks the normalized ``Order`` invariants.

    ``Order`` validates on construction, so most of these only show when a
    connector returns something else or bypasses the constructor; they are
    checked anyway because the core trusts them.
    """
    if not isinstance(order, Order):
        return [f"returned a {type(order).__name__}, not a server.platforms.Order"]
    problems = []
    for name in ("order_id", "order_number"):
        value = getattr(order, name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name} is {value!r}; it must be a non-empty string")
        elif value != value.strip():
            problems.append(f"{name} is {value!r}, with surrounding whitespace")
    problems += _money_problems(order.total, "total")
    placed_at = order.placed_at
    if not isinstance(placed_at, datetime):
        problems.append(f"placed_at is {placed_at!r}, not a datetime")
    elif placed_at.utcoffset() is None:
        problems.append(f"placed_at {placed_at.isoformat()} is naive; it must be timezone-aware UTC")
    elif placed_at.utcoffset() != timedelta(0):
        problems.append(f"placed_at {placed_at.isoformat()} is not in UTC")
    if not isinstance(order.payment_status, PaymentStatus):
        problems.append(f"payment_status is {order.payment_status!r}, not a PaymentStatus")
    if not isinstance(order.raw, Mapping) or not order.raw:
        problems.append("raw is empty; it must hold the platform's payload")
    currency = order.total.currency if isinstance(order.total, Money) else None
    if not isinstance(order.line_items, tuple):
        problems.append(f"line_items is a {type(order.line_items).__name__}, not a tuple")
    for n, item in enumerate(order.line_items, 1):
        where = f"line item {n}"
        if not isinstance(item, LineItem):
            problems.append(f"{where} is a {type(item).__name__}, not a LineItem")
            continue
        if not isinstance(item.quantity, int) or isinstance(item.quantity, bool):
            problems.append(f"{where} quantity is {item.quantity!r}, not an int")
        for name in ("unit_price", "total"):
            money = getattr(item, name)
            found = _money_problems(money, f"{where} {name}")
            problems += found
            if not found and currency is not None and money.currency != currency:
                problems.append(f"{where} {name} is in {money.currency}, the order's total in {currency}")
    return problems


def _money_problems(money: Any, name: str) -> list[str]:
    if not isinstance(money, Money):
        return [f"{name} is a {type(money).__name__}, not Money"]
    problems = []
    if not isinstance(money.amount, Decimal):
        problems.append(f"{name}.amount is {money.amount!r} ({type(money.amount).__name__}); money must be Decimal")
    elif not money.amount.is_finite():
        problems.append(f"{name}.amount is {money.amount}, not a finite amount")
    if not isinstance(money.currency, str) or not _CURRENCY.match(money.currency):
        problems.append(f"{name}.currency is {money.currency!r}, not a 3-letter ISO-4217 code")
    return problems


def seeded_problems(order: Order, seeded: SeededOrder) -> list[str]:
    """The ways ``order`` differs from what the double says ``seeded`` must map to."""
    problems = []
    if order.order_id != seeded.order_id:
        problems.append(f"order_id {order.order_id!r}, expected {seeded.order_id!r}")
    if order.order_number != seeded.order_number:
        problems.append(f"order_number {order.order_number!r}, expected {seeded.order_number!r}")
    return problems + value_problems(order, seeded)


def value_problems(order: Order, seeded: SeededOrder) -> list[str]:
    """How ``order``'s total, currency and ``placed_at`` differ from ``seeded``'s: the values a money or time
    bug corrupts."""
    problems = []
    if isinstance(order.total, Money) and (order.total.amount, order.total.currency) != (seeded.total, seeded.currency):
        problems.append(f"total {order.total.amount} {order.total.currency}, expected {seeded.total} {seeded.currency}")
    aware = isinstance(order.placed_at, datetime) and order.placed_at.utcoffset() is not None
    if aware and order.placed_at != seeded.placed_at:
        problems.append(f"placed_at {order.placed_at.isoformat()}, expected {seeded.placed_at.isoformat()}")
    return problems


def secret_values(fields: Iterable[CredentialField], *credential_sets: Mapping[str, str]) -> dict[str, str]:
    """``{value: field name}`` of every secret in the credential sets.

    A value is secret when its field is marked ``secret``, or when it differs
    between the sets (the double's wrong credentials change the secret).
    """
    marked = {f.name for f in fields if f.secret}
    names = set().union(*(set(c) for c in credential_sets)) if credential_sets else set()
    found: dict[str, str] = {}
    for name in sorted(names):
        values = {c.get(name) for c in credential_sets}
        if name in marked or len(values) > 1:
            for value in values:
                if isinstance(value, str) and len(value.strip()) >= _SHORTEST_SECRET:
                    found[value.strip()] = name
    return found


def secret_problems(text: str, secrets: Mapping[str, str]) -> list[str]:
    """Which secrets ``text`` contains, each named by its credential field."""
    return [f"the value of secret credential {name!r}" for value, name in secrets.items() if value in text]


def mask(text: str, secrets: Mapping[str, str]) -> str:
    """``text`` with every secret replaced by ``<field>``, for quoting a leaking message safely."""
    for value, name in sorted(secrets.items(), key=lambda item: -len(item[0])):
        text = text.replace(value, f"<{name}>")
    return text


def unknown_references(reference: str, taken: Iterable[str]) -> list[str]:
    """References shaped like ``reference`` that are none of ``taken``: near misses of a real one.

    One of the same length (its last run of digits replaced by nines, else
    eights, ...; without digits, its last letter changed) and one extended by a
    digit. A careless lookup (a prefix search, a fuzzy match, a number parsed
    loosely) confuses these with the real order.
    """
    taken_keys = {_key(t) for t in taken}
    runs = list(re.finditer(r"[0-9]+", reference))
    same_length: list[str] = []
    if runs:
        run = runs[-1]
        same_length += [reference[: run.start()] + d * len(run.group()) + reference[run.end() :] for d in "98765"]
    same_length += [reference[:-1] + letter for letter in "ZQXJ"]
    found = [next((c for c in same_length if _key(c) not in taken_keys), reference + "-KIT")]
    longer = reference + "0"
    if _key(longer) not in taken_keys:
        found.append(longer)
    return found


def _key(reference: str) -> str:
    return reference.strip().casefold().lstrip("#")
