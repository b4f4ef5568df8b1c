import type { Kysely } from 'kysely';

// Warehouse confirmations (M3.3): every put-away and shipment line a WMS confirmed, by the
// WMS's own references, so that the same line confirmed again by another message (a resend
// with a new interchange number) is recognised: the same content is a repeat, other content
// a conflict. The stock itself changes through movements and reservations as always.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('warehouse_confirmations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('confirmation_key', 'text', (c) => c.notNull())
    .addColumn('document_ref', 'text', (c) => c.notNull())
    .addColumn('line_ref', 'text', (c) => c.notNull())
    .addColumn('part_number', 'text', (c) => c.notNull())
    .addColumn('location_code', 'text')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
    .addColumn('short_milli', 'bigint')
    .addColumn('outcome_json', 'text', (c) => c.notNull())
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('warehouse_confirmations_key_uq', ['tenant_id', 'kind', 'confirmation_key'])
    .execute();
  await db.schema
    .createIndex('warehouse_confirmations_document_ix')
    .on('warehouse_confirmations')
    .columns(['tenant_id', 'kind', 'document_ref'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('warehouse_confirmations').ifExists().execute();
}
