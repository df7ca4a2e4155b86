"""Fixtures and helpers shared by the connector tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aioresponses import aioresponses
from yarl import URL


class RecordingSleep:
    """Stands in for ``asyncio.sleep`` in an ``HttpClient``: records the waits, sleeps not at all."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def api() -> Iterator[aioresponses]:
    """Mocked platform answers for aiohttp (every request must match one)."""
    with aioresponses() as mocked:
        yield mocked


@dataclass
class Call:
    """One request a mocked platform answered."""

    url: URL
    kwargs: dict[str, Any]

    @property
    def path(self) -> str:
        return self.url.path

    @property
    def raw_path(self) -> str:
        return self.url.raw_path

    @property
    def query(self) -> dict[str, str]:
        return dict(self.url.query)


class RecordedAPI:
    """Mocked GET answers under one base URL, recording every request in order."""

    def __init__(self, api: aioresponses, base: str) -> None:
        self.api = api
        self.base = base
        self.calls: list[Call] = []

    def answer(self, path: str, payload: Any = None, **kwargs: Any) -> None:
        pattern = re.compile(re.escape(f"{self.base}/{path}") + r"(\?.*)?$")
        self.api.get(pattern, payload=payload, callback=self._record, **kwargs)

    def _record(self, url: URL, **kwargs: Any) -> None:
        self.calls.append(Call(url, kwargs))

    def queries(self, *, without: tuple[str, ...] = ()) -> list[dict[str, str]]:
        return [{k: v for k, v in call.query.items() if k not in without} for call in self.calls]
