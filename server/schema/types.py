"""GraphQL object types and enums, built from rows by the ``from_row`` constructors.

Related rows come through the request's DataLoaders. What only services know (a store's webhook URL
and health) is given to the constructors by the resolver layer: a type computes nothing itself.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from .. import models
from ..context import Context
from ..money import with_minor_units
from ..platforms import Capability, PlatformConnector

T = TypeVar("T")
StoreLoader = Callable[[uuid.UUID], Awaitable["Store"]]
"""Builds the store of a row by its id: given by the resolver layer, which adds the store's webhook facts."""
StoreSource = Callable[[uuid.UUID], "Store | Awaitable[Store]"]
"""A ``StoreLoader``, or what gives a store already loaded for the request at once (a list's rows' stores):
the field then resolves without a task of its own."""
Count = Callable[[], Awaitable[int]]
"""Counts a whole list: called only when a client asks for its totalCount."""
ReceiptLoader = Callable[[uuid.UUID, "int | None", "str | None"], Awaitable["ImportReceiptConnection"]]
"""Builds a page of a job's receipt (job id, first, after): given by the resolver layer, which reads it."""
RecoveryLoader = Callable[[uuid.UUID], Awaitable["RecoverySchedule"]]
"""Builds a store's recovery schedule by the store's id: given by the resolver layer, which reads it."""


def described(
    description: str, *, deprecation_reason: str | None = None, graphql_type: Any = None
) -> Callable[[Callable[..., T]], T]:
    """``@strawberry.field(description=...)``, typed as the bare ``@strawberry.field`` is (strawberry says Any).
    ``graphql_type``: the field's type when the resolver's own says more (a value, or an awaitable of it)."""
    field = strawberry.field(description=description, deprecation_reason=deprecation_reason, graphql_type=graphql_type)
    return cast("Callable[[Callable[..., T]], T]", field)


@strawberry.enum(description="Where an imported order stands.")
class ImportStatus(enum.Enum):
    PENDING = strawberry.enum_value("PENDING", description="In the pending list, waiting for the seller's decision.")
    ACCEPTED = strawberry.enum_value(
        "ACCEPTED", description="In the Transaction List: accepted by the seller, or listed by a webhook."
    )
    CANCELED = strawberry.enum_value(
        "CANCELED",
        description="Canceled by the seller or by disconnecting its store; an import by order id restores it.",
    )


@strawberry.enum(description="Who settled an imported order.")
class Settlement(enum.Enum):
    SELLER = strawberry.enum_value("SELLER", description="The seller: acceptImport or cancelImport.")
    WEBHOOK = strawberry.enum_value(
        "WEBHOOK", description="The platform's webhook listed the order while it was pending (accepted)."
    )
    DISCONNECT = strawberry.enum_value("DISCONNECT", description="Its store was disconnected (canceled).")


@strawberry.type(
    description="One decision an imported order received. An import by order id that restores a canceled order "
    "makes it pending again; its earlier decisions stay."
)
class Decision:
    status: ImportStatus = strawberry.field(description="What was decided: ACCEPTED or CANCELED.")
    by: Settlement = strawberry.field(description="Who decided it.")
    decided_at: datetime = strawberry.field(description="When.")
    cancel_reason: str | None = strawberry.field(description="The reason given when CANCELED; null otherwise.")

    @classmethod
    def from_entry(cls, row: models.AuditEvent) -> Decision:
        """The decision an audit entry of ``_DECISIONS`` records."""
        canceled = row.action == models.AuditAction.CANCELED
        if row.action == models.AuditAction.RESOLVED_BY_WEBHOOK:
            by = Settlement.WEBHOOK
        else:
            by = Settlement.DISCONNECT if row.detail.get("storeDisconnected") else Settlement.SELLER
        return cls(
            status=ImportStatus.CANCELED if canceled else ImportStatus.ACCEPTED,
            by=by,
            decided_at=row.at,
            cancel_reason=row.detail.get("reason") if canceled else None,
        )


_DECISIONS = {
    models.AuditAction.ACCEPTED,
    models.AuditAction.FORCED_ACCEPT,
    models.AuditAction.CANCELED,
    models.AuditAction.RESOLVED_BY_WEBHOOK,
}


@strawberry.enum(description="How an import job chose its orders.")
class ImportMethod(enum.Enum):
    ORDER_ID = strawberry.enum_value("ORDER_ID", description="One order, by its id or number.")
    TIME = strawberry.enum_value("TIME", description="Every order placed in the last 1 to 6 hours.")


@strawberry.enum(description="Who or what started an import job.")
class ImportTrigger(enum.Enum):
    SELLER = strawberry.enum_value("SELLER", description="A person, through importOrders.")
    SCHEDULE = strawberry.enum_value("SCHEDULE", description="The store's automatic recovery schedule.")
    WEBHOOK_SILENCE = strawberry.enum_value(
        "WEBHOOK_SILENCE", description="The store's webhooks went quiet, so it was checked at once."
    )


@strawberry.enum(description="What an import did, or in a dry run would do, with one order the platform returned.")
class ImportOutcome(enum.Enum):
    IMPORTED = strawberry.enum_value("IMPORTED", description="New to the store: now pending.")
    RESTORED = strawberry.enum_value(
        "RESTORED", description="Canceled before, pending again: an import by order id restores it."
    )
    ALREADY_PENDING = strawberry.enum_value("ALREADY_PENDING", description="Skipped: already in the pending list.")
    ALREADY_ACCEPTED = strawberry.enum_value(
        "ALREADY_ACCEPTED", description="Skipped: imported before and accepted (by the seller or by a webhook)."
    )
    IN_TRANSACTION_LIST = strawberry.enum_value(
        "IN_TRANSACTION_LIST",
        description="Skipped: already in the Transaction List (e.g. from a webhook) without an accepted import.",
    )
    CANCELED_BEFORE = strawberry.enum_value(
        "CANCELED_BEFORE", description="Skipped: imported before and canceled (an import by time does not restore)."
    )
    OUTSIDE_WINDOW = strawberry.enum_value(
        "OUTSIDE_WINDOW", description="Listed by the platform but placed outside the hours asked for: not judged."
    )
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="An id asked for that the platform does not have.")


