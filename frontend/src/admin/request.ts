import { describeError, GraphQLRequestError } from '../api/client';
import { asSentence } from '../lib/serverMessage';

/** A message for people: the server's own for bad input (it names the field), else by code. */
export function adminError(err: unknown): string {
  if (err instanceof GraphQLRequestError && err.code === 'BAD_USER_INPUT') return asSentence(err.message);
  if (err instanceof GraphQLRequestError && err.code === 'NOT_FOUND') return asSentence(err.message);
  return describeError(err);
}

/**
 * What the server said against one field of a refused input (BAD_USER_INPUT whose details name
 * `field`), for people: its message and the rule as sentences ("A key named 'x' exists. An
 * active key has this name: …"); null when the error is not about that field.
 */
export function adminFieldError(err: unknown, field: string): string | null {
  if (!(err instanceof GraphQLRequestError) || err.code !== 'BAD_USER_INPUT') return null;
  for (const entry of err.errors) {
    const details = entry.extensions?.details;
    if (!Array.isArray(details)) continue;
    const rule = (details as { field?: unknown; message?: unknown }[]).find((d) => d.field === field)?.message;
    if (typeof rule === 'string') return [entry.message, rule].filter((m) => m.trim()).map(asSentence).join(' ');
  }
  return null;
}

export const adminSWR = {
  revalidateOnFocus: false,
  shouldRetryOnError: false,
} as const;

const dateFmt = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** "Nov 28, 2026, 4:30 AM UTC", or the fallback for no date. */
export function formatWhen(iso: string | null | undefined, fallback = 'never'): string {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? fallback : `${dateFmt.format(d)} UTC`;
}
