"""Importing orders: jobs that fetch from a platform and store the unknown orders as pending.

Orders are stored page by page, each page in one database transaction with the
job's counters and the page's receipt lines (one per order the platform returned,
with its outcome), so a job that fails half-way keeps what it stored and a re-run
completes it. A job is run by a worker (``Runtime.jobs``) from its row: one whose
worker stopped or died resumes where its stored pages left it, going on from its
counters and receipt, so it ends exactly as if it had never stopped. A dry run
judges every page the same way and stores only its receipt and counters.
Duplicates are impossible by construction: the database's unique (store, order
id) constraints and conflict-ignoring inserts decide which job "wins" an order,
never a read followed by a write.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from ..errors import DomainError, ErrorCode, InvalidInput, OrderNotFound, StoreNotFound
from ..events import JobChanged, announce
from ..logs import redact
from ..models import (
    AuditAction,
    ImportedOrder,
    ImportJob,
    ImportMethod,
    ImportOutcome,
    ImportReceiptLine,
    ImportStatus,
    ImportTrigger,
    JobStatus,
    Row,
    Seller,
    Store,
    Transaction,
)
from ..platforms import Capability, ConnectorError, Order, PlatformConnector
from ..runtime import Runtime
from . import audit, inserts, orders, runs
from .paging import MAX_PAGE, Listing, Page, list_rows, nothing_before, parse_id, store_condition
from .stores import connector_class, get_store, open_connector

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ORDER_REF = 255
MAX_ORDER_REFS = 100
HOURS = range(1, 7)
LOOKUP_PAGE = 25  # ids of a list looked up (and their receipt stored) together
# A known order's outcome and the job's counter column it counts in; the columns add up to ``skipped``.
SKIP_COLUMNS = {
    ImportOutcome.ALREADY_PENDING: "skipped_pending",
    ImportOutcome.ALREADY_ACCEPTED: "skipped_accepted",
    ImportOutcome.IN_TRANSACTION_LIST: "skipped_in_transaction_list",
    ImportOutcome.CANCELED_BEFORE: "skipped_canceled",
}
_MADE_PENDING = (ImportOutcome.IMPORTED, ImportOutcome.RESTORED)


async def start_import(
    rt: Runtime,
    seller: Seller,
    *,
    platform: str,
    store_id: str,
    order_ref: str | None,
    hours: int | None,
    order_refs: list[str] | None = None,
    dry_run: bool = False,
    trigger: ImportTrigger = ImportTrigger.SELLER,
    started_by: str = "unknown",
) -> ImportJob:
    """Validate, record a job and run it; return it finished, or RUNNING if it takes longer than a moment.

    Exactly one of ``order_ref``, ``order_refs`` (1 to 100 ids, each as ``order_ref``) and ``hours``. The same
    import of the store still running is answered with that job; a new one counts against the store's imports
    limit (``RateLimited``).
    """
    cls = connector_class(rt, platform)
    store = await get_store(seller, store_id, platform=platform)
    given = [
        name
        for name, value in (("orderId", order_ref), ("orderIds", order_refs), ("hours", hours))
        if value is not None
    ]
    if len(given) != 1:
        raise InvalidInput("give exactly one of orderId, orderIds and hours", field=given[1] if given else "orderId")
    if order_ref is not None or order_refs is not None:
        if order_ref is not None:
            order_ref = _order_ref(order_ref, "orderId")
        else:
            order_refs = _order_refs(order_refs or [])
        if Capability.FETCH_ORDER not in cls.capabilities:
            raise InvalidInput(f"{cls.display_name} cannot import one order by id", field=given[0])
    elif hours not in HOURS:
        raise InvalidInput("hours must be 1, 2, 3, 4, 5 or 6", field="hours")
    elif Capability.LIST_ORDERS_CREATED not in cls.capabilities:
        raise InvalidInput(f"{cls.display_name} cannot import orders by time", field="hours")
    connector = await open_connector(rt, store)
    asked = _Asked(order_ref=order_ref, order_refs=order_refs, hours=hours, dry_run=dry_run)
    async with _STARTING.hold(store.id):  # so two identical imports cannot both miss each other
        job = await _running_twin(rt, store, asked)
        if job is None:
            await rt.rate_limits.import_started(store.id)  # RateLimited: no job
            job = await _record_job(seller, store, connector, asked, trigger=trigger, started_by=started_by)
            await rt.jobs.start(job.id)
    await rt.jobs.wait(job.id, rt.settings.job_wait_seconds)
    await job.refresh_from_db()
    return job


def _order_ref(value: str, name: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_ORDER_REF:
        raise InvalidInput(f"{name} must be 1 to {MAX_ORDER_REF} characters", field=name)
    return value


def _order_refs(values: list[str]) -> list[str]:
    """The ids trimmed, each once, in the order given."""
    if not 1 <= len(values) <= MAX_ORDER_REFS:
        raise InvalidInput(f"orderIds must hold 1 to {MAX_ORDER_REFS} ids", field="orderIds")
    return list(dict.fromkeys(_order_ref(value, "orderIds") for value in values))


@dataclass(frozen=True)
class _Asked:
    """What an importOrders call asked for, validated: one of order_ref, order_refs and hours."""

    order_ref: str | None
    order_refs: list[str] | None
    hours: int | None
    dry_run: bool

    def arguments(self) -> dict[str, Any]:
        """The one of orderId, orderIds and hours it was given, as the API names it."""
        if self.hours is not None:
            return {"hours": self.hours}
        return {"orderIds": self.order_refs} if self.order_refs is not None else {"orderId": self.order_ref}


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


async def _running_twin(rt: Runtime, store: Store, asked: _Asked) -> ImportJob | None:
    """The store's live RUNNING job doing this very import (a list: the same ids in the same order; a dry run
    only for a dry run): importOrders answers with it instead of another."""
    alive = datetime.now(UTC) - timedelta(seconds=rt.settings.job_lease_seconds)
    running = ImportJob.filter(
        store_id=store.id, status=JobStatus.RUNNING, heartbeat_at__gte=alive, dry_run=asked.dry_run
    )
    if asked.order_ref is not None:
        running = running.filter(method=ImportMethod.ORDER_ID, order_ref=asked.order_ref)
    elif asked.order_refs is not None:
        running = running.filter(method=ImportMethod.ORDER_ID, order_ref__isnull=True)
    else:
        running = running.filter(method=ImportMethod.TIME, hours=asked.hours)
    return next((job for job in await running.order_by("-started_at") if job.order_ids == asked.order_refs), None)


async def _record_job(
    seller: Seller,
    store: Store,
    connector: PlatformConnector,
    asked: _Asked,
    *,
    trigger: ImportTrigger,
    started_by: str,
) -> ImportJob:
    """The job, and its IMPORT_STARTED audit entry, in one transaction."""
    now = datetime.now(UTC)
    columns: dict[str, Any] = {
        "seller": seller,
        "store": store,
        "dry_run": asked.dry_run,
        "trigger": trigger,
        "started_by": started_by,
        "heartbeat_at": now,
    }
    if asked.hours is None:
        columns |= {"method": ImportMethod.ORDER_ID, "order_ref": asked.order_ref, "order_ids": asked.order_refs}
    else:
        start = now - timedelta(hours=asked.hours)
        columns |= {
            "method": ImportMethod.TIME,
            "hours": asked.hours,
            "window_start": start,
            "window_end": now,
            "warning": connector.window_warning(start, now, now),
        }
    async with in_transaction() as conn:
        job = await ImportJob.create(**columns, using_db=conn)
        started = audit.entry(
            AuditAction.IMPORT_STARTED,
            seller_id=seller.id,
            actor=started_by,
            at=now,
            store_id=store.id,
            job_id=job.id,
            trigger=trigger.value,
            dryRun=asked.dry_run,
            **asked.arguments(),
        )
        await audit.record(conn, [started])
    return job


async def get_job(seller: Seller, job_id: str) -> ImportJob | None:
    key = parse_id(job_id)
    return await ImportJob.filter(id=key, seller_id=seller.id).first() if key else None


async def list_jobs(
    seller: Seller, *, platform: str | None, store_id: str | None, first: int | None, after: str | None
) -> Page[Row]:
    """The seller's import jobs, newest first, narrowed to a platform and/or a store."""
    seller_key = str(seller.id)
    where: list[tuple[str, Sequence[Any]]] = [('"seller_id" = ?', (seller_key,))]
    if platform is not None:
        stores = '"store_id" IN (SELECT "id" FROM "store" WHERE "seller_id" = ? AND "platform" = ?)'
        where.append((stores, (seller_key, platform)))
    if store_id is not None:
        where.append(store_condition(store_id))
    return await list_rows(Listing(ImportJob, "started_at", where), first=first, after=after)


