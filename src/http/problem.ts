import { z } from 'zod';
import { ERROR_CATALOG, type ErrorCode } from '../platform/errors.js';

/** RFC 9457 problem details, with our stable `code` and the request id for support. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

/**
 * A problem as a response schema, for routes that document an error answer. Loose: a
 * problem's extensions (errors, reason …) are sent as they are, not stripped.
 */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  instance: z.string(),
  code: z.string().describe('the stable error code (docs/errors.md)'),
  requestId: z.string(),
});

export function problem(
  code: ErrorCode,
  detail: string,
  instance: string,
  requestId: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const entry = ERROR_CATALOG[code];
  return {
    ...extensions,
    type: `urn:sparehub:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: entry.title,
    status: entry.status,
    detail,
    instance,
    code,
    requestId,
  };
}
