"""The one owner of an imported order's life: every change of an ImportedOrder's status is made here.

add (an import stored it), restore (an import by id of a canceled order), update (an import by id of a
pending order the platform changed), accept, cancel (by the seller, or by disconnecting its store) and
resolve (a webhook put the order in the Transaction List). Every path has the same side effects, in the
same order: the database change, with its audit entry (see ``audit``) naming the actor, in one database
transaction; then, after the commit, the typed event on the seller's pending list and the plugin hook.
The database part returns an ``Aftermath`` that the caller announces once its transaction committed.

A decision is one conditional UPDATE ... WHERE status = 'PENDING': of two racing decisions exactly one
changes the row; the other gets ``AlreadyDecided``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from ..errors import AlreadyDecided, DomainError, InvalidInput, NotFound, OrderChanged, PaymentNotCaptured, TestOrder
from ..events import Change, PendingChange, announce
from ..models import (
    AuditAction,
    AuditEvent,
    ImportedOrder,
    ImportJob,
    ImportStatus,
    Seller,
    Settlement,
    Store,
    Transaction,
    TransactionSource,
)
from ..platforms import ConnectorError, Order, PaymentStatus, PlatformConnector
from ..runtime import Runtime
from . import audit, inserts, stores
from .paging import parse_id
from .records import IMPORTED_VALUES, imported_columns, imported_values, order_of, transaction_columns
from .transactions import record_transaction, record_transactions

MAX_REASON = 1000


@dataclass
class Aftermath:
    """What to announce once the change committed: pending-list events, then plugin hooks, in order."""

    events: list[PendingChange] = field(default_factory=list)
    hooks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def changed(self, change: Change, row: ImportedOrder) -> None:
        self.events.append(
            PendingChange(change, str(row.id), row.status.value, str(row.seller_id), str(row.store_id), row.platform)
        )

    def hook(self, name: str, **kwargs: Any) -> None:
        self.hooks.append((name, kwargs))

    async def announce(self, rt: Runtime) -> None:
        await announce(rt.broker, *self.events)
        for name, kwargs in self.hooks:
            await rt.notify(name, **kwargs)


# --- imports -------------------------------------------------------------------------------------

# An imported order's columns as ``add`` inserts it: the page's own, then the order's (``imported_values``).
_ADDED = ("id", "seller_id", "store_id", "job_id", "platform", "status", "imported_at", "checked_at", *IMPORTED_VALUES)


@dataclass
class Added:
    """The orders an import made pending, each order id with its row's id: new to the store, or restored."""

    imported: dict[str, uuid.UUID] = field(default_factory=dict)
    restored: dict[str, uuid.UUID] = field(default_factory=dict)

    def pending(self) -> dict[str, uuid.UUID]:
        return self.imported | self.restored


