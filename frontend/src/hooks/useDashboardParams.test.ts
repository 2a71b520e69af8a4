import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, parseParams, serializeParams } from './useDashboardParams';

describe('dashboard URL params', () => {
  it('parses a shared view', () => {
    expect(parseParams('?sort=lastActivity&minScore=40&owner=u123&page=2&limit=50')).toEqual({
      sort: 'lastActivity',
      minScore: 40,
      owner: 'u123',
      page: 2,
      limit: 50,
    });
  });

  it('falls back to defaults for invalid values', () => {
    expect(parseParams('?sort=bogus&minScore=140&page=-3&limit=7&owner=')).toEqual(DEFAULT_PARAMS);
    expect(parseParams('')).toEqual(DEFAULT_PARAMS);
  });

  it('omits defaults and keeps unrelated params', () => {
    expect(serializeParams(DEFAULT_PARAMS)).toBe('');
    expect(serializeParams({ ...DEFAULT_PARAMS, sort: 'lastActivity', page: 3, limit: 100 }, '?x=1')).toBe(
      '?x=1&sort=lastActivity&page=3&limit=100',
    );
  });

  it('round-trips', () => {
    const p = { sort: 'score', minScore: 12.5, owner: 'u 1&2', page: 4, limit: 200 } as const;
    expect(parseParams(serializeParams(p))).toEqual(p);
  });
});
