"""API tokens over GraphQL: apiTokens, revokeApiToken, expiry, read-only tokens, last-used time, and open
websockets closed with 4403 once their token is revoked or expires."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from server.api import Mutation, build_schema
from server.context import Context
from server.errors import Unauthenticated
from server.models import ApiToken, ImportJob, ImportStatus, Store
from server.models import ImportedOrder as ImportedOrderRow
from server.schema.access import ReadOnlyRefusal
from server.services import accounts
from tests.conftest import CONNECT_STORE
from tests.databases import POSTGRES_SERVER, require_service
from tests.graphql.queries import ACCEPT, CANCEL, DISCONNECT_STORE, IMPORT_ORDERS, PENDING_EVENTS, UPDATE_STORE
from tests.graphql.test_import_flow import add, import_orders, pending
from tests.services.test_broadcast import REDIS_URL
from tests.support import Server, Subscriptions, running_server, settings
from tests.test_cli import COMMAND, environment

API_TOKENS = "{ apiTokens { id name createdAt lastUsedAt expiresAt revokedAt readOnly } }"
REVOKE = """
mutation($id: ID!) {
  revokeApiToken(id: $id) {
    apiToken { id name createdAt lastUsedAt expiresAt revokedAt readOnly }
    userErrors { code message field }
  }
}
"""
STORES = "{ stores { id name } }"


async def make_token(seller: str, name: str | None = None, **options: Any) -> tuple[str, str]:
    """A new token of ``seller``: (the secret, its id)."""
    secret = await accounts.create_seller_token(seller, name=name, **options)
    row = await ApiToken.get(token_hash=accounts._hash(secret))
    return secret, str(row.id)


async def tokens(server: Server, token: str) -> dict[str, dict[str, Any]]:
    """The caller's seller's tokens by name."""
    return {t["name"]: t for t in (await server.execute(API_TOKENS, token=token))["apiTokens"]}


async def revoke(server: Server, token: str, token_id: str) -> dict[str, Any]:
    return (await server.execute(REVOKE, {"id": token_id}, token=token))["revokeApiToken"]


async def status(server: Server, token: str) -> int:
    return (await server.post(STORES, token=token)).status


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


# ---------------------------------------------------------------------------
# apiTokens and revokeApiToken


async def test_api_tokens_lists_the_sellers_own_tokens_and_no_secret(server):
    laptop, _ = await make_token("alice", "laptop")
    await make_token("alice", "reports", read_only=True, expires_in_days=30)
    await make_token("bob", "bob's")

    listed = await tokens(server, laptop)

    assert list(listed) == ["laptop", "reports"]  # oldest first; bob's are not there
    assert listed["laptop"]["readOnly"] is False
    assert (listed["laptop"]["expiresAt"], listed["laptop"]["revokedAt"]) == (None, None)
    assert listed["laptop"]["lastUsedAt"] is not None  # this very request used it
    assert listed["reports"]["readOnly"] is True
    assert listed["reports"]["lastUsedAt"] is None
    expires = datetime.fromisoformat(listed["reports"]["expiresAt"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    fields = await server.execute('{ __type(name: "ApiToken") { fields { name } } }', token=laptop)
    assert {f["name"] for f in fields["__type"]["fields"]} == {
        "id",
        "name",
        "createdAt",
        "lastUsedAt",
        "expiresAt",
        "revokedAt",
        "readOnly",
    }


async def test_a_revoked_token_gets_401_at_once(server):
    laptop, _ = await make_token("alice", "laptop")
    phone, phone_id = await make_token("alice", "phone")
    assert await status(server, phone) == 200

    payload = await revoke(server, laptop, phone_id)

    assert payload["userErrors"] == []
    assert (payload["apiToken"]["id"], payload["apiToken"]["name"]) == (phone_id, "phone")
    assert payload["apiToken"]["revokedAt"] is not None
    assert await status(server, phone) == 401
    assert await status(server, laptop) == 200
    assert (await tokens(server, laptop))["phone"]["revokedAt"] == payload["apiToken"]["revokedAt"]


async def test_a_seller_may_revoke_the_token_it_calls_with(server):
    laptop, laptop_id = await make_token("alice", "laptop")

    payload = await revoke(server, laptop, laptop_id)

    assert payload["userErrors"] == []
    assert payload["apiToken"]["revokedAt"] is not None
    assert await status(server, laptop) == 401


async def test_revoking_again_keeps_the_first_revocation(server):
    laptop, _ = await make_token("alice", "laptop")
    _, phone_id = await make_token("alice", "phone")
    first = await revoke(server, laptop, phone_id)
    again = await revoke(server, laptop, phone_id)
    assert again["userErrors"] == []
    assert again["apiToken"]["revokedAt"] == first["apiToken"]["revokedAt"]


@pytest.mark.parametrize("which", ["another seller's", "unknown", "not an id"])
async def test_only_the_sellers_own_tokens_can_be_revoked(server, which):
    alice, alice_id = await make_token("alice", "laptop")
    bob, _ = await make_token("bob", "laptop")
    token_id = {"another seller's": alice_id, "unknown": "6f1c1e4e-0000-4000-8000-000000000000"}.get(which, "x")

    payload = await revoke(server, bob, token_id)

    assert payload["apiToken"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert await status(server, alice) == 200


# ---------------------------------------------------------------------------
# expiry and last-used time


async def test_an_expired_token_gets_401(server):
    token, token_id = await make_token("alice", "short", expires_in_days=1)
    # Moved to now before the server reads it (a server keeps a token it read for a few seconds; its expiry,
    # which nothing changes, is checked on every request: see test_a_cached_token_expires_at_its_expiry_time).
    await ApiToken.filter(id=token_id).update(expires_at=datetime.now(UTC))

    assert await status(server, token) == 401


@pytest.mark.database
async def test_a_token_expires_at_its_expiry_time():
    async with running_server():
        token, token_id = await make_token("alice", "short", expires_in_days=1)
        expires_at = (await ApiToken.get(id=token_id)).expires_at
        assert expires_at is not None

        assert await accounts.authenticate_token(f"Bearer {token}", now=expires_at - timedelta(microseconds=1))
        assert await accounts.authenticate_token(f"Bearer {token}", now=expires_at) is None


@pytest.mark.database
async def test_the_last_used_time_is_written_at_most_once_a_minute():
    async with running_server():
        token, token_id = await make_token("alice", "laptop")
        start = datetime.now(UTC)

        for seconds in (0, 1, 30, 59.9):
            await accounts.authenticate_token(f"Bearer {token}", now=start + timedelta(seconds=seconds))
        unchanged = (await ApiToken.get(id=token_id)).last_used_at
        await accounts.authenticate_token(f"Bearer {token}", now=start + timedelta(seconds=60))
        moved = (await ApiToken.get(id=token_id)).last_used_at

        assert unchanged == start
        assert moved == start + timedelta(seconds=60)


# ---------------------------------------------------------------------------
# read-only tokens


async def test_a_read_only_token_runs_queries_and_no_mutation(server, token, store_id, shopify, shopify_url):
    add(shopify, 5)
    add(shopify, 10)
    await import_orders(server, token, store_id, orderId="#1001")
    [order] = await pending(server, token)
    viewer, viewer_id = await make_token("alice", "viewer", read_only=True)
    jobs_before = await ImportJob.all().count()

    answers = {
        "importOrders": await server.execute(
            IMPORT_ORDERS, {"platform": "shopify", "store": store_id, "hours": 1}, token=viewer
        ),
        "acceptImport": await server.execute(ACCEPT, {"id": order["id"]}, token=viewer),
        "cancelImport": await server.execute(CANCEL, {"id": order["id"]}, token=viewer),
        "connectStore": await server.execute(
            CONNECT_STORE,
            {
                "platform": "shopify",
                "name": "Another",
                "credentials": {"shop_domain": "test-shop.myshopify.com", "access_token": "shpat_test_token"},
                "apiBaseUrl": shopify_url,
            },
            token=viewer,
        ),
        "updateStore": await server.execute(UPDATE_STORE, {"id": store_id, "name": "Renamed"}, token=viewer),
        "disconnectStore": await server.execute(DISCONNECT_STORE, {"id": store_id}, token=viewer),
        "revokeApiToken": await server.execute(REVOKE, {"id": viewer_id}, token=viewer),
    }

    for mutation, data in answers.items():
        payload = data[mutation]
        assert codes(payload) == ["FORBIDDEN"], mutation
        assert "read-only" in payload["userErrors"][0]["message"]
        assert [value for key, value in payload.items() if key != "userErrors"] == [None] * (len(payload) - 1)
    assert await ImportJob.all().count() == jobs_before
    assert (await ImportedOrderRow.get(id=order["id"])).status == ImportStatus.PENDING
    assert [(s.name, s.disconnected_at) for s in await Store.all()] == [("Alice's shop", None)]
    assert (await ApiToken.get(id=viewer_id)).revoked_at is None
    assert [o["id"] for o in await pending(server, viewer)] == [order["id"]]  # queries work
    assert (await server.execute(STORES, token=viewer))["stores"][0]["name"] == "Alice's shop"


async def test_a_read_only_token_subscribes_but_mutates_nothing_over_a_websocket(server, token, store_id, shopify):
    add(shopify, 5)
    viewer, _ = await make_token("alice", "viewer", read_only=True)
    async with server.websocket(viewer) as ws:
        await ws.acknowledged()
        await ws.subscribe(PENDING_EVENTS)
        await import_orders(server, token, store_id, hours=1)
        event = (await ws.next())["pendingImports"]
        await ws.ws.send_json(
            {"id": "m", "type": "subscribe", "payload": {"query": CANCEL, "variables": {"id": event["order"]["id"]}}}
        )
        answer = await ws.receive()

    assert event["change"] == "ADDED"
    assert (answer["id"], answer["type"]) == ("m", "next")
    assert codes(answer["payload"]["data"]["cancelImport"]) == ["FORBIDDEN"]
    assert (await ImportedOrderRow.get(id=event["order"]["id"])).status == ImportStatus.PENDING


def test_every_mutation_but_marking_alerts_read_refuses_read_only_tokens():
    fields = Mutation.__strawberry_definition__.fields  # type: ignore[attr-defined]
    assert {"import_orders", "revoke_api_token", "set_alert_webhook"} <= {f.python_name for f in fields}
    unguarded = [f.python_name for f in fields if not any(isinstance(e, ReadOnlyRefusal) for e in f.extensions)]
    assert unguarded == ["mark_alerts_read"]  # the seller's reading state, not its data (docs/alerts.md)


async def test_an_operation_without_a_seller_is_refused_by_an_explicit_check():
    context = Context(runtime=None, request=None, response=None)  # type: ignore[arg-type]
    result = await build_schema().execute("{ stores { id } }", context_value=context)
    [error] = result.errors or []
    assert isinstance(error.original_error, Unauthenticated)
    assert error.extensions == {"code": "UNAUTHENTICATED"}


# ---------------------------------------------------------------------------
# open websockets of a revoked or expired token


async def closed_with(ws: Subscriptions, within: float) -> tuple[int | None, float]:
    """The close code the server sent and how long it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    message = await ws.ws.receive(timeout=within)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), message
    return ws.ws.close_code, loop.time() - start


