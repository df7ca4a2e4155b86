import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.models import DecimalText, ImportOutcome, ImportTrigger


class Migration(migrations.Migration):
    dependencies = [('models', '0008_payment_guard')]

    initial = False

    # Receipts, dry runs, lists of ids, and who started a job. Jobs made before read as real imports (dry_run
    # false) a seller started (trigger SELLER) by a token no longer known (started_by "unknown").
    operations = [
        ops.CreateModel(
            name='ImportReceiptLine',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('job', fields.ForeignKeyField('models.ImportJob', source_field='job_id', db_constraint=True, to_field='id', related_name='receipt_lines', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('order_id', fields.CharField(max_length=255)),
                ('order_number', fields.CharField(null=True, max_length=255)),
                ('placed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('total_amount', DecimalText(null=True)),
                ('currency', fields.CharField(null=True, max_length=3)),
                ('outcome', fields.CharEnumField(description='IMPORTED: IMPORTED\nRESTORED: RESTORED\nALREADY_PENDING: ALREADY_PENDING\nALREADY_ACCEPTED: ALREADY_ACCEPTED\nIN_TRANSACTION_LIST: IN_TRANSACTION_LIST\nCANCELED_BEFORE: CANCELED_BEFORE\nOUTSIDE_WINDOW: OUTSIDE_WINDOW\nNOT_FOUND: NOT_FOUND', enum_type=ImportOutcome, max_length=32)),
                ('imported_order', fields.ForeignKeyField('models.ImportedOrder', source_field='imported_order_id', null=True, db_constraint=True, to_field='id', related_name='receipt_lines', on_delete=OnDelete.SET_NULL)),
                ('transaction', fields.ForeignKeyField('models.Transaction', source_field='transaction_id', null=True, db_constraint=True, to_field='id', related_name='receipt_lines', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'import_receipt_line', 'app': 'models', 'indexes': [Index(fields=['job_id', 'position'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ImportJob',
            name='dry_run',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='order_ids',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='started_by',
            field=fields.CharField(default='unknown', db_default='unknown', max_length=200),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='trigger',
            field=fields.CharEnumField(default=ImportTrigger.SELLER, description='SELLER: SELLER\nSCHEDULE: SCHEDULE\nWEBHOOK_SILENCE: WEBHOOK_SILENCE', db_default='SELLER', enum_type=ImportTrigger, max_length=16),
        ),
    ]
