import type { ReactNode } from 'react';

/** One headline figure with its label, a line of context and an optional trend. */
export function KpiCard({
  label,
  value,
  context,
  trend,
  tone,
}: {
  label: string;
  value: string;
  context?: ReactNode;
  trend?: ReactNode;
  tone?: 'good' | 'warn' | 'bad';
}) {
  return (
    <div className={`kpi${tone ? ` kpi-${tone}` : ''}`}>
      <dt className="kpi-label">{label}</dt>
      <dd className="kpi-value">{value}</dd>
      {context && <dd className="kpi-context">{context}</dd>}
      {trend && <dd className="kpi-trend">{trend}</dd>}
    </div>
  );
}
