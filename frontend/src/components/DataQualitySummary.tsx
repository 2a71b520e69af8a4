import type { DashboardViewQuery } from '../gql/graphql';
import { formatCount } from '../lib/format';

type DataQuality = DashboardViewQuery['dataQuality'];

export interface DataQualitySummaryProps {
  quality: DataQuality | undefined;
  staleDays: number;
  noActivity: boolean;
  stale: boolean;
  onToggleNoActivity: () => void;
  onToggleStale: () => void;
  /**
   * Whose leads the table shows when not the whole team's: the counts stay tenant-wide (the
   * API's `dataQuality`), so they say so, and that a chip filters only these leads.
   */
  narrowedTo?: 'mine' | 'owner' | null;
}

const chip =
  'inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-sm font-medium shadow-sm aria-pressed:border-blue-700 aria-pressed:bg-blue-50 aria-pressed:text-blue-900';

/**
 * How many of the tenant's leads have no activity data or have gone stale; each count is a
 * toggle for the matching filter (within the view: scope, owner and other filters apply).
 */
export function DataQualitySummary({
  quality,
  staleDays,
  noActivity,
  stale,
  onToggleNoActivity,
  onToggleStale,
  narrowedTo = null,
}: DataQualitySummaryProps) {
  const count = (n: number | undefined) => (n === undefined ? '…' : formatCount(n));
  // The counts answer for the threshold asked; while another one loads, show it as loading.
  const current = quality && quality.staleDays === staleDays ? quality : undefined;
  const title = narrowedTo ? 'Data quality in the whole team' : 'Data quality';
  return (
    <div role="group" aria-label={title} className="flex flex-wrap items-center gap-2" data-testid="data-quality">
      <span className="text-xs font-medium text-slate-700">{narrowedTo ? 'Data quality in the whole team:' : 'Data quality'}</span>
      <button
        type="button"
        aria-pressed={noActivity}
        onClick={onToggleNoActivity}
        className={`${chip} border-slate-300 bg-white text-slate-800`}
        data-testid="dq-no-activity"
      >
        No activity data
        <span className="rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-900">{count(quality?.noActivity)}</span>
      </button>
      <button
        type="button"
        aria-pressed={stale}
        onClick={onToggleStale}
        className={`${chip} border-slate-300 bg-white text-slate-800`}
        data-testid="dq-stale"
      >
        Stale (over {staleDays} {staleDays === 1 ? 'day' : 'days'})
        <span className="rounded-full bg-slate-200 px-1.5 text-xs tabular-nums text-slate-900">{count(current?.stale)}</span>
      </button>
      {quality && (
        <span className="text-xs text-slate-600" data-testid="dq-total">
          {narrowedTo
            ? `of ${formatCount(quality.total)} leads in the whole team; filtering by them shows only ${narrowedTo === 'mine' ? 'your' : "this owner's"} leads`
            : `of ${formatCount(quality.total)} leads`}
        </span>
      )}
    </div>
  );
}
