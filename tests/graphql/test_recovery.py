"""Automatic recovery: each store's schedule, the seller's setting, and the runs the recovery tick starts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from plugins.shopify.emulator import ShopifyEmulator
from server.models import (
    Alert,
    AlertKind,
    AuditAction,
    AuditEvent,
    ImportJob,
    ImportTrigger,
    JobStatus,
    RecoverySchedule,
    Store,
)
from server.services import accounts, imports, recovery, registrations, runs, schedules
from tests.conftest import CONNECT_STORE, new_token
from tests.graphql.queries import DISCONNECT_STORE, UPDATE_STORE
from tests.graphql.test_import_flow import add
from tests.support import Server, running_server, serve_app

T = TypeVar("T")
CREDENTIALS = {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"}
RECOVERY = (
    "enabled intervalSeconds hours lastRunAt nextRunAt failures"
    " lastJob { id trigger startedBy status fetched imported dryRun }"
)
STORES = f"query {{ stores {{ id name recovery {{ {RECOVERY} }} }} }}"
SET_RECOVERY = f"""
mutation($store: ID!, $enabled: Boolean!, $intervalSeconds: Int, $hours: Int) {{
  setStoreRecovery(store: $store, enabled: $enabled, intervalSeconds: $intervalSeconds, hours: $hours) {{
    store {{ id recovery {{ {RECOVERY} }} }}
    userErrors {{ code message field }}
  }}
}}
"""


async def eventually(check: Callable[[], Awaitable[T | None]], what: str) -> T:
    """What ``check`` returns once it returns something: a run ends in the background."""
    for _ in range(500):
        if (found := await check()) is not None:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def automatic_jobs(store_id: str) -> list[ImportJob]:
    return await ImportJob.filter(store_id=store_id, trigger__not=ImportTrigger.SELLER).order_by("started_at")


async def ended_runs(store_id: str, count: int) -> list[ImportJob]:
    """The store's automatic runs once ``count`` of them have ended and been recorded on its schedule."""

    async def check() -> list[ImportJob] | None:
        jobs = await automatic_jobs(store_id)
        schedule = await RecoverySchedule.get(store_id=store_id)
        ended = len(jobs) == count and all(job.status != JobStatus.RUNNING for job in jobs)
        return jobs if ended and schedule.last_job_id == jobs[-1].id else None

    return await eventually(check, f"{count} automatic runs ended")


def starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stores automatic runs are started for, in order (a claimed run starts an import)."""
    started: list[str] = []
    real = imports.start_import

    async def start_import(*args: Any, **kwargs: Any) -> ImportJob:
        started.append(kwargs["store_id"])
        return await real(*args, **kwargs)

    monkeypatch.setattr(imports, "start_import", start_import)
    return started


async def due(store_id: str) -> None:
    await RecoverySchedule.filter(store_id=store_id).update(next_run_at=datetime.now(UTC) - timedelta(seconds=1))


async def alerts_of(kind: AlertKind) -> list[Alert]:
    return await Alert.filter(kind=kind).order_by("at")


async def schedule_of(server: Server, token: str) -> dict[str, Any]:
    [store] = (await server.execute(STORES, token=token))["stores"]
    return store["recovery"]  # type: ignore[no-any-return]


async def set_recovery(server: Server, token: str, store: str, **arguments: Any) -> dict[str, Any]:
    variables = {"store": store, "enabled": True} | arguments
    return (await server.execute(SET_RECOVERY, variables, token=token))["setStoreRecovery"]  # type: ignore[no-any-return]


async def test_a_new_store_is_checked_every_15_minutes_at_its_own_slot(server, token, store_id):
    store = await Store.get(id=store_id)

    schedule = await schedule_of(server, token)

    next_run = datetime.fromisoformat(schedule["nextRunAt"])
    assert (schedule["enabled"], schedule["intervalSeconds"], schedule["hours"]) == (True, 900, 2)
    assert (schedule["lastRunAt"], schedule["lastJob"], schedule["failures"]) == (None, None, 0)
    assert next_run == schedules.next_slot(store.id, 900, store.created_at)
    assert store.created_at < next_run <= store.created_at + timedelta(seconds=900)


async def test_the_seller_sets_the_schedule_and_the_change_is_audited(server, token, store_id):
    store = await Store.get(id=store_id)
    before = datetime.now(UTC)

    changed = await set_recovery(server, token, store_id, intervalSeconds=1800, hours=4)

    assert changed["userErrors"] == []
    schedule = changed["store"]["recovery"]
    assert (schedule["enabled"], schedule["intervalSeconds"], schedule["hours"]) == (True, 1800, 4)
    next_run = datetime.fromisoformat(schedule["nextRunAt"])
    assert before < next_run <= datetime.now(UTC) + timedelta(seconds=1800)
    assert next_run.timestamp() % 1800 == schedules.offset(store.id, 1800)  # the store's slot of the new interval
    [entry] = await AuditEvent.filter(action=AuditAction.RECOVERY_CHANGED)
    assert (entry.actor, str(entry.store_id)) == ("token:token-1", store_id)
    assert entry.detail == {
        "before": {"enabled": True, "intervalSeconds": 900, "hours": 2},
        "after": {"enabled": True, "intervalSeconds": 1800, "hours": 4},
    }

    off = await set_recovery(server, token, store_id, enabled=False)

    assert (off["store"]["recovery"]["enabled"], off["store"]["recovery"]["nextRunAt"]) == (False, None)
    assert off["store"]["recovery"]["intervalSeconds"] == 900  # the arguments' defaults
    assert await AuditEvent.filter(action=AuditAction.RECOVERY_CHANGED).count() == 2
    again = await set_recovery(server, token, store_id, enabled=False)
    assert again["userErrors"] == []
    assert await AuditEvent.filter(action=AuditAction.RECOVERY_CHANGED).count() == 2  # nothing changed


async def test_what_the_server_refuses_is_a_user_error_naming_the_argument(server, token, store_id):
    cases = [
        ({"intervalSeconds": 299}, ["intervalSeconds"]),
        ({"intervalSeconds": 86_401}, ["intervalSeconds"]),
        ({"hours": 0}, ["hours"]),
        ({"hours": 7}, ["hours"]),
    ]
    for arguments, field in cases:
        refused = await set_recovery(server, token, store_id, **arguments)

        assert refused["store"] is None
        assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID_INPUT", field)]
    [short] = (await set_recovery(server, token, store_id, intervalSeconds=60))["userErrors"]
    assert "at least 300" in short["message"]
    assert await AuditEvent.filter(action=AuditAction.RECOVERY_CHANGED).count() == 0
    assert (await schedule_of(server, token))["intervalSeconds"] == 900


async def test_another_sellers_store_is_not_found_and_a_read_only_token_changes_nothing(server, token, store_id):
    bob = await new_token("bob")
    seller = await accounts.get_or_create_seller("alice")
    reader = await accounts.create_token(seller, name="reader", read_only=True)

    stolen = await set_recovery(server, bob, store_id, enabled=False)
    refused = await set_recovery(server, reader, store_id, enabled=False)

    assert [(e["code"], e["field"]) for e in stolen["userErrors"]] == [("STORE_NOT_FOUND", ["store"])]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    assert (await schedule_of(server, token))["enabled"] is True
    assert await AuditEvent.filter(action=AuditAction.RECOVERY_CHANGED).count() == 0


async def test_a_disconnected_store_is_no_longer_checked(server, token, store_id):
    await due(store_id)
    payload = (await server.execute(DISCONNECT_STORE, {"id": store_id}, token=token))["disconnectStore"]

    await recovery.tick(server.runtime)

    assert payload["userErrors"] == []
    schedule = await RecoverySchedule.get(store_id=store_id)
    assert (schedule.enabled, schedule.next_run_at) == (False, None)
    assert await automatic_jobs(store_id) == []


async def test_a_due_store_is_run_once_by_ticks_at_the_same_moment_and_its_found_orders_raise_an_alert(
    server, token, store_id, shopify, monkeypatch
):
    for minutes in (10, 40, 70):
        add(shopify, minutes)
    add(shopify, 60 * 5)  # outside the schedule's 2 hours
    store = await Store.get(id=store_id)
    started = starts(monkeypatch)
    await due(store_id)

    await asyncio.gather(recovery.tick(server.runtime), recovery.tick(server.runtime))

    assert started == [store_id]  # one tick claimed it; the other found it claimed
    [job] = await ended_runs(store_id, 1)
    assert (job.trigger, job.started_by, job.hours, job.dry_run) == (ImportTrigger.SCHEDULE, "schedule", 2, False)
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 3)
    [started] = await AuditEvent.filter(action=AuditAction.IMPORT_STARTED, job_id=job.id)
    assert (started.actor, started.detail["trigger"]) == ("schedule", "SCHEDULE")
    assert await AuditEvent.filter(action=AuditAction.ORDER_IMPORTED, actor="schedule").count() == 3
    [alert] = await eventually(lambda: _some(alerts_of(AlertKind.ORDERS_RECOVERED)), "ORDERS_RECOVERED")
    assert alert.message == "3 orders that webhooks missed were found on Alice's shop"
    assert (str(alert.store_id), alert.job_id) == (store_id, job.id)
    schedule = await schedule_of(server, token)
    assert schedule["lastJob"] == {
        "id": str(job.id),
        "trigger": "SCHEDULE",
        "startedBy": "schedule",
        "status": "SUCCEEDED",
        "fetched": 3,
        "imported": 3,
        "dryRun": False,
    }
    assert datetime.fromisoformat(schedule["nextRunAt"]) > datetime.now(UTC) + timedelta(seconds=400)
    assert datetime.fromisoformat(schedule["nextRunAt"]).timestamp() % 900 == schedules.offset(store.id, 900)

    await recovery.tick(server.runtime)  # nothing is due any more

    assert len(await automatic_jobs(store_id)) == 1


async def run_whose_end_is_lost(server: Any, store_id: str, monkeypatch: pytest.MonkeyPatch) -> ImportJob:
    """A scheduled run of the store that finishes, its process dying before it records the run's end."""
    real = runs.finished

    async def killed(rt: Any, job_id: Any) -> None:  # its process died right after the job was marked finished
        return None

    monkeypatch.setattr(runs, "finished", killed)
    await due(store_id)
    await recovery.tick(server.runtime)
    [job] = await eventually(
        lambda: _some(ImportJob.filter(store_id=store_id, status=JobStatus.SUCCEEDED)), "the run finished"
    )
    monkeypatch.setattr(runs, "finished", real)
    return job