@strawberry.enum(description="Where an import job stands.")
class ImportJobStatus(enum.Enum):
    RUNNING = strawberry.enum_value("RUNNING", description="Still fetching and storing orders.")
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="Finished: every order was fetched and judged.")
    FAILED = strawberry.enum_value(
        "FAILED", description="Stopped early (errorCode and error say why); what it stored before stays."
    )


@strawberry.enum(description="How a row entered the Transaction List.")
class TransactionSource(enum.Enum):
    WEBHOOK = strawberry.enum_value("WEBHOOK", description="The platform's order webhook, with no seller decision.")
    IMPORT = strawberry.enum_value("IMPORT", description="The seller accepted an imported order.")


@strawberry.enum(description="The state of a row of the Transaction List.")
class TransactionStatus(enum.Enum):
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="A completed sale: every row is one.")


@strawberry.enum(description="Where the buyer's payment stands, in the platform-neutral vocabulary of the plugins.")
class PaymentStatus(enum.Enum):
    PAID = strawberry.enum_value("PAID", description="Paid in full.")
    PENDING = strawberry.enum_value("PENDING", description="Not paid yet, or only authorized.")
    PARTIALLY_PAID = strawberry.enum_value("PARTIALLY_PAID", description="Part of the total is paid.")
    PARTIALLY_REFUNDED = strawberry.enum_value("PARTIALLY_REFUNDED", description="Paid, then refunded in part.")
    REFUNDED = strawberry.enum_value("REFUNDED", description="Paid, then refunded in full.")
    VOIDED = strawberry.enum_value("VOIDED", description="The authorization was voided before any capture.")
    FAILED = strawberry.enum_value("FAILED", description="The payment failed or was declined.")
    UNKNOWN = strawberry.enum_value("UNKNOWN", description="The platform does not say, or says something unmapped.")


@strawberry.enum(description="How the pending list changed.")
class PendingImportChange(enum.Enum):
    ADDED = strawberry.enum_value("ADDED", description="The order entered the pending list (imported or restored).")
    UPDATED = strawberry.enum_value("UPDATED", description="The order is still pending and changed.")
    REMOVED = strawberry.enum_value(
        "REMOVED", description="The order left the pending list: accepted, canceled, or listed by a webhook."
    )


@strawberry.type(description="One value a seller enters to connect a store (shop domain, API key ...).")
class CredentialField:
    name: str = strawberry.field(description="Its key in the credentials object of connectStore and updateStore.")
    label: str = strawberry.field(description="What to call it in a form.")
    secret: bool = strawberry.field(
        description="Whether to mask it as a password; no credential is ever readable back."
    )
    required: bool = strawberry.field(description="Whether connectStore refuses credentials without it.")


@strawberry.type(description="A sales platform, contributed by an installed plugin.")
class Platform:
    id: strawberry.ID = strawberry.field(description='The plugin\'s platform key: "shopify", "woocommerce" ...')
    name: str = strawberry.field(description='Its display name: "Shopify".')
    order_id_label: str = strawberry.field(
        description='What sellers type to import one order, e.g. "Order number (#1001) or order ID".'
    )
    credential_fields: list[CredentialField] = strawberry.field(
        description="What connectStore needs in credentials, in the order a form asks for them."
    )
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
    """The platform of a record, built once per request (a list's rows share it); one whose plugin is no longer
    installed keeps its id and offers nothing."""
    built = info.context.loaders.platforms
    found = built.get(platform_id)
    if found is None:
        connector = info.context.runtime.registry.get(platform_id)
        found = built[platform_id] = (
            Platform.from_connector(connector)
            if connector is not None
            else Platform(
                id=strawberry.ID(platform_id),
                name=platform_id,
                order_id_label="",
                credential_fields=[],
                supports_order_id=False,
                supports_time=False,
            )
        )
    return cast(Platform, found)


@strawberry.type(description="How a store's webhooks are doing.")
class WebhookHealth:
    last_delivery_at: datetime | None = strawberry.field(
        description="When the last verified delivery arrived; null before the first."
    )
    last_rejected_at: datetime | None = strawberry.field(
        description="The last delivery that carried the platform's signature but could not be used."
    )
    last_rejected_reason: str | None = strawberry.field(
        description="Why that delivery could not be used (up to 200 characters); null if none was rejected."
    )
    forged_count: int = strawberry.field(
        description="Deliveries refused for a missing or wrong signature: forged, or signed with another secret."
    )
    last_forged_at: datetime | None = strawberry.field(
        description="When the last such delivery was refused; null if none was."
    )
    usual_gap_seconds: int | None = strawberry.field(
        description="Typical time between deliveries, in whole seconds; null until 5 deliveries have arrived."
    )
    quiet: bool = strawberry.field(
        description="Nothing arrived for 3 times the usual gap and at least an hour; never before the gap is known."
    )
    message: str | None = strawberry.field(description="What to tell the seller when quiet; null otherwise.")


