"""The database the tests run on: SQLite, or PostgreSQL with ORDER_IMPORT_TEST_DATABASE=postgres.

Every test server gets a database of its own, migrated and empty. On SQLite it is
a copy of one database each test process migrates once, with the app's own
start-up (migrating a new database costs about a second, a copy a millisecond),
deleted when the server stops. On PostgreSQL each test process gets its own
database (created and migrated on first use, emptied before every test, dropped
at the end of the session). In CI (``CI=true``) an unreachable server fails the
run; elsewhere the tests skip.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import NoReturn

import asyncpg
import pytest

from server.db import close_database, open_database

POSTGRES_SERVER = os.environ.get("ORDER_IMPORT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
_DATABASE = f"oi_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
_created = False
SQLITE = "sqlite://:memory:"  # the test settings' URL: a fresh SQLite database for each server
_SQLITE_FILES = ("", "-wal", "-shm", "-journal")
_scratch: Path | None = None  # this process's SQLite databases: the migrated template and the copies in use
_copies = itertools.count()


def on_postgres() -> bool:
    return os.environ.get("ORDER_IMPORT_TEST_DATABASE", "sqlite") == "postgres"


def test_database_url() -> str:
    return f"{POSTGRES_SERVER}/{_DATABASE}" if on_postgres() else SQLITE


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


async def prepare_database(url: str) -> str:
    """The URL a test server opens for ``url``: on ``SQLITE``, a new copy of the migrated template; on
    PostgreSQL, the test database, made to exist (migrated by the app's own start-up) and empty."""
    global _created
    if url == SQLITE:
        return await _sqlite_copy()
    if not url.startswith("postgres"):
        return url
    admin = await _admin()
    try:
        if not _created:
            await admin.execute(f'CREATE DATABASE "{_DATABASE}"')
            _created = True
            return url
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
    return url


async def _template() -> Path:
    """This process's migrated, empty SQLite database, made on first use by the app's own start-up."""
    global _scratch
    if _scratch is None:
        scratch = Path(tempfile.mkdtemp(prefix="order-import-tests-"))
        await open_database(_sqlite_url(scratch / "template.sqlite3"))
        await close_database()
        _scratch = scratch
    return _scratch / "template.sqlite3"


async def migrated_sqlite(path: Path) -> str:
    """The URL of a new SQLite database at ``path``, migrated and empty: a copy of the template."""
    shutil.copyfile(await _template(), path)
    return _sqlite_url(path)


async def _sqlite_copy() -> str:
    template = await _template()
    return await migrated_sqlite(template.with_name(f"{next(_copies)}.sqlite3"))


def _sqlite_url(path: Path) -> str:
    return f"sqlite://{path}"


def discard_database(url: str) -> None:
    """Delete a database ``prepare_database`` copied (any other is left alone)."""
    if _scratch is None or not url.startswith(_sqlite_url(_scratch)):
        return
    path = url.removeprefix("sqlite://")
    for suffix in _SQLITE_FILES:
        Path(path + suffix).unlink(missing_ok=True)


def drop_database() -> None:
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)
    if not _created:
        return

    async def drop() -> None:
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{_DATABASE}" WITH (FORCE)')
        finally:
            await admin.close()

    asyncio.run(drop())
