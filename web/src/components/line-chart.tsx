import { useState, type MouseEvent } from 'react';
import { useElementWidth } from '../hooks/use-element-size';
import { ChartData, Legend, YAxisLabel, YGrid, withColors, type Series } from './chart-parts';
import { MARGIN, labelStep, linear, niceTicks } from './chart-scale';

export interface ReferenceLine {
  label: string;
  value: number;
  color?: string;
}

/** Breaks a series into runs of consecutive points: a null (no data that day) leaves a gap. */
function segments(values: (number | null)[]): { i: number; v: number }[][] {
  const out: { i: number; v: number }[][] = [];
  let run: { i: number; v: number }[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (run.length) out.push(run);
      run = [];
    } else run.push({ i, v });
  });
  if (run.length) out.push(run);
  return out;
}

/**
 * Where each reference line's label goes: just above its line, or below it when the label of
 * a line close above would overlap.
 */
function placeLabels(lineYs: number[]): number[] {
  const order = lineYs.map((ly, k) => ({ ly, k })).sort((a, b) => a.ly - b.ly);
  const out: number[] = new Array<number>(lineYs.length).fill(0);
  let previous = -Infinity;
  for (const { ly, k } of order) {
    let label = ly - 5;
    if (label - previous < 13) label = Math.max(ly + 14, previous + 13);
    out[k] = label;
    previous = label;
  }
  return out;
}

/**
 * Several series over the same x labels (days, periods), with axes, grid, a legend, a
 * hover read-out, optional horizontal reference lines, and the figures as a table.
 */
export function LineChart({
  title,
  labels,
  series,
  format = (v) => String(v),
  height = 240,
  yLabel,
  referenceLines = [],
  minY = 0,
  ticksFor,
}: {
  /** The chart's accessible name. */
  title: string;
  labels: string[];
  series: Series[];
  format?: (v: number) => string;
  height?: number;
  yLabel?: string;
  referenceLines?: ReferenceLine[];
  minY?: number;
  /** Tick values for the data's range (durations tick on whole hours or days). */
  ticksFor?: (min: number, max: number) => number[];
}) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const colored = withColors(series);
  const all = [...colored.flatMap((s) => s.values), ...referenceLines.map((r) => r.value)].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const low = Math.min(minY, ...all);
  const high = Math.max(minY, ...all, 0);
  const ticks = ticksFor ? ticksFor(low, high) : niceTicks(low, high, 5, all.every(Number.isInteger));
  const yMin = ticks[0] ?? 0;
  const yMax = ticks[ticks.length - 1] ?? 1;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const n = labels.length;
  const x = (i: number) => MARGIN.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = linear([yMin, yMax], [MARGIN.top + plotH, MARGIN.top]);
  const step = labelStep(n, plotW);
  const hasData = all.length > 0;
  const refLabelY = placeLabels(referenceLines.map((r) => y(r.value)));

  const onMove = (event: MouseEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left - MARGIN.left;
    const i = n <= 1 ? 0 : Math.round((px / plotW) * (n - 1));
    setHover(i >= 0 && i < n ? i : null);
  };
  const summary = hasData
    ? `${colored.map((s) => s.name).join(', ')} over ${n} points from ${labels[0] ?? ''} to ${labels[n - 1] ?? ''}`
    : 'no data yet';

  return (
    <figure className="chart">
      <div ref={boxRef} className="chart-box">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${title}: ${summary}`}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
        >
          <title>{title}</title>
          <YGrid ticks={ticks} y={y} plotW={plotW} format={format} />
          <line className="axis" x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(yMin)} y2={y(yMin)} />
          {labels.map((label, i) =>
            i % step === 0 ? (
              <text key={i} className="tick" x={x(i)} y={height - 10} textAnchor="middle">
                {label}
              </text>
            ) : null,
          )}
          {yLabel && <YAxisLabel label={yLabel} plotH={plotH} />}
          {referenceLines.map((r, k) => (
            <g key={r.label}>
              <line
                x1={MARGIN.left}
                x2={MARGIN.left + plotW}
                y1={y(r.value)}
                y2={y(r.value)}
                stroke={r.color ?? '#b91c1c'}
                strokeDasharray="2 4"
                strokeWidth="1.5"
              />
              <text
                className="ref-label"
                x={MARGIN.left + plotW - 4}
                y={refLabelY[k]}
                textAnchor="end"
                fill={r.color ?? '#b91c1c'}
              >
                {r.label} {format(r.value)}
              </text>
            </g>
          ))}
          {colored.map((s) =>
            segments(s.values).map((run, k) =>
              run.length === 1 ? (
                <circle key={`${s.name}-${k}`} cx={x(run[0]!.i)} cy={y(run[0]!.v)} r="3" fill={s.color} />
              ) : (
                <polyline
                  key={`${s.name}-${k}`}
                  fill="none"
                  stroke={s.color}
                  strokeWidth="2.25"
                  strokeLinejoin="round"
                  strokeDasharray={s.dashed ? '6 4' : undefined}
                  points={run.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')}
                />
              ),
            ),
          )}
          {!hasData && (
            <text className="tick" x={MARGIN.left + plotW / 2} y={MARGIN.top + plotH / 2} textAnchor="middle">
              No data in this window
            </text>
          )}
          {hover !== null && hasData && (
            <HoverReadout
              x={x(hover)}
              top={MARGIN.top}
              bottom={MARGIN.top + plotH}
              right={MARGIN.left + plotW}
              label={labels[hover] ?? ''}
              rows={colored.map((s) => ({ name: s.name, color: s.color, value: s.values[hover] ?? null }))}
              format={format}
            />
          )}
        </svg>
      </div>
      <Legend series={colored} />
      <ChartData title={title} labels={labels} series={colored} format={format} />
    </figure>
  );
}

/** The vertical rule and value box under the pointer. */
function HoverReadout({
  x,
  top,
  bottom,
  right,
  label,
  rows,
  format,
}: {
  x: number;
  top: number;
  bottom: number;
  right: number;
  label: string;
  rows: { name: string; color: string; value: number | null }[];
  format: (v: number) => string;
}) {
  const boxW = 170;
  const boxH = 20 + rows.length * 16;
  const left = x + 10 + boxW > right ? x - 10 - boxW : x + 10;
  return (
    <g className="readout" pointerEvents="none">
      <line x1={x} x2={x} y1={top} y2={bottom} stroke="#6b7280" strokeDasharray="3 3" />
      <rect x={left} y={top} width={boxW} height={boxH} rx="4" fill="#ffffff" stroke="#cbd5e1" />
      <text x={left + 8} y={top + 15} className="readout-title">
        {label}
      </text>
      {rows.map((r, k) => (
        <text key={r.name} x={left + 8} y={top + 31 + k * 16} className="readout-row">
          <tspan fill={r.color}>■ </tspan>
          {r.name}: {r.value === null ? '—' : format(r.value)}
        </text>
      ))}
    </g>
  );
}