async def still_open(ws: Subscriptions) -> bool:
    await ws.ws.send_json({"type": "ping"})
    return (await ws.receive())["type"] == "pong"


@pytest.mark.database
async def test_a_revocation_closes_the_tokens_websockets_at_once():
    # No re-check for an hour: only the announcement can close the socket.
    async with running_server(settings(token_recheck_seconds=3600)) as server:
        laptop, _ = await make_token("alice", "laptop")
        phone, phone_id = await make_token("alice", "phone")
        async with server.websocket(phone) as revoked, server.websocket(laptop) as kept:
            for ws in (revoked, kept):
                await ws.acknowledged()
                await ws.subscribe(PENDING_EVENTS)

            await revoke(server, laptop, phone_id)
            code, seconds = await closed_with(revoked, within=5)
            assert await still_open(kept)

    assert code == 4403
    assert seconds < 1


@pytest.mark.database
@pytest.mark.parametrize("change", ["revoked_at", "expires_at"])
async def test_a_periodic_recheck_closes_websockets_no_announcement_reached(change):
    async with running_server(settings(token_recheck_seconds=0.2)) as server:
        laptop, _ = await make_token("alice", "laptop")
        phone, phone_id = await make_token("alice", "phone", expires_in_days=1)
        async with server.websocket(phone) as ws, server.websocket(laptop) as kept:
            for each in (ws, kept):
                await each.acknowledged()
                await each.subscribe(PENDING_EVENTS)
            assert server.runtime.token_watch.watched() == {
                (await ApiToken.get(name=n)).id for n in ("laptop", "phone")
            }

            await ApiToken.filter(id=phone_id).update(**{change: datetime.now(UTC)})  # no broker message
            code, seconds = await closed_with(ws, within=5)
            assert await still_open(kept)

        await asyncio.sleep(0.3)  # the server has seen both sockets end
        watched = server.runtime.token_watch.watched()

    assert code == 4403
    assert seconds < 2
    assert watched == set()


