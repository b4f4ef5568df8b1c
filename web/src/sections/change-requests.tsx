import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { ChangeRequest, Items } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import {
  ApproveRejectButtons,
  DecisionActions,
  submittedDecision,
  type Decision,
} from '../components/form-action';
import { EmptyState, Loaded } from '../components/problem';
import { formatDateTime, humanize } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { useSession } from '../session';

const STATUSES = ['proposed', 'approved', 'applied', 'rejected'] as const;

function describeChanges(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .map(([k, v]) => `${k} → ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

/** Master-data change requests; those with masterdata:approve decide the proposed ones. */
export function ChangeRequests() {
  const { can } = useSession();
  const [status, setStatus] = useState<string>('proposed');
  const [deciding, setDeciding] = useState<ChangeRequest>();
  const [outcome, setOutcome] = useState('');
  const list = useApi<Items<ChangeRequest>>('/api/v1/change-requests', { status }, { pollMs: 15_000 });
  const mayDecide = can('masterdata:approve');
  return (
    <>
      <div className="filters">
        <Field label="Status">
          {(props) => (
            <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div aria-live="polite">
        {outcome && (
          <p className="success" role="status">
            {outcome}
          </p>
        )}
      </div>
      <Loaded state={list} what="the change requests">
        {(page) => (
          <DataTable
            caption="Master-data change requests, newest first"
            captionHidden
            rows={page.items}
            rowKey={(c) => c.id}
            empty={
              <EmptyState
                title={status === 'proposed' ? 'No change waits for a decision' : 'No change requests'}
              >
                Changes proposed by source systems that do not own an attribute, or made during a freeze, land
                here.
              </EmptyState>
            }
            columns={[
              {
                id: 'part',
                header: 'Part',
                rowHeader: true,
                sortValue: (c) => c.partNumber,
                cell: (c) => c.partNumber,
              },
              { id: 'changes', header: 'Change', className: 'wrap', cell: (c) => describeChanges(c.changes) },
              { id: 'reason', header: 'Reason', className: 'wrap', cell: (c) => c.reason },
              {
                id: 'from',
                header: 'Proposed',
                sortValue: (c) => c.proposedAt,
                cell: (c) => (
                  <>
                    {formatDateTime(c.proposedAt)}
                    <br />
                    <span className="muted">
                      by {c.proposedBy} via {c.source}
                    </span>
                  </>
                ),
              },
              {
                id: 'status',
                header: 'Status',
                sortValue: (c) => c.status,
                cell: (c) => (
                  <>
                    <Badge value={c.status} /> {c.emergency && <Badge value="emergency" tone="bad" />}
                  </>
                ),
              },
              ...(mayDecide
                ? [
                    {
                      id: 'decide',
                      header: 'Decision',
                      cell: (c: ChangeRequest) =>
                        c.status === 'proposed' ? (
                          <button
                            type="button"
                            className="button secondary small"
                            aria-label={`Decide on the change to ${c.partNumber}`}
                            onClick={() => setDeciding(c)}
                          >
                            Decide…
                          </button>
                        ) : (
                          (c.decisionNote ?? '—')
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Loaded>
      {deciding && (
        <DecisionForm
          key={deciding.id}
          change={deciding}
          onCancel={() => setDeciding(undefined)}
          onDone={(text) => {
            setDeciding(undefined);
            setOutcome(text);
            list.reload();
          }}
        />
      )}
    </>
  );
}

function DecisionForm({
  change,
  onCancel,
  onDone,
}: {
  change: ChangeRequest;
  onCancel: () => void;
  onDone: (text: string) => void;
}) {
  const [note, setNote] = useState('');
  const decide = useAction((decision: Decision) =>
    request<{ changeRequest: ChangeRequest; reason: string }>(
      `/api/v1/change-requests/${encodeURIComponent(change.id)}/${decision}`,
      { method: 'POST', body: note.trim() ? { note: note.trim() } : {} },
    ),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await decide.run(submittedDecision(event));
    if (done) onDone(`Change to ${change.partNumber} ${done.changeRequest.status}: ${done.reason}`);
  };
  return (
    <form className="decision" onSubmit={(e) => void submit(e)} aria-labelledby="cr-title">
      <h3 id="cr-title">Decide on the change to {change.partNumber}</h3>
      <p className="muted">
        {describeChanges(change.changes)} — effective {formatDateTime(change.effectiveFrom)}. Approving
        applies it at once unless a freeze window holds it.
      </p>
      <Field label="Note (optional)">
        {(props) => (
          <input
            {...props}
            autoFocus
            type="text"
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <DecisionActions error={decide.error} failure="The decision was not recorded" onCancel={onCancel}>
        <ApproveRejectButtons disabled={decide.pending} />
      </DecisionActions>
    </form>
  );
}
