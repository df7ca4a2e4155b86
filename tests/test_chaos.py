"""The chaos simulation of automatic recovery: a day of orders on the six built-in platforms, compressed into
seconds, whose webhooks are 30 % lost and 10 % late, on platforms that throttle; on PostgreSQL one of the two
worker processes is killed with SIGKILL in the middle of a scheduled import.

At the end every order is in the Transaction List or the pending list exactly once; each order whose webhook
was lost or late was found by the schedule, by the run that could first see it or by the next one (one
interval later); a late webhook resolved the order the schedule had found; every automatic import is audited
under the actor ``schedule``; and each run that found orders raised one ORDERS_RECOVERED alert counting them.
The figures (orders, lost, late, found, time to find) are printed (``pytest -s``); docs/benchmarks.md keeps
them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from plugins.bigcommerce.emulator import BigCommerceEmulator
from plugins.ebay.emulator import EbayEmulator
from plugins.ecwid.emulator import EcwidEmulator
from plugins.paypal.emulator import PayPalEmulator
from plugins.shopify.emulator import ShopifyEmulator
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.models import DeliveryStatus, WebhookDelivery
from server.platforms.testing.faults import FaultQueueDouble
from server.settings import Settings
from tests.conftest import CONNECT_STORE, new_token
from tests.databases import POSTGRES_SERVER, SQLITE, on_postgres, require_service
from tests.graphql.test_every_platform import ALL_PLUGINS
from tests.graphql.test_recovery import SET_RECOVERY
from tests.support import PUBLIC_URL, TEST_SETTINGS, Server, running_server, serve_app
from tests.test_processes import _free_port, create_token, postgres_database
from tests.test_worker_crash import Process, healthy, order_import

SEED = 14
WAVES = 6  # the day's orders reach the platforms in this many waves, one interval apart
ORDERS_PER_PLATFORM = (40, 60)
LOST, LATE = 0.30, 0.10  # shares of each platform's orders whose webhook never comes, or comes late
DAY = (timedelta(minutes=110), timedelta(minutes=5))  # placed between 110 and 5 minutes before the start
INTERVAL = 2  # seconds between two scheduled runs of a store
HOURS = 2  # each run imports the last 2 hours: the whole day
THROTTLE_SHARE = 0.5  # of the waves in which a platform throttles its next requests (1 or 2 of them)
THROTTLE_WAIT = 0.05  # the Retry-After of a throttle, in the day's compressed time
POLL = 0.1  # seconds between two looks at the runs (late webhooks wait for them)
DELIVERY_ATTEMPTS = 3  # a platform delivers a webhook again when the connection broke before an answer
LISTING = b"created_at:>="  # in the body of Shopify's orders search by creation time, which an import by time sends
SETTLE_SECONDS = 45.0  # the longest the day's end may take to settle before the checks say what is missing

FATES = ON_TIME, LOST_WEBHOOK, LATE_WEBHOOK = "on time", "lost", "late"  # of an order's creation webhook
AUTOMATIC = ("SCHEDULE", "WEBHOOK_SILENCE")
# Each platform's own rate limit well above what the day asks: throttles come from the fault queue, seeded.
EMULATORS: dict[str, Callable[[], FaultQueueDouble]] = {
    "shopify": lambda: ShopifyEmulator(shop_domain="chaos.myshopify.com", bucket_size=1e9, restore_rate=1e9),
    "woocommerce": lambda: WooCommerceEmulator(seed=SEED),
    "bigcommerce": lambda: BigCommerceEmulator(quota=1_000_000),
    "ebay": lambda: EbayEmulator(seed=SEED, verify_endpoints=False),  # nobody serves the public URL's challenge
    "ecwid": lambda: EcwidEmulator(seed=SEED),
    "paypal": lambda: PayPalEmulator(seed=SEED),
}
# What a seller enters besides what the emulator serves: eBay's notification endpoint needs its verification token.
CREDENTIALS = {"ebay": {"verification_token": "chaos-verification-token-0123456789abcdef"}}
RECOVERED = re.compile(r"(\d+) orders? that webhooks missed (?:was|were) found on (.+)")

PAGE = "pageInfo { hasNextPage endCursor }"
RUNS = f"""query($after: String) {{ importJobs(first: 200, after: $after) {{ {PAGE}
  edges {{ node {{ id trigger startedBy status imported errorCode startedAt finishedAt store {{ id }} }} }} }} }}"""
PENDING_ROWS = f"""query($after: String) {{ pendingImports(first: 200, after: $after) {{ {PAGE}
  edges {{ node {{ orderId importedAt store {{ id }} job {{ id trigger }} }} }} }} }}"""
LISTED = f"""query($after: String) {{ transactions(first: 200, after: $after) {{ {PAGE}
  edges {{ node {{ orderId source store {{ id }} }} }} }} }}"""
AUDIT = f"""query($after: String) {{ auditLog(first: 200, after: $after) {{ {PAGE}
  edges {{ node {{ at actor action detail job {{ id }} importedOrder {{ orderId store {{ id }} }} }} }} }} }}"""
ALERTS = f"""query($after: String) {{ alerts(first: 200, after: $after) {{ {PAGE}
  edges {{ node {{ kind message store {{ id name }} job {{ id }} }} }} }} }}"""


@dataclass
class DayOrder:
    """One order of the day: when it was placed, what happens to its webhook, in which wave it appears."""

    platform: str
    index: int  # its place among the platform's orders, oldest first: ``order_webhooks()[index]`` is its delivery
    placed_at: datetime
    fate: str
    wave: int
    order_id: str = ""
    released_at: datetime | None = None  # when the platform had it (and its webhook was sent, lost or held)
    late_sent: bool = False


@dataclass
class Emulated:
    """A platform's emulator, the store connected to it and the orders it gets during the day."""

    name: str
    double: FaultQueueDouble
    orders: list[DayOrder]
    throttles: list[int]  # throttled requests queued at each wave (0: none)
    url: str = ""
    store: str = ""
    throttled: int = 0  # throttle answers it sent
    hold: float = 0.0  # seconds the next listing of orders by creation time (Shopify's search) is held

    def endpoint(self, api: Server) -> str:
        return f"{api.url}/webhooks/{self.name}/{self.store}"

    def watched(self) -> web.Application:
        """The emulator's app, counting the throttle answers it sends (HTTP 429, Shopify's THROTTLED) and holding
        the next listing by creation time when told to (``hold``)."""

        @web.middleware
        async def watch(request: web.Request, handler: Any) -> web.StreamResponse:
            if self.hold and LISTING in await request.read():
                held, self.hold = self.hold, 0.0
                await asyncio.sleep(held)
            response: web.StreamResponse = await handler(request)
            body = response.body if isinstance(response, web.Response) else None
            if response.status == 429 or (isinstance(body, bytes) and b'"THROTTLED"' in body):
                self.throttled += 1
            return response

        app = self.double.app()
        app.middlewares.insert(0, watch)  # outermost: it sees the answers of the emulator's own fault middleware
        return app


