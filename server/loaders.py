"""DataLoaders, one set per request (or per subscription event): lists never query per row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from .models import ImportJob, Store, Transaction

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> DataLoader[uuid.UUID, M | None]:
    async def load(keys: Sequence[uuid.UUID]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(keys))}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self) -> None:
        self.store = _by_id(Store)
        self.job = _by_id(ImportJob)
        self.transaction = _by_id(Transaction)
