"""Live updates: publish/subscribe feeding GraphQL subscriptions, within one process or across many.

Services publish only after the database commit. Events are small JSON-able
dicts. ``ORDER_IMPORT_BROADCAST_URL`` picks the fan-out: ``memory://`` (one
process), ``redis://...`` (Redis pub/sub) or the PostgreSQL URL (LISTEN/NOTIFY).
Every process relays what the broker delivers to its own local subscribers, so
a subscriber connected to one process sees events caused in any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

Event = dict[str, Any]


def broker_channel(prefix: str) -> str:
    """The one Redis or PostgreSQL channel carrying a deployment's events (see ``Settings.channel_prefix``)."""
    return f"{prefix}:order_import"


class Broker(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """An async context manager yielding an async iterator of the channel's events."""
        ...


class MemoryBroker:
    """In-process fan-out: one unbounded queue per subscriber."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue[Event]]] = defaultdict(set)

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def publish(self, channel: str, event: Event) -> None:
        self.deliver(channel, event)

    def deliver(self, channel: str, event: Event) -> None:
        for queue in tuple(self._queues.get(channel, ())):
            queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._queues[channel].add(queue)
        try:
            yield _drain(queue)
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]


async def _drain(queue: asyncio.Queue[Event]) -> AsyncIterator[Event]:
    while True:
        yield await queue.get()


class _RelayBroker(MemoryBroker, ABC):
    """A broker between processes: published events go out, and come back to local subscribers."""

    async def publish(self, channel: str, event: Event) -> None:
        await self.send(json.dumps({"channel": channel, "event": event}))

    @abstractmethod
    async def send(self, message: str) -> None:
        """Hand one encoded event to the broker, for every process (this one included)."""

    def received(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
            self.deliver(data["channel"], data["event"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed broadcast message")


class RedisBroker(_RelayBroker):
    """Redis pub/sub on the deployment's channel; redis-py reconnects the subscription when Redis comes back."""

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        import redis.asyncio as redis

        self._redis = redis.from_url(url)
        self._channel = broker_channel(prefix)
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._channel)
        self._reader = asyncio.create_task(self._read(pubsub), name="broadcast-redis")

    async def _read(self, pubsub: Any) -> None:
        try:
            async for message in pubsub.listen():
                self.received(message["data"])
        finally:
            await pubsub.aclose()

    async def send(self, message: str) -> None:
        await self._redis.publish(self._channel, message)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._redis.aclose()


class PostgresBroker(_RelayBroker):
    """PostgreSQL LISTEN/NOTIFY on the deployment's channel: one listening connection, notifications sent with
    ``pg_notify``."""

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__()
        self._url = "postgresql://" + url.split("://", 1)[1]
        self._channel = broker_channel(prefix)
        self._listener: Any = None
        self._sender: Any = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        import asyncpg

        self._listener = await asyncpg.connect(self._url)
        await self._listener.add_listener(self._channel, lambda _conn, _pid, _channel, payload: self.received(payload))
        self._sender = await asyncpg.connect(self._url)

    async def send(self, message: str) -> None:
        async with self._lock:
            await self._sender.execute("SELECT pg_notify($1, $2)", self._channel, message)

    async def close(self) -> None:
        for connection in (self._listener, self._sender):
            if connection is not None:
                await connection.close()


def create_broker(url: str, prefix: str) -> Broker:
    """The broker ``url`` names; between processes, on the channel of ``prefix`` (``Settings.channel_prefix``)."""
    scheme = url.split("://", 1)[0]
    if scheme == "memory":
        return MemoryBroker()
    if scheme in ("redis", "rediss"):
        return RedisBroker(url, prefix)
    if scheme in ("postgres", "postgresql"):
        return PostgresBroker(url, prefix)
    raise ValueError(f"ORDER_IMPORT_BROADCAST_URL must be memory://, redis:// or postgres://, not {scheme}://")


T = TypeVar("T")


@dataclass(eq=False)
class _Local:
    """One subscriber of a shared channel: what it wants, and its queue of prepared events (or of their failure)."""

    wants: Callable[[Event], bool]
    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)


@dataclass(eq=False)
class _Shared:
    prepare: Callable[[Event], Awaitable[Any]]
    ready: asyncio.Future[None]
    subscribers: set[_Local] = field(default_factory=set)
    pump: asyncio.Task[None] | None = None


