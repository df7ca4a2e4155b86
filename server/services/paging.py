"""Keyset pagination shared by the list queries: opaque cursors over (sort key, id), newest first.

``list_rows`` reads a page of one table with one SQL query on the index of its filter and sort key, only
the columns asked for, into light ``Row`` objects. The page's ``count`` and ``previous`` are queries run
only when called (when a client asks for ``totalCount`` or ``hasPreviousPage``). ``paginate`` does the
same over a Tortoise query set, for the lists that are not read in bulk.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from tortoise import connections
from tortoise import fields as orm
from tortoise.expressions import Q
from tortoise.fields.data import CharEnumFieldInstance
from tortoise.models import Model
from tortoise.queryset import QuerySet

from ..errors import InvalidInput
from ..models import DecimalText, Row

T = TypeVar("T", covariant=True)  # a Page[ImportJob] is a Page[object] to code that only reads it
M = TypeVar("M", bound=Model)
DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool
    previous: Callable[[], Awaitable[bool]]  # a row sorts at or before the ``after`` cursor (false without one)
    count: Callable[[], Awaitable[int]]  # how many rows the whole list holds


def parse_id(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def encode_cursor(moment: datetime, key: uuid.UUID) -> str:
    raw = f'["{moment.isoformat()}", "{key}"]'  # json.dumps of the pair: neither holds a character to escape
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, key = json.loads(raw)
        return datetime.fromisoformat(moment), uuid.UUID(key)
    except (ValueError, TypeError):
        raise InvalidInput("after is not a cursor this server returned", field="after") from None


def page_size(first: int | None) -> int:
    first = DEFAULT_PAGE if first is None else first
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    return first


async def nothing_before() -> bool:
    """``Page.previous`` of a first page."""
    return False


async def paginate(query: QuerySet[M], *, sort: str, first: int | None, after: str | None) -> Page[M]:
    """Newest first by ``sort`` then id; ``first`` (default 50) items after the ``after`` cursor."""
    first = page_size(first)
    whole = query
    previous = nothing_before
    if after is not None:
        moment, key = decode_cursor(after)
        # Filter values are Any to Tortoise; typed as such so they cannot be taken for Q's own join_type.
        earlier: dict[str, Any] = {f"{sort}__lt": moment}
        same_moment: dict[str, Any] = {sort: moment, "id__lt": key}
        newer: dict[str, Any] = {f"{sort}__gt": moment}
        same_or_newer: dict[str, Any] = {sort: moment, "id__gte": key}
        before = query.filter(Q(**newer) | Q(**same_or_newer))

        async def previous() -> bool:
            return await before.exists()  # one indexed EXISTS

        query = query.filter(Q(**earlier) | Q(**same_moment))
    rows = await query.order_by(f"-{sort}", "-id").limit(first + 1)
    items = rows[:first]

    async def count() -> int:
        return await whole.count()

    return Page(
        items=items,
        cursors=[encode_cursor(getattr(item, sort), item.pk) for item in items],
        has_next_page=len(rows) > first,
        previous=previous,
        count=count,
    )


# --- lists read with one SQL query --------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """The rows of ``model``'s table matching every condition of ``where``, newest ``sort`` first, then id.

    Each condition is SQL with a ``?`` per value, and its values, e.g. ``('"seller_id" = ?', (seller_id,))``.
    Values are given as the database takes them: ids as ``str``, aware datetimes, enums by value.
    """

    model: type[Model]
    sort: str
    where: Sequence[tuple[str, Sequence[Any]]] = field(default_factory=list)


def store_condition(store_id: str) -> tuple[str, tuple[str, ...]]:
    """``"store_id" = ?`` for a store id as given; one that is not an id matches nothing."""
    key = parse_id(store_id)
    return ('"store_id" = ?', (str(key),)) if key else ("1 = 0", ())


def _text_time(value: Any) -> datetime | None:
    """A DatetimeField's value: SQLite gives the text it stored (always with its offset), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _uuid(value: Any) -> uuid.UUID | None:
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _converter(model_field: orm.Field[Any]) -> Callable[[Any], Any] | None:
    """How a column's value as the driver gives it becomes the field's Python value; None: as it is."""
    if isinstance(model_field, orm.DatetimeField):
        return _text_time
    if isinstance(model_field, orm.UUIDField):
        return _uuid
    if isinstance(model_field, DecimalText):
        return lambda value: None if value is None else Decimal(value)
    if isinstance(model_field, orm.BooleanField):
        return lambda value: None if value is None else bool(value)
    if isinstance(model_field, (orm.JSONField, CharEnumFieldInstance)):
        return model_field.to_python_value
    return None


_CONVERTERS: dict[type[Model], Mapping[str, Callable[[Any], Any] | None]] = {}


def _converters(model: type[Model]) -> Mapping[str, Callable[[Any], Any] | None]:
    found = _CONVERTERS.get(model)
    if found is None:
        meta = model._meta
        found = _CONVERTERS[model] = {name: _converter(meta.fields_map[name]) for name in meta.fields_db_projection}
    return found


def _sql(text: str, dialect: str) -> str:
    """``text``'s ``?`` placeholders as the dialect writes them (no identifier or literal here holds a ``?``)."""
    if dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


async def list_rows(
    listing: Listing, *, first: int | None, after: str | None, unread: Collection[str] = ()
) -> Page[Row]:
    """A page of ``listing``: ``first`` (default 50) rows after the ``after`` cursor, each a ``Row`` of every
    column but the ``unread`` ones, which are None."""
    first = page_size(first)
    db = connections.get("default")
    dialect = db.capabilities.dialect
    table = listing.model._meta.db_table
    sort = f'"{listing.sort}"'
    conditions = [condition for condition, _ in listing.where]
    values = [value for _, given in listing.where for value in given]
    whole = " AND ".join(conditions) or "1 = 1"
    previous = nothing_before
    page_conditions, page_values = whole, values
    if after is not None:
        moment, key = decode_cursor(after)
        # The sort key bounds the index range; the id only breaks ties at the cursor's moment.
        page_conditions = f'{whole} AND {sort} <= ? AND ({sort} < ? OR "id" < ?)'
        page_values = [*values, moment, moment, str(key)]
        before = f'SELECT 1 FROM "{table}" WHERE {whole} AND {sort} >= ? AND ({sort} > ? OR "id" >= ?) LIMIT 1'
        before_values = [*values, moment, moment, str(key)]

        async def previous() -> bool:
            return bool(await db.execute_query_dict(_sql(before, dialect), before_values))

    converters = _converters(listing.model)
    read = [name for name in converters if name not in unread]
    converted = [(name, convert) for name in read if (convert := converters[name]) is not None]
    select = ", ".join(f'"{column}"' for column in read)
    query = f'SELECT {select} FROM "{table}" WHERE {page_conditions} ORDER BY {sort} DESC, "id" DESC LIMIT {first + 1}'
    found = await db.execute_query_dict(_sql(query, dialect), page_values)
    nones = dict.fromkeys(unread)
    items = []
    for record in found[:first]:
        for name, convert in converted:
            if (value := record[name]) is not None:
                record[name] = convert(value)
        items.append(Row(**record, **nones))

    async def count() -> int:
        counted = f'SELECT COUNT(*) AS "n" FROM "{table}" WHERE {whole}'
        [answer] = await db.execute_query_dict(_sql(counted, dialect), values)
        return int(answer["n"])

    return Page(
        items=items,
        cursors=[encode_cursor(getattr(item, listing.sort), item.id) for item in items],
        has_next_page=len(found) > first,
        previous=previous,
        count=count,
    )