async def add(
    conn: BaseDBAsyncClient,
    job: ImportJob,
    store: Store,
    orders: Mapping[str, Order],
    *,
    by_id: bool,
    now: datetime,
) -> tuple[Added, Aftermath]:
    """Store the ``orders`` the store does not know yet as PENDING, inside ``conn``'s transaction.

    ``orders`` is keyed by order id and holds none already in the Transaction List. The new ones are
    inserted with one statement that skips those the store has (its unique order ids decide), from plain
    values; with ``by_id`` (the seller asked for that order), a CANCELED one is restored and a PENDING one
    whose platform copy changed is updated. Returns what this job made pending, with their ADDED events,
    ``order_pending`` hooks and audit entries (written here) to announce after the commit.
    """
    after = Aftermath()
    added = Added()
    if not orders:
        return added, after
    ids = {order_id: uuid.uuid4() for order_id in orders}
    seller_id, store_id, job_id = str(job.seller_id), str(store.id), str(job.id)
    page = (seller_id, store_id, job_id, store.platform, ImportStatus.PENDING.value, now, now)
    inserted = await inserts.insert_new(
        conn,
        ImportedOrder._meta.db_table,
        _ADDED,
        [(str(ids[order_id]), *page, *imported_values(order)) for order_id, order in orders.items()],
        unique=("store_id", "order_id"),
        returning="order_id",
    )
    added.imported = {order_id: ids[order_id] for order_id in inserted}
    if by_id:
        restored: list[str] = []
        for order_id, order in orders.items():
            if order_id in added.imported:
                continue
            known = ImportedOrder.filter(store_id=store.id, order_id=order_id).using_db(conn)
            if await known.filter(status=ImportStatus.CANCELED).update(
                status=ImportStatus.PENDING,
                job_id=job.id,
                imported_at=now,
                checked_at=now,
                decided_at=None,
                decided_by=None,
                cancel_reason=None,
                **imported_columns(order),
            ):
                restored.append(order_id)
            else:
                await _update_pending(conn, store, order, after, now, actor=job.started_by, job_id=job.id)
        if restored:
            found = ImportedOrder.filter(store_id=store.id, order_id__in=restored).using_db(conn)
            added.restored = dict(await found.values_list("order_id", "id"))
    entries = []
    for order_id, row_id in added.pending().items():
        after.events.append(
            PendingChange(Change.ADDED, str(row_id), ImportStatus.PENDING.value, seller_id, store_id, store.platform)
        )
        after.hook("order_pending", platform=store.platform, store_id=store_id, order=orders[order_id])
        action = AuditAction.ORDER_RESTORED if order_id in added.restored else AuditAction.ORDER_IMPORTED
        entries.append(
            audit.values(
                action,
                seller_id=job.seller_id,
                actor=job.started_by,
                at=now,
                store_id=store.id,
                imported_order_id=row_id,
                job_id=job.id,
            )
        )
    await audit.record_values(conn, entries)
    return added, after


_COMPARED = (
    "order_number",
    "placed_at",
    "total",
    "payment_status",
    "platform_status",
    "canceled",
    "test_order",
    "buyer",
    "line_items",
)


def _same(kept: Order, fetched: Order) -> bool:
    """Whether the platform's order still says what the stored copy does (its raw payload aside: one platform
    answers a lookup and a listing with payloads of different shapes for the same order)."""
    return all(getattr(kept, name) == getattr(fetched, name) for name in _COMPARED)


async def _update_pending(
    conn: BaseDBAsyncClient,
    store: Store,
    order: Order,
    after: Aftermath,
    now: datetime,
    *,
    actor: str,
    job_id: uuid.UUID | None = None,
) -> bool:
    """A pending order read again from its platform: dated, and its stored copy follows the platform's (UPDATED,
    audited as ORDER_CHANGED by ``actor``) when what it says changed. Whether it changed."""
    pending = ImportedOrder.filter(store_id=store.id, order_id=order.order_id, status=ImportStatus.PENDING)
    row = await pending.using_db(conn).first()
    if row is None:
        return False
    same = _same(order_of(row), order)
    columns: dict[str, Any] = {"checked_at": now} | ({} if same else imported_columns(order))
    if not await ImportedOrder.filter(id=row.id, status=ImportStatus.PENDING).using_db(conn).update(**columns):
        return False
    if not same:
        was = _payment(row)
        row.update_from_dict(columns)
        after.changed(Change.UPDATED, row)
        changed = _entry(AuditAction.ORDER_CHANGED, row, actor=actor, at=now, job_id=job_id, was=was, **_payment(row))
        await audit.record(conn, [changed])
    return not same


def _payment(row: ImportedOrder) -> dict[str, Any]:
    """What the payment guard reads of ``row``, as an audit entry's detail."""
    return {
        "paymentStatus": row.payment_status,
        "platformStatus": row.platform_status,
        "canceled": row.canceled,
        "testOrder": row.test_order,
    }


def _entry(
    action: AuditAction,
    row: ImportedOrder,
    *,
    actor: str,
    at: datetime,
    job_id: uuid.UUID | None = None,
    **detail: Any,
) -> AuditEvent:
    """An audit entry about the imported order ``row``."""
    return audit.entry(
        action,
        seller_id=row.seller_id,
        actor=actor,
        at=at,
        store_id=row.store_id,
        imported_order_id=row.id,
        job_id=job_id,
        **detail,
    )


# --- decisions -----------------------------------------------------------------------------------


