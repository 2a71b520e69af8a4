import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useSWRConfig } from 'swr';
import { exportUrl } from '../api/exportCsv';
import { answers, fetchView, useDashboardView, viewVariables } from '../api/hooks';
import { describeError } from '../api/client';
import { getSessionState, subscribe } from '../auth/session';
import {
  CLEARED_FILTERS,
  effectiveScope,
  serializeParams,
  useDashboardParams,
  type SortKey,
  type Viewer,
} from '../hooks/useDashboardParams';
import { useNow } from '../hooks/useNow';
import { isAdmin } from '../hooks/usePath';
import { formatAgoShort } from '../lib/format';
import { DashboardFilters, ScopeSwitch, btn } from './DashboardFilters';
import { DataQualitySummary } from './DataQualitySummary';
import { ExportButton } from './ExportButton';
import { LeadBreakdownPanel } from './LeadBreakdownPanel';
import { LeadsEmptyState } from './LeadsEmptyState';
import { COLUMN_COUNT, LeadTableHead, LeadTableRow, SkeletonRows } from './LeadTable';
import { Pagination, PAGINATION_ID } from './Pagination';
import { ScoreDistributionChart } from './ScoreDistributionChart';
import { SkipLink } from './SkipLink';

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
  const [clears, setClears] = useState(0);
  const triggerRef = useRef<HTMLElement | null>(null);
  const captionId = useId();
  const tableRef = useRef<HTMLTableElement>(null);

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

  const clearFilters = useCallback(() => {
    update({ ...CLEARED_FILTERS, page: 1 });
    setClears((n) => n + 1);
  }, [update]);

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
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="leads-heading" className="text-xl font-semibold text-slate-900">
              {scope === 'mine' ? 'My leads' : 'Leads'}
            </h2>
            <ScopeSwitch scope={scope} onChange={(s) => update(s === 'mine' ? { scope: s, owner: null } : { scope: s })} />
          </div>
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
        onClear={clearFilters}
        resetKey={clears}
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

      {/* Each row has several tab stops: keyboard users can jump past them. */}
      <SkipLink targetId={PAGINATION_ID} className="focus:inline-block">
        Skip to pagination
      </SkipLink>

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
            ref={tableRef}
            tabIndex={-1}
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
            <LeadTableHead sort={params.sort} onSort={onSort} />
            <tbody>
              {showSkeleton ? (
                <SkeletonRows />
              ) : items.length === 0 ? (
                <tr>
                  <td colSpan={COLUMN_COUNT} className="px-3 py-10 text-center" data-testid="empty-state">
                    <LeadsEmptyState
                      reason={pastEnd ? 'pastEnd' : tenantEmpty ? 'tenantEmpty' : 'noMatch'}
                      page={currentPage}
                      totalPages={totalPages}
                      totalCount={totalCount}
                      hasFilters={hasFilters}
                      scope={scope}
                      tenantId={viewerTenantId}
                      admin={viewerIsAdmin}
                      onClear={clearFilters}
                      onGoToPage={(n) => {
                        update({ page: n });
                        // the button goes away with the empty state: keep focus on the results
                        tableRef.current?.focus();
                      }}
                    />
                  </td>
                </tr>
              ) : (
                items.map((lead) => <LeadTableRow key={lead.leadId} lead={lead} now={rowNow} onOpen={openLead} />)
              )}
            </tbody>
          </table>
        </div>
      )}

      <Pagination
        page={params.page}
        limit={params.limit}
        answer={page ? { page: currentPage, totalPages, totalCount, hasNextPage: page.hasNextPage } : null}
        loadingNext={loadingNext}
        update={update}
      />

      {openLeadId && <LeadBreakdownPanel leadId={openLeadId} onClose={closeLead} />}
    </section>
  );
}

export default LeadScoringDashboard;
