"""Work that runs after an answer was sent: tracked tasks and periodic chores, stopped on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def every(self, seconds: float, chore: Callable[[], Awaitable[Any]], name: str) -> asyncio.Task[Any]:
        """Run ``chore`` now and then every ``seconds``; a failing run is logged and the next one still comes."""

        async def loop() -> None:
            while True:
                try:
                    await chore()
                except Exception:
                    log.exception("%s failed", name)
                await asyncio.sleep(seconds)

        return self.spawn(loop(), name)

    async def shutdown(self) -> None:
        tasks = tuple(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
