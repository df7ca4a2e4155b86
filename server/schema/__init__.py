"""The GraphQL schema: root types whose fields point at ``server.resolvers``."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from ..resolvers import imports, platforms, stores, transactions
from .errors import present
from .scalars import DateTime
from .types import (
    AcceptImportPayload,
    CancelImportPayload,
    ConnectStorePayload,
    DisconnectStorePayload,
    ImportedOrder,
    ImportedOrderConnection,
    ImportJob,
    ImportJobConnection,
    ImportOrdersPayload,
    PendingImportEvent,
    Platform,
    Store,
    TransactionConnection,
    UpdateStorePayload,
)

# Built once: per-request limiter instances would defeat the validation cache.
LIMIT_RULES = [depth_rule(10, None, None), max_aliases_rule(30)]


@strawberry.type
class Query:
    platforms: list[Platform] = strawberry.field(resolver=platforms.resolve_platforms)
    stores: list[Store] = strawberry.field(resolver=stores.resolve_stores)
    pending_imports: ImportedOrderConnection = strawberry.field(resolver=imports.resolve_pending_imports)
    imported_order: ImportedOrder | None = strawberry.field(resolver=imports.resolve_imported_order)
    transactions: TransactionConnection = strawberry.field(resolver=transactions.resolve_transactions)
    import_job: ImportJob | None = strawberry.field(resolver=imports.resolve_import_job)
    import_jobs: ImportJobConnection = strawberry.field(
        resolver=imports.resolve_import_jobs, description="The caller's import jobs, newest first."
    )


@strawberry.type
class Mutation:
    import_orders: ImportOrdersPayload = strawberry.mutation(
        resolver=imports.resolve_import_orders, description="Exactly one of orderId and hours (1 to 6)."
    )
    accept_import: AcceptImportPayload = strawberry.mutation(resolver=imports.resolve_accept_import)
    cancel_import: CancelImportPayload = strawberry.mutation(resolver=imports.resolve_cancel_import)
    connect_store: ConnectStorePayload = strawberry.mutation(resolver=stores.resolve_connect_store)
    update_store: UpdateStorePayload = strawberry.mutation(
        resolver=stores.resolve_update_store,
        description="Only the arguments given change; credentials are replaced whole and checked as by connectStore.",
    )
    disconnect_store: DisconnectStorePayload = strawberry.mutation(
        resolver=stores.resolve_disconnect_store,
        description="Its transactions stay; its pending orders leave the pending list (REMOVED).",
    )


@strawberry.type
class Subscription:
    pending_imports: PendingImportEvent = strawberry.subscription(
        resolver=imports.subscribe_pending_imports,
        description="Changes to the pending list the caller may see, optionally narrowed.",
    )
    import_job: ImportJob = strawberry.subscription(
        resolver=imports.subscribe_import_job, description="Progress of one import job until it finishes."
    )


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None):  # type: ignore[no-untyped-def]
        """Present each error (see ``errors.present``); unexpected ones are logged there, without the query."""
        for error in errors:
            present(error)


def build_schema() -> strawberry.Schema:
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides={datetime: DateTime},
        extensions=[
            lambda: AddValidationRules(LIMIT_RULES),
            lambda: MaxTokensLimiter(max_token_count=2000),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
