"""Connected stores: validation, encrypted credentials, and connectors built for them."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from ..errors import DuplicateStore, InvalidInput, StoreNotFound, UnknownPlatform
from ..models import Seller, Store
from ..outbound import check_api_base_url
from ..platforms import ConnectorState, HttpClient, InvalidCredentials, PlatformConnector
from ..platforms.manager import UnknownPlatform as UnregisteredPlatform
from ..runtime import Runtime
from .paging import parse_id


def connector_class(rt: Runtime, platform: str) -> type[PlatformConnector]:
    try:
        return rt.registry.get(platform)
    except UnregisteredPlatform:
        raise UnknownPlatform(f"no installed plugin provides the platform {platform!r}", field="platform") from None


async def connect_store(
    rt: Runtime, seller: Seller, *, platform: str, name: str, credentials: Any, api_base_url: str | None
) -> Store:
    cls = connector_class(rt, platform)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("the store name is 1 to 200 characters", field="name")
    if not isinstance(credentials, dict):
        raise InvalidInput("credentials must be a JSON object of the platform's credential fields", field="credentials")
    try:
        cleaned = cls.check_credentials(credentials)
    except InvalidCredentials as exc:
        raise InvalidInput(exc.message, field=f"credentials.{exc.field}" if exc.field else "credentials") from None
    if api_base_url is not None:
        api_base_url = await check_api_base_url(api_base_url, allow_local=rt.settings.allow_local_api)
    try:
        return await Store.create(
            seller=seller,
            platform=platform,
            name=name,
            credentials=rt.cipher.encrypt(cleaned),
            api_base_url=api_base_url,
        )
    except IntegrityError:
        raise DuplicateStore(f"you already have a {cls.display_name} store named {name!r}", field="name") from None


async def list_stores(seller: Seller, platform: str | None = None) -> list[Store]:
    query = Store.filter(seller_id=seller.id)
    if platform is not None:
        query = query.filter(platform=platform)
    return await query.order_by("created_at", "id")


async def get_store(seller: Seller, store_id: str, *, platform: str | None = None) -> Store:
    """The seller's store (of ``platform`` when given), or ``StoreNotFound``."""
    key = parse_id(store_id)
    store = await Store.filter(id=key, seller_id=seller.id).first() if key else None
    if store is None or (platform is not None and store.platform != platform):
        where = f"{platform} store" if platform else "store"
        raise StoreNotFound(f"no {where} with id {store_id!r}", field="store")
    return store


async def open_connector(rt: Runtime, store: Store) -> PlatformConnector:
    """A connector for ``store``; the base URL is checked again, as DNS may have changed.

    Raises ``InvalidInput`` when the store, as stored, no longer passes the rules.
    """
    cls = connector_class(rt, store.platform)
    base = store.api_base_url
    if base is not None:
        base = await check_api_base_url(base, allow_local=rt.settings.allow_local_api)

    async def save_state(values: dict[str, str]) -> None:
        await Store.filter(id=store.id).update(connector_state=rt.cipher.encrypt(values))

    saved = rt.cipher.decrypt(store.connector_state) if store.connector_state else {}
    try:
        return cls(
            credentials=rt.cipher.decrypt(store.credentials),
            http=HttpClient(rt.session, rt.retry_policy),
            api_base_url=base,
            state=ConnectorState(saved, save_state),
        )
    except InvalidCredentials as exc:  # the plugin's rules have changed since the store was connected
        raise InvalidInput(f"reconnect the store: {exc.message}", field="store") from None
