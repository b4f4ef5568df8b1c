/**
 * What every transport (HTTP webhook, file drop, NATS JetStream) shares with the runtime.
 * A transport moves bytes; it never parses formats or touches domain state. Inbound, it
 * hands each unit it received to `receive` and acknowledges to the sender only after that
 * resolves (the raw message is then stored in the inbox). Outbound, it delivers one message
 * and classifies the result so the relay can decide to retry or dead-letter.
 */
export type TransportKind = 'http' | 'file' | 'nats';

export interface InboundEnvelope {
  transport: TransportKind;
  /** Unique per sender for one logical message: provider event id, file hash + name, NATS msg id. */
  idempotencyKey: string;
  contentType: string;
  body: Buffer;
  /** ISO-8601 UTC. */
  receivedAt: string;
  /** Transport details worth keeping with the raw message (file name, subject, headers). */
  meta: Record<string, string>;
}

export interface ReceiveResult {
  messageId: string;
  /** True when the same idempotency key was received before: nothing new was stored. */
  duplicate: boolean;
}

export type Receive = (envelope: InboundEnvelope) => Promise<ReceiveResult>;

export interface OutboundMessage {
  id: string;
  /** Messages with the same key are delivered in order (the relay guarantees it). */
  key: string;
  type: string;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
}

export type DeliveryResult =
  | { ok: true; detail?: string }
  | {
      ok: false;
      /** Stable code, e.g. HTTP_5XX, HTTP_4XX, TIMEOUT, CONNECTION_REFUSED, NATS_NO_RESPONDERS. */
      errorCode: string;
      /** A permanent failure is dead-lettered at once (e.g. 400, 401, 404, 422). */
      permanent: boolean;
      retryAfterMs?: number;
      detail: string;
    };

export type Deliver = (message: OutboundMessage) => Promise<DeliveryResult>;
