"""This process's open connections by API token: each is closed soon after its token is revoked or expires.

A revocation is announced on the broker after its commit by whichever process made it (a server, or
``order-import token revoke``), and reaches every process at once. A re-check of every watched token,
one query every few seconds, covers what no message announces: an expiry, a message lost while the
broker was away, or a revocation made by another process with ``memory://`` as the broker.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from .events import REVOKED_TOKENS, Broker
from .models import ApiToken

log = logging.getLogger(__name__)

Close = Callable[[], Awaitable[None]]


class TokenWatch:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._open: dict[uuid.UUID, set[Close]] = {}

    def watch(self, token_id: uuid.UUID, close: Close) -> Callable[[], None]:
        """Await ``close`` once the token is revoked or expired; the function returned stops watching."""
        closers = self._open.setdefault(token_id, set())
        closers.add(close)

        def forget() -> None:
            closers.discard(close)
            if not closers and self._open.get(token_id) is closers:
                del self._open[token_id]

        return forget

    def watched(self) -> set[uuid.UUID]:
        return set(self._open)

    async def listen(self) -> None:
        """Close the connections of each token announced as revoked, until cancelled."""
        async with self._broker.subscribe(REVOKED_TOKENS) as events:
            async for event in events:
                try:
                    token_id = uuid.UUID(str(event["token"]))
                except (KeyError, ValueError):
                    log.warning("ignored a malformed token revocation")
                    continue
                await self._close(token_id)

    async def recheck(self, now: datetime | None = None) -> None:
        """Close the connections of every watched token no longer usable (one query, none when nothing is open)."""
        watched = list(self._open)
        if not watched:
            return
        now = now or datetime.now(UTC)
        rows = await ApiToken.filter(id__in=watched).only("id", "revoked_at", "expires_at")
        still_usable = {row.id for row in rows if row.usable(now)}
        for token_id in watched:
            if token_id not in still_usable:
                await self._close(token_id)

    async def _close(self, token_id: uuid.UUID) -> None:
        for close in self._open.pop(token_id, set()):
            try:
                await close()
            except Exception:  # one connection failing to close must not keep the others open
                log.exception("closing a connection of a revoked API token failed")
