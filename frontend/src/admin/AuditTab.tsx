import { useEffect, useId, useMemo } from 'react';
import useSWR from 'swr';
import useSWRInfinite from 'swr/infinite';
import { gqlRequest } from '../api/client';
import type { AdminUsersQuery, ApiKeysQuery, AuditLogQuery, AuditLogQueryVariables, AuditModelNotesQuery } from '../gql/graphql';
import { setLocationSearch, useLocationSearch } from '../hooks/usePath';
import { type AuditFilters, type AuditParams, DEFAULT_AUDIT, parseAuditParams, serializeAuditParams } from './adminQuery';
import { actionLabel, auditDetails, carriesNote, formatAuditTime, modelVersionOf, outcomeLabel, type AuditEntry } from './auditFormat';
import { ADMIN_USERS_QUERY, API_KEYS_QUERY, AUDIT_LOG_QUERY, AUDIT_MODEL_NOTES_QUERY } from './operations';
import { adminError, adminSWR } from './request';

export const AUDIT_PAGE = 50;

type Entry = AuditEntry;

/** A `datetime-local` value, read as UTC (the entries are shown in UTC), as ISO 8601, or null. */
export function utcInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(`${value}Z`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The moment right after a `datetime-local` value (read as UTC) as ISO 8601, or null: "To" includes
 * the minute it shows (or the second, or the millisecond, when it shows those).
 */
export function utcInputEndToIso(value: string): string | null {
  const start = utcInputToIso(value);
  if (!start) return null;
  const step = value.length > 19 ? 1 : value.length > 16 ? 1_000 : 60_000;
  return new Date(Date.parse(start) + step).toISOString();
}

/** Where a page of older events starts: right after the last entry shown (its time, then id). */
type AuditCursor = { at: string; id: string };

function variablesFor(filters: AuditFilters, after: AuditCursor | null): AuditLogQueryVariables {
  return {
    limit: AUDIT_PAGE,
    before: after ? after.at : utcInputEndToIso(filters.to),
    beforeId: after ? after.id : null,
    since: utcInputToIso(filters.from),
    actorId: filters.actorId || null,
    action: filters.action || null,
  };
}

/**
 * Changes the filters in the URL (they live there: a reload or a link keeps them). A changed
 * filter shows the first page again, unless the patch sets `page`.
 */
function updateAudit(patch: Partial<AuditParams>, opts: { replace?: boolean } = {}) {
  const next: AuditParams = { ...parseAuditParams(window.location.search), ...patch };
  if (!('page' in patch)) next.page = 1;
  setLocationSearch(serializeAuditParams(next, window.location.search), opts);
}

export function AuditTab() {
  const id = useId();
  const search = useLocationSearch();
  const { actorId, action, from, to, page } = parseAuditParams(search);
  const filters = useMemo<AuditFilters>(() => ({ actorId, action, from, to }), [actorId, action, from, to]);
  const users = useSWR<AdminUsersQuery>('AdminUsers', () => gqlRequest<AdminUsersQuery>(ADMIN_USERS_QUERY), adminSWR);
  const keys = useSWR<ApiKeysQuery>('ApiKeys', () => gqlRequest<ApiKeysQuery>(API_KEYS_QUERY), adminSWR);
  const since = utcInputToIso(filters.from);
  const until = utcInputEndToIso(filters.to);
  const badRange = !!since && !!until && since >= until;
  const log = useSWRInfinite<AuditLogQuery>(
    (index: number, previous: AuditLogQuery | null) => {
      if (badRange) return null;
      if (index === 0) return ['AuditLog', filters, null];
      if (!previous || previous.auditLog.length < AUDIT_PAGE) return null;
      const last = previous.auditLog[previous.auditLog.length - 1]!;
      return ['AuditLog', filters, { at: last.at, id: last.id }];
    },
    ([, f, after]: [string, AuditFilters, AuditCursor | null]) =>
      gqlRequest<AuditLogQuery, AuditLogQueryVariables>(AUDIT_LOG_QUERY, variablesFor(f, after)),
    // Filters not shown yet load the URL's number of pages at once (fewer when the log ends).
    { ...adminSWR, revalidateFirstPage: false, initialSize: page },
  );
  const { size, setSize } = log;
  useEffect(() => {
    // Back and forward to filters shown before with another number of pages: show the URL's.
    if (size !== page) void setSize(page);
  }, [page, size, setSize]);
  const pages = log.data ?? [];
  const entries = pages.flatMap((p) => p.auditLog);
  const actions = pages[0]?.auditActions ?? [];
  const hasMore = pages.length > 0 && pages[pages.length - 1]!.auditLog.length === AUDIT_PAGE;
  const keyNames = new Map((keys.data?.apiKeys ?? []).map((k) => [k.keyId, k.name]));
  const knownActors = new Set([...(users.data?.users ?? []).map((u) => u.userId), ...keyNames.keys()]);
  // The audit event of a model change names its version; the note (why) comes from the versions.
  const needNotes = entries.some((e) => modelVersionOf(e) !== null && !carriesNote(e));
  const versions = useSWR<AuditModelNotesQuery>(
    needNotes ? 'AuditModelNotes' : null,
    () => gqlRequest<AuditModelNotesQuery>(AUDIT_MODEL_NOTES_QUERY),
    adminSWR,
  );
  const notes = new Map((versions.data?.scoringConfigVersions ?? []).map((v) => [v.version, v.note]));
  const actionOptions = [...new Set([...actions, ...(filters.action ? [filters.action] : [])])]
    .map((code) => ({ code, label: actionLabel(code) }))
    .sort((a, b) => a.label.localeCompare(b.label));

  function actorLabel(entry: Entry): string {
    if (entry.actorName) return entry.actorName;
    if (entry.actorKind === 'key') return `Ingestion key ${keyNames.get(entry.actorId ?? '') ?? entry.actorId ?? ''}`.trim();
    if (entry.actorKind === 'system') return 'System (command line or background job)';
    return entry.actorId ?? 'Unknown';
  }

  return (
    <div className="space-y-4">
      <form
        aria-label="Filter the audit log"
        onSubmit={(e) => e.preventDefault()}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
      >
        <div>
          <label htmlFor={`${id}-actor`} className="mb-1 block text-sm font-medium text-slate-800">
            Actor
          </label>
          <select
            id={`${id}-actor`}
            value={filters.actorId}
            onChange={(e) => updateAudit({ actorId: e.target.value })}
            className="block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">Anyone</option>
            {filters.actorId && !knownActors.has(filters.actorId) && (
              // A link's actor not (or not yet) listed: kept, shown as its id.
              <option value={filters.actorId}>{filters.actorId}</option>
            )}
            <optgroup label="Users">
              {(users.data?.users ?? []).map((u) => (
                <option key={u.userId} value={u.userId}>
                  {u.name}
                </option>
              ))}
            </optgroup>
            <optgroup label="Ingestion keys">
              {(keys.data?.apiKeys ?? []).map((k) => (
                <option key={k.keyId} value={k.keyId}>
                  {k.name}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-action`} className="mb-1 block text-sm font-medium text-slate-800">
            Action
          </label>
          <select
            id={`${id}-action`}
            value={filters.action}
            onChange={(e) => updateAudit({ action: e.target.value })}
            className="block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">Any action</option>
            {actionOptions.map((a) => (
              <option key={a.code} value={a.code}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-from`} className="mb-1 block text-sm font-medium text-slate-800">
            From (UTC)
          </label>
          <input
            id={`${id}-from`}
            type="datetime-local"
            value={filters.from}
            onChange={(e) => updateAudit({ from: e.target.value }, { replace: true })}
            className="block w-full rounded-md border border-slate-400 px-2 py-1.5 text-sm"
          />
        </div>
        <div>
          <label htmlFor={`${id}-to`} className="mb-1 block text-sm font-medium text-slate-800">
            To (UTC)
          </label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={filters.to}
            aria-invalid={badRange || undefined}
            aria-describedby={badRange ? `${id}-range` : undefined}
            onChange={(e) => updateAudit({ to: e.target.value }, { replace: true })}
            className="block w-full rounded-md border border-slate-400 px-2 py-1.5 text-sm"
          />
        </div>
        <button
          type="button"
          onClick={() => updateAudit(DEFAULT_AUDIT)}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Clear filters
        </button>
        {badRange && (
          <p id={`${id}-range`} role="alert" className="text-sm text-red-800 sm:col-span-2 lg:col-span-5">
            “From” must not be after “To”.
          </p>
        )}
      </form>

      {log.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {adminError(log.error)}
        </p>
      )}
      <p role="status" className="text-sm text-slate-700">
        {log.isLoading ? 'Loading the audit log…' : log.data ? `${entries.length} event${entries.length === 1 ? '' : 's'} shown` : ''}
      </p>
      {entries.length > 0 && (
        <ol aria-label="Audit events" className="space-y-3">
          {entries.map((entry, i) => (
            <AuditItem key={`${entry.at}-${i}`} entry={entry} actor={actorLabel(entry)} details={auditDetails(entry, { keyNames, notes })} />
          ))}
        </ol>
      )}
      {log.data && entries.length === 0 && <p className="text-sm text-slate-600">No events match these filters.</p>}
      {hasMore && (
        <button
          type="button"
          disabled={log.isValidating}
          onClick={() => {
            updateAudit({ page: pages.length + 1 }, { replace: true });
            void setSize(pages.length + 1);
          }}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60"
        >
          Load older events
        </button>
      )}
    </div>
  );
}

function AuditItem({ entry, actor, details }: { entry: Entry; actor: string; details: { name: string; value: string }[] }) {
  const outcome = outcomeLabel(entry.outcome);
  return (
    <li className="rounded-md border border-slate-200 bg-white p-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium text-slate-900">
          <span title={entry.action} data-action={entry.action}>
            {actionLabel(entry.action)}
          </span>
          {outcome && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">{outcome}</span>}
        </p>
        <p className="text-xs whitespace-nowrap text-slate-600">
          <time dateTime={entry.at}>{formatAuditTime(entry.at)}</time>
        </p>
      </div>
      <p className="text-sm text-slate-700">By {actor}</p>
      {details.length > 0 && (
        <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          {details.map((d, i) => (
            <div key={`${i}-${d.name}`} className="contents">
              <dt className="font-medium text-slate-700">{d.name}</dt>
              <dd className="whitespace-pre-line wrap-anywhere text-slate-900">{d.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
