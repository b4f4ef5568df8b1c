import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { Location, PlanningRun } from '../api-types';
import { DataTable } from '../components/data-table';
import { Field, NumberField } from '../components/field';
import { Reasons } from '../components/layout';
import { ProblemMessage } from '../components/problem';
import { ProgressBar } from '../components/progress';
import { formatNumber } from '../format';
import { useAction } from '../hooks/use-api';

interface RunInput {
  locationCode: string;
  leadTime: number;
  source: 'transfer' | 'purchase';
  sourceLocationCode: string | null;
  supplier: string | null;
}

/**
 * POST /api/v1/planning/runs: forecast every part with demand at a location, set its buffer and
 * raise what is short. The hub answers when done; until then the progress bar says it runs.
 */
export function PlanningRunForm({ locations }: { locations: Location[] }) {
  const [locationCode, setLocationCode] = useState('');
  const [leadTime, setLeadTime] = useState('1');
  const [source, setSource] = useState<RunInput['source']>('transfer');
  const [from, setFrom] = useState('');
  const [supplier, setSupplier] = useState('');
  const run = useAction((input: RunInput) =>
    request<PlanningRun>('/api/v1/planning/runs', { method: 'POST', body: input }),
  );
  const stocking = locations.filter((l) => l.type !== 'customer_site' && l.type !== 'repair_vendor');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run.run({
      locationCode,
      leadTime: Number(leadTime),
      source,
      sourceLocationCode: source === 'transfer' && from ? from : null,
      supplier: source === 'purchase' && supplier.trim() ? supplier.trim() : null,
    });
  };

  return (
    <>
      <p className="muted">
        Forecasts every part with demand at the location, sets its buffer from its stocking levels, and raises
        a transfer or purchase for what is short now — never twice.
      </p>
      <form className="form-grid" onSubmit={submit}>
        <Field label="Location to plan">
          {(props) => (
            <select
              {...props}
              required
              value={locationCode}
              onChange={(e) => setLocationCode(e.target.value)}
            >
              <option value="">Choose a location</option>
              {stocking.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.code} — {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <NumberField label="Lead time (months)" min="0.1" max="104" value={leadTime} onChange={setLeadTime} />
        <Field label="Replenish by">
          {(props) => (
            <select
              {...props}
              value={source}
              onChange={(e) => setSource(e.target.value as RunInput['source'])}
            >
              <option value="transfer">Transfer</option>
              <option value="purchase">Purchase</option>
            </select>
          )}
        </Field>
        {source === 'transfer' ? (
          <Field label="Transfer from">
            {(props) => (
              <select {...props} required value={from} onChange={(e) => setFrom(e.target.value)}>
                <option value="">Choose a location</option>
                {stocking
                  .filter((l) => l.code !== locationCode)
                  .map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.code}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        ) : (
          <Field label="Supplier">
            {(props) => (
              <input {...props} type="text" value={supplier} onChange={(e) => setSupplier(e.target.value)} />
            )}
          </Field>
        )}
        <div className="form-actions">
          <button
            type="submit"
            className="button primary"
            disabled={run.pending || !locationCode || (source === 'transfer' && !from)}
          >
            Run planning
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {run.pending && (
          <ProgressBar label={`Planning ${locationCode}: forecasting each part with demand there…`} />
        )}
        {run.error && <ProblemMessage error={run.error} context="The planning run failed" />}
        {run.result && <RunResult result={run.result} />}
      </div>
    </>
  );
}

function RunResult({ result }: { result: PlanningRun }) {
  return (
    <>
      <p className="success" role="status">
        Planned {formatNumber(result.lines.length)} parts at {result.locationCode}; raised{' '}
        {formatNumber(result.raised)} replenishments.
      </p>
      <DataTable
        caption={`Planning run of ${result.locationCode}`}
        captionHidden
        rows={result.lines}
        rowKey={(l) => l.partNumber}
        columns={[
          {
            id: 'part',
            header: 'Part',
            rowHeader: true,
            sortValue: (l) => l.partNumber,
            cell: (l) => l.partNumber,
          },
          { id: 'method', header: 'Method', sortValue: (l) => l.method, cell: (l) => l.method ?? '—' },
          {
            id: 'ss',
            header: 'Safety stock',
            align: 'end',
            sortValue: (l) => l.safetyStock,
            cell: (l) => formatNumber(l.safetyStock),
          },
          {
            id: 'rop',
            header: 'Reorder point',
            align: 'end',
            sortValue: (l) => l.reorderPoint,
            cell: (l) => formatNumber(l.reorderPoint),
          },
          {
            id: 'out',
            header: 'Order up to',
            align: 'end',
            sortValue: (l) => l.orderUpTo,
            cell: (l) => formatNumber(l.orderUpTo),
          },
          {
            id: 'raised',
            header: 'Raised',
            align: 'end',
            sortValue: (l) => l.replenishment?.quantity ?? 0,
            cell: (l) => (l.replenishment ? formatNumber(l.replenishment.quantity) : '—'),
          },
          {
            id: 'why',
            header: 'Why',
            className: 'wrap',
            cell: (l) => (
              <details className="reasons-details">
                <summary>{l.reasons.length} reasons</summary>
                <Reasons reasons={l.reasons} />
              </details>
            ),
          },
        ]}
      />
    </>
  );
}
