import { useMemo, useState, type ReactNode } from 'react';
import { useOverflows } from '../hooks/use-element-size';

export interface Column<T> {
  id: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Present: the header is a sort button, sorting by this value. */
  sortValue?: (row: T) => string | number | null;
  align?: 'start' | 'end';
  /** The cell that names the row (rendered as <th scope="row">). */
  rowHeader?: boolean;
  className?: string;
}

type Direction = 'ascending' | 'descending';

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/**
 * A real table: a caption for its name, <th scope> headers, sortable columns as buttons that
 * announce their order through aria-sort, and rows in the order the hub gave until sorted.
 */
export function DataTable<T>({
  caption,
  captionHidden = false,
  columns,
  rows,
  rowKey,
  empty,
  initialSort,
  rowClassName,
}: {
  caption: string;
  captionHidden?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  initialSort?: { column: string; direction: Direction };
  rowClassName?: (row: T) => string | undefined;
}) {
  const [sort, setSort] = useState(initialSort);
  const [scrollRef, overflows] = useOverflows<HTMLDivElement>();
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.id === sort?.column);
    if (!sort || !column?.sortValue) return rows;
    const value = column.sortValue;
    const out = [...rows].sort((a, b) => compare(value(a), value(b)));
    return sort.direction === 'descending' ? out.reverse() : out;
  }, [rows, columns, sort]);

  if (rows.length === 0 && empty) return <>{empty}</>;

  const toggle = (id: string) =>
    setSort((prev) =>
      prev?.column === id
        ? { column: id, direction: prev.direction === 'ascending' ? 'descending' : 'ascending' }
        : { column: id, direction: 'ascending' },
    );

  return (
    // A table wider than its box scrolls; keyboard users then need to focus it to scroll it.
    <div
      className="table-scroll"
      ref={scrollRef}
      tabIndex={overflows ? 0 : undefined}
      role={overflows ? 'region' : undefined}
      aria-label={overflows ? `${caption} (scrolls sideways)` : undefined}
    >
      <table className="data-table">
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const direction = sort?.column === c.id ? sort.direction : undefined;
              return (
                <th
                  key={c.id}
                  scope="col"
                  aria-sort={c.sortValue ? (direction ?? 'none') : undefined}
                  className={c.align === 'end' ? 'num' : undefined}
                >
                  {c.sortValue ? (
                    <button type="button" className="sort-button" onClick={() => toggle(c.id)}>
                      {c.header}
                      <span className="sort-indicator" aria-hidden="true">
                        {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {columns.map((c) => {
                const className =
                  [c.align === 'end' ? 'num' : '', c.className ?? ''].join(' ').trim() || undefined;
                return c.rowHeader ? (
                  <th key={c.id} scope="row" className={className}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.id} className={className}>
                    {c.cell(row)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
