/**
 * Who must approve a work order's parts (M4.2): rules as data, first match wins. A rule
 * names the technician levels and job priorities it covers and two value thresholds: up
 * to the first the parts are approved automatically, up to the second a supervisor
 * approves, above it a manager. Pure: the parts' values are inputs, and the decision
 * carries the reasons shown with the approval. See docs/decisions/0017-work-order-approvals.md.
 */
import { z } from 'zod';

export const APPROVAL_LEVELS = ['auto', 'supervisor', 'manager'] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];

const ruleSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    technicianLevels: z
      .array(z.string().trim().min(1).max(40))
      .min(1)
      .optional()
      .describe('levels this rule covers; absent: any level, including none given'),
    minPriority: z.number().int().min(0).max(1000).optional(),
    maxPriority: z.number().int().min(0).max(1000).optional(),
    autoApproveUpTo: z.number().nonnegative().describe('parts value approved without anyone'),
    supervisorUpTo: z.number().nonnegative().describe('above this a manager must approve'),
  })
  .strict()
  .refine((r) => r.supervisorUpTo >= r.autoApproveUpTo, {
    message: 'supervisorUpTo must be at least autoApproveUpTo',
  })
  .refine(
    (r) => r.minPriority === undefined || r.maxPriority === undefined || r.minPriority <= r.maxPriority,
    {
      message: 'minPriority must not exceed maxPriority',
    },
  );

export const approvalPolicySchema = z
  .object({
    rules: z.array(ruleSchema).min(1).max(100).describe('tried in order; the first that matches decides'),
    unknownValue: z
      .enum(['auto', 'supervisor', 'manager'])
      .default('auto')
      .describe(
        'the least approval a work order gets when a part has no cost in the catalog (auto: counted as 0)',
      ),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
export type ApprovalRule = ApprovalPolicy['rules'][number];

/** Senior technicians and urgent jobs get more room; anything else above 250 needs a person. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  rules: [
    { name: 'emergency jobs', minPriority: 900, autoApproveUpTo: 2000, supervisorUpTo: 10000 },
    {
      name: 'senior technicians',
      technicianLevels: ['senior', 'lead'],
      autoApproveUpTo: 1000,
      supervisorUpTo: 5000,
    },
    { name: 'everyone else', autoApproveUpTo: 250, supervisorUpTo: 2000 },
  ],
  unknownValue: 'auto',
};

export interface ApprovalLine {
  lineId: string;
  partNumber: string;
  quantity: number;
  /** The catalog's cost of the part; null when it has none. */
  cost: number | null;
}

export interface ApprovalInput {
  technicianLevel: string | null;
  priority: number;
  lines: readonly ApprovalLine[];
}

export interface ApprovalDecision {
  level: ApprovalLevel;
  /** Sum of quantity × unit value over the lines whose value is known. */
  value: number;
  rule: string | null;
  reasons: string[];
}

const RANK: Record<ApprovalLevel, number> = { auto: 0, supervisor: 1, manager: 2 };

export function decideApproval(policy: ApprovalPolicy, input: ApprovalInput): ApprovalDecision {
  const reasons: string[] = [];
  // Cents, so that a sum of many small values lands exactly on a threshold.
  const cents = input.lines.reduce(
    (sum, l) => sum + (l.cost === null ? 0 : Math.round(l.quantity * l.cost * 100)),
    0,
  );
  const value = cents / 100;
  const unknown = input.lines.filter((l) => l.cost === null).map((l) => l.partNumber);
  const rule = policy.rules.find((r) => matches(r, input));
  let level: ApprovalLevel;
  if (!rule) {
    level = 'manager';
    reasons.push(
      `no rule covers technician level ${input.technicianLevel ?? '(none)'} at priority ${input.priority}: a manager approves`,
    );
  } else {
    level =
      cents <= rule.autoApproveUpTo * 100
        ? 'auto'
        : cents <= rule.supervisorUpTo * 100
          ? 'supervisor'
          : 'manager';
    const threshold =
      level === 'auto'
        ? `within the ${rule.autoApproveUpTo} auto-approval limit`
        : level === 'supervisor'
          ? `above ${rule.autoApproveUpTo}, within the supervisor's ${rule.supervisorUpTo}`
          : `above the supervisor's ${rule.supervisorUpTo}`;
    reasons.push(`rule '${rule.name}' (${describeRule(rule)}): parts value ${value} is ${threshold}`);
  }
  if (unknown.length > 0) {
    const parts = [...new Set(unknown)].join(', ');
    if (RANK[policy.unknownValue] > RANK[level]) {
      level = policy.unknownValue;
      reasons.push(`no cost in the catalog for ${parts}: ${level} approval`);
    } else reasons.push(`no cost in the catalog for ${parts}: counted as 0`);
  }
  return { level, value, rule: rule?.name ?? null, reasons };
}

function matches(rule: ApprovalRule, input: ApprovalInput): boolean {
  if (
    rule.technicianLevels &&
    !(input.technicianLevel && rule.technicianLevels.includes(input.technicianLevel))
  )
    return false;
  if (rule.minPriority !== undefined && input.priority < rule.minPriority) return false;
  if (rule.maxPriority !== undefined && input.priority > rule.maxPriority) return false;
  return true;
}

function describeRule(rule: ApprovalRule): string {
  const parts: string[] = [];
  if (rule.technicianLevels) parts.push(`levels ${rule.technicianLevels.join('/')}`);
  if (rule.minPriority !== undefined) parts.push(`priority ≥ ${rule.minPriority}`);
  if (rule.maxPriority !== undefined) parts.push(`priority ≤ ${rule.maxPriority}`);
  return parts.length === 0 ? 'any job' : parts.join(', ');
}

/** Whether someone allowed `granted` may decide an approval that needs `needed`. */
export function mayDecide(needed: ApprovalLevel, granted: ApprovalLevel): boolean {
  return RANK[granted] >= RANK[needed];
}
