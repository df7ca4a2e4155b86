"""The audit trail: who did what, when. Append-only.

Each entry is written by the code that makes the change it records, with ``entry`` and ``record`` (or, for
the many entries of an import's page, ``values`` and ``record_values``), in that change's database
transaction: an entry exists exactly when its change committed. The database
refuses to update or delete an entry (see the migration that made the table).

Actors: ``token:<token name>`` for a person's API token, ``schedule`` for automatic recovery,
``webhook:<platform>`` for a platform's webhook, ``cli`` for an operator's command line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from ..models import ApiToken, AuditAction, AuditEvent, Seller
from . import inserts
from .paging import Page, paginate, parse_id

CLI = "cli"
SCHEDULE = "schedule"
UNKNOWN = "unknown"  # a change made before actors were kept
NO_ID = UUID(int=0)


def token_actor(token: ApiToken | None) -> str:
    """The actor of a request authenticated with ``token``."""
    return f"token:{token.name}" if token is not None else UNKNOWN


def webhook_actor(platform: str) -> str:
    return f"webhook:{platform}"


def entry(
    action: AuditAction,
    *,
    seller_id: UUID,
    actor: str,
    at: datetime,
    store_id: UUID | None = None,
    imported_order_id: UUID | None = None,
    job_id: UUID | None = None,
    **detail: Any,
) -> AuditEvent:
    """One audit entry, not yet written; ``detail`` holds JSON values under camelCase keys."""
    return AuditEvent(
        seller_id=seller_id,
        actor=actor,
        action=action,
        at=at,
        store_id=store_id,
        imported_order_id=imported_order_id,
        job_id=job_id,
        detail=detail,
    )


async def record(conn: BaseDBAsyncClient, entries: Sequence[AuditEvent]) -> None:
    """Write ``entries`` in ``conn``'s transaction, with one query."""
    if entries:
        await AuditEvent.bulk_create(entries, using_db=conn)


_COLUMNS = ("id", "seller_id", "actor", "action", "at", "store_id", "imported_order_id", "job_id", "detail")


def values(
    action: AuditAction,
    *,
    seller_id: UUID,
    actor: str,
    at: datetime,
    store_id: UUID | None = None,
    imported_order_id: UUID | None = None,
    job_id: UUID | None = None,
    **detail: Any,
) -> tuple[Any, ...]:
    """The entry ``entry`` makes of the same arguments, as the plain values ``record_values`` writes."""
    return (
        str(uuid.uuid4()),
        str(seller_id),
        actor,
        action.value,
        at,
        None if store_id is None else str(store_id),
        None if imported_order_id is None else str(imported_order_id),
        None if job_id is None else str(job_id),
        inserts.json_text(detail),
    )


async def record_values(conn: BaseDBAsyncClient, entries: Sequence[tuple[Any, ...]]) -> None:
    """Write the ``values`` of many entries in ``conn``'s transaction, with one ``executemany``."""
    await inserts.insert_many(conn, AuditEvent._meta.db_table, _COLUMNS, entries)


async def log(
    seller: Seller, *, store_id: str | None, imported_order_id: str | None, first: int | None, after: str | None
) -> Page[AuditEvent]:
    """The seller's entries, newest first, optionally those of one store or one imported order."""
    query = AuditEvent.filter(seller_id=seller.id)
    # An id that is not one matches nothing (never the entries that have no store or order).
    if store_id is not None:
        query = query.filter(store_id=parse_id(store_id) or NO_ID)
    if imported_order_id is not None:
        query = query.filter(imported_order_id=parse_id(imported_order_id) or NO_ID)
    return await paginate(query, sort="at", first=first, after=after)
