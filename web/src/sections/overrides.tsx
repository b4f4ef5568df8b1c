import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { Items, PlanningOverride } from '../api-types';
import { DataTable } from '../components/data-table';
import { Field, NumberField } from '../components/field';
import { SubmitAction } from '../components/form-action';
import { EmptyState, Loaded } from '../components/problem';
import { formatNumber, humanize } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { useSession } from '../session';

type Kind = PlanningOverride['kind'];

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A part's overrides (M6.4), newest first, and a form to add one for those who plan. */
export function Overrides({
  partNumber,
  locationCode,
  onChanged,
}: {
  partNumber: string;
  locationCode: string;
  onChanged: () => void;
}) {
  const { can } = useSession();
  const overrides = useApi<Items<PlanningOverride>>('/api/v1/planning/overrides', { partNumber });
  return (
    <>
      <Loaded state={overrides} what="the overrides">
        {(page) => (
          <DataTable
            caption={`Overrides of ${partNumber}, newest first`}
            captionHidden
            rows={page.items}
            rowKey={(o) => o.id}
            empty={
              <EmptyState title="No overrides">
                The statistical forecast and safety stock apply as they are.
              </EmptyState>
            }
            columns={[
              { id: 'kind', header: 'Overrides', rowHeader: true, cell: (o) => humanize(o.kind) },
              { id: 'value', header: 'Value', align: 'end', cell: (o) => formatNumber(o.value) },
              { id: 'where', header: 'Where', cell: (o) => o.locationCode ?? 'Everywhere' },
              {
                id: 'when',
                header: 'Valid',
                cell: (o) => `${o.validFrom.slice(0, 10)} → ${o.validTo.slice(0, 10)}`,
              },
              { id: 'why', header: 'Reason', className: 'wrap', cell: (o) => o.reason },
              { id: 'by', header: 'By', cell: (o) => o.createdBy },
            ]}
          />
        )}
      </Loaded>
      {can('planning:write') && (
        <OverrideForm
          partNumber={partNumber}
          locationCode={locationCode}
          onSaved={() => {
            overrides.reload();
            onChanged();
          }}
        />
      )}
    </>
  );
}

function OverrideForm({
  partNumber,
  locationCode,
  onSaved,
}: {
  partNumber: string;
  locationCode: string;
  onSaved: () => void;
}) {
  const [kind, setKind] = useState<Kind>('safety_stock');
  const [value, setValue] = useState('');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(inDays(90));
  const [reason, setReason] = useState('');
  const save = useAction(() =>
    request<PlanningOverride>('/api/v1/planning/overrides', {
      method: 'POST',
      body: {
        partNumber,
        locationCode: locationCode || null,
        kind,
        value: Number(value),
        validFrom: new Date(`${from}T00:00:00Z`).toISOString(),
        validTo: new Date(`${to}T23:59:59Z`).toISOString(),
        reason: reason.trim(),
      },
    }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save.run(undefined)) {
      setValue('');
      setReason('');
      onSaved();
    }
  };
  return (
    <form className="form-grid compact" onSubmit={(e) => void submit(e)} aria-labelledby="override-title">
      <h3 id="override-title" className="subhead full">
        Add an override {locationCode ? `at ${locationCode}` : 'for every location'}
      </h3>
      <Field label="What">
        {(props) => (
          <select {...props} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="safety_stock">Safety stock (units)</option>
            <option value="forecast">Forecast (per period)</option>
          </select>
        )}
      </Field>
      <NumberField label="Value" min="0" value={value} onChange={setValue} />
      <Field label="Valid from">
        {(props) => (
          <input {...props} type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
        )}
      </Field>
      <Field label="Valid to">
        {(props) => (
          <input {...props} type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
        )}
      </Field>
      <div className="full">
        <Field label="Reason" hint="Why the numbers differ from the statistics; audited.">
          {(props) => (
            <input
              {...props}
              type="text"
              required
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </Field>
      </div>
      <SubmitAction
        action={save}
        label="Save override"
        pendingLabel="Saving…"
        failure="The override was not saved"
        full
        done={(saved) => (
          <p className="success" role="status">
            Override saved: {humanize(saved.kind).toLowerCase()} {formatNumber(saved.value)} until{' '}
            {saved.validTo.slice(0, 10)}.
          </p>
        )}
      />
    </form>
  );
}
