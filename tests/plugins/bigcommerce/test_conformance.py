"""The BigCommerce connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.bigcommerce import BigCommerceConnector
from plugins.bigcommerce.emulator import BigCommerceEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestBigCommerceConformance(ConnectorConformanceSuite):
    connector_class = BigCommerceConnector

    def make_double(self) -> PlatformDouble:
        # The kit caps retry waits at milliseconds, so it cannot sit out a 30-second quota window; the quota is
        # raised so that listing 500 orders (one /products call each) is not throttled. The throttle is injected.
        return BigCommerceEmulator(quota=1_000_000)
