from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0005_token_lifecycle')]

    initial = False

    # Deliveries refused for their signature are counted apart from the store's real ones; existing stores start at 0.
    operations = [
        ops.AddField(
            model_name='Store',
            name='forged_webhook_count',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Store',
            name='last_forged_webhook_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
