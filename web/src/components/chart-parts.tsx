import type { ReactNode } from 'react';
import { MARGIN, PALETTE } from './chart-scale';
import { DataTable } from './data-table';

export interface Series {
  name: string;
  values: (number | null)[];
  color?: string;
  dashed?: boolean;
}

/** Each series with its colour: its own, or the palette's in turn. */
export function withColors(series: Series[]): (Series & { color: string })[] {
  return series.map((s, k) => ({
    ...s,
    color: s.color ?? PALETTE[k % PALETTE.length] ?? '#2563eb',
  }));
}

/** The horizontal grid line and the value label at each tick of the y axis. */
export function YGrid({
  ticks,
  y,
  plotW,
  format,
}: {
  ticks: number[];
  y: (v: number) => number;
  plotW: number;
  format: (v: number) => string;
}) {
  return ticks.map((t) => (
    <g key={t}>
      <line className="grid" x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(t)} y2={y(t)} />
      <text className="tick" x={MARGIN.left - 8} y={y(t)} dy="0.32em" textAnchor="end">
        {format(t)}
      </text>
    </g>
  ));
}

/** The y axis' name, turned to run up its side. */
export function YAxisLabel({ label, plotH }: { label: string; plotH: number }) {
  return (
    <text
      className="axis-label"
      transform={`translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)`}
      textAnchor="middle"
    >
      {label}
    </text>
  );
}

/** The legend under a chart: each series' swatch (solid or dashed) and name. */
export function Legend({
  series,
  extra,
}: {
  series: { name: string; color: string; dashed?: boolean }[];
  extra?: ReactNode;
}) {
  return (
    <ul className="legend">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="22" height="10" aria-hidden="true" focusable="false">
            <line
              x1="1"
              x2="21"
              y1="5"
              y2="5"
              stroke={s.color}
              strokeWidth="3"
              strokeDasharray={s.dashed ? '5 3' : undefined}
            />
          </svg>
          {s.name}
        </li>
      ))}
      {extra}
    </ul>
  );
}

/** The figures behind a chart, as a table, for anyone who cannot or would rather not read the picture. */
export function ChartData({
  title,
  labels,
  series,
  format,
}: {
  title: string;
  labels: string[];
  series: Series[];
  format: (v: number) => string;
}) {
  const rows = labels.map((label, i) => ({ label, i }));
  return (
    <details className="chart-data">
      <summary>Show the figures</summary>
      <DataTable
        caption={title}
        captionHidden
        rowKey={(r) => String(r.i)}
        rows={rows}
        columns={[
          { id: 'label', header: 'Period', cell: (r) => r.label, rowHeader: true },
          ...series.map((s) => ({
            id: s.name,
            header: s.name,
            align: 'end' as const,
            cell: (r: { i: number }) => {
              const v = s.values[r.i];
              return v === null || v === undefined ? '—' : format(v);
            },
          })),
        ]}
      />
    </details>
  );
}
