"""How PayPal writes money and times: decimal strings per currency, ``Z`` times in Orders/Payments,
``+HHMM`` offsets in the account's time zone in Transaction Search."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO_DECIMAL_CURRENCIES = frozenset({"HUF", "JPY", "TWD"})
"""Currencies PayPal takes without decimals (its currency-codes reference)."""


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the currency's PayPal precision."""
    exponent = Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    """PayPal's Money object: ``{"currency_code": "USD", "value": "100.00"}`` (value always a string)."""
    return {"currency_code": currency, "value": format(quantize(amount, currency), "f")}


def zulu(moment: datetime) -> str:
    """Orders v2 and Payments v2 times: UTC to the second with ``Z`` (``2018-04-01T21:18:49Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_time(moment: datetime, zone: tzinfo) -> str:
    """Transaction Search times: the account's local time with a colon-less offset (``2014-07-11T04:03:52+0000``)."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S%z")