async def accept(
    rt: Runtime, seller: Seller, order_id: str, *, actor: str, force: bool = False
) -> tuple[ImportedOrder, Transaction]:
    """PENDING → ACCEPTED, with its Transaction List row (the existing one when a webhook listed it first).

    The payment guard: an order read from its platform longer than ``recheck_seconds`` ago is read again
    first (``OrderChanged`` when it turned out canceled, refunded or gone); then an order whose payment is
    not captured, that the platform canceled, or that is a test order is refused (``PaymentNotCaptured``,
    ``TestOrder``) unless ``force`` (audited as FORCED_ACCEPT). The guard judges the row as the decision
    finds it, in its transaction.
    """
    result = (await accept_many(rt, seller, [order_id], actor=actor, force=force))[order_id]
    if isinstance(result, Exception):
        raise result
    return result


async def cancel(rt: Runtime, seller: Seller, order_id: str, reason: str | None, *, actor: str) -> ImportedOrder:
    """PENDING → CANCELED, with the seller's optional reason; nothing enters the Transaction List."""
    if reason is not None:
        reason = reason.strip() or None
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidInput(f"reason is longer than {MAX_REASON} characters", field="reason")
    now = datetime.now(UTC)
    after = Aftermath()
    async with in_transaction() as conn:
        decision = {"decided_at": now, "decided_by": actor, "cancel_reason": reason}
        row = await _decide(conn, seller, order_id, status=ImportStatus.CANCELED, **decision)
        canceled = _entry(AuditAction.CANCELED, row, actor=actor, at=now, reason=reason)
        await _settled_many(conn, [(row, None, canceled)], Settlement.SELLER, after=after)
    await after.announce(rt)
    return row


async def cancel_store_pending(conn: BaseDBAsyncClient, store_id: uuid.UUID, reason: str, *, actor: str) -> Aftermath:
    """Cancel every pending order of a store being disconnected (by ``actor``), inside ``conn``'s transaction."""
    after = Aftermath()
    rows = await ImportedOrder.filter(store_id=store_id, status=ImportStatus.PENDING).select_for_update().using_db(conn)
    if rows:
        now = datetime.now(UTC)
        decision = {"decided_at": now, "decided_by": actor, "cancel_reason": reason}
        await (
            ImportedOrder.filter(id__in=[row.id for row in rows], status=ImportStatus.PENDING)
            .using_db(conn)
            .update(status=ImportStatus.CANCELED, **decision)
        )
        decided = []
        for row in rows:
            row.update_from_dict({"status": ImportStatus.CANCELED, **decision})
            entry = _entry(AuditAction.CANCELED, row, actor=actor, at=now, reason=reason, storeDisconnected=True)
            decided.append((row, None, entry))
        await _settled_many(conn, decided, Settlement.DISCONNECT, after=after)
    return after


async def resolve(rt: Runtime, store: Store, order: Order) -> Transaction:
    """Put ``order``, which the store's webhook sent, in the Transaction List (once); a pending import of it is
    settled as accepted (RESOLVED_BY_WEBHOOK)."""
    now = datetime.now(UTC)
    actor = audit.webhook_actor(store.platform)
    after = Aftermath()
    async with in_transaction() as conn:
        # The store first, as an import's page locks it: a page that has not yet seen this order listed stores it
        # pending and commits before this looks for it, or sees it listed; never both stored. Then the pending
        # import, as a decision locks it, so the two never wait on each other in turn.
        await Store.filter(id=store.id).select_for_update(no_key=True).using_db(conn)
        pending = ImportedOrder.filter(store_id=store.id, order_id=order.order_id, status=ImportStatus.PENDING)
        locked = await pending.select_for_update().using_db(conn)
        transaction = await record_transaction(
            conn,
            seller_id=store.seller_id,
            store_id=store.id,
            platform=store.platform,
            source=TransactionSource.WEBHOOK,
            **transaction_columns(order),
        )
        if locked and await pending.using_db(conn).update(
            status=ImportStatus.ACCEPTED, decided_at=now, decided_by=actor
        ):
            row = await ImportedOrder.filter(store_id=store.id, order_id=order.order_id).using_db(conn).get()
            resolved = _entry(
                AuditAction.RESOLVED_BY_WEBHOOK, row, actor=actor, at=now, transactionId=str(transaction.id)
            )
            await _settled_many(conn, [(row, transaction, resolved)], Settlement.WEBHOOK, after=after)
    await after.announce(rt)
    return transaction


