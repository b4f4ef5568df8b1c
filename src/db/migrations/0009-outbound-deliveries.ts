import type { Kysely } from 'kysely';

// Outbound delivery (issue 4): each domain event is fanned out to the outbound flows that
// subscribe to it, one delivery row per flow; a relay delivers them in per-key order with
// retries, a circuit breaker per system, and dead letters after the last attempt.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbound_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('flow_code', 'text', (c) => c.notNull())
    .addColumn('system_code', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('mapping_code', 'text', (c) => c.notNull())
    .addColumn('mapping_version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('outbound_deliveries_fanout_uq', ['tenant_id', 'flow_code', 'event_id'])
    .execute();
  await db.schema
    .createIndex('outbound_deliveries_due_ix')
    .on('outbound_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbound_deliveries_key_ix')
    .on('outbound_deliveries')
    .columns(['tenant_id', 'flow_code', 'key', 'id'])
    .execute();
  await db.schema
    .createTable('circuit_breakers')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('system_code', 'text', (c) => c.notNull())
    .addColumn('state_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('circuit_breakers_pk', ['tenant_id', 'system_code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('circuit_breakers').ifExists().execute();
  await db.schema.dropTable('outbound_deliveries').ifExists().execute();
}
