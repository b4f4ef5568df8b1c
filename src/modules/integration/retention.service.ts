import type { Store } from '../../db/index.js';
import { runWork } from '../../kernel/index.js';
import type { Ctx } from '../../platform/context.js';

/** Statuses whose raw messages may go once their flow's retention has passed. */
const FINISHED_INBOUND = ['applied', 'shadowed', 'discarded'];

export interface PurgeReport {
  flowCode: string;
  retentionDays: number;
  inboundPurged: number;
  deliveriesPurged: number;
}

/**
 * Enforces each flow's retention for raw messages (M8.4): finished inbound messages and
 * delivered outbound messages older than the flow's `retentionDays` are deleted. A message
 * still received, failed, pending, in flight or dead is never removed, whatever its age —
 * someone still owes it an answer. Each flow's purge is one audited unit of work.
 */
export async function purgeExpiredMessages(store: Store, ctx: Ctx, now: Date): Promise<PurgeReport[]> {
  const flows = await store.db
    .selectFrom('integration_flows')
    .select(['code', 'retention_days'])
    .where('tenant_id', '=', ctx.tenantId)
    .execute();
  const reports: PurgeReport[] = [];
  for (const flow of flows) {
    const retentionDays = Number(flow.retention_days);
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
    const report = await runWork(store, ctx, async (w) => {
      const inbound = await w.trx
        .deleteFrom('inbox_messages')
        .where('tenant_id', '=', ctx.tenantId)
        .where('flow_code', '=', flow.code)
        .where('status', 'in', FINISHED_INBOUND)
        .where('received_at', '<', cutoff)
        .executeTakeFirst();
      const outbound = await w.trx
        .deleteFrom('outbound_deliveries')
        .where('tenant_id', '=', ctx.tenantId)
        .where('flow_code', '=', flow.code)
        .where('status', '=', 'delivered')
        .where('created_at', '<', cutoff)
        .executeTakeFirst();
      const result = {
        flowCode: flow.code,
        retentionDays,
        inboundPurged: Number(inbound.numDeletedRows),
        deliveriesPurged: Number(outbound.numDeletedRows),
      };
      if (result.inboundPurged + result.deliveriesPurged > 0)
        w.audit({
          action: 'integration.messages_purged',
          entityType: 'integration_flow',
          entityId: flow.code,
          after: { ...result, olderThan: cutoff },
          reason: `retention of ${retentionDays} days`,
        });
      return result;
    });
    reports.push(report);
  }
  return reports;
}
