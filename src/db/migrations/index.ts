import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001-core.js';
import * as catalogReferences from './0002-catalog-references.js';
import * as governance from './0003-master-data-governance.js';
import * as postgresAuditAppend from './0004-postgres-audit-append.js';
import * as auditChainShards from './0005-audit-chain-shards.js';
import * as importJobs from './0006-import-jobs.js';
import * as xrefConflictResolution from './0007-xref-conflict-resolution.js';
import * as integration from './0008-integration.js';
import * as outboundDeliveries from './0009-outbound-deliveries.js';
import * as x12ControlNumbers from './0010-x12-control-numbers.js';
import * as stockSnapshots from './0011-stock-snapshots.js';
import * as inboundDueAt from './0012-inbound-due-at.js';
import * as flowConnectors from './0013-flow-connectors.js';
import * as workOrders from './0014-work-orders.js';
import * as warehouseConfirmations from './0015-warehouse-confirmations.js';
import * as kits from './0016-kits.js';
import * as buffers from './0017-buffers.js';
import * as workOrderLifecycle from './0018-work-order-lifecycle.js';
import * as demandHistory from './0019-demand-history.js';
import * as planningOverrides from './0020-planning-overrides.js';
import * as equipmentRetirements from './0021-equipment-retirements.js';
import * as postgresReserveFree from './0022-postgres-reserve-free.js';
import * as postgresAuditTextOnce from './0023-postgres-audit-text-once.js';
import * as workOrderPlanFigures from './0024-work-order-plan-figures.js';

// Migrations are compiled into the bundle (not read from disk), so `npx sparehub` works anywhere.
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
  '0002-catalog-references': catalogReferences,
  '0003-master-data-governance': governance,
  '0004-postgres-audit-append': postgresAuditAppend,
  '0005-audit-chain-shards': auditChainShards,
  '0006-import-jobs': importJobs,
  '0007-xref-conflict-resolution': xrefConflictResolution,
  '0008-integration': integration,
  '0009-outbound-deliveries': outboundDeliveries,
  '0010-x12-control-numbers': x12ControlNumbers,
  '0011-stock-snapshots': stockSnapshots,
  '0012-inbound-due-at': inboundDueAt,
  '0013-flow-connectors': flowConnectors,
  '0014-work-orders': workOrders,
  '0015-warehouse-confirmations': warehouseConfirmations,
  '0016-kits': kits,
  '0017-buffers': buffers,
  '0018-work-order-lifecycle': workOrderLifecycle,
  '0019-demand-history': demandHistory,
  '0020-planning-overrides': planningOverrides,
  '0021-equipment-retirements': equipmentRetirements,
  '0022-postgres-reserve-free': postgresReserveFree,
  '0023-postgres-audit-text-once': postgresAuditTextOnce,
  '0024-work-order-plan-figures': workOrderPlanFigures,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
