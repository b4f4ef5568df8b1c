import type { PlanLine, WorkOrder } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Panel, Reasons } from '../components/layout';
import { Loaded } from '../components/problem';
import { formatDateTime, formatDuration, formatNumber, humanize } from '../format';
import { useApi } from '../hooks/use-api';

/** One work order: its approval, each line's sourcing decision with the reasons, its requisitions. */
export function WorkOrderDetail({ externalRef, onClose }: { externalRef: string; onClose: () => void }) {
  const order = useApi<WorkOrder>(
    `/api/v1/work-orders/${encodeURIComponent(externalRef)}`,
    {},
    { pollMs: 10_000 },
  );
  return (
    <Panel
      focusOnMount
      title={`Work order ${externalRef}`}
      actions={
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      }
    >
      <Loaded state={order} what={`work order ${externalRef}`}>
        {(w) => (
          <>
            <dl className="facts">
              <div>
                <dt>Status</dt>
                <dd>
                  <Badge value={w.status} />
                </dd>
              </div>
              <div>
                <dt>From</dt>
                <dd>{w.sourceSystem}</dd>
              </div>
              <div>
                <dt>Created in the FSM</dt>
                <dd>{formatDateTime(w.fsmCreatedAt)}</dd>
              </div>
              <div>
                <dt>Parts reserved</dt>
                <dd>
                  {formatDateTime(w.reservedAt)} ({formatDuration(w.latencyMs)})
                </dd>
              </div>
              <div>
                <dt>Due</dt>
                <dd>{formatDateTime(w.dueAt)}</dd>
              </div>
              <div>
                <dt>Technician</dt>
                <dd>
                  {w.technicianVan ?? 'no van'}
                  {w.technicianLevel ? ` (${w.technicianLevel})` : ''}, {w.jobRegion}
                </dd>
              </div>
              {w.approval && (
                <div>
                  <dt>Approval</dt>
                  <dd>
                    <Badge value={w.approval.state} /> {humanize(w.approval.level)}
                    {w.approval.decidedBy ? ` by ${w.approval.decidedBy}` : ''}
                    {w.approval.decisionReason ? `: ${w.approval.decisionReason}` : ''}
                  </dd>
                </div>
              )}
            </dl>
            <h3 className="subhead">Sourcing decision</h3>
            {w.plan.map((line) => (
              <PlanLineView key={line.lineId} line={line} />
            ))}
            <h3 className="subhead">Requisitions</h3>
            <DataTable
              caption={`Requisitions of ${w.externalRef}`}
              captionHidden
              rows={w.requisitions}
              rowKey={(r) => r.id}
              empty={<p className="muted">None: every line was served from stock at hand.</p>}
              columns={[
                { id: 'line', header: 'Line', rowHeader: true, cell: (r) => r.lineId },
                { id: 'part', header: 'Part', cell: (r) => r.partNumber },
                { id: 'qty', header: 'Quantity', align: 'end', cell: (r) => formatNumber(r.quantity) },
                { id: 'source', header: 'Source', cell: (r) => humanize(r.source) },
                { id: 'from', header: 'From', cell: (r) => r.fromLocation ?? r.supplier ?? '—' },
                { id: 'status', header: 'Status', cell: (r) => <Badge value={r.status} /> },
                { id: 'erp', header: 'ERP reference', cell: (r) => r.erpRef ?? '—' },
                {
                  id: 'arrives',
                  header: 'Arrives',
                  cell: (r) => formatDateTime(r.expectedAt ?? r.arrivesAt),
                },
              ]}
            />
          </>
        )}
      </Loaded>
    </Panel>
  );
}

function PlanLineView({ line }: { line: PlanLine }) {
  return (
    <div className="plan-line">
      <h4>
        Line {line.lineId}: {formatNumber(line.quantity)} × {line.partNumber}
        {line.substitution ? ` (instead of ${line.substitution.requestedPartNumber})` : ''}{' '}
        {line.onTime ? <Badge value="on time" tone="good" /> : <Badge value="late" tone="warn" />}
      </h4>
      {line.substitution && (
        <p className="muted">
          {humanize(line.substitution.relation)}: {line.substitution.reason}
        </p>
      )}
      <DataTable
        caption={`Allocations of line ${line.lineId}`}
        captionHidden
        rows={line.allocations}
        rowKey={(a) => `${a.source}-${a.locationCode ?? a.supplier ?? ''}-${a.partNumber}`}
        empty={<p className="muted">Nothing could be allocated.</p>}
        columns={[
          { id: 'source', header: 'Source', rowHeader: true, cell: (a) => humanize(a.source) },
          { id: 'where', header: 'Location or supplier', cell: (a) => a.locationCode ?? a.supplier ?? '—' },
          { id: 'part', header: 'Part', cell: (a) => a.partNumber },
          { id: 'qty', header: 'Quantity', align: 'end', cell: (a) => formatNumber(a.quantity) },
          {
            id: 'arrives',
            header: 'At the job',
            cell: (a) => (a.arrivesAt ? formatDateTime(a.arrivesAt) : 'now'),
          },
          { id: 'onTime', header: 'On time', cell: (a) => (a.onTime ? 'Yes' : 'No') },
        ]}
      />
      <details className="reasons-details">
        <summary>Why this plan ({line.reasons.length} reasons)</summary>
        <Reasons reasons={line.reasons} />
      </details>
    </div>
  );
}
