from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import (
    ConnectStorePayload,
    DisconnectStorePayload,
    SetStoreRecoveryPayload,
    Store,
    UpdateStorePayload,
)
from ..services import recovery, schedules, stores
from . import nodes
from .common import PlatformFilter, actor_of, given, seller_of, user_errors

StoreId = Annotated[strawberry.ID, strawberry.argument(description="The store's id (Store.id).")]
NAME = (
    "The seller's name for the store: 1 to 200 characters once trimmed, unique among its connected stores of the"
    " platform."
)


async def resolve_stores(
    info: Info[Context, None],
    platform: PlatformFilter = None,
    include_disconnected: Annotated[
        bool | None, strawberry.argument(description="Disconnected stores too (by default, connected ones only).")
    ] = False,
) -> list[Store]:
    rows = await stores.list_stores(seller_of(info), platform, include_disconnected=bool(include_disconnected))
    return [nodes.store(info, row) for row in rows]


async def resolve_connect_store(
    info: Info[Context, None],
    platform: Annotated[str, strawberry.argument(description="The store's platform (Platform.id).")],
    name: Annotated[str, strawberry.argument(description=NAME)],
    credentials: Annotated[
        JSON,
        strawberry.argument(
            description="An object of the platform's credentialFields by name, their values strings: "
            '{"shop_domain": "...", "access_token": "..."}; up to 16384 characters of JSON.'
        ),
    ],
    api_base_url: Annotated[
        str | None,
        strawberry.argument(
            description="Override of the platform API's origin (sandboxes, self-hosted shops, tests): https and a "
            "public address unless the operator allows local ones; none: the platform's own."
        ),
    ] = None,
) -> ConnectStorePayload:
    try:
        row = await stores.connect_store(
            info.context.runtime,
            seller_of(info),
            platform=platform,
            name=name,
            credentials=credentials,
            api_base_url=api_base_url,
            actor=actor_of(info),
        )
    except DomainError as exc:
        return ConnectStorePayload(store=None, user_errors=user_errors(exc))
    return ConnectStorePayload(store=nodes.store(info, row), user_errors=[])


async def resolve_update_store(
    info: Info[Context, None],
    id: StoreId,
    name: Annotated[str | None, strawberry.argument(description=NAME)] = strawberry.UNSET,
    credentials: Annotated[
        JSON | None,
        strawberry.argument(description="New credentials, replacing the old whole; checked as by connectStore."),
    ] = strawberry.UNSET,
    api_base_url: Annotated[
        str | None,
        strawberry.argument(description="A new API origin, checked as by connectStore; null: the platform's own."),
    ] = strawberry.UNSET,
) -> UpdateStorePayload:
    try:
        row = await stores.update_store(
            info.context.runtime,
            seller_of(info),
            id,
            **given(name=name, credentials=credentials, api_base_url=api_base_url),
            actor=actor_of(info),
        )
    except DomainError as exc:
        return UpdateStorePayload(store=None, user_errors=user_errors(exc))
    return UpdateStorePayload(store=nodes.store(info, row), user_errors=[])


async def resolve_disconnect_store(info: Info[Context, None], id: StoreId) -> DisconnectStorePayload:
    try:
        row = await stores.disconnect_store(info.context.runtime, seller_of(info), id, actor=actor_of(info))
    except DomainError as exc:
        return DisconnectStorePayload(store=None, user_errors=user_errors(exc))
    return DisconnectStorePayload(store=nodes.store(info, row), user_errors=[])


async def resolve_set_store_recovery(
    info: Info[Context, None],
    store: Annotated[strawberry.ID, strawberry.argument(description="The store's id (Store.id).")],
    enabled: Annotated[bool, strawberry.argument(description="Whether the store is checked automatically.")],
    interval_seconds: Annotated[
        int | None,
        strawberry.argument(
            description="How often, in seconds: at least ORDER_IMPORT_RECOVERY_MIN_INTERVAL (300 by default), at most "
            "86400 (a day); null: 900."
        ),
    ] = schedules.DEFAULT_INTERVAL,
    hours: Annotated[
        int | None,
        strawberry.argument(description="How far back each check imports by time: 1, 2, 3, 4, 5 or 6; null: 2."),
    ] = schedules.DEFAULT_HOURS,
) -> SetStoreRecoveryPayload:
    try:
        row = await recovery.set_recovery(
            info.context.runtime,
            seller_of(info),
            store,
            enabled=enabled,
            interval_seconds=schedules.DEFAULT_INTERVAL if interval_seconds is None else interval_seconds,
            hours=schedules.DEFAULT_HOURS if hours is None else hours,
            actor=actor_of(info),
        )
    except DomainError as exc:
        return SetStoreRecoveryPayload(store=None, user_errors=user_errors(exc))
    return SetStoreRecoveryPayload(store=nodes.store(info, row), user_errors=[])
