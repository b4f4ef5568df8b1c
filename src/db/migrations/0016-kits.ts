import { sql, type Kysely } from 'kysely';

// Kits (M4.6, docs/decisions/0015-kits.md): versioned bills of parts, and the kit units built
// from them with the exact items (serials, lots) each holds. Stock of the kit part and of its
// components stays in the inventory tables; these rows say what is inside which unit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('kit_definitions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kit_part_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kit_definitions_pk', ['tenant_id', 'kit_part_id', 'version'])
    .execute();
  await db.schema
    .createTable('kit_definition_lines')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kit_part_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('component_part_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull().check(sql`quantity_milli > 0`))
    .addPrimaryKeyConstraint('kit_definition_lines_pk', [
      'tenant_id',
      'kit_part_id',
      'version',
      'component_part_id',
    ])
    .execute();
  // "Is this part a component of some kit?" (kits do not nest).
  await db.schema
    .createIndex('kit_definition_lines_component_ix')
    .on('kit_definition_lines')
    .columns(['tenant_id', 'component_part_id'])
    .execute();

  await db.schema
    .createTable('kit_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kit_part_id', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('definition_version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('built_location_id', 'text', (c) => c.notNull())
    .addColumn('built_by', 'text', (c) => c.notNull())
    .addColumn('built_at', 'text', (c) => c.notNull())
    .addColumn('broken_location_id', 'text')
    .addColumn('broken_by', 'text')
    .addColumn('broken_at', 'text')
    .addColumn('broken_reason', 'text')
    // A kit serial names one unit for ever, even after the unit is broken: the history of a
    // serial must never point at two kits.
    .addUniqueConstraint('kit_units_serial_uq', ['tenant_id', 'kit_part_id', 'serial'])
    .execute();

  await db.schema
    .createTable('kit_unit_items')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kit_unit_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull())
    .addColumn('serial', 'text', (c) => c.notNull())
    .addColumn('lot', 'text', (c) => c.notNull())
    .addColumn('quantity_milli', 'bigint', (c) => c.notNull().check(sql`quantity_milli > 0`))
    .addPrimaryKeyConstraint('kit_unit_items_pk', ['tenant_id', 'kit_unit_id', 'part_id', 'serial', 'lot'])
    .execute();
  // "Which kit unit holds serial X?"
  await db.schema
    .createIndex('kit_unit_items_serial_ix')
    .on('kit_unit_items')
    .columns(['tenant_id', 'serial'])
    .where(sql.ref('serial'), '<>', '')
    .execute();
  await db.schema
    .createIndex('kit_unit_items_part_ix')
    .on('kit_unit_items')
    .columns(['tenant_id', 'part_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['kit_unit_items', 'kit_units', 'kit_definition_lines', 'kit_definitions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
