/**
 * The inbound side: a durable JetStream pull consumer with explicit acks. One message at a
 * time goes to `receive`; the message is acknowledged only once `receive` resolved (and the
 * server confirmed the ack), nak'ed with a growing delay when it rejected, and handed to
 * `onPoison` then terminated once it failed `maxDeliver` times.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { systemClock, type Clock } from '../../../platform/clock.js';
import type { InboundEnvelope, Receive } from '../types.js';
import {
  natsConsumerConfigSchema,
  type NatsConsumerConfig,
  type NatsConsumerConfigInput,
} from './nats-config.js';
import { toInboundEnvelope } from './nats-envelope.js';
import { redeliveryDelayMs } from './redelivery.js';
import { silentLog, type TransportLog } from './transport-log.js';

/**
 * Takes over a message whose `receive` failed on delivery maxDeliver or later (the runtime
 * dead-letters it). The message is terminated only after this resolves; if it rejects, the
 * message is nak'ed and offered again later (receive first), so the raw body is never dropped.
 */
export type OnPoison = (envelope: InboundEnvelope, error: Error) => Promise<void> | void;

export type NatsConsumerOptions = NatsConsumerConfigInput & {
  onPoison: OnPoison;
  clock?: Clock;
};

export type NatsConsumerState = 'running' | 'stopping' | 'stopped' | 'closed';

export interface NatsConsumerStats {
  state: NatsConsumerState;
  /** Messages taken from the server (every delivery, redeliveries included). */
  delivered: number;
  /** `receive` calls that resolved. */
  received: number;
  receiveFailures: number;
  /** Acks the server confirmed. */
  acked: number;
  /** Acks sent but not confirmed: the message comes back and `receive` sees it again. */
  ackFailures: number;
  nakked: number;
  /** Messages handed to onPoison and terminated. */
  terminated: number;
  poisonHandoffFailures: number;
  /** Messages pulled ahead but released unprocessed (nak without delay) on stop. */
  released: number;
  inFlight: number;
  /** Times the consume loop was set up again after an error. */
  consumeRestarts: number;
  disconnects: number;
  reconnects: number;
}

export interface NatsConsumer {
  /** Stops pulling, lets the current `receive` finish and be acked, then drains the connection. */
  stop(): Promise<void>;
  stats(): NatsConsumerStats;
}

/**
 * Connects, creates or checks the durable consumer, and starts consuming in the background.
 * Rejects when the server is unreachable or the durable exists with an incompatible config.
 */
export async function startNatsConsumer(
  options: NatsConsumerOptions,
  receive: Receive,
  log: TransportLog = silentLog,
): Promise<NatsConsumer> {
  const { onPoison, clock = systemClock, ...plain } = options;
  const config = natsConsumerConfigSchema.parse(plain);
  const nc = await connect({
    servers: config.servers,
    name: config.name,
    // The consumer is long-lived: never give up reconnecting on its own.
    maxReconnectAttempts: -1,
    reconnectTimeWait: config.reconnectTimeWaitMs,
  });
  try {
    await ensureDurable(await jetstreamManager(nc), config);
  } catch (error) {
    await nc.close();
    throw error;
  }
  const runner = new ConsumeRunner(nc, config, receive, onPoison, clock, log);
  runner.start();
  return { stop: () => runner.stop(), stats: () => runner.stats() };
}

/** Fields compared on the existing durable; changing the filter in place is unsafe on 2.9. */
async function ensureDurable(jsm: JetStreamManager, config: NatsConsumerConfig): Promise<void> {
  const wanted = {
    ack_wait: nanos(config.ackWaitMs),
    // Bounded by this transport (it hands over at maxDeliver), not by the server: a
    // server-side limit would silently stop redelivering a message whose last attempt
    // was cut short by a crash, and its body would only survive in the stream.
    max_deliver: -1,
    max_ack_pending: config.maxAckPending,
  };
  let info: ConsumerInfo | null;
  try {
    info = await jsm.consumers.info(config.stream, config.durable);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
      throw error;
    info = null;
  }
  if (info === null) {
    await jsm.consumers.add(config.stream, {
      durable_name: config.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: config.filterSubject,
      ...wanted,
    });
    return;
  }
  const current = info.config;
  const conflicts: string[] = [];
  if (current.ack_policy !== AckPolicy.Explicit) conflicts.push(`ack_policy=${current.ack_policy}`);
  if (current.deliver_subject) conflicts.push('it is a push consumer');
  if ((current.filter_subject ?? '') !== config.filterSubject) {
    conflicts.push(`filter_subject=${current.filter_subject ?? '(none)'} (wanted ${config.filterSubject})`);
  }
  if (conflicts.length > 0) {
    throw new Error(
      `durable consumer ${config.durable} on stream ${config.stream} exists with ${conflicts.join(', ')}; ` +
        'delete it or choose another durable name',
    );
  }
  if (
    current.ack_wait !== wanted.ack_wait ||
    current.max_deliver !== wanted.max_deliver ||
    current.max_ack_pending !== wanted.max_ack_pending
  ) {
    await jsm.consumers.update(config.stream, config.durable, wanted);
  }
}

