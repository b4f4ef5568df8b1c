import type { Column } from './data-table';

/** What names a connected system in a table row. */
export interface NamedSystem {
  code: string;
  name: string;
  kind: string;
}

/** Worst first, so that sorting by health puts what needs attention at the top. */
export const HEALTH_ORDER = { failing: 0, degraded: 1, healthy: 2, idle: 3 } as const;

/** The column that names each system: its name, with its code and kind under it; sorts by name. */
export const systemColumn: Column<NamedSystem> = {
  id: 'system',
  header: 'System',
  rowHeader: true,
  sortValue: (s) => s.name,
  cell: (s) => (
    <>
      {s.name}
      <span className="cell-sub">
        {s.code} · {s.kind.toUpperCase()}
      </span>
    </>
  ),
};
