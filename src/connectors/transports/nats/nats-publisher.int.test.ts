import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../types.js';
import { createNatsPublisher, type NatsPublisher, type NatsPublisherOptions } from './index.js';
import { NATS_TEST_URL, probeNats, testStreams, uniqueId } from './nats-test-support.js';

const nats = await probeNats('the NATS publisher integration tests');

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `evt-${uniqueId()}`,
    key: 'part-42',
    type: 'part.updated',
    contentType: 'application/json',
    body: Buffer.from('{"part":"42"}'),
    ...overrides,
  };
}

describe.skipIf(!nats.available)('NATS JetStream publisher (real server)', () => {
  let nc: NatsConnection;
  let streams: ReturnType<typeof testStreams>;
  const publishers: NatsPublisher[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_TEST_URL });
    streams = testStreams(nc);
  });

  afterEach(async () => {
    for (const publisher of publishers.splice(0)) await publisher.close();
    await streams.cleanup();
  });

  afterAll(async () => {
    await nc?.close();
  });

  function publisher(options: Partial<NatsPublisherOptions> = {}): NatsPublisher {
    const created = createNatsPublisher({ servers: NATS_TEST_URL, timeoutMs: 2000, ...options });
    publishers.push(created);
    return created;
  }

  it('returns ok with the stream sequence and stores the id, content type and headers', async () => {
    const ts = await streams.create();
    const { deliver } = publisher({ subjectFor: (m) => ts.subject(`out.${m.type}`) });
    const message = outbound({
      contentType: 'text/csv',
      body: Buffer.from('a,b\n1,2\n'),
      headers: { 'X-Tenant': 't1' },
    });

    expect(await deliver(message)).toEqual({ ok: true, detail: `stream=${ts.stream} seq=1` });
    expect(await deliver(outbound())).toEqual({ ok: true, detail: `stream=${ts.stream} seq=2` });

    const stored = await (await jetstreamManager(nc)).streams.getMessage(ts.stream, { seq: 1 });
    expect(stored?.subject).toBe(ts.subject('out.part.updated'));
    expect(Buffer.from(stored!.data).equals(message.body)).toBe(true);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(message.id);
    expect(stored?.header.get('Content-Type')).toBe('text/csv');
    expect(stored?.header.get('X-Tenant')).toBe('t1');
  });

  it('classifies a subject no stream captures as a retryable NATS_NO_STREAM', async () => {
    const { deliver } = publisher({ subjectFor: () => `sparehub_nostream_${uniqueId()}.x` });
    expect(await deliver(outbound())).toMatchObject({
      ok: false,
      errorCode: 'NATS_NO_STREAM',
      permanent: false,
    });
  });

  it('classifies a subject that cannot be published to as a permanent NATS_BAD_SUBJECT', async () => {
    const { deliver } = publisher();
    expect(await deliver(outbound({ type: 'part updated' }))).toMatchObject({
      ok: false,
      errorCode: 'NATS_BAD_SUBJECT',
      permanent: true,
    });
    expect(await deliver(outbound({ type: 'part.*' }))).toMatchObject({ errorCode: 'NATS_BAD_SUBJECT' });
  });

  it('classifies a body above the server max payload as a permanent NATS_PAYLOAD_TOO_LARGE', async () => {
    const ts = await streams.create();
    const { deliver } = publisher({ subjectFor: () => ts.subject('big') });
    const body = Buffer.alloc(nc.info!.max_payload + 1);
    expect(await deliver(outbound({ body }))).toMatchObject({
      ok: false,
      errorCode: 'NATS_PAYLOAD_TOO_LARGE',
      permanent: true,
    });
  });

  it('reports an unreachable server as a retryable NATS_CONNECTION, and a closed publisher as NATS_CLOSED', async () => {
    // Port 1 on loopback: nothing listens there, the connect is refused at once.
    const unreachable = publisher({ servers: '127.0.0.1:1', connectTimeoutMs: 1000 });
    expect(await unreachable.deliver(outbound())).toMatchObject({
      ok: false,
      errorCode: 'NATS_CONNECTION',
      permanent: false,
    });

    const ts = await streams.create();
    const closing = publisher({ subjectFor: () => ts.subject('x') });
    expect(await closing.deliver(outbound())).toMatchObject({ ok: true });
    await closing.close();
    expect(await closing.deliver(outbound())).toMatchObject({
      ok: false,
      errorCode: 'NATS_CLOSED',
      permanent: false,
    });
  });
});