RECEIPT_PAGE = 100


async def receipt(job_id: uuid.UUID, *, first: int | None, after: str | None) -> Page[ImportReceiptLine]:
    """A page of a job's receipt lines in their order, each with its imported order and transaction. The caller
    reached the job through its seller's rows."""
    first = RECEIPT_PAGE if first is None else first
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first must be between 1 and {MAX_PAGE}", field="first")
    lines = ImportReceiptLine.filter(job_id=job_id)
    start = 0 if after is None else _line_position(after) + 1
    rows = (
        await lines.filter(position__gte=start)
        .order_by("position")
        .limit(first + 1)
        .prefetch_related("imported_order", "transaction")
    )
    items = rows[:first]
    return Page(
        items=items,
        cursors=[_line_cursor(row.position) for row in items],
        has_next_page=len(rows) > first,
        previous=lines.filter(position__lt=start).exists if start > 0 else nothing_before,
        count=lines.count,
    )


def _line_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"line:{position}".encode()).decode().rstrip("=")


def _line_position(cursor: str) -> int:
    try:
        kind, _, position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        if kind == "line" and position.isdigit():
            return int(position)
    except ValueError:
        pass
    raise InvalidInput("after is not a cursor this server returned", field="after")


@dataclass
class _Progress:
    fetched: int = 0
    imported: int = 0
    skips: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)  # orders on the receipt
    not_found: int = 0
    missing: set[str] = field(default_factory=set)  # ids on the receipt as NOT_FOUND
    lines: int = 0  # receipt lines written

    @classmethod
    async def of(cls, job: ImportJob) -> _Progress:
        """Where the job stands: its counters, and what its receipt holds (nothing for a job just recorded)."""
        progress = cls(fetched=job.fetched, imported=job.imported, not_found=job.not_found)
        progress.skips.update({column: getattr(job, column) for column in SKIP_COLUMNS.values()})
        for position, order_id, outcome in await ImportReceiptLine.filter(job_id=job.id).values_list(
            "position", "order_id", "outcome"
        ):
            (progress.missing if outcome == ImportOutcome.NOT_FOUND else progress.seen).add(order_id)
            progress.lines = max(progress.lines, position + 1)
        return progress

    def counters(self) -> dict[str, int]:
        """The job's counter columns."""
        skips = {column: self.skips[column] for column in SKIP_COLUMNS.values()}
        counted = {"fetched": self.fetched, "imported": self.imported, "not_found": self.not_found}
        return counted | {"skipped": sum(skips.values()), **skips}


