import { useSyncExternalStore } from 'react';

/** Whether the explorer's Headers editor holds an Authorization header (it wins over the session). */
let typed = false;
const listeners = new Set<() => void>();

/** True when the Headers editor's text (JSON) names a non-empty Authorization header. */
export function namesAuthorization(headersText: string): boolean {
  try {
    const headers = JSON.parse(headersText || '{}') as unknown;
    if (!headers || typeof headers !== 'object') return false;
    return Object.entries(headers).some(([k, v]) => k.toLowerCase() === 'authorization' && String(v ?? '').trim() !== '');
  } catch {
    // half-typed JSON: judge by the text
    return /"authorization"\s*:\s*"\s*[^"\s]/i.test(headersText);
  }
}

/** Called with the Headers editor's text on every edit. */
export function setHeadersText(headersText: string): void {
  const next = namesAuthorization(headersText);
  if (next === typed) return;
  typed = next;
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTypedAuthorization(): boolean {
  return useSyncExternalStore(subscribe, () => typed);
}
