/**
 * The one door to the hub: same-origin fetch with the signed-in user's API key. Every failure
 * becomes an ApiError carrying the RFC 9457 problem's code, title and detail, so pages can show
 * the hub's own words instead of a generic "something went wrong".
 */

const KEY_STORAGE = 'sparehub.apiKey';

/** Fired on window when the hub answers 401: the key was revoked or never valid. */
export const UNAUTHORIZED_EVENT = 'sparehub:unauthorized';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** One field a validation problem names (400 VALIDATION_FAILED). */
export interface ProblemFieldError {
  in?: string;
  path?: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Everything else the problem carried (candidates, required permissions, errors…). */
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail || title}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.extensions = extensions;
  }

  get fieldErrors(): ProblemFieldError[] {
    const errors = this.extensions.errors;
    if (!Array.isArray(errors)) return [];
    return errors.filter(
      (e): e is ProblemFieldError =>
        typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string',
    );
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** A JSON body; a string or a file is sent as it is (with `contentType`). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Use this key instead of the stored one (signing in checks a key before keeping it). */
  key?: string;
  accept?: string;
}

/** Builds `/api/v1/...?a=1`, leaving out empty query values. */
export function apiPath(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a non-2xx response into an ApiError, problem+json or not. */
async function problemOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML page, not a problem document
  }
  if (isRecord(body)) {
    const { code, title, detail, status: _status, type: _type, instance: _instance, ...rest } = body;
    return new ApiError(
      res.status,
      typeof code === 'string' ? code : `HTTP_${res.status}`,
      typeof title === 'string' ? title : res.statusText || 'Request failed',
      typeof detail === 'string' ? detail : '',
      rest,
    );
  }
  return new ApiError(
    res.status,
    `HTTP_${res.status}`,
    res.statusText || 'Request failed',
    text.slice(0, 300) || 'The hub answered without a problem description.',
  );
}

/** Sends one request; resolves with the parsed JSON (or text), rejects with an ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** The raw Response of a successful request, for streamed answers (NDJSON progress). */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | Blob | undefined;
  if (typeof options.body === 'string' || options.body instanceof Blob) {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'text/plain';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(apiPath(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'NETWORK_UNREACHABLE',
      'The hub did not answer',
      'Check that the hub is running and reachable, then try again.',
    );
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    // Only the stored key signs the user out; a key being tried at sign-in just fails.
    if (res.status === 401 && !options.key) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw problem;
  }
  return res;
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Any thrown value as an ApiError, so every error state renders the same way. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(0, 'CLIENT_ERROR', 'Something went wrong in the dashboard', message);
}
