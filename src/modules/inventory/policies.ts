import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import { policyDocuments, type PolicyDocument, type Work } from '../../kernel/index.js';
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

const documents = policyDocuments('policies', 'inventory', POLICIES);

export type InventoryPolicyDocument = PolicyDocument<PolicyName, unknown>;

export function getPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
  name: PolicyName,
): Promise<InventoryPolicyDocument> {
  return documents.get(db, tenantId, name);
}

export async function reservationPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
): Promise<ReservationPolicy> {
  return (await documents.get(db, tenantId, 'reservation')).body;
}

export async function visibilityPolicy(
  db: Kysely<Database> | Trx,
  tenantId: string,
): Promise<VisibilityPolicy> {
  return (await documents.get(db, tenantId, 'stock-visibility')).body;
}

/** Replaces a policy; `expectedVersion` guards against overwriting someone else's edit. */
export function putPolicy(
  w: Work,
  name: PolicyName,
  body: unknown,
  expectedVersion: number | undefined,
  reason: string | undefined,
): Promise<InventoryPolicyDocument> {
  return documents.put(w, name, body, { expectedVersion, reason });
}
