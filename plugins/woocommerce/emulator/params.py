"""The orders collection's query parameters, validated and sanitized the way the WP REST server does.

Every invalid parameter is reported at once in a 400 ``rest_invalid_param``
whose ``data.params`` holds the messages and ``data.details`` the individual
errors (``rest_invalid_type``, ``rest_out_of_bounds``, ``rest_invalid_date``,
``rest_not_in_enum``). Parameters the emulator does not know are ignored, as
WordPress ignores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import invalid_params
from .php import QueryValue, absint, is_numeric

__all__ = ["ORDER_STATUSES", "DateBound", "ListQuery", "parse_list_query"]

ORDER_STATUSES = ("pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "checkout-draft")
_STATUS_ENUM = ("any", "trash", *ORDER_STATUSES)
_ORDERBY = ("date", "id", "include", "title", "slug", "modified")
_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::\d{2})?)?$"
)  # rest_parse_date
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True, slots=True)
class DateBound:
    """An ``after``/``before`` value: the wall time it names and its UTC offset, if it has one.

    Fractions of a second are dropped: WordPress compares to the second.
    """

    wall: datetime
    offset_minutes: int | None


@dataclass(frozen=True, slots=True)
class ListQuery:
    page: int = 1
    per_page: int = 10
    offset: int = 0
    order: str = "desc"
    orderby: str = "date"
    statuses: tuple[str, ...] = ("any",)
    search: str = ""
    after: DateBound | None = None
    before: DateBound | None = None
    dates_are_gmt: bool = False
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()


def _parse_date(text: str) -> DateBound | None:
    """``rest_parse_date``'s RFC 3339 subset (``Z`` or ``±HH[:MM]``, a space or ``T``), or ``None``."""
    match = _DATE.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        wall = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = match[8]
    if zone is None:
        return DateBound(wall, None)
    if zone == "Z":
        return DateBound(wall, 0)
    sign = -1 if zone[0] == "-" else 1
    hours, _, minutes = zone[1:].partition(":")
    return DateBound(wall, sign * (int(hours) * 60 + int(minutes or 0)))


def _wp_list(items: tuple[str, ...]) -> str:
    """``wp_sprintf_l``: "a and b", "a, b, and c"."""
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])}, and {items[-1]}"


def _problem(code: str, message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "data": data}


class _Reader:
    """Collects each parameter's sanitized value or its validation problem."""

    def __init__(self, query: dict[str, QueryValue]) -> None:
        self.query = query
        self.problems: dict[str, dict[str, Any]] = {}

    def integer(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.query.get(name)
        if value is None:
            return default
        if not isinstance(value, str) or not is_numeric(value) or float(value) != round(float(value)):
            self.problems[name] = _problem("rest_invalid_type", f"{name} is not of type integer.", {"param": name})
            return default
        number = float(value)
        if maximum is not None and minimum is not None and not minimum <= number <= maximum:
            message = f"{name} must be between {minimum} (inclusive) and {maximum} (inclusive)"
            self.problems[name] = _problem("rest_out_of_bounds", message)
        elif minimum is not None and number < minimum:
            message = f"{name} must be greater than or equal to {minimum}"
            self.problems[name] = _problem("rest_out_of_bounds", message)
        return absint(value)

    def string(self, name: str) -> str | None:
        value = self.query.get(name)
        if value is not None and not isinstance(value, str):
            self.problems[name] = _problem("rest_invalid_type", f"{name} is not of type string.", {"param": name})
            return None
        return value

    def date(self, name: str) -> DateBound | None:
        text = self.string(name)
        if text is None:
            return None
        bound = _parse_date(text)
        if bound is None:
            self.problems[name] = _problem("rest_invalid_date", "Invalid date.")
        return bound

    def boolean(self, name: str) -> bool:
        value = self.query.get(name)
        if value is None:
            return False
        if not isinstance(value, str) or value.lower() not in _BOOLEANS:
            self.problems[name] = _problem("rest_invalid_type", f"{name} is not of type boolean.", {"param": name})
            return False
        return _BOOLEANS[value.lower()]

    def enum(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.string(name)
        if value is None:
            return default
        if value not in allowed:
            self.problems[name] = _problem("rest_not_in_enum", f"{name} is not one of {_wp_list(allowed)}.")
            return default
        return value

    def statuses(self) -> tuple[str, ...]:
        items = _parse_list(self.query.get("status", "any"))
        for index, item in enumerate(items):
            if item not in _STATUS_ENUM:
                message = f"status[{index}] is not one of {_wp_list(_STATUS_ENUM)}."
                self.problems["status"] = _problem("rest_not_in_enum", message)
                return ("any",)
        return tuple(items)

    def ids(self, name: str) -> tuple[int, ...]:
        """``wp_parse_id_list``: unique non-negative integers, never an error."""
        items = _parse_list(self.query.get(name, []))
        return tuple(dict.fromkeys(absint(item) if is_numeric(item) else 0 for item in items))


def _parse_list(value: QueryValue) -> list[str]:
    """``wp_parse_list``: a list as given, or a string split on commas and whitespace."""
    return value if isinstance(value, list) else [part for part in re.split(r"[\s,]+", value) if part]


def _sanitize_text(value: str) -> str:
    """``sanitize_text_field``: tags and line breaks removed, whitespace collapsed and trimmed."""
    return " ".join(re.sub(r"<[^>]*>", "", value).split())


def parse_list_query(query: dict[str, QueryValue]) -> ListQuery:
    """The ``GET /orders`` arguments, in the order WooCommerce declares them; raise one ``WPError`` if any is bad."""
    read = _Reader(query)
    page = read.integer("page", 1, minimum=1)
    per_page = read.integer("per_page", 10, minimum=1, maximum=100)
    search = read.string("search")
    after, before = read.date("after"), read.date("before")
    dates_are_gmt = read.boolean("dates_are_gmt")
    exclude, include = read.ids("exclude"), read.ids("include")
    offset = read.integer("offset", 0)
    order = read.enum("order", ("asc", "desc"), "desc")
    orderby = read.enum("orderby", _ORDERBY, "date")
    statuses = read.statuses()
    if read.problems:
        raise invalid_params(read.problems)
    return ListQuery(
        page=page,
        per_page=per_page,
        offset=offset,
        order=order,
        orderby=orderby,
        statuses=statuses,
        search=_sanitize_text(search or ""),
        after=after,
        before=before,
        dates_are_gmt=dates_are_gmt,
        include=include,
        exclude=exclude,
    )
