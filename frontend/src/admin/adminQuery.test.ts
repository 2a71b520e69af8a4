import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIT, parseAdminTab, parseAuditParams, serializeAuditParams, tabQuery, utcInputValue } from './adminQuery';

describe('admin URL params', () => {
  it('reads the tab from the query, else an older link’s hash, else Users', () => {
    expect(parseAdminTab('?tab=audit')).toBe('audit');
    expect(parseAdminTab('', '#keys')).toBe('keys');
    expect(parseAdminTab('?tab=audit', '#keys')).toBe('audit');
    expect(parseAdminTab('?tab=bogus', '#nope')).toBe('users');
    expect(tabQuery('users')).toBe('');
    expect(tabQuery('keys')).toBe('?tab=keys');
  });

  it('parses a shared audit view, its times as UTC', () => {
    expect(parseAuditParams('?tab=audit&actor=r1&action=user.updated&from=2026-11-01T08%3A00Z&to=2026-11-02T08:00:30Z&page=3')).toEqual({
      actorId: 'r1',
      action: 'user.updated',
      from: '2026-11-01T08:00',
      to: '2026-11-02T08:00:30',
      page: 3,
    });
  });

  it('reads a time without a zone as UTC, and one with an offset in UTC', () => {
    expect(utcInputValue('2026-11-01T08:00')).toBe('2026-11-01T08:00');
    expect(utcInputValue('2026-11-01T10:00+02:00')).toBe('2026-11-01T08:00');
    expect(utcInputValue('2026-11-01T08:00:00.250Z')).toBe('2026-11-01T08:00:00.250');
  });

  it('falls back to defaults for invalid values', () => {
    expect(parseAuditParams('?actor=%20&action=&from=yesterday&to=2026-13-45T99:99Z&page=0')).toEqual(DEFAULT_AUDIT);
    expect(parseAuditParams('?page=1.5').page).toBe(1);
    expect(parseAuditParams('')).toEqual(DEFAULT_AUDIT);
  });

  it('omits defaults, writes times with their zone and keeps the tab', () => {
    expect(serializeAuditParams(DEFAULT_AUDIT, '?tab=audit')).toBe('?tab=audit');
    expect(serializeAuditParams({ actorId: 'key_1', action: 'leads.written', from: '2026-11-01T08:00', to: '', page: 2 }, '?tab=audit&page=5')).toBe(
      '?tab=audit&page=2&actor=key_1&action=leads.written&from=2026-11-01T08%3A00Z',
    );
  });

  it('round-trips', () => {
    const p = { actorId: 'u 1&2', action: 'scoring.updated', from: '2026-11-01T08:00', to: '2026-11-02T09:30:15', page: 4 };
    expect(parseAuditParams(serializeAuditParams(p))).toEqual(p);
  });
});
