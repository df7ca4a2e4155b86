"""A seller's alert webhook: the one URL each new alert is POSTed to, signed in the Standard Webhooks format.

The URL passes the address rules of ``apiBaseUrl`` when it is set (``server.outbound.check_url``) and
again at every connection (the outbound session refuses a non-public address). Setting a URL, even the
same one again, issues a new secret (``whsec_`` + base64 of 32 random bytes), shown once; it is kept
encrypted like store credentials.

Each alert raised while a URL is set becomes an ``AlertDelivery``. ``deliver_due`` sends the deliveries
whose time has come. A row is claimed with a conditional update (``attempts`` as its version), so two
processes never send one twice; the claim pushes ``next_attempt_at`` ahead by ``CLAIM_SECONDS``, so a
process that dies mid-send leaves the row to be tried again later. A 2xx answer delivers it. A timeout,
a refused or failed connection, a 408, 429 or 5xx answer (or a redirect, never followed) is tried again
after ``BACKOFF`` (30 s, 2 min, 10 min, 1 h, 6 h), then given up with its ``last_error`` kept. Any other
4xx answer gives up at once: the receiver has said it will not take this message. A delivery whose URL
is no longer the seller's (removed or changed since) is given up too.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta

import aiohttp
from standardwebhooks import Webhook
from tortoise.transactions import in_transaction

from ..logs import register_secrets
from ..models import Alert, AlertDelivery, AlertEndpoint, Seller
from ..outbound import check_url
from ..platforms.http import AddressRefused
from ..runtime import Runtime

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
"""The wait before each retry; a delivery failing once more after the last is given up."""
CLAIM_SECONDS = 60.0
"""How long a claimed delivery is left to its sender before another process may try it."""
SEND_SECONDS = 10.0
"""How long one POST may take, connection included."""
BATCH = 50
"""Deliveries claimed by one ``deliver_due`` pass at most."""
TICK_SECONDS = 10.0
"""How often each server process calls ``deliver_due``."""
EVENT_TYPE = "alert.raised"
SECRET_PREFIX = "whsec_"
RETRIED_STATUSES = frozenset({408, 429})


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


async def get_endpoint(seller: Seller) -> AlertEndpoint | None:
    return await AlertEndpoint.filter(seller_id=seller.id).first()


async def set_endpoint(rt: Runtime, seller: Seller, url: str | None) -> tuple[AlertEndpoint | None, str | None]:
    """Point the seller's alerts at ``url`` with a new secret, returned this once; ``None`` removes it.

    Raises ``InvalidInput`` (``DisallowedAddress``) for a URL the address rules refuse."""
    if url is None:
        await AlertEndpoint.filter(seller_id=seller.id).delete()
        return None, None
    url = await check_url(url, allow_local=rt.settings.allow_local_api, field="url", name="the alert webhook URL")
    secret = new_secret()
    register_secrets([secret])
    async with in_transaction() as conn:
        await AlertEndpoint.filter(seller_id=seller.id).using_db(conn).delete()
        endpoint = await AlertEndpoint.create(
            seller_id=seller.id, url=url, secret=rt.cipher.encrypt({"secret": secret}), using_db=conn
        )
    return endpoint, secret


def payload(alert: Alert) -> bytes:
    """The body POSTed for ``alert``: the same bytes on every attempt."""
    message = {
        "type": EVENT_TYPE,
        "timestamp": _iso(alert.at),
        "data": {
            "id": str(alert.id),
            "kind": alert.kind.value,
            "message": alert.message,
            "storeId": _str(alert.store_id),
            "jobId": _str(alert.job_id),
            "transactionId": _str(alert.transaction_id),
            "at": _iso(alert.at),
        },
    }
    return json.dumps(message, separators=(",", ":")).encode()


def signed_headers(secret: str, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of ``body``: webhook-id, webhook-timestamp, webhook-signature."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }


async def deliver_due(rt: Runtime, *, now: datetime | None = None) -> None:
    """Send every delivery due at ``now`` (default: the present) that no other process has claimed."""
    now = now or datetime.now(UTC)
    due = await AlertDelivery.filter(next_attempt_at__lte=now).order_by("next_attempt_at").limit(BATCH)
    for delivery in due:
        attempt = delivery.attempts + 1
        claimed = await AlertDelivery.filter(
            id=delivery.id, attempts=delivery.attempts, next_attempt_at__lte=now
        ).update(attempts=attempt, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        if claimed:
            await _send(rt, delivery, attempt, now)


async def _send(rt: Runtime, delivery: AlertDelivery, attempt: int, now: datetime) -> None:
    alert = await Alert.get(id=delivery.alert_id)
    endpoint = await AlertEndpoint.filter(seller_id=alert.seller_id).first()
    if endpoint is None or endpoint.url != delivery.url:
        await _settle(delivery, attempt, error="the alert webhook was removed or changed", retry=False, now=now)
        return
    try:
        secret = rt.cipher.decrypt(endpoint.secret)["secret"]
    except RuntimeError:  # ORDER_IMPORT_SECRET_KEY changed since the URL was set
        error = "the signing secret cannot be decrypted (ORDER_IMPORT_SECRET_KEY changed): set the URL again"
        await _settle(delivery, attempt, error=error, retry=False, now=now)
        return
    register_secrets([secret])
    body = payload(alert)
    headers = signed_headers(secret, str(alert.id), body, datetime.now(UTC))
    try:
        async with rt.session.post(
            delivery.url,
            data=body,
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=SEND_SECONDS),
        ) as response:
            status = response.status
    except TimeoutError:
        await _settle(delivery, attempt, error="timed out", retry=True, now=now)
        return
    except aiohttp.ClientConnectorError as exc:
        refused = isinstance(exc.os_error, AddressRefused)
        error = "the address rules refused the URL's address" if refused else "the connection failed"
        await _settle(delivery, attempt, error=error, retry=True, now=now)
        return
    except (aiohttp.ClientError, OSError) as exc:
        await _settle(delivery, attempt, error=f"the request failed ({type(exc).__name__})", retry=True, now=now)
        return
    if 200 <= status < 300:
        await AlertDelivery.filter(id=delivery.id, attempts=attempt).update(
            delivered_at=datetime.now(UTC), next_attempt_at=None, last_error=None
        )
        return
    retry = not (400 <= status < 500) or status in RETRIED_STATUSES
    await _settle(delivery, attempt, error=f"answered HTTP {status}", retry=retry, now=now)


async def _settle(delivery: AlertDelivery, attempt: int, *, error: str, retry: bool, now: datetime) -> None:
    """Record a failed attempt: try again after its backoff, or give up (no next attempt)."""
    again = now + BACKOFF[attempt - 1] if retry and attempt <= len(BACKOFF) else None
    if again is None:
        log.warning("alert delivery %s given up after %d attempts: %s", delivery.id, attempt, error)
    await AlertDelivery.filter(id=delivery.id, attempts=attempt).update(next_attempt_at=again, last_error=error)


def _iso(moment: datetime) -> str:
    """As the API writes a DateTime: UTC, milliseconds, a Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _str(value: object) -> str | None:
    return None if value is None else str(value)
