import { useState } from 'react';
import {
  INBOX_STATUSES,
  type ExternalSystem,
  type Flow,
  type InboxMessage,
  type IntegrationError,
  type Items,
  type Kpis,
} from '../api-types';
import { Badge } from '../components/badge';
import { BarChart } from '../components/bar-chart';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { LiveStatus, PageHeader, Panel } from '../components/layout';
import { LineChart } from '../components/line-chart';
import { EmptyState, Loaded } from '../components/problem';
import { HEALTH_ORDER, systemColumn } from '../components/system-column';
import { formatDateTime, formatDay, formatNumber, formatPercent, humanize } from '../format';
import { useApi, type ApiState } from '../hooks/use-api';
import { replaceParams, useHashRoute } from '../router';
import { DeadLetters } from '../sections/dead-letters';
import { MessageDetail } from '../sections/message-detail';
import { useSession } from '../session';

/** The systems and flows, how messages fare, and the dead letters to act on. */
export function IntegrationPage() {
  const route = useHashRoute();
  const { can } = useSession();
  const [viewing, setViewing] = useState(route.params.get('message') ?? '');
  const systems = useApi<Items<ExternalSystem>>('/api/v1/integration/systems', {}, { pollMs: 30_000 });
  const flows = useApi<Items<Flow>>('/api/v1/integration/flows', {}, { pollMs: 30_000 });
  const errors = useApi<Items<IntegrationError>>(
    '/api/v1/integration/errors',
    { limit: 200 },
    { pollMs: 5_000 },
  );
  const kpis = useApi<Kpis>(can('kpi:read') ? '/api/v1/kpis' : null, { days: 14 }, { pollMs: 15_000 });
  const [status, setStatus] = useState('');
  const messages = useApi<Items<InboxMessage>>(
    '/api/v1/integration/messages',
    { status, limit: 200 },
    { pollMs: 10_000 },
  );
  // A retry or discard changes the error log, the message list and the health figures at once.
  const refreshAfterAction = () => {
    errors.reload();
    messages.reload();
    kpis.reload();
  };
  const view = (id: string) => {
    setViewing(id);
    replaceParams('integration', { message: id });
  };

  return (
    <>
      <PageHeader
        title="Integration"
        lead="The systems connected to the hub, their flows, how messages fare, and what failed — most urgent first."
        actions={<LiveStatus updatedAt={errors.updatedAt} onRefresh={errors.reload} />}
      />
      <Panel title="Dead letters">
        <DeadLetters state={errors} onChanged={refreshAfterAction} onView={view} />
      </Panel>
      {viewing && <MessageDetail key={viewing} id={viewing} onClose={() => view('')} />}
      <div className="grid-2-wide">
        <Panel title="Systems">
          <Loaded state={systems} what="the systems">
            {(s) => <SystemsTable systems={s.items} kpis={kpis.data} />}
          </Loaded>
        </Panel>
        <Panel title="Flows">
          <Loaded state={flows} what="the flows">
            {(f) => <FlowsTable flows={f.items} />}
          </Loaded>
        </Panel>
      </div>
      {kpis.data && <Throughput kpis={kpis.data} />}
      <RecentMessages state={messages} status={status} onStatus={setStatus} onView={view} />
    </>
  );
}

function SystemsTable({ systems, kpis }: { systems: ExternalSystem[]; kpis: Kpis | undefined }) {
  const health = new Map(kpis?.systems.map((s) => [s.code, s]));
  return (
    <DataTable
      caption="External systems"
      captionHidden
      rows={systems}
      rowKey={(s) => s.code}
      empty={
        <EmptyState title="No systems registered">
          An integration administrator registers the ERP, FSM and warehouse systems (POST
          /api/v1/integration/systems).
        </EmptyState>
      }
      columns={[
        systemColumn,
        {
          id: 'health',
          header: 'Health',
          sortValue: (s) => {
            const h = health.get(s.code)?.health;
            return h === undefined ? null : HEALTH_ORDER[h];
          },
          cell: (s) => {
            const h = health.get(s.code);
            return h ? <Badge value={h.health} /> : '—';
          },
        },
        {
          id: 'why',
          header: 'Why',
          className: 'wrap',
          cell: (s) => health.get(s.code)?.reasons.join('; ') ?? '—',
        },
        {
          id: 'dead',
          header: 'Dead letters',
          align: 'end',
          sortValue: (s) => health.get(s.code)?.dead ?? null,
          cell: (s) => formatNumber(health.get(s.code)?.dead),
        },
        { id: 'owner', header: 'Owner', sortValue: (s) => s.ownerTeam, cell: (s) => s.ownerTeam },
      ]}
    />
  );
}