/** Unacked messages are redelivered anyway; this only bounds how long stop() can take. */
const DRAIN_DEADLINE_MS = 10_000;

/** Between attempts to set the consume loop up again (server away, stream missing). */
const RESTART_BACKOFF = { initialIntervalMs: 250, backoffCoefficient: 2, maximumIntervalMs: 5000 };

type Outcome = { ok: true } | { ok: false; error: Error };

class ConsumeRunner {
  private readonly counters: Omit<NatsConsumerStats, 'state' | 'inFlight'> = {
    delivered: 0,
    received: 0,
    receiveFailures: 0,
    acked: 0,
    ackFailures: 0,
    nakked: 0,
    terminated: 0,
    poisonHandoffFailures: 0,
    released: 0,
    consumeRestarts: 0,
    disconnects: 0,
    reconnects: 0,
  };
  private state: NatsConsumerState = 'running';
  private inFlight = 0;
  private current: ConsumerMessages | null = null;
  private loop: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private wakeUp: () => void = () => {};

  constructor(
    private readonly nc: NatsConnection,
    private readonly config: NatsConsumerConfig,
    private readonly receive: Receive,
    private readonly onPoison: OnPoison,
    private readonly clock: Clock,
    private readonly log: TransportLog,
  ) {}

  start(): void {
    void this.watchConnection();
    this.loop = this.run();
  }

