"""BigCommerce's wire formats: 4-decimal money strings, RFC 2822 dates, order statuses, v2 error bodies."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

# id -> (name, control-panel sort order), from GET /v2/order_statuses and /v2/orders/count.
STATUSES: dict[int, tuple[str, int]] = {
    0: ("Incomplete", 0),
    1: ("Pending", 1),
    2: ("Shipped", 8),
    3: ("Partially Shipped", 6),
    4: ("Refunded", 11),
    5: ("Cancelled", 9),
    6: ("Declined", 10),
    7: ("Awaiting Payment", 2),
    8: ("Awaiting Pickup", 5),
    9: ("Awaiting Shipment", 4),
    10: ("Completed", 7),
    11: ("Awaiting Fulfillment", 3),
    12: ("Manual Verification Required", 13),
    13: ("Disputed", 12),
    14: ("Partially Refunded", 14),
}
STATUS_DESCRIPTIONS: dict[int, str] = {
    0: "An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.",
    1: "Customer started the checkout process, but did not complete it.",
    2: "Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.",
    3: "Only some items in the order have been shipped, due to some products being pre-order only or other reasons.",
    4: "Seller has used the Refund action.",
    5: "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
    6: "Seller has marked the order as declined for lack of manual payment, or other reasons.",
    7: "Customer has completed checkout process, but payment has yet to be confirmed.",
    8: "Order has been pulled, and is awaiting customer pickup from a seller-specified location.",
    9: "Order has been pulled and packaged, and is awaiting collection from a shipping provider.",
    10: "Client has paid for their digital product and their file(s) are available for download.",
    11: "Customer has completed the checkout process and payment has been confirmed.",
    12: "Order is on hold while some aspect needs to be manually confirmed.",
    13: "Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.",
    14: "Seller has partially refunded the order.",
}
# ISO 4217 code -> the store's currency id (the store's default is 1 in every documented example).
CURRENCY_IDS = {"USD": 1, "EUR": 2, "GBP": 3, "CAD": 4, "AUD": 5, "JPY": 6}

_FOUR = Decimal("0.0001")
_TEN = Decimal("0.0000000001")


def money(amount: Decimal) -> str:
    """A money amount as BigCommerce writes it: a string with exactly four decimals ("69.8400")."""
    return str(amount.quantize(_FOUR, rounding=ROUND_HALF_UP))


def rate(value: Decimal) -> str:
    """An exchange rate: a string with ten decimals ("1.0000000000")."""
    return str(value.quantize(_TEN, rounding=ROUND_HALF_UP))


def rfc2822(moment: datetime) -> str:
    """A date as the API returns it: RFC 2822, always in UTC ("Tue, 05 Mar 2019 21:40:11 +0000")."""
    return format_datetime(moment.astimezone(UTC))


def parse_filter_date(text: str, store_tz: tzinfo) -> datetime | None:
    """A ``min_/max_date_*`` value in RFC 2822 or ISO 8601, aware; ``None`` when it is neither.

    A value without an offset (``2017-04-20`` or ``2017-04-20T11:32:00``) is read in the
    store's time zone; RFC 2822's ``-0000`` means UTC.
    """
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=store_tz)


def error_body(status: int, message: str) -> list[dict[str, Any]]:
    """The v2 error body: an array of ``{status, message}``."""
    return [{"status": status, "message": message}]


NOT_FOUND = error_body(404, "The requested resource was not found.")
