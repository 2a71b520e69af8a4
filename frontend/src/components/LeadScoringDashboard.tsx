import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSWRConfig } from 'swr';
import { fetchLeads, filterFromParams, leadsVariables, useLeads, useOwners } from '../api/hooks';
import { describeError } from '../api/client';
import type { LeadsQuery } from '../gql/graphql';
import { PAGE_SIZES, serializeParams, useDashboardParams, type PageSize, type SortKey } from '../hooks/useDashboardParams';
import { useNow } from '../hooks/useNow';
import {
  formatAgoShort,
  formatCount,
  formatDuration,
  formatExactDate,
  formatRelative,
  formatSecondsExact,
  parseDate,
} from '../lib/format';
import { LeadBreakdownPanel } from './LeadBreakdownPanel';
import { PriorityLabel, ScoreBadge } from './ScoreBadge';
import { ScoreDistributionChart } from './ScoreDistributionChart';

type LeadRow = LeadsQuery['leads']['items'][number];

const COLUMN_COUNT = 8;
const SKELETON_ROWS = 8;
const MIN_SCORE_DEBOUNCE_MS = 400;

const SORT_LABEL: Record<SortKey, string> = {
  score: 'score, highest first',
  lastActivity: 'last activity, most recent first',
};

const btn =
  'inline-flex items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50';
const control =
  'block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm aria-[invalid=true]:border-red-600';

function SortHeader({
  label,
  sortKey,
  active,
  onSort,
  align = 'left',
}: {
  label: string;
  sortKey: SortKey;
  active: boolean;
  onSort: (k: SortKey) => void;
  align?: 'left' | 'right';
}) {
  return (
    <th
      scope="col"
      aria-sort={active ? 'descending' : 'none'}
      className={`px-3 py-2 font-semibold ${align === 'right' ? 'text-right' : 'text-left'}`}
    >
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        className={`inline-flex items-center gap-1 rounded font-semibold uppercase tracking-wide hover:text-blue-800 ${active ? 'text-blue-800' : ''}`}
      >
        {label}
        <span aria-hidden="true" className={active ? 'opacity-100' : 'opacity-30'}>
          ▼
        </span>
        <span className="sr-only">{active ? ' (sorted, highest first)' : ' (sort by this column)'}</span>
      </button>
    </th>
  );
}

function PlainHeader({ children, align = 'left' }: { children: ReactNode; align?: 'left' | 'right' }) {
  return (
    <th scope="col" className={`px-3 py-2 font-semibold ${align === 'right' ? 'text-right' : 'text-left'}`}>
      {children}
    </th>
  );
}

