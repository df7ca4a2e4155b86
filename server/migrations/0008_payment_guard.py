from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def fill_checked_at(apps, schema_editor):
    """An order imported before reads were dated was last read when it was imported."""
    await schema_editor.client.execute_script('UPDATE "imported_order" SET "checked_at" = "imported_at"')


class Migration(migrations.Migration):
    dependencies = [('models', '0007_decisions')]

    initial = False

    # What the payment guard reads of an imported order, and when it was last read from the platform.
    operations = [
        ops.AddField(
            model_name='ImportedOrder',
            name='platform_status',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='ImportedOrder',
            name='canceled',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ImportedOrder',
            name='test_order',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ImportedOrder',
            name='checked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(fill_checked_at, ops.RunPython.noop),
    ]