class Fanout:
    """This process's subscribers of broker channels, served together.

    A channel has one broker subscription in the process, however many local subscribers it has, and each event
    is prepared once (its database read, say) for all of those that want it: the work of an event does not grow
    with the subscribers. Every subscriber of a channel passes the same ``prepare``; the first one's is used.
    """

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._channels: dict[str, _Shared] = {}

    @asynccontextmanager
    async def subscribe(
        self, channel: str, prepare: Callable[[Event], Awaitable[T]], wants: Callable[[Event], bool]
    ) -> AsyncIterator[AsyncIterator[T]]:
        """The prepared events of ``channel`` that ``wants`` accepts, from once the broker subscription is live."""
        shared = self._channels.get(channel)
        if shared is None:
            shared = self._channels[channel] = _Shared(prepare, asyncio.get_running_loop().create_future())
            shared.pump = asyncio.create_task(self._pump(channel, shared), name=f"fanout-{channel}")
        local = _Local(wants)
        shared.subscribers.add(local)
        try:
            await asyncio.shield(shared.ready)
            yield _prepared(local.queue)
        finally:
            shared.subscribers.discard(local)
            if not shared.subscribers and self._channels.get(channel) is shared:
                del self._channels[channel]
                assert shared.pump is not None
                shared.pump.cancel()
                await asyncio.wait([shared.pump])  # its broker subscription closed when the last subscriber left

    async def _pump(self, channel: str, shared: _Shared) -> None:
        try:
            async with self._broker.subscribe(channel) as events:
                shared.ready.set_result(None)
                async for event in events:
                    try:
                        takers = [local for local in shared.subscribers if local.wants(event)]
                    except Exception:  # a malformed event: the others still come through
                        log.exception("a subscriber's filter failed on an event of %s", channel)
                        continue
                    if not takers:
                        continue
                    try:
                        prepared = await shared.prepare(event)
                    except Exception as exc:  # each taker raises it, as if it had prepared the event itself
                        prepared = _Failed(exc)
                    for local in takers:
                        local.queue.put_nowait(prepared)
        except Exception as exc:  # the broker failed: every subscriber of the channel ends with its error
            if self._channels.get(channel) is shared:
                del self._channels[channel]
            if not shared.ready.done():
                shared.ready.set_exception(exc)
                shared.ready.exception()  # retrieved: the subscribers waiting for it raise it, if any
            for local in shared.subscribers:
                local.queue.put_nowait(_Failed(exc))


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


async def _prepared(queue: asyncio.Queue[Any]) -> AsyncIterator[Any]:
    while True:
        item = await queue.get()
        if isinstance(item, _Failed):
            raise item.error
        yield item


def pending_channel(seller_id: object) -> str:
    return f"pending:{seller_id}"


def job_channel(job_id: object) -> str:
    return f"job:{job_id}"


def alert_channel(seller_id: object) -> str:
    return f"alerts:{seller_id}"


# ``{"token": id}`` for each revoked API token: every process closes the token's open websockets.
REVOKED_TOKENS = "tokens:revoked"


class Change(StrEnum):
    """How the pending list changed: an order became pending, a pending one changed, or one left it."""

    ADDED = "ADDED"
    UPDATED = "UPDATED"
    REMOVED = "REMOVED"


@dataclass(frozen=True, slots=True)
class PendingChange:
    """One change to a seller's pending list: the imported order, the status it now has, its store and platform."""

    change: Change
    order: str  # the ImportedOrder's id
    status: str
    seller: str
    store: str
    platform: str

    @property
    def channel(self) -> str:
        return pending_channel(self.seller)

    def message(self) -> Event:
        return {
            "change": self.change.value,
            "id": self.order,
            "status": self.status,
            "store": self.store,
            "platform": self.platform,
        }

    @classmethod
    def read(cls, seller: object, message: Event) -> PendingChange | None:
        """The change a message on ``seller``'s channel announces; ``None`` for one that cannot be read."""
        try:
            return cls(
                Change(message["change"]),
                str(message["id"]),
                str(message["status"]),
                str(seller),
                str(message["store"]),
                str(message["platform"]),
            )
        except (KeyError, ValueError, TypeError):
            log.warning("ignored a malformed pending-list event")
            return None


@dataclass(frozen=True, slots=True)
class JobChanged:
    """An import job's status or counters changed."""

    job: str

    @property
    def channel(self) -> str:
        return job_channel(self.job)

    def message(self) -> Event:
        return {"job": self.job}


@dataclass(frozen=True, slots=True)
class TokenRevoked:
    """An API token was revoked: every process closes its open websockets."""

    token: str

    @property
    def channel(self) -> str:
        return REVOKED_TOKENS

    def message(self) -> Event:
        return {"token": self.token}


@dataclass(frozen=True, slots=True)
class AlertRaised:
    """A new alert for a seller (its id; subscribers read the row)."""

    seller: str
    alert: str

    @property
    def channel(self) -> str:
        return alert_channel(self.seller)

    def message(self) -> Event:
        return {"alert": self.alert}


Announcement = PendingChange | JobChanged | TokenRevoked | AlertRaised


async def announce(broker: Broker, *events: Announcement) -> None:
    """Publish ``events`` (after the commit that made them true), in order."""
    for event in events:
        await broker.publish(event.channel, event.message())
