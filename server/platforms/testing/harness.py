"""A platform double served on a loopback port, and a connector driven against it (no pytest).

``serve_double`` starts the double's aiohttp application on 127.0.0.1 (with
``reshape_middleware``) and yields a ``Harness``: it builds connectors the way the
core does (the double's credentials, an ``HttpClient`` over a fresh
``aiohttp.ClientSession`` with a ``RetryPolicy``, ``api_base_url`` = the double's
URL, one ``ConnectorState`` per set of credentials) and runs their operations.
Every operation is checked on the way out: a result must be ``Order``s that keep
the normalized invariants, an error must be a ``ConnectorError`` whose message
holds no secret. Anything else raises ``AssertionError`` naming the call.

A partner's own test drives its connector the same way::

    async with serve_double(MyConnector, MyEmulator()) as h:
        [seeded] = h.seed([datetime(2026, 5, 1, 10, tzinfo=UTC)])
        order = await h.fetch(h.connector(), seeded.references[0])

``local_time_zone(name)`` runs a block under another local time zone of the
process, to show that parsing does not depend on it.
"""

from __future__ import annotations

import asyncio
import os
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from ..contract import ConnectorState, PlatformConnector
from ..errors import ConnectorError
from ..http import HttpClient, RetryPolicy
from ..models import Order
from .checks import ConformanceWarning, describe, mask, order_problems, secret_problems, secret_values
from .double import PlatformDouble, SeededOrder
from .faults import reshape_middleware

__all__ = [
    "KIT_RETRY_POLICY",
    "BuildKwargs",
    "Harness",
    "core_connector_kwargs",
    "local_time_zone",
    "serve_double",
    "show_call",
    "summarize",
]

T = TypeVar("T")
BuildKwargs = Callable[..., dict[str, Any]]
"""``(double, *, credentials, http, api_base_url, state) -> kwargs`` for the connector class."""

KIT_RETRY_POLICY = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.02, timeout=10.0)
"""The kit's ``RetryPolicy``: three attempts, millisecond backoff, waits capped at 20 ms, a 10 s timeout."""


def core_connector_kwargs(
    double: PlatformDouble,
    *,
    credentials: Mapping[str, str],
    http: HttpClient,
    api_base_url: str,
    state: ConnectorState,
) -> dict[str, Any]:
    """The keyword arguments the core builds a connector with (the default ``BuildKwargs``)."""
    return {"credentials": credentials, "http": http, "api_base_url": api_base_url, "state": state}


OPERATION_TIMEOUT = 120.0
"""Seconds one operation may take before the kit calls it hung (a paging loop, a lost wake-up)."""
_SHUTDOWN_SECONDS = 0.1  # requests a test delayed on purpose are cut short rather than awaited
_LISTED_PROBLEMS = 5


def summarize(problems: list[str], limit: int = _LISTED_PROBLEMS) -> str:
    """The first ``limit`` problems joined, and how many more there are."""
    shown = "; ".join(problems[:limit])
    return f"{shown}; and {len(problems) - limit} more" if len(problems) > limit else shown


def show_call(operation: str, *args: Any) -> str:
    """``fetch_order('#1001')`` / ``orders_created(2026-05-01T10:00:00+00:00, ...)``, as messages show calls."""
    shown = [a.isoformat() if isinstance(a, datetime) else repr(a) for a in args]
    return f"{operation}({', '.join(shown)})"


