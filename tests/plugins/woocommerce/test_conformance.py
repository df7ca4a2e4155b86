"""The WooCommerce connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.woocommerce import WooCommerceConnector
from plugins.woocommerce.emulator import WooCommerceEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestWooCommerceConformance(ConnectorConformanceSuite):
    connector_class = WooCommerceConnector

    def make_double(self) -> PlatformDouble:
        return WooCommerceEmulator()