async def _settled_many(
    conn: BaseDBAsyncClient,
    decided: Sequence[tuple[ImportedOrder, Transaction | None, AuditEvent]],
    by: Settlement,
    *,
    after: Aftermath,
) -> None:
    """Record the decisions just made on the rows, each with the Transaction List row it entered (if any) and
    its audit entry: the rows' links to their transactions and the entries in two queries; then what to
    announce of each."""
    linked = [row for row, transaction, _ in decided if transaction is not None]
    for row, transaction, _ in decided:
        if transaction is not None:
            row.transaction_id = transaction.id
    if linked:
        await ImportedOrder.bulk_update(linked, fields=["transaction_id"], using_db=conn)
    await audit.record(conn, [entry for _, _, entry in decided])
    for row, _, _ in decided:
        after.changed(Change.REMOVED, row)
        common = {"platform": row.platform, "store_id": str(row.store_id), "order": order_of(row)}
        if row.status == ImportStatus.ACCEPTED:
            after.hook("order_accepted", **common, transaction_id=str(row.transaction_id), source=by.value.lower())
        else:
            after.hook("order_canceled", **common, reason=row.cancel_reason)


_CAPTURED = {PaymentStatus.PAID.value, PaymentStatus.PARTIALLY_REFUNDED.value}
_UNDONE = {PaymentStatus.REFUNDED.value, PaymentStatus.VOIDED.value, PaymentStatus.FAILED.value}


def _guard(row: ImportedOrder) -> None:
    """Refuse to release goods for an order that is not paid, canceled on its platform, or a test."""
    if row.test_order:
        raise TestOrder("the platform marks this order as a test order; accept it with force to list it", field="id")
    if row.canceled:
        raise PaymentNotCaptured(
            f"the platform canceled this order ({row.platform_status or row.payment_status}); accept it with force "
            "to list it anyway",
            field="id",
        )
    if row.payment_status not in _CAPTURED:
        raise PaymentNotCaptured(
            f"the payment is not captured ({row.payment_status}); accept it with force to release the order unpaid",
            field="id",
        )


async def _recheck(
    rt: Runtime, row: ImportedOrder, now: datetime, store: Store, connector: PlatformConnector, *, actor: str
) -> None:
    """Read the order again from its platform and keep what it now says (UPDATED); ``OrderChanged`` when the
    platform canceled, refunded or deleted it meanwhile. A platform fault is raised as the connector's error."""
    try:
        order = await connector.fetch_order(row.order_id)
    except ConnectorError as exc:
        raise type(exc)(
            f"{connector.display_name} could not be asked about this order again before deciding: {exc.message}"
        ) from None
    if order is None:
        raise OrderChanged(f"{connector.display_name} no longer has this order", field="id")
    after = Aftermath()
    async with in_transaction() as conn:
        changed = await _update_pending(conn, store, order, after, now, actor=actor)
    await after.announce(rt)
    newly_canceled = order.canceled and not row.canceled
    undone = newly_canceled or (order.payment_status.value in _UNDONE and row.payment_status not in _UNDONE)
    if changed and undone:
        what = "canceled" if order.canceled else order.payment_status.value.lower()
        raise OrderChanged(f"{connector.display_name} says this order is now {what}: look at it again", field="id")


async def _decide(conn: BaseDBAsyncClient, seller: Seller, order_id: str, **decision: Any) -> ImportedOrder:
    """Apply ``decision`` to the seller's order if it is still PENDING (one conditional UPDATE); the row after it."""
    key = parse_id(order_id)
    pending = ImportedOrder.filter(id=key, seller_id=seller.id, status=ImportStatus.PENDING).using_db(conn)
    if key is None or not await pending.update(**decision):
        raise await _undecided(seller, key, order_id)
    return await ImportedOrder.filter(id=key).using_db(conn).get()


async def _undecided(seller: Seller, key: object, order_id: str) -> DomainError:
    """Why a conditional update changed nothing: someone decided first (the order as it now is), or no such order."""
    row = await ImportedOrder.filter(id=key, seller_id=seller.id).first() if key is not None else None
    if row is not None:
        return AlreadyDecided("this order was accepted or canceled already", order=row, field="id")
    return NotFound(f"no imported order with id {order_id!r}", field="id")


