"""Each store's recovery schedule: when its next automatic run is due.

A store's runs fall on slots of its interval shifted by an offset derived from its id, so stores with the same
interval are spread over it (no thundering herd at :00) and a store keeps its slot across restarts and
changes. A failing store backs off: its next run waits ``interval * 2**failures``, at most a day.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from ..models import RecoverySchedule

DEFAULT_INTERVAL = 900
DEFAULT_HOURS = 2
MAX_INTERVAL = 24 * 3600
MAX_BACKOFF = timedelta(days=1)
SOON = timedelta(minutes=1)  # new credentials: the next run comes this soon
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def offset(store_id: uuid.UUID, interval_seconds: int) -> int:
    """The store's place within its interval, in whole seconds: stable, and even across stores."""
    return store_id.int % interval_seconds


def next_slot(store_id: uuid.UUID, interval_seconds: int, after: datetime) -> datetime:
    """The store's first slot later than ``after``."""
    elapsed = (after - _EPOCH).total_seconds() - offset(store_id, interval_seconds)
    periods = int(elapsed // interval_seconds) + 1
    return _EPOCH + timedelta(seconds=periods * interval_seconds + offset(store_id, interval_seconds))


def backoff(interval_seconds: int, failures: int) -> timedelta:
    """How long a store waits after ``failures`` failed runs in a row."""
    return min(timedelta(seconds=interval_seconds * 2 ** min(failures, 32)), MAX_BACKOFF)


async def create(conn: BaseDBAsyncClient, store_id: uuid.UUID, now: datetime) -> RecoverySchedule:
    """A new store's schedule: enabled, the defaults, its first run at its slot."""
    return await RecoverySchedule.create(
        store_id=store_id,
        enabled=True,
        interval_seconds=DEFAULT_INTERVAL,
        hours=DEFAULT_HOURS,
        next_run_at=next_slot(store_id, DEFAULT_INTERVAL, now),
        using_db=conn,
    )


async def disable(conn: BaseDBAsyncClient, store_id: uuid.UUID) -> None:
    """A disconnected store is not checked any more."""
    await RecoverySchedule.filter(store_id=store_id).using_db(conn).update(enabled=False, next_run_at=None)


async def run_soon(conn: BaseDBAsyncClient, store_id: uuid.UUID, now: datetime, *, within: timedelta = SOON) -> None:
    """The store's next run comes within ``within`` (sooner if it was due sooner) and its failures are forgotten:
    new credentials deserve a try without the backoff of the old ones."""
    enabled = RecoverySchedule.filter(store_id=store_id, enabled=True).using_db(conn)
    await enabled.update(failures=0)
    await enabled.filter(next_run_at__gt=now + within).update(next_run_at=now + within)
