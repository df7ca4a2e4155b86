"""The GraphQL API: the root types, whose fields point at ``server.resolvers``, and the schema built from them.

The floors, each importing only from below: ``schema`` (object types, scalars, request checks, error
presentation), then ``resolvers`` (which call ``services`` and build the types), then this module.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import ExecutionResult

from .resolvers import alerts as alert_resolvers  # not `alerts`: a root field of that name would hide it
from .resolvers import audit, bulk, imports, platforms, stores, tokens, transactions
from .schema.access import READ_ONLY_ALLOWED, refuse_read_only_tokens
from .schema.alerts import Alert, AlertConnection, AlertWebhook, MarkAlertsReadPayload, SetAlertWebhookPayload
from .schema.arguments import guard_root_arguments
from .schema.deferred import defer_async_resolvers
from .schema.errors import present
from .schema.execution import PlainFieldExecutor, plain_resolvers
from .schema.request_checks import CachedDocument, refused, request_problem
from .schema.scalars import DateTime
from .schema.scalars import Decimal as DecimalScalar
from .schema.shared_events import SharedEventExecutor
from .schema.types import (
    AcceptImportPayload,
    ApiToken,
    AuditEventConnection,
    BulkDecisionPayload,
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
    RevokeApiTokenPayload,
    SetStoreRecoveryPayload,
    Store,
    TransactionConnection,
    UpdateStorePayload,
)


@strawberry.type(description="What an API token reads: always the data of its own seller only.")
class Query:
    platforms: list[Platform] = strawberry.field(
        resolver=platforms.resolve_platforms, description="The platforms of the installed plugins."
    )
    stores: list[Store] = strawberry.field(
        resolver=stores.resolve_stores, description="The caller's stores, oldest first."
    )
    pending_imports: ImportedOrderConnection = strawberry.field(
        resolver=imports.resolve_pending_imports,
        description="The pending list: imported orders waiting for a decision, newest placedAt first.",
    )
    imported_order: ImportedOrder | None = strawberry.field(
        resolver=imports.resolve_imported_order,
        description="One imported order, in any status; null when the caller has none with this id.",
    )
    transactions: TransactionConnection = strawberry.field(
        resolver=transactions.resolve_transactions, description="The Transaction List, newest createdAt first."
    )
    import_job: ImportJob | None = strawberry.field(
        resolver=imports.resolve_import_job, description="One import job; null when the caller has none with this id."
    )
    import_jobs: ImportJobConnection = strawberry.field(
        resolver=imports.resolve_import_jobs, description="The caller's import jobs, newest first."
    )
    audit_log: AuditEventConnection = strawberry.field(
        resolver=audit.resolve_audit_log,
        description="The caller's audit trail, newest first: every import, decision, forced accept, webhook "
        "resolution, store change and token change, with its actor.",
    )
    api_tokens: list[ApiToken] = strawberry.field(
        resolver=tokens.resolve_api_tokens,
        description="The API tokens of the caller's seller, oldest first, revoked and expired ones included.",
    )
    alerts: AlertConnection = strawberry.field(
        resolver=alert_resolvers.resolve_alerts, description="The seller's alerts, newest first (see docs/alerts.md)."
    )
    unread_alert_count: int = strawberry.field(
        resolver=alert_resolvers.resolve_unread_alert_count,
        description="How many of the seller's alerts are not marked read (the console's bell).",
    )
    alert_webhook: AlertWebhook | None = strawberry.field(
        resolver=alert_resolvers.resolve_alert_webhook,
        description="Where the seller's alerts are also POSTed (setAlertWebhook); null: nowhere. Its secret is "
        "never shown again.",
    )


@refuse_read_only_tokens
@strawberry.type(
    description="Changes. Each answers a payload whose userErrors say what the caller can fix; a read-only token "
    "gets a FORBIDDEN userError."
)
class Mutation:
    import_orders: ImportOrdersPayload = strawberry.mutation(
        resolver=imports.resolve_import_orders,
        description="Exactly one of orderId, orderIds (1 to 100 ids) and hours (1 to 6). Fetches from the platform "
        "and stores the orders not known yet as pending, with a receipt line per order; dryRun: fetch and judge, store "
        "nothing but the receipt. Counts against the store's imports rate limit (RATE_LIMITED).",
    )
    accept_import: AcceptImportPayload = strawberry.mutation(
        resolver=imports.resolve_accept_import,
        description="Move a pending order into the Transaction List. Of two racing decisions one wins; the other "
        "gets ALREADY_DECIDED.",
    )
    cancel_import: CancelImportPayload = strawberry.mutation(
        resolver=imports.resolve_cancel_import,
        description="Take a pending order off the pending list; an import by its order id restores it.",
    )
    accept_imports: BulkDecisionPayload = strawberry.mutation(
        resolver=bulk.resolve_accept_imports,
        description="1 to 100 ids; each id is decided on its own, as by acceptImport (one failing id does not stop "
        "the others), one result per id in input order.",
    )
    cancel_imports: BulkDecisionPayload = strawberry.mutation(
        resolver=bulk.resolve_cancel_imports,
        description="1 to 100 ids; each id is decided on its own, as by cancelImport, one result per id in input "
        "order.",
    )
    connect_store: ConnectStorePayload = strawberry.mutation(
        resolver=stores.resolve_connect_store,
        description="Connect a store of a platform with its credentials, checked by the platform's plugin.",
    )
    update_store: UpdateStorePayload = strawberry.mutation(
        resolver=stores.resolve_update_store,
        description="Only the arguments given change; credentials are replaced whole and checked as by connectStore.",
    )
    disconnect_store: DisconnectStorePayload = strawberry.mutation(
        resolver=stores.resolve_disconnect_store,
        description="Its transactions stay; its pending orders leave the pending list (REMOVED).",
    )
    set_store_recovery: SetStoreRecoveryPayload = strawberry.mutation(
        resolver=stores.resolve_set_store_recovery,
        description="Set how the store is checked for orders its webhooks missed: on or off, every intervalSeconds "
        "(at least ORDER_IMPORT_RECOVERY_MIN_INTERVAL), importing the last hours (1 to 6). Audited (RECOVERY_CHANGED).",
    )
    revoke_api_token: RevokeApiTokenPayload = strawberry.mutation(
        resolver=tokens.resolve_revoke_api_token,
        description="One of the seller's tokens, the caller's own included: refused (HTTP 401) from now on, "
        "its open websockets closed with 4403.",
    )
    mark_alerts_read: MarkAlertsReadPayload = strawberry.mutation(
        resolver=alert_resolvers.resolve_mark_alerts_read,
        description="Mark alerts read for the whole seller. Read-only tokens may too: what was read is the "
        "seller's reading state, not a change to its data.",
        metadata=READ_ONLY_ALLOWED,
    )
    set_alert_webhook: SetAlertWebhookPayload = strawberry.mutation(
        resolver=alert_resolvers.resolve_set_alert_webhook,
        description="Send each new alert to this URL as well, signed in the Standard Webhooks format with a new "
        "secret (answered this once; setting a URL again, even the same, issues a new one). null: stop sending.",
    )


@strawberry.type(description="Live changes, over the graphql-transport-ws websocket at /graphql only.")
class Subscription:
    pending_imports: AsyncGenerator[PendingImportEvent, None] = strawberry.subscription(
        resolver=imports.subscribe_pending_imports,
        description="Changes to the pending list the caller may see, optionally narrowed.",
    )
    import_job: AsyncGenerator[ImportJob, None] = strawberry.subscription(
        resolver=imports.subscribe_import_job, description="Progress of one import job until it finishes."
    )
    alerts: AsyncGenerator[Alert, None] = strawberry.subscription(
        resolver=alert_resolvers.subscribe_alerts, description="Alerts of the caller's seller as they are raised."
    )


class _Schema(strawberry.Schema):
    """Requests are checked before they run (``request_checks``): a problem is a BAD_REQUEST error, not a guess."""

    async def execute(self, query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        problem = request_problem(
            query,
            _argument(args, kwargs, 3, "operation_name"),
            _argument(args, kwargs, 4, "allowed_operation_types"),
            variables=_argument(args, kwargs, 0, "variable_values"),
        )
        if problem is not None:
            return ExecutionResult(data=None, errors=[problem])
        return await super().execute(query, *args, **kwargs)

    async def stream(self, query: str | None, *args: Any, **kwargs: Any) -> Any:
        problem = request_problem(
            query,
            _argument(args, kwargs, 3, "operation_name"),
            variables=_argument(args, kwargs, 0, "variable_values"),
            streaming=True,
        )
        if problem is not None:
            return refused(problem)
        return await super().stream(query, *args, **kwargs)

    def process_errors(self, errors, execution_context=None):  # type: ignore[no-untyped-def]
        """Present each error (see ``errors.present``); unexpected ones are logged there, without the query."""
        for error in errors:
            present(error)


def _argument(args: tuple[Any, ...], kwargs: dict[str, Any], position: int, name: str) -> Any:
    """An argument of ``Schema.execute`` / ``Schema.stream`` (after ``query``), given by keyword or by position."""
    if name in kwargs:
        return kwargs[name]
    return args[position] if len(args) > position else None


class _Executor(SharedEventExecutor, PlainFieldExecutor):
    """A subscription event shared by many subscribers runs once; fields that read an attribute run without
    per-field wrappers (``execution``)."""


def build_schema(*, plain_fields: bool = True) -> strawberry.Schema:
    """The schema. ``plain_fields=False``: every field through strawberry's and graphql-core's own machinery
    (the reference the tests compare the plain fields' execution with)."""
    schema = _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides={datetime: DateTime, Decimal: DecimalScalar},
        execution_context_class=_Executor if plain_fields else SharedEventExecutor,
        extensions=[CachedDocument],  # parsed and validated once per distinct query
    )
    guard_root_arguments(schema._schema)
    defer_async_resolvers(schema._schema)  # after the guards: an async field's guard runs when it is awaited
    if plain_fields:
        plain_resolvers(schema)
    return schema
