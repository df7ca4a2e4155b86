"""The Shopify platform plugin: the GraphQL Admin API connector and its demo emulator."""

from __future__ import annotations

from server.platforms import DemoEmulator, PlatformConnector, hookimpl

from .connector import ShopifyConnector

__all__ = ["ShopifyConnector"]


@hookimpl
def register_platforms() -> list[type[PlatformConnector]]:
    return [ShopifyConnector]


@hookimpl
def register_demo_emulators() -> list[DemoEmulator]:
    from .emulator import demo_emulator  # not at module level: importing the connector must not load the emulator

    return [demo_emulator()]
