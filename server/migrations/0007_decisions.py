import uuid
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.models import ImportStatus, Settlement


async def fill_decisions(apps, schema_editor):
    """Each order decided before history was kept gets its decision from its own columns."""
    client = schema_editor.client
    _, rows = await client.execute_query(
        'SELECT o."id", o."status", o."decided_at", o."cancel_reason", o."transaction_id", t."source" '
        'FROM "imported_order" o LEFT JOIN "transaction" t ON t."id" = o."transaction_id" '
        """WHERE o."status" <> 'PENDING' AND o."decided_at" IS NOT NULL"""
    )
    if not rows:
        return
    sqlite = client.capabilities.dialect == "sqlite"
    marks = ", ".join("?" if sqlite else f"${n}" for n in range(1, 8))
    await client.execute_many(
        'INSERT INTO "decision" ("id", "imported_order_id", "status", "by", "decided_at", "cancel_reason", '
        f'"transaction_id") VALUES ({marks})',
        [
            [
                str(uuid.uuid4()) if sqlite else uuid.uuid4(),
                row["id"],
                row["status"],
                _settled_by(row),
                row["decided_at"],
                row["cancel_reason"],
                row["transaction_id"],
            ]
            for row in rows
        ],
    )


def _settled_by(row):
    if row["source"] == "WEBHOOK":
        return "WEBHOOK"
    return "DISCONNECT" if row["cancel_reason"] == "store disconnected" else "SELLER"


class Migration(migrations.Migration):
    dependencies = [('models', '0006_forged_webhooks')]

    initial = False

    # The decisions an imported order received, kept when a restore makes it pending again.
    operations = [
        ops.CreateModel(
            name='Decision',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('imported_order', fields.ForeignKeyField('models.ImportedOrder', source_field='imported_order_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nACCEPTED: ACCEPTED\nCANCELED: CANCELED', enum_type=ImportStatus, max_length=16)),
                ('by', fields.CharEnumField(description='SELLER: SELLER\nWEBHOOK: WEBHOOK\nDISCONNECT: DISCONNECT', enum_type=Settlement, max_length=16)),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.TextField(null=True, unique=False)),
                ('transaction', fields.ForeignKeyField('models.Transaction', source_field='transaction_id', null=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'decision', 'app': 'models', 'indexes': [Index(fields=['imported_order_id', 'decided_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(fill_decisions, ops.RunPython.noop),
    ]
