import { endExpiredSession, getAccessToken, refreshSession } from '../auth/session';
import type { LeadFilter, LeadSort } from '../gql/graphql';

/** REST sort names for the GraphQL ones. */
const REST_SORT: Record<LeadSort, string> = {
  SCORE_DESC: 'score:desc',
  LAST_ACTIVITY_DESC: 'lastActivityAt:desc',
};

/**
 * `GET /leads/scoring?format=csv&…` for the view's filter and sort: the server streams every
 * page of it, so no page or limit is sent.
 */
export function exportUrl(filter: LeadFilter | null, sort: LeadSort): string {
  const q = new URLSearchParams({ format: 'csv', sort: REST_SORT[sort] });
  if (filter?.search) q.set('search', filter.search);
  if (filter?.ownerId) q.set('ownerId', filter.ownerId);
  if (filter?.status) q.set('status', filter.status.toLowerCase());
  if (filter?.minScore != null) q.set('minScore', String(filter.minScore));
  if (filter?.priority) q.set('priority', filter.priority.toLowerCase());
  if (filter?.noActivity) q.set('noActivity', 'true');
  if (filter?.staleDays != null) q.set('staleDays', String(filter.staleDays));
  if (filter?.movedUpDays != null) q.set('movedUpDays', String(filter.movedUpDays));
  return `/leads/scoring?${q.toString()}`;
}

/** `leads-YYYY-MM-DD.csv` for the local date. */
export function exportFileName(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `leads-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.csv`;
}

export class ExportError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ExportError';
    this.status = status;
  }
}

function get(url: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'text/csv' };
  const token = getAccessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(url, { method: 'GET', credentials: 'same-origin', headers });
}

async function messageFor(res: Response): Promise<string> {
  if (res.status === 429) {
    const wait = Number(res.headers.get('Retry-After'));
    return `Too many requests — try again in ${Number.isFinite(wait) && wait > 0 ? `${wait} s` : 'a moment'}.`;
  }
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body?.error?.message) return body.error.message;
  } catch {
    /* not JSON */
  }
  return `The export failed (HTTP ${res.status}).`;
}

/** Fetches the CSV with the bearer token (one refresh-and-retry on 401). */
export async function fetchCsv(url: string): Promise<Blob> {
  let res: Response;
  try {
    res = await get(url);
    if (res.status === 401) {
      if (!(await refreshSession())) {
        endExpiredSession(await messageFor(res));
        throw new ExportError('Your session has expired.', 401);
      }
      res = await get(url);
    }
  } catch (err) {
    if (err instanceof ExportError) throw err;
    throw new ExportError('Cannot reach the server. Check your connection and retry.', 0);
  }
  if (!res.ok) throw new ExportError(await messageFor(res), res.status);
  return res.blob();
}

/** Hands a Blob to the browser as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 0);
}
