from __future__ import annotations

from strawberry.scalars import JSON
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import ConnectStorePayload, Store
from ..services import stores
from .common import seller_of, user_errors


async def resolve_stores(info: Info[Context, None], platform: str | None = None) -> list[Store]:
    return [Store.from_row(row) for row in await stores.list_stores(seller_of(info), platform)]


async def resolve_connect_store(
    info: Info[Context, None], platform: str, name: str, credentials: JSON, api_base_url: str | None = None
) -> ConnectStorePayload:
    try:
        row = await stores.connect_store(
            info.context.runtime,
            seller_of(info),
            platform=platform,
            name=name,
            credentials=credentials,
            api_base_url=api_base_url,
        )
    except DomainError as exc:
        return ConnectStorePayload(store=None, user_errors=user_errors(exc))
    return ConnectStorePayload(store=Store.from_row(row), user_errors=[])
