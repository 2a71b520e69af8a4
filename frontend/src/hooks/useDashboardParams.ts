import { useMemo } from 'react';
import type { LeadSort, LeadStatus } from '../gql/graphql';
import { setLocationSearch, useLocationSearch } from './usePath';

/**
 * Dashboard view state lives in the URL query string so that a view can be shared and
 * survives a reload, e.g.
 *   ?q=acme&scope=everyone&owner=u123&status=contacted&minScore=40&noActivity=1&stale=1&staleDays=14
 *    &sort=lastActivity&page=2&limit=100
 * Default values are omitted from the URL. `scope` is written only once the user picks
 * "Mine" or "Everyone": without it a rep lands on their own leads, managers and admins on
 * everyone's (a link naming an `owner` lands on that owner's leads).
 */
export type SortKey = 'score' | 'lastActivity';
export type Scope = 'mine' | 'everyone';
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const LEAD_STATUSES: readonly LeadStatus[] = ['NEW', 'CONTACTED', 'QUALIFIED', 'DISQUALIFIED'];
export const SEARCH_MAX_LENGTH = 200;
export const DEFAULT_STALE_DAYS = 30;
export const MAX_STALE_DAYS = 3650;

export interface DashboardParams {
  sort: SortKey;
  minScore: number | null;
  owner: string | null;
  page: number;
  limit: PageSize;
  /** Search text (name, email, company); '' when none. */
  q: string;
  /** null: the role's default. */
  scope: Scope | null;
  status: LeadStatus | null;
  noActivity: boolean;
  /** Filter to leads whose last activity is older than `staleDays` (or never). */
  stale: boolean;
  staleDays: number;
  /** Only leads that crossed into a higher tier in the last N days (null: no such filter). */
  movedUp: number | null;
}

export const DEFAULT_PARAMS: DashboardParams = {
  sort: 'score',
  minScore: null,
  owner: null,
  page: 1,
  limit: 50,
  q: '',
  scope: null,
  status: null,
  noActivity: false,
  stale: false,
  staleDays: DEFAULT_STALE_DAYS,
  movedUp: null,
};

export const MOVED_UP_DAYS = [7, 14, 30] as const;

/**
 * What "Clear filters" sets: every filter of the panel and the data-quality chips back to its
 * default, the stale threshold included. The scope, the sort and the page size are view
 * settings, kept (they sit outside the filter panel).
 */
export const CLEARED_FILTERS = {
  minScore: null,
  owner: null,
  q: '',
  status: null,
  noActivity: false,
  stale: false,
  staleDays: DEFAULT_STALE_DAYS,
  movedUp: null,
} as const satisfies Partial<DashboardParams>;

/** How many filters differ from their defaults: what "Clear filters" would reset. */
export function activeFilterCount(p: DashboardParams): number {
  const keys = Object.keys(CLEARED_FILTERS) as (keyof typeof CLEARED_FILTERS)[];
  return keys.filter((k) => p[k] !== CLEARED_FILTERS[k]).length;
}

export const SORT_TO_API: Record<SortKey, LeadSort> = {
  score: 'SCORE_DESC',
  lastActivity: 'LAST_ACTIVITY_DESC',
};

/** Who is looking: decides what "Mine" means and the default scope. */
export interface Viewer {
  userId: string;
  role: string;
}

/** The scope in force: the URL's, else everyone when an owner is named, else by role. */
export function effectiveScope(p: Pick<DashboardParams, 'scope' | 'owner'>, viewer: Viewer | null): Scope {
  if (p.scope) return p.scope;
  if (p.owner !== null) return 'everyone';
  return viewer?.role.toLowerCase() === 'rep' ? 'mine' : 'everyone';
}

/** The owner the view is restricted to, if any. */
export function effectiveOwner(p: Pick<DashboardParams, 'scope' | 'owner'>, viewer: Viewer | null): string | null {
  return effectiveScope(p, viewer) === 'mine' ? (viewer?.userId ?? null) : p.owner;
}

