import { useState } from 'react';
import { MOVEMENT_TYPES, type Items, type Location, type Movement } from '../api-types';
import { Badge } from '../components/badge';
import { DataTable, type Column } from '../components/data-table';
import { Field } from '../components/field';
import { LoadOlder } from '../components/load-older';
import { EmptyState, Loaded } from '../components/problem';
import { formatDateTime, formatNumber, humanize } from '../format';
import { useApi } from '../hooks/use-api';
import { useOlderPages } from '../hooks/use-older-pages';

const PAGE = 50;

const COLUMNS: Column<Movement>[] = [
  {
    id: 'at',
    header: 'When',
    rowHeader: true,
    sortValue: (m) => m.createdAt,
    cell: (m) => formatDateTime(m.createdAt),
  },
  { id: 'type', header: 'Type', sortValue: (m) => m.type, cell: (m) => <Badge value={m.type} tone="info" /> },
  { id: 'location', header: 'Location', sortValue: (m) => m.locationCode, cell: (m) => m.locationCode },
  { id: 'status', header: 'Status', sortValue: (m) => m.status, cell: (m) => humanize(m.status) },
  {
    id: 'quantity',
    header: 'Quantity',
    align: 'end',
    sortValue: (m) => m.quantity,
    cell: (m) => (m.quantity > 0 ? `+${formatNumber(m.quantity)}` : formatNumber(m.quantity)),
  },
  { id: 'serial', header: 'Serial / lot', cell: (m) => m.serial ?? m.lot ?? '—' },
  { id: 'reason', header: 'Reason', cell: (m) => m.reasonCode ?? '—' },
  { id: 'reference', header: 'Reference', cell: (m) => m.reference ?? '—' },
  { id: 'actor', header: 'By', cell: (m) => <span className="mono small">{m.actor}</span> },
];

/** The movement ledger of one part, newest first, filtered by location and type, paged backwards. */
export function MovementLedger({ partNumber, locations }: { partNumber: string; locations: Location[] }) {
  const [locationCode, setLocationCode] = useState('');
  const [type, setType] = useState('');
  const query = { partNumber, locationCode, type };
  const first = useApi<Items<Movement>>(
    '/api/v1/stock/movements',
    { ...query, limit: PAGE },
    { pollMs: 15_000 },
  );
  const pages = useOlderPages('/api/v1/stock/movements', query, first.data?.items, {
    pageSize: PAGE,
    cursor: 'before',
  });

  return (
    <>
      <div className="filters">
        <Field label="Location">
          {(props) => (
            <select {...props} value={locationCode} onChange={(e) => setLocationCode(e.target.value)}>
              <option value="">All locations</option>
              {locations.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.code} — {l.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Movement type">
          {(props) => (
            <select {...props} value={type} onChange={(e) => setType(e.target.value)}>
              <option value="">All types</option>
              {MOVEMENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {humanize(t)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Loaded state={first} what="the movements">
        {() => (
          <>
            <DataTable
              caption={`Stock movements of ${partNumber}, newest first`}
              captionHidden
              rows={pages.rows}
              rowKey={(m) => m.id}
              empty={
                <EmptyState title="No movements match">
                  {locationCode || type
                    ? 'Clear the filters to see every movement of this part.'
                    : 'Receipts, issues, transfers and adjustments of this part appear here as they are posted.'}
                </EmptyState>
              }
              columns={COLUMNS}
            />
            <LoadOlder pages={pages} what="movements" />
          </>
        )}
      </Loaded>
    </>
  );
}
