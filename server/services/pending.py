"""The pending list and the seller's decisions: accept (into the Transaction List) or cancel.

A decision is one conditional UPDATE ... WHERE status = 'PENDING': of two racing
decisions exactly one changes the row, the other gets ``AlreadyDecided``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from ..errors import AlreadyDecided, InvalidInput, NotFound
from ..events import pending_channel
from ..models import ImportedOrder, ImportJob, ImportStatus, Seller, Transaction, TransactionSource
from ..runtime import Runtime
from .paging import Page, paginate, parse_id
from .records import order_of
from .transactions import record_transaction, transaction_columns

MAX_REASON = 1000


async def list_pending(
    seller: Seller, *, platform: str | None, store_id: str | None, first: int | None, after: str | None
) -> Page[ImportedOrder]:
    query = ImportedOrder.filter(seller_id=seller.id, status=ImportStatus.PENDING)
    if platform is not None:
        query = query.filter(platform=platform)
    if store_id is not None:
        query = query.filter(store_id=parse_id(store_id))
    return await paginate(query, sort="placed_at", first=first, after=after)


async def get_imported_order(seller: Seller, order_id: str) -> ImportedOrder | None:
    key = parse_id(order_id)
    return await ImportedOrder.filter(id=key, seller_id=seller.id).first() if key else None


async def get_job(seller: Seller, job_id: str) -> ImportJob | None:
    key = parse_id(job_id)
    return await ImportJob.filter(id=key, seller_id=seller.id).first() if key else None


async def _undecided(seller: Seller, key: object, order_id: str) -> Exception:
    """Why a conditional update changed nothing: someone decided first (the order as it now is), or no such order."""
    row = await ImportedOrder.filter(id=key, seller_id=seller.id).first() if key is not None else None
    if row is not None:
        return AlreadyDecided("this order was accepted or canceled already", order=row, field="id")
    return NotFound(f"no imported order with id {order_id!r}", field="id")


async def accept_import(rt: Runtime, seller: Seller, order_id: str) -> tuple[ImportedOrder, Transaction]:
    key = parse_id(order_id)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        changed = key is not None and await ImportedOrder.filter(
            id=key, seller_id=seller.id, status=ImportStatus.PENDING
        ).using_db(conn).update(status=ImportStatus.ACCEPTED, decided_at=now)
        if not changed:
            raise await _undecided(seller, key, order_id)
        row = await ImportedOrder.get(id=key).using_db(conn)
        transaction = await record_transaction(
            conn,
            seller_id=row.seller_id,
            store_id=row.store_id,
            platform=row.platform,
            source=TransactionSource.IMPORT,
            **transaction_columns(row),
        )
        await ImportedOrder.filter(id=key).using_db(conn).update(transaction_id=transaction.id)
        row.transaction_id = transaction.id
    await rt.broker.publish(pending_channel(seller.id), pending_event("REMOVED", row))
    await rt.notify(
        "order_accepted",
        platform=row.platform,
        store_id=str(row.store_id),
        order=order_of(row),
        transaction_id=str(transaction.id),
    )
    return row, transaction


async def cancel_import(rt: Runtime, seller: Seller, order_id: str, reason: str | None) -> ImportedOrder:
    if reason is not None:
        reason = reason.strip() or None
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidInput(f"reason is longer than {MAX_REASON} characters", field="reason")
    key = parse_id(order_id)
    changed = key is not None and await ImportedOrder.filter(
        id=key, seller_id=seller.id, status=ImportStatus.PENDING
    ).update(status=ImportStatus.CANCELED, decided_at=datetime.now(UTC), cancel_reason=reason)
    if not changed:
        raise await _undecided(seller, key, order_id)
    row = await ImportedOrder.get(id=key)
    await announce_canceled(rt, row)
    return row


async def cancel_pending_of_store(conn: BaseDBAsyncClient, store_id: uuid.UUID, reason: str) -> list[ImportedOrder]:
    """Cancel every pending order of the store, inside ``conn``'s transaction; announce the rows after commit."""
    rows = await ImportedOrder.filter(store_id=store_id, status=ImportStatus.PENDING).select_for_update().using_db(conn)
    if rows:
        now = datetime.now(UTC)
        await (
            ImportedOrder.filter(id__in=[row.id for row in rows])
            .using_db(conn)
            .update(status=ImportStatus.CANCELED, decided_at=now, cancel_reason=reason)
        )
        for row in rows:
            row.status, row.decided_at, row.cancel_reason = ImportStatus.CANCELED, now, reason
    return rows


async def announce_canceled(rt: Runtime, row: ImportedOrder) -> None:
    """A canceled order leaves the pending list: its subscribers and the plugins hear of it."""
    await rt.broker.publish(pending_channel(row.seller_id), pending_event("REMOVED", row))
    await rt.notify(
        "order_canceled",
        platform=row.platform,
        store_id=str(row.store_id),
        order=order_of(row),
        reason=row.cancel_reason,
    )


def pending_event(change: str, row: ImportedOrder) -> dict[str, str]:
    return {
        "change": change,
        "id": str(row.id),
        "status": row.status.value,
        "store": str(row.store_id),
        "platform": row.platform,
    }
