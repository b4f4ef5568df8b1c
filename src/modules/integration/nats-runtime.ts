import {
  createNatsPublisher,
  startNatsConsumer,
  type NatsConsumer,
  type NatsPublisher,
  type TransportLog,
} from '../../connectors/transports/nats/index.js';
import type { Deliver } from '../../connectors/transports/types.js';
import type { Store } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import type { IdGenerator } from '../../platform/ids.js';
import { effectiveState, processInbound, receiveInbound } from './inbox.service.js';
import type { Flow } from './integration.schemas.js';
import { listFlows } from './systems.service.js';

export interface NatsRuntimeDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  servers: string;
  log: TransportLog;
}

/**
 * NATS JetStream for the flows that use it: one publisher shared by outbound flows, and one
 * durable consumer per live inbound flow (stream and subject from the flow's options). A
 * message is acknowledged to JetStream only once the inbox has stored it; duplicates are
 * dropped by JetStream's Nats-Msg-Id window and, beyond it, by the inbox's idempotency key.
 * Connects only when a flow needs NATS, so a hub without NATS flows never dials it.
 */
export function createNatsRuntime(deps: NatsRuntimeDeps) {
  // One publisher per subject a flow publishes to (the subject is fixed per publisher).
  const publishers = new Map<string, NatsPublisher>();
  const consumers = new Map<string, NatsConsumer>();

  const deliverFor = (flow: Flow): Deliver => {
    const subject = flow.options.subject ?? null;
    const key = subject ?? '(by message type)';
    let publisher = publishers.get(key);
    if (!publisher) {
      publisher = createNatsPublisher({
        servers: deps.servers,
        name: 'sparehub-relay',
        ...(subject ? { subjectFor: () => subject } : {}),
      });
      publishers.set(key, publisher);
    }
    return publisher.deliver;
  };

  /** Starts consumers for inbound NATS flows that have none yet; stops those no longer live. */
  async function syncConsumers(): Promise<void> {
    const tenants = await deps.store.db.selectFrom('tenants').select(['id', 'code']).execute();
    const wanted = new Set<string>();
    for (const tenant of tenants) {
      for (const flow of await listFlows(deps.store.db, tenant.id)) {
        if (flow.direction !== 'inbound' || flow.transport !== 'nats') continue;
        if (effectiveState(flow, deps.clock.now().toISOString()) === 'disabled') continue;
        if (!flow.options.stream || !flow.options.subject) continue;
        const key = `${tenant.id}|${flow.code}`;
        wanted.add(key);
        if (consumers.has(key)) continue;
        const ctx = {
          tenantId: tenant.id,
          actor: { kind: 'system' as const, id: `nats:${flow.code}`, role: 'integration_admin' },
          clock: deps.clock,
          ids: deps.ids,
        };
        const consumer = await startNatsConsumer(
          {
            servers: deps.servers,
            stream: flow.options.stream,
            durable: `sparehub-${tenant.code}-${flow.code}`.replace(/[^A-Za-z0-9_-]/g, '_'),
            filterSubject: flow.options.subject,
            name: `sparehub-${flow.code}`,
            onPoison: (envelope, error) => {
              deps.log.error(
                { flow: flow.code, key: envelope.idempotencyKey, err: error },
                'a NATS message could not be stored in the inbox after every redelivery',
              );
            },
          },
          async (envelope) => {
            const received = await receiveInbound(deps.store, ctx, flow.code, envelope);
            if (!received.duplicate) await processInbound(deps.store, ctx, received.messageId);
            return received;
          },
          deps.log,
        );
        consumers.set(key, consumer);
      }
    }
    for (const [key, consumer] of consumers)
      if (!wanted.has(key)) {
        await consumer.stop();
        consumers.delete(key);
      }
  }

  return {
    deliverFor,
    syncConsumers,
    async close() {
      for (const consumer of consumers.values()) await consumer.stop();
      consumers.clear();
      for (const publisher of publishers.values()) await publisher.close();
      publishers.clear();
    },
  };
}

export type NatsRuntime = ReturnType<typeof createNatsRuntime>;
