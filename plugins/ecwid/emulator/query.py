"""``GET /orders`` query parameters, parsed and checked as Ecwid documents them.

``createdFrom``/``createdTo`` (and ``updatedFrom``/``updatedTo``) take a unix timestamp or
``yyyy-MM-dd HH:mm:ss Z``, ``yyyy-MM-dd HH:mm:ss`` or ``yyyy-MM-dd`` (both read as UTC); both
bounds are inclusive, to the second. ``limit`` defaults to and is capped at 100. Without a
``paymentStatus`` filter unfinished orders (``INCOMPLETE``) are left out. Unknown parameters
are ignored, as are the documented ones this emulator does not model (``keywords``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import StoredOrder

MAX_LIMIT = 100
UNFINISHED = "INCOMPLETE"
_DIGITS = re.compile(r"[0-9]{1,12}")
_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


class WrongParameter(ValueError):
    """A parameter Ecwid would refuse with 400 WRONG_PARAMETER; the message names it."""


@dataclass(frozen=True, slots=True)
class OrderQuery:
    ids: tuple[str, ...] | None = None
    created_from: int | None = None
    created_to: int | None = None
    updated_from: int | None = None
    updated_to: int | None = None
    payment_statuses: frozenset[str] | None = None
    fulfillment_statuses: frozenset[str] | None = None
    email: str | None = None
    offset: int = 0
    limit: int = MAX_LIMIT

    @property
    def needs_scan(self) -> bool:
        """Whether filters other than payment status and creation time apply."""
        return any(
            value is not None for value in (self.updated_from, self.updated_to, self.fulfillment_statuses, self.email)
        )

    def accepts(self, order: StoredOrder) -> bool:
        if self.payment_statuses is None:
            if order.payment_status == UNFINISHED:
                return False
        elif order.payment_status not in self.payment_statuses:
            return False
        return (
            _within(order.created, self.created_from, self.created_to)
            and _within(order.updated, self.updated_from, self.updated_to)
            and (self.fulfillment_statuses is None or order.fulfillment_status in self.fulfillment_statuses)
            and (self.email is None or order.email == self.email)
        )


def parse_query(params: Mapping[str, str]) -> OrderQuery:
    """The ``OrderQuery`` for a request's query string, or ``WrongParameter``."""
    limit = _count(params, "limit", MAX_LIMIT)
    return OrderQuery(
        ids=_list(params.get("ids")),
        created_from=_time(params, "createdFrom"),
        created_to=_time(params, "createdTo"),
        updated_from=_time(params, "updatedFrom"),
        updated_to=_time(params, "updatedTo"),
        payment_statuses=_set(params.get("paymentStatus")),
        fulfillment_statuses=_set(params.get("fulfillmentStatus")),
        email=params["email"].strip().lower() if params.get("email") else None,
        offset=_count(params, "offset", 0),
        limit=min(limit, MAX_LIMIT),
    )


def parse_time(value: str) -> int | None:
    """Unix seconds for one of the documented time formats, or ``None``."""
    if _DIGITS.fullmatch(value):
        return int(value)
    for fmt in _FORMATS:
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
    return None


def _time(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    seconds = parse_time(value.strip())
    if seconds is None:
        raise WrongParameter(f"Wrong parameter '{name}' value: expected UNIX timestamp or date/time, got '{value}'")
    return seconds


def _count(params: Mapping[str, str], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not _DIGITS.fullmatch(value):
        raise WrongParameter(f"Wrong parameter '{name}' value: expected a non-negative number, got '{value}'")
    return int(value)


def _list(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _set(value: str | None) -> frozenset[str] | None:
    parts = _list(value)
    return frozenset(part.upper() for part in parts) if parts else None


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)
