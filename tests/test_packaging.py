"""The Python distribution: a wheel ships the built seller console and the migrations' SQL beside the server."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_the_wheel_contains_the_built_console(tmp_path: Path) -> None:
    if not (ROOT / "server" / "console" / "index.html").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the console is not built: `make test` builds it first")
        pytest.skip("the console is not built: run `make console` (Node 20 and npm)")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", tmp_path, ROOT],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("order_import-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "server/console/index.html" in names
    assert any(n.startswith("server/console/assets/") and n.endswith(".js") for n in names)
    assert not any(n.startswith("console/") for n in names)  # the sources stay out
    assert "server/migrations/0013_task_queue.sql" in names  # the task queue's schema, applied by a migration