function SkeletonRows() {
  return (
    <>
      {Array.from({ length: SKELETON_ROWS }, (_, i) => (
        <tr key={i} className="border-t border-slate-100" data-testid="skeleton-row" aria-hidden="true">
          {Array.from({ length: COLUMN_COUNT }, (__, j) => (
            <td key={j} className="px-3 py-3">
              <div className={`h-4 rounded bg-slate-200 ls-skeleton ${j === 0 ? 'w-32' : 'ml-auto w-12'}`} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

function LeadTableRow({ lead, now, onOpen }: { lead: LeadRow; now: number; onOpen: (id: string, el: HTMLElement) => void }) {
  const last = parseDate(lead.lastActivityAt);
  const ownerName = lead.owner?.name ?? lead.ownerId ?? 'Unassigned';
  return (
    <tr
      className="border-t border-slate-100 hover:bg-slate-50"
      data-lead-id={lead.leadId}
      data-score={lead.score}
      data-owner-id={lead.ownerId ?? ''}
      data-last-activity={lead.lastActivityAt ?? ''}
    >
      <td className="px-3 py-2 align-top">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <button
            type="button"
            onClick={(e) => onOpen(lead.leadId, e.currentTarget)}
            className="rounded text-left font-medium text-blue-800 underline-offset-2 hover:underline"
            aria-haspopup="dialog"
          >
            {lead.name}
          </button>
          {!lead.hasActivity && (
            <span
              className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800"
              title="No interactions recorded for this lead"
            >
              no data
            </span>
          )}
          {lead.stale && (
            <span
              className="rounded bg-yellow-100 px-1.5 py-0.5 text-xs font-medium text-yellow-900"
              title="Served from cache; being recomputed"
            >
              stale
            </span>
          )}
        </div>
        {lead.email && <div className="text-xs text-slate-600">{lead.email}</div>}
      </td>
      <td className="px-3 py-2 text-right align-top" data-col="score">
        <ScoreBadge score={lead.score} priority={lead.priority} />
      </td>
      <td className="px-3 py-2 align-top">
        <PriorityLabel priority={lead.priority} />
      </td>
      <td className="px-3 py-2 text-right align-top tabular-nums">{formatCount(lead.raw?.emailOpens)}</td>
      <td className="px-3 py-2 text-right align-top tabular-nums">{formatCount(lead.raw?.websiteVisits)}</td>
      <td className="px-3 py-2 text-right align-top tabular-nums">
        <span title={formatSecondsExact(lead.raw?.timeSpent)}>{formatDuration(lead.raw?.timeSpent)}</span>
      </td>
      <td className="px-3 py-2 text-right align-top whitespace-nowrap">
        {last ? (
          <time dateTime={last.toISOString()} title={formatExactDate(last)}>
            {formatRelative(last, new Date(now))}
          </time>
        ) : (
          <span title="No activity recorded">—</span>
        )}
      </td>
      <td className="px-3 py-2 align-top" data-col="owner">
        {ownerName}
      </td>
    </tr>
  );
}

/** Minimum-score input: local text, committed to the URL after a short pause. */
function MinScoreInput({ value, onCommit }: { value: number | null; onCommit: (v: number | null) => void }) {
  const id = useId();
  const errId = useId();
  const [text, setText] = useState(value === null ? '' : String(value));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Follow external changes (Clear filters, back/forward) unless they match what is typed.
  useEffect(() => {
    setText((t) => {
      const typed = t.trim() === '' ? null : Number(t);
      return typed === value ? t : value === null ? '' : String(value);
    });
  }, [value]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const parsed = text.trim() === '' ? null : Number(text);
  const invalid = parsed !== null && (!Number.isFinite(parsed) || parsed < 0 || parsed > 100);

  function schedule(next: string) {
    setText(next);
    if (timer.current) clearTimeout(timer.current);
    const n = next.trim() === '' ? null : Number(next);
    if (n !== null && (!Number.isFinite(n) || n < 0 || n > 100)) return;
    timer.current = setTimeout(() => onCommit(n), MIN_SCORE_DEBOUNCE_MS);
  }

  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-700">
        Min score
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={0}
        max={100}
        step={1}
        placeholder="0–100"
        value={text}
        aria-invalid={invalid}
        aria-describedby={invalid ? errId : undefined}
        onChange={(e) => schedule(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !invalid) {
            if (timer.current) clearTimeout(timer.current);
            onCommit(parsed);
          }
        }}
        className={`${control} sm:w-28`}
      />
      {invalid && (
        <p id={errId} className="mt-1 text-xs text-red-700">
          Enter a number from 0 to 100.
        </p>
      )}
    </div>
  );
}

export function LeadScoringDashboard() {
  const [params, update] = useDashboardParams();
  const vars = useMemo(() => leadsVariables(params), [params]);
  const filter = useMemo(() => filterFromParams(params), [params]);
  const { data, error, isLoading, isValidating, mutate } = useLeads(vars);
  const owners = useOwners();
  const { mutate: mutateCache } = useSWRConfig();
  const now = useNow(1000);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);
  const [openLeadId, setOpenLeadId] = useState<string | null>(null);
  const triggerRef = useRef<HTMLElement | null>(null);
  const ownerId = useId();
  const limitId = useId();
  const captionId = useId();

  const page = data?.data.leads;
  const items = page?.items ?? [];
  const totalCount = page?.totalCount ?? 0;
  const totalPages = Math.max(1, Math.ceil(totalCount / params.limit));
  const currentPage = page?.page ?? params.page;
  const hasFilters = params.minScore !== null || params.owner !== null;
  const showSkeleton = !page && (isLoading || (!error && isValidating));

  const onSort = useCallback((k: SortKey) => update({ sort: k }), [update]);

  const onRefresh = useCallback(async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      await mutate(fetchLeads(vars, true), { revalidate: false, rollbackOnError: true });
      // Recomputed scores change the distribution (and any cached breakdowns) too.
      void mutateCache((key) => Array.isArray(key) && (key[0] === 'ScoreDistribution' || key[0] === 'LeadDetail'));
    } catch (e) {
      setRefreshError(describeError(e));
    } finally {
      setRefreshing(false);
    }
  }, [mutate, mutateCache, vars]);

  const clearFilters = useCallback(() => update({ minScore: null, owner: null, page: 1 }), [update]);

  const openLead = useCallback((id: string, el: HTMLElement) => {
    triggerRef.current = el;
    setOpenLeadId(id);
  }, []);

  const closeLead = useCallback(() => {
    setOpenLeadId(null);
    const el = triggerRef.current;
    // Return focus to the control that opened the panel.
    if (el) setTimeout(() => el.isConnected && el.focus(), 0);
  }, []);

  const ownerOptions = owners.data?.owners ?? [];
  // Keep an owner from the URL selectable even before/without the owners list.
  const ownerInList = params.owner === null || ownerOptions.some((o) => o.userId === params.owner);

  return (
    <section aria-labelledby="leads-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="leads-heading" className="text-xl font-semibold text-slate-900">
          Leads
        </h2>
        <div className="flex items-center gap-3">
          <span className="text-xs text-slate-600" data-testid="updated-ago">
            {data ? `updated ${formatAgoShort(now - data.fetchedAt)}` : ''}
          </span>
          <button type="button" className={btn} onClick={() => void onRefresh()} disabled={refreshing} aria-busy={refreshing}>
            <span aria-hidden="true">↻</span>
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>

      <form
        role="search"
        aria-label="Filter leads"
        className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:flex-wrap sm:items-end"
        onSubmit={(e) => e.preventDefault()}
      >
        <MinScoreInput value={params.minScore} onCommit={(v) => update({ minScore: v }, { replace: true })} />
        <div>
          <label htmlFor={ownerId} className="mb-1 block text-xs font-medium text-slate-700">
            Owner
          </label>
          <select
            id={ownerId}
            value={params.owner ?? ''}
            onChange={(e) => update({ owner: e.target.value === '' ? null : e.target.value })}
            className={`${control} sm:w-48`}
          >
            <option value="">All owners</option>
            {!ownerInList && params.owner && <option value={params.owner}>{params.owner}</option>}
            {ownerOptions.map((o) => (
              <option key={o.userId} value={o.userId}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={limitId} className="mb-1 block text-xs font-medium text-slate-700">
            Rows per page
          </label>
          <select
            id={limitId}
            value={params.limit}
            onChange={(e) => update({ limit: Number(e.target.value) as PageSize })}
            className={`${control} sm:w-24`}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        {hasFilters && (
          <button type="button" className={`${btn} sm:mb-px`} onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </form>

      <ScoreDistributionChart filter={filter} />

      {refreshError && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          Refresh failed: {refreshError}
        </p>
      )}
      {error && page && (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span>Showing earlier data — {describeError(error)}</span>
          <button type="button" className={btn} onClick={() => void mutate()}>
            Retry
          </button>
        </div>
      )}

      {error && !page ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-center" data-testid="leads-error">
          <p className="font-medium text-red-800">Could not load leads.</p>
          <p className="mt-1 text-sm text-red-800">{describeError(error)}</p>
          <button type="button" className={`${btn} mt-3`} onClick={() => void mutate()}>
            Retry
          </button>
        </div>
      ) : (
        <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="table-wrapper">
          <table
            className="min-w-full text-sm"
            aria-labelledby={captionId}
            aria-busy={showSkeleton || refreshing}
            data-state={showSkeleton ? 'loading' : items.length === 0 ? 'empty' : 'ready'}
            data-page={page?.page ?? ''}
            data-sort={params.sort}
            data-view={serializeParams(params)}
          >
            <caption id={captionId} className="sr-only">
              Leads, sorted by {SORT_LABEL[params.sort]}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-700">
              <tr>
                <PlainHeader>Lead Name</PlainHeader>
                <SortHeader label="Score" sortKey="score" active={params.sort === 'score'} onSort={onSort} align="right" />
                <PlainHeader>Priority</PlainHeader>
                <PlainHeader align="right">Email Opens</PlainHeader>
                <PlainHeader align="right">Website Visits</PlainHeader>
                <PlainHeader align="right">Time Spent</PlainHeader>
                <SortHeader
                  label="Last Activity"
                  sortKey="lastActivity"
                  active={params.sort === 'lastActivity'}
                  onSort={onSort}
                  align="right"
                />
                <PlainHeader>Owner</PlainHeader>
              </tr>
            </thead>
            <tbody>
              {showSkeleton ? (
                <SkeletonRows />
              ) : items.length === 0 ? (
                <tr>
                  <td colSpan={COLUMN_COUNT} className="px-3 py-10 text-center" data-testid="empty-state">
                    <p className="font-medium text-slate-800">No leads match</p>
                    <p className="mt-1 text-sm text-slate-600">
                      {hasFilters ? 'Try a lower minimum score or another owner.' : 'There are no scored leads yet.'}
                    </p>
                    <div className="mt-3 flex justify-center gap-2">
                      {hasFilters && (
                        <button type="button" className={btn} onClick={clearFilters}>
                          Clear filters
                        </button>
                      )}
                      {params.page > 1 && (
                        <button type="button" className={btn} onClick={() => update({ page: 1 })}>
                          Go to first page
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ) : (
                items.map((lead) => <LeadTableRow key={lead.leadId} lead={lead} now={now} onOpen={openLead} />)
              )}
            </tbody>
          </table>
        </div>
      )}

      <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-700" aria-live="polite" data-testid="page-status">
          {page ? (
            <>
              Page {currentPage} of {totalPages}
              <span className="text-slate-600"> · {totalCount} {totalCount === 1 ? 'lead' : 'leads'}</span>
            </>
          ) : (
            <>Page {params.page}</>
          )}
        </p>
        <div className="flex gap-2">
          <button
            type="button"
            className={btn}
            disabled={params.page <= 1}
            onClick={() => update({ page: Math.max(1, params.page - 1) })}
          >
            <span aria-hidden="true">←</span> Prev
          </button>
          <button
            type="button"
            className={btn}
            disabled={!page?.hasNextPage}
            onClick={() => update({ page: params.page + 1 })}
          >
            Next <span aria-hidden="true">→</span>
          </button>
        </div>
      </nav>

      {openLeadId && <LeadBreakdownPanel leadId={openLeadId} onClose={closeLead} />}
    </section>
  );
}

export default LeadScoringDashboard;
