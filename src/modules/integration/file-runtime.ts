import { startFileDrop, type FileDrop } from '../../connectors/transports/file-drop/index.js';
import type { Store } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import type { IdGenerator } from '../../platform/ids.js';
import { isAppError } from '../../platform/errors.js';
import { effectiveState, processInbound, receiveInbound } from './inbox.service.js';

const TRANSIENT = new Set(['STORE_BUSY', 'INTERNAL_ERROR', 'NOT_READY']);
import { listFlows } from './systems.service.js';

/**
 * A drop-folder watcher per live inbound file flow (its `directory` option). Each file is
 * stored in the inbox (key: content hash and name) before it is moved out of the folder,
 * then processed like any other message.
 */
export function createFileRuntime(deps: { store: Store; clock: Clock; ids: IdGenerator; pollMs?: number }) {
  const drops = new Map<string, FileDrop>();
  async function syncDrops(): Promise<void> {
    const wanted = new Set<string>();
    for (const tenant of await deps.store.db.selectFrom('tenants').select(['id']).execute()) {
      for (const flow of await listFlows(deps.store.db, tenant.id)) {
        if (flow.direction !== 'inbound' || flow.transport !== 'file' || !flow.options.directory) continue;
        if (effectiveState(flow, deps.clock.now().toISOString()) === 'disabled') continue;
        const key = `${tenant.id}|${flow.code}`;
        wanted.add(key);
        if (drops.has(key)) continue;
        const ctx = {
          tenantId: tenant.id,
          actor: { kind: 'system' as const, id: `file:${flow.code}`, role: 'integration_admin' },
          clock: deps.clock,
          ids: deps.ids,
        };
        drops.set(
          key,
          startFileDrop(
            {
              inbox: flow.options.directory,
              pollMs: deps.pollMs ?? 1000,
              now: () => deps.clock.now(),
              // A coded refusal (flow disabled, unknown flow) will not change by trying again;
              // a busy store or a database error might.
              isPermanent: (error) => isAppError(error) && !TRANSIENT.has(error.code),
            },
            async (envelope) => {
              const received = await receiveInbound(deps.store, ctx, flow.code, envelope);
              if (!received.duplicate) await processInbound(deps.store, ctx, received.messageId);
              return received;
            },
          ),
        );
      }
    }
    for (const [key, drop] of drops)
      if (!wanted.has(key)) {
        await drop.stop();
        drops.delete(key);
      }
  }
  return {
    syncDrops,
    /** Scans every watched folder now (tests, and `sparehub` commands that must not wait). */
    async scanAll() {
      for (const drop of drops.values()) await drop.scanNow();
    },
    async close() {
      for (const drop of drops.values()) await drop.stop();
      drops.clear();
    },
  };
}
