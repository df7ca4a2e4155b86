"""Importing orders: jobs that fetch from a platform and store the unknown orders as pending.

Orders are stored page by page, each page in one database transaction with the
job's counters, so a job that fails half-way keeps what it stored and a re-run
completes it. Duplicates are impossible by construction: the database's unique
(store, order id) constraints and conflict-ignoring inserts decide which job
"wins" an order, never a read followed by a write.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from tortoise.transactions import in_transaction

from ..errors import ErrorCode, InvalidInput, OrderNotFound, StoreNotFound
from ..events import JobChanged, announce
from ..logs import redact
from ..models import ImportedOrder, ImportJob, ImportMethod, ImportStatus, JobStatus, Seller, Store, Transaction
from ..platforms import Capability, ConnectorError, Order, PlatformConnector
from ..runtime import Runtime
from . import orders
from .paging import Page, paginate, parse_id
from .stores import connector_class, get_store, open_connector

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ORDER_REF = 255
HOURS = range(1, 7)
# Why a known order was skipped: the job's counter columns, which add up to ``skipped``.
SKIP_REASONS = ("skipped_pending", "skipped_accepted", "skipped_in_transaction_list", "skipped_canceled")


async def start_import(
    rt: Runtime, seller: Seller, *, platform: str, store_id: str, order_ref: str | None, hours: int | None
) -> ImportJob:
    """Validate, record a job and run it; return it finished, or RUNNING if it takes longer than a moment.

    The same import of the store still running is answered with that job; a new one counts against the store's
    imports limit (``RateLimited``).
    """
    cls = connector_class(rt, platform)
    store = await get_store(seller, store_id, platform=platform)
    if (order_ref is None) == (hours is None):
        raise InvalidInput("give exactly one of orderId and hours", field="orderId" if order_ref is None else "hours")
    if order_ref is not None:
        order_ref = order_ref.strip()
        if not order_ref or len(order_ref) > MAX_ORDER_REF:
            raise InvalidInput(f"orderId must be 1 to {MAX_ORDER_REF} characters", field="orderId")
        if Capability.FETCH_ORDER not in cls.capabilities:
            raise InvalidInput(f"{cls.display_name} cannot import one order by id", field="orderId")
    elif hours not in HOURS:
        raise InvalidInput("hours must be 1, 2, 3, 4, 5 or 6", field="hours")
    elif Capability.LIST_ORDERS_CREATED not in cls.capabilities:
        raise InvalidInput(f"{cls.display_name} cannot import orders by time", field="hours")
    connector = await open_connector(rt, store)
    async with _STARTING.hold(store.id):  # so two identical imports cannot both miss each other
        job = await _running_twin(rt, store, order_ref=order_ref, hours=hours)
        if job is None:
            await rt.rate_limits.import_started(store.id)  # RateLimited: no job
            new = await _record_job(seller, store, connector, order_ref=order_ref, hours=hours)
            await rt.jobs.start(new.id, lambda: run_job(rt, new, store, connector))
            job = new
    await rt.jobs.wait(job.id, rt.settings.job_wait_seconds)
    await job.refresh_from_db()
    return job


class _OnePerKey:
    """One holder at a time per key; a key's lock lives only while it is held or awaited."""

    def __init__(self) -> None:
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: object) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks.pop(key)
            if users > 1:
                self._locks[key] = (lock, users - 1)


_STARTING = _OnePerKey()  # per store, in this process


async def _running_twin(rt: Runtime, store: Store, *, order_ref: str | None, hours: int | None) -> ImportJob | None:
    """The store's live RUNNING job doing this very import: importOrders answers with it instead of another."""
    alive = datetime.now(UTC) - timedelta(seconds=rt.settings.job_lease_seconds)
    running = ImportJob.filter(store_id=store.id, status=JobStatus.RUNNING, heartbeat_at__gte=alive)
    if order_ref is not None:
        running = running.filter(method=ImportMethod.ORDER_ID, order_ref=order_ref)
    else:
        running = running.filter(method=ImportMethod.TIME, hours=hours)
    return await running.order_by("-started_at").first()


async def _record_job(
    seller: Seller, store: Store, connector: PlatformConnector, *, order_ref: str | None, hours: int | None
) -> ImportJob:
    now = datetime.now(UTC)
    if order_ref is not None:
        return await ImportJob.create(
            seller=seller, store=store, method=ImportMethod.ORDER_ID, order_ref=order_ref, heartbeat_at=now
        )
    assert hours is not None
    start = now - timedelta(hours=hours)
    return await ImportJob.create(
        seller=seller,
        store=store,
        method=ImportMethod.TIME,
        hours=hours,
        window_start=start,
        window_end=now,
        warning=connector.window_warning(start, now, now),
        heartbeat_at=now,
    )


async def get_job(seller: Seller, job_id: str) -> ImportJob | None:
    key = parse_id(job_id)
    return await ImportJob.filter(id=key, seller_id=seller.id).first() if key else None


