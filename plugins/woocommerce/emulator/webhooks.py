"""``order.created`` and ``order.updated`` deliveries and the creation ping, as ``WC_Webhook`` sends them.

From ``WC_Webhook::deliver()`` (woocommerce/woocommerce ``includes/class-wc-webhook.php``):

- the body is ``trim(wp_json_encode($payload))``, and the payload of an order topic is
  ``RestApiUtil::get_endpoint_data("/wc/v3/orders/{id}")``: the REST resource of the webhook's
  API version (links included), encoded, decoded as a PHP array and encoded again, so an empty
  JSON object would come out as ``[]``;
- ``Content-Type: application/json`` and ``User-Agent: WooCommerce/{wc} Hookshot (WordPress/{wp})``;
- ``X-WC-Webhook-Source`` is ``home_url('/')`` (the site URL with a trailing slash),
  ``-Topic`` ``order.created`` (or ``order.updated``), ``-Resource`` ``order``, ``-Event``
  ``created`` (``updated``), ``-ID`` the webhook's id;
- ``X-WC-Webhook-Signature`` is ``base64(hash_hmac('sha256', body, wp_specialchars_decode($secret,
  ENT_QUOTES), true))``: the stored secret with ``&amp;``, ``&lt;``, ``&gt;``, ``&quot;`` and
  ``&#039;`` (and their numeric forms) turned back into characters;
- ``X-WC-Webhook-Delivery-ID`` is ``wp_hash($webhook_id . strtotime('now'))``, an HMAC-MD5 (hex)
  under the site's auth salt of the webhook id and the delivery second. It is not unique per
  order: two deliveries of one webhook in the same second carry the same id. (The REST API docs
  name the header ``X-WC-Delivery-ID``; the code sends ``X-WC-Webhook-Delivery-ID``.)

``deliver_ping()`` posts ``webhook_id=<id>`` with only the User-Agent: no ``X-WC-*`` header, no
signature; the HTTP transport labels the string body ``application/x-www-form-urlencoded``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

from .orders import WC_VERSION
from .response import dumps

__all__ = ["USER_AGENT", "WP_VERSION", "delivery", "ping", "signing_key", "wp_specialchars_decode"]

WP_VERSION = "6.7.1"  # the WordPress release WooCommerce 9.4.3 shipped against
USER_AGENT = f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})"

# wp_specialchars_decode( $text, ENT_QUOTES ): zero padding removed from numeric entities, then one strtr pass.
_UNPAD = (
    (re.compile(r"&#0*39;"), "&#039;"),
    (re.compile(r"&#x0*27;", re.IGNORECASE), "&#x27;"),
    (re.compile(r"&#0*34;"), "&#034;"),
    (re.compile(r"&#x0*22;", re.IGNORECASE), "&#x22;"),
    (re.compile(r"&#0*60;"), "&#060;"),
    (re.compile(r"&#0*62;"), "&#062;"),
    (re.compile(r"&#0*38;"), "&#038;"),
    (re.compile(r"&#x0*26;", re.IGNORECASE), "&#x26;"),
)
_ENTITIES = {
    "&#039;": "'",
    "&#x27;": "'",
    "&quot;": '"',
    "&#034;": '"',
    "&#x22;": '"',
    "&lt;": "<",
    "&#060;": "<",
    "&gt;": ">",
    "&#062;": ">",
    "&amp;": "&",
    "&#038;": "&",
    "&#x26;": "&",
}
_ENTITY = re.compile("|".join(re.escape(key) for key in sorted(_ENTITIES, key=len, reverse=True)))


def wp_specialchars_decode(text: str) -> str:
    """WordPress's ``wp_specialchars_decode($text, ENT_QUOTES)``: the five special characters, decoded once."""
    if "&" not in text:
        return text
    for pattern, replacement in _UNPAD:
        text = pattern.sub(replacement, text)
    return _ENTITY.sub(lambda match: _ENTITIES[match[0]], text)  # strtr: longest match first, one pass


def signing_key(secret: str) -> bytes:
    """The HMAC key ``WC_Webhook::generate_signature`` uses for the stored ``secret``."""
    return wp_specialchars_decode(secret).encode()


def _php_roundtrip(value: Any) -> Any:
    """``json_decode(wp_json_encode($data), true)`` re-encoded: objects keyed ``0..n-1`` (or empty) become lists."""
    if isinstance(value, dict):
        items = {key: _php_roundtrip(item) for key, item in value.items()}
        if list(items) == [str(index) for index in range(len(items))]:
            return list(items.values())
        return items
    if isinstance(value, list):
        return [_php_roundtrip(item) for item in value]
    return value


def wp_hash(data: str, salt: str) -> str:
    """``wp_hash($data)``: ``hash_hmac('md5', $data, wp_salt('auth'))``."""
    return hmac.new(salt.encode(), data.encode(), hashlib.md5).hexdigest()


def delivery(
    order: dict[str, Any],
    *,
    site_url: str,
    webhook_id: int,
    secret: str,
    salt: str,
    delivered_at: int,
    topic: str = "order.created",
) -> tuple[dict[str, str], bytes]:
    """One delivery of ``order`` (the REST resource) for ``topic`` made at ``delivered_at`` (epoch seconds)."""
    body = dumps(_php_roundtrip(order)).strip()
    signature = base64.b64encode(hmac.new(signing_key(secret), body, hashlib.sha256).digest()).decode()
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": f"{site_url.rstrip('/')}/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": topic.split(".")[0],
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-Signature": signature,
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": wp_hash(f"{webhook_id}{delivered_at}", salt),
    }
    return headers, body


def ping(webhook_id: int) -> tuple[dict[str, str], bytes]:
    """``WC_Webhook::deliver_ping()``: the unsigned form post sent when a webhook is saved."""
    headers = {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"}
    return headers, f"webhook_id={webhook_id}".encode()
