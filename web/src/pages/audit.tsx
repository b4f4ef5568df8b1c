import { useState, type FormEvent } from 'react';
import { request } from '../api';
import type { AuditRecord, AuditVerification, Items } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { JsonView, LiveStatus, PageHeader, Panel } from '../components/layout';
import { LoadOlder } from '../components/load-older';
import { EmptyState, Loaded, ProblemMessage } from '../components/problem';
import { ProgressBar } from '../components/progress';
import { formatDateTime, formatNumber } from '../format';
import { useAction, useApi } from '../hooks/use-api';
import { useOlderPages } from '../hooks/use-older-pages';
import { useSession } from '../session';

const PAGE = 100;

interface Filters {
  entityType: string;
  entityId: string;
  action: string;
}

/** The hash-chained audit trail with filters, and the chain check on demand. */
export function AuditPage() {
  const { can } = useSession();
  const empty: Filters = { entityType: '', entityId: '', action: '' };
  const [draft, setDraft] = useState(empty);
  const [filters, setFilters] = useState(empty);
  const trail = useApi<Items<AuditRecord>>('/api/v1/audit', { ...filters, limit: PAGE }, { pollMs: 15_000 });
  const pages = useOlderPages('/api/v1/audit', { ...filters }, trail.data?.items, {
    pageSize: PAGE,
    cursor: 'beforeId',
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({
      entityType: draft.entityType.trim(),
      entityId: draft.entityId.trim(),
      action: draft.action.trim(),
    });
  };

  return (
    <>
      <PageHeader
        title="Audit"
        lead="Every change the hub made, who made it and why, chained by hashes so that a gap or an edit shows."
        actions={<LiveStatus updatedAt={trail.updatedAt} onRefresh={trail.reload} />}
      />
      {can('audit:verify') && (
        <Panel title="Chain check">
          <VerifyChain />
        </Panel>
      )}
      <Panel title="Audit trail">
        <form className="filters" onSubmit={apply} aria-label="Filter the audit trail">
          <Field label="Entity type" hint="e.g. reservation, part, work_order">
            {(props) => (
              <input
                {...props}
                type="text"
                value={draft.entityType}
                onChange={(e) => setDraft({ ...draft, entityType: e.target.value })}
              />
            )}
          </Field>
          <Field label="Entity id">
            {(props) => (
              <input
                {...props}
                type="text"
                value={draft.entityId}
                onChange={(e) => setDraft({ ...draft, entityId: e.target.value })}
              />
            )}
          </Field>
          <Field label="Action" hint="e.g. reservation.created">
            {(props) => (
              <input
                {...props}
                type="text"
                value={draft.action}
                onChange={(e) => setDraft({ ...draft, action: e.target.value })}
              />
            )}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button primary">
              Apply filters
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setDraft(empty);
                setFilters(empty);
              }}
            >
              Clear
            </button>
          </div>
        </form>
        <Loaded state={trail} what="the audit trail">
          {() => (
            <>
              <DataTable
                caption="Audit records, newest first"
                captionHidden
                rows={pages.rows}
                rowKey={(a) => a.id}
                empty={<EmptyState title="No audit records match">Clear or loosen the filters.</EmptyState>}
                columns={[
                  {
                    id: 'at',
                    header: 'When',
                    rowHeader: true,
                    sortValue: (a) => a.occurredAt,
                    cell: (a) => formatDateTime(a.occurredAt),
                  },
                  {
                    id: 'action',
                    header: 'Action and actor',
                    sortValue: (a) => a.action,
                    cell: (a) => (
                      <>
                        <code>{a.action}</code>
                        <span className="cell-sub mono">{a.actor}</span>
                      </>
                    ),
                  },
                  {
                    id: 'entity',
                    header: 'Entity',
                    sortValue: (a) => `${a.entityType}:${a.entityId}`,
                    cell: (a) => (
                      <>
                        {a.entityType}
                        <span className="cell-sub mono">{a.entityId}</span>
                      </>
                    ),
                  },
                  {
                    id: 'reason',
                    header: 'Reason',
                    className: 'wrap',
                    cell: (a) =>
                      a.reason ? (
                        <span className="clamp" title={a.reason}>
                          {a.reason}
                        </span>
                      ) : (
                        '—'
                      ),
                  },
                  {
                    id: 'change',
                    header: 'Change',
                    cell: (a) => (
                      <details className="reasons-details">
                        <summary>Before / after</summary>
                        <div className="side-by-side">
                          <JsonView value={a.before ?? 'nothing'} />
                          <JsonView value={a.after ?? 'nothing'} />
                        </div>
                      </details>
                    ),
                  },
                ]}
              />
              <LoadOlder pages={pages} what="records" />
            </>
          )}
        </Loaded>
      </Panel>
    </>
  );
}

function VerifyChain() {
  const verify = useAction(() => request<AuditVerification>('/api/v1/audit/verify', { method: 'POST' }));
  const v = verify.result;
  return (
    <>
      <p className="muted">
        Recomputes every record's hash along the chain and checks every stock balance against the movement
        ledger.
      </p>
      <button
        type="button"
        className="button primary"
        disabled={verify.pending}
        onClick={() => void verify.run(undefined)}
      >
        Verify the chain
      </button>
      <div aria-live="polite">
        {verify.pending && <ProgressBar label="Checking the hash chain and the ledger…" />}
        {verify.error && <ProblemMessage error={verify.error} context="The check could not run" />}
        {v && (
          <div className={v.ok ? 'success' : 'problem'} role="status">
            <p className="strong">
              <Badge value={v.ok ? 'intact' : 'broken'} tone={v.ok ? 'good' : 'bad'} />{' '}
              {v.ok
                ? `The chain is intact: ${formatNumber(v.chain.records)} records in ${formatNumber(v.chain.chains)} chain(s); ${formatNumber(v.ledger.balancesChecked)} balances and ${formatNumber(v.ledger.trackedChecked)} tracked units agree with the ledger.`
                : 'The check found a problem. Keep the hub running and contact support with the details below.'}
            </p>
            {!v.ok && (
              <JsonView value={{ firstBreak: v.chain.firstBreak, mismatches: v.ledger.mismatches }} />
            )}
          </div>
        )}
      </div>
    </>
  );
}
