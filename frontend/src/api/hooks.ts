import { useCallback } from 'react';
import useSWR, { useSWRConfig, type SWRConfiguration } from 'swr';
import { gqlRequest } from './client';
import { DASHBOARD_VIEW_QUERY, LEAD_DETAIL_QUERY, ME_QUERY, SET_LEAD_STATUS_MUTATION } from './operations';
import type {
  DashboardViewQuery,
  DashboardViewQueryVariables,
  LeadDetailQuery,
  LeadDetailQueryVariables,
  LeadFilter,
  LeadStatus,
  MeQuery,
  SetLeadStatusMutation,
  SetLeadStatusMutationVariables,
} from '../gql/graphql';
import {
  SORT_TO_API,
  effectiveOwner,
  type DashboardParams,
  type Viewer,
} from '../hooks/useDashboardParams';

/** Auto-refresh period for the dashboard view (one request). */
export const AUTO_REFRESH_MS = 60_000;
/** While the page shows stale scores (being recomputed in the background), poll sooner. */
export const STALE_REFRESH_MS = 5_000;
/** SWR cache key of the signed-in user (filled by the first view request, or by `Me` elsewhere). */
export const ME_KEY = 'Me';
export const VIEW_KEY = 'DashboardView';

export type Me = NonNullable<DashboardViewQuery['me']>;

export interface Timed<T> {
  data: T;
  fetchedAt: number;
}

/** A view response and the variables it answers (the previous view stays shown while the next loads). */
export interface ViewData extends Timed<DashboardViewQuery> {
  vars: ViewVariables;
}
export type ViewVariables = Omit<DashboardViewQueryVariables, 'refresh' | 'withMe'>;
export type ViewLead = DashboardViewQuery['leads']['items'][number];

export function viewRefreshInterval(latest: ViewData | undefined): number {
  return latest?.data.leads.items.some((i) => i.stale) ? STALE_REFRESH_MS : AUTO_REFRESH_MS;
}

/** The GraphQL filter for the view; null when nothing restricts it. */
export function filterFromParams(p: DashboardParams, viewer: Viewer | null): LeadFilter | null {
  const f: LeadFilter = {};
  if (p.minScore !== null) f.minScore = p.minScore;
  const owner = effectiveOwner(p, viewer);
  if (owner !== null) f.ownerId = owner;
  const search = p.q.trim();
  if (search !== '') f.search = search;
  if (p.status !== null) f.status = p.status;
  if (p.noActivity) f.noActivity = true;
  if (p.stale) f.staleDays = p.staleDays;
  if (p.movedUp !== null) f.movedUpDays = p.movedUp;
  return Object.keys(f).length === 0 ? null : f;
}

export function viewVariables(p: DashboardParams, viewer: Viewer | null): ViewVariables {
  return {
    filter: filterFromParams(p, viewer),
    sort: SORT_TO_API[p.sort],
    page: p.page,
    limit: p.limit,
    staleDays: p.staleDays,
  };
}

export async function fetchView(vars: ViewVariables, opts: { refresh?: boolean; withMe?: boolean } = {}): Promise<ViewData> {
  const data = await gqlRequest<DashboardViewQuery, DashboardViewQueryVariables>(DASHBOARD_VIEW_QUERY, {
    ...vars,
    refresh: opts.refresh ?? false,
    withMe: opts.withMe ?? false,
  });
  return { data, fetchedAt: Date.now(), vars };
}

/** True when `view` answers exactly `vars` (not a previous view kept on screen). */
export function answers(view: ViewData | undefined, vars: ViewVariables): boolean {
  return !!view && JSON.stringify(view.vars) === JSON.stringify(vars);
}

const baseOptions: SWRConfiguration = {
  revalidateOnFocus: false,
  shouldRetryOnError: (err: unknown) =>
    !(
      err &&
      typeof err === 'object' &&
      'code' in err &&
      ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'RATE_LIMITED'].includes(String((err as { code?: string }).code))
    ),
  errorRetryCount: 2,
};

/**
 * The whole dashboard view in one request, re-sent every 60 s. The previous view stays on
 * screen while the next one loads; `me` is asked for only until it is in the cache.
 */
export function useDashboardView(vars: ViewVariables) {
  const { cache, mutate } = useSWRConfig();
  const fetcher = useCallback(
    async ([, v]: [string, ViewVariables]) => {
      const withMe = cache.get(ME_KEY)?.data === undefined;
      const result = await fetchView(v, { withMe });
      if (result.data.me) void mutate(ME_KEY, result.data.me, { revalidate: false });
      return result;
    },
    [cache, mutate],
  );
  return useSWR<ViewData>([VIEW_KEY, vars], fetcher, {
    ...baseOptions,
    keepPreviousData: true,
    revalidateOnReconnect: false,
    refreshInterval: viewRefreshInterval,
  });
}

const fetchMe = () => gqlRequest<MeQuery>(ME_QUERY).then((d) => d.me);

/**
 * The signed-in user from the cache, where the dashboard's view request puts it. With
 * `fetchIfMissing` (a page without that request) it is asked for once (`Me`) when not there yet.
 */
export function useMe(fetchIfMissing = false) {
  const me = useSWR<Me>(ME_KEY, null, { revalidateOnMount: false, revalidateIfStale: false });
  // A key that appears on arriving at such a page: fetched then, unless the cache has it.
  useSWR<Me>(fetchIfMissing ? ME_KEY : null, fetchMe, {
    ...baseOptions,
    revalidateIfStale: false,
    revalidateOnReconnect: false,
  });
  return me;
}

export function useLeadDetail(leadId: string | null) {
  return useSWR<LeadDetailQuery>(
    leadId ? ['LeadDetail', leadId] : null,
    ([, id]: [string, string]) => gqlRequest<LeadDetailQuery, LeadDetailQueryVariables>(LEAD_DETAIL_QUERY, { leadId: id }),
    baseOptions,
  );
}

type StatusFields = SetLeadStatusMutation['setLeadStatus'];

function patchItems(view: ViewData | undefined, s: StatusFields): ViewData | undefined {
  if (!view || !view.data.leads.items.some((l) => l.leadId === s.leadId)) return view;
  const items = view.data.leads.items.map((l) =>
    l.leadId === s.leadId ? { ...l, status: s.status, statusSetAt: s.statusSetAt, statusSetBy: s.statusSetBy } : l,
  );
  return { ...view, data: { ...view.data, leads: { ...view.data.leads, items } } };
}

/**
 * Sets a lead's status (one mutation) and patches every cached view and the lead's detail
 * with the answer, without refetching.
 */
export function useSetLeadStatus() {
  const { mutate } = useSWRConfig();
  return useCallback(
    async (leadId: string, status: LeadStatus): Promise<StatusFields> => {
      const res = await gqlRequest<SetLeadStatusMutation, SetLeadStatusMutationVariables>(SET_LEAD_STATUS_MUTATION, {
        leadId,
        status,
      });
      const s = res.setLeadStatus;
      await mutate(
        (key) => Array.isArray(key) && key[0] === VIEW_KEY,
        (view: ViewData | undefined) => patchItems(view, s),
        { revalidate: false },
      );
      await mutate(
        ['LeadDetail', leadId],
        (d: LeadDetailQuery | undefined) =>
          d?.lead ? { ...d, lead: { ...d.lead, status: s.status, statusSetAt: s.statusSetAt, statusSetBy: s.statusSetBy } } : d,
        { revalidate: false },
      );
      return s;
    },
    [mutate],
  );
}
