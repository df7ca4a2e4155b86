"""Amounts as sellers read them: with their currency's minor units ("39.00", JPY "1500", KWD "1.500")."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 currencies whose minor unit is not 1/100; every other code has two decimals.
_MINOR_UNITS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
    **dict.fromkeys("CLF UYW".split(), 4),
}


def minor_units(currency: str) -> int:
    """How many decimals ``currency`` (an ISO 4217 code) is written with."""
    return _MINOR_UNITS.get(currency.upper(), 2)


def with_minor_units(amount: Decimal, currency: str) -> Decimal:
    """``amount`` with exactly the currency's decimals, or more where it has more significant ones (never rounded).

    "39" → "39.00", "1500.00" JPY → "1500", "12.3456" stays, "12.34560" → "12.3456".
    """
    written = amount.quantize(Decimal(1).scaleb(-minor_units(currency)))
    return written if written == amount else amount.normalize()
