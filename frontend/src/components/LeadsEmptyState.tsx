import type { Scope } from '../hooks/useDashboardParams';
import { btn } from './DashboardFilters';
import { EmptyTenantHelp } from './EmptyTenantHelp';

export interface LeadsEmptyStateProps {
  /** Why the page is empty: past the last page, a tenant without leads, or nothing matches. */
  reason: 'pastEnd' | 'tenantEmpty' | 'noMatch';
  /** The page asked for, the last page and the total of the view (for "past the end"). */
  page: number;
  totalPages: number;
  totalCount: number;
  hasFilters: boolean;
  scope: Scope;
  tenantId: string | null;
  admin: boolean;
  onClear: () => void;
  onGoToPage: (page: number) => void;
}

const leads = (n: number) => `${n} ${n === 1 ? 'lead' : 'leads'}`;

/** What the table shows instead of rows, with the way out that fits the reason. */
export function LeadsEmptyState(p: LeadsEmptyStateProps) {
  return (
    <>
      {p.reason === 'pastEnd' ? (
        <>
          <p className="font-medium text-slate-800">This page is past the end</p>
          <p className="mt-1 text-sm text-slate-600">
            Page {p.page} is past the last page ({p.totalPages}) of these {leads(p.totalCount)}.
          </p>
        </>
      ) : p.reason === 'tenantEmpty' ? (
        <EmptyTenantHelp tenantId={p.tenantId} admin={p.admin} />
      ) : (
        <>
          <p className="font-medium text-slate-800">No leads match</p>
          <p className="mt-1 text-sm text-slate-600">
            {p.hasFilters
              ? 'Try another search, a lower minimum score or fewer filters.'
              : p.scope === 'mine'
                ? 'You own no scored leads yet. Choose "Everyone" to see the whole team.'
                : 'There are no scored leads yet.'}
          </p>
        </>
      )}
      <div className="mt-3 flex flex-wrap justify-center gap-2">
        {p.reason === 'pastEnd' && (
          <button type="button" className={btn} onClick={() => p.onGoToPage(p.totalPages)}>
            Go to the last page ({p.totalPages})
          </button>
        )}
        {p.hasFilters && p.reason !== 'pastEnd' && (
          <button type="button" className={btn} onClick={p.onClear}>
            Clear filters
          </button>
        )}
        {p.page > 1 && (p.reason !== 'pastEnd' || p.totalPages > 1) && (
          <button type="button" className={btn} onClick={() => p.onGoToPage(1)}>
            Go to first page
          </button>
        )}
      </div>
    </>
  );
}
