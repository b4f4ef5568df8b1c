import { sql, type Kysely } from 'kysely';

// Buffer triggers (issue 5, M3.4; docs/decisions/0016-buffer-triggers.md): a buffer setting
// per part × location, and the replenishment orders (transfers or purchase requisitions) the
// hub raised when projected stock fell below it. Open orders count as stock on its way in,
// so a second check does not raise the same shortfall twice.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('stock_buffers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('buffer_milli', 'bigint', (c) => c.notNull().check(sql`buffer_milli >= 0`))
    .addColumn('demand_per_day_milli', 'bigint', (c) => c.notNull().check(sql`demand_per_day_milli >= 0`))
    // Set: the demand rate is derived from the issues of the last so many days instead.
    .addColumn('demand_window_days', 'integer')
    .addColumn('cycle_hours', 'double precision', (c) => c.notNull().check(sql`cycle_hours > 0`))
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('supplier', 'text')
    .addColumn('order_policy', 'text', (c) => c.notNull())
    // The order-up-to level or the fixed order quantity, as order_policy says.
    .addColumn('order_milli', 'bigint', (c) => c.notNull().check(sql`order_milli > 0`))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stock_buffers_pk', ['tenant_id', 'part_id', 'location_id'])
    .execute();
  await db.schema
    .createIndex('stock_buffers_location_ix')
    .on('stock_buffers')
    .columns(['tenant_id', 'location_id'])
    .execute();

  await db.schema
    .createTable('replenishment_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source_location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('supplier', 'text')
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull().check(sql`quantity_milli > 0`))
    // Posted into the location by movements that name the order as their reference.
    .addColumn('received_milli', 'bigint', (c) => c.notNull().check(sql`received_milli >= 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reasons_json', 'text', (c) => c.notNull())
    .addColumn('projection_json', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('close_reason', 'text')
    .execute();
  // What is already on its way to a location: read on every buffer check.
  await db.schema
    .createIndex('replenishment_orders_open_ix')
    .on('replenishment_orders')
    .columns(['tenant_id', 'part_id', 'location_id', 'status'])
    .execute();
  await db.schema
    .createIndex('replenishment_orders_raised_ix')
    .on('replenishment_orders')
    .columns(['tenant_id', 'raised_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('replenishment_orders').ifExists().execute();
  await db.schema.dropTable('stock_buffers').ifExists().execute();
}
