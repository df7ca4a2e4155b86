from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


async def fill_name_keys(apps, schema_editor):
    """Existing Transaction List rows get the key their buyer's name is searched by."""
    client = schema_editor.client
    _, rows = await client.execute_query('SELECT "id", "buyer_name" FROM "transaction" WHERE "buyer_name" IS NOT NULL')
    if not rows:
        return
    marks = ("?", "?") if client.capabilities.dialect == "sqlite" else ("$1", "$2")
    await client.execute_many(
        f'UPDATE "transaction" SET "name_key" = {marks[0]} WHERE "id" = {marks[1]}',
        [[row["buyer_name"].casefold(), row["id"]] for row in rows],
    )


class Migration(migrations.Migration):
    dependencies = [('models', '0002_webhooks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ImportJob',
            name='skipped_accepted',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='skipped_canceled',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='skipped_in_transaction_list',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ImportJob',
            name='skipped_pending',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='ImportJob',
            index=Index(fields=['seller_id', 'started_at']),
        ),
        ops.AddField(
            model_name='Store',
            name='disconnected_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Transaction',
            name='name_key',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.RunPython(fill_name_keys, ops.RunPython.noop),
    ]
