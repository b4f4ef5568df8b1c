import type { JsMsg } from '@nats-io/jetstream';
import { Match } from '@nats-io/transport-node';
import type { Clock } from '../../../platform/clock.js';
import type { InboundEnvelope } from '../types.js';

/** The parts of a JetStream message the envelope is built from (a JsMsg has them all). */
export type NatsInboundMessage = Pick<JsMsg, 'subject' | 'data' | 'headers' | 'timestamp'> & {
  info: Pick<JsMsg['info'], 'stream' | 'consumer' | 'streamSequence' | 'deliveryCount'>;
};

export const DEFAULT_CONTENT_TYPE = 'application/json';
export const MSG_ID_HEADER = 'Nats-Msg-Id';
export const CONTENT_TYPE_HEADER = 'Content-Type';
/** Prefix of the meta keys that carry the message headers: `header.Content-Type`. */
export const HEADER_META_PREFIX = 'header.';

/**
 * Wraps one stored message for `receive`. The idempotency key is the publisher's
 * Nats-Msg-Id when it set one (the same id JetStream de-duplicates on), otherwise the
 * stream position, which is unique and stable across redeliveries.
 */
export function toInboundEnvelope(msg: NatsInboundMessage, clock: Clock): InboundEnvelope {
  const headers = msg.headers;
  // Exact match: JetStream itself only de-duplicates on this exact spelling.
  const msgId = headers?.get(MSG_ID_HEADER) ?? '';
  const contentType = headers?.get(CONTENT_TYPE_HEADER, Match.IgnoreCase) ?? '';
  const meta: Record<string, string> = {
    subject: msg.subject,
    stream: msg.info.stream,
    consumer: msg.info.consumer,
    streamSeq: String(msg.info.streamSequence),
    deliveryCount: String(msg.info.deliveryCount),
    publishedAt: msg.timestamp,
  };
  if (headers) {
    for (const key of headers.keys()) {
      meta[`${HEADER_META_PREFIX}${key}`] = headers.values(key).join(', ');
    }
  }
  return {
    transport: 'nats',
    idempotencyKey: msgId !== '' ? msgId : `${msg.info.stream}:${msg.info.streamSequence}`,
    contentType: contentType !== '' ? contentType : DEFAULT_CONTENT_TYPE,
    // A copy: the client may reuse the receive buffer once the message is handled.
    body: Buffer.from(msg.data),
    receivedAt: clock.now().toISOString(),
    meta,
  };
}
