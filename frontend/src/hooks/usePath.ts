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

/** Pushes a new path (keeping no query string: each screen has its own). */
export function navigate(path: string): void {
  if (window.location.pathname === path && window.location.search === '') return;
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function isAdmin(role: string): boolean {
  return role.toLowerCase() === 'admin';
}
