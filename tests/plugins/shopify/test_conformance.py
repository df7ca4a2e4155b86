"""The Shopify connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.shopify import ShopifyConnector
from plugins.shopify.emulator import ShopifyEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestShopifyConformance(ConnectorConformanceSuite):
    connector_class = ShopifyConnector

    def make_double(self) -> PlatformDouble:
        # Shopify Plus limits (10,000 points, 1,000 points/s): listing 500 orders at full speed must not run the
        # cost bucket dry, since the kit caps waits at milliseconds. The kit injects the throttle where it tests it.
        return ShopifyEmulator(bucket_size=10_000.0, restore_rate=1_000.0)
