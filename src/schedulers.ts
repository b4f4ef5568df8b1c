import { runWork } from './kernel/index.js';
import { applyDueChanges, markInterruptedImports } from './modules/catalog/index.js';
import { sweepBuffers } from './modules/inventory/index.js';
import {
  createFileRuntime,
  createNatsRuntime,
  defaultTransports,
  deliverDue,
  pendingInbound,
  processDueInbound,
  purgeExpiredMessages,
  routeOutbox,
  type RelayDeps,
} from './modules/integration/index.js';
import { isoTimestamp } from './platform/clock.js';
import type { Hub } from './main.js';

const CHANGE_REQUEST_INTERVAL_MS = 30_000;
const INBOX_INTERVAL_MS = 1_000;
const PURGE_INTERVAL_MS = 60 * 60_000;
const RELAY_INTERVAL_MS = 250;
/** Route-and-deliver rounds one relay tick may run while there is work, before yielding. */
const RELAY_ROUNDS_PER_TICK = 50;
const CONSUMER_SYNC_INTERVAL_MS = 5_000;
/** A message younger than this is still being processed by the request that stored it. */
const INBOX_GRACE_MS = 5_000;
/** An import that made no progress for this long has lost its process (batches take seconds). */
const IMPORT_STALE_MS = 10 * 60_000;

/**
 * Background work a serving hub does on its own: applying approved master-data changes that
 * have fallen due, marking imports whose process stopped as interrupted, purging messages
 * past their flow's retention, and processing inbound messages stored but not processed.
 * Safe with several hub processes: every step is a unit of work that re-reads its state.
 * Returns a function that stops the timers.
 */
export function startSchedulers(hub: Hub): () => Promise<void> {
  const nats = createNatsRuntime({
    store: hub.store,
    clock: hub.clock,
    ids: hub.ids,
    servers: hub.config.natsUrl,
    log: hub.app.log,
  });
  const syncNats = () =>
    nats
      .syncConsumers()
      .catch((error: unknown) => hub.app.log.error({ err: error }, 'starting NATS consumers failed'));
  void syncNats();
  const files = createFileRuntime({ store: hub.store, clock: hub.clock, ids: hub.ids });
  const syncFiles = () =>
    files
      .syncDrops()
      .catch((error: unknown) => hub.app.log.error({ err: error }, 'starting file drops failed'));
  void syncFiles();
  // New or changed NATS and file flows get their consumers within seconds.
  const syncTimer = setInterval(() => {
    void syncNats().then(syncFiles);
  }, CONSUMER_SYNC_INTERVAL_MS);
  syncTimer.unref();
  let lastPurge = 0;
  const tick = async () => {
    const now = hub.clock.now();
    // Retention runs hourly; a purge never touches messages still owed an answer.
    const purge = now.getTime() - lastPurge >= PURGE_INTERVAL_MS;
    if (purge) lastPurge = now.getTime();
    const stale = await markInterruptedImports(
      hub.store,
      isoTimestamp(hub.clock),
      new Date(now.getTime() - IMPORT_STALE_MS).toISOString(),
    );
    if (stale > 0) hub.app.log.warn({ stale }, 'imports without progress marked interrupted');
    const tenants = await hub.store.db.selectFrom('tenants').select('id').execute();
    for (const tenant of tenants) {
      const applied = await runWork(hub.store, { ...hub.systemCtx(), tenantId: tenant.id }, (w) =>
        applyDueChanges(w),
      );
      if (purge) {
        const purged = await purgeExpiredMessages(
          hub.store,
          { ...hub.systemCtx(), tenantId: tenant.id },
          now,
        );
        const total = purged.reduce((n, r) => n + r.inboundPurged + r.deliveriesPurged, 0);
        if (total > 0) hub.app.log.info({ tenantId: tenant.id, purged }, 'purged messages past retention');
      }
      if (applied.length > 0)
        hub.app.log.info(
          { tenantId: tenant.id, applied: applied.map((c) => c.id) },
          'applied due change requests',
        );
      // Stock changes check their buffers at once; the sweep catches what changed otherwise
      // (a snapshot, a buffer's demand window moving on).
      const swept = await sweepBuffers(hub.store, { ...hub.systemCtx(), tenantId: tenant.id });
      if (swept.raised.length > 0)
        hub.app.log.info(
          { tenantId: tenant.id, raised: swept.raised.map((r) => r.id) },
          'buffer sweep raised replenishments',
        );
    }
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => hub.app.log.error({ err: error }, 'change request scheduler failed'));
  }, CHANGE_REQUEST_INTERVAL_MS);
  timer.unref();

  // Inbound messages stored but never processed (a crash between the two), and messages of
  // batch or windowed flows once they are due, are applied here.
  let inboxBusy = false;
  const inboxTick = async () => {
    if (inboxBusy) return;
    inboxBusy = true;
    try {
      const now = hub.clock.now();
      const before = new Date(now.getTime() - INBOX_GRACE_MS).toISOString();
      const staleBefore = new Date(now.getTime() - hub.config.snapshotStaleMs).toISOString();
      const pending = await pendingInbound(hub.store.db, before, 100, staleBefore, now.toISOString());
      for (const m of pending) {
        const ctx = { ...hub.systemCtx(), tenantId: m.tenantId };
        const outcome = await processDueInbound(hub.store, ctx, m.id, now);
        hub.app.log.info({ messageId: m.id, status: outcome.status }, 'processed a pending inbound message');
      }
    } finally {
      inboxBusy = false;
    }
  };
  const inboxTimer = setInterval(() => {
    inboxTick().catch((error: unknown) => hub.app.log.error({ err: error }, 'inbound worker failed'));
  }, INBOX_INTERVAL_MS);
  inboxTimer.unref();

  // The outbox relay: fan new events out to subscribed flows, then deliver what is due.
  const relay: RelayDeps = {
    store: hub.store,
    clock: hub.clock,
    ids: hub.ids,
    random: hub.random,
    transportFor: defaultTransports(nats),
    claimTimeoutMs: hub.config.relayClaimTimeoutMs,
  };
  let relayBusy = false;
  const relayTimer = setInterval(() => {
    if (relayBusy) return;
    relayBusy = true;
    (async () => {
      // Route a batch, then deliver what is due, turn about: under steady load the outbox never
      // empties, and deliveries must not wait for it to (they did, on PostgreSQL).
      for (let round = 0; round < RELAY_ROUNDS_PER_TICK; round++) {
        const routed = await routeOutbox(relay);
        const { delivered, failed } = await deliverDue(relay);
        if (routed === 0 && delivered + failed === 0) break;
      }
    })()
      .catch((error: unknown) => hub.app.log.error({ err: error }, 'outbox relay failed'))
      .finally(() => {
        relayBusy = false;
      });
  }, RELAY_INTERVAL_MS);
  relayTimer.unref();
  return async () => {
    clearInterval(timer);
    clearInterval(inboxTimer);
    clearInterval(relayTimer);
    clearInterval(syncTimer);
    await nats.close();
    await files.close();
  };
}
