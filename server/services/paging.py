"""Keyset pagination shared by the list queries: opaque cursors over (sort key, id)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from ..errors import InvalidInput

T = TypeVar("T")
DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
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


async def paginate(query: QuerySet[T], *, sort: str, first: int | None, after: str | None) -> Page[T]:
    """Newest first by ``sort`` then id; ``first`` (default 50) items after the ``after`` cursor."""
    first = DEFAULT_PAGE if first is None else first
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    total = await query.count()
    if after is not None:
        moment, key = decode_cursor(after)
        query = query.filter(Q(**{f"{sort}__lt": moment}) | Q(**{sort: moment, "id__lt": key}))
    rows = await query.order_by(f"-{sort}", "-id").limit(first + 1)
    items = rows[:first]
    cursors = [encode_cursor(getattr(item, sort), item.id) for item in items]  # type: ignore[attr-defined]
    return Page(items=items, cursors=cursors, has_next_page=len(rows) > first, total_count=total)
