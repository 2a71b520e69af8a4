import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { setUrl } from '../test/render';
import {
  activeFilterCount,
  CLEARED_FILTERS,
  DEFAULT_PARAMS,
  effectiveOwner,
  effectiveScope,
  parseParams,
  serializeParams,
  type DashboardParams,
  useDashboardParams,
} from './useDashboardParams';
import { navigate } from './usePath';

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

describe('useDashboardParams', () => {
  beforeEach(() => setUrl(''));

  const url = () => `${window.location.pathname}${window.location.search}`;

  it('follows an in-app link to the default view; Back restores the filters', async () => {
    setUrl('?q=acme&status=new&page=3');
    const { result } = renderHook(() => useDashboardParams());
    expect(result.current[0]).toMatchObject({ q: 'acme', status: 'NEW', page: 3 });

    // The header's "Leads" link.
    act(() => navigate('/'));
    expect(url()).toBe('/');
    expect(result.current[0]).toEqual(DEFAULT_PARAMS);

    // The next filter change starts from what the URL says, not from the filters left behind.
    act(() => result.current[1]({ minScore: 40 }));
    expect(url()).toBe('/?minScore=40');
    expect(result.current[0]).toEqual({ ...DEFAULT_PARAMS, minScore: 40 });

    act(() => window.history.back());
    await waitFor(() => expect(url()).toBe('/'));
    await waitFor(() => expect(result.current[0]).toEqual(DEFAULT_PARAMS));
    act(() => window.history.back());
    await waitFor(() => expect(result.current[0]).toMatchObject({ q: 'acme', status: 'NEW', page: 3 }));
    expect(url()).toBe('/?q=acme&status=new&page=3');
  });

  it('writes changes to the URL: defaults left out, a filter change back to page 1, replace while typing', () => {
    // A push ends the session history here (earlier tests went back): its length counts pushes.
    window.history.pushState(null, '', '/?x=1&page=4');
    const { result } = renderHook(() => useDashboardParams());
    const before = window.history.length;

    act(() => result.current[1]({ q: 'ac' }, { replace: true }));
    act(() => result.current[1]({ q: 'acme' }, { replace: true }));
    expect(url()).toBe('/?x=1&q=acme');
    expect(window.history.length).toBe(before);

    act(() => result.current[1]({ page: 2 }));
    expect(url()).toBe('/?x=1&q=acme&page=2');
    expect(window.history.length).toBe(before + 1);
    act(() => result.current[1]({ sort: 'score', limit: 50, page: 2 }));
    expect(window.history.length).toBe(before + 1);

    const params = result.current[0];
    expect(params).toEqual({ ...DEFAULT_PARAMS, q: 'acme', page: 2 });
    // A URL naming the same view keeps the same object (no new request key downstream).
    act(() => window.history.replaceState(null, '', '/?page=2&q=acme&limit=50&x=1'));
    act(() => navigate('/?x=1&q=acme&page=2'));
    expect(result.current[0]).toBe(params);
  });
});
