"""GraphQL object types. Built from rows by the ``from_row`` constructors; related rows come through DataLoaders."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from .. import models, platforms
from ..context import Context
from ..platforms import Capability, PlatformConnector
from ..services.money import with_minor_units
from ..services.webhooks import webhook_health, webhook_url

ImportStatus = strawberry.enum(models.ImportStatus, name="ImportStatus")
ImportMethod = strawberry.enum(models.ImportMethod, name="ImportMethod")
ImportJobStatus = strawberry.enum(models.JobStatus, name="ImportJobStatus")
TransactionSource = strawberry.enum(models.TransactionSource, name="TransactionSource")
PaymentStatus = strawberry.enum(platforms.PaymentStatus, name="PaymentStatus")


@strawberry.enum
class TransactionStatus(enum.Enum):
    SUCCEEDED = "SUCCEEDED"


@strawberry.enum
class PendingImportChange(enum.Enum):
    ADDED = "ADDED"
    UPDATED = "UPDATED"
    REMOVED = "REMOVED"


@strawberry.type
class CredentialField:
    name: str
    label: str
    secret: bool
    required: bool


@strawberry.type(description="A sales platform, contributed by an installed plugin.")
class Platform:
    id: strawberry.ID
    name: str
    order_id_label: str
    credential_fields: list[CredentialField]
    supports_order_id: bool = strawberry.field(description="Whether one order can be imported by its id.")
    supports_time: bool = strawberry.field(description="Whether orders can be imported by creation time.")

    @classmethod
    def from_connector(cls, connector: type[PlatformConnector]) -> Platform:
        return cls(
            id=strawberry.ID(connector.platform_id),
            name=connector.display_name,
            order_id_label=connector.order_id_label,
            credential_fields=[
                CredentialField(name=f.name, label=f.label, secret=f.secret, required=f.required)
                for f in connector.credential_fields
            ],
            supports_order_id=Capability.FETCH_ORDER in connector.capabilities,
            supports_time=Capability.LIST_ORDERS_CREATED in connector.capabilities,
        )


def _platform(info: Info[Context, None], platform_id: str) -> Platform:
    return Platform.from_connector(info.context.runtime.registry.get(platform_id))


@strawberry.type(description="How a store's webhooks are doing.")
class WebhookHealth:
    last_delivery_at: datetime | None
    last_rejected_at: datetime | None = strawberry.field(
        description="The last delivery that carried the platform's signature but could not be used."
    )
    last_rejected_reason: str | None
    forged_count: int = strawberry.field(
        description="Deliveries refused for a missing or wrong signature: forged, or signed with another secret."
    )
    last_forged_at: datetime | None
    usual_gap_seconds: int | None = strawberry.field(description="Typical time between deliveries, once known.")
    quiet: bool = strawberry.field(description="Nothing arrived for much longer than the usual gap.")
    message: str | None = strawberry.field(description="What to tell the seller when quiet.")


@strawberry.type(description="A seller's connected store. Credentials are write-only: never readable back.")
class Store:
    id: strawberry.ID
    name: str
    api_base_url: str | None
    created_at: datetime
    connected: bool = strawberry.field(
        description="False once disconnected: its transactions stay, nothing is imported for it."
    )
    platform_id: strawberry.Private[str]
    row: strawberry.Private[models.Store]

    @strawberry.field
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @strawberry.field(description="Where the platform should send this store's order webhooks.")
    def webhook_url(self, info: Info[Context, None]) -> str:
        return webhook_url(info.context.runtime, self.row)

    @strawberry.field
    def webhook_health(self) -> WebhookHealth:
        health = webhook_health(self.row)
        return WebhookHealth(
            last_delivery_at=health.last_delivery_at,
            last_rejected_at=health.last_rejected_at,
            last_rejected_reason=health.last_rejected_reason,
            forged_count=health.forged_count,
            last_forged_at=health.last_forged_at,
            usual_gap_seconds=round(health.usual_gap.total_seconds()) if health.usual_gap else None,
            quiet=health.quiet,
            message=health.message,
        )

    @classmethod
    def from_row(cls, row: models.Store) -> Store:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            api_base_url=row.api_base_url,
            created_at=row.created_at,
            connected=row.disconnected_at is None,
            platform_id=row.platform,
            row=row,
        )


async def _store(info: Info[Context, None], store_id: uuid.UUID) -> Store:
    row = await info.context.loaders.store.load(store_id)
    assert row is not None  # a foreign key
    return Store.from_row(row)


@strawberry.type
class Money:
    amount: Decimal = strawberry.field(
        description='With the currency\'s minor units ("39.00", JPY "1500", KWD "1.500"), or more decimals as sent.'
    )
    currency_code: str

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> Money:
        """Every Money of the schema is made here, so every amount is written the same way."""
        return cls(amount=with_minor_units(amount, currency), currency_code=currency)


@strawberry.type
class Buyer:
    name: str | None
    email: str | None


@strawberry.type
class LineItem:
    sku: str | None
    name: str
    quantity: int
    unit_price: Money
    total: Money


def _line_items(rows: list[dict[str, Any]]) -> list[LineItem]:
    def money(m: dict[str, str]) -> Money:
        return Money.of(Decimal(m["amount"]), m["currency"])

    return [
        LineItem(
            sku=r["sku"],
            name=r["name"],
            quantity=r["quantity"],
            unit_price=money(r["unit_price"]),
            total=money(r["total"]),
        )
        for r in rows
    ]


@strawberry.type(description="A row of the Transaction List.")
class Transaction:
    id: strawberry.ID
    order_id: str
    order_number: str
    status: TransactionStatus
    source: TransactionSource
    buyer: Buyer
    total: Money
    line_items: list[LineItem]
    placed_at: datetime
    created_at: datetime
    store_id: strawberry.Private[uuid.UUID]
    platform_id: strawberry.Private[str]

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store:
        return await _store(info, self.store_id)

    @strawberry.field
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @classmethod
    def from_row(cls, row: models.Transaction) -> Transaction:
        return cls(
            id=strawberry.ID(str(row.id)),
            order_id=row.order_id,
            order_number=row.order_number,
            status=TransactionStatus(row.status),
            source=row.source,
            buyer=Buyer(name=row.buyer_name, email=row.buyer_email),
            total=Money.of(row.total_amount, row.currency),
            line_items=_line_items(row.line_items),
            placed_at=row.placed_at,
            created_at=row.created_at,
            store_id=row.store_id,
            platform_id=row.platform,
        )


@strawberry.type(description="One run of importOrders.")
class ImportJob:
    id: strawberry.ID
    method: ImportMethod
    order_id: str | None
    hours: int | None
    window_start: datetime | None
    window_end: datetime | None
    status: ImportJobStatus
    fetched: int = strawberry.field(description="Orders read from the platform (inside the window).")
    imported: int = strawberry.field(description="New (or restored) pending imports.")
    skipped: int = strawberry.field(
        description="Orders already known: pending, accepted, listed or canceled (the sum of the four skipped* counts)."
    )
    skipped_pending: int = strawberry.field(description="Skipped: already waiting in the pending list.")
    skipped_accepted: int = strawberry.field(
        description="Skipped: imported before and accepted (by the seller, or by a webhook that listed it)."
    )
    skipped_in_transaction_list: int = strawberry.field(
        description="Skipped: already in the Transaction List without an accepted import (e.g. from a webhook)."
    )
    skipped_canceled: int = strawberry.field(
        description="Skipped: imported before and canceled; an import by order id restores it instead."
    )
    error_code: str | None
    error: str | None
    warning: str | None = strawberry.field(description="Something the seller should know, e.g. platform reporting lag.")
    started_at: datetime
    finished_at: datetime | None
    store_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store:
        return await _store(info, self.store_id)

    @classmethod
    def from_row(cls, row: models.ImportJob) -> ImportJob:
        return cls(
            id=strawberry.ID(str(row.id)),
            method=row.method,
            order_id=row.order_ref,
            hours=row.hours,
            window_start=row.window_start,
            window_end=row.window_end,
            status=row.status,
            fetched=row.fetched,
            imported=row.imported,
            skipped=row.skipped,
            skipped_pending=row.skipped_pending,
            skipped_accepted=row.skipped_accepted,
            skipped_in_transaction_list=row.skipped_in_transaction_list,
            skipped_canceled=row.skipped_canceled,
            error_code=row.error_code,
            error=row.error,
            warning=row.warning,
            started_at=row.started_at,
            finished_at=row.finished_at,
            store_id=row.store_id,
        )


@strawberry.type(description="An order fetched from a platform by an import, waiting for the seller's decision.")
class ImportedOrder:
    id: strawberry.ID
    order_id: str = strawberry.field(description="The platform's own id of the order.")
    order_number: str = strawberry.field(description='What the seller sees ("#1001").')
    status: ImportStatus
    payment_status: PaymentStatus
    placed_at: datetime
    imported_at: datetime
    buyer: Buyer
    total: Money
    line_items: list[LineItem]
    raw: JSON = strawberry.field(description="The platform's own payload, for View.")
    decided_at: datetime | None
    cancel_reason: str | None
    store_id: strawberry.Private[uuid.UUID]
    platform_id: strawberry.Private[str]
    job_id: strawberry.Private[uuid.UUID | None]
    transaction_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store:
        return await _store(info, self.store_id)

    @strawberry.field
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @strawberry.field
    async def job(self, info: Info[Context, None]) -> ImportJob | None:
        row = await info.context.loaders.job.load(self.job_id) if self.job_id else None
        return ImportJob.from_row(row) if row else None

    @strawberry.field
    async def transaction(self, info: Info[Context, None]) -> Transaction | None:
        row = await info.context.loaders.transaction.load(self.transaction_id) if self.transaction_id else None
        return Transaction.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: models.ImportedOrder) -> ImportedOrder:
        return cls(
            id=strawberry.ID(str(row.id)),
            order_id=row.order_id,
            order_number=row.order_number,
            status=row.status,
            payment_status=platforms.PaymentStatus(row.payment_status),
            placed_at=row.placed_at,
            imported_at=row.imported_at,
            buyer=Buyer(name=row.buyer_name, email=row.buyer_email),
            total=Money.of(row.total_amount, row.currency),
            line_items=_line_items(row.line_items),
            raw=row.payload,
            decided_at=row.decided_at,
            cancel_reason=row.cancel_reason,
            store_id=row.store_id,
            platform_id=row.platform,
            job_id=row.job_id,
            transaction_id=row.transaction_id,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ImportedOrderEdge:
    cursor: str
    node: ImportedOrder


@strawberry.type
class ImportedOrderConnection:
    edges: list[ImportedOrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class TransactionEdge:
    cursor: str
    node: Transaction


@strawberry.type
class TransactionConnection:
    edges: list[TransactionEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ImportJobEdge:
    cursor: str
    node: ImportJob


@strawberry.type
class ImportJobConnection:
    edges: list[ImportJobEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class UserError:
    code: str
    message: str
    field: list[str] | None


@strawberry.type
class ImportOrdersPayload:
    job: ImportJob | None
    user_errors: list[UserError]


@strawberry.type
class AcceptImportPayload:
    imported_order: ImportedOrder | None
    transaction: Transaction | None
    user_errors: list[UserError]


@strawberry.type
class CancelImportPayload:
    imported_order: ImportedOrder | None
    user_errors: list[UserError]


@strawberry.type
class ConnectStorePayload:
    store: Store | None
    user_errors: list[UserError]


@strawberry.type
class UpdateStorePayload:
    store: Store | None
    user_errors: list[UserError]


@strawberry.type
class DisconnectStorePayload:
    store: Store | None
    user_errors: list[UserError]


@strawberry.type(description="An API token of the caller's seller; the secret itself is shown once, at creation.")
class ApiToken:
    id: strawberry.ID
    name: str
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="Updated at most once a minute.")
    expires_at: datetime | None
    revoked_at: datetime | None
    read_only: bool = strawberry.field(description="Queries and subscriptions only: a mutation answers FORBIDDEN.")

    @classmethod
    def from_row(cls, row: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            read_only=row.read_only,
        )


@strawberry.type
class RevokeApiTokenPayload:
    api_token: ApiToken | None
    user_errors: list[UserError]


@strawberry.type
class PendingImportEvent:
    change: PendingImportChange
    order: ImportedOrder
