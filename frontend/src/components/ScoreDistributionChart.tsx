import { useId, useState } from 'react';
import { describeError } from '../api/client';
import type { DashboardViewQuery, Priority } from '../gql/graphql';
import { PriorityLabel } from './ScoreBadge';

const PRIORITY_ORDER: Priority[] = ['HOT', 'WARM', 'COLD'];

function bandLabel(min: number, max: number): string {
  return `${min}–${max}`;
}

export interface ScoreDistributionChartProps {
  /** The view's distribution (fetched with the leads page, for the same filter). */
  dist: DashboardViewQuery['scoreDistribution'] | undefined;
  error?: unknown;
  isLoading?: boolean;
  /** True when `dist` answers the previous view (the current one failed to load). */
  previous?: boolean;
}

/**
 * Counts per 10-point score band for the current filter: a small div bar chart
 * (hidden from assistive tech) plus a text alternative listing every band. Below `sm` the
 * chart starts collapsed behind a toggle, so the table starts on the first screen.
 */
export function ScoreDistributionChart({ dist, error, isLoading = false, previous = false }: ScoreDistributionChartProps) {
  const titleId = useId();
  const countId = useId();
  const bodyId = useId();
  const [open, setOpen] = useState(false);
  const bands = dist ? [...dist.bands].sort((a, b) => a.min - b.min) : [];
  const maxCount = Math.max(1, ...bands.map((b) => b.count));

  return (
    <figure
      aria-labelledby={`${titleId} ${countId}`}
      className="relative rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm sm:p-4"
      data-testid="score-distribution"
    >
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2">
        <span id={titleId} className="text-sm font-semibold text-slate-800">
          Score distribution
        </span>
        <span className="flex items-baseline gap-2">
          {dist && (
            <span id={countId} className="text-xs text-slate-600">
              {dist.total} {dist.total === 1 ? 'lead' : 'leads'} {previous ? 'in your previous view' : 'in view'}
            </span>
          )}
          <button
            type="button"
            aria-expanded={open}
            aria-controls={bodyId}
            onClick={() => setOpen((o) => !o)}
            className="rounded px-1 text-xs font-medium text-blue-800 underline underline-offset-2 sm:hidden"
          >
            Chart <span aria-hidden="true">{open ? '▲' : '▼'}</span>
          </button>
        </span>
      </figcaption>
      <div id={bodyId} className={open ? '' : 'hidden sm:block'} data-testid="score-distribution-body">
        {isLoading && !dist && (
          <div className="mt-3 h-24 rounded bg-slate-100 ls-skeleton" aria-hidden="true" />
        )}
        {error != null && !dist && (
          <p className="mt-3 text-sm text-red-700" role="status">
            Distribution unavailable: {describeError(error)}
          </p>
        )}

        {dist && dist.total === 0 && <p className="mt-3 text-sm text-slate-600">No leads in this view.</p>}
        {dist && dist.total > 0 && (
          <>
            <div className="mt-3 flex h-28 items-end gap-1" aria-hidden="true">
              {bands.map((b) => (
                <div key={b.min} className="flex h-full min-w-0 flex-1 flex-col items-center justify-end">
                  <span className="text-[10px] leading-4 text-slate-600 tabular-nums">{b.count > 0 ? b.count : ''}</span>
                  <div
                    className="w-full rounded-t bg-blue-500"
                    style={{ height: `${(b.count / maxCount) * 80}%`, minHeight: b.count > 0 ? 2 : 0 }}
                    title={`${bandLabel(b.min, b.max)}: ${b.count}`}
                  />
                </div>
              ))}
            </div>
            <div className="mt-1 flex gap-1 border-t border-slate-300 pt-1" aria-hidden="true">
              {bands.map((b) => (
                <span key={b.min} className="min-w-0 flex-1 text-center text-[10px] text-slate-600 tabular-nums">
                  {b.min}
                </span>
              ))}
            </div>
            <ul className="sr-only">
              {bands.map((b) => (
                <li key={b.min}>
                  Score {bandLabel(b.min, b.max)}: {b.count} {b.count === 1 ? 'lead' : 'leads'}
                </li>
              ))}
            </ul>
            {dist.priorities.length > 0 && (
              <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
                {PRIORITY_ORDER.map((p) => {
                  const c = dist.priorities.find((x) => x.priority === p)?.count ?? 0;
                  return (
                    <span key={p} className="inline-flex items-center gap-1">
                      <PriorityLabel priority={p} />
                      <span className="tabular-nums">{c}</span>
                    </span>
                  );
                })}
              </p>
            )}
          </>
        )}
      </div>
    </figure>
  );
}
