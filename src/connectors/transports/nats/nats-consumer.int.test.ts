import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope, OutboundMessage, Receive, ReceiveResult } from '../types.js';
import {
  createNatsPublisher,
  startNatsConsumer,
  type NatsConsumer,
  type NatsConsumerOptions,
  type OnPoison,
} from './index.js';
import {
  NATS_TEST_URL,
  consumerInfo,
  observeAcks,
  probeNats,
  testStreams,
  until,
  type TestStream,
} from './nats-test-support.js';

const nats = await probeNats('the NATS consumer integration tests');

const FAST_REDELIVERY = { initialIntervalMs: 20, backoffCoefficient: 2, maximumIntervalMs: 200 };

function accepted(envelope: InboundEnvelope): ReceiveResult {
  return { messageId: envelope.idempotencyKey, duplicate: false };
}

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'evt-1',
    key: 'part-42',
    type: 'part.updated',
    contentType: 'application/json',
    body: Buffer.from('{"part":"42"}'),
    ...overrides,
  };
}

describe.skipIf(!nats.available)('NATS JetStream consumer (real server)', () => {
  let nc: NatsConnection;
  let js: JetStreamClient;
  let streams: ReturnType<typeof testStreams>;
  const running: NatsConsumer[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_TEST_URL });
    js = jetstream(nc);
    streams = testStreams(nc);
  });

  afterEach(async () => {
    for (const consumer of running.splice(0)) await consumer.stop();
    await streams.cleanup();
  });

  afterAll(async () => {
    await nc?.close();
  });

  async function start(
    ts: TestStream,
    receive: Receive,
    overrides: Partial<NatsConsumerOptions> = {},
  ): Promise<NatsConsumer> {
    const consumer = await startNatsConsumer(
      {
        servers: NATS_TEST_URL,
        stream: ts.stream,
        durable: 'hub',
        filterSubject: `${ts.prefix}>`,
        maxDeliver: 5,
        ackWaitMs: 5000,
        batch: 5,
        redelivery: FAST_REDELIVERY,
        onPoison: () => {
          throw new Error('unexpected poison');
        },
        ...overrides,
      },
      receive,
    );
    running.push(consumer);
    return consumer;
  }

  it('stores a message published twice with the same Nats-Msg-Id once and hands it to receive once', async () => {
    const ts = await streams.create();
    const publisher = createNatsPublisher({ servers: NATS_TEST_URL, subjectFor: () => ts.subject('parts') });
    try {
      const message = outbound({ id: 'evt-dup' });
      expect(await publisher.deliver(message)).toEqual({ ok: true, detail: `stream=${ts.stream} seq=1` });
      // A re-publish after a crash: JetStream answers with the first copy's sequence.
      expect(await publisher.deliver(message)).toEqual({
        ok: true,
        detail: `stream=${ts.stream} seq=1 duplicate`,
      });
      // Sequential consumer: once the sentinel arrives, a second copy would already have come.
      await publisher.deliver(outbound({ id: 'sentinel' }));
    } finally {
      await publisher.close();
    }
    const info = await (await jetstreamManager(nc)).streams.info(ts.stream);
    expect(info.state.messages).toBe(2);

    const keys: string[] = [];
    await start(ts, (envelope) => {
      keys.push(envelope.idempotencyKey);
      return Promise.resolve(accepted(envelope));
    });
    await until(() => keys.includes('sentinel'), 'the sentinel message');
    expect(keys).toEqual(['evt-dup', 'sentinel']);
  });

  it('builds the envelope from the message id, content type, subject and headers', async () => {
    const ts = await streams.create();
    const publisher = createNatsPublisher({
      servers: NATS_TEST_URL,
      subjectFor: () => ts.subject('parts.42'),
    });
    try {
      await publisher.deliver(
        outbound({
          id: 'evt-env',
          contentType: 'application/xml',
          body: Buffer.from('<a/>'),
          headers: { 'X-Tenant': 't1' },
        }),
      );
    } finally {
      await publisher.close();
    }
    const h = headers();
    h.set('X-Origin', 'erp');
    await js.publish(ts.subject('parts.43'), Buffer.from('{"n":1}'), { headers: h });

    const envelopes: InboundEnvelope[] = [];
    await start(ts, (envelope) => {
      envelopes.push(envelope);
      return Promise.resolve(accepted(envelope));
    });
    await until(() => envelopes.length === 2, 'two envelopes');
    const [withId, withoutId] = envelopes;
    expect(withId).toMatchObject({
      transport: 'nats',
      idempotencyKey: 'evt-env',
      contentType: 'application/xml',
      meta: {
        subject: ts.subject('parts.42'),
        stream: ts.stream,
        streamSeq: '1',
        deliveryCount: '1',
        'header.Nats-Msg-Id': 'evt-env',
        'header.X-Tenant': 't1',
      },
    });
    expect(withId?.body.toString()).toBe('<a/>');
    expect(withoutId).toMatchObject({
      idempotencyKey: `${ts.stream}:2`,
      contentType: 'application/json',
      meta: { subject: ts.subject('parts.43'), streamSeq: '2', 'header.X-Origin': 'erp' },
    });
  });

  it('redelivers a message whose receive failed twice and acks it exactly once when the third call resolves', async () => {
    const ts = await streams.create();
    const acks = await observeAcks(nc, ts.stream, 'hub');
    const body = Buffer.from('{"order":"SO-1"}');
    await js.publish(ts.subject('orders'), body, { msgID: 'so-1' });

    const seen: InboundEnvelope[] = [];
    const consumer = await start(ts, (envelope) => {
      seen.push(envelope);
      if (seen.length <= 2) return Promise.reject(new Error(`store unavailable (${seen.length})`));
      return Promise.resolve(accepted(envelope));
    });
    await until(() => consumer.stats().acked === 1, 'the ack');
    await consumer.stop();
    await acks.settle();

    expect(seen.map((e) => e.meta.deliveryCount)).toEqual(['1', '2', '3']);
    expect(seen.every((e) => e.idempotencyKey === 'so-1' && e.body.equals(body))).toBe(true);
    expect(acks.of('-NAK')).toHaveLength(2);
    expect(acks.of('+ACK')).toEqual([{ kind: '+ACK', streamSeq: 1, deliveryCount: 3 }]);
    const info = await consumerInfo(nc, ts.stream, 'hub');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1);
    expect(consumer.stats()).toMatchObject({
      received: 1,
      receiveFailures: 2,
      acked: 1,
      nakked: 2,
      terminated: 0,
    });
  });

  it('terminates a message that always fails after maxDeliver deliveries and hands its intact body to onPoison', async () => {
    const ts = await streams.create();
    const acks = await observeAcks(nc, ts.stream, 'hub');
    // Not valid UTF-8 on purpose: the raw bytes must survive untouched.
    const body = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x7b, 0x22, 0x7d, 0x0a]);
    await js.publish(ts.subject('orders'), body, { msgID: 'bad-1' });

    let calls = 0;
    const poisoned: { envelope: InboundEnvelope; error: Error }[] = [];
    const consumer = await start(
      ts,
      () => {
        calls++;
        return Promise.reject(new Error('mapping failed: no such part'));
      },
      {
        maxDeliver: 3,
        onPoison: (envelope, error) => {
          poisoned.push({ envelope, error });
        },
      },
    );
    await until(() => poisoned.length === 1, 'the poison hand-over');
    await consumer.stop();
    await acks.settle();

    expect(calls).toBe(3);
    const [handed] = poisoned;
    expect(handed?.envelope.body.equals(body)).toBe(true);
    expect(handed?.envelope.idempotencyKey).toBe('bad-1');
    expect(handed?.envelope.meta.deliveryCount).toBe('3');
    expect(handed?.error.message).toBe('mapping failed: no such part');
    expect(acks.of('-NAK')).toHaveLength(2);
    expect(acks.of('+TERM')).toEqual([{ kind: '+TERM', streamSeq: 1, deliveryCount: 3 }]);
    expect(acks.of('+ACK')).toHaveLength(0);
    const info = await consumerInfo(nc, ts.stream, 'hub');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('keeps a poison message when onPoison fails and hands it over again on the next failed delivery', async () => {
    const ts = await streams.create();
    const acks = await observeAcks(nc, ts.stream, 'hub');
    const body = Buffer.from('{"broken":true}');
    await js.publish(ts.subject('orders'), body);

    let receiveCalls = 0;
    const handedOver: InboundEnvelope[] = [];
    const onPoison: OnPoison = (envelope) => {
      handedOver.push(envelope);
      if (handedOver.length === 1) throw new Error('dead-letter store down');
    };
    const consumer = await start(
      ts,
      () => {
        receiveCalls++;
        return Promise.reject(new Error('always'));
      },
      { maxDeliver: 2, onPoison },
    );
    await until(() => consumer.stats().terminated === 1, 'the termination');
    await consumer.stop();
    await acks.settle();

    expect(receiveCalls).toBe(3);
    expect(handedOver.map((e) => e.meta.deliveryCount)).toEqual(['2', '3']);
    expect(handedOver.every((e) => e.body.equals(body))).toBe(true);
    expect(acks.of('+TERM')).toHaveLength(1);
    expect(consumer.stats()).toMatchObject({ poisonHandoffFailures: 1, terminated: 1, acked: 0 });
  });

  it('hands messages on one subject to a sequential consumer in publish order with their bytes intact', async () => {
    const ts = await streams.create();
    const bodies = fc
      .sample(fc.uint8Array({ minLength: 0, maxLength: 64 }), { numRuns: 40, seed: 4222 })
      .map((bytes) => Buffer.from(bytes));
    for (const body of bodies) {
      // Awaiting each PubAck makes publish order the stream order.
      await js.publish(ts.subject('stock.P-1'), body);
    }
    const received: InboundEnvelope[] = [];
    await start(
      ts,
      async (envelope) => {
        received.push(envelope);
        await new Promise((resolve) => setImmediate(resolve));
        return accepted(envelope);
      },
      { batch: 7 },
    );
    await until(() => received.length === bodies.length, 'all messages');
    expect(received.map((e) => Number(e.meta.streamSeq))).toEqual(bodies.map((_b, i) => i + 1));
    expect(received.every((e, i) => e.body.equals(bodies[i]!))).toBe(true);
  });

  it('on stop acks only what receive resolved, and a restarted durable gets every unacked message', async () => {
    const ts = await streams.create();
    const total = 60;
    for (let i = 1; i <= total; i++) await js.publish(ts.subject('stock'), Buffer.from(`{"n":${i}}`));
    const acks = await observeAcks(nc, ts.stream, 'hub');
    // A short ack wait bounds the wait for a message that was in transit when the first stopped.
    const overrides = { batch: 10, ackWaitMs: 2000 };

    let calls1 = 0;
    const resolved1: number[] = [];
    const stopping: { done: Promise<void> | null } = { done: null };
    const first: NatsConsumer = await start(
      ts,
      async (envelope) => {
        calls1++;
        await new Promise((resolve) => setTimeout(resolve, 1));
        resolved1.push(Number(envelope.meta.streamSeq));
        // Stop while messages are flowing, from inside a receive that is still running.
        if (resolved1.length === 15) stopping.done = first.stop();
        return accepted(envelope);
      },
      overrides,
    );
    await until(() => stopping.done !== null, 'the stop');
    await stopping.done;
    await acks.settle();

    const acked1 = acks.of('+ACK').map((a) => a.streamSeq);
    expect(first.stats().inFlight).toBe(0);
    expect(resolved1).toHaveLength(calls1);
    expect(resolved1.length).toBeLessThan(total);
    // Every ack belongs to a resolved receive, and every resolved receive was acked once.
    expect([...acked1].sort((a, b) => a - b)).toEqual([...resolved1].sort((a, b) => a - b));
    expect(first.stats().acked).toBe(resolved1.length);

    const resolved2: number[] = [];
    await start(
      ts,
      (envelope) => {
        resolved2.push(Number(envelope.meta.streamSeq));
        return Promise.resolve(accepted(envelope));
      },
      overrides,
    );
    const union = () => new Set([...resolved1, ...resolved2]);
    await until(() => union().size === total, 'every message across both consumers');
    expect(resolved2.filter((seq) => acked1.includes(seq))).toEqual([]);
    expect([...union()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_v, i) => i + 1));
  });

  it('keeps a slow receive from being redelivered past the ack wait', async () => {
    const ts = await streams.create();
    await js.publish(ts.subject('slow'), Buffer.from('{}'));
    let calls = 0;
    const consumer = await start(
      ts,
      async (envelope) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 1200));
        return accepted(envelope);
      },
      { ackWaitMs: 400 },
    );
    await until(() => consumer.stats().acked === 1, 'the ack');
    expect(calls).toBe(1);
    expect((await consumerInfo(nc, ts.stream, 'hub')).num_redelivered).toBe(0);
  });

  it('refuses to start on a durable that exists with another filter subject', async () => {
    const ts = await streams.create();
    const receive: Receive = (envelope) => Promise.resolve(accepted(envelope));
    await (await start(ts, receive, { filterSubject: ts.subject('a.>') })).stop();
    await expect(start(ts, receive, { filterSubject: ts.subject('b.>') })).rejects.toThrow(/filter_subject/);
  });
});
