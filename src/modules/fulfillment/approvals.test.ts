import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approvalPolicySchema,
  decideApproval,
  DEFAULT_APPROVAL_POLICY,
  mayDecide,
  type ApprovalLevel,
  type ApprovalPolicy,
} from './approvals.js';

const policy: ApprovalPolicy = approvalPolicySchema.parse({
  rules: [
    { name: 'emergency', minPriority: 900, autoApproveUpTo: 2000, supervisorUpTo: 10000 },
    { name: 'senior', technicianLevels: ['senior'], autoApproveUpTo: 1000, supervisorUpTo: 5000 },
    {
      name: 'junior',
      technicianLevels: ['junior'],
      maxPriority: 899,
      autoApproveUpTo: 100,
      supervisorUpTo: 500,
    },
  ],
  unknownValue: 'supervisor',
});

const line = (cost: number | null, quantity = 1, partNumber = 'P-1') => ({
  lineId: '1',
  partNumber,
  quantity,
  cost,
});

describe('decideApproval', () => {
  it('approves automatically up to the first threshold, then supervisor, then manager', () => {
    const at = (value: number) =>
      decideApproval(policy, { technicianLevel: 'senior', priority: 10, lines: [line(value)] }).level;
    expect(at(1000)).toBe('auto');
    expect(at(1000.01)).toBe('supervisor');
    expect(at(5000)).toBe('supervisor');
    expect(at(5000.01)).toBe('manager');
  });

  it('takes the first rule that matches, and says which and why', () => {
    const emergency = decideApproval(policy, {
      technicianLevel: 'junior',
      priority: 950,
      lines: [line(1500)],
    });
    expect(emergency).toMatchObject({ level: 'auto', rule: 'emergency', value: 1500 });
    expect(emergency.reasons[0]).toContain("rule 'emergency' (priority ≥ 900)");
    const junior = decideApproval(policy, { technicianLevel: 'junior', priority: 10, lines: [line(150)] });
    expect(junior).toMatchObject({ level: 'supervisor', rule: 'junior' });
    expect(junior.reasons[0]).toContain('above 100, within the supervisor');
  });

  it('sends a job no rule covers to a manager', () => {
    const d = decideApproval(policy, { technicianLevel: 'apprentice', priority: 10, lines: [line(1)] });
    expect(d).toMatchObject({ level: 'manager', rule: null });
    expect(d.reasons[0]).toContain('no rule covers technician level apprentice');
  });

  it('sums quantity × cost in cents, so many small lines land exactly on a threshold', () => {
    const lines = Array.from({ length: 10 }, (_, i) => ({ ...line(0.1, 1000), lineId: String(i) }));
    expect(decideApproval(policy, { technicianLevel: 'senior', priority: 1, lines })).toMatchObject({
      value: 1000,
      level: 'auto',
    });
  });

  it('raises the level when a part has no cost, as the policy says, and names the part', () => {
    const d = decideApproval(policy, {
      technicianLevel: 'senior',
      priority: 1,
      lines: [line(10), { ...line(null, 1, 'NO-COST'), lineId: '2' }],
    });
    expect(d.level).toBe('supervisor');
    expect(d.reasons.join(' ')).toContain('no cost in the catalog for NO-COST');
    const lenient = decideApproval(DEFAULT_APPROVAL_POLICY, {
      technicianLevel: null,
      priority: 1,
      lines: [line(null)],
    });
    expect(lenient.level).toBe('auto');
    expect(lenient.reasons.join(' ')).toContain('counted as 0');
  });

  it('refuses a rule whose thresholds are out of order', () => {
    const bad = approvalPolicySchema.safeParse({
      rules: [{ name: 'x', autoApproveUpTo: 10, supervisorUpTo: 5 }],
    });
    expect(bad.success).toBe(false);
  });

  it('never needs less approval for a more valuable job under the same rule (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const rank = (v: number) =>
          ['auto', 'supervisor', 'manager'].indexOf(
            decideApproval(policy, { technicianLevel: 'senior', priority: 5, lines: [line(v)] }).level,
          );
        return rank(lo) <= rank(hi);
      }),
    );
  });

  it('lets a higher level decide a lower one, never the reverse', () => {
    const levels: ApprovalLevel[] = ['auto', 'supervisor', 'manager'];
    expect(levels.map((needed) => levels.map((granted) => mayDecide(needed, granted)))).toEqual([
      [true, true, true],
      [false, true, true],
      [false, false, true],
    ]);
  });
});
