from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0015_listed_cancellation')]

    initial = False

    # The lists' keyset order (newest first, then id) served whole by an index: the pending list (by seller, or
    # by store), the Transaction List and the import jobs read a page's rows in index order and stop there.
    operations = [
        ops.RemoveIndex(model_name='ImportedOrder', fields=['seller_id', 'status', 'placed_at']),
        ops.AddIndex(model_name='ImportedOrder', index=Index(fields=['seller_id', 'status', 'placed_at', 'id'])),
        ops.AddIndex(model_name='ImportedOrder', index=Index(fields=['store_id', 'status', 'placed_at', 'id'])),
        ops.RemoveIndex(model_name='Transaction', fields=['seller_id', 'created_at']),
        ops.AddIndex(model_name='Transaction', index=Index(fields=['seller_id', 'created_at', 'id'])),
        ops.RemoveIndex(model_name='ImportJob', fields=['seller_id', 'started_at']),
        ops.AddIndex(model_name='ImportJob', index=Index(fields=['seller_id', 'started_at', 'id'])),
    ]
