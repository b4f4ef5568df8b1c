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
import { acceptInbound } from './inbox.service.js';
import { syncInboundListeners } from './inbound-listeners.js';
import type { Flow } from './integration.schemas.js';

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
  const syncConsumers = () =>
    syncInboundListeners(
      deps,
      'nats',
      consumers,
      (flow) => Boolean(flow.options.stream && flow.options.subject),
      (flow, ctx, tenantCode) =>
        startNatsConsumer(
          {
            servers: deps.servers,
            stream: flow.options.stream ?? '',
            durable: `sparehub-${tenantCode}-${flow.code}`.replace(/[^A-Za-z0-9_-]/g, '_'),
            filterSubject: flow.options.subject ?? '',
            name: `sparehub-${flow.code}`,
            onPoison: (envelope, error) => {
              deps.log.error(
                { flow: flow.code, key: envelope.idempotencyKey, err: error },
                'a NATS message could not be stored in the inbox after every redelivery',
              );
            },
          },
          (envelope) => acceptInbound(deps.store, ctx, flow.code, envelope),
          deps.log,
        ),
    );

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
