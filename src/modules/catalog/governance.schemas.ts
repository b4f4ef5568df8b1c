import { z } from 'zod';
import { partNumberSchema } from './catalog.schemas.js';

/** Attributes with a fixed meaning; any taxonomy code is an attribute too (its value from the taxonomy). */
export const ATTRIBUTE_SCHEMAS = {
  description: z.string().trim().min(1).max(500),
  cost: z.number().finite().min(0),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  weightKg: z.number().finite().min(0),
  manufacturer: z.string().trim().min(1).max(200),
  lifecycle: z.enum(['active', 'phase_in', 'phase_out', 'obsolete']),
} as const;

export const BUILT_IN_TAXONOMIES = [
  { code: 'itemType', name: 'Item type', values: ['spare', 'consumable', 'repairable', 'rotable', 'kit'] },
  { code: 'criticality', name: 'Criticality', values: ['A', 'B', 'C'] },
  { code: 'billing', name: 'Billing', values: ['billable', 'covered'] },
  { code: 'regulated', name: 'Traceability required', values: ['yes', 'no'] },
];

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const sourceSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/);

export const updateAttributesSchema = z
  .object({
    attributes: z
      .record(z.string().min(1).max(60), attributeValue)
      .refine((a) => Object.keys(a).length > 0, 'name at least one attribute'),
    source: sourceSchema.default('HUB').describe('The system the values come from (ERP, FSM, HUB…)'),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const proposeChangeSchema = z
  .object({
    partNumber: partNumberSchema,
    changes: z
      .record(z.string().min(1).max(60), attributeValue)
      .refine((a) => Object.keys(a).length > 0, 'name at least one change'),
    source: sourceSchema.default('HUB'),
    reason: z.string().trim().min(1).max(500),
    effectiveFrom: z.iso.datetime().optional(),
    emergency: z.boolean().default(false).describe('Allowed through freeze windows'),
  })
  .strict();
export type ProposeChangeInput = z.input<typeof proposeChangeSchema>;

export const changeRequestSchema = z.object({
  id: z.string(),
  partNumber: z.string(),
  changes: z.record(z.string(), z.unknown()),
  source: z.string(),
  reason: z.string(),
  status: z.enum(['proposed', 'approved', 'rejected', 'applied']),
  effectiveFrom: z.string(),
  emergency: z.boolean(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  appliedAt: z.string().nullable(),
});
export type ChangeRequest = z.infer<typeof changeRequestSchema>;

export const ownershipRuleSchema = z
  .object({ attribute: z.string().min(1).max(60), owner: sourceSchema })
  .strict();
export const taxonomySchema = z
  .object({
    code: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/),
    name: z.string().trim().min(1).max(100),
    values: z.array(z.string().trim().min(1).max(60)).min(1).max(200),
  })
  .strict();
export const freezeWindowSchema = z
  .object({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime(), reason: z.string().trim().min(1).max(300) })
  .strict();

export const attributeViewSchema = z.object({
  attribute: z.string(),
  value: z.unknown(),
  source: z.string(),
  rule: z.string().describe('Why this value survived'),
  updatedAt: z.string(),
  lineage: z.array(z.object({ source: z.string(), value: z.unknown(), observedAt: z.string() })),
});

export const updateOutcomeSchema = z.object({
  applied: z.record(z.string(), z.unknown()),
  changeRequest: changeRequestSchema.nullable(),
  reasons: z.array(z.string()),
});
