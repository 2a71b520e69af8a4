import { describe, expect, it } from 'vitest';
import { makeLead } from '../test/fakeApi';
import { AUTO_REFRESH_MS, STALE_REFRESH_MS, answers, filterFromParams, viewRefreshInterval, viewVariables, type ViewData } from './hooks';
import { DEFAULT_PARAMS } from '../hooks/useDashboardParams';

const REP = { userId: 'u1', role: 'rep' };
const MANAGER = { userId: 'm1', role: 'MANAGER' };

const view = (stale: boolean) =>
  ({
    fetchedAt: 0,
    vars: viewVariables(DEFAULT_PARAMS, MANAGER),
    data: {
      leads: { totalCount: 1, page: 1, limit: 50, hasNextPage: false, refreshed: false, items: [makeLead(0, { stale })] },
    },
  }) as unknown as ViewData;

describe('dashboard view helpers', () => {
  it('auto-refreshes every 60 s, sooner while scores are stale', () => {
    expect(viewRefreshInterval(undefined)).toBe(AUTO_REFRESH_MS);
    expect(AUTO_REFRESH_MS).toBe(60_000);
    expect(viewRefreshInterval(view(false))).toBe(AUTO_REFRESH_MS);
    expect(viewRefreshInterval(view(true))).toBe(STALE_REFRESH_MS);
  });

  it('maps URL params to GraphQL variables', () => {
    expect(viewVariables(DEFAULT_PARAMS, MANAGER)).toEqual({ filter: null, sort: 'SCORE_DESC', page: 1, limit: 50, staleDays: 30 });
    expect(
      viewVariables(
        { ...DEFAULT_PARAMS, sort: 'lastActivity', minScore: 40, owner: 'u2', page: 3, limit: 200, q: ' acme ', status: 'QUALIFIED', noActivity: true, stale: true, staleDays: 14 },
        MANAGER,
      ),
    ).toEqual({
      filter: { minScore: 40, ownerId: 'u2', search: 'acme', status: 'QUALIFIED', noActivity: true, staleDays: 14 },
      sort: 'LAST_ACTIVITY_DESC',
      page: 3,
      limit: 200,
      staleDays: 14,
    });
    expect(filterFromParams({ ...DEFAULT_PARAMS, minScore: 0 }, MANAGER)).toEqual({ minScore: 0 });
    expect(filterFromParams({ ...DEFAULT_PARAMS, movedUp: 7 }, MANAGER)).toEqual({ movedUpDays: 7 });
  });

  it('restricts a rep to their own leads unless they choose everyone', () => {
    expect(filterFromParams(DEFAULT_PARAMS, REP)).toEqual({ ownerId: 'u1' });
    expect(filterFromParams({ ...DEFAULT_PARAMS, scope: 'everyone' }, REP)).toBeNull();
    expect(filterFromParams({ ...DEFAULT_PARAMS, owner: 'u2' }, REP)).toEqual({ ownerId: 'u2' });
    expect(filterFromParams({ ...DEFAULT_PARAMS, scope: 'mine' }, MANAGER)).toEqual({ ownerId: 'm1' });
    expect(filterFromParams({ ...DEFAULT_PARAMS, scope: 'mine', owner: 'u2' }, MANAGER)).toEqual({ ownerId: 'm1' });
  });

  it('tells the current view from a previous one kept on screen', () => {
    const v = view(false);
    expect(answers(v, viewVariables(DEFAULT_PARAMS, MANAGER))).toBe(true);
    expect(answers(v, viewVariables({ ...DEFAULT_PARAMS, page: 2 }, MANAGER))).toBe(false);
    expect(answers(undefined, v.vars)).toBe(false);
  });
});
