"""The task queue: import jobs and periodic work, run by a worker in every ``serve`` process and in
``order-import worker``.

On PostgreSQL it is procrastinate, PostgreSQL's own task queue (its tables come with the project's migrations).
``importOrders`` defers ``run_import``; the first free worker of any process takes it at once, woken by
LISTEN/NOTIFY. Periodic tasks are deferred once per period across all workers: ``recovery_tick`` (the stores
whose automatic recovery is due) and ``retry_stalled``, which puts back in the queue the jobs of a worker whose
heartbeat stopped (a process killed outright) and any RUNNING import that no worker holds. A worker that stops
hands its running imports back to the queue after a short grace. Either way another worker resumes each import
where its stored pages left it.

On SQLite the same task functions run in process: ``JobRunner`` runs the imports and its sweeper resumes the
abandoned ones, and the recovery tick runs on a timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator

import procrastinate
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.app import WorkerOptions
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Job, Status

from .jobs import JobDispatcher, JobRunner, abandoned, claim_abandoned, heartbeat, interrupt, wait_finished
from .runtime import Runtime
from .services import imports, recovery

log = logging.getLogger(__name__)

RUN_IMPORT = "run_import"
WORKER_CONCURRENCY = 10  # jobs one process's worker runs at a time (they wait on platforms, not on the CPU)
MAX_ATTEMPTS = 5  # an import whose worker stopped this often during it is not resumed again
SHUTDOWN_GRACE = 2.0  # at most this (and a quarter lease): a stopping worker's time for its tasks to end
RESTART_DELAY = 5.0  # seconds before a worker that stopped by itself (its database went away) starts again


async def run_import(rt: Runtime, job_id: uuid.UUID) -> None:
    """The task of one import job: the job from where it stands, its heartbeat renewed while it runs."""
    async with heartbeat(job_id, rt.settings.job_lease_seconds / 4):
        await imports.run_recorded_job(rt, job_id)


class _StopWithoutTraceback(logging.Filter):
    """A task a stopping worker cancels (an import handed back to the queue, a periodic task left to its next
    period) is logged as such, not with the traceback of its cancellation."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "action", None) in ("job_aborted", "job_aborted_retry"):  # cancelled: nothing failed
            record.exc_info = record.exc_text = None
        return True


_QUIET_STOP = _StopWithoutTraceback()


class _RequeueOnShutdown(BaseRetryStrategy):
    """An import cancelled by its worker's shutdown goes back to the queue, for the next worker to resume. It
    records its own failures (``run_job`` never raises otherwise)."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        return RetryDecision() if isinstance(exception, asyncio.CancelledError) else None


def cron_every(seconds: float) -> str:
    """A cron line for "every ``seconds``" (whole seconds, at least 1; a 6th column is seconds)."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"* * * * * */{whole}"
    if whole < 3600:
        return f"*/{whole // 60} * * * *"
    return f"0 */{min(whole // 3600, 23)} * * *"


class QueueDispatcher:
    """Import jobs on the task queue: ``start`` defers ``run_import``; ``wait`` watches the job row."""

    def __init__(self, app: procrastinate.App, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def start(self, job_id: uuid.UUID) -> None:
        await self.app.configure_task(RUN_IMPORT, allow_unknown=False).defer_async(job_id=str(job_id))

    async def wait(self, job_id: uuid.UUID, timeout: float) -> None:
        await wait_finished(self.rt.broker, job_id, timeout)

    async def resume_abandoned(self) -> int:
        """Defer again each RUNNING import whose heartbeat is a lease old and that no queued or running task
        holds (its process died before deferring it, or its task ended without finishing it)."""
        lease = self.rt.settings.job_lease_seconds
        held = set()
        for status in (Status.TODO, Status.DOING):
            for job in await self.app.job_manager.list_jobs_async(task=RUN_IMPORT, status=status.value):
                held.add(str(job.task_kwargs.get("job_id")))
        orphans = [job_id for job_id in await abandoned(lease) if str(job_id) not in held]
        claimed = await claim_abandoned(orphans, lease)
        for job_id in claimed:
            log.info("import job %s has no worker: deferred again", job_id)
            await self.start(job_id)
        return len(claimed)

    async def retry_stalled(self) -> None:
        """Put the imports of workers whose heartbeat stopped back in the queue (the periodic tasks they held are
        just ended: the next period runs them again), then defer the imports no task holds."""
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=self.rt.settings.job_lease_seconds):
            try:
                if job.task_name != RUN_IMPORT:
                    await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                elif job.attempts + 1 >= MAX_ATTEMPTS:
                    await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                    why = f"its worker stopped {MAX_ATTEMPTS} times during this import"
                    await interrupt(self.rt.broker, uuid.UUID(str(job.task_kwargs["job_id"])), why)
                else:
                    log.info("import task %s: its worker stopped; back in the queue", job.id)
                    await manager.retry_job(job)
            except ConnectorException:  # another process got to it first
                log.debug("stalled task %s was already taken care of", job.id)
        await self.resume_abandoned()


