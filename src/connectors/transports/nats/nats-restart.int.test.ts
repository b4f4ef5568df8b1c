/**
 * Survives a NATS server restart. The shared server must never be stopped, so this test
 * starts its own nats-server (own port, own store) and restarts that one; it is skipped
 * when no nats-server binary is installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope, OutboundMessage } from '../types.js';
import { createNatsPublisher, ensureStream, startNatsConsumer, type NatsConsumer } from './index.js';
import { until, uniqueId } from './nats-test-support.js';

const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';
const hasNatsServer = spawnSync(NATS_SERVER_BIN, ['--version']).status === 0;
if (!hasNatsServer) {
  console.warn(`\n*** ${NATS_SERVER_BIN} is not installed: the NATS server restart test is SKIPPED. ***\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** One private nats-server with JetStream, restartable on the same port and store. */
class PrivateNatsServer {
  private child: ChildProcess | null = null;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'sparehub-nats-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      NATS_SERVER_BIN,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not start on port ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasNatsServer)('NATS consumer across a server restart (private nats-server)', () => {
  let server: PrivateNatsServer | null = null;
  let consumer: NatsConsumer | null = null;

  afterAll(async () => {
    await consumer?.stop();
    await server?.dispose();
  });

  it('keeps consuming after the server restarts and loses no message', async () => {
    server = new PrivateNatsServer(await freePort());
    await server.start();
    const id = uniqueId();
    const stream = `SPAREHUB_R_${id}`;
    const subject = (n: number) => `r_${id}.stock.${n}`;

    const setup = await connect({ servers: server.url });
    await ensureStream(setup, { name: stream, subjects: [`r_${id}.>`], duplicateWindowMs: 60_000 });
    const js = jetstream(setup);
    for (let n = 1; n <= 5; n++) await js.publish(subject(n), Buffer.from(`{"n":${n}}`), { msgID: `m-${n}` });
    await setup.close();

    const keys = new Set<string>();
    consumer = await startNatsConsumer(
      {
        servers: server.url,
        stream,
        durable: 'hub',
        filterSubject: `r_${id}.>`,
        ackWaitMs: 2000,
        reconnectTimeWaitMs: 50,
        redelivery: { initialIntervalMs: 20, backoffCoefficient: 2, maximumIntervalMs: 200 },
        onPoison: () => {
          throw new Error('unexpected poison');
        },
      },
      (envelope: InboundEnvelope) => {
        keys.add(envelope.idempotencyKey);
        return Promise.resolve({ messageId: envelope.idempotencyKey, duplicate: false });
      },
    );
    await until(() => keys.size === 5, 'the first five messages');

    await server.stop();
    await until(() => consumer!.stats().disconnects >= 1, 'the disconnect');
    await server.start();

    const publisher = createNatsPublisher({
      servers: server.url,
      reconnectTimeWaitMs: 50,
      subjectFor: (message) => subject(Number(message.key)),
    });
    try {
      for (let n = 6; n <= 10; n++) {
        const message: OutboundMessage = {
          id: `m-${n}`,
          key: String(n),
          type: 'stock.changed',
          contentType: 'application/json',
          body: Buffer.from(`{"n":${n}}`),
        };
        // JetStream may still be recovering its store right after the restart: retry like the relay.
        let result = await publisher.deliver(message);
        for (let attempt = 0; !result.ok && !result.permanent && attempt < 50; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          result = await publisher.deliver(message);
        }
        expect(result).toMatchObject({ ok: true });
      }
    } finally {
      await publisher.close();
    }

    await until(() => keys.size === 10, 'all ten messages after the restart', 15_000);
    expect(consumer.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(consumer.stats().state).toBe('running');
    expect([...keys].sort()).toEqual(Array.from({ length: 10 }, (_v, i) => `m-${i + 1}`).sort());
  });
});
