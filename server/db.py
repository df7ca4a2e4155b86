"""Database set-up: Tortoise configuration and migrations applied at start."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.executor import MigrationExecutor

MIGRATION_LOCK = 0x6F726465  # any constant shared by every process of this application
MODELS = "server.models"
MIGRATIONS = "server.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    return {
        "connections": {"default": database_url},
        "apps": {"models": {"models": [MODELS], "migrations": MIGRATIONS, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def open_database(database_url: str, *, create: bool = False) -> None:
    """Connect (globally visible to every task) and bring the schema up to date."""
    # Tortoise caches SQL per connection name, not per dialect; start clean.
    EXECUTOR_CACHE.clear()
    _private_sqlite_file(database_url)
    config = tortoise_config(database_url)
    await Tortoise.init(config=config, _create_db=create, _enable_global_fallback=True)
    async with _migration_lock(config["connections"]["default"]):
        await MigrationExecutor(Tortoise.get_connection("default"), config["apps"]).migrate()


def _private_sqlite_file(database_url: str) -> None:
    """Buyers' names and emails live in the file: only its owner may read it.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions.
    """
    if not database_url.startswith("sqlite://"):
        return
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    if path in ("", ":memory:"):
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


@asynccontextmanager
async def _migration_lock(database_url: str) -> AsyncIterator[None]:
    """On PostgreSQL, one process at a time migrates (several servers may start together)."""
    if database_url.startswith("sqlite://"):
        yield
        return
    connection = await asyncpg.connect("postgresql://" + database_url.split("://", 1)[1])
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        yield
    finally:
        await connection.close()  # ends the session, which releases the lock


async def close_database() -> None:
    await Tortoise.close_connections()
