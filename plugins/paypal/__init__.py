"""The PayPal platform plugin: the Orders v2 / Transaction Search connector and its demo emulator."""

from __future__ import annotations

from server.platforms import DemoEmulator, PlatformConnector, hookimpl

from .connector import PayPalConnector

__all__ = ["PayPalConnector"]


@hookimpl
def register_platforms() -> list[type[PlatformConnector]]:
    return [PayPalConnector]


@hookimpl
def register_demo_emulators() -> list[DemoEmulator]:
    from .emulator import demo_emulator  # not at module level: importing the connector must not load the emulator

    return [demo_emulator()]
