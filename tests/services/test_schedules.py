"""Recovery slots: spread over the interval by store, stable, and a failing store backs off to a day at most."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from server.services import schedules

NOW = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)


def test_stores_are_spread_over_the_interval_not_bunched_at_the_hour():
    stores = [uuid.uuid4() for _ in range(900)]

    firsts = [schedules.next_slot(store, 900, NOW) for store in stores]

    assert all(NOW < first <= NOW + timedelta(seconds=900) for first in firsts)
    minutes = Counter(int((first - NOW).total_seconds() - 1) // 60 for first in firsts)  # whole seconds, 1 to 900
    assert sorted(minutes) == list(range(15))  # every minute of the quarter hour has some
    assert max(minutes.values()) < 3 * 900 / 15  # and none holds a crowd
    assert sum(first.second == 0 and first.minute % 15 == 0 for first in firsts) < 10


def test_a_store_keeps_its_slot():
    store = uuid.uuid4()
    first = schedules.next_slot(store, 900, NOW)

    assert schedules.next_slot(store, 900, NOW + timedelta(seconds=1)) == first
    assert schedules.next_slot(store, 900, first) == first + timedelta(seconds=900)
    assert schedules.next_slot(store, 900, first + timedelta(days=3, seconds=1)) == first + timedelta(
        days=3, seconds=900
    )
    assert schedules.offset(store, 900) == schedules.offset(uuid.UUID(str(store)), 900)


def test_a_failing_store_waits_twice_as_long_after_each_failure_and_a_day_at_most():
    waits = [schedules.backoff(900, failures) for failures in range(1, 9)]

    assert waits[:4] == [timedelta(seconds=s) for s in (1800, 3600, 7200, 14400)]
    assert waits[-1] == timedelta(days=1)
    assert schedules.backoff(300, 10_000) == timedelta(days=1)
