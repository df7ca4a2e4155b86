"""The eBay connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.ebay import EbayConnector
from plugins.ebay.emulator import EbayEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestEbayConformance(ConnectorConformanceSuite):
    connector_class = EbayConnector

    def make_double(self) -> PlatformDouble:
        return EbayEmulator()
