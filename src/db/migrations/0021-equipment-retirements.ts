import type { Kysely } from 'kysely';

// Equipment models being retired (issue 6, M6.2): per model, when its installed base starts to
// shrink (optional) and when it is out of service, with the reason. Append-only: the newest
// schedule of a model is the one in force, so a postponed retirement keeps its history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('equipment_retirements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('equipment_model', 'text', (c) => c.notNull())
    .addColumn('phase_down_from', 'text')
    .addColumn('retire_on', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('equipment_retirements_model_ix')
    .on('equipment_retirements')
    .columns(['tenant_id', 'equipment_model', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('equipment_retirements').ifExists().execute();
}
