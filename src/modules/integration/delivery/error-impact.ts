/**
 * What a failed (dead-lettered or erroring) outbound message holds up, so the error log can
 * put a blocked field service job above a late part-master sync (M7.4). The rules are data:
 * the default table below, or a tenant's own, checked in order, first match wins.
 */
import { z } from 'zod';
import { formatDuration, toMs, tryToMs, type Instant } from './instant.js';

export const IMPACTS = ['blocks_service_job', 'delays_replenishment', 'data_sync_lag', 'other'] as const;
export type Impact = (typeof IMPACTS)[number];

export const impactRuleSchema = z
  .object({
    id: z.string().min(1),
    impact: z.enum(IMPACTS),
    /** Lower is more urgent. */
    rank: z.number().int(),
    /**
     * Message types or flow entities in lower snake case ("purchase.order" is purchase_order).
     * A subject matches itself and anything it prefixes at a word boundary (work_order matches
     * work_order_created). Empty matches every message: a catch-all.
     */
    subjects: z.array(z.string().min(1)),
    /** When present the rule applies only if one of these holds: priority at most, or SLA due within. */
    urgentWhen: z
      .object({
        priorityAtMost: z.number().optional(),
        slaWithinMs: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    /** Why the impact is what it is, for the reasons list. */
    because: z.string().min(1),
  })
  .strict();

export type ImpactRule = z.infer<typeof impactRuleSchema>;

const DAY_MS = 24 * 60 * 60_000;
const SERVICE_JOB_SUBJECTS = ['work_order', 'service_order', 'service_job', 'reservation', 'requisition'];

/**
 * The default table. A service-job message is only "blocks_service_job" when the job is urgent
 * (priority 1–2, or SLA due within 24 h or overdue); otherwise it ranks just below
 * replenishment as "other", since the job can still wait for a fix.
 */
export const DEFAULT_IMPACT_RULES: readonly ImpactRule[] = [
  {
    id: 'urgent_service_job',
    impact: 'blocks_service_job',
    rank: 10,
    subjects: SERVICE_JOB_SUBJECTS,
    urgentWhen: { priorityAtMost: 2, slaWithinMs: DAY_MS },
    because: 'an urgent field service job waits for these parts',
  },
  {
    id: 'replenishment',
    impact: 'delays_replenishment',
    rank: 20,
    subjects: [
      'purchase_order',
      'asn',
      'ship_notice',
      'advance_ship_notice',
      'replenishment',
      'stock_transfer',
      'transfer_order',
    ],
    because: 'stock replenishment waits on this document',
  },
  {
    id: 'service_job',
    impact: 'other',
    rank: 25,
    subjects: SERVICE_JOB_SUBJECTS,
    because: 'a service job message whose job is not urgent yet',
  },
  {
    id: 'master_data_sync',
    impact: 'data_sync_lag',
    rank: 30,
    subjects: ['part_master', 'part', 'item_master', 'item', 'stock_snapshot', 'stock', 'inventory', 'price'],
    because: 'the other system works from stale data until this is resent',
  },
  {
    id: 'fallback',
    impact: 'other',
    rank: 90,
    subjects: [],
    because: 'no impact rule names this message type',
  },
];

/** The fields of a message and its payload summary that impact depends on. */
export interface ImpactInput {
  messageType: string;
  flowEntity?: string | null;
  /** Lower is more urgent (1 = highest), as service job priorities are written. */
  priority?: number | null;
  jobPriority?: number | null;
  slaDueAt?: Instant | null;
}

export interface ImpactClassification {
  impact: Impact;
  rank: number;
  ruleId: string;
  reasons: string[];
}

/** "Purchase.Order", "purchase-order" and "PurchaseOrder" all become purchase_order. */
export function normaliseSubject(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function matchingSubject(rule: ImpactRule, name: string): string | undefined {
  return rule.subjects.find((s) => name === s || name.startsWith(`${s}_`));
}

/**
 * Classifies what a failed outbound message holds up. Priority is the more urgent of
 * `priority` and `jobPriority`; an unreadable SLA date is ignored and said so.
 */
export function classifyImpact(
  input: ImpactInput,
  now: Instant,
  rules: readonly ImpactRule[] = DEFAULT_IMPACT_RULES,
): ImpactClassification {
  const nowMs = toMs(now);
  const names = [
    { label: 'message type', raw: input.messageType },
    ...(input.flowEntity ? [{ label: 'flow entity', raw: input.flowEntity }] : []),
  ].map((n) => ({ ...n, name: normaliseSubject(n.raw) }));

  const priorities = [input.priority, input.jobPriority].filter(
    (p): p is number => typeof p === 'number' && Number.isFinite(p),
  );
  const priority = priorities.length > 0 ? Math.min(...priorities) : undefined;
  const slaMs = tryToMs(input.slaDueAt);
  const notes: string[] = [];
  if (input.slaDueAt != null && slaMs === undefined) {
    notes.push(`SLA due date ${String(input.slaDueAt)} is not a date; ignored`);
  }

  for (const rule of rules) {
    let matched: string | undefined;
    if (rule.subjects.length > 0) {
      for (const n of names) {
        const subject = matchingSubject(rule, n.name);
        if (subject !== undefined) {
          matched = `${n.label} ${n.raw} matches ${subject}`;
          break;
        }
      }
      if (matched === undefined) continue;
    }
    const urgency = rule.urgentWhen ? urgencyOf(rule.urgentWhen, priority, slaMs, nowMs) : undefined;
    if (urgency && !urgency.urgent) {
      notes.push(
        `${matched ?? 'message'}, but ${urgency.why.join(' and ')}, so rule ${rule.id} does not apply`,
      );
      continue;
    }
    const reasons = [...notes];
    if (matched !== undefined) reasons.push(matched);
    if (urgency) reasons.push(...urgency.why);
    reasons.push(`${rule.impact} (rank ${rule.rank}, rule ${rule.id}): ${rule.because}`);
    return { impact: rule.impact, rank: rule.rank, ruleId: rule.id, reasons };
  }
  // Only reached with a table that has no catch-all; the default table always has one.
  return {
    impact: 'other',
    rank: Number.MAX_SAFE_INTEGER,
    ruleId: 'none',
    reasons: [...notes, 'no impact rule matched and the rule table has no catch-all'],
  };
}

function urgencyOf(
  when: NonNullable<ImpactRule['urgentWhen']>,
  priority: number | undefined,
  slaMs: number | undefined,
  nowMs: number,
): { urgent: boolean; why: string[] } {
  const yes: string[] = [];
  const no: string[] = [];
  if (when.priorityAtMost !== undefined) {
    if (priority === undefined) no.push('no priority is given');
    else if (priority <= when.priorityAtMost)
      yes.push(`priority ${priority} is ${when.priorityAtMost} or more urgent`);
    else no.push(`priority ${priority} is less urgent than ${when.priorityAtMost}`);
  }
  if (when.slaWithinMs !== undefined) {
    if (slaMs === undefined) no.push('no SLA due date is given');
    else {
      const leftMs = slaMs - nowMs;
      const timing =
        leftMs < 0 ? `overdue by ${formatDuration(-leftMs)}` : `due in ${formatDuration(leftMs)}`;
      if (leftMs <= when.slaWithinMs) yes.push(`SLA ${timing}, within ${formatDuration(when.slaWithinMs)}`);
      else no.push(`SLA ${timing}, beyond ${formatDuration(when.slaWithinMs)}`);
    }
  }
  return yes.length > 0 ? { urgent: true, why: yes } : { urgent: false, why: no };
}

/** What sortByImpact needs of an error-log entry. */
export interface ImpactSortable {
  rank: number;
  slaDueAt?: Instant | null;
  /** When the message was created (or first failed): older first among equals. */
  createdAt: Instant;
}

/**
 * Most urgent first: by rank, then the earliest SLA due (entries without one after those
 * with one), then the oldest. Returns a new array; equal entries keep their order.
 */
export function sortByImpact<T extends ImpactSortable>(errors: readonly T[]): T[] {
  const keyed = errors.map((e) => ({
    e,
    sla: tryToMs(e.slaDueAt) ?? Infinity,
    age: tryToMs(e.createdAt) ?? Infinity,
  }));
  keyed.sort((a, b) => a.e.rank - b.e.rank || cmp(a.sla, b.sla) || cmp(a.age, b.age));
  return keyed.map((k) => k.e);
}

// Infinity − Infinity is NaN, which sort treats as "equal" only by accident; compare explicitly.
function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
