"""This process's open connections by API token: each is closed soon after its token is revoked or expires;
and the tokens it authenticated lately (``TokenCache``), so that a request needs no query to authenticate.

A revocation is announced on the broker after its commit by whichever process made it (a server, or
``order-import token revoke``), and reaches every process at once. A re-check of every watched token,
one query every few seconds, covers what no message announces: an expiry, a message lost while the
broker was away, or a revocation made by another process with ``memory://`` as the broker. A cached
token is dropped on the announcement, and is read again at the latest ``TOKEN_CACHE_SECONDS`` after
it was read: a revocation no message reaches takes effect within that bound too.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from .events import REVOKED_TOKENS, Broker
from .models import ApiToken

log = logging.getLogger(__name__)

Close = Callable[[], Awaitable[None]]
TOKEN_CACHE_SECONDS = 4.0  # under the 5 s within which a revocation takes effect on every process
TOKEN_CACHE_SIZE = 10_000


class TokenCache:
    """Tokens this process read lately, by their hash, each kept until ``seconds`` after the read began.

    ``clock`` is monotonic seconds. Whether a token is still usable (its expiry) is checked on every use by
    the caller; what the cache hides is a revocation, for at most ``seconds``, or not at all once announced.
    """

    def __init__(
        self,
        seconds: float = TOKEN_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        size: int = TOKEN_CACHE_SIZE,
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self._size = size
        self._entries: dict[str, tuple[ApiToken, float]] = {}  # token hash -> (token, when it must be read again)
        self._hashes: dict[uuid.UUID, str] = {}  # token id -> its hash

    def get(self, token_hash: str) -> ApiToken | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        token, until = entry
        if self.clock() >= until:
            self._drop(token_hash)
            return None
        return token

    def put(self, token_hash: str, token: ApiToken, read_at: float) -> None:
        """Keep ``token``, read from the database by a query begun at ``read_at`` (this cache's clock): a
        revocation committed during that read is then hidden no longer than one committed before it."""
        if len(self._entries) >= self._size:
            self._drop(next(iter(self._entries)))  # the oldest
        self._entries[token_hash] = (token, read_at + self.seconds)
        self._hashes[token.id] = token_hash

    def forget(self, token_id: uuid.UUID) -> None:
        token_hash = self._hashes.get(token_id)
        if token_hash is not None:
            self._drop(token_hash)

    def _drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is not None:
            self._hashes.pop(entry[0].id, None)


class TokenWatch:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._open: dict[uuid.UUID, set[Close]] = {}
        self.tokens = TokenCache()  # this process's authenticated tokens: dropped here when announced revoked

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
                self.tokens.forget(token_id)
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
