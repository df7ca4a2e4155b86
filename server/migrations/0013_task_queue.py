from pathlib import Path

from tortoise import migrations
from tortoise.migrations import operations as ops

# procrastinate's schema as its version 3.10.0 ships it, kept beside this file (and in the package): this
# migration always creates the same thing, whichever procrastinate is installed. A procrastinate that changes
# its schema comes with a new migration holding that release's own migration scripts.
SCHEMA = Path(__file__).with_name("0013_task_queue.sql")


async def create_task_queue(apps, schema_editor):
    """The task queue's tables, types, functions and triggers: PostgreSQL only (SQLite runs jobs in process)."""
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    await client.execute_script(SCHEMA.read_text(encoding="utf-8"))


class Migration(migrations.Migration):
    dependencies = [('models', '0012_recovery_alerts')]

    initial = False

    # Import jobs and periodic work on procrastinate, PostgreSQL's task queue (see server/queue.py).

    operations = [
        ops.RunPython(create_task_queue, ops.RunPython.noop),
    ]
