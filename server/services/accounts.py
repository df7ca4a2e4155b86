"""Sellers and their API tokens. Tokens are random and stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets

from tortoise.exceptions import IntegrityError

from ..errors import InvalidInput
from ..models import ApiToken, Seller

TOKEN_PREFIX = "oi_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def get_or_create_seller(name: str) -> Seller:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a seller name is 1 to 200 characters", field="seller")
    try:
        seller, _ = await Seller.get_or_create(name=name)
    except IntegrityError:  # created concurrently
        seller = await Seller.get(name=name)
    return seller


async def create_token(seller: Seller) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(seller=seller, token_hash=_hash(token))
    return token


async def authenticate(authorization: str | None) -> Seller | None:
    """The seller owning ``Bearer <token>``, or ``None``."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = await ApiToken.filter(token_hash=_hash(token)).select_related("seller").first()
    return found.seller if found else None
