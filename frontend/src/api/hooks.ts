import useSWR, { type SWRConfiguration } from 'swr';
import { gqlRequest } from './client';
import {
  LEADS_QUERY,
  LEAD_DETAIL_QUERY,
  ME_QUERY,
  OWNERS_QUERY,
  SCORE_DISTRIBUTION_QUERY,
} from './operations';
import type {
  LeadDetailQuery,
  LeadDetailQueryVariables,
  LeadFilter,
  LeadsQuery,
  LeadsQueryVariables,
  MeQuery,
  OwnersQuery,
  ScoreDistributionQuery,
  ScoreDistributionQueryVariables,
} from '../gql/graphql';
import { SORT_TO_API, type DashboardParams } from '../hooks/useDashboardParams';

/** Auto-refresh period for the leads table and the distribution chart. */
export const AUTO_REFRESH_MS = 60_000;
/** While the page shows stale scores (being recomputed in the background), poll sooner. */
export const STALE_REFRESH_MS = 5_000;

export function leadsRefreshInterval(latest: Timed<LeadsQuery> | undefined): number {
  return latest?.data.leads.items.some((i) => i.stale) ? STALE_REFRESH_MS : AUTO_REFRESH_MS;
}

export interface Timed<T> {
  data: T;
  fetchedAt: number;
}

export type LeadsVariables = Omit<LeadsQueryVariables, 'refresh'>;

export function filterFromParams(p: Pick<DashboardParams, 'minScore' | 'owner'>): LeadFilter | null {
  if (p.minScore === null && p.owner === null) return null;
  return { minScore: p.minScore, ownerId: p.owner };
}

export function leadsVariables(p: DashboardParams): LeadsVariables {
  return {
    filter: filterFromParams(p),
    sort: SORT_TO_API[p.sort],
    page: p.page,
    limit: p.limit,
  };
}

export async function fetchLeads(vars: LeadsVariables, refresh = false): Promise<Timed<LeadsQuery>> {
  const data = await gqlRequest<LeadsQuery, LeadsQueryVariables>(LEADS_QUERY, { ...vars, refresh });
  return { data, fetchedAt: Date.now() };
}

const baseOptions: SWRConfiguration = {
  revalidateOnFocus: false,
  shouldRetryOnError: (err: unknown) =>
    !(err && typeof err === 'object' && 'code' in err && ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT'].includes(String((err as { code?: string }).code))),
  errorRetryCount: 2,
};

export function useLeads(vars: LeadsVariables) {
  return useSWR<Timed<LeadsQuery>>(['Leads', vars], ([, v]: [string, LeadsVariables]) => fetchLeads(v), {
    ...baseOptions,
    refreshInterval: leadsRefreshInterval,
  });
}

export function useOwners() {
  return useSWR<OwnersQuery>('Owners', () => gqlRequest<OwnersQuery>(OWNERS_QUERY), {
    ...baseOptions,
    revalidateIfStale: false,
  });
}

export function useMe() {
  return useSWR<MeQuery>('Me', () => gqlRequest<MeQuery>(ME_QUERY), {
    ...baseOptions,
    revalidateIfStale: false,
  });
}

export function useScoreDistribution(filter: LeadFilter | null) {
  return useSWR<ScoreDistributionQuery>(
    ['ScoreDistribution', filter],
    ([, f]: [string, LeadFilter | null]) =>
      gqlRequest<ScoreDistributionQuery, ScoreDistributionQueryVariables>(SCORE_DISTRIBUTION_QUERY, { filter: f }),
    { ...baseOptions, refreshInterval: AUTO_REFRESH_MS },
  );
}

export function useLeadDetail(leadId: string | null) {
  return useSWR<LeadDetailQuery>(
    leadId ? ['LeadDetail', leadId] : null,
    ([, id]: [string, string]) => gqlRequest<LeadDetailQuery, LeadDetailQueryVariables>(LEAD_DETAIL_QUERY, { leadId: id }),
    baseOptions,
  );
}
