"""The SQLite database holds buyers' names and emails: its files are private to their owner."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from server.db import close_database, open_database
from server.services import accounts


async def test_the_sqlite_file_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "orders.sqlite3"
    old_umask = os.umask(0o022)
    try:
        await open_database(f"sqlite://{path}")
        try:
            await accounts.create_token(await accounts.get_or_create_seller("alice"))
            files = sorted(tmp_path.glob("data/orders.sqlite3*"))
            assert path in files
            assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}, files
        finally:
            await close_database()
    finally:
        os.umask(old_umask)


async def test_an_existing_readable_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite3"
    path.touch(mode=0o644)
    await open_database(f"sqlite://{path}")
    await close_database()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
