import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import type { Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { ROLES } from '../access/index.js';
import { DEFAULT_RESERVATION_POLICY, type ReservationPolicy } from './allocation.js';
import { STOCK_STATUSES } from './inventory.schemas.js';
import { DEFAULT_VISIBILITY_POLICY, type VisibilityPolicy } from './visibility.js';

const reservationPolicySchema = z
  .object({
    demandTypeRank: z.record(z.string().min(1).max(60), z.number().int().min(0).max(1_000_000)),
    preemption: z
      .object({ enabled: z.boolean(), minPriorityGap: z.number().int().min(1).max(1000) })
      .strict(),
  })
  .strict();

const visibilityPolicySchema = z
  .object({
    roles: z.partialRecord(z.enum(ROLES), z.array(z.enum(STOCK_STATUSES)).max(STOCK_STATUSES.length)),
  })
  .strict();

/** Policies are configuration as data: versioned rows, edited through the API, audited. */
export const POLICIES = {
  reservation: { schema: reservationPolicySchema, defaults: DEFAULT_RESERVATION_POLICY },
  'stock-visibility': { schema: visibilityPolicySchema, defaults: DEFAULT_VISIBILITY_POLICY },
} as const;
export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = ['reservation', 'stock-visibility'] as const satisfies readonly PolicyName[];

export interface PolicyDocument {
  name: PolicyName;
  version: number;
  body: unknown;
  updatedAt: string | null;
  updatedBy: string | null;
}

export async function getPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
  name: PolicyName,
): Promise<PolicyDocument> {
  const row = await db
    .selectFrom('policies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) return { name, version: 0, body: POLICIES[name].defaults, updatedAt: null, updatedBy: null };
  return {
    name,
    version: Number(row.version),
    body: JSON.parse(row.body_json) as unknown,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export async function reservationPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
): Promise<ReservationPolicy> {
  return (await getPolicy(db, tenantId, 'reservation')).body as ReservationPolicy;
}

export async function visibilityPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
): Promise<VisibilityPolicy> {
  return (await getPolicy(db, tenantId, 'stock-visibility')).body as VisibilityPolicy;
}

/** Replaces a policy; `expectedVersion` guards against overwriting someone else's edit. */
export async function putPolicy(
  w: Work,
  name: PolicyName,
  body: unknown,
  expectedVersion: number | undefined,
  reason: string | undefined,
): Promise<PolicyDocument> {
  const parsed = POLICIES[name].schema.safeParse(body);
  if (!parsed.success) {
    throw new AppError(
      'POLICY_INVALID',
      `Policy '${name}' is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const before = await getPolicy(w.trx, w.ctx.tenantId, name);
  if (expectedVersion !== undefined && expectedVersion !== before.version) {
    throw new AppError(
      'POLICY_INVALID',
      `Policy '${name}' is at version ${before.version}, not ${expectedVersion}`,
    );
  }
  const now = isoTimestamp(w.ctx.clock);
  const row = {
    tenant_id: w.ctx.tenantId,
    name,
    version: before.version + 1,
    body_json: JSON.stringify(parsed.data),
    updated_at: now,
    updated_by: actorLabel(w.ctx.actor),
  };
  await w.trx
    .insertInto('policies')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'name']).doUpdateSet({
        version: row.version,
        body_json: row.body_json,
        updated_at: now,
        updated_by: row.updated_by,
      }),
    )
    .execute();
  const after: PolicyDocument = {
    name,
    version: row.version,
    body: parsed.data,
    updatedAt: now,
    updatedBy: row.updated_by,
  };
  w.audit({
    action: 'policy.updated',
    entityType: 'policy',
    entityId: name,
    before,
    after,
    reason: reason ?? null,
  });
  w.emit({ type: 'inventory.policy_updated', key: `policy:${name}`, payload: after });
  return after;
}
