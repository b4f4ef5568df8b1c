/**
 * SLA service targets as data (M6.3): per part class or per criticality (the catalog's A/B/C
 * taxonomy), a target kind and value, and the rule that picks the one for a part, with its
 * reasons. Pure. See docs/decisions/0018-safety-stock.md.
 */
import { z } from 'zod';
import { AppError } from '../../../platform/errors.js';

export const TARGET_KINDS = ['cycle-service-level', 'fill-rate'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const CRITICALITIES = ['A', 'B', 'C'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/**
 * A target below 1: with unbounded lead-time demand no finite stock meets 1, and above
 * 0.999999 the answer is set by the tail's last digits rather than by the demand.
 */
export const serviceTargetSchema = z.object({
  kind: z.enum(TARGET_KINDS),
  value: z.number().gt(0).max(0.999999),
});
export type ServiceTarget = z.infer<typeof serviceTargetSchema>;

/** Targets per part class (e.g. the catalog's item type, or a planner's class) and per criticality. */
export const slaPolicySchema = z.object({
  byPartClass: z.record(z.string().min(1), serviceTargetSchema).default({}),
  byCriticality: z
    .object({ A: serviceTargetSchema, B: serviceTargetSchema, C: serviceTargetSchema })
    .partial()
    .default({}),
  /** For a part with neither a listed class nor a criticality. */
  fallback: serviceTargetSchema,
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/**
 * A critical part (A) is protected per cycle (no stock-out while an order is out); B and C
 * by the share of demand served, which is cheaper to reach for slow movers.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  byPartClass: {},
  byCriticality: {
    A: { kind: 'cycle-service-level', value: 0.98 },
    B: { kind: 'fill-rate', value: 0.95 },
    C: { kind: 'fill-rate', value: 0.9 },
  },
  fallback: { kind: 'fill-rate', value: 0.9 },
};

export interface PartServiceProfile {
  partNumber?: string;
  partClass?: string | null;
  /** The part's own criticality, or that of the most critical equipment it serves. */
  criticality?: Criticality | null;
}

export const TARGET_SOURCES = ['part-class', 'criticality', 'fallback'] as const;

/** The target a part gets, which entry of the policy gave it, and why (the API shows it as is). */
export const resolvedTargetSchema = z.object({
  target: serviceTargetSchema,
  source: z
    .enum(TARGET_SOURCES)
    .describe('the policy entry that gave it: the part’s class, its criticality, or the fallback'),
  reasons: z.array(z.string()),
});
export type ResolvedTarget = z.infer<typeof resolvedTargetSchema>;

export const targetLabel = (t: ServiceTarget) =>
  `${t.kind === 'cycle-service-level' ? 'cycle service level' : 'fill rate'} ${t.value}`;

/** Parse a policy written as data (VALIDATION_FAILED with zod's issues when it does not fit). */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  const parsed = slaPolicySchema.safeParse(input);
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', 'the SLA policy does not match its schema', {
      issues: parsed.error.issues,
    });
  return parsed.data;
}

/**
 * The target for a part: its class's entry when the policy lists the class (a class entry is
 * written as an exception, so it wins), else its criticality's, else the fallback.
 */
export function resolveServiceTarget(
  part: PartServiceProfile,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
): ResolvedTarget {
  const who = part.partNumber ? `part ${part.partNumber}` : 'the part';
  const reasons: string[] = [];
  if (part.partClass) {
    const byClass = policy.byPartClass[part.partClass];
    if (byClass) {
      reasons.push(`${who} is in class ${part.partClass}, which the policy lists: ${targetLabel(byClass)}`);
      if (part.criticality)
        reasons.push(`the class entry takes precedence over criticality ${part.criticality}`);
      return { target: byClass, source: 'part-class', reasons };
    }
    reasons.push(`class ${part.partClass} has no entry in the policy`);
  }
  if (part.criticality) {
    const byCrit = policy.byCriticality[part.criticality];
    if (byCrit) {
      reasons.push(`${who} has criticality ${part.criticality}: ${targetLabel(byCrit)}`);
      return { target: byCrit, source: 'criticality', reasons };
    }
    reasons.push(`criticality ${part.criticality} has no entry in the policy`);
  } else {
    reasons.push(`${who} has no criticality`);
  }
  reasons.push(`the policy's fallback: ${targetLabel(policy.fallback)}`);
  return { target: policy.fallback, source: 'fallback', reasons };
}
