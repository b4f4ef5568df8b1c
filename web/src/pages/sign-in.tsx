import { useState, type FormEvent } from 'react';
import { request, storeKey, toApiError, type ApiError } from '../api';
import type { Me } from '../api-types';
import { ProblemMessage } from '../components/problem';

/**
 * Asks for an API key and checks it with GET /api/v1/me before keeping it. The key lives in
 * sessionStorage only: closing the tab signs out.
 */
export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return;
    setPending(true);
    setError(undefined);
    try {
      const me = await request<Me>('/api/v1/me', { key: trimmed });
      storeKey(trimmed);
      onSignedIn(me);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="signin-page">
      <header className="signin-brand">
        <svg width="36" height="36" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <rect width="16" height="16" rx="3" fill="#1e40af" />
          <path d="M4 8h8M8 4v8" stroke="white" strokeWidth="2" />
        </svg>
        <span>sparehub</span>
      </header>
      <main className="signin-card">
        <h1>Sign in</h1>
        <p className="lead">
          The dashboard of your service-parts hub. Enter an API key; what you see depends on its role.
        </p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="api-key">API key</label>
            <input
              id="api-key"
              name="api-key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="shk_…"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              aria-describedby="api-key-hint"
              required
            />
            <span className="hint" id="api-key-hint">
              An administrator creates keys with <code>sparehub apikey create --role ROLE</code>. The key
              stays in this browser tab only.
            </span>
          </div>
          {error && (
            <ProblemMessage
              error={error}
              context={error.status === 401 ? 'This key was not accepted' : 'Could not sign in'}
            />
          )}
          <button type="submit" className="button primary" disabled={pending || !key.trim()}>
            {pending ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
