import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEAD_TIME_POLICY,
  leadTimeHours,
  leadTimePolicySchema,
  purchaseOptions,
  type LeadTimePolicy,
} from './lead-times.js';

const fsl = { code: 'FSL-N', type: 'forward_stocking_location' as const, region: 'NORTH' };

describe('leadTimeHours', () => {
  it('uses the location type and whether it is in the job’s region', () => {
    expect(leadTimeHours(defaults(), fsl, 'NORTH')).toBe(4);
    expect(leadTimeHours(defaults(), fsl, 'SOUTH')).toBe(24);
    expect(leadTimeHours(defaults(), { ...fsl, type: 'central_dc' }, 'NORTH')).toBe(48);
    expect(leadTimeHours(defaults(), { ...fsl, type: 'technician_van' }, 'SOUTH')).toBe(0);
    expect(leadTimeHours(defaults(), { ...fsl, type: 'repair_vendor' }, 'NORTH')).toBeNull();
  });

  it('lets a lane to the job’s region win over a lane to any region, and both over the type', () => {
    const policy: LeadTimePolicy = {
      ...defaults(),
      lanes: [
        { from: 'FSL-N', hours: 10 },
        { from: 'FSL-N', toRegion: 'SOUTH', hours: 30 },
      ],
    };
    expect(leadTimeHours(policy, fsl, 'SOUTH')).toBe(30);
    expect(leadTimeHours(policy, fsl, 'NORTH')).toBe(10);
    expect(leadTimeHours(policy, { ...fsl, code: 'FSL-X' }, 'NORTH')).toBe(4);
  });

  it('buys a part from its own suppliers when it has them, else at the default purchase time', () => {
    const policy: LeadTimePolicy = {
      ...defaults(),
      purchaseByPart: [
        { partNumber: 'P-1', hours: 72, supplier: 'ACME' },
        { partNumber: 'P-1', hours: 96, supplier: 'Globex' },
      ],
    };
    expect(purchaseOptions(policy, 'P-1')).toEqual([
      { partNumber: 'P-1', leadTimeHours: 72, supplier: 'ACME' },
      { partNumber: 'P-1', leadTimeHours: 96, supplier: 'Globex' },
    ]);
    expect(purchaseOptions(policy, 'P-2')).toEqual([{ partNumber: 'P-2', leadTimeHours: 120 }]);
  });

  it('refuses negative hours and unknown fields', () => {
    expect(leadTimePolicySchema.safeParse({ ...defaults(), centralDc: -1 }).success).toBe(false);
    expect(leadTimePolicySchema.safeParse({ ...defaults(), trucks: 3 }).success).toBe(false);
  });
});

function defaults(): LeadTimePolicy {
  return structuredClone(DEFAULT_LEAD_TIME_POLICY);
}
