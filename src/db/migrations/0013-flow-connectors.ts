import type { Kysely } from 'kysely';

// A flow may be linked to a connector the hub ships: {id, version, config} as JSON (the
// config as the connector's schema read it; secrets are stored with the flow's secrets).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('integration_flows').addColumn('connector_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('integration_flows').dropColumn('connector_json').execute();
}
