import type { Reader } from '../../kernel/index.js';
import { isoTimestamp, type Clock } from '../../platform/clock.js';
import { classifyImpact, sortByImpact } from './delivery/index.js';
import type { IntegrationError } from './integration.schemas.js';
import { listFlows } from './systems.service.js';

/** Fields a message may carry that say how urgent it is (work orders: priority, SLA). */
function urgency(body: string): { priority: number | null; slaDueAt: string | null } {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const payload = (parsed.payload ?? parsed) as Record<string, unknown>;
    const priority = Number(payload.priority ?? payload.jobPriority);
    const sla = payload.slaDueAt ?? payload.dueAt;
    return {
      priority: Number.isFinite(priority) ? priority : null,
      slaDueAt: typeof sla === 'string' ? sla : null,
    };
  } catch {
    return { priority: null, slaDueAt: null };
  }
}

/**
 * Dead and failed messages, both directions, classified by business impact and sorted most
 * urgent first: a blocked high-priority service job before a delayed replenishment before
 * data sync lag. Every entry says why it ranks where it does.
 */
export async function listIntegrationErrors(
  r: Reader,
  clock: Clock,
  limit: number,
): Promise<IntegrationError[]> {
  const flows = new Map((await listFlows(r.db, r.ctx.tenantId)).map((f) => [f.code, f]));
  const now = isoTimestamp(clock);
  const inbound = await r.db
    .selectFrom('inbox_messages')
    .select([
      'id',
      'flow_code',
      'system_code',
      'status',
      'error_code',
      'error_detail',
      'attempts',
      'received_at',
      'body',
      'content_type',
    ])
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('status', 'in', ['dead', 'failed'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const outbound = await r.db
    .selectFrom('outbound_deliveries')
    .select([
      'id',
      'flow_code',
      'system_code',
      'status',
      'last_error_code',
      'last_error_detail',
      'attempts',
      'created_at',
      'body',
      'event_type',
    ])
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('status', '=', 'dead')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const entries: IntegrationError[] = [];
  for (const m of inbound) {
    const flow = flows.get(m.flow_code);
    const u = m.content_type.includes('json') ? urgency(m.body) : { priority: null, slaDueAt: null };
    const c = classifyImpact(
      {
        messageType: flow?.entity ?? 'unknown',
        flowEntity: flow?.entity ?? null,
        priority: u.priority,
        slaDueAt: u.slaDueAt,
      },
      now,
    );
    entries.push({
      kind: 'inbound',
      id: m.id,
      flowCode: m.flow_code,
      systemCode: m.system_code,
      status: m.status,
      code: m.error_code ?? 'UNKNOWN',
      detail: m.error_detail ?? '',
      impact: c.impact,
      rank: c.rank,
      reasons: c.reasons,
      attempts: Number(m.attempts),
      createdAt: m.received_at,
      slaDueAt: u.slaDueAt,
    });
  }
  for (const d of outbound) {
    const flow = flows.get(d.flow_code);
    const u = urgency(d.body);
    const c = classifyImpact(
      {
        messageType: d.event_type,
        flowEntity: flow?.entity ?? null,
        priority: u.priority,
        slaDueAt: u.slaDueAt,
      },
      now,
    );
    entries.push({
      kind: 'outbound',
      id: d.id,
      flowCode: d.flow_code,
      systemCode: d.system_code,
      status: d.status,
      code: d.last_error_code ?? 'UNKNOWN',
      detail: d.last_error_detail ?? '',
      impact: c.impact,
      rank: c.rank,
      reasons: c.reasons,
      attempts: Number(d.attempts),
      createdAt: d.created_at,
      slaDueAt: u.slaDueAt,
    });
  }
  return sortByImpact(entries).slice(0, limit);
}
