import type { Kysely } from 'kysely';

// Collaborative overrides (issue 6, M6.4): a regional manager's forecast or safety stock for a
// part (at a location, or everywhere) over a period, with the reason; shown beside the
// statistical value, which is kept.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('planning_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('planning_overrides_part_ix')
    .on('planning_overrides')
    .columns(['tenant_id', 'part_number', 'valid_to'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('planning_overrides').ifExists().execute();
}
