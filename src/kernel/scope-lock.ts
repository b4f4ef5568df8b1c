import { sql } from 'kysely';
import type { Work } from './work.js';

/**
 * Serializes, until commit, every unit of work in this tenant that takes the same named
 * lock. Needed where a rule spans many rows that no single conditional UPDATE can guard
 * (a supersession cycle check reads a whole chain). SQLite has one writer already.
 */
export async function lockTenantScope(w: Work, name: string): Promise<void> {
  if (w.dialect !== 'postgres') return;
  await w.trx
    .insertInto('tenant_locks')
    .values({ tenant_id: w.ctx.tenantId, name, version: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .execute();
  await w.trx
    .updateTable('tenant_locks')
    .set({ version: sql<number>`version + 1` })
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('name', '=', name)
    .execute();
}
