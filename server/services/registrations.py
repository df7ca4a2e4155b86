"""A store's order webhooks, registered at its platform by the app rather than copied there by hand.

``register`` asks the platform, through the connector's ``register_webhooks``, to send the store's order
webhooks to its ``webhookUrl`` (creating, re-creating or re-activating subscriptions as needed) and keeps
what the platform then holds; when it cannot (no API for it, no public URL, the platform refuses), the
store keeps why, for the seller. It never fails a store's connection.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from ..logs import redact
from ..models import RegisteredWebhook, Store
from ..platforms import ConnectorError, UnsupportedOperation, WebhookRegistration
from ..runtime import Runtime
from . import stores, webhooks

log = logging.getLogger(__name__)

REGISTER_SECONDS = 20.0  # a store's connection waits this long at most for its platform to register webhooks


async def register(rt: Runtime, store: Store) -> None:
    """Register the store's order webhooks at its platform, and keep what it holds (or why it could not)."""
    held: list[WebhookRegistration] | None = None
    problem: str | None = None
    url = webhooks.webhook_url(rt, store)
    try:
        if not rt.settings.public_url:
            raise UnsupportedOperation("the server has no public URL (ORDER_IMPORT_PUBLIC_URL) to register")
        connector = await stores.open_connector(rt, store)
        async with asyncio.timeout(REGISTER_SECONDS):
            held = await connector.register_webhooks(url)
    except UnsupportedOperation as exc:
        held, problem = [], exc.message
    except (ConnectorError, TimeoutError) as exc:  # what the platform held before is kept: nothing says it changed
        if isinstance(exc, ConnectorError):
            problem = redact(f"the platform did not take the webhook registration ({exc.code}): {exc.message}")
        else:
            problem = f"the platform did not answer the webhook registration within {REGISTER_SECONDS:g}s"
        log.warning("store %s: webhooks not registered: %s", store.id, problem)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        # Locked: two checks of one store ending together each replace what the other wrote, one after the other.
        await Store.filter(id=store.id).select_for_update(no_key=True).using_db(conn)
        if held is not None:
            await RegisteredWebhook.filter(store_id=store.id).using_db(conn).delete()
            rows = {r.topic: r for r in held}.values()  # one per topic, as the contract says
            await RegisteredWebhook.bulk_create(
                [
                    RegisteredWebhook(
                        store_id=store.id, topic=r.topic, url=r.url, active=r.active, problem=r.problem, checked_at=now
                    )
                    for r in rows
                ],
                using_db=conn,
            )
        await Store.filter(id=store.id).using_db(conn).update(webhook_registration_problem=problem)
    store.update_from_dict({"webhook_registration_problem": problem})
