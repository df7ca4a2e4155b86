"""What the end of an automatic run (trigger SCHEDULE or WEBHOOK_SILENCE) does.

The store's schedule keeps the run as its last one. Orders found raise ORDERS_RECOVERED (one alert per run).
A success forgets earlier failures, clears IMPORT_FAILING and CREDENTIALS_REJECTED, and checks the store's
webhook registrations at its platform: one the platform removed or disabled is registered again, and what
cannot be is WEBHOOK_SILENT until it can. A failure backs the schedule off (``schedules.backoff``); credentials
the platform refuses raise CREDENTIALS_REJECTED at once, other failures IMPORT_FAILING after
``FAILING_AFTER`` in a row. Alerts are deduplicated by condition, so a store failing run after run has one.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from tortoise.expressions import F

from ..errors import DomainError
from ..models import AlertKind, ImportJob, JobStatus, RecoverySchedule, RegisteredWebhook, Store
from ..platforms import Capability
from ..platforms.codes import ErrorCode
from ..runtime import Runtime
from . import alerts, registrations, schedules

log = logging.getLogger(__name__)

FAILING_AFTER = 3  # failed runs in a row before IMPORT_FAILING
CREDENTIAL_CODES = frozenset({ErrorCode.CREDENTIALS_REJECTED, ErrorCode.PLATFORM_AUTH})


def condition(kind: AlertKind, store_id: uuid.UUID) -> str:
    """The condition of a store's alert of ``kind`` (one open alert per store and kind)."""
    return f"{kind.value}:{store_id}"


async def finished(rt: Runtime, job_id: uuid.UUID) -> None:
    """Raise or clear the store's alerts, then record the run as the schedule's last one. Never raises."""
    try:
        job = await ImportJob.get(id=job_id)
        store = await Store.get(id=job.store_id)
        try:
            if job.imported > 0 and not job.dry_run:
                await _recovered(rt, store, job)
            if job.status == JobStatus.SUCCEEDED:
                await _succeeded(rt, store)
            else:
                await _failed(rt, store, job.error_code, job.error, job.id)
        finally:  # last: a run shown as the last one has had all its effects
            await RecoverySchedule.filter(store_id=store.id).update(
                last_run_at=job.finished_at or datetime.now(UTC), last_job_id=job.id
            )
    except Exception:
        log.exception("the end of automatic run %s was not recorded", job_id)


async def finished_unless_recorded(rt: Runtime, job: ImportJob) -> None:
    """``finished`` for a run whose worker stopped between finishing it and recording its end (the task is handed
    to another worker, which finds the job finished); nothing when its end is recorded. When a later run's end
    is recorded, the store's state is that run's: only the alert of the orders this run found is still owed."""
    schedule = await RecoverySchedule.filter(store_id=job.store_id).first()
    if schedule is None or schedule.last_job_id == job.id:
        return
    if schedule.last_run_at is not None and job.finished_at is not None and schedule.last_run_at >= job.finished_at:
        if job.imported > 0 and not job.dry_run:
            try:
                await _recovered(rt, await Store.get(id=job.store_id), job)  # one alert per run: raised at most once
            except Exception:
                log.exception("the orders found by automatic run %s were not alerted", job.id)
        return
    await finished(rt, job.id)


async def _recovered(rt: Runtime, store: Store, job: ImportJob) -> None:
    found = job.imported
    orders = "1 order that webhooks missed was" if found == 1 else f"{found} orders that webhooks missed were"
    await alerts.raise_alert(
        rt,
        seller_id=store.seller_id,
        kind=AlertKind.ORDERS_RECOVERED,
        condition=f"{AlertKind.ORDERS_RECOVERED.value}:{job.id}",
        message=f"{orders} found on {store.name}",
        store_id=store.id,
        job_id=job.id,
        detail={"imported": found, "fetched": job.fetched, "trigger": job.trigger.value},
    )


