"""Persistence: Tortoise models. Rules live in ``server.services``, not here.

Uniqueness the product promises is enforced by the database: one imported order
and one Transaction List row per (store, platform order id).
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint
from tortoise.models import Model


class ImportStatus(str, enum.Enum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    CANCELED = "CANCELED"


class ImportMethod(str, enum.Enum):
    ORDER_ID = "ORDER_ID"
    TIME = "TIME"


class ImportTrigger(str, enum.Enum):
    """Who or what started an import job."""

    SELLER = "SELLER"  # importOrders
    SCHEDULE = "SCHEDULE"  # automatic recovery
    WEBHOOK_SILENCE = "WEBHOOK_SILENCE"  # a store whose webhooks went quiet


class ImportOutcome(str, enum.Enum):
    """What an import did, or in a dry run would do, with one order the platform returned."""

    IMPORTED = "IMPORTED"  # new, now pending
    RESTORED = "RESTORED"  # canceled before, pending again (an import by id)
    ALREADY_PENDING = "ALREADY_PENDING"
    ALREADY_ACCEPTED = "ALREADY_ACCEPTED"
    IN_TRANSACTION_LIST = "IN_TRANSACTION_LIST"  # listed (by a webhook), no import of it accepted
    CANCELED_BEFORE = "CANCELED_BEFORE"
    OUTSIDE_WINDOW = "OUTSIDE_WINDOW"  # listed by the platform, placed outside the hours asked for
    NOT_FOUND = "NOT_FOUND"  # an id the platform does not have


class AuditAction(str, enum.Enum):
    """What an audit event records."""

    IMPORT_STARTED = "IMPORT_STARTED"
    ORDER_IMPORTED = "ORDER_IMPORTED"
    ORDER_RESTORED = "ORDER_RESTORED"  # an import by id made a canceled order pending again
    ACCEPTED = "ACCEPTED"
    FORCED_ACCEPT = "FORCED_ACCEPT"  # accepted with force although the payment guard refused it
    CANCELED = "CANCELED"
    RESOLVED_BY_WEBHOOK = "RESOLVED_BY_WEBHOOK"  # a webhook listed a pending order
    ORDER_CHANGED = "ORDER_CHANGED"  # a pending order read again, or a listed one, says something new
    STORE_CONNECTED = "STORE_CONNECTED"
    STORE_UPDATED = "STORE_UPDATED"
    STORE_DISCONNECTED = "STORE_DISCONNECTED"
    RECOVERY_CHANGED = "RECOVERY_CHANGED"
    TOKEN_CREATED = "TOKEN_CREATED"
    TOKEN_REVOKED = "TOKEN_REVOKED"


class JobStatus(str, enum.Enum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class DeliveryStatus(str, enum.Enum):
    RECEIVED = "RECEIVED"
    PROCESSED = "PROCESSED"
    FAILED = "FAILED"


class TransactionSource(str, enum.Enum):
    WEBHOOK = "WEBHOOK"
    IMPORT = "IMPORT"


class AlertKind(str, enum.Enum):
    """Something the seller should know now (see docs/recovery.md for what each means)."""

    WEBHOOK_SILENT = "WEBHOOK_SILENT"  # the platform's webhooks stopped, or their registration cannot be restored
    ORDERS_RECOVERED = "ORDERS_RECOVERED"  # a scheduled run found orders the webhooks missed
    IMPORT_FAILING = "IMPORT_FAILING"  # scheduled runs keep failing
    CREDENTIALS_REJECTED = "CREDENTIALS_REJECTED"  # the platform refuses the store's credentials
    ORDER_CHANGED_AFTER_ACCEPT = "ORDER_CHANGED_AFTER_ACCEPT"  # refunded, canceled or edited after it was accepted


# A CharField in the database, a Decimal on the model: CharField's type parameter can only say str,
# so the checker sees the field as the Field[Decimal] it reads and writes.
if TYPE_CHECKING:
    _DecimalTextBase = fields.Field[Decimal]
else:
    _DecimalTextBase = fields.CharField


class DecimalText(_DecimalTextBase):
    """An exact decimal kept as text, so "69.8400" and "100" come back as the platform sent them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        return None if value is None else str(Decimal(value))

    def to_python_value(self, value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class Row(SimpleNamespace):
    """Some columns of a row, as its model's fields give them in Python: what a list query reads (services.paging)."""


class Seller(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "seller"


class ApiToken(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField("models.Seller", related_name="tokens")
    seller_id: UUID
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # db_default: tokens made before names existed are "default", not read-only, never expiring.
    name = fields.CharField(max_length=100, default="default", db_default="default")
    read_only = fields.BooleanField(default=False, db_default=False)  # queries and subscriptions only
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)  # written at most once a minute, see services.accounts

    class Meta:
        table = "api_token"

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Store(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField("models.Seller", related_name="stores")
    seller_id: UUID
    platform = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    credentials = fields.TextField()  # encrypted, see server.crypto
    connector_state = fields.TextField(null=True)  # encrypted ConnectorState values
    last_webhook_at = fields.DatetimeField(null=True)
    webhook_count = fields.IntField(default=0, db_default=0)
    webhook_usual_gap = fields.FloatField(null=True)  # seconds, moving average of the gaps between deliveries
    last_rejected_webhook_at = fields.DatetimeField(null=True)
    last_rejected_webhook_reason = fields.CharField(max_length=200, null=True)
    # Deliveries refused for a missing or wrong signature: counted, never shown as the store's own deliveries.
    forged_webhook_count = fields.IntField(default=0, db_default=0)
    last_forged_webhook_at = fields.DatetimeField(null=True)
    api_base_url = fields.CharField(max_length=2048, null=True)
    # Why the order webhooks could not be registered or checked at the platform, as of the last attempt.
    webhook_registration_problem = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    disconnected_at = fields.DatetimeField(null=True)  # kept with its history; nothing is imported for it

    class Meta:
        table = "store"
        # A disconnected store's name may be used again.
        constraints = (
            UniqueConstraint(
                fields=("seller", "platform", "name"),
                name="uid_store_connected_name",
                condition='"disconnected_at" IS NULL',
            ),
        )


# An order webhook subscription the platform holds for a store's webhook URL, as last read from the platform.
class RegisteredWebhook(Model):
    id = fields.UUIDField(primary_key=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "models.Store", related_name="registered_webhooks", on_delete=fields.CASCADE
    )
    store_id: UUID
    topic = fields.CharField(max_length=128)
    url = fields.CharField(max_length=2048)
    active = fields.BooleanField()
    problem = fields.TextField(null=True)
    checked_at = fields.DatetimeField()

    class Meta:
        table = "registered_webhook"
        unique_together = (("store", "topic"),)


class ImportJob(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField("models.Seller", related_name="jobs")
    seller_id: UUID
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField("models.Store", related_name="jobs")
    store_id: UUID
    method = fields.CharEnumField(ImportMethod, max_length=16)
    order_ref = fields.CharField(max_length=255, null=True)
    hours = fields.SmallIntField(null=True)
    window_start = fields.DatetimeField(null=True)
    window_end = fields.DatetimeField(null=True)
    status = fields.CharEnumField(JobStatus, max_length=16, default=JobStatus.RUNNING)
    fetched = fields.IntField(default=0)
    imported = fields.IntField(default=0)
    skipped = fields.IntField(default=0)  # the sum of the four skipped_* reasons
    # db_default: added to tables that already have rows.
    skipped_pending = fields.IntField(default=0, db_default=0)
    skipped_accepted = fields.IntField(default=0, db_default=0)
    skipped_in_transaction_list = fields.IntField(default=0, db_default=0)
    skipped_canceled = fields.IntField(default=0, db_default=0)
    not_found = fields.IntField(default=0, db_default=0)  # ids of a list the platform does not have
    error_code = fields.CharField(max_length=64, null=True)
    error = fields.TextField(null=True)
    warning = fields.TextField(null=True)
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    heartbeat_at = fields.DatetimeField()
    # db_default: jobs made before these existed were real imports a seller started, by an unknown token.
    order_ids: fields.JSONField[list[str] | None] = fields.JSONField(null=True)  # an import of a list of ids
    dry_run = fields.BooleanField(default=False, db_default=False)
    trigger = fields.CharEnumField(ImportTrigger, max_length=16, default=ImportTrigger.SELLER, db_default="SELLER")
    started_by = fields.CharField(max_length=200, default="unknown", db_default="unknown")

    class Meta:
        table = "import_job"
        # The list's keyset order (newest first, then id) is the index's: a page reads its rows and stops.
        indexes = (("status", "heartbeat_at"), ("seller_id", "started_at", "id"))


# A row of the Transaction List. Imports add rows and never change or delete one.
class Transaction(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField("models.Seller", related_name="transactions")
    seller_id: UUID
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField("models.Store", related_name="transactions")
    store_id: UUID
    platform = fields.CharField(max_length=64)
    order_id = fields.CharField(max_length=255)
    order_number = fields.CharField(max_length=255)
    number_key = fields.CharField(max_length=255)  # order number lowercased, without a leading "#"
    status = fields.CharField(max_length=16, default="SUCCEEDED")
    source = fields.CharEnumField(TransactionSource, max_length=16)
    buyer_name = fields.CharField(max_length=255, null=True)
    name_key = fields.CharField(max_length=255, null=True)  # buyer name casefolded, for substring search
    buyer_email = fields.CharField(max_length=320, null=True)
    email_key = fields.CharField(max_length=320, null=True)
    total_amount = DecimalText()
    currency = fields.CharField(max_length=3)
    line_items: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    placed_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # The payment as the platform stated it when the row was added; db_default: rows added before it was kept.
    payment_status = fields.CharField(max_length=32, default="UNKNOWN", db_default="UNKNOWN")
    test_order = fields.BooleanField(default=False, db_default=False)
    accepted_by = fields.CharField(max_length=200, null=True)  # the actor who accepted its import
    # Whether the platform had canceled the order when the row was listed (changes after that are OrderChanges).
    canceled = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "transaction"
        unique_together = (("store", "order_id"),)
        indexes = (("seller_id", "created_at", "id"), ("seller_id", "number_key"), ("seller_id", "email_key"))


# An order fetched by an import, waiting for (or past) the seller's decision.
class ImportedOrder(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField("models.Seller", related_name="imports")
    seller_id: UUID
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField("models.Store", related_name="imports")
    store_id: UUID
    job: fields.ForeignKeyNullableRelation[ImportJob] = fields.ForeignKeyField(
        "models.ImportJob", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    job_id: UUID | None
    transaction: fields.ForeignKeyNullableRelation[Transaction] = fields.ForeignKeyField(
        "models.Transaction", related_name="imports", null=True, on_delete=fields.RESTRICT
    )
    transaction_id: UUID | None
    platform = fields.CharField(max_length=64)
    order_id = fields.CharField(max_length=255)
    order_number = fields.CharField(max_length=255)
    status = fields.CharEnumField(ImportStatus, max_length=16, default=ImportStatus.PENDING)
    payment_status = fields.CharField(max_length=32)
    placed_at = fields.DatetimeField()
    imported_at = fields.DatetimeField()
    buyer_name = fields.CharField(max_length=255, null=True)
    buyer_email = fields.CharField(max_length=320, null=True)
    total_amount = DecimalText()
    currency = fields.CharField(max_length=3)
    line_items: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField()  # the platform's own order, for View
    decided_at = fields.DatetimeField(null=True)
    decided_by = fields.CharField(max_length=200, null=True)  # the actor of the decision
    cancel_reason = fields.TextField(null=True)
    # What the payment guard reads, as of checked_at (the last read from the platform).
    platform_status = fields.CharField(max_length=64, null=True)
    canceled = fields.BooleanField(default=False, db_default=False)  # the platform canceled it
    test_order = fields.BooleanField(default=False, db_default=False)
    checked_at = fields.DatetimeField(null=True)  # null only for orders imported before it was kept

    class Meta:
        table = "imported_order"
        unique_together = (("store", "order_id"),)
        indexes = (("seller_id", "status", "placed_at", "id"), ("store_id", "status", "placed_at", "id"))


# One webhook delivery, recorded before it is answered; the platform's delivery id makes replays no-ops.
class WebhookDelivery(Model):
    id = fields.UUIDField(primary_key=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField("models.Store", related_name="deliveries")
    store_id: UUID
    delivery_id = fields.CharField(max_length=255)
    topic = fields.CharField(max_length=128)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.RECEIVED)
    order_reference = fields.CharField(max_length=255, null=True)
    # The normalized order, when the payload carried it.
    order: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    # About a change to an order (WebhookEvent.updated): it never lists one. db_default: earlier ones were new orders.
    updated = fields.BooleanField(default=False, db_default=False)
    attempts = fields.SmallIntField(default=0)
    error = fields.TextField(null=True)
    received_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("store", "delivery_id"),)
        indexes = (("status", "received_at"), ("store_id", "received_at"))


class Settlement(str, enum.Enum):
    """Who settled a pending order."""

    SELLER = "SELLER"  # acceptImport / cancelImport
    WEBHOOK = "WEBHOOK"  # the platform's webhook put the order in the Transaction List
    DISCONNECT = "DISCONNECT"  # its store was disconnected


# The audit trail: who did what, when. Rows are only ever inserted (the database refuses updates and deletes),
# in the database transaction of the change they record.
class AuditEvent(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField(
        "models.Seller", related_name="audit_events", on_delete=fields.RESTRICT
    )
    seller_id: UUID
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=200)  # "token:<name>", "schedule", "webhook:<platform>", "cli"
    action = fields.CharEnumField(AuditAction, max_length=32)
    store: fields.ForeignKeyNullableRelation[Store] = fields.ForeignKeyField(
        "models.Store", related_name="audit_events", null=True, on_delete=fields.RESTRICT
    )
    store_id: UUID | None
    imported_order: fields.ForeignKeyNullableRelation[ImportedOrder] = fields.ForeignKeyField(
        "models.ImportedOrder", related_name="audit_events", null=True, on_delete=fields.RESTRICT
    )
    imported_order_id: UUID | None
    job: fields.ForeignKeyNullableRelation[ImportJob] = fields.ForeignKeyField(
        "models.ImportJob", related_name="audit_events", null=True, on_delete=fields.RESTRICT
    )
    job_id: UUID | None
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        indexes = (("seller_id", "at"), ("imported_order_id", "at"), ("store_id", "at"))


# One line of an import job's receipt: an order the platform returned (or an id it lacks) and what the job did
# with it. Written in the database transaction of the page that produced it; never changed afterwards.
class ImportReceiptLine(Model):
    id = fields.UUIDField(primary_key=True)
    job: fields.ForeignKeyRelation[ImportJob] = fields.ForeignKeyField(
        "models.ImportJob", related_name="receipt_lines", on_delete=fields.CASCADE
    )
    job_id: UUID
    position = fields.IntField()  # the lines' order: as the platform returned the orders (or the ids were given)
    order_id = fields.CharField(max_length=255)
    order_number = fields.CharField(max_length=255, null=True)
    placed_at = fields.DatetimeField(null=True)
    total_amount = DecimalText(null=True)
    currency = fields.CharField(max_length=3, null=True)
    outcome = fields.CharEnumField(ImportOutcome, max_length=32)
    imported_order: fields.ForeignKeyNullableRelation[ImportedOrder] = fields.ForeignKeyField(
        "models.ImportedOrder", related_name="receipt_lines", null=True, on_delete=fields.SET_NULL
    )
    imported_order_id: UUID | None
    transaction: fields.ForeignKeyNullableRelation[Transaction] = fields.ForeignKeyField(
        "models.Transaction", related_name="receipt_lines", null=True, on_delete=fields.SET_NULL
    )
    transaction_id: UUID | None

    class Meta:
        table = "import_receipt_line"
        indexes = (("job_id", "position"),)


# How a store is checked for missing orders without the seller asking: one row per store.
class RecoverySchedule(Model):
    store: fields.OneToOneRelation[Store] = fields.OneToOneField(
        "models.Store", related_name="recovery", primary_key=True, on_delete=fields.CASCADE
    )
    store_id: UUID
    enabled = fields.BooleanField(default=True)
    interval_seconds = fields.IntField(default=900)
    hours = fields.SmallIntField(default=2)
    next_run_at = fields.DatetimeField(null=True, db_index=True)  # null while disabled
    last_run_at = fields.DatetimeField(null=True)
    last_job: fields.ForeignKeyNullableRelation[ImportJob] = fields.ForeignKeyField(
        "models.ImportJob", related_name="+", null=True, on_delete=fields.SET_NULL
    )
    last_job_id: UUID | None
    failures = fields.SmallIntField(default=0)  # scheduled runs failed in a row; runs back off while > 0
    silence_checked_at = fields.DatetimeField(null=True)  # when a webhook silence last started a run

    class Meta:
        table = "recovery_schedule"


# An alert of a seller. While a condition holds it has one open alert (``open_condition`` set, unique per
# seller); clearing the condition sets ``cleared_at`` and empties ``open_condition`` so the next one is new.
class Alert(Model):
    id = fields.UUIDField(primary_key=True)
    seller: fields.ForeignKeyRelation[Seller] = fields.ForeignKeyField(
        "models.Seller", related_name="alerts", on_delete=fields.CASCADE
    )
    seller_id: UUID
    store: fields.ForeignKeyNullableRelation[Store] = fields.ForeignKeyField(
        "models.Store", related_name="alerts", null=True, on_delete=fields.CASCADE
    )
    store_id: UUID | None
    kind = fields.CharEnumField(AlertKind, max_length=32)
    condition = fields.CharField(max_length=255)  # what it is about, e.g. "IMPORT_FAILING:<store id>"
    open_condition = fields.CharField(max_length=255, null=True)  # = condition until it clears
    message = fields.TextField()
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    job: fields.ForeignKeyNullableRelation[ImportJob] = fields.ForeignKeyField(
        "models.ImportJob", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    job_id: UUID | None
    transaction: fields.ForeignKeyNullableRelation[Transaction] = fields.ForeignKeyField(
        "models.Transaction", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    transaction_id: UUID | None
    at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)
    cleared_at = fields.DatetimeField(null=True)

    class Meta:
        table = "alert"
        unique_together = (("seller", "open_condition"),)
        indexes = (("seller_id", "at"),)


# Where a seller's alerts are also sent: one URL per seller, signed in the Standard Webhooks format.
class AlertEndpoint(Model):
    seller: fields.OneToOneRelation[Seller] = fields.OneToOneField(
        "models.Seller", related_name="alert_endpoint", primary_key=True, on_delete=fields.CASCADE
    )
    seller_id: UUID
    url = fields.CharField(max_length=2048)
    secret = fields.TextField()  # encrypted, see server.crypto
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alert_endpoint"


# One alert to send to its seller's endpoint; retried with backoff until delivered or given up.
class AlertDelivery(Model):
    id = fields.UUIDField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="deliveries", on_delete=fields.CASCADE
    )
    alert_id: UUID
    url = fields.CharField(max_length=2048)
    attempts = fields.SmallIntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True, db_index=True)  # null once delivered or given up
    delivered_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)

    class Meta:
        table = "alert_delivery"


# What the platform changed about an order after it entered the Transaction List; the row itself never changes.
class OrderChange(Model):
    id = fields.UUIDField(primary_key=True)
    transaction: fields.ForeignKeyRelation[Transaction] = fields.ForeignKeyField(
        "models.Transaction", related_name="platform_changes", on_delete=fields.CASCADE
    )
    transaction_id: UUID
    detected_at = fields.DatetimeField()
    source = fields.CharField(max_length=64)  # "webhook:<platform>" or "schedule"
    payment_status = fields.CharField(max_length=32)
    platform_status = fields.CharField(max_length=64, null=True)
    total_amount = DecimalText()
    currency = fields.CharField(max_length=3)
    canceled = fields.BooleanField(default=False)
    summary = fields.TextField()
    fingerprint = fields.CharField(max_length=64)  # of what the platform said; the same change is stored once

    class Meta:
        table = "order_change"
        unique_together = (("transaction", "fingerprint"),)
        indexes = (("transaction_id", "detected_at"),)
