import { JetStreamApiError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  InvalidArgumentError,
  InvalidSubjectError,
  NoRespondersError,
  PermissionViolationError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { classifyPublishError } from './nats-delivery-errors.js';

function classify(error: unknown) {
  const { errorCode, permanent } = classifyPublishError(error, 'sparehub.out.x');
  return { errorCode, permanent };
}

describe('NATS publish error classification', () => {
  it('treats 503 no responders, also wrapped as "jetstream is not enabled", as a retryable missing stream', () => {
    const requestError = new RequestError('no responders', {
      cause: new NoRespondersError('sparehub.out.x'),
    });
    const wrapped = new Error('jetstream is not enabled', { cause: requestError });
    expect(classify(requestError)).toEqual({ errorCode: 'NATS_NO_STREAM', permanent: false });
    expect(classify(wrapped)).toEqual({ errorCode: 'NATS_NO_STREAM', permanent: false });
  });

  it('retries timeouts and connection loss', () => {
    expect(classify(new TimeoutError())).toEqual({ errorCode: 'NATS_TIMEOUT', permanent: false });
    expect(classify(new ClosedConnectionError())).toEqual({ errorCode: 'NATS_CONNECTION', permanent: false });
  });

  it('dead-letters bad subjects, oversized payloads and permission errors at once', () => {
    expect(classify(new InvalidSubjectError('a b'))).toEqual({
      errorCode: 'NATS_BAD_SUBJECT',
      permanent: true,
    });
    expect(classify(new InvalidArgumentError("'payload' max_payload size exceeded"))).toEqual({
      errorCode: 'NATS_PAYLOAD_TOO_LARGE',
      permanent: true,
    });
    expect(classify(new PermissionViolationError('denied', 'publish', 'sparehub.out.x'))).toEqual({
      errorCode: 'NATS_PERMISSION',
      permanent: true,
    });
  });

  it('lets the JetStream API status decide between retry and dead letter', () => {
    const rejected = new JetStreamApiError({
      code: 400,
      err_code: 10054,
      description: 'message size exceeds maximum allowed',
    });
    const unavailable = new JetStreamApiError({
      code: 503,
      err_code: 10008,
      description: 'JetStream system temporarily unavailable',
    });
    expect(classify(rejected)).toEqual({ errorCode: 'NATS_REJECTED', permanent: true });
    expect(classify(unavailable)).toEqual({ errorCode: 'NATS_REJECTED', permanent: false });
  });

  it('retries anything it does not recognise', () => {
    expect(classify(new Error('surprise'))).toEqual({ errorCode: 'NATS_ERROR', permanent: false });
    expect(classify('a string')).toEqual({ errorCode: 'NATS_ERROR', permanent: false });
  });
});
