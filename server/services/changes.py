"""Changes after accept: what a platform says about an order already in the Transaction List.

The Transaction List row never changes. ``observe`` compares the order as its platform reports it now with the
last state known of it: the latest ``OrderChange``, else what the row recorded when it was listed (its payment,
total, and whether the platform had canceled it). A change is a new payment status, a
cancellation (or its undoing) or a new total; the platform's own status word is kept with a change but does not
make one alone (an order shipped or completed is its normal course, not a change after accept).

A new state is stored once. Its fingerprint, unique per transaction, is of the state and of the state it follows:
a replayed webhook, or one state seen both by a webhook and by the scheduled re-read, adds nothing, while a state
the order comes back to later is a change again. The change and its audit entry (ORDER_CHANGED, by the source:
``webhook:<platform>`` or ``schedule``) are written in one database transaction; then its
ORDER_CHANGED_AFTER_ACCEPT alert is raised, deduplicated by change, so an alert lost to a crash is raised the
next time the order is read.

``recheck_accepted`` is the scheduled re-read of a store's recent rows.
"""

from __future__ import annotations

import hashlib
import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from ..errors import DomainError
from ..models import Alert, AlertKind, AuditAction, ImportedOrder, ImportStatus, OrderChange, Store, Transaction
from ..money import with_minor_units
from ..platforms import Capability, ConnectorError, Order
from ..runtime import Runtime
from . import alerts, audit, stores

log = logging.getLogger(__name__)

RECHECK_DAYS = 3
RECHECK_LIMIT = 200  # rows one re-read of a store asks its platform about
RECHECK_BATCH = 50  # references of one ``fetch_orders`` call

_HEADLINES = {"REFUNDED": "refunded", "PARTIALLY_REFUNDED": "partially refunded", "VOIDED": "voided"}


@dataclass(frozen=True)
class _State:
    """What the platform said of an order: as the row recorded it (``fingerprint`` empty) or as a change did."""

    payment_status: str
    platform_status: str | None
    canceled: bool
    amount: Decimal
    currency: str
    fingerprint: str = ""

    def counted(self) -> tuple[str, bool, str, str]:
        """What makes a change: the payment, the cancellation, the total (an amount however it is written)."""
        return self.payment_status, self.canceled, f"{self.amount.normalize():f}", self.currency

    def after(self, earlier: _State) -> _State:
        """This state as a change following ``earlier``, fingerprinted."""
        text = "|".join((earlier.fingerprint, *map(str, self.counted())))
        return replace(self, fingerprint=hashlib.sha256(text.encode()).hexdigest())

    def money(self) -> str:
        return f"{with_minor_units(self.amount, self.currency)} {self.currency}"

    def detail(self) -> dict[str, Any]:
        """As an audit entry's detail says it."""
        return {
            "paymentStatus": self.payment_status,
            "platformStatus": self.platform_status,
            "canceled": self.canceled,
            "total": {"amount": str(with_minor_units(self.amount, self.currency)), "currency": self.currency},
        }


@dataclass(frozen=True)
class _Known:
    state: _State
    imported_order_id: uuid.UUID | None  # the import accepted into the row, whose history the change joins


def _of(order: Order) -> _State:
    return _State(
        payment_status=order.payment_status.value,
        platform_status=order.platform_status[:64] if order.platform_status else None,
        canceled=order.canceled,
        amount=order.total.amount,
        currency=order.total.currency,
    )


