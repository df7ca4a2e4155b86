"""Live streams behind the GraphQL subscriptions. Each opens its channel before reading state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..errors import NotFound
from ..events import Event, PendingChange, job_channel, pending_channel
from ..loaders import Loaders
from ..models import ImportedOrder, ImportJob, ImportStatus, JobStatus, Seller
from ..runtime import Runtime
from .imports import get_job
from .paging import parse_id


@dataclass(frozen=True)
class PendingUpdate:
    """A change to a seller's pending list, as every subscriber of this process receives it.

    The order is read once for them all, with the status the change announced (even if the row has moved on
    since); ``loaders`` are shared by their selections too, so the order's store is read once as well.
    Subscribers read both and never change them; ``shared`` holds what they derive from it, once for all.
    """

    event: PendingChange
    order: ImportedOrder
    loaders: Loaders
    shared: dict[str, Any] = field(default_factory=dict)


async def watch_pending(
    rt: Runtime, seller: Seller, *, platform: str | None, store_id: str | None
) -> AsyncIterator[PendingUpdate]:
    """Each change to the seller's pending list, narrowed to a platform or store."""

    def wants(message: Event) -> bool:
        return isinstance(message, dict) and (
            (platform is None or message.get("platform") == platform)
            and (store_id is None or message.get("store") == store_id)
        )

    prepare = partial(_read_update, str(seller.id))
    async with rt.fanout.subscribe(pending_channel(seller.id), prepare, wants) as updates:
        async for update in updates:
            if update is not None:
                yield update


async def _read_update(seller_id: str, message: Event) -> PendingUpdate | None:
    """The update a message on the seller's channel announces; None when it cannot be read or is not theirs."""
    event = PendingChange.read(seller_id, message)
    key = parse_id(event.order) if event else None
    if event is None or key is None:
        return None
    row = await ImportedOrder.filter(id=key, seller_id=seller_id).first()
    if row is None:
        return None
    row.status = ImportStatus(event.status)
    return PendingUpdate(event, row, Loaders())


async def watch_job(rt: Runtime, seller: Seller, job_id: str) -> AsyncIterator[ImportJob]:
    """The job now, then after every change, until it has finished."""
    job = await get_job(seller, job_id)
    if job is None:
        raise NotFound(f"no import job with id {job_id!r}", field="id")
    async with rt.broker.subscribe(job_channel(job.id)) as events:
        await job.refresh_from_db()
        yield job
        if job.status != JobStatus.RUNNING:
            return
        async for _ in events:
            await job.refresh_from_db()
            yield job
            if job.status != JobStatus.RUNNING:
                return
