import { RetryTransaction, type Store } from '../db/index.js';
import { AppError } from '../platform/errors.js';
import { canonicalJson, sha256Hex } from '../platform/canonical.js';
import { isoTimestamp } from '../platform/clock.js';
import type { Ctx } from '../platform/context.js';
import { runWork, type Work } from './work.js';

export interface CommandResult {
  status: number;
  body: unknown;
}

export interface IdempotentResult extends CommandResult {
  replayed: boolean;
}

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

export function requestFingerprint(method: string, route: string, body: unknown): string {
  return sha256Hex(canonicalJson({ method, route, body: body ?? null }));
}

/**
 * Runs a command at most once per client-supplied key. The key row is inserted first so a
 * concurrent duplicate waits on it (PostgreSQL) and then replays the stored response. A
 * command that fails changes nothing and leaves its key unused, so the client may retry it.
 */
export async function runIdempotent(
  store: Store,
  ctx: Ctx,
  key: string,
  fingerprint: string,
  command: (w: Work) => Promise<CommandResult>,
): Promise<IdempotentResult> {
  if (!KEY_PATTERN.test(key)) {
    throw new AppError(
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be 1 to 200 characters of letters, digits, dot, underscore, colon or dash',
    );
  }
  return runWork(store, ctx, async (w) => {
    const existing = await w.trx
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response_status', 'response_json'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (existing) {
      if (existing.request_hash !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', `Idempotency key '${key}' was used for another request`);
      }
      return {
        status: existing.response_status,
        body: JSON.parse(existing.response_json) as unknown,
        replayed: true,
      };
    }
    await retryIfRaced(`idempotency key ${key} raced`, () =>
      w.trx
        .insertInto('idempotency_keys')
        .values({
          tenant_id: ctx.tenantId,
          key,
          request_hash: fingerprint,
          response_status: 0,
          response_json: 'null',
          created_at: isoTimestamp(ctx.clock),
        })
        .execute(),
    );
    const result = await command(w);
    await w.trx
      .updateTable('idempotency_keys')
      .set({ response_status: result.status, response_json: JSON.stringify(result.body) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('key', '=', key)
      .execute();
    return { ...result, replayed: false };
  });
}

/**
 * Runs a write that checked its key was free when it read: if a concurrent unit took the key
 * since, the unit of work starts again and, reading anew, sees the winner's row (and answers
 * as for any row already there) instead of failing with the store's unique violation.
 */
export async function retryIfRaced<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new RetryTransaction(what);
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
