/**
 * The admin screens keep their state in the URL query string, like the leads page, so that a
 * reload or a shared link shows the same view, e.g.
 *   /admin?tab=audit&actor=r1&action=user.updated&from=2026-11-01T08:00Z&to=2026-11-02T08:00Z&page=2
 * Defaults are omitted. `from` and `to` are UTC, as the screen labels them (the `Z` says so in
 * the link too); `page` is how many pages of the audit log are shown ("Load older events").
 * Older links name the tab in the hash (`/admin#keys`): still read.
 */
export const ADMIN_TABS = ['users', 'keys', 'audit'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export interface AuditFilters {
  actorId: string;
  action: string;
  /** `datetime-local` values, read as UTC ('' when not set); `to` includes the minute it shows. */
  from: string;
  to: string;
}

export interface AuditParams extends AuditFilters {
  /** How many pages of events are shown, ≥ 1. */
  page: number;
}

export const DEFAULT_AUDIT: AuditParams = { actorId: '', action: '', from: '', to: '', page: 1 };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const ZONED = /(Z|[+-]\d{2}:\d{2})$/;

function _isTab(value: string | null): value is AdminTab {
  return (ADMIN_TABS as readonly (string | null)[]).includes(value);
}

/** The tab the URL names (`?tab=keys`, or an older link's `#keys`), else Users. */
export function parseAdminTab(search: string, hash = ''): AdminTab {
  const named = new URLSearchParams(search).get('tab');
  if (_isTab(named)) return named;
  const hashed = hash.replace(/^#/, '');
  return _isTab(hashed) ? hashed : 'users';
}

/** The query string of a tab on its own ('' for Users): each tab has its own parameters. */
export function tabQuery(tab: AdminTab): string {
  return tab === 'users' ? '' : `?tab=${tab}`;
}

/**
 * A moment of the link as the `datetime-local` value of it in UTC ("2026-11-01T08:00"); a
 * moment without a zone is read as UTC. '' for anything else.
 */
export function utcInputValue(raw: string | null): string {
  if (!raw || !DATE_TIME.test(raw)) return '';
  const d = new Date(ZONED.test(raw) ? raw : `${raw}Z`);
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString(); // 2026-11-01T08:00:00.000Z
  if (d.getUTCMilliseconds()) return iso.slice(0, 23);
  return d.getUTCSeconds() ? iso.slice(0, 19) : iso.slice(0, 16);
}

function _text(raw: string | null): string {
  return raw?.trim() ?? '';
}

export function parseAuditParams(search: string): AuditParams {
  const q = new URLSearchParams(search);
  const page = Number(q.get('page'));
  return {
    actorId: _text(q.get('actor')),
    action: _text(q.get('action')),
    from: utcInputValue(q.get('from')),
    to: utcInputValue(q.get('to')),
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The query string for `p`, keeping the other parameters of `base` (the tab). */
export function serializeAuditParams(p: AuditParams, base?: string): string {
  const q = new URLSearchParams(base);
  const set = (key: string, value: string) => (value === '' ? q.delete(key) : q.set(key, value));
  set('actor', p.actorId.trim());
  set('action', p.action.trim());
  set('from', p.from ? `${p.from}Z` : '');
  set('to', p.to ? `${p.to}Z` : '');
  set('page', p.page > 1 ? String(p.page) : '');
  const s = q.toString();
  return s ? `?${s}` : '';
}
