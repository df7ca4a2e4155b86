"""Sellers and their API tokens. Tokens are random and stored only as SHA-256 hashes.

A token has a name, may be read-only (queries and subscriptions only), may expire and may be
revoked. A revoked or expired token authenticates nothing from that moment on. A revocation is
also announced on the broker after its commit, so that every server process closes the token's
open websockets at once (see ``server.token_watch``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ..errors import InvalidInput, NotFound
from ..events import Broker, TokenRevoked, announce
from ..models import ApiToken, AuditAction, Seller
from ..token_watch import TokenCache
from . import audit
from .paging import parse_id

log = logging.getLogger(__name__)

TOKEN_PREFIX = "oi_"
MAX_NAME_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
# A token's last-used time is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


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


async def create_seller_token(
    seller_name: str, *, name: str | None = None, expires_in_days: int | None = None, read_only: bool = False
) -> str:
    """``create_token`` for the seller of that name, created if needed once the options are found valid."""
    _check_options(name=name, expires_in_days=expires_in_days)
    seller = await get_or_create_seller(seller_name)
    return await create_token(seller, name=name, expires_in_days=expires_in_days, read_only=read_only)


async def create_token(
    seller: Seller,
    *,
    name: str | None = None,
    expires_in_days: int | None = None,
    read_only: bool = False,
    now: datetime | None = None,
    actor: str = audit.CLI,
) -> str:
    """A new token of ``seller``, the only time its secret is seen. Without a name it is ``token-<n>``,
    n counting the seller's tokens (revoked ones included). Audited as TOKEN_CREATED by ``actor``."""
    _check_options(name=name, expires_in_days=expires_in_days)
    if name is None:
        name = f"token-{await ApiToken.filter(seller=seller).count() + 1}"
    now = now or datetime.now(UTC)
    expires_at = None if expires_in_days is None else now + timedelta(days=expires_in_days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with in_transaction() as conn:
        row = await ApiToken.create(
            seller=seller,
            token_hash=_hash(token),
            name=name.strip(),
            read_only=read_only,
            expires_at=expires_at,
            using_db=conn,
        )
        await _audited(conn, row, AuditAction.TOKEN_CREATED, actor, now)
    return token


async def _audited(conn: BaseDBAsyncClient, token: ApiToken, action: AuditAction, actor: str, at: datetime) -> None:
    entry = audit.entry(
        action,
        seller_id=token.seller_id,
        actor=actor,
        at=at,
        tokenId=str(token.id),
        name=token.name,
        readOnly=token.read_only,
    )
    await audit.record(conn, [entry])


def _check_options(*, name: str | None, expires_in_days: int | None) -> None:
    if name is not None:
        if not 1 <= len(name.strip()) <= MAX_NAME_LENGTH:
            raise InvalidInput(f"a token name is 1 to {MAX_NAME_LENGTH} characters", field="name")
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):  # a tab or line break would break `token list`
            raise InvalidInput("a token name cannot hold control characters (tabs, line breaks ...)", field="name")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise InvalidInput(f"a token expires in 1 to {MAX_EXPIRY_DAYS} days", field="expiresIn")


async def authenticate_token(
    authorization: str | None, *, now: datetime | None = None, cache: TokenCache | None = None
) -> ApiToken | None:
    """The usable token of ``Bearer <token>``, its seller loaded, or ``None``.

    One lookup by the token's unique hash, or none while ``cache`` holds the token (see ``TokenCache`` for how
    soon a revocation is seen); the last-used time is written when it is a minute old or more.
    """
    if not authorization:
        return None
    scheme, _, secret = authorization.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token_hash = _hash(secret)
    found = cache.get(token_hash) if cache else None
    if found is None:
        read_at = cache.clock() if cache else 0.0
        found = await ApiToken.filter(token_hash=token_hash).select_related("seller").first()
        if found is not None and cache:
            cache.put(token_hash, found, read_at)
    now = now or datetime.now(UTC)
    if found is None or not found.usable(now):
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_PRECISION:
        await _mark_used(found, now)
    return found


async def _mark_used(token: ApiToken, now: datetime) -> None:
    # Conditional, so that of several requests (or processes) finding the same old time, one writes. Whoever
    # wrote, the time is recent now: this process does not try again for a minute.
    old = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    await ApiToken.filter(old, id=token.id).update(last_used_at=now)
    token.last_used_at = now


async def list_tokens(seller: Seller) -> list[ApiToken]:
    """The seller's tokens, oldest first, revoked and expired ones included."""
    return await ApiToken.filter(seller=seller).order_by("created_at", "id")


async def list_all_tokens(seller_name: str | None = None) -> list[ApiToken]:
    """Every token (or one seller's), oldest first, each with its seller loaded; for the operator."""
    query = ApiToken.all()
    if seller_name is not None:
        seller = await Seller.get_or_none(name=seller_name.strip())
        if seller is None:
            raise NotFound(f"no seller named {seller_name!r}", field="seller")
        query = query.filter(seller=seller)
    return await query.select_related("seller").order_by("created_at", "id")


async def revoke_token(
    token_id: object,
    *,
    actor: str,
    seller: Seller | None = None,
    broker: Broker | None = None,
    cache: TokenCache | None = None,
    now: datetime | None = None,
) -> ApiToken:
    """Revoke a token (of ``seller``, when given) from now on, drop it from this process's ``cache`` and
    announce it on ``broker`` (for every process's). Audited as TOKEN_REVOKED by ``actor``.

    Revoking a revoked token changes nothing and answers it as it is. Another seller's token is not found.
    """
    key = parse_id(token_id)
    if key is None:
        raise NotFound(f"no API token with id {token_id!r}", field="id")
    now = now or datetime.now(UTC)
    scope = ApiToken.filter(id=key) if seller is None else ApiToken.filter(id=key, seller=seller)
    async with in_transaction() as conn:
        if await scope.filter(revoked_at__isnull=True).using_db(conn).update(revoked_at=now):
            await _audited(conn, await scope.using_db(conn).get(), AuditAction.TOKEN_REVOKED, actor, now)
    token = await scope.select_related("seller").first()
    if token is None:
        raise NotFound(f"no API token with id {token_id!r}", field="id")
    if cache is not None:
        cache.forget(token.id)
    if broker is not None:
        await announce_revocation(broker, token)
    return token


async def announce_revocation(broker: Broker, token: ApiToken) -> None:
    """Tell every server process, after the commit. A lost message is no failure: each process also
    re-checks its connections' tokens every few seconds."""
    try:
        await announce(broker, TokenRevoked(str(token.id)))
    except Exception as exc:  # the broker's own errors (Redis, PostgreSQL, network) vary
        log.warning(
            "the revocation of API token %s was not announced (%s); servers notice it at their next re-check",
            token.id,
            type(exc).__name__,
        )
