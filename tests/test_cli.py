"""The ``order-import`` command, run as a subprocess: token create, settings errors, plugins, demo, emulator."""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from server.db import close_database, open_database
from server.models import ApiToken
from server.services.accounts import authenticate_token
from tests.databases import migrated_sqlite, unavailable

SCRIPT = Path(sys.executable).with_name("order-import")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "server.cli"]
TOKEN = re.compile(r"oi_[A-Za-z0-9_-]{20,}")


def environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDER_IMPORT_")}
    env.update(settings)
    return env


def order_import(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """A migrated, empty database file, as the first command run on it leaves it."""
    return await migrated_sqlite(tmp_path / "x.sqlite3")


async def test_token_create_prints_only_a_token_and_keeps_a_private_key_file(tmp_path: Path) -> None:
    sqlite_url = f"sqlite://{tmp_path / 'x.sqlite3'}"  # no file yet: the first command creates and migrates it
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    first = order_import("token", "create", "--seller", "bob", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert TOKEN.fullmatch(first.stdout.removesuffix("\n")), first.stdout
    assert first.stdout.count("\n") == 1

    key_file = tmp_path / "x.sqlite3.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(key) >= 32

    second = order_import("token", "create", "--seller", "bob", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert TOKEN.fullmatch(second.stdout.strip())
    assert second.stdout != first.stdout
    assert key_file.read_text() == key  # reused, not regenerated

    await open_database(sqlite_url)
    try:
        tokens = [await authenticate_token(f"Bearer {done.stdout.strip()}") for done in (first, second)]
        sellers = [t.seller if t else None for t in tokens]
        assert [s.name if s else None for s in sellers] == ["bob", "bob"]
        assert sellers[0] is not None and sellers[1] is not None and sellers[0].id == sellers[1].id
        assert await authenticate_token("Bearer oi_not-a-real-token-at-all-000000") is None
    finally:
        await close_database()


def test_token_create_refuses_a_blank_seller(tmp_path: Path, sqlite_url: str) -> None:
    done = order_import(
        "token", "create", "--seller", "  ", env=environment(ORDER_IMPORT_DATABASE_URL=sqlite_url), cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "order-import: a seller name is 1 to 200 characters" in done.stderr


# ---------------------------------------------------------------------------
# order-import token create options, token list, token revoke

LISTED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def create(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = order_import("token", "create", *args, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert TOKEN.fullmatch(done.stdout.removesuffix("\n")), done.stdout
    return done.stdout.strip()


def listed(env: dict[str, str], cwd: Path, *args: str) -> list[list[str]]:
    done = order_import("token", "list", *args, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines()]


async def test_token_create_takes_a_name_an_expiry_and_read_only(tmp_path: Path, sqlite_url: str) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    reports = create(env, tmp_path, "--seller", "bob", "--name", " reports ", "--expires-in", "30", "--read-only")
    plain = create(env, tmp_path, "--seller", "bob")
    create(env, tmp_path, "--seller", "bob")

    await open_database(sqlite_url)
    try:
        rows = {row.name: row for row in await ApiToken.all()}
        found = [await authenticate_token(f"Bearer {secret}") for secret in (reports, plain)]
    finally:
        await close_database()
    assert sorted(rows) == ["reports", "token-2", "token-3"]  # token-<n>: n counts the seller's tokens
    assert (rows["reports"].read_only, rows["token-2"].read_only) == (True, False)
    assert rows["reports"].expires_at is not None and rows["token-2"].expires_at is None
    assert abs(rows["reports"].expires_at - rows["reports"].created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert [token.name if token else None for token in found] == ["reports", "token-2"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--name", " "], "a token name is 1 to 100 characters"),
        (["--name", "x" * 101], "a token name is 1 to 100 characters"),
        (["--name", "a\tb"], "a token name cannot hold control characters"),
        (["--expires-in", "0"], "a token expires in 1 to 3650 days"),
        (["--expires-in", "3651"], "a token expires in 1 to 3650 days"),
    ],
)
def test_token_create_refuses_bad_options_and_creates_nothing(
    tmp_path: Path, sqlite_url: str, option: list[str], message: str
) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    done = order_import("token", "create", "--seller", "bob", *option, env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"order-import: {message}" in done.stderr
    nobody = order_import("token", "list", "--seller", "bob", env=env, cwd=tmp_path)
    assert (nobody.returncode, nobody.stdout) == (2, "")
    assert "order-import: no seller named 'bob'" in nobody.stderr


async def test_token_list_shows_every_token_but_never_its_secret(tmp_path: Path, sqlite_url: str) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    alices = create(env, tmp_path, "--seller", "alice")
    bobs = create(env, tmp_path, "--seller", "bob", "--name", "laptop", "--expires-in", "7")
    await open_database(sqlite_url)
    try:
        await authenticate_token(f"Bearer {alices}")
    finally:
        await close_database()

    done = order_import("token", "list", env=env, cwd=tmp_path)
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    only_bob = listed(env, tmp_path, "--seller", "bob")

    assert done.returncode == 0, done.stderr
    for secret in (alices, bobs):
        assert secret not in done.stdout
        assert hashlib.sha256(secret.encode()).hexdigest() not in done.stdout
    assert [len(row) for row in rows] == [7, 7]  # id, seller, name, created, last used, expires, revoked
    (alice_id, *alice), (bob_id, *bob) = rows
    assert str(uuid.UUID(alice_id)) == alice_id and str(uuid.UUID(bob_id)) == bob_id
    assert alice[:2] == ["alice", "token-1"] and bob[:2] == ["bob", "laptop"]
    assert LISTED_TIME.fullmatch(alice[2]) and LISTED_TIME.fullmatch(alice[3])  # created, last used
    assert alice[4:] == ["-", "-"]
    assert LISTED_TIME.fullmatch(bob[2]) and bob[3] == "-" and LISTED_TIME.fullmatch(bob[4]) and bob[5] == "-"
    lifetime = datetime.fromisoformat(bob[4]) - datetime.fromisoformat(bob[2])
    assert abs(lifetime - timedelta(days=7)) <= timedelta(seconds=2)
    assert only_bob == [rows[1]]


async def test_token_revoke_refuses_the_token_at_once(tmp_path: Path, sqlite_url: str) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    secret = create(env, tmp_path, "--seller", "alice")
    kept = create(env, tmp_path, "--seller", "alice")
    [[token_id, *_], _] = listed(env, tmp_path)

    done = order_import("token", "revoke", token_id, env=env, cwd=tmp_path)
    again = order_import("token", "revoke", token_id, env=env, cwd=tmp_path)
    unknown = order_import("token", "revoke", str(uuid.uuid4()), env=env, cwd=tmp_path)
    await open_database(sqlite_url)
    try:
        found = [await authenticate_token(f"Bearer {s}") for s in (secret, kept)]
    finally:
        await close_database()

    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert line.split("\t")[:3] == [token_id, "alice", "token-1"]
    assert LISTED_TIME.fullmatch(line.split("\t")[6])
    assert (again.returncode, again.stdout) == (0, done.stdout)  # revoked once, at the first time
    assert [token.name if token else None for token in found] == [None, "token-2"]
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert "order-import: no API token with id" in unknown.stderr
    assert "Traceback" not in unknown.stderr + done.stderr + again.stderr


def test_token_revoke_warns_when_the_servers_broker_is_unreachable(tmp_path: Path, sqlite_url: str) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=sqlite_url)
    create(env, tmp_path, "--seller", "alice")
    [[token_id, *_]] = listed(env, tmp_path)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env["ORDER_IMPORT_BROADCAST_URL"] = f"redis://127.0.0.1:{port}/0"

    done = order_import("token", "revoke", token_id, env=env, cwd=tmp_path)

    assert done.returncode == 0, done.stderr  # revoked: the servers see it at their next re-check
    assert done.stdout.split("\t")[0] == token_id
    assert "ORDER_IMPORT_BROADCAST_URL is unreachable" in done.stderr
    assert "Traceback" not in done.stderr
    assert [row[6] != "-" for row in listed(env, tmp_path)] == [True]


COMMANDS = [
    pytest.param(["token", "create", "--seller", "bob"], id="token"),
    pytest.param(["serve", "--port", "0"], id="serve"),
    pytest.param(["worker"], id="worker"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unsupported_database_is_refused(tmp_path: Path, command: list[str]) -> None:
    done = order_import(*command, env=environment(ORDER_IMPORT_DATABASE_URL="mysql://x"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        "order-import: ORDER_IMPORT_DATABASE_URL must start with sqlite:// or postgres://, not mysql://" in done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_needs_a_secret_key(tmp_path: Path, command: list[str], scheme: str) -> None:
    env = environment(ORDER_IMPORT_DATABASE_URL=f"{scheme}://user:pw@127.0.0.1:9/orders")
    done = order_import(*command, env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "order-import: ORDER_IMPORT_SECRET_KEY is required with PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lease", ["soon", "0", "-1", "nan"])
def test_a_job_lease_that_is_no_length_of_time_is_refused(tmp_path: Path, lease: str) -> None:
    done = order_import("worker", env=environment(ORDER_IMPORT_JOB_LEASE_SECONDS=lease), cwd=tmp_path)
    assert done.returncode == 2
    assert f"ORDER_IMPORT_JOB_LEASE_SECONDS must be a number of seconds greater than 0, not '{lease}'" in done.stderr
    assert "Traceback" not in done.stderr


def test_plugins_lists_the_built_in_platform(tmp_path: Path) -> None:
    done = order_import("plugins", env=environment(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "shopify\tShopify\torder-import " in done.stdout


def test_plugins_lists_the_example_gumroad_plugin(tmp_path: Path) -> None:
    """``make test`` installs examples/order-import-gumroad (pip install -e, --no-deps) into the venv."""
    try:
        importlib.metadata.distribution("order-import-gumroad")
    except importlib.metadata.PackageNotFoundError:
        unavailable("the example plugin is not installed: pip install --no-deps -e examples/order-import-gumroad")
    done = order_import("plugins", env=environment(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "gumroad\tGumroad\torder-import-gumroad 0.1.0\n" in done.stdout.splitlines(keepends=True)


# ---------------------------------------------------------------------------
# order-import demo

STORES = "{ stores { id name platform { id } } }"
PENDING = "{ pendingImports { totalCount edges { node { id status } } } }"
IMPORT = """
mutation($store: ID!) {
  importOrders(platform: "shopify", store: $store, hours: 6) {
    job { id status imported skipped fetched errorCode error } userErrors { code message }
  }
}"""
JOB = "query($id: ID!) { importJob(id: $id) { id status imported skipped fetched errorCode error } }"


@dataclass
class Demo:
    process: asyncio.subprocess.Process
    url: str
    token: str
    log: Path
    database_url: str


@asynccontextmanager
async def running_demo(tmp_path: Path, env: dict[str, str]) -> AsyncIterator[Demo]:
    """``order-import demo --port 0`` until it announced its four lines; killed at the end if still running."""
    log = tmp_path / "demo.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *COMMAND, "demo", "--port", "0", env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr
        )
    try:
        found: dict[str, str] = {}

        async def announced() -> None:
            assert process.stdout is not None
            while not {"GraphQL", "Token", "Console", "Database"} <= found.keys():
                line = (await process.stdout.readline()).decode()
                if not line:
                    raise AssertionError(f"demo exited with {await process.wait()}:\n{log.read_text()}")
                label, _, value = line.strip().partition(": ")
                found[label] = value

        try:
            await asyncio.wait_for(announced(), 30)
        except TimeoutError:
            raise AssertionError(f"demo did not announce its URL and token within 30 s:\n{log.read_text()}") from None
        assert found["GraphQL"].startswith("http://127.0.0.1:") and found["GraphQL"].endswith("/graphql")
        assert TOKEN.fullmatch(found["Token"])
        assert found["Console"] == found["GraphQL"].removesuffix("graphql")
        yield Demo(process, found["GraphQL"], found["Token"], log, found["Database"])
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def stop(demo: Demo, signum: int = signal.SIGINT) -> None:
    demo.process.send_signal(signum)
    try:
        code = await asyncio.wait_for(demo.process.wait(), 10)
    except TimeoutError:
        raise AssertionError(f"demo did not exit within 10 s of {signal.Signals(signum).name}") from None
    assert code in (0, 128 + signum), code  # the signal, raised again once the server stopped
    assert "Traceback" not in demo.log.read_text()


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    database = f"sqlite://{tmp_path / 'demo.sqlite3'}"
    async with running_demo(tmp_path, environment(ORDER_IMPORT_DATABASE_URL=database)) as demo:
        assert demo.database_url == database
        yield demo


def graphql(http: aiohttp.ClientSession, demo: Demo) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def gql(query: str, **variables: Any) -> dict[str, Any]:
        async with http.post(demo.url, json={"query": query, "variables": variables}) as response:
            body = await response.json()
        assert response.status == 200 and not body.get("errors"), body
        return body["data"]

    return gql


async def test_demo_serves_seeded_data_imports_and_stops_on_sigint(demo: Demo) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {demo.token}"}) as http:
        gql = graphql(http, demo)
        platforms = (await gql("{ platforms { id name } }"))["platforms"]
        assert {"id": "shopify", "name": "Shopify"} in platforms
        stores = (await gql(STORES))["stores"]
        assert sorted(s["platform"]["id"] for s in stores) == sorted(p["id"] for p in platforms)
        assert (await gql(PENDING))["pendingImports"]["totalCount"] == 0

        shopify = next(s for s in stores if s["platform"] == {"id": "shopify"})
        payload = (await gql(IMPORT, store=shopify["id"]))["importOrders"]
        assert payload["userErrors"] == []
        job = payload["job"]
        async with asyncio.timeout(30):
            while job["status"] == "RUNNING":
                await asyncio.sleep(0.1)
                job = (await gql(JOB, id=job["id"]))["importJob"]
        assert job["status"] == "SUCCEEDED", job
        # About half of the orders were seeded into the Transaction List as delivered webhooks.
        assert job["imported"] > 0 and job["skipped"] > 0
        assert job["fetched"] == job["imported"] + job["skipped"]

        pending = (await gql(PENDING))["pendingImports"]
        assert pending["totalCount"] == job["imported"]
        assert {edge["node"]["status"] for edge in pending["edges"]} == {"PENDING"}

    await stop(demo)


# The ids the README offers, "`#1001` on Shopify", each of which the demo's data must have.
README_IDS = re.compile(r"`([^`]+)`\s+on\s+(Shopify|WooCommerce|BigCommerce|eBay|Ecwid|PayPal)")
IMPORT_ONE = """
mutation($platform: String!, $store: ID!, $orderId: String!) {
  importOrders(platform: $platform, store: $store, orderId: $orderId) {
    job { id status errorCode } userErrors { code message }
  }
}"""


async def test_every_order_id_the_readme_shows_is_in_the_demo(demo: Demo) -> None:
    offered = README_IDS.findall((Path(__file__).parents[1] / "README.md").read_text())
    assert {name for _, name in offered} == {"Shopify", "WooCommerce", "BigCommerce", "eBay", "Ecwid", "PayPal"}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {demo.token}"}) as http:
        gql = graphql(http, demo)
        stores = {s["platform"]["name"]: s for s in (await gql("{ stores { id platform { id name } } }"))["stores"]}
        for order_id, name in offered:
            store = stores[name]
            payload = await gql(IMPORT_ONE, platform=store["platform"]["id"], store=store["id"], orderId=order_id)
            job = payload["importOrders"]["job"]
            async with asyncio.timeout(30):
                while job["status"] == "RUNNING":
                    await asyncio.sleep(0.1)
                    job = (await gql("query($id: ID!) { importJob(id: $id) { id status errorCode } }", id=job["id"]))[
                        "importJob"
                    ]
            assert job["status"] == "SUCCEEDED", (name, order_id, job)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
async def test_the_demo_removes_its_temporary_folder_on_exit(tmp_path: Path, signum: int) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    async with running_demo(tmp_path, environment(TMPDIR=str(scratch))) as demo:
        assert demo.database_url.startswith(f"sqlite://{scratch}/order-import-demo-")
        assert list(scratch.iterdir())
        await stop(demo, signum)
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_busy_port_is_one_line_and_exit_code_2(tmp_path: Path, command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = environment(ORDER_IMPORT_DATABASE_URL=f"sqlite://{tmp_path / 'x.sqlite3'}", TMPDIR=str(tmp_path))
        done = order_import(command, "--port", port, env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"order-import: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert done.stdout == ""


async def test_served_answers_carry_no_server_header(tmp_path: Path) -> None:
    async with running_demo(
        tmp_path, environment(ORDER_IMPORT_DATABASE_URL=f"sqlite://{tmp_path / 'd.sqlite3'}")
    ) as demo:
        async with aiohttp.ClientSession() as http, http.get(demo.url.removesuffix("graphql") + "healthz") as response:
            assert response.status == 200
            assert "server" not in {name.lower() for name in response.headers}
        await stop(demo)


# ---------------------------------------------------------------------------
# order-import emulator PLATFORM


async def test_emulator_serves_one_platform_and_prints_how_to_connect_to_it(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        *COMMAND, "emulator", "shopify", "--port", str(port), "--seed", "3",
        env=environment(), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [(await asyncio.wait_for(process.stdout.readline(), 30)).decode() for _ in range(4)]
        printed = dict(line.rstrip("\n").split(": ", 1) for line in lines)
        credentials = json.loads(printed["Credentials"])
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{printed['API base URL']}/admin/api/2026-10/graphql.json",
                json={"query": "{ shop { name myshopifyDomain } }"},
                headers={"X-Shopify-Access-Token": credentials["access_token"]},
            ) as response:
                answer = await response.json()
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert printed["Platform"] == "shopify"
    assert printed["API base URL"] == f"http://127.0.0.1:{port}"
    assert answer["data"]["shop"]["myshopifyDomain"] == credentials["shop_domain"]
    assert 'connectStore(platform: "shopify"' in printed["Connect"]
    assert "ORDER_IMPORT_ALLOW_LOCAL_API=1" in printed["Connect"]


def test_emulator_of_an_unknown_platform_lists_the_installed_ones(tmp_path: Path) -> None:
    done = order_import("emulator", "nosuchshop", env=environment(), cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith("order-import: no installed plugin has an emulator for 'nosuchshop'; installed: ")
    assert "bigcommerce, ebay, ecwid" in done.stderr and done.stdout == ""


def test_emulator_on_a_busy_port_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = order_import("emulator", "shopify", "--port", port, env=environment(), cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"order-import: cannot listen on 127.0.0.1:{port}: Address already in use"]
