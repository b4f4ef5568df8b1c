import { useState } from 'react';
import type { Kpis, SystemKpi } from '../api-types';
import { Badge } from '../components/badge';
import { BarChart } from '../components/bar-chart';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { KpiCard } from '../components/kpi-card';
import { LiveStatus, PageHeader, Panel } from '../components/layout';
import { LineChart } from '../components/line-chart';
import { durationTicks } from '../components/chart-scale';
import { EmptyState, Loaded } from '../components/problem';
import { HEALTH_ORDER, systemColumn } from '../components/system-column';
import { Sparkline } from '../components/sparkline';
import { formatAgo, formatDay, formatDuration, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/use-api';

const WINDOWS = [7, 14, 30, 90];

/** M7.1: the service KPIs now and per day, refreshed every 10 seconds. */
export function OverviewPage() {
  const [days, setDays] = useState(14);
  const kpis = useApi<Kpis>('/api/v1/kpis', { days }, { pollMs: 10_000 });
  return (
    <>
      <PageHeader
        title="Overview"
        lead="How the service is doing: work orders to reserved parts, stock coverage, and the systems that feed the hub."
        actions={
          <>
            <Field label="Window">
              {(props) => (
                <select {...props} value={days} onChange={(e) => setDays(Number(e.target.value))}>
                  {WINDOWS.map((d) => (
                    <option key={d} value={d}>
                      Last {d} days
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <LiveStatus updatedAt={kpis.updatedAt} onRefresh={kpis.reload} />
          </>
        }
      />
      <Loaded state={kpis} what="the KPIs">
        {(k) => <OverviewBody kpis={k} days={days} />}
      </Loaded>
    </>
  );
}

function OverviewBody({ kpis, days }: { kpis: Kpis; days: number }) {
  const labels = kpis.daily.map((d) => formatDay(d.day));
  const { latency, fillRate } = kpis;
  return (
    <>
      <section aria-labelledby="kpi-heading">
        <h2 id="kpi-heading" className="visually-hidden">
          Key figures
        </h2>
        <dl className="kpi-grid">
          <div className="kpi kpi-wide">
            <dt className="kpi-label">Work order → reservation latency</dt>
            <dd className="kpi-triple">
              <span>
                <span className="kpi-sub">p50</span>
                <span className="kpi-value">{formatDuration(latency.p50Ms)}</span>
              </span>
              <span>
                <span className="kpi-sub">p95</span>
                <span className="kpi-value">{formatDuration(latency.p95Ms)}</span>
              </span>
              <span>
                <span className="kpi-sub">p99</span>
                <span className="kpi-value">{formatDuration(latency.p99Ms)}</span>
              </span>
            </dd>
            <dd className="kpi-context">
              {latency.count
                ? `${formatNumber(latency.count)} work orders created in the last ${days} days`
                : `No work orders created in the last ${days} days`}
            </dd>
          </div>
          <KpiCard
            label="Fill rate"
            value={formatPercent(fillRate.ratio)}
            tone={
              fillRate.ratio === null
                ? undefined
                : fillRate.ratio >= 0.9
                  ? 'good'
                  : fillRate.ratio >= 0.75
                    ? 'warn'
                    : 'bad'
            }
            context={
              fillRate.lines
                ? `${formatNumber(fillRate.filled)} of ${formatNumber(fillRate.lines)} lines reserved from stock`
                : 'No work order lines in the window'
            }
            trend={
              <Sparkline
                values={kpis.daily.map((d) => d.fillRate)}
                label={`Fill rate per day over the last ${days} days`}
              />
            }
          />
          <KpiCard
            label="Backorders"
            value={formatNumber(kpis.backorders)}
            tone={kpis.backorders > 0 ? 'warn' : 'good'}
            context="Work orders waiting on backordered parts now"
          />
          <KpiCard
            label="Open requisitions"
            value={formatNumber(kpis.openRequisitions)}
            context="Transfers and purchases not yet shipped"
          />
          <KpiCard
            label="Open reservations"
            value={formatNumber(kpis.reservations.open)}
            context={`${formatNumber(kpis.reservations.quantity)} units held for demand`}
            trend={
              <Sparkline
                values={kpis.daily.map((d) => d.reservationsMade)}
                label={`Reservations made per day over the last ${days} days`}
                color="#059669"
              />
            }
          />
        </dl>
      </section>

      <div className="grid-2">
        <Panel title="Latency per day">
          <LineChart
            title="Work order to reservation latency per day (p50, p95, p99)"
            labels={labels}
            format={formatDuration}
            ticksFor={(_min, max) => durationTicks(max)}
            series={[
              { name: 'p50', values: kpis.daily.map((d) => d.p50Ms) },
              { name: 'p95', values: kpis.daily.map((d) => d.p95Ms) },
              { name: 'p99', values: kpis.daily.map((d) => d.p99Ms), dashed: true },
            ]}
          />
        </Panel>
        <Panel title="Fill rate per day">
          <LineChart
            title="Fill rate per day"
            labels={labels}
            format={(v) => formatPercent(v, 0)}
            series={[{ name: 'Fill rate', values: kpis.daily.map((d) => d.fillRate), color: '#059669' }]}
            referenceLines={[{ label: 'Target', value: 0.9, color: '#b45309' }]}
          />
        </Panel>
        <Panel title="Work orders and reservations">
          <BarChart
            title="Work orders received and reservations made per day"
            labels={labels}
            format={formatNumber}
            series={[
              { name: 'Work orders', values: kpis.daily.map((d) => d.workOrders) },
              {
                name: 'Reservations made',
                values: kpis.daily.map((d) => d.reservationsMade),
                color: '#059669',
              },
            ]}
          />
        </Panel>
        <Panel title="Integration messages">
          <BarChart
            title="Inbound messages per day, applied and failed"
            labels={labels}
            stacked
            format={formatNumber}
            series={[
              {
                name: 'Applied',
                values: kpis.daily.map((d) => Math.max(0, d.messagesIn - d.messagesFailed)),
              },
              { name: 'Failed', values: kpis.daily.map((d) => d.messagesFailed), color: '#dc2626' },
            ]}
          />
        </Panel>
      </div>

      <Panel title="Sync health per system">
        <SystemHealthTable systems={kpis.systems} days={days} />
      </Panel>
    </>
  );
}

export function SystemHealthTable({ systems, days }: { systems: SystemKpi[]; days: number }) {
  return (
    <DataTable
      caption={`Sync health of each connected system over the last ${days} days`}
      captionHidden
      rows={systems}
      rowKey={(s) => s.code}
      initialSort={{ column: 'health', direction: 'ascending' }}
      empty={
        <EmptyState title="No external systems are connected yet">
          An integration administrator registers ERP, FSM and warehouse systems and their flows; their health
          shows here once messages flow.
        </EmptyState>
      }
      columns={[
        systemColumn,
        {
          id: 'health',
          header: 'Health and why',
          className: 'wrap',
          sortValue: (s) => HEALTH_ORDER[s.health],
          cell: (s) => (
            <>
              <Badge value={s.health} />
              {s.reasons.length > 0 && <span className="cell-sub">{s.reasons.join('; ')}</span>}
            </>
          ),
        },
        {
          id: 'received',
          header: 'Received',
          align: 'end',
          sortValue: (s) => s.received,
          cell: (s) => formatNumber(s.received),
        },
        {
          id: 'failed',
          header: 'Failed',
          align: 'end',
          sortValue: (s) => s.failed,
          cell: (s) => formatNumber(s.failed),
        },
        {
          id: 'dead',
          header: 'Dead',
          align: 'end',
          sortValue: (s) => s.dead,
          cell: (s) => formatNumber(s.dead),
        },
        {
          id: 'delivered',
          header: 'Delivered',
          align: 'end',
          sortValue: (s) => s.delivered,
          cell: (s) => formatNumber(s.delivered),
        },
        {
          id: 'deliveryFailed',
          header: 'Undelivered',
          align: 'end',
          sortValue: (s) => s.deliveryFailed,
          cell: (s) => formatNumber(s.deliveryFailed),
        },
        {
          id: 'last',
          header: 'Last message',
          sortValue: (s) => s.lastMessageAt,
          cell: (s) => <span title={s.lastMessageAt ?? undefined}>{formatAgo(s.lastMessageAt)}</span>,
        },
      ]}
    />
  );
}