class Harness:
    """A running double and the connectors built against it."""

    def __init__(
        self,
        *,
        connector_class: type[PlatformConnector],
        double: PlatformDouble,
        url: str,
        session: aiohttp.ClientSession,
        policy: RetryPolicy,
        build_kwargs: BuildKwargs,
    ) -> None:
        self.connector_class = connector_class
        self.double = double
        self.url = url
        self.session = session
        self.policy = policy
        self._build_kwargs = build_kwargs
        self._states: dict[tuple[tuple[str, str], ...], ConnectorState] = {}
        self.seeded: list[SeededOrder] = []
        self.secrets = secret_values(
            connector_class.credential_fields, double.credentials(), double.wrong_credentials()
        )

    def seed(self, times: list[datetime]) -> list[SeededOrder]:
        """Seed one order per time, in the given order; the double must give each a new ``order_id``."""
        seeded = [self.double.seed_order(t) for t in times]
        known = {s.order_id for s in self.seeded}
        for s in seeded:
            if not isinstance(s, SeededOrder):
                raise AssertionError(f"the double's seed_order() returned a {type(s).__name__}, not a SeededOrder")
            if s.order_id in known:
                raise AssertionError(f"the double's seed_order() returned order_id {s.order_id!r} twice")
            known.add(s.order_id)
            self.seeded.append(s)
        return seeded

    def connector(
        self, credentials: Mapping[str, str] | None = None, *, policy: RetryPolicy | None = None
    ) -> PlatformConnector:
        """A connector for the double's store: its accepted credentials unless others are given."""
        if credentials is None:
            which = "double.credentials()"
        else:
            which = "double.wrong_credentials()" if credentials == self.double.wrong_credentials() else "credentials"
        credentials = dict(self.double.credentials() if credentials is None else credentials)
        state = self._states.setdefault(tuple(sorted(credentials.items())), ConnectorState())
        http = HttpClient(self.session, policy or self.policy)
        kwargs = self._build_kwargs(self.double, credentials=credentials, http=http, api_base_url=self.url, state=state)
        name = self.connector_class.__name__
        try:
            return self.connector_class(**kwargs)
        except ConnectorError as exc:
            if leak := self.leak(f"{name}(credentials=...)", exc):
                raise AssertionError(leak) from None
            raise AssertionError(
                f"{name} refused {which} when built: {type(exc).__name__}"
                f"{f' (field {exc.field!r})' if exc.field else ''}: {exc}"
            ) from exc

    async def fetch(self, connector: PlatformConnector, reference: str) -> Order | None:
        """``fetch_order(reference)``: ``None`` or a well-formed ``Order``."""
        call = show_call("fetch_order", reference)
        order = await self.run(call, connector.fetch_order(reference))
        if order is not None:
            _check_order(call, order, "")
        return order

    async def pages(
        self,
        connector: PlatformConnector,
        start: datetime,
        end: datetime,
        *,
        max_pages: int,
        after_page: Callable[[int], None] | None = None,
    ) -> list[list[Order]]:
        """Every page ``orders_created(start, end)`` yields, each a list of well-formed ``Order``s;
        ``after_page(n)`` runs when page ``n`` has arrived, before the connector is asked for the next."""
        call = show_call("orders_created", start, end)

        async def collect() -> tuple[Any, list[Any], bool]:
            pages: list[Any] = []
            result = connector.orders_created(start, end)
            if not hasattr(result, "__anext__"):
                if asyncio.iscoroutine(result):
                    result.close()
                return result, pages, False
            try:
                async for page in result:
                    pages.append(page)
                    if len(pages) > max_pages:
                        return result, pages, True
                    if after_page is not None:
                        after_page(len(pages))
            finally:
                if hasattr(result, "aclose"):
                    await result.aclose()
            return result, pages, False

        result, pages, looping = await self.run(call, collect())
        if not hasattr(result, "__anext__"):
            raise AssertionError(
                f"{call} returned {type(result).__name__}; it must be an async iterator of pages "
                "(an `async def` with `yield`)"
            )
        if looping:
            raise AssertionError(
                f"{call} yielded more than {max_pages} pages for the {len(self.seeded)} orders the double holds: "
                "is it paging in a loop?"
            )
        for number, page in enumerate(pages, 1):
            if not isinstance(page, list):
                raise AssertionError(
                    f"{call} yielded a {type(page).__name__} as page {number}; pages must be lists of Order"
                )
            for position, order in enumerate(page, 1):
                _check_order(call, order, f" (page {number}, item {position})")
        return pages

    async def run(self, call: str, operation: Awaitable[T]) -> T:
        """Await ``operation``: a ``ConnectorError`` passes (once checked for secrets), anything else fails."""
        try:
            async with asyncio.timeout(OPERATION_TIMEOUT) as budget:
                return await operation
        except ConnectorError as exc:
            if leak := self.leak(call, exc):
                # from None, and raised here: a traceback showing the error would print the secret
                raise AssertionError(leak) from None
            raise
        except TimeoutError as exc:
            if budget.expired():
                raise AssertionError(f"{call} did not finish within {OPERATION_TIMEOUT:g}s") from exc
            raise self._not_a_connector_error(call, exc) from exc
        except Exception as exc:
            raise self._not_a_connector_error(call, exc) from exc

    def _not_a_connector_error(self, call: str, exc: BaseException) -> AssertionError:
        return AssertionError(
            f"{call} raised {type(exc).__name__}: {mask(str(exc), self.secrets)}; operations may raise only "
            "server.platforms errors (ConnectorError subclasses), anything else is a bug in the connector"
        )

    def leak(self, call: str, exc: ConnectorError) -> str | None:
        """What is wrong when the error's message holds a secret; warn if an exception chained to it does."""
        text = " ".join(dict.fromkeys([str(exc), str(exc.message)]))
        if leaked := secret_problems(text, self.secrets):
            return (
                f"{call} raised {type(exc).__name__} whose message contains {', '.join(leaked)}: "
                f"{mask(text, self.secrets)!r}"
            )
        seen = {id(exc)}
        cause = exc.__cause__ or exc.__context__
        while cause is not None and id(cause) not in seen:
            seen.add(id(cause))
            if leaked := secret_problems(f"{cause} {cause!r}", self.secrets):
                warnings.warn(
                    ConformanceWarning(
                        f"{call} raised {type(exc).__name__} chained to {type(cause).__name__} whose message "
                        f"contains {', '.join(leaked)}; logs print chained exceptions"
                    ),
                    stacklevel=2,
                )
                break
            cause = cause.__cause__ or cause.__context__
        return None