@strawberry.type(description="A seller's connected store. Credentials are write-only: never readable back.")
class Store:
    id: strawberry.ID = strawberry.field(description="The store's id, a UUID.")
    name: str = strawberry.field(
        description="The seller's name for it: 1 to 200 characters, unique among the seller's connected stores "
        "of its platform."
    )
    api_base_url: str | None = strawberry.field(
        description="Override of the platform API's origin (sandboxes, self-hosted shops, tests); "
        "null: the platform's own."
    )
    created_at: datetime = strawberry.field(description="When the store was connected.")
    connected: bool = strawberry.field(
        description="False once disconnected: its transactions stay, nothing is imported for it."
    )
    webhook_url: str = strawberry.field(description="Where the platform should send this store's order webhooks.")
    webhook_health: WebhookHealth = strawberry.field(description="How this store's webhooks are doing.")
    webhook_registration_problem: str | None = strawberry.field(
        description="Why this app could not register or check the store's order webhooks at the platform (the "
        "platform has no API for it, refused, or the server has no public URL): register webhookUrl there by hand. "
        "Null when it could."
    )
    platform_id: strawberry.Private[str]
    load_recovery: strawberry.Private[RecoveryLoader]

    @described("The platform the store is on.")
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @described("How the store is checked for orders its webhooks missed, without the seller asking.")
    async def recovery(self) -> RecoverySchedule:
        return await self.load_recovery(uuid.UUID(self.id))

    @described(
        "The order webhook subscriptions the platform holds for webhookUrl, as last checked; empty when it holds "
        "none or this app cannot ask (see webhookRegistrationProblem)."
    )
    async def webhook_registrations(self, info: Info[Context, None]) -> list[WebhookRegistration]:
        rows = await info.context.loaders.registered_webhooks.load(uuid.UUID(self.id))
        return [WebhookRegistration.from_row(row) for row in rows]

    @classmethod
    def from_row(
        cls, row: models.Store, *, webhook_url: str, webhook_health: WebhookHealth, load_recovery: RecoveryLoader
    ) -> Store:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            api_base_url=row.api_base_url,
            created_at=row.created_at,
            connected=row.disconnected_at is None,
            webhook_url=webhook_url,
            webhook_health=webhook_health,
            webhook_registration_problem=row.webhook_registration_problem,
            platform_id=row.platform,
            load_recovery=load_recovery,
        )


@strawberry.type(description="How a store is checked for missing orders without the seller asking.")
class RecoverySchedule:
    enabled: bool = strawberry.field(description="Whether the store is checked; new stores are.")
    interval_seconds: int = strawberry.field(
        description="How often, in seconds: from ORDER_IMPORT_RECOVERY_MIN_INTERVAL (300 by default) to a day."
    )
    hours: int = strawberry.field(description="How far back each check imports by time: 1 to 6 hours.")
    last_run_at: datetime | None = strawberry.field(description="When the last automatic run ended; null before one.")
    next_run_at: datetime | None = strawberry.field(
        description="When the next scheduled run is due, on the store's own slot of the interval (later while runs "
        "fail); null while off."
    )
    failures: int = strawberry.field(
        description="Automatic runs failed in a row; while above 0 the next run waits interval × 2^failures, at most "
        "a day."
    )
    last_job_id: strawberry.Private[uuid.UUID | None]
    load_store: strawberry.Private[StoreLoader]
    load_receipt: strawberry.Private[ReceiptLoader]

    @described("The last automatic run (SCHEDULE or WEBHOOK_SILENCE): what it fetched and found; null before one.")
    async def last_job(self, info: Info[Context, None]) -> ImportJob | None:
        row = await info.context.loaders.job.load(self.last_job_id) if self.last_job_id else None
        return ImportJob.from_row(row, self.load_store, self.load_receipt) if row else None

    @classmethod
    def from_row(
        cls, row: models.RecoverySchedule | None, load_store: StoreLoader, load_receipt: ReceiptLoader
    ) -> RecoverySchedule:
        """``None``: a store without a schedule (disconnected before schedules existed) is not checked."""
        if row is None:
            row = models.RecoverySchedule(enabled=False, next_run_at=None)
        return cls(
            enabled=row.enabled,
            interval_seconds=row.interval_seconds,
            hours=row.hours,
            last_run_at=row.last_run_at,
            next_run_at=row.next_run_at,
            failures=row.failures,
            last_job_id=row.last_job_id,
            load_store=load_store,
            load_receipt=load_receipt,
        )


@strawberry.type(description="An order webhook as registered on the platform.")
class WebhookRegistration:
    topic: str = strawberry.field(description='The platform\'s event name ("orders/create", "order.created" ...).')
    url: str = strawberry.field(description="Where the platform sends it.")
    active: bool = strawberry.field(description="Whether the platform sends it now (false: disabled after failures).")
    checked_at: datetime = strawberry.field(description="When this app last read it from the platform.")
    problem: str | None = strawberry.field(description="What the seller should know about it; null when nothing.")

    @classmethod
    def from_row(cls, row: models.RegisteredWebhook) -> WebhookRegistration:
        return cls(topic=row.topic, url=row.url, active=row.active, checked_at=row.checked_at, problem=row.problem)


@strawberry.type(description="An exact amount of money in one currency.")
class Money:
    amount: Decimal = strawberry.field(
        description='With the currency\'s minor units ("39.00", JPY "1500", KWD "1.500"), or more decimals as sent.'
    )
    currency_code: str = strawberry.field(description='Its ISO 4217 currency code, in capitals: "USD".')

    @classmethod
    def of(cls, amount: Decimal, currency: str) -> Money:
        """Every Money of the schema is made here, so every amount is written the same way."""
        return cls(amount=with_minor_units(amount, currency), currency_code=currency)


@strawberry.type(description="Who placed an order, as far as the platform tells.")
class Buyer:
    name: str | None = strawberry.field(description="The buyer's name; null when the platform gives none.")
    email: str | None = strawberry.field(description="The buyer's email address; null when the platform gives none.")


