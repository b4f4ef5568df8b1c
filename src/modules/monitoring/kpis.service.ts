/**
 * The service KPIs (M7.1) the dashboard's overview shows: work order → reservation latency,
 * fill rate, backorders, open requisitions and reservations, and sync health per system,
 * now and per day over a window.
 *
 * A read model across modules: it reads their tables and changes nothing, the way a reporting
 * view would, so the figures come from one consistent set of queries instead of one call per
 * module and per day.
 */
import { sql } from 'kysely';
import type { Reader } from '../../kernel/index.js';
import { percentiles } from '../../platform/percentiles.js';
import { planFigures, type PlannedLine } from '../fulfillment/index.js';
import { systemHealth, type SystemHealth } from './kpis.js';

const DAY_MS = 24 * 60 * 60_000;
const CLOSED_WORK_ORDER_STATUSES = ['cancelled', 'completed', 'rejected'];

export interface LatencyFigures {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface SystemKpi {
  code: string;
  name: string;
  kind: string;
  health: SystemHealth;
  reasons: string[];
  received: number;
  failed: number;
  dead: number;
  delivered: number;
  deliveryFailed: number;
  lastMessageAt: string | null;
}

export interface DailyKpi {
  day: string;
  workOrders: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  fillRate: number | null;
  messagesIn: number;
  messagesFailed: number;
  deliveries: number;
  deliveriesFailed: number;
  reservationsMade: number;
}

export interface Kpis {
  generatedAt: string;
  from: string;
  to: string;
  latency: LatencyFigures;
  fillRate: { lines: number; filled: number; ratio: number | null };
  backorders: number;
  openRequisitions: number;
  reservations: { open: number; quantity: number };
  systems: SystemKpi[];
  daily: DailyKpi[];
}

/** The window is whole UTC days: today and the `days − 1` before it. */
export async function serviceKpis(r: Reader, query: { days: number }): Promise<Kpis> {
  const now = r.ctx.clock.now();
  const to = now.toISOString();
  const firstDay = new Date(Date.parse(to.slice(0, 10)) - (query.days - 1) * DAY_MS);
  const from = firstDay.toISOString();
  const days = Array.from({ length: query.days }, (_, i) =>
    new Date(firstDay.getTime() + i * DAY_MS).toISOString().slice(0, 10),
  );

  const [orders, traffic, current] = await Promise.all([
    workOrderFigures(r, from),
    trafficFigures(r, from),
    currentFigures(r),
  ]);

  const daily = days.map((day): DailyKpi => {
    const o = orders.byDay.get(day);
    const [p50Ms, p95Ms, p99Ms] = percentiles(o?.latencies ?? [], [50, 95, 99]);
    const t = traffic.byDay.get(day);
    return {
      day,
      workOrders: o?.count ?? 0,
      p50Ms: p50Ms ?? null,
      p95Ms: p95Ms ?? null,
      p99Ms: p99Ms ?? null,
      fillRate: o && o.lines > 0 ? o.filled / o.lines : null,
      messagesIn: t?.messagesIn ?? 0,
      messagesFailed: t?.messagesFailed ?? 0,
      deliveries: t?.deliveries ?? 0,
      deliveriesFailed: t?.deliveriesFailed ?? 0,
      reservationsMade: t?.reservationsMade ?? 0,
    };
  });

  const all = [...orders.byDay.values()];
  const latencies = all.flatMap((o) => o.latencies);
  const [p50Ms, p95Ms, p99Ms] = percentiles(latencies, [50, 95, 99]);
  const lines = all.reduce((s, o) => s + o.lines, 0);
  const filled = all.reduce((s, o) => s + o.filled, 0);
  return {
    generatedAt: to,
    from,
    to,
    latency: { count: latencies.length, p50Ms: p50Ms ?? null, p95Ms: p95Ms ?? null, p99Ms: p99Ms ?? null },
    fillRate: { lines, filled, ratio: lines > 0 ? filled / lines : null },
    backorders: current.backorders,
    openRequisitions: current.openRequisitions,
    reservations: current.reservations,
    systems: traffic.systems,
    daily,
  };
}

interface OrdersOfDay {
  count: number;
  latencies: number[];
  lines: number;
  filled: number;
}

/**
 * Per day of creation: work orders, their lines and lines filled from stock (summed from the
 * figures stored with each plan), and the FSM-to-reserved latencies. Work orders planned
 * before the figures were stored (migration 0024) are worked out from their plans.
 */
async function workOrderFigures(r: Reader, from: string): Promise<{ byDay: Map<string, OrdersOfDay> }> {
  const tenant = r.ctx.tenantId;
  const day = sql<string>`substr(created_at, 1, 10)`;
  const [sums, reserved, unfigured] = await Promise.all([
    r.db
      .selectFrom('work_orders')
      .select([
        day.as('day'),
        (eb) => eb.fn.countAll<string | number>().as('n'),
        (eb) => eb.fn.sum<string | number | null>('plan_lines').as('lines'),
        (eb) => eb.fn.sum<string | number | null>('plan_filled').as('filled'),
      ])
      .where('tenant_id', '=', tenant)
      .where('created_at', '>=', from)
      .groupBy(day)
      .execute(),
    r.db
      .selectFrom('work_orders')
      .select(['created_at', 'fsm_created_at', 'reserved_at'])
      .where('tenant_id', '=', tenant)
      .where('created_at', '>=', from)
      .where('reserved_at', 'is not', null)
      .execute(),
    r.db
      .selectFrom('work_orders')
      .select(['created_at', 'plan_json'])
      .where('tenant_id', '=', tenant)
      .where('created_at', '>=', from)
      .where('plan_lines', 'is', null)
      .execute(),
  ]);
  const byDay = new Map<string, OrdersOfDay>();
  const dayOf = (key: string) => {
    let o = byDay.get(key);
    if (!o) byDay.set(key, (o = { count: 0, latencies: [], lines: 0, filled: 0 }));
    return o;
  };
  for (const row of sums) {
    const o = dayOf(row.day);
    o.count += Number(row.n);
    o.lines += Number(row.lines ?? 0);
    o.filled += Number(row.filled ?? 0);
  }
  for (const row of reserved)
    dayOf(row.created_at.slice(0, 10)).latencies.push(
      Date.parse(row.reserved_at as string) - Date.parse(row.fsm_created_at),
    );
  for (const row of unfigured) {
    const figures = planFigures(JSON.parse(row.plan_json) as PlannedLine[]);
    const o = dayOf(row.created_at.slice(0, 10));
    o.lines += figures.lines;
    o.filled += figures.filled;
  }
  return { byDay };
}

async function currentFigures(r: Reader) {
  const tenant = r.ctx.tenantId;
  // Statuses are written as literals: only then may SQLite (and a generic plan on PostgreSQL)
  // use the partial indexes that hold just these rows (migration 0024), not the whole history.
  const [backorders, requisitions, replenishments, reservations] = await Promise.all([
    // Open work orders backordered themselves or waiting on a backordered requisition.
    sql<{ n: string | number }>`
      select count(*) as n from (
        select id from work_orders
         where tenant_id = ${tenant} and status = 'backordered'
        union
        select rq.work_order_id from requisitions rq
          join work_orders wo on wo.id = rq.work_order_id
         where rq.tenant_id = ${tenant} and rq.status = 'backordered'
           and wo.status not in (${sql.join(CLOSED_WORK_ORDER_STATUSES.map((s) => sql.lit(s)))})
      ) backordered`
      .execute(r.db)
      .then((result) => result.rows[0] ?? { n: 0 }),
    // Open requisitions: the statuses of the partial index requisitions_open_ix, word for word.
    sql<{ n: string | number }>`
      select count(*) as n from requisitions
       where tenant_id = ${tenant} and status in ('held', 'raised', 'acknowledged', 'backordered')`
      .execute(r.db)
      .then((result) => result.rows[0] ?? { n: 0 }),
    r.db
      .selectFrom('replenishment_orders')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('tenant_id', '=', tenant)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow(),
    r.db
      .selectFrom('reservations')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('n'),
        eb.fn.sum<string | number | null>('quantity_milli').as('milli'),
      ])
      .where('tenant_id', '=', tenant)
      .where('state', '=', 'open')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    backorders: Number(backorders.n),
    // Work order requisitions and the buffers' replenishments both wait on the ERP.
    openRequisitions: Number(requisitions.n) + Number(replenishments.n),
    reservations: { open: Number(reservations.n), quantity: Number(reservations.milli ?? 0) / 1000 },
  };
}

