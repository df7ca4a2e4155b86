"""QuotaPacer: requests spend the store's quota down to the reserve, then wait for the window to refill."""

from __future__ import annotations

import math

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from plugins.bigcommerce.quota import RESERVE_SHARE, QuotaPacer
from server.platforms import Response
from tests.support import FakeClock

RESERVE = math.ceil(150 * RESERVE_SHARE)  # of a Standard store's 150 a window


def answer(left: str, *, quota: str = "150", reset_ms: str = "20000") -> Response:
    headers = {
        "X-Rate-Limit-Time-Window-Ms": "30000",
        "X-Rate-Limit-Time-Reset-Ms": reset_ms,
        "X-Rate-Limit-Requests-Quota": quota,
        "X-Rate-Limit-Requests-Left": left,
    }
    return Response(200, CIMultiDictProxy(CIMultiDict(headers)), b"[]", URL("https://api.bigcommerce.com/x"))


async def admitted(pacer: QuotaPacer, clock: FakeClock, times: int) -> int:
    """How many of ``times`` requests are admitted before the first wait."""
    for n in range(times):
        await pacer.admit()
        if clock.waits:
            return n
    return times


async def test_requests_are_admitted_down_to_the_reserve_then_wait_for_the_refill() -> None:
    clock = FakeClock(start=50.0)
    pacer = QuotaPacer(clock=clock, sleep=clock.sleep)
    pacer.note(answer("40"))

    assert await admitted(pacer, clock, 100) == 40 - RESERVE
    assert clock.waits == [20.0]
    clock.waits.clear()
    assert await admitted(pacer, clock, 200) == 200  # a new window: nothing known until an answer says


async def test_before_any_answer_nothing_waits() -> None:
    clock = FakeClock(start=50.0)
    pacer = QuotaPacer(clock=clock, sleep=clock.sleep)

    assert await admitted(pacer, clock, 500) == 500


async def test_answers_arriving_out_of_order_keep_the_lowest_count_of_the_window() -> None:
    clock = FakeClock(start=50.0)
    pacer = QuotaPacer(clock=clock, sleep=clock.sleep)
    pacer.note(answer(str(RESERVE + 1)))
    pacer.note(answer("60"))  # sent earlier, answered later

    assert await admitted(pacer, clock, 5) == 1


async def test_an_answer_from_the_next_window_replaces_the_count() -> None:
    clock = FakeClock(start=50.0)
    pacer = QuotaPacer(clock=clock, sleep=clock.sleep)
    pacer.note(answer(str(RESERVE), reset_ms="1000"))
    clock.now += 2  # the window refilled without us waiting
    pacer.note(answer("149"))

    assert await admitted(pacer, clock, 100) == 100


async def test_answers_without_the_headers_or_with_nonsense_change_nothing() -> None:
    clock = FakeClock(start=50.0)
    pacer = QuotaPacer(clock=clock, sleep=clock.sleep)
    pacer.note(Response(200, CIMultiDictProxy(CIMultiDict()), b"", URL("https://api.bigcommerce.com/x")))
    for nonsense in (answer("many"), answer("-1"), answer("10", quota="0"), answer("10", reset_ms="inf")):
        pacer.note(nonsense)

    assert await admitted(pacer, clock, 300) == 300