async def list_jobs(
    seller: Seller, *, platform: str | None, store_id: str | None, first: int | None, after: str | None
) -> Page[ImportJob]:
    """The seller's import jobs, newest first, narrowed to a platform and/or a store."""
    query = ImportJob.filter(seller_id=seller.id)
    if platform is not None:
        query = query.filter(store__platform=platform)
    if store_id is not None:
        query = query.filter(store_id=parse_id(store_id))
    return await paginate(query, sort="started_at", first=first, after=after)


@dataclass
class _Progress:
    fetched: int = 0
    imported: int = 0
    skips: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)

    def counters(self) -> dict[str, int]:
        """The job's counter columns."""
        skips = {reason: self.skips[reason] for reason in SKIP_REASONS}
        return {"fetched": self.fetched, "imported": self.imported, "skipped": sum(skips.values()), **skips}


def _skip_reason(status: ImportStatus | None, *, listed: bool) -> str:
    """Why a known order was skipped. An accepted import is listed too; it counts as accepted."""
    if status == ImportStatus.ACCEPTED:
        return "skipped_accepted"
    if listed:
        return "skipped_in_transaction_list"
    return "skipped_pending" if status == ImportStatus.PENDING else "skipped_canceled"


async def run_job(rt: Runtime, job: ImportJob, store: Store, connector: PlatformConnector) -> None:
    """Do the job's work and record how it ended. Never raises (except on cancellation)."""
    progress = _Progress()
    try:
        if job.method == ImportMethod.ORDER_ID:
            assert job.order_ref is not None
            order = await connector.fetch_order(job.order_ref)
            if order is None:
                raise OrderNotFound(f"{connector.display_name} has no order {job.order_ref!r}")
            await _store_page(rt, job, store, [order], progress, by_id=True)
        else:
            assert job.window_start is not None and job.window_end is not None
            overlap = timedelta(seconds=rt.settings.window_overlap_seconds)
            # Nothing can have been created after now; some platforms refuse a bound in the future.
            ask_until = min(job.window_end + overlap, datetime.now(UTC))
            pages = _one_ahead(connector.orders_created(job.window_start - overlap, ask_until))
            async for page in pages:
                inside = [o for o in page if job.window_start <= o.placed_at <= job.window_end]
                await _store_page(rt, job, store, inside, progress, by_id=False)
    except (ConnectorError, StoreNotFound, OrderNotFound) as exc:
        await _finish(rt, job, progress, exc.code, exc.message)
    except Exception:
        log.exception("import job %s failed unexpectedly", job.id)
        await _finish(rt, job, progress, ErrorCode.INTERNAL_ERROR, "the import stopped on an unexpected error")
    else:
        await _finish(rt, job, progress, None, None)


async def _one_ahead(pages: AsyncIterator[T]) -> AsyncIterator[T]:
    """The platform's next page is fetched while the current one is stored; errors still come in order."""
    coming: asyncio.Future[T] = asyncio.ensure_future(anext(pages))
    try:
        while True:
            try:
                page = await coming
            except StopAsyncIteration:
                return
            coming = asyncio.ensure_future(anext(pages))
            yield page
    finally:
        coming.cancel()
        await asyncio.gather(coming, return_exceptions=True)
        if isinstance(pages, AsyncGenerator):
            await pages.aclose()


async def _store_page(
    rt: Runtime, job: ImportJob, store: Store, fetched: Iterable[Order], progress: _Progress, *, by_id: bool
) -> None:
    page: dict[str, Order] = {}
    for order in fetched:
        if order.order_id not in progress.seen:
            page[order.order_id] = order
    progress.seen.update(page)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        # Locked, so a disconnect waits for this page and then cancels what it stored, or comes first.
        if not await Store.filter(id=store.id, disconnected_at=None).select_for_update(no_key=True).using_db(conn):
            raise StoreNotFound("the store was disconnected during this import", field="store")
        known = {
            row["order_id"]
            for row in await Transaction.filter(store_id=store.id, order_id__in=list(page))
            .using_db(conn)
            .values("order_id")
        }
        fresh = {oid: o for oid, o in page.items() if oid not in known}
        added, after = await orders.add(conn, job, store, fresh, by_id=by_id, now=now)
        status = {
            row["order_id"]: ImportStatus(row["status"])
            for row in await ImportedOrder.filter(store_id=store.id, order_id__in=list(page))
            .using_db(conn)
            .values("order_id", "status")
        }
        for oid in page.keys() - {row.order_id for row in added}:
            progress.skips[_skip_reason(status.get(oid), listed=oid in known)] += 1
        progress.fetched += len(page)
        progress.imported += len(added)
        await ImportJob.filter(id=job.id).using_db(conn).update(**progress.counters(), heartbeat_at=now)
    await after.announce(rt)
    await announce(rt.broker, JobChanged(str(job.id)))


async def _finish(
    rt: Runtime, job: ImportJob, progress: _Progress, code: ErrorCode | None, message: str | None
) -> None:
    await ImportJob.filter(id=job.id).update(
        status=JobStatus.FAILED if code else JobStatus.SUCCEEDED,
        error_code=code,
        error=redact(message) if message else message,  # a platform's error text may quote the request
        finished_at=datetime.now(UTC),
        **progress.counters(),
    )
    await announce(rt.broker, JobChanged(str(job.id)))
