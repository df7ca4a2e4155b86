"""Running import jobs in the background, and making sure none stays RUNNING forever.

A running job's heartbeat is refreshed while it works. Any process's sweeper
marks a RUNNING job whose heartbeat is older than the lease as FAILED with
``INTERRUPTED`` (its process died); on shutdown a process marks its own
unfinished jobs the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from .events import Broker, JobChanged, announce
from .models import ImportJob, JobStatus
from .platforms.codes import ErrorCode

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, broker: Broker, *, lease_seconds: float) -> None:
        self.broker = broker
        self.lease = lease_seconds
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self, job_id: uuid.UUID, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.create_task(self._run(job_id, work), name=f"import-job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(job_id, None))

    async def wait(self, job_id: uuid.UUID, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the job; it goes on in the background either way."""
        task = self._tasks.get(job_id)
        if task is not None:
            await asyncio.wait({task}, timeout=timeout)

    async def _run(self, job_id: uuid.UUID, work: Callable[[], Awaitable[None]]) -> None:
        beat = asyncio.create_task(self._heartbeat(job_id))
        try:
            await work()
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _heartbeat(self, job_id: uuid.UUID) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            await ImportJob.filter(id=job_id, status=JobStatus.RUNNING).update(heartbeat_at=datetime.now(UTC))

    async def sweep(self) -> int:
        """Mark jobs whose process stopped beating as FAILED / INTERRUPTED; return how many."""
        now = datetime.now(UTC)
        stale = await ImportJob.filter(
            status=JobStatus.RUNNING, heartbeat_at__lt=now - timedelta(seconds=self.lease)
        ).values("id")
        marked = 0
        for row in stale:
            marked += await self._interrupt(row["id"], now, "the server running this import stopped")
        return marked

    async def _interrupt(self, job_id: uuid.UUID, now: datetime, why: str) -> int:
        changed = await ImportJob.filter(id=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED,
            error_code=ErrorCode.INTERRUPTED,
            error=f"{why}; run the import again to complete it",
            finished_at=now,
        )
        if changed:
            await announce(self.broker, JobChanged(str(job_id)))
        return changed

    def start_sweeper(self) -> None:
        async def loop() -> None:
            while True:
                try:
                    await self.sweep()
                except Exception:
                    log.exception("sweeping interrupted import jobs failed")
                await asyncio.sleep(self.lease / 2)

        self._sweeper = asyncio.create_task(loop(), name="import-job-sweeper")

    async def shutdown(self) -> None:
        """Stop the sweeper and this process's jobs; mark those jobs INTERRUPTED (nothing half-written)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        tasks = dict(self._tasks)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        now = datetime.now(UTC)
        for job_id in tasks:
            await self._interrupt(job_id, now, "the server stopped during this import")
