import { sql } from 'kysely';
import type { DialectName, Trx } from '../db/index.js';
import type { Work } from './work.js';

/**
 * Serializes, until commit, every unit of work in this tenant that takes the same named
 * lock. Needed where a rule spans many rows that no single conditional UPDATE can guard
 * (a supersession cycle check reads a whole chain). SQLite has one writer already.
 */
export async function lockTenantScope(w: Work, name: string): Promise<void> {
  await lockScope(w.trx, w.dialect, w.ctx.tenantId, name);
}

/**
 * The same lock for work that is not one tenant's (the outbox router serves every tenant:
 * it locks under the tenant id `*`): a row in `tenant_locks` held until the transaction ends.
 */
export async function lockScope(
  trx: Trx,
  dialect: DialectName,
  tenantId: string,
  name: string,
): Promise<void> {
  if (dialect !== 'postgres') return;
  await trx
    .insertInto('tenant_locks')
    .values({ tenant_id: tenantId, name, version: 0 })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .execute();
  await trx
    .updateTable('tenant_locks')
    .set({ version: sql<number>`version + 1` })
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .execute();
}
