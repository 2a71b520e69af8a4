import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useSWRConfig } from 'swr';
import { exportUrl } from '../api/exportCsv';
import { answers, fetchView, useDashboardView, viewVariables } from '../api/hooks';
import { describeError } from '../api/client';
import { getSessionState, subscribe } from '../auth/session';
import {
  DEFAULT_STALE_DAYS,
  effectiveScope,
  serializeParams,
  useDashboardParams,
  type SortKey,
  type Viewer,
} from '../hooks/useDashboardParams';
import { useNow } from '../hooks/useNow';
import { isAdmin } from '../hooks/usePath';
import { formatAgoShort } from '../lib/format';
import { DashboardFilters, btn } from './DashboardFilters';
import { DataQualitySummary } from './DataQualitySummary';
import { EmptyTenantHelp } from './EmptyTenantHelp';
import { ExportButton } from './ExportButton';
import { LeadBreakdownPanel } from './LeadBreakdownPanel';
import { COLUMN_COUNT, LeadTableRow, PlainHeader, SkeletonRows, SortHeader } from './LeadTable';
import { ScoreDistributionChart } from './ScoreDistributionChart';

const SORT_LABEL: Record<SortKey, string> = {
  score: 'score, highest first',
  lastActivity: 'last activity, most recent first',
};

/** The signed-in user from the session (known before any GraphQL request). */
function useSessionUser() {
  return useSyncExternalStore(subscribe, () => getSessionState().user);
}

