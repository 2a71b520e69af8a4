import { useSyncExternalStore } from 'react';

/** In-app navigation: the API serves index.html for every path (history fallback). */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The current path, e.g. "/" or "/admin"; re-renders on navigate() and back/forward. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Pushes a new path (keeping no query string: each screen has its own; `path` may carry one). */
export function navigate(path: string): void {
  if (window.location.pathname === path && window.location.search === '') return;
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

/**
 * The current query string ("?tab=audit&action=login", or ''); re-renders on
 * setLocationSearch(), navigate() and back/forward: a screen whose state lives in the URL
 * always shows the URL's.
 */
export function useLocationSearch(): string {
  // The hash too: a link may name a tab there (`/admin#keys`), and setLocationSearch() drops it.
  useSyncExternalStore(subscribe, () => `${window.location.search}${window.location.hash}`);
  return window.location.search;
}

/** Writes the query string of the current path (pushState, or replaceState), dropping any hash. */
export function setLocationSearch(query: string, { replace = false }: { replace?: boolean } = {}): void {
  const search = query && !query.startsWith('?') ? `?${query}` : query;
  if (search === window.location.search && window.location.hash === '') return;
  const url = `${window.location.pathname}${search}`;
  if (replace) window.history.replaceState(window.history.state, '', url);
  else window.history.pushState(window.history.state, '', url);
  listeners.forEach((l) => l());
}

export function isAdmin(role: string): boolean {
  return role.toLowerCase() === 'admin';
}
