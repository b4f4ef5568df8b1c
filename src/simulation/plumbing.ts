/**
 * How the simulated ERP, FSM and WMS talk to a hub: the hub's API with a key, signed
 * Standard Webhooks into inbound flows, and HTTP endpoints that verify the hub's signed
 * deliveries — the same ways real systems do, nothing the hub's own code path skips.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook, verifyWebhook } from '../connectors/transports/webhook/index.js';

export type Api = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** The hub's API as one key sees it; any answer from 300 up is thrown with its body. */
export function hubApi(hub: string, key: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${hub}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as Record<string, unknown>;
  };
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface WebhookAnswer {
  httpStatus: number;
  /** The inbox outcome (`applied`, `shadowed`, …), the error code, or the HTTP status. */
  status: string;
  body: Record<string, unknown>;
}

/** Posts one signed message to an inbound flow's webhook, as the sending system would. */
export async function sendWebhook(
  hub: string,
  tenant: string,
  flow: string,
  secret: string,
  payload: unknown,
  id = `msg_${randomBytes(8).toString('hex')}`,
): Promise<WebhookAnswer> {
  const body = JSON.stringify(payload);
  const signed = signWebhook({ secret, id, timestamp: Math.floor(Date.now() / 1000), body });
  const res = await fetch(`${hub}/webhooks/${tenant}/${flow}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed },
    body,
  });
  const answer = (await res.json()) as {
    outcome?: { status?: string; error?: { code: string } };
    code?: string;
  };
  return {
    httpStatus: res.status,
    status: answer.outcome?.error?.code ?? answer.outcome?.status ?? answer.code ?? String(res.status),
    body: answer,
  };
}

export interface Endpoint {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** An HTTP endpoint on a free local port; `handle` answers each request with a status. */
export function listen(
  path: string,
  handle: (headers: IncomingHttpHeaders, rawBody: Buffer) => number,
): Promise<Endpoint> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(handle(req.headers, Buffer.concat(chunks))).end();
    });
  });
  return new Promise((resolveListen) =>
    server.listen(0, '127.0.0.1', () =>
      resolveListen({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

/**
 * An endpoint receiving the hub's signed deliveries: each signature verified (401 if not),
 * each delivery handed over once however often the hub retries it.
 */
export function webhookReceiver(
  path: string,
  secret: string,
  onMessage: (message: unknown, id: string) => void,
): Promise<Endpoint & { received: Set<string> }> {
  const received = new Set<string>();
  return listen(path, (headers, rawBody) => {
    const verified = verifyWebhook({ secrets: [secret], headers, rawBody, now: Date.now() });
    if (!verified.ok) return 401;
    if (!received.has(verified.id)) {
      received.add(verified.id);
      onMessage(JSON.parse(rawBody.toString('utf8')) as unknown, verified.id);
    }
    return 200;
  }).then((endpoint) => ({ ...endpoint, received }));
}

/** Runs `fn` over items with at most `concurrency` at a time, in order of start. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}
