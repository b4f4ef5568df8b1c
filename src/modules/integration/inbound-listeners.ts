import type { Store } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { IdGenerator } from '../../platform/ids.js';
import { effectiveState } from './inbox.service.js';
import type { Flow } from './integration.schemas.js';
import { listFlows } from './systems.service.js';

/** Anything a transport keeps running for one inbound flow (a consumer, a folder watcher). */
export interface InboundListener {
  stop(): Promise<void>;
}

/**
 * Keeps one listener per live inbound flow of a transport, across all tenants: starts one for
 * a flow that has none (`start` returns null when the flow lacks what the transport needs),
 * and stops those whose flow is gone or disabled. Each listener acts as the system itself in
 * its flow's tenant.
 */
export async function syncInboundListeners<L extends InboundListener>(
  deps: { store: Store; clock: Clock; ids: IdGenerator },
  transport: Flow['transport'],
  running: Map<string, L>,
  /** Whether the flow has what the transport needs (a folder, a stream and subject). */
  usable: (flow: Flow) => boolean,
  start: (flow: Flow, ctx: Ctx, tenantCode: string) => Promise<L> | L,
): Promise<void> {
  const wanted = new Set<string>();
  for (const tenant of await deps.store.db.selectFrom('tenants').select(['id', 'code']).execute()) {
    for (const flow of await listFlows(deps.store.db, tenant.id)) {
      if (flow.direction !== 'inbound' || flow.transport !== transport) continue;
      if (effectiveState(flow, deps.clock.now().toISOString()) === 'disabled' || !usable(flow)) continue;
      const key = `${tenant.id}|${flow.code}`;
      wanted.add(key);
      if (running.has(key)) continue;
      const ctx: Ctx = {
        tenantId: tenant.id,
        actor: { kind: 'system', id: `${transport}:${flow.code}`, role: 'integration_admin' },
        clock: deps.clock,
        ids: deps.ids,
      };
      running.set(key, await start(flow, ctx, tenant.code));
    }
  }
  for (const [key, listener] of running)
    if (!wanted.has(key)) {
      await listener.stop();
      running.delete(key);
    }
}
