/**
 * How long stock takes from a location to a job: the lane table the sourcing decision reads,
 * as data (policy `lead-times`). By the location's type and whether it is in the job's
 * region, with lanes that override it for one location (to one region or any), and supplier
 * lead times per part for purchases. The defaults are what a service network of vans,
 * forward stocking locations, regional warehouses and a central DC commonly plans with.
 */
import { z } from 'zod';
import type { LocationType } from '../inventory/index.js';

const hours = z
  .number()
  .min(0)
  .max(24 * 365);
const regional = z.object({ sameRegion: hours, otherRegion: hours }).strict();

export const leadTimePolicySchema = z
  .object({
    technicianVan: hours.describe('the technician’s own van: at the job already'),
    forwardStocking: regional,
    regionalWarehouse: regional,
    centralDc: hours,
    purchase: hours.describe('a purchase, for parts without their own supplier lead time'),
    lanes: z
      .array(
        z
          .object({
            from: z.string().trim().min(1).max(60).describe('a location code'),
            toRegion: z.string().trim().min(1).max(60).optional().describe('absent: to any region'),
            hours,
          })
          .strict(),
      )
      .max(5000)
      .default([]),
    purchaseByPart: z
      .array(
        z
          .object({
            partNumber: z.string().trim().min(1).max(80),
            hours,
            supplier: z.string().trim().min(1).max(80).optional(),
          })
          .strict(),
      )
      .max(50_000)
      .default([]),
  })
  .strict();
export type LeadTimePolicy = z.infer<typeof leadTimePolicySchema>;

export const DEFAULT_LEAD_TIME_POLICY: LeadTimePolicy = {
  technicianVan: 0,
  forwardStocking: { sameRegion: 4, otherRegion: 24 },
  regionalWarehouse: { sameRegion: 24, otherRegion: 48 },
  centralDc: 48,
  purchase: 120,
  lanes: [],
  purchaseByPart: [],
};

/**
 * Hours from a location to the job, or null for locations that are not a source. A lane for
 * the location and the job's region wins over one for the location to any region, which wins
 * over the type's default.
 */
export function leadTimeHours(
  policy: LeadTimePolicy,
  location: { code: string; type: LocationType; region: string },
  jobRegion: string,
): number | null {
  if (location.type === 'repair_vendor' || location.type === 'customer_site') return null;
  const lane =
    policy.lanes.find((l) => l.from === location.code && l.toRegion === jobRegion) ??
    policy.lanes.find((l) => l.from === location.code && l.toRegion === undefined);
  if (lane) return lane.hours;
  const same = location.region === jobRegion;
  switch (location.type) {
    case 'technician_van':
      return policy.technicianVan;
    case 'forward_stocking_location':
      return same ? policy.forwardStocking.sameRegion : policy.forwardStocking.otherRegion;
    case 'regional_warehouse':
      return same ? policy.regionalWarehouse.sameRegion : policy.regionalWarehouse.otherRegion;
    case 'central_dc':
      return policy.centralDc;
  }
}

/** How a part can be bought: its own suppliers' lead times, else the default purchase time. */
export function purchaseOptions(
  policy: LeadTimePolicy,
  partNumber: string,
): Array<{ partNumber: string; leadTimeHours: number; supplier?: string }> {
  const own = policy.purchaseByPart.filter((p) => p.partNumber === partNumber);
  if (own.length === 0) return [{ partNumber, leadTimeHours: policy.purchase }];
  return own.map((p) => ({
    partNumber,
    leadTimeHours: p.hours,
    ...(p.supplier !== undefined ? { supplier: p.supplier } : {}),
  }));
}
