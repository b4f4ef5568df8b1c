/**
 * Test helpers for the NATS transport's integration tests: reaching the server (fail in CI,
 * skip loudly elsewhere), uniquely named streams that are deleted afterwards, and an
 * independent observer of the acks a consumer sends.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type ConsumerInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { ensureStream } from './nats-stream.js';

export const NATS_TEST_URL = process.env.SPAREHUB_TEST_NATS_URL ?? '127.0.0.1:4222';

export type NatsProbe = { available: true; url: string } | { available: false; url: string; reason: string };

/**
 * Checks once per test file that NATS with JetStream answers. Under CI=true an unreachable
 * server fails the file with a clear message; elsewhere the tests are skipped, loudly.
 */
export async function probeNats(what: string): Promise<NatsProbe> {
  let reason: string | null = null;
  try {
    const nc = await connect({ servers: NATS_TEST_URL, timeout: 2000, maxReconnectAttempts: 0 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
    } catch (error) {
      reason = `JetStream is not enabled: ${(error as Error).message}`;
    } finally {
      await nc.close();
    }
  } catch (error) {
    reason = (error as Error).message;
  }
  if (reason === null) return { available: true, url: NATS_TEST_URL };
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but NATS JetStream at ${NATS_TEST_URL} is not usable (${reason}); start it with ` +
        '`nats-server -js` or scripts/ensure-services.sh, or point SPAREHUB_TEST_NATS_URL at one',
    );
  }
  console.warn(`\n*** NATS JetStream is not usable at ${NATS_TEST_URL} (${reason}): ${what} SKIPPED. ***\n`);
  return { available: false, url: NATS_TEST_URL, reason };
}

/** A fresh stream per test: `T_<id>` capturing `t_<id>.>`, so runs never collide. */
export interface TestStream {
  stream: string;
  /** Subject prefix captured by the stream, e.g. `t_abc.` + `orders`. */
  prefix: string;
  subject(suffix: string): string;
}

export function uniqueId(): string {
  return `${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
}

/** Creates streams through ensureStream and deletes them all in `cleanup()`. */
export function testStreams(nc: NatsConnection): {
  create(duplicateWindowMs?: number): Promise<TestStream>;
  cleanup(): Promise<void>;
} {
  const created: string[] = [];
  return {
    async create(duplicateWindowMs = 60_000) {
      const id = uniqueId();
      const stream = `SPAREHUB_T_${id}`;
      const prefix = `t_${id}.`;
      await ensureStream(nc, { name: stream, subjects: [`${prefix}>`], duplicateWindowMs });
      created.push(stream);
      return { stream, prefix, subject: (suffix) => `${prefix}${suffix}` };
    },
    async cleanup() {
      const jsm = await jetstreamManager(nc);
      for (const stream of created.splice(0)) {
        await jsm.streams.delete(stream).catch(() => false);
      }
    },
  };
}

/** The first word the consumer sent: +ACK, -NAK, +TERM, +WPI (working), +NXT. */
export type AckKind = string;

export interface AckEvent {
  kind: AckKind;
  streamSeq: number;
  deliveryCount: number;
}

/**
 * Watches `$JS.ACK.<stream>.<durable>.>` on its own subscription: every ack, nak and term
 * the consumer sends, as the server sees it. Call `settle()` after the consumer stopped
 * (its drain flushed everything) to be sure all of them arrived.
 */
export async function observeAcks(
  nc: NatsConnection,
  stream: string,
  durable: string,
): Promise<{ events: AckEvent[]; of(kind: AckKind): AckEvent[]; settle(): Promise<void>; close(): void }> {
  const events: AckEvent[] = [];
  const sub: Subscription = nc.subscribe(`$JS.ACK.${stream}.${durable}.>`, {
    callback: (_error, msg) => {
      const tokens = msg.subject.split('.');
      // Before 2.10: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>;
      // later servers put domain and account hash first (and a token at the end).
      const offset = tokens.length === 9 ? 4 : 6;
      const kind = msg.string().split(' ')[0] ?? '';
      events.push({
        kind,
        deliveryCount: Number(tokens[offset]),
        streamSeq: Number(tokens[offset + 1]),
      });
    },
  });
  await nc.flush();
  return {
    events,
    of: (kind) => events.filter((event) => event.kind === kind),
    settle: () => nc.flush(),
    close: () => sub.unsubscribe(),
  };
}

export async function consumerInfo(
  nc: NatsConnection,
  stream: string,
  durable: string,
): Promise<ConsumerInfo> {
  return (await jetstreamManager(nc)).consumers.info(stream, durable);
}

/** Resolves once `predicate` holds (checked every 10 ms); rejects with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
