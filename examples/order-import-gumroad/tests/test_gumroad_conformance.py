"""The Gumroad connector against its emulator: the whole conformance kit, nothing else needed."""

from __future__ import annotations

from order_import_gumroad import GumroadConnector
from order_import_gumroad.emulator import GumroadEmulator

from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestGumroadConformance(ConnectorConformanceSuite):
    connector_class = GumroadConnector

    def make_double(self) -> PlatformDouble:
        return GumroadEmulator()
