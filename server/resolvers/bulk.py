from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from ..context import Context
from ..errors import DomainError
from ..schema.types import BulkDecisionPayload, BulkDecisionResult, UserError
from ..services import bulk
from . import nodes
from .common import actor_of, seller_of, user_errors

OrderIds = Annotated[
    list[strawberry.ID],
    strawberry.argument(description=f"1 to {bulk.MAX_IDS} imported orders' ids (ImportedOrder.id)."),
]


async def resolve_accept_imports(
    info: Info[Context, None],
    ids: OrderIds,
    force: Annotated[
        bool | None,
        strawberry.argument(
            description="Accept an unpaid or test order too (as acceptImport's force), for every id; null: false."
        ),
    ] = False,
) -> BulkDecisionPayload:
    try:
        seller, actor = seller_of(info), actor_of(info)
        outcomes = await bulk.accept_many(info.context.runtime, seller, ids, actor=actor, force=bool(force))
    except DomainError as exc:
        return _refused(exc)
    return _payload(info, outcomes)


async def resolve_cancel_imports(
    info: Info[Context, None],
    ids: OrderIds,
    reason: Annotated[
        str | None,
        strawberry.argument(description="Why, kept with each order: up to 1000 characters once trimmed; blank: none."),
    ] = None,
) -> BulkDecisionPayload:
    try:
        outcomes = await bulk.cancel_many(info.context.runtime, seller_of(info), ids, reason, actor=actor_of(info))
    except DomainError as exc:
        return _refused(exc)
    return _payload(info, outcomes)


def _refused(exc: DomainError) -> BulkDecisionPayload:
    return BulkDecisionPayload(results=[], succeeded=0, failed=0, user_errors=user_errors(exc))


def _payload(info: Info[Context, None], outcomes: list[bulk.Outcome]) -> BulkDecisionPayload:
    results = [
        BulkDecisionResult(
            id=strawberry.ID(outcome.id),
            imported_order=nodes.imported_order(info, outcome.order) if outcome.order else None,
            transaction=nodes.transaction(info, outcome.transaction) if outcome.transaction else None,
            user_errors=[
                UserError(code=e.code, message=e.message, field=e.field.split(".") if e.field else None)
                for e in outcome.errors
            ],
        )
        for outcome in outcomes
    ]
    failed = sum(1 for result in results if result.user_errors)
    return BulkDecisionPayload(results=results, succeeded=len(results) - failed, failed=failed, user_errors=[])