def _known_outcome(status: ImportStatus | None, *, listed: bool) -> ImportOutcome:
    """What an import does with an order it knows. An accepted import is listed too; it counts as accepted."""
    if status == ImportStatus.ACCEPTED:
        return ImportOutcome.ALREADY_ACCEPTED
    if listed:
        return ImportOutcome.IN_TRANSACTION_LIST
    return ImportOutcome.ALREADY_PENDING if status == ImportStatus.PENDING else ImportOutcome.CANCELED_BEFORE


async def run_recorded_job(rt: Runtime, job_id: uuid.UUID) -> None:
    """What a worker runs for a job: ``run_job`` with the job's store and a connector for it; for a job that has
    finished (a worker may be handed one twice), at most the end of its automatic run if that was never recorded.
    Never raises (except on cancellation)."""
    job = await ImportJob.filter(id=job_id).first()
    if job is None:
        return
    if job.status != JobStatus.RUNNING:
        if job.trigger != ImportTrigger.SELLER:  # its worker may have stopped before recording the run's end
            await runs.finished_unless_recorded(rt, job)
        return
    store = await Store.get(id=job.store_id)
    try:
        connector = await open_connector(rt, store)
    except DomainError as exc:  # its plugin is gone, or its address or credentials no longer pass the rules
        await _finish(rt, job, await _Progress.of(job), exc.code, exc.message)
        return
    await run_job(rt, job, store, connector)


