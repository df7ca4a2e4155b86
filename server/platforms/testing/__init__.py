"""The conformance kit: one test-suite class a platform plugin's tests subclass.

    from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble

    class TestMyConnector(ConnectorConformanceSuite):
        connector_class = MyConnector

        def make_double(self) -> PlatformDouble:
            return MyEmulator()

- ``ConnectorConformanceSuite`` (``suite``): the tests, how capabilities gate
  them, and the optional overrides are described in that module's docstring.
- ``PlatformDouble`` and ``SeededOrder`` (``double``): what a platform's
  emulator (or a small fake) implements so the kit can seed orders and inject
  faults.
- ``FaultQueueDouble``, ``garbage_response``, ``truncated_response``,
  ``reshape_middleware`` (``faults``): the fault queue and the generic faulty
  answers, so a double only writes its platform's error body and throttle
  signal; its ``reshape_next`` needs nothing of the double.
- ``serve_double``, ``Harness``, ``KIT_RETRY_POLICY``, ``core_connector_kwargs``,
  ``local_time_zone`` (``harness``), for a plugin's own tests against its
  double: ``serve_double(MyConnector, MyEmulator())`` serves the double on
  127.0.0.1 over real HTTP and yields a ``Harness``, whose ``connector()``
  builds the connector as the core does (``credentials`` to use others) and
  whose ``seed(times)``, ``fetch(connector, reference)`` and
  ``pages(connector, start, end, max_pages=...)`` seed orders and run the
  operations with the kit's checks (results keep the ``Order`` invariants,
  errors are ``ConnectorError``s without secrets; anything else raises
  ``AssertionError``). ``local_time_zone(name)`` runs a block under another
  local time zone of the process.
- ``ConformanceWarning`` (``checks``): the category of the kit's soft checks,
  which a later release makes failures; escalate them now with
  ``-W error::server.platforms.testing.ConformanceWarning``.

Importing this package does not import pytest: emulators, which the demo runs
in production, subclass ``PlatformDouble`` from here. ``ConnectorConformanceSuite``
is loaded on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .checks import ConformanceWarning
from .double import PlatformDouble, SeededOrder
from .faults import (
    Fault,
    FaultQueueDouble,
    garbage_response,
    latency_middleware,
    reshape_middleware,
    truncated_response,
)
from .harness import KIT_RETRY_POLICY, Harness, core_connector_kwargs, local_time_zone, serve_double

if TYPE_CHECKING:
    from .suite import ConnectorConformanceSuite

__all__ = [
    "KIT_RETRY_POLICY",
    "ConformanceWarning",
    "ConnectorConformanceSuite",
    "Fault",
    "FaultQueueDouble",
    "Harness",
    "PlatformDouble",
    "SeededOrder",
    "core_connector_kwargs",
    "garbage_response",
    "latency_middleware",
    "local_time_zone",
    "reshape_middleware",
    "serve_double",
    "truncated_response",
]


def __getattr__(name: str) -> Any:
    if name == "ConnectorConformanceSuite":
        from .suite import ConnectorConformanceSuite

        return ConnectorConformanceSuite
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
