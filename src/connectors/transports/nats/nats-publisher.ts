/**
 * The outbound side: publishes an OutboundMessage to JetStream and waits for the PubAck.
 * The message id goes out as Nats-Msg-Id, so a re-publish after a crash inside the stream's
 * duplicate window is stored once.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import {
  Match,
  connect,
  headers as natsHeaders,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';
import type { Deliver, DeliveryResult, OutboundMessage } from '../types.js';
import {
  isValidPublishSubject,
  natsPublisherConfigSchema,
  type NatsPublisherConfigInput,
} from './nats-config.js';
import { classifyPublishError, deliveryFailure } from './nats-delivery-errors.js';
import { CONTENT_TYPE_HEADER, MSG_ID_HEADER } from './nats-envelope.js';

export type SubjectFor = (message: OutboundMessage) => string;

export type NatsPublisherOptions = NatsPublisherConfigInput & {
  /** Where a message goes; default `sparehub.out.<message.type>`. */
  subjectFor?: SubjectFor;
};

export interface NatsPublisher {
  deliver: Deliver;
  /** Waits for publishes in flight, then closes the connection; later deliveries fail NATS_CLOSED. */
  close(): Promise<void>;
}

export const defaultSubjectFor: SubjectFor = (message) => `sparehub.out.${message.type}`;

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
}

/**
 * Creates a publisher that connects on first use (and again after the connection was
 * lost for good), so a NATS outage surfaces as retryable delivery results, not a crash.
 */
export function createNatsPublisher(options: NatsPublisherOptions): NatsPublisher {
  const { subjectFor = defaultSubjectFor, ...plain } = options;
  const config = natsPublisherConfigSchema.parse(plain);
  let connecting: Promise<Connected> | null = null;
  let closed = false;
  const inFlight = new Set<Promise<DeliveryResult>>();

  function connection(): Promise<Connected> {
    if (connecting === null) {
      const attempt = connect({
        servers: config.servers,
        name: config.name,
        timeout: config.connectTimeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: config.reconnectTimeWaitMs,
      }).then((nc) => {
        void nc.closed().then(() => {
          if (connecting === attempt) connecting = null;
        });
        return { nc, js: jetstream(nc, { timeout: config.timeoutMs }) };
      });
      attempt.catch(() => {
        if (connecting === attempt) connecting = null;
      });
      connecting = attempt;
    }
    return connecting;
  }

  async function publish(message: OutboundMessage): Promise<DeliveryResult> {
    let subject: string;
    try {
      subject = subjectFor(message);
    } catch (error) {
      return deliveryFailure('NATS_BAD_SUBJECT', true, `subjectFor failed: ${errorMessage(error)}`);
    }
    if (!isValidPublishSubject(subject)) {
      return deliveryFailure(
        'NATS_BAD_SUBJECT',
        true,
        `not a publishable NATS subject: ${JSON.stringify(subject)}`,
      );
    }
    let hdrs: MsgHdrs;
    try {
      hdrs = buildHeaders(message);
    } catch (error) {
      return deliveryFailure('NATS_BAD_HEADER', true, errorMessage(error));
    }
    let js: JetStreamClient;
    try {
      ({ js } = await connection());
    } catch (error) {
      return deliveryFailure('NATS_CONNECTION', false, `cannot connect to NATS: ${errorMessage(error)}`);
    }
    try {
      const ack = await js.publish(subject, message.body, {
        msgID: message.id,
        headers: hdrs,
        timeout: config.timeoutMs,
      });
      return {
        ok: true,
        detail: `stream=${ack.stream} seq=${ack.seq}${ack.duplicate ? ' duplicate' : ''}`,
      };
    } catch (error) {
      return classifyPublishError(error, subject);
    }
  }

  const deliver: Deliver = (message) => {
    if (closed) return Promise.resolve(deliveryFailure('NATS_CLOSED', false, 'the NATS publisher is closed'));
    const pending = publish(message);
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
    return pending;
  };

  async function close(): Promise<void> {
    closed = true;
    await Promise.allSettled([...inFlight]);
    const current = connecting;
    connecting = null;
    if (current === null) return;
    const connected = await current.catch(() => null);
    if (connected !== null && !connected.nc.isClosed()) await connected.nc.drain();
  }

  return { deliver, close };
}

function buildHeaders(message: OutboundMessage): MsgHdrs {
  const hdrs = natsHeaders();
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    hdrs.set(name, value);
  }
  // The message's own content type and id win over look-alike custom headers.
  hdrs.delete(CONTENT_TYPE_HEADER, Match.IgnoreCase);
  hdrs.set(CONTENT_TYPE_HEADER, message.contentType);
  hdrs.delete(MSG_ID_HEADER, Match.IgnoreCase);
  hdrs.set(MSG_ID_HEADER, message.id);
  return hdrs;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
