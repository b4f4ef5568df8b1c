import type { Kysely } from 'kysely';

// Inventory snapshots (issue 4, M8.3 and M7.2): a warehouse's or ERP's full stock picture,
// applied and reconciled in chunks that each commit with their checkpoint, so a snapshot of a
// million rows never holds the single writer for long and resumes where it stopped.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stock_snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('flow_code', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks_done', 'integer', (c) => c.notNull())
    .addColumn('counts_json', 'text', (c) => c.notNull())
    .addColumn('location_ids_json', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('stock_snapshots_message_uq', ['tenant_id', 'message_id'])
    .execute();
  await db.schema
    .createIndex('stock_snapshots_tenant_ix')
    .on('stock_snapshots')
    .columns(['tenant_id', 'started_at'])
    .execute();
  // Every line that did not simply match: what the hub had, what was counted, what was done.
  await db.schema
    .createTable('stock_snapshot_lines')
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('chunk', 'integer', (c) => c.notNull())
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text', (c) => c.notNull())
    .addColumn('hub_milli', 'bigint')
    .addColumn('counted_milli', 'bigint')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stock_snapshot_lines_pk', ['snapshot_id', 'chunk', 'idx'])
    .execute();
  // The last snapshot that counted a balance: finds the rows a full snapshot left out, and a
  // line counted twice in one snapshot, without holding the whole snapshot in memory.
  await db.schema.alterTable('stock_balances').addColumn('snapshot_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('stock_balances').dropColumn('snapshot_id').execute();
  await db.schema.dropTable('stock_snapshot_lines').ifExists().execute();
  await db.schema.dropTable('stock_snapshots').ifExists().execute();
}
