import { createHash, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../db/index.js';
import { runWork, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import type { Random } from '../../platform/random.js';
import { isRole, type Role } from './permissions.js';

export const DEFAULT_TENANT_CODE = 'default';

export interface Tenant {
  id: string;
  code: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

export interface Principal {
  tenantId: string;
  keyId: string;
  role: Role;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const KEY_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `shk_` + 40 random characters (~234 bits): high entropy, so a plain SHA-256 is a safe hash. */
export function generateApiKey(random: Random): string {
  let out = 'shk_';
  for (const b of random.bytes(40)) out += KEY_ALPHABET[b % KEY_ALPHABET.length];
  return out;
}

function toTenant(row: { id: string; code: string; name: string; created_at: string }): Tenant {
  return { id: row.id, code: row.code, name: row.name, createdAt: row.created_at };
}

/** The default tenant always exists; created on first start. */
export async function ensureDefaultTenant(store: Store, ctx: Omit<Ctx, 'tenantId'>): Promise<Tenant> {
  const existing = await store.db
    .selectFrom('tenants')
    .selectAll()
    .where('code', '=', DEFAULT_TENANT_CODE)
    .executeTakeFirst();
  if (existing) return toTenant(existing);
  const id = ctx.ids.next('ten');
  try {
    return await runWork(store, { ...ctx, tenantId: id }, (w) =>
      insertTenant(w, id, DEFAULT_TENANT_CODE, 'Default tenant'),
    );
  } catch (error) {
    // Another hub process created it first.
    const row = await store.db
      .selectFrom('tenants')
      .selectAll()
      .where('code', '=', DEFAULT_TENANT_CODE)
      .executeTakeFirst();
    if (row) return toTenant(row);
    throw error;
  }
}

async function insertTenant(w: Work, id: string, code: string, name: string): Promise<Tenant> {
  const row = { id, code, name, created_at: isoTimestamp(w.ctx.clock) };
  await w.trx.insertInto('tenants').values(row).execute();
  const tenant = toTenant(row);
  w.audit({ action: 'tenant.created', entityType: 'tenant', entityId: id, after: tenant });
  return tenant;
}

/** Creates a tenant with its first admin key; the key is returned once and never stored. */
export async function createTenant(
  store: Store,
  ctx: Ctx,
  random: Random,
  input: { code: string; name: string },
): Promise<{ tenant: Tenant; adminKey: string }> {
  const taken = await store.db
    .selectFrom('tenants')
    .select('id')
    .where('code', '=', input.code)
    .executeTakeFirst();
  if (taken) throw new AppError('TENANT_EXISTS', `Tenant '${input.code}' already exists`);
  const id = ctx.ids.next('ten');
  const key = generateApiKey(random);
  // The new tenant's own chain records its creation, so its history starts with itself.
  const tenant = await runWork(store, { ...ctx, tenantId: id }, async (w) => {
    const t = await insertTenant(w, id, input.code, input.name);
    await insertApiKey(w, { tenantId: id, role: 'admin', name: 'first admin key', key });
    return t;
  });
  return { tenant, adminKey: key };
}

export async function listTenants(store: Store): Promise<Tenant[]> {
  const rows = await store.db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
  return rows.map(toTenant);
}

async function insertApiKey(
  w: Work,
  input: { tenantId: string; role: Role; name: string; key: string },
): Promise<ApiKeyInfo> {
  const row = {
    id: w.ctx.ids.next('key'),
    tenant_id: input.tenantId,
    name: input.name,
    prefix: input.key.slice(0, 8),
    key_hash: hashApiKey(input.key),
    role: input.role,
    created_at: isoTimestamp(w.ctx.clock),
    created_by: `${w.ctx.actor.kind}:${w.ctx.actor.id}`,
    revoked_at: null,
  };
  await w.trx.insertInto('api_keys').values(row).execute();
  const info = toKeyInfo(row);
  w.audit({ action: 'apikey.created', entityType: 'api_key', entityId: row.id, after: info });
  return info;
}

function toKeyInfo(row: {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  role: string;
  created_at: string;
  revoked_at: string | null;
}): ApiKeyInfo {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    role: isRole(row.role) ? row.role : 'read_only',
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export async function createApiKey(
  w: Work,
  random: Random,
  input: { role: string; name: string; key?: string },
): Promise<{ key: string; info: ApiKeyInfo }> {
  if (!isRole(input.role)) throw new AppError('ROLE_UNKNOWN', `Unknown role '${input.role}'`);
  const key = input.key ?? generateApiKey(random);
  const info = await insertApiKey(w, { tenantId: w.ctx.tenantId, role: input.role, name: input.name, key });
  return { key, info };
}

export async function listApiKeys(r: Reader): Promise<ApiKeyInfo[]> {
  const rows = await r.db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'name', 'prefix', 'role', 'created_at', 'revoked_at'])
    .where('tenant_id', '=', r.ctx.tenantId)
    .orderBy('created_at')
    .execute();
  return rows.map(toKeyInfo);
}

export async function revokeApiKey(w: Work, keyId: string): Promise<ApiKeyInfo> {
  const row = await w.trx
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'name', 'prefix', 'role', 'created_at', 'revoked_at'])
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('id', '=', keyId)
    .executeTakeFirst();
  if (!row) throw new AppError('AUTH_INVALID', `No API key '${keyId}' in this tenant`);
  const before = toKeyInfo(row);
  const revokedAt = row.revoked_at ?? isoTimestamp(w.ctx.clock);
  await w.trx.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', keyId).execute();
  const after = { ...before, revokedAt };
  w.audit({ action: 'apikey.revoked', entityType: 'api_key', entityId: keyId, before, after });
  return after;
}

/**
 * Registers a key given from outside (SPAREHUB_ADMIN_KEY) as an admin key of the default
 * tenant, once; a later start with the same key finds it and does nothing.
 */
export async function registerAdminKey(store: Store, ctx: Ctx, key: string): Promise<void> {
  const existing = await store.db
    .selectFrom('api_keys')
    .select('id')
    .where('key_hash', '=', hashApiKey(key))
    .executeTakeFirst();
  if (existing) return;
  try {
    await runWork(store, ctx, (w) =>
      insertApiKey(w, { tenantId: ctx.tenantId, role: 'admin', name: 'SPAREHUB_ADMIN_KEY', key }),
    );
  } catch (error) {
    const again = await store.db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashApiKey(key))
      .executeTakeFirst();
    if (!again) throw error;
  }
}