async def _known(rows: Sequence[Transaction]) -> dict[uuid.UUID, _Known]:
    """The last state known of each row, with two queries for them all."""
    ids = [row.id for row in rows]
    latest: dict[uuid.UUID, OrderChange] = {}
    for row_change in await OrderChange.filter(transaction_id__in=ids).order_by("detected_at", "id"):
        latest[row_change.transaction_id] = row_change  # oldest first: the latest stays
    accepted = {
        found["transaction_id"]: found
        for found in await ImportedOrder.filter(transaction_id__in=ids, status=ImportStatus.ACCEPTED).values(
            "id", "transaction_id", "platform_status"
        )
    }
    known = {}
    for row in rows:
        imported = accepted.get(row.id)
        if (change := latest.get(row.id)) is not None:
            state = _State(
                change.payment_status,
                change.platform_status,
                change.canceled,
                change.total_amount,
                change.currency,
                change.fingerprint,
            )
        else:
            state = _State(
                row.payment_status,
                imported["platform_status"] if imported else None,
                row.canceled,
                row.total_amount,
                row.currency,
            )
        known[row.id] = _Known(state, imported["id"] if imported else None)
    return known


async def says_something_new(transaction: Transaction, order: Order) -> bool:
    """Whether ``order`` (the platform's copy of the row's order) differs from the last state known of it."""
    known = (await _known([transaction]))[transaction.id]
    return _of(order).counted() != known.state.counted()


async def observe(rt: Runtime, transaction: Transaction, order: Order, *, source: str) -> OrderChange | None:
    """Record what the platform now says of ``transaction``'s order, if that is new: the change stored (once),
    audited by ``source`` and alerted; ``None`` when the order says what was known of it."""
    if order.order_id != transaction.order_id:
        raise ValueError(f"order {order.order_id!r} is not the order of transaction {transaction.id}")
    store = await Store.get(id=transaction.store_id)
    known = await _known([transaction])
    return await _observed(rt, store, transaction, known[transaction.id], order, source=source)


async def _observed(
    rt: Runtime, store: Store, transaction: Transaction, known: _Known, order: Order, *, source: str
) -> OrderChange | None:
    was, now = known.state, _of(order)
    if now.counted() == was.counted():
        # The latest change's alert, should a crash have come between the change's commit and its alert.
        mine = Alert.filter(seller_id=transaction.seller_id, condition=_condition(transaction, was))
        if was.fingerprint and not await mine.exists():
            stored = await OrderChange.get(transaction_id=transaction.id, fingerprint=was.fingerprint)
            await _alert(rt, store, transaction, was, stored.summary)
        return None
    now = now.after(was)
    detected_at = datetime.now(UTC)
    summary = _summary(was, now, _platform_name(rt, store.platform))
    fresh = uuid.uuid4()
    async with in_transaction() as conn:
        # A conflict-ignoring insert: of two observers of one state, exactly one stores it.
        await OrderChange.bulk_create(
            [
                OrderChange(
                    id=fresh,
                    transaction_id=transaction.id,
                    detected_at=detected_at,
                    source=source[:64],
                    payment_status=now.payment_status,
                    platform_status=now.platform_status,
                    total_amount=now.amount,
                    currency=now.currency,
                    canceled=now.canceled,
                    summary=summary,
                    fingerprint=now.fingerprint,
                )
            ],
            ignore_conflicts=True,
            using_db=conn,
        )
        change = (
            await OrderChange.filter(transaction_id=transaction.id, fingerprint=now.fingerprint).using_db(conn).get()
        )
        if change.id != fresh:
            return None
        entry = audit.entry(
            AuditAction.ORDER_CHANGED,
            seller_id=transaction.seller_id,
            actor=source,
            at=detected_at,
            store_id=transaction.store_id,
            imported_order_id=known.imported_order_id,
            transactionId=str(transaction.id),
            orderChangeId=str(change.id),
            summary=summary,
            was=was.detail(),
            **now.detail(),
        )
        await audit.record(conn, [entry])
    await _alert(rt, store, transaction, now, summary)
    return change


def _condition(transaction: Transaction, state: _State) -> str:
    """The condition of a change's alert: one per change."""
    return f"{AlertKind.ORDER_CHANGED_AFTER_ACCEPT.value}:{transaction.id}:{state.fingerprint}"


