"""``getOrders`` query parameters, read as eBay documents them, or the documented 400 answer.

``filter`` is comma-separated criteria: ``creationdate:[start..end]`` or
``creationdate:[start..]`` (UTC ``YYYY-MM-DDTHH:MM:SS(.sss)Z``, both ends
inclusive), ``lastmodifieddate:[...]`` (ignored when ``creationdate`` is
present) and ``orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}`` or
``{FULFILLED|IN_PROGRESS}``; ``[ ] { } |`` must arrive percent-encoded. Without
a date criterion the window is the last 90 days; no start may lie more than the
history limit (two years) back, and no date in the future. ``limit`` is 1-200
(default 50), ``offset`` 0 or more; ``orderIds`` takes at most 50 ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import request_error
from .orders import millis

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_ORDER_IDS = 50
DEFAULT_WINDOW = timedelta(days=90)
FULFILLMENT_FILTERS = (frozenset({"NOT_STARTED", "IN_PROGRESS"}), frozenset({"FULFILLED", "IN_PROGRESS"}))
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z")
_RANGE = re.compile(r"\[(?P<start>[^\[\]]*)\.\.(?P<end>[^\[\]]*)\]")
_STATUSES = re.compile(r"\{(?P<values>[A-Z_|]+)\}")
_MUST_ENCODE = frozenset("[]{}|")
_NUMBER = re.compile(r"[0-9]+")
_OPEN_END = 2**62


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What one ``getOrders`` page asks for; times are epoch ms, ``end`` inclusive."""

    start: int
    end: int
    modified: tuple[int, int] | None
    statuses: frozenset[str] | None
    limit: int
    offset: int


def parse_list_query(
    params: Mapping[str, str], raw_filter: str | None, *, now: datetime, history: timedelta
) -> ListQuery:
    """Read ``filter``, ``limit`` and ``offset``; raise ``EbayError`` as eBay would refuse them."""
    text = params.get("filter")
    if raw_filter and _MUST_ENCODE & set(raw_filter):
        raise request_error(30800, f"Invalid filter value {text} for filter filter")
    criteria = _criteria(text or "")
    statuses = None
    if "orderfulfillmentstatus" in criteria:
        statuses = _statuses(criteria["orderfulfillmentstatus"])
    if "creationdate" in criteria:
        start, end = _range("creationdate", criteria["creationdate"], now)
        modified = None
    else:
        modified = (
            _range("lastmodifieddate", criteria["lastmodifieddate"], now) if "lastmodifieddate" in criteria else None
        )
        start, end = millis(now - (history if modified else DEFAULT_WINDOW)), millis(now)
    if start < millis(now - history):
        raise request_error(
            30830, f"Time range between start date and end date must be within '{history.days // 365}' years."
        )
    return ListQuery(start, end, modified, statuses, _limit(params.get("limit")), _offset(params.get("offset")))


def parse_order_ids(value: str) -> list[str]:
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if len(ids) > MAX_ORDER_IDS:
        raise request_error(30900, f"Exceeded maximum number of order IDs (the current limit is {MAX_ORDER_IDS})")
    return ids


def tax_breakdown(value: str | None) -> bool:
    """``fieldGroups``: absent, or ``TAX_BREAKDOWN`` (the only supported value)."""
    if value is None:
        return False
    if value != "TAX_BREAKDOWN":
        raise request_error(32800, f"Invalid field group: {value}")
    return True


def _criteria(text: str) -> dict[str, str]:
    criteria: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition(":")
        if name not in ("creationdate", "lastmodifieddate", "orderfulfillmentstatus"):
            raise request_error(30700, f"Invalid filter name: {name}")
        criteria[name] = value
    return criteria


def _range(name: str, value: str, now: datetime) -> tuple[int, int]:
    match = _RANGE.fullmatch(value)
    if match is None:
        raise request_error(30800, f"Invalid filter value {value} for filter {name}")
    if not match["start"]:
        raise request_error(30820, "Start date is missing")
    start = _time(match["start"])
    end = _time(match["end"]) if match["end"] else None
    if end is not None and start > end:
        raise request_error(30840, "Start date should be before end date")
    if start > now or (end is not None and end > now):
        raise request_error(30850, "Start and end dates can't be in the future")
    return millis(start), millis(end) if end is not None else _OPEN_END


def _time(text: str) -> datetime:
    if not _TIME.fullmatch(text):
        raise request_error(30810, "Invalid date format")
    try:
        return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)
    except ValueError as exc:
        raise request_error(30810, "Invalid date format") from exc


def _statuses(value: str) -> frozenset[str]:
    match = _STATUSES.fullmatch(value)
    statuses = frozenset(match["values"].split("|")) if match else frozenset()
    if statuses not in FULFILLMENT_FILTERS:
        raise request_error(30800, f"Invalid filter value {value} for filter orderfulfillmentstatus")
    return statuses


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= MAX_LIMIT:
        raise request_error(31100, f"Invalid limit: {value}")
    return int(value)


def _offset(value: str | None) -> int:
    if value is None:
        return 0
    if not _NUMBER.fullmatch(value):
        raise request_error(31000, f"Invalid offset: {value}")
    return int(value)
