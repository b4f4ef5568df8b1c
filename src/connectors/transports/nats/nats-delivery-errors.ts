/**
 * Maps what the NATS client throws on a JetStream publish to the stable delivery codes the
 * relay acts on: retryable ones are tried again with backoff, permanent ones dead-lettered.
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import {
  AuthorizationError,
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  InvalidArgumentError,
  InvalidSubjectError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
  UserAuthenticationExpiredError,
} from '@nats-io/transport-node';
import type { DeliveryResult } from '../types.js';

export const NATS_DELIVERY_ERROR_CODES = [
  /** No stream captures the subject (the server answered 503 no responders). */
  'NATS_NO_STREAM',
  /** The PubAck did not come back in time; the message may or may not be stored. */
  'NATS_TIMEOUT',
  /** Not connected, connection closed or draining. */
  'NATS_CONNECTION',
  'NATS_CLOSED',
  'NATS_BAD_SUBJECT',
  'NATS_BAD_HEADER',
  'NATS_PAYLOAD_TOO_LARGE',
  'NATS_PERMISSION',
  /** JetStream refused the message (stream limits, size, ...); status decides retry. */
  'NATS_REJECTED',
  'NATS_ERROR',
] as const;

export type NatsDeliveryErrorCode = (typeof NATS_DELIVERY_ERROR_CODES)[number];

export type DeliveryFailure = Extract<DeliveryResult, { ok: false }>;

export function deliveryFailure(
  errorCode: NatsDeliveryErrorCode,
  permanent: boolean,
  detail: string,
): DeliveryFailure {
  return { ok: false, errorCode, permanent, detail };
}

/** Classifies an error thrown while publishing to `subject`. */
export function classifyPublishError(error: unknown, subject: string): DeliveryFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (isNoResponders(error)) {
    return deliveryFailure(
      'NATS_NO_STREAM',
      false,
      `no stream captures subject ${subject} (503 no responders): ${message}`,
    );
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return deliveryFailure('NATS_TIMEOUT', false, `no PubAck for ${subject} in time: ${message}`);
  }
  if (error instanceof InvalidSubjectError) {
    return deliveryFailure('NATS_BAD_SUBJECT', true, message);
  }
  if (error instanceof InvalidArgumentError) {
    return /max_payload/i.test(message)
      ? deliveryFailure('NATS_PAYLOAD_TOO_LARGE', true, message)
      : deliveryFailure('NATS_REJECTED', true, message);
  }
  if (
    error instanceof ClosedConnectionError ||
    error instanceof DrainingConnectionError ||
    error instanceof ConnectionError
  ) {
    return deliveryFailure('NATS_CONNECTION', false, message);
  }
  if (
    error instanceof AuthorizationError ||
    error instanceof PermissionViolationError ||
    error instanceof UserAuthenticationExpiredError
  ) {
    return deliveryFailure('NATS_PERMISSION', true, message);
  }
  if (error instanceof JetStreamApiError) {
    // 503 is JetStream being unavailable for a moment; other statuses reject this message.
    const transient = error.status === 503 || error.status === 408 || error.status >= 500;
    return deliveryFailure(
      'NATS_REJECTED',
      !transient,
      `JetStream rejected the message (status ${error.status}, code ${error.code}): ${message}`,
    );
  }
  return deliveryFailure('NATS_ERROR', false, message);
}

function isNoResponders(error: unknown): boolean {
  if (error instanceof NoRespondersError) return true;
  if (error instanceof RequestError && error.isNoResponders()) return true;
  // The JetStream client rethrows a 503 as JetStreamNotEnabled with the RequestError as cause.
  if (error instanceof Error && error.cause !== undefined) return isNoResponders(error.cause);
  return false;
}
