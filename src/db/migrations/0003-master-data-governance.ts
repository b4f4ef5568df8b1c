import type { Kysely } from 'kysely';

// Master-data governance (issue 3): golden attribute values with lineage per source,
// ownership rules, classification taxonomies, change requests and freeze windows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('part_attributes')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('part_attributes_pk', ['tenant_id', 'part_id', 'attribute'])
    .execute();
  await db.schema
    .createTable('part_attribute_sources')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull())
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('observed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('part_attribute_sources_pk', ['tenant_id', 'part_id', 'attribute', 'source'])
    .execute();
  await db.schema
    .createTable('ownership_rules')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('attribute', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ownership_rules_pk', ['tenant_id', 'entity', 'attribute'])
    .execute();
  await db.schema
    .createTable('taxonomies')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('values_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxonomies_pk', ['tenant_id', 'code'])
    .execute();
  await db.schema
    .createTable('change_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text', (c) => c.notNull())
    .addColumn('changes_json', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('emergency', 'integer', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('applied_at', 'text')
    .execute();
  await db.schema
    .createIndex('change_requests_status_ix')
    .on('change_requests')
    .columns(['tenant_id', 'status', 'effective_from'])
    .execute();
  await db.schema
    .createTable('freeze_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'freeze_windows',
    'change_requests',
    'taxonomies',
    'ownership_rules',
    'part_attribute_sources',
    'part_attributes',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