export function LeadScoringDashboard() {
  const [params, update] = useDashboardParams();
  const sessionUser = useSessionUser();
  const viewer = useMemo<Viewer | null>(
    () => (sessionUser ? { userId: sessionUser.userId, role: sessionUser.role } : null),
    [sessionUser],
  );
  const viewerTenantId = sessionUser?.tenantId ?? null;
  const viewerIsAdmin = sessionUser ? isAdmin(sessionUser.role) : false;
  const scope = effectiveScope(params, viewer);
  const vars = useMemo(() => viewVariables(params, viewer), [params, viewer]);
  const { data, error, isLoading, isValidating, mutate } = useDashboardView(vars);
  const { mutate: mutateCache } = useSWRConfig();
  const now = useNow(1000);
  // Rows show "3 days ago": a coarser clock lets them skip the per-second re-render.
  const rowNow = Math.ceil(now / 30_000) * 30_000;
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | null>(null);
  const [openLeadId, setOpenLeadId] = useState<string | null>(null);
  const triggerRef = useRef<HTMLElement | null>(null);
  const captionId = useId();

  const view = data?.data;
  const page = view?.leads;
  const items = page?.items ?? [];
  const totalCount = page?.totalCount ?? 0;
  const totalPages = Math.max(1, Math.ceil(totalCount / params.limit));
  const currentPage = page?.page ?? params.page;
  const hasFilters =
    params.minScore !== null ||
    params.owner !== null ||
    params.q !== '' ||
    params.status !== null ||
    params.noActivity ||
    params.stale ||
    params.movedUp !== null;
  // "Stale after (days)" is not a filter by itself, but Clear filters resets it too.
  const canClear = hasFilters || params.staleDays !== DEFAULT_STALE_DAYS;
  const showSkeleton = !page && (isLoading || (!error && isValidating));
  // While the next view loads, the previous one stays on screen, marked busy.
  const current = answers(data, vars);
  const loadingNext = !!page && !current;
  // The next view failed: what is on screen answers the previous one (another filter or page).
  const previousView = loadingNext && !!error;
  // Past the last page (e.g. an old bookmark): rows exist, just not this far.
  const pastEnd = !!current && items.length === 0 && totalCount > 0 && currentPage > totalPages;
  // The tenant has no leads at all (dataQuality counts the whole tenant, whatever the filter).
  const tenantEmpty = !!current && view?.dataQuality.total === 0;

  // A later load of the view that succeeds (a filter change, Retry, the auto-refresh) ends a
  // failed refresh's alert.
  const fetchedAt = data?.fetchedAt;
  useEffect(() => setRefreshError(null), [fetchedAt]);

  const onSort = useCallback((k: SortKey) => update({ sort: k }), [update]);

  const onRefresh = useCallback(async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      await mutate(fetchView(vars, { refresh: true }), { revalidate: false, rollbackOnError: true });
      // Recomputed scores change any cached breakdowns too (refetched when a panel opens).
      void mutateCache((key) => Array.isArray(key) && key[0] === 'LeadDetail', undefined, { revalidate: false });
    } catch (e) {
      setRefreshError(describeError(e));
    } finally {
      setRefreshing(false);
    }
  }, [mutate, mutateCache, vars]);

  const clearFilters = useCallback(
    () =>
      update({
        minScore: null,
        owner: null,
        q: '',
        status: null,
        noActivity: false,
        stale: false,
        staleDays: DEFAULT_STALE_DAYS,
        movedUp: null,
        page: 1,
      }),
    [update],
  );

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

  return (
    <section aria-labelledby="leads-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-2">
          <h2 id="leads-heading" className="text-xl font-semibold text-slate-900">
            {scope === 'mine' ? 'My leads' : 'Leads'}
          </h2>
          <DataQualitySummary
            quality={view?.dataQuality}
            staleDays={params.staleDays}
            noActivity={params.noActivity}
            stale={params.stale}
            onToggleNoActivity={() => update({ noActivity: !params.noActivity })}
            onToggleStale={() => update({ stale: !params.stale })}
            narrowedTo={scope === 'mine' ? 'mine' : params.owner !== null ? 'owner' : null}
          />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <span className="text-xs text-slate-600" data-testid="updated-ago">
            {data ? `updated ${formatAgoShort(now - data.fetchedAt)}` : ''}
          </span>
          <ExportButton url={exportUrl(vars.filter ?? null, vars.sort)} />
          <button type="button" className={btn} onClick={() => void onRefresh()} disabled={refreshing} aria-busy={refreshing}>
            <span aria-hidden="true">↻</span>
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>

      <DashboardFilters
        params={params}
        update={update}
        scope={scope}
        owners={view?.owners ?? []}
        hasFilters={canClear}
        onClear={clearFilters}
      />

      <ScoreDistributionChart dist={view?.scoreDistribution} error={error} isLoading={isLoading} previous={previousView} />

      {/* One alert at a time: a failed load of the view says all a failed Refresh would. */}
      {error && page ? (
        <div
          role="alert"
          className="flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="earlier-data"
        >
          <span>
            {previousView
              ? `Could not load this view — ${describeError(error)} The rows below are from your previous view, not these filters.`
              : `Showing earlier data — ${describeError(error)}`}
          </span>
          <button type="button" className={btn} onClick={() => void mutate()}>
            Retry
          </button>
        </div>
      ) : (
        refreshError && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            Refresh failed: {refreshError}
          </p>
        )
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
            className={`min-w-full text-sm ${loadingNext ? 'opacity-70' : ''}`}
            aria-labelledby={captionId}
            aria-busy={showSkeleton || refreshing || loadingNext}
            data-state={showSkeleton ? 'loading' : items.length === 0 ? 'empty' : 'ready'}
            data-page={page?.page ?? ''}
            data-sort={params.sort}
            data-view={current ? serializeParams(params) : ''}
          >
            <caption id={captionId} className="sr-only">
              Leads, sorted by {SORT_LABEL[params.sort]}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-700">
              <tr>
                <PlainHeader>Lead Name</PlainHeader>
                <SortHeader label="Score" sortKey="score" active={params.sort === 'score'} onSort={onSort} align="right" />
                <PlainHeader>Priority</PlainHeader>
                <PlainHeader>Status</PlainHeader>
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
                    {pastEnd ? (
                      <>
                        <p className="font-medium text-slate-800">This page is past the end</p>
                        <p className="mt-1 text-sm text-slate-600">
                          Page {currentPage} is past the last page ({totalPages}) of these {totalCount}{' '}
                          {totalCount === 1 ? 'lead' : 'leads'}.
                        </p>
                      </>
                    ) : tenantEmpty ? (
                      <EmptyTenantHelp tenantId={viewerTenantId} admin={viewerIsAdmin} />
                    ) : (
                      <>
                        <p className="font-medium text-slate-800">No leads match</p>
                        <p className="mt-1 text-sm text-slate-600">
                          {hasFilters
                            ? 'Try another search, a lower minimum score or fewer filters.'
                            : scope === 'mine'
                              ? 'You own no scored leads yet. Choose "Everyone" to see the whole team.'
                              : 'There are no scored leads yet.'}
                        </p>
                      </>
                    )}
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
                items.map((lead) => <LeadTableRow key={lead.leadId} lead={lead} now={rowNow} onOpen={openLead} />)
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
            disabled={!page?.hasNextPage || loadingNext}
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
