"""The six built-in platforms as the benchmark runs them: plugin, connector, emulator, floor, defaults.

Each emulator factory builds the platform's emulator with its rate limit off, so
no time goes to a simulated limit; factories run in the emulator's child
process (they are module-level, so ``spawn`` can pickle them), and import the
emulator only there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import plugins.bigcommerce
import plugins.ebay
import plugins.ecwid
import plugins.paypal
import plugins.shopify
import plugins.woocommerce
from bench.floors import FLOORS
from bench.harness import Floor
from plugins.paypal import connector as paypal_connector
from server.platforms import PlatformConnector

__all__ = ["PLATFORMS", "Platform"]

UNLIMITED = 10**12


def shopify_emulator() -> Any:
    from plugins.shopify.emulator import ShopifyEmulator

    return ShopifyEmulator(bucket_size=UNLIMITED, restore_rate=UNLIMITED)  # 10^12 points, refilled at 10^12/s


def woocommerce_emulator() -> Any:
    from plugins.woocommerce.emulator import WooCommerceEmulator

    return WooCommerceEmulator()  # WooCommerce core has no rate limit


def bigcommerce_emulator() -> Any:
    from plugins.bigcommerce.emulator import BigCommerceEmulator

    return BigCommerceEmulator(quota=UNLIMITED)  # requests per 30 s window


def ebay_emulator() -> Any:
    from plugins.ebay.emulator import EbayEmulator

    return EbayEmulator()  # throttles only when told to


def ecwid_emulator() -> Any:
    from plugins.ecwid.emulator import EcwidEmulator

    return EcwidEmulator(requests_per_minute=UNLIMITED)


def paypal_emulator() -> Any:
    from plugins.paypal.emulator import PayPalEmulator

    return PayPalEmulator(reporting_lag=None)  # no reporting lag; throttles only when told to


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    plugin: ModuleType
    connector: type[PlatformConnector]
    emulator: Callable[[], Any]
    floor: Floor
    default_orders: int
    offset_paged: bool  # numbered or offset pages: page_concurrency applies
    requests: str  # what listing the window costs, for the report


PLATFORMS = {
    p.id: p
    for p in (
        Platform(
            "shopify",
            "Shopify",
            plugins.shopify,
            plugins.shopify.ShopifyConnector,
            shopify_emulator,
            FLOORS["shopify"],
            default_orders=5_000,
            offset_paged=False,
            requests="GraphQL pages of 30 orders, cursor after cursor",
        ),
        Platform(
            "woocommerce",
            "WooCommerce",
            plugins.woocommerce,
            plugins.woocommerce.WooCommerceConnector,
            woocommerce_emulator,
            FLOORS["woocommerce"],
            default_orders=5_000,
            offset_paged=True,
            requests="numbered pages of 100 orders, each OAuth 1.0a-signed (plain HTTP)",
        ),
        Platform(
            "bigcommerce",
            "BigCommerce",
            plugins.bigcommerce,
            plugins.bigcommerce.BigCommerceConnector,
            bigcommerce_emulator,
            FLOORS["bigcommerce"],
            default_orders=5_000,
            offset_paged=False,  # page_concurrency is 1 by design (see the connector)
            requests="numbered pages of 250 orders, plus GET /orders/{id}/products for every order, 8 at a time",
        ),
        Platform(
            "ebay",
            "eBay",
            plugins.ebay,
            plugins.ebay.EbayConnector,
            ebay_emulator,
            FLOORS["ebay"],
            default_orders=5_000,
            offset_paged=True,
            requests="a token, then offset pages of 200 orders",
        ),
        Platform(
            "ecwid",
            "Ecwid",
            plugins.ecwid,
            plugins.ecwid.EcwidConnector,
            ecwid_emulator,
            FLOORS["ecwid"],
            default_orders=5_000,
            offset_paged=True,
            requests="the store profile, then offset pages of 100 orders",
        ),
        Platform(
            "paypal",
            "PayPal",
            plugins.paypal,
            plugins.paypal.PayPalConnector,
            paypal_emulator,
            FLOORS["paypal"],
            default_orders=1_000,
            offset_paged=True,
            requests=(
                "a token, Transaction Search pages of 500 rows (read twice when there are several), "
                f"then GET capture and GET order for every payment, {paypal_connector.LOOKUPS} at a time"
            ),
        ),
    )
}