  stats(): NatsConsumerStats {
    return { state: this.state, inFlight: this.inFlight, ...this.counters };
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private get isStopping(): boolean {
    return this.stopping !== null;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'running') this.state = 'stopping';
    this.wakeUp();
    // Ends the iterator after the messages already buffered; those are released, not processed.
    this.current?.stop();
    await this.loop;
    if (!this.nc.isClosed()) {
      // drain() flushes the acks, naks and terms still in the outbound buffer before closing;
      // while the server is away it would wait for the reconnect, so it gets a deadline.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), DRAIN_DEADLINE_MS);
      });
      const drained = this.nc.drain().then(
        () => 'drained' as const,
        (error: unknown) => {
          this.log.warn({ err: error }, 'nats consumer: drain failed');
          return 'failed' as const;
        },
      );
      const result = await Promise.race([drained, deadline]);
      clearTimeout(timer);
      if (result !== 'drained' && !this.nc.isClosed()) {
        this.log.warn({ result }, 'nats consumer: closing without a full drain; unacked messages come back');
        await this.nc.close();
      }
    }
    if (this.state !== 'closed') this.state = 'stopped';
  }

  private async run(): Promise<void> {
    const { stream, durable } = this.config;
    let attempt = 0;
    while (!this.isStopping && !this.nc.isClosed()) {
      try {
        if (attempt > 0) await ensureDurable(await jetstreamManager(this.nc), this.config);
        const consumer = await jetstream(this.nc).consumers.get(stream, durable);
        const messages = await consumer.consume({ max_messages: this.config.batch });
        this.current = messages;
        if (this.isStopping) messages.stop();
        void this.watchConsumer(messages);
        for await (const msg of messages) {
          attempt = 0;
          this.counters.delivered++;
          if (this.isStopping) {
            // Pulled ahead but never started: offer it again now rather than after ackWait.
            // (A server that still holds this consumer's pull request, as 2.9 does, may hand
            // it to that request; then it comes back after ackWait like any unacked message.)
            msg.nak();
            this.counters.released++;
            continue;
          }
          await this.handle(msg);
        }
      } catch (error) {
        if (this.isStopping || this.nc.isClosed()) break;
        this.log.warn({ err: error, stream, durable }, 'nats consumer: consume loop failed; restarting');
      } finally {
        this.current = null;
      }
      if (this.isStopping || this.nc.isClosed()) break;
      // The iterator ended without a stop from us (consumer deleted, heartbeats lost): set up again.
      this.counters.consumeRestarts++;
      await this.pause(redeliveryDelayMs(++attempt, RESTART_BACKOFF));
    }
    if (this.nc.isClosed() && !this.isStopping) {
      this.state = 'closed';
      this.log.error({ stream, durable }, 'nats consumer: connection closed; consumer is no longer running');
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const envelope = toInboundEnvelope(msg, this.clock);
    const deliveryCount = msg.info.deliveryCount;
    const where = { stream: msg.info.stream, seq: msg.info.streamSequence, deliveryCount };
    const outcome = await this.callReceive(msg, envelope);
    if (outcome.ok) {
      this.counters.received++;
      await this.ack(msg);
      return;
    }
    this.counters.receiveFailures++;
    // Compared with the server's delivery count, not with receive calls: a message released
    // on stop or lost to a crash also used a delivery, so it may get fewer receive calls.
    if (deliveryCount >= this.config.maxDeliver) {
      await this.poison(msg, envelope, outcome.error);
      return;
    }
    const delay = redeliveryDelayMs(deliveryCount, this.config.redelivery);
    msg.nak(delay);
    this.counters.nakked++;
    this.log.warn({ ...where, err: outcome.error, retryInMs: delay }, 'nats consumer: receive failed; nak');
  }

  private async callReceive(msg: JsMsg, envelope: InboundEnvelope): Promise<Outcome> {
    this.inFlight++;
    // Keeps the server from redelivering while a slow receive is still working on it.
    const progress = setInterval(() => msg.working(), Math.max(50, Math.floor(this.config.ackWaitMs / 2)));
    try {
      await this.receive(envelope);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      clearInterval(progress);
      this.inFlight--;
    }
  }

  private async ack(msg: JsMsg): Promise<void> {
    try {
      // A confirmed ack: once counted, the server will not hand the message out again.
      if (await msg.ackAck()) {
        this.counters.acked++;
        return;
      }
    } catch (error) {
      this.log.warn({ err: error, seq: msg.info.streamSequence }, 'nats consumer: ack not confirmed');
    }
    // receive is idempotent on the key, so the redelivery this causes is harmless.
    this.counters.ackFailures++;
  }

  private async poison(msg: JsMsg, envelope: InboundEnvelope, error: Error): Promise<void> {
    const where = {
      stream: msg.info.stream,
      seq: msg.info.streamSequence,
      deliveryCount: msg.info.deliveryCount,
    };
    try {
      await this.onPoison(envelope, error);
    } catch (handoffError) {
      this.counters.poisonHandoffFailures++;
      const delay = this.config.redelivery.maximumIntervalMs;
      msg.nak(delay);
      this.counters.nakked++;
      this.log.error(
        { ...where, err: handoffError, retryInMs: delay },
        'nats consumer: onPoison failed; nak',
      );
      return;
    }
    msg.term();
    this.counters.terminated++;
    this.log.warn({ ...where, err: error }, 'nats consumer: message terminated and handed to onPoison');
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.counters.disconnects++;
        this.log.warn({ server: status.server }, 'nats consumer: disconnected');
      } else if (status.type === 'reconnect') {
        this.counters.reconnects++;
        this.log.info({ server: status.server }, 'nats consumer: reconnected');
      }
    }
  }

  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    for await (const note of messages.status()) {
      switch (note.type) {
        case 'consumer_deleted':
          this.log.warn({ note }, 'nats consumer: durable deleted; creating it again');
          // The loop's restart path recreates the durable.
          messages.stop();
          break;
        case 'consumer_not_found':
          // A server still recovering its store may answer not found once or twice.
          if (note.count >= 3) {
            this.log.warn({ note }, 'nats consumer: durable missing; creating it again');
            messages.stop();
          }
          break;
        case 'stream_not_found':
        case 'heartbeats_missed':
        case 'no_responders':
        case 'exceeded_limits':
          this.log.warn({ note }, 'nats consumer: server notice');
          break;
        default:
          break;
      }
    }
  }
}