@strawberry.type(description="One line of an order.")
class LineItem:
    sku: str | None = strawberry.field(description="The product's SKU; null when it has none.")
    name: str = strawberry.field(description="The product's name, as the platform gives it.")
    quantity: int = strawberry.field(description="How many units.")
    unit_price: Money = strawberry.field(description="The price of one unit.")
    total: Money = strawberry.field(description="What the buyer pays for the line.")


async def _total_count(root: Any) -> int:
    count: Count = root.count
    return await count()


def total_count_field(description: str) -> Any:
    """A connection's ``totalCount``: its ``count`` runs only when a client asks for it."""
    return strawberry.field(resolver=_total_count, description=description)


async def _has_previous_page(root: PageInfo) -> bool:
    return await root.previous()


def _read(value: T | None, name: str) -> T:
    """A column read only when its field is asked for: the list's resolver read it (see ``services.paging``)."""
    if value is None:
        raise RuntimeError(f"{name} was asked for but not read")
    return value


def _line_items_of(root: Transaction | ImportedOrder) -> list[LineItem]:
    return _line_items(_read(root.line_item_rows, "lineItems"))


def _payload_of(root: ImportedOrder) -> JSON:
    return JSON(_read(root.payload, "raw"))


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


@strawberry.type(description="A change the platform made to an order after it entered the Transaction List.")
class OrderChange:
    detected_at: datetime = strawberry.field(description="When this app saw it.")
    source: str = strawberry.field(
        description='How it was seen: "webhook:<platform>" (the platform\'s update or refund webhook) or "schedule" '
        "(the scheduled re-read of recent orders)."
    )
    payment_status: PaymentStatus = strawberry.field(description="The buyer's payment, as the platform now says.")
    platform_status: str | None = strawberry.field(
        description="The platform's own word for the order's state, as it now says; null where it gives none."
    )
    canceled: bool = strawberry.field(description="Whether the platform has canceled the order.")
    total: Money = strawberry.field(description="What the buyer pays for the order, as the platform now says.")
    summary: str = strawberry.field(
        description='What changed, for a person: "Refunded on Shopify: payment PAID → REFUNDED, total 25.00 USD → '
        '0.00 USD".'
    )

    @classmethod
    def from_row(cls, row: models.OrderChange) -> OrderChange:
        return cls(
            detected_at=row.detected_at,
            source=row.source,
            payment_status=PaymentStatus(row.payment_status),
            platform_status=row.platform_status,
            canceled=row.canceled,
            total=Money.of(row.total_amount, row.currency),
            summary=row.summary,
        )


@strawberry.type(description="A row of the Transaction List.")
class Transaction:
    id: strawberry.ID = strawberry.field(description="The row's id, a UUID.")
    order_id: str = strawberry.field(description="The platform's own id of the order.")
    order_number: str = strawberry.field(
        description='What the seller sees ("#1001"); equals orderId where the platform has one id.'
    )
    status: TransactionStatus = strawberry.field(description="Always SUCCEEDED.")
    source: TransactionSource = strawberry.field(description="How the row entered the list.")
    buyer: Buyer = strawberry.field(description="Who placed the order.")
    total: Money = strawberry.field(description="What the buyer pays for the order.")
    line_items: list[LineItem] = strawberry.field(
        resolver=_line_items_of, description="The order's lines, in the platform's order."
    )
    placed_at: datetime = strawberry.field(description="When the buyer placed the order, by the platform's clock.")
    created_at: datetime = strawberry.field(
        description="When the row entered the list (the list's order, newest first); a row never changes."
    )
    payment_status: PaymentStatus = strawberry.field(
        description="The buyer's payment as the platform stated it when the row entered the list (UNKNOWN for rows "
        "listed before it was kept)."
    )
    test_order: bool = strawberry.field(description="Whether the platform marked it a test or sandbox order.")
    accepted_by: str | None = strawberry.field(
        description="The actor who accepted its import (see AuditEvent.actor); null for WEBHOOK rows."
    )
    line_item_rows: strawberry.Private[list[dict[str, Any]] | None]  # None: not read (not asked for)
    store_id: strawberry.Private[uuid.UUID]
    platform_id: strawberry.Private[str]
    load_store: strawberry.Private[StoreSource]

    @described("The store the order was placed in.", graphql_type=Store)
    def store(self) -> Store | Awaitable[Store]:
        return self.load_store(self.store_id)

    @described("The platform of that store.")
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @described(
        "What the platform changed about the order after it entered the list (a refund, a cancellation, a new "
        "total), oldest first; the row itself never changes."
    )
    async def platform_changes(self, info: Info[Context, None]) -> list[OrderChange]:
        rows = await info.context.loaders.platform_changes.load(uuid.UUID(self.id))
        return [OrderChange.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.Transaction | models.Row, load_store: StoreSource) -> Transaction:
        return cls(
            id=strawberry.ID(str(row.id)),
            order_id=row.order_id,
            order_number=row.order_number,
            status=TransactionStatus(row.status),
            source=TransactionSource(row.source.value),
            buyer=Buyer(name=row.buyer_name, email=row.buyer_email),
            total=Money.of(row.total_amount, row.currency),
            line_item_rows=row.line_items,
            placed_at=row.placed_at,
            created_at=row.created_at,
            payment_status=PaymentStatus(row.payment_status),
            test_order=row.test_order,
            accepted_by=row.accepted_by,
            store_id=row.store_id,
            platform_id=row.platform,
            load_store=load_store,
        )


