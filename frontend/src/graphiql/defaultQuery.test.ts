import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from './defaultQuery';

describe('the explorer’s default query', () => {
  it('says queries run with the dashboard session, with one line for scripts and no curl recipe', () => {
    expect(DEFAULT_QUERY).toContain('# dashboard in this browser');
    expect(Math.max(...DEFAULT_QUERY.split('\n').map((line) => line.length))).toBeLessThanOrEqual(56);
    expect(DEFAULT_QUERY.match(/^# Scripts:.*Authorization: Bearer/gm)).toHaveLength(1);
    expect(DEFAULT_QUERY).not.toMatch(/curl|"password"/);
  });

  it('is a query the explorer can run as it is', () => {
    expect(() => parse(DEFAULT_QUERY)).not.toThrow();
    expect(DEFAULT_QUERY).toContain('me {');
  });
});
