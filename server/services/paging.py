"""Keyset pagination shared by the list queries: opaque cursors over (sort key, id)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from ..errors import InvalidInput

T = TypeVar("T", covariant=True)  # a Page[ImportJob] is a Page[object] to code that only reads it
M = TypeVar("M", bound=Model)
DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool
    has_previous_page: bool  # a row sorts at or before the ``after`` cursor (false without one)
    total_count: int


def parse_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def encode_cursor(moment: datetime, key: uuid.UUID) -> str:
    raw = json.dumps([moment.isoformat(), str(key)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, key = json.loads(raw)
        return datetime.fromisoformat(moment), uuid.UUID(key)
    except (ValueError, TypeError):
        raise InvalidInput("after is not a cursor this server returned", field="after") from None


async def paginate(query: QuerySet[M], *, sort: str, first: int | None, after: str | None) -> Page[M]:
    """Newest first by ``sort`` then id; ``first`` (default 50) items after the ``after`` cursor."""
    first = DEFAULT_PAGE if first is None else first
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    total = await query.count()
    before_page = False
    if after is not None:
        moment, key = decode_cursor(after)
        # Filter values are Any to Tortoise; typed as such so they cannot be taken for Q's own join_type.
        earlier: dict[str, Any] = {f"{sort}__lt": moment}
        same_moment: dict[str, Any] = {sort: moment, "id__lt": key}
        newer: dict[str, Any] = {f"{sort}__gt": moment}
        same_or_newer: dict[str, Any] = {sort: moment, "id__gte": key}
        before_page = await query.filter(Q(**newer) | Q(**same_or_newer)).exists()  # one indexed EXISTS
        query = query.filter(Q(**earlier) | Q(**same_moment))
    rows = await query.order_by(f"-{sort}", "-id").limit(first + 1)
    items = rows[:first]
    cursors = [encode_cursor(getattr(item, sort), item.pk) for item in items]
    return Page(
        items=items,
        cursors=cursors,
        has_next_page=len(rows) > first,
        has_previous_page=before_page,
        total_count=total,
    )
