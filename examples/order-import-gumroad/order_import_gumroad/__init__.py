"""Order Import platform plugin for Gumroad: the sales API connector, its demo emulator, one notification.

The entry point ``gumroad = "order_import_gumroad"`` (group
``order_import.platforms``) names this module; pluggy calls its hooks.
"""

from __future__ import annotations

import logging

from server.platforms import DemoEmulator, Order, PlatformConnector, hookimpl

from .connector import GumroadConnector

__all__ = ["GumroadConnector"]

log = logging.getLogger(__name__)


@hookimpl
def register_platforms() -> list[type[PlatformConnector]]:
    return [GumroadConnector]


@hookimpl
def register_demo_emulators() -> list[DemoEmulator]:
    from .emulator import demo_emulator  # here, not at the top: serving never loads emulator code

    return [demo_emulator()]


@hookimpl
def order_accepted(platform: str, order: Order, transaction_id: str) -> None:
    """Called for every platform's accepted orders, after the commit: act on Gumroad's only."""
    if platform == GumroadConnector.platform_id:
        log.info("Gumroad order %s accepted as transaction %s", order.order_number, transaction_id)