def task_app(rt: Runtime, connector: procrastinate.BaseConnector) -> tuple[procrastinate.App, QueueDispatcher]:
    """The queue's tasks, each closing over ``rt``, and the dispatcher that defers imports on them."""
    app = procrastinate.App(connector=connector)
    dispatcher = QueueDispatcher(app, rt)

    @app.task(name=RUN_IMPORT, retry=_RequeueOnShutdown())
    async def run_import_task(job_id: str) -> None:
        await run_import(rt, uuid.UUID(job_id))

    @app.periodic(cron=cron_every(rt.settings.job_lease_seconds / 4), periodic_id="retry_stalled")
    @app.task(name="retry_stalled", queueing_lock="retry_stalled")
    async def retry_stalled(timestamp: int) -> None:
        await dispatcher.retry_stalled()

    @app.periodic(cron=cron_every(rt.settings.recovery_tick_seconds), periodic_id="recovery_tick")
    @app.task(name="recovery_tick", queueing_lock="recovery_tick")
    async def recovery_tick(timestamp: int) -> None:
        await recovery.tick(rt)

    return app, dispatcher


def _conninfo(database_url: str) -> str:
    """libpq's form of a ``postgres://`` (or ``asyncpg://``) database URL."""
    return "postgresql://" + database_url.split("://", 1)[1]


@contextlib.asynccontextmanager
async def running_worker(rt: Runtime, connector: procrastinate.BaseConnector | None = None) -> AsyncIterator[None]:
    """Run this process's worker until the block ends, with ``rt.jobs`` dispatching to it meanwhile.

    PostgreSQL (or a ``connector`` given: tests use procrastinate's in-memory one): the task queue. SQLite: a
    ``JobRunner`` with its sweeper, and the recovery tick on a timer.
    """
    if connector is None and rt.settings.database_url.startswith("sqlite://"):
        runner = JobRunner(
            lambda job_id: run_import(rt, job_id), rt.broker, lease_seconds=rt.settings.job_lease_seconds
        )
        async with _installed(rt, runner):
            runner.start_sweeper()
            ticking = rt.background.every(rt.settings.recovery_tick_seconds, lambda: recovery.tick(rt), "recovery-tick")
            try:
                yield
            finally:
                ticking.cancel()
                await asyncio.gather(ticking, return_exceptions=True)
                await runner.shutdown()
        return
    lease = rt.settings.job_lease_seconds
    connector = connector or procrastinate.PsycopgConnector(
        conninfo=_conninfo(rt.settings.database_url), min_size=1, max_size=WORKER_CONCURRENCY + 2
    )
    app, dispatcher = task_app(rt, connector)
    logging.getLogger("procrastinate.worker").addFilter(_QUIET_STOP)  # once: a logger keeps a filter once
    async with app.open_async(), _installed(rt, dispatcher):
        options: WorkerOptions = {
            "name": f"order-import-{os.getpid()}",
            "concurrency": WORKER_CONCURRENCY,
            "install_signal_handlers": False,
            "shutdown_graceful_timeout": min(SHUTDOWN_GRACE, lease / 4),  # then its imports go back to the queue
            "delete_jobs": "successful",
            "update_heartbeat_interval": lease / 4,
            "stalled_worker_timeout": lease,
            "fetch_job_polling_interval": min(5.0, lease / 4),  # a job put back in the queue is not notified
        }
        worker = asyncio.create_task(_work(app, options), name="task-queue-worker")
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker


async def _work(app: procrastinate.App, options: WorkerOptions) -> None:
    """Run the worker until cancelled, starting it again whenever it stops by itself (its database went away)."""
    while True:
        try:
            await app.run_worker_async(**options)
            log.error("the task queue's worker stopped; starting it again in %s s", RESTART_DELAY)
        except Exception:
            log.exception("the task queue's worker failed; starting it again in %s s", RESTART_DELAY)
        await asyncio.sleep(RESTART_DELAY)


@contextlib.asynccontextmanager
async def _installed(rt: Runtime, dispatcher: JobDispatcher) -> AsyncIterator[None]:
    before, rt.jobs = rt.jobs, dispatcher
    try:
        yield
    finally:
        rt.jobs = before
