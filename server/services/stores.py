"""Connected stores: validation, encrypted credentials, and connectors built for them.

A disconnected store keeps its row and its history (transactions, imports,
jobs) but is otherwise gone: it is not listed by default, nothing is imported
for it, its webhooks are not found, and its name may be used again.

Credentials are shown to the platform before they are stored
(``PlatformConnector.verify_credentials``): a refusal is the userError
``CREDENTIALS_REJECTED`` and nothing changes. When the platform cannot give an
answer (it is down, slow past ``VERIFY_SECONDS``, or answers oddly) the store is
connected unchecked, with a warning in the log: an outage must not keep sellers
from connecting, and the first import reports what is wrong. A store connected,
or given new credentials, has its order webhooks registered at its platform
(``registrations``); a new store gets its recovery schedule (``schedules``), which new credentials make due
soon and a disconnect disables.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ..errors import (
    CredentialsRejected,
    DuplicateStore,
    InvalidInput,
    StoreMisconfigured,
    StoreNotFound,
    UnknownPlatform,
)
from ..logs import names_a_secret, register_secrets
from ..models import AuditAction, Seller, Store
from ..outbound import check_api_base_url, check_url
from ..platforms import (
    ConnectorError,
    ConnectorState,
    HttpClient,
    InvalidCredentials,
    PlatformAuthError,
    PlatformConnector,
)
from ..runtime import Runtime
from . import audit, orders, registrations, schedules
from .paging import parse_id

DISCONNECTED = "store disconnected"  # the cancelReason of the pending orders a disconnect cancels
VERIFY_SECONDS = 20.0
"""How long connecting waits for the platform's answer to ``verify_credentials`` before connecting unchecked."""

log = logging.getLogger(__name__)


class Keep(enum.Enum):
    """An argument the caller did not give: that setting stays as it is."""

    KEEP = enum.auto()


KEEP = Keep.KEEP


def connector_class(rt: Runtime, platform: str) -> type[PlatformConnector]:
    cls = rt.registry.get(platform)
    if cls is None:
        raise UnknownPlatform(f"no installed plugin provides the platform {platform!r}", field="platform")
    return cls


def _checked_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("the store name is 1 to 200 characters", field="name")
    return name


def remember_secrets(cls: type[PlatformConnector], credentials: Mapping[str, Any], state: Mapping[str, Any]) -> None:
    """Hide the store's secret credentials, and the tokens its connector keeps, in every log record."""
    secret = {spec.name for spec in cls.credential_fields if spec.secret}
    register_secrets(value for name, value in credentials.items() if name in secret)
    register_secrets(value for name, value in state.items() if names_a_secret(name))


def _checked_credentials(cls: type[PlatformConnector], credentials: Any) -> dict[str, str]:
    if not isinstance(credentials, dict):
        raise InvalidInput("credentials must be a JSON object of the platform's credential fields", field="credentials")
    remember_secrets(cls, credentials, {})
    try:
        return cls.check_credentials(credentials)
    except InvalidCredentials as exc:
        raise InvalidInput(exc.message, field=_credential_field(exc)) from None


async def _checked_urls(rt: Runtime, cls: type[PlatformConnector], credentials: dict[str, str]) -> None:
    """Hold the credential fields marked ``url`` to the address rules of ``apiBaseUrl``."""
    for spec in cls.credential_fields:
        if spec.url and spec.name in credentials:
            await check_url(
                credentials[spec.name],
                allow_local=rt.settings.allow_local_api,
                field=f"credentials.{spec.name}",
                name=spec.label,
            )


async def _checked_api_base_url(rt: Runtime, api_base_url: str | None) -> str | None:
    if api_base_url is None:
        return None
    return await check_api_base_url(api_base_url, allow_local=rt.settings.allow_local_api)


def _credential_field(exc: InvalidCredentials) -> str:
    return f"credentials.{exc.field}" if exc.field else "credentials"


def build_connector(
    rt: Runtime,
    cls: type[PlatformConnector],
    credentials: Mapping[str, str],
    api_base_url: str | None,
    state: ConnectorState,
) -> PlatformConnector:
    """The one way the core builds a connector: the shared session and the operator's retry policy."""
    return cls(
        credentials=credentials,
        http=HttpClient(rt.session, rt.retry_policy),
        api_base_url=api_base_url,
        state=state,
    )