@strawberry.type(description="One run of importOrders.")
class ImportJob:
    id: strawberry.ID = strawberry.field(description="The job's id, a UUID.")
    method: ImportMethod = strawberry.field(description="How the job chose its orders.")
    order_id: str | None = strawberry.field(
        description="The order id or number asked for, trimmed (ORDER_ID); null for TIME."
    )
    hours: int | None = strawberry.field(description="How many hours back, 1 to 6 (TIME); null for ORDER_ID.")
    window_start: datetime | None = strawberry.field(
        description="The window's start: hours before the job started (TIME); null for ORDER_ID."
    )
    window_end: datetime | None = strawberry.field(
        description="The window's end: when the job started (TIME); null for ORDER_ID."
    )
    status: ImportJobStatus = strawberry.field(description="Where the job stands.")
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
    not_found: int = strawberry.field(
        description="Ids asked for (orderId, orderIds) that the platform does not have: its NOT_FOUND receipt lines."
    )
    error_code: str | None = strawberry.field(
        description="Why the job FAILED: an error code of docs/errors.md (ORDER_NOT_FOUND, PLATFORM_AUTH, "
        "INTERRUPTED ...); null unless FAILED."
    )
    error: str | None = strawberry.field(
        description="What went wrong, for the seller, with secrets removed; null unless FAILED."
    )
    warning: str | None = strawberry.field(description="Something the seller should know, e.g. platform reporting lag.")
    started_at: datetime = strawberry.field(description="When the job was started.")
    finished_at: datetime | None = strawberry.field(description="When it finished; null while RUNNING.")
    order_ids: list[str] | None = strawberry.field(
        description="The ids asked for by an import of a list (ORDER_ID), trimmed, each once, in the order given; "
        "null otherwise."
    )
    dry_run: bool = strawberry.field(
        description="A preview: the orders were fetched and judged, nothing but the receipt was stored."
    )
    trigger: ImportTrigger = strawberry.field(description="Who or what started the job.")
    started_by: str = strawberry.field(
        description='Its actor: "token:<token name>" for a person\'s API token, "schedule" for an automatic '
        'recovery; "unknown" for jobs started before this was kept.'
    )
    store_id: strawberry.Private[uuid.UUID]
    load_store: strawberry.Private[StoreSource]
    load_receipt: strawberry.Private[ReceiptLoader]

    @described("The store the job imports from.", graphql_type=Store)
    def store(self) -> Store | Awaitable[Store]:
        return self.load_store(self.store_id)

    @described(
        "One line per order the platform returned (and per id it lacks), in the order returned, with its outcome: "
        "what the job did, or as a dry run would do."
    )
    async def receipt(
        self,
        first: Annotated[int | None, strawberry.argument(description="How many lines: 1 to 200, default 100.")] = 100,
        after: Annotated[
            str | None,
            strawberry.argument(description="Continue after this cursor (pageInfo.endCursor); none: from the start."),
        ] = None,
    ) -> ImportReceiptConnection:
        return await self.load_receipt(uuid.UUID(self.id), first, after)

    @classmethod
    def from_row(
        cls, row: models.ImportJob | models.Row, load_store: StoreSource, load_receipt: ReceiptLoader
    ) -> ImportJob:
        return cls(
            id=strawberry.ID(str(row.id)),
            method=ImportMethod(row.method.value),
            order_id=row.order_ref,
            hours=row.hours,
            window_start=row.window_start,
            window_end=row.window_end,
            status=ImportJobStatus(row.status.value),
            fetched=row.fetched,
            imported=row.imported,
            skipped=row.skipped,
            skipped_pending=row.skipped_pending,
            skipped_accepted=row.skipped_accepted,
            skipped_in_transaction_list=row.skipped_in_transaction_list,
            skipped_canceled=row.skipped_canceled,
            not_found=row.not_found,
            error_code=row.error_code,
            error=row.error,
            warning=row.warning,
            started_at=row.started_at,
            finished_at=row.finished_at,
            order_ids=row.order_ids,
            dry_run=row.dry_run,
            trigger=ImportTrigger(row.trigger.value),
            started_by=row.started_by,
            store_id=row.store_id,
            load_store=load_store,
            load_receipt=load_receipt,
        )


