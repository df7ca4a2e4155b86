import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.models import DecimalText, ImportMethod, ImportStatus, JobStatus, TransactionSource


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Seller',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'seller', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Store',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='stores', on_delete=OnDelete.CASCADE)),
                ('platform', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('credentials', fields.TextField(unique=False)),
                ('connector_state', fields.TextField(null=True, unique=False)),
                ('api_base_url', fields.CharField(null=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'store', 'app': 'models', 'unique_together': (('seller', 'platform', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportJob',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='jobs', on_delete=OnDelete.CASCADE)),
                ('method', fields.CharEnumField(description='ORDER_ID: ORDER_ID\nTIME: TIME', enum_type=ImportMethod, max_length=16)),
                ('order_ref', fields.CharField(null=True, max_length=255)),
                ('hours', fields.SmallIntField(null=True)),
                ('window_start', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('window_end', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=JobStatus.RUNNING, description='RUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=JobStatus, max_length=16)),
                ('fetched', fields.IntField(default=0)),
                ('imported', fields.IntField(default=0)),
                ('skipped', fields.IntField(default=0)),
                ('error_code', fields.CharField(null=True, max_length=64)),
                ('error', fields.TextField(null=True, unique=False)),
                ('warning', fields.TextField(null=True, unique=False)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('heartbeat_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'import_job', 'app': 'models', 'indexes': [Index(fields=['status', 'heartbeat_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Transaction',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='transactions', on_delete=OnDelete.CASCADE)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='transactions', on_delete=OnDelete.CASCADE)),
                ('platform', fields.CharField(max_length=64)),
                ('order_id', fields.CharField(max_length=255)),
                ('order_number', fields.CharField(max_length=255)),
                ('number_key', fields.CharField(max_length=255)),
                ('status', fields.CharField(default='SUCCEEDED', max_length=16)),
                ('source', fields.CharEnumField(description='WEBHOOK: WEBHOOK\nIMPORT: IMPORT', enum_type=TransactionSource, max_length=16)),
                ('buyer_name', fields.CharField(null=True, max_length=255)),
                ('buyer_email', fields.CharField(null=True, max_length=320)),
                ('email_key', fields.CharField(null=True, max_length=320)),
                ('total_amount', DecimalText()),
                ('currency', fields.CharField(max_length=3)),
                ('line_items', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('placed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transaction', 'app': 'models', 'unique_together': (('store', 'order_id'),), 'indexes': [Index(fields=['seller_id', 'created_at']), Index(fields=['seller_id', 'number_key']), Index(fields=['seller_id', 'email_key'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportedOrder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('seller', fields.ForeignKeyField('models.Seller', source_field='seller_id', db_constraint=True, to_field='id', related_name='imports', on_delete=OnDelete.CASCADE)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='imports', on_delete=OnDelete.CASCADE)),
                ('job', fields.ForeignKeyField('models.ImportJob', source_field='job_id', null=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.SET_NULL)),
                ('transaction', fields.ForeignKeyField('models.Transaction', source_field='transaction_id', null=True, db_constraint=True, to_field='id', related_name='imports', on_delete=OnDelete.RESTRICT)),
                ('platform', fields.CharField(max_length=64)),
                ('order_id', fields.CharField(max_length=255)),
                ('order_number', fields.CharField(max_length=255)),
                ('status', fields.CharEnumField(default=ImportStatus.PENDING, description='PENDING: PENDING\nACCEPTED: ACCEPTED\nCANCELED: CANCELED', enum_type=ImportStatus, max_length=16)),
                ('payment_status', fields.CharField(max_length=32)),
                ('placed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('buyer_name', fields.CharField(null=True, max_length=255)),
                ('buyer_email', fields.CharField(null=True, max_length=320)),
                ('total_amount', DecimalText()),
                ('currency', fields.CharField(max_length=3)),
                ('line_items', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'imported_order', 'app': 'models', 'unique_together': (('store', 'order_id'),), 'indexes': [Index(fields=['seller_id', 'status', 'placed_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
