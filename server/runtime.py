"""The long-lived resources of one server process, created and closed by the app's lifespan."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pluggy

from .crypto import CredentialsCipher
from .events import Broker
from .platforms import RetryPolicy
from .platforms.manager import PlatformRegistry
from .ratelimits import RateLimits
from .services.background import Background
from .services.token_watch import TokenWatch
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    registry: PlatformRegistry
    session: aiohttp.ClientSession
    broker: Broker
    jobs: Any = None  # server.services.jobs.JobRunner, set once the runtime exists
    background: Background = field(default_factory=Background)

    def __post_init__(self) -> None:
        self.cipher = CredentialsCipher(self.settings.secret_key)
        self.token_watch = TokenWatch(self.broker)  # open websockets, closed when their token is revoked
        self.rate_limits = RateLimits(self.settings.rate_limits, self.settings.broadcast_url)
        self.retry_policy = RetryPolicy(
            attempts=self.settings.retry_attempts,
            base_delay=self.settings.retry_base_delay,
            timeout=self.settings.http_timeout,
        )

    @property
    def pm(self) -> pluggy.PluginManager:
        return self.registry.pm

    async def notify(self, hook_name: str, **kwargs: Any) -> None:
        """Call a lifecycle hook of every plugin after a commit; failures are logged, never raised."""
        hook: Callable[..., list[Any]] = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():  # type: ignore[attr-defined]
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
                if hasattr(result, "__await__"):
                    await result
            except Exception:
                log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