async def test_a_revoked_token_cannot_open_a_websocket(server):
    laptop, laptop_id = await make_token("alice", "laptop")
    await revoke(server, laptop, laptop_id)
    async with server.websocket(laptop) as ws:
        code, _ = await closed_with(ws, within=5)
    assert code == 4403


@pytest.mark.parametrize("broker", ["redis", "postgres"])
async def test_the_command_lines_revocation_reaches_a_server_through_its_broker(tmp_path, broker):
    broadcast_url = {"redis": REDIS_URL, "postgres": f"{POSTGRES_SERVER}/postgres"}[broker]
    await require_service(broker, broadcast_url)
    database_url = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    # No re-check for an hour: only the command line's announcement can close the socket.
    served = settings(database_url=database_url, broadcast_url=broadcast_url, token_recheck_seconds=3600)
    async with running_server(served) as server:
        token, token_id = await make_token("alice", "laptop")
        async with server.websocket(token) as ws:
            await ws.acknowledged()
            await ws.subscribe(PENDING_EVENTS)
            await asyncio.sleep(0.2)  # the server's subscription has reached the broker
            revoking = await asyncio.create_subprocess_exec(
                *COMMAND,
                "token",
                "revoke",
                token_id,
                env=environment(ORDER_IMPORT_DATABASE_URL=database_url, ORDER_IMPORT_BROADCAST_URL=broadcast_url),
                cwd=tmp_path,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, stderr = await revoking.communicate()
            assert revoking.returncode == 0, stderr.decode()
            code, seconds = await closed_with(ws, within=5)
        refused = await status(server, token)

    assert code == 4403
    assert seconds < 1
    assert refused == 401
