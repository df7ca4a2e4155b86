"""Alerts: what a seller should know now, raised once per condition until it clears.

An alert is about a *condition* (``"IMPORT_FAILING:<store id>"``, say). While an alert
for a condition is open (``open_condition`` set, unique per seller) raising it again does
nothing; ``clear`` closes it, so the next occurrence is a new alert. Two processes raising
the same condition at once end with one alert: the database's unique constraint decides.

A new alert is announced on the broker (every process's ``alerts`` subscribers see it) and,
when the seller has set an alert webhook, queued for delivery to it (``alert_webhooks.deliver_due`` sends it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ..errors import InvalidInput
from ..events import AlertRaised, alert_channel, announce
from ..logs import names_a_secret, redact
from ..models import Alert, AlertDelivery, AlertEndpoint, AlertKind, Seller
from ..runtime import Runtime
from .paging import Page, paginate, parse_id

log = logging.getLogger(__name__)

MAX_MARKED_IDS = 100
"""How many ids one ``mark_read`` call takes at most."""


async def raise_alert(
    rt: Runtime,
    *,
    seller_id: UUID | str,
    kind: AlertKind,
    condition: str,
    message: str,
    store_id: UUID | str | None = None,
    job_id: UUID | str | None = None,
    transaction_id: UUID | str | None = None,
    detail: dict[str, Any] | None = None,
) -> Alert | None:
    """The new alert, or ``None`` while one for ``condition`` is still open (nothing is raised then).

    The message and detail are cleaned of anything that looks like a secret before they are stored."""
    if await Alert.filter(seller_id=seller_id, open_condition=condition).exists():
        return None
    now = datetime.now(UTC)
    try:
        async with in_transaction() as conn:
            alert = await Alert.create(
                seller_id=seller_id,
                store_id=store_id,
                kind=kind,
                condition=condition,
                open_condition=condition,
                message=redact(message),
                detail=_clean(detail or {}),
                job_id=job_id,
                transaction_id=transaction_id,
                at=now,
                using_db=conn,
            )
            endpoint = await AlertEndpoint.filter(seller_id=seller_id).using_db(conn).first()
            if endpoint is not None:
                await AlertDelivery.create(alert=alert, url=endpoint.url, next_attempt_at=now, using_db=conn)
    except IntegrityError:  # raised at the same moment by another process: that one is the alert
        return None
    try:
        await announce(rt.broker, AlertRaised(str(alert.seller_id), str(alert.id)))
    except Exception as exc:  # the broker's own errors (Redis, PostgreSQL, network) vary
        log.warning("alert %s was not announced live (%s)", alert.id, type(exc).__name__)
    return alert


async def clear(rt: Runtime, *, seller_id: UUID | str, condition: str) -> None:
    """Close the open alert for ``condition``, if any: the next occurrence raises a new one."""
    await Alert.filter(seller_id=seller_id, open_condition=condition).update(
        open_condition=None, cleared_at=datetime.now(UTC)
    )


async def list_alerts(seller: Seller, *, unread_only: bool, first: int | None, after: str | None) -> Page[Alert]:
    """The seller's alerts, newest first; only those not marked read with ``unread_only``."""
    query = Alert.filter(seller_id=seller.id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return await paginate(query, sort="at", first=first, after=after)


async def unread_count(seller: Seller) -> int:
    return await Alert.filter(seller_id=seller.id, read_at__isnull=True).count()


async def mark_read(seller: Seller, ids: Sequence[str] | None) -> int:
    """Mark the seller's unread alerts read: all of them, or those of ``ids`` (1 to ``MAX_MARKED_IDS``).

    Answers how many changed. An id that is not one of the seller's unread alerts (read already, unknown,
    another seller's, not an id at all) is not counted: marking read is idempotent and says nothing of
    other sellers' alerts."""
    query = Alert.filter(seller_id=seller.id, read_at__isnull=True)
    if ids is not None:
        if not 1 <= len(ids) <= MAX_MARKED_IDS:
            raise InvalidInput(f"ids holds 1 to {MAX_MARKED_IDS} alert ids (or is null for all)", field="ids")
        query = query.filter(id__in=[key for key in map(parse_id, ids) if key is not None])
    return await query.update(read_at=datetime.now(UTC))


async def watch(rt: Runtime, seller: Seller) -> AsyncIterator[Alert]:
    """Each new alert of the seller, as it is raised in any process."""
    async with rt.broker.subscribe(alert_channel(seller.id)) as messages:
        async for message in messages:
            alert_id = parse_id(message.get("alert"))
            row = None if alert_id is None else await Alert.filter(id=alert_id, seller_id=seller.id).first()
            if row is not None:
                yield row


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` without values under keys that name a secret, its texts redacted."""
    cleaned: dict[str, Any] = {}
    for key, value in detail.items():
        if names_a_secret(str(key)):
            continue
        if isinstance(value, str):
            value = redact(value)
        elif isinstance(value, dict):
            value = _clean(value)
        cleaned[str(key)] = value
    return cleaned
