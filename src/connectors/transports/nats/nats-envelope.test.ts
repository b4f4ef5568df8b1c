import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.js';
import { toInboundEnvelope, type NatsInboundMessage } from './nats-envelope.js';

const clock = fixedClock(new Date('2030-01-02T03:04:05.000Z'));

function message(overrides: Partial<NatsInboundMessage> = {}): NatsInboundMessage {
  return {
    subject: 'erp.parts.upsert',
    data: new Uint8Array([0x7b, 0x7d]),
    headers: undefined,
    timestamp: '2030-01-02T03:04:00.000Z',
    info: { stream: 'ERP', consumer: 'hub', streamSequence: 17, deliveryCount: 2 },
    ...overrides,
  };
}

describe('NATS inbound envelope', () => {
  it('keys a message without Nats-Msg-Id on its stream position and defaults to JSON', () => {
    expect(toInboundEnvelope(message(), clock)).toEqual({
      transport: 'nats',
      idempotencyKey: 'ERP:17',
      contentType: 'application/json',
      body: Buffer.from('{}'),
      receivedAt: '2030-01-02T03:04:05.000Z',
      meta: {
        subject: 'erp.parts.upsert',
        stream: 'ERP',
        consumer: 'hub',
        streamSeq: '17',
        deliveryCount: '2',
        publishedAt: '2030-01-02T03:04:00.000Z',
      },
    });
  });

  it('uses the Nats-Msg-Id as key, a Content-Type header in any case, and keeps every header', () => {
    const h = headers();
    h.set('Nats-Msg-Id', 'evt-9');
    h.set('content-type', 'application/xml');
    h.append('X-Trace', 'a');
    h.append('X-Trace', 'b');
    const envelope = toInboundEnvelope(message({ headers: h }), clock);
    expect(envelope.idempotencyKey).toBe('evt-9');
    expect(envelope.contentType).toBe('application/xml');
    expect(envelope.meta).toMatchObject({
      'header.Nats-Msg-Id': 'evt-9',
      'header.content-type': 'application/xml',
      'header.X-Trace': 'a, b',
    });
  });

  it('copies the body so a reused receive buffer cannot change it', () => {
    const data = new Uint8Array([1, 2, 3]);
    const envelope = toInboundEnvelope(message({ data }), clock);
    data[0] = 9;
    expect([...envelope.body]).toEqual([1, 2, 3]);
  });
});