function parseNumber(raw: string | null, min: number, max: number): number | null {
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

export function parseParams(query: string): DashboardParams {
  const q = new URLSearchParams(query);
  const sort: SortKey = q.get('sort') === 'lastActivity' ? 'lastActivity' : 'score';
  const minScore = parseNumber(q.get('minScore'), 0, 100);
  const ownerRaw = q.get('owner');
  const owner = ownerRaw && ownerRaw.trim() !== '' ? ownerRaw : null;

  const pageNum = Number(q.get('page'));
  const page = Number.isInteger(pageNum) && pageNum >= 1 ? pageNum : 1;
  const limitNum = Number(q.get('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(limitNum) ? (limitNum as PageSize) : DEFAULT_PARAMS.limit;

  const search = (q.get('q') ?? '').slice(0, SEARCH_MAX_LENGTH);
  const scopeRaw = q.get('scope');
  const scope: Scope | null = scopeRaw === 'mine' || scopeRaw === 'everyone' ? scopeRaw : null;
  const statusRaw = (q.get('status') ?? '').toUpperCase();
  const status = (LEAD_STATUSES as readonly string[]).includes(statusRaw) ? (statusRaw as LeadStatus) : null;
  const days = parseNumber(q.get('staleDays'), 1, MAX_STALE_DAYS);
  const staleDays = days !== null && Number.isInteger(days) ? days : DEFAULT_STALE_DAYS;

  return {
    sort,
    minScore,
    owner,
    page,
    limit,
    q: search.trim() === '' ? '' : search,
    scope,
    status,
    noActivity: q.get('noActivity') === '1',
    stale: q.get('stale') === '1',
    staleDays,
    movedUp: MOVED_UP_DAYS.find((d) => String(d) === q.get('movedUp')) ?? null,
  };
}

export function serializeParams(p: DashboardParams, base?: string): string {
  // Keep unrelated parameters that may already be in the URL.
  const q = new URLSearchParams(base);
  const set = (key: string, value: string | null) => (value === null ? q.delete(key) : q.set(key, value));
  set('q', p.q === '' ? null : p.q);
  set('scope', p.scope);
  set('owner', p.owner);
  set('status', p.status === null ? null : p.status.toLowerCase());
  set('minScore', p.minScore === null ? null : String(p.minScore));
  set('noActivity', p.noActivity ? '1' : null);
  set('stale', p.stale ? '1' : null);
  set('staleDays', p.staleDays === DEFAULT_STALE_DAYS ? null : String(p.staleDays));
  set('movedUp', p.movedUp === null ? null : String(p.movedUp));
  set('sort', p.sort === DEFAULT_PARAMS.sort ? null : p.sort);
  set('page', p.page === 1 ? null : String(p.page));
  set('limit', p.limit === DEFAULT_PARAMS.limit ? null : String(p.limit));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface UpdateOptions {
  /** replaceState instead of pushState (e.g. while typing). */
  replace?: boolean;
}

const FILTER_KEYS: (keyof DashboardParams)[] = [
  'minScore',
  'owner',
  'sort',
  'limit',
  'q',
  'scope',
  'status',
  'noActivity',
  'stale',
  'staleDays',
  'movedUp',
];

export type UpdateParams = (patch: Partial<DashboardParams>, opts?: UpdateOptions) => void;

/**
 * Returns the params of the current URL and an updater. The URL is the one source of truth
 * (read with useLocationSearch, like every screen): in-app links, back/forward and the
 * updater all show at once. Changing a filter, the scope, the sort or the page size resets
 * the page to 1 unless the same update sets `page` explicitly.
 */
export function useDashboardParams(): [DashboardParams, UpdateParams] {
  // Keyed by the canonical form: equal params keep one object (e.g. `?page=1` and ``).
  const canonical = serializeParams(parseParams(useLocationSearch()));
  const params = useMemo(() => parseParams(canonical), [canonical]);
  return [params, _updateParams];
}

function _updateParams(patch: Partial<DashboardParams>, opts: UpdateOptions = {}): void {
  const current = parseParams(window.location.search);
  const next: DashboardParams = { ...current, ...patch };
  const filterChanged = FILTER_KEYS.some((k) => k in patch && patch[k] !== current[k]);
  if (filterChanged && !('page' in patch)) next.page = 1;
  const search = serializeParams(next, window.location.search);
  if (search !== window.location.search) setLocationSearch(search, opts);
}
