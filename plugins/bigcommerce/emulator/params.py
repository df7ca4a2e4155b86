"""Reading ``/v2/orders`` query parameters: filters, ``page``/``limit`` and ``sort``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal, InvalidOperation

from .formats import parse_filter_date
from .store import SORT_KEYS, OrderFilter

DEFAULT_LIMIT = 50
MAX_LIMIT = 250


class BadParameter(ValueError):
    """A parameter the API refuses: ``status`` (400, or 413 for a ``limit`` above the maximum) and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    limit: int

    def slice(self, total: int) -> slice:
        start = (self.page - 1) * self.limit
        return slice(min(start, total), min(start + self.limit, total))


def read_page(query: Mapping[str, str]) -> Page:
    """``page`` (default 1) and ``limit`` (default 50, at most 250)."""
    page = _int(query, "page") or 1
    limit = _int(query, "limit") or DEFAULT_LIMIT
    if page < 1:
        raise BadParameter(400, "The field 'page' must be a positive integer.")
    if limit < 1:
        raise BadParameter(400, "The field 'limit' must be a positive integer.")
    if limit > MAX_LIMIT:
        raise BadParameter(413, f"The field 'limit' can not be greater than {MAX_LIMIT}.")
    return Page(page, limit)


def read_sort(query: Mapping[str, str]) -> tuple[str, bool]:
    """``sort=field[:asc|:desc]``; default ``id`` ascending."""
    text = query.get("sort", "").strip()
    if not text:
        return "id", False
    name, _, direction = text.partition(":")
    if name not in SORT_KEYS or direction.lower() not in ("", "asc", "desc"):
        raise BadParameter(400, f"The field 'sort' has an invalid value: {text}")
    return name, direction.lower() == "desc"


def read_filter(query: Mapping[str, str], store_tz: tzinfo) -> OrderFilter:
    """The documented filters (unknown parameters are ignored, as the API does)."""
    return OrderFilter(
        min_id=_int(query, "min_id"),
        max_id=_int(query, "max_id"),
        min_total=_decimal(query, "min_total"),
        max_total=_decimal(query, "max_total"),
        customer_id=_int(query, "customer_id"),
        email=query.get("email") or None,
        status_id=_int(query, "status_id"),
        cart_id=query.get("cart_id") or None,
        payment_method=query.get("payment_method") or None,
        min_created=_epoch(query, "min_date_created", store_tz),
        max_created=_epoch(query, "max_date_created", store_tz),
        min_modified=_epoch(query, "min_date_modified", store_tz),
        max_modified=_epoch(query, "max_date_modified", store_tz),
        channel_id=_int(query, "channel_id"),
        external_order_id=query.get("external_order_id") or None,
        is_deleted=_bool(query, "is_deleted"),
    )


def _int(query: Mapping[str, str], name: str) -> int | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise BadParameter(400, f"The field '{name}' is invalid.") from None


def _decimal(query: Mapping[str, str], name: str) -> Decimal | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadParameter(400, f"The field '{name}' is invalid.") from None
    if not value.is_finite():
        raise BadParameter(400, f"The field '{name}' is invalid.")
    return value


def _bool(query: Mapping[str, str], name: str) -> bool | None:
    text = query.get(name, "").strip().lower()
    if not text:
        return None
    if text not in ("true", "false", "1", "0"):
        raise BadParameter(400, f"The field '{name}' is invalid.")
    return text in ("true", "1")


def _epoch(query: Mapping[str, str], name: str, store_tz: tzinfo) -> int | None:
    text = query.get(name)
    if text is None or not text.strip():
        return None
    moment = parse_filter_date(text, store_tz)
    if moment is None:
        raise BadParameter(400, f"The field '{name}' is invalid. It must be a date in RFC 2822 or ISO 8601 format.")
    # order times are whole seconds: a fractional minimum rounds up, a fractional maximum down
    seconds = moment.timestamp()
    whole = math.floor(seconds)
    return whole + 1 if whole != seconds and name.startswith("min") else whole
