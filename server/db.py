"""Database set-up: Tortoise configuration and migrations applied at start."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.executor import MigrationExecutor

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
    config = tortoise_config(database_url)
    await Tortoise.init(config=config, _create_db=create, _enable_global_fallback=True)
    await migrate(config)


async def migrate(config: dict[str, Any]) -> None:
    executor = MigrationExecutor(Tortoise.get_connection("default"), config["apps"])
    await executor.migrate()


async def close_database() -> None:
    await Tortoise.close_connections()
