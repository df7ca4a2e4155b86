"""Transaction Search (``GET /v1/reporting/transactions``): the query and what a page of rows means.

PayPal has no order list. Its reporting API lists *transactions* created in a
range of at most 31 days, ``page_size`` rows at a time (500 at most), with
``page`` and ``total_pages``. A checkout order shows up there as the payment
captured for it: a row with event code T0006 ("PayPal Checkout APIs"), or
T0003 (pre-approved payment: a vaulted or billing-agreement source) or T0005
(direct card payment), credited to the seller. Refunds (T11xx), fees, holds,
transfers and the seller's own purchases (the same codes, debited) are not
orders. A row holds no Orders v2 id: the capture it names leads to its order.

Row times are "in the time zone of the account" although written with an
offset (``2014-07-11T04:03:52+0000``), so they are not trusted for anything:
the query is sent in UTC and each order is placed by its own ``create_time``.

Reporting lags: "it takes a maximum of three hours for executed transactions
to appear". An answer says how far it reaches in ``last_refreshed_datetime``
("the date and time when the data was last refreshed"); a search whose
``start_date`` is past that is refused with HTTP 400 ``INVALID_REQUEST``, "Data
for the given start date is not available.", instead of an empty page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from server.platforms import PlatformBadResponse

from .mapping import read

__all__ = [
    "MAX_RANGE",
    "ORDER_EVENT_CODES",
    "PAGE_SIZE",
    "checkout_payment_id",
    "not_reported_yet",
    "ranges",
    "read_page",
    "refreshed_at",
    "rfc3339",
    "search_params",
]

PAGE_SIZE = 500
"""``page_size`` sent on every search: the most a page holds."""
MAX_RANGE = timedelta(days=31)
"""The longest range one search may cover."""
ORDER_EVENT_CODES = frozenset({"T0003", "T0005", "T0006"})
"""Event codes of payments that a checkout order can have produced."""

_TRANSACTION_ID = re.compile(r"[A-Za-z0-9]{1,24}")
_DECIMAL = re.compile(r"-?[0-9]+|-?[0-9]*\.[0-9]+")  # the pattern of PayPal's money value
_NOT_AVAILABLE = re.compile(r"\bstart date\b.*\bnot available\b", re.IGNORECASE)


def search_params(start: datetime, end: datetime, page: int) -> dict[str, str]:
    """The query for one page of ``[start, end]``, widened to whole seconds in UTC (RFC 3339, seconds required)."""
    return {
        "start_date": rfc3339(start),
        "end_date": rfc3339(end, round_up=True),
        "fields": "all",
        "page_size": str(PAGE_SIZE),
        "page": str(page),
    }


def ranges(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """``[start, end]`` in consecutive ranges no longer than ``MAX_RANGE``."""
    while end - start > MAX_RANGE:
        yield start, start + MAX_RANGE
        start += MAX_RANGE
    yield start, end


def read_page(body: Any) -> tuple[list[Mapping[str, Any]], int]:
    """The ``transaction_info`` of each row of a search answer, and its ``total_pages``.

    An empty result may leave out ``transaction_details`` altogether.
    """
    if not isinstance(body, Mapping):
        raise PlatformBadResponse("PayPal answered the transaction search with JSON that is not an object")
    pages = read.integer(body.get("total_pages"), "total_pages", minimum=0)
    infos = []
    for row in read.list(body.get("transaction_details", []), "transaction_details"):
        row = read.obj(row, "transaction_details[]")
        info = read.obj(row.get("transaction_info"), "transaction_details[].transaction_info")
        transaction_id = info.get("transaction_id")
        if not isinstance(transaction_id, str) or not _TRANSACTION_ID.fullmatch(transaction_id):
            raise PlatformBadResponse("PayPal field 'transaction_info.transaction_id' is not a transaction id")
        infos.append(info)
    return infos, pages


def refreshed_at(body: Mapping[str, Any]) -> datetime | None:
    """``last_refreshed_datetime`` of a search answer: the rows reach no further. ``None`` when left out."""
    value = body.get("last_refreshed_datetime")
    return None if value is None else read.time(value, "last_refreshed_datetime")


def not_reported_yet(error: Any) -> bool:
    """Whether an HTTP 400 body is PayPal's "Data for the given start date is not available." """
    message = error.get("message") if isinstance(error, Mapping) else None
    return isinstance(message, str) and _NOT_AVAILABLE.search(message) is not None


def checkout_payment_id(info: Mapping[str, Any]) -> str | None:
    """The transaction id of a checkout payment received by the seller, or ``None`` for any other row."""
    code = info.get("transaction_event_code")
    if not isinstance(code, str) or code not in ORDER_EVENT_CODES:
        return None
    amount = info.get("transaction_amount")
    value = amount.get("value") if isinstance(amount, Mapping) else None
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise PlatformBadResponse("PayPal field 'transaction_info.transaction_amount.value' is not a decimal string")
    return str(info["transaction_id"]) if Decimal(value) > 0 else None


def rfc3339(moment: datetime, *, round_up: bool = False) -> str:
    """In UTC, to the second; ``round_up`` keeps an inclusive upper bound inclusive."""
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
