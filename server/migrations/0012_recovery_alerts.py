from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from datetime import UTC, datetime, timedelta
from json import dumps, loads
from server.models import AlertKind, DecimalText
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


async def schedule_connected_stores(apps, schema_editor):
    """Every connected store gets the default schedule, its first run spread over the first interval."""
    client = schema_editor.client
    _, stores = await client.execute_query('SELECT "id" FROM "store" WHERE "disconnected_at" IS NULL')
    now = datetime.now(UTC)
    sqlite = client.capabilities.dialect == "sqlite"
    marks = "?, ?, ?" if sqlite else "$1, $2, $3"
    for row in stores:
        first = now + timedelta(seconds=int(str(row["id"]).replace("-", ""), 16) % 900)
        await client.execute_query(
            'INSERT INTO "recovery_schedule" ("store_id", "enabled", "next_run_at", "interval_seconds", "hours", '
            f'"failures") VALUES ({marks}, 900, 2, 0)',
            [row["id"], True, str(first) if sqlite else first],
        )

class Migration(migrations.Migration):
    dependencies = [('models', '0011_webhook_registrations')]

    initial = False

    # Automatic recovery (a schedule per store), alerts and where they are sent, changes after accept.

    operations = [
        ops.CreateModel(
            name='Alert',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='WEBHOOK_SILENT: WEBHOOK_SILENT\nORDERS_RECOVERED: ORDERS_RECOVERED\nIMPORT_FAILING: IMPORT_FAILING\nCREDENTIALS_REJECTED: CREDENTIALS_REJECTED\nORDER_CHANGED_AFTER_ACCEPT: ORDER_CHANGED_AFTER_ACCEPT', enum_type=AlertKind, max_length=32)),
                ('condition', fields.CharField(max_length=255)),
                ('open_condition', fields.CharField(null=True, max_length=255)),
                ('message', fields.TextField(unique=False)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('job', fields.ForeignKeyField('models.ImportJob', source_field='job_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.SET_NULL)),
                ('transaction', fields.ForeignKeyField('models.Transaction', source_field='transaction_id', null=True, db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.SET_NULL)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cleared_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'alert', 'app': 'models', 'unique_together': (('seller', 'open_condition'),), 'indexes': [Index(fields=['seller_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AlertDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('alert', fields.ForeignKeyField('models.Alert', source_field='alert_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2048)),
                ('attempts', fields.SmallIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'alert_delivery', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AlertEndpoint',
            fields=[
                ('seller', fields.OneToOneField('models.Seller', source_field='seller_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='alert_endpoint', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=2048)),
                ('secret', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'alert_endpoint', 'app': 'models', 'pk_attr': 'seller_id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderChange',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('transaction', fields.ForeignKeyField('models.Transaction', source_field='transaction_id', db_constraint=True, to_field='id', related_name='platform_changes', on_delete=OnDelete.CASCADE)),
                ('detected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('source', fields.CharField(max_length=64)),
                ('payment_status', fields.CharField(max_length=32)),
                ('platform_status', fields.CharField(null=True, max_length=64)),
                ('total_amount', DecimalText()),
                ('currency', fields.CharField(max_length=3)),
                ('canceled', fields.BooleanField(default=False)),
                ('summary', fields.TextField(unique=False)),
                ('fingerprint', fields.CharField(max_length=64)),
            ],
            options={'table': 'order_change', 'app': 'models', 'unique_together': (('transaction', 'fingerprint'),), 'indexes': [Index(fields=['transaction_id', 'detected_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecoverySchedule',
            fields=[
                ('store', fields.OneToOneField('models.Store', source_field='store_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='recovery', on_delete=OnDelete.CASCADE)),
                ('enabled', fields.BooleanField(default=True)),
                ('interval_seconds', fields.IntField(default=900)),
                ('hours', fields.SmallIntField(default=2)),
                ('next_run_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('last_run_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_job', fields.ForeignKeyField('models.ImportJob', source_field='last_job_id', null=True, db_constraint=True, to_field='id', related_name='+', on_delete=OnDelete.SET_NULL)),
                ('failures', fields.SmallIntField(default=0)),
                ('silence_checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'recovery_schedule', 'app': 'models', 'pk_attr': 'store_id'},
            bases=['Model'],
        ),
        ops.RunPython(schedule_connected_stores, ops.RunPython.noop),
    ]