@strawberry.type(description="An order fetched from a platform by an import, waiting for the seller's decision.")
class ImportedOrder:
    id: strawberry.ID = strawberry.field(description="The imported order's id, a UUID (not the platform's).")
    order_id: str = strawberry.field(description="The platform's own id of the order.")
    order_number: str = strawberry.field(
        description='What the seller sees ("#1001"); equals orderId where the platform has one id.'
    )
    status: ImportStatus = strawberry.field(description="Where the order stands.")
    payment_status: PaymentStatus = strawberry.field(description="The buyer's payment, as last fetched.")
    placed_at: datetime = strawberry.field(description="When the buyer placed the order, by the platform's clock.")
    imported_at: datetime = strawberry.field(description="When an import stored it, or restored it last.")
    buyer: Buyer = strawberry.field(description="Who placed the order.")
    total: Money = strawberry.field(description="What the buyer pays for the order.")
    line_items: list[LineItem] = strawberry.field(
        resolver=_line_items_of, description="The order's lines, in the platform's order."
    )
    raw: JSON = strawberry.field(resolver=_payload_of, description="The platform's own payload, for View.")
    decided_at: datetime | None = strawberry.field(description="When it was accepted or canceled; null while PENDING.")
    decided_by: str | None = strawberry.field(
        description="The actor of that decision (see AuditEvent.actor); null while PENDING."
    )
    cancel_reason: str | None = strawberry.field(
        description="Why it was canceled: the seller's reason (trimmed, up to 1000 characters) or \"store "
        'disconnected"; null when none was given or it is not CANCELED.'
    )
    test_order: bool = strawberry.field(description="Whether the platform marks it a test or sandbox order.")
    platform_status: str | None = strawberry.field(
        description='The platform\'s own word for the order\'s state, as last read ("paid", "processing", '
        '"COMPLETED" ...); null where the platform gives none.'
    )
    canceled_on_platform: bool = strawberry.field(description="Whether the platform canceled the order, as last read.")
    checked_at: datetime = strawberry.field(
        description="When it was last read from the platform; a decision reads it again when this is older than "
        "ORDER_IMPORT_RECHECK_SECONDS."
    )
    line_item_rows: strawberry.Private[list[dict[str, Any]] | None]  # None: not read (not asked for)
    payload: strawberry.Private[dict[str, Any] | None]  # None: not read (not asked for)
    store_id: strawberry.Private[uuid.UUID]
    platform_id: strawberry.Private[str]
    job_id: strawberry.Private[uuid.UUID | None]
    transaction_id: strawberry.Private[uuid.UUID | None]
    load_store: strawberry.Private[StoreSource]
    load_receipt: strawberry.Private[ReceiptLoader]

    @described("The store the order was placed in.", graphql_type=Store)
    def store(self) -> Store | Awaitable[Store]:
        return self.load_store(self.store_id)

    @described("The platform of that store.")
    def platform(self, info: Info[Context, None]) -> Platform:
        return _platform(info, self.platform_id)

    @described("The import job that stored it, or restored it last.")
    async def job(self, info: Info[Context, None]) -> ImportJob | None:
        row = await info.context.loaders.job.load(self.job_id) if self.job_id else None
        return ImportJob.from_row(row, self.load_store, self.load_receipt) if row else None

    @described("Its row of the Transaction List once ACCEPTED; null before.")
    async def transaction(self, info: Info[Context, None]) -> Transaction | None:
        row = await info.context.loaders.transaction.load(self.transaction_id) if self.transaction_id else None
        return Transaction.from_row(row, self.load_store) if row else None

    @described("Its audit trail, oldest first: each import, change, decision and webhook that concerned it.")
    async def history(self, info: Info[Context, None]) -> list[AuditEvent]:
        rows = await info.context.loaders.history.load(uuid.UUID(self.id))
        return [AuditEvent.from_row(row, self.load_store, self.load_receipt) for row in rows]

    @described(
        "Every decision it received, oldest first: empty while it was never decided.",
        deprecation_reason="Use history: its ACCEPTED, FORCED_ACCEPT, CANCELED and RESOLVED_BY_WEBHOOK entries.",
    )
    async def decisions(self, info: Info[Context, None]) -> list[Decision]:
        rows = await info.context.loaders.history.load(uuid.UUID(self.id))
        return [Decision.from_entry(row) for row in rows if row.action in _DECISIONS]

    @classmethod
    def from_row(
        cls, row: models.ImportedOrder | models.Row, load_store: StoreSource, load_receipt: ReceiptLoader
    ) -> ImportedOrder:
        return cls(
            id=strawberry.ID(str(row.id)),
            order_id=row.order_id,
            order_number=row.order_number,
            status=ImportStatus(row.status.value),
            payment_status=PaymentStatus(row.payment_status),
            placed_at=row.placed_at,
            imported_at=row.imported_at,
            buyer=Buyer(name=row.buyer_name, email=row.buyer_email),
            total=Money.of(row.total_amount, row.currency),
            line_item_rows=row.line_items,
            payload=row.payload,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            cancel_reason=row.cancel_reason,
            test_order=row.test_order,
            platform_status=row.platform_status,
            canceled_on_platform=row.canceled,
            checked_at=row.checked_at or row.imported_at,
            store_id=row.store_id,
            platform_id=row.platform,
            job_id=row.job_id,
            transaction_id=row.transaction_id,
            load_store=load_store,
            load_receipt=load_receipt,
        )


@strawberry.type(description="One order of an import's receipt: what the import did, or would do, with it.")
class ImportReceiptLine:
    order_id: str = strawberry.field(
        description="The platform's own id of the order; for NOT_FOUND, the id asked for as given (trimmed)."
    )
    order_number: str | None = strawberry.field(description='What the seller sees ("#1001"); null for NOT_FOUND.')
    placed_at: datetime | None = strawberry.field(
        description="When the buyer placed the order, by the platform's clock; null for NOT_FOUND."
    )
    total: Money | None = strawberry.field(description="What the buyer pays for the order; null for NOT_FOUND.")
    outcome: ImportOutcome = strawberry.field(description="What the import did, or in a dry run would do, with it.")
    imported_order: ImportedOrder | None = strawberry.field(
        description="The store's imported order of it, as it stands now: the one this import made pending or "
        "skipped; null when there is none (a dry run's IMPORTED, IN_TRANSACTION_LIST without one, OUTSIDE_WINDOW, "
        "NOT_FOUND)."
    )
    transaction: Transaction | None = strawberry.field(
        description="Its row of the Transaction List when the import found it listed; null otherwise."
    )


@strawberry.type(description="A receipt line and its cursor.")
class ImportReceiptEdge:
    cursor: str = strawberry.field(description="Opaque: pass it as after to continue after this line.")
    node: ImportReceiptLine = strawberry.field(description="The line.")


@strawberry.type(description="A page of an import's receipt, in the order the platform returned the orders.")
class ImportReceiptConnection:
    edges: list[ImportReceiptEdge] = strawberry.field(description="The page's lines.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many lines the whole receipt holds, not just this page.")
    count: strawberry.Private[Count]


