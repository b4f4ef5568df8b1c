import { linear } from './chart-scale';

/** A word-sized trend line for a KPI card; the label says what it shows and where it ends. */
export function Sparkline({
  values,
  label,
  width = 120,
  height = 32,
  color = '#2563eb',
}: {
  values: (number | null)[];
  label: string;
  width?: number;
  height?: number;
  color?: string;
}) {
  const known = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null);
  const max = Math.max(...known.map((p) => p.v), 0);
  const min = Math.min(...known.map((p) => p.v), 0);
  const x = linear([0, Math.max(1, values.length - 1)], [2, width - 2]);
  const y = linear([min, max === min ? min + 1 : max], [height - 3, 3]);
  const last = known[known.length - 1];
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={label}>
      <title>{label}</title>
      {known.length > 1 && (
        <polyline
          fill="none"
          stroke={color}
          strokeWidth="1.75"
          strokeLinejoin="round"
          points={known.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')}
        />
      )}
      {last && <circle cx={x(last.i)} cy={y(last.v)} r="2.5" fill={color} />}
    </svg>
  );
}