async def test_a_worker_handed_a_finished_run_records_its_end_if_the_one_before_stopped_first(
    server, token, store_id, shopify, monkeypatch
):
    for minutes in (10, 40):
        add(shopify, minutes)
    job = await run_whose_end_is_lost(server, store_id, monkeypatch)
    assert await alerts_of(AlertKind.ORDERS_RECOVERED) == []

    await imports.run_recorded_job(server.runtime, job.id)  # the task, handed to another worker
    await imports.run_recorded_job(server.runtime, job.id)  # and again: recorded once

    [alert] = await alerts_of(AlertKind.ORDERS_RECOVERED)
    assert (alert.job_id, alert.message) == (job.id, "2 orders that webhooks missed were found on Alice's shop")
    assert (await RecoverySchedule.get(store_id=store_id)).last_job_id == job.id


async def test_a_run_whose_end_was_lost_still_alerts_its_orders_after_a_later_run_recorded_its_own(
    server, token, store_id, shopify, monkeypatch
):
    add(shopify, 10)
    lost = await run_whose_end_is_lost(server, store_id, monkeypatch)
    await due(store_id)
    await recovery.tick(server.runtime)  # the next run finds nothing new and records its end
    await eventually(
        lambda: _some(RecoverySchedule.filter(store_id=store_id).exclude(last_job_id=None)), "the next run recorded"
    )
    later = (await RecoverySchedule.get(store_id=store_id)).last_job_id
    assert later != lost.id

    await imports.run_recorded_job(server.runtime, lost.id)  # the lost run's task, handed to another worker
    await imports.run_recorded_job(server.runtime, lost.id)

    [alert] = await alerts_of(AlertKind.ORDERS_RECOVERED)
    assert (alert.job_id, alert.message) == (lost.id, "1 order that webhooks missed was found on Alice's shop")
    assert (await RecoverySchedule.get(store_id=store_id)).last_job_id == later  # the later run stays the last


