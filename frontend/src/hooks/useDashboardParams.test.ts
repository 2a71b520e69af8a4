import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  CLEARED_FILTERS,
  DEFAULT_PARAMS,
  effectiveOwner,
  effectiveScope,
  parseParams,
  serializeParams,
  type DashboardParams,
} from './useDashboardParams';

describe('dashboard URL params', () => {
  it('parses a shared view', () => {
    expect(
      parseParams('?sort=lastActivity&minScore=40&owner=u123&page=2&limit=50&q=Ac%C3%A9me&scope=everyone&status=contacted&noActivity=1&stale=1&staleDays=14&movedUp=7'),
    ).toEqual({
      sort: 'lastActivity',
      minScore: 40,
      owner: 'u123',
      page: 2,
      limit: 50,
      q: 'Acéme',
      scope: 'everyone',
      status: 'CONTACTED',
      noActivity: true,
      stale: true,
      staleDays: 14,
      movedUp: 7,
    });
  });

  it('falls back to defaults for invalid values', () => {
    expect(
      parseParams('?sort=bogus&minScore=140&page=-3&limit=7&owner=&q=%20%20&scope=all&status=won&noActivity=yes&stale=0&staleDays=1.5'),
    ).toEqual(DEFAULT_PARAMS);
    expect(parseParams('?staleDays=0')).toEqual(DEFAULT_PARAMS);
    expect(parseParams('')).toEqual(DEFAULT_PARAMS);
  });

  it('caps the search at 200 characters', () => {
    expect(parseParams(`?q=${'x'.repeat(250)}`).q).toHaveLength(200);
  });

  it('omits defaults and keeps unrelated params', () => {
    expect(serializeParams(DEFAULT_PARAMS)).toBe('');
    expect(serializeParams({ ...DEFAULT_PARAMS, sort: 'lastActivity', page: 3, limit: 100 }, '?x=1')).toBe(
      '?x=1&sort=lastActivity&page=3&limit=100',
    );
    expect(serializeParams({ ...DEFAULT_PARAMS, q: 'acme', status: 'QUALIFIED', scope: 'mine' })).toBe(
      '?q=acme&scope=mine&status=qualified',
    );
  });

  it('round-trips', () => {
    const p: DashboardParams = {
      sort: 'score',
      minScore: 12.5,
      owner: 'u 1&2',
      page: 4,
      limit: 200,
      q: 'josé & co',
      scope: 'everyone',
      status: 'DISQUALIFIED',
      noActivity: true,
      stale: true,
      staleDays: 90,
      movedUp: 14,
    };
    expect(parseParams(serializeParams(p))).toEqual(p);
  });

  it('defaults the scope by role: reps to their own leads, others to everyone', () => {
    const rep = { userId: 'u1', role: 'rep' };
    const manager = { userId: 'm1', role: 'manager' };
    const admin = { userId: 'a1', role: 'ADMIN' };
    expect(effectiveScope(DEFAULT_PARAMS, rep)).toBe('mine');
    expect(effectiveScope(DEFAULT_PARAMS, manager)).toBe('everyone');
    expect(effectiveScope(DEFAULT_PARAMS, admin)).toBe('everyone');
    expect(effectiveScope({ scope: 'everyone', owner: null }, rep)).toBe('everyone');
    expect(effectiveScope({ scope: 'mine', owner: null }, admin)).toBe('mine');
    // A link naming an owner shows that owner's leads, whoever opens it.
    expect(effectiveScope({ scope: null, owner: 'u2' }, rep)).toBe('everyone');
    expect(effectiveOwner(DEFAULT_PARAMS, rep)).toBe('u1');
    expect(effectiveOwner(DEFAULT_PARAMS, manager)).toBeNull();
  });

  it('counts the active filters, the stale threshold included, but not the view settings', () => {
    expect(activeFilterCount(DEFAULT_PARAMS)).toBe(0);
    expect(activeFilterCount(parseParams('?scope=everyone&sort=lastActivity&limit=100&page=3'))).toBe(0);
    expect(activeFilterCount(parseParams('?q=acme&status=new&staleDays=14'))).toBe(3);
    expect(activeFilterCount(parseParams('?q=acme&owner=u1&status=new&minScore=40&noActivity=1&stale=1&staleDays=14&movedUp=7'))).toBe(8);
    // Clearing resets every one of them.
    expect(activeFilterCount({ ...parseParams('?q=acme&owner=u1&staleDays=14&movedUp=7'), ...CLEARED_FILTERS })).toBe(0);
  });
});
