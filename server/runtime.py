"""The long-lived resources of one server process, opened whole by ``open_runtime`` and closed with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pluggy

from .background import Background
from .crypto import CredentialsCipher
from .db import close_database, open_database
from .events import Broker, Fanout, create_broker
from .jobs import JobDispatcher, NoWorker
from .outbound import create_session
from .platforms import RetryPolicy
from .platforms.manager import PlatformRegistry, get_plugin_manager, notify
from .ratelimits import RateLimits
from .settings import Settings
from .token_watch import TokenWatch


@dataclass(slots=True)
class Runtime:
    settings: Settings
    registry: PlatformRegistry
    session: aiohttp.ClientSession  # every outbound request: platforms' APIs, through the address rules
    broker: Broker  # live updates, within this process or across processes
    fanout: Fanout  # the broker's channels shared by this process's subscribers: an event's work done once
    jobs: JobDispatcher  # who runs import jobs: installed by ``server.queue.running_worker``
    cipher: CredentialsCipher  # store credentials and connector state at rest
    rate_limits: RateLimits
    retry_policy: RetryPolicy  # of every connector's HttpClient
    token_watch: TokenWatch  # open websockets, closed when their token is revoked
    background: Background  # tasks that outlive a request (webhook processing, periodic chores)

    @property
    def pm(self) -> pluggy.PluginManager:
        return self.registry.pm

    async def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a notification hook after a commit (see ``platforms.manager.notify``)."""
        await notify(self.pm, hook_name, **kwargs)


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Load the plugins, open the database, the HTTP session and the broker; close them all on the way out."""
    registry = PlatformRegistry(
        get_plugin_manager(load_entry_points=settings.load_entry_points, plugins=settings.extra_plugins)
    )
    async with AsyncExitStack() as stack:
        await open_database(settings.database_url)
        stack.push_async_callback(close_database)
        session = create_session(allow_local=settings.allow_local_api)
        stack.push_async_callback(session.close)
        broker = create_broker(settings.broadcast_url, settings.broadcast_channel_prefix)
        await broker.start()
        stack.push_async_callback(broker.close)
        rate_limits = RateLimits(settings.rate_limits, settings.broadcast_url, settings.broadcast_channel_prefix)
        stack.push_async_callback(rate_limits.close)
        background = Background()
        stack.push_async_callback(background.shutdown)
        yield Runtime(
            settings=settings,
            registry=registry,
            session=session,
            broker=broker,
            fanout=Fanout(broker),
            jobs=NoWorker(),
            cipher=CredentialsCipher(settings.secret_key),
            rate_limits=rate_limits,
            retry_policy=RetryPolicy(
                attempts=settings.retry_attempts, base_delay=settings.retry_base_delay, timeout=settings.http_timeout
            ),
            token_watch=TokenWatch(broker),
            background=background,
        )
