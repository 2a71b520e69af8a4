import { describe, expect, it } from 'vitest';
import {
  formatAgoShort,
  formatDecay,
  formatDuration,
  formatPercent,
  formatRelative,
  formatRole,
  formatScore,
  parseDate,
} from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59, '59 s'],
    [60, '1 min'],
    [480, '8 min'],
    [485, '8 min'],
    [3600, '1 h'],
    [3900, '1 h 5 min'],
    [7260, '2 h 1 min'],
    [-5, '0 s'],
  ])('%d s → %s', (s, out) => {
    expect(formatDuration(s)).toBe(out);
  });
  it('shows a dash without data', () => {
    expect(formatDuration(null)).toBe('—');
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  it.each([
    ['2026-11-27T11:59:50Z', 'just now'],
    ['2026-11-27T11:55:00Z', '5 minutes ago'],
    ['2026-11-27T09:00:00Z', '3 hours ago'],
    ['2026-11-24T12:00:00Z', '3 days ago'],
    ['2026-09-27T12:00:00Z', '2 months ago'],
    ['2024-11-27T12:00:00Z', '2 years ago'],
  ])('%s → %s', (iso, out) => {
    expect(formatRelative(new Date(iso), now)).toBe(out);
  });
});

describe('misc', () => {
  it('parses timestamps with or without a zone as UTC', () => {
    expect(parseDate('2026-11-27T10:00:00Z')?.toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(parseDate('2026-11-27T10:00:00+00:00')?.toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(parseDate('2026-11-27T10:00:00')?.toISOString()).toBe('2026-11-27T10:00:00.000Z');
    expect(parseDate(null)).toBeNull();
    expect(parseDate('nope')).toBeNull();
  });
  it('formats "updated … ago"', () => {
    expect(formatAgoShort(2000)).toBe('just now');
    expect(formatAgoShort(20_000)).toBe('20 s ago');
    expect(formatAgoShort(125_000)).toBe('2 min ago');
  });
  it('formats the decay factor and its percentage consistently', () => {
    expect(formatDecay(0.9875)).toBe('0.988');
    expect(formatPercent(0.9875)).toBe('98.8%');
    expect(formatDecay(1)).toBe('1.000');
  });
  it('formats roles', () => {
    expect(formatRole('MANAGER')).toBe('Manager');
    expect(formatRole('rep')).toBe('Rep');
  });
});

describe('formatScore', () => {
  it.each([
    [69.97, '69.9'],
    [69.99, '69.9'],
    [70, '70'],
    [70.04, '70'],
    [39.95, '39.9'],
    [87.5, '87.5'],
    [12.34, '12.3'],
    [0.7, '0.7'],
    [99.99, '99.9'],
    [100, '100'],
    [0, '0'],
    [0.04, '0'],
  ])('%d → %s (one decimal, cut, never rounded up)', (score, out) => {
    expect(formatScore(score)).toBe(out);
  });

  it('never shows a score that reads as reaching a threshold it misses', () => {
    for (let hundredths = 0; hundredths <= 10_000; hundredths++) {
      const score = hundredths / 100;
      expect(Number(formatScore(score).replace(/,/g, ''))).toBeLessThanOrEqual(score);
    }
  });
});
