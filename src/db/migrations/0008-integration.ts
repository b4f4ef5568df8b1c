import type { Kysely } from 'kysely';

// Integration runtime (issue 4): external systems and flows as data, versioned mappings,
// webhook secrets kept apart from what the API shows, and the inbox of raw inbound messages.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('integration_systems')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_team', 'text', (c) => c.notNull())
    .addColumn('escalation_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_systems_pk', ['tenant_id', 'code'])
    .execute();
  await db.schema
    .createTable('integration_flows')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('system_code', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('schedule', 'text')
    .addColumn('windows_json', 'text', (c) => c.notNull())
    .addColumn('interface_version', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('go_live_at', 'text')
    .addColumn('mapping_code', 'text', (c) => c.notNull())
    .addColumn('mapping_version', 'integer', (c) => c.notNull())
    .addColumn('options_json', 'text', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_flows_pk', ['tenant_id', 'code'])
    .execute();
  await db.schema
    .createTable('integration_flow_secrets')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('flow_code', 'text', (c) => c.notNull())
    .addColumn('secrets_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_flow_secrets_pk', ['tenant_id', 'flow_code'])
    .execute();
  await db.schema
    .createTable('integration_mappings')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('expression', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_mappings_pk', ['tenant_id', 'code', 'version'])
    .execute();
  await db.schema
    .createTable('inbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('system_code', 'text', (c) => c.notNull())
    .addColumn('flow_code', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('meta_json', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('mapping_code', 'text')
    .addColumn('mapping_version', 'integer')
    .addColumn('result_json', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_detail', 'text')
    .addColumn('processed_at', 'text')
    .addUniqueConstraint('inbox_messages_dedupe_uq', ['tenant_id', 'system_code', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('inbox_messages_status_ix')
    .on('inbox_messages')
    .columns(['status', 'received_at'])
    .execute();
  await db.schema
    .createIndex('inbox_messages_flow_ix')
    .on('inbox_messages')
    .columns(['tenant_id', 'flow_code', 'received_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'inbox_messages',
    'integration_mappings',
    'integration_flow_secrets',
    'integration_flows',
    'integration_systems',
  ])
    await db.schema.dropTable(table).ifExists().execute();
}
