import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { apiPath, isAbort, request, toApiError, type ApiError, type Query } from '../api';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True until the first answer for the current path (later polls keep showing the last data). */
  loading: boolean;
  updatedAt: Date | undefined;
  reload: () => void;
}

/** Whether the tab is visible; polling stops while it is hidden so a background tab costs nothing. */
function useTabVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * GETs `path` (null: nothing to fetch yet) and, with `pollMs`, again every so often while the
 * tab is visible, catching up at once when it becomes visible again.
 */
export function useApi<T>(
  path: string | null,
  query: Query = {},
  options: { pollMs?: number } = {},
): ApiState<T> {
  const url = path === null ? null : apiPath(path, query);
  const [state, setState] = useState<{ url: string | null; data?: T; error?: ApiError; updatedAt?: Date }>({
    url,
  });
  const [tick, setTick] = useState(0);
  const visible = useTabVisible();
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const pollMs = options.pollMs;

  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    request<T>(url, { signal: controller.signal }).then(
      (data) => setState({ url, data, updatedAt: new Date() }),
      (error: unknown) => {
        if (isAbort(error)) return;
        // A failed poll keeps the last good data on screen, beside the error.
        setState((prev) => ({ ...(prev.url === url ? prev : { url }), error: toApiError(error) }));
      },
    );
    return () => controller.abort();
  }, [url, tick]);

  // Timer-driven reloads; only while visible, so a hidden tab stops polling.
  useEffect(() => {
    if (!pollMs || url === null || !visible) return;
    const timer = window.setInterval(reload, pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs, url, visible, reload]);

  // Coming back to the tab: refresh now rather than waiting for the next tick.
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current && pollMs) reload();
    wasVisible.current = visible;
  }, [visible, pollMs, reload]);

  const current = state.url === url;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: url !== null && (!current || (state.data === undefined && state.error === undefined)),
    updatedAt: current ? state.updatedAt : undefined,
    reload,
  };
}

export interface Action<I, O> {
  run: (input: I) => Promise<O | undefined>;
  pending: boolean;
  error: ApiError | undefined;
  result: O | undefined;
  reset: () => void;
}

/** A command (POST…) with its pending state, its last result and its problem, if any. */
export function useAction<I, O>(perform: (input: I) => Promise<O>): Action<I, O> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<O>();
  const performRef = useRef(perform);
  useLayoutEffect(() => {
    performRef.current = perform;
  });

  const run = useCallback(async (input: I) => {
    setPending(true);
    setError(undefined);
    try {
      const out = await performRef.current(input);
      setResult(out);
      return out;
    } catch (e) {
      setError(toApiError(e));
      setResult(undefined);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(undefined);
    setResult(undefined);
  }, []);
  return { run, pending, error, result, reset };
}
