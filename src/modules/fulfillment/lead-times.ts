/**
 * How long stock takes from a location to a job, by the location's type and whether it is in
 * the job's region: the lane table the sourcing decision reads. Defaults a service network
 * of vans, forward stocking locations, regional warehouses and a central DC commonly plans
 * with; a purchase takes the supplier lead time (one default until parts carry their own).
 */
import type { LocationType } from '../inventory/index.js';

export const DEFAULT_LEAD_TIMES = {
  technicianVan: 0,
  forwardStocking: { sameRegion: 4, otherRegion: 24 },
  regionalWarehouse: { sameRegion: 24, otherRegion: 48 },
  centralDc: 48,
  purchase: 120,
} as const;

/** Hours from a location to the job, or null for locations that are not a source. */
export function leadTimeHours(type: LocationType, locationRegion: string, jobRegion: string): number | null {
  const same = locationRegion === jobRegion;
  switch (type) {
    case 'technician_van':
      return DEFAULT_LEAD_TIMES.technicianVan;
    case 'forward_stocking_location':
      return same
        ? DEFAULT_LEAD_TIMES.forwardStocking.sameRegion
        : DEFAULT_LEAD_TIMES.forwardStocking.otherRegion;
    case 'regional_warehouse':
      return same
        ? DEFAULT_LEAD_TIMES.regionalWarehouse.sameRegion
        : DEFAULT_LEAD_TIMES.regionalWarehouse.otherRegion;
    case 'central_dc':
      return DEFAULT_LEAD_TIMES.centralDc;
    case 'repair_vendor':
    case 'customer_site':
      return null;
  }
}