async def _verify(
    rt: Runtime, cls: type[PlatformConnector], credentials: dict[str, str], api_base_url: str | None
) -> None:
    """Show the platform the credentials before they are stored (see the module docstring)."""
    try:
        connector = build_connector(rt, cls, credentials, api_base_url, ConnectorState())
        async with asyncio.timeout(VERIFY_SECONDS):
            await connector.verify_credentials()
    except PlatformAuthError as exc:
        raise CredentialsRejected(
            f"{cls.display_name} refused these credentials: {exc.message}", field="credentials"
        ) from None
    except InvalidCredentials as exc:  # a rule the connector applies when it uses the credentials
        raise InvalidInput(exc.message, field=_credential_field(exc)) from None
    except (ConnectorError, TimeoutError) as exc:
        what = f"{exc.code}: {exc.message}" if isinstance(exc, ConnectorError) else f"no answer in {VERIFY_SECONDS:g}s"
        log.warning("%s credentials could not be checked, connecting unchecked (%s)", cls.display_name, what)


def _duplicate(cls: type[PlatformConnector], name: str) -> DuplicateStore:
    return DuplicateStore(f"you already have a {cls.display_name} store named {name!r}", field="name")


async def _check_name_free(seller: Seller, cls: type[PlatformConnector], name: str) -> None:
    """Refuse a taken name before the platform is asked anything; the unique index still decides a race."""
    if await Store.filter(seller_id=seller.id, platform=cls.platform_id, name=name, disconnected_at=None).exists():
        raise _duplicate(cls, name)


async def connect_store(
    rt: Runtime, seller: Seller, *, platform: str, name: str, credentials: Any, api_base_url: str | None, actor: str
) -> Store:
    cls = connector_class(rt, platform)
    name = _checked_name(name)
    cleaned = _checked_credentials(cls, credentials)
    await _checked_urls(rt, cls, cleaned)
    api_base_url = await _checked_api_base_url(rt, api_base_url)
    await _check_name_free(seller, cls, name)
    await _verify(rt, cls, cleaned, api_base_url)
    try:
        async with in_transaction() as conn:
            store = await Store.create(
                seller=seller,
                platform=platform,
                name=name,
                credentials=rt.cipher.encrypt(cleaned),
                api_base_url=api_base_url,
                using_db=conn,
            )
            await _audited(conn, store, AuditAction.STORE_CONNECTED, actor, name=name, platform=platform)
            await schedules.create(conn, store.id, datetime.now(UTC))
    except IntegrityError:
        raise _duplicate(cls, name) from None
    await registrations.register(rt, store)
    return store


async def _audited(conn: BaseDBAsyncClient, store: Store, action: AuditAction, actor: str, **detail: Any) -> None:
    """The audit entry of a change to ``store`` (never its credentials' values), in ``conn``'s transaction."""
    entry = audit.entry(
        action, seller_id=store.seller_id, actor=actor, at=datetime.now(UTC), store_id=store.id, **detail
    )
    await audit.record(conn, [entry])


