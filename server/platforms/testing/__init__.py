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
- ``FaultQueueDouble``, ``garbage_response``, ``truncated_response``
  (``faults``): the fault queue and the generic faulty answers, so a double
  only writes its platform's error body and throttle signal.
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
from .faults import Fault, FaultQueueDouble, garbage_response, truncated_response

if TYPE_CHECKING:
    from .suite import ConnectorConformanceSuite

__all__ = [
    "ConformanceWarning",
    "ConnectorConformanceSuite",
    "Fault",
    "FaultQueueDouble",
    "PlatformDouble",
    "SeededOrder",
    "garbage_response",
    "truncated_response",
]


def __getattr__(name: str) -> Any:
    if name == "ConnectorConformanceSuite":
        from .suite import ConnectorConformanceSuite

        return ConnectorConformanceSuite
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
