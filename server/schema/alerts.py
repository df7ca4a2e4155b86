"""GraphQL types of alerts and of the seller's alert webhook."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

import strawberry

from .. import models
from .types import (
    Count,
    ImportJob,
    PageInfo,
    Store,
    StoreLoader,
    Transaction,
    UserError,
    described,
    total_count_field,
)

JobLoader = Callable[[uuid.UUID], Awaitable[ImportJob | None]]
"""Builds an alert's import job by its id; ``None`` when it is not the caller's."""
TransactionLoader = Callable[[uuid.UUID], Awaitable[Transaction | None]]
"""Builds an alert's row of the Transaction List by its id; ``None`` when it is not the caller's."""


@strawberry.enum(description="What an alert is about (docs/alerts.md says what to do about each).")
class AlertKind(enum.Enum):
    WEBHOOK_SILENT = strawberry.enum_value(
        "WEBHOOK_SILENT",
        description="A store's webhooks went quiet, or the platform removed or disabled their registration and it "
        "could not be restored.",
    )
    ORDERS_RECOVERED = strawberry.enum_value(
        "ORDERS_RECOVERED",
        description="A scheduled run found orders the webhooks missed; they wait in the pending list.",
    )
    IMPORT_FAILING = strawberry.enum_value("IMPORT_FAILING", description="A store's scheduled runs keep failing.")
    CREDENTIALS_REJECTED = strawberry.enum_value(
        "CREDENTIALS_REJECTED", description="The platform refuses the store's credentials: update them (updateStore)."
    )
    ORDER_CHANGED_AFTER_ACCEPT = strawberry.enum_value(
        "ORDER_CHANGED_AFTER_ACCEPT",
        description="An order in the Transaction List was refunded, canceled or edited on the platform since.",
    )


@strawberry.type(description="Something the seller should know now.")
class Alert:
    id: strawberry.ID = strawberry.field(description="The alert's id, a UUID.")
    at: datetime = strawberry.field(description="When it was raised.")
    kind: AlertKind = strawberry.field(description="What it is about.")
    message: str = strawberry.field(description="What happened, for people (English), without secrets.")
    read_at: datetime | None = strawberry.field(description="When it was marked read (markAlertsRead); null: unread.")
    cleared_at: datetime | None = strawberry.field(
        description="When its condition ended (the same condition raises a new alert from then on); null while it "
        "holds, when no new alert is raised for it."
    )
    store_id: strawberry.Private[uuid.UUID | None]
    job_id: strawberry.Private[uuid.UUID | None]
    transaction_id: strawberry.Private[uuid.UUID | None]
    load_store: strawberry.Private[StoreLoader]
    load_job: strawberry.Private[JobLoader]
    load_transaction: strawberry.Private[TransactionLoader]

    @described("The store it is about; null for none in particular.")
    async def store(self) -> Store | None:
        return None if self.store_id is None else await self.load_store(self.store_id)

    @described("The import job it is about (its receipt says what was found); null for none.")
    async def job(self) -> ImportJob | None:
        return None if self.job_id is None else await self.load_job(self.job_id)

    @described("The row of the Transaction List it is about; null for none.")
    async def transaction(self) -> Transaction | None:
        return None if self.transaction_id is None else await self.load_transaction(self.transaction_id)

    @classmethod
    def from_row(
        cls,
        row: models.Alert,
        load_store: StoreLoader,
        load_job: JobLoader,
        load_transaction: TransactionLoader,
    ) -> Alert:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            kind=AlertKind(row.kind.value),
            message=row.message,
            read_at=row.read_at,
            cleared_at=row.cleared_at,
            store_id=row.store_id,
            job_id=row.job_id,
            transaction_id=row.transaction_id,
            load_store=load_store,
            load_job=load_job,
            load_transaction=load_transaction,
        )


@strawberry.type(description="An alert and its cursor.")
class AlertEdge:
    cursor: str = strawberry.field(description="Opaque: pass it as after to continue after this alert.")
    node: Alert = strawberry.field(description="The alert.")


@strawberry.type(description="A page of alerts, newest first.")
class AlertConnection:
    edges: list[AlertEdge] = strawberry.field(description="The page's alerts.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many alerts match (unreadOnly or not), on every page.")
    count: strawberry.Private[Count]


@strawberry.type(description="The answer of markAlertsRead.")
class MarkAlertsReadPayload:
    marked: int = strawberry.field(
        description="How many alerts this call marked read (those read already, and ids not the caller's, not counted)."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was marked; empty otherwise.")


@strawberry.type(description="Where the seller's alerts are also sent: one URL, each alert POSTed to it, signed.")
class AlertWebhook:
    url: str = strawberry.field(description="The https:// URL alerts are POSTed to.")
    created_at: datetime = strawberry.field(description="When it was set (and its secret issued).")

    @classmethod
    def from_row(cls, row: models.AlertEndpoint) -> AlertWebhook:
        return cls(url=row.url, created_at=row.created_at)


@strawberry.type(description="The answer of setAlertWebhook.")
class SetAlertWebhookPayload:
    url: str | None = strawberry.field(description="The URL alerts now go to; null when removed or on a userError.")
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_<base64>), shown this once: keep it to verify the webhook-signature "
        "header. Null when the URL was removed or on a userError."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty otherwise.")
