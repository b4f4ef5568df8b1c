import { runWork } from './kernel/index.js';
import { applyDueChanges } from './modules/catalog/index.js';
import type { Hub } from './main.js';

const CHANGE_REQUEST_INTERVAL_MS = 30_000;

/**
 * Background work a serving hub does on its own: applying approved master-data changes that
 * have fallen due. Safe with several hub processes: each change is applied in a unit of work
 * that re-reads its state. Returns a function that stops the timers.
 */
export function startSchedulers(hub: Hub): () => void {
  const tick = async () => {
    const tenants = await hub.store.db.selectFrom('tenants').select('id').execute();
    for (const tenant of tenants) {
      const applied = await runWork(hub.store, { ...hub.systemCtx(), tenantId: tenant.id }, (w) =>
        applyDueChanges(w),
      );
      if (applied.length > 0)
        hub.app.log.info(
          { tenantId: tenant.id, applied: applied.map((c) => c.id) },
          'applied due change requests',
        );
    }
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => hub.app.log.error({ err: error }, 'change request scheduler failed'));
  }, CHANGE_REQUEST_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
