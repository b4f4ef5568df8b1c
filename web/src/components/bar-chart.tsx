import { useElementWidth } from '../hooks/use-element-size';
import { ChartData, Legend, YAxisLabel, YGrid, withColors, type Series } from './chart-parts';
import { MARGIN, labelStep, linear, niceTicks } from './chart-scale';

/**
 * Bars per x label, one series stacked on another (parts of a whole: applied + failed) or
 * side by side, with axes, a legend and the figures as a table.
 */
export function BarChart({
  title,
  labels,
  series,
  stacked = false,
  format = (v) => String(v),
  height = 220,
  yLabel,
}: {
  title: string;
  labels: string[];
  series: Series[];
  stacked?: boolean;
  format?: (v: number) => string;
  height?: number;
  yLabel?: string;
}) {
  const [boxRef, width] = useElementWidth<HTMLDivElement>();
  const colored = withColors(series);
  const n = labels.length;
  const totals = labels.map((_, i) =>
    stacked
      ? colored.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)
      : Math.max(0, ...colored.map((s) => s.values[i] ?? 0)),
  );
  const counts = colored.every((s) => s.values.every((v) => v === null || Number.isInteger(v)));
  const ticks = niceTicks(0, Math.max(1, ...totals), 5, counts);
  const yMax = ticks[ticks.length - 1] ?? 1;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const band = plotW / Math.max(1, n);
  const barW = Math.max(2, Math.min(40, band * 0.7));
  const y = linear([0, yMax], [MARGIN.top + plotH, MARGIN.top]);
  const step = labelStep(n, plotW);
  const total = totals.reduce((a, b) => a + b, 0);

  return (
    <figure className="chart">
      <div ref={boxRef} className="chart-box">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${title}: ${colored.map((s) => s.name).join(', ')} per period, ${n} periods${stacked ? `, ${format(total)} in all` : ''}`}
        >
          <title>{title}</title>
          <YGrid ticks={ticks} y={y} plotW={plotW} format={format} />
          {yLabel && <YAxisLabel label={yLabel} plotH={plotH} />}
          {labels.map((label, i) => {
            const cx = MARGIN.left + band * i + band / 2;
            let base = 0;
            const groupW = barW / (stacked ? 1 : colored.length);
            return (
              <g key={i}>
                {colored.map((s, k) => {
                  const v = s.values[i] ?? 0;
                  if (v <= 0) return null;
                  const x0 = stacked ? cx - barW / 2 : cx - barW / 2 + k * groupW;
                  const top = stacked ? y(base + v) : y(v);
                  const bottom = stacked ? y(base) : y(0);
                  if (stacked) base += v;
                  return (
                    <rect
                      key={s.name}
                      x={x0}
                      y={top}
                      width={groupW}
                      height={Math.max(0, bottom - top)}
                      fill={s.color}
                    >
                      <title>{`${label} — ${s.name}: ${format(v)}`}</title>
                    </rect>
                  );
                })}
                {i % step === 0 && (
                  <text className="tick" x={cx} y={height - 10} textAnchor="middle">
                    {label}
                  </text>
                )}
              </g>
            );
          })}
          <line className="axis" x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(0)} y2={y(0)} />
        </svg>
      </div>
      <Legend series={colored} />
      <ChartData title={title} labels={labels} series={colored} format={format} />
    </figure>
  );
}
