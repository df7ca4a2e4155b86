"""Browser tests of the seller console: the real ``order-import demo``, Debian's Chromium, Playwright.

The tests use Playwright's sync API in plain (non-async) tests. While a sync Playwright is
running it leaves its own event loop marked as running in the thread, so the Playwright
and the browser live for one module at most: pytest tears them down before a test of
another module (say, an asyncio test on the same xdist worker) runs.

Each module gets its own demo (a subprocess on a free port with its own SQLite file), and
the tests of a module use disjoint platforms, so they pass in any order and on any worker.
Modules that change nothing in the demo (sign-in, serving, refused imports) share one per
worker: a demo takes seconds to start.
Chromium missing, Playwright missing, or the console not built: the tests skip with the
fix, except under ``CI=true`` where that is a failure.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console import TIMEOUT_MS, Problems, SellerConsole
from tests.browser.demo import Demo, running_demo
from tests.databases import unavailable

ROOT = Path(__file__).parents[2]
CHROMIUM = Path(os.environ.get("ORDER_IMPORT_TEST_CHROMIUM", "/usr/bin/chromium"))
CONSOLE_INDEX = ROOT / "server" / "console" / "index.html"
ARTIFACTS = ROOT / "test-artifacts" / "browser"

HERE = Path(__file__).parent
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
PROBLEMS = pytest.StashKey[Problems]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the seller console in Chromium (tests/browser)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests (``-m "not browser"`` leaves them out); they are plain functions."""
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        if inspect.iscoroutinefunction(getattr(item, "obj", None)):
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests are plain functions (Playwright's sync API runs its own event loop)"
            )
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item: fixtures save artifacts when the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A page error, a console error or a request to another origin fails the test that caused it."""
    try:
        result = yield
    except BaseException:
        if problems := item.stash.get(PROBLEMS, None):
            item.add_report_section("call", "browser problems", problems.text())
        raise
    if problems := item.stash.get(PROBLEMS, None):
        problems.check()
    return result


@pytest.fixture(scope="session")
def built_console() -> Path:
    if not CONSOLE_INDEX.is_file():
        unavailable(
            f"the seller console is not built ({CONSOLE_INDEX.relative_to(ROOT)} is missing): "
            "run `make console` or `cd console && npm ci && npm run build`"
        )
    return CONSOLE_INDEX


@pytest.fixture(scope="session")
def shared_demo(built_console: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One demo per worker for the modules that leave it as they found it."""
    with running_demo(tmp_path_factory.mktemp("shared-demo")) as running:
        yield running


@pytest.fixture(scope="module")
def demo(
    request: pytest.FixtureRequest, built_console: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """``order-import demo`` for the module's tests: six platform emulators, half their orders lost.

    A module whose tests import, accept or cancel nothing (``LEAVES_THE_DEMO_AS_IT_IS = True``)
    shares one demo per worker with the other such modules; any other module gets its own.
    """
    if getattr(request.module, "LEAVES_THE_DEMO_AS_IT_IS", False):
        yield request.getfixturevalue("shared_demo")
        return
    with running_demo(tmp_path_factory.mktemp("demo")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(built_console: Path) -> Iterator[Any]:
    """Headless Chromium (Debian's), for the module's tests."""
    if not CHROMIUM.is_file():
        unavailable(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (or set ORDER_IMPORT_TEST_CHROMIUM)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: `.venv/bin/pip install -e '.[test]'` (no `playwright install`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _artifact_folder(item: pytest.Item) -> Path:
    return ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")


class Consoles:
    """Opens seller consoles (each a page in a fresh browser context) for one test, and keeps track of them."""

    def __init__(self, browser: Any, demo: Demo, problems: Problems) -> None:
        self.browser = browser
        self.demo = demo
        self.problems = problems
        self.opened: list[SellerConsole] = []

    def open(self, *, width: int = 1280, height: int = 800, name: str | None = None) -> SellerConsole:
        """A new browser context (its own storage) with one page, guarded, not yet navigated."""
        context = self.browser.new_context(
            base_url=self.demo.origin,
            viewport={"width": width, "height": height},
            locale="en-US",  # money as "$1,234.50"
            timezone_id="UTC",
        )
        context.set_default_timeout(TIMEOUT_MS)
        console = SellerConsole(context.new_page(), self.demo, self.problems, name or f"page{len(self.opened) + 1}")
        self.opened.append(console)
        return console

    def signed_in(self, **kwargs: Any) -> SellerConsole:
        console = self.open(**kwargs)
        console.sign_in()
        return console

    def save_artifacts(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "problems.txt").write_text(self.problems.text() or "none\n")
        for console in self.opened:
            console.save_artifacts(folder)

    def close(self) -> None:
        for console in self.opened:
            console.page.context.close()


@pytest.fixture
def consoles(browser: Any, demo: Demo, request: pytest.FixtureRequest) -> Iterator[Consoles]:
    """Seller consoles on the module's demo; on failure their screenshots and HTML go to test-artifacts/browser/."""
    item = request.node
    folder = _artifact_folder(item)
    shutil.rmtree(folder, ignore_errors=True)
    problems = item.stash[PROBLEMS] = Problems(demo.origin)
    opened = Consoles(browser, demo, problems)
    try:
        yield opened
    finally:
        reports = item.stash.get(REPORTS, {})
        if any(report.failed for report in reports.values()) or problems:
            opened.save_artifacts(folder)
        opened.close()


@pytest.fixture
def console(consoles: Consoles) -> SellerConsole:
    """One seller console, not signed in."""
    return consoles.open()
