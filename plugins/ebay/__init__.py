"""The eBay platform plugin: the Sell Fulfillment API connector and its demo emulator."""

from __future__ import annotations

from server.platforms import DemoEmulator, PlatformConnector, hookimpl

from .connector import EbayConnector

__all__ = ["EbayConnector"]


@hookimpl
def register_platforms() -> list[type[PlatformConnector]]:
    return [EbayConnector]


@hookimpl
def register_demo_emulators() -> list[DemoEmulator]:
    from .emulator import demo_emulator  # not at module level: importing the connector must not load the emulator

    return [demo_emulator()]
