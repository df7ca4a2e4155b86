"""Live streams behind the GraphQL subscriptions. Each opens its channel before reading state."""

from __future__ import annotations

from collections.abc import AsyncIterator

from ..errors import NotFound
from ..events import Change, PendingChange, job_channel, pending_channel
from ..models import ImportedOrder, ImportJob, ImportStatus, JobStatus, Seller
from ..runtime import Runtime
from .imports import get_job


async def watch_pending(
    rt: Runtime, seller: Seller, *, platform: str | None, store_id: str | None
) -> AsyncIterator[tuple[Change, ImportedOrder]]:
    """(change, order) for each change to the seller's pending list, narrowed to a platform or store."""
    async with rt.broker.subscribe(pending_channel(seller.id)) as messages:
        async for message in messages:
            event = PendingChange.read(seller.id, message)
            if event is None:
                continue
            if platform is not None and event.platform != platform:
                continue
            if store_id is not None and event.store != store_id:
                continue
            row = await ImportedOrder.filter(id=event.order, seller_id=seller.id).first()
            if row is None:
                continue
            # The event carries the status it announced, even if the row has moved on since.
            row.status = ImportStatus(event.status)
            yield event.change, row


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