async def _alert(rt: Runtime, store: Store, transaction: Transaction, state: _State, summary: str) -> None:
    """The change's ORDER_CHANGED_AFTER_ACCEPT alert ("Order #1001 of Main shop was refunded on Shopify after it
    was accepted: payment PAID → REFUNDED"), raised once: its condition never clears."""
    headline, _, details = summary.partition(": ")
    message = f"Order {transaction.order_number} of {store.name} was {_lower(headline)} after it was accepted"
    await alerts.raise_alert(
        rt,
        seller_id=transaction.seller_id,
        kind=AlertKind.ORDER_CHANGED_AFTER_ACCEPT,
        condition=_condition(transaction, state),
        message=f"{message}: {details}." if details else f"{message}.",
        store_id=transaction.store_id,
        transaction_id=transaction.id,
        detail={"orderNumber": transaction.order_number, "summary": summary, **state.detail()},
    )


def _summary(was: _State, now: _State, platform: str) -> str:
    """What changed, for a person: "Refunded on Shopify: payment PAID → REFUNDED, total 25.00 USD → 0.00 USD"."""
    if now.canceled != was.canceled:
        headline = "canceled" if now.canceled else "reinstated"
    elif now.payment_status != was.payment_status:
        headline = _HEADLINES.get(now.payment_status, "changed")
    else:
        headline = "edited"
    details = []
    if now.payment_status != was.payment_status:
        details.append(f"payment {was.payment_status} → {now.payment_status}")
    if now.platform_status != was.platform_status and now.platform_status is not None:
        # Its word now only: the word may have moved since it was last kept (an order shipped is no change).
        details.append(f'status "{now.platform_status}"')
    if (now.amount, now.currency) != (was.amount, was.currency):
        details.append(f"total {was.money()} → {now.money()}")
    text = f"{headline[:1].upper()}{headline[1:]} on {platform}"
    return f"{text}: {', '.join(details)}" if details else text


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _platform_name(rt: Runtime, platform: str) -> str:
    connector = rt.registry.get(platform)
    return connector.display_name if connector is not None else platform


async def recheck_accepted(rt: Runtime, store: Store, *, days: int = RECHECK_DAYS, limit: int = RECHECK_LIMIT) -> int:
    """Read the store's rows listed in the last ``days`` again from its platform and observe each (source
    ``schedule``); how many changes were stored.

    At most ``limit`` rows a run, asked for ``RECHECK_BATCH`` at a time with the connector's batch lookup; when
    there are more, a run takes ``limit`` of them in a row from a random place (wrapping around), so every row is
    read again in the long run. A platform fault, or a store that can no longer be reached as stored, ends the run
    (logged): the next run asks again. A disconnected store, or a platform without order lookups, is not read.
    """
    cls = rt.registry.get(store.platform)
    if store.disconnected_at is not None or cls is None or Capability.FETCH_ORDER not in cls.capabilities:
        return 0
    window = Transaction.filter(store_id=store.id, created_at__gte=datetime.now(UTC) - timedelta(days=days))
    count = await window.count()
    if count == 0:
        return 0
    start = random.randrange(count) if count > limit else 0
    rows = await window.order_by("created_at", "id").offset(start).limit(limit)
    if len(rows) < limit and start:
        rows += await window.order_by("created_at", "id").limit(min(limit - len(rows), start))
    found = 0
    try:
        connector = await stores.open_connector(rt, store)
        known = await _known(rows)
        for begin in range(0, len(rows), RECHECK_BATCH):
            group = rows[begin : begin + RECHECK_BATCH]
            orders = await connector.fetch_orders(list(dict.fromkeys(row.order_id for row in group)))
            for row in group:
                order = orders.get(row.order_id)
                if order is None or order.order_id != row.order_id:  # gone from the platform; never another order
                    continue
                if await _observed(rt, store, row, known[row.id], order, source=audit.SCHEDULE):
                    found += 1
    except (ConnectorError, DomainError) as exc:
        log.warning("store %s: recent orders not read again (%s: %s)", store.id, exc.code, exc.message)
    return found
