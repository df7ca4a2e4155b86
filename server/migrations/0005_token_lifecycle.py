from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0004_connected_store_names')]

    initial = False

    # Tokens made before this migration keep working: named "default", not read-only, never expiring.
    operations = [
        ops.AddField(
            model_name='ApiToken',
            name='name',
            field=fields.CharField(default='default', db_default='default', max_length=100),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='read_only',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='revoked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='last_used_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
