"""The real ``order-import demo`` as a subprocess, and a small GraphQL client to look things up for assertions."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SCRIPT = Path(sys.executable).with_name("order-import")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "server.cli"]
START_TIMEOUT = 60.0

ORDER_FIELDS = """
  id orderId orderNumber status paymentStatus cancelReason raw
  buyer { name email } total { amount currencyCode }
  lineItems { name quantity total { amount currencyCode } }
  store { id } transaction { id source status }
"""
STORES = "{ stores { id name platform { id name } } }"
PENDING = """
query($store: ID, $after: String) {
  pendingImports(store: $store, first: 200, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { %s } }
  }
}
"""
ORDER_TYPE_FIELDS = '{ __type(name: "ImportedOrder") { fields { name } } }'
TRANSACTIONS = """
query($store: ID, $search: String) {
  transactions(store: $store, search: $search, first: 200) {
    totalCount edges { node { id orderId orderNumber status source } }
  }
}
"""
IMPORTED_ORDER = f"query($id: ID!) {{ importedOrder(id: $id) {{ {ORDER_FIELDS} }} }}"
IMPORT_ORDERS = """
mutation($platform: String!, $store: ID!, $orderId: String, $hours: Int) {
  importOrders(platform: $platform, store: $store, orderId: $orderId, hours: $hours) {
    job { id status fetched imported skipped errorCode error warning }
    userErrors { code message field }
  }
}
"""
IMPORT_JOB = """
query($id: ID!) {
  importJob(id: $id) { id method orderId hours status fetched imported skipped errorCode error warning }
}
"""
SET_RECOVERY_OFF = """
mutation($store: ID!) { setStoreRecovery(store: $store, enabled: false) { userErrors { code message } } }
"""
CANCEL = """
mutation($id: ID!, $reason: String) {
  cancelImport(id: $id, reason: $reason) { importedOrder { id status } userErrors { code message } }
}
"""


class DemoError(AssertionError):
    """The demo did not start, or answered a GraphQL error."""


@dataclass(frozen=True)
class DemoStore:
    id: str
    name: str
    platform: str  # the platform's id, "shopify"
    platform_name: str  # what the console shows, "Shopify"


@dataclass
class Demo:
    """A running ``order-import demo``: its URLs, its demo seller's token and a GraphQL client."""

    graphql_url: str
    token: str
    console_url: str
    database_url: str | None
    process: subprocess.Popen[str]
    log: Path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.console_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, path: str) -> str:
        return self.origin + path

    # -- GraphQL ----------------------------------------------------------------------------------

    def execute(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> Any:
        request = urllib.request.Request(
            self.graphql_url,
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Authorization": f"Bearer {token or self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = json.load(response)
        except urllib.error.HTTPError as exc:
            with exc:
                raise DemoError(f"GraphQL answered HTTP {exc.code}: {exc.read()[:500]!r}") from None
        if body.get("errors"):
            raise DemoError(body["errors"])
        return body["data"]

    @cached_property
    def stores(self) -> dict[str, DemoStore]:
        """The demo seller's store of each platform, by platform id."""
        return {
            s["platform"]["id"]: DemoStore(s["id"], s["name"], s["platform"]["id"], s["platform"]["name"])
            for s in self.execute(STORES)["stores"]
        }

    @cached_property
    def _pending_query(self) -> str:
        """PENDING, with ``testOrder`` where the API has it (the payment guard refuses test orders)."""
        fields = {f["name"] for f in self.execute(ORDER_TYPE_FIELDS)["__type"]["fields"]}
        return PENDING % (ORDER_FIELDS + (" testOrder" if "testOrder" in fields else ""))

    def pending(self, platform: str) -> list[dict[str, Any]]:
        """The pending imports of the platform's demo store, in the API's order."""
        nodes, after = [], None
        while True:
            page = self.execute(self._pending_query, {"store": self.stores[platform].id, "after": after})
            page = page["pendingImports"]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    def transactions(self, platform: str, search: str | None = None) -> list[dict[str, Any]]:
        variables = {"store": self.stores[platform].id, "search": search}
        return [edge["node"] for edge in self.execute(TRANSACTIONS, variables)["transactions"]["edges"]]

    def imported_order(self, id: str) -> dict[str, Any]:
        return self.execute(IMPORTED_ORDER, {"id": id})["importedOrder"]

    def import_orders(self, platform: str, *, hours: int | None = None, order_id: str | None = None) -> dict[str, Any]:
        variables = {"platform": platform, "store": self.stores[platform].id, "hours": hours, "orderId": order_id}
        payload = self.execute(IMPORT_ORDERS, variables)["importOrders"]
        assert payload["userErrors"] == [], payload
        return payload["job"]

    def finished(self, job: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        """The job once it is no longer RUNNING (an import answers RUNNING when it takes a while)."""
        deadline = time.monotonic() + timeout
        while job["status"] == "RUNNING":
            assert time.monotonic() < deadline, f"the import job is still running: {job}"
            time.sleep(0.1)
            job = self.execute(IMPORT_JOB, {"id": job["id"]})["importJob"]
        return job

    def turn_recovery_off(self) -> None:
        """No store of the demo is checked automatically: what a test imports is all that is pending."""
        for store in self.stores.values():
            payload = self.execute(SET_RECOVERY_OFF, {"store": store.id})["setStoreRecovery"]
            assert payload["userErrors"] == [], payload

    def cancel(self, id: str, reason: str | None = None) -> None:
        payload = self.execute(CANCEL, {"id": id, "reason": reason})["cancelImport"]
        assert payload["userErrors"] == [], payload

    def acceptable(self, platform: str) -> list[dict[str, Any]]:
        """Pending orders the payment guard lets an accept through: paid, and not test orders."""
        return [
            order
            for order in self.pending(platform)
            if order["paymentStatus"] in ("PAID", "PARTIALLY_REFUNDED") and not order.get("testOrder")
        ]


def _environment(database: Path, settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDER_IMPORT_")}
    env["ORDER_IMPORT_DATABASE_URL"] = f"sqlite://{database}"
    return env | settings


def _read_lines(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


@contextmanager
def running_demo(folder: Path, settings: dict[str, str] | None = None, *, recovery: bool = False) -> Iterator[Demo]:
    """``order-import demo --host 127.0.0.1 --port 0`` on a fresh SQLite file, with ``settings`` (``ORDER_IMPORT_*``
    variables) in its environment; stopped with one SIGINT at the end. Its stores' automatic recovery is turned
    off at once (its first check comes 20 s after start), unless ``recovery``.

    Reads the lines it prints for scripts (``GraphQL:``, ``Token:``, ``Console:``, ``Database:``). A demo
    that prints no ``Console:`` line is served at the GraphQL URL's origin.
    """
    log = folder / "demo.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [*COMMAND, "demo", "--host", "127.0.0.1", "--port", "0"],
            env=_environment(folder / "demo.sqlite3", settings or {}),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    reader: threading.Thread | None = None
    try:
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        printed: dict[str, str] = {}
        deadline = time.monotonic() + START_TIMEOUT
        while "Database" not in printed:
            # The Console and Database lines follow the Token line at once when the demo prints them.
            wait = deadline - time.monotonic() if "Token" not in printed else 2.0
            try:
                line = lines.get(timeout=max(wait, 0.01))
            except queue.Empty:
                if "Token" in printed:
                    break
                raise DemoError(f"the demo printed no token within {START_TIMEOUT:.0f} s:\n{log.read_text()}") from None
            if line is None:
                process.wait(10)
                raise DemoError(f"the demo exited ({process.returncode}) before it was ready:\n{log.read_text()}")
            name, sep, value = line.partition(": ")
            if sep:
                printed[name] = value.strip()
        if "GraphQL" not in printed:
            raise DemoError(f"the demo printed no GraphQL line: {printed}")
        graphql = printed["GraphQL"]
        demo = Demo(
            graphql_url=graphql,
            token=printed["Token"],
            console_url=printed.get("Console") or graphql.rsplit("/graphql", 1)[0] + "/",
            database_url=printed.get("Database"),
            process=process,
            log=log,
        )
        if not recovery:
            demo.turn_recovery_off()
        yield demo
    finally:
        try:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # one Ctrl-C: a second one would force the exit
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
                    raise DemoError(f"the demo did not stop on SIGINT:\n{log.read_text()}") from None
        finally:
            if reader is not None:
                reader.join(5)
            assert process.stdout is not None
            process.stdout.close()
    output = log.read_text()
    assert "Traceback" not in output, output
