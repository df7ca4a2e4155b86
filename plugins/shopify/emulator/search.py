"""Shopify's search syntax for ``orders(query:)``, compiled to a predicate over stored orders.

Grammar (https://shopify.dev/docs/api/usage/search-syntax)::

    Query      = Term { [ whitespace Connective ] whitespace Term }   # no connective means AND
    Connective = "AND" | "OR"
    Term       = [ Modifier ] ( "(" Query ")" | [ name Comparator ] value )
    Modifier   = "-" | "NOT" whitespace
    Comparator = ":" | ":<" | ":>" | ":<=" | ":>="

Values may be single- or double-quoted. AND binds tighter than OR. A term on a
field the ``orders`` query does not know is dropped from the query and reported
in ``extensions.search[].warnings`` ("Invalid search field for this query."),
which is what Shopify does: the rest of the query still applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import StoredOrder

Predicate = Callable[["StoredOrder"], bool]

_TERM = re.compile(r"(?P<neg>-)?(?:(?P<field>[A-Za-z_][\w.]*)(?P<cmp>:<=|:>=|:<|:>|:))?")
_GID = re.compile(r"^gid://shopify/Order/(\d+)$")
_STATUSES = {"open", "closed", "cancelled", "not_closed", "any"}


class SearchSyntaxError(ValueError):
    """The query string does not follow the grammar (unbalanced parentheses, dangling connective)."""


@dataclass(frozen=True, slots=True)
class _Term:
    field: str | None
    comparator: str
    value: str
    negated: bool


@dataclass(slots=True)
class _Group:
    op: str  # "and" | "or"
    children: list[Any] = field(default_factory=list)
    negated: bool = False


@dataclass(slots=True)
class CompiledSearch:
    """A predicate (``None`` matches everything) and the warnings Shopify would attach."""

    predicate: Predicate | None
    warnings: list[dict[str, str]]
    parsed: dict[str, Any] | None


def compile_search(query: str | None, *, now: datetime, shop_tz: tzinfo) -> CompiledSearch:
    """Parse ``query`` and compile it against the order search fields."""
    if query is None or not query.strip():
        return CompiledSearch(None, [], None)
    tree = _Parser(query).parse()
    compiler = _Compiler(now=now, shop_tz=shop_tz)
    predicate, parsed = compiler.compile(tree)
    return CompiledSearch(predicate, compiler.warnings, parsed)


# --- parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def parse(self) -> Any:
        node = self._or()
        if self.pos != len(self.tokens):
            raise SearchSyntaxError(f"unexpected {self.tokens[self.pos]!r}")
        return node

    def _peek(self) -> Any:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> Any:
        children = [self._and()]
        while self._peek() == "OR":
            self.pos += 1
            children.append(self._and())
        return children[0] if len(children) == 1 else _Group("or", children)

    def _and(self) -> Any:
        children = [self._unary()]
        while (token := self._peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.pos += 1
            children.append(self._unary())
        return children[0] if len(children) == 1 else _Group("and", children)

    def _unary(self) -> Any:
        token = self._peek()
        if token is None or token in ("AND", "OR", ")"):
            raise SearchSyntaxError(f"expected a term, got {token!r}")
        self.pos += 1
        if token in ("NOT", "-"):
            node = self._unary()
            if isinstance(node, _Term):
                return _Term(node.field, node.comparator, node.value, not node.negated)
            node.negated = not node.negated
            return node
        if token == "(":
            node = self._or()
            if self._peek() != ")":
                raise SearchSyntaxError("unbalanced parenthesis")
            self.pos += 1
            return node if isinstance(node, _Group) else _Group("and", [node])
        return token


def _tokenize(text: str) -> list[Any]:
    """Split into "(", ")", "AND", "OR", "NOT", "-" (before a parenthesis) and ``_Term`` tokens."""
    tokens: list[Any] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(ch)
            i += 1
        elif ch == "-" and i + 1 < n and text[i + 1] == "(":
            tokens.append("-")
            i += 1
        else:
            match = _TERM.match(text, i)
            assert match is not None  # every group is optional
            i = match.end()
            value, i = _read_value(text, i)
            negated = bool(match["neg"])
            if match["field"] is None and not negated and value in ("AND", "OR", "NOT"):
                tokens.append(value)
            else:
                tokens.append(_Term(match["field"], match["cmp"] or ":", value, negated))
    return tokens


def _read_value(text: str, i: int) -> tuple[str, int]:
    if i < len(text) and text[i] in "'\"":
        quote, out, i = text[i], [], i + 1
        while i < len(text) and text[i] != quote:
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out.append(text[i])
            i += 1
        if i >= len(text):
            raise SearchSyntaxError("unterminated quoted value")
        return "".join(out), i + 1
    start = i
    while i < len(text) and not text[i].isspace() and text[i] not in "()":
        i += 1
    return text[start:i], i


# --- compiling ---------------------------------------------------------------------------------


class _Compiler:
    """Turns the parse tree into a predicate; unknown fields become warnings and are dropped."""

    def __init__(self, *, now: datetime, shop_tz: tzinfo) -> None:
        self.now = now
        self.shop_tz = shop_tz
        self.warnings: list[dict[str, str]] = []

    def compile(self, node: _Term | _Group) -> tuple[Predicate | None, dict[str, Any] | None]:
        """The node's predicate and Shopify-style parse summary; ``(None, None)`` when every term was dropped."""
        if isinstance(node, _Term):
            predicate, parsed = self._term(node)
        else:
            compiled = [(p, d) for p, d in map(self.compile, node.children) if p is not None]
            if len(compiled) > 1:
                predicate = _combine(node.op, [p for p, _ in compiled])
                parsed = {node.op: [d for _, d in compiled]}
            else:
                predicate, parsed = compiled[0] if compiled else (None, None)
        if predicate is None or not node.negated:
            return predicate, parsed
        return (lambda order: not predicate(order)), {"not": parsed}

    def _warn(self, name: str, code: str, message: str) -> tuple[None, None]:
        self.warnings.append({"field": name, "message": message, "code": code})
        return None, None

    def _term(self, term: _Term) -> tuple[Predicate | None, dict[str, Any] | None]:
        name = (term.field or "default").lower()
        handler = _FIELDS.get(name)
        if handler is None:
            return self._warn(name, "invalid_field", "Invalid search field for this query.")
        try:
            predicate = handler(self, term.comparator, term.value)
        except ValueError:
            return self._warn(name, "invalid_value", f"Invalid value for search field '{name}'.")
        return predicate, {"field": name, _PARSED_KEYS[term.comparator]: term.value}

    def instant_bounds(self, value: str) -> tuple[int, int]:
        """The value as ``[start, end)`` in epoch microseconds: a date covers its whole day."""
        if value.lower() == "now":
            point = micros(self.now)
            return point, point + 1
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            start = datetime.combine(day, time(), self.shop_tz)
            return micros(start), micros(start + timedelta(days=1))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.shop_tz)
        point = micros(moment)
        return point, point + 1


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    """Epoch microseconds of an aware datetime: the integer key times are compared and sorted by."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _range(comparator: str, start: int, end: int) -> Callable[[int], bool]:
    """Compare an integer key to the interval ``[start, end)`` the value denotes."""
    return {
        ":": lambda x: start <= x < end,
        ":>": lambda x: x >= end,
        ":>=": lambda x: x >= start,
        ":<": lambda x: x < start,
        ":<=": lambda x: x < end,
    }[comparator]


def _time_field(attr: str) -> Callable[[_Compiler, str, str], Predicate]:
    def handler(compiler: _Compiler, comparator: str, value: str) -> Predicate:
        test = _range(comparator, *compiler.instant_bounds(value))
        return lambda order: test(getattr(order, attr))

    return handler


def _id_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    match = _GID.match(value)
    number = int(match[1] if match else value)
    test = _range(comparator, number, number + 1)
    return lambda order: test(order.numeric_id)


def _name_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    if comparator != ":":
        raise ValueError(value)
    wanted = value.removeprefix("#").lower()
    return lambda order: order.name_key == wanted


def _financial_status_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    wanted = value.lower()
    if comparator != ":":
        raise ValueError(value)
    if wanted == "any":
        return lambda order: True
    if wanted == "unpaid":  # documented alias: authorized and partially paid orders
        return lambda order: order.financial_status in ("AUTHORIZED", "PARTIALLY_PAID")
    return lambda order: order.financial_status.lower() == wanted


_FULFILLMENT_FILTERS = {  # documented filter value -> OrderDisplayFulfillmentStatus values it matches
    "shipped": ("FULFILLED",),
    "partial": ("PARTIALLY_FULFILLED",),
    "unshipped": ("UNFULFILLED",),
    "unfulfilled": ("UNFULFILLED", "PARTIALLY_FULFILLED"),
}


def _fulfillment_status_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    wanted = value.lower()
    if comparator != ":" or (wanted != "any" and wanted not in _FULFILLMENT_FILTERS):
        raise ValueError(value)
    if wanted == "any":
        return lambda order: True
    statuses = _FULFILLMENT_FILTERS[wanted]
    return lambda order: order.fulfillment_status in statuses


def _status_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    wanted = value.lower()
    if comparator != ":" or wanted not in _STATUSES:
        raise ValueError(value)
    return {
        "any": lambda order: True,
        "open": lambda order: not order.closed and not order.cancelled,
        "closed": lambda order: order.closed,
        "cancelled": lambda order: order.cancelled,
        "not_closed": lambda order: not order.closed,
    }[wanted]


def _email_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    if comparator != ":":
        raise ValueError(value)
    wanted = value.lower()
    return lambda order: (order.node.get("email") or "").lower() == wanted


def _default_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    """A bare term: case-insensitive match in the name, email and customer name."""
    wanted = value.lower()
    return lambda order: wanted in order.text


def _total_price_field(_: _Compiler, comparator: str, value: str) -> Predicate:
    try:
        cents = int(Decimal(value) * 100)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    test = _range(comparator, cents, cents + 1)
    return lambda order: test(order.total_cents)


_FIELDS: dict[str, Callable[[_Compiler, str, str], Predicate]] = {
    "created_at": _time_field("created"),
    "processed_at": _time_field("processed"),
    "updated_at": _time_field("updated"),
    "id": _id_field,
    "name": _name_field,
    "financial_status": _financial_status_field,
    "fulfillment_status": _fulfillment_status_field,
    "status": _status_field,
    "email": _email_field,
    "total_price": _total_price_field,
    "default": _default_field,
}

_PARSED_KEYS = {":": "match_all", ":>": "range_gt", ":>=": "range_gte", ":<": "range_lt", ":<=": "range_lte"}


def _combine(op: str, predicates: list[Predicate]) -> Predicate:
    if op == "and":
        return lambda order: all(p(order) for p in predicates)
    return lambda order: any(p(order) for p in predicates)
