import { useState } from 'react';
import { request, toApiError, type ApiError, type Query } from '../api';
import type { Items } from '../api-types';

export interface OlderPages<T> {
  /** The first page (kept live by its poller) followed by the older pages loaded so far. */
  rows: T[];
  /** Whether an older page may exist. */
  more: boolean;
  loading: boolean;
  error: ApiError | undefined;
  loadOlder: () => void;
}

/**
 * Paging backwards through a newest-first list: the first page comes from a polled useApi,
 * older pages are fetched on demand with a cursor (`before`, `beforeId`) and kept until the
 * query changes.
 */
export function useOlderPages<T extends { id: string }>(
  path: string,
  query: Query,
  firstPage: T[] | undefined,
  options: { pageSize: number; cursor: string },
): OlderPages<T> {
  const key = JSON.stringify([path, query]);
  const [older, setOlder] = useState<{ key: string; items: T[]; done: boolean }>({
    key,
    items: [],
    done: false,
  });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError>();
  const current = older.key === key ? older : { key, items: [], done: false };
  const rows = [...(firstPage ?? []), ...current.items];

  const loadOlder = () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    setLoading(true);
    setError(undefined);
    request<Items<T>>(path, { query: { ...query, limit: options.pageSize, [options.cursor]: last.id } })
      .then(
        (page) =>
          setOlder({
            key,
            items: [...current.items, ...page.items],
            done: page.items.length < options.pageSize,
          }),
        (e: unknown) => setError(toApiError(e)),
      )
      .finally(() => setLoading(false));
  };

  return {
    rows,
    more: (firstPage?.length ?? 0) >= options.pageSize && !current.done,
    loading,
    error,
    loadOlder,
  };
}
