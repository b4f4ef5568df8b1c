import type { Kysely } from 'kysely';

// Work orders (issue 5): a job from the field service system with the parts it needs, the
// sourcing plan chosen for it (with its reasons), and the requisitions it raised for stock
// that must move or be bought. Reservations are the inventory module's own rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('work_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('source_system', 'text', (c) => c.notNull())
    .addColumn('technician_van', 'text')
    .addColumn('job_region', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('fsm_created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lines_json', 'text', (c) => c.notNull())
    .addColumn('plan_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('reserved_at', 'text')
    .addUniqueConstraint('work_orders_ref_uq', ['tenant_id', 'external_ref'])
    .execute();
  await db.schema
    .createTable('requisitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('work_order_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('from_location', 'text')
    .addColumn('supplier', 'text')
    .addColumn('arrives_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('requisitions_work_order_ix')
    .on('requisitions')
    .columns(['tenant_id', 'work_order_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('requisitions').ifExists().execute();
  await db.schema.dropTable('work_orders').ifExists().execute();
}