async def accept_many(
    rt: Runtime, seller: Seller, order_ids: list[str], *, actor: str, force: bool = False
) -> dict[str, tuple[ImportedOrder, Transaction] | DomainError | ConnectorError]:
    """Accept each of ``order_ids`` (distinct orders) as ``accept`` describes, in one database transaction: the
    orders locked, judged, then moved with one conditional UPDATE. Each id's outcome: the order and its
    Transaction List row, or the error that kept it pending. ``accept`` is this with one id."""
    now = datetime.now(UTC)
    keys = {order_id: parse_id(order_id) for order_id in order_ids}
    outcome: dict[str, tuple[ImportedOrder, Transaction] | DomainError | ConnectorError] = {}
    stale = ImportedOrder.filter(
        id__in=[k for k in keys.values() if k], seller_id=seller.id, status=ImportStatus.PENDING
    )
    recheck = timedelta(seconds=rt.settings.recheck_seconds)
    given = {key: order_id for order_id, key in keys.items()}
    opened: dict[uuid.UUID, tuple[Store, PlatformConnector]] = {}  # one connector per store for all its re-reads
    for old in await stale:
        if old.checked_at is None or now - old.checked_at > recheck:
            try:
                if old.store_id not in opened:
                    store = await Store.get(id=old.store_id)
                    opened[old.store_id] = store, await stores.open_connector(rt, store)
                await _recheck(rt, old, now, *opened[old.store_id], actor=actor)
            except (DomainError, ConnectorError) as exc:
                outcome[given[old.id]] = exc
    after = Aftermath()
    async with in_transaction() as conn:
        wanted = [key for order_id, key in keys.items() if key is not None and order_id not in outcome]
        pending = ImportedOrder.filter(id__in=wanted, seller_id=seller.id, status=ImportStatus.PENDING)
        rows = {row.id: row for row in await pending.select_for_update().using_db(conn)}
        decided: list[tuple[str, ImportedOrder, AuditEvent]] = []
        for order_id, key in keys.items():
            if order_id in outcome or key is None or (row := rows.get(key)) is None:
                continue
            try:
                _guard(row)
                entry = _entry(AuditAction.ACCEPTED, row, actor=actor, at=now)
            except DomainError as exc:
                if not force:
                    outcome[order_id] = exc
                    continue
                entry = _entry(AuditAction.FORCED_ACCEPT, row, actor=actor, at=now, refused=exc.code, **_payment(row))
            decided.append((order_id, row, entry))
        if decided:
            chosen = [row.id for _, row, _ in decided]
            await (
                ImportedOrder.filter(id__in=chosen, status=ImportStatus.PENDING)
                .using_db(conn)
                .update(status=ImportStatus.ACCEPTED, decided_at=now, decided_by=actor)
            )
            # The rows are locked, so this is all of them; what another decision took first stays undecided here.
            ours = ImportedOrder.filter(id__in=chosen, status=ImportStatus.ACCEPTED, decided_at=now).using_db(conn)
            changed = {row["id"] for row in await ours.values("id")}
            decided = [item for item in decided if item[1].id in changed]
        for _, row, _ in decided:
            row.status, row.decided_at, row.decided_by = ImportStatus.ACCEPTED, now, actor
        transactions = await record_transactions(
            conn,
            [
                {
                    "seller_id": row.seller_id,
                    "store_id": row.store_id,
                    "platform": row.platform,
                    "source": TransactionSource.IMPORT,
                    "accepted_by": actor,
                    **transaction_columns(row),
                }
                for _, row, _ in decided
            ],
        )
        for (_, _, entry), transaction in zip(decided, transactions, strict=True):
            entry.detail["transactionId"] = str(transaction.id)
        settled = [(row, transaction, entry) for (_, row, entry), transaction in zip(decided, transactions)]
        await _settled_many(conn, settled, Settlement.SELLER, after=after)
        for (order_id, row, _), transaction in zip(decided, transactions, strict=True):
            outcome[order_id] = row, transaction
    await after.announce(rt)
    for order_id, key in keys.items():
        if order_id not in outcome:
            outcome[order_id] = await _undecided(seller, key, order_id)
    return outcome
