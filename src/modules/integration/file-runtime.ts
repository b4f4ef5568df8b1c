import { startFileDrop, type FileDrop } from '../../connectors/transports/file-drop/index.js';
import type { Store } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import type { IdGenerator } from '../../platform/ids.js';
import { isAppError } from '../../platform/errors.js';
import { acceptInbound } from './inbox.service.js';
import { syncInboundListeners } from './inbound-listeners.js';

const TRANSIENT = new Set(['STORE_BUSY', 'INTERNAL_ERROR', 'NOT_READY']);

/**
 * A drop-folder watcher per live inbound file flow (its `directory` option). Each file is
 * stored in the inbox (key: content hash and name) before it is moved out of the folder,
 * then processed like any other message.
 */
export function createFileRuntime(deps: { store: Store; clock: Clock; ids: IdGenerator; pollMs?: number }) {
  const drops = new Map<string, FileDrop>();
  const syncDrops = () =>
    syncInboundListeners(
      deps,
      'file',
      drops,
      (flow) => Boolean(flow.options.directory),
      (flow, ctx) =>
        startFileDrop(
          {
            inbox: flow.options.directory ?? '',
            pollMs: deps.pollMs ?? 1000,
            now: () => deps.clock.now(),
            // A coded refusal (flow disabled, unknown flow) will not change by trying again;
            // a busy store or a database error might.
            isPermanent: (error) => isAppError(error) && !TRANSIENT.has(error.code),
          },
          (envelope) => acceptInbound(deps.store, ctx, flow.code, envelope),
        ),
    );
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
