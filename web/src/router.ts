import { useEffect, useState } from 'react';

/** The place in the app: `#/inventory?part=SP-1` → { page: 'inventory', params: { part: 'SP-1' } }. */
export interface Route {
  page: string;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const [path = '', qs = ''] = hash.replace(/^#\/?/, '').split('?');
  return { page: path.split('/')[0] ?? '', params: new URLSearchParams(qs) };
}

export function hrefFor(page: string, params: Record<string, string> = {}): string {
  const qs = new URLSearchParams(params).toString();
  return `#/${page}${qs ? `?${qs}` : ''}`;
}

/** A tiny hash router: the hub serves one index.html, and the hash never reaches it. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(page: string, params: Record<string, string> = {}): void {
  window.location.hash = hrefFor(page, params);
}

/** Rewrites the current page's query without adding a history entry (search boxes, filters). */
export function replaceParams(page: string, params: Record<string, string>): void {
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
  window.history.replaceState(null, '', hrefFor(page, clean));
}
