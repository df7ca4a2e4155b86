import re

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

TABLE_WIDE = 'uid_store_seller__512dc7'  # unique (seller, platform, name), from 0001_initial
CONNECTED_NAMES = UniqueConstraint(
    fields=('seller', 'platform', 'name'), name='uid_store_connected_name', condition='"disconnected_at" IS NULL'
)
CREATE_INDEX = (
    'CREATE UNIQUE INDEX "uid_store_connected_name" ON "store" ("seller_id", "platform", "name") '
    'WHERE "disconnected_at" IS NULL'
)


class ConnectedStoreNamesUnique(ops.TortoiseOperation):
    """A store's name is unique among the seller's connected stores only: a partial unique index.

    SQLite cannot drop a table constraint (nor can Tortoise add a partial one there), so on SQLite
    the table is rebuilt as SQLite documents it: foreign keys off, then in one transaction create,
    copy, drop, rename. Every row, and every reference to it, stays.
    """

    def state_forward(self, app_label, state):
        ops.RemoveConstraint('Store', fields=['seller', 'platform', 'name']).state_forward(app_label, state)
        ops.AddConstraint('Store', CONNECTED_NAMES).state_forward(app_label, state)

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        client = state_editor.client
        if client.capabilities.dialect != 'sqlite':
            await client.execute_script(f'ALTER TABLE "store" DROP CONSTRAINT "{TABLE_WIDE}"; {CREATE_INDEX}')
            return
        _, [table] = await client.execute_query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'store'")
        create, found = re.subn(rf',\s*CONSTRAINT "{TABLE_WIDE}" UNIQUE \([^)]*\)', '', table['sql'])
        if found != 1:
            raise RuntimeError('the store table is not as the earlier migrations left it')
        create = create.replace('CREATE TABLE "store"', 'CREATE TABLE "new__store"', 1)
        await client.execute_script(
            f'''
            PRAGMA foreign_keys = OFF;
            BEGIN;
            {create};
            INSERT INTO "new__store" SELECT * FROM "store";
            DROP TABLE "store";
            ALTER TABLE "new__store" RENAME TO "store";
            {CREATE_INDEX};
            COMMIT;
            PRAGMA foreign_keys = ON;
            '''
        )


class Migration(migrations.Migration):
    dependencies = [('models', '0003_disconnect_skips_names')]

    initial = False
    atomic = False  # SQLite turns foreign keys off only outside a transaction

    operations = [ConnectedStoreNamesUnique()]
