"""The database the tests run on: in-memory SQLite, or PostgreSQL with ORDER_IMPORT_TEST_DATABASE=postgres.

On PostgreSQL each test process gets its own database (created and migrated on
first use, emptied before every test, dropped at the end of the session). In CI
(``CI=true``) an unreachable server fails the run; elsewhere the tests skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import NoReturn

import asyncpg
import pytest

POSTGRES_SERVER = os.environ.get("ORDER_IMPORT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
_DATABASE = f"oi_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
_created = False


def on_postgres() -> bool:
    return os.environ.get("ORDER_IMPORT_TEST_DATABASE", "sqlite") == "postgres"


def test_database_url() -> str:
    return f"{POSTGRES_SERVER}/{_DATABASE}" if on_postgres() else "sqlite://:memory:"


def unavailable(message: str) -> NoReturn:
    """A missing service fails the run in CI and skips the test elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI requires it", pytrace=False)
    pytest.skip(message)


async def require_service(name: str, url: str) -> None:
    """Skip (or, in CI, fail) unless the service at ``url`` answers."""
    host, _, port = url.split("://", 1)[1].split("/", 1)[0].rpartition("@")[2].partition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 3)
    except (OSError, TimeoutError) as exc:
        unavailable(f"{name} at {url} is unreachable ({type(exc).__name__})")
    writer.close()
    await writer.wait_closed()


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL at {POSTGRES_SERVER} is unreachable ({type(exc).__name__})")


async def prepare_database(url: str) -> None:
    """Make the test database exist, migrated by the app's own start-up, and empty."""
    global _created
    if not url.startswith("postgres"):
        return
    admin = await _admin()
    try:
        if not _created:
            await admin.execute(f'CREATE DATABASE "{_DATABASE}"')
            _created = True
            return
    finally:
        await admin.close()
    db = await asyncpg.connect(url)
    try:
        tables = await db.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'tortoise_migrations'"
        )
        if tables:
            await db.execute("TRUNCATE " + ", ".join(f'"{t["tablename"]}"' for t in tables) + " CASCADE")
    finally:
        await db.close()


def drop_database() -> None:
    if not _created:
        return

    async def drop() -> None:
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{_DATABASE}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(drop())