interface TrafficOfDay {
  messagesIn: number;
  messagesFailed: number;
  deliveries: number;
  deliveriesFailed: number;
  reservationsMade: number;
}

async function trafficFigures(r: Reader, from: string) {
  const tenant = r.ctx.tenantId;
  const day = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`;
  const failedInbound = sql<string | number>`sum(case when status in ('failed', 'dead') then 1 else 0 end)`;
  const failedOutbound = sql<
    string | number
  >`sum(case when status = 'dead' or (status = 'pending' and attempts > 0) then 1 else 0 end)`;

  const [
    inboundByDay,
    outboundByDay,
    reservationsByDay,
    systems,
    inboundBySystem,
    outboundBySystem,
    breakers,
  ] = await Promise.all([
    r.db
      .selectFrom('inbox_messages')
      .select([
        day('received_at').as('day'),
        sql<string | number>`count(*)`.as('n'),
        failedInbound.as('failed'),
      ])
      .where('tenant_id', '=', tenant)
      .where('received_at', '>=', from)
      .groupBy(day('received_at'))
      .execute(),
    r.db
      .selectFrom('outbound_deliveries')
      .select([
        day('created_at').as('day'),
        sql<string | number>`count(*)`.as('n'),
        failedOutbound.as('failed'),
      ])
      .where('tenant_id', '=', tenant)
      .where('created_at', '>=', from)
      .groupBy(day('created_at'))
      .execute(),
    r.db
      .selectFrom('reservations')
      .select([day('created_at').as('day'), sql<string | number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenant)
      .where('created_at', '>=', from)
      .groupBy(day('created_at'))
      .execute(),
    r.db
      .selectFrom('integration_systems')
      .select(['code', 'name', 'kind'])
      .where('tenant_id', '=', tenant)
      .orderBy('code')
      .execute(),
    r.db
      .selectFrom('inbox_messages')
      .select([
        'system_code',
        sql<string | number>`sum(case when received_at >= ${from} then 1 else 0 end)`.as('received'),
        sql<
          string | number
        >`sum(case when received_at >= ${from} and status in ('failed', 'dead') then 1 else 0 end)`.as(
          'failed',
        ),
        sql<string | number>`sum(case when status = 'dead' then 1 else 0 end)`.as('dead'),
        sql<string | null>`max(received_at)`.as('last'),
      ])
      .where('tenant_id', '=', tenant)
      .groupBy('system_code')
      .execute(),
    r.db
      .selectFrom('outbound_deliveries')
      .select([
        'system_code',
        sql<
          string | number
        >`sum(case when status = 'delivered' and delivered_at >= ${from} then 1 else 0 end)`.as('delivered'),
        sql<string | number>`sum(case when status = 'pending' and attempts > 0 then 1 else 0 end)`.as(
          'retrying',
        ),
        sql<string | number>`sum(case when status = 'dead' then 1 else 0 end)`.as('dead'),
        sql<string | null>`max(created_at)`.as('last'),
      ])
      .where('tenant_id', '=', tenant)
      .groupBy('system_code')
      .execute(),
    r.db
      .selectFrom('circuit_breakers')
      .select(['system_code', 'state_json'])
      .where('tenant_id', '=', tenant)
      .execute(),
  ]);

  const byDay = new Map<string, TrafficOfDay>();
  const of = (d: string) => {
    const t = byDay.get(d) ?? {
      messagesIn: 0,
      messagesFailed: 0,
      deliveries: 0,
      deliveriesFailed: 0,
      reservationsMade: 0,
    };
    byDay.set(d, t);
    return t;
  };
  for (const row of inboundByDay) {
    const t = of(row.day);
    t.messagesIn = Number(row.n);
    t.messagesFailed = Number(row.failed ?? 0);
  }
  for (const row of outboundByDay) {
    const t = of(row.day);
    t.deliveries = Number(row.n);
    t.deliveriesFailed = Number(row.failed ?? 0);
  }
  for (const row of reservationsByDay) of(row.day).reservationsMade = Number(row.n);

  const inbound = new Map(inboundBySystem.map((row) => [row.system_code, row]));
  const outbound = new Map(outboundBySystem.map((row) => [row.system_code, row]));
  const breaker = new Map(breakers.map((row) => [row.system_code, breakerStatus(row.state_json)]));
  const latest = (a: string | null | undefined, b: string | null | undefined) =>
    !a ? (b ?? null) : !b ? a : a > b ? a : b;
  const kpis = systems.map((s): SystemKpi => {
    const i = inbound.get(s.code);
    const o = outbound.get(s.code);
    const received = Number(i?.received ?? 0);
    const failed = Number(i?.failed ?? 0);
    const dead = Number(i?.dead ?? 0) + Number(o?.dead ?? 0);
    const delivered = Number(o?.delivered ?? 0);
    const retrying = Number(o?.retrying ?? 0);
    const verdict = systemHealth({
      received,
      failed,
      dead,
      delivered,
      retrying,
      breaker: breaker.get(s.code) ?? null,
    });
    return {
      code: s.code,
      name: s.name,
      kind: s.kind,
      ...verdict,
      received,
      failed,
      dead,
      delivered,
      deliveryFailed: retrying + Number(o?.dead ?? 0),
      lastMessageAt: latest(i?.last, o?.last),
    };
  });
  return { byDay, systems: kpis };
}

function breakerStatus(stateJson: string): 'closed' | 'open' | 'half_open' | null {
  const status = (JSON.parse(stateJson) as { status?: unknown }).status;
  return status === 'closed' || status === 'open' || status === 'half_open' ? status : null;
}