async def run_job(rt: Runtime, job: ImportJob, store: Store, connector: PlatformConnector) -> None:
    """Do the job's work, from where it stands, and record how it ended. Never raises (except on cancellation).

    A job that stored pages before its worker stopped goes on from its counters and receipt: the platform is
    asked again, and what the receipt already holds (an order, or an id the platform lacked) is passed over, so
    no order is judged twice, no line written twice, and the receipt's positions go on after its last.
    """
    progress = await _Progress.of(job)
    try:
        if job.order_ids is not None:
            async for found in _one_ahead(_looked_up(connector, job.order_ids)):
                await _store_page(rt, job, store, found, progress, by_id=True)
        elif job.method == ImportMethod.ORDER_ID:
            assert job.order_ref is not None
            order = await connector.fetch_order(job.order_ref)
            await _store_page(rt, job, store, [order or job.order_ref], progress, by_id=True)
            if order is None:
                raise OrderNotFound(f"{connector.display_name} has no order {job.order_ref!r}")
        else:
            assert job.window_start is not None and job.window_end is not None
            overlap = timedelta(seconds=rt.settings.window_overlap_seconds)
            # Nothing can have been created after now; some platforms refuse a bound in the future.
            ask_until = min(job.window_end + overlap, datetime.now(UTC))
            pages = _one_ahead(connector.orders_created(job.window_start - overlap, ask_until))
            async for page in pages:
                window = (job.window_start, job.window_end)
                await _store_page(rt, job, store, page, progress, by_id=False, window=window)
    except (ConnectorError, StoreNotFound, OrderNotFound) as exc:
        await _finish(rt, job, progress, exc.code, exc.message)
    except Exception:
        log.exception("import job %s failed unexpectedly", job.id)
        await _finish(rt, job, progress, ErrorCode.INTERNAL_ERROR, "the import stopped on an unexpected error")
    else:
        await _finish(rt, job, progress, None, None)


async def _looked_up(connector: PlatformConnector, refs: list[str]) -> AsyncIterator[list[Order | str]]:
    """Each id's order, or the id itself where the platform has none, in the ids' order: a page per group of
    ``LOOKUP_PAGE`` ids, each group fetched with the connector's batch lookup."""
    for start in range(0, len(refs), LOOKUP_PAGE):
        group = refs[start : start + LOOKUP_PAGE]
        found = await connector.fetch_orders(group)
        yield [found.get(ref) or ref for ref in group]


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
    rt: Runtime,
    job: ImportJob,
    store: Store,
    returned: Iterable[Order | str],
    progress: _Progress,
    *,
    by_id: bool,
    window: tuple[datetime, datetime] | None = None,
) -> None:
    """Judge one page of what the platform returned (an order, or an id it does not have), store the orders new to
    the store (unless a dry run), and write the page's receipt lines and the job's counters, in one transaction."""
    lines: list[Order | str] = []
    for item in returned:
        if isinstance(item, Order):
            if item.order_id in progress.seen:
                continue
            progress.seen.add(item.order_id)
        else:
            if item in progress.missing:
                continue
            progress.missing.add(item)
            progress.not_found += 1
        lines.append(item)
    page = {
        o.order_id: o
        for o in lines
        if isinstance(o, Order) and (window is None or window[0] <= o.placed_at <= window[1])
    }
    now = datetime.now(UTC)
    job_id = str(job.id)
    after = None
    async with in_transaction() as conn:
        # Locked, so a disconnect waits for this page and then cancels what it stored, or comes first.
        if not await _lock_connected(conn, store):
            raise StoreNotFound("the store was disconnected during this import", field="store")
        listed = await _listed(conn, store, page)
        outcomes: dict[str, ImportOutcome] = {}
        if job.dry_run:
            rows = await _imported(conn, store, page)
            for oid in page:
                status = rows[oid][1] if oid in rows else None
                if oid not in listed and (status is None or (by_id and status == ImportStatus.CANCELED)):
                    outcomes[oid] = ImportOutcome.IMPORTED if status is None else ImportOutcome.RESTORED
                else:
                    outcomes[oid] = _known_outcome(status, listed=oid in listed)
        else:
            fresh = {oid: o for oid, o in page.items() if oid not in listed}
            added, after = await orders.add(conn, job, store, fresh, by_id=by_id, now=now)
            made_pending = added.pending()
            # The store's other rows among the page as they now stand (the new ones are not read back).
            rows = await _imported(conn, store, [oid for oid in page if oid not in made_pending])
            rows |= {oid: (row_id, ImportStatus.PENDING) for oid, row_id in made_pending.items()}
            for oid in page:
                if oid in added.restored:
                    outcomes[oid] = ImportOutcome.RESTORED
                elif oid in added.imported:
                    outcomes[oid] = ImportOutcome.IMPORTED
                else:
                    outcomes[oid] = _known_outcome(rows[oid][1] if oid in rows else None, listed=oid in listed)
        for outcome in outcomes.values():
            if outcome in _MADE_PENDING:
                progress.imported += 1
            else:
                progress.skips[SKIP_COLUMNS[outcome]] += 1
        progress.fetched += len(page)
        await inserts.insert_many(
            conn,
            ImportReceiptLine._meta.db_table,
            _LINE_COLUMNS,
            [_line(job_id, progress.lines + n, item, outcomes, rows, listed) for n, item in enumerate(lines)],
        )
        progress.lines += len(lines)
        counters = progress.counters() | {"heartbeat_at": now}
        assignments = ", ".join(f'"{column}" = ?' for column in counters)
        update = f'UPDATE "{ImportJob._meta.db_table}" SET {assignments} WHERE "id" = ?'
        await inserts.execute(conn, update, [*counters.values(), job_id])
    if after is not None:
        await after.announce(rt)
    await announce(rt.broker, JobChanged(str(job.id)))


