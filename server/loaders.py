"""DataLoaders, one set per request (or per subscription event): lists never query per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from .models import (
    AuditEvent,
    ImportedOrder,
    ImportJob,
    OrderChange,
    RecoverySchedule,
    RegisteredWebhook,
    Store,
    Transaction,
)

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> DataLoader[uuid.UUID, M | None]:
    async def load(keys: Sequence[uuid.UUID]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(keys))}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


async def _histories(keys: Sequence[uuid.UUID]) -> list[list[AuditEvent]]:
    """Each imported order's audit entries, oldest first."""
    found: dict[uuid.UUID, list[AuditEvent]] = {key: [] for key in keys}
    for row in await AuditEvent.filter(imported_order_id__in=list(keys)).order_by("at", "id"):
        found[cast(uuid.UUID, row.imported_order_id)].append(row)  # not null: filtered on it
    return [found[key] for key in keys]


async def _registered_webhooks(keys: Sequence[uuid.UUID]) -> list[list[RegisteredWebhook]]:
    """Each store's registered order webhooks, by topic."""
    found: dict[uuid.UUID, list[RegisteredWebhook]] = {key: [] for key in keys}
    for row in await RegisteredWebhook.filter(store_id__in=list(keys)).order_by("topic"):
        found[row.store_id].append(row)
    return [found[key] for key in keys]


async def _recovery_schedules(keys: Sequence[uuid.UUID]) -> list[RecoverySchedule | None]:
    """Each store's recovery schedule (None for a store that has none)."""
    found = {row.store_id: row for row in await RecoverySchedule.filter(store_id__in=list(keys))}
    return [found.get(key) for key in keys]


async def _platform_changes(keys: Sequence[uuid.UUID]) -> list[list[OrderChange]]:
    """What the platform changed about each transaction's order after it was listed, oldest first."""
    found: dict[uuid.UUID, list[OrderChange]] = {key: [] for key in keys}
    for row in await OrderChange.filter(transaction_id__in=list(keys)).order_by("detected_at", "id"):
        found[row.transaction_id].append(row)
    return [found[key] for key in keys]


class Loaders:
    def __init__(self) -> None:
        # GraphQL objects built once for the request (or event), shared by the rows that lead to them.
        self.stores: dict[uuid.UUID, Any] = {}  # Store, by id: preloaded for a list's rows
        self.platforms: dict[str, Any] = {}  # Platform, by id
        self.store = _by_id(Store)
        self.job = _by_id(ImportJob)
        self.transaction = _by_id(Transaction)
        self.imported_order = _by_id(ImportedOrder)
        self.history = DataLoader(load_fn=_histories)
        self.registered_webhooks = DataLoader(load_fn=_registered_webhooks)
        self.platform_changes = DataLoader(load_fn=_platform_changes)
        self.recovery = DataLoader(load_fn=_recovery_schedules)
