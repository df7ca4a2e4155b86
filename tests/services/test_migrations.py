"""Migrations bring an existing database forward without losing a row."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from procrastinate.schema import SchemaManager
from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import IntegrityError
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

import server.migrations
from server.db import tortoise_config
from server.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    ImportedOrder,
    ImportJob,
    ImportOutcome,
    ImportReceiptLine,
    ImportTrigger,
    RecoverySchedule,
    Store,
    Transaction,
    WebhookDelivery,
)
from server.services.accounts import authenticate_token
from tests.databases import POSTGRES_SERVER, on_postgres, require_service

SELLER, STORE, JOB, TRANSACTION, ORDER, TOKEN = (str(uuid.uuid4()) for _ in range(6))
AT = "2026-12-01 10:00:00+00:00"

# Rows as a database at 0002_webhooks holds them.
ROWS = [
    f"""INSERT INTO "seller" ("id", "name", "created_at") VALUES ('{SELLER}', 'alice', '{AT}')""",
    f"""INSERT INTO "store" ("id", "seller_id", "platform", "name", "credentials", "created_at", "webhook_count")
        VALUES ('{STORE}', '{SELLER}', 'shopify', 'Shop', 'secret', '{AT}', 3)""",
    f"""INSERT INTO "import_job" ("id", "seller_id", "store_id", "method", "hours", "status", "fetched", "imported",
        "skipped", "started_at", "heartbeat_at")
        VALUES ('{JOB}', '{SELLER}', '{STORE}', 'TIME', 1, 'SUCCEEDED', 2, 1, 1, '{AT}', '{AT}')""",
    f"""INSERT INTO "transaction" ("id", "seller_id", "store_id", "platform", "order_id", "order_number",
        "number_key", "status", "source", "buyer_name", "total_amount", "currency", "line_items", "placed_at",
        "created_at")
        VALUES ('{TRANSACTION}', '{SELLER}', '{STORE}', 'shopify', '1', '#1', '1', 'SUCCEEDED', 'WEBHOOK',
        'ZOË Ørsted', '10.00', 'USD', '[]', '{AT}', '{AT}')""",
    f"""INSERT INTO "imported_order" ("id", "seller_id", "store_id", "job_id", "transaction_id", "platform",
        "order_id", "order_number", "status", "payment_status", "placed_at", "imported_at", "total_amount",
        "currency", "line_items", "payload")
        VALUES ('{ORDER}', '{SELLER}', '{STORE}', '{JOB}', '{TRANSACTION}', 'shopify', '1', '#1', 'ACCEPTED', 'PAID',
        '{AT}', '{AT}', '10.00', 'USD', '[]', '{{}}')""",
]


@pytest.fixture
async def database() -> AsyncIterator[BaseDBAsyncClient]:
    """A new, empty database of the kind the tests run on."""
    url = "sqlite://:memory:"
    if on_postgres():
        await require_service("PostgreSQL", POSTGRES_SERVER)
        url = f"{POSTGRES_SERVER}/oi_migrations_{uuid.uuid4().hex[:8]}"
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _create_db=True)
    try:
        yield connections.get("default")
    finally:
        await Tortoise._drop_databases()
        await Tortoise.close_connections()


async def migrate(client: BaseDBAsyncClient, target: str | None = None) -> None:
    apps = tortoise_config("sqlite://:memory:")["apps"]
    await MigrationExecutor(client, apps).migrate([MigrationTarget("models", target)] if target else None)


@pytest.mark.database
async def test_rows_of_an_earlier_database_survive_and_gain_the_new_columns(database):
    await migrate(database, "0002_webhooks")
    for statement in ROWS:
        await database.execute_script(statement)

    await migrate(database)

    store = await Store.get(id=STORE)
    assert (store.name, store.webhook_count, store.disconnected_at) == ("Shop", 3, None)
    assert (store.forged_webhook_count, store.last_forged_webhook_at) == (0, None)
    job = await ImportJob.get(id=JOB)
    assert (job.skipped, job.skipped_pending, job.skipped_accepted, job.skipped_canceled) == (1, 0, 0, 0)
    transaction = await Transaction.get(id=TRANSACTION)
    assert (transaction.buyer_name, transaction.name_key) == ("ZOË Ørsted", "zoë ørsted")
    order = await ImportedOrder.get(id=ORDER)
    assert (order.store_id, order.transaction_id) == (uuid.UUID(STORE), uuid.UUID(TRANSACTION))
    with pytest.raises(IntegrityError):  # references to stores are still enforced
        await ImportJob.create(seller_id=SELLER, store_id=uuid.uuid4(), method="TIME", heartbeat_at=datetime.now(UTC))


@pytest.mark.database
async def test_a_store_name_is_unique_among_connected_stores_after_migrating(database):
    await migrate(database, "0002_webhooks")
    for statement in ROWS[:2]:
        await database.execute_script(statement)
    await migrate(database)

    with pytest.raises(IntegrityError):
        await Store.create(seller_id=SELLER, platform="shopify", name="Shop", credentials="x")
    await Store.filter(id=STORE).update(disconnected_at=datetime.now(UTC))
    again = await Store.create(seller_id=SELLER, platform="shopify", name="Shop", credentials="x")
    await Store.create(seller_id=SELLER, platform="ecwid", name="Shop", credentials="x")

    assert await Store.filter(name="Shop").count() == 3
    with pytest.raises(IntegrityError):
        await Store.create(seller_id=SELLER, platform="shopify", name="Shop", credentials="x")
    assert again.disconnected_at is None


@pytest.mark.database
async def test_a_database_with_stores_from_the_first_release_migrates(database):
    await migrate(database, "0001_initial")
    await database.execute_script(ROWS[0])
    await database.execute_script(
        f"""INSERT INTO "store" ("id", "seller_id", "platform", "name", "credentials", "created_at")
            VALUES ('{STORE}', '{SELLER}', 'shopify', 'Shop', 'secret', '{AT}')"""
    )

    await migrate(database)

    store = await Store.get(id=STORE)
    assert (store.name, store.webhook_count, store.disconnected_at) == ("Shop", 0, None)


@pytest.mark.database
async def test_tokens_made_before_token_names_keep_working(database):
    await migrate(database, "0004_connected_store_names")
    secret = "oi_" + "a" * 43
    await database.execute_script(ROWS[0])
    await database.execute_script(
        f"""INSERT INTO "api_token" ("id", "seller_id", "token_hash", "created_at")
            VALUES ('{TOKEN}', '{SELLER}', '{hashlib.sha256(secret.encode()).hexdigest()}', '{AT}')"""
    )

    await migrate(database)

    token = await ApiToken.get(id=TOKEN)
    assert (token.name, token.read_only, token.expires_at, token.revoked_at, token.last_used_at) == (
        "default",
        False,
        None,
        None,
        None,
    )
    found = await authenticate_token(f"Bearer {secret}")
    assert found is not None and found.seller.name == "alice"


@pytest.mark.database
async def test_orders_decided_before_the_audit_trail_get_their_entries_and_a_read_time(database):
    await migrate(database, "0006_forged_webhooks")
    for statement in ROWS:
        await database.execute_script(statement)
    canceled = str(uuid.uuid4())
    await database.execute_script(
        f"""UPDATE "imported_order" SET "decided_at" = '{AT}' WHERE "id" = '{ORDER}';
        INSERT INTO "imported_order" ("id", "seller_id", "store_id", "platform", "order_id", "order_number",
        "status", "payment_status", "placed_at", "imported_at", "total_amount", "currency", "line_items", "payload",
        "decided_at", "cancel_reason")
        VALUES ('{canceled}', '{SELLER}', '{STORE}', 'shopify', '2', '#2', 'CANCELED', 'PAID', '{AT}', '{AT}',
        '5.00', 'USD', '[]', '{{}}', '{AT}', 'store disconnected')"""
    )

    await migrate(database)

    by_order: dict[uuid.UUID | None, list[AuditEvent]] = {}
    for entry in await AuditEvent.all().order_by("action"):  # all at one moment here
        by_order.setdefault(entry.imported_order_id, []).append(entry)
    # Its transaction came from a webhook: the webhook settled it; the other was canceled by a disconnect.
    imported, resolved = by_order[uuid.UUID(ORDER)]
    assert (imported.action, imported.actor, imported.job_id) == (AuditAction.ORDER_IMPORTED, "unknown", uuid.UUID(JOB))
    assert (resolved.action, resolved.actor, resolved.detail) == (
        AuditAction.RESOLVED_BY_WEBHOOK,
        "webhook:shopify",
        {"transactionId": TRANSACTION},
    )
    disconnected, _ = by_order[uuid.UUID(canceled)]
    assert (disconnected.action, disconnected.detail) == (
        AuditAction.CANCELED,
        {"reason": "store disconnected", "storeDisconnected": True},
    )
    [started] = by_order[None]
    assert (started.action, started.job_id, started.detail) == (
        AuditAction.IMPORT_STARTED,
        uuid.UUID(JOB),
        {"trigger": "SELLER", "dryRun": False, "hours": 1},
    )
    order = await ImportedOrder.get(id=ORDER)
    assert order.checked_at == order.imported_at and (order.test_order, order.canceled) == (False, False)
    assert order.decided_by == "webhook:shopify"
    assert (await ImportedOrder.get(id=canceled)).decided_by == "unknown"
    listed = await Transaction.get(id=TRANSACTION)
    assert (listed.payment_status, listed.test_order, listed.accepted_by) == ("PAID", False, None)


@pytest.mark.database
async def test_the_audit_trail_refuses_changes_and_removals(database):
    await migrate(database)
    for statement in ROWS[:1]:
        await database.execute_script(statement)
    entry = await AuditEvent.create(
        seller_id=SELLER, at=datetime.now(UTC), actor="cli", action=AuditAction.TOKEN_CREATED
    )
    with pytest.raises(IntegrityError, match="append-only"):
        await AuditEvent.filter(id=entry.id).update(actor="someone else")
    with pytest.raises(IntegrityError, match="append-only"):
        await AuditEvent.filter(id=entry.id).delete()
    assert (await AuditEvent.get(id=entry.id)).actor == "cli"


@pytest.mark.database
async def test_jobs_made_before_receipts_read_as_real_imports_a_seller_started(database):
    await migrate(database, "0008_payment_guard")
    for statement in ROWS:
        await database.execute_script(statement)

    await migrate(database)

    job = await ImportJob.get(id=JOB)
    assert (job.dry_run, job.trigger, job.started_by, job.order_ids) == (False, ImportTrigger.SELLER, "unknown", None)
    assert await ImportReceiptLine.filter(job_id=JOB).count() == 0
    line = await ImportReceiptLine.create(
        job_id=JOB, position=0, order_id="1", outcome=ImportOutcome.ALREADY_ACCEPTED, imported_order_id=ORDER
    )
    assert (await ImportReceiptLine.get(id=line.id)).outcome == ImportOutcome.ALREADY_ACCEPTED


@pytest.mark.database
async def test_connected_stores_get_the_default_recovery_schedule_spread_over_the_interval(database):
    await migrate(database, "0011_webhook_registrations")
    for statement in ROWS[:2]:
        await database.execute_script(statement)
    before = datetime.now(UTC)

    await migrate(database)

    schedule = await RecoverySchedule.get(store_id=STORE)
    assert (schedule.enabled, schedule.interval_seconds, schedule.hours, schedule.failures) == (True, 900, 2, 0)
    assert schedule.next_run_at is not None
    assert before <= schedule.next_run_at <= datetime.now(UTC) + timedelta(seconds=900)


@pytest.mark.database
async def test_the_task_queue_comes_with_the_migrations_on_postgresql_only(database):
    await migrate(database)

    tables = (
        await database.execute_query_dict("SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate_%'")
        if on_postgres()
        else await database.execute_query_dict(
            "SELECT name AS tablename FROM sqlite_master WHERE name LIKE 'procrastinate_%'"
        )
    )
    expected = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events", "procrastinate_periodic_defers"}
    assert {row["tablename"] for row in tables} == (expected if on_postgres() else set())


def test_the_pinned_task_queue_schema_is_the_installed_procrastinates():
    """A procrastinate release that changes its schema needs a migration of its own (its sql/migrations scripts
    after 03.04.00): migration 0013 keeps applying the schema it was written for."""
    pinned = (Path(server.migrations.__file__).parent / "0013_task_queue.sql").read_text(encoding="utf-8")
    installed = SchemaManager.get_schema()
    assert pinned.splitlines()[1:] == installed.splitlines()[1:], "procrastinate's schema changed: add a migration"


@pytest.mark.database
async def test_webhook_deliveries_kept_before_updates_were_told_apart_are_about_new_orders(database):
    await migrate(database, "0013_task_queue")
    for statement in ROWS[:2]:
        await database.execute_script(statement)
    await database.execute_script(
        f"""INSERT INTO "webhook_delivery" ("id", "store_id", "delivery_id", "topic", "status", "attempts",
            "received_at") VALUES ('{uuid.uuid4()}', '{STORE}', 'd-1', 'orders/create', 'FAILED', 1, '{AT}')"""
    )

    await migrate(database)

    [delivery] = await WebhookDelivery.filter(store_id=STORE)
    assert (delivery.delivery_id, delivery.updated) == ("d-1", False)  # retried, it lists its order as before


@pytest.mark.database
async def test_a_row_accepted_from_an_import_records_the_cancellation_its_import_read(database):
    await migrate(database, "0014_delivery_updates")
    for statement in ROWS:
        await database.execute_script(statement)
    await database.execute_script(f"""UPDATE "imported_order" SET "canceled" = TRUE WHERE "id" = '{ORDER}'""")

    await migrate(database)

    assert (await Transaction.get(id=TRANSACTION)).canceled is True