async def _succeeded(rt: Runtime, store: Store) -> None:
    await RecoverySchedule.filter(store_id=store.id).update(failures=0)
    for kind in (AlertKind.IMPORT_FAILING, AlertKind.CREDENTIALS_REJECTED):
        await alerts.clear(rt, seller_id=store.seller_id, condition=condition(kind, store.id))
    await check_registrations(rt, store)


async def refused(rt: Runtime, store: Store, error: DomainError) -> None:
    """A run that could not start (the store as stored cannot be imported from) fails as a run does."""
    try:
        await _failed(rt, store, error.code, error.message, None)
    except Exception:
        log.exception("the refused automatic run of store %s was not recorded", store.id)


async def _failed(rt: Runtime, store: Store, code: str | None, error: str | None, job_id: uuid.UUID | None) -> None:
    await RecoverySchedule.filter(store_id=store.id).update(failures=F("failures") + 1)
    schedule = await RecoverySchedule.get_or_none(store_id=store.id)
    if schedule is None:
        return
    if schedule.enabled:
        later = datetime.now(UTC) + schedules.backoff(schedule.interval_seconds, schedule.failures)
        await RecoverySchedule.filter(store_id=store.id, enabled=True).update(next_run_at=later)
    detail = {"errorCode": code, "error": error, "failures": schedule.failures}
    if code in CREDENTIAL_CODES:
        await alerts.raise_alert(
            rt,
            seller_id=store.seller_id,
            kind=AlertKind.CREDENTIALS_REJECTED,
            condition=condition(AlertKind.CREDENTIALS_REJECTED, store.id),
            message=f"{_platform_name(rt, store)} refuses the credentials of {store.name}: enter new ones with Edit "
            "store. Until then its automatic checks back off.",
            store_id=store.id,
            job_id=job_id,
            detail=detail,
        )
    elif schedule.failures >= FAILING_AFTER:
        await alerts.raise_alert(
            rt,
            seller_id=store.seller_id,
            kind=AlertKind.IMPORT_FAILING,
            condition=condition(AlertKind.IMPORT_FAILING, store.id),
            message=f"Automatic checks of {store.name} failed {schedule.failures} times in a row: {error}",
            store_id=store.id,
            job_id=job_id,
            detail=detail,
        )


def _platform_name(rt: Runtime, store: Store) -> str:
    cls = rt.registry.get(store.platform)
    return cls.display_name if cls is not None else store.platform


async def check_registrations(rt: Runtime, store: Store) -> None:
    """Register the store's order webhooks again where this app registers them, and raise WEBHOOK_SILENT
    (naming what the platform holds, or why it could not be asked) while one cannot be restored."""
    cls = rt.registry.get(store.platform)
    if cls is None or Capability.REGISTER_WEBHOOKS not in cls.capabilities or not rt.settings.public_url:
        return
    await registrations.register(rt, store)
    problem = store.webhook_registration_problem
    if problem is None:
        held = await RegisteredWebhook.filter(store_id=store.id).order_by("topic")
        if not held:
            problem = f"{cls.display_name} holds no order webhook for this store"
        broken = [row for row in held if not row.active or row.problem]
        if broken:
            problem = "; ".join(
                f"{cls.display_name} holds {row.topic} {'active' if row.active else 'not active'}"
                + (f" ({row.problem})" if row.problem else "")
                for row in broken
            )
    silent = condition(AlertKind.WEBHOOK_SILENT, store.id)
    if problem is None:
        await alerts.clear(rt, seller_id=store.seller_id, condition=silent)
        return
    await alerts.raise_alert(
        rt,
        seller_id=store.seller_id,
        kind=AlertKind.WEBHOOK_SILENT,
        condition=silent,
        message=f"Order webhooks of {store.name} cannot be restored at {cls.display_name}: {problem}. Automatic "
        "checks still find missed orders; register its webhook URL at the platform by hand.",
        store_id=store.id,
        detail={"problem": problem},
    )
