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
