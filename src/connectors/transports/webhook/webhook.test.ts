import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseRetryAfter,
  signWebhook,
  toInboundEnvelope,
  verifyWebhook,
  WebhookEnvelopeError,
} from './index.js';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
// Our own vectors, computed independently with
//   printf 'msg_2fXk1.1700000000.{"a":1}' | openssl dgst -sha256 -hmac '<key>' -binary | base64
// once with the raw key 'sparehub-raw-secret', once with the 32-byte key
// 'sparehub test key 32 bytes long!' (base64 c3BhcmVodWIgdGVzdCBrZXkgMzIgYnl0ZXMgbG9uZyE=).
const OWN = { id: 'msg_2fXk1', timestamp: 1_700_000_000, body: '{"a":1}' };
const at = (seconds: number) => seconds * 1000;

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification’s test vector and verifies it', () => {
    const headers = signWebhook(VECTOR);
    expect(headers['webhook-signature']).toBe(VECTOR.signature);
    expect(
      verifyWebhook({
        secrets: [VECTOR.secret],
        headers: { ...headers },
        rawBody: Buffer.from(VECTOR.body),
        now: at(VECTOR.timestamp),
      }),
    ).toEqual({ ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp });
  });

  it('signs with a whsec_ secret’s decoded key and with a raw secret’s own bytes (known answers)', () => {
    expect(
      signWebhook({ ...OWN, secret: 'whsec_c3BhcmVodWIgdGVzdCBrZXkgMzIgYnl0ZXMgbG9uZyE=' })[
        'webhook-signature'
      ],
    ).toBe('v1,F6L/AZZGLQhiat+mUY0+NDdo/Pj9pC/eQbJ2O3eOkIY=');
    expect(signWebhook({ ...OWN, secret: 'sparehub-raw-secret' })['webhook-signature']).toBe(
      'v1,690fg0nDbJ/o+ezaIQuTbVZTxjUY1q75B4N+KryGApM=',
    );
    expect(signWebhook({ ...OWN, body: Buffer.from(OWN.body), secret: 'sparehub-raw-secret' })).toEqual({
      'webhook-id': 'msg_2fXk1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,690fg0nDbJ/o+ezaIQuTbVZTxjUY1q75B4N+KryGApM=',
    });
  });

  it('refuses a tampered body, a wrong secret, a stale or future timestamp and missing headers, each with its code', () => {
    const headers = { ...signWebhook(VECTOR) };
    const check = (over: Partial<Parameters<typeof verifyWebhook>[0]>) =>
      verifyWebhook({
        secrets: [VECTOR.secret],
        headers,
        rawBody: Buffer.from(VECTOR.body),
        now: at(VECTOR.timestamp),
        ...over,
      });
    expect(check({ rawBody: Buffer.from('{"test": 2432232315}') })).toMatchObject({
      ok: false,
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(check({ secrets: ['whsec_' + Buffer.from('another key').toString('base64')] })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(check({ now: at(VECTOR.timestamp + 301) })).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_TOO_OLD' });
    expect(check({ now: at(VECTOR.timestamp + 300) })).toMatchObject({ ok: true });
    expect(check({ now: at(VECTOR.timestamp - 301) })).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_IN_FUTURE' });
    expect(check({ now: at(VECTOR.timestamp + 30), toleranceSeconds: 10 })).toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_TOO_OLD',
    });
    expect(check({ headers: { ...headers, 'webhook-timestamp': '16142x' } })).toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_INVALID',
    });
    expect(check({ headers: { 'webhook-id': VECTOR.id } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MISSING',
    });
    expect(check({ headers: { ...headers, 'webhook-id': undefined } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MISSING',
    });
    expect(check({ headers: { ...headers, 'webhook-signature': 'v2,abc v1' } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    // The signature covers the id and the timestamp too.
    expect(check({ headers: { ...headers, 'webhook-id': 'msg_other' } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(
      check({ headers: { ...headers, 'webhook-timestamp': String(VECTOR.timestamp + 1) } }),
    ).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('verifies the raw bytes, not the JSON they stand for', () => {
    const headers = { ...signWebhook(VECTOR) };
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(VECTOR.body)));
    expect(reserialised.toString()).not.toBe(VECTOR.body);
    expect(
      verifyWebhook({ secrets: [VECTOR.secret], headers, rawBody: reserialised, now: at(VECTOR.timestamp) }),
    ).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('reads the headers whatever their case', () => {
    const signed = signWebhook(VECTOR);
    const headers = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'Webhook-Signature': [signed['webhook-signature']],
    };
    expect(
      verifyWebhook({
        secrets: [VECTOR.secret],
        headers,
        rawBody: Buffer.from(VECTOR.body),
        now: at(VECTOR.timestamp),
      }).ok,
    ).toBe(true);
  });

  it('accepts any of several signatures and secrets while a secret rotates', () => {
    const oldSecret = 'whsec_' + Buffer.from('the old key').toString('base64');
    const old = signWebhook({ ...VECTOR, secret: oldSecret });
    const both = { ...old, 'webhook-signature': `${old['webhook-signature']} ${VECTOR.signature}` };
    const verify = (secrets: string[], headers: Record<string, string>) =>
      verifyWebhook({ secrets, headers, rawBody: Buffer.from(VECTOR.body), now: at(VECTOR.timestamp) }).ok;
    // The sender signs with old and new; the receiver already moved to the new secret.
    expect(verify([VECTOR.secret], both)).toBe(true);
    // The sender still signs with the old one; the receiver accepts both for a while.
    expect(verify([VECTOR.secret, oldSecret], { ...old })).toBe(true);
    // Once the old secret is retired, its signatures no longer pass.
    expect(verify([VECTOR.secret], { ...old })).toBe(false);
  });

  it('never verifies with an empty key, and refuses to sign with one', () => {
    const headers = { ...signWebhook({ ...OWN, secret: 'x' }) };
    // HMAC pads keys with zero bytes, so the key "\0" signs exactly as an empty key would.
    const forged = {
      ...headers,
      'webhook-signature': signWebhook({ ...OWN, secret: '\0' })['webhook-signature'],
    };
    for (const secret of ['', 'whsec_'])
      expect(
        verifyWebhook({
          secrets: [secret],
          headers: forged,
          rawBody: Buffer.from(OWN.body),
          now: at(OWN.timestamp),
        }).ok,
      ).toBe(false);
    expect(() => signWebhook({ ...OWN, secret: 'whsec_' })).toThrow(RangeError);
  });

  it('round-trips any body and secret, and any one-byte change fails (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !s.startsWith('whsec_')),
          fc
            .uint8Array({ minLength: 1, maxLength: 64 })
            .map((k) => 'whsec_' + Buffer.from(k).toString('base64')),
        ),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, secret, position, delta) => {
          const body = Buffer.from(bytes);
          const headers = { ...signWebhook({ secret, id: 'msg_1', timestamp: 1_700_000_000, body }) };
          const verify = (rawBody: Buffer) =>
            verifyWebhook({ secrets: [secret], headers, rawBody, now: at(1_700_000_000) }).ok;
          expect(verify(body)).toBe(true);
          const changed = Buffer.from(body);
          const i = position % changed.length;
          changed[i] = (changed[i]! + delta) % 256;
          expect(verify(changed)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter(new Date(0).toUTCString(), 60_000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('inbound webhook envelope', () => {
  const signed = { ...signWebhook(VECTOR) };
  const headers = { ...signed, 'content-type': 'application/json' };

  it('keys the message by its webhook id, so a replay or a retry is the same message', () => {
    const first = toInboundEnvelope({
      headers,
      rawBody: Buffer.from(VECTOR.body),
      receivedAt: '2026-11-25T10:00:00.000Z',
    });
    expect(first).toEqual({
      transport: 'http',
      idempotencyKey: VECTOR.id,
      contentType: 'application/json',
      body: Buffer.from(VECTOR.body),
      receivedAt: '2026-11-25T10:00:00.000Z',
      meta: { webhookId: VECTOR.id, webhookTimestamp: String(VECTOR.timestamp) },
    });
    const replay = toInboundEnvelope({
      headers,
      rawBody: Buffer.from(VECTOR.body),
      receivedAt: new Date('2026-11-25T10:04:00Z'),
      meta: { requestId: 'req-2', webhookId: 'not this' },
    });
    expect(replay.idempotencyKey).toBe(first.idempotencyKey);
    expect(replay.receivedAt).toBe('2026-11-25T10:04:00.000Z');
    expect(replay.meta).toEqual({ requestId: 'req-2', webhookId: VECTOR.id, webhookTimestamp: '1614265330' });
  });

  it('keeps the raw bytes and takes the content type given, the header’s, or octet-stream', () => {
    const raw = Buffer.from([0xff, 0x00, 0x7b]);
    expect(toInboundEnvelope({ headers: signed, rawBody: raw, receivedAt: 'x' }).body).toBe(raw);
    expect(toInboundEnvelope({ headers: signed, rawBody: raw, receivedAt: 'x' }).contentType).toBe(
      'application/octet-stream',
    );
    expect(
      toInboundEnvelope({ headers, rawBody: raw, receivedAt: 'x', contentType: 'application/xml' })
        .contentType,
    ).toBe('application/xml');
  });

  it('refuses a request without a webhook id', () => {
    expect(() => toInboundEnvelope({ headers: {}, rawBody: Buffer.alloc(0), receivedAt: 'x' })).toThrow(
      WebhookEnvelopeError,
    );
  });
});
