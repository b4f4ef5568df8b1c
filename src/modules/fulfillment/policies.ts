/**
 * The fulfillment module's configuration as data (approval rules, lead times): one versioned
 * document per tenant and name (kernel/policy-documents.ts), edited through the API with
 * `expectedVersion` guarding a concurrent edit, audited; the defaults apply until a tenant
 * saves its own.
 */
import { policyDocuments, type PolicyDocument, type Reader, type Work } from '../../kernel/index.js';
import { approvalPolicySchema, DEFAULT_APPROVAL_POLICY } from './approvals.js';
import { DEFAULT_LEAD_TIME_POLICY, leadTimePolicySchema } from './lead-times.js';

export const FULFILLMENT_POLICIES = {
  'work-order-approval': { schema: approvalPolicySchema, defaults: DEFAULT_APPROVAL_POLICY },
  'lead-times': { schema: leadTimePolicySchema, defaults: DEFAULT_LEAD_TIME_POLICY },
} as const;
export type FulfillmentPolicyName = keyof typeof FULFILLMENT_POLICIES;

const documents = policyDocuments('fulfillment_policies', 'fulfillment', FULFILLMENT_POLICIES);

export type FulfillmentPolicyDocument<N extends FulfillmentPolicyName> = PolicyDocument<
  N,
  (typeof FULFILLMENT_POLICIES)[N]['defaults']
>;

export function getFulfillmentPolicy<N extends FulfillmentPolicyName>(
  r: Pick<Reader, 'db' | 'ctx'>,
  name: N,
): Promise<FulfillmentPolicyDocument<N>> {
  return documents.get(r.db, r.ctx.tenantId, name);
}

/** Replaces a policy; `expectedVersion` guards against overwriting someone else's edit. */
export function putFulfillmentPolicy<N extends FulfillmentPolicyName>(
  w: Work,
  name: N,
  body: unknown,
  expectedVersion: number | undefined,
): Promise<FulfillmentPolicyDocument<N>> {
  return documents.put(w, name, body, { expectedVersion });
}
