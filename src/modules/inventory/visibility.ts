import type { Role } from '../access/index.js';
import { STOCK_STATUSES, type StockStatus } from './inventory.schemas.js';

/** Which stock statuses each role sees (M3.2); held as data per tenant (policy `stock-visibility`). */
export interface VisibilityPolicy {
  roles: Partial<Record<Role, StockStatus[]>>;
}

const ALL: StockStatus[] = [...STOCK_STATUSES];

// Dispatchers plan jobs around consigned, loaner and repair-in-process stock; technicians and
// read-only users see what can be picked or is on its way.
export const DEFAULT_VISIBILITY_POLICY: VisibilityPolicy = {
  roles: {
    admin: ALL,
    integration_admin: ALL,
    planner: ALL,
    auditor: ALL,
    dispatcher: ['available', 'in_transit', 'consigned', 'loaner', 'repair_in_process'],
    technician: ['available', 'in_transit', 'defective'],
    read_only: ['available', 'in_transit'],
  },
};

export function visibleStatuses(policy: VisibilityPolicy, role: Role): StockStatus[] {
  return policy.roles[role] ?? ['available'];
}
