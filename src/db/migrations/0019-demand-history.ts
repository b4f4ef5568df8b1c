import type { Kysely } from 'kysely';

// Demand history imported from elsewhere (issue 6, M6.1): per part × location × period, for
// the months before the hub saw the issues itself. The hub's own demand is its ledger's issues.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('demand_history')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text', (c) => c.notNull())
    .addColumn('granularity', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('demand_history_pk', [
      'tenant_id',
      'part_number',
      'location_code',
      'granularity',
      'period',
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('demand_history').ifExists().execute();
}
