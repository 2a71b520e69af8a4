import { useCallback, useEffect, useState } from 'react';
import type { LeadSort } from '../gql/graphql';

/**
 * Dashboard view state lives in the URL query string so that a view can be
 * shared and survives a reload, e.g. ?sort=lastActivity&minScore=40&owner=u123&page=2&limit=50.
 * Default values are omitted from the URL.
 */
export type SortKey = 'score' | 'lastActivity';
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export interface DashboardParams {
  sort: SortKey;
  minScore: number | null;
  owner: string | null;
  page: number;
  limit: PageSize;
}

export const DEFAULT_PARAMS: DashboardParams = {
  sort: 'score',
  minScore: null,
  owner: null,
  page: 1,
  limit: 50,
};

export const SORT_TO_API: Record<SortKey, LeadSort> = {
  score: 'SCORE_DESC',
  lastActivity: 'LAST_ACTIVITY_DESC',
};

export function parseParams(search: string): DashboardParams {
  const q = new URLSearchParams(search);
  const sort: SortKey = q.get('sort') === 'lastActivity' ? 'lastActivity' : 'score';

  let minScore: number | null = null;
  const ms = q.get('minScore');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0 && n <= 100) minScore = n;
  }

  const ownerRaw = q.get('owner');
  const owner = ownerRaw && ownerRaw.trim() !== '' ? ownerRaw : null;

  const pageNum = Number(q.get('page'));
  const page = Number.isInteger(pageNum) && pageNum >= 1 ? pageNum : 1;

  const limitNum = Number(q.get('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(limitNum) ? (limitNum as PageSize) : DEFAULT_PARAMS.limit;

  return { sort, minScore, owner, page, limit };
}

export function serializeParams(p: DashboardParams, base?: string): string {
  // Keep unrelated parameters that may already be in the URL.
  const q = new URLSearchParams(base);
  const set = (key: string, value: string | null) => (value === null ? q.delete(key) : q.set(key, value));
  set('sort', p.sort === DEFAULT_PARAMS.sort ? null : p.sort);
  set('minScore', p.minScore === null ? null : String(p.minScore));
  set('owner', p.owner);
  set('page', p.page === 1 ? null : String(p.page));
  set('limit', p.limit === DEFAULT_PARAMS.limit ? null : String(p.limit));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface UpdateOptions {
  /** replaceState instead of pushState (e.g. while typing). */
  replace?: boolean;
}

const FILTER_KEYS: (keyof DashboardParams)[] = ['minScore', 'owner', 'sort', 'limit'];

/**
 * Returns the current params and an updater. Changing a filter, the sort or the
 * page size resets the page to 1 unless the same update sets `page` explicitly.
 */
export function useDashboardParams(): [DashboardParams, (patch: Partial<DashboardParams>, opts?: UpdateOptions) => void] {
  const [params, setParams] = useState<DashboardParams>(() => parseParams(window.location.search));

  useEffect(() => {
    const onPop = () => setParams(parseParams(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const update = useCallback((patch: Partial<DashboardParams>, opts: UpdateOptions = {}) => {
    const current = parseParams(window.location.search);
    const next: DashboardParams = { ...current, ...patch };
    const filterChanged = FILTER_KEYS.some((k) => k in patch && patch[k] !== current[k]);
    if (filterChanged && !('page' in patch)) next.page = 1;
    const search = serializeParams(next, window.location.search);
    if (search !== window.location.search) {
      const url = `${window.location.pathname}${search}${window.location.hash}`;
      if (opts.replace) window.history.replaceState(window.history.state, '', url);
      else window.history.pushState(window.history.state, '', url);
    }
    setParams(next);
  }, []);

  return [params, update];
}
