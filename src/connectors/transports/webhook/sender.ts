import type { Deliver, DeliveryResult, OutboundMessage } from '../types.js';
import { signWebhook } from './signature.js';

export interface WebhookSenderOptions {
  url: string | ((message: OutboundMessage) => string);
  /** Signs every request (Standard Webhooks); without one, requests go unsigned. */
  secret?: string | undefined;
  timeoutMs?: number;
  now?: () => number;
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Outbound webhooks: POSTs the body, signed, and classifies the answer for the relay:
 * 2xx delivered; 408, 425, 429 and 5xx worth retrying (429/503 with their Retry-After);
 * other 4xx permanent (the receiver will not take it however often it is sent); timeouts
 * and connection failures worth retrying. The delivery id is the webhook id, so a receiver
 * that dedupes by it sees a message once even when a retry follows a lost answer.
 */
export function createWebhookSender(options: WebhookSenderOptions): Deliver {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (message): Promise<DeliveryResult> => {
    const url = typeof options.url === 'function' ? options.url(message) : options.url;
    const headers: Record<string, string> = {
      'content-type': message.contentType,
      ...(message.headers ?? {}),
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
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: message.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string }; message?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError')
        return {
          ok: false,
          errorCode: 'TIMEOUT',
          permanent: false,
          detail: `no answer from ${url} within ${timeoutMs} ms`,
        };
      const code = e.cause?.code === 'ECONNREFUSED' ? 'CONNECTION_REFUSED' : 'NETWORK_ERROR';
      return {
        ok: false,
        errorCode: code,
        permanent: false,
        detail: `${url}: ${e.cause?.code ?? e.message ?? 'network error'}`,
      };
    }
    const text = (await response.text().catch(() => '')).slice(0, 500);
    if (response.ok) return { ok: true, detail: `${response.status}` };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    const status = response.status;
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    return {
      ok: false,
      errorCode: status === 429 ? 'HTTP_429' : status >= 500 ? 'HTTP_5XX' : 'HTTP_4XX',
      permanent: !retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      detail: `${url} answered ${status}${text ? `: ${text}` : ''}`,
    };
  };
}
