import { useState } from 'react';
import { WORK_ORDER_STATUSES, type ApprovalQueueItem, type Items, type WorkOrder } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { LiveStatus, PageHeader, Panel } from '../components/layout';
import { LoadOlder } from '../components/load-older';
import { EmptyState, Loaded } from '../components/problem';
import { formatAgo, formatDateTime, formatDuration, formatNumber, humanize } from '../format';
import { useApi, type ApiState } from '../hooks/use-api';
import { useOlderPages } from '../hooks/use-older-pages';
import { replaceParams, useHashRoute } from '../router';
import { ApprovalDecision } from '../sections/approval-decision';
import { WorkOrderDetail } from '../sections/work-order-detail';
import { useSession } from '../session';

const PAGE = 50;

/** Work orders with their sourcing, and the approvals waiting for a person. */
export function WorkOrdersPage() {
  const route = useHashRoute();
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState(route.params.get('wo') ?? '');
  const orders = useApi<Items<WorkOrder>>('/api/v1/work-orders', { status, limit: PAGE }, { pollMs: 10_000 });
  const pages = useOlderPages('/api/v1/work-orders', { status }, orders.data?.items, {
    pageSize: PAGE,
    cursor: 'beforeId',
  });
  const approvals = useApi<Items<ApprovalQueueItem>>(
    '/api/v1/approvals',
    { state: 'pending', limit: 200 },
    { pollMs: 10_000 },
  );
  const select = (ref: string) => {
    setSelected(ref);
    replaceParams('work-orders', { wo: ref });
  };
  const refresh = () => {
    orders.reload();
    approvals.reload();
  };

  return (
    <>
      <PageHeader
        title="Work orders"
        lead="Every work order the hub received, how its parts were sourced and why, and the approvals waiting for a person."
        actions={<LiveStatus updatedAt={orders.updatedAt} onRefresh={refresh} />}
      />
      <ApprovalQueue state={approvals} onOpen={select} onDecided={refresh} />
      <Panel
        title="Work orders"
        actions={
          <Field label="Status">
            {(props) => (
              <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
                <option value="">All statuses</option>
                {WORK_ORDER_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        }
      >
        <Loaded state={orders} what="the work orders">
          {() => (
            <>
              <DataTable
                caption="Work orders, newest first"
                captionHidden
                rows={pages.rows}
                rowKey={(w) => w.id}
                rowClassName={(w) => (w.externalRef === selected ? 'selected' : undefined)}
                empty={
                  <EmptyState
                    title={
                      status ? `No work orders are ${humanize(status).toLowerCase()}` : 'No work orders yet'
                    }
                  >
                    {status
                      ? 'Choose another status to see more.'
                      : 'Work orders arrive from the field service system (POST /api/v1/work-orders or an inbound flow).'}
                  </EmptyState>
                }
                columns={[
                  {
                    id: 'ref',
                    header: 'Work order',
                    rowHeader: true,
                    sortValue: (w) => w.externalRef,
                    cell: (w) => (
                      <button
                        type="button"
                        className="link-button"
                        aria-pressed={w.externalRef === selected}
                        onClick={() => select(w.externalRef)}
                      >
                        {w.externalRef}
                      </button>
                    ),
                  },
                  {
                    id: 'status',
                    header: 'Status',
                    sortValue: (w) => w.status,
                    cell: (w) => <Badge value={w.status} />,
                  },
                  {
                    id: 'priority',
                    header: 'Priority',
                    align: 'end',
                    sortValue: (w) => w.priority,
                    cell: (w) => w.priority,
                  },
                  { id: 'region', header: 'Region', sortValue: (w) => w.jobRegion, cell: (w) => w.jobRegion },
                  {
                    id: 'van',
                    header: 'Van',
                    sortValue: (w) => w.technicianVan,
                    cell: (w) => w.technicianVan ?? '—',
                  },
                  {
                    id: 'due',
                    header: 'Due',
                    sortValue: (w) => w.dueAt,
                    cell: (w) => formatDateTime(w.dueAt),
                  },
                  {
                    id: 'latency',
                    header: 'Reserved after',
                    align: 'end',
                    sortValue: (w) => w.latencyMs,
                    cell: (w) => formatDuration(w.latencyMs),
                  },
                  {
                    id: 'lines',
                    header: 'Lines',
                    align: 'end',
                    sortValue: (w) => w.plan.length,
                    cell: (w) => w.plan.length,
                  },
                  {
                    id: 'onTime',
                    header: 'On time',
                    sortValue: (w) => (w.plan.every((l) => l.onTime) ? 1 : 0),
                    cell: (w) =>
                      w.plan.every((l) => l.onTime) ? 'Yes' : <span className="warn-text">Late</span>,
                  },
                  {
                    id: 'requisitions',
                    header: 'Requisitions',
                    align: 'end',
                    sortValue: (w) => w.requisitions.length,
                    cell: (w) => formatNumber(w.requisitions.length),
                  },
                ]}
              />
              <LoadOlder pages={pages} what="work orders" />
            </>
          )}
        </Loaded>
      </Panel>
      {selected && <WorkOrderDetail key={selected} externalRef={selected} onClose={() => select('')} />}
    </>
  );
}

function ApprovalQueue({
  state,
  onOpen,
  onDecided,
}: {
  state: ApiState<Items<ApprovalQueueItem>>;
  onOpen: (ref: string) => void;
  onDecided: () => void;
}) {
  const { can } = useSession();
  const [deciding, setDeciding] = useState<ApprovalQueueItem>();
  const mayDecide = can('workorder:approve');
  return (
    <Panel title="Approval queue">
      <Loaded state={state} what="the approval queue">
        {(page) => (
          <>
            <DataTable
              caption="Work orders waiting for approval, oldest request first"
              captionHidden
              rows={page.items}
              rowKey={(a) => a.workOrder}
              empty={
                <EmptyState title="Nothing waits for approval">
                  Work orders above their approval limits appear here.
                </EmptyState>
              }
              columns={[
                {
                  id: 'wo',
                  header: 'Work order',
                  rowHeader: true,
                  sortValue: (a) => a.workOrder,
                  cell: (a) => (
                    <button type="button" className="link-button" onClick={() => onOpen(a.workOrder)}>
                      {a.workOrder}
                    </button>
                  ),
                },
                { id: 'level', header: 'Needs', sortValue: (a) => a.level, cell: (a) => humanize(a.level) },
                {
                  id: 'value',
                  header: 'Parts value',
                  align: 'end',
                  sortValue: (a) => a.value,
                  cell: (a) => formatNumber(a.value),
                },
                { id: 'why', header: 'Why', className: 'wrap', cell: (a) => a.reasons.join('; ') },
                {
                  id: 'waiting',
                  header: 'Waiting',
                  sortValue: (a) => a.requestedAt,
                  cell: (a) => formatAgo(a.requestedAt).replace(' ago', ''),
                },
                ...(mayDecide
                  ? [
                      {
                        id: 'decide',
                        header: 'Decision',
                        cell: (a: ApprovalQueueItem) => (
                          <button
                            type="button"
                            className="button secondary small"
                            aria-label={`Decide on ${a.workOrder}`}
                            onClick={() => setDeciding(a)}
                          >
                            Decide…
                          </button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            {deciding && (
              <ApprovalDecision
                key={deciding.workOrder}
                item={deciding}
                onDone={() => {
                  setDeciding(undefined);
                  onDecided();
                }}
                onCancel={() => setDeciding(undefined)}
              />
            )}
          </>
        )}
      </Loaded>
    </Panel>
  );
}
