import type { OlderPages } from '../hooks/use-older-pages';
import { ProblemMessage } from './problem';

/** The "load older" control under a newest-first table, with its problem if a page fails. */
export function LoadOlder<T>({ pages, what }: { pages: OlderPages<T>; what: string }) {
  return (
    <>
      {pages.error && <ProblemMessage error={pages.error} context={`Could not load older ${what}`} />}
      {pages.more && (
        <button
          type="button"
          className="button secondary load-older"
          onClick={pages.loadOlder}
          disabled={pages.loading}
        >
          {pages.loading ? 'Loading…' : `Load older ${what}`}
        </button>
      )}
    </>
  );
}
