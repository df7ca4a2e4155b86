import functools
from json import dumps, loads
from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from server.models import DeliveryStatus


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('delivery_id', fields.CharField(max_length=255)),
                ('topic', fields.CharField(max_length=128)),
                ('status', fields.CharEnumField(default=DeliveryStatus.RECEIVED, description='RECEIVED: RECEIVED\nPROCESSED: PROCESSED\nFAILED: FAILED', enum_type=DeliveryStatus, max_length=16)),
                ('order_reference', fields.CharField(null=True, max_length=255)),
                ('order', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('attempts', fields.SmallIntField(default=0)),
                ('error', fields.TextField(null=True, unique=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'unique_together': (('store', 'delivery_id'),), 'indexes': [Index(fields=['status', 'received_at']), Index(fields=['store_id', 'received_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Store',
            name='last_rejected_webhook_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Store',
            name='last_rejected_webhook_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Store',
            name='last_webhook_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Store',
            name='webhook_count',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Store',
            name='webhook_usual_gap',
            field=fields.FloatField(null=True),
        ),
    ]
