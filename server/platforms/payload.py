"""Reading a platform's JSON safely: every wrong shape becomes ``PlatformBadResponse``.

A mapping binds one reader to its platform's name and passes each value with
the path that names it in the payload::

    read = PayloadReader("BigCommerce")

    order = read.obj(payload, "order")
    currency = read.currency(order.get("default_currency_code"), "default_currency_code")
    total = read.money(order.get("total_inc_tax"), currency, "total_inc_tax")
    placed_at = read.time(order.get("created_at"), "created_at")

A value that is missing, ``None`` or of the wrong type raises
``PlatformBadResponse("BigCommerce field 'total_inc_tax' is not a decimal amount")``:
never ``KeyError``, ``TypeError``, ``ValueError`` or ``IndexError``. Messages
name the platform and the path only, never the value (it may be long, or
personal data). Formats of one platform (RFC 2822 dates, unix seconds, ids
inside URLs) stay in its plugin, built on ``aware_utc`` and ``error``.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import PlatformBadResponse
from .models import Money

__all__ = ["PayloadReader", "clean", "join", "shorten"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_JSON_NUMBERS: tuple[type, ...] = (str, int, float)


@dataclass(frozen=True, slots=True)
class PayloadReader:
    """Readers of one platform's payloads; each takes a value and the field path that names it in errors.

    Paths are written as the payload nests them: ``lineItems[2].total.value``,
    or ``items[].name`` where the index does not matter.
    """

    platform: str

    def error(self, detail: str) -> PlatformBadResponse:
        """``PlatformBadResponse`` for a check of the plugin's own: ``raise read.error("field 'id' is not ...")``."""
        return PlatformBadResponse(f"{self.platform} {detail}")

    def obj(self, value: Any, field: str) -> Mapping[str, Any]:
        """A JSON object."""
        if type(value) is dict or isinstance(value, Mapping):  # a dict, as decoded, without the ABC's check
            return value
        raise self.error(f"field {field!r} is missing or not an object")

    def optional_obj(self, value: Any, field: str) -> Mapping[str, Any]:
        """A JSON object, or ``{}`` for a missing one (``None``)."""
        return {} if value is None else self.obj(value, field)

    def list(self, value: Any, field: str) -> builtins.list[Any]:
        """A JSON array (its elements unchecked: read each with its own path)."""
        if not isinstance(value, builtins.list):
            raise self.error(f"field {field!r} is missing or not a list")
        return value

    def optional_list(self, value: Any, field: str) -> builtins.list[Any]:
        """A JSON array, or ``[]`` for a missing one (``None``)."""
        return [] if value is None else self.list(value, field)

    def text(self, value: Any, field: str) -> str:
        """A string that is not blank, stripped. ``clean`` reads an optional one."""
        if isinstance(value, str) and (text := value.strip()):
            return text
        raise self.error(f"field {field!r} is missing, empty or not a string")

    def integer(self, value: Any, field: str, *, minimum: int | None = None) -> int:
        """A JSON integer (never a bool, a float or a numeric string), at least ``minimum`` when given."""
        if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
            raise self.error(f"field {field!r} is missing or not an integer")
        if minimum is not None and value < minimum:
            raise self.error(f"field {field!r} is less than {minimum}")
        return value

    def decimal(self, value: Any, field: str, *, accept: tuple[type, ...] = _JSON_NUMBERS) -> Decimal:
        """A finite ``Decimal`` from a numeric string or a JSON number.

        A float converts through ``str`` (its shortest repr), never through its
        binary value. ``accept`` narrows the JSON types a platform may send,
        e.g. ``(str,)`` where amounts are always strings; bools never pass.
        """
        if type(value) is str and isinstance(value, accept):  # the common case, in fewer steps than below
            text = value.strip()
            if _NUMBER.fullmatch(text):
                try:
                    fast = Decimal(text)
                except (InvalidOperation, ValueError):
                    pass  # refused below, with its message
                else:
                    if fast.is_finite():
                        return fast
        if isinstance(value, bool) or not isinstance(value, accept) or not isinstance(value, _JSON_NUMBERS):
            raise self.error(f"field {field!r} is missing or not a decimal amount")
        if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
            raise self.error(f"field {field!r} is not a decimal amount")
        try:
            amount = Decimal(value) if isinstance(value, int) else Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite():
            raise self.error(f"field {field!r} is not a finite decimal amount")
        return amount

    def currency(self, value: Any, field: str) -> str:
        """An ISO 4217 code: three capital letters, surrounding blanks stripped."""
        code = value.strip() if isinstance(value, str) else None
        if code is None or not _CURRENCY.fullmatch(code):
            raise self.error(f"field {field!r} is missing or not an ISO 4217 currency code")
        return code

    def money(self, amount: Any, currency: Any, field: str, *, accept: tuple[type, ...] = _JSON_NUMBERS) -> Money:
        """``Money`` of ``amount`` (read as ``decimal``) in ``currency``; errors name ``field``.

        Read a currency that has a field of its own with ``currency`` first, so its errors name that field.
        """
        value = self.decimal(amount, field, accept=accept)
        code = currency.strip() if type(currency) is str else clean(currency)
        if not code or not _CURRENCY.fullmatch(code):
            raise self.error(f"field {field!r} has no ISO 4217 currency code")
        return Money(value, code)

    def time(self, value: Any, field: str, *, assume_utc: bool = False) -> datetime:
        """An ISO 8601 date-time with an offset (``Z`` or ``+02:00``), converted to UTC.

        One without an offset is refused, never read in the server's local time;
        ``assume_utc`` reads it as UTC instead, for a field the platform documents as UTC.
        """
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise self.error(f"field {field!r} is missing or not an ISO 8601 date-time")
        if assume_utc and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.aware_utc(moment, field)

    def aware_utc(self, moment: datetime, field: str) -> datetime:
        """``moment`` in UTC; refused when it has no offset (a naive time means nothing certain)."""
        if moment.utcoffset() is None:
            raise self.error(f"field {field!r} has no UTC offset")
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise self.error(f"field {field!r} is out of range in UTC") from None


def clean(value: Any) -> str | None:
    """A string stripped, or ``None`` for a blank one or anything that is not a string."""
    return (value.strip() or None) if isinstance(value, str) else None


def join(*parts: Any) -> str | None:
    """The ``clean`` parts joined by spaces (``join(first, last)``), or ``None`` when none is left."""
    return " ".join(part for part in map(clean, parts) if part) or None


def shorten(message: object, limit: int = 200) -> str:
    """A platform's message for an error text: one line, at most ``limit`` characters (cut with ``…``).

    Anything but a string goes through ``str``; ``None`` is ``""``. Remove secrets before shortening.
    """
    text = "" if message is None else " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
