"""Object types built from rows for one request, with what only services know: a store's webhook URL and health.

Every type that leads to a store is given ``store_loader(info)``, so a store reached through any path (a
transaction's, a job's, an order's) is built here, through the request's DataLoader.
"""

from __future__ import annotations

import uuid

from strawberry.types import Info

from .. import models
from ..context import Context
from ..schema.types import ImportedOrder, ImportJob, Store, StoreLoader, Transaction, WebhookHealth
from ..services import webhooks


def store(info: Info[Context, None], row: models.Store) -> Store:
    health = webhooks.webhook_health(row)
    return Store.from_row(
        row,
        webhook_url=webhooks.webhook_url(info.context.runtime, row),
        webhook_health=WebhookHealth(
            last_delivery_at=health.last_delivery_at,
            last_rejected_at=health.last_rejected_at,
            last_rejected_reason=health.last_rejected_reason,
            forged_count=health.forged_count,
            last_forged_at=health.last_forged_at,
            usual_gap_seconds=round(health.usual_gap.total_seconds()) if health.usual_gap else None,
            quiet=health.quiet,
            message=health.message,
        ),
    )


def store_loader(info: Info[Context, None]) -> StoreLoader:
    async def load(store_id: uuid.UUID) -> Store:
        row = await info.context.loaders.store.load(store_id)  # the loaders of the moment (fresh per event)
        assert row is not None  # a foreign key
        return store(info, row)

    return load


def imported_order(info: Info[Context, None], row: models.ImportedOrder) -> ImportedOrder:
    return ImportedOrder.from_row(row, store_loader(info))


def import_job(info: Info[Context, None], row: models.ImportJob) -> ImportJob:
    return ImportJob.from_row(row, store_loader(info))


def transaction(info: Info[Context, None], row: models.Transaction) -> Transaction:
    return Transaction.from_row(row, store_loader(info))
