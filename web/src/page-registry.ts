import type { ComponentType } from 'react';
import { AuditPage } from './pages/audit';
import { IntegrationPage } from './pages/integration';
import { InventoryPage } from './pages/inventory';
import { MasterDataPage } from './pages/master-data';
import { OverviewPage } from './pages/overview';
import { PlanningPage } from './pages/planning';
import { WorkOrdersPage } from './pages/work-orders';

export interface PageDef {
  path: string;
  title: string;
  /** Every permission the page's data needs; without them the page is not offered. */
  permissions: string[];
  component: ComponentType;
}

/** The pages in nav order. The KPIs route needs `kpi:read`, which every role holds. */
export const PAGES: PageDef[] = [
  { path: 'overview', title: 'Overview', permissions: ['kpi:read'], component: OverviewPage },
  {
    path: 'inventory',
    title: 'Inventory',
    permissions: ['part:read', 'stock:read', 'location:read'],
    component: InventoryPage,
  },
  { path: 'work-orders', title: 'Work orders', permissions: ['workorder:read'], component: WorkOrdersPage },
  {
    path: 'integration',
    title: 'Integration',
    permissions: ['integration:read'],
    component: IntegrationPage,
  },
  { path: 'planning', title: 'Planning', permissions: ['planning:read'], component: PlanningPage },
  { path: 'master-data', title: 'Master data', permissions: ['part:read'], component: MasterDataPage },
  { path: 'audit', title: 'Audit', permissions: ['audit:read'], component: AuditPage },
];
