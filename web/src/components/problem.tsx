import type { ReactNode } from 'react';
import type { ApiError } from '../api';

/** What the user can do next, by the kind of failure; the hub's detail says what happened. */
function nextStep(error: ApiError): string | null {
  if (error.status === 0) return 'Check that the hub is running and your network is up, then retry.';
  if (error.status === 401) return 'Sign in again with a valid API key.';
  if (error.status === 403) {
    const required = error.extensions.required;
    const names = Array.isArray(required) ? required.join(', ') : 'the permission this needs';
    return `Ask an administrator for a key whose role has ${names}.`;
  }
  if (error.status === 404 && error.code === 'ROUTE_NOT_FOUND')
    return 'This hub version does not offer this yet; upgrade the hub.';
  if (error.status === 400) return 'Correct the fields named above and submit again.';
  if (error.status >= 500)
    return 'The hub failed; retry in a moment, and if it persists give the request id to support.';
  return null;
}

/** An RFC 9457 problem from the hub: its title, detail, code, and what to do about it. */
export function ProblemMessage({
  error,
  onRetry,
  context,
}: {
  error: ApiError;
  onRetry?: () => void;
  /** What was being attempted, e.g. "Could not load the work orders". */
  context?: string;
}) {
  const hint = nextStep(error);
  const requestId = error.extensions.requestId;
  return (
    <div className="problem" role="alert">
      <p className="problem-title">
        {context ? `${context}: ` : ''}
        {error.title}
      </p>
      {error.detail && <p>{error.detail}</p>}
      {error.fieldErrors.length > 0 && (
        <ul>
          {error.fieldErrors.map((f, i) => (
            <li key={i}>
              {f.path ? <code>{f.path.replace(/^\//, '')}</code> : null} {f.message}
            </li>
          ))}
        </ul>
      )}
      {hint && <p className="problem-hint">{hint}</p>}
      <p className="problem-meta">
        <code>{error.code}</code>
        {error.status ? ` · HTTP ${error.status}` : ''}
        {typeof requestId === 'string' ? ` · request ${requestId}` : ''}
      </p>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and what would make something appear. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/**
 * The usual three states of a fetched panel: loading, failed (with retry), or its content.
 * Data already on screen stays while a later poll fails, with the problem above it.
 */
export function Loaded<T>({
  state,
  what,
  children,
}: {
  state: { data: T | undefined; error: ApiError | undefined; loading: boolean; reload: () => void };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (state.data === undefined) {
    if (state.error)
      return <ProblemMessage error={state.error} context={`Could not load ${what}`} onRetry={state.reload} />;
    return <Loading label={`Loading ${what}…`} />;
  }
  return (
    <>
      {state.error && (
        <ProblemMessage error={state.error} context={`Could not refresh ${what}`} onRetry={state.reload} />
      )}
      {children(state.data)}
    </>
  );
}
