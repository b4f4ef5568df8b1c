import type { Kysely } from 'kysely';

// Scheduled inbound (M1.4): a message on a batch flow with a cron schedule, or outside its
// flow's integration windows, is stored at once and applied at `due_at` by the inbound
// worker. Null means "as it arrives", as every message before this migration was.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inbox_messages').addColumn('due_at', 'text').execute();
  await db.schema
    .createIndex('inbox_messages_due_ix')
    .on('inbox_messages')
    .columns(['status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('inbox_messages_due_ix').ifExists().execute();
  await db.schema.alterTable('inbox_messages').dropColumn('due_at').execute();
}
