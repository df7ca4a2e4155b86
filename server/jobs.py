"""Who runs import jobs, and how none is left behind when its process dies.

Services record a job and hand it to ``Runtime.jobs``, a ``JobDispatcher``: ``start`` has a worker run it
(``server.queue`` installs the dispatcher: the task queue on PostgreSQL, ``JobRunner`` in process on
SQLite) and ``wait`` waits a moment for it to finish. A running job's heartbeat is renewed while it works
(``heartbeat``). A RUNNING job whose heartbeat is older than the lease was abandoned (its process died or
stopped): ``claim_abandoned`` lets exactly one process take it over, and the job then resumes where its
stored pages left it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .events import Broker, JobChanged, announce, job_channel
from .models import ImportJob, JobStatus
from .platforms.codes import ErrorCode

log = logging.getLogger(__name__)

Work = Callable[[uuid.UUID], Awaitable[None]]
POLL_SECONDS = 0.5  # how often ``wait_finished`` reads the job when no event comes


class JobDispatcher(Protocol):
    async def start(self, job_id: uuid.UUID) -> None:
        """Have a worker run the recorded, RUNNING job."""

    async def wait(self, job_id: uuid.UUID, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the job to finish; it goes on in the background either way."""

    async def resume_abandoned(self) -> int:
        """Have a worker resume each job abandoned by its process (this process claimed it); how many."""


class NoWorker:
    """``Runtime.jobs`` while no worker runs in this process (see ``server.queue.running_worker``)."""

    async def start(self, job_id: uuid.UUID) -> None:
        raise RuntimeError("no worker runs in this process: open one with server.queue.running_worker")

    async def wait(self, job_id: uuid.UUID, timeout: float) -> None:
        return None

    async def resume_abandoned(self) -> int:
        return 0


@contextlib.asynccontextmanager
async def heartbeat(job_id: uuid.UUID, every: float) -> AsyncIterator[None]:
    """Renew the job's heartbeat every ``every`` seconds while the block runs."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await ImportJob.filter(id=job_id, status=JobStatus.RUNNING).update(heartbeat_at=datetime.now(UTC))
            except Exception:  # the database is away for a moment: the next beat may reach it
                log.warning("renewing the heartbeat of import job %s failed", job_id, exc_info=True)

    beating = asyncio.create_task(beat(), name=f"import-job-heartbeat-{job_id}")
    try:
        yield
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def abandoned(lease: float) -> list[uuid.UUID]:
    """RUNNING jobs whose heartbeat is older than ``lease`` seconds."""
    cutoff = datetime.now(UTC) - timedelta(seconds=lease)
    rows = await ImportJob.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("id", flat=True)
    return [uuid.UUID(str(row)) for row in rows]


async def claim_abandoned(job_ids: Iterable[uuid.UUID], lease: float) -> list[uuid.UUID]:
    """Those of ``job_ids`` this process takes over: a conditional UPDATE renews an abandoned job's heartbeat,
    and of several processes claiming one job at the same moment only the first changes the row."""
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=lease)
    claimed = []
    for job_id in job_ids:
        mine = ImportJob.filter(id=job_id, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
        if await mine.update(heartbeat_at=now):
            claimed.append(job_id)
    return claimed


async def release(job_ids: Iterable[uuid.UUID], lease: float) -> None:
    """Mark jobs this process stops running as abandoned now (their heartbeat a lease old), so the next sweep of
    any process resumes them at once instead of after a lease."""
    stale = datetime.now(UTC) - timedelta(seconds=2 * lease)
    ids = list(job_ids)
    if ids:
        await ImportJob.filter(id__in=ids, status=JobStatus.RUNNING).update(heartbeat_at=stale)


async def interrupt(broker: Broker, job_id: uuid.UUID, why: str) -> None:
    """End a RUNNING job that cannot be resumed as FAILED with ``INTERRUPTED``; what it stored stays."""
    changed = await ImportJob.filter(id=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED,
        error_code=ErrorCode.INTERRUPTED,
        error=f"{why}; run the import again to complete it",
        finished_at=datetime.now(UTC),
    )
    if changed:
        await announce(broker, JobChanged(str(job_id)))


async def wait_finished(broker: Broker, job_id: uuid.UUID, timeout: float, *, poll: float = POLL_SECONDS) -> None:
    """Wait up to ``timeout`` seconds for the job row to leave RUNNING.

    The row is the truth, read again on each of the job's ``JobChanged`` events (published by whichever process
    runs it: at once here, or through a shared broker) and at least every ``poll`` seconds, which covers a worker
    in another process behind a ``memory://`` broker.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    changed = asyncio.Event()
    async with broker.subscribe(job_channel(job_id)) as events:

        async def pump() -> None:
            async for _ in events:
                changed.set()

        pumping = asyncio.create_task(pump(), name=f"import-job-wait-{job_id}")
        try:
            while (remaining := deadline - loop.time()) > 0:
                changed.clear()
                if not await ImportJob.filter(id=job_id, status=JobStatus.RUNNING).exists():
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), min(poll, remaining))
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping


class JobRunner:
    """Import jobs as tasks of this process (SQLite): ``work`` runs each, and a sweeper resumes abandoned ones.

    On shutdown its running jobs are cancelled (the page being stored is rolled back) and released, so the next
    process to sweep, this one started again included, resumes them.
    """

    def __init__(self, work: Work, broker: Broker, *, lease_seconds: float) -> None:
        self.work = work
        self.broker = broker
        self.lease = lease_seconds
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self, job_id: uuid.UUID) -> None:
        task = asyncio.create_task(self._run(job_id), name=f"import-job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job_id, None))

    async def _run(self, job_id: uuid.UUID) -> None:
        try:
            await self.work(job_id)
        except Exception:  # the work records its own failures; this is a bug, and the sweeper's to retry
            log.exception("import job %s stopped on an unexpected error", job_id)

    async def wait(self, job_id: uuid.UUID, timeout: float) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.wait({task}, timeout=timeout)
        else:  # running in another process, or not at all
            await wait_finished(self.broker, job_id, timeout)

    async def resume_abandoned(self) -> int:
        claimed = await claim_abandoned(await abandoned(self.lease), self.lease)
        for job_id in claimed:
            log.info("resuming import job %s, abandoned by its process", job_id)
            await self.start(job_id)
        return len(claimed)

    def start_sweeper(self) -> None:
        """Resume abandoned jobs now and every half lease."""

        async def loop() -> None:
            while True:
                try:
                    await self.resume_abandoned()
                except Exception:
                    log.exception("resuming abandoned import jobs failed")
                await asyncio.sleep(self.lease / 2)

        self._sweeper = asyncio.create_task(loop(), name="import-job-sweeper")

    async def shutdown(self) -> None:
        """Stop the sweeper and this process's jobs, and release those jobs for the next sweep."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        tasks = dict(self._tasks)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        await release(tasks, self.lease)
