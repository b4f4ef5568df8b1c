import { useCallback, useEffect, useMemo, useState, type MouseEvent } from 'react';
import { forgetKey, request, storedKey, toApiError, UNAUTHORIZED_EVENT, type ApiError } from './api';
import type { Me } from './api-types';
import { Loading, ProblemMessage } from './components/problem';
import { humanize } from './format';
import { PAGES, type PageDef } from './page-registry';
import { SignInPage } from './pages/sign-in';
import { hrefFor, useHashRoute } from './router';
import { SessionContext, sessionFor, useSession } from './session';

type Auth =
  | { state: 'checking' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'failed'; error: ApiError }
  | { state: 'signed-in'; me: Me };

/** Signs in with the stored key when there is one, and signs out when the hub stops accepting it. */
export function App() {
  const [auth, setAuth] = useState<Auth>(() =>
    storedKey() ? { state: 'checking' } : { state: 'signed-out' },
  );

  const checkStoredKey = useCallback(() => {
    setAuth({ state: 'checking' });
    request<Me>('/api/v1/me').then(
      (me) => setAuth({ state: 'signed-in', me }),
      (error: unknown) => {
        const problem = toApiError(error);
        if (problem.status === 401) {
          forgetKey();
          setAuth({
            state: 'signed-out',
            notice: 'Your API key is no longer accepted. Sign in with a valid key.',
          });
        } else setAuth({ state: 'failed', error: problem });
      },
    );
  }, []);

  useEffect(() => {
    if (storedKey()) checkStoredKey();
  }, [checkStoredKey]);

  useEffect(() => {
    const onUnauthorized = () => {
      forgetKey();
      setAuth({
        state: 'signed-out',
        notice: 'The hub no longer accepts your API key (revoked?). Sign in again.',
      });
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  const signOut = useCallback(() => {
    forgetKey();
    setAuth({ state: 'signed-out', notice: 'You have signed out.' });
  }, []);

  if (auth.state === 'signed-out')
    return <SignInPage notice={auth.notice} onSignedIn={(me) => setAuth({ state: 'signed-in', me })} />;
  if (auth.state === 'checking')
    return (
      <main className="center-page">
        <Loading label="Checking your API key…" />
      </main>
    );
  if (auth.state === 'failed')
    return (
      <main className="center-page">
        <h1>sparehub</h1>
        <ProblemMessage error={auth.error} context="Could not reach the hub" onRetry={checkStoredKey} />
        <button type="button" className="button secondary" onClick={signOut}>
          Sign in with another key
        </button>
      </main>
    );
  return <SignedIn me={auth.me} signOut={signOut} />;
}

function SignedIn({ me, signOut }: { me: Me; signOut: () => void }) {
  const session = useMemo(() => sessionFor(me, signOut), [me, signOut]);
  const pages = PAGES.filter((p) => session.can(...p.permissions));
  return (
    <SessionContext.Provider value={session}>
      <Shell pages={pages} />
    </SessionContext.Provider>
  );
}

function Shell({ pages }: { pages: PageDef[] }) {
  const { me, signOut } = useSession();
  const route = useHashRoute();
  const known = PAGES.find((p) => p.path === route.page);
  const page = pages.find((p) => p.path === route.page);
  const fallback = pages[0];

  // An empty or unknown hash goes to the first page this role may see.
  useEffect(() => {
    if (!known && fallback) window.location.replace(hrefFor(fallback.path));
  }, [known, fallback]);

  // A new page: name it in the tab title and move focus to its heading, as a page load would.
  useEffect(() => {
    document.title = `${page?.title ?? 'sparehub'} · sparehub`;
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [page]);

  const Page = page?.component;
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={hrefFor(fallback?.path ?? 'overview')}>
          <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect width="16" height="16" rx="3" fill="#1e40af" />
            <path d="M4 8h8M8 4v8" stroke="white" strokeWidth="2" />
          </svg>
          <span>sparehub</span>
        </a>
        <div className="topbar-user">
          <span className="role" title={`Key ${me.keyId} · tenant ${me.tenantId}`}>
            Signed in as <strong>{humanize(me.role)}</strong>
          </span>
          <button type="button" className="button secondary small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Pages">
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <a href={hrefFor(p.path)} aria-current={p.path === page?.path ? 'page' : undefined}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {Page ? (
          <Page />
        ) : known ? (
          <NotPermitted page={known} role={me.role} />
        ) : pages.length === 0 ? (
          <NotPermitted page={undefined} role={me.role} />
        ) : (
          <Loading />
        )}
      </main>
    </div>
  );
}

/** The skip link targets #main without changing the hash the router reads. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function NotPermitted({ page, role }: { page: PageDef | undefined; role: string }) {
  return (
    <>
      <h1 id="page-title" tabIndex={-1}>
        {page ? page.title : 'Nothing to show'}
      </h1>
      <div className="empty">
        <p className="empty-title">
          {page
            ? `The ${humanize(role)} role cannot see this page.`
            : `The ${humanize(role)} role cannot see any page of the dashboard.`}
        </p>
        <p>
          {page ? `It needs ${page.permissions.join(', ')}. ` : ''}Ask an administrator for a key with a role
          that has these permissions.
        </p>
      </div>
    </>
  );
}