async def _lock_connected(conn: BaseDBAsyncClient, store: Store) -> bool:
    """Lock the store's row until the transaction ends (PostgreSQL; SQLite has one writer at a time, the
    transaction); whether the store is still connected."""
    sql = f'SELECT "id" FROM "{Store._meta.db_table}" WHERE "id" = ? AND "disconnected_at" IS NULL'
    if conn.capabilities.dialect != "sqlite":
        sql += " FOR NO KEY UPDATE"
    return bool(await inserts.fetch(conn, sql, [str(store.id)]))


async def _listed(conn: BaseDBAsyncClient, store: Store, page: Mapping[str, Order]) -> dict[str, uuid.UUID]:
    """The store's Transaction List rows among ``page``: order id → row id."""
    if not page:
        return {}
    marks = inserts.question_marks(len(page))
    sql = (
        f'SELECT "order_id", "id" FROM "{Transaction._meta.db_table}" WHERE "store_id" = ? AND "order_id" IN ({marks})'
    )
    rows = await inserts.fetch(conn, sql, [str(store.id), *page])
    return {row["order_id"]: uuid.UUID(str(row["id"])) for row in rows}


async def _imported(
    conn: BaseDBAsyncClient, store: Store, order_ids: Iterable[str]
) -> dict[str, tuple[uuid.UUID, ImportStatus]]:
    """The store's imported orders among ``order_ids``: order id → (row id, status)."""
    wanted = list(order_ids)
    if not wanted:
        return {}
    found = ImportedOrder.filter(store_id=store.id, order_id__in=wanted).using_db(conn)
    return {
        row["order_id"]: (row["id"], ImportStatus(row["status"]))
        for row in await found.values("id", "order_id", "status")
    }


# A receipt line's columns, as ``_line`` gives their values.
_LINE_COLUMNS = (
    "id",
    "job_id",
    "position",
    "order_id",
    "order_number",
    "placed_at",
    "total_amount",
    "currency",
    "outcome",
    "imported_order_id",
    "transaction_id",
)


def _line(
    job_id: str,
    position: int,
    item: Order | str,
    outcomes: Mapping[str, ImportOutcome],
    rows: Mapping[str, tuple[uuid.UUID, ImportStatus]],
    listed: Mapping[str, uuid.UUID],
) -> tuple[Any, ...]:
    """The receipt line of what the platform returned at ``position``, as plain values (see ``inserts``)."""
    line_id = str(uuid.uuid4())
    if isinstance(item, str):
        return (line_id, job_id, position, item, None, None, None, None, ImportOutcome.NOT_FOUND.value, None, None)
    oid = item.order_id
    row = rows.get(oid) if oid in outcomes else None
    transaction_id = listed.get(oid)
    return (
        line_id,
        job_id,
        position,
        oid,
        item.order_number,
        item.placed_at,
        str(item.total.amount),
        item.total.currency,
        outcomes.get(oid, ImportOutcome.OUTSIDE_WINDOW).value,
        None if row is None else str(row[0]),
        None if transaction_id is None else str(transaction_id),
    )


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
    if job.trigger != ImportTrigger.SELLER:
        await runs.finished(rt, job.id)