@strawberry.enum(description="What an audit entry records.")
class AuditAction(enum.Enum):
    IMPORT_STARTED = strawberry.enum_value(
        "IMPORT_STARTED",
        description="An import job started (its arguments in detail).",
    )
    ORDER_IMPORTED = strawberry.enum_value("ORDER_IMPORTED", description="An import stored the order as pending.")
    ORDER_RESTORED = strawberry.enum_value(
        "ORDER_RESTORED",
        description="An import by order id made a canceled order pending again.",
    )
    ACCEPTED = strawberry.enum_value("ACCEPTED", description="The order was accepted into the Transaction List.")
    FORCED_ACCEPT = strawberry.enum_value(
        "FORCED_ACCEPT",
        description="The order was accepted with force although the payment guard refused it (detail says why).",
    )
    CANCELED = strawberry.enum_value(
        "CANCELED",
        description="The order was canceled (by the seller, or by disconnecting its store).",
    )
    RESOLVED_BY_WEBHOOK = strawberry.enum_value(
        "RESOLVED_BY_WEBHOOK",
        description="The platform's webhook listed the order while it was pending.",
    )
    ORDER_CHANGED = strawberry.enum_value(
        "ORDER_CHANGED",
        description="A pending order read again says something new, or the platform changed an order of the "
        "Transaction List (detail: what it says now, and was; transactionId for the latter).",
    )
    STORE_CONNECTED = strawberry.enum_value("STORE_CONNECTED", description="A store was connected.")
    STORE_UPDATED = strawberry.enum_value(
        "STORE_UPDATED",
        description="A store's name, credentials or API base URL changed (detail names which, never their values).",
    )
    STORE_DISCONNECTED = strawberry.enum_value("STORE_DISCONNECTED", description="A store was disconnected.")
    RECOVERY_CHANGED = strawberry.enum_value(
        "RECOVERY_CHANGED",
        description="A store's automatic recovery schedule changed.",
    )
    TOKEN_CREATED = strawberry.enum_value("TOKEN_CREATED", description="An API token was created.")
    TOKEN_REVOKED = strawberry.enum_value("TOKEN_REVOKED", description="An API token was revoked.")


@strawberry.type(description="One entry of the audit trail: who did what, when. Entries never change.")
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="The entry's id, a UUID.")
    at: datetime = strawberry.field(description="When it happened.")
    actor: str = strawberry.field(
        description='Who: "token:<token name>" for a person\'s API token, "schedule" for automatic recovery, '
        '"webhook:<platform>" for a platform\'s webhook, "cli" for the operator\'s command line, "unknown" for '
        "what happened before actors were kept."
    )
    action: AuditAction = strawberry.field(description="What.")
    detail: JSON = strawberry.field(
        description="The action's particulars (a cancel reason, what a forced accept overrode, what changed); never "
        "a secret."
    )
    store_id: strawberry.Private[uuid.UUID | None]
    imported_order_id: strawberry.Private[uuid.UUID | None]
    job_id: strawberry.Private[uuid.UUID | None]
    load_store: strawberry.Private[StoreSource]
    load_receipt: strawberry.Private[ReceiptLoader]

    @described("The store it concerns; null for a token's entries.", graphql_type=Store | None)
    def store(self) -> Store | Awaitable[Store] | None:
        return self.load_store(self.store_id) if self.store_id else None

    @described("The imported order it concerns, as it stands now; null when none.")
    async def imported_order(self, info: Info[Context, None]) -> ImportedOrder | None:
        key = self.imported_order_id
        row = await info.context.loaders.imported_order.load(key) if key else None
        return ImportedOrder.from_row(row, self.load_store, self.load_receipt) if row else None

    @described("The import job it belongs to; null when none.")
    async def job(self, info: Info[Context, None]) -> ImportJob | None:
        row = await info.context.loaders.job.load(self.job_id) if self.job_id else None
        return ImportJob.from_row(row, self.load_store, self.load_receipt) if row else None

    @classmethod
    def from_row(cls, row: models.AuditEvent, load_store: StoreSource, load_receipt: ReceiptLoader) -> AuditEvent:
        return cls(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            actor=row.actor,
            action=AuditAction(row.action.value),
            detail=JSON(row.detail),
            store_id=row.store_id,
            imported_order_id=row.imported_order_id,
            job_id=row.job_id,
            load_store=load_store,
            load_receipt=load_receipt,
        )


@strawberry.type(description="An audit entry and its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Opaque: pass it as after to continue after this entry.")
    node: AuditEvent = strawberry.field(description="The entry.")


@strawberry.type(description="A page of the audit trail, newest first.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="The page's entries.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many entries match, on every page.")
    count: strawberry.Private[Count]


@strawberry.type(
    description="Where a page stands in its list, as the Relay connection spec has it. Lists page forward only "
    "(first, after)."
)
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(
        resolver=_has_previous_page,
        description="Whether items come before this page: after was given and an item of the list still sorts at "
        "or before that cursor (checked, not counted). False on a first page.",
    )
    start_cursor: str | None = strawberry.field(description="The first edge's cursor; null when the page is empty.")
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor, the after of the next page; null when the page is empty."
    )
    previous: strawberry.Private[Callable[[], Awaitable[bool]]]  # checks has_previous_page when asked


_CURSOR = "Opaque: pass it as after to continue after this item."


@strawberry.type(description="A pending imported order and its cursor.")
class ImportedOrderEdge:
    cursor: str = strawberry.field(description=_CURSOR)
    node: ImportedOrder = strawberry.field(description="The order.")


@strawberry.type(description="A page of pending imported orders, newest placedAt first.")
class ImportedOrderConnection:
    edges: list[ImportedOrderEdge] = strawberry.field(description="The page's orders.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many orders the whole list holds, not just this page.")
    count: strawberry.Private[Count]


@strawberry.type(description="A row of the Transaction List and its cursor.")
class TransactionEdge:
    cursor: str = strawberry.field(description=_CURSOR)
    node: Transaction = strawberry.field(description="The row.")


@strawberry.type(description="A page of the Transaction List, newest createdAt first.")
class TransactionConnection:
    edges: list[TransactionEdge] = strawberry.field(description="The page's rows.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many rows match the filters, on every page.")
    count: strawberry.Private[Count]


