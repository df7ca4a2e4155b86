"""Jobs never stay RUNNING forever; interrupted work completes on a re-run without duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from server.errors import ErrorCode
from server.models import ImportedOrder, ImportJob, JobStatus, Store
from server.services import imports
from tests.graphql.test_import_flow import add, import_orders


async def test_a_job_whose_process_died_is_marked_interrupted(server, token, store_id):
    store = await Store.get(id=store_id)
    stale = await ImportJob.create(
        seller_id=store.seller_id,
        store=store,
        method="TIME",
        hours=1,
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    alive = await ImportJob.create(
        seller_id=store.seller_id, store=store, method="TIME", hours=1, heartbeat_at=datetime.now(UTC)
    )

    assert await server.runtime.jobs.sweep() == 1

    await stale.refresh_from_db()
    await alive.refresh_from_db()
    assert (stale.status, stale.error_code) == (JobStatus.FAILED, ErrorCode.INTERRUPTED)
    assert stale.finished_at is not None
    assert "run the import again" in stale.error
    assert alive.status == JobStatus.RUNNING


async def test_a_stopping_server_marks_its_running_jobs_and_a_rerun_completes(server, token, store_id, shopify):
    for minutes in range(1, 61):
        add(shopify, minutes)
    shopify.delay_next(1.0)  # the first page is slow: the job is mid-flight when the server stops
    quick = replace(server.runtime.settings, job_wait_seconds=0.1)  # answer while the job still runs
    server.runtime.settings, patient = quick, server.runtime.settings

    running = (await import_orders(server, token, store_id, hours=2))["job"]
    await server.runtime.jobs.shutdown()

    job = await ImportJob.get(id=running["id"])
    assert running["status"] == "RUNNING"
    assert (job.status, job.error_code) == (JobStatus.FAILED, ErrorCode.INTERRUPTED)
    server.runtime.settings = patient
    again = (await import_orders(server, token, store_id, hours=2))["job"]
    assert (again["status"], again["imported"] + again["skipped"]) == ("SUCCEEDED", 60)
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
