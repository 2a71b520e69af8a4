import type { LeadStatus, Priority } from '../gql/graphql';

const LOCALE = 'en';

const numberFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const intFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const rtf = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'always' });
const dateTimeFmt = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** Parses an ISO 8601 timestamp; a value without a zone is taken as UTC. */
export function parseDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso);
  const d = new Date(hasZone || !iso.includes('T') ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A score with at most one decimal, cut toward zero rather than rounded: a shown score never
 * reads higher than the exact one, so it never seems to reach a tier threshold or a minimum
 * score it misses (69.97 → "69.9", never "70"). Scores are 0–100.
 */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '—';
  // The epsilon keeps binary error (x.y * 10 landing just under an integer) from cutting a tenth.
  const cut = Math.trunc(score * 10 + (score >= 0 ? 1e-9 : -1e-9)) / 10;
  return numberFmt.format(cut === 0 ? 0 : cut);
}

export function formatCount(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? intFmt.format(n) : numberFmt.format(n);
}

const decayFmt = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const percentFmt = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });

/** Decay factor with three decimals, rounded consistently with the percentage. */
export function formatDecay(n: number): string {
  return decayFmt.format(n);
}

export function formatPercent(fraction: number): string {
  return percentFmt.format(fraction);
}

export function formatPoints(n: number): string {
  return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }).format(n);
}

/** Seconds → "45 s", "8 min", "1 h 5 min". */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds == null || !Number.isFinite(totalSeconds)) return '—';
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutesTotal = Math.round(s / 60);
  if (minutesTotal < 60) return `${minutesTotal} min`;
  const h = Math.floor(minutesTotal / 60);
  const m = minutesTotal % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Exact value for a tooltip: "485 seconds". */
export function formatSecondsExact(totalSeconds: number | null | undefined): string {
  if (totalSeconds == null || !Number.isFinite(totalSeconds)) return 'No data';
  const n = Math.max(0, totalSeconds);
  return `${formatCount(n)} ${n === 1 ? 'second' : 'seconds'}`;
}

/** "3 days ago", "in 2 hours", "just now". */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diffSec = (date.getTime() - now.getTime()) / 1000;
  const abs = Math.abs(diffSec);
  if (abs < 45) return 'just now';
  let unit: Intl.RelativeTimeFormatUnit;
  let size: number;
  if (abs < 3600) [unit, size] = ['minute', 60];
  else if (abs < 86400) [unit, size] = ['hour', 3600];
  else if (abs < 86400 * 30) [unit, size] = ['day', 86400];
  else if (abs < 86400 * 365) [unit, size] = ['month', 86400 * 30];
  else [unit, size] = ['year', 86400 * 365];
  return rtf.format(Math.round(diffSec / size), unit);
}

/** Full timestamp for a tooltip, e.g. "Nov 27, 2026, 10:00:00 AM (2026-11-27T10:00:00.000Z)". */
export function formatExactDate(date: Date): string {
  return `${dateTimeFmt.format(date)} (${date.toISOString()})`;
}

/** "updated 20 s ago" style, compact. */
export function formatAgoShort(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  return `${h} h ago`;
}

export const PRIORITY_LABEL: Record<Priority, string> = {
  HOT: 'Hot',
  WARM: 'Warm',
  COLD: 'Cold',
};

export function formatRole(role: string | null | undefined): string {
  if (!role) return '';
  const r = role.toLowerCase();
  return r.charAt(0).toUpperCase() + r.slice(1);
}

export const STATUS_LABEL: Record<LeadStatus, string> = {
  NEW: 'New',
  CONTACTED: 'Contacted',
  QUALIFIED: 'Qualified',
  DISQUALIFIED: 'Disqualified',
};
