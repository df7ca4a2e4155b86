"""No job is left behind: one whose worker stopped or died is resumed by another, and ends exactly as if it had
never stopped; a job that failed keeps what it stored and a re-run completes it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plugins.shopify.emulator import ShopifyEmulator
from server import jobs, queue
from server.events import job_channel
from server.models import (
    AuditAction,
    AuditEvent,
    ImportedOrder,
    ImportJob,
    ImportMethod,
    ImportReceiptLine,
    JobStatus,
    Store,
)
from server.services import imports
from tests.conftest import CONNECT_STORE
from tests.graphql.test_import_flow import add, import_orders
from tests.support import Server, serve_app


async def record_job(store: Store, *, hours: int = 2, **columns: Any) -> ImportJob:
    """An import by time of the last ``hours`` as importOrders records it, not handed to any worker."""
    now = datetime.now(UTC)
    return await ImportJob.create(
        seller_id=store.seller_id,
        store=store,
        method=ImportMethod.TIME,
        hours=hours,
        window_start=now - timedelta(hours=hours),
        window_end=now,
        heartbeat_at=columns.pop("heartbeat_at", now),
        **columns,
    )


async def receipt(job_id: uuid.UUID) -> list[tuple[int, str, str]]:
    lines = ImportReceiptLine.filter(job_id=job_id).order_by("position")
    return [(line.position, line.order_id, line.outcome.value) for line in await lines]


def counters(job: ImportJob) -> tuple[Any, ...]:
    return (job.status, job.error_code, job.fetched, job.imported, job.skipped, job.not_found)


async def test_a_job_whose_process_died_is_resumed_by_another(server, token, store_id, shopify):
    for minutes in range(1, 41):
        add(shopify, minutes)
    store = await Store.get(id=store_id)
    abandoned = await record_job(store, heartbeat_at=datetime.now(UTC) - timedelta(minutes=5))
    alive = await record_job(store, hours=1)  # its process still beats

    # (On PostgreSQL the periodic retry of every process may claim it first: then it resumes all the same.)
    assert await server.runtime.jobs.resume_abandoned() <= 1
    await server.runtime.jobs.wait(abandoned.id, 10)

    await abandoned.refresh_from_db()
    await alive.refresh_from_db()
    assert counters(abandoned) == (JobStatus.SUCCEEDED, None, 40, 40, 0, 0)
    assert [line[0] for line in await receipt(abandoned.id)] == list(range(40))
    assert alive.status == JobStatus.RUNNING
    assert await ImportedOrder.filter(job_id=abandoned.id).count() == 40


async def test_of_processes_claiming_an_abandoned_job_at_once_only_one_gets_it(server, store_id):
    store = await Store.get(id=store_id)
    job = await record_job(store, heartbeat_at=datetime.now(UTC) - timedelta(days=1))
    lease = server.runtime.settings.job_lease_seconds

    claims = await asyncio.gather(*(jobs.claim_abandoned([job.id], lease) for _ in range(5)))

    assert sorted(len(claimed) for claimed in claims) == [0, 0, 0, 0, 1]
    await job.refresh_from_db()
    assert job.heartbeat_at > datetime.now(UTC) - timedelta(seconds=lease)  # its new worker's now


async def connect_second_store(server: Server, token: str, url: str) -> Store:
    data = await server.execute(
        CONNECT_STORE,
        {
            "platform": "shopify",
            "name": "Twin shop",
            "credentials": {"shop_domain": "twin-shop.myshopify.com", "access_token": "shpat_twin_token"},
            "apiBaseUrl": url,
        },
        token=token,
    )
    assert data["connectStore"]["userErrors"] == []
    return await Store.get(id=data["connectStore"]["store"]["id"])


async def test_a_resumed_job_ends_exactly_as_if_it_had_never_stopped(server, token, store_id, shopify):
    twin = ShopifyEmulator(
        shop_domain="twin-shop.myshopify.com", access_token="shpat_twin_token", bucket_size=1e9, restore_rate=1e9
    )
    for emulator in (shopify, twin):  # the same orders on two stores
        for minutes in (124, 122, *range(1, 81)):  # two in the window's 5-minute overlap: outside the 2 hours
            add(emulator, minutes)
    rt = server.runtime
    async with serve_app(twin.app()) as twin_url:
        other = await connect_second_store(server, token, twin_url)
        uninterrupted = await record_job(other)
        await queue.run_import(rt, uninterrupted.id)

        stopped = await record_job(await Store.get(id=store_id))
        shopify.delay_next(0)
        shopify.delay_next(1.0)  # the first page comes at once; the worker dies while the second is on its way
        async with rt.broker.subscribe(job_channel(stopped.id)) as events:
            worker = asyncio.create_task(queue.run_import(rt, stopped.id))
            await anext(aiter(events))  # the first page is stored
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
        halfway = await ImportJob.get(id=stopped.id)
        lines_halfway = await receipt(stopped.id)
        await queue.run_import(rt, stopped.id)  # the next worker

    await uninterrupted.refresh_from_db()
    await stopped.refresh_from_db()
    assert (halfway.status, halfway.fetched, len(lines_halfway)) == (JobStatus.RUNNING, 28, 30)
    assert counters(uninterrupted) == (JobStatus.SUCCEEDED, None, 80, 80, 0, 0)
    assert counters(stopped) == counters(uninterrupted)
    assert await receipt(stopped.id) == await receipt(uninterrupted.id)
    assert (await receipt(stopped.id))[:30] == lines_halfway
    orders = await ImportedOrder.filter(store_id=store_id).values_list("order_id", "job_id")
    assert len(orders) == len(set(orders)) == 80 and {job for _, job in orders} == {stopped.id}
    audited = await AuditEvent.filter(job_id=stopped.id, action=AuditAction.ORDER_IMPORTED).count()
    assert audited == 80  # each order imported once, so audited once


async def test_a_stopping_worker_hands_its_jobs_to_the_next(server, token, store_id, shopify):
    runner = server.runtime.jobs
    if not isinstance(runner, jobs.JobRunner):
        pytest.skip("PostgreSQL hands them back to the task queue: tests/test_worker_crash.py stops a worker")
    for minutes in range(1, 61):
        add(shopify, minutes)
    shopify.delay_next(1.0)  # the first page is slow: the job is mid-flight when the worker stops
    quick = replace(server.runtime.settings, job_wait_seconds=0.1)  # answer while the job still runs
    server.runtime.settings, patient = quick, server.runtime.settings

    running = (await import_orders(server, token, store_id, hours=2))["job"]
    await runner.shutdown()
    released = await ImportJob.get(id=running["id"])
    resumed = await runner.resume_abandoned()  # as the next process to start does first
    await runner.wait(released.id, 10)
    server.runtime.settings = patient

    job = await ImportJob.get(id=running["id"])
    assert running["status"] == released.status == JobStatus.RUNNING
    assert released.heartbeat_at < datetime.now(UTC) - timedelta(seconds=runner.lease)
    assert resumed == 1
    assert counters(job) == (JobStatus.SUCCEEDED, None, 60, 60, 0, 0)
    assert await ImportedOrder.all().count() == 60


async def test_a_failure_mid_import_keeps_the_pages_stored(server, token, store_id, shopify, monkeypatch):
    for minutes in range(1, 81):
        add(shopify, minutes)
    calls = 0
    real = imports._store_page

    async def fail_on_second_page(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            shopify.fail_next(503, server.runtime.settings.retry_attempts)
        return await real(*args, **kwargs)

    monkeypatch.setattr(imports, "_store_page", fail_on_second_page)
    failed = (await import_orders(server, token, store_id, hours=2))["job"]
    monkeypatch.undo()
    kept = await ImportedOrder.all().count()
    again = (await import_orders(server, token, store_id, hours=2))["job"]

    assert (failed["status"], failed["errorCode"]) == ("FAILED", "PLATFORM_UNAVAILABLE")
    assert 0 < failed["imported"] == kept < 80
    assert (again["status"], again["imported"], again["skipped"]) == ("SUCCEEDED", 80 - kept, kept)
    assert await ImportedOrder.all().count() == 80


async def test_a_list_of_ids_resumed_after_its_last_page_counts_each_id_once(server, token, store_id, shopify):
    order = add(shopify, 30)
    store = await Store.get(id=store_id)
    refs = ["#9999", order["name"], "missing-too"]
    job = await ImportJob.create(
        seller_id=store.seller_id,
        store=store,
        method=ImportMethod.ORDER_ID,
        order_ids=refs,
        heartbeat_at=datetime.now(UTC),
    )
    await queue.run_import(server.runtime, job.id)
    done = await ImportJob.get(id=job.id)
    lines = await receipt(job.id)
    # Its worker died after storing the last page, before recording the end: the next one runs it again.
    await ImportJob.filter(id=job.id).update(status=JobStatus.RUNNING, finished_at=None)
    await queue.run_import(server.runtime, job.id)

    await job.refresh_from_db()
    assert counters(done) == (JobStatus.SUCCEEDED, None, 1, 1, 0, 2)
    assert counters(job) == counters(done)
    assert await receipt(job.id) == lines
    assert [outcome for _, _, outcome in lines] == ["NOT_FOUND", "IMPORTED", "NOT_FOUND"]
