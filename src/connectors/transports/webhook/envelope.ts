import type { InboundEnvelope } from '../types.js';
import { headerValue, type HeaderBag } from './headers.js';

/** Thrown when a request carries no webhook-id: there is no key to store it under. */
export class WebhookEnvelopeError extends Error {
  readonly code = 'WEBHOOK_SIGNATURE_MISSING';
  override readonly name = 'WebhookEnvelopeError';
}

/**
 * The inbox envelope for a webhook, to build once `verifyWebhook` accepted it. The
 * idempotency key is the webhook id as sent, so a retried or replayed webhook is stored
 * once (the inbox key is unique per sender). The body stays the raw bytes received.
 */
export function toInboundEnvelope(input: {
  headers: HeaderBag;
  rawBody: Buffer;
  /** ISO-8601 UTC, or a Date turned into one. */
  receivedAt: string | Date;
  /** The request's content-type header unless told; application/octet-stream without one. */
  contentType?: string | undefined;
  /** Extra details to keep with the message (request id, flow); never overrides the webhook's own. */
  meta?: Record<string, string>;
}): InboundEnvelope {
  const id = headerValue(input.headers, 'webhook-id');
  if (!id) throw new WebhookEnvelopeError('the request has no webhook-id header');
  const timestamp = headerValue(input.headers, 'webhook-timestamp');
  return {
    transport: 'http',
    idempotencyKey: id,
    contentType:
      input.contentType ?? headerValue(input.headers, 'content-type') ?? 'application/octet-stream',
    body: input.rawBody,
    receivedAt: typeof input.receivedAt === 'string' ? input.receivedAt : input.receivedAt.toISOString(),
    meta: {
      ...(input.meta ?? {}),
      webhookId: id,
      ...(timestamp ? { webhookTimestamp: timestamp } : {}),
    },
  };
}