function FlowsTable({ flows }: { flows: Flow[] }) {
  return (
    <DataTable
      caption="Flows"
      captionHidden
      rows={flows}
      rowKey={(f) => f.code}
      empty={
        <EmptyState title="No flows yet">
          A flow ties a system, an entity and a direction to a mapping version.
        </EmptyState>
      }
      columns={[
        { id: 'code', header: 'Flow', rowHeader: true, sortValue: (f) => f.code, cell: (f) => f.code },
        { id: 'system', header: 'System', sortValue: (f) => f.systemCode, cell: (f) => f.systemCode },
        {
          id: 'what',
          header: 'Carries',
          sortValue: (f) => f.entity,
          cell: (f) =>
            `${humanize(f.entity)} ${f.direction === 'inbound' ? '←' : '→'} ${f.format.toUpperCase()} over ${f.transport}`,
        },
        { id: 'state', header: 'State', sortValue: (f) => f.state, cell: (f) => <Badge value={f.state} /> },
        { id: 'mapping', header: 'Mapping', cell: (f) => `${f.mappingCode} v${f.mappingVersion}` },
      ]}
    />
  );
}

function Throughput({ kpis }: { kpis: Kpis }) {
  const labels = kpis.daily.map((d) => formatDay(d.day));
  const rate = (failed: number, all: number) => (all > 0 ? failed / all : null);
  return (
    <div className="grid-2">
      <Panel title="Message throughput">
        <BarChart
          title="Messages per day: inbound received and outbound deliveries"
          labels={labels}
          format={formatNumber}
          series={[
            { name: 'Inbound', values: kpis.daily.map((d) => d.messagesIn) },
            { name: 'Outbound', values: kpis.daily.map((d) => d.deliveries), color: '#7c3aed' },
          ]}
        />
      </Panel>
      <Panel title="Error rate">
        <LineChart
          title="Share of messages that failed, per day"
          labels={labels}
          format={(v) => formatPercent(v, 0)}
          series={[
            {
              name: 'Inbound failed',
              values: kpis.daily.map((d) => rate(d.messagesFailed, d.messagesIn)),
              color: '#dc2626',
            },
            {
              name: 'Deliveries failed',
              values: kpis.daily.map((d) => rate(d.deliveriesFailed, d.deliveries)),
              color: '#d97706',
              dashed: true,
            },
          ]}
        />
      </Panel>
    </div>
  );
}

/** The latest inbound messages, per hour for the last day, and as a list to open. */
function RecentMessages({
  state: messages,
  status,
  onStatus,
  onView,
}: {
  state: ApiState<Items<InboxMessage>>;
  status: string;
  onStatus: (status: string) => void;
  onView: (id: string) => void;
}) {
  return (
    <Panel
      title="Recent inbound messages"
      actions={
        <Field label="State">
          {(props) => (
            <select {...props} value={status} onChange={(e) => onStatus(e.target.value)}>
              <option value="">All states</option>
              {INBOX_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
      }
    >
      <Loaded state={messages} what="the messages">
        {(page) => (
          <>
            {page.items.length > 0 && <HourlyMessages messages={page.items} />}
            <DataTable
              caption="Recent inbound messages, newest first"
              captionHidden
              rows={page.items}
              rowKey={(m) => m.id}
              empty={
                <EmptyState title="No messages">
                  Inbound messages appear here as systems send them.
                </EmptyState>
              }
              columns={[
                {
                  id: 'id',
                  header: 'Message',
                  rowHeader: true,
                  sortValue: (m) => m.id,
                  cell: (m) => (
                    <button type="button" className="link-button mono" onClick={() => onView(m.id)}>
                      {m.id}
                    </button>
                  ),
                },
                { id: 'flow', header: 'Flow', sortValue: (m) => m.flowCode, cell: (m) => m.flowCode },
                {
                  id: 'state',
                  header: 'State',
                  sortValue: (m) => m.status,
                  cell: (m) => <Badge value={m.status} />,
                },
                {
                  id: 'received',
                  header: 'Received',
                  sortValue: (m) => m.receivedAt,
                  cell: (m) => formatDateTime(m.receivedAt),
                },
                {
                  id: 'attempts',
                  header: 'Attempts',
                  align: 'end',
                  sortValue: (m) => m.attempts,
                  cell: (m) => m.attempts,
                },
                { id: 'error', header: 'Error', cell: (m) => (m.error ? <code>{m.error.code}</code> : '—') },
              ]}
            />
          </>
        )}
      </Loaded>
    </Panel>
  );
}

function HourlyMessages({ messages }: { messages: InboxMessage[] }) {
  const now = Date.now();
  const hours = Array.from({ length: 24 }, (_, k) => 23 - k);
  const bucket = (m: InboxMessage) => Math.floor((now - new Date(m.receivedAt).getTime()) / 3_600_000);
  const count = (h: number, bad: boolean) =>
    messages.filter((m) => bucket(m) === h && (m.status === 'dead' || m.status === 'failed') === bad).length;
  return (
    <BarChart
      title="Inbound messages per hour over the last 24 hours, of the latest 200"
      labels={hours.map((h) => (h === 0 ? 'now' : `-${h}h`))}
      stacked
      height={160}
      format={formatNumber}
      series={[
        { name: 'Got through', values: hours.map((h) => count(h, false)) },
        { name: 'Failed or dead', values: hours.map((h) => count(h, true)), color: '#dc2626' },
      ]}
    />
  );
}