@strawberry.type(description="An import job and its cursor.")
class ImportJobEdge:
    cursor: str = strawberry.field(description=_CURSOR)
    node: ImportJob = strawberry.field(description="The job.")


@strawberry.type(description="A page of import jobs, newest startedAt first.")
class ImportJobConnection:
    edges: list[ImportJobEdge] = strawberry.field(description="The page's jobs.")
    page_info: PageInfo = strawberry.field(description="Where the page stands.")
    total_count: int = total_count_field("How many jobs match the filters, on every page.")
    count: strawberry.Private[Count]


@strawberry.type(
    description="Why a mutation did not do what was asked: bad input, not found, already decided, platform refused "
    "... The payload's other fields are then null or empty (acceptImport and cancelImport still give the order as it "
    "stands when it was decided already)."
)
class UserError:
    code: str = strawberry.field(
        description="What went wrong, for programs: an error code of docs/errors.md (INVALID_INPUT, "
        "STORE_NOT_FOUND, ALREADY_DECIDED ...)."
    )
    message: str = strawberry.field(description="What went wrong, for people (English).")
    field: list[str] | None = strawberry.field(
        description='The path of the argument at fault: ["orderId"], ["credentials", "shop_domain"]; null for '
        "none in particular."
    )


@strawberry.type(description="The answer of importOrders.")
class ImportOrdersPayload:
    job: ImportJob | None = strawberry.field(
        description="The job: finished, or RUNNING if it takes longer than a moment (subscribe to importJob); "
        "an identical import of the store still running is answered with that job. Null on a userError."
    )
    user_errors: list[UserError] = strawberry.field(description="Why no job started; empty when one did.")


@strawberry.type(description="The answer of acceptImport.")
class AcceptImportPayload:
    imported_order: ImportedOrder | None = strawberry.field(
        description="The order, ACCEPTED; on ALREADY_DECIDED the order as it stands; otherwise null on a userError."
    )
    transaction: Transaction | None = strawberry.field(
        description="Its new row of the Transaction List (or the row already there); null on a userError."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not accepted; empty when it was.")


@strawberry.type(description="The answer of cancelImport.")
class CancelImportPayload:
    imported_order: ImportedOrder | None = strawberry.field(
        description="The order, CANCELED; on ALREADY_DECIDED the order as it stands; otherwise null on a userError."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not canceled; empty when it was.")


@strawberry.type(description="What acceptImports / cancelImports did with one of its ids.")
class BulkDecisionResult:
    id: strawberry.ID = strawberry.field(description="The id as given, at the same position as in ids.")
    imported_order: ImportedOrder | None = strawberry.field(
        description="The order as decided; on ALREADY_DECIDED, or an id listed again, the order as it stands; "
        "otherwise null on a userError."
    )
    transaction: Transaction | None = strawberry.field(
        description="Its row of the Transaction List (acceptImports); null on a userError and for cancelImports."
    )
    user_errors: list[UserError] = strawberry.field(
        description='Why this id was not decided, its field ["ids", "<position>"]; empty when it was. An id '
        "listed again is decided once, at its first position: each later one gets INVALID_INPUT."
    )


@strawberry.type(description="The answer of acceptImports and cancelImports.")
class BulkDecisionPayload:
    results: list[BulkDecisionResult] = strawberry.field(
        description="One per id, in the order of ids; empty on a top-level userError."
    )
    succeeded: int = strawberry.field(description="How many results have no userErrors.")
    failed: int = strawberry.field(description="How many results have userErrors.")
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was decided (INVALID_INPUT naming ids when it holds fewer than 1 or more than "
        "100 ids; FORBIDDEN for a read-only token); empty otherwise: each id's own errors are in its result."
    )


@strawberry.type(description="The answer of connectStore.")
class ConnectStorePayload:
    store: Store | None = strawberry.field(description="The new store; null on a userError.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not connected; empty when it was.")


@strawberry.type(description="The answer of updateStore.")
class UpdateStorePayload:
    store: Store | None = strawberry.field(description="The store as it now is; null on a userError.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty when it did.")


@strawberry.type(description="The answer of setStoreRecovery.")
class SetStoreRecoveryPayload:
    store: Store | None = strawberry.field(description="The store, with its schedule as now set; null on a userError.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed; empty when it did.")


@strawberry.type(description="The answer of disconnectStore.")
class DisconnectStorePayload:
    store: Store | None = strawberry.field(description="The store, no longer connected; null on a userError.")
    user_errors: list[UserError] = strawberry.field(description="Why it was not disconnected; empty when it was.")


@strawberry.type(description="An API token of the caller's seller; the secret itself is shown once, at creation.")
class ApiToken:
    id: strawberry.ID = strawberry.field(description="The token's id, a UUID (not its secret).")
    name: str = strawberry.field(description='Its name, given at creation or "token-<n>".')
    created_at: datetime = strawberry.field(description="When it was created.")
    last_used_at: datetime | None = strawberry.field(description="Updated at most once a minute; null if never used.")
    expires_at: datetime | None = strawberry.field(description="When it stops working; null: never.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked; null while it is not.")
    read_only: bool = strawberry.field(
        description="Queries and subscriptions only: a mutation answers FORBIDDEN (markAlertsRead excepted)."
    )

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


@strawberry.type(description="The answer of revokeApiToken.")
class RevokeApiTokenPayload:
    api_token: ApiToken | None = strawberry.field(
        description="The token, revoked (revoking it again changes nothing); null on a userError."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was revoked; empty otherwise.")


@strawberry.type(description="A change to the pending list.")
class PendingImportEvent:
    change: PendingImportChange = strawberry.field(description="What happened.")
    order: ImportedOrder = strawberry.field(
        description="The order, with the status the change announced (even if it has moved on since)."
    )