async def test_a_run_that_finds_nothing_raises_no_alert(server, token, store_id, shopify):
    await due(store_id)

    await recovery.tick(server.runtime)

    [job] = await ended_runs(store_id, 1)
    assert (job.status, job.imported) == (JobStatus.SUCCEEDED, 0)
    assert await Alert.all().count() == 0


async def test_a_store_whose_webhooks_went_quiet_is_checked_at_once_once_per_silence(
    server, token, store_id, shopify, monkeypatch
):
    add(shopify, 150)
    now = datetime.now(UTC)
    await Store.filter(id=store_id).update(
        webhook_count=20, webhook_usual_gap=600.0, last_webhook_at=now - timedelta(hours=2, minutes=30)
    )

    await recovery.tick(server.runtime)
    await recovery.tick(server.runtime)

    [job] = await ended_runs(store_id, 1)
    assert (job.trigger, job.hours, job.imported) == (ImportTrigger.WEBHOOK_SILENCE, 3, 1)
    schedule = await RecoverySchedule.get(store_id=store_id)
    assert schedule.next_run_at is not None and schedule.next_run_at > now  # its slot was not due
    started = starts(monkeypatch)
    # A webhook arrived after that check, then the store went quiet again: a new silence.
    await RecoverySchedule.filter(store_id=store_id).update(silence_checked_at=now - timedelta(hours=5))
    await Store.filter(id=store_id).update(last_webhook_at=now - timedelta(hours=4))

    await asyncio.gather(recovery.tick(server.runtime), recovery.tick(server.runtime))

    assert started == [store_id]
    jobs = await ended_runs(store_id, 2)
    assert [j.trigger for j in jobs] == [ImportTrigger.WEBHOOK_SILENCE] * 2
    assert jobs[1].hours == 5


async def test_refused_credentials_back_off_with_one_alert_until_new_ones_work(server, token, store_id, shopify):
    shopify.rotate_token("shpat_rotated")  # the platform now answers 401 to the stored token
    started = datetime.now(UTC)

    for run in (1, 2):
        await due(store_id)
        await recovery.tick(server.runtime)
        jobs = await ended_runs(store_id, run)
        assert (jobs[-1].status, jobs[-1].error_code) == (JobStatus.FAILED, "PLATFORM_AUTH")
        schedule = await RecoverySchedule.get(store_id=store_id)
        assert schedule.failures == run
        assert schedule.next_run_at is not None
        wait = schedule.next_run_at - started
        assert timedelta(seconds=900 * 2**run) <= wait <= timedelta(seconds=900 * 2**run + 60)

    [alert] = await alerts_of(AlertKind.CREDENTIALS_REJECTED)
    assert "Alice's shop" in alert.message and "shpat" not in alert.message
    assert await Alert.filter(kind=AlertKind.IMPORT_FAILING).count() == 0
    rotated = CREDENTIALS | {"access_token": "shpat_rotated"}
    updated = await server.execute(UPDATE_STORE, {"id": store_id, "credentials": rotated}, token=token)
    assert updated["updateStore"]["userErrors"] == []
    schedule = await RecoverySchedule.get(store_id=store_id)
    assert schedule.failures == 0
    assert schedule.next_run_at is not None and schedule.next_run_at <= datetime.now(UTC) + timedelta(minutes=1)

    await due(store_id)
    await recovery.tick(server.runtime)

    jobs = await ended_runs(store_id, 3)
    assert jobs[-1].status == JobStatus.SUCCEEDED
    await eventually(lambda: _none(Alert.filter(open_condition__isnull=False).first()), "alert cleared")
    [cleared] = await alerts_of(AlertKind.CREDENTIALS_REJECTED)
    assert cleared.cleared_at is not None


