"""The pending list and the seller's decisions: accept (into the Transaction List) or cancel.

A decision is one conditional UPDATE ... WHERE status = 'PENDING': of two racing
decisions exactly one changes the row, the other gets ``AlreadyDecided``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from ..errors import AlreadyDecided, InvalidInput, NotFound
from ..events import pending_channel
from ..models import ImportedOrder, ImportJob, ImportStatus, Seller, Transaction, TransactionSource
from ..runtime import Runtime
from .imports import pending_event
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
    """Why a conditional update changed nothing: someone decided first, or there is no such order."""
    if key is not None and await ImportedOrder.exists(id=key, seller_id=seller.id):
        return AlreadyDecided("this order was accepted or canceled already", field="id")
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
    await rt.broker.publish(pending_channel(seller.id), pending_event("REMOVED", row))
    await rt.notify(
        "order_canceled", platform=row.platform, store_id=str(row.store_id), order=order_of(row), reason=reason
    )
    return row
