import functools
import json
import uuid
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.models import AuditAction

_COLUMNS = ("id", "seller_id", "at", "actor", "action", "store_id", "imported_order_id", "job_id", "detail")


async def fill_audit_trail(apps, schema_editor):
    """What was kept before the audit trail, as its first entries: each job's start, each imported order's
    (latest) import, and each decision, under the actor "unknown" (who it was was not kept) or the webhook's."""
    client = schema_editor.client
    _, jobs = await client.execute_query(
        'SELECT "id", "seller_id", "store_id", "started_at", "started_by", "trigger", "dry_run", "hours", '
        '"order_ref" FROM "import_job"'
    )
    _, imported = await client.execute_query(
        'SELECT o."id", o."seller_id", o."store_id", o."job_id", o."imported_at", j."started_by" '
        'FROM "imported_order" o LEFT JOIN "import_job" j ON j."id" = o."job_id"'
    )
    _, decided = await client.execute_query(
        'SELECT d."imported_order_id", d."status", d."by", d."decided_at", d."cancel_reason", d."transaction_id", '
        'o."seller_id", o."store_id", o."platform" FROM "decision" d JOIN "imported_order" o '
        'ON o."id" = d."imported_order_id"'
    )
    entries = [
        (
            job["seller_id"],
            job["started_at"],
            job["started_by"],
            "IMPORT_STARTED",
            job["store_id"],
            None,
            job["id"],
            {"trigger": job["trigger"], "dryRun": bool(job["dry_run"])}
            | ({"hours": job["hours"]} if job["hours"] is not None else {"orderId": job["order_ref"]}),
        )
        for job in jobs
    ]
    entries += [
        (row["seller_id"], row["imported_at"], row["started_by"] or "unknown", "ORDER_IMPORTED", row["store_id"],
         row["id"], row["job_id"], {})
        for row in imported
    ]
    for row in decided:
        webhook = row["by"] == "WEBHOOK"
        actor = f"webhook:{row['platform']}" if webhook else "unknown"
        detail = {}
        if row["status"] == "CANCELED":
            action = "CANCELED"
            detail = {"reason": row["cancel_reason"]} | ({"storeDisconnected": True} if row["by"] == "DISCONNECT" else {})
        else:
            action = "RESOLVED_BY_WEBHOOK" if webhook else "ACCEPTED"
            detail = {"transactionId": str(row["transaction_id"])} if row["transaction_id"] else {}
        entries.append(
            (row["seller_id"], row["decided_at"], actor, action, row["store_id"], row["imported_order_id"], None, detail)
        )
    if entries:
        sqlite = client.capabilities.dialect == "sqlite"
        marks = ", ".join("?" if sqlite else f"${n}" for n in range(1, len(_COLUMNS) + 1))
        columns = ", ".join(f'"{name}"' for name in _COLUMNS)
        await client.execute_many(
            f'INSERT INTO "audit_event" ({columns}) VALUES ({marks})',
            [
                [str(uuid.uuid4()) if sqlite else uuid.uuid4(), *entry[:-1], json.dumps(entry[-1], separators=(",", ":"))]
                for entry in entries
            ],
        )
    # Who decided, where it is known; the payment of a listed order as its accepted import stated it.
    await client.execute_script(
        """UPDATE "imported_order" SET "decided_by" = 'unknown' WHERE "status" <> 'PENDING';
        UPDATE "imported_order" SET "decided_by" = 'webhook:' || "platform"
            WHERE "status" = 'ACCEPTED' AND "transaction_id" IN (SELECT "id" FROM "transaction" WHERE "source" = 'WEBHOOK');
        UPDATE "transaction" SET "accepted_by" = 'unknown' WHERE "source" = 'IMPORT';
        UPDATE "transaction" SET
            "payment_status" = (SELECT o."payment_status" FROM "imported_order" o WHERE o."transaction_id" = "transaction"."id"),
            "test_order" = (SELECT o."test_order" FROM "imported_order" o WHERE o."transaction_id" = "transaction"."id")
            WHERE "id" IN (SELECT "transaction_id" FROM "imported_order" WHERE "transaction_id" IS NOT NULL);"""
    )
    # Append-only: the database itself refuses to change or remove an entry.
    if client.capabilities.dialect == "sqlite":
        await client.execute_script(
            """CREATE TRIGGER "audit_event_no_update" BEFORE UPDATE ON "audit_event"
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER "audit_event_no_delete" BEFORE DELETE ON "audit_event"
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"""
        )
    else:
        await client.execute_script(
            """CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'restrict_violation'; END $$;
            CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE ON "audit_event"
                FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();"""
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0009_receipts')]

    initial = False

    # The audit trail replaces the decision table: decisions, and what was kept of earlier imports, become its
    # first entries. Who decided an order and accepted a transaction; a transaction's payment as listed.
    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(max_length=200)),
                ('action', fields.CharEnumField(description='IMPORT_STARTED: IMPORT_STARTED\nORDER_IMPORTED: ORDER_IMPORTED\nORDER_RESTORED: ORDER_RESTORED\nACCEPTED: ACCEPTED\nFORCED_ACCEPT: FORCED_ACCEPT\nCANCELED: CANCELED\nRESOLVED_BY_WEBHOOK: RESOLVED_BY_WEBHOOK\nORDER_CHANGED: ORDER_CHANGED\nSTORE_CONNECTED: STORE_CONNECTED\nSTORE_UPDATED: STORE_UPDATED\nSTORE_DISCONNECTED: STORE_DISCONNECTED\nRECOVERY_CHANGED: RECOVERY_CHANGED\nTOKEN_CREATED: TOKEN_CREATED\nTOKEN_REVOKED: TOKEN_REVOKED', enum_type=AuditAction, max_length=32)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.RESTRICT)),
                ('imported_order', fields.ForeignKeyField('models.ImportedOrder', source_field='imported_order_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.RESTRICT)),
                ('job', fields.ForeignKeyField('models.ImportJob', source_field='job_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.RESTRICT)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_event', 'app': 'models', 'indexes': [Index(fields=['seller_id', 'at']), Index(fields=['imported_order_id', 'at']), Index(fields=['store_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ImportJob',
            name='not_found',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ImportedOrder',
            name='decided_by',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Transaction',
            name='accepted_by',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Transaction',
            name='payment_status',
            field=fields.CharField(default='UNKNOWN', db_default='UNKNOWN', max_length=32),
        ),
        ops.AddField(
            model_name='Transaction',
            name='test_order',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(fill_audit_trail, ops.RunPython.noop),
        ops.DeleteModel(name='Decision'),
    ]
