import { useEffect, useId, useRef, type ReactNode } from 'react';
import { formatTime } from '../format';

/** The page's one h1, what the page is for, and anything acting on the whole page. */
export function PageHeader({
  title,
  lead,
  actions,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {lead && <p className="lead">{lead}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** A card on a page: a section named by its h2 (or h3 when nested). */
export function Panel({
  title,
  level = 2,
  actions,
  children,
  className,
  focusOnMount = false,
}: {
  title: string;
  level?: 2 | 3;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** A panel opened by the user (a detail view): bring it into view and put focus on its heading. */
  focusOnMount?: boolean;
}) {
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const Heading = level === 2 ? 'h2' : 'h3';
  useEffect(() => {
    if (!focusOnMount) return;
    headingRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    headingRef.current?.focus({ preventScroll: true });
  }, [focusOnMount]);
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <div className="panel-head">
        <Heading id={id} ref={headingRef} tabIndex={focusOnMount ? -1 : undefined}>
          {title}
        </Heading>
        {actions && <div className="panel-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** "Live · updated 10:42:03": that the figures refresh by themselves, and when they last did. */
export function LiveStatus({ updatedAt, onRefresh }: { updatedAt: Date | undefined; onRefresh: () => void }) {
  return (
    <div className="live">
      <span className="live-dot" aria-hidden="true" />
      <span>Live · updated {formatTime(updatedAt)}</span>
      <button type="button" className="button secondary small" onClick={onRefresh}>
        Refresh
      </button>
    </div>
  );
}

/** Raw JSON, readable and scrollable. */
export function JsonView({ value }: { value: unknown }) {
  return (
    // Focusable so that a long document can be scrolled from the keyboard.
    <pre className="json" tabIndex={0}>
      {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** Reasons the hub gave for a decision, as it gave them. */
export function Reasons({ reasons }: { reasons: string[] }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="reasons">
      {reasons.map((r, i) => (
        <li key={i}>{r}</li>
      ))}
    </ul>
  );
}
