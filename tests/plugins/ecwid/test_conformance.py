"""The Ecwid connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.ecwid import EcwidConnector
from plugins.ecwid.emulator import EcwidEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestEcwidConformance(ConnectorConformanceSuite):
    connector_class = EcwidConnector

    def make_double(self) -> PlatformDouble:
        return EcwidEmulator()
