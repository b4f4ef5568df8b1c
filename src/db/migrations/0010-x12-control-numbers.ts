import type { Kysely } from 'kysely';

// Outbound X12 (issue 4): each outbound x12 flow numbers its interchanges (ISA13) and groups
// (GS06) from one counter row, taken in the same transaction as the delivery it numbers, so
// numbers are unique and increasing per flow across restarts and several hub processes.
// The counters only grow; the nine-digit control number is derived from them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('x12_control_numbers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('flow_code', 'text', (c) => c.notNull())
    .addColumn('interchange_counter', 'bigint', (c) => c.notNull())
    .addColumn('group_counter', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('x12_control_numbers_pk', ['tenant_id', 'flow_code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('x12_control_numbers').ifExists().execute();
}
