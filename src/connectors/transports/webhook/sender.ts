import type { Deliver, DeliveryResult, OutboundMessage } from '../types.js';
import { secretKeyBytes, signWebhook } from './signature.js';

/** Where each message goes: one fixed URL, or one chosen per message. */
export type WebhookTarget =
  | { url: string | ((message: OutboundMessage) => string); urlFor?: never }
  | { urlFor: (message: OutboundMessage) => string; url?: never };

export type WebhookSenderOptions = WebhookTarget & {
  /** Signs every request (Standard Webhooks); without one, requests go unsigned. */
  secret?: string | undefined;
  /** For the whole exchange, answer body included; 10 s unless told. */
  timeoutMs?: number;
  /** Epoch ms, for the signature's timestamp and Retry-After dates. */
  now?: () => number;
  /** Node's global fetch unless told (tests, proxies). */
  fetchImpl?: typeof fetch;
};

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const failure = (
  errorCode: string,
  permanent: boolean,
  detail: string,
  retryAfterMs?: number,
): DeliveryResult => ({
  ok: false,
  errorCode,
  permanent,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  detail,
});

/** The errno behind a failed fetch: undici wraps it in `cause`, sometimes an AggregateError. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

function isHttpUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * Outbound webhooks: POSTs the body, signed, and classifies the answer for the relay:
 * 2xx delivered (HTTP_… codes otherwise); 408, 425, 429 and 5xx worth retrying, with
 * Retry-After read into retryAfterMs; other 4xx permanent (the receiver will not take it
 * however often it is sent), and so are redirects (HTTP_3XX: a POST must not silently turn
 * into a GET), an unusable URL (WEBHOOK_URL_INVALID) or secret (WEBHOOK_SECRET_INVALID);
 * TIMEOUT, CONNECTION_REFUSED and NETWORK_ERROR are worth retrying. The webhook id is the
 * message id, so a receiver deduping on it sees a message once even when a retry follows a
 * lost answer.
 */
export function createWebhookSender(options: WebhookSenderOptions): Deliver {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchImpl = options.fetchImpl ?? fetch;
  const target = options.urlFor ?? options.url;
  const urlOf = typeof target === 'function' ? target : () => target;
  const secretUsable = !options.secret || secretKeyBytes(options.secret).length > 0;
  return async (message): Promise<DeliveryResult> => {
    const url = urlOf(message);
    if (!isHttpUrl(url)) return failure('WEBHOOK_URL_INVALID', true, `'${url}' is not an http(s) URL`);
    if (!secretUsable) return failure('WEBHOOK_SECRET_INVALID', true, 'the signing secret has an empty key');
    const headers: Record<string, string> = {
      ...(message.headers ?? {}),
      'content-type': message.contentType,
    };
    if (options.secret)
      Object.assign(
        headers,
        signWebhook({
          secret: options.secret,
          id: message.id,
          timestamp: Math.floor(now() / 1000),
          body: message.body,
        }),
      );
    else headers['webhook-id'] = message.id;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers,
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read (and so release) the answer; a body cut short by the timeout still has its status.
      text = (await response.text().catch(() => '')).slice(0, 500);
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        return failure('TIMEOUT', false, `no answer from ${url} within ${timeoutMs} ms`);
      const code = networkCode(error);
      return failure(
        code === 'ECONNREFUSED' ? 'CONNECTION_REFUSED' : 'NETWORK_ERROR',
        false,
        `${url}: ${code ?? (error as Error).message ?? 'network error'}`,
      );
    }
    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true, detail: `${status}` };
    const detail = `${url} answered ${status}${text ? `: ${text}` : ''}`;
    if (status >= 300 && status < 400)
      return failure('HTTP_3XX', true, `${detail} (redirect to ${response.headers.get('location') ?? '?'})`);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    if (status === 429) return failure('HTTP_429', false, detail, retryAfterMs);
    if (status >= 500) return failure('HTTP_5XX', false, detail, retryAfterMs);
    return failure('HTTP_4XX', !(status === 408 || status === 425), detail, retryAfterMs);
  };
}