async def update_store(
    rt: Runtime,
    seller: Seller,
    store_id: str,
    *,
    name: str | None | Keep = KEEP,
    credentials: Any = KEEP,
    api_base_url: str | None | Keep = KEEP,
    actor: str,
) -> Store:
    """Change what is given, checked as ``connect_store`` checks it; credentials are replaced whole.

    New credentials or a new ``api_base_url`` are verified together with the setting that stays, and drop the
    connector's saved state (tokens of the old ones).
    """
    store = await get_store(seller, store_id, field="id")
    cls = connector_class(rt, store.platform)
    changes: dict[str, Any] = {}
    if name is not KEEP:
        changes["name"] = _checked_name(name)
    if credentials is not KEEP or api_base_url is not KEEP:
        if credentials is KEEP:
            cleaned = rt.cipher.decrypt(store.credentials)
        else:
            cleaned = _checked_credentials(cls, credentials)
            await _checked_urls(rt, cls, cleaned)
            changes["credentials"] = rt.cipher.encrypt(cleaned)
        if api_base_url is KEEP:
            base = store.api_base_url
        else:
            base = changes["api_base_url"] = await _checked_api_base_url(rt, api_base_url)
        await _verify(rt, cls, cleaned, base)
        changes["connector_state"] = None
    if changes:
        try:
            async with in_transaction() as conn:
                if not await Store.filter(id=store.id, disconnected_at=None).using_db(conn).update(**changes):
                    raise StoreNotFound(f"no store with id {store_id!r}", field="id")
                await store.refresh_from_db(using_db=conn)
                changed = sorted(_API_NAMES[column] for column in changes if column in _API_NAMES)
                await _audited(conn, store, AuditAction.STORE_UPDATED, actor, changed=changed, name=store.name)
                if "connector_state" in changes:  # new credentials or a new API: recovery tries them soon
                    await schedules.run_soon(conn, store.id, datetime.now(UTC))
        except IntegrityError:
            raise _duplicate(cls, changes["name"]) from None
        if "connector_state" in changes:  # new credentials or a new API: register with them
            await registrations.register(rt, store)
    return store


_API_NAMES = {"name": "name", "credentials": "credentials", "api_base_url": "apiBaseUrl"}


async def disconnect_store(rt: Runtime, seller: Seller, store_id: str, *, actor: str) -> Store:
    """Mark the store disconnected and cancel its pending orders (REMOVED events); its history stays."""
    key = parse_id(store_id)
    async with in_transaction() as conn:
        connected = Store.filter(id=key, seller_id=seller.id, disconnected_at=None).using_db(conn)
        if key is None or not await connected.update(disconnected_at=datetime.now(UTC)):
            raise StoreNotFound(f"no store with id {store_id!r}", field="id")
        canceled = await orders.cancel_store_pending(conn, key, DISCONNECTED, actor=actor)
        store = await Store.filter(id=key).using_db(conn).get()
        await _audited(conn, store, AuditAction.STORE_DISCONNECTED, actor, name=store.name)
        await schedules.disable(conn, store.id)
    await canceled.announce(rt)
    return store


async def list_stores(
    seller: Seller, platform: str | None = None, *, include_disconnected: bool = False
) -> list[Store]:
    query = Store.filter(seller_id=seller.id)
    if platform is not None:
        query = query.filter(platform=platform)
    if not include_disconnected:
        query = query.filter(disconnected_at=None)
    return await query.order_by("created_at", "id")


async def get_store(seller: Seller, store_id: str, *, platform: str | None = None, field: str = "store") -> Store:
    """The seller's connected store (of ``platform`` when given), or ``StoreNotFound`` naming ``field``."""
    key = parse_id(store_id)
    store = await Store.filter(id=key, seller_id=seller.id, disconnected_at=None).first() if key else None
    if store is None or (platform is not None and store.platform != platform):
        where = f"{platform} store" if platform else "store"
        raise StoreNotFound(f"no {where} with id {store_id!r}", field=field)
    return store


async def open_connector(rt: Runtime, store: Store) -> PlatformConnector:
    """A connector for ``store``; the base URL and URL credentials are checked again, as DNS may have changed.

    Raises ``StoreMisconfigured`` when the store, as stored, no longer passes the rules.
    """
    cls = connector_class(rt, store.platform)
    base = store.api_base_url
    if base is not None:
        base = await check_api_base_url(base, allow_local=rt.settings.allow_local_api)
    credentials = rt.cipher.decrypt(store.credentials)
    await _checked_urls(rt, cls, credentials)

    async def save_state(values: dict[str, str]) -> None:
        remember_secrets(cls, {}, values)
        await Store.filter(id=store.id).update(connector_state=rt.cipher.encrypt(values))

    saved = rt.cipher.decrypt(store.connector_state) if store.connector_state else {}
    remember_secrets(cls, credentials, saved)
    try:
        return build_connector(rt, cls, credentials, base, ConnectorState(saved, save_state))
    except InvalidCredentials as exc:  # the plugin's rules have changed since the store was connected
        raise StoreMisconfigured(f"reconnect the store: {exc.message}", field="store") from None
