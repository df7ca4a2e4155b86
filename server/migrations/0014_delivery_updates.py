from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_task_queue')]

    initial = False

    # A webhook delivery about a change to an order, which never lists the order (it may change a listed one's record).
    operations = [
        ops.AddField(
            model_name='WebhookDelivery',
            name='updated',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
