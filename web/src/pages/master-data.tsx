import { useState } from 'react';
import type { Items, XrefConflict } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable } from '../components/data-table';
import { Field } from '../components/field';
import { PageHeader, Panel } from '../components/layout';
import { EmptyState, Loaded } from '../components/problem';
import { formatDateTime } from '../format';
import { useApi } from '../hooks/use-api';
import { hrefFor } from '../router';
import { ChangeRequests } from '../sections/change-requests';
import { Imports } from '../sections/imports';

/** Governance of the part master: change requests, cross-reference conflicts, bulk imports. */
export function MasterDataPage() {
  return (
    <>
      <PageHeader
        title="Master data"
        lead="Changes waiting for a decision, numbers that point at two parts, and bulk imports with their progress."
      />
      <Panel title="Change requests">
        <ChangeRequests />
      </Panel>
      <Panel title="Cross-reference conflicts">
        <XrefConflicts />
      </Panel>
      <Panel title="Imports">
        <Imports />
      </Panel>
    </>
  );
}

function XrefConflicts() {
  const [status, setStatus] = useState('open');
  const conflicts = useApi<Items<XrefConflict>>('/api/v1/xref-conflicts', { status }, { pollMs: 30_000 });
  return (
    <>
      <div className="filters">
        <Field label="Conflict status">
          {(props) => (
            <select {...props} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="open">Open</option>
              <option value="resolved">Resolved</option>
              <option value="">All</option>
            </select>
          )}
        </Field>
      </div>
      <Loaded state={conflicts} what="the conflicts">
        {(page) => (
          <DataTable
            caption="Cross-reference conflicts: one number pointing at two parts"
            captionHidden
            rows={page.items}
            rowKey={(c) => c.id}
            empty={
              <EmptyState title={status === 'open' ? 'No open conflicts' : 'No conflicts'}>
                When a source claims a number another part already carries, nothing is merged: the conflict
                waits here.
              </EmptyState>
            }
            columns={[
              {
                id: 'number',
                header: 'Number',
                rowHeader: true,
                sortValue: (c) => c.number,
                cell: (c) => (
                  <>
                    {c.number} <span className="muted">({c.scheme})</span>
                  </>
                ),
              },
              {
                id: 'existing',
                header: 'Carried by',
                sortValue: (c) => c.existingPartNumber,
                cell: (c) => (
                  <a href={hrefFor('inventory', { number: c.existingPartNumber })}>{c.existingPartNumber}</a>
                ),
              },
              {
                id: 'proposed',
                header: 'Claimed for',
                sortValue: (c) => c.proposedPartNumber,
                cell: (c) => (
                  <a href={hrefFor('inventory', { number: c.proposedPartNumber })}>{c.proposedPartNumber}</a>
                ),
              },
              { id: 'source', header: 'Source', sortValue: (c) => c.source, cell: (c) => c.source },
              {
                id: 'when',
                header: 'Raised',
                sortValue: (c) => c.createdAt,
                cell: (c) => formatDateTime(c.createdAt),
              },
              {
                id: 'status',
                header: 'Status',
                sortValue: (c) => c.status,
                cell: (c) => (
                  <>
                    <Badge value={c.status} />
                    {c.resolution
                      ? ` ${c.resolution === 'reassign' ? 'moved' : 'kept'}${c.resolutionReason ? `: ${c.resolutionReason}` : ''}`
                      : ''}
                  </>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
