from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


async def cancellation_of_accepted_imports(apps, schema_editor):
    """A row accepted from an import records the cancellation its import last read; webhook rows stay false."""
    await schema_editor.client.execute_script(
        """UPDATE "transaction" SET "canceled" = (
            SELECT o."canceled" FROM "imported_order" o WHERE o."transaction_id" = "transaction"."id"
                AND o."status" = 'ACCEPTED')
        WHERE "id" IN (SELECT "transaction_id" FROM "imported_order" WHERE "status" = 'ACCEPTED'
            AND "transaction_id" IS NOT NULL);"""
    )

class Migration(migrations.Migration):
    dependencies = [('models', '0014_delivery_updates')]

    initial = False

    # Whether the platform had canceled an order when its row entered the Transaction List.

    operations = [
        ops.AlterModelOptions(
            name='AlertEndpoint',
            options={'table': 'alert_endpoint', 'app': 'models', 'pk_attr': 'seller_id'},
        ),
        ops.AlterModelOptions(
            name='RecoverySchedule',
            options={'table': 'recovery_schedule', 'app': 'models', 'pk_attr': 'store_id'},
        ),
        ops.AddField(
            model_name='Transaction',
            name='canceled',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(cancellation_of_accepted_imports, ops.RunPython.noop),
    ]
