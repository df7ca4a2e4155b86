"""``GET /v1/reporting/transactions``: query validation, the date window, filters, paging and the body.

Documented limits (reporting_transactions_v1.json and the integration guide):
``start_date``/``end_date`` required, RFC 3339 with seconds; at most 31 days
apart; the last three years only; ``page_size`` 1-500 (default 100); ``page``
from 1; at most 10,000 rows per query (else 400 ``RESULTSET_TOO_LARGE``);
``fields`` defaults to ``transaction_info``; ``balance_affecting_records_only``
defaults to ``Y``. Both dates are inclusive. Rows become visible only once the
reporting data is refreshed past them (up to 3 hours, says the integration
guide). A start after the last refresh is refused as a live account answered
(paypal/PayPal-node-SDK#452): 400 ``{"name": "INVALID_REQUEST", "message": "Data
for the given start date is not available.", "debug_id": ..., "details": [],
"links": []}``; an end after it is answered up to it, the body's ``end_date``
equal to ``last_refreshed_datetime`` (a live answer published by hackclub, 2021:
asked at ``22:47:56Z``, both ``19:59:59+0000``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import urlencode

from .errors import invalid_query, rest_error
from .formats import report_time
from .ledger import Ledger
from .rows import SECTIONS, Row

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
MAX_RANGE = timedelta(days=31)
MAX_RESULTS = 10_000
HISTORY = timedelta(days=3 * 365)
RFC3339 = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$"
)


class SearchRefused(Exception):
    """The request cannot be answered with rows; ``status`` and ``body`` are PayPal's answer."""

    def __init__(self, status: int, body: dict[str, object]) -> None:
        super().__init__(status)
        self.status, self.body = status, body


@dataclass(frozen=True, slots=True)
class SearchRequest:
    start: datetime
    end: datetime
    page: int
    page_size: int
    fields: tuple[str, ...]
    balance_only: bool
    filters: tuple[tuple[str, str], ...]
    """``(attribute of Row, wanted value)`` for transaction_id/_status/_type/_currency."""


_FILTERS = {
    "transaction_id": "transaction_id",
    "transaction_status": "status",
    "transaction_type": "event_code",
    "transaction_currency": "currency",
}


def parse_request(query: Mapping[str, str], *, now: datetime) -> SearchRequest:
    """Validate the query string; raise ``SearchRefused`` with PayPal's 400 when it is unusable."""
    start = _date(query, "start_date")
    end = _date(query, "end_date")
    if end < start:
        raise _refused("end_date", query["end_date"], "End date should be greater than start date.")
    if end - start > MAX_RANGE:
        raise _refused("end_date", query["end_date"], "Date range is greater than 31 days.")
    if start < now - HISTORY:
        raise _refused("start_date", query["start_date"], "Start date is older than 3 years.")
    requested = {f.strip() for f in query.get("fields", "transaction_info").split(",")}
    # transaction_info is always there: it is what makes a row a transaction
    fields = SECTIONS if "all" in requested else tuple(f for f in SECTIONS if f in requested or f == SECTIONS[0])
    return SearchRequest(
        start=start,
        end=end,
        page=_integer(query, "page", 1, 1, 2_147_483_647),
        page_size=_integer(query, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        fields=fields,
        balance_only=query.get("balance_affecting_records_only", "Y").upper() != "N",
        filters=tuple((attr, query[name]) for name, attr in _FILTERS.items() if query.get(name)),
    )


def answer(
    request: SearchRequest,
    ledger: Ledger,
    *,
    refreshed: datetime | None,
    now: datetime,
    zone: tzinfo,
    account_number: str,
    self_link: str,
) -> str:
    """The response body (JSON text) for a valid request.

    ``refreshed`` is when the reporting data was last refreshed; ``None``
    models no lag (everything is visible and the data counts as fresh ``now``).
    """
    if refreshed is not None and request.start > refreshed:
        body = rest_error(400, message="Data for the given start date is not available.", details=[], links=[])
        raise SearchRefused(400, body)
    end = request.end if refreshed is None else min(request.end, refreshed)
    rows: Sequence[Row] = ledger.window(request.start.timestamp(), end.timestamp(), balance_only=request.balance_only)
    if request.filters:
        rows = [r for r in rows if all(getattr(r, attr) == value for attr, value in request.filters)]
    if len(rows) > MAX_RESULTS:
        body = rest_error(
            400,
            name="RESULTSET_TOO_LARGE",
            message="Result set size is greater than the maximum limit. Change the filter criteria and try again.",
            api="transaction-search/v1",
            total_items=len(rows),
            maximum_items=MAX_RESULTS,
        )
        raise SearchRefused(400, body)
    first = (request.page - 1) * request.page_size
    page = rows[first : first + request.page_size]
    tail = {
        "account_number": account_number,
        "start_date": report_time(request.start, zone),
        "end_date": report_time(end, zone),
        "last_refreshed_datetime": report_time(refreshed or now, zone),
        "page": request.page,
        "total_items": len(rows),
        "total_pages": math.ceil(len(rows) / request.page_size),
        "links": [{"href": self_link, "rel": "self", "method": "GET"}],
    }
    details = ",".join(r.encoded(request.fields) for r in page)
    return '{"transaction_details":[' + details + "]," + json.dumps(tail, separators=(",", ":"))[1:]


def self_link(origin: str, query: Mapping[str, str], request: SearchRequest) -> str:
    """The ``self`` link: the query as sent, with the effective ``page_size`` and ``page`` last."""
    params = [(k, v) for k, v in query.items() if k not in ("page", "page_size")]
    params += [("page_size", str(request.page_size)), ("page", str(request.page))]
    return f"{origin}/v1/reporting/transactions?{urlencode(params)}"


def _date(query: Mapping[str, str], name: str) -> datetime:
    value = query.get(name)
    if not value:
        raise _refused(name, None, "A required field is missing.", issue="MISSING_REQUIRED_PARAMETER")
    try:
        if not RFC3339.match(value):
            raise ValueError(value)
        return datetime.fromisoformat(value.upper())
    except ValueError:  # also a date that does not exist, like February 30
        raise _refused(
            name,
            value,
            "The value of a field does not conform to the expected format.",
            issue="INVALID_PARAMETER_SYNTAX",
        ) from None


def _integer(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = query.get(name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise _refused(name, value, f"The value must be between {low} and {high}.")
    return int(value)


def _refused(
    field: str, value: str | None, description: str, *, issue: str = "INVALID_PARAMETER_VALUE"
) -> SearchRefused:
    return SearchRefused(400, invalid_query(field, value, issue, description))
