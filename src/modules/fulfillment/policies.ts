/**
 * The fulfillment module's configuration as data (approval rules, lead times): one versioned
 * document per tenant and name, edited through the API with `expectedVersion` guarding a
 * concurrent edit, audited; the defaults apply until a tenant saves its own.
 */
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { approvalPolicySchema, DEFAULT_APPROVAL_POLICY } from './approvals.js';
import { DEFAULT_LEAD_TIME_POLICY, leadTimePolicySchema } from './lead-times.js';

export const FULFILLMENT_POLICIES = {
  'work-order-approval': { schema: approvalPolicySchema, defaults: DEFAULT_APPROVAL_POLICY },
  'lead-times': { schema: leadTimePolicySchema, defaults: DEFAULT_LEAD_TIME_POLICY },
} as const;
export type FulfillmentPolicyName = keyof typeof FULFILLMENT_POLICIES;
type Body<N extends FulfillmentPolicyName> = (typeof FULFILLMENT_POLICIES)[N]['defaults'];

export interface FulfillmentPolicyDocument<N extends FulfillmentPolicyName> {
  version: number;
  body: Body<N>;
  updatedAt: string | null;
  updatedBy: string | null;
}

export async function getFulfillmentPolicy<N extends FulfillmentPolicyName>(
  r: Pick<Reader, 'db' | 'ctx'>,
  name: N,
): Promise<FulfillmentPolicyDocument<N>> {
  const row = await r.db
    .selectFrom('fulfillment_policies')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  const policy = FULFILLMENT_POLICIES[name];
  if (!row) return { version: 0, body: policy.defaults, updatedAt: null, updatedBy: null };
  return {
    version: Number(row.version),
    body: policy.schema.parse(JSON.parse(row.body_json)),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Replaces a policy; `expectedVersion` guards against overwriting someone else's edit. */
export async function putFulfillmentPolicy<N extends FulfillmentPolicyName>(
  w: Work,
  name: N,
  body: unknown,
  expectedVersion: number | undefined,
): Promise<FulfillmentPolicyDocument<N>> {
  const parsed = FULFILLMENT_POLICIES[name].schema.safeParse(body);
  if (!parsed.success)
    throw new AppError(
      'POLICY_INVALID',
      `Policy '${name}' is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const before = await getFulfillmentPolicy({ db: w.trx, ctx: w.ctx }, name);
  if (expectedVersion !== undefined && expectedVersion !== before.version)
    throw new AppError(
      'POLICY_INVALID',
      `Policy '${name}' is at version ${before.version}, not ${expectedVersion}`,
    );
  const now = isoTimestamp(w.ctx.clock);
  const row = {
    tenant_id: w.ctx.tenantId,
    name,
    version: before.version + 1,
    body_json: JSON.stringify(parsed.data),
    updated_at: now,
    updated_by: actorLabel(w.ctx.actor),
  };
  // The version is compared again in the write, so two concurrent edits cannot both pass.
  let count: number;
  if (before.version === 0) {
    const inserted = await w.trx
      .insertInto('fulfillment_policies')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .executeTakeFirst();
    count = Number(inserted.numInsertedOrUpdatedRows ?? 0);
  } else {
    const updated = await w.trx
      .updateTable('fulfillment_policies')
      .set({ version: row.version, body_json: row.body_json, updated_at: now, updated_by: row.updated_by })
      .where('tenant_id', '=', row.tenant_id)
      .where('name', '=', name)
      .where('version', '=', before.version)
      .executeTakeFirst();
    count = Number(updated.numUpdatedRows);
  }
  if (count !== 1)
    throw new AppError('POLICY_INVALID', `Policy '${name}' was changed meanwhile: read it again`);
  const after = {
    version: row.version,
    body: parsed.data as Body<N>,
    updatedAt: now,
    updatedBy: row.updated_by,
  };
  w.audit({
    action: 'policy.updated',
    entityType: 'policy',
    entityId: name,
    before: before.version === 0 ? null : before,
    after,
  });
  w.emit({ type: 'fulfillment.policy_updated', key: `policy:${name}`, payload: { name, ...after } });
  return after;
}
