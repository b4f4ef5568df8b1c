import type { Kysely } from 'kysely';

// A data steward settles a cross-reference conflict (issue 3): who decided, what, and why.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('xref_conflicts').addColumn('resolution', 'text').execute();
  await db.schema.alterTable('xref_conflicts').addColumn('resolved_by', 'text').execute();
  await db.schema.alterTable('xref_conflicts').addColumn('resolution_reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['resolution_reason', 'resolved_by', 'resolution'])
    await db.schema.alterTable('xref_conflicts').dropColumn(column).execute();
}
