import { useId } from 'react';
import { PAGE_SIZES, type PageSize, type UpdateParams } from '../hooks/useDashboardParams';
import { btn } from './DashboardFilters';

/** The id of the pagination bar, the target of the table's "Skip to pagination" link. */
export const PAGINATION_ID = 'pagination';

export interface PaginationProps {
  /** The page asked for (the URL's). */
  page: number;
  limit: PageSize;
  /** What the loaded answer says; null while nothing is loaded. */
  answer: { page: number; totalPages: number; totalCount: number; hasNextPage: boolean } | null;
  /** The next view is loading: Next waits for it. */
  loadingNext: boolean;
  update: UpdateParams;
}

/** "Page 2 of 5 · 230 leads", the page size (a view setting, not a filter) and Prev / Next. */
export function Pagination({ page, limit, answer, loadingNext, update }: PaginationProps) {
  const limitId = useId();
  // Past the last page (an old bookmark): Prev goes to the last page, not to another empty one.
  const pastEnd = !!answer && answer.page > answer.totalPages;
  const previous = pastEnd ? answer.totalPages : Math.max(1, page - 1);
  return (
    <nav
      id={PAGINATION_ID}
      tabIndex={-1}
      aria-label="Pagination"
      className="flex flex-wrap items-center justify-between gap-3 focus:outline-none"
    >
      <p className="text-sm text-slate-700" aria-live="polite" data-testid="page-status">
        {answer ? (
          <>
            {pastEnd
              ? `Page ${answer.page}, past the last page (${answer.totalPages})`
              : `Page ${answer.page} of ${answer.totalPages}`}
            <span className="text-slate-600">
              {' '}
              · {answer.totalCount} {answer.totalCount === 1 ? 'lead' : 'leads'}
            </span>
          </>
        ) : (
          <>Page {page}</>
        )}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={limitId} className="text-sm text-slate-700">
          Rows per page
        </label>
        <select
          id={limitId}
          value={limit}
          onChange={(e) => update({ limit: Number(e.target.value) as PageSize })}
          className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm"
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" className={btn} disabled={page <= 1} onClick={() => update({ page: previous })}>
          <span aria-hidden="true">←</span> {pastEnd ? `Last page (${answer.totalPages})` : 'Prev'}
        </button>
        <button
          type="button"
          className={btn}
          disabled={!answer?.hasNextPage || loadingNext}
          onClick={() => update({ page: page + 1 })}
        >
          Next <span aria-hidden="true">→</span>
        </button>
      </div>
    </nav>
  );
}