def _check_order(call: str, order: Any, where: str) -> None:
    if not isinstance(order, Order):
        raise AssertionError(
            f"{call} returned a {type(order).__name__}{where} instead of a server.platforms.Order: {repr(order)[:120]}"
        )
    if problems := order_problems(order):
        raise AssertionError(
            f"{call} returned {describe(order)}{where}, which breaks the Order invariants: {summarize(problems)}"
        )


@asynccontextmanager
async def serve_double(
    connector_class: type[PlatformConnector],
    double: PlatformDouble,
    *,
    policy: RetryPolicy = KIT_RETRY_POLICY,
    build_kwargs: BuildKwargs = core_connector_kwargs,
) -> AsyncIterator[Harness]:
    """Serve ``double.app()`` on 127.0.0.1 (an ephemeral port) for as long as the block runs; connectors
    are built with ``policy`` and the keyword arguments ``build_kwargs`` gives."""
    app = double.app()
    app.middlewares.insert(0, reshape_middleware)  # outermost: the double may take its fault in a middleware
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession() as session:
            yield Harness(
                connector_class=connector_class,
                double=double,
                url=url,
                session=session,
                policy=policy,
                build_kwargs=build_kwargs,
            )
    finally:
        await runner.cleanup()


@contextmanager
def local_time_zone(name: str) -> Iterator[None]:
    """Run the block with the process's local time zone ``name`` (``TZ`` and ``time.tzset()``), then restore it.

    The change is process-wide: keep the block free of threads that read the local time (test runners that
    parallelize with processes, such as pytest-xdist, are fine). Raises ``LookupError`` when the system has
    no such zone or cannot change zones (``time.tzset`` is POSIX-only).
    """
    if not hasattr(time, "tzset"):
        raise LookupError("this system cannot change the local time zone (no time.tzset)")
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    try:
        time.tzset()
        if name not in ("UTC", "Etc/UTC") and time.localtime(0).tm_gmtoff == 0 == time.localtime(1.6e9).tm_gmtoff:
            raise LookupError(f"the system has no time zone {name!r} (TZ={name} reads as UTC)")
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()
