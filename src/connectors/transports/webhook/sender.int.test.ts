import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../types.js';
import { createWebhookSender, verifyWebhook } from './index.js';

const SECRET = 'whsec_' + Buffer.from('sparehub sender test key, 32 by').toString('base64');

interface Seen {
  path: string;
  verified: boolean;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A real HTTP server that checks every request's signature over the bytes it received and
 * answers as the path says: /status/<code>, with ?retry-after=<value>, or /hang (never).
 */
describe('webhook sender against a real HTTP server', () => {
  const seen: Seen[] = [];
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://x');
        const verified = verifyWebhook({
          secrets: [SECRET],
          headers: req.headers,
          rawBody: body,
          now: Date.now(),
        });
        seen.push({ path: url.pathname, verified: verified.ok, headers: req.headers, body });
        if (url.pathname === '/hang') return;
        const status = Number(/^\/status\/(\d+)$/.exec(url.pathname)?.[1] ?? 200);
        const retryAfter = url.searchParams.get('retry-after');
        const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
        if (status >= 300 && status < 400) headers.location = `${base}/status/200`;
        res.writeHead(status, headers).end(status >= 400 ? 'not today' : 'thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  let n = 0;
  const message = (
    path: string,
    body = Buffer.from('{"part":"A-1", "qty": 2}'),
  ): OutboundMessage & { path: string } => ({
    id: `dlv_${++n}`,
    key: 'part:A-1',
    type: 'inventory.count_posted',
    contentType: 'application/json',
    body,
    path,
  });
  const send = createWebhookSender({
    urlFor: (m) => `${base}${(m as ReturnType<typeof message>).path}`,
    secret: SECRET,
    timeoutMs: 500,
  });
  const last = () => seen[seen.length - 1]!;

  it('delivers on 2xx, signed over the exact bytes, with the content type and the message id as webhook id', async () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not even UTF-8: signed as bytes
    const m = message('/status/204', body);
    expect(await send(m)).toEqual({ ok: true, detail: '204' });
    expect(last()).toMatchObject({ path: '/status/204', verified: true, body });
    expect(last().headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': m.id });
  });

  it('asks for a retry on 5xx, 408 and 425', async () => {
    expect(await send(message('/status/500'))).toMatchObject({
      ok: false,
      errorCode: 'HTTP_5XX',
      permanent: false,
    });
    expect(await send(message('/status/408'))).toMatchObject({
      ok: false,
      errorCode: 'HTTP_4XX',
      permanent: false,
    });
    expect(await send(message('/status/425'))).toMatchObject({
      ok: false,
      errorCode: 'HTTP_4XX',
      permanent: false,
    });
  });

  it('reads Retry-After on 429 (seconds) and on 503 (an HTTP date)', async () => {
    expect(await send(message('/status/429?retry-after=7'))).toEqual({
      ok: false,
      errorCode: 'HTTP_429',
      permanent: false,
      retryAfterMs: 7000,
      detail: expect.stringContaining('answered 429') as string,
    });
    const later = new Date(Date.now() + 120_000).toUTCString();
    const result = await send(message(`/status/503?retry-after=${encodeURIComponent(later)}`));
    expect(result).toMatchObject({ ok: false, errorCode: 'HTTP_5XX', permanent: false });
    // An HTTP date has whole seconds: somewhere within the two minutes, not an exact figure.
    expect(!result.ok && result.retryAfterMs).toBeGreaterThan(100_000);
    expect(!result.ok && result.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('gives up at once on other 4xx, with the status and the answer in the detail', async () => {
    for (const status of [400, 401, 404, 422]) {
      const result = await send(message(`/status/${status}`));
      expect(result).toMatchObject({ ok: false, errorCode: 'HTTP_4XX', permanent: true });
      expect(!result.ok && result.detail).toContain(`answered ${status}: not today`);
    }
  });

  it('does not follow a redirect (a POST would turn into a GET) and gives up', async () => {
    const before = seen.length;
    expect(await send(message('/status/302'))).toMatchObject({
      ok: false,
      errorCode: 'HTTP_3XX',
      permanent: true,
    });
    expect(seen.length).toBe(before + 1);
  });

  it('reports an answer that does not come within the timeout as TIMEOUT, retryable', async () => {
    expect(await send(message('/hang'))).toMatchObject({ ok: false, errorCode: 'TIMEOUT', permanent: false });
  });

  it('reports a refused connection as CONNECTION_REFUSED, retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sendTo = createWebhookSender({ url: `http://127.0.0.1:${port}/`, secret: SECRET, timeoutMs: 2000 });
    expect(await sendTo(message('/'))).toMatchObject({
      ok: false,
      errorCode: 'CONNECTION_REFUSED',
      permanent: false,
    });
  });

  it('reports an unresolvable host as NETWORK_ERROR, retryable, and an unusable URL as permanent', async () => {
    const unknownHost = createWebhookSender({
      url: 'http://sparehub-no-such-host.invalid/',
      timeoutMs: 2000,
    });
    expect(await unknownHost(message('/'))).toMatchObject({
      ok: false,
      errorCode: 'NETWORK_ERROR',
      permanent: false,
    });
    const notHttp = createWebhookSender({ url: 'ftp://example.com/in', timeoutMs: 2000 });
    expect(await notHttp(message('/'))).toMatchObject({
      ok: false,
      errorCode: 'WEBHOOK_URL_INVALID',
      permanent: true,
    });
    const unsignable = createWebhookSender({ url: `${base}/status/200`, secret: 'whsec_' });
    expect(await unsignable(message('/'))).toMatchObject({
      errorCode: 'WEBHOOK_SECRET_INVALID',
      permanent: true,
    });
  });

  it('sends unsigned (webhook-id only) without a secret, and through the fetch it is given', async () => {
    const calls: string[] = [];
    const counted: typeof fetch = (input, init) => {
      calls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    };
    const plain = createWebhookSender({ url: `${base}/status/200`, fetchImpl: counted });
    const m = message('/');
    expect(await plain(m)).toMatchObject({ ok: true });
    expect(calls).toEqual([`${base}/status/200`]);
    expect(last().verified).toBe(false);
    expect(last().headers['webhook-id']).toBe(m.id);
    expect(last().headers['webhook-signature']).toBeUndefined();
  });
});
