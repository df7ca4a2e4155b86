"""The task queue's wiring, on procrastinate's in-memory connector (PostgreSQL's own runs in the PostgreSQL pass
and in tests/test_worker_crash.py): imports run as tasks, a stopping worker puts its import back in the queue, the
periodic retry puts back the import of a worker that died, and the recovery tick is deferred once per period
however many workers there are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from procrastinate.testing import InMemoryConnector

from server import queue
from server.jobs import JobRunner
from server.models import ImportedOrder, ImportJob, JobStatus, Store
from server.runtime import Runtime
from server.services import recovery
from tests.databases import on_postgres
from tests.graphql.test_import_flow import add, import_orders
from tests.services.test_jobs import counters, receipt, record_job

# On PostgreSQL every test server runs the real queue, whose periodic retry would take these jobs too.
pytestmark = pytest.mark.skipif(on_postgres(), reason="the PostgreSQL pass runs the real task queue")


@asynccontextmanager
async def settings_of(rt: Runtime, **changes: object) -> AsyncIterator[None]:
    patient = rt.settings
    rt.settings = replace(patient, **changes)
    try:
        yield
    finally:
        rt.settings = patient


def tasks(connector: InMemoryConnector, name: str) -> list[dict[str, object]]:
    return [job for job in connector.jobs.values() if job["task_name"] == name]


async def test_an_import_runs_on_the_queue_and_a_stopping_worker_puts_it_back(
    server, token, store_id, shopify, monkeypatch
):
    for minutes in range(1, 61):
        add(shopify, minutes)
    shopify.delay_next(0)
    shopify.delay_next(1.0)  # the second page is on its way when the worker stops
    monkeypatch.setattr(queue, "SHUTDOWN_GRACE", 0.05)  # not long enough for it
    connector = InMemoryConnector()
    rt = server.runtime
    async with settings_of(rt, job_wait_seconds=0.05):
        async with queue.running_worker(rt, connector):
            assert isinstance(rt.jobs, queue.QueueDispatcher)
            running = (await import_orders(server, token, store_id, hours=2))["job"]
            while (await ImportJob.get(id=running["id"])).fetched == 0:
                await asyncio.sleep(0.01)
        assert isinstance(rt.jobs, JobRunner)  # the server's own again
        [handed_back] = [dict(task) for task in tasks(connector, queue.RUN_IMPORT)]
        halfway = await ImportJob.get(id=running["id"])
        async with queue.running_worker(rt, connector):  # the next worker
            await rt.jobs.wait(halfway.id, 10)

    job = await ImportJob.get(id=running["id"])
    assert (handed_back["status"], handed_back["attempts"], halfway.status) == ("todo", 1, JobStatus.RUNNING)
    assert counters(job) == (JobStatus.SUCCEEDED, None, 60, 60, 0, 0)
    assert [line[0] for line in await receipt(job.id)] == list(range(60))
    assert await ImportedOrder.all().count() == 60
    assert tasks(connector, queue.RUN_IMPORT) == []  # done: a succeeded task is not kept


async def test_the_import_of_a_worker_that_died_is_put_back_by_the_periodic_retry(server, store_id, shopify):
    for minutes in range(1, 31):
        add(shopify, minutes)
    rt = server.runtime
    connector = InMemoryConnector()
    job = await record_job(await Store.get(id=store_id), heartbeat_at=datetime.now(UTC) - timedelta(minutes=5))
    app, dispatcher = queue.task_app(rt, connector)
    async with app.open_async():
        await dispatcher.start(job.id)
    [task] = tasks(connector, queue.RUN_IMPORT)
    task["status"] = "doing"  # taken by a worker since gone (no heartbeat)

    async with settings_of(rt, job_lease_seconds=2.0), queue.running_worker(rt, connector):
        await rt.jobs.wait(job.id, 10)

    await job.refresh_from_db()
    assert counters(job) == (JobStatus.SUCCEEDED, None, 30, 30, 0, 0)
    assert task["attempts"] == 1  # retried once, then done
    assert tasks(connector, queue.RUN_IMPORT) == []


async def test_an_import_no_task_holds_is_deferred_again(server, store_id, shopify):
    for minutes in range(1, 11):
        add(shopify, minutes)
    rt = server.runtime
    connector = InMemoryConnector()
    orphan = await record_job(await Store.get(id=store_id), heartbeat_at=datetime.now(UTC) - timedelta(minutes=5))
    app, dispatcher = queue.task_app(rt, connector)
    async with app.open_async():
        assert await dispatcher.resume_abandoned() == 1
        assert await dispatcher.resume_abandoned() == 0  # held by its queued task now
    [task] = tasks(connector, queue.RUN_IMPORT)

    async with queue.running_worker(rt, connector):
        await rt.jobs.wait(orphan.id, 10)

    await orphan.refresh_from_db()
    assert task["args"] == {"job_id": str(orphan.id)}
    assert counters(orphan) == (JobStatus.SUCCEEDED, None, 10, 10, 0, 0)


async def test_the_recovery_tick_is_deferred_once_per_period_across_workers(server, monkeypatch):
    ticked: list[Runtime] = []

    async def tick(rt: Runtime) -> None:
        ticked.append(rt)

    monkeypatch.setattr(recovery, "tick", tick)
    rt = server.runtime
    connector = InMemoryConnector()

    def deferred() -> list[int]:
        """The period of each attempt to defer the tick, by either worker."""
        return [
            args["defer_timestamp"]
            for name, args in connector.queries
            if name == "defer_periodic_job" and args["task_name"] == "recovery_tick"
        ]

    # Every minute: the minute begun is deferred as each worker starts (it is not overdue by 10 minutes).
    async with settings_of(rt, recovery_tick_seconds=60), queue.running_worker(rt, connector):
        async with queue.running_worker(rt, connector):
            while len(deferred()) < 2 or tasks(connector, "recovery_tick") or not ticked:
                await asyncio.sleep(0.01)

    assert ticked and all(seen is rt for seen in ticked)
    assert len(ticked) == len(set(deferred())) < len(deferred())  # both workers deferred it; it ran once


async def test_on_sqlite_the_recovery_tick_runs_on_a_timer(server, monkeypatch):
    ticks = asyncio.Queue[Runtime]()

    async def tick(rt: Runtime) -> None:
        ticks.put_nowait(rt)

    monkeypatch.setattr(recovery, "tick", tick)
    rt = server.runtime
    async with settings_of(rt, recovery_tick_seconds=0.01), queue.running_worker(rt):
        assert isinstance(rt.jobs, JobRunner)
        first, second = await ticks.get(), await ticks.get()

    assert first is second is rt
