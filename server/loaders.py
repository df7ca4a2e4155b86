"""DataLoaders, one set per request (or per subscription event): lists never query per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from .models import Decision, ImportJob, Store, Transaction

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> DataLoader[uuid.UUID, M | None]:
    async def load(keys: Sequence[uuid.UUID]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(keys))}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


async def _decisions(keys: Sequence[uuid.UUID]) -> list[list[Decision]]:
    """Each imported order's decisions, oldest first."""
    found: dict[uuid.UUID, list[Decision]] = {key: [] for key in keys}
    for row in await Decision.filter(imported_order_id__in=list(keys)).order_by("decided_at"):
        found[row.imported_order_id].append(row)
    return [found[key] for key in keys]


class Loaders:
    def __init__(self) -> None:
        self.store = _by_id(Store)
        self.job = _by_id(ImportJob)
        self.transaction = _by_id(Transaction)
        self.decisions = DataLoader(load_fn=_decisions)
