"""The Ecwid platform plugin: the REST API v3 connector and its demo emulator."""

from __future__ import annotations

from server.platforms import DemoEmulator, PlatformConnector, hookimpl

from .connector import EcwidConnector

__all__ = ["EcwidConnector"]


@hookimpl
def register_platforms() -> list[type[PlatformConnector]]:
    return [EcwidConnector]


@hookimpl
def register_demo_emulators() -> list[DemoEmulator]:
    from .emulator import demo_emulator  # not at module level: importing the connector must not load the emulator

    return [demo_emulator()]
