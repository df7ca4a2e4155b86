"""Automatic recovery: each store is checked for orders its webhooks missed, without the seller asking.

``set_recovery`` is the seller's setting (``setStoreRecovery``). ``tick``, run every few seconds by every
server and worker process, starts the runs that are due: a store whose schedule slot has come (trigger
SCHEDULE, an import by time of its ``hours``), and at once a store whose webhooks went quiet (trigger
WEBHOOK_SILENCE, once per silence episode: until a webhook arrives again). Each run is claimed with a
conditional UPDATE of the schedule row, so of several processes ticking at the same moment exactly one starts
it. A few stores run at a time; each platform's own rate limiting is its connector's (``HttpClient``). How a
run's end is recorded is ``runs``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from ..errors import DomainError, InvalidInput, StoreNotFound
from ..models import AuditAction, ImportTrigger, RecoverySchedule, Seller, Store
from ..platforms import Capability
from ..ratelimits import RateLimited
from ..runtime import Runtime
from . import audit, changes, imports, runs, schedules, webhooks
from .stores import get_store

log = logging.getLogger(__name__)

RUNS_AT_ONCE = 4  # stores started together by one process's tick
BATCH = 100  # due stores one tick looks at; the rest come at the next
HOURS = range(1, 7)
QUIET_AFTER = timedelta(hours=1)  # webhook_health never calls a store quiet sooner


async def set_recovery(
    rt: Runtime,
    seller: Seller,
    store_id: str,
    *,
    enabled: bool,
    interval_seconds: int,
    hours: int,
    actor: str,
) -> Store:
    """Change a store's schedule, audited (RECOVERY_CHANGED, before and after) in the same transaction.

    A schedule switched on, or given another interval, runs next at the store's slot; one switched off never
    runs until switched on again.
    """
    if hours not in HOURS:
        raise InvalidInput("hours must be 1, 2, 3, 4, 5 or 6", field="hours")
    shortest = rt.settings.recovery_min_interval
    if not shortest <= interval_seconds <= schedules.MAX_INTERVAL:
        raise InvalidInput(
            f"intervalSeconds must be at least {shortest} (this server's minimum) and at most "
            f"{schedules.MAX_INTERVAL} (a day)",
            field="intervalSeconds",
        )
    store = await get_store(seller, store_id)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        schedule = await RecoverySchedule.filter(store_id=store.id).using_db(conn).select_for_update().first()
        if schedule is None:  # a store connected before schedules existed and not given one
            schedule = await schedules.create(conn, store.id, now)
        before = _setting(schedule)
        columns: dict[str, Any] = {"enabled": enabled, "interval_seconds": interval_seconds, "hours": hours}
        if not enabled:
            columns["next_run_at"] = None
        elif not schedule.enabled or schedule.interval_seconds != interval_seconds or schedule.next_run_at is None:
            columns["next_run_at"] = schedules.next_slot(store.id, interval_seconds, now)
        schedule.update_from_dict(columns)
        after = _setting(schedule)
        if after != before:
            await RecoverySchedule.filter(store_id=store.id).using_db(conn).update(**columns)
            entry = audit.entry(
                AuditAction.RECOVERY_CHANGED,
                seller_id=seller.id,
                actor=actor,
                at=now,
                store_id=store.id,
                before=before,
                after=after,
            )
            await audit.record(conn, [entry])
    return store


def _setting(schedule: RecoverySchedule) -> dict[str, Any]:
    """What the seller sets, as the API names it."""
    return {"enabled": schedule.enabled, "intervalSeconds": schedule.interval_seconds, "hours": schedule.hours}


@dataclass(frozen=True)
class _Run:
    store: Store
    trigger: ImportTrigger
    hours: int


async def tick(rt: Runtime) -> None:
    """Start every run that is due now and that this process claims first. Never raises for one store."""
    now = datetime.now(UTC)
    claimed = [run for run in [await _claim(rt, row, now) for row in await _candidates(rt, now)] if run]
    if not claimed:
        return
    gate = asyncio.Semaphore(RUNS_AT_ONCE)

    async def start(run: _Run) -> None:
        async with gate:
            await _start(rt, run)

    await asyncio.gather(*(start(run) for run in claimed))


async def _candidates(rt: Runtime, now: datetime) -> list[RecoverySchedule]:
    """Enabled schedules of connected stores that may be due: their slot has come, or their webhooks may have
    gone quiet since the last silence check. Only stores whose platform imports by time."""
    live = RecoverySchedule.filter(enabled=True, store__disconnected_at=None).select_related("store")
    slot = await live.filter(next_run_at__lte=now).order_by("next_run_at").limit(BATCH)
    silent = await live.filter(
        Q(silence_checked_at__isnull=True) | Q(silence_checked_at__lt=F("store__last_webhook_at")),
        store__webhook_count__gte=webhooks.MIN_HISTORY,
        store__last_webhook_at__lt=now - QUIET_AFTER,
    ).limit(BATCH)
    rows = {row.store_id: row for row in [*slot, *silent]}.values()
    return [row for row in rows if _imports_by_time(rt, row.store)]


def _imports_by_time(rt: Runtime, store: Store) -> bool:
    cls = rt.registry.get(store.platform)
    return cls is not None and Capability.LIST_ORDERS_CREATED in cls.capabilities


async def _claim(rt: Runtime, schedule: RecoverySchedule, now: datetime) -> _Run | None:
    """The run this process claimed for the store, or None when none is due or another process was first.

    A quiet store's silence episode is claimed by moving ``silence_checked_at`` past its last webhook, a slot
    by moving ``next_run_at`` on by at least half an interval: the first UPDATE to change the row wins.
    """
    store = schedule.store
    mine = RecoverySchedule.filter(store_id=store.id, enabled=True)
    silence = None
    health = webhooks.webhook_health(store, now)
    last = store.last_webhook_at
    if health.quiet and last is not None:
        episode = Q(silence_checked_at__isnull=True) | Q(silence_checked_at__lt=last)
        if await mine.filter(episode).update(silence_checked_at=now):
            silent_hours = math.ceil((now - last).total_seconds() / 3600)
            silence = _Run(store, ImportTrigger.WEBHOOK_SILENCE, max(schedule.hours, min(silent_hours, HOURS[-1])))
    slot = None
    if schedule.next_run_at is not None and schedule.next_run_at <= now:
        later = now + timedelta(seconds=schedule.interval_seconds / 2)
        upcoming = schedules.next_slot(store.id, schedule.interval_seconds, later)
        if await mine.filter(next_run_at__lte=now).update(next_run_at=upcoming):
            slot = _Run(store, ImportTrigger.SCHEDULE, schedule.hours)
    return silence or slot  # both due: the silence run covers the slot's hours


async def _start(rt: Runtime, run: _Run) -> None:
    store = run.store
    try:
        seller = await Seller.get(id=store.seller_id)
        await imports.start_import(
            rt,
            seller,
            platform=store.platform,
            store_id=str(store.id),
            order_ref=None,
            hours=run.hours,
            trigger=run.trigger,
            started_by=audit.SCHEDULE,
        )
    except (RateLimited, StoreNotFound) as exc:  # the seller's own imports come first; disconnected meanwhile
        log.info("store %s: automatic run not started (%s)", store.id, exc.code)
    except DomainError as exc:  # the store as stored cannot be imported from: a failed run
        await runs.refused(rt, store, exc)
    except Exception:
        log.exception("store %s: automatic run failed to start", store.id)
    if run.trigger == ImportTrigger.SCHEDULE:  # and once a scheduled run, what platforms changed after accept
        try:
            await changes.recheck_accepted(rt, store)
        except Exception:
            log.exception("store %s: recent orders not read again", store.id)
