from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import ApiToken, RevokeApiTokenPayload
from ..services import accounts
from .common import actor_of, seller_of, user_errors


async def resolve_api_tokens(info: Info[Context, None]) -> list[ApiToken]:
    return [ApiToken.from_row(row) for row in await accounts.list_tokens(seller_of(info))]


async def resolve_revoke_api_token(
    info: Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="The token's id (ApiToken.id), never its secret.")],
) -> RevokeApiTokenPayload:
    try:
        runtime = info.context.runtime
        row = await accounts.revoke_token(
            id, actor=actor_of(info), seller=seller_of(info), broker=runtime.broker, cache=runtime.token_watch.tokens
        )
    except DomainError as exc:
        return RevokeApiTokenPayload(api_token=None, user_errors=user_errors(exc))
    return RevokeApiTokenPayload(api_token=ApiToken.from_row(row), user_errors=[])