const CACHE_TTL_MS = 5_000;

/**
 * Resolves an API key to its tenant and role. Answers are cached for a few seconds to keep a
 * database round trip off every request; a revoked key stops working within that time.
 */
export function createAuthenticator(store: Store, now: () => number = Date.now) {
  const cache = new Map<string, { principal: Principal | null; at: number }>();
  return async function authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = cache.get(hash);
    if (hit && now() - hit.at < CACHE_TTL_MS) return hit.principal;
    const row = await store.db
      .selectFrom('api_keys')
      .select(['id', 'tenant_id', 'role', 'key_hash', 'revoked_at'])
      .where('key_hash', '=', hash)
      .executeTakeFirst();
    const valid =
      row !== undefined &&
      row.revoked_at === null &&
      isRole(row.role) &&
      timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(hash));
    const principal = valid ? { tenantId: row.tenant_id, keyId: row.id, role: row.role as Role } : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { principal, at: now() });
    return principal;
  };
}

export function actorFor(principal: Principal): Actor {
  return { kind: 'api_key', id: principal.keyId, role: principal.role };
}

export async function findTenantByCode(store: Store, code: string): Promise<Tenant> {
  const row = await store.db.selectFrom('tenants').selectAll().where('code', '=', code).executeTakeFirst();
  if (!row) throw new AppError('TENANT_NOT_FOUND', `No tenant '${code}'`);
  return toTenant(row);
}
