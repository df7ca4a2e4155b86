"""PayPal-looking identifiers, reproducible for a seed and never repeated within one emulator."""

from __future__ import annotations

import random

_ID_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXY"
_PAYER_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # PayPal's payer-id alphabet: [2-9A-HJ-NP-Z]


class IdMaker:
    """Order, capture and refund ids (17 characters, like ``5O190127TN364715T``) and payer ids (13)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._used: set[str] = set()

    def claim(self, value: str) -> str:
        """Reserve an id chosen by the caller; refuse one already in use."""
        if value in self._used:
            raise ValueError(f"id {value!r} is already used")
        self._used.add(value)
        return value

    def transaction(self) -> str:
        while (value := "".join(self._rng.choices(_ID_CHARS, k=17))) in self._used:
            pass
        return self.claim(value)

    def payer(self) -> str:
        return "".join(self._rng.choices(_PAYER_CHARS, k=13))

    def token(self) -> str:
        """An opaque access token in PayPal's ``A21AA...`` style."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "A21AA" + "".join(self._rng.choices(alphabet, k=92))
