from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import ConnectStorePayload, DisconnectStorePayload, Store, UpdateStorePayload
from ..services import stores
from .common import given, seller_of, user_errors


async def resolve_stores(
    info: Info[Context, None],
    platform: str | None = None,
    include_disconnected: Annotated[
        bool | None, strawberry.argument(description="Disconnected stores too (by default, connected ones only).")
    ] = False,
) -> list[Store]:
    rows = await stores.list_stores(seller_of(info), platform, include_disconnected=bool(include_disconnected))
    return [Store.from_row(row) for row in rows]


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


async def resolve_update_store(
    info: Info[Context, None],
    id: strawberry.ID,
    name: str | None = strawberry.UNSET,
    credentials: JSON | None = strawberry.UNSET,
    api_base_url: Annotated[
        str | None, strawberry.argument(description="null: back to the platform's own API origin.")
    ] = strawberry.UNSET,
) -> UpdateStorePayload:
    try:
        row = await stores.update_store(
            info.context.runtime,
            seller_of(info),
            id,
            **given(name=name, credentials=credentials, api_base_url=api_base_url),
        )
    except DomainError as exc:
        return UpdateStorePayload(store=None, user_errors=user_errors(exc))
    return UpdateStorePayload(store=Store.from_row(row), user_errors=[])


async def resolve_disconnect_store(info: Info[Context, None], id: strawberry.ID) -> DisconnectStorePayload:
    try:
        row = await stores.disconnect_store(info.context.runtime, seller_of(info), id)
    except DomainError as exc:
        return DisconnectStorePayload(store=None, user_errors=user_errors(exc))
    return DisconnectStorePayload(store=Store.from_row(row), user_errors=[])
