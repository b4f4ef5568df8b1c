import { sql, type Kysely } from 'kysely';

// Master data: numbering schemes, cross-references and their conflicts, supersession,
// substitutes and unit conversions (issue 3, M2.1–M2.3).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('numbering_schemes')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('rules_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('numbering_schemes_pk', ['tenant_id', 'code'])
    .execute();

  // One normalized number per scheme points at one part: the unique key is the conflict detector.
  await db.schema
    .createTable('part_xrefs')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('scheme_code', 'text', (c) => c.notNull())
    .addColumn('number_normalized', 'text', (c) => c.notNull())
    .addColumn('number_raw', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('part_xrefs_pk', ['tenant_id', 'scheme_code', 'number_normalized'])
    .execute();
  await db.schema
    .createIndex('part_xrefs_part_ix')
    .on('part_xrefs')
    .columns(['tenant_id', 'part_id'])
    .execute();

  await db.schema
    .createTable('xref_conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('scheme_code', 'text', (c) => c.notNull())
    .addColumn('number_normalized', 'text', (c) => c.notNull())
    .addColumn('number_raw', 'text', (c) => c.notNull())
    .addColumn('existing_part_id', 'text', (c) => c.notNull())
    .addColumn('proposed_part_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema
    .createIndex('xref_conflicts_status_ix')
    .on('xref_conflicts')
    .columns(['tenant_id', 'status'])
    .execute();

  // A part has at most one successor: the primary key refuses forks.
  await db.schema
    .createTable('supersessions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('successor_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('use_up', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('supersessions_pk', ['tenant_id', 'part_id'])
    .addCheckConstraint('supersessions_not_self', sql`part_id <> successor_id`)
    .execute();
  await db.schema
    .createIndex('supersessions_successor_ix')
    .on('supersessions')
    .columns(['tenant_id', 'successor_id'])
    .execute();

  await db.schema
    .createTable('substitutes')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('substitute_id', 'text', (c) => c.notNull().references('parts.id'))
    .addColumn('models_json', 'text')
    .addColumn('preference', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('substitutes_pk', ['tenant_id', 'part_id', 'substitute_id'])
    .addCheckConstraint('substitutes_not_self', sql`part_id <> substitute_id`)
    .execute();

  // part_id '' is a global conversion; exact rational factor numerator/denominator.
  await db.schema
    .createTable('uom_conversions')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('part_id', 'text', (c) => c.notNull())
    .addColumn('from_uom', 'text', (c) => c.notNull())
    .addColumn('to_uom', 'text', (c) => c.notNull())
    .addColumn('numerator', 'bigint', (c) => c.notNull().check(sql`numerator > 0`))
    .addColumn('denominator', 'bigint', (c) => c.notNull().check(sql`denominator > 0`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('uom_conversions_pk', ['tenant_id', 'part_id', 'from_uom', 'to_uom'])
    .execute();
  await upLocks(db);
}

// Serializes writers of one tenant's graph-shaped data (supersession) on PostgreSQL.
export async function upLocks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenant_locks')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('tenant_locks_pk', ['tenant_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tenant_locks',
    'uom_conversions',
    'substitutes',
    'supersessions',
    'xref_conflicts',
    'part_xrefs',
    'numbering_schemes',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
