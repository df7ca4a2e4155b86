from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_audit_trail')]

    initial = False

    # The order webhooks a store's platform holds for it, as last read; why they could not be registered.
    operations = [
        ops.CreateModel(
            name='RegisteredWebhook',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('store', fields.ForeignKeyField('models.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='registered_webhooks', on_delete=OnDelete.CASCADE)),
                ('topic', fields.CharField(max_length=128)),
                ('url', fields.CharField(max_length=2048)),
                ('active', fields.BooleanField()),
                ('problem', fields.TextField(null=True, unique=False)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'registered_webhook', 'app': 'models', 'unique_together': (('store', 'topic'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Store',
            name='webhook_registration_problem',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
