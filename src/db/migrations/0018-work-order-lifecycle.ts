import type { Kysely } from 'kysely';

// Work order lifecycle (issue 5): the equipment model and technician level a job arrives
// with (substitutes and approvals depend on them), the flow it came through (latency is
// served per flow), approvals with their policy and lead times as versioned policies, the ERP's acknowledgement of each
// requisition (its promised date is what the FSM is told), and consumption at completion.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'equipment_model',
    'technician_level',
    'flow_code',
    'completed_at',
    'acknowledged_at',
  ])
    await db.schema.alterTable('work_orders').addColumn(column, 'text').execute();
  for (const column of ['acknowledged_at', 'erp_ref', 'expected_at', 'released_at', 'note'])
    await db.schema.alterTable('requisitions').addColumn(column, 'text').execute();
  await db.schema
    .createTable('work_order_approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('work_order_id', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('reasons_json', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .addUniqueConstraint('work_order_approvals_wo_uq', ['tenant_id', 'work_order_id'])
    .execute();
  await db.schema
    .createIndex('work_order_approvals_state_ix')
    .on('work_order_approvals')
    .columns(['tenant_id', 'state', 'requested_at'])
    .execute();
  // The fulfillment module's policies (approval rules, lead times): versioned documents.
  await db.schema
    .createTable('fulfillment_policies')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fulfillment_policies_pk', ['tenant_id', 'name'])
    .execute();
  await db.schema
    .createTable('work_order_consumption')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('work_order_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text')
    .addColumn('estimated_milli', 'bigint', (c) => c.notNull())
    .addColumn('used_milli', 'bigint', (c) => c.notNull())
    .addColumn('returned_milli', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'text', (c) => c.notNull())
    .execute();
  // Planning reads demand per part × location × period from here.
  await db.schema
    .createIndex('work_order_consumption_part_ix')
    .on('work_order_consumption')
    .columns(['tenant_id', 'part_number', 'consumed_at'])
    .execute();
  await db.schema
    .createIndex('work_orders_created_ix')
    .on('work_orders')
    .columns(['tenant_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('work_order_consumption').ifExists().execute();
  await db.schema.dropTable('fulfillment_policies').ifExists().execute();
  await db.schema.dropTable('work_order_approvals').ifExists().execute();
}
