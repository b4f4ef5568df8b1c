import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isAppError } from '../platform/errors.js';
import { problem } from './problem.js';

const CONTENT_TYPE = 'application/problem+json';

/** The one place where errors become HTTP responses. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const send = (p: ReturnType<typeof problem>) => reply.code(p.status).type(CONTENT_TYPE).send(p);
    const instance = request.url;

    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation as ReadonlyArray<{ instancePath?: string; message?: string }>;
      const errors = issues.map((v) => ({
        in: error.validationContext ?? 'body',
        path: v.instancePath || '/',
        message: v.message ?? 'is not valid',
      }));
      return send(
        problem(
          'VALIDATION_FAILED',
          errors.map((e) => `${e.in}${e.path}: ${e.message}`).join('; '),
          instance,
          request.id,
          { errors },
        ),
      );
    }
    if (error instanceof ZodError) {
      const errors = error.issues.map((i) => ({
        in: 'body',
        path: `/${i.path.join('/')}`,
        message: i.message,
      }));
      return send(
        problem(
          'VALIDATION_FAILED',
          errors.map((e) => `${e.path}: ${e.message}`).join('; '),
          instance,
          request.id,
          { errors },
        ),
      );
    }
    if (isAppError(error)) {
      return send(problem(error.code, error.message, instance, request.id, error.details ?? {}));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(problem('MALFORMED_JSON', error.message, instance, request.id));
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(problem('PAYLOAD_TOO_LARGE', error.message, instance, request.id));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(problem('UNSUPPORTED_MEDIA_TYPE', error.message, instance, request.id));
    }
    if (error.statusCode === 400 && error instanceof SyntaxError) {
      return send(problem('MALFORMED_JSON', error.message, instance, request.id));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return send(
      problem(
        'INTERNAL_ERROR',
        'Something went wrong on our side; the request id identifies it in the logs',
        instance,
        request.id,
      ),
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const p = problem(
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}`,
      request.url,
      request.id,
    );
    return reply.code(p.status).type(CONTENT_TYPE).send(p);
  });
}
