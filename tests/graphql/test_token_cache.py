"""A server process keeps the tokens it authenticated for a few seconds: no query per request, and a revocation
still refused within 5 seconds on every process (at once where the broker's announcement arrives)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import timedelta

import pytest

from server.events import MemoryBroker
from server.models import ApiToken
from server.services import accounts
from server.token_watch import TOKEN_CACHE_SECONDS, TokenCache, TokenWatch
from tests.graphql.test_tokens import make_token, revoke, status
from tests.support import running_server

pytestmark = pytest.mark.database


class Clock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cached(cache: TokenCache, secret: str) -> ApiToken | None:
    return cache.get(hashlib.sha256(secret.encode()).hexdigest())


async def test_a_token_revoked_by_another_process_is_refused_here_within_the_bound():
    assert TOKEN_CACHE_SECONDS < 5
    async with running_server():
        secret, token_id = await make_token("alice", "laptop")
        clock = Clock()
        here = TokenCache(clock=clock)  # this process; the revocation comes from another, and no message arrives
        assert await accounts.authenticate_token(f"Bearer {secret}", cache=here)

        await accounts.revoke_token(token_id, actor="cli")

        clock.now += TOKEN_CACHE_SECONDS - 0.01
        assert await accounts.authenticate_token(f"Bearer {secret}", cache=here)  # read 3.99 s ago: not again yet
        clock.now += 0.01
        assert await accounts.authenticate_token(f"Bearer {secret}", cache=here) is None


async def test_an_announced_revocation_drops_the_token_from_every_process_at_once():
    async with running_server():
        secret, token_id = await make_token("alice", "laptop")
        broker = MemoryBroker()
        clock = Clock()  # never moves: only the announcement can drop the token
        watches = [TokenWatch(broker), TokenWatch(broker)]
        for watch in watches:
            watch.tokens = TokenCache(clock=clock)
        listening = [asyncio.create_task(watch.listen()) for watch in watches]
        try:
            await asyncio.sleep(0)  # each listener subscribes in its first step
            for watch in watches:
                assert await accounts.authenticate_token(f"Bearer {secret}", cache=watch.tokens)

            await accounts.revoke_token(token_id, actor="cli", broker=broker)
            for _ in range(10):  # the listeners' turns: no time passes on the cache's clock
                await asyncio.sleep(0)

            for watch in watches:
                assert _cached(watch.tokens, secret) is None
                assert await accounts.authenticate_token(f"Bearer {secret}", cache=watch.tokens) is None
        finally:
            for task in listening:
                task.cancel()
            await asyncio.gather(*listening, return_exceptions=True)


async def test_a_cached_token_expires_at_its_expiry_time():
    async with running_server():
        secret, token_id = await make_token("alice", "short", expires_in_days=1)
        expires_at = (await ApiToken.get(id=token_id)).expires_at
        assert expires_at is not None
        cache = TokenCache(clock=Clock())

        before = await accounts.authenticate_token(f"Bearer {secret}", cache=cache, now=expires_at - timedelta(1e-6))
        at = await accounts.authenticate_token(f"Bearer {secret}", cache=cache, now=expires_at)

        assert before is not None and _cached(cache, secret) is before
        assert at is None


async def test_a_server_refuses_a_token_it_revoked_from_the_next_request(server):
    secret, token_id = await make_token("alice", "laptop")
    other, _ = await make_token("alice", "phone")
    assert await status(server, secret) == 200  # now kept by the server

    payload = await revoke(server, other, token_id)

    assert payload["userErrors"] == []
    assert await status(server, secret) == 401


def test_the_cache_keeps_a_bounded_number_of_tokens():
    cache = TokenCache(clock=Clock(), size=2)
    tokens = [ApiToken(id=uuid.uuid4(), token_hash=str(n)) for n in range(3)]
    for token in tokens:
        cache.put(token.token_hash, token, read_at=1000.0)

    assert [cache.get(t.token_hash) for t in tokens] == [None, tokens[1], tokens[2]]
    cache.forget(tokens[1].id)
    assert cache.get(tokens[1].token_hash) is None
