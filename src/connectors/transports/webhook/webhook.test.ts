import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender, parseRetryAfter, signWebhook, verifyWebhook } from './index.js';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
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
    ).toEqual({
      ok: true,
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
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
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(check({ secrets: ['whsec_' + Buffer.from('another key').toString('base64')] })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(check({ now: at(VECTOR.timestamp + 301) })).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_TOO_OLD' });
    expect(check({ now: at(VECTOR.timestamp + 300) })).toMatchObject({ ok: true });
    expect(check({ now: at(VECTOR.timestamp - 301) })).toMatchObject({ code: 'WEBHOOK_TIMESTAMP_IN_FUTURE' });
    expect(check({ headers: { ...headers, 'webhook-timestamp': '16142x' } })).toMatchObject({
      code: 'WEBHOOK_TIMESTAMP_INVALID',
    });
    expect(check({ headers: { 'webhook-id': VECTOR.id } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_MISSING',
    });
    expect(check({ headers: { ...headers, 'webhook-signature': 'v2,abc v1' } })).toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
  });

  it('accepts any of several signatures and secrets while a secret rotates', () => {
    const old = signWebhook({ ...VECTOR, secret: 'whsec_' + Buffer.from('the old key').toString('base64') });
    const both = { ...old, 'webhook-signature': `${old['webhook-signature']} ${VECTOR.signature}` };
    expect(
      verifyWebhook({
        secrets: [VECTOR.secret],
        headers: both,
        rawBody: Buffer.from(VECTOR.body),
        now: at(VECTOR.timestamp),
      }).ok,
    ).toBe(true);
    expect(
      verifyWebhook({
        secrets: ['whsec_' + Buffer.from('the old key').toString('base64'), 'x'.repeat(20)],
        headers: { ...old },
        rawBody: Buffer.from(VECTOR.body),
        now: at(VECTOR.timestamp),
      }).ok,
    ).toBe(true);
  });

  it('round-trips any body and secret, and any one-byte change fails (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 16, maxLength: 60 }),
        fc.nat(),
        (bytes, secret, flip) => {
          const body = Buffer.from(bytes);
          const headers = { ...signWebhook({ secret, id: 'msg_1', timestamp: 1_700_000_000, body }) };
          expect(
            verifyWebhook({ secrets: [secret], headers, rawBody: body, now: at(1_700_000_000) }).ok,
          ).toBe(true);
          const changed = Buffer.from(body);
          const i = flip % changed.length;
          changed[i] = (changed[i]! + 1) % 256;
          expect(
            verifyWebhook({ secrets: [secret], headers, rawBody: changed, now: at(1_700_000_000) }).ok,
          ).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('webhook sender against a real HTTP server', () => {
  const script: Array<{ status: number; headers?: Record<string, string>; hang?: boolean }> = [];
  const seen: Array<{ ok: boolean; id: string }> = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const verified = verifyWebhook({
          secrets: [VECTOR.secret],
          headers: req.headers,
          rawBody: Buffer.concat(chunks),
          now: Date.now(),
        });
        seen.push({ ok: verified.ok, id: String(req.headers['webhook-id']) });
        const next = script.shift() ?? { status: 200 };
        if (next.hang) return; // never answers
        res.writeHead(next.status, next.headers ?? {}).end('answer');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const message = (id: string) => ({
    id,
    key: 'part:1',
    type: 't',
    contentType: 'application/json',
    body: Buffer.from('{"a":1}'),
  });

  it('signs what it sends and classifies every answer for the relay', async () => {
    const send = createWebhookSender({ url, secret: VECTOR.secret, timeoutMs: 300 });
    script.push(
      { status: 200 },
      { status: 500 },
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 400 },
      { status: 408 },
      { status: 200, hang: true },
    );
    expect(await send(message('d1'))).toMatchObject({ ok: true });
    expect(await send(message('d2'))).toMatchObject({ ok: false, errorCode: 'HTTP_5XX', permanent: false });
    expect(await send(message('d3'))).toMatchObject({
      ok: false,
      errorCode: 'HTTP_429',
      permanent: false,
      retryAfterMs: 7000,
    });
    expect(await send(message('d4'))).toMatchObject({ ok: false, errorCode: 'HTTP_4XX', permanent: true });
    expect(await send(message('d5'))).toMatchObject({ ok: false, permanent: false });
    expect(await send(message('d6'))).toMatchObject({ ok: false, errorCode: 'TIMEOUT', permanent: false });
    expect(seen.every((s) => s.ok)).toBe(true);
    expect(seen.map((s) => s.id)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const send = createWebhookSender({
      url: `http://127.0.0.1:${port}/`,
      secret: VECTOR.secret,
      timeoutMs: 1000,
    });
    expect(await send(message('d7'))).toMatchObject({
      ok: false,
      errorCode: 'CONNECTION_REFUSED',
      permanent: false,
    });
  });
});
