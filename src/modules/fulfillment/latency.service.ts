/**
 * Work order latency (M7.1): from the work order's creation in the FSM to its parts being
 * reserved, and to the ERP having acknowledged every requisition sent for it; p50, p95 and
 * p99 per day (UTC, by arrival) and per flow.
 */
import type { Reader } from '../../kernel/index.js';
import { percentiles } from '../../platform/percentiles.js';

export interface LatencyFigures {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface LatencyBucket {
  day: string;
  /** The flow's code, or `api` for work orders posted to the API. */
  flow: string;
  workOrders: number;
  toReserved: LatencyFigures;
  toAcknowledged: LatencyFigures;
}

export async function workOrderLatency(
  r: Reader,
  query: { from?: string | undefined; to?: string | undefined; flow?: string | undefined },
): Promise<LatencyBucket[]> {
  let q = r.db
    .selectFrom('work_orders')
    .select(['created_at', 'flow_code', 'fsm_created_at', 'reserved_at', 'acknowledged_at'])
    .where('tenant_id', '=', r.ctx.tenantId);
  if (query.from) q = q.where('created_at', '>=', query.from);
  if (query.to) q = q.where('created_at', '<', query.to);
  if (query.flow === 'api') q = q.where('flow_code', 'is', null);
  else if (query.flow) q = q.where('flow_code', '=', query.flow);
  const rows = await q.execute();
  const buckets = new Map<
    string,
    { day: string; flow: string; n: number; reserved: number[]; acknowledged: number[] }
  >();
  for (const row of rows) {
    const day = row.created_at.slice(0, 10);
    const flow = row.flow_code ?? 'api';
    const key = `${day}\u0000${flow}`;
    const bucket = buckets.get(key) ?? { day, flow, n: 0, reserved: [], acknowledged: [] };
    bucket.n += 1;
    const created = Date.parse(row.fsm_created_at);
    if (row.reserved_at) bucket.reserved.push(Date.parse(row.reserved_at) - created);
    if (row.acknowledged_at) bucket.acknowledged.push(Date.parse(row.acknowledged_at) - created);
    buckets.set(key, bucket);
  }
  return [...buckets.values()]
    .sort((a, b) => (a.day === b.day ? (a.flow < b.flow ? -1 : 1) : a.day < b.day ? -1 : 1))
    .map((b) => ({
      day: b.day,
      flow: b.flow,
      workOrders: b.n,
      toReserved: figures(b.reserved),
      toAcknowledged: figures(b.acknowledged),
    }));
}

function figures(values: number[]): LatencyFigures {
  const [p50Ms, p95Ms, p99Ms] = percentiles(values, [50, 95, 99]);
  return { count: values.length, p50Ms: p50Ms ?? null, p95Ms: p95Ms ?? null, p99Ms: p99Ms ?? null };
}