def plan(rng: random.Random, start: datetime) -> list[Emulated]:
    """The day: each platform's orders, placed over the day, each with the fate of its webhook and its wave."""
    day = []
    for name, make in EMULATORS.items():
        count = rng.randint(*ORDERS_PER_PLATFORM)
        ago = sorted(rng.sample(range(int(DAY[1].total_seconds()), int(DAY[0].total_seconds())), count), reverse=True)
        lost, late = round(count * LOST), round(count * LATE)
        fates = [LOST_WEBHOOK] * lost + [LATE_WEBHOOK] * late + [ON_TIME] * (count - lost - late)
        rng.shuffle(fates)
        orders = [
            DayOrder(name, n, start - timedelta(seconds=ago[n]), fates[n], n * WAVES // count) for n in range(count)
        ]
        throttles = [rng.choice((1, 2)) if rng.random() < THROTTLE_SHARE else 0 for _ in range(WAVES)]
        day.append(Emulated(name, make(), orders, throttles))
    return day


@dataclass
class Run:
    """An automatic import job as the API shows it."""

    id: str
    store: str
    trigger: str
    started_by: str
    status: str
    imported: int
    error_code: str | None
    started_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status != "RUNNING"


@dataclass
class Outcome:
    """What the seller sees at the end of the day."""

    runs: dict[str, Run]
    listed: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


@dataclass
class Figures:
    variant: str
    orders: int = 0
    on_time: int = 0
    lost: int = 0
    late: int = 0
    found: int = 0
    runs: int = 0
    recovered_alerts: int = 0
    throttled: int = 0
    by_first_run: int = 0
    time_to_find: list[float] = field(default_factory=list)
    seconds: float = 0.0
    kill: str = ""
    killed_at: datetime | None = None

    def summary(self) -> str:
        found = sorted(self.time_to_find)
        lines = [
            f"chaos simulation ({self.variant}), {self.seconds:.1f} s:",
            f"  {self.orders} orders on {len(EMULATORS)} platforms in {WAVES} waves: {self.on_time} webhooks on time,"
            f" {self.lost} lost, {self.late} late",
            f"  {self.found} found by the schedule ({self.lost} lost + {self.late} late) in {self.runs} automatic runs"
            f" every {INTERVAL} s: {self.by_first_run} by the run that could first see them,"
            f" {self.found - self.by_first_run} by the next one; {self.recovered_alerts} ORDERS_RECOVERED alerts",
            f"  time to find (webhook lost → pending): median {statistics.median(found):.2f} s, max {found[-1]:.2f} s",
            f"  {self.throttled} throttled answers, each retried",
        ]
        if self.kill:
            lines.append(f"  {self.kill}")
        return "\n".join(lines)


class Day:
    """The simulated day against one API: stores connected, orders released in waves, webhooks sent or not."""

    def __init__(self, api: Server, token: str, emulated: list[Emulated]) -> None:
        self.api = api
        self.token = token
        self.emulated = emulated
        self.runs: dict[str, Run] = {}

    async def connect(self) -> None:
        for emulated in self.emulated:
            variables = {
                "platform": emulated.name,
                "name": f"Chaos {emulated.name}",
                "credentials": dict(emulated.double.credentials()) | CREDENTIALS.get(emulated.name, {}),
                "apiBaseUrl": emulated.url,
            }
            connected = (await self.api.execute(CONNECT_STORE, variables, token=self.token))["connectStore"]
            assert connected["userErrors"] == [], connected
            emulated.store = connected["store"]["id"]
            await self.set_recovery(emulated, enabled=True)

    async def set_recovery(self, emulated: Emulated, *, enabled: bool) -> None:
        variables = {"store": emulated.store, "enabled": enabled, "intervalSeconds": INTERVAL, "hours": HOURS}
        changed = (await self.api.execute(SET_RECOVERY, variables, token=self.token))["setStoreRecovery"]
        assert changed["userErrors"] == [], changed

    async def release(self, wave: int) -> None:
        """The wave's orders appear on their platforms; their webhooks are sent, lost or held back."""
        sends = []
        for emulated in self.emulated:
            fresh = [order for order in emulated.orders if order.wave == wave]
            for order in fresh:
                order.order_id = emulated.double.seed_order(order.placed_at).order_id
            deliveries = self._deliveries(emulated)
            now = datetime.now(UTC)
            for order in fresh:
                order.released_at = now
                if order.fate == ON_TIME:
                    sends.append(self._send(emulated, deliveries[order.index]))
            if emulated.throttles[wave]:
                emulated.double.throttle_next(emulated.throttles[wave], retry_after=THROTTLE_WAIT)
        assert set(await asyncio.gather(*sends)) <= {200}

    async def idle(self, seconds: float) -> None:
        """Let the schedule work for ``seconds``, sending each late webhook once its store's schedule has run."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await self.poll()
            await asyncio.sleep(POLL)

    async def poll(self) -> None:
        self.runs = await automatic_runs(self.api, self.token)
        sends = []
        for emulated in self.emulated:
            finished = [r.started_at for r in self.runs.values() if r.store == emulated.store and r.finished]
            due = [
                order
                for order in emulated.orders
                if order.fate == LATE_WEBHOOK
                and not order.late_sent
                and order.released_at is not None
                and any(started >= order.released_at for started in finished)
            ]
            if due:
                deliveries = self._deliveries(emulated)
                for order in due:
                    order.late_sent = True
                    sends.append(self._send(emulated, deliveries[order.index]))
        assert set(await asyncio.gather(*sends)) <= {200}

    async def finish(self) -> None:
        """Go on until every store has had a run since its last orders and every late webhook was sent."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while not self._finished():
            assert time.monotonic() < deadline, "the schedule did not run on every store after the last wave"
            await asyncio.sleep(POLL)
            await self.poll()

    def _finished(self) -> bool:
        for emulated in self.emulated:
            last = max(order.released_at or datetime.max.replace(tzinfo=UTC) for order in emulated.orders)
            ran = [r for r in self.runs.values() if r.store == emulated.store and r.finished and r.started_at >= last]
            if not ran or any(o.fate == LATE_WEBHOOK and not o.late_sent for o in emulated.orders):
                return False
        return True

    async def end(self, unsettled: Callable[[], Awaitable[int]]) -> Outcome:
        """Switch the schedules off and wait for the last runs, webhooks and alerts; what the seller sees then."""
        for emulated in self.emulated:
            await self.set_recovery(emulated, enabled=False)
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            outcome = await self.outcome()
            running = any(not run.finished for run in outcome.runs.values())
            alerted = len([a for a in outcome.alerts if a["kind"] == "ORDERS_RECOVERED"])
            expected = len([run for run in outcome.runs.values() if run.imported])
            if (not running and alerted >= expected and not await unsettled()) or time.monotonic() > deadline:
                return outcome
            await asyncio.sleep(POLL)

    async def outcome(self) -> Outcome:
        # Jobs first: a job and its IMPORT_STARTED entry are written together, so each job listed is audited.
        runs = await automatic_runs(self.api, self.token)
        return Outcome(
            runs=runs,
            audit=await every(self.api, self.token, AUDIT, "auditLog"),
            pending=await every(self.api, self.token, PENDING_ROWS, "pendingImports"),
            listed=await every(self.api, self.token, LISTED, "transactions"),
            alerts=await every(self.api, self.token, ALERTS, "alerts"),
        )

    def _deliveries(self, emulated: Emulated) -> list[tuple[dict[str, str], bytes]]:
        """The signed creation webhook of each order the platform has, oldest first (signed now)."""
        deliveries = emulated.double.order_webhooks()
        seeded = [order for order in emulated.orders if order.order_id]
        assert len(deliveries) == len(seeded)
        return deliveries

    async def _send(self, emulated: Emulated, delivery: tuple[dict[str, str], bytes]) -> int:
        """Deliver it as the platform does: again when the connection broke before an answer (a kept-alive
        connection the server closed meanwhile); a delivery that did arrive is then answered as a replay."""
        headers, body = delivery
        for attempt in range(DELIVERY_ATTEMPTS):
            try:
                async with self.api.session.post(emulated.endpoint(self.api), data=body, headers=headers) as response:
                    await response.read()
                    return response.status
            except aiohttp.ClientConnectionError:
                if attempt + 1 == DELIVERY_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")


async def every(api: Server, token: str, query: str, name: str) -> list[dict[str, Any]]:
    """Every node of a connection, page after page."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.execute(query, {"after": after}, token=token))[name]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def automatic_runs(api: Server, token: str) -> dict[str, Run]:
    return {
        node["id"]: Run(
            id=node["id"],
            store=node["store"]["id"],
            trigger=node["trigger"],
            started_by=node["startedBy"],
            status=node["status"],
            imported=node["imported"],
            error_code=node["errorCode"],
            started_at=datetime.fromisoformat(node["startedAt"]),
            finished_at=datetime.fromisoformat(node["finishedAt"]) if node["finishedAt"] else None,
        )
        for node in await every(api, token, RUNS, "importJobs")
        if node["trigger"] != "SELLER"
    }


def check(emulated: list[Emulated], outcome: Outcome, figures: Figures) -> None:
    """The end of the day's invariants; the figures filled in."""
    platform_of = {e.store: e.name for e in emulated}
    orders = {(e.store, o.order_id): o for e in emulated for o in e.orders}
    listed = Counter((row["store"]["id"], row["orderId"]) for row in outcome.listed)
    pending = Counter((row["store"]["id"], row["orderId"]) for row in outcome.pending)

    # Every order in the Transaction List or the pending list, exactly once, and nothing else there.
    assert set(listed) | set(pending) == set(orders)
    twice = {
        (orders[key].platform, key[1], orders[key].fate): (listed[key], pending[key])
        for key in orders
        if listed[key] + pending[key] != 1
    }
    assert twice == {}, "(platform, order, webhook) → (times in the Transaction List, times pending)"
    on_time, lost, late = ({key for key, o in orders.items() if o.fate == fate} for fate in FATES)
    assert on_time | late <= set(listed)  # their webhooks came, late ones after the schedule had found them
    assert lost <= set(pending)

    # Every automatic run succeeded, started by the schedule and audited as such.
    runs = outcome.runs
    assert {r.id: (r.status, r.error_code) for r in runs.values() if r.status != "SUCCEEDED"} == {}
    assert {r.started_by for r in runs.values()} == {"schedule"}
    started = Counter(
        (e["job"]["id"], e["actor"], e["detail"]["trigger"]) for e in outcome.audit if e["action"] == "IMPORT_STARTED"
    )
    assert {r.id: started[(r.id, "schedule", r.trigger)] for r in runs.values()} == {r: 1 for r in runs}

    # Each order a run imported is audited once, under the schedule, on that run; no order imported twice.
    imported = [e for e in outcome.audit if e["action"] == "ORDER_IMPORTED"]
    assert {e["actor"] for e in imported} <= {"schedule"}
    found = {(e["importedOrder"]["store"]["id"], e["importedOrder"]["orderId"]): e for e in imported}
    assert len(found) == len(imported)
    assert Counter(e["job"]["id"] for e in imported) == {r.id: r.imported for r in runs.values() if r.imported}

    # Each lost or late order was found by the schedule: by the run that could first see it (the first to start
    # once the platform had it) or by the next one, one interval later.
    missed = lost | late
    assert missed - set(found) == set()
    late_finds = {}
    for key in sorted(missed):
        order, entry = orders[key], found[key]
        assert order.released_at is not None
        run = runs[entry["job"]["id"]]
        assert run.trigger in AUTOMATIC
        earlier = [r for r in runs.values() if r.store == key[0] and order.released_at <= r.started_at < run.started_at]
        if run.started_at >= order.released_at and len(earlier) > 1:
            late_finds[key] = len(earlier)
        figures.by_first_run += not earlier
        figures.time_to_find.append((datetime.fromisoformat(entry["at"]) - order.released_at).total_seconds())
    assert late_finds == {}, "found only by the run after next: (store, order) → runs that missed it"
    on_job = {(row["store"]["id"], row["orderId"]): row["job"] for row in outcome.pending}
    assert {key: on_job[key]["id"] for key in lost} == {key: found[key]["job"]["id"] for key in lost}
    resolved = {
        (e["importedOrder"]["store"]["id"], e["importedOrder"]["orderId"]): e["actor"]
        for e in outcome.audit
        if e["action"] == "RESOLVED_BY_WEBHOOK"
    }
    assert {key: resolved.get(key) for key in late} == {key: f"webhook:{platform_of[key[0]]}" for key in late}

    # One ORDERS_RECOVERED alert per run that found orders, naming the store and counting what that run found;
    # no other alert (no store failed, no webhook registration was lost).
    assert [a for a in outcome.alerts if a["kind"] != "ORDERS_RECOVERED"] == []
    recovered = outcome.alerts
    counted = {}
    for alert in recovered:
        match = RECOVERED.fullmatch(alert["message"])
        assert match is not None, alert["message"]
        assert (match[2], alert["store"]["name"]) == (f"Chaos {platform_of[alert['store']['id']]}",) * 2
        counted[alert["job"]["id"]] = int(match[1])
    assert len(counted) == len(recovered)
    unalerted = {
        r.id: (platform_of[r.store], r.imported, f"ran {r.started_at:%H:%M:%S.%f} to {r.finished_at:%H:%M:%S.%f}")
        for r in runs.values()
        if r.imported and r.id not in counted
    }
    killed = f"; a process was killed at {figures.killed_at:%H:%M:%S.%f}" if figures.killed_at else ""
    assert unalerted == {}, f"runs that found orders and raised no ORDERS_RECOVERED alert{killed}"
    assert counted == {r.id: r.imported for r in runs.values() if r.imported}

    # The platforms throttled, and every throttle was answered and retried (all runs and webhooks went through).
    assert {e.name: e.throttled for e in emulated} == {e.name: sum(e.throttles) for e in emulated}

    figures.orders = len(orders)
    figures.on_time, figures.lost, figures.late = len(on_time), len(lost), len(late)
    figures.found = len(missed)
    figures.runs = len(runs)
    figures.recovered_alerts = len(recovered)
    figures.throttled = sum(e.throttled for e in emulated)


@contextlib.asynccontextmanager
async def emulators(emulated: list[Emulated]) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        for e in emulated:
            e.url = await stack.enter_async_context(serve_app(e.watched()))
        yield


async def test_a_day_of_lost_and_late_webhooks_is_recovered_by_the_schedule_in_process():
    """SQLite: one server process runs the API, the webhooks and the schedule."""
    started = time.monotonic()
    start = datetime.now(UTC).replace(microsecond=0)
    emulated = plan(random.Random(SEED), start)
    figures = Figures("SQLite, one in-process server")
    chaos_settings = replace(
        TEST_SETTINGS,
        database_url=SQLITE,
        extra_plugins=ALL_PLUGINS,
        recovery_min_interval=1,
        recovery_tick_seconds=0.2,
        job_wait_seconds=Settings.job_wait_seconds,  # as `serve` waits for a run the tick starts
        retry_attempts=Settings.retry_attempts,  # as `serve` retries a throttled request
    )

    async def unsettled() -> int:
        return await WebhookDelivery.filter(status__in=(DeliveryStatus.RECEIVED, DeliveryStatus.FAILED)).count()

    async with emulators(emulated), running_server(chaos_settings) as server:
        day = Day(server, await new_token("chaos"), emulated)
        await day.connect()
        for wave in range(WAVES):
            await day.release(wave)
            await day.idle(INTERVAL)
        await day.finish()
        outcome = await day.end(unsettled)
        left = await unsettled()

    assert left == 0, "webhook deliveries left unprocessed or failed"
    check(emulated, outcome, figures)
    figures.seconds = time.monotonic() - started
    print("\n" + figures.summary())


KILL_WAVE = 2  # after this wave's release, the worker running the Shopify store's scheduled import is killed
KILL_HOLD = 8.0  # seconds Shopify holds that import's listing: longer than it takes to kill its worker
LEASE = 2  # ORDER_IMPORT_JOB_LEASE_SECONDS: a worker silent this long is gone, its imports back in the queue
RUNNING = """
SELECT j.id, j.trigger, j.fetched, p.worker_id FROM import_job j
JOIN procrastinate_jobs p ON p.args->>'job_id' = j.id::text AND p.task_name = 'run_import' AND p.status = 'doing'
WHERE j.store_id = $1 AND j.status = 'RUNNING'
"""


@dataclass
class Worker:
    kind: str  # "serve" (the API and a worker) or "worker"
    process: Process


class Cluster:
    """``order-import serve`` and ``order-import worker`` on one PostgreSQL database, each running a worker of the
    task queue; ``api`` follows the ``serve`` process."""

    def __init__(self, env: dict[str, str], db: asyncpg.Connection, stack: contextlib.AsyncExitStack, api: Server):
        self.env = env
        self.db = db
        self.stack = stack
        self.api = api
        self.workers: dict[int, Worker] = {}  # by the task queue's worker id, the killed one included

    async def serve(self) -> None:
        port = _free_port()
        process = await self.stack.enter_async_context(order_import(self.env, "serve", "--port", str(port)))
        url = f"http://127.0.0.1:{port}"
        await healthy(url, process)  # it has migrated the database
        self.api.url = url
        await self._registered(Worker("serve", process))

    async def worker(self) -> None:
        await self._registered(Worker("worker", await self.stack.enter_async_context(order_import(self.env, "worker"))))

    async def _registered(self, worker: Worker) -> None:
        for _ in range(300):
            ids = {row["id"] for row in await self.db.fetch("SELECT id FROM procrastinate_workers")} - set(self.workers)
            if ids:
                self.workers[max(ids)] = worker
                return
            assert worker.process.process.returncode is None, "".join(worker.process.stderr)
            await asyncio.sleep(0.05)
        raise AssertionError(f"the {worker.kind} process's worker did not register")

    async def unsettled(self) -> int:
        count: int = await self.db.fetchval(
            "SELECT count(*) FROM webhook_delivery WHERE status IN ('RECEIVED', 'FAILED')"
        )
        return count

    async def kill_mid_import(self, emulated: Emulated) -> tuple[str, datetime]:
        """Once the store's platform holds the listing of a scheduled import (``hold``), SIGKILL the process whose
        worker runs that import; once the other process has finished it, a killed ``serve`` is started again.
        What happened, in words, and when the process was killed."""
        store_id = uuid.UUID(emulated.store)
        await self._eventually(lambda: self._true(emulated.hold == 0))  # the import waits for the platform's answer
        await self._eventually(self._settled)  # the webhooks the API took were processed: none left behind
        [hanging] = await self.db.fetch(RUNNING, store_id)  # that import: a store runs one import by time at a time
        assert hanging["trigger"] == "SCHEDULE"
        victim = self.workers[hanging["worker_id"]]
        victim.process.process.send_signal(signal.SIGKILL)
        killed_at = datetime.now(UTC)
        assert await victim.process.process.wait() == -signal.SIGKILL
        job = await self._eventually(
            lambda: self.db.fetchrow(
                "SELECT status, finished_at FROM import_job WHERE id = $1 AND status <> 'RUNNING'", hanging["id"]
            ),
            within=30,
        )
        assert job["status"] == "SUCCEEDED" and job["finished_at"] > killed_at
        survivor = next(w for w in self.workers.values() if w is not victim and w.process.process.returncode is None)
        took = (job["finished_at"] - killed_at).total_seconds()
        happened = (
            f"the `{victim.kind}` process was killed (SIGKILL) during a scheduled import of the Shopify store,"
            f" waiting for Shopify's answer ({hanging['fetched']} orders stored); the `{survivor.kind}` process"
            f" finished that import {took:.1f} s later"
        )
        if victim.kind == "serve":
            await self.serve()
            happened += "; `serve` was started again"
        return happened, killed_at

    async def _settled(self) -> bool | None:
        return await self._true(await self.unsettled() == 0)

    @staticmethod
    async def _true(condition: bool) -> bool | None:
        return True if condition else None

    async def _eventually(self, check: Callable[[], Awaitable[Any]], within: float = 10.0) -> Any:
        deadline = time.monotonic() + within
        while (found := await check()) is None:
            assert time.monotonic() < deadline, "never happened"
            await asyncio.sleep(0.02)
        return found


@pytest.mark.database
async def test_a_day_of_lost_and_late_webhooks_is_recovered_by_two_workers_one_killed_mid_import():
    """PostgreSQL: ``serve`` and ``worker`` share the task queue; one is killed with SIGKILL mid-import."""
    if not on_postgres():
        pytest.skip("the PostgreSQL pass runs it (ORDER_IMPORT_TEST_DATABASE=postgres)")
    await require_service("PostgreSQL", POSTGRES_SERVER)
    started = time.monotonic()
    start = datetime.now(UTC).replace(microsecond=0)
    emulated = plan(random.Random(SEED), start)
    [shopify] = [e for e in emulated if e.name == "shopify"]  # its webhooks need no request to the platform
    figures = Figures("PostgreSQL, `serve` + `worker`, one killed")
    async with (
        emulators(emulated),
        postgres_database() as database,
        aiohttp.ClientSession() as session,
        contextlib.AsyncExitStack() as stack,
    ):
        env = os.environ | {
            "ORDER_IMPORT_DATABASE_URL": database,
            "ORDER_IMPORT_SECRET_KEY": "chaos-secret",
            "ORDER_IMPORT_ALLOW_LOCAL_API": "1",
            "ORDER_IMPORT_PUBLIC_URL": PUBLIC_URL,
            "ORDER_IMPORT_RATE_LIMITS": TEST_SETTINGS.rate_limits,
            "ORDER_IMPORT_JOB_LEASE_SECONDS": str(LEASE),
            "ORDER_IMPORT_RECOVERY_MIN_INTERVAL": "1",
            "ORDER_IMPORT_RECOVERY_TICK_SECONDS": "1",  # the task queue's periodic tasks run on whole seconds
        }
        db = await asyncpg.connect(database)
        stack.push_async_callback(db.close)
        api = Server(url="", runtime=None, session=session)  # type: ignore[arg-type]
        cluster = Cluster(env, db, stack, api)
        await cluster.serve()
        token, _ = await asyncio.gather(asyncio.to_thread(create_token, env), cluster.worker())
        day = Day(api, token, emulated)
        await day.connect()
        for wave in range(WAVES):
            if wave == KILL_WAVE:
                shopify.hold = KILL_HOLD
            await day.release(wave)
            if wave == KILL_WAVE:
                figures.kill, figures.killed_at = await cluster.kill_mid_import(shopify)
            await day.idle(INTERVAL)
        await day.finish()
        outcome = await day.end(cluster.unsettled)
        left = await cluster.unsettled()

    logs = {f"{w.kind} (worker {n})": "".join(w.process.stderr) for n, w in cluster.workers.items()}
    assert left == 0, "webhook deliveries left unprocessed or failed"
    failed = {name: log for name, log in logs.items() if "Traceback" in log}
    assert not failed, "\n".join(f"--- {name}\n{log}" for name, log in failed.items())
    check(emulated, outcome, figures)
    figures.seconds = time.monotonic() - started
    print("\n" + figures.summary())
