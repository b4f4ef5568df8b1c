/** A determinate bar when the total is known, else an indeterminate one that still says what runs. */
export function ProgressBar({ label, value, max }: { label: string; value?: number; max?: number }) {
  const known = value !== undefined && max !== undefined && max > 0;
  const percent = known ? Math.min(100, Math.round((value / max) * 100)) : undefined;
  return (
    <div className="progress">
      <div
        className={`progress-track${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={known ? 0 : undefined}
        aria-valuemax={known ? 100 : undefined}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={known ? { width: `${percent}%` } : undefined} />
      </div>
      <span className="progress-label">
        {label}
        {percent !== undefined ? ` — ${percent}%` : ''}
      </span>
    </div>
  );
}
