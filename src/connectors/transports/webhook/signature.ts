import { createHmac, timingSafeEqual } from 'node:crypto';
import { headerValue, type HeaderBag } from './headers.js';

/**
 * Standard Webhooks (standardwebhooks.com) signatures: HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${raw body}` with the secret's bytes, sent as
 * `webhook-signature: v1,<base64>` (several, space-separated, while a secret rotates).
 * Secrets are `whsec_<base64 key>`; any other string is used as the key bytes as written
 * (UTF-8) — unlike the reference libraries, which base64-decode an unprefixed secret too.
 * An empty key never signs or verifies anything.
 */
export const WEBHOOK_ISSUE_CODES = [
  'WEBHOOK_SIGNATURE_MISSING',
  'WEBHOOK_SIGNATURE_INVALID',
  'WEBHOOK_TIMESTAMP_INVALID',
  'WEBHOOK_TIMESTAMP_TOO_OLD',
  'WEBHOOK_TIMESTAMP_IN_FUTURE',
] as const;
export type WebhookIssueCode = (typeof WEBHOOK_ISSUE_CODES)[number];

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The HMAC key a secret stands for: `whsec_` + base64, or the string's own UTF-8 bytes. */
export function secretKeyBytes(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

function sign(key: Buffer, id: string, timestamp: number, body: Buffer): string {
  const mac = createHmac('sha256', key);
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return mac.digest('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The three Standard Webhooks headers for one message: `timestamp` in whole seconds, the
 * body exactly as it will be sent (a string is taken as UTF-8). Throws on an empty key.
 */
export function signWebhook(input: {
  secret: string;
  id: string;
  timestamp: number;
  body: Buffer | string;
}): SignedHeaders {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
  const key = secretKeyBytes(input.secret);
  if (key.length === 0) throw new RangeError('webhook secret is empty');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': `v1,${sign(key, input.id, input.timestamp, body)}`,
  };
}

export type VerifyResult =
  { ok: true; id: string; timestamp: number } | { ok: false; code: WebhookIssueCode; reason: string };

/**
 * Verifies a webhook against the flow's secrets (any may match, for rotation), over the raw
 * body bytes exactly as received, within `toleranceSeconds` of `now` (epoch ms) either way.
 * Pure, so it cannot refuse replays itself: a replayed (validly signed) webhook carries an
 * id already seen, and the inbox's unique idempotency key — the webhook id, see
 * `toInboundEnvelope` — stores it once; the tolerance bounds how late a replay can come.
 */
export function verifyWebhook(input: {
  secrets: readonly string[];
  headers: HeaderBag;
  rawBody: Buffer;
  now: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const id = headerValue(input.headers, 'webhook-id');
  const ts = headerValue(input.headers, 'webhook-timestamp');
  const signatures = headerValue(input.headers, 'webhook-signature');
  if (!id || !ts || !signatures)
    return {
      ok: false,
      code: 'WEBHOOK_SIGNATURE_MISSING',
      reason: 'webhook-id, webhook-timestamp and webhook-signature are all required',
    };
  if (!/^\d{1,12}$/.test(ts))
    return {
      ok: false,
      code: 'WEBHOOK_TIMESTAMP_INVALID',
      reason: `webhook-timestamp '${ts.slice(0, 40)}' is not whole seconds`,
    };
  const timestamp = Number(ts);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor(input.now / 1000);
  if (timestamp < nowSeconds - tolerance)
    return {
      ok: false,
      code: 'WEBHOOK_TIMESTAMP_TOO_OLD',
      reason: `signed ${nowSeconds - timestamp} s ago; the limit is ${tolerance} s`,
    };
  if (timestamp > nowSeconds + tolerance)
    return {
      ok: false,
      code: 'WEBHOOK_TIMESTAMP_IN_FUTURE',
      reason: `signed ${timestamp - nowSeconds} s in the future; the limit is ${tolerance} s`,
    };
  const candidates = signatures.split(' ');
  for (const secret of input.secrets) {
    const key = secretKeyBytes(secret);
    if (key.length === 0) continue;
    const expected = Buffer.from(sign(key, id, timestamp, input.rawBody), 'base64');
    for (const candidate of candidates) {
      const [version, value] = candidate.split(',', 2);
      if (version !== 'v1' || !value) continue;
      const given = Buffer.from(value, 'base64');
      if (given.length === expected.length && timingSafeEqual(given, expected))
        return { ok: true, id, timestamp };
    }
  }
  return {
    ok: false,
    code: 'WEBHOOK_SIGNATURE_INVALID',
    reason: 'no v1 signature matches the body with any of the flow’s secrets',
  };
}