async def test_other_failures_raise_import_failing_after_three_in_a_row(server, token, store_id, shopify):
    for run in (1, 2, 3):
        shopify.fail_next(503, times=server.runtime.retry_policy.attempts)  # every try of the run: PLATFORM_UNAVAILABLE
        await due(store_id)
        await recovery.tick(server.runtime)
        jobs = await ended_runs(store_id, run)
        assert jobs[-1].error_code == "PLATFORM_UNAVAILABLE"
        failing = await alerts_of(AlertKind.IMPORT_FAILING)
        assert len(failing) == (1 if run == 3 else 0)

    [alert] = failing
    assert alert.message.startswith("Automatic checks of Alice's shop failed 3 times in a row: ")
    assert await Alert.filter(kind=AlertKind.CREDENTIALS_REJECTED).count() == 0

    await due(store_id)
    await recovery.tick(server.runtime)

    await ended_runs(store_id, 4)
    await eventually(lambda: _none(Alert.filter(open_condition__isnull=False).first()), "alert cleared")
    assert (await RecoverySchedule.get(store_id=store_id)).failures == 0


async def test_a_run_registers_again_the_webhook_the_platform_deleted(server, token, store_id, shopify):
    registered = _topics(shopify)
    [url] = {s["uri"] for s in shopify.webhook_subscriptions()}
    shopify.fail_deliveries(url)  # Shopify deletes a subscription after 8 failed deliveries
    assert "ORDERS_CREATE" in registered and "ORDERS_CREATE" not in _topics(shopify)
    await due(store_id)

    await recovery.tick(server.runtime)

    await ended_runs(store_id, 1)
    await eventually(lambda: _found(_topics(shopify) == registered), "registered again")
    assert {s["uri"] for s in shopify.webhook_subscriptions()} == {url}
    assert await Alert.filter(kind=AlertKind.WEBHOOK_SILENT).count() == 0


async def test_a_registration_that_cannot_be_restored_is_webhook_silent_until_it_can(
    server, token, store_id, shopify, monkeypatch
):
    monkeypatch.setattr(registrations, "REGISTER_SECONDS", 0)  # the platform never answers in time
    await due(store_id)

    await recovery.tick(server.runtime)

    await ended_runs(store_id, 1)
    [alert] = await eventually(lambda: _some(alerts_of(AlertKind.WEBHOOK_SILENT)), "WEBHOOK_SILENT")
    assert "Alice's shop" in alert.message and "did not answer the webhook registration" in alert.message
    assert alert.cleared_at is None
    monkeypatch.setattr(registrations, "REGISTER_SECONDS", 20.0)

    await due(store_id)
    await recovery.tick(server.runtime)

    await ended_runs(store_id, 2)
    await eventually(lambda: _none(Alert.filter(open_condition__isnull=False).first()), "alert cleared")
    assert await Alert.filter(kind=AlertKind.WEBHOOK_SILENT).count() == 1


async def test_a_platform_that_refuses_registration_is_named_in_the_alert():
    refusing = ShopifyEmulator(
        shop_domain="test-shop.myshopify.com", access_token="shpat_test_token", access_scopes=frozenset()
    )
    refusing.add_order(created_at=datetime.now(UTC) - timedelta(minutes=5))
    async with running_server() as server, serve_app(refusing.app()) as url:
        token = await new_token("sam")
        variables = {"platform": "shopify", "name": "Sam's", "credentials": CREDENTIALS, "apiBaseUrl": url}
        store_id = (await server.execute(CONNECT_STORE, variables, token=token))["connectStore"]["store"]["id"]
        await due(store_id)

        await recovery.tick(server.runtime)

        [job] = await ended_runs(store_id, 1)
        [silent] = await eventually(lambda: _some(alerts_of(AlertKind.WEBHOOK_SILENT)), "WEBHOOK_SILENT")
        recovered = await alerts_of(AlertKind.ORDERS_RECOVERED)

    assert job.imported == 1 and len(recovered) == 1
    assert "PLATFORM_AUTH" in silent.message and "orders/create" in silent.message
    assert "shpat_test_token" not in silent.message


async def _some(rows: Awaitable[list[T]]) -> list[T] | None:
    return (await rows) or None


async def _none(row: Awaitable[object | None]) -> bool | None:
    return True if await row is None else None


async def _found(condition: bool) -> bool | None:
    return condition or None


def _topics(shopify: ShopifyEmulator) -> set[str]:
    return {s["topic"] for s in shopify.webhook_subscriptions()}
