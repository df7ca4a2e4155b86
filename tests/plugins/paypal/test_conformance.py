"""The PayPal connector runs the conformance kit exactly as a partner's connector would."""

from __future__ import annotations

from plugins.paypal import PayPalConnector
from plugins.paypal.emulator import PayPalEmulator
from server.platforms.testing import ConnectorConformanceSuite, PlatformDouble


class TestPayPalConformance(ConnectorConformanceSuite):
    connector_class = PayPalConnector

    def make_double(self) -> PlatformDouble:
        return PayPalEmulator()
