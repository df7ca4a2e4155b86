"""How PayPal writes money and times: decimal strings per currency, ``Z`` times in Orders/Payments,
``+HHMM`` offsets in the account's time zone in Transaction Search."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})
"""Currencies PayPal takes without decimals (its currency-codes reference)."""


_UNIT, _CENT = Decimal(1), Decimal("0.01")


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the currency's PayPal precision."""
    return amount.quantize(_UNIT if currency in ZERO_DECIMAL_CURRENCIES else _CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    """PayPal's Money object: ``{"currency_code": "USD", "value": "100.00"}`` (value always a string).

    ``amount`` must already be at the currency's precision (see ``quantize``)."""
    return {
        "currency_code": currency,
        "value": f"{amount:.0f}" if currency in ZERO_DECIMAL_CURRENCIES else f"{amount:.2f}",
    }


def zulu(moment: datetime) -> str:
    """Orders v2 and Payments v2 times: UTC to the second with ``Z`` (``2018-04-01T21:18:49Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_time(moment: datetime, zone: tzinfo) -> str:
    """Transaction Search times: the account's local time with a colon-less offset (``2014-07-11T04:03:52+0000``)."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S%z")
