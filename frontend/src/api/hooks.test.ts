import { describe, expect, it } from 'vitest';
import { makeLead } from '../test/fakeApi';
import { AUTO_REFRESH_MS, STALE_REFRESH_MS, filterFromParams, leadsRefreshInterval, leadsVariables } from './hooks';
import { DEFAULT_PARAMS } from '../hooks/useDashboardParams';

const page = (stale: boolean) => ({
  fetchedAt: 0,
  data: {
    leads: { totalCount: 1, page: 1, limit: 50, hasNextPage: false, refreshed: false, items: [makeLead(0, { stale })] },
  },
});

describe('leads query helpers', () => {
  it('auto-refreshes every 60 s, sooner while scores are stale', () => {
    expect(leadsRefreshInterval(undefined)).toBe(AUTO_REFRESH_MS);
    expect(AUTO_REFRESH_MS).toBe(60_000);
    expect(leadsRefreshInterval(page(false))).toBe(AUTO_REFRESH_MS);
    expect(leadsRefreshInterval(page(true))).toBe(STALE_REFRESH_MS);
  });

  it('maps URL params to GraphQL variables', () => {
    expect(leadsVariables(DEFAULT_PARAMS)).toEqual({ filter: null, sort: 'SCORE_DESC', page: 1, limit: 50 });
    expect(
      leadsVariables({ sort: 'lastActivity', minScore: 40, owner: 'u1', page: 3, limit: 200 }),
    ).toEqual({ filter: { minScore: 40, ownerId: 'u1' }, sort: 'LAST_ACTIVITY_DESC', page: 3, limit: 200 });
    expect(filterFromParams({ minScore: 0, owner: null })).toEqual({ minScore: 0, ownerId: null });
  });
});
